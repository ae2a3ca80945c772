"""CO003: a task created in a test or fixture and never awaited, gathered or kept."""

from __future__ import annotations

import ast

from ..engine.fixer import cst  # libcst, imported when a fix is built

from ..engine import knowledge
from ..engine.checker import FileContext
from ..engine.fixer import FixContext, FixUnavailable
from ..engine.model import Diagnostic, Severity
from ..engine.summary import contains_yield
from . import _coroutines as co
from ..engine.rule import Invalid, Rule, RuntimeExample, Symptom, Valid

_PYTEST_INI = "[pytest]\nasyncio_default_fixture_loop_scope = function\n"


# The start of the example about a nested worker (the source and the fixed text go on differently).
_NESTED_WORKER = (
    "import asyncio\nimport pytest\n\n"
    "@pytest.mark.asyncio\n"
    "async def test_nested_worker():\n"
    "    results = []\n\n"
    "    async def work():\n"
    "        results.append(1)\n\n"
)


class DanglingTask(Rule):
    code = "CO003"
    name = "dangling-task"
    severity = Severity.WARNING
    summary = "A task created in a test or fixture is never awaited: the test can end before it runs, losing its errors."
    message = "Task from `{factory}()` is never awaited: the test can finish before it runs and its failures are lost"
    fix_safety = "unsafe"
    fix_title = "Keep the task and await it at the end of the function"
    tokens = ("create_task", "ensure_future")
    local = True
    same_as = ("RUF006",)  # ruff's asyncio-dangling-task
    symptoms = (
        Symptom(
            when="pytest-asyncio ≥ 1.1 (1.5 here): the leftover task is cancelled silently; the test passes",
            output="PASSED test_example.py::test_order_total",
            envs=("py311", "py313", "py314", "py315"),
        ),
        Symptom(
            when="pytest-asyncio 1.0 and 0.23: at exit",
            output="Task was destroyed but it is pending!",
            envs=("py311-pytest84-pa10", "py311-pytest83-pa023"),
        ),
        Symptom(
            when="IsolatedAsyncioTestCase (3.10–3.15): leftover tasks are cancelled silently; the test passes",
            output="test_order_total (...) ... ok",
            envs=("py310", "py311", "py312", "py313", "py314", "py315"),
        ),
    )
    explanation = """
    `asyncio.create_task()` (also `asyncio.ensure_future()` and
    `loop.create_task()`) schedules a coroutine; nothing waits for it. When
    the test returns first, the runner cancels the leftover task at teardown:
    the task's body may never run, and an assertion or exception inside it is
    **lost** while the test passes. Newer pytest-asyncio (≥ 1.1) cancels such
    tasks without a word; 1.0 and 0.23 printed `Task was destroyed but it is
    pending!` at exit, so the bug became *less* visible.
    `IsolatedAsyncioTestCase` cancels them silently too. The asyncio docs also
    warn that a task nobody references may be garbage-collected mid-run.

    Reported directly in async tests, fixtures and setUp/tearDown hooks: a
    task factory call as a statement, or assigned to a name that is never
    read again.

    ### How to fix
    Keep the task and await it (or gather it) before the test ends, or use a
    task group so the test waits for it:

    ```python
    async def test_worker():
        async with asyncio.TaskGroup() as tg:    # 3.11+
            tg.create_task(worker())
        # or: task = asyncio.create_task(worker()); ...; await task
    ```

    The fix keeps the task in a name and awaits it at the end of the function.
    It is unsafe: awaiting changes timing, and a task that never ends
    (a server loop) would then hang the test; such a task should be cancelled
    and awaited explicitly instead.

    Not reported: tasks kept in a name that is read later (awaited, gathered,
    cancelled, stored on `self`, appended to a list), tasks the test waits for
    another way (it later awaits an event, future or queue the task's coroutine
    was given, stops the object whose method the task runs — `shutdown()`,
    `close()`, `stop()` —, polls something the task was given in a loop that
    awaits, or yields to the loop with `await asyncio.sleep()` before asserting
    on the task's effects), `TaskGroup.create_task`
    and anyio task groups, `task.add_done_callback(...)` chains, callbacks
    nested in a test (a mock's `side_effect` that simulates a reply in the
    background), and task factories in synchronous or non-test code.
    """

    def visit_Expr(self, node: ast.Expr, ctx: FileContext) -> None:
        if isinstance(node.value, ast.Call):
            self._check(node.value, node, None, ctx)

    def visit_Assign(self, node: ast.Assign, ctx: FileContext) -> None:
        if isinstance(node.value, ast.Call) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            self._check(node.value, node, node.targets[0].id, ctx)

    def _check(self, call: ast.Call, statement: ast.stmt, name: str | None, ctx: FileContext) -> None:
        factory = _task_factory(ctx, call)
        if factory is None:
            return
        if len(ctx.function_chain()) != 1:
            return  # a callback nested in the test (a mock's side effect, a handler) schedules by design
        role = co.async_test_role(ctx)
        if role is None:
            return
        if name is not None and co.dropped_assignment_name(ctx, statement) is None:
            return
        if _waited_by_another_route(ctx, call, statement):
            return
        where = {co.TEST: "test", co.FIXTURE: "fixture", co.HOOK: "hook"}[role]
        reason = (
            f"`{factory}()` schedules the coroutine as a task and nothing waits for it in this {where}. "
            "When the test ends first, the task is cancelled at teardown: its body may never run and "
            "its exceptions are never reported."
        )
        function = ctx.scope.node
        fix_data = self._fix_data(ctx, statement, name, function)
        ctx.report(
            self,
            call,
            fields={"factory": factory.rpartition(".")[2] if "." in factory else factory},
            reason=reason,
            data=fix_data or {},
            fixable=fix_data is not None,
        )

    def _fix_data(self, ctx: FileContext, statement: ast.stmt, name: str | None, function: ast.AST) -> dict | None:
        """The fix awaits the task at the end of the function, so the statement must run exactly once there."""
        if not co.can_await(ctx, statement) or ctx.parent is not function:
            return None
        if not isinstance(function, ast.AsyncFunctionDef) or contains_yield(function):
            return None
        if name is None:
            taken = ctx.state.setdefault((self.code, id(function)), set())
            used = {n.id for n in ast.walk(function) if isinstance(n, ast.Name)} | ctx.params_of(function)
            candidate, index = "task", 1
            while candidate in used or candidate in taken:
                index += 1
                candidate = f"task_{index}"
            taken.add(candidate)
            return {"name": candidate, "form": "statement"}
        return {"name": name, "form": "assign"}

    def fix(self, fixer: FixContext, diagnostic: Diagnostic) -> None:
        name = diagnostic.data.get("name")
        if not name:
            raise FixUnavailable("the task cannot be awaited at the end of this function")
        call = fixer.find(diagnostic.range, cst.Call)
        function = fixer.ancestor(call, cst.FunctionDef)
        line = fixer.statement_of(call)
        if function is None or not isinstance(function.body, cst.IndentedBlock) or line not in function.body.body:
            raise FixUnavailable("unexpected shape")
        if diagnostic.data.get("form") == "statement":
            expr = line.body[0] if isinstance(line, cst.SimpleStatementLine) and len(line.body) == 1 else None
            if not isinstance(expr, cst.Expr) or expr.value is not call:
                raise FixUnavailable("not a single expression statement")
            fixer.replace(expr, cst.Assign(targets=[cst.AssignTarget(target=cst.Name(name))], value=call))
        statements = function.body.body
        awaiting = fixer.parse_statement(f"await {name}\n")
        last = statements[-1]
        if isinstance(last, cst.SimpleStatementLine) and any(isinstance(s, cst.Return) for s in last.body):
            fixer.insert_before(last, awaiting)
        else:
            fixer.insert_after(last, awaiting)

    examples = (
        Valid(
            source=(
                "import asyncio\nimport pytest\n\n"
                "async def worker(done, results):\n"
                "    results.append(1)\n"
                "    done.set()\n\n"
                "class Server:\n"
                "    async def serve(self):\n"
                "        await asyncio.sleep(10)\n"
                "    async def shutdown(self):\n"
                "        pass\n\n"
                "@pytest.mark.asyncio\n"
                "async def test_event():\n"
                "    done, results = asyncio.Event(), []\n"
                "    asyncio.create_task(worker(done, results))\n"
                "    await done.wait()\n"
                "    assert results == [1]\n\n"
                "@pytest.mark.asyncio\n"
                "async def test_server():\n"
                "    server = Server()\n"
                "    asyncio.create_task(server.serve())\n"
                "    await server.shutdown()\n\n"
                "@pytest.mark.asyncio\n"
                "async def test_effects_after_yielding():\n"
                "    results = []\n"
                "    asyncio.create_task(worker(asyncio.Event(), results))\n"
                "    await asyncio.sleep(0.01)\n"
                "    assert results == [1]\n"
            ),
            why="the test waits for the task another way: an event it sets, its owner's shutdown, yielding then asserting",
        ),
        Valid(
            source=(
                "import asyncio\nimport pytest\n\n"
                "class Stream:\n"
                "    def __init__(self):\n"
                "        self.items, self.done = [], asyncio.Event()\n"
                "    def push(self, item):\n"
                "        self.items.append(item)\n"
                "    def __aiter__(self):\n"
                "        return self.chunks()\n"
                "    async def chunks(self):\n"
                "        await self.done.wait()\n"
                "        for item in self.items:\n"
                "            yield item\n\n"
                "@pytest.mark.asyncio\n"
                "async def test_iterates_what_the_task_feeds():\n"
                "    stream = Stream()\n\n"
                "    async def produce():\n"
                "        stream.push('x')\n"
                "        stream.done.set()\n\n"
                "    asyncio.create_task(produce())\n"
                "    assert [item async for item in stream] == ['x']\n\n"
                "@pytest.mark.asyncio\n"
                "async def test_enters_what_the_task_releases():\n"
                "    lock = asyncio.Lock()\n\n"
                "    async def hold():\n"
                "        async with lock:\n"
                "            await asyncio.sleep(0)\n\n"
                "    asyncio.create_task(hold())\n"
                "    await asyncio.sleep(0)\n"
                "    async with lock:\n"
                "        pass\n"
            ),
            why="the task's coroutine is nested in the test and works on the test's objects, which the test then "
                "iterates or enters asynchronously: that completes only after the task ran",
        ),
        Invalid(
            # A nested coroutine working on the test's list: asserting on it right away waits for nothing.
            source=(
                _NESTED_WORKER + "    asyncio.create_task(work())\n"
                "    assert results == []\n"
            ),
            at=(11, 5),
            unsafe=True,
            fixed=(
                _NESTED_WORKER + "    task = asyncio.create_task(work())\n"
                "    assert results == []\n"
                "    await task\n"
            ),
        ),
        Invalid(
            source=(
                "import asyncio\nimport pytest\n\n"
                "results = []\n\n"
                "async def worker():\n"
                "    results.append(1)\n\n"
                "@pytest.mark.asyncio\n"
                "async def test_worker():\n"
                "    asyncio.create_task(worker())\n"
                "    assert results == []\n"
            ),
            at=(11, 5),
            end=(11, 34),
            unsafe=True,
            fixed=(
                "import asyncio\nimport pytest\n\n"
                "results = []\n\n"
                "async def worker():\n"
                "    results.append(1)\n\n"
                "@pytest.mark.asyncio\n"
                "async def test_worker():\n"
                "    task = asyncio.create_task(worker())\n"
                "    assert results == []\n"
                "    await task\n"
            ),
        ),
        Invalid(
            # loop.create_task and ensure_future in an IsolatedAsyncioTestCase; assigned and never read.
            source=(
                "import asyncio\nimport unittest\n\n"
                "async def ping():\n    return 1\n\n"
                "class T(unittest.IsolatedAsyncioTestCase):\n"
                "    async def test_ping(self):\n"
                "        task = 1\n"
                "        loop = asyncio.get_running_loop()\n"
                "        loop.create_task(ping())\n"
                "        pending = asyncio.ensure_future(ping())\n"
                "        self.assertEqual(task, 1)\n"
            ),
            at=((11, 9), (12, 19)),
            unsafe=True,
            fixed=(
                "import asyncio\nimport unittest\n\n"
                "async def ping():\n    return 1\n\n"
                "class T(unittest.IsolatedAsyncioTestCase):\n"
                "    async def test_ping(self):\n"
                "        task = 1\n"
                "        loop = asyncio.get_running_loop()\n"
                "        task_2 = loop.create_task(ping())\n"
                "        pending = asyncio.ensure_future(ping())\n"
                "        self.assertEqual(task, 1)\n"
                "        await task_2\n"
                "        await pending\n"
            ),
        ),
        Invalid(
            # In an async yield fixture and inside an `async with`: reported without a fix.
            source=(
                "import asyncio\nimport pytest_asyncio\n\n"
                "async def serve():\n    return None\n\n"
                "@pytest_asyncio.fixture\n"
                "async def server():\n"
                "    asyncio.create_task(serve())\n"
                "    yield 'srv'\n\n"
                "async def test_lock(server):\n"
                "    async with asyncio.Lock():\n"
                "        asyncio.create_task(serve())\n"
            ),
            at=((9, 5), (14, 9)),
        ),
        Valid(
            source=(
                "import asyncio\n\n"
                "async def work():\n    return 1\n\n"
                "async def test_kept():\n"
                "    t = asyncio.create_task(work())\n"
                "    tasks = [asyncio.create_task(work()) for _ in range(2)]\n"
                "    background = set()\n"
                "    background.add(asyncio.ensure_future(work()))\n"
                "    asyncio.create_task(work()).add_done_callback(print)\n"
                "    await t\n"
                "    await asyncio.gather(*tasks)\n"
            ),
            why="tasks that are awaited, gathered, stored or given a done callback",
        ),
        Valid(
            source=(
                "import asyncio\nimport unittest\n\n"
                "async def work():\n    return 1\n\n"
                "class T(unittest.IsolatedAsyncioTestCase):\n"
                "    async def asyncSetUp(self):\n"
                "        self.task = asyncio.create_task(work())\n\n"
                "    async def test_group(self):\n"
                "        async with asyncio.TaskGroup() as tg:\n"
                "            tg.create_task(work())\n"
                "        t = asyncio.create_task(work())\n"
                "        t.cancel()\n"
            ),
            why="kept on self, a TaskGroup, a cancelled task",
        ),
        Valid(
            source=(
                "import asyncio\nfrom unittest.mock import AsyncMock\n\n"
                "async def reply(frame):\n    return frame\n\n"
                "async def test_device():\n"
                "    async def send(frame):\n"
                "        asyncio.create_task(reply(frame))\n"
                "    api = AsyncMock(side_effect=send)\n"
                "    await api(1)\n"
            ),
            why="a callback nested in the test (a mock side effect simulating a device reply)",
        ),
        Valid(
            source=(
                "import asyncio\n\n"
                "async def work():\n    return 1\n\n"
                "async def start_background():\n"
                "    asyncio.create_task(work())\n"
            ),
            path="app/service.py",
            why="not test code (RUF006 and flake8-async cover production code)",
        ),
    )

    runtime = (
        RuntimeExample(
            files={
                "pytest.ini": _PYTEST_INI,
                "test_example.py": (
                    "import asyncio\nimport pytest\n\n"
                    "async def check_total(order):\n"
                    "    await asyncio.sleep(0.5)\n"
                    "    __SENTINEL__\n"
                    "    assert order['total'] == 10, 'wrong total'\n\n"
                    "@pytest.mark.asyncio\n"
                    "async def test_order_total():\n"
                    "    order = {'total': 9}\n"
                    "    asyncio.create_task(check_total(order))\n"
                ),
            },
            runner="pytest",
            outcome="passed",
            body_ran=False,
            fixed_outcome="failed",
            symptoms=symptoms[:2],
            envs=("py311", "py313", "py314", "py315", "py311-pytest84-pa10", "py311-pytest83-pa023"),
            note="the assertion inside the task never runs and the test passes; after the fix it fails as it should",
        ),
        RuntimeExample(
            files={
                "test_example.py": (
                    "import asyncio\nimport unittest\n\n"
                    "async def check_total(order):\n"
                    "    await asyncio.sleep(0.5)\n"
                    "    __SENTINEL__\n"
                    "    assert order['total'] == 10, 'wrong total'\n\n"
                    "class T(unittest.IsolatedAsyncioTestCase):\n"
                    "    async def test_order_total(self):\n"
                    "        order = {'total': 9}\n"
                    "        asyncio.create_task(check_total(order))\n"
                ),
            },
            runner="unittest",
            outcome="passed",
            body_ran=False,
            fixed_outcome="failed",
            symptoms=(symptoms[2],),
            envs=("py310", "py311", "py312", "py313", "py314", "py315"),
        ),
    )


