"""LP006: a loop-bound object made once (module, class body, setUpClass) and used by IsolatedAsyncioTestCase tests."""

from __future__ import annotations

import ast

from ..engine import knowledge
from ..engine.checker import FileContext
from ..engine.model import Related, Severity
from ..engine.rule import Invalid, Rule, RuntimeExample, Symptom, Valid
from ._loops import assigned_target, at_import_time, function_role, is_test_code, loop_kind
from ._unittest import ISOLATED, runner_kind

_CLASS_NAMES = frozenset(name.rpartition(".")[2] for name in knowledge.LOOP_BOUND_CLASSES)
_MAX_RELATED = 3


class LoopBoundObjectSharedAcrossLoops(Rule):
    code = "LP006"
    name = "loop-bound-object-shared-across-loops"
    severity = Severity.WARNING
    summary = "A loop-bound object (Lock, Event, Queue, Future, client session) is created once and used by IsolatedAsyncioTestCase tests, each on its own loop."
    message = "`{call}` is created {where}, outside the tests' event loops, and used by {users}: {why}"
    tokens = tuple(sorted(_CLASS_NAMES | knowledge.LOOP_BOUND_LOOP_METHODS))
    call_names = _CLASS_NAMES | frozenset(knowledge.LOOP_BOUND_LOOP_METHODS)
    symptoms = (
        Symptom(
            when="asyncio primitives, once a second test waits on them (3.10–3.15; depends on contention and test order)",
            output="RuntimeError: <asyncio.locks.Event object at ... [unset]> is bound to a different event loop",
            envs=("py310", "py311", "py312", "py313", "py314", "py315"),
        ),
        Symptom(
            when="futures and tasks made on another loop (3.10–3.15)",
            output="RuntimeError: Task <Task pending ...> got Future <Future pending> attached to a different loop",
            envs=("py310", "py311", "py312", "py313", "py314", "py315"),
        ),
    )
    explanation = """
    `IsolatedAsyncioTestCase` runs every test on a fresh event loop. An
    object tied to one loop and created once — at module level, in the class
    body, or in `setUpClass` — is shared by all those loops:

    - `asyncio.Lock`, `Event`, `Condition`, `Semaphore`, `Queue`, `Barrier`
      bind to the first loop that has to *wait* on them (Python 3.10+:
      `asyncio.mixins._LoopBoundMixin`). The first test that waits works;
      a later test that waits fails with `RuntimeError: ... is bound to a
      different event loop`. A lock nobody contends never binds, so **the
      failure can be intermittent**: it depends on timing, data and test order.
    - futures (`loop.create_future()`, `asyncio.Future()`) and tasks belong to
      the loop they were made on from the start: awaiting them in a test fails
      at once (`got Future ... attached to a different loop`).
    - client objects (`aiohttp.ClientSession`, `httpx.AsyncClient`, asyncpg
      pools, `redis.asyncio` clients) keep connections on the loop that first
      used them and break when a later test's loop uses them.

    ### How to fix
    Create the object per test, inside the test's loop:

    ```python
    class T(unittest.IsolatedAsyncioTestCase):
        async def asyncSetUp(self):
            self.event = asyncio.Event()
            self.session = aiohttp.ClientSession()
            self.addAsyncCleanup(self.session.close)
    ```

    No automatic fix: moving creation changes sharing between tests.

    Reported when async code of `IsolatedAsyncioTestCase` classes in the same
    file waits on the object (`await`, `async with`, `async for`) from at
    least two tests, or uses a future or task (bound at creation) from one.
    Not reported: objects only used in sync code or never waited on
    (`set()`, `clear()`, `put_nowait()` do not bind),
    objects used by one test only, classes that are not
    `IsolatedAsyncioTestCase` (pytest-asyncio's counterpart is PA009), and
    per-test creation (`setUp`, `asyncSetUp`, the test itself). The list of
    loop-bound classes is data (`knowledge.LOOP_BOUND_CLASSES`).
    """

    def visit_Call(self, node: ast.Call, ctx: FileContext) -> None:
        func = node.func
        last = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else None
        if last not in _CLASS_NAMES and last not in knowledge.LOOP_BOUND_LOOP_METHODS:
            return
        place = _shared_place(ctx, node)
        if place is None or not is_test_code(ctx):
            return
        qualified = ctx.qualify(func)
        if qualified in knowledge.LOOP_BOUND_CLASSES:
            eager = qualified in knowledge.LOOP_BOUND_AT_CREATION
        elif last in knowledge.LOOP_BOUND_LOOP_METHODS and isinstance(func, ast.Attribute) and loop_kind(ctx, func.value):
            eager = True
        else:
            return
        ctx.state.setdefault(self.code, []).append((node, place, eager))

    def end_file(self, ctx: FileContext) -> None:
        candidates = ctx.state.get(self.code)
        if not candidates:
            return
        classes = _isolated_classes(ctx)
        if not classes:
            return
        for node, (kind, owner, name, where), eager in candidates:
            users: dict[tuple[str, str], ast.AST] = {}  # (class, test) -> a use
            for cls, model, tests in classes:
                if kind == "class" and owner not in model.chain:
                    continue
                for method in cls.body:
                    if not isinstance(method, ast.AsyncFunctionDef):
                        continue
                    use = _first_use(ctx, method, kind, owner, name, eager)
                    if use is None:
                        continue
                    for test in ([method.name] if method.name in tests else tests):
                        users.setdefault((cls.name, test), use)
            if len(users) < (1 if eager else 2):
                continue
            tests_text = _describe_users(users)
            why = (
                "it belongs to the loop it was made on, so awaiting it in a test fails"
                if eager
                else "each test runs on its own loop; it binds to the first one that waits on it and then fails "
                "in later tests (can be intermittent)"
            )
            ctx.report(
                self,
                node,
                fields={"call": f"{ast.unparse(node.func)}()", "where": where, "users": tests_text, "why": why},
                reason=(
                    f"`{name}` is made {where}, once, outside the tests' loops. {tests_text} "
                    "use it from `async def` code, and `IsolatedAsyncioTestCase` gives every test its own loop. "
                    + (
                        "A future or task is bound to its loop from creation."
                        if eager
                        else "asyncio primitives bind lazily, on the first contended wait, so whether and where it "
                        "fails depends on timing and test order: **it can be intermittent**."
                    )
                    + " Create it in `asyncSetUp` instead."
                ),
                related=[
                    Related(ctx.path, ctx.node_range(use), f"used by `{cls_name}.{test}`")
                    for (cls_name, test), use in list(users.items())[:_MAX_RELATED]
                ],
            )


    examples = (
        Invalid(
            source=(
                "import asyncio\n"
                "import unittest\n\n"
                "class T(unittest.IsolatedAsyncioTestCase):\n"
                "    @classmethod\n"
                "    def setUpClass(cls):\n"
                "        cls.event = asyncio.Event()\n\n"
                "    async def test_3_event(self):\n"
                "        asyncio.get_running_loop().call_soon(self.event.set)\n"
                "        await self.event.wait()\n\n"
                "    async def test_4_event_again(self):\n"
                "        self.event.clear()\n"
                "        asyncio.get_running_loop().call_soon(self.event.set)\n"
                "        await self.event.wait()\n"
            ),
            at=(7, 21),
            end=(7, 36),
            message_contains="intermittent",
        ),
        Invalid(
            # A future made on another loop fails even in a single test.
            source=(
                "import asyncio\n"
                "import unittest\n\n"
                "class T(unittest.IsolatedAsyncioTestCase):\n"
                "    @classmethod\n"
                "    def setUpClass(cls):\n"
                "        cls.loop = asyncio.new_event_loop()\n"
                "        cls.fut = cls.loop.create_future()\n\n"
                "    async def test_await(self):\n"
                "        self.assertEqual(await self.fut, 1)\n"
            ),
            at=(8, 19),
        ),
        Invalid(
            # Module global and class attribute, used through asyncSetUp (every test) and a test.
            source=(
                "import asyncio\n"
                "import unittest\n"
                "from aiohttp import ClientSession\n\n"
                "LOCK = asyncio.Lock()\n\n"
                "class T(unittest.IsolatedAsyncioTestCase):\n"
                "    session = ClientSession()\n\n"
                "    async def asyncSetUp(self):\n"
                "        async with LOCK:\n"
                "            pass\n\n"
                "    async def test_a(self):\n"
                "        await self.session.get('/a')\n\n"
                "    async def test_b(self):\n"
                "        await self.session.get('/b')\n"
            ),
            at=((5, 8), (8, 15)),
        ),
        Valid(
            source=(
                "import asyncio\n"
                "import unittest\n\n"
                "class T(unittest.IsolatedAsyncioTestCase):\n"
                "    async def asyncSetUp(self):\n"
                "        self.event = asyncio.Event()\n\n"
                "    async def test_a(self):\n"
                "        self.event.set()\n"
                "        await self.event.wait()\n\n"
                "    async def test_b(self):\n"
                "        await self.event.wait()\n"
            ),
            why="created per test in asyncSetUp",
        ),
        Valid(
            source=(
                "import asyncio\n"
                "import unittest\n\n"
                "EVENT = asyncio.Event()\n\n"
                "class T(unittest.IsolatedAsyncioTestCase):\n"
                "    def test_a(self):\n"
                "        EVENT.set()\n\n"
                "    def test_b(self):\n"
                "        self.assertTrue(EVENT.is_set())\n"
            ),
            why="used only from sync code, which never waits, so it never binds",
        ),
        Valid(
            source=(
                "import asyncio\n"
                "import unittest\n\n"
                "LOCK = asyncio.Lock()\n\n"
                "class T(unittest.TestCase):\n"
                "    async def test_a(self):\n"
                "        async with LOCK:\n"
                "            pass\n\n"
                "    async def test_b(self):\n"
                "        async with LOCK:\n"
                "            pass\n"
            ),
            why="not an IsolatedAsyncioTestCase (pytest-asyncio sharing is PA009's; UT001 reports these tests)",
        ),
        Valid(
            source=(
                "import asyncio\n"
                "import unittest\n\n"
                "DONE = asyncio.Event()\n\n"
                "class T(unittest.IsolatedAsyncioTestCase):\n"
                "    async def test_a(self):\n"
                "        DONE.set()\n\n"
                "    async def test_b(self):\n"
                "        DONE.clear()\n"
                "        self.assertFalse(DONE.is_set())\n"
            ),
            why="never waited on (set/clear/is_set do not bind a primitive to a loop)",
        ),
        Valid(
            source=(
                "import asyncio\n"
                "import unittest\n\n"
                "class T(unittest.IsolatedAsyncioTestCase):\n"
                "    queue = asyncio.Queue()\n\n"
                "    async def test_only(self):\n"
                "        await self.queue.put(1)\n"
                "        self.assertEqual(await self.queue.get(), 1)\n"
            ),
            why="one test: a lazily bound primitive only ever meets one loop",
        ),
        Valid(
            source=(
                "import asyncio\n"
                "import unittest\n\n"
                "LOCK = asyncio.Lock()\n\n"
                "class T(unittest.IsolatedAsyncioTestCase):\n"
                "    async def test_a(self):\n"
                "        LOCK = asyncio.Lock()\n"
                "        async with LOCK:\n"
                "            pass\n\n"
                "    async def test_b(self, LOCK=None):\n"
                "        pass\n"
            ),
            why="a local of the same name shadows the global",
        ),
    )

    runtime = (
        RuntimeExample(
            files={
                "test_example.py": (
                    "import asyncio\n"
                    "import unittest\n\n"
                    "class T(unittest.IsolatedAsyncioTestCase):\n"
                    "    @classmethod\n"
                    "    def setUpClass(cls):\n"
                    "        cls.event = asyncio.Event()\n\n"
                    "    async def test_3_event(self):\n"
                    "        asyncio.get_running_loop().call_soon(self.event.set)\n"
                    "        await self.event.wait()\n\n"
                    "    async def test_4_event_again(self):\n"
                    "        __SENTINEL__\n"
                    "        self.event.clear()\n"
                    "        asyncio.get_running_loop().call_soon(self.event.set)\n"
                    "        await self.event.wait()\n"
                ),
            },
            runner="unittest",
            outcome="error",
            body_ran=True,
            symptoms=symptoms[:1],
            envs=("py310", "py311", "py312", "py313", "py314", "py315"),
            note="e09: the first test binds the Event to its loop; the second test's wait fails",
        ),
        RuntimeExample(
            files={
                "test_example.py": (
                    "import asyncio\n"
                    "import unittest\n\n"
                    "class T(unittest.IsolatedAsyncioTestCase):\n"
                    "    @classmethod\n"
                    "    def setUpClass(cls):\n"
                    "        cls.loop = asyncio.new_event_loop()\n"
                    "        cls.addClassCleanup(cls.loop.close)\n"
                    "        cls.fut = cls.loop.create_future()\n"
                    "        cls.loop.call_soon(cls.fut.set_result, 1)\n\n"
                    "    async def test_await_foreign_future(self):\n"
                    "        __SENTINEL__\n"
                    "        self.assertEqual(await self.fut, 1)\n"
                ),
            },
            runner="unittest",
            outcome="error",
            body_ran=True,
            symptoms=symptoms[1:],
            envs=("py310", "py311", "py312", "py313", "py314", "py315"),
            note="e19",
        ),
    )


