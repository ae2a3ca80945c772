"""The semantic model's types, seen through CO001 (unawaited coroutine calls): each receiver's type
comes from somewhere else than a constructor in the same statement."""

from __future__ import annotations

from helpers import dedent, write_project

from looplint.engine.workspace import Engine
from looplint.rules import all_rules

_APP = {
    "app/__init__.py": "",
    "app/base.py": "class Resource:\n    async def get(self, path):\n        return path\n",
    "app/store.py": (
        "from app.base import Resource\n\n"
        "class Store(Resource):\n"
        "    @classmethod\n"
        "    def create(cls):\n"
        "        return cls()\n\n"
        "def make_store() -> 'Store':\n"
        "    return Store()\n"
    ),
}


def _unawaited(tmp_path, files: dict[str, str], path: str = "tests/test_x.py") -> list[int]:
    root = write_project(tmp_path / "p", {**_APP, **{k: dedent(v) for k, v in files.items()}})
    engine = Engine([rule for rule in all_rules() if rule.code == "CO001"])
    result = engine.check_file(root / path)
    assert result.problem is None, result.problem
    return sorted(d.range.line for d in result.diagnostics)


def test_a_fixture_value_whose_class_the_test_module_never_imports(tmp_path):
    files = {
        "tests/conftest.py": """
            import pytest
            from app.store import Store

            @pytest.fixture
            def store():
                s = Store.create()
                yield s
        """,
        "tests/test_x.py": """
            async def test_get(store):
                store.get("/")
        """,
    }
    assert _unawaited(tmp_path, files) == [2]


def test_annotations_factories_and_returned_values(tmp_path):
    files = {
        "tests/test_x.py": """
            from typing import Optional
            from app.store import Store, make_store

            async def test_optional(store: Optional[Store]):
                store.get("/")

            async def test_string(store: "Store | None"):
                store.get("/")

            async def test_factories():
                Store.create().get("/")
                make_store().get("/")
        """,
    }
    assert _unawaited(tmp_path, files) == [5, 8, 11, 12]


def test_attributes_from_any_method_and_from_methods_that_build_them(tmp_path):
    files = {
        "tests/test_x.py": """
            import unittest
            from app.store import Store

            class T(unittest.IsolatedAsyncioTestCase):
                def setUp(self):
                    self.store = self.build()

                def build(self) -> Store:
                    return Store()

                def connect(self):
                    self.other = Store()

                async def test_a(self):
                    self.store.get("/")
                    self.other.get("/")
        """,
    }
    assert _unawaited(tmp_path, files) == [15, 16]


def test_an_attribute_given_two_types_is_unknown(tmp_path):
    files = {
        "tests/test_x.py": """
            import unittest
            from app.store import Store

            class Plain:
                def get(self, path):
                    return path

            class T(unittest.IsolatedAsyncioTestCase):
                def setUp(self):
                    self.store = Store()

                def swap(self):
                    self.store = Plain()

                async def test_a(self):
                    self.store.get("/")
        """,
    }
    assert _unawaited(tmp_path, files) == []


def test_library_clients_in_setup_and_in_async_with(tmp_path):
    files = {
        "tests/test_x.py": """
            import unittest
            import httpx

            class T(unittest.IsolatedAsyncioTestCase):
                def setUp(self):
                    self.client = httpx.AsyncClient()

                async def test_a(self):
                    self.client.get("/")
                    async with httpx.AsyncClient() as client:
                        client.post("/")
                    async with httpx.AsyncClient() as client:
                        await client.post("/")
        """,
    }
    assert _unawaited(tmp_path, files) == [9, 11]


def test_a_sync_wrapper_that_returns_a_coroutine(tmp_path):
    files = {
        "tests/test_x.py": """
            from app.store import Store

            STORE = Store()

            def fetch(path):
                return STORE.get(path)

            def maybe(path):
                if path:
                    return STORE.get(path)
                return None

            async def test_a():
                fetch("/")
                maybe("/")
                assert await fetch("/x")
        """,
    }
    # `maybe` returns None on a path: not certainly a coroutine.
    assert _unawaited(tmp_path, files) == [14]


def test_a_name_whose_value_depends_on_itself(tmp_path):
    files = {
        "tests/test_x.py": """
            async def test_walk(start):
                node = start
                while node is not None:
                    node = node.parent
                node = node.parent.parent
                node.get("/")
        """,
    }
    assert _unawaited(tmp_path, files) == []


