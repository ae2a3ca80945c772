"""LP007: a pytest-asyncio test or fixture closes, stops or unsets the loop pytest-asyncio manages."""

from __future__ import annotations

import ast

from ..engine.checker import FileContext
from ..engine.model import Severity
from ..engine.rule import Invalid, Rule, RuntimeExample, Symptom, Valid
from ._loops import function_role, is_none, is_test_code, loop_kind, pytest_asyncio_at_least, set_loop_calls, uses_pytest_asyncio

_ALL_PYTEST_ENVS = ("py310", "py311", "py312", "py313", "py314", "py315", "py311-pa13", "py311-pytest84-pa10", "py311-pytest83-pa023")
_MODULE_SCOPE_ENVS = ("py310", "py311", "py312", "py313", "py314", "py315", "py311-pa13", "py311-pytest84-pa10")

_MODULE_SCOPED = (
    "import asyncio\n"
    "import pytest\n"
    "import pytest_asyncio\n\n"
    '@pytest_asyncio.fixture(loop_scope="module", scope="module")\n'
    "async def shared():\n"
    "    yield 1\n\n"
    '@pytest.mark.asyncio(loop_scope="module")\n'
    "async def test_a(shared):\n"
    "    await asyncio.sleep(0)\n\n"
    "def test_b_sync():\n"
    "    __SENTINEL__\n"
    "    {statement}\n\n"
    '@pytest.mark.asyncio(loop_scope="module")\n'
    "async def test_c(shared):\n"
    "    await asyncio.sleep(0.01)\n"
)


