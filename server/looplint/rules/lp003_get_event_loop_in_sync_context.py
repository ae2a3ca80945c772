"""LP003: asyncio.get_event_loop() in sync test code, where no loop may be current."""

from __future__ import annotations

import ast

from ..engine.fixer import cst  # libcst, imported when a fix is built

from ..engine.checker import FileContext
from ..engine.fixer import FixContext, FixUnavailable
from ..engine.model import Diagnostic, Severity
from ..engine.rule import Invalid, Rule, RuntimeExample, Symptom, Valid
from ._loops import (
    RUN_LOOP_ATTRS,
    Role,
    assigned_target,
    at_import_time,
    function_role,
    insert_after_assignment,
    inside_async,
    is_test_code,
    loop_was_set,
    no_current_loop_outlook,
    target_code,
    older_python,
    target_python,
    wrap_rest_in_finally,
)
from ._unittest import walk_body
from .helpers import expects_runtime_error

_QUALIFIED = ("asyncio.get_event_loop", "asyncio.get_event_loop_policy.get_event_loop")
_REPORTED_ROLES = frozenset({"test", "fixture", "hook", "class-hook", "module-hook"})


# One test module alone: it passes on 3.12-3.13 with a warning and fails on 3.14+.
_ALONE = {
    "test_example.py": (
        "import asyncio\n"
        "import unittest\n\n"
        "async def fetch():\n"
        "    return 1\n\n"
        "class T(unittest.TestCase):\n"
        "    def setUp(self):\n"
        "        self.loop = asyncio.get_event_loop()\n\n"
        "    def test_x(self):\n"
        "        __SENTINEL__\n"
        "        self.assertEqual(self.loop.run_until_complete(fetch()), 1)\n"
    ),
}


