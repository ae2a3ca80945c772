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
- `await x`: what awaiting a known library call or a project coroutine gives;
- attributes: what `self.x` holds from everything the class chain binds it to (annotations;
  else every `self.x = ...` in any method and a class-level value, which must agree), so
  `client_class = httpx.AsyncClient` makes `self.client_class()` an instance of it, and
  `self.client = client` in an autouse fixture method is the fixture's value;
- properties: `obj.client` where `client` is a `@property` is what its getter returns;
- `-> Self` on a method: an instance of the class it is defined in, as `return cls()` is.

Anything else is unknown (None), and rules stay silent on unknown values.
"""

from __future__ import annotations

import ast
import re
from typing import TYPE_CHECKING

from .. import knowledge
from ..summary import class_statements
from ..syntax import CHILD_FIELDS, STATEMENT_LISTS, child_fields
from ..symbols import External, Instance, ProjectClass, ProjectFunction, Symbol, options_of
from .modules import class_node, function_node, module_context

if TYPE_CHECKING:  # pragma: no cover
    from ..checker import FileContext
    from ..project import ClassModel
    from ..pytest_model import FixtureDef
    from ..summary import FunctionSummary

_OPTIONAL = frozenset({"typing.Optional", "typing_extensions.Optional"})
_UNION = frozenset({"typing.Union", "typing_extensions.Union"})
# Generic containers whose first argument is the value a fixture or generator gives.
_YIELDING = frozenset(
    {"typing.Iterator", "typing.Generator", "typing.AsyncIterator", "typing.AsyncGenerator", "typing.Iterable",
     "typing.AsyncIterable", "collections.abc.Iterator", "collections.abc.Generator", "collections.abc.AsyncIterator",
     "collections.abc.AsyncGenerator", "collections.abc.Iterable", "collections.abc.AsyncIterable"}
)
# Qualifiers whose first argument is the type (`ClassVar[C]`, `Final[C]`, `Annotated[C, ...]`).
_WRAPPING = frozenset(
    {f"{module}.{name}" for module in ("typing", "typing_extensions") for name in ("ClassVar", "Final", "Annotated")}
)
_TYPE_OF = frozenset({"builtins.type", "typing.Type", "typing_extensions.Type"})
_SELF = frozenset({"typing.Self", "typing_extensions.Self"})
# Decorators that make a method an attribute whose value is what the method returns.
_PROPERTIES = frozenset({"builtins.property", "functools.cached_property"})
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
        if generic in _OPTIONAL or generic in _WRAPPING:
            return annotation_type(ctx, arguments[0], yielded=yielded, depth=depth + 1)
        if generic in _TYPE_OF and not yielded:
            return _class_named(ctx, arguments[0], depth)  # `type[Client]`: the class itself
        if generic in _UNION:
            return _without_none(ctx, arguments, yielded, depth)
        if yielded and generic in _YIELDING:
            return annotation_type(ctx, arguments[0], depth=depth + 1)
        return None
    if yielded or not isinstance(annotation, (ast.Name, ast.Attribute)):
        return None
    if ctx.qualify(annotation) in _SELF:
        cls = ctx.enclosing_class  # `def create(cls) -> Self`: the class it is defined in, as `return cls()`
        if cls is None or ctx.summary.classes.get(cls.name) is None:
            return None
        return Instance(ProjectClass(ctx.path, cls.name))
    target = ctx.resolve(annotation)
    return _instance_of_class(target)


def _class_named(ctx: "FileContext", annotation: ast.AST, depth: int) -> Symbol:
    """The class `type[X]` names (a project class or a library one), else None."""
    if isinstance(annotation, ast.Constant) and isinstance(annotation.value, str):
        try:
            annotation = ast.parse(annotation.value.strip(), mode="eval").body
        except SyntaxError:
            return None
    if not isinstance(annotation, (ast.Name, ast.Attribute)) or depth > _MAX_DEPTH:
        return None
    instance = _instance_of_class(ctx.resolve(annotation))
    return instance.of if isinstance(instance, Instance) else None


def cast_value(ctx: "FileContext", call: ast.Call) -> Symbol:
    """`typing.cast(C, value)`: what the annotation C promises."""
    if len(call.args) != 2 or call.keywords:
        return None
    return annotation_type(ctx, call.args[0])


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
    return _produced_value(module, function, cls, yielded=False, depth=depth)


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
        if _is_context_manager_function(ctx, made.of, is_async):
            return yielded_value(ctx, made.of)  # `@contextmanager def opened(): yield Store()`
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


_CONTEXT_MANAGER_DECORATORS = {False: "contextlib.contextmanager", True: "contextlib.asynccontextmanager"}


def _is_context_manager_function(ctx: "FileContext", symbol: ProjectFunction, is_async: bool) -> bool:
    """A generator made a context manager by `@contextmanager` (`with`) or `@asynccontextmanager`
    (`async with`), and by nothing else."""
    function = ctx.project.function_summary(symbol)
    if function is None or len(function.decorators) != 1 or function.is_async != is_async:
        return False
    module = ctx.project.summary(symbol.path)
    qualified = module.qualify(function.decorators[0]) if module is not None else None
    return qualified == _CONTEXT_MANAGER_DECORATORS[is_async]


def yielded_value(ctx: "FileContext", symbol: ProjectFunction) -> Symbol:
    """What a generator function yields (one type for every `yield`), or its annotation's `Iterator[X]`."""
    module = ctx if symbol.path == ctx.path else module_context(ctx.project, symbol.path)
    if module is None:
        return None
    function = function_node(module, symbol)
    if function is None or not _is_generator(function):
        return None
    cls = class_node(module, ProjectClass(symbol.path, symbol.class_name)) if symbol.class_name else None
    return _produced_value(module, function, cls, yielded=True)


