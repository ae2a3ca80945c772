"""Types of values, as far as they are certain: what a name, a parameter or a call holds.

A value's type is an `Instance` of what made it (a project class, a known library class, or the
function whose result it is). Beyond constructor calls, which resolution already follows, this
module answers:

- annotations: parameters, returns and variables (`Optional[X]`, `X | None`, string annotations,
  names imported under `TYPE_CHECKING`);
- what a project function returns: its return annotation, else the value every `return` gives
  (`return cls(...)` in a classmethod factory, `return Store()`, `return self`);
- what a fixture gives a test: its return annotation, or what it returns or yields, through the
  conftest chain pytest would use;
- `with`/`async with ... as x`: what `__enter__`/`__aenter__` returns (the object itself for the
  libraries in `knowledge.CONTEXT_ENTER_RESULTS`, a project class's own method otherwise);
- `await x`: what awaiting a known library call or a project coroutine gives.

Anything else is unknown (None), and rules stay silent on unknown values.
"""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from .. import knowledge
from ..symbols import External, Instance, ProjectClass, ProjectFunction, Symbol, options_of
from .modules import class_node, function_node, module_context

if TYPE_CHECKING:  # pragma: no cover
    from ..checker import FileContext
    from ..pytest_model import FixtureDef

_OPTIONAL = frozenset({"typing.Optional", "typing_extensions.Optional"})
_UNION = frozenset({"typing.Union", "typing_extensions.Union"})
# Generic containers whose first argument is the value a fixture or generator gives.
_YIELDING = frozenset(
    {"typing.Iterator", "typing.Generator", "typing.AsyncIterator", "typing.AsyncGenerator", "typing.Iterable",
     "typing.AsyncIterable", "collections.abc.Iterator", "collections.abc.Generator", "collections.abc.AsyncIterator",
     "collections.abc.AsyncGenerator", "collections.abc.Iterable", "collections.abc.AsyncIterable"}
)
_AWAITABLE = frozenset({"typing.Awaitable", "typing.Coroutine", "collections.abc.Awaitable", "collections.abc.Coroutine"})
_MAX_DEPTH = 8


def annotation_type(ctx: "FileContext", annotation: ast.AST | None, *, yielded: bool = False, depth: int = 0) -> Symbol:
    """The instance an annotation promises (None: no annotation, or one that says nothing certain).

    `yielded`: the annotation is a generator's (a yield fixture): `Iterator[X]` gives X."""
    if annotation is None or depth > _MAX_DEPTH:
        return None
    if isinstance(annotation, ast.Constant) and isinstance(annotation.value, str):
        try:
            parsed = ast.parse(annotation.value.strip(), mode="eval").body
        except SyntaxError:
            return None
        return annotation_type(ctx, parsed, yielded=yielded, depth=depth + 1)
    if isinstance(annotation, ast.BinOp) and isinstance(annotation.op, ast.BitOr):
        return _without_none(ctx, [annotation.left, annotation.right], yielded, depth)
    if isinstance(annotation, ast.Subscript):
        generic = ctx.qualify(annotation.value)
        arguments = annotation.slice.elts if isinstance(annotation.slice, ast.Tuple) else [annotation.slice]
        if generic in _OPTIONAL:
            return annotation_type(ctx, arguments[0], yielded=yielded, depth=depth + 1)
        if generic in _UNION:
            return _without_none(ctx, arguments, yielded, depth)
        if yielded and generic in _YIELDING:
            return annotation_type(ctx, arguments[0], depth=depth + 1)
        return None
    if yielded or not isinstance(annotation, (ast.Name, ast.Attribute)):
        return None
    target = ctx.resolve(annotation)
    return _instance_of_class(target)


def _without_none(ctx: "FileContext", options: list[ast.AST], yielded: bool, depth: int) -> Symbol:
    real = [o for o in options if not (isinstance(o, ast.Constant) and o.value is None)]
    if len(real) != 1:
        return None
    return annotation_type(ctx, real[0], yielded=yielded, depth=depth + 1)


