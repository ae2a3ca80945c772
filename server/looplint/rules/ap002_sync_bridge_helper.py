"""AP002: sync-bridge helpers in test code (a thread hop, or an `is_running()` branch)."""

from __future__ import annotations

import ast

from ..engine import knowledge
from ..engine.checker import FileContext
from ..engine.fixer import FixContext
from ..engine.model import Diagnostic
from ._migrate import SEED_BASE, SEED_BASE_MIGRATED, SEED_PROJECT, SEED_TEST, base_migration_report, migrate_base
from ..engine.model import Severity
from ..engine.symbols import ProjectFunction
from . import _coroutines as co
from ..engine.rule import Invalid, Rule, RuntimeExample, Symptom, Valid

_PYTEST_INI = "[pytest]\nasyncio_default_fixture_loop_scope = function\n"
_ALL = ("py310", "py311", "py312", "py313", "py314", "py315", "py311-pytest84-pa10", "py311-pytest83-pa023")
# Calls that schedule a coroutine on a loop without waiting for it.
_SCHEDULERS = frozenset({"asyncio.create_task", "asyncio.ensure_future", "asyncio.run_coroutine_threadsafe"})
# Loop runners that a bridge hands a coroutine to (run_forever serves, it does not bridge).
_BRIDGE_RUNNERS = frozenset({"asyncio.run", "anyio.run", "trio.run"})