def test_a_global_the_function_rebinds_is_unknown(tmp_path):
    files = {
        "tests/test_x.py": """
            from app.store import Store

            store = Store()

            def test_swap():
                global store
                original = store
                try:
                    store.get("/")
                finally:
                    store = original
        """,
    }
    assert _unawaited(tmp_path, files) == []


def test_names_called_inside_a_lambda_resolve_without_a_crash(tmp_path):
    # A lambda's body is one expression, not statements: nothing in it declares `global`. A call of
    # a name inside one (resolved by AP002 and CO001) used to crash the whole file.
    root = write_project(tmp_path / "p", {"tests/test_lambda.py": dedent("""
        import asyncio
        calls = 0

        async def work():
            global calls  # a `global` anywhere in the file makes every scope's declarations read
            calls += 1

        async def test_x():
            loop = asyncio.get_running_loop()
            go = lambda: asyncio.run(work())
            await loop.run_in_executor(None, lambda: go())
            check = lambda coro: coro
            check(work())
        """)})
    result = Engine(all_rules()).check_file(root / "tests/test_lambda.py")
    assert result.problem is None, result.problem
    assert [d.code for d in result.diagnostics] == ["PA001"]  # no plugin runs it; nothing else is wrong


def test_aiohttp_session_requests_sent_only_when_awaited_or_entered(tmp_path):
    files = {
        "tests/test_x.py": """
            import aiohttp

            async def test_a():
                async with aiohttp.ClientSession() as session:
                    session.get("http://x")
                    async with session.get("http://x") as resp:
                        await resp.text()
                    pending = session.post("http://y")
                    async with pending as answer:
                        assert answer
                    await session.delete("http://z")
            """,
    }
    assert _unawaited(tmp_path, files) == [5]  # the bare `session.get(...)` only
def test_an_annotated_attribute_before_one_bound_from_a_parameter(tmp_path):
    # `self.a: Store = store` then `self.b = store` in one method: the annotation's name and the
    # parameters' annotations shared a variable, and the whole file crashed (AttributeError).
    files = {
        "tests/test_x.py": """
            import unittest
            from app.store import Store

            class T(unittest.IsolatedAsyncioTestCase):
                def attach(self, store: Store):
                    self.a: Store = store
                    self.b = store

                async def test_a(self):
                    self.a.get("/")
                    self.b.get("/")
        """,
    }
    assert _unawaited(tmp_path, files) == [10, 11]


def test_a_parameter_whose_annotation_names_the_parameter(tmp_path):
    # `def check(mock: mock.MagicMock)`: resolving `mock` asked for the parameter's own type again
    # (RecursionError, the file reported as too deeply nested); the type is unknown instead.
    files = {
        "tests/test_x.py": """
            from unittest import mock
            from app.store import Store

            async def test_a():
                def check(mock: mock.MagicMock):
                    mock.get("/")
                check(mock.MagicMock())
                Store().get("/")
        """,
    }
    assert _unawaited(tmp_path, files) == [8]


def test_a_class_held_in_a_class_attribute_and_instantiated_through_it(tmp_path):
    files = {
        "tests/test_x.py": """
            import unittest
            import httpx
            from app.store import Store

            class Plain:
                def get(self, path):
                    return path

            class T(unittest.IsolatedAsyncioTestCase):
                client_class = httpx.AsyncClient
                store_class = Store

                async def test_a(self):
                    self.client_class().get("/")
                    self.store_class().get("/")
                    type(self).store_class().get("/")
                    self.__class__.store_class().get("/")
                    T.store_class().get("/")

                async def test_quiet(self):
                    await self.store_class().get("/")
                    self.store_class().close()

            class Swapped(T):
                store_class = Plain

                async def test_b(self):
                    self.store_class().get("/")

            class Rebound(unittest.IsolatedAsyncioTestCase):
                store_class = Store

                @classmethod
                def setUpClass(cls):
                    cls.store_class = Plain

                async def test_c(self):
                    self.store_class().get("/")
        """,
    }
    # The subclass's own class attribute wins; one a method rebinds is unknown.
    assert _unawaited(tmp_path, files) == [14, 15, 16, 17, 18]


def test_module_globals_annotated_or_set_by_a_function_that_declares_them_global(tmp_path):
    files = {
        "tests/test_x.py": """
            from typing import Optional
            import httpx
            import pytest
            from app.store import Store

            class Plain:
                def get(self, path):
                    return path

            service: "Store | None" = None
            client: Optional[httpx.AsyncClient] = None
            store = None
            mixed = None
            replaced = Store()

            def setUpModule():
                global service, store, mixed
                service = Store()
                store = Store()
                mixed = Store()

            @pytest.fixture(autouse=True)
            def connect():
                global client, mixed, replaced
                client = httpx.AsyncClient()
                mixed = Plain()
                replaced = make()

            async def test_a():
                service.get("/")
                client.get("/")
                store.get("/")
                await store.get("/")
                mixed.get("/")
                replaced.get("/")
        """,
    }
    # `mixed` is bound to two classes, `replaced` to something unknown: both unknown.
    assert _unawaited(tmp_path, files) == [30, 31, 32]