def _produced_value(module: "FileContext", function, cls: ast.ClassDef | None, *, yielded: bool, depth: int = 0) -> Symbol:
    """What a function gives: its annotation, else the one type of every `return` (or, for a
    generator, every `yield`) value."""
    with module.at_function(function, cls):
        annotated = annotation_type(module, function.returns, yielded=yielded)
        if annotated is not None:
            return annotated
        values = [node.value for node in (_yields(function) if yielded else _returns(function))]
        if not values or any(value is None for value in values):
            return None
        found = {_value_type(module, value, cls, function, depth) for value in values}  # type: ignore[arg-type]
    return found.pop() if len(found) == 1 else None


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
        # A generator-based `@asyncio.coroutine` handed back (aiohttp's `return noop()` after writing)
        # is a wrapper's optional await, not its body: such a wrapper is not counted.
        return bool(values) and all(
            isinstance(v, ast.Call) and module.is_coroutine_call(v)
            and not module.is_generator_based_coroutine(module.resolve(v.func))
            for v in values
        )


# -- class attributes and properties -------------------------------------------------------------


UNREADABLE = object()  # attribute_value: a class of the chain cannot be read


def attribute_value(ctx: "FileContext", model: "ClassModel", name: str):
    """What `self.<name>` holds, from everything the class chain binds it to: annotations (`x: C` in
    the class body, `self.x: C = ...`) first, as the contract; else every `self.x = value` in any
    method (`None` aside) and the class-level value (`client_class = httpx.AsyncClient`), which
    must all agree. Unknown (None) when one of them is unknown or they disagree; `UNREADABLE`
    when a class of the chain cannot be read."""
    key = ("attribute-value", model.path, model.name, name)
    cache = ctx.type_cache
    if key in cache:
        return cache[key]
    cache[key] = None  # recursion (`self.a = self.b`, `self.b = self.a`): unknown
    cache[key] = found = _attribute_value(ctx, model, name)
    return found


def _attribute_value(ctx: "FileContext", model: "ClassModel", name: str):
    annotations: list[tuple] = []
    values: list[tuple] = []
    class_level = None
    for index, (class_name, path, _, _) in enumerate(model.chain_locations):
        found = _class_bindings(ctx, ProjectClass(path, class_name))
        if found is None:
            return UNREADABLE
        module, node, class_values, class_annotations, assignments = found
        if "*" in assignments:
            return None  # setattr(self, <computed name>, ...)
        for method, kind, expr in assignments.get(name, ()):
            if kind == "unknown":
                return None
            (annotations if kind == "annotation" else values).append((module, node, method, expr))
        if name in class_annotations:
            annotations.append((module, node, None, class_annotations[name]))
        if class_level is None and name in class_values:
            if index and model.unknown_bases:
                return None  # a base looplint cannot see may come first in the MRO and bind it too
            class_level = (module, class_values[name])
    if annotations:
        promised = {_in_method(module, node, method, lambda m, e=expr: annotation_type(m, e)) for module, node, method, expr in annotations}
        return promised.pop() if len(promised) == 1 else None
    types: set = set()
    if class_level is not None and not (isinstance(class_level[1], ast.Constant) and class_level[1].value is None):
        module, value = class_level  # a class-level `process = None` is a default, as `self.x = None` is
        if value is None:
            return None  # bound at class level by a def, an import, unpacking, twice...
        symbol = module.resolve(value)
        if not isinstance(symbol, (ProjectClass, ProjectFunction, External, Instance)):
            return None
        types.add(symbol)
    for module, node, method, expr in values:
        types.add(_in_method(module, node, method, lambda m, e=expr: _made_value(m, e)))
    return types.pop() if len(types) == 1 else None