class SyncBridgeHelper(Rule):
    code = "AP002"
    name = "sync-bridge-helper"
    severity = Severity.WARNING
    summary = "A test helper runs coroutines through a thread hop or an `is_running()` branch instead of awaiting them."
    message = "{text}"
    fix_safety = "unsafe"
    fix_edits_elsewhere = True  # its migration reads and edits other statements (helpers, imports, bases)
    fix_title = "Make the bridging base an IsolatedAsyncioTestCase and drop its asyncSetUp bridge"
    tokens = ("run_until_complete", "asyncio.run", "is_running", "get_running_loop", "run(", "run_sync")
    also_tokens = ("asyncio", "anyio", "trio", "asgiref", "loop")
    symptoms = (
        Symptom(
            when="thread hop (3.10–3.15, every pytest-asyncio): objects made on the worker's loop",
            output="RuntimeError: Task <Task pending name='Task-...' coro=<test_thread_dodge() ...> got Future "
            "<Future pending> attached to a different loop",
            envs=_ALL,
        ),
        Symptom(
            when="`is_running()` branch, pytest-asyncio ≥ 1.1: the task is cancelled silently and the test passes",
            output="PASSED test_example.py::test_helper_from_async",
            envs=("py310", "py311", "py312", "py313", "py314", "py315"),
        ),
        Symptom(
            when="`is_running()` branch, pytest-asyncio 1.0 and 0.23",
            output="Task was destroyed but it is pending!",
            envs=("py311-pytest84-pa10", "py311-pytest83-pa023"),
        ),
    )
    explanation = """
    "Works from sync and async callers" helpers dodge `asyncio.run() cannot
    be called from a running event loop` in two ways, and both break tests:

    - **Thread hop** (`executor.submit(asyncio.run, coro)`,
      `threading.Thread(target=asyncio.run, args=(coro,))`,
      `loop.run_in_executor(None, asyncio.run, coro)`, a worker running
      `new_event_loop().run_until_complete(...)`): the coroutine runs on
      *another* loop. Futures, queues, locks and connections it creates are
      bound to that loop, and using them from the test's loop fails with
      `... attached to a different loop`; meanwhile the test's loop is
      blocked, which deadlocks as soon as the coroutine needs it.
    - **`is_running()` branch** (`if loop.is_running(): loop.create_task(coro)
      else: loop.run_until_complete(coro)`, or `try: get_running_loop()
      except RuntimeError: asyncio.run(coro)` with a task or thread
      fallback): called from an async test, the coroutine becomes a
      fire-and-forget task that nobody awaits. The runner cancels it at
      teardown, so its work and its assertions silently never happen
      (pytest-asyncio ≥ 1.1 says nothing; 1.0 and 0.23 printed `Task was
      destroyed but it is pending!`).

    ### How to fix
    Make the call site async and `await` the coroutine; offer separate sync
    and async APIs instead of one that guesses:

    ```python
    async def test_save():
        await save(2)                # was: run_maybe_async(save(2))
    ```

    Reported in test modules, `conftest.py` and modules in a tests folder
    (fixtures, setUp, helpers): the thread-hop call, or the `is_running()` /
    `get_running_loop()` call that picks the branch. No automatic fix.
    Not reported: workers that create the coroutine they run themselves
    (tests of loops in threads, `lambda: asyncio.run(main())`), daemon threads
    that run a loop (background servers for integration tests), `run_forever`
    threads, helpers defined in other modules, a `get_running_loop()` guard
    that raises instead of scheduling, and bridges in application code.
    """

    # -- (a) thread hops ------------------------------------------------------------------
    def visit_Call(self, node: ast.Call, ctx: FileContext) -> None:
        func = node.func
        if not isinstance(func, (ast.Name, ast.Attribute)):
            return
        target = _hop_target(ctx, node)
        if target is None or not co.is_test_support_file(ctx):
            return
        runner = _bridge_runner(ctx, target)
        if runner is None:
            return
        hop = co.describe_call(node)
        ctx.report(
            self,
            node,
            fields={"text": f"`{hop}()` runs coroutines with `{runner}` in another thread: what they create is "
                            "bound to that thread's loop"},
            reason=(
                f"`{hop}` hands `{runner}` to a worker thread, so the coroutine runs on a second event loop. "
                "Futures, queues and connections it creates belong to that loop and fail on the test's loop "
                "(`attached to a different loop`); the calling loop is blocked meanwhile."
            ),
            **base_migration_report(ctx),
        )

    # -- (b) branches on whether a loop is running --------------------------------------
    def visit_If(self, node: ast.If, ctx: FileContext) -> None:
        probe = _is_running_probe(ctx, node.test)
        if probe is None or not co.is_test_support_file(ctx):
            return
        body = node.body
        other = list(node.orelse)
        if not other and body and isinstance(body[-1], (ast.Return, ast.Raise)):
            other = _following_statements(node, ctx)
        if _branch_pair(ctx, body, other):
            ctx.report(
                self,
                probe,
                fields={"text": "Helper branches on `is_running()`: from async code the coroutine becomes a task "
                                "nobody awaits"},
                reason=(
                    "When a loop is running (any async test), this helper schedules the coroutine and returns "
                    "without waiting; otherwise it runs the loop. From an async test the task is cancelled at "
                    "teardown, so its work and assertions never happen."
                ),
                **base_migration_report(ctx),
            )

    def visit_Try(self, node: ast.Try, ctx: FileContext) -> None:
        probe = next(
            (sub for stmt in node.body for sub in _walk(stmt)
             if isinstance(sub, ast.Call) and ctx.qualify(sub.func) == "asyncio.get_running_loop"),
            None,
        )
        if probe is None or not co.is_test_support_file(ctx):
            return
        fallback = [h for h in node.handlers if _catches_runtime_error(ctx, h)]
        if not any(_has_runner(ctx, h.body) for h in fallback):
            return
        elsewhere = list(node.body) + list(node.orelse) + _following_statements(node, ctx)
        if not _has_scheduler_or_hop(ctx, elsewhere):
            return
        ctx.report(
            self,
            probe,
            fields={"text": "Helper picks `asyncio.run()` or a task/thread by probing `get_running_loop()`: from "
                            "async code the coroutine is not awaited by the caller"},
            reason=(
                "Without a running loop the helper runs the coroutine itself; inside one (any async test) it "
                "schedules it or hops to a thread instead of letting the caller await it."
            ),
            **base_migration_report(ctx),
        )

    def fix(self, fixer: FixContext, diagnostic: Diagnostic) -> None:
        migrate_base(fixer, diagnostic.data)  # offered only inside a bridging base (see _migrate)

    examples = (
        Invalid(
            # Inside the base that runs asyncSetUp through this helper: the fix is the base's migration,
            # which removes the helper (nothing else uses it).
            files={"test_framework/__init__.py": "", "test_example.py": SEED_TEST.replace("__SENTINEL__\n        ", "")},
            path="test_framework/base.py",
            source=SEED_BASE,
            at=(17, 20),
            unsafe=True,
            fixed=SEED_BASE_MIGRATED,
        ),
        Invalid(
            # p16: the ThreadPoolExecutor dodge.
            source=(
                "import asyncio\nimport concurrent.futures\n\n"
                "def run_sync(coro):\n"
                "    with concurrent.futures.ThreadPoolExecutor(1) as ex:\n"
                "        return ex.submit(asyncio.run, coro).result()\n"
            ),
            at=(6, 16),
            end=(6, 44),
        ),
        Invalid(
            # A Thread whose target runs a fresh loop, and run_in_executor(None, asyncio.run, ...).
            source=(
                "import asyncio\nimport threading\n\n"
                "def call_blocking(coro):\n"
                "    result = []\n"
                "    def worker():\n"
                "        loop = asyncio.new_event_loop()\n"
                "        result.append(loop.run_until_complete(coro))\n"
                "        loop.close()\n"
                "    t = threading.Thread(target=worker)\n"
                "    t.start()\n"
                "    t.join()\n"
                "    return result[0]\n\n"
                "async def test_hop():\n"
                "    async def answer():\n"
                "        return 42\n"
                "    loop = asyncio.get_running_loop()\n"
                "    assert await loop.run_in_executor(None, asyncio.run, answer()) == 42\n"
            ),
            at=((10, 9), (19, 18)),
        ),
        Invalid(
            # p23: the is_running branch, with the early-return spelling.
            path="tests/helpers.py",
            files={"tests/test_save.py": "from tests.helpers import run_maybe_async\n"},
            source=(
                "import asyncio\n\n"
                "def run_maybe_async(coro):\n"
                "    loop = asyncio.get_event_loop()\n"
                "    if loop.is_running():\n"
                "        return loop.create_task(coro)\n"
                "    return loop.run_until_complete(coro)\n"
            ),
            at=(5, 8),
        ),
        Invalid(
            # try get_running_loop / except RuntimeError: asyncio.run / thread fallback.
            path="tests/conftest.py",
            source=(
                "import asyncio\nimport concurrent.futures\n\n"
                "def run_sync(coro):\n"
                "    try:\n"
                "        asyncio.get_running_loop()\n"
                "    except RuntimeError:\n"
                "        return asyncio.run(coro)\n"
                "    return asyncio.ensure_future(coro)\n"
            ),
            at=(6, 9),
        ),
        Valid(
            source=(
                "import asyncio\nimport threading\n\n"
                "def start_server(app):\n"
                "    t = threading.Thread(target=asyncio.run, args=(app.serve(),), daemon=True)\n"
                "    t.start()\n"
                "    return t\n\n"
                "def start_loop():\n"
                "    loop = asyncio.new_event_loop()\n"
                "    threading.Thread(target=loop.run_forever).start()\n"
                "    return loop\n"
            ),
            why="background servers: daemon threads and run_forever loops",
        ),
        Valid(
            source=(
                "import asyncio\nimport concurrent.futures\n\n"
                "def guard(coro):\n"
                "    try:\n"
                "        asyncio.get_running_loop()\n"
                "    except RuntimeError:\n"
                "        return asyncio.run(coro)\n"
                "    raise RuntimeError('await it instead')\n\n"
                "def crunch(data):\n"
                "    with concurrent.futures.ThreadPoolExecutor() as ex:\n"
                "        return list(ex.map(sorted, data)), ex.submit(sum, data).result()\n"
            ),
            why="a guard that refuses to bridge; executors running ordinary sync work",
        ),
        Valid(
            path="app/sync.py",
            source=(
                "import asyncio\nimport concurrent.futures\n\n"
                "def run_sync(coro):\n"
                "    with concurrent.futures.ThreadPoolExecutor(1) as ex:\n"
                "        return ex.submit(asyncio.run, coro).result()\n"
            ),
            why="application code is outside the test suite",
        ),
    )

    runtime = (
        RuntimeExample(
            files={
                "pytest.ini": _PYTEST_INI,
                "test_example.py": (
                    "import asyncio\nimport concurrent.futures\nimport pytest\n\n"
                    "async def make_queue():\n"
                    "    q = asyncio.Queue()\n"
                    "    await q.put(1)\n"
                    "    fut = asyncio.get_running_loop().create_future()\n"
                    "    return q, fut\n\n"
                    "def run_sync(coro):\n"
                    "    with concurrent.futures.ThreadPoolExecutor(1) as ex:\n"
                    "        return ex.submit(asyncio.run, coro).result()\n\n"
                    "@pytest.mark.asyncio\n"
                    "async def test_thread_dodge():\n"
                    "    __SENTINEL__\n"
                    "    q, fut = run_sync(make_queue())\n"
                    "    assert q.qsize() == 1\n"
                    "    asyncio.get_running_loop().call_soon(fut.set_result, 2)\n"
                    "    assert await fut == 2\n"
                ),
            },
            runner="pytest",
            outcome="failed",
            body_ran=True,
            symptoms=(symptoms[0],),
            envs=_ALL,
            fixable=False,
            note="a helper in the test module: no base to migrate, the call site must await",
        ),
        RuntimeExample(
            files={
                "pytest.ini": _PYTEST_INI,
                "test_example.py": (
                    "import asyncio\nimport pytest\n\n"
                    "async def save(x):\n"
                    "    await asyncio.sleep(0.5)\n"
                    "    __SENTINEL__\n"
                    "    assert x != 2, 'would fail'\n\n"
                    "def run_maybe_async(coro):\n"
                    "    loop = asyncio.get_event_loop()\n"
                    "    if loop.is_running():\n"
                    "        return loop.create_task(coro)\n"
                    "    return loop.run_until_complete(coro)\n\n"
                    "@pytest.mark.asyncio\n"
                    "async def test_helper_from_async():\n"
                    "    run_maybe_async(save(2))\n"
                ),
            },
            runner="pytest",
            outcome="passed",
            body_ran=False,
            symptoms=symptoms[1:],
            envs=_ALL,
            note="the assertion inside save() never runs; no base to migrate",
            fixable=False,
        ),
        RuntimeExample(
            # The bridge inside the seed's base: the fix is the base's migration, which removes it.
            files=SEED_PROJECT,
            runner="pytest",
            outcome="passed",
            body_ran=False,
            symptoms=(Symptom(when="the bridging base's subclasses (3.10–3.13)",
                              output="RuntimeWarning: coroutine '...' was never awaited", envs=("py311",)),),
            envs=("py311",),
            note="the base bridges asyncSetUp to a thread and its subclasses' async tests never run; the fix (the "
                 "base becomes an IsolatedAsyncioTestCase, the bridge is removed) makes them run",
        ),
    )