def _instance_of_class(target: Symbol) -> Symbol:
    options = options_of(target)
    if len(options) != 1:
        return None
    option = options[0]
    if isinstance(option, ProjectClass):
        return Instance(option)
    if isinstance(option, External) and not option.qualname.startswith("builtins."):
        return Instance(option)
    return None


# -- what functions return -------------------------------------------------------------------------


def returned_value(ctx: "FileContext", symbol: ProjectFunction, *, depth: int = 0) -> Symbol:
    """What calling a project function gives (for an `async def`: what awaiting it gives)."""
    if depth > _MAX_DEPTH:
        return None
    key = ("returned-value", symbol)
    cache = ctx.type_cache
    if key in cache:
        return cache[key]
    cache[key] = None  # recursion: unknown
    cache[key] = found = _returned_value(ctx, symbol, depth)
    return found


def _returned_value(ctx: "FileContext", symbol: ProjectFunction, depth: int) -> Symbol:
    module = ctx if symbol.path == ctx.path else module_context(ctx.project, symbol.path)
    if module is None:
        return None
    function = function_node(module, symbol)
    if function is None or _is_generator(function):
        return None
    cls = class_node(module, ProjectClass(symbol.path, symbol.class_name)) if symbol.class_name else None
    with module.at_function(function, cls):
        annotated = annotation_type(module, function.returns)
        if annotated is not None:
            return annotated
        values = [node.value for node in _returns(function)]
        if not values or any(value is None for value in values):
            return None
        found = {_value_type(module, value, cls, function, depth) for value in values}  # type: ignore[arg-type]
    return found.pop() if len(found) == 1 else None


def _value_type(ctx: "FileContext", value: ast.expr, cls: ast.ClassDef | None, function, depth: int) -> Symbol:
    """The type of a returned or yielded expression, `self` and `cls(...)` included."""
    if cls is not None and isinstance(value, ast.Name) and value.id == "self" and _first_param(function) == "self":
        return Instance(ProjectClass(ctx.path, cls.name))
    if cls is not None and isinstance(value, ast.Call) and isinstance(value.func, ast.Name):
        if value.func.id == "cls" and _first_param(function) == "cls":
            return Instance(ProjectClass(ctx.path, cls.name))
    symbol = ctx.resolve(value)
    if isinstance(symbol, Instance) and isinstance(symbol.of, ProjectFunction):
        return ctx.returned_by(symbol.of)
    return symbol if isinstance(symbol, Instance) else None


def _first_param(function) -> str | None:
    args = function.args.posonlyargs + function.args.args
    return args[0].arg if args else None


def awaited_value(ctx: "FileContext", value: ast.expr) -> Symbol:
    """What `await value` gives."""
    if not isinstance(value, ast.Call):
        return None
    callee = ctx.resolve(value.func)
    options = options_of(callee)
    if len(options) != 1:
        return None
    option = options[0]
    if isinstance(option, ProjectFunction):
        function = ctx.project.function_summary(option)
        if function is not None and function.is_async and not function.is_async_generator:
            return returned_value(ctx, option)
        return None
    if isinstance(option, External):
        result = knowledge.AWAIT_RESULTS.get(option.qualname)
        return Instance(External(result)) if result else None
    return None


def entered_value(ctx: "FileContext", manager: ast.expr, is_async: bool) -> Symbol:
    """What `with manager as x` (or `async with`) binds to x."""
    made = ctx.resolve(manager)
    if isinstance(made, Instance) and isinstance(made.of, ProjectFunction):
        made = ctx.returned_by(made.of)  # `with open_store() as s:` where open_store returns a Store
    if not isinstance(made, Instance):
        return None
    of = made.of
    if isinstance(of, External):
        result = knowledge.CONTEXT_ENTER_RESULTS.get(of.qualname)
        if result is None:
            return None
        return made if result == "self" else Instance(External(result))
    if isinstance(of, ProjectClass):
        model = ctx.project.class_model(of)
        entry = model.methods.get("__aenter__" if is_async else "__enter__") if model is not None else None
        if entry is None:
            return None
        path, owner, function = entry
        if function.is_async != is_async:
            return None
        value = returned_value(ctx, ProjectFunction(path, function.name, owner))
        if isinstance(value, Instance) and isinstance(value.of, ProjectClass) and value.of.name == owner:
            return made  # `return self`: the (sub)class instance that was entered
        return value
    return None