def _in_method(module: "FileContext", cls: ast.ClassDef, method, answer):
    if method is None:
        return answer(module)
    with module.at_function(method, cls):
        return answer(module)


def _made_value(ctx: "FileContext", value: ast.expr) -> Symbol:
    """The type of an assigned value: what a project function called returns, not the function."""
    symbol = ctx.resolve(value)
    if isinstance(symbol, Instance) and isinstance(symbol.of, ProjectFunction):
        return ctx.returned_by(symbol.of)
    if isinstance(symbol, (ProjectClass, ProjectFunction, External, Instance)):
        return symbol
    return None


def class_member(ctx: "FileContext", symbol: ProjectClass, name: str) -> Symbol:
    """`Klass.<name>` for a class-level attribute that is not a method: its value in the class body,
    when no method rebinds it."""
    model = ctx.project.class_model(symbol)
    if model is None:
        return None
    for class_name, path, _, _ in model.chain_locations:
        found = _class_bindings(ctx, ProjectClass(path, class_name))
        if found is None or name in found[4] or "*" in found[4]:
            return None
    value = attribute_value(ctx, model, name)
    return None if value is UNREADABLE else value


def _class_bindings(ctx: "FileContext", symbol: ProjectClass):
    """(the class's module context, its node, its class-level names -> the value bound (None: bound
    by anything but one plain assignment), its class-level annotations, the attributes its methods
    bind on `self` or `cls` -> [(method, kind, expression)]); cached."""
    module = ctx if symbol.path == ctx.path else module_context(ctx.project, symbol.path)
    if module is None:
        return None
    node = class_node(module, symbol)
    if node is None:
        return None
    key = ("class-bindings", symbol.name)
    cached = module.type_cache.get(key)
    if cached is not None and cached[0] is node:
        return cached[1]
    values: dict[str, ast.expr | None] = {}
    annotations: dict[str, ast.expr] = {}
    assignments: dict[str, list[tuple]] = {}
    for statement in class_statements(node.body, module.summary.constants):
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for attr, found in _receiver_assignments(statement, _needs_expressions(module, statement)).items():
                assignments.setdefault(attr, []).extend(found)
            values[statement.name] = None
        elif isinstance(statement, ast.Assign):
            for target in statement.targets:
                for bound in _bound_names(target):
                    values[bound] = statement.value if isinstance(target, ast.Name) and bound not in values else None
        elif isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name):
            bound = statement.target.id
            annotations[bound] = statement.annotation
            if statement.value is not None:
                values[bound] = statement.value if bound not in values else None
        else:
            for child in ast.walk(statement):
                if isinstance(child, ast.Name) and isinstance(child.ctx, ast.Store):
                    values[child.id] = None
            if isinstance(statement, (ast.Import, ast.ImportFrom, ast.ClassDef)):
                for alias in getattr(statement, "names", ()):
                    values[(alias.asname or alias.name).split(".")[0]] = None
                if isinstance(statement, ast.ClassDef):
                    values[statement.name] = None
    # A value naming another class-level name would be resolved at module level: unknown instead.
    for bound, value in list(values.items()):
        if isinstance(value, ast.Name) and value.id in values:
            values[bound] = None
    found = (module, node, values, annotations, assignments)
    module.type_cache[key] = (node, found)
    return found


def _bound_names(target: ast.AST) -> list[str]:
    return [n.id for n in ast.walk(target) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)]


def _receiver_attr(node: ast.AST, receivers: set[str]) -> str | None:
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in receivers:
        return node.attr
    return None


# Where a method can bind an attribute of its receiver other than in a statement's target:
# `setattr`/`delattr` calls and comprehension targets (`[... for self.x in ...]`), both in
# expressions. A module that mentions neither is read statement by statement (much cheaper).
_EXPRESSION_BINDING = re.compile(r"\b(?:setattr|delattr)\b|\bfor\s*\(?\s*[A-Za-z_]\w*\s*\.")


def _needs_expressions(module, method: ast.AST) -> bool:
    """Does the method's own text hold a binding that only an expression walk finds?"""
    source = module.source
    if source is None or not source.mentions_any(("setattr", "delattr", "for")):
        return source is None
    lines = source.lines[method.lineno - 1 : method.end_lineno]  # type: ignore[attr-defined]
    return _EXPRESSION_BINDING.search("\n".join(lines)) is not None


