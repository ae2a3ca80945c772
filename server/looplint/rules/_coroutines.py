"""Shared detection for the coroutine-misuse (CO) and work-around (AP) rules.

- where we are: test files, the test/fixture/hook a node belongs to, whether
  `await` may be inserted at a node;
- what a call is: a coroutine function's call, an AsyncMock's (also one that
  `patch()` hands out for an async target), a task factory, a loop runner;
- how names are used later in a function (awaited, passed on, stored);
- the `await` fix, with the parentheses operator precedence needs.

Everything resolves through `ctx` (the project model); whatever cannot be
resolved is "unknown" and the rules stay silent on it.
"""

from __future__ import annotations

import ast

from ..engine.fixer import cst  # libcst, imported when a fix is built

from ..engine import knowledge
from ..engine.checker import FileContext, Scope
from ..engine.fixer import FixContext, FixUnavailable
from ..engine.model import Diagnostic
from ..engine.semantic.roles import is_test_module_name as is_test_module, is_test_support, role_of
from ..engine.symbols import External, Instance, ProjectClass, ProjectFunction, ProjectModule, ProjectNamespace, Symbol


TEST = "test"
FIXTURE = "fixture"
HOOK = "hook"


# -- files ------------------------------------------------------------------------------


def is_test_support_file(ctx: FileContext) -> bool:
    """Test modules, conftest.py, and test support by content (see engine.semantic.roles)."""
    return is_test_support(ctx)


# -- functions --------------------------------------------------------------------------


def function_role(ctx: FileContext, function: ast.AST, owner: ast.ClassDef | None) -> str | None:
    """TEST, FIXTURE or HOOK for a def at module level or in a class body; None otherwise.

    The semantic model's role (`engine.semantic.roles`), coarsened for the coroutine rules: what
    runs on a test's loop. A module-level `test*` counts in modules pytest collects; a method of a
    class whose runner is unknown counts as a test (its runner may await it).
    """
    if not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return None
    role = role_of(ctx, function, owner)
    if role is None:
        return None
    if role.kind == "fixture":
        return FIXTURE
    if role.is_hook:
        return HOOK
    if role.kind in ("test", "unknown") and function.name.startswith("test"):
        if owner is None and not is_test_module(ctx.path):
            return None
        return TEST
    return None


def is_test_class(ctx: FileContext, node: ast.ClassDef) -> bool:
    """A unittest TestCase (or a class whose bases cannot be resolved), or a pytest `Test*` class."""
    if node.name.startswith("Test") and is_test_module(ctx.path):
        return True
    model = ctx.class_model(node)
    return model is not None and model.is_testcase is not False


def outer_function(ctx: FileContext) -> tuple[Scope | None, ast.ClassDef | None, bool]:
    """The outermost function around the current node, the class it is a method of (a
    top-level class only), and whether every function scope from here out to it is an `async def`."""
    chain = ctx.function_chain()
    if not chain:
        return None, None, False
    all_async = ctx.scope.kind != "class" and all(scope.is_async for scope in chain)
    outer = chain[-1]
    parent = outer.parent
    owner = None
    if parent is not None and parent.kind == "class":
        if parent.parent is None or parent.parent.kind != "module":
            return outer, None, False  # a method of a nested class: not collected as a test
        owner = parent.node
    return outer, owner, all_async  # type: ignore[return-value]


def async_test_role(ctx: FileContext) -> str | None:
    """The role (test/fixture/hook) of the async test code the current node runs in.

    The node must be in an `async def` test, fixture or hook (or in async defs
    nested in one, which run on the same loop); a sync def or lambda in
    between may run anywhere (a thread, a callback), so it does not count.
    """
    outer, owner, all_async = outer_function(ctx)
    if outer is None or not all_async:
        return None
    return function_role(ctx, outer.node, owner)