def _shared_place(ctx: FileContext, node: ast.Call) -> tuple[str, str | None, str, str] | None:
    """(kind, owner class, name, where) when the call's value is stored somewhere every test shares."""
    target = assigned_target(ctx, node)
    if target is None:
        return None
    if at_import_time(ctx):
        scope = ctx.scope
        if scope.kind == "module" and isinstance(target, ast.Name):
            return ("global", None, target.id, "at module level")
        if scope.kind == "class" and scope.parent is not None and scope.parent.kind == "module" and isinstance(target, ast.Name):
            return ("class", scope.node.name, target.id, f"in the class body of `{scope.node.name}`")
        return None
    # Only `cls.x = ...` (setUpClass) and a global (setUpModule) are shared from inside a function:
    # any other target is per test, and asking for the function's role costs more than looking.
    is_class_attribute = (
        isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name) and target.value.id == "cls"
    )
    if not (is_class_attribute or isinstance(target, ast.Name)):
        return None
    role = function_role(ctx)
    if role is None:
        return None
    if role.kind == "class-hook" and role.name == "setUpClass" and role.cls is not None:
        if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name) and target.value.id == "cls":
            return ("class", role.cls.name, target.attr, f"in `{role.cls.name}.setUpClass`")
    if role.kind == "module-hook" and role.name == "setUpModule" and isinstance(target, ast.Name):
        if any(isinstance(s, ast.Global) and target.id in s.names for s in role.function.body):
            return ("global", None, target.id, "in `setUpModule`")
    return None


