"""LP009: asyncio.get_running_loop() in sync test code, where no loop is ever running."""

from __future__ import annotations

import ast

from ..engine.checker import FileContext
from ..engine.model import Severity
from .base import Invalid, Rule, RuntimeExample, Symptom, Valid
from ._loops import function_role, is_test_code
from .helpers import expects_runtime_error

_QUALIFIED = frozenset({"asyncio.get_running_loop", "asyncio.events.get_running_loop"})
_REPORTED_ROLES = frozenset({"test", "fixture", "hook", "class-hook", "module-hook"})
# Decorators known to call the function as it is (outside any loop); any other
# decorator may run it inside a loop, so the call is left alone.
_PLAIN_DECORATOR_ROOTS = ("pytest.", "pytest_asyncio.", "unittest.", "mock.")
_CATCHING = frozenset({"RuntimeError", "Exception", "BaseException"})
# Calls that end a test or fixture from an `except` block.
_LEAVING_CALLS = frozenset({"skip", "skipTest", "fail", "xfail", "exit"})
_NO_LOOP = "RuntimeError: no running event loop"
_ENVS = ("py310", "py311", "py312", "py313", "py314", "py315")
_PA_ENVS = (*_ENVS, "py311-pytest84-pa10", "py311-pytest83-pa023")