class GetEventLoopInSyncContext(Rule):
    code = "LP003"
    name = "get-event-loop-in-sync-context"
    severity = Severity.WARNING
    summary = "`asyncio.get_event_loop()` in sync test code depends on a current loop that earlier tests may have unset."
    message = "`{call}` in {where} relies on a current event loop: {tail}"
    fix_safety = "unsafe"
    fix_title = "Use a private loop: asyncio.new_event_loop(), closed after the test"
    tokens = ("get_event_loop",)
    symptoms = (
        Symptom(
            when="every Python version (3.10–3.15 run here) once an earlier test unset the current loop "
            "(an IsolatedAsyncioTestCase, asyncio.run(), pytest-asyncio ≥ 1.4 after an async test)",
            output="RuntimeError: There is no current event loop in thread 'MainThread'.",
            envs=("py310", "py311", "py312", "py313", "py314", "py315"),
        ),
        Symptom(
            when="Python 3.12 and 3.13 when no loop is set",
            output="DeprecationWarning: There is no current event loop",
            envs=("py312", "py313"),
        ),
        Symptom(
            when="Python 3.14 and 3.15 when no loop is set, even when the test runs alone",
            output="RuntimeError: There is no current event loop in thread 'MainThread'.",
            envs=("py314", "py315"),
        ),
    )
    explanation = """
    Outside a running loop, `asyncio.get_event_loop()` returns the thread's
    *current* loop, and what that is depends on what ran before:

    - nothing set a loop yet: Python 3.10–3.11 (current patch releases) quietly
      create one; 3.12 and 3.13 do too but warn `DeprecationWarning: There is
      no current event loop`; 3.14 and 3.15 raise `RuntimeError: There is no
      current event loop in thread 'MainThread'.` (seen on 3.14.10 and 3.15.2),
      so such a test fails even when it runs alone;
    - an earlier test called `set_event_loop(None)`: on **every** version the
      call raises `RuntimeError: There is no current event loop in thread
      'MainThread'.` Callers of `set_event_loop(None)` include `asyncio.run()`,
      every `IsolatedAsyncioTestCase` test, and pytest-asyncio ≥ 1.4 after an
      async test. So the same test passes alone and fails after them: an
      order-dependent failure.

    Reported in sync scopes of test code: `setUp`/`tearDown`/`setUpClass` and
    sync tests of plain `unittest.TestCase` classes, `setUpClass` of an
    `IsolatedAsyncioTestCase`, pytest sync tests, fixtures and xunit hooks,
    module-level hooks, and helpers that either run the loop themselves
    (`get_event_loop().run_until_complete(...)`) or are called from sync code
    in the same file. At module level and in class bodies it is LP005's
    business (reported here only when LP005 is off). Inside an `async def` the
    call returns the running loop and is harmless; there an info-level
    diagnostic suggests `asyncio.get_running_loop()` (safe fix).

    Test code means: `test_*.py`, `*_test.py`, `conftest.py`, modules under a
    `tests`/`test`/`testing` folder, and modules importing `pytest`,
    `pytest_asyncio` or `unittest` (not only `unittest.mock`).

    ### How to fix
    Make the code async (`IsolatedAsyncioTestCase` + `asyncSetUp`, or an
    async pytest-asyncio fixture), or give it a private loop that it closes:

    ```python
    def setUp(self):
        self.loop = asyncio.new_event_loop()
        self.addCleanup(self.loop.close)
    ```

    The quick fix does exactly that (in fixtures: `try`/`finally` around the
    rest, `return` becoming `yield`). It is unsafe: code that itself calls
    `get_event_loop()` later (a library, another helper) then sees a different
    loop.

    Not reported: code that set a current loop first (`set_event_loop(loop)`
    earlier in the function, in `setUp`/`setUpClass`, in a requested or
    autouse fixture, at module level or in `setUpModule`); instance methods of
    an `IsolatedAsyncioTestCase` (its loop is current during `setUp`, sync
    tests and `tearDown`); fixtures that request pytest-asyncio's legacy
    `event_loop`; classes with bases looplint cannot resolve; callbacks nested
    in async code; helpers only called from async code; non-test modules.
    """

    def visit_Call(self, node: ast.Call, ctx: FileContext) -> None:
        func = node.func
        last = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else None
        if last != "get_event_loop":
            self._record_sync_call(node, ctx)
            return
        if ctx.qualify(func) not in _QUALIFIED or not is_test_code(ctx):
            return
        chain = ctx.function_chain()
        if not chain:
            self._import_time(node, ctx)
            return
        if chain[0].is_async:
            self._in_async(node, ctx)
            return
        if inside_async(ctx) or chain[0].kind == "lambda":
            return  # a callback defined in async code runs inside the loop
        if expects_runtime_error(ctx, node):
            return  # `try: get_event_loop() except RuntimeError:` handles the missing loop
        role = function_role(ctx)
        if role is None:
            # A def nested in a sync function (a decorator's wrapper, a local
            # helper): report it only when it runs the loop itself.
            if _runs_the_loop(ctx, node):
                self._report(node, ctx, None, "a nested helper (it runs the loop itself)")
            return
        if role.kind == "unknown" or (role.style == "isolated" and role.kind != "class-hook"):
            return
        if loop_was_set(ctx, node, role) is not None:
            return
        if role.kind in _REPORTED_ROLES:
            self._report(node, ctx, role, role.describe())
        elif role.kind == "helper":
            pending = ctx.state.setdefault(self.code, {}).setdefault("pending", [])
            pending.append((node, role, _runs_the_loop(ctx, node)))

    # -- call sites of helpers ------------------------------------------------------------
    def _record_sync_call(self, node: ast.Call, ctx: FileContext) -> None:
        func = node.func
        if isinstance(func, ast.Name):
            key = func.id
        elif isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id in ("self", "cls"):
            key = func.attr
        else:
            return
        if inside_async(ctx):
            return
        ctx.state.setdefault(self.code, {}).setdefault("sync_calls", set()).add(key)

    def end_file(self, ctx: FileContext) -> None:
        state = ctx.state.get(self.code)
        if not state:
            return
        sync_calls = state.get("sync_calls", set())
        for node, role, runs_loop in state.get("pending", ()):
            if runs_loop or role.name in sync_calls:
                how = "it runs the loop itself" if runs_loop else "it is called from sync code in this file"
                self._report(node, ctx, role, f"{role.describe()} ({how})")

    # -- reports -----------------------------------------------------------------------------
    def _report(self, node: ast.Call, ctx: FileContext, role: Role | None, where: str) -> None:
        version = target_python(ctx)
        tail, versions_md = no_current_loop_outlook(version)
        pin = older_python(ctx, version, (3, 14))
        if pin:
            tail += f"; from Python 3.14 it raises whenever no loop is set: {pin}"
        data, applicability = _sync_fix_data(ctx, node, role)
        ctx.report(
            self,
            node,
            fields={"call": f"{ast.unparse(node.func)}()", "where": where, "tail": tail},
            severity=Severity.ERROR if version is not None and version >= (3, 14) else None,
            reason=(
                f"This runs in {where}, outside any running loop, so `get_event_loop()` returns whatever loop "
                "is *current* in the thread, and nothing here set one.\n\n" + versions_md
            ),
            data=data,
            fixable=data is not None,
            fix_applicability=applicability,
        )

    def _import_time(self, node: ast.Call, ctx: FileContext) -> None:
        if not at_import_time(ctx) or ctx.settings.code_enabled("LP005", ctx.relpath):
            return  # LP005 reports import-time loops
        if loop_was_set(ctx, node, None) is not None:
            return
        self._report(node, ctx, None, "module-level code (at import time)")

    def _in_async(self, node: ast.Call, ctx: FileContext) -> None:
        if ctx.qualify(node.func) != "asyncio.get_event_loop":
            return
        function = ctx.function.node.name  # type: ignore[union-attr]
        ctx.report(
            self,
            node,
            message=f"Prefer `asyncio.get_running_loop()` inside `async def {function}`",
            severity=Severity.INFO,
            reason=(
                "Inside a coroutine `get_event_loop()` returns the running loop, so this works; "
                "`get_running_loop()` says so explicitly and can never create or return another loop."
            ),
            data={"kind": "running"},
            fix_applicability="safe",
            fix_title="Use asyncio.get_running_loop()",
        )

    # -- fix -------------------------------------------------------------------------------------
    def fix(self, fixer: FixContext, diagnostic: Diagnostic) -> None:
        data = diagnostic.data
        kind = data.get("kind")
        call = fixer.find(diagnostic.range, cst.Call)
        if kind == "running":
            fixer.replace(call, lambda updated: updated.with_changes(func=_renamed(fixer, updated.func, "get_running_loop")))
            return
        if kind != "new":
            raise FixUnavailable(f"no fix for {kind!r}")
        fixer.replace(call, lambda updated: updated.with_changes(func=_renamed(fixer, updated.func, "new_event_loop")))
        target = data["target"]
        style = data["style"]
        if style == "cleanup":
            insert_after_assignment(fixer, diagnostic.range, f"self.addCleanup({target}.close)")
        elif style == "class_cleanup":
            insert_after_assignment(fixer, diagnostic.range, f"cls.addClassCleanup({target}.close)")
        elif style == "finally":
            wrap_rest_in_finally(fixer, diagnostic.range, f"{target}.close()", return_to_yield=data.get("yield", False))
        else:
            raise FixUnavailable(f"unknown style {style!r}")

    examples = (
        Valid(
            files={
                "tests/conftest.py": (
                    "import asyncio\nimport pytest\n\n"
                    "def _install():\n"
                    "    loop = asyncio.new_event_loop()\n"
                    "    asyncio.set_event_loop(loop)\n"
                    "    return loop\n\n"
                    "@pytest.fixture\n"
                    "def own_loop():\n"
                    "    loop = _install()\n"
                    "    yield loop\n"
                    "    loop.close()\n"
                ),
            },
            source=(
                "import asyncio\nimport pytest\n\n"
                "@pytest.mark.usefixtures('own_loop')\n"
                "class TestLoop:\n"
                "    def test_current(self):\n"
                "        assert asyncio.get_event_loop() is not None\n"
            ),
            why="a fixture requested through usefixtures installs a current loop (through a helper)",
        ),
        Valid(
            source=(
                "import asyncio\n\n"
                "def install_loop():\n"
                "    loop = asyncio.new_event_loop()\n"
                "    asyncio.set_event_loop(loop)\n"
                "    return loop\n\n"
                "def test_current_loop():\n"
                "    loop = install_loop()\n"
                "    assert asyncio.get_event_loop() is loop\n"
                "    loop.close()\n"
            ),
            why="a helper the test called first installed the current loop",
        ),
        Invalid(
            source=(
                "import asyncio\n\n"
                "async def install_loop():\n"
                "    asyncio.set_event_loop(asyncio.new_event_loop())\n\n"
                "def test_current_loop():\n"
                "    install_loop()\n"
                "    assert asyncio.get_event_loop() is not None\n"
            ),
            at=(8, 12),
        ),
        Valid(
            source=(
                "import asyncio\n"
                "import unittest\n\n"
                "class T(unittest.TestCase):\n"
                "    def tearDown(self):\n"
                "        try:\n"
                "            loop = asyncio.get_event_loop()\n"
                "        except RuntimeError:\n"
                "            loop = None\n\n"
                "    def test_x(self):\n"
                "        pass\n"
            ),
            why="code that handles the missing loop itself",
        ),
        Valid(
            files={
                "testing/__init__.py": "",
                "testing/base.py": (
                    "import asyncio\n"
                    "import unittest\n\n"
                    "class LoopCase(unittest.TestCase):\n"
                    "    def setUp(self):\n"
                    "        self.loop = asyncio.new_event_loop()\n"
                    "        asyncio.set_event_loop(self.loop)\n"
                    "        self.addCleanup(self.loop.close)\n\n"
                    "class ProjectCase(LoopCase):\n"
                    "    def setUp(self):\n"
                    "        super().setUp()\n"
                    "        self.ready = True\n"
                ),
            },
            source=(
                "import asyncio\n"
                "from testing.base import ProjectCase\n\n"
                "class T(ProjectCase):\n"
                "    def test_x(self):\n"
                "        asyncio.get_event_loop().call_soon(print)\n"
            ),
            why="a base further up the chain installs the loop in its setUp (an override calls super())",
        ),
        Invalid(
            source=(
                "import asyncio\n"
                "import unittest\n\n"
                "class B_Legacy(unittest.TestCase):\n"
                "    def setUp(self):\n"
                "        self.loop = asyncio.get_event_loop()\n\n"
                "    def test_b(self):\n"
                "        self.assertEqual(self.loop.run_until_complete(fetch()), 1)\n"
            ),
            at=(6, 21),
            end=(6, 45),
            message_contains="setUp",
            fixed=(
                "import asyncio\n"
                "import unittest\n\n"
                "class B_Legacy(unittest.TestCase):\n"
                "    def setUp(self):\n"
                "        self.loop = asyncio.new_event_loop()\n"
                "        self.addCleanup(self.loop.close)\n\n"
                "    def test_b(self):\n"
                "        self.assertEqual(self.loop.run_until_complete(fetch()), 1)\n"
            ),
            unsafe=True,
        ),
        Invalid(
            # A return-style sync fixture: the private loop must outlive the value, so return becomes yield.
            source=(
                "import asyncio\n"
                "import pytest\n\n"
                "@pytest.fixture\n"
                "def conn():\n"
                "    loop = asyncio.get_event_loop()\n"
                "    return loop.run_until_complete(make_conn())\n"
            ),
            path="tests/conftest.py",
            at=(6, 12),
            fixed=(
                "import asyncio\n"
                "import pytest\n\n"
                "@pytest.fixture\n"
                "def conn():\n"
                "    loop = asyncio.new_event_loop()\n"
                "    try:\n"
                "        yield loop.run_until_complete(make_conn())\n"
                "    finally:\n"
                "        loop.close()\n"
            ),
            unsafe=True,
        ),
        Invalid(
            source=(
                "import asyncio\n"
                "import unittest\n\n"
                "class T(unittest.IsolatedAsyncioTestCase):\n"
                "    @classmethod\n"
                "    def setUpClass(cls):\n"
                "        cls.loop = asyncio.get_event_loop()\n"
            ),
            at=(7, 20),
            fixed=(
                "import asyncio\n"
                "import unittest\n\n"
                "class T(unittest.IsolatedAsyncioTestCase):\n"
                "    @classmethod\n"
                "    def setUpClass(cls):\n"
                "        cls.loop = asyncio.new_event_loop()\n"
                "        cls.addClassCleanup(cls.loop.close)\n"
            ),
            unsafe=True,
        ),
        Invalid(
            # Inside a coroutine: info-level, safe fix.
            source=(
                "import asyncio\n\n"
                "async def test_a():\n"
                "    loop = asyncio.get_event_loop()\n"
                "    await loop.run_in_executor(None, print)\n"
            ),
            at=(4, 12),
            message_contains="get_running_loop",
            fixed=(
                "import asyncio\n\n"
                "async def test_a():\n"
                "    loop = asyncio.get_running_loop()\n"
                "    await loop.run_in_executor(None, print)\n"
            ),
        ),
        Invalid(
            # `from asyncio import get_event_loop` in a coroutine: the fix imports get_running_loop.
            source=(
                "from asyncio import get_event_loop\n\n"
                "async def test_a():\n"
                "    get_event_loop().call_soon(print)\n"
            ),
            at=(4, 5),
            fixed=(
                "from asyncio import get_event_loop\n"
                "import asyncio\n\n"
                "async def test_a():\n"
                "    asyncio.get_running_loop().call_soon(print)\n"
            ),
        ),
        Invalid(
            # A helper in a shared test module that runs the loop itself; the policy spelling too.
            source=(
                "import asyncio\n\n"
                "def run(coro):\n"
                "    return asyncio.get_event_loop_policy().get_event_loop().run_until_complete(coro)\n"
            ),
            path="tests/utils.py",
            files={"tests/test_api.py": "from tests.utils import run\n"},
            at=(4, 12),
        ),
        Invalid(
            # A helper method called from a sync test of the same class.
            source=(
                "import asyncio\n"
                "import unittest\n\n"
                "class T(unittest.TestCase):\n"
                "    def loop(self):\n"
                "        return asyncio.get_event_loop()\n\n"
                "    def test_x(self):\n"
                "        self.loop().run_until_complete(fetch())\n"
            ),
            at=(6, 16),
            message_contains="called from sync code",
        ),
        Invalid(
            # Module level with LP005 switched off: LP003 reports it instead.
            source="import asyncio\n\nLOOP = asyncio.get_event_loop()\n",
            at=(3, 8),
            settings={"ignore": ["LP005"]},
        ),
        Invalid(
            # A declared target of 3.14 makes it an error, worded for that version.
            source="import asyncio\nimport pytest\n\n@pytest.fixture\ndef loop():\n    yield asyncio.get_event_loop()\n",
            at=(6, 11),
            settings={"python-version": "3.14"},
            message_contains="3.14",
        ),
        Valid(
            source=(
                "import asyncio\n"
                "import unittest\n\n"
                "class Legacy(unittest.TestCase):\n"
                "    def setUp(self):\n"
                "        self.loop = asyncio.new_event_loop()\n"
                "        asyncio.set_event_loop(self.loop)\n"
                "        self.addCleanup(self.loop.close)\n\n"
                "    def test_x(self):\n"
                "        asyncio.get_event_loop().run_until_complete(fetch())\n\n"
                "    def helper(self):\n"
                "        return asyncio.get_event_loop()\n"
            ),
            why="legacy tests that install their own current loop in setUp",
        ),
        Valid(
            source=(
                "import asyncio\n\n"
                "def test_x():\n"
                "    loop = asyncio.new_event_loop()\n"
                "    asyncio.set_event_loop(loop)\n"
                "    try:\n"
                "        assert asyncio.get_event_loop() is loop\n"
                "    finally:\n"
                "        loop.close()\n"
            ),
            why="the function sets its own loop first",
        ),
        Valid(
            files={
                "tests/conftest.py": (
                    "import asyncio\n"
                    "import pytest\n\n"
                    "@pytest.fixture\n"
                    "def own_loop():\n"
                    "    loop = asyncio.new_event_loop()\n"
                    "    asyncio.set_event_loop(loop)\n"
                    "    yield loop\n"
                    "    loop.close()\n"
                ),
            },
            source=(
                "import asyncio\n"
                "import pytest\n\n"
                "@pytest.fixture\n"
                "def conn(own_loop):\n"
                "    return asyncio.get_event_loop().run_until_complete(make_conn())\n"
            ),
            why="a requested fixture (here from conftest.py) installs the current loop",
        ),
        Valid(
            source=(
                "import asyncio\n"
                "import unittest\n\n"
                "class T(unittest.IsolatedAsyncioTestCase):\n"
                "    def setUp(self):\n"
                "        self.loop = asyncio.get_event_loop()\n\n"
                "    def test_sync(self):\n"
                "        asyncio.get_event_loop().call_soon(print)\n"
            ),
            why="IsolatedAsyncioTestCase sets its loop as current before setUp (3.10–3.15)",
        ),
        Valid(
            source=(
                "import asyncio\n\n"
                "def make_future():\n"
                "    return asyncio.get_event_loop().create_future()\n\n"
                "async def test_a():\n"
                "    fut = make_future()\n"
                "    asyncio.get_running_loop().call_soon(fut.set_result, 1)\n"
                "    assert await fut == 1\n"
            ),
            why="a helper only called from async code gets the running loop",
        ),
        Valid(
            source=(
                "import asyncio\n\n"
                "async def test_a():\n"
                "    def callback():\n"
                "        asyncio.get_event_loop().stop()\n"
                "    asyncio.get_running_loop().call_soon(lambda: asyncio.get_event_loop())\n"
            ),
            why="callbacks defined in async code run inside the loop",
        ),
        Valid(
            source="import asyncio\n\ndef main():\n    return asyncio.get_event_loop().run_until_complete(serve())\n",
            path="app/server.py",
            why="production code is not test code",
        ),
        Valid(
            source=(
                "import asyncio\n"
                "from unknown_framework import AsyncCase\n\n"
                "class T(AsyncCase):\n"
                "    def setUp(self):\n"
                "        self.loop = asyncio.get_event_loop()\n"
            ),
            why="an unresolvable base may set a loop in its own setUp (tornado, aiohttp helpers)",
        ),
        Valid(
            source="import asyncio\n\nLOOP = asyncio.get_event_loop()\n",
            why="module level belongs to LP005 (no double report)",
        ),
    )

    runtime = (
        RuntimeExample(
            files={
                "test_example.py": (
                    "import asyncio\n"
                    "import unittest\n\n"
                    "async def fetch():\n"
                    "    return 1\n\n"
                    "class A_Isolated(unittest.IsolatedAsyncioTestCase):\n"
                    "    async def test_a(self):\n"
                    "        await asyncio.sleep(0)\n\n"
                    "class B_Legacy(unittest.TestCase):\n"
                    "    def setUp(self):\n"
                    "        self.loop = asyncio.get_event_loop()\n\n"
                    "    def test_b(self):\n"
                    "        __SENTINEL__\n"
                    "        self.assertEqual(self.loop.run_until_complete(fetch()), 1)\n"
                ),
            },
            runner="unittest",
            outcome="error",
            body_ran=False,
            symptoms=symptoms[:1],
            envs=("py310", "py311", "py312", "py313", "py314", "py315"),
            note="e20: the IsolatedAsyncioTestCase class sorts first and unsets the current loop when it finishes",
        ),
        RuntimeExample(
            files={
                "pytest.ini": "[pytest]\nasyncio_default_fixture_loop_scope = function\n",
                "test_example.py": (
                    "import asyncio\n"
                    "import pytest\n\n"
                    "async def make_conn():\n"
                    "    return 'conn'\n\n"
                    "@pytest.fixture\n"
                    "def conn():\n"
                    "    loop = asyncio.get_event_loop()\n"
                    "    return loop.run_until_complete(make_conn())\n\n"
                    "@pytest.mark.asyncio\n"
                    "async def test_a_async_first():\n"
                    "    await asyncio.sleep(0)\n\n"
                    "def test_b_sync_uses_loop(conn):\n"
                    "    __SENTINEL__\n"
                    "    assert conn == 'conn'\n"
                ),
            },
            runner="pytest",
            outcome="error",
            body_ran=False,
            symptoms=symptoms[:1],
            envs=("py310", "py311", "py312", "py313", "py314", "py315"),
            note="p14b: pytest-asyncio >= 1.4 unsets the loop after the async test (1.0.0 and 1.3.0 pass)",
        ),
        RuntimeExample(
            files=_ALONE,
            runner="unittest",
            outcome="passed",
            body_ran=True,
            symptoms=symptoms[1:2],
            envs=("py312", "py313"),
            note="e06: alone it passes, with a DeprecationWarning on 3.12 and 3.13",
        ),
        RuntimeExample(
            files=_ALONE,
            runner="unittest",
            outcome="error",
            body_ran=False,
            symptoms=symptoms[2:],
            envs=("py314", "py315"),
            note="the same test alone fails on 3.14 and 3.15: setUp raises before the test runs",
        ),
    )