def test_properties_self_annotations_and_unpacking(tmp_path):
    files = {
        "tests/test_x.py": """
            from typing import Self
            from app.store import Store

            class Plain:
                def get(self, path):
                    return path

            class Holder:
                def __init__(self):
                    self._store = Store()

                @property
                def store(self):
                    return self._store

                @property
                def plain(self):
                    return Plain()

                @classmethod
                def create(cls) -> Self:
                    return cls.__new__(cls)

                async def get(self, path):
                    return path

            async def test_a():
                Holder().store.get("/")
                Holder().plain.get("/")
                Holder.create().get("/")
                first, second = Store(), Plain()
                first.get("/")
                second.get("/")
                head, *rest = Store(), Plain()
                head.get("/")
        """,
    }
    assert _unawaited(tmp_path, files) == [28, 30, 32]  # `head, *rest = ...`: not element by element


def test_an_attribute_built_through_a_class_attribute(tmp_path):
    files = {
        "tests/test_x.py": """
            import unittest
            from app.store import Store

            def factory():
                return object()

            class T(unittest.IsolatedAsyncioTestCase):
                store_class = Store
                make = factory

                def setUp(self):
                    self.store = self.store_class()
                    self.other = self.make()

                async def test_a(self):
                    self.store.get("/")
                    self.other.get("/")
        """,
    }
    assert _unawaited(tmp_path, files) == [16]


def test_context_manager_functions_conditional_values_and_partials(tmp_path):
    files = {
        "tests/test_x.py": """
            import contextlib
            import functools
            from app.store import Store

            class Plain:
                def get(self, path):
                    return path

            @contextlib.asynccontextmanager
            async def opened():
                store = Store()
                yield store

            @contextlib.contextmanager
            def sync_opened():
                yield Store()

            @contextlib.contextmanager
            def either(flag):
                yield Store() if flag else Plain()

            async def test_a(flag):
                async with opened() as a:
                    a.get("/")
                    await a.get("/")
                with sync_opened() as b:
                    b.get("/")
                with either(flag) as c:
                    c.get("/")
                d = Store() if flag else None
                d.get("/")
                e = Store() if flag else Plain()
                e.get("/")
                make = functools.partial(Store)
                make().get("/")
                plain = functools.partial(Plain)
                plain().get("/")
        """,
    }
    assert _unawaited(tmp_path, files) == [24, 27, 31, 35]


def test_an_attribute_an_autouse_fixture_method_sets_from_a_fixture(tmp_path):
    files = {
        "tests/conftest.py": """
            import pytest
            from app.store import Store

            @pytest.fixture
            def store():
                return Store()
        """,
        "tests/test_x.py": """
            import pytest

            class TestA:
                @pytest.fixture(autouse=True)
                def _inject(self, store):
                    self.store = store
                    yield
                    self.store = None

                async def test_a(self):
                    self.store.get("/")
                    await self.store.get("/")

            class TestB:
                @pytest.fixture(autouse=True)
                def _inject(self, store):
                    self.store = store

                def use(self, other):
                    self.store = other

                async def test_b(self):
                    self.store.get("/")
        """,
    }
    # TestB's attribute is also set to a value of unknown type: unknown.
    assert _unawaited(tmp_path, files) == [11]


def test_class_qualifiers_type_of_a_class_and_casts(tmp_path):
    files = {
        "tests/test_x.py": """
            import unittest
            from typing import Annotated, ClassVar, Type, cast
            import httpx
            from app.store import Store

            class T(unittest.IsolatedAsyncioTestCase):
                client_class: ClassVar[type[httpx.AsyncClient]] = httpx.AsyncClient
                store_class: Type[Store] = Store
                store: Annotated[Store, "set in asyncSetUp"]

                async def test_a(self):
                    self.client_class().get("/")
                    self.store_class().get("/")
                    self.store.get("/")
                    cast(Store, object()).get("/")
                    cast(object, Store()).get("/")
        """,
    }
    assert _unawaited(tmp_path, files) == [12, 13, 14, 15]  # `cast(object, ...)` promises nothing


