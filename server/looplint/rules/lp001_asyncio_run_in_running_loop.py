"""LP001: asyncio.run() (or Runner.run, anyio.run) inside an `async def`, where a loop is already running."""

from __future__ import annotations

import ast

from ..engine.fixer import cst  # libcst, imported when a fix is built

from ..engine.checker import FileContext
from ..engine.fixer import FixContext, FixUnavailable
from ..engine.model import Diagnostic, Severity
from ..engine.symbols import ProjectFunction
from ..engine.rule import Invalid, Rule, RuntimeExample, Symptom, Valid
from ._loops import awaited, chain_related, helper_runs_loop, nest_asyncio_applied, runner_call
from .helpers import expects_loop_error

_ERRORS = {
    "asyncio.run": "asyncio.run() cannot be called from a running event loop",
    "asyncio.Runner.run": "Runner.run() cannot be called from a running event loop",
    "anyio.run": "Already running asyncio in this thread",
}
_SPELLING = {"asyncio.run": "asyncio.run()", "asyncio.Runner.run": "asyncio.Runner.run()", "anyio.run": "anyio.run()"}


class AsyncioRunInRunningLoop(Rule):
    code = "LP001"
    name = "asyncio-run-in-running-loop"
    severity = Severity.ERROR
    summary = "`asyncio.run()`, `asyncio.Runner.run()` or `anyio.run()` inside an `async def` always raises: a loop is already running."
    message = "`{runner}` inside `async def {function}` raises RuntimeError: an event loop is already running; await the coroutine instead"
    fix_safety = "safe"
    fix_title = "Await the coroutine instead of running a new loop"
    tokens = ("async def",)
    local = True
    symptoms = (
        Symptom(
            when="every Python version (3.10–3.15 run here), unittest and pytest-asyncio alike",
            output="RuntimeError: asyncio.run() cannot be called from a running event loop",
            envs=("py310", "py311", "py312", "py313", "py314", "py315"),
        ),
        Symptom(
            when="the coroutine handed to asyncio.run() is dropped (3.10–3.15)",
            output="RuntimeWarning: coroutine 'fetch' was never awaited",
            envs=("py310", "py311", "py312", "py313", "py314", "py315"),
        ),
        Symptom(
            when="`anyio.run()` (anyio 4.x) inside a running asyncio loop",
            output="RuntimeError: Already running asyncio in this thread",
            envs=("py311", "py313", "py314", "py315"),
        ),
    )
    explanation = """
    `asyncio.run()` starts a new event loop and runs it until the coroutine
    finishes. Inside an `async def` (a test of an `IsolatedAsyncioTestCase`,
    an `asyncSetUp`, a pytest-asyncio test or fixture, an async helper) a loop
    is already running in the thread, and asyncio refuses to nest loops:
    `asyncio.run()` raises `RuntimeError` before it even starts, and the
    coroutine you passed is never awaited. `asyncio.Runner.run()` and
    `anyio.run()` refuse the same way. A sync helper that calls `asyncio.run()`
    on every path — itself, or through other functions in any module — fails the
    same way when an `async def` calls it; the hover shows the call chain.

    ### How to fix
    Await the coroutine: you are already inside the loop.

    ```python
    async def test_fetch(self):
        self.assertEqual(await fetch(), 1)      # not asyncio.run(fetch())
    ```

    The fix is safe when the argument is a call (`asyncio.run(fetch())` →
    `await fetch()`). It is offered as unsafe when it drops `debug=`,
    `loop_factory=` or `anyio.run(..., backend=...)` arguments (the awaited
    coroutine then runs on the test's loop, with its debug mode and its loop
    class), and for a thin sync wrapper (`def run(coro): return asyncio.run(coro)`)
    whose call is replaced by `await`.

    Not reported: calls in a sync def or lambda nested in the `async def` (they
    may run in another thread, e.g. `loop.run_in_executor(None, lambda:
    asyncio.run(...))`); sync helpers that call `asyncio.run()` only on some
    paths (under `if`/`try ... except`, the usual "is a loop running?" dodge);
    helpers passed to `run_in_executor`/`to_thread` instead of called; and
    modules where `nest_asyncio` is imported (there nested runs work; AP001
    reports that workaround).
    """

    def visit_Call(self, node: ast.Call, ctx: FileContext) -> None:
        if not ctx.in_async:
            return
        func = node.func
        maybe_runner = (
            isinstance(func, ast.Name) and (func.id == "run" or _imported_run(ctx, func.id))
            or isinstance(func, ast.Attribute) and func.attr == "run"
        )
        runner = runner_call(ctx, node) if maybe_runner else None
        if runner is None:
            self._check_helper(node, ctx)
            return
        if nest_asyncio_applied(ctx) or expects_loop_error(ctx, node):
            return
        function = ctx.function.node.name  # type: ignore[union-attr]
        fix, applicability, dropped = _direct_fix(node, runner)
        note = f" (drops {', '.join(f'`{k}=`' for k in dropped)})" if dropped else ""
        ctx.report(
            self,
            node,
            fields={"runner": _SPELLING[runner], "function": function},
            reason=(
                f"`{ast.unparse(node.func)}` resolves to `{runner}`, called directly in `async def {function}`: "
                f"the loop running `{function}` is still running, so it raises "
                f"`RuntimeError: {_ERRORS[runner]}`."
            ),
            data={"kind": fix} if fix else {},
            fixable=fix is not None,
            fix_applicability=applicability,
            fix_title=(self.fix_title + note) if fix else None,
        )

    def _check_helper(self, node: ast.Call, ctx: FileContext) -> None:
        """A sync project function that runs a loop on every path — itself or any number of calls
        further, in any module — called from here."""
        found = helper_runs_loop(ctx, node)
        if found is None or found[0].detail not in _SPELLING or nest_asyncio_applied(ctx):
            return
        evidence, symbol = found
        runner = evidence.detail
        function = ctx.function.node.name  # type: ignore[union-attr]
        primitive = evidence.chain[-1]
        where = ctx.project.relpath(primitive.path)
        helper = ctx.project.function_summary(symbol)
        arg_index = _wrapped_argument(node, helper, symbol) if len(evidence.chain) == 2 else None
        ctx.report(
            self,
            node,
            message=(
                f"`{ast.unparse(node.func)}()` calls `{_SPELLING[runner]}` and is called inside `async def {function}`: "
                "it raises RuntimeError because an event loop is already running"
            ),
            reason=(
                f"{evidence.describe_chain()} ({where}:{primitive.line}) runs `{runner}` on every path, and "
                f"`{function}` calls it while its own loop runs, so it raises `RuntimeError: {_ERRORS[runner]}`. "
                "Await the coroutine here, or make the helper async."
            ),
            related=chain_related(evidence, f"`{primitive.text}` runs a new loop here"),
            data={"kind": "wrapper", "arg": arg_index} if arg_index is not None else {},
            fixable=arg_index is not None,
            fix_applicability="unsafe",
            fix_title="Await the coroutine instead of calling the sync wrapper",
        )

    def fix(self, fixer: FixContext, diagnostic: Diagnostic) -> None:
        kind = diagnostic.data.get("kind")
        call = fixer.find(diagnostic.range, cst.Call)
        if kind == "coroutine":
            if not call.args or call.args[0].keyword is not None or call.args[0].star:
                raise FixUnavailable("no coroutine argument")
            fixer.replace(call, awaited(fixer, call, call.args[0].value.with_changes(lpar=[], rpar=[])))
        elif kind == "function":  # anyio.run(func, *args)
            args = [a for a in call.args if a.keyword is None]
            if not args or any(a.star for a in args):
                raise FixUnavailable("unexpected anyio.run arguments")
            target = fixer.code(args[0].value)
            rest = ", ".join(fixer.code(a.value) for a in args[1:])
            fixer.replace(call, awaited(fixer, call, fixer.parse_expression(f"{target}({rest})")))
        elif kind == "wrapper":
            index = diagnostic.data.get("arg")
            positional = [a for a in call.args if a.keyword is None and not a.star]
            if not isinstance(index, int) or index >= len(positional) or len(call.args) != 1:
                raise FixUnavailable("unexpected wrapper arguments")
            fixer.replace(call, awaited(fixer, call, positional[index].value))
        else:
            raise FixUnavailable(f"no fix for {kind!r}")

    examples = (
        Valid(
            source=(
                "import asyncio\nimport pytest\n\n"
                "async def fetch():\n"
                "    return 1\n\n"
                "@pytest.mark.xfail(raises=RuntimeError, strict=True)\n"
                "@pytest.mark.asyncio\n"
                "async def test_nested_run_is_refused():\n"
                "    asyncio.run(fetch())\n"
            ),
            why="a test that expects the RuntimeError (xfail raises=RuntimeError)",
        ),
        Invalid(
            # The loop runner is two calls away, in another module.
            files={
                "tests/__init__.py": "",
                "tests/support.py": (
                    "import asyncio\n\n"
                    "def _drive(coro):\n"
                    "    return asyncio.run(coro)\n\n"
                    "def seed_database(rows):\n"
                    "    return _drive(insert(rows))\n\n"
                    "async def insert(rows):\n"
                    "    return rows\n"
                ),
            },
            source=(
                "from tests.support import seed_database\n\n"
                "async def test_seeded():\n"
                "    seed_database([1, 2])\n"
            ),
            at=(4, 5),
            message_contains="asyncio.run()",
        ),
        Valid(
            files={
                "tests/__init__.py": "",
                "tests/support.py": (
                    "import asyncio\n\n"
                    "def _drive(coro):\n"
                    "    try:\n"
                    "        asyncio.get_running_loop()\n"
                    "    except RuntimeError:\n"
                    "        return asyncio.run(coro)\n"
                    "    raise RuntimeError('await it')\n\n"
                    "def seed_database(rows):\n"
                    "    return _drive(insert(rows))\n\n"
                    "async def insert(rows):\n"
                    "    return rows\n"
                ),
            },
            source=(
                "from tests.support import seed_database\n\n"
                "async def test_seeded():\n"
                "    seed_database([1, 2])\n"
            ),
            why="a helper chain that runs the loop only when none is running",
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
                "            asyncio.run(fetch())\n"
                "        try:\n"
                "            asyncio.run(fetch())\n"
                "        except RuntimeError:\n"
                "            pass\n"
            ),
            why="tests that assert the RuntimeError (assertRaises, pytest.raises, except RuntimeError)",
        ),
        Valid(
            source=(
                "import asyncio\n"
                "import unittest\n\n"
                "class T(unittest.TestCase):\n"
                "    def test_run_from_running_loop(self):\n"
                "        async def main():\n"
                "            asyncio.run(asyncio.sleep(0))\n"
                "        with self.assertRaisesRegex(RuntimeError, 'cannot be called from a running'):\n"
                "            asyncio.run(main())\n"
            ),
            why="a coroutine defined in a test that expects the RuntimeError it raises",
        ),
        Invalid(
            source=(
                "import asyncio\n"
                "import unittest\n\n"
                "async def fetch():\n"
                "    return 1\n\n"
                "class T(unittest.IsolatedAsyncioTestCase):\n"
                "    async def test_fetch(self):\n"
                "        self.assertEqual(asyncio.run(fetch()), 1)\n"
            ),
            at=(9, 26),
            end=(9, 46),
            fixed=(
                "import asyncio\n"
                "import unittest\n\n"
                "async def fetch():\n"
                "    return 1\n\n"
                "class T(unittest.IsolatedAsyncioTestCase):\n"
                "    async def test_fetch(self):\n"
                "        self.assertEqual(await fetch(), 1)\n"
            ),
        ),
        Invalid(
            # `from asyncio import run` and `import asyncio as aio`; `.value` needs parentheses after the fix.
            source=(
                "import asyncio as aio\n"
                "from asyncio import run\n\n"
                "async def test_a():\n"
                "    assert run(get()).ok\n"
                "    assert aio.run(get())\n"
            ),
            at=((5, 12), (6, 12)),
            fixed=(
                "import asyncio as aio\n"
                "from asyncio import run\n\n"
                "async def test_a():\n"
                "    assert (await get()).ok\n"
                "    assert await get()\n"
            ),
        ),
        Invalid(
            # debug= changes how the coroutine was meant to run: the fix is offered, not applied blindly.
            source="import asyncio\n\nasync def test_a():\n    asyncio.run(main(), debug=True)\n",
            at=(4, 5),
            fixed="import asyncio\n\nasync def test_a():\n    await main()\n",
            unsafe=True,
        ),
        Invalid(
            source="import anyio\n\nasync def test_a():\n    assert anyio.run(fetch, 1) == 2\n",
            at=(4, 12),
            fixed="import anyio\n\nasync def test_a():\n    assert await fetch(1) == 2\n",
        ),
        Invalid(
            # A Runner in a with-block: reported, no fix (the with-block itself must go).
            source=(
                "import asyncio\n\n"
                "async def test_a():\n"
                "    with asyncio.Runner() as runner:\n"
                "        runner.run(main())\n"
            ),
            at=(5, 9),
            message_contains="Runner",
        ),
        Invalid(
            # One level across files: a sync helper that always calls asyncio.run().
            files={
                "tests/__init__.py": "",
                "tests/helpers.py": (
                    "import asyncio\n\n"
                    "def run(coro):\n"
                    '    """Run a coroutine to completion."""\n'
                    "    return asyncio.run(coro)\n"
                ),
            },
            source=(
                "from tests.helpers import run\n\n"
                "async def test_a():\n"
                "    assert run(fetch()) == 1\n"
            ),
            at=(4, 12),
            fixed=(
                "from tests.helpers import run\n\n"
                "async def test_a():\n"
                "    assert await fetch() == 1\n"
            ),
            unsafe=True,
        ),
        Invalid(
            # Same file, a method helper that does more than wrap: reported, no fix.
            source=(
                "import asyncio\n"
                "import unittest\n\n"
                "class T(unittest.IsolatedAsyncioTestCase):\n"
                "    def load(self):\n"
                "        self.rows = asyncio.run(query())\n"
                "        return len(self.rows)\n\n"
                "    async def test_load(self):\n"
                "        self.assertEqual(self.load(), 3)\n"
            ),
            at=(10, 26),
        ),
        Valid(
            source=(
                "import asyncio\n"
                "import unittest\n\n"
                "class T(unittest.TestCase):\n"
                "    def test_sync(self):\n"
                "        self.assertEqual(asyncio.run(fetch()), 1)\n"
            ),
            why="asyncio.run() in sync code is how sync tests run coroutines",
        ),
        Valid(
            source=(
                "import asyncio\n\n"
                "async def test_a():\n"
                "    loop = asyncio.get_running_loop()\n"
                "    await loop.run_in_executor(None, lambda: asyncio.run(fetch()))\n"
                "    def worker():\n"
                "        return asyncio.run(fetch())\n"
                "    await asyncio.to_thread(worker)\n"
            ),
            why="nested sync defs and lambdas run in a worker thread, where no loop is running",
        ),
        Valid(
            source=(
                "import asyncio\n\n"
                "def run_sync(coro):\n"
                "    try:\n"
                "        asyncio.get_running_loop()\n"
                "    except RuntimeError:\n"
                "        return asyncio.run(coro)\n"
                "    return coro\n\n"
                "def run_checked(coro):\n"
                "    if asyncio.get_event_loop().is_running():\n"
                "        raise RuntimeError('use await')\n"
                "    return asyncio.run(coro)\n\n"
                "async def test_a():\n"
                "    await run_sync(fetch())\n"
                "    run_checked\n"
            ),
            why="helpers that only call asyncio.run() when no loop is running",
        ),
        Valid(
            source=(
                "import asyncio\n"
                "import nest_asyncio\n\n"
                "nest_asyncio.apply()\n\n"
                "async def test_a():\n"
                "    assert asyncio.run(fetch()) == 1\n"
            ),
            why="nest_asyncio makes nested runs work (AP001 reports the workaround itself)",
        ),
        Valid(
            source=(
                "import trio\n\n"
                "class Runner:\n"
                "    def run(self, job):\n"
                "        return job\n\n"
                "async def test_a():\n"
                "    Runner().run(1)\n"
                "    await trio.sleep(0)\n"
            ),
            why="a project method called run is not a loop runner",
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
                    "        self.assertEqual(asyncio.run(fetch()), 1)\n"
                ),
            },
            runner="unittest",
            outcome="error",
            body_ran=True,
            symptoms=symptoms[:2],
            envs=("py310", "py311", "py312", "py313", "py314", "py315"),
        ),
        RuntimeExample(
            files={
                "pytest.ini": "[pytest]\nasyncio_mode = auto\nasyncio_default_fixture_loop_scope = function\n",
                "helpers.py": "import asyncio\n\ndef run(coro):\n    return asyncio.run(coro)\n",
                "test_example.py": (
                    "from helpers import run\n\n"
                    "async def fetch():\n"
                    "    return 1\n\n"
                    "async def test_fetch():\n"
                    "    __SENTINEL__\n"
                    "    assert run(fetch()) == 1\n"
                ),
            },
            runner="pytest",
            outcome="failed",
            body_ran=True,
            symptoms=symptoms[:1],
            envs=("py310", "py311", "py312", "py313", "py314", "py315"),
            note="the one-level interprocedural case under pytest-asyncio (auto mode); the fix is unsafe",
        ),
        RuntimeExample(
            files={
                "test_example.py": (
                    "import anyio\n"
                    "import unittest\n\n"
                    "async def fetch(x):\n"
                    "    return x\n\n"
                    "class T(unittest.IsolatedAsyncioTestCase):\n"
                    "    async def test_fetch(self):\n"
                    "        __SENTINEL__\n"
                    "        self.assertEqual(anyio.run(fetch, 1), 1)\n"
                ),
            },
            runner="unittest",
            outcome="error",
            body_ran=True,
            symptoms=symptoms[2:],
            envs=("py311", "py313", "py314", "py315"),
        ),
    )