class ClosesOrUnsetsManagedLoop(Rule):
    code = "LP007"
    name = "test-closes-or-unsets-loop"
    severity = Severity.WARNING
    summary = "A pytest-asyncio test or fixture closes, stops or unsets an event loop it did not create."
    message = "`{call}` in {where} {what}: {why}"
    tokens = ("asyncio",)  # every trigger names an asyncio function
    call_names = frozenset({"close", "stop", "set_event_loop"})
    local = True
    symptoms = (
        Symptom(
            when="a sync test closes the module-scoped loop still current (pytest-asyncio 1.0–1.5)",
            output="RuntimeError: Event loop is closed",
            envs=_MODULE_SCOPE_ENVS,
        ),
        Symptom(
            when="pytest-asyncio 1.3 and 1.5, at the loop's teardown",
            output="RuntimeWarning: An exception occurred during teardown of an asyncio.Runner. ...",
            envs=("py310", "py311", "py312", "py313", "py314", "py315", "py311-pa13"),
        ),
        Symptom(
            when="an async test closes its running loop (every version)",
            output="RuntimeError: Cannot close a running event loop",
            envs=_ALL_PYTEST_ENVS,
        ),
        Symptom(
            when="an async test stops its running loop (every version)",
            output="RuntimeError: Event loop stopped before Future completed.",
            envs=_ALL_PYTEST_ENVS,
        ),
        Symptom(
            when="a sync test unsets the current loop between module-scoped async tests (pytest-asyncio 1.0.0)",
            output="RuntimeError: There is no current event loop in thread 'MainThread'.",
            envs=("py311-pytest84-pa10",),
        ),
    )
    explanation = """
    pytest-asyncio owns the loops its tests and fixtures run on: it creates
    them, makes them current, and tears them down (cancelling tasks, closing
    async generators, closing the loop). A test or fixture that closes, stops
    or unsets such a loop breaks what runs after it on that loop:

    - `asyncio.get_running_loop().close()` in an async test: `RuntimeError:
      Cannot close a running event loop`.
    - `asyncio.get_event_loop().close()` in a sync test while a module- or
      session-scoped loop is current (a wider `loop_scope` fixture is active):
      the next test on that loop and the fixture's teardown fail with
      `RuntimeError: Event loop is closed`; pytest-asyncio ≥ 1.1 also warns
      about the runner's teardown.
    - `loop.stop()` on the running loop: `RuntimeError: Event loop stopped
      before Future completed.`
    - `asyncio.set_event_loop(None)` in a sync test or fixture: with
      pytest-asyncio 1.0.0 the next module-scoped async test failed with
      `RuntimeError: There is no current event loop`; 1.3.0 and 1.5.0 restore
      the loop themselves, so it is not reported when the project is known to
      use pytest-asyncio ≥ 1.3.

    ### How to fix
    Never close, stop or unset a loop you did not create. If a test needs a
    private loop, make it with `asyncio.new_event_loop()` and close that one.

    A test module counts as pytest-asyncio-managed when it imports
    `pytest_asyncio`, carries an `asyncio` mark (function, class or
    `pytestmark`), or runs in `asyncio_mode = auto` with async tests or
    fixtures of its own. Not reported: loops the code created itself
    (`new_event_loop()`), code that installed its own current loop first
    (`set_event_loop(loop)` earlier in the function), callbacks scheduled on
    the loop, helpers, unittest classes, and `set_event_loop(other_loop)` or
    `set_event_loop(None)` inside async tests: neither failed a test with
    pytest-asyncio 1.0, 1.3 or 1.5 here (the catalog lists them; the runs
    did not bear it out).
    """

    def visit_Call(self, node: ast.Call, ctx: FileContext) -> None:
        func = node.func
        if not isinstance(func, (ast.Attribute, ast.Name)) or not _managed_module(ctx):
            return
        if isinstance(func, ast.Attribute) and func.attr in ("close", "stop"):
            kind = loop_kind(ctx, func.value)
            if kind not in ("current", "running"):
                return
            action = func.attr
        elif (isinstance(func, ast.Attribute) and func.attr == "set_event_loop") or (
            isinstance(func, ast.Name) and func.id == "set_event_loop"
        ):
            if len(node.args) != 1 or not is_none(node.args[0]) or ctx.qualify(func) != "asyncio.set_event_loop":
                return
            action = "unset"
        else:
            return
        role = function_role(ctx)
        if role is None or role.kind not in ("test", "fixture") or role.style != "pytest":
            return
        is_async = isinstance(role.function, ast.AsyncFunctionDef)
        position = (node.lineno, node.col_offset)
        if any(p < position for p in set_loop_calls(ctx, role.function)):
            return  # it installed its own loop first: that is the loop it closes or unsets
        if action == "unset":
            if is_async:
                return  # no failure observed from inside an async test (pytest-asyncio 1.0, 1.3, 1.5)
            if pytest_asyncio_at_least(ctx, "1.3") is True:
                return  # pytest-asyncio >= 1.3 restores the loop itself: nothing fails
            what = "unsets pytest-asyncio's current loop"
            why = "a later test on a module- or session-scoped loop can fail with `RuntimeError: There is no current event loop`"
        elif action == "close":
            what = "closes the loop pytest-asyncio runs the tests on"
            why = (
                "it is running (`RuntimeError: Cannot close a running event loop`)"
                if is_async
                else "later tests and fixture teardown on that loop fail with `RuntimeError: Event loop is closed`"
            )
        else:
            what = "stops the loop pytest-asyncio runs the tests on"
            why = "the test fails with `RuntimeError: Event loop stopped before Future completed.`" if is_async else (
                "the next test on that loop stops early with `RuntimeError: Event loop stopped before Future completed.`"
            )
        ctx.report(
            self,
            node,
            fields={"call": ast.unparse(node), "where": role.describe(), "what": what, "why": why},
            reason=(
                f"This module is run by pytest-asyncio, which owns the loop that {role.describe()} sees: it "
                "creates it, makes it current and closes it at the end of its scope. Closing, stopping or unsetting "
                "it here breaks the tests and teardown that come after on the same loop. Use a private "
                "`asyncio.new_event_loop()` (and close that one) if the test needs its own loop."
            ),
        )

    examples = (
        Invalid(
            source=(
                "import asyncio\n"
                "import pytest\n\n"
                "@pytest.mark.asyncio\n"
                "async def test_closes():\n"
                "    loop = asyncio.get_running_loop()\n"
                "    loop.close()\n"
            ),
            at=(7, 5),
            end=(7, 17),
            message_contains="running",
        ),
        Invalid(
            source=(
                "import asyncio\n"
                "import pytest_asyncio\n\n"
                "def test_sync_closes_current_loop():\n"
                "    asyncio.get_event_loop().close()\n\n"
                "@pytest_asyncio.fixture\n"
                "async def stopper():\n"
                "    yield\n"
                "    asyncio.get_running_loop().stop()\n"
            ),
            at=((5, 5), (10, 5)),
        ),
        Invalid(
            source=(
                "import asyncio\n"
                "import pytest\n\n"
                "pytestmark = pytest.mark.asyncio\n\n"
                "@pytest.fixture\n"
                "def no_loop():\n"
                "    yield\n"
                "    asyncio.set_event_loop(None)\n"
            ),
            at=(9, 5),
            message_contains="unsets",
        ),
        Invalid(
            # asyncio_mode = auto: async tests are pytest-asyncio's without any mark.
            files={"pytest.ini": "[pytest]\nasyncio_mode = auto\n"},
            source=(
                "import asyncio\n\n"
                "async def test_a():\n"
                "    asyncio.get_event_loop().stop()\n"
            ),
            at=(4, 5),
        ),
        Valid(
            source=(
                "import asyncio\n"
                "import pytest\n\n"
                "@pytest.fixture\n"
                "def own_loop():\n"
                "    loop = asyncio.new_event_loop()\n"
                "    asyncio.set_event_loop(loop)\n"
                "    yield loop\n"
                "    asyncio.get_event_loop().close()\n"
                "    asyncio.set_event_loop(None)\n\n"
                "@pytest.mark.asyncio\n"
                "async def test_a():\n"
                "    loop = asyncio.new_event_loop()\n"
                "    loop.stop()\n"
                "    loop.close()\n"
            ),
            why="loops the code created (and made current) itself",
        ),
        Valid(
            source=(
                "import asyncio\n\n"
                "def test_sync():\n"
                "    asyncio.get_event_loop().close()\n"
            ),
            why="no pytest-asyncio in this module: LP003 is the rule about get_event_loop() here",
        ),
        Valid(
            source=(
                "import asyncio\n"
                "import pytest\n\n"
                "@pytest.mark.asyncio\n"
                "async def test_a():\n"
                "    loop = asyncio.get_running_loop()\n"
                "    loop.call_soon(loop.stop)\n"
                "    asyncio.set_event_loop(None)\n"
                "    writer_close = loop.close\n"
            ),
            why="callbacks and references are not calls; set_event_loop(None) in async tests did not fail anywhere",
        ),
        Valid(
            source=(
                "import asyncio\n"
                "import unittest\n"
                "import pytest\n\n"
                "class T(unittest.IsolatedAsyncioTestCase):\n"
                "    @pytest.mark.asyncio\n"
                "    async def test_a(self):\n"
                "        asyncio.get_running_loop().stop()\n"
            ),
            why="unittest classes are not run by pytest-asyncio (UT008 reports the mark)",
        ),
    )

    runtime = (
        RuntimeExample(
            files={
                "pytest.ini": "[pytest]\nasyncio_default_fixture_loop_scope = function\n",
                "test_example.py": _MODULE_SCOPED.replace("{statement}", "asyncio.get_event_loop().close()"),
            },
            runner="pytest",
            outcome="error",
            body_ran=True,
            symptoms=symptoms[:2],
            envs=_MODULE_SCOPE_ENVS,
            note="p11-like: the sync test closes the module-scoped loop; test_c and the fixture teardown fail",
        ),
        RuntimeExample(
            files={
                "pytest.ini": "[pytest]\nasyncio_default_fixture_loop_scope = function\n",
                "test_example.py": (
                    "import asyncio\n"
                    "import pytest\n\n"
                    "@pytest.mark.asyncio\n"
                    "async def test_close():\n"
                    "    __SENTINEL__\n"
                    "    asyncio.get_running_loop().close()\n\n"
                    "@pytest.mark.asyncio\n"
                    "async def test_stop():\n"
                    "    loop = asyncio.get_running_loop()\n"
                    "    loop.stop()\n"
                    "    await asyncio.sleep(0)\n"
                ),
            },
            runner="pytest",
            outcome="failed",
            body_ran=True,
            symptoms=symptoms[2:4],
            envs=_ALL_PYTEST_ENVS,
        ),
        RuntimeExample(
            files={
                "pytest.ini": "[pytest]\nasyncio_default_fixture_loop_scope = function\n",
                "test_example.py": _MODULE_SCOPED.replace("{statement}", "asyncio.set_event_loop(None)"),
            },
            runner="pytest",
            outcome="failed",
            body_ran=True,
            symptoms=symptoms[4:],
            envs=("py311-pytest84-pa10",),
            note="pytest-asyncio 1.0.0 only; 1.3.0 and 1.5.0 pass this module",
        ),
    )


def _managed_module(ctx: FileContext) -> bool:
    """Test code run by pytest-asyncio: decided once per file, before any name resolution."""
    managed = ctx.state.get("LP007.managed")
    if managed is None:
        managed = ctx.state["LP007.managed"] = is_test_code(ctx) and uses_pytest_asyncio(ctx)
    return managed
