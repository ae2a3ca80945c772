"""CO001: a coroutine function called as a statement (or into a name never read): never awaited."""

from __future__ import annotations

import ast

from ..engine.fixer import cst  # libcst, imported when a fix is built

from ..engine import knowledge
from ..engine.checker import FileContext
from ..engine.fixer import FixContext, FixUnavailable
from ..engine.model import Diagnostic, Severity
from ..engine.symbols import External
from . import _coroutines as co
from ..engine.rule import Invalid, Rule, RuntimeExample, Symptom, Valid
from .helpers import expects_call_error, expects_unawaited_warning

_PYTEST_INI = "[pytest]\nasyncio_default_fixture_loop_scope = function\n"
_ALL_ENVS = ("py310", "py311", "py312", "py313", "py314", "py315", "py311-pytest84-pa10", "py311-pytest83-pa023")


# The start of the example about types one step away (the source and the fixed text go on differently).
_ONE_STEP_AWAY = (
    "import unittest\n"
    "import httpx\n"
    "from app.service import Service\n\n"
    "service: \"Service | None\" = None\n\n"
    "def setUpModule():\n"
    "    global service\n"
    "    service = Service()\n\n"
    "class T(unittest.IsolatedAsyncioTestCase):\n"
    "    client_class = httpx.AsyncClient\n\n"
    "    async def test_get(self):\n"
)

# The start of the examples about a method replaced by a Mock (the test goes on differently in each).
_SESSION_TEST = (
    "from unittest.mock import Mock\n\n"
    "class Session:\n"
    "    async def begin(self):\n"
    "        pass\n\n"
    "async def test_begin():\n"
    "    session = Session()\n"
)