# Methods through which a test waits for a task it handed an object to, or stops its owner.
_WAITING_METHODS = frozenset(
    {"wait", "join", "get", "result", "shutdown", "close", "aclose", "stop", "wait_closed", "wait_for", "cancel"}
)


def _waited_by_another_route(ctx: FileContext, call: ast.Call, statement: ast.stmt) -> bool:
    """Does the test wait for the task otherwise than through the task object?

    After the task is created, the function awaits (or stops) something the task's coroutine was
    given or is a method of — `await done.wait()` for `worker(done)`, `await queue.join()`,
    `await server.shutdown()` for `server.serve()` — or it yields to the loop (`await
    asyncio.sleep(...)`) and then asserts: the test is written around the task running.
    """
    coroutine = call.args[0] if call.args else None
    if not isinstance(coroutine, ast.Call):
        return False
    involved = {n.id for arg in [*coroutine.args, *(k.value for k in coroutine.keywords)] for n in ast.walk(arg)
                if isinstance(n, ast.Name)}
    function = ctx.scope.node
    if isinstance(coroutine.func, ast.Name):
        nested = ctx.local_function(coroutine.func.id)
        if isinstance(nested, ast.AsyncFunctionDef):
            involved |= _shared_with(ctx, nested, function)  # `async def produce(): stream.push(...)`
    receiver = coroutine.func.value if isinstance(coroutine.func, ast.Attribute) else None
    owner = co.dotted(receiver) if receiver is not None else None
    after = (statement.end_lineno or statement.lineno, statement.end_col_offset or 0)
    slept = False
    for node in sorted(
        (n for n in ast.walk(function) if isinstance(n, _AFTER_TASK)),
        key=lambda n: (n.lineno, n.col_offset),
    ):
        if (node.lineno, node.col_offset) < after:
            continue
        if _iterates_or_enters(node, involved):
            return True  # `async for chunk in stream`, `[d async for d in stream]`, `async with pool.acquire()`
        if isinstance(node, ast.Assert) or (
            isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr.startswith("assert")
        ):
            if slept:
                return True
            continue
        if isinstance(node, ast.Await):
            target = node.value
            if isinstance(target, ast.Call) and ctx.qualify(target.func) in ("asyncio.sleep", "anyio.sleep"):
                slept = True
                continue
            if _mentions(target, involved) or (owner and _calls_method_of(target, owner)):
                return True
        elif isinstance(node, ast.Call) and owner and _calls_method_of(node, owner):
            return True  # server.close() (sync): the owner is stopped before the test ends
        elif isinstance(node, ast.Call) and (slept or _in_loop_with_await(function, node)) and _mentions(node, involved):
            return True  # `while not event.is_set(): await ...`: the test reads what the task writes
    return False


