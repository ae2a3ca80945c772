"""UT001: async test methods on a TestCase whose runner never awaits them."""

from __future__ import annotations

import ast
from pathlib import Path

from ..engine.checker import FileContext
from ..engine.fixer import FixContext
from ..engine.model import Diagnostic, Range, Related, Severity
from ..engine.rule import Invalid, Rule, RuntimeExample, Symptom, Valid
from ._migrate import SEED_BASE, SEED_BASE_MIGRATED, SEED_PROJECT, SEED_TEST, base_migration_data, base_migration_title, bridging_base, migrate_base
from ._unittest import change_base_to_isolated, find_class
from .helpers import PRESERVES, class_decorators_verdict, is_test_method_name, method_decorators_verdict

_SYNC_BASES = ("unittest.TestCase",)



class AsyncTestOnSyncTestCase(Rule):
    code = "UT001"
    name = "async-test-on-sync-testcase"
    severity = Severity.ERROR
    summary = "An `async def test_*` on a `unittest.TestCase` that is not an `IsolatedAsyncioTestCase` never runs."
    message = "Async test `{method}` never runs: `{cls}` derives from `unittest.TestCase`, not `IsolatedAsyncioTestCase`"
    fix_safety = "unsafe"
    fix_edits_elsewhere = True  # its migration reads and edits other statements (helpers, imports, bases)
    fix_title = "Make the class derive from unittest.IsolatedAsyncioTestCase"
    tokens = ("async def",)
    local = True
    position_data = {"class_line": "line"}
    symptoms = (
        Symptom(
            when="every Python version (3.10–3.15 run here)",
            output="RuntimeWarning: coroutine '...' was never awaited",
            envs=("py310", "py311", "py312", "py313", "py314", "py315"),
        ),
        Symptom(
            when="Python 3.11 and later",
            output="DeprecationWarning: It is deprecated to return a value that is not None from a test case",
            envs=("py311", "py312", "py313", "py314", "py315"),
        ),
    )
    explanation = """
    `unittest.TestCase` calls each test method and ignores what it returns. An
    `async def` method returns a coroutine object, which is dropped unawaited:
    **the test is reported as passing although its body never ran.** Only
    `unittest.IsolatedAsyncioTestCase` (or a framework base that runs async
    tests itself, such as Django's `SimpleTestCase` family) awaits them. pytest
    hands unittest classes back to unittest, so `@pytest.mark.asyncio` does not
    help either.

    ### How to fix
    Derive the class from `unittest.IsolatedAsyncioTestCase`. If the class
    reaches `TestCase` through your own base classes, consider making the base
    itself asynchronous. Review the change: the class then gets a fresh event
    loop per test, set as the current loop during `setUp`.

    ```python
    class TestAgent(unittest.IsolatedAsyncioTestCase):
        async def test_reply(self):
            self.assertEqual(await agent.reply("hi"), "hello")
    ```

    Not reported: classes whose bases cannot be resolved (third-party or
    dynamic), classes whose chain runs tests its own way (an `__init_subclass__`
    or a metaclass that rewrites test methods, an override of `run`, `__call__`,
    `debug`, `_callTestMethod` or `__getattribute__` that is not provably a
    plain synchronous wrapper, a project class decorator on a base), tests wrapped in decorators that run them (`aiounittest.async_test`,
    `asgiref.sync.async_to_sync`, `tornado.testing.gen_test`, your own listed
    in `async-test-decorators`, or project decorators that call
    `run_until_complete`/`asyncio.run`), and decorators looplint cannot see into.
    """

    def visit_ClassDef(self, node: ast.ClassDef, ctx: FileContext) -> None:
        if ctx.scope.kind != "module":
            return
        model = ctx.class_model(node)
        if model is None or not model.is_plain_sync_testcase:
            return
        if node.decorator_list and class_decorators_verdict(ctx, node) != PRESERVES:
            return
        chain = model.describe_chain()
        migration = _base_migration(ctx, model)
        for method_name, (path, owner, function) in model.methods.items():
            if not (function.is_async and is_test_method_name(method_name)):
                continue
            if function.decorators:
                # Decorators that run the test, or that looplint cannot see
                # into, may make it run: stay quiet unless all keep it async.
                if method_decorators_verdict(ctx.project, path, function.decorators) != PRESERVES:
                    continue
            reason = (
                f"Class chain: `{chain}`, no `IsolatedAsyncioTestCase` and no base that runs async tests, "
                f"so unittest calls `{method_name}()` and discards the coroutine."
            )
            data = {"class_line": node.lineno, "class": node.name, **(migration or {})}
            if migration is not None:
                base_path, base = migration["base"]
                reason += (f"\n\n`{base}` ({ctx.project.relpath(Path(base_path))}) runs `asyncSetUp` itself from a sync "
                           f"hook: the fix makes `{base}` an `IsolatedAsyncioTestCase` and drops what ran the async "
                           "hooks, once for every class built on it.")
            if path == ctx.path and owner == node.name:
                method_node = _find_method(node, method_name)
                if method_node is None:
                    continue
                ctx.report(
                    self,
                    range=ctx.name_range(method_node),
                    fields={"method": method_name, "cls": node.name},
                    reason=reason,
                    data=data,
                    related=ctx.related_class(model),
                    never_runs=method_node,
                    fix_title=_migration_title(ctx, migration),
                )
            elif owner != node.name and not _owner_is_testcase(ctx, path, owner):
                # Inherited from a mixin that is not a TestCase itself: the
                # concrete class is where the test silently passes.
                ctx.report(
                    self,
                    range=ctx.name_range(node),
                    message=(
                        f"Async test `{method_name}` inherited from `{owner}` never runs: `{node.name}` derives "
                        "from `unittest.TestCase`, not `IsolatedAsyncioTestCase`"
                    ),
                    reason=reason,
                    data=data,
                    related=[Related(path, Range(function.line, function.col, function.line,
                                                 function.col + len(method_name)), f"`{method_name}` is defined here")],
                    fix_title=_migration_title(ctx, migration),
                )

    def fix(self, fixer: FixContext, diagnostic: Diagnostic) -> None:
        if "base" in diagnostic.data:
            migrate_base(fixer, diagnostic.data)
            return
        change_base_to_isolated(fixer, find_class(fixer, diagnostic.data["class_line"]))

    examples = (
        Valid(
            files={
                "test/__init__.py": "",
                "test/asynchronous/__init__.py": (
                    "import asyncio, unittest\n\n"
                    "_IS_SYNC = False\n\n"
                    "class AsyncCase(unittest.TestCase):\n"
                    "    if not _IS_SYNC:\n"
                    "        def _callTestMethod(self, method):\n"
                    "            self._loop.run_until_complete(method())\n"
                ),
            },
            path="test/asynchronous/test_client.py",
            source=(
                "from test.asynchronous import AsyncCase\n\n"
                "class TestClient(AsyncCase):\n"
                "    async def test_a(self):\n"
                "        pass\n"
            ),
            why="test dispatch defined in a class-body branch on a module constant (generated sync/async twins)",
        ),
        Invalid(
            # The migration: one change at the base that runs asyncSetUp itself (in another package);
            # the test module is left as it is.
            files={"test_framework/__init__.py": "", "test_framework/base.py": SEED_BASE},
            source=SEED_TEST.replace("__SENTINEL__\n        ", ""),
            at=(8, 15),
            unsafe=True,
            message_contains="TestService",
            fixed=SEED_TEST.replace("__SENTINEL__\n        ", ""),
            fixed_files={"test_framework/base.py": SEED_BASE_MIGRATED},
        ),
        Invalid(
            source=(
                "import unittest\n"
                "\n"
                "class T(unittest.TestCase):\n"
                "    async def test_never_runs(self):\n"
                '        self.fail("never runs")\n'
            ),
            at=(4, 15),
            end=(4, 30),
            fixed=(
                "import unittest\n"
                "\n"
                "class T(unittest.IsolatedAsyncioTestCase):\n"
                "    async def test_never_runs(self):\n"
                '        self.fail("never runs")\n'
            ),
            unsafe=True,
        ),
        Invalid(
            # The base lives in another package; pre-commit runs looplint on the test file alone.
            files={
                "test_framework/__init__.py": "",
                "test_framework/base.py": (
                    "import unittest\n\n"
                    "class BaseTestCase(unittest.TestCase):\n"
                    "    def setUp(self):\n"
                    "        self.ready = True\n\n"
                    "class AsyncTestCase(BaseTestCase):\n"
                    "    pass\n"
                ),
            },
            source=(
                "from test_framework.base import AsyncTestCase\n"
                "\n"
                "class TestAgent(AsyncTestCase):\n"
                "    async def test_reply(self):\n"
                "        assert False\n"
            ),
            at=(4, 15),
            message_contains="TestAgent",
            fixed=(
                "from test_framework.base import AsyncTestCase\n"
                "import unittest\n"
                "\n"
                "class TestAgent(AsyncTestCase, unittest.IsolatedAsyncioTestCase):\n"
                "    async def test_reply(self):\n"
                "        assert False\n"
            ),
            unsafe=True,
        ),
        Invalid(
            # `from unittest import TestCase` and an alias through __init__ re-exports.
            files={
                "helpers/__init__.py": "from .cases import Base as PublicBase\n",
                "helpers/cases.py": "from unittest import TestCase\n\nclass Base(TestCase):\n    pass\n",
            },
            source="from helpers import PublicBase\n\nclass TestX(PublicBase):\n    async def test_a(self):\n        pass\n",
            at=(4, 15),
        ),
        Valid(
            files={
                "framework/__init__.py": "",
                "framework/testcases.py": (
                    "import inspect\n"
                    "import unittest\n"
                    "from asgiref.sync import async_to_sync\n\n"
                    "class SimpleTestCase(unittest.TestCase):\n"
                    "    def __call__(self, result=None):\n"
                    "        return self._setup_and_call(result)\n\n"
                    "    def _setup_and_call(self, result):\n"
                    "        method = getattr(self, self._testMethodName)\n"
                    "        if inspect.iscoroutinefunction(method):\n"
                    "            setattr(self, self._testMethodName, async_to_sync(method))\n"
                    "        return super().__call__(result)\n"
                ),
            },
            source=(
                "from framework.testcases import SimpleTestCase\n\n"
                "class T(SimpleTestCase):\n"
                "    async def test_runs(self):\n"
                "        pass\n"
            ),
            why="a project base whose test dispatch wraps coroutine tests itself (Django's own SimpleTestCase)",
        ),
        Valid(
            source=(
                "import unittest\n\n"
                "class T(unittest.IsolatedAsyncioTestCase):\n"
                "    async def test_runs(self):\n"
                "        pass\n"
            ),
            why="IsolatedAsyncioTestCase awaits async tests",
        ),
        Valid(
            source=(
                "from somewhere_unknown import FancyAsyncCase\n\n"
                "class T(FancyAsyncCase):\n"
                "    async def test_runs(self):\n"
                "        pass\n"
            ),
            why="an unresolvable third-party base may run async tests",
        ),
        Valid(
            source=(
                "from django.test import TestCase\n\n"
                "class T(TestCase):\n"
                "    async def test_view(self):\n"
                "        pass\n"
            ),
            why="Django's SimpleTestCase family wraps async tests with async_to_sync",
        ),
        Valid(
            source=(
                "import unittest\n"
                "import aiounittest\n\n"
                "class T(unittest.TestCase):\n"
                "    @aiounittest.async_test\n"
                "    async def test_runs(self):\n"
                "        pass\n"
            ),
            why="decorators that run the coroutine synchronously",
        ),
        Valid(
            files={
                "tests/util.py": (
                    "import asyncio, functools\n\n"
                    "def run_async(fn):\n"
                    "    @functools.wraps(fn)\n"
                    "    def wrapper(*args, **kwargs):\n"
                    "        return asyncio.get_event_loop().run_until_complete(fn(*args, **kwargs))\n"
                    "    return wrapper\n"
                ),
            },
            source=(
                "import unittest\n"
                "from tests.util import run_async\n\n"
                "class T(unittest.TestCase):\n"
                "    @run_async\n"
                "    async def test_runs(self):\n"
                "        pass\n"
            ),
            why="a project decorator that drives the loop itself",
        ),
        Valid(
            source=(
                "import unittest\n"
                "from mylib.testing import async_test\n\n"
                "class T(unittest.TestCase):\n"
                "    @async_test\n"
                "    async def test_runs(self):\n"
                "        pass\n"
            ),
            settings={"async-test-decorators": ["mylib.testing.async_test"]},
            why="decorators listed in async-test-decorators",
        ),
        Valid(
            source=(
                "import unittest\n\n"
                "class T(unittest.TestCase):\n"
                "    async def helper(self):\n"
                "        pass\n"
                "    def test_sync(self):\n"
                "        pass\n"
            ),
            why="async helpers that are not tests",
        ),
        Valid(
            files={
                "tests/__init__.py": "",
                "tests/utils.py": (
                    "import asyncio, functools, unittest\n\n"
                    "class AsyncioTestCase(unittest.TestCase):\n"
                    "    def __init_subclass__(cls, **kwargs):\n"
                    "        super().__init_subclass__(**kwargs)\n"
                    "        for name in unittest.defaultTestLoader.getTestCaseNames(cls):\n"
                    "            test = getattr(cls, name)\n"
                    "            if asyncio.iscoroutinefunction(test):\n"
                    "                setattr(cls, name, cls.convert(test))\n\n"
                    "    @staticmethod\n"
                    "    def convert(test):\n"
                    "        @functools.wraps(test)\n"
                    "        def run(self, *args):\n"
                    "            return self.loop.run_until_complete(test(self, *args))\n"
                    "        return run\n"
                ),
            },
            path="tests/test_client.py",
            source=(
                "from .utils import AsyncioTestCase\n\n"
                "class ClientTests(AsyncioTestCase):\n"
                "    async def test_connect(self):\n"
                "        pass\n"
            ),
            why="a base whose __init_subclass__ rewrites coroutine test methods into sync ones (websockets)",
        ),
        Valid(
            files={
                "testing/__init__.py": (
                    "import unittest\n\n"
                    "class AsyncRunner(unittest.TestCase):\n"
                    "    def _callTestMethod(self, method):\n"
                    "        self._runner.run(method())\n"
                ),
            },
            source=(
                "from testing import AsyncRunner\n\n"
                "class T(AsyncRunner):\n"
                "    async def test_runs(self):\n"
                "        pass\n"
            ),
            why="a base that overrides how test methods are called",
        ),
        Invalid(
            files={
                "tests/base.py": (
                    "import logging, unittest\n\n"
                    "class LoggedCase(unittest.TestCase):\n"
                    "    def run(self, result=None):\n"
                    "        logging.info('running %s', self.id())\n"
                    "        return super().run(result)\n"
                ),
            },
            source=(
                "from tests.base import LoggedCase\n\n"
                "class T(LoggedCase):\n"
                "    async def test_never_runs(self):\n"
                "        pass\n"
            ),
            at=(4, 15),
            fixed=(
                "from tests.base import LoggedCase\n"
                "import unittest\n\n"
                "class T(LoggedCase, unittest.IsolatedAsyncioTestCase):\n"
                "    async def test_never_runs(self):\n"
                "        pass\n"
            ),
            unsafe=True,
        ),
    )

    runtime = (
        RuntimeExample(
            files={
                "test_example.py": (
                    "import unittest\n\n"
                    "class T(unittest.TestCase):\n"
                    "    async def test_never_runs(self):\n"
                    "        __SENTINEL__\n"
                    "        self.assertTrue(True)\n"
                ),
            },
            runner="unittest",
            outcome="passed",
            body_ran=False,
            symptoms=symptoms,
            envs=("py310", "py311", "py312", "py313", "py314", "py315"),
        ),
        RuntimeExample(
            # The seed: a base that runs asyncSetUp itself through a helper sniffing for pytest. The fix is
            # one change at the base (an IsolatedAsyncioTestCase, the bridge gone); the test file is unchanged.
            files=SEED_PROJECT,
            runner="unittest",
            outcome="passed",
            body_ran=False,
            symptoms=symptoms,
            envs=("py310", "py311", "py312", "py313"),
            note="the async test never runs; migrated, asyncSetUp and the test run on the base's own loop",
        ),
        RuntimeExample(
            # The same under pytest (the helper takes its thread-pool branch there).
            files=SEED_PROJECT,
            runner="pytest",
            outcome="passed",
            body_ran=False,
            symptoms=symptoms[:1],
            envs=("py311",),
            note="pytest hands the class back to unittest: the same silent pass; migrated, the test runs",
        ),
    )


def _base_migration(ctx: FileContext, model) -> dict | None:
    """The migration of the chain's bridging base (the class that runs asyncSetUp itself), if any."""
    base = bridging_base(ctx.project, model)
    return base_migration_data(ctx.project, base) if base is not None else None


def _migration_title(ctx: FileContext, migration: dict | None) -> str | None:
    return base_migration_title(ctx, migration) if migration is not None else None


def _find_method(node: ast.ClassDef, name: str) -> ast.AsyncFunctionDef | None:
    for item in node.body:
        if isinstance(item, ast.AsyncFunctionDef) and item.name == name:
            return item
    return None


def _owner_is_testcase(ctx: FileContext, path, owner: str) -> bool:
    from ..engine.symbols import ProjectClass

    model = ctx.project.class_model(ProjectClass(path, owner))
    return model is not None and model.is_testcase is True

