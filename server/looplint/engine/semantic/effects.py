"""Function effects: what calling a function does to event loops, followed through its calls.

A primitive effect is a call the engine knows (`asyncio.run`, `executor.submit(asyncio.run, c)`,
`asyncio.create_task`, `asyncio.set_event_loop(None)`, `time.sleep`, ...) or a check of the
process environment for a test runner. A project function has the effects of the primitives in
its body and, lifted through each call, the effects of the project functions it calls — in its
own module or another, methods found through the class chain — to a fixed depth. Each effect
carries its evidence: whether it happens on every call (no `if`, loop, `except` or early
`return` in between, at every step) and the chain of calls down to the primitive, which rules
put in the hover and in related information.

Only what resolves is followed: a call looplint cannot resolve has no effects (unknown is not
"none" for questions that need certainty — see `dispatch` — and such callers ask `resolved`).
"""

from __future__ import annotations

import ast
import threading
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from .. import knowledge
from ..checker import FileContext
from ..symbols import External, Instance, ProjectClass, ProjectFunction, options_of
from .modules import class_node, function_node, module_context

RUNS_LOOP = "runs-loop"  # runs an event loop to completion in the calling thread
BRIDGES = "bridges"  # hands a coroutine to another thread (or loop) and waits for it there
SNIFFS = "sniffs-test-runner"  # what it returns says whether a test runner is running it
CREATES_TASK = "creates-task"
SETS_LOOP = "sets-loop"  # installs a current event loop
UNSETS_LOOP = "unsets-loop"  # set_event_loop(None)
CLOSES_LOOP = "closes-loop"
BLOCKS = "blocks"  # a blocking call (sleep, HTTP, subprocess)
RETURNS_COROUTINE = "returns-coroutine"  # a sync function that returns a coroutine it made

DESCRIPTIONS = {
    RUNS_LOOP: "runs an event loop",
    BRIDGES: "runs the coroutine on another thread's event loop",
    SNIFFS: "detects the test runner",
    CREATES_TASK: "creates a task",
    SETS_LOOP: "sets the current event loop",
    UNSETS_LOOP: "unsets the current event loop",
    CLOSES_LOOP: "closes an event loop",
    BLOCKS: "blocks the thread",
    RETURNS_COROUTINE: "returns a coroutine",
}

MAX_DEPTH = 6  # calls followed from the function asked about

# Loop runners that run a coroutine to completion from synchronous code.
_RUNNER_CALLS = frozenset({"asyncio.run", "anyio.run", "trio.run", "asyncio.Runner.run"})
_RUNNER_METHODS = frozenset({"run_until_complete"})
# Loop runners a bridge hands a coroutine to in another thread.
_BRIDGE_RUNNERS = frozenset({"asyncio.run", "anyio.run", "trio.run"})
_SNIFF_NODES = (ast.Compare, ast.Call, ast.Subscript)


@dataclass(frozen=True, slots=True)
class Step:
    """One call on the way from a function to a primitive effect."""

    path: Path
    line: int
    col: int  # code points
    end_col: int
    text: str  # what is called there, as written: "_run_async_safely", "pool.submit"


@dataclass(frozen=True, slots=True)
class Evidence:
    effect: str
    detail: str  # the primitive, as written: "asyncio.run", "pool.submit(asyncio.run, ...)"
    always: bool  # on every call of the function: no branch between its start and the primitive
    chain: tuple[Step, ...]  # from the function's own call site down to the primitive (the last step)

    def through(self, step: Step, always: bool) -> "Evidence":
        return Evidence(self.effect, self.detail, self.always and always, (step, *self.chain))

    def describe_chain(self) -> str:
        """`a()` → `b()` → `asyncio.run()` for messages."""
        return " → ".join(f"`{step.text}()`" for step in self.chain)


Effects = dict[str, Evidence]
_NONE: Effects = {}


# -- asking -------------------------------------------------------------------------------------