def _imported_run(ctx: FileContext, name: str) -> bool:
    bindings = ctx.summary.imports.get(name)
    return bool(bindings) and any(b.name == "run" for b in bindings)


def _direct_fix(node: ast.Call, runner: str) -> tuple[str | None, str | None, list[str]]:
    """(fix kind, applicability, dropped keywords) for a direct runner call."""
    keywords = [k.arg for k in node.keywords if k.arg is not None]
    if any(k.arg is None for k in node.keywords) or any(isinstance(a, ast.Starred) for a in node.args):
        return None, None, []
    if runner == "anyio.run":
        if not node.args or not isinstance(node.args[0], (ast.Name, ast.Attribute)):
            return None, None, []
        return "function", "unsafe" if keywords else "safe", keywords
    if runner == "asyncio.Runner.run":
        receiver = node.func.value if isinstance(node.func, ast.Attribute) else None
        if not isinstance(receiver, ast.Call):
            return None, None, []  # `with Runner() as r: r.run(...)`: the with-block must go too
        keywords += [k.arg for k in receiver.keywords if k.arg] + (["Runner(...)"] if receiver.args else [])
    if len(node.args) != 1:
        return None, None, []
    argument = node.args[0]
    if isinstance(argument, ast.Call):
        return "coroutine", "unsafe" if keywords else "safe", keywords
    if isinstance(argument, (ast.Name, ast.Attribute)):
        return "coroutine", "unsafe", keywords  # a coroutine object made elsewhere: check it is one
    return None, None, []


def _wrapped_argument(node: ast.Call, helper, symbol: ProjectFunction) -> int | None:
    """For a thin wrapper `def run(coro): return asyncio.run(coro)`: the call's argument index to await."""
    name = helper.thin_run_wrapper
    if name is None or len(node.args) != 1 or node.keywords or isinstance(node.args[0], ast.Starred):
        return None
    params = list(helper.params)
    if symbol.class_name is not None and "staticmethod" not in helper.decorators and params:
        params = params[1:]  # self / cls
    if not params or params[0] != name or not isinstance(node.args[0], ast.Call):
        return None
    return 0