def returns_coroutine(ctx: "FileContext", symbol: ProjectFunction) -> bool:
    """A sync project function that hands back a coroutine on every path: each `return` returns a
    coroutine call (`def get(self, url): return self.client.get(url)`), and the body ends with one."""
    key = ("returns-coroutine", symbol)
    cache = ctx.type_cache
    if key in cache:
        return cache[key]
    cache[key] = False  # recursion: not known to
    cache[key] = found = _returns_coroutine(ctx, symbol)
    return found


def _returns_coroutine(ctx: "FileContext", symbol: ProjectFunction) -> bool:
    summary = ctx.project.function_summary(symbol)
    if summary is None or summary.is_async or not summary.returns_call or summary.decorators:
        return False
    module = ctx if symbol.path == ctx.path else module_context(ctx.project, symbol.path)
    if module is None:
        return False
    function = function_node(module, symbol)
    if function is None or _is_generator(function):
        return False
    cls = class_node(module, ProjectClass(symbol.path, symbol.class_name)) if symbol.class_name else None
    with module.at_function(function, cls):
        values = [node.value for node in _returns(function)]
        return bool(values) and all(isinstance(v, ast.Call) and module.is_coroutine_call(v) for v in values)


# -- fixtures ----------------------------------------------------------------------------------------------


def fixture_value(ctx: "FileContext", definition: "FixtureDef") -> Symbol:
    """What a fixture gives the tests that request it: its annotation, or what it returns or yields."""
    key = ("fixture-value", definition.key)
    cache = ctx.type_cache
    if key in cache:
        return cache[key]
    cache[key] = None
    cache[key] = found = _fixture_value(ctx, definition)
    return found


def _fixture_value(ctx: "FileContext", definition: "FixtureDef") -> Symbol:
    fixture = definition.fixture
    module = ctx if definition.path == ctx.path else module_context(ctx.project, definition.path)
    if module is None:
        return None
    symbol = ProjectFunction(definition.path, fixture.func_name, fixture.class_name)
    function = function_node(module, symbol)
    if function is None or function.lineno != fixture.line:
        return None
    cls = class_node(module, ProjectClass(definition.path, fixture.class_name)) if fixture.class_name else None
    generator = _is_generator(function)
    with module.at_function(function, cls):
        annotated = annotation_type(module, function.returns, yielded=generator)
        if annotated is not None:
            return annotated
        if generator:
            values = [node.value for node in _yields(function)]
        else:
            values = [node.value for node in _returns(function)]
        if not values or any(value is None for value in values):
            return None
        found = {_value_type(module, value, cls, function, 0) for value in values}  # type: ignore[arg-type]
    return found.pop() if len(found) == 1 else None


# -- walking bodies ----------------------------------------------------------------------------------------

_NESTED = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)


def _own_nodes(function: ast.AST):
    stack = list(getattr(function, "body", ()))
    while stack:
        node = stack.pop()
        if isinstance(node, _NESTED):
            continue
        yield node
        stack.extend(ast.iter_child_nodes(node))


def _returns(function: ast.AST) -> list[ast.Return]:
    return [node for node in _own_nodes(function) if isinstance(node, ast.Return)]


def _yields(function: ast.AST) -> list[ast.Yield]:
    return [node for node in _own_nodes(function) if isinstance(node, ast.Yield)]


def _is_generator(function: ast.AST) -> bool:
    return any(isinstance(node, (ast.Yield, ast.YieldFrom)) for node in _own_nodes(function))