def function_effects(ctx: FileContext, symbol: ProjectFunction) -> Effects:
    """The effects of calling a project function (from any file: `ctx` is where it is asked)."""
    return _effects_of(ctx, symbol, depth=0)


def call_effects(ctx: FileContext, call: ast.Call, *, depth: int = 0, awaited: bool | None = None) -> Effects:
    """What the call at the current place of `ctx` does: its primitives, and what the project
    function it calls does (a sync function; an async one only when the call is awaited; None:
    the walk is at the call, its parent says)."""
    if awaited is None:
        parent = ctx.parent
        awaited = isinstance(parent, ast.Await) and parent.value is call
    found: Effects = {}
    step = _step(ctx, call)
    for effect, detail in primitive_effects(ctx, call):
        _keep(found, Evidence(effect, detail, True, (step,)))
    if depth >= MAX_DEPTH:
        return found
    for callee in _project_callees(ctx, call, awaited):
        for evidence in _effects_of(ctx, callee, depth + 1).values():
            _keep(found, evidence.through(step, True))
    return found


def body_effects(ctx: FileContext, function: ast.FunctionDef | ast.AsyncFunctionDef, *, depth: int = 0) -> Effects:
    """The effects of a function body at the current place of `ctx` (the walk is inside it)."""
    found: Effects = {}
    for call, always, awaited in calls_in(function):
        for evidence in call_effects(ctx, call, depth=depth, awaited=awaited).values():
            _keep(found, Evidence(evidence.effect, evidence.detail, evidence.always and always, evidence.chain))
    sniff = returns_sniff(ctx, function, depth=depth)
    if sniff is not None:
        _keep(found, sniff)
    if isinstance(function, ast.FunctionDef):
        for value in _returned_values(function):
            if isinstance(value, ast.Call) and ctx.is_coroutine_call(value):
                _keep(found, Evidence(RETURNS_COROUTINE, _text(value.func), False, (_step(ctx, value),)))
                break
    return found


# -- primitives ------------------------------------------------------------------------------


def primitive_effects(ctx: FileContext, call: ast.Call) -> list[tuple[str, str]]:
    """(effect, detail) for a call the engine knows (not following project functions)."""
    func = call.func
    found: list[tuple[str, str]] = []
    last = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else None
    if isinstance(func, ast.Call) and ctx.qualify(func.func) in ("asgiref.sync.async_to_sync", "async_to_sync"):
        return [(RUNS_LOOP, "async_to_sync(...)")]
    if last is None:
        return found
    runner = runner_call(ctx, call)
    if runner is not None:
        found.append((RUNS_LOOP, runner))
    elif last in _RUNNER_METHODS or last == "run_forever":
        found.append((RUNS_LOOP, f"{_text(func)}"))
    target = hop_target(ctx, call)
    if target is not None:
        bridged = bridge_runner(ctx, target)
        if bridged is not None:
            found.append((BRIDGES, f"{_text(func)}({bridged}, ...)"))
    qualified = ctx.qualify(func)
    if qualified == "asyncio.run_coroutine_threadsafe":
        found.append((BRIDGES, qualified))
    if qualified in knowledge.TASK_FACTORIES or (
        last in knowledge.LOOP_TASK_METHODS and isinstance(func, ast.Attribute) and loop_kind(ctx, func.value)
    ):
        found.append((CREATES_TASK, _text(func)))
    if qualified in knowledge.LOOP_INSTALLING_CALLS:
        found.append((SETS_LOOP, qualified))
    if last == "set_event_loop" and qualified in ("asyncio.set_event_loop", "asyncio.get_event_loop_policy.set_event_loop"):
        unsets = bool(call.args) and _is_none(call.args[0])
        found.append((UNSETS_LOOP if unsets else SETS_LOOP, _text(func)))
    if last == "close" and isinstance(func, ast.Attribute) and loop_kind(ctx, func.value):
        found.append((CLOSES_LOOP, _text(func)))
    if qualified in knowledge.BLOCKING_CALLS:
        found.append((BLOCKS, qualified))
    return found


