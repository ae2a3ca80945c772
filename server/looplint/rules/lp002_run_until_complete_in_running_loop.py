"""LP002: `<loop>.run_until_complete()` / `.run_forever()` inside an `async def`."""

from __future__ import annotations

import ast

from ..engine.fixer import cst  # libcst, imported when a fix is built

from ..engine.checker import FileContext
from ..engine.fixer import FixContext, FixUnavailable
from ..engine.model import Diagnostic, Severity
from ..engine.symbols import ProjectFunction
from ..engine.rule import Invalid, Rule, RuntimeExample, Symptom, Valid
from ._loops import RUN_LOOP_ATTRS, awaited, chain_related, helper_runs_loop, local_binding, loop_kind, nest_asyncio_applied
from .helpers import expects_loop_error

_SAME = "This event loop is already running"
_OTHER = "Cannot run the event loop while another loop is running"


class RunUntilCompleteInRunningLoop(Rule):
    code = "LP002"
    name = "run-until-complete-in-running-loop"
    severity = Severity.ERROR
    summary = "`loop.run_until_complete()` or `loop.run_forever()` inside an `async def` always raises: a loop is already running."
    message = "`{call}` inside `async def {function}` raises RuntimeError: {why}; await the coroutine instead"
    fix_safety = "safe"
    fix_title = "Await the coroutine instead of running the loop"
    tokens = ("async def",)  # a sync helper elsewhere may run the loop: the call site mentions no runner
    local = True
    symptoms = (
        Symptom(
            when="the receiver is the running loop (3.10–3.15)",
            output=f"RuntimeError: {_SAME}",
            envs=("py310", "py311", "py312", "py313", "py314", "py315"),
        ),
        Symptom(
            when="the receiver is another loop (3.10–3.15)",
            output=f"RuntimeError: {_OTHER}",
            envs=("py310", "py311", "py312", "py313", "py314", "py315"),
        ),
        Symptom(
            when="the coroutine is dropped (3.10–3.15)",
            output="RuntimeWarning: coroutine 'fetch' was never awaited",
            envs=("py310", "py311", "py312", "py313", "py314", "py315"),
        ),
    )
    explanation = """
    Inside an `async def` the thread's event loop is running, and asyncio
    never runs two loops (or one loop twice) in one thread. Every
    `run_until_complete()` / `run_forever()` there raises `RuntimeError`
    before doing anything (`BaseEventLoop._check_running`): "This event loop
    is already running" when the receiver is the running loop
    (`asyncio.get_event_loop()`, `asyncio.get_running_loop()`, `self.loop` of
    an aiohttp test case), "Cannot run the event loop while another loop is
    running" for any other loop (a class-level `new_event_loop()`, a loop from
    `setUpClass`). The coroutine passed in is never awaited.

    ### How to fix
    Await the coroutine: the running loop is the one the test runs on.

    ```python
    async def test_fetch(self):
        self.assertEqual(await fetch(), 1)   # not loop.run_until_complete(fetch())
    ```

    The fix is safe when the receiver is the current or running loop
    (`asyncio.get_event_loop()`, `asyncio.get_running_loop()`, `self.loop`, or a
    name bound to one of them) and the argument is a call. For another loop it
    is offered as unsafe: the coroutine then runs on the test's loop instead.
    `run_forever()` has no automatic fix.

    A sync helper that runs such a loop on every path — itself or through other
    functions, in any module — fails the same way when async code calls it;
    that call is reported, with the chain in the hover.

    Not reported: calls in sync code (the usual way sync tests run
    coroutines), in sync defs or lambdas nested in the `async def` (they may
    run in a worker thread), methods of your own classes that happen to be
    called `run_until_complete`, and modules where `nest_asyncio` is imported
    (AP001 reports that).
    """

    def visit_Call(self, node: ast.Call, ctx: FileContext) -> None:
        func = node.func
        if not ctx.in_async:
            return
        if not isinstance(func, ast.Attribute) or func.attr not in RUN_LOOP_ATTRS:
            self._check_helper(node, ctx)
            return
        if isinstance(ctx.resolve(func), ProjectFunction) or nest_asyncio_applied(ctx):
            return
        if expects_loop_error(ctx, node):
            return
        receiver = func.value
        same, certain = _receiver_is_running_loop(ctx, receiver)
        if same is True:
            why = f"this event loop is already running (`{_SAME}`)"
        elif same is False:
            why = f"another loop cannot run inside the running one (`{_OTHER}`)"
        else:
            why = "a loop is already running in this thread"
        receiver_text = ast.unparse(receiver)
        function = ctx.function.node.name  # type: ignore[union-attr]
        fixable = func.attr == "run_until_complete" and len(node.args) == 1 and not node.keywords and isinstance(
            node.args[0], ast.Call
        )
        applicability = "safe" if (same is True and certain) or _is_self_loop(receiver) and same is None else "unsafe"
        ctx.report(
            self,
            node,
            fields={"call": f"{receiver_text}.{func.attr}()", "function": function, "why": why},
            reason=(
                f"`{receiver_text}` is "
                + (
                    "the loop that runs this coroutine"
                    if same is True
                    else "not the loop that runs this coroutine"
                    if same is False
                    else "an event loop looplint cannot trace"
                )
                + f"; inside `async def {function}` a loop is already running, so `{func.attr}()` raises "
                "`RuntimeError` and the coroutine passed to it is never awaited."
            ),
            fixable=fixable,
            fix_applicability=applicability if fixable else None,
            fix_title=None if applicability == "safe" else "Await the coroutine on the running loop (review: it no longer runs on that loop)",
        )

    def _check_helper(self, node: ast.Call, ctx: FileContext) -> None:
        """A sync project function that runs `run_until_complete` on every path (itself or any number of
        calls further, in any module), called from async code."""
        found = helper_runs_loop(ctx, node)
        if found is None or found[0].detail.rpartition(".")[2] not in RUN_LOOP_ATTRS or nest_asyncio_applied(ctx):
            return
        if expects_loop_error(ctx, node):
            return
        evidence, _ = found
        primitive = evidence.chain[-1]
        function = ctx.function.node.name  # type: ignore[union-attr]
        where = ctx.project.relpath(primitive.path)
        ctx.report(
            self,
            node,
            message=(
                f"`{ast.unparse(node.func)}()` calls `{primitive.text}()` and is called inside `async def {function}`: "
                "it raises RuntimeError because an event loop is already running"
            ),
            reason=(
                f"{evidence.describe_chain()} ({where}:{primitive.line}) runs a loop with `{primitive.text}()` on "
                f"every path; inside `async def {function}` a loop is already running, so it raises `RuntimeError`."
            ),
            related=chain_related(evidence, f"`{primitive.text}` runs the loop here"),
            fixable=False,
        )

    def fix(self, fixer: FixContext, diagnostic: Diagnostic) -> None:
        call = fixer.find(diagnostic.range, cst.Call)
        if len(call.args) != 1 or call.args[0].keyword is not None or call.args[0].star:
            raise FixUnavailable("unexpected arguments")
        argument = call.args[0].value
        if not isinstance(argument, cst.Call):
            raise FixUnavailable("the argument is not a call")
        fixer.replace(call, awaited(fixer, call, argument.with_changes(lpar=[], rpar=[])))

    examples = (
        Invalid(
            files={
                "tests/__init__.py": "",
                "tests/support.py": (
                    "import asyncio\n\n"
                    "def drive(coro):\n"
                    "    return asyncio.get_event_loop().run_until_complete(coro)\n\n"
                    "class Seeder:\n"
                    "    def seed(self):\n"
                    "        return drive(asyncio.sleep(0))\n"
                ),
            },
            source=(
                "from tests.support import Seeder\n\n"
                "async def test_seeded():\n"
                "    Seeder().seed()\n"
            ),
            at=(4, 5),
            message_contains="run_until_complete",
        ),
        Valid(
            source=(
                "import asyncio\n"
                "import unittest\n\n"
                "async def fetch():\n"
                "    return 1\n\n"
                "class T(unittest.IsolatedAsyncioTestCase):\n"
                "    async def test_nested_run_is_rejected(self):\n"
                "        with self.assertRaises(RuntimeError):\n"
                "            asyncio.get_running_loop().run_until_complete(fetch())\n"
                "        try:\n"
                "            asyncio.get_running_loop().run_until_complete(fetch())\n"
                "        except RuntimeError:\n"
                "            pass\n"
            ),
            why="tests that assert the RuntimeError (assertRaises, pytest.raises, except RuntimeError)",
        ),
        Invalid(
            source=(
                "import asyncio\n"
                "import unittest\n\n"
                "class T(unittest.IsolatedAsyncioTestCase):\n"
                "    async def test_fetch(self):\n"
                "        loop = asyncio.get_event_loop()\n"
                "        self.assertEqual(loop.run_until_complete(fetch()), 1)\n"
            ),
            at=(7, 26),
            end=(7, 58),
            message_contains="already running",
            fixed=(
                "import asyncio\n"
                "import unittest\n\n"
                "class T(unittest.IsolatedAsyncioTestCase):\n"
                "    async def test_fetch(self):\n"
                "        loop = asyncio.get_event_loop()\n"
                "        self.assertEqual(await fetch(), 1)\n"
            ),
        ),
        Invalid(
            source=(
                "import asyncio\n\n"
                "async def test_a():\n"
                "    asyncio.get_running_loop().run_until_complete(main())\n"
            ),
            at=(4, 5),
            fixed="import asyncio\n\nasync def test_a():\n    await main()\n",
        ),
        Invalid(
            # A loop made elsewhere: the coroutine would move to the running loop, so the fix is unsafe.
            source=(
                "import asyncio\n"
                "import unittest\n\n"
                "class T(unittest.IsolatedAsyncioTestCase):\n"
                "    loop = asyncio.new_event_loop()\n\n"
                "    async def test_x(self):\n"
                "        self.assertEqual(self.loop.run_until_complete(fetch()), 1)\n"
            ),
            at=(8, 26),
            message_contains="another loop",
            fixed=(
                "import asyncio\n"
                "import unittest\n\n"
                "class T(unittest.IsolatedAsyncioTestCase):\n"
                "    loop = asyncio.new_event_loop()\n\n"
                "    async def test_x(self):\n"
                "        self.assertEqual(await fetch(), 1)\n"
            ),
            unsafe=True,
        ),
        Invalid(
            # aiohttp's AioHTTPTestCase: self.loop is the running loop (the catalog's safe case).
            source=(
                "from aiohttp.test_utils import AioHTTPTestCase\n\n"
                "class T(AioHTTPTestCase):\n"
                "    async def test_x(self):\n"
                "        self.loop.run_until_complete(self.client.get('/'))\n"
            ),
            at=(5, 9),
            fixed=(
                "from aiohttp.test_utils import AioHTTPTestCase\n\n"
                "class T(AioHTTPTestCase):\n"
                "    async def test_x(self):\n"
                "        await self.client.get('/')\n"
            ),
        ),
        Invalid(
            source="import asyncio\n\nasync def test_a():\n    asyncio.get_event_loop().run_forever()\n",
            at=(4, 5),
        ),
        Valid(
            source=(
                "import asyncio\n"
                "import unittest\n\n"
                "class T(unittest.TestCase):\n"
                "    def setUp(self):\n"
                "        self.loop = asyncio.new_event_loop()\n"
                "        self.addCleanup(self.loop.close)\n\n"
                "    def test_x(self):\n"
                "        self.assertEqual(self.loop.run_until_complete(fetch()), 1)\n"
            ),
            why="sync tests drive their own loop",
        ),
        Valid(
            source=(
                "import asyncio\n\n"
                "async def test_a():\n"
                "    def in_thread():\n"
                "        loop = asyncio.new_event_loop()\n"
                "        try:\n"
                "            return loop.run_until_complete(fetch())\n"
                "        finally:\n"
                "            loop.close()\n"
                "    await asyncio.to_thread(in_thread)\n"
            ),
            why="a nested sync def runs in a worker thread",
        ),
        Valid(
            source=(
                "class Engine:\n"
                "    def run_until_complete(self, job):\n"
                "        return job\n\n"
                "async def test_a():\n"
                "    Engine().run_until_complete(1)\n"
            ),
            why="a project class with a method of that name",
        ),
        Valid(
            source=(
                "import asyncio\n"
                "import nest_asyncio\n\n"
                "nest_asyncio.apply()\n\n"
                "async def test_a():\n"
                "    asyncio.get_event_loop().run_until_complete(fetch())\n"
            ),
            why="nest_asyncio patches the loop to allow re-entry (AP001 reports it)",
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
                    "class T(unittest.IsolatedAsyncioTestCase):\n"
                    "    async def test_fetch(self):\n"
                    "        __SENTINEL__\n"
                    "        loop = asyncio.get_event_loop()\n"
                    "        self.assertEqual(loop.run_until_complete(fetch()), 1)\n"
                ),
            },
            runner="unittest",
            outcome="error",
            body_ran=True,
            symptoms=(symptoms[0], symptoms[2]),
            envs=("py310", "py311", "py312", "py313", "py314", "py315"),
        ),
        RuntimeExample(
            files={
                "pytest.ini": "[pytest]\nasyncio_default_fixture_loop_scope = function\n",
                "test_example.py": (
                    "import asyncio\n"
                    "import pytest\n\n"
                    "async def fetch():\n"
                    "    return 1\n\n"
                    "@pytest.mark.asyncio\n"
                    "async def test_fetch():\n"
                    "    __SENTINEL__\n"
                    "    loop = asyncio.new_event_loop()\n"
                    "    try:\n"
                    "        assert loop.run_until_complete(fetch()) == 1\n"
                    "    finally:\n"
                    "        loop.close()\n"
                ),
            },
            runner="pytest",
            outcome="failed",
            body_ran=True,
            symptoms=(symptoms[1],),
            envs=("py310", "py311", "py312", "py313", "py314", "py315"),
            note="another loop; the fix is unsafe (the coroutine moves to the test's loop)",
        ),
    )


def _receiver_is_running_loop(ctx: FileContext, receiver: ast.AST) -> tuple[bool | None, bool]:
    """(is it the running loop: True/False/None unknown, is that certain enough for a safe fix)."""
    kind = loop_kind(ctx, receiver)
    if kind == "new":
        return False, True
    if kind in ("current", "running"):
        if isinstance(receiver, ast.Call):
            return True, True
        if isinstance(receiver, ast.Name) and local_binding(ctx, receiver.id) is not None:
            return True, True  # bound in this coroutine, so bound to its running loop
        return None, False  # bound at import or in setUpClass: the loop current then
    return None, False


def _is_self_loop(receiver: ast.AST) -> bool:
    return (
        isinstance(receiver, ast.Attribute)
        and receiver.attr == "loop"
        and isinstance(receiver.value, ast.Name)
        and receiver.value.id == "self"
    )
