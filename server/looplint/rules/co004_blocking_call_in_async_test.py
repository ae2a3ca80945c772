"""CO004: a blocking call (time.sleep, requests, subprocess, ...) in async test code."""

from __future__ import annotations

import ast

from ..engine.fixer import cst  # libcst, imported when a fix is built

from ..engine import knowledge
from ..engine.checker import FileContext
from ..engine.fixer import FixContext, FixUnavailable
from ..engine.model import Diagnostic, Severity
from . import _coroutines as co
from .helpers import expected_failure_about, expects_timeout, runs_on_another_thread
from ..engine.rule import Invalid, Rule, RuntimeExample, Symptom, Valid

_ENVS = ("py310", "py311", "py312", "py313", "py314", "py315")



_BLOCKING = frozenset(knowledge.BLOCKING_CALLS)
# Words of an xfail reason that says the test blocks the loop on purpose.
_BLOCKING_WORDS = ("block", "busy", "slow callback", "slow_callback")

class BlockingCallInAsyncTest(Rule):
    code = "CO004"
    name = "blocking-call-in-async-test"
    severity = Severity.WARNING
    summary = "A blocking call inside an async test, fixture or hook stops the event loop while it runs."
    message = "Blocking call `{callee}()` in async test code stops the event loop"
    # Unsafe: the wait stays, but the loop now runs other work meanwhile, and a test may block
    # on purpose (CPython's "loop busy" timeout tests do): only a reviewer knows.
    fix_safety = "unsafe"
    fix_title = "Replace with `await asyncio.sleep()`"
    call_names = frozenset(name.rpartition(".")[2] for name in knowledge.BLOCKING_CALLS)
    local = True
    # flake8-async / ruff: blocking HTTP calls, subprocesses, open() and time.sleep in async functions.
    same_as = ("ASYNC210", "ASYNC211", "ASYNC212", "ASYNC220", "ASYNC221", "ASYNC222", "ASYNC230", "ASYNC251")
    symptoms = (
        Symptom(
            when="IsolatedAsyncioTestCase always runs in debug mode (3.10–3.15); pytest-asyncio ≥ 1.2 with "
            "`asyncio_debug = true` logs the same",
            output="Executing <...> took ... seconds",
            envs=_ENVS,
        ),
    )
    explanation = """
    An async test runs on an event loop with everything it awaits: servers,
    clients, background tasks. A blocking call (`time.sleep`, `requests.get`,
    `subprocess.run`, `os.system`, ...) holds the whole loop until it
    returns. Nothing else progresses meanwhile, so the test is slow at best;
    when the code under test needs the loop to answer (a server in the same
    loop, a task the test waits for), it times out or deadlocks.
    `IsolatedAsyncioTestCase` runs its loop in debug mode and prints a
    slow-callback line; pytest-asyncio prints it with `asyncio_debug = true`.

    Checked: async tests, async fixtures, `asyncSetUp`/`asyncTearDown` and
    other hooks, async defs nested in them, and async helpers defined in test
    modules (`test_*.py`, `*_test.py`) and `conftest.py`, which can only run on
    a test's loop. The blocking calls are a data table
    (`knowledge.BLOCKING_CALLS`).

    ### How to fix
    Use the async equivalent, or move the call to a thread:

    ```python
    await asyncio.sleep(0.3)                     # was: time.sleep(0.3)
    resp = await asyncio.to_thread(requests.get, url)
    ```

    `time.sleep(x)` → `await asyncio.sleep(x)` is offered as an unsafe fix
    (`--unsafe-fixes`, or the editor's quick fix): the wait is the same, but
    the loop keeps running meanwhile, which is what a test that blocks on
    purpose (one about slow callbacks or timeouts) must not get. Other calls
    have no automatic fix.

    Not reported: synchronous tests, sync defs and lambdas nested in async
    tests (they may run in a thread), blocking functions passed to
    `asyncio.to_thread`/`run_in_executor` (not called), `time.sleep(0)`,
    reading files with `open()` (short local I/O is harmless in tests),
    plain socket calls (tests connect to a local listener, which the kernel
    answers without the loop), async code in non-test modules, functions that
    run on a worker thread by design (decorated with `thread=True`, as
    textual's `@work(thread=True)`), tests marked `xfail` for blocking the loop,
    blocking inside `pytest.raises(TimeoutError)` (the test waits for a timeout),
    and lines carrying ruff's or flake8-async's code for the same problem
    (`# noqa: ASYNC251`).
    """

    def visit_Call(self, node: ast.Call, ctx: FileContext) -> None:
        func = node.func
        if not ctx.in_async or not ctx.may_name(func, _BLOCKING):
            return
        qualified = ctx.qualify(func)
        if qualified is None or qualified not in knowledge.BLOCKING_CALLS:
            return
        if _zero_sleep(qualified, node) or (qualified in _PROCESS_WAITS and _process_has_ended(ctx, node)):
            return
        if runs_on_another_thread(ctx) or expected_failure_about(ctx, _BLOCKING_WORDS) or expects_timeout(ctx, node):
            return  # a worker thread by design; a test that blocks the loop on purpose
        where = self._where(ctx)
        if where is None:
            return
        replacement = knowledge.BLOCKING_CALLS[qualified]
        reason = (
            f"`{qualified}` blocks the thread, and this {where} runs on the event loop: "
            "nothing else on the loop runs until it returns."
        )
        fixable = bool(replacement) and _single_positional(node) and co.can_await(ctx, node)
        ctx.report(
            self,
            node,
            fields={"callee": co.describe_call(node)},
            reason=reason,
            data={"replacement": replacement} if fixable else {},
            fixable=fixable,
            fix_title=f"Replace with `await {replacement}()`" if fixable else None,
        )

    @staticmethod
    def _where(ctx: FileContext) -> str | None:
        role = co.async_test_role(ctx)
        if role is not None:
            return {co.TEST: "async test", co.FIXTURE: "async fixture", co.HOOK: "async hook"}[role]
        outer, _, all_async = co.outer_function(ctx)
        if outer is not None and all_async and co.is_test_module(ctx.path):
            return "async helper in a test module"
        return None

    def fix(self, fixer: FixContext, diagnostic: Diagnostic) -> None:
        replacement = diagnostic.data.get("replacement")
        if not replacement:
            raise FixUnavailable("no async replacement")
        module, _, name = replacement.rpartition(".")
        call = fixer.find(diagnostic.range, cst.Call)
        func = fixer.parse_expression(fixer.name_for(module, name))
        co.wrap_call(fixer, call, lambda updated: updated.with_changes(func=func))

    examples = (
        Valid(
            source=(
                "import time\nimport pytest\nfrom textual import work\n\n"
                "@pytest.mark.asyncio\n"
                "async def test_noqa():\n"
                "    time.sleep(0.1)  # noqa: ASYNC251\n\n"
                "@pytest.mark.xfail(reason='blocks the event loop on purpose')\n"
                "@pytest.mark.asyncio\n"
                "async def test_loop_busy():\n"
                "    time.sleep(0.2)\n\n"
                "class Screen:\n"
                "    @work(thread=True)\n"
                "    async def load(self):\n"
                "        time.sleep(1)\n"
            ),
            why="suppressed with flake8-async's code; a test about blocking; a worker on its own thread",
        ),
        Valid(
            source=(
                "import asyncio\nimport subprocess\nimport pytest\n\n"
                "@pytest.mark.asyncio\n"
                "async def test_kill():\n"
                "    proc = subprocess.Popen(['sleep', '10'])\n"
                "    proc.kill()\n"
                "    assert proc.wait() != 0\n\n"
                "class Runner:\n"
                "    def __init__(self):\n"
                "        self.process = subprocess.Popen(['true'])\n\n"
                "    async def poll(self):\n"
                "        return self.process.poll()\n\n"
                "    async def finish(self):\n"
                "        while await self.poll() is None:\n"
                "            await asyncio.sleep(0.1)\n"
                "        return self.process.wait()\n\n"
                "@pytest.mark.asyncio\n"
                "async def test_finish():\n"
                "    assert await Runner().finish() == 0\n"
            ),
            why="the process has ended when `wait()` is called: killed just before, or polled until it exited",
        ),
        Invalid(
            source=(
                "import subprocess\nimport pytest\n\n"
                "@pytest.mark.asyncio\n"
                "async def test_maybe_killed(fast):\n"
                "    proc = subprocess.Popen(['sleep', '1'])\n"
                "    if fast:\n"
                "        proc.kill()\n"
                "    proc.wait()\n"
            ),
            at=(9, 5),
        ),
        Invalid(
            source=(
                "import time\nimport unittest\n\n"
                "class T(unittest.IsolatedAsyncioTestCase):\n"
                "    async def test_wait(self):\n"
                "        time.sleep(0.3)\n"
            ),
            at=(6, 9),
            end=(6, 24),
            unsafe=True,
            fixed=(
                "import time\nimport unittest\nimport asyncio\n\n"
                "class T(unittest.IsolatedAsyncioTestCase):\n"
                "    async def test_wait(self):\n"
                "        await asyncio.sleep(0.3)\n"
            ),
        ),
        Invalid(
            # `from time import sleep`, an existing asyncio import, an async fixture and asyncSetUp.
            source=(
                "import asyncio\nimport unittest\nfrom time import sleep\n\n"
                "import pytest_asyncio\n\n"
                "@pytest_asyncio.fixture\n"
                "async def server():\n"
                "    sleep(0.1)\n"
                "    yield 1\n\n"
                "class T(unittest.IsolatedAsyncioTestCase):\n"
                "    async def asyncSetUp(self):\n"
                "        sleep(0.1)\n"
            ),
            at=((9, 5), (14, 9)),
            unsafe=True,
            fixed=(
                "import asyncio\nimport unittest\nfrom time import sleep\n\n"
                "import pytest_asyncio\n\n"
                "@pytest_asyncio.fixture\n"
                "async def server():\n"
                "    await asyncio.sleep(0.1)\n"
                "    yield 1\n\n"
                "class T(unittest.IsolatedAsyncioTestCase):\n"
                "    async def asyncSetUp(self):\n"
                "        await asyncio.sleep(0.1)\n"
            ),
        ),
        Invalid(
            # requests and subprocess: reported, no automatic fix; an async helper in a test module counts.
            source=(
                "import subprocess\nimport requests\n\n"
                "async def fetch_status(url):\n"
                "    return requests.get(url).status_code\n\n"
                "async def test_cli():\n"
                "    subprocess.run(['true'], check=True)\n"
                "    assert await fetch_status('http://x') == 200\n"
            ),
            at=((5, 12), (8, 5)),
        ),
        Valid(
            source=(
                "import asyncio\nimport time\n\n"
                "def test_sync():\n"
                "    time.sleep(0.1)\n\n"
                "async def test_threaded():\n"
                "    await asyncio.to_thread(time.sleep, 0.1)\n"
                "    def blocking():\n"
                "        time.sleep(0.1)\n"
                "    await asyncio.get_running_loop().run_in_executor(None, blocking)\n"
                "    time.sleep(0)\n"
            ),
            why="sync tests, blocking work handed to threads, time.sleep(0)",
        ),
        Valid(
            source=(
                "import time\n\n"
                "async def slow_handler(reader, writer):\n"
                "    time.sleep(0.1)\n"
            ),
            path="tests/fakes.py",
            why="async code in a support module that is not a test, fixture or hook",
        ),
        Valid(
            source=(
                "async def test_read_fixture_file():\n"
                "    with open(__file__) as handle:\n"
                "        assert handle.read()\n"
            ),
            why="short local file reads are not reported",
        ),
    )

    runtime = (
        RuntimeExample(
            files={
                "test_example.py": (
                    "import time\nimport unittest\n\n"
                    "class T(unittest.IsolatedAsyncioTestCase):\n"
                    "    async def test_wait_for_worker(self):\n"
                    "        __SENTINEL__\n"
                    "        time.sleep(0.3)\n"
                ),
            },
            runner="unittest",
            outcome="passed",
            body_ran=True,
            symptoms=symptoms,
            envs=_ENVS,
        ),
        RuntimeExample(
            files={
                "pytest.ini": "[pytest]\nasyncio_default_fixture_loop_scope = function\nasyncio_debug = true\n",
                "test_example.py": (
                    "import time\nimport pytest\n\n"
                    "@pytest.mark.asyncio\n"
                    "async def test_wait_for_worker():\n"
                    "    __SENTINEL__\n"
                    "    time.sleep(0.3)\n"
                ),
            },
            runner="pytest",
            outcome="passed",
            body_ran=True,
            symptoms=symptoms,
            envs=_ENVS,
            note="pytest-asyncio logs slow callbacks only in debug mode (asyncio_debug, 1.2+)",
        ),
    )