def runner_call(ctx: FileContext, call: ast.Call) -> str | None:
    """The loop runner a call is: "asyncio.run", "asyncio.Runner.run", "anyio.run", "trio.run" (None otherwise)."""
    func = call.func
    if isinstance(func, ast.Name) or (isinstance(func, ast.Attribute) and func.attr == "run"):
        qualified = ctx.qualify(func)
        if qualified in _RUNNER_CALLS:
            return qualified
    if isinstance(func, ast.Attribute) and func.attr == "run" and isinstance(func.value, ast.Name):
        # `with asyncio.Runner() as runner: runner.run(...)`
        bound = local_binding(ctx, func.value.id)
        if isinstance(bound, ast.withitem) and isinstance(bound.context_expr, ast.Call):
            if ctx.qualify(bound.context_expr.func) == "asyncio.Runner":
                return "asyncio.Runner.run"
    return None


def loop_kind(ctx: FileContext, expr: ast.AST) -> str | None:
    """"current", "running" or "new" when `expr` certainly holds such a loop (knowledge.LOOP_FACTORY_KINDS)."""
    symbol = ctx.resolve(expr)
    if isinstance(symbol, Instance) and isinstance(symbol.of, External):
        return knowledge.LOOP_FACTORY_KINDS.get(symbol.of.qualname)
    return None


def local_binding(ctx: FileContext, name: str) -> ast.AST | None:
    """What a name is bound to in the enclosing functions, when bound exactly once there."""
    for scope in ctx.function_chain():
        if name in ctx.params_of(scope.node):
            return None
        values = ctx.locals_of(scope.node).get(name)
        if values is None:
            continue
        return values[0] if len(values) == 1 else None
    return None


def hop_target(ctx: FileContext, call: ast.Call) -> ast.AST | None:
    """The callable a thread-starting call runs (`Thread(target=...)`, `submit(f, ...)`), or None."""
    func = call.func
    qualified = ctx.qualify(func)
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


def bridge_runner(ctx: FileContext, target: ast.AST) -> str | None:
    """How `target` (a callable handed to a thread) runs the caller's coroutine to completion, if it does.

    A worker that creates its own coroutine (`lambda: asyncio.run(main())`, a thread testing
    loops in threads) is not a bridge: only a coroutine that comes from outside the worker (an
    argument, a closure variable) ends up on the wrong loop.
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
        found = function_node(ctx, symbol)
        return found if isinstance(found, ast.FunctionDef) else None
    return None


def _outside_coroutine_runner(ctx: FileContext, function: ast.AST, body: list[ast.AST]) -> str | None:
    """The runner in `body` whose coroutine argument is a name not bound inside `function`."""
    bound = set(ctx.locals_of(function)) if not isinstance(function, ast.Lambda) else set()
    for statement in body:
        for sub in walk_local(statement):
            if not isinstance(sub, ast.Call) or not sub.args or not isinstance(sub.args[0], ast.Name):
                continue
            if sub.args[0].id in bound:
                continue
            if isinstance(sub.func, ast.Attribute) and sub.func.attr == "run_until_complete":
                return "run_until_complete"
            if isinstance(sub.func, (ast.Name, ast.Attribute)) and ctx.qualify(sub.func) in _BRIDGE_RUNNERS:
                return ctx.qualify(sub.func)
    return None


# -- sniffing the test runner ---------------------------------------------------------------


def direct_sniff(ctx: FileContext, test: ast.AST) -> tuple[ast.AST, str] | None:
    """The outermost comparison/call/subscript in `test` naming a test runner in an environment
    source (`"pytest" in sys.modules`, `os.environ.get("PYTEST_CURRENT_TEST")`, a frame from
    `inspect.stack()`), with how it reads."""
    if _mentions_runner(test) is None:
        return None  # one walk decides most tests (deeply nested ones too)
    for node in _walk_expr(test):
        if not isinstance(node, _SNIFF_NODES):
            continue
        marker = _mentions_runner(node)
        if marker is None:
            continue
        source = _env_source(ctx, node)
        if source is not None:
            return node, f"`{marker}` in `{source}`"
    return None


def sniff(ctx: FileContext, test: ast.AST, *, depth: int = 0) -> tuple[ast.AST, str] | None:
    """A test-runner check in an expression: direct, through a name bound to one, or through a call
    to a function whose result is one (in this module or another, up to `SNIFF_DEPTH` calls away).

    Calls are followed where their result is the condition (`if f():`, `if not f()`, `if f() and
    x:`), not inside arguments: that is where a helper's answer decides the branch."""
    found = direct_sniff(ctx, test)
    if found is not None:
        return found
    for node in _walk_expr(test):
        if isinstance(node, ast.Name):
            bound = _single_value(ctx, node.id)
            if bound is not None and direct_sniff(ctx, bound) is not None:
                return node, f"`{node.id}` holds such a check"
    if depth >= SNIFF_DEPTH:
        return None
    for node in _conditions(test):
        if isinstance(node, ast.Call):
            for callee in _project_callees(ctx, node, awaited=False):
                evidence = _effects_of(ctx, callee, MAX_DEPTH - SNIFF_DEPTH + depth + 1).get(SNIFFS)
                if evidence is not None:
                    return node, f"`{_text(node.func)}()` returns such a check: {evidence.detail}"
    return None