_AFTER_TASK = (ast.Await, ast.Assert, ast.Call, ast.With, ast.AsyncWith, ast.AsyncFor,
               ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)


def _iterates_or_enters(node: ast.AST, involved: set[str]) -> bool:
    """Does `node` wait on an object the task was given: iterate it asynchronously (to its end, which
    the task brings) or enter it asynchronously (a pool or lock the task holds)?"""
    if isinstance(node, ast.AsyncFor):
        return _mentions(node.iter, involved)
    if isinstance(node, ast.AsyncWith):
        return any(_mentions(item.context_expr, involved) for item in node.items)
    if isinstance(node, (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)):
        return any(generator.is_async and _mentions(generator.iter, involved) for generator in node.generators)
    return False


def _shared_with(ctx: FileContext, nested: ast.AsyncFunctionDef, function: ast.AST) -> set[str]:
    """The names of the test's own locals and parameters that a coroutine function nested in it
    uses: what the task works on, as arguments are for a module-level coroutine."""
    outer = set(ctx.locals_of(function)) | ctx.params_of(function)
    own = set(ctx.locals_of(nested)) | ctx.params_of(nested)
    return {n.id for n in ast.walk(nested) if isinstance(n, ast.Name) and n.id in outer and n.id not in own} - {
        nested.name}