def test_a_loop_run_one_typed_step_away_is_lp001(tmp_path):
    files = {
        "app/runner.py": """
            import asyncio

            class Runner:
                def run_sync(self, coro):
                    return asyncio.run(coro)

            class Api:
                runner_class = Runner

                def __init__(self):
                    self._runner = Runner()

                @property
                def runner(self):
                    return self._runner
        """,
        "tests/test_x.py": """
            import unittest
            from app.runner import Api, Runner

            runner = None

            def setUpModule():
                global runner
                runner = Runner()

            async def work():
                return 1

            class T(unittest.IsolatedAsyncioTestCase):
                async def test_a(self):
                    runner.run_sync(work())
                    Api().runner.run_sync(work())
                    Api.runner_class().run_sync(work())

                def test_sync(self):
                    Api().runner.run_sync(work())
        """,
    }
    root = write_project(tmp_path / "p", {**_APP, **{k: dedent(v) for k, v in files.items()}})
    engine = Engine([rule for rule in all_rules() if rule.code == "LP001"])
    result = engine.check_file(root / "tests/test_x.py")
    assert result.problem is None, result.problem
    assert sorted(d.range.line for d in result.diagnostics) == [15, 16, 17]


def test_a_type_checker_ignore_for_an_unused_coroutine_suppresses_co001(tmp_path):
    files = {
        "tests/test_x.py": """
            from app.store import Store

            class Holder:
                store = None

                def __init__(self):
                    self.store = Store()

            async def test_a(closing_is_sync):
                holder = Holder()
                holder.store.get("/")
                holder.store.get("/")  # type: ignore[unused-coroutine]
                holder.store.get("/")  # pyright: ignore[reportUnusedCoroutine]
                holder.store.get("/")  # type: ignore
                holder.store.get("/")  # type: ignore[attr-defined]
        """,
    }
    # The class-level `store = None` is a default; a bare `# type: ignore` or another code says nothing.
    assert _unawaited(tmp_path, files) == [11, 14, 15]


def test_receiver_bindings_read_statement_by_statement_equal_a_full_walk():
    """A method whose text holds no `setattr`/`delattr` and no comprehension target on an attribute
    is read statement by statement; that must find exactly what walking every node finds."""
    import ast
    import asyncio as _asyncio
    from pathlib import Path as _Path

    from looplint.engine.semantic.types import _EXPRESSION_BINDING, _receiver_assignments

    def key(found):
        return sorted((attr, kind, id(expr)) for attr, items in found.items() for _, kind, expr in items)

    test_dir = _Path(_asyncio.__file__).resolve().parent.parent / "test"
    files = sorted(test_dir.glob("test_*.py"))[:60] + sorted((test_dir / "test_asyncio").glob("test_*.py"))
    compared = 0
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        try:
            tree = ast.parse(text)
        except SyntaxError:
            continue
        lines = text.split("\n")
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                own_text = "\n".join(lines[node.lineno - 1 : node.end_lineno])
                if _EXPRESSION_BINDING.search(own_text):
                    continue
                assert key(_receiver_assignments(node, False)) == key(_receiver_assignments(node, True)), (
                    path.name, node.name, node.lineno)
                compared += 1
    assert compared > 1000


def test_an_async_mock_handed_out_by_a_module_that_never_names_it_here(tmp_path):
    """Calls are resolved only under the names a coroutine function can have, unless an AsyncMock
    (whose every attribute is one) is reachable: made in this file or in a module it reaches."""
    files = {
        "tests/helpers.py": """
            from unittest import mock

            def make_client():
                return mock.AsyncMock()
        """,
        "tests/test_x.py": """
            from unittest.mock import MagicMock
            from tests.helpers import make_client

            async def test_fetch():
                spy = MagicMock()
                client = make_client()
                client.fetch_everything()
                spy.fetch_everything()
        """,
        "tests/test_y.py": """
            from unittest import mock

            def make():
                return mock.AsyncMock()

            async def test_fetch():
                client = make()
                client.fetch_everything()
                mock.MagicMock().fetch_everything()
        """,
    }
    root = write_project(tmp_path / "p", {**_APP, **{k: dedent(v) for k, v in files.items()}})
    engine = Engine([rule for rule in all_rules() if rule.code == "CO005"])
    found = {}
    for name in ("tests/test_x.py", "tests/test_y.py"):
        result = engine.check_file(root / name)
        assert result.problem is None, result.problem
        found[name] = [d.range.line for d in result.diagnostics]
    assert found == {"tests/test_x.py": [7], "tests/test_y.py": [8]}