def can_await(ctx: FileContext, node: ast.AST) -> bool:
    """May `await` be inserted at `node` (the node being visited, with ctx.parents its ancestors)?

    Only directly in an `async def` body: not in a lambda, nested sync def or
    class body, and not inside a generator expression, which `await` would turn
    into an async generator (list/set/dict comprehensions may await since 3.6).
    """
    scope = ctx.scope
    if scope.kind != "function" or not scope.is_async:
        return False
    child = node
    for parent in reversed(ctx.parents):
        if parent is scope.node:
            return True
        if isinstance(parent, ast.GeneratorExp):
            first_iter = parent.generators[0].iter if parent.generators else None
            if child is not first_iter:
                return False
        child = parent
    return True


# -- calls ------------------------------------------------------------------------------

COROUTINE = "coroutine"
ASYNC_MOCK = "async-mock"


def coroutine_call_kind(ctx: FileContext, call: ast.AST) -> str | None:
    """COROUTINE when the call certainly returns a coroutine, ASYNC_MOCK when the callee is
    an AsyncMock (a coroutine too, but the mistake is about the mock); None when not or unknown."""
    if not isinstance(call, ast.Call) or not ctx.may_call_coroutines:
        return None
    func = call.func
    if func.__class__ is ast.Attribute:
        names = ctx.coroutine_names
        if names is not None and func.attr not in names:
            # Most calls: no coroutine function is reachable under that name, and only a bare
            # name can be a patched mock. Answered by a set lookup, before any resolution.
            return None
    kinds = ctx.state.get(_KINDS)
    if kinds is None:
        kinds = ctx.state[_KINDS] = {}
    known = kinds.get(id(call))
    if known is not None and known[0] is call:
        return known[1]  # CO001, CO002 and CO005 ask about the same calls
    kind = _coroutine_call_kind(ctx, call)
    kinds[id(call)] = (call, kind)
    return kind


_KINDS = "coroutine-call-kinds"  # FileContext.state key: call id -> (call, its kind)


def _coroutine_call_kind(ctx: FileContext, call: ast.Call) -> str | None:
    patched = patched_mock_target(ctx, call.func)
    if patched is not None:
        return ASYNC_MOCK if ctx.is_coroutine_function(patched) else None
    if not ctx.is_coroutine_call(call):
        return None
    symbol = ctx.resolve(call.func)
    if isinstance(symbol, Instance) and isinstance(symbol.of, External) and symbol.of.qualname in knowledge.ASYNC_MOCK_CLASSES:
        if isinstance(call.func, ast.Attribute) and child_reassigned(ctx, call.func):
            return None
        return ASYNC_MOCK
    return COROUTINE


def child_reassigned(ctx: FileContext, expr: ast.Attribute) -> bool:
    """`m.close = Mock()` (or `m.close.side_effect`-free reassignment) somewhere in the function:
    the child of the AsyncMock is then whatever was assigned."""
    chain = dotted(expr)
    if chain is None:
        return True
    function = ctx.function
    if function is None:
        return True
    prefixes = set()
    parts = chain.split(".")
    for cut in range(2, len(parts) + 1):
        prefixes.add(".".join(parts[:cut]))
    for node in ast.walk(function.node):
        targets: list[ast.AST] = []
        if isinstance(node, ast.Assign):
            targets = list(node.targets)
        elif isinstance(node, (ast.AnnAssign, ast.AugAssign)):
            targets = [node.target]
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in (
            "configure_mock", "attach_mock"
        ):
            receiver = dotted(node.func.value)
            if receiver is not None and any(p == receiver or p.startswith(receiver + ".") for p in prefixes):
                return True
        for target in targets:
            text = dotted(target)
            if text in prefixes:
                return True
    return False