def _receiver_assignments(method: ast.AST, expressions: bool = True) -> dict[str, list[tuple]]:
    """What a method binds on `self`/`cls` (its first parameter): attribute -> [(method, kind,
    expression)], kind "value" (`self.x = v`, directly in the method), "annotation" (`self.x: C`)
    or "unknown" (unpacking, `+=`, a `for`/`with` target, inside a nested def or lambda);
    `self.x = None` and `del self.x` are left out. "*": `setattr` with a computed name."""
    receivers = {"self", "cls"}
    first = _first_param(method)
    if first:
        receivers.add(first)
    found: dict[str, list[tuple]] = {}
    # One pass over the whole method (this runs for every method of every class whose attributes
    # are looked up): `own` says whether a node is in the method itself, not in a nested def,
    # class or lambda. Statements are visited before what they hold, so a plain assignment's
    # target is known as plain before the target itself is seen.
    plain: set[int] = set()
    fields_of = CHILD_FIELDS
    node_type = ast.AST
    # Everything under the method (decorators and defaults too, as `ast.walk` would see them).
    start = ast.iter_child_nodes(method) if expressions else method.body  # type: ignore[attr-defined]
    stack: list[tuple[ast.AST, bool]] = [(child, True) for child in reversed(list(start))]
    while stack:
        node, own = stack.pop()
        cls = node.__class__
        if own and cls is ast.Assign:
            for target in node.targets:  # type: ignore[attr-defined]
                attr = _receiver_attr(target, receivers)
                if attr is not None:
                    plain.add(id(target))
                    value = node.value  # type: ignore[attr-defined]
                    if not (value.__class__ is ast.Constant and value.value is None):
                        found.setdefault(attr, []).append((method, "value", value))
        elif own and cls is ast.AnnAssign:
            attr = _receiver_attr(node.target, receivers)  # type: ignore[attr-defined]
            if attr is not None:
                plain.add(id(node.target))  # type: ignore[attr-defined]
                found.setdefault(attr, []).append((method, "annotation", node.annotation))  # type: ignore[attr-defined]
        elif cls is ast.Attribute:
            if node.ctx.__class__ is ast.Store and id(node) not in plain:  # type: ignore[attr-defined]
                attr = _receiver_attr(node, receivers)
                if attr is not None:
                    found.setdefault(attr, []).append((method, "unknown", None))
        elif cls is ast.Call:
            func = node.func  # type: ignore[attr-defined]
            if func.__class__ is ast.Name and func.id in ("setattr", "delattr"):
                args = node.args  # type: ignore[attr-defined]
                if args and isinstance(args[0], ast.Name) and args[0].id in receivers:
                    if len(args) > 1 and isinstance(args[1], ast.Constant) and isinstance(args[1].value, str):
                        found.setdefault(args[1].value, []).append((method, "unknown", None))
                    else:
                        found.setdefault("*", []).append((method, "unknown", None))
        inner = own and cls not in _NESTED
        if not expressions and isinstance(node, ast.stmt):
            # Statements only, and the targets they bind (where a receiver's attribute is stored;
            # a target is walked whole below).
            stack.extend((child, inner) for child in reversed(list(_statement_children(node))))
            continue
        names = fields_of.get(cls) or child_fields(cls)
        children = []
        for name in names:
            value = getattr(node, name, None)
            if value.__class__ is list:
                children.extend(item for item in value if isinstance(item, node_type))
            elif isinstance(value, node_type):
                children.append(value)
        stack.extend((child, inner) for child in reversed(children))
    return found




def _statement_children(node: ast.stmt):
    """The statements inside a statement, and the expressions it binds (its targets, whole)."""
    cls = node.__class__
    if cls is ast.Assign:
        yield from node.targets  # type: ignore[attr-defined]
    elif cls is ast.AugAssign or cls is ast.AnnAssign or cls is ast.For or cls is ast.AsyncFor:
        yield node.target  # type: ignore[attr-defined]
    elif cls is ast.With or cls is ast.AsyncWith:
        for item in node.items:  # type: ignore[attr-defined]
            if item.optional_vars is not None:
                yield item.optional_vars
    elif cls is ast.Delete:
        yield from node.targets  # type: ignore[attr-defined]
    for name in STATEMENT_LISTS:
        children = getattr(node, name, None)
        if children:
            for child in children:
                if isinstance(child, ast.stmt):
                    yield child
                else:  # an except handler or a match case: its body
                    yield from child.body


def is_property(ctx: "FileContext", path, function: "FunctionSummary") -> bool:
    """A method decorated with `@property` / `functools.cached_property` (and nothing else)."""
    if len(function.decorators) != 1 or function.is_async:
        return False
    module = ctx.project.summary(path)
    qualified = module.qualify(function.decorators[0]) if module is not None else None
    if qualified == "property":
        qualified = "builtins.property"
    return qualified in _PROPERTIES


def property_value(ctx: "FileContext", path, owner: str, name: str) -> Symbol:
    """What reading a property gives: what its getter returns (its annotation or its `return`s)."""
    return returned_value(ctx, ProjectFunction(path, name, owner))


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
    return _produced_value(module, function, cls, yielded=_is_generator(function))


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