SNIFF_DEPTH = 3  # how many calls away a test-runner check is looked for


def _conditions(test: ast.AST) -> Iterator[ast.AST]:
    """The operands whose truth is the condition: `not x`, `x and y`, `x or y` taken apart."""
    stack = [test]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            stack.append(node.operand)
        elif isinstance(node, ast.BoolOp):
            stack.extend(node.values)
        else:
            yield node


def returns_sniff(ctx: FileContext, function: ast.AST, *, depth: int = 0) -> Evidence | None:
    """SNIFFS evidence when what the function returns depends on a test-runner check: a returned
    value that is one, or a check guarding a `return` (`if "pytest" in sys.modules: return True`).
    The first such check in the source is the evidence."""
    candidates = []
    for node in walk_local(function, include_root=False):
        if isinstance(node, ast.Return) and node.value is not None:
            candidates.append(node.value)
        elif isinstance(node, (ast.If, ast.While)) and _contains_return(node.body):
            candidates.append(node.test)
    for test in sorted(candidates, key=lambda n: (n.lineno, n.col_offset)):  # type: ignore[attr-defined]
        found = sniff(ctx, test, depth=depth)
        if found is not None:
            where, how = found
            return Evidence(SNIFFS, how, False, (_step(ctx, where),))
    return None


def _mentions_runner(node: ast.AST) -> str | None:
    for sub in ast.walk(node):
        if isinstance(sub, ast.Constant) and isinstance(sub.value, str):
            if "pytest" in sub.value.lower() or sub.value == "unittest":
                return sub.value
    return None


def _env_source(ctx: FileContext, node: ast.AST) -> str | None:
    for sub in ast.walk(node):
        if isinstance(sub, (ast.Name, ast.Attribute)):
            qualified = ctx.qualify(sub)
            if qualified in knowledge.TEST_ENV_SOURCES:
                return qualified
        if isinstance(sub, ast.Name):
            # `for frame in inspect.stack(): if "pytest" in frame.filename`
            bound = local_binding(ctx, sub.id)
            if isinstance(bound, (ast.For, ast.comprehension)):
                source = _env_source(ctx, bound.iter)
                if source is not None:
                    return source
    return None


def _single_value(ctx: FileContext, name: str) -> ast.AST | None:
    """The value a name is bound to once, in the enclosing functions or else at module level."""
    for scope in ctx.function_chain():
        if name in ctx.params_of(scope.node):
            return None
        values = ctx.locals_of(scope.node).get(name)
        if values is not None:
            return values[0] if len(values) == 1 and isinstance(values[0], ast.expr) else None
    return ctx.module_value(name)