def _walk(node: ast.AST):
    """ast.walk without entering nested defs and classes (lambdas are entered: thread targets)."""
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        for child in ast.iter_child_nodes(current):
            if not isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                stack.append(child)


_THREAD_HOP_CALLS = frozenset(knowledge.THREAD_HOPS)


def _hop_target(ctx: FileContext, call: ast.Call) -> ast.AST | None:
    """The callable a thread-starting call runs, or None when this is no thread hop."""
    func = call.func
    qualified = ctx.qualify(func) if ctx.may_name(func, _THREAD_HOP_CALLS) else None
    where = knowledge.THREAD_HOPS.get(qualified) if qualified else None
    if where is None and isinstance(func, ast.Attribute):
        where = knowledge.THREAD_HOP_METHODS.get(func.attr)
    if where is None:
        return None
    if isinstance(where, str):
        if qualified == "threading.Thread" and any(
            k.arg == "daemon" and isinstance(k.value, ast.Constant) and k.value.value is True for k in call.keywords
        ):
            return None  # a daemon thread running a loop is a background server, not a bridge
        for keyword in call.keywords:
            if keyword.arg == where:
                return keyword.value
        return call.args[1] if qualified == "threading.Thread" and len(call.args) > 1 else None
    return call.args[where] if len(call.args) > where else None