class GetRunningLoopInSyncContext(Rule):
    code = "LP009"
    name = "get-running-loop-in-sync-context"
    severity = Severity.ERROR
    summary = "`asyncio.get_running_loop()` in a sync test, fixture or hook always raises: no loop runs sync test code."
    message = "{text}"
    tokens = ("get_running_loop",)
    call_names = frozenset({"get_running_loop"})
    local = True
    symptoms = (
        Symptom(
            when="every version (3.10–3.15 run here; pytest-asyncio 0.23, 1.0, 1.5; unittest)",
            output=_NO_LOOP,
            envs=_PA_ENVS,
        ),
        Symptom(
            when="the error is caught and the test skips itself: it never checks anything, on every version",
            output="SKIPPED [1] test_example.py:...: needs a running event loop",
            envs=_ENVS,
        ),
    )
    explanation = """
    `asyncio.get_running_loop()` returns the loop that is running the current
    coroutine, and raises `RuntimeError: no running event loop` anywhere else.
    Sync test code is never run by a loop: pytest calls sync tests, sync
    fixtures (even those an async test requests) and xunit hooks directly;
    `unittest` calls `setUp`, `tearDown` and sync tests directly, in an
    `IsolatedAsyncioTestCase` too (its loop is *current* there, not
    *running*). So the call raises every time, on every Python version.

    The move from `get_event_loop()` (which raises on Python 3.14 when no
    loop is set, see LP003) to `get_running_loop()` makes this common. Worse
    than the error is the version that catches it:

    ```python
    def test_pool():
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            pytest.skip("needs a running event loop")   # always taken
        assert pool_size(loop) == 4                       # never runs
    ```

    That test is reported as skipped (or passes, with a `return`) and never
    checks anything.

    ### How to fix
    Make the code async, where a loop runs it: an `async def` test with
    pytest-asyncio (`@pytest.mark.asyncio` in strict mode) or anyio, an async
    fixture, an `IsolatedAsyncioTestCase` with `asyncSetUp`. Sync code that
    needs a loop of its own makes one: `loop = asyncio.new_event_loop()`,
    closed after the test. There is no automatic fix: either change alters when
    and on which loop the code runs.

    Reported: the call directly in a sync test, fixture, `setUp`/`tearDown`,
    `setUpClass`, xunit or module hook of test code (error); caught by an
    `except RuntimeError` (or `Exception`) whose block leaves the test or after
    which more of the `try` block was meant to run (warning: that code never
    runs).

    Not reported: code inside `async def`; helpers (they may be called from
    async code); defs and lambdas nested in a test (callbacks run by a loop);
    functions with decorators other than pytest's, unittest's and mock's (they
    may run the function inside a loop); calls under
    `pytest.raises(RuntimeError)` or `assertRaises(RuntimeError)` (tests of
    that very error); an `except` that only falls back (`loop =
    asyncio.new_event_loop()`) with nothing skipped; classes whose bases
    looplint cannot resolve; non-test modules.
    """

    def visit_Call(self, node: ast.Call, ctx: FileContext) -> None:
        if ctx.qualify(node.func) not in _QUALIFIED or not is_test_code(ctx):
            return
        role = function_role(ctx)
        if role is None or role.kind not in _REPORTED_ROLES or isinstance(role.function, ast.AsyncFunctionDef):
            return
        if not _called_as_written(ctx, role.function):
            return
        where = role.describe()
        call = f"{ast.unparse(node.func)}()"
        caught = _catching_try(ctx, node)
        if caught is not None:
            lost = _what_never_runs(ctx, caught, node)
            if lost is None:
                return  # the except block is the real path and nothing is skipped
            ctx.report(
                self,
                node,
                fields={"text": (
                    f"`{call}` in {where} always raises here (no loop runs sync test code), so its `except` "
                    f"block always runs: {lost} never runs"
                )},
                severity=Severity.WARNING,
                reason=(
                    "The `try` can never succeed: sync tests, fixtures and hooks are called outside any running "
                    "loop, on every Python version. The test is reported as skipped or passed without checking "
                    "what it was written to check."
                ),
            )
            return
        if expects_runtime_error(ctx, node):
            return  # `pytest.raises(RuntimeError)` / `assertRaises(RuntimeError)`: a test of the error itself
        ctx.report(
            self,
            node,
            fields={"text": (
                f"`{call}` in {where} always raises `{_NO_LOOP}`: no loop runs sync test code; make it async "
                "or give it a loop of its own"
            )},
            reason=(
                "Sync tests, fixtures (also those an async test requests) and hooks are called outside any running "
                "loop; `get_running_loop()` only works inside a coroutine or a callback the loop runs. "
                "Seen on Python 3.10–3.15 with pytest, pytest-asyncio 0.23–1.5 and unittest."
            ),
        )

    examples = (
        Invalid(
            source=(
                "import asyncio\n\n"
                "def test_pool():\n"
                "    loop = asyncio.get_running_loop()\n"
                "    assert loop.is_running()\n"
            ),
            at=(4, 12),
            end=(4, 38),
            message_contains="always raises",
        ),
        Invalid(
            source=(
                "import asyncio\n"
                "import pytest\n\n"
                "@pytest.fixture\n"
                "def loop():\n"
                "    return asyncio.get_running_loop()\n\n"
                "@pytest.mark.asyncio\n"
                "async def test_x(loop):\n"
                "    assert loop\n"
            ),
            at=(6, 12),
            message_contains="fixture `loop`",
        ),
        Invalid(
            source=(
                "from asyncio import get_running_loop\n"
                "import unittest\n\n"
                "class T(unittest.IsolatedAsyncioTestCase):\n"
                "    def setUp(self):\n"
                "        self.loop = get_running_loop()\n\n"
                "    async def test_x(self):\n"
                "        self.assertTrue(self.loop.is_running())\n"
            ),
            at=(6, 21),
            message_contains="`T.setUp`",
        ),
        Invalid(
            source=(
                "import asyncio\n"
                "import pytest\n\n"
                "def test_pool():\n"
                "    try:\n"
                "        loop = asyncio.get_running_loop()\n"
                "    except RuntimeError:\n"
                "        pytest.skip('needs a running event loop')\n"
                "    assert loop.is_running()\n"
            ),
            at=(6, 16),
            message_contains="the rest of `test_pool` never runs",
        ),
        Invalid(
            source=(
                "import asyncio\n"
                "import unittest\n\n"
                "class T(unittest.TestCase):\n"
                "    def test_pool(self):\n"
                "        try:\n"
                "            loop = asyncio.get_running_loop()\n"
                "            self.assertTrue(loop.is_running())\n"
                "        except RuntimeError:\n"
                "            pass\n"
            ),
            at=(7, 20),
            message_contains="the rest of the `try` block never runs",
        ),
        Valid(
            source=(
                "import asyncio\n\n"
                "async def test_pool():\n"
                "    loop = asyncio.get_running_loop()\n"
                "    assert loop.is_running()\n"
            ),
            why="inside a coroutine the loop is running",
        ),
        Valid(
            source=(
                "import asyncio\n\n"
                "def on_done(fut):\n"
                "    asyncio.get_running_loop().stop()\n\n"
                "def running():\n"
                "    try:\n"
                "        asyncio.get_running_loop()\n"
                "        return True\n"
                "    except RuntimeError:\n"
                "        return False\n"
            ),
            why="helpers may be called from async code (and asking is what `running()` is for)",
        ),
        Valid(
            source=(
                "import asyncio\n"
                "import pytest\n\n"
                "def test_outside_loop():\n"
                "    with pytest.raises(RuntimeError):\n"
                "        asyncio.get_running_loop()\n"
            ),
            why="a test of the error itself",
        ),
        Valid(
            source=(
                "import asyncio\n"
                "import pytest\n\n"
                "@pytest.fixture\n"
                "def loop():\n"
                "    try:\n"
                "        loop = asyncio.get_running_loop()\n"
                "    except RuntimeError:\n"
                "        loop = asyncio.new_event_loop()\n"
                "    yield loop\n"
            ),
            why="the except block is a working fallback and nothing is skipped",
        ),
        Valid(
            source=(
                "import asyncio\n\n"
                "def test_callback():\n"
                "    loop = asyncio.new_event_loop()\n"
                "    loop.call_soon(lambda: asyncio.get_running_loop().stop())\n"
                "    def cb():\n"
                "        asyncio.get_running_loop().stop()\n"
                "    loop.call_soon(cb)\n"
                "    loop.run_forever()\n"
                "    loop.close()\n"
            ),
            why="callbacks defined in a sync test run inside the loop",
        ),
        Valid(
            source=(
                "import asyncio\n"
                "from myproject.testing import in_loop\n\n"
                "@in_loop\n"
                "def test_pool():\n"
                "    assert asyncio.get_running_loop().is_running()\n"
            ),
            why="an unknown decorator may call the test inside a running loop",
        ),
        Valid(
            source="import asyncio\n\ndef serve():\n    return asyncio.get_running_loop()\n",
            path="app/server.py",
            why="production code is not test code",
        ),
    )

    runtime = (
        RuntimeExample(
            files={
                "test_example.py": (
                    "import asyncio\n\n"
                    "def test_pool():\n"
                    "    loop = asyncio.get_running_loop()\n"
                    "    __SENTINEL__\n"
                    "    assert not loop.is_closed()\n"
                ),
            },
            runner="pytest",
            outcome="failed",
            body_ran=False,
            symptoms=symptoms[:1],
            envs=_PA_ENVS,
        ),
        RuntimeExample(
            files={
                "pytest.ini": "[pytest]\nasyncio_default_fixture_loop_scope = function\n",
                "test_example.py": (
                    "import asyncio\n"
                    "import pytest\n\n"
                    "@pytest.fixture\n"
                    "def loop():\n"
                    "    return asyncio.get_running_loop()\n\n"
                    "@pytest.mark.asyncio\n"
                    "async def test_uses_loop(loop):\n"
                    "    __SENTINEL__\n"
                    "    assert loop is asyncio.get_running_loop()\n"
                ),
            },
            runner="pytest",
            outcome="error",
            body_ran=False,
            symptoms=symptoms[:1],
            envs=_PA_ENVS,
            note="a sync fixture runs before the async test's loop runs, even when that test requests it",
        ),
        RuntimeExample(
            files={
                "test_example.py": (
                    "import asyncio\n"
                    "import pytest\n\n"
                    "def test_pool():\n"
                    "    try:\n"
                    "        loop = asyncio.get_running_loop()\n"
                    "    except RuntimeError:\n"
                    "        pytest.skip('needs a running event loop')\n"
                    "    __SENTINEL__\n"
                    "    assert not loop.is_closed()\n"
                ),
            },
            runner="pytest",
            outcome="skipped",
            body_ran=False,
            symptoms=symptoms[1:],
            envs=_ENVS,
            note="the check after the try never runs, on any version",
        ),
        RuntimeExample(
            files={
                "test_example.py": (
                    "import asyncio\n"
                    "import unittest\n\n"
                    "class T(unittest.IsolatedAsyncioTestCase):\n"
                    "    def setUp(self):\n"
                    "        self.loop = asyncio.get_running_loop()\n\n"
                    "    async def test_x(self):\n"
                    "        __SENTINEL__\n"
                    "        self.assertIs(self.loop, asyncio.get_running_loop())\n"
                ),
            },
            runner="unittest",
            outcome="error",
            body_ran=False,
            symptoms=symptoms[:1],
            envs=_ENVS,
            note="IsolatedAsyncioTestCase calls a sync setUp outside its running loop",
        ),
    )