_PROCESS_WAITS = frozenset({"subprocess.Popen.wait", "subprocess.Popen.communicate"})


def _process_has_ended(ctx: FileContext, call: ast.Call) -> bool:
    """`p.wait()` that returns at once: an earlier statement of the same block killed or terminated
    `p`, or is a loop that awaits until a `poll()` of `p` (or of its owner, `self.poll()` for
    `self.process`) says the process has exited."""
    receiver = co.dotted(call.func.value) if isinstance(call.func, ast.Attribute) else None
    if receiver is None:
        return False
    parts = receiver.split(".")
    pollers = {".".join(parts[:cut]) for cut in range(1, len(parts) + 1)}
    for earlier in _earlier_siblings(ctx):
        if (isinstance(earlier, ast.Expr) and isinstance(earlier.value, ast.Call)
                and isinstance(earlier.value.func, ast.Attribute)
                and earlier.value.func.attr in ("kill", "terminate")
                and co.dotted(earlier.value.func.value) == receiver):
            return True
        if isinstance(earlier, ast.While) and any(isinstance(n, ast.Await) for n in ast.walk(earlier)) and any(
            isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "poll"
            and co.dotted(n.func.value) in pollers
            for n in ast.walk(earlier.test)
        ):
            return True
    return False


def _earlier_siblings(ctx: FileContext) -> list[ast.stmt]:
    """The statements before the one being visited, in the block that holds it."""
    parents = ctx.parents
    for index in range(len(parents) - 1, 0, -1):
        statement = parents[index]
        if isinstance(statement, ast.stmt):
            holder = parents[index - 1]
            for name in ("body", "orelse", "finalbody"):
                block = getattr(holder, name, None)
                if isinstance(block, list) and any(item is statement for item in block):
                    return block[: next(i for i, item in enumerate(block) if item is statement)]
            return []
    return []


def _zero_sleep(qualified: str, call: ast.Call) -> bool:
    if qualified != "time.sleep" or len(call.args) != 1:
        return False
    arg = call.args[0]
    return isinstance(arg, ast.Constant) and arg.value == 0


def _single_positional(call: ast.Call) -> bool:
    return len(call.args) == 1 and not call.keywords and not isinstance(call.args[0], ast.Starred)