def _in_loop_with_await(function: ast.AST, node: ast.AST) -> bool:
    """Is `node` in (the test of) a loop whose body awaits — a poll for what a task does?"""
    for loop in ast.walk(function):
        if isinstance(loop, (ast.While, ast.For, ast.AsyncFor)) and any(isinstance(n, ast.Await) for n in ast.walk(loop)):
            if any(n is node for n in ast.walk(loop)):
                return True
    return False


def _mentions(node: ast.AST, names: set[str]) -> bool:
    return any(isinstance(n, ast.Name) and n.id in names for n in ast.walk(node))


def _calls_method_of(node: ast.AST, owner: str) -> bool:
    """`owner.shutdown()`, `owner.close()`, ... (or such a call awaited or wrapped)."""
    for sub in ast.walk(node):
        if (isinstance(sub, ast.Call) and isinstance(sub.func, ast.Attribute) and sub.func.attr in _WAITING_METHODS
                and co.dotted(sub.func.value) == owner):
            return True
    return False


def _task_factory(ctx: FileContext, call: ast.Call) -> str | None:
    """`asyncio.create_task` / `asyncio.ensure_future` / `<loop>.create_task`, by canonical name."""
    func = call.func
    if isinstance(func, ast.Attribute):
        if func.attr not in ("create_task", "ensure_future"):
            return None
    elif not (isinstance(func, ast.Name) and func.id in ("create_task", "ensure_future")):
        return None
    qualified = ctx.qualify(func)
    if qualified is None:
        return None
    if qualified in knowledge.TASK_FACTORIES:
        return qualified
    owner, _, method = qualified.rpartition(".")
    if method in knowledge.LOOP_TASK_METHODS and owner in knowledge.LOOP_FACTORIES:
        return f"loop.{method}"
    return None