def dotted(node: ast.AST | None) -> str | None:
    """`a.b.c` for a Name/Attribute chain, else None."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return None


def patched_mock_target(ctx: FileContext, func: ast.AST) -> Symbol | None:
    """For a name bound to the mock `patch()`/`patch.object()` creates, the patched target.

    Handles `with patch("pkg.mod.fn") as m:` and `@patch(...)` decorators
    injecting positional parameters (bottom decorator first). Patches given
    `new`/`new_callable` are not AsyncMocks of the target: None.
    """
    if not isinstance(func, ast.Name) or not ctx.source.mentions_any(("patch",)):
        return None  # only `patch` makes such mocks (the word is in any spelling of it)
    name = func.id
    for scope in ctx.function_chain():
        node = scope.node
        if name in ctx.params_of(node):
            return _decorator_patch_target(ctx, node, name)
        values = ctx.locals_of(node).get(name)
        if values is None:
            continue
        if len(values) == 1 and isinstance(values[0], ast.withitem):
            return _patch_call_target(ctx, values[0].context_expr)
        return None
    return None


def _decorator_patch_target(ctx: FileContext, function: ast.AST, name: str) -> Symbol | None:
    decorators = getattr(function, "decorator_list", [])
    injecting = []
    for decorator in reversed(decorators):  # the bottom decorator's mock comes first
        if not isinstance(decorator, ast.Call):
            continue
        qualified = ctx.qualify(decorator.func)
        if qualified in knowledge.PATCH_FUNCTIONS or qualified in knowledge.PATCH_OBJECT_FUNCTIONS:
            if _patch_has_new(decorator, qualified):
                continue
            injecting.append(decorator)
    if not injecting:
        return None
    args = function.args  # type: ignore[attr-defined]
    positional = [a.arg for a in args.posonlyargs + args.args]
    if positional and positional[0] in ("self", "cls"):
        positional = positional[1:]
    if name not in positional:
        return None
    index = positional.index(name)
    if index >= len(injecting):
        return None
    return _patch_call_target(ctx, injecting[index])


def _patch_has_new(call: ast.Call, qualified: str) -> bool:
    new_position = 1 if qualified in knowledge.PATCH_FUNCTIONS else 2
    if len(call.args) > new_position:
        return True
    return any(k.arg in ("new", "new_callable") or k.arg is None for k in call.keywords)


def _patch_call_target(ctx: FileContext, call: ast.AST) -> Symbol | None:
    if not isinstance(call, ast.Call):
        return None
    qualified = ctx.qualify(call.func)
    if qualified in knowledge.PATCH_FUNCTIONS:
        if _patch_has_new(call, qualified) or not call.args:
            return None
        first = call.args[0]
        if isinstance(first, ast.Constant) and isinstance(first.value, str):
            return resolve_absolute(ctx, first.value)
        return None
    if qualified in knowledge.PATCH_OBJECT_FUNCTIONS:
        if _patch_has_new(call, qualified) or len(call.args) < 2:
            return None
        attribute = call.args[1]
        if not (isinstance(attribute, ast.Constant) and isinstance(attribute.value, str)):
            return None
        owner = ctx.resolve(call.args[0])
        if not isinstance(owner, (ProjectClass, ProjectModule, ProjectNamespace)):
            return None
        return ctx.project.member(owner, attribute.value)
    return None


def resolve_absolute(ctx: FileContext, dotted_name: str) -> Symbol | None:
    """`pkg.mod.Class.method` (as `patch()` targets are written) resolved through the project."""
    parts = dotted_name.split(".")
    project = ctx.project
    for cut in range(len(parts) - 1, 0, -1):
        module = project.resolve_module(ctx.path, ".".join(parts[:cut]))
        if not isinstance(module, (ProjectModule, ProjectNamespace)):
            continue
        symbol: Symbol = module
        for part in parts[cut:]:
            symbol = project.member(symbol, part)
            if symbol is None:
                return None
        return symbol
    return None


def is_async_def(ctx: FileContext, symbol: Symbol) -> bool:
    """A project `async def` (not an async generator) behind a resolved symbol."""
    return isinstance(symbol, ProjectFunction) and ctx.is_coroutine_function(symbol)


# -- names used later -------------------------------------------------------------------


def name_is_loaded(function: ast.AST, name: str, assignment: ast.AST) -> bool:
    """Is `name` read anywhere in the function (nested defs included) other than in `assignment`?

    Any read counts (awaited, gathered, returned, stored, passed on): only a
    name that is never read again is certainly dropped.
    """
    for node in ast.walk(function):
        if isinstance(node, ast.Name) and node.id == name and not isinstance(node.ctx, ast.Store):
            if not _inside(node, assignment):
                return True
        elif isinstance(node, (ast.Global, ast.Nonlocal)) and name in node.names:
            return True
    return False


def _inside(node: ast.AST, container: ast.AST) -> bool:
    line, col = node.lineno, node.col_offset  # type: ignore[attr-defined]
    start = (container.lineno, container.col_offset)  # type: ignore[attr-defined]
    end = (container.end_lineno, container.end_col_offset)  # type: ignore[attr-defined]
    return start <= (line, col) < end


def dropped_assignment_name(ctx: FileContext, statement: ast.AST) -> str | None:
    """For `x = <value>` in a function whose `x` is never read again: "x" (else None)."""
    if isinstance(statement, ast.Assign):
        if len(statement.targets) != 1:
            return None
        target = statement.targets[0]
    elif isinstance(statement, ast.AnnAssign) and statement.value is not None:
        target = statement.target
    else:
        return None
    if not isinstance(target, ast.Name):
        return None
    scope = ctx.scope
    if scope.kind != "function":
        return None  # module and class names may be read from elsewhere
    if name_is_loaded(scope.node, target.id, statement):
        return None
    return target.id


# -- the await fix ----------------------------------------------------------------------


def insert_await(fixer: FixContext, diagnostic: Diagnostic) -> None:
    """Put `await` before the call the diagnostic points at, parenthesised where precedence needs it."""
    call = fixer.find(diagnostic.range, cst.Call)
    wrap_call(fixer, call, lambda updated: updated)


def wrap_call(fixer: FixContext, call: cst.Call, change) -> None:
    parent = fixer.parent(call)
    if isinstance(parent, cst.Await):
        raise FixUnavailable("already awaited")
    # `await` binds looser than attribute access, subscription and calls:
    # `coro().x` must become `(await coro()).x`.
    needs_parens = (
        isinstance(parent, (cst.Attribute, cst.Subscript)) and parent.value is call
        or isinstance(parent, cst.Call) and parent.func is call
    )

    def build(updated: cst.CSTNode) -> cst.CSTNode:
        inner = change(updated)
        if needs_parens:
            return cst.Await(expression=inner, lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
        return cst.Await(expression=inner)

    fixer.replace(call, build)


def describe_call(call: ast.Call) -> str:
    """A short name for messages: `fetch`, `self.client.get`, `m`."""
    text = dotted(call.func)
    if text is None:
        try:
            text = ast.unparse(call.func)
        except Exception:  # pragma: no cover - unparse handles every expression
            text = "<call>"
    return text if len(text) <= 60 else text[:57] + "..."


def describe_callee(ctx: FileContext, call: ast.Call) -> str:
    """Why the callee returns a coroutine, for the hover text."""
    symbol = ctx.resolve(call.func)
    if isinstance(symbol, ProjectFunction):
        owner = f"{symbol.class_name}." if symbol.class_name else ""
        function = ctx.project.function_summary(symbol)
        if function is not None and not function.is_async:
            return (f"`{owner}{symbol.name}` ({ctx.project.relpath(symbol.path)}:{function.line}) returns the "
                    "coroutine of the call it ends with")
        return f"`{owner}{symbol.name}` is an `async def` in `{ctx.project.relpath(symbol.path)}`"
    if isinstance(symbol, External):
        return f"`{symbol.qualname}` is a coroutine function"
    if isinstance(symbol, Instance) and isinstance(symbol.of, External):
        return f"`{describe_call(call)}` is an `{symbol.of.qualname.rpartition('.')[2]}`: calling it returns a coroutine"
    if isinstance(call.func, ast.Name) and ctx.local_function(call.func.id) is not None:
        return f"`{call.func.id}` is an `async def` defined in this function"
    return f"`{describe_call(call)}` is a coroutine function"