def _called_as_written(ctx: FileContext, function: ast.AST) -> bool:
    """Is `function` called by the runner as it is (no decorator that may wrap it in a loop)?"""
    for decorator in getattr(function, "decorator_list", ()):
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        qualified = ctx.qualify(target) or ""
        if not qualified.startswith(_PLAIN_DECORATOR_ROOTS):
            return False
    return True


def _catching_try(ctx: FileContext, node: ast.AST) -> tuple[ast.Try, ast.stmt, ast.ExceptHandler] | None:
    """The innermost `try` in this function whose body holds `node` and whose handler catches RuntimeError."""
    parents = ctx.parents
    for index in range(len(parents) - 1, -1, -1):
        parent = parents[index]
        if isinstance(parent, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            return None
        if not isinstance(parent, ast.Try) or index + 1 >= len(parents):
            continue
        statement = parents[index + 1]
        if not any(statement is s for s in parent.body):
            continue  # in a handler, the else or the finally block
        for handler in parent.handlers:
            if _catches_runtime_error(handler.type):
                return parent, statement, handler
        return None
    return None


def _catches_runtime_error(expr: ast.expr | None) -> bool:
    if expr is None:
        return True
    if isinstance(expr, ast.Tuple):
        return any(_catches_runtime_error(e) for e in expr.elts)
    name = expr.attr if isinstance(expr, ast.Attribute) else expr.id if isinstance(expr, ast.Name) else None
    return name in _CATCHING


def _what_never_runs(ctx: FileContext, caught: tuple[ast.Try, ast.stmt, ast.ExceptHandler], node: ast.AST) -> str | None:
    """What the always-taken `except` skips: the rest of the try block, its else block, or the rest of the function."""
    try_node, statement, handler = caught
    rest = try_node.body[try_node.body.index(statement) + 1:]
    if rest:
        return "the rest of the `try` block"
    if try_node.orelse:
        return "the `else:` block"
    if _leaves(handler.body):
        function = ctx.function_chain()[0].node
        return f"the rest of `{function.name}`"
    return None


def _leaves(body: list[ast.stmt]) -> bool:
    """Does this block end the test (return, raise, pytest.skip(), self.skipTest(), self.fail())?"""
    for statement in body:
        if isinstance(statement, (ast.Return, ast.Raise)):
            return True
        if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call):
            func = statement.value.func
            name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else None
            if name in _LEAVING_CALLS:
                return True
    return False