# -- following calls ------------------------------------------------------------------------

_IN_PROGRESS = threading.local()


def _effects_of(ctx: FileContext, symbol: ProjectFunction, depth: int) -> Effects:
    """Effects of a project function, following calls `MAX_DEPTH - depth` deep.

    Cached in the context of the function's module, per depth left: a module's context lives
    as long as its text (see `modules`), and another module's context is shared by every file
    that asks about it.
    """
    module = ctx if symbol.path == ctx.path else module_context(ctx.project, symbol.path)
    if module is None:
        return _NONE
    budget = MAX_DEPTH - depth
    key = (symbol.class_name, symbol.name, budget)
    cache = module.effects_cache
    cached = cache.get(key)
    if cached is not None:
        return cached
    active: set | None = getattr(_IN_PROGRESS, "keys", None)
    if active is None:
        active = _IN_PROGRESS.keys = set()
    identity = (symbol.path, symbol.class_name, symbol.name)
    if identity in active or budget < 0:
        return _NONE  # recursion: what the cycle adds is found from its first member
    active.add(identity)
    try:
        found = _analyse(module, symbol, depth)
    finally:
        active.discard(identity)
    cache[key] = found
    return found


def _analyse(module: FileContext, symbol: ProjectFunction, depth: int) -> Effects:
    function = function_node(module, symbol)
    if function is None:
        return _NONE
    cls = class_node(module, ProjectClass(symbol.path, symbol.class_name)) if symbol.class_name else None
    with module.at_function(function, cls):
        return body_effects(module, function, depth=depth)


def _project_callees(ctx: FileContext, call: ast.Call, awaited: bool) -> Iterator[ProjectFunction]:
    """Project functions a call certainly runs: a sync function or method (an async one only when
    the call is awaited), and `C(...)` running a project class's `__init__`."""
    func = call.func
    if not isinstance(func, (ast.Name, ast.Attribute)):
        return
    options = options_of(ctx.resolve(func))
    if len(options) != 1:
        return
    symbol = options[0]
    if isinstance(symbol, ProjectClass):
        model = ctx.project.class_model(symbol)
        init = model.methods.get("__init__") if model is not None else None
        if init is not None:
            symbol = ProjectFunction(init[0], "__init__", init[1])
        else:
            return
    if not isinstance(symbol, ProjectFunction):
        return
    summary = ctx.project.function_summary(symbol)
    if summary is None or (summary.is_async and not awaited):
        return
    yield symbol


def _keep(found: Effects, evidence: Evidence) -> None:
    """Keep the strongest evidence per effect: certain before possible, then the shortest chain."""
    current = found.get(evidence.effect)
    if current is None or (evidence.always, -len(evidence.chain)) > (current.always, -len(current.chain)):
        found[evidence.effect] = evidence


def _step(ctx: FileContext, node: ast.AST) -> Step:
    where = ctx.node_range(node)
    text = _text(node.func) if isinstance(node, ast.Call) else _text(node)
    return Step(ctx.path, where.line, where.col, where.end_col if where.end_line == where.line else where.col + 1, text)


def _text(node: ast.AST) -> str:
    try:
        text = ast.unparse(node)
    except Exception:  # pragma: no cover - unparse handles every expression
        return "<call>"
    return text if len(text) <= 60 else text[:57] + "..."


def _is_none(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and node.value is None


# -- walking bodies ---------------------------------------------------------------------------

_NESTED = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)
_BRANCHING = (ast.If, ast.For, ast.AsyncFor, ast.While, ast.Match)
_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)


def walk_local(node: ast.AST, *, include_root: bool = True) -> Iterator[ast.AST]:
    """The nodes of a body that run when it runs: nested defs, classes and lambdas are not entered
    (a def or lambda given as `node` is entered: its body is what is asked about)."""
    if include_root and not isinstance(node, _NESTED):
        stack = [node]
    else:
        stack = [child for child in ast.iter_child_nodes(node) if not isinstance(child, _NESTED)]
    while stack:
        current = stack.pop()
        yield current
        for child in ast.iter_child_nodes(current):
            if not isinstance(child, _NESTED):
                stack.append(child)