def _runs_the_loop(ctx: FileContext, call: ast.Call) -> bool:
    """Is the loop this call returns run right here (`.run_until_complete` on it, or on the name it is bound to)?"""
    parents = ctx.parents
    parent = parents[-1] if parents else None
    if isinstance(parent, ast.Attribute) and parent.attr in RUN_LOOP_ATTRS:
        return True
    target = assigned_target(ctx, call)
    function = ctx.function
    if not isinstance(target, ast.Name) or function is None:
        return False
    for node in walk_body(function.node):
        if (
            isinstance(node, ast.Attribute)
            and node.attr in RUN_LOOP_ATTRS
            and isinstance(node.value, ast.Name)
            and node.value.id == target.id
        ):
            return True
    return False


def _sync_fix_data(ctx: FileContext, call: ast.Call, role: Role | None) -> tuple[dict | None, str | None]:
    """How to give this code a private loop, when the shape makes that clear."""
    if role is None or role.kind not in ("test", "fixture", "hook", "class-hook"):
        return None, None
    target = assigned_target(ctx, call)
    code = target_code(target) if target is not None else None
    if code is None or len(ctx.parents) < 2 or ctx.parents[-2] is not role.function:
        return None, None  # only `x = get_event_loop()` directly in the body
    if role.style == "unittest" or role.style == "isolated":
        if role.kind == "class-hook" and role.name == "setUpClass" and not code.startswith("self."):
            return {"kind": "new", "style": "class_cleanup", "target": code}, "unsafe"
        if (role.kind == "test" or role.name == "setUp") and not code.startswith("cls."):
            return {"kind": "new", "style": "cleanup", "target": code}, "unsafe"
        return None, None
    if role.style == "pytest" and role.kind in ("fixture", "test") and isinstance(target, ast.Name):
        generator = any(isinstance(n, (ast.Yield, ast.YieldFrom)) for n in walk_body(role.function))
        return {"kind": "new", "style": "finally", "target": code, "yield": role.kind == "fixture" and not generator}, "unsafe"
    return None, None


def _renamed(fixer: FixContext, func: cst.BaseExpression, name: str) -> cst.BaseExpression:
    """`asyncio.get_event_loop` -> `asyncio.<name>` (keeping the alias); a bare name goes through the imports."""
    if isinstance(func, cst.Attribute):
        return func.with_changes(attr=cst.Name(name))
    if isinstance(func, cst.Name):
        return fixer.parse_expression(fixer.name_for("asyncio", name))
    raise FixUnavailable("unexpected callee")