def _isolated_classes(ctx: FileContext) -> list[tuple[ast.ClassDef, object, list[str]]]:
    found = []
    for statement in ctx.tree.body:
        if not isinstance(statement, ast.ClassDef):
            continue
        model = ctx.class_model(statement)
        if runner_kind(model) != ISOLATED:
            continue
        tests = [name for name in model.methods if name.startswith(knowledge.TEST_METHOD_PREFIX)]  # type: ignore[union-attr]
        if tests:
            found.append((statement, model, tests))
    return found


def _first_use(
    ctx: FileContext, method: ast.AsyncFunctionDef, kind: str, owner: str | None, name: str, eager: bool
) -> ast.AST | None:
    """The first reference to the shared object in `method` that can tie it to the test's loop.

    Futures and tasks are tied already, so any reference counts. Primitives
    and clients bind when something waits on them, so only references inside
    `await ...`, `async with ...` or `async for ...` count (`event.set()` or
    `queue.put_nowait()` never bind).
    """
    if kind == "global" and (name in ctx.locals_of(method) or name in ctx.params_of(method)):
        return None  # shadowed by a local of the same name
    roots = [method] if eager else _waiting_expressions(method)
    for root in roots:
        for node in ast.walk(root):
            if kind == "global" and isinstance(node, ast.Name) and node.id == name and isinstance(node.ctx, ast.Load):
                return node
            if (
                kind == "class"
                and isinstance(node, ast.Attribute)
                and node.attr == name
                and isinstance(node.value, ast.Name)
                and node.value.id in ("self", "cls", owner)
            ):
                return node
    return None


def _waiting_expressions(method: ast.AsyncFunctionDef) -> list[ast.AST]:
    found: list[ast.AST] = []
    for node in ast.walk(method):
        if isinstance(node, ast.Await):
            found.append(node.value)
        elif isinstance(node, ast.AsyncWith):
            found.extend(item.context_expr for item in node.items)
        elif isinstance(node, ast.AsyncFor):
            found.append(node.iter)
    return found


def _describe_users(users: dict[tuple[str, str], ast.AST]) -> str:
    by_class: dict[str, list[str]] = {}
    for cls, test in users:
        by_class.setdefault(cls, []).append(test)
    parts = []
    for cls, tests in by_class.items():
        shown = ", ".join(f"`{t}`" for t in tests[:3]) + (f" and {len(tests) - 3} more" if len(tests) > 3 else "")
        parts.append(f"{shown} of `{cls}`")
    count = len(users)
    return ("the test " if count == 1 else f"{count} tests: ") + "; ".join(parts)