class UnawaitedCoroutineCall(Rule):
    code = "CO001"
    name = "unawaited-coroutine-call"
    severity = Severity.ERROR
    summary = "A coroutine function is called but its coroutine is never awaited, so its body never runs."
    message = "Coroutine `{callee}()` is never awaited: its body does not run"
    fix_safety = "safe"
    fix_title = "Add `await`"
    local = True
    same_as = ("unused-coroutine", "reportUnusedCoroutine")  # mypy's error code, pyright's rule
    symptoms = (
        Symptom(
            when="every version (3.10–3.15; pytest-asyncio 0.23, 1.0, 1.5; unittest)",
            output="RuntimeWarning: coroutine '...' was never awaited",
            envs=_ALL_ENVS,
        ),
    )
    explanation = """
    Calling an `async def` function does not run it: it returns a coroutine
    object, and only `await` (or a task) runs its body. As a statement, the
    coroutine is dropped at once; Python prints a `RuntimeWarning` when it is
    garbage-collected, and the test goes on and **passes** without the call
    having happened. `-W error::RuntimeWarning` does not help: the warning is
    raised from a finalizer, so pytest turns it into a
    `PytestUnraisableExceptionWarning` and the test still passes.

    Reported: expression statements whose value is such a call, and
    assignments `x = coro()` whose name is never read afterwards. Callees
    count when looplint can resolve them to a coroutine function: `async def`
    functions and methods of the project (through imports, `self.method()`
    through the class chain, `super().asyncSetUp()`, async defs nested in the
    function), the asyncio/anyio coroutine functions (`asyncio.sleep`,
    `wait_for`, `open_connection`, `Queue.get`, ...) and the async methods of
    the library clients test suites use (httpx, aiohttp, redis.asyncio, ...),
    on receivers whose type is certain: a constructor call or a factory (its
    return annotation, `-> Self`, or what it returns), a fixture's value, an
    attribute from everything the class chain binds it to (`self.client =
    Client()` in any method, a class held in a class attribute,
    `client_class = httpx.AsyncClient` then `self.client_class()`), a module
    global (annotated, or set under `global` in a fixture or `setUpModule`),
    a property's value, what `with`/`async with` binds (`__aenter__`,
    `@asynccontextmanager`), `cast(C, value)`.

    ### How to fix
    Await it. In an `async def` the fix adds `await` (safe). In a synchronous
    test the call cannot be awaited: make the test async, or, for a bare
    `asyncio.sleep(x)`, the (unsafe) fix offers `time.sleep(x)`, which is what
    the author meant.

    ```python
    async def test_ready():
        await client.connect()       # was: client.connect()
        assert await is_ready()
    ```

    Not reported: callees looplint cannot resolve (a receiver whose type is
    not certain: an unannotated parameter that is no fixture, a name, attribute
    or global also bound to something else or unknown, `getfixturevalue`),
    async generator functions (calling them creates an
    async generator, a different mistake), `async def`s wrapped in decorators
    looplint cannot see into, names that are read again (`t = coro(); ...;
    await t`, `coros.append(coro())`, `return coro()`), and calls on
    `AsyncMock`s, which CO005 reports with mock-specific advice.
    """

    def visit_Expr(self, node: ast.Expr, ctx: FileContext) -> None:
        if isinstance(node.value, ast.Call):
            self._check(node.value, node, None, ctx)

    def visit_Assign(self, node: ast.Assign, ctx: FileContext) -> None:
        if isinstance(node.value, ast.Call):
            self._check(node.value, node, "assign", ctx)

    def visit_AnnAssign(self, node: ast.AnnAssign, ctx: FileContext) -> None:
        if isinstance(node.value, ast.Call):
            self._check(node.value, node, "assign", ctx)

    def _check(self, call: ast.Call, statement: ast.stmt, form: str | None, ctx: FileContext) -> None:
        if form == "assign" and (ctx.scope.kind != "function" or not _single_name_target(statement)):
            return
        if co.coroutine_call_kind(ctx, call) != co.COROUTINE:
            return
        if expects_unawaited_warning(ctx, statement) or expects_call_error(ctx, statement):
            return  # the test checks the "never awaited" warning, or a signature error, itself
        name = None
        if form == "assign":
            name = co.dropped_assignment_name(ctx, statement)
            if name is None:
                return
        callee = co.describe_call(call)
        why = co.describe_callee(ctx, call)
        if name is None:
            message = f"Coroutine `{callee}()` is never awaited: its body does not run"
            reason = f"{why}. Called as a statement, the coroutine object is dropped unawaited."
        else:
            message = f"Coroutine `{callee}()` is assigned to `{name}` but never awaited: its body does not run"
            reason = f"{why}. `{name}` is never read afterwards, so the coroutine is dropped unawaited."
        if co.can_await(ctx, statement):
            ctx.report(self, call, message=message, reason=reason, data={"fix": "await"})
            return
        replacement = self._sync_equivalent(call, ctx)
        if replacement and ctx.scope.kind == "function":
            ctx.report(
                self,
                call,
                message=message,
                reason=reason + f" This function is synchronous: `{replacement}` blocks for the same time.",
                data={"fix": "sync", "replacement": replacement},
                fix_applicability="unsafe",
                fix_title=f"Replace with `{replacement}()`",
            )
            return
        ctx.report(
            self,
            call,
            message=message,
            reason=reason + " This code is not directly in an `async def`, so it cannot simply be awaited.",
            fixable=False,
        )

    @staticmethod
    def _sync_equivalent(call: ast.Call, ctx: FileContext) -> str | None:
        symbol = ctx.resolve(call.func)
        if not isinstance(symbol, External):
            return None
        replacement = knowledge.SYNC_EQUIVALENTS.get(symbol.qualname)
        # time.sleep takes exactly one positional argument.
        if replacement and len(call.args) == 1 and not call.keywords and not isinstance(call.args[0], ast.Starred):
            return replacement
        return None

    def fix(self, fixer: FixContext, diagnostic: Diagnostic) -> None:
        kind = diagnostic.data.get("fix")
        if kind == "await":
            co.insert_await(fixer, diagnostic)
        elif kind == "sync":
            call = fixer.find(diagnostic.range, cst.Call)
            module, _, name = diagnostic.data["replacement"].rpartition(".")
            func = fixer.parse_expression(fixer.name_for(module, name))
            fixer.replace(call, lambda updated: updated.with_changes(func=func))
        else:
            raise FixUnavailable("no fix for this occurrence")

    examples = (
        Valid(
            source=(
                "import asyncio\n\n"
                "_IS_SYNC = True\n\n"
                "async def test_wait(event):\n"
                "    if _IS_SYNC:\n"
                "        event.wait(2)\n"
                "    else:\n"
                "        asyncio.wait_for(event.wait(), 2)\n"
            ),
            why="a dead branch on a module constant (the generated sync twin keeps the async code)",
        ),
        Valid(
            source=(
                _SESSION_TEST + "    session.begin = Mock(return_value=None)\n"
                "    session.begin()\n"
                "    session.begin.assert_called_once()\n"
            ),
            why="the test replaced the async method with a sync Mock on the line before: the call returns None",
        ),
        Invalid(
            # A generator-based coroutine (Python <= 3.10), on a class the test reaches through a module
            # that re-exports it; the sync method that hands back such a coroutine (a drain to await or not)
            # runs its body, and is not reported.
            files={
                "app/__init__.py": "",
                "app/writer.py": (
                    "import asyncio\n\n"
                    "@asyncio.coroutine\n"
                    "def noop():\n"
                    "    return None\n\n"
                    "class Writer:\n"
                    "    def write(self, data):\n"
                    "        self.buffer = data\n"
                    "        return noop()\n\n"
                    "    @asyncio.coroutine\n"
                    "    def write_eof(self):\n"
                    "        yield from asyncio.sleep(0)\n"
                ),
                "app/http.py": "from .writer import Writer\n",
            },
            source=(
                "from app import http\n\n"
                "def test_write():\n"
                "    writer = http.Writer()\n"
                "    writer.write(b'data')\n"
                "    writer.write_eof()\n"
            ),
            at=(6, 5),
        ),
        Invalid(
            source=(
                _SESSION_TEST + "    session.begin()\n"
                "    session.begin = Mock(return_value=None)\n"
            ),
            at=(9, 5),
            fixed=(
                _SESSION_TEST + "    await session.begin()\n"
                "    session.begin = Mock(return_value=None)\n"
            ),
        ),
        Invalid(
            # Types: a fixture's value, an attribute built by a method, a sync wrapper returning a coroutine.
            files={
                "app/__init__.py": "",
                "app/store.py": (
                    "class Base:\n"
                    "    async def listen(self):\n"
                    "        pass\n\n"
                    "class Store(Base):\n"
                    "    @classmethod\n"
                    "    def create(cls):\n"
                    "        return cls()\n"
                ),
                "tests/conftest.py": (
                    "import pytest\n"
                    "from app.store import Store\n\n"
                    "@pytest.fixture\n"
                    "def store():\n"
                    "    s = Store.create()\n"
                    "    yield s\n"
                ),
            },
            source=(
                "import pytest\nfrom app.store import Store\n\n"
                "@pytest.mark.asyncio\n"
                "async def test_listen(store):\n"
                "    store.listen()\n\n"
                "class Helper:\n"
                "    def __init__(self, store: Store):\n"
                "        self.store = store\n\n"
                "    def start(self):\n"
                "        return self.store.listen()\n\n"
                "@pytest.mark.asyncio\n"
                "async def test_helper(store):\n"
                "    Helper(store).start()\n"
            ),
            at=((6, 5), (17, 5)),
            fixed=(
                "import pytest\nfrom app.store import Store\n\n"
                "@pytest.mark.asyncio\n"
                "async def test_listen(store):\n"
                "    await store.listen()\n\n"
                "class Helper:\n"
                "    def __init__(self, store: Store):\n"
                "        self.store = store\n\n"
                "    def start(self):\n"
                "        return self.store.listen()\n\n"
                "@pytest.mark.asyncio\n"
                "async def test_helper(store):\n"
                "    await Helper(store).start()\n"
            ),
        ),
        Invalid(
            # Types one step away: a client class held in a class attribute and instantiated through
            # it; a module global annotated at module level and set in setUpModule.
            files={
                "app/__init__.py": "",
                "app/service.py": "class Service:\n    async def fetch(self):\n        pass\n",
            },
            source=(
                _ONE_STEP_AWAY + "        self.client_class().get('/')\n"
                "        service.fetch()\n"
            ),
            at=((15, 9), (16, 9)),
            fixed=(
                _ONE_STEP_AWAY + "        await self.client_class().get('/')\n"
                "        await service.fetch()\n"
            ),
        ),
        Valid(
            files={
                "app/__init__.py": "",
                "app/service.py": "class Service:\n    async def fetch(self):\n        pass\n",
            },
            source=(
                "import unittest\n"
                "import httpx\n"
                "from app.service import Service\n\n"
                "service = None\n\n"
                "def setUpModule():\n"
                "    global service\n"
                "    service = Service()\n\n"
                "def use_fake(fake):\n"
                "    global service\n"
                "    service = fake\n\n"
                "class T(unittest.IsolatedAsyncioTestCase):\n"
                "    client_class = httpx.AsyncClient\n\n"
                "    def setUp(self):\n"
                "        self.client_class = httpx.Client\n\n"
                "    async def test_get(self):\n"
                "        self.client_class().get('/')\n"
                "        service.fetch()\n"
            ),
            why="a class attribute a method rebinds, and a global a function rebinds to an unknown value: unknown",
        ),
        Valid(
            source=(
                "from typing import TYPE_CHECKING\n\n"
                "async def set_mode(value):\n"
                "    pass\n\n"
                "def set_mode_sync(value):\n"
                "    if True:  # generated from the async twin\n"
                "        raise NotImplementedError\n"
                "    else:\n"
                "        set_mode(value)\n"
                "    if TYPE_CHECKING:\n"
                "        set_mode(value)\n"
            ),
            why="branches that never run (`if True: ... else:`, `if False:`, `if TYPE_CHECKING:`)",
        ),
        Valid(
            source=(
                "import unittest\n\n"
                "async def foo():\n"
                "    pass\n\n"
                "class T(unittest.TestCase):\n"
                "    def test_warns(self):\n"
                "        with self.assertWarnsRegex(RuntimeWarning, 'was never awaited'):\n"
                "            foo()\n"
                "    def test_signature(self):\n"
                "        with self.assertRaises(TypeError):\n"
                "            foo(1)\n"
            ),
            why="tests of the never-awaited warning itself, and of signature errors raised at call time",
        ),
        Invalid(
            source=(
                "import pytest\n\n"
                "async def is_ready():\n"
                "    return False\n\n"
                "@pytest.mark.asyncio\n"
                "async def test_ready():\n"
                "    is_ready()\n"
            ),
            at=(8, 5),
            end=(8, 15),
            fixed=(
                "import pytest\n\n"
                "async def is_ready():\n"
                "    return False\n\n"
                "@pytest.mark.asyncio\n"
                "async def test_ready():\n"
                "    await is_ready()\n"
            ),
        ),
        Invalid(
            # asyncio.sleep without await: the test does not wait at all.
            source=(
                "import asyncio\nimport unittest\n\n"
                "class T(unittest.IsolatedAsyncioTestCase):\n"
                "    async def test_wait(self):\n"
                "        asyncio.sleep(0.1)\n"
            ),
            at=(6, 9),
            fixed=(
                "import asyncio\nimport unittest\n\n"
                "class T(unittest.IsolatedAsyncioTestCase):\n"
                "    async def test_wait(self):\n"
                "        await asyncio.sleep(0.1)\n"
            ),
        ),
        Invalid(
            # Across files: an imported function, a method of an attribute set in the base's asyncSetUp,
            # a method inherited from the base class.
            files={
                "app/__init__.py": "",
                "app/api.py": (
                    "async def fetch(url):\n    return url\n\n"
                    "class Client:\n"
                    "    async def connect(self):\n        pass\n"
                    "    def close(self):\n        pass\n"
                ),
                "tests/__init__.py": "",
                "tests/base.py": (
                    "import unittest\n"
                    "from app.api import Client\n\n"
                    "class Base(unittest.IsolatedAsyncioTestCase):\n"
                    "    async def asyncSetUp(self):\n"
                    "        self.client = Client()\n\n"
                    "    async def reset_db(self):\n"
                    "        pass\n"
                ),
            },
            path="tests/test_api.py",
            source=(
                "from app.api import fetch\n"
                "from tests.base import Base\n\n"
                "class TestApi(Base):\n"
                "    async def test_fetch(self):\n"
                "        self.client.connect()\n"
                "        self.client.close()\n"
                "        self.reset_db()\n"
                "        fetch('/x')\n"
            ),
            at=((6, 9), (8, 9), (9, 9)),
            fixed=(
                "from app.api import fetch\n"
                "from tests.base import Base\n\n"
                "class TestApi(Base):\n"
                "    async def test_fetch(self):\n"
                "        await self.client.connect()\n"
                "        self.client.close()\n"
                "        await self.reset_db()\n"
                "        await fetch('/x')\n"
            ),
            message_contains="connect",
        ),
        Invalid(
            # Assigned to a name that is never read again; `c = Client(); c.get()`.
            files={"app.py": "class Client:\n    async def get(self, key):\n        return key\n"},
            source=(
                "from app import Client\n\n"
                "async def test_get():\n"
                "    c = Client()\n"
                "    result = c.get('k')\n"
                "    assert c is not None\n"
            ),
            at=(5, 14),
            message_contains="assigned to `result`",
            fixed=(
                "from app import Client\n\n"
                "async def test_get():\n"
                "    c = Client()\n"
                "    result = await c.get('k')\n"
                "    assert c is not None\n"
            ),
        ),
        Invalid(
            # The classic forgotten await on the base class's hook.
            files={
                "tests/base.py": (
                    "import unittest\n\n"
                    "class DbCase(unittest.IsolatedAsyncioTestCase):\n"
                    "    async def asyncSetUp(self):\n"
                    "        self.db = {}\n"
                ),
            },
            source=(
                "from tests.base import DbCase\n\n"
                "class T(DbCase):\n"
                "    async def asyncSetUp(self):\n"
                "        super().asyncSetUp()\n"
                "        self.user = 'u'\n\n"
                "    async def test_db(self):\n"
                "        self.assertEqual(self.db, {})\n"
            ),
            at=(5, 9),
            fixed=(
                "from tests.base import DbCase\n\n"
                "class T(DbCase):\n"
                "    async def asyncSetUp(self):\n"
                "        await super().asyncSetUp()\n"
                "        self.user = 'u'\n\n"
                "    async def test_db(self):\n"
                "        self.assertEqual(self.db, {})\n"
            ),
        ),
        Invalid(
            # A sync test: `asyncio.sleep` meant `time.sleep` (unsafe: the test now really waits).
            source="import asyncio\n\ndef test_slow():\n    asyncio.sleep(0.01)\n",
            at=(4, 5),
            fixed="import asyncio\nimport time\n\ndef test_slow():\n    time.sleep(0.01)\n",
            unsafe=True,
        ),
        Invalid(
            # A sync test calling a project coroutine, and a helper nested in an async test: no fix.
            source=(
                "async def save(x):\n    return x\n\n"
                "def test_sync():\n"
                "    save(1)\n\n"
                "async def test_callback():\n"
                "    def on_done():\n"
                "        save(2)\n"
                "    on_done()\n"
            ),
            at=((5, 5), (9, 9)),
        ),
        Invalid(
            # An async def nested in the test.
            source=(
                "async def test_nested():\n"
                "    async def step():\n"
                "        return 1\n"
                "    step()\n"
            ),
            at=(4, 5),
            fixed=(
                "async def test_nested():\n"
                "    async def step():\n"
                "        return 1\n"
                "    await step()\n"
            ),
        ),
        Valid(
            source=(
                "import asyncio\n\n"
                "async def fetch(i):\n    return i\n\n"
                "async def test_gather():\n"
                "    first = fetch(0)\n"
                "    coros = [fetch(i) for i in range(3)]\n"
                "    coros.append(fetch(3))\n"
                "    await first\n"
                "    await asyncio.gather(*coros)\n"
            ),
            why="coroutines kept in names and lists and awaited later",
        ),
        Valid(
            source=(
                "async def fetch():\n    return 1\n\n"
                "def make():\n"
                "    coro = fetch()\n"
                "    return coro\n\n"
                "async def test_it(client):\n"
                "    client.get()\n"
                "    await make()\n"
            ),
            why="a helper returning the coroutine; a fixture parameter whose type is unknown",
        ),
        Valid(
            source=(
                "import functools\n\n"
                "def retry(fn):\n"
                "    return fn\n\n"
                "async def ticks():\n"
                "    yield 1\n\n"
                "@retry\n"
                "async def flaky():\n"
                "    return 1\n\n"
                "async def test_x():\n"
                "    ticks()\n"
                "    flaky()\n"
            ),
            why="async generators are not coroutines; a decorator may change what the function returns",
        ),
        Valid(
            source=(
                "from unittest import mock\n\n"
                "class Client:\n"
                "    async def get(self):\n        return 1\n"
                "    def close(self):\n        pass\n\n"
                "async def test_mock():\n"
                "    m = mock.AsyncMock()\n"
                "    await m()\n"
                "    m.assert_awaited_once()\n"
                "    m.assert_called_once_with()\n"
                "    m.reset_mock()\n"
                "    spec = mock.AsyncMock(spec=Client)\n"
                "    spec.close()\n"
            ),
            why="the mock's own API and spec'd sync methods are not coroutines (unawaited AsyncMock calls are CO005)",
        ),
        Valid(
            source=(
                "import asyncio\n\n"
                "async def work():\n    return 1\n\n"
                "def test_sync_runner():\n"
                "    loop = asyncio.new_event_loop()\n"
                "    try:\n"
                "        loop.run_until_complete(work())\n"
                "    finally:\n"
                "        loop.close()\n"
                "    asyncio.run(work())\n"
            ),
            why="coroutines handed to a runner",
        ),
        Valid(
            files={"app.py": "def fetch():\n    return 1\n"},
            source=(
                "from app import fetch\n\n"
                "async def test_sync_fetch():\n"
                "    fetch()\n"
            ),
            why="a synchronous function of the project",
        ),
    )

    runtime = (
        RuntimeExample(
            files={
                "pytest.ini": _PYTEST_INI,
                "test_example.py": (
                    "import pytest\n\n"
                    "saved = []\n\n"
                    "async def save(item):\n"
                    "    __SENTINEL__\n"
                    "    saved.append(item)\n\n"
                    "@pytest.mark.asyncio\n"
                    "async def test_save():\n"
                    "    save('a')\n"
                ),
            },
            runner="pytest",
            outcome="passed",
            body_ran=False,
            symptoms=symptoms,
            envs=_ALL_ENVS,
            note="the coroutine body (with the sentinel) never runs; the test passes",
        ),
        RuntimeExample(
            files={
                "test_example.py": (
                    "import unittest\n\n"
                    "async def save(store, item):\n"
                    "    __SENTINEL__\n"
                    "    store.append(item)\n\n"
                    "class T(unittest.IsolatedAsyncioTestCase):\n"
                    "    async def test_save(self):\n"
                    "        store = []\n"
                    "        save(store, 'a')\n"
                ),
            },
            runner="unittest",
            outcome="passed",
            body_ran=False,
            symptoms=symptoms,
            envs=("py310", "py311", "py312", "py313", "py314", "py315"),
        ),
    )


def _single_name_target(statement: ast.stmt) -> bool:
    if isinstance(statement, ast.Assign):
        return len(statement.targets) == 1 and isinstance(statement.targets[0], ast.Name)
    return isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name)