def _bridge_runner(ctx: FileContext, target: ast.AST) -> str | None:
    """How `target` (a callable handed to a thread) runs the caller's coroutine to completion, if it does.

    A worker that creates its own coroutine (`lambda: asyncio.run(main())`,
    a thread testing loops in threads) is not a bridge: only a coroutine
    that comes from outside the worker (an argument, a closure variable)
    ends up on the wrong loop.
    """
    if isinstance(target, ast.Attribute) and target.attr == "run_until_complete":
        return "run_until_complete"
    qualified = ctx.qualify(target) if isinstance(target, (ast.Name, ast.Attribute)) else None
    if qualified in _BRIDGE_RUNNERS:
        return qualified
    if isinstance(target, ast.Lambda):
        return _outside_coroutine_runner(ctx, target, [target.body])
    if isinstance(target, ast.Name):
        function = ctx.local_function(target.id) or _module_function(ctx, target)
        if function is not None and not isinstance(function, ast.AsyncFunctionDef):
            runner = _outside_coroutine_runner(ctx, function, function.body)
            return f"{runner}` inside `{target.id}" if runner else None
    return None


def _module_function(ctx: FileContext, name: ast.Name) -> ast.FunctionDef | None:
    """A sync function defined at the top of this file that `name` resolves to."""
    symbol = ctx.resolve(name)
    if isinstance(symbol, ProjectFunction) and symbol.class_name is None and symbol.path == ctx.path:
        for statement in ctx.tree.body:
            if isinstance(statement, ast.FunctionDef) and statement.name == symbol.name:
                return statement
    return None