def calls_in(function: ast.AST) -> Iterator[tuple[ast.Call, bool, bool]]:
    """The calls a function body makes (not in nested defs or lambdas), each with whether it is made
    on every call of the function (not under a branch, a loop, an `except`, a short-circuit or a
    comprehension, nor after a statement that may return early) and whether it is awaited."""
    pending: list[tuple[ast.AST, bool]] = []
    _statements(getattr(function, "body", []), True, pending)
    awaited: set[int] = set()
    while pending:
        node, always = pending.pop()
        if isinstance(node, _NESTED):
            continue
        if isinstance(node, ast.Call):
            yield node, always, id(node) in awaited
        elif isinstance(node, ast.Await):
            awaited.add(id(node.value))
        if isinstance(node, ast.IfExp):
            pending.append((node.test, always))
            pending.extend((child, False) for child in (node.body, node.orelse))
            continue
        if isinstance(node, ast.BoolOp):
            pending.append((node.values[0], always))
            pending.extend((child, False) for child in node.values[1:])
            continue
        if isinstance(node, _COMPREHENSIONS):
            pending.extend((child, False) for child in ast.iter_child_nodes(node))
            continue
        pending.extend((child, always) for child in ast.iter_child_nodes(node))


def _statements(body: list[ast.stmt], always: bool, pending: list) -> None:
    for statement in body:
        if isinstance(statement, _NESTED):
            for decorator in getattr(statement, "decorator_list", ()):
                pending.append((decorator, always))
            continue
        if isinstance(statement, (ast.With, ast.AsyncWith)):
            pending.extend((item.context_expr, always) for item in statement.items)
            _statements(statement.body, always, pending)
        elif isinstance(statement, ast.Try) or type(statement).__name__ == "TryStar":
            _statements(statement.body, always and not statement.handlers, pending)  # type: ignore[attr-defined]
            for handler in statement.handlers:  # type: ignore[attr-defined]
                _statements(handler.body, False, pending)
            _statements(statement.orelse, False, pending)  # type: ignore[attr-defined]
            _statements(statement.finalbody, always, pending)  # type: ignore[attr-defined]
        elif isinstance(statement, _BRANCHING):
            test = getattr(statement, "test", None) or getattr(statement, "iter", None) or getattr(statement, "subject", None)
            if test is not None:
                pending.append((test, always))
            for field in ("body", "orelse"):
                _statements(getattr(statement, field, []), False, pending)
            for case in getattr(statement, "cases", ()):
                _statements(case.body, False, pending)
        else:
            pending.append((statement, always))
        if always and _may_leave(statement):
            always = False  # `if loop.is_running(): return ...` guards what follows


def _may_leave(statement: ast.stmt) -> bool:
    """Does a compound statement hold a `return` or `raise` (what follows may not run)?"""
    if isinstance(statement, (ast.Return, ast.Raise)):
        return False  # what follows never runs: it adds nothing either way
    return any(isinstance(node, (ast.Return, ast.Raise)) for node in walk_local(statement))


def _contains_return(body: list[ast.stmt]) -> bool:
    return any(isinstance(node, ast.Return) for statement in body for node in walk_local(statement))


def _returned_values(function: ast.AST) -> Iterator[ast.AST]:
    for node in walk_local(function, include_root=False):
        if isinstance(node, ast.Return) and node.value is not None:
            yield node.value


def _walk_expr(node: ast.AST) -> Iterator[ast.AST]:
    """Breadth-first over an expression, outermost first (lambdas are not entered)."""
    queue = deque([node])
    while queue:
        current = queue.popleft()
        yield current
        queue.extend(child for child in ast.iter_child_nodes(current) if not isinstance(child, ast.Lambda))