def _outside_coroutine_runner(ctx: FileContext, function: ast.AST, body: list[ast.AST]) -> str | None:
    """The runner in `body` whose coroutine argument is a name not bound inside `function`."""
    bound = set(ctx.locals_of(function)) if not isinstance(function, ast.Lambda) else set()
    for statement in body:
        for sub in _walk(statement):
            if not isinstance(sub, ast.Call) or not sub.args or not isinstance(sub.args[0], ast.Name):
                continue
            if sub.args[0].id in bound:
                continue
            if isinstance(sub.func, ast.Attribute) and sub.func.attr == "run_until_complete":
                return "run_until_complete"
            if isinstance(sub.func, (ast.Name, ast.Attribute)) and ctx.qualify(sub.func) in _BRIDGE_RUNNERS:
                return ctx.qualify(sub.func)
    return None


def _runner_in(ctx: FileContext, node: ast.AST) -> str | None:
    for sub in _walk(node):
        if isinstance(sub, ast.Call):
            if isinstance(sub.func, ast.Attribute) and sub.func.attr == "run_until_complete":
                return "run_until_complete"
            if isinstance(sub.func, (ast.Name, ast.Attribute)) and ctx.qualify(sub.func) in _BRIDGE_RUNNERS:
                return ctx.qualify(sub.func)
    return None


def _has_runner(ctx: FileContext, statements: list[ast.stmt]) -> bool:
    return any(_runner_in(ctx, statement) for statement in statements)


def _has_scheduler_or_hop(ctx: FileContext, statements: list[ast.stmt]) -> bool:
    for statement in statements:
        for sub in _walk(statement):
            if not isinstance(sub, ast.Call) or not isinstance(sub.func, (ast.Name, ast.Attribute)):
                continue
            qualified = ctx.qualify(sub.func)
            if qualified in _SCHEDULERS:
                return True
            if qualified:
                owner, _, method = qualified.rpartition(".")
                if method in knowledge.LOOP_TASK_METHODS and owner in knowledge.LOOP_FACTORIES:
                    return True
            target = _hop_target(ctx, sub)
            if target is not None and _bridge_runner(ctx, target):
                return True
    return False


def _branch_pair(ctx: FileContext, one: list[ast.stmt], other: list[ast.stmt]) -> bool:
    """One branch schedules (or hops), the other runs the loop."""
    return (_has_scheduler_or_hop(ctx, one) and _has_runner(ctx, other)) or (
        _has_scheduler_or_hop(ctx, other) and _has_runner(ctx, one)
    )


def _is_running_probe(ctx: FileContext, test: ast.AST) -> ast.Call | None:
    """The `<loop>.is_running()` call an if-test consists of (possibly negated)."""
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        test = test.operand
    if not (isinstance(test, ast.Call) and isinstance(test.func, ast.Attribute) and test.func.attr == "is_running"):
        return None
    qualified = ctx.qualify(test.func)
    if qualified is None:
        return None
    owner = qualified.rpartition(".")[0]
    return test if owner in knowledge.LOOP_FACTORIES else None


def _following_statements(node: ast.stmt, ctx: FileContext) -> list[ast.stmt]:
    """The statements after `node` in the block that contains it."""
    parent = ctx.parent
    for field in ("body", "orelse", "finalbody"):
        block = getattr(parent, field, None)
        if isinstance(block, list) and node in block:
            return block[block.index(node) + 1:]
    return []


def _catches_runtime_error(ctx: FileContext, handler: ast.ExceptHandler) -> bool:
    if handler.type is None:
        return True
    types = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return any(ctx.qualify(t) in ("builtins.RuntimeError", "builtins.Exception") for t in types)
