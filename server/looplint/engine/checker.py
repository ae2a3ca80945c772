"""Checking one file: a single walk of its `ast`, dispatching nodes to rules.

The walk tracks the scopes a node is in (module, class, function; async or
not) and the chain of parents, so that rules ask questions ("am I inside an
`async def`?", "what does this name resolve to?") instead of re-walking the
tree. Each node type is dispatched only to the rules that handle it, and a
rule whose `tokens` do not occur in the file is not run at all.
"""

from __future__ import annotations

import ast
import logging
from bisect import bisect_right
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable

from . import knowledge
from .model import Diagnostic, FileProblem, Range, Related, Severity
from .parse import NewerSyntaxError, parse_module
from .project import ClassModel, Project
from .source import Source
from .reach import reachable_names
from .reuse import StatementReuse
from .semantic import types
from .syntax import CHILD_FIELDS as _CHILD_FIELDS, STATEMENT_LISTS, child_fields as _child_fields
from .summary import ModuleSummary, build_summary, contains_yield, dotted_name, static_truth
from .suppression import Suppressions
from .symbols import External, Instance, ProjectClass, ProjectFunction, ProjectModule, ProjectNamespace, Symbol, options_of

log = logging.getLogger("looplint")

if TYPE_CHECKING:  # pragma: no cover
    from .rule import Rule

_FUNCTION_TYPES = (ast.FunctionDef, ast.AsyncFunctionDef)
_UNKNOWN = object()


@dataclass(eq=False)
class Scope:
    kind: str  # "module" | "class" | "function" | "lambda"
    node: ast.AST
    is_async: bool = False
    parent: "Scope | None" = None

    @property
    def name(self) -> str:
        return getattr(self.node, "name", "<lambda>" if self.kind == "lambda" else "<module>")


@dataclass
class CheckResult:
    path: Path
    diagnostics: list[Diagnostic] = field(default_factory=list)
    problem: FileProblem | None = None
    summary: ModuleSummary | None = None


class FileContext:
    """What a rule sees while the checker walks one file."""

    def __init__(self, path: Path, source: Source, tree: ast.Module, summary: ModuleSummary, project: Project):
        self.path = path
        self.source = source
        self.tree = tree
        self.summary = summary
        self.project = project
        self.settings = project.settings
        self.relpath = project.relpath(path)
        self.diagnostics: list[Diagnostic] = []
        self.state: dict[str, Any] = {}  # per-file scratch space for rules, keyed by rule code
        self.scope = Scope("module", tree)
        self.parents: list[ast.AST] = []
        # The top-level statement being walked, and the other top-level definitions each
        # statement's rules looked up (see module_definition): editor re-checks reuse a
        # statement's findings only while those lookups still find the same definitions.
        self.statement: ast.stmt | None = None
        self.definitions_read: dict[int, list[tuple[type, str, ast.stmt | None]]] = {}
        self._locals: dict[int, dict[str, list[ast.AST]]] = {}
        self._params: dict[int, frozenset[str]] = {}
        self._services: dict[str, Any] = {}
        self._self_members: dict[tuple[int, str], Symbol] = {}  # the class node is kept alive by the tree
        self._chain: tuple[Scope, tuple[Scope, ...]] | None = None  # function_chain() of the last scope asked
        self._module_names: dict[str, Symbol] = {}
        self._may_call_coroutines: bool | None = None
        self._name_gates: dict[frozenset[str], frozenset[str]] = {}
        self._coroutine_names: object = _UNKNOWN
        self._reachable: dict[str, frozenset[str] | None] = {}
        # resolve()/qualify() answers by (node, scope): (node, answer)
        self._resolved: dict[tuple[int, int], tuple[ast.AST | None, Symbol]] = {}
        self._qualified: dict[tuple[int, int], tuple[ast.AST | None, str | None]] = {}
        self._function_scopes: dict[tuple[int, int], tuple[ast.AST, Scope]] = {}
        self._parameter_types: dict[tuple[int, str], Symbol] = {}
        self._binding_in_progress: set[tuple[int, str]] = set()
        # Per function: (function, {(name, attr): [(line, value)]}) of its `name.attr = value` statements.
        self._attribute_assignments: dict[int, tuple[ast.AST, dict[tuple[str, str], list]]] = {}
        self._async_with_items: dict[int, tuple[ast.AST, set[int]]] = {}
        self._outer_checked: set[int] = set()  # functions whose `global`/`nonlocal` names were dropped
        # What the semantic model found about values here (engine.semantic.types).
        self.type_cache: dict[tuple, Any] = {}
        self._module_values: dict[str, ast.expr | None] | None = None
        # The semantic model's answers about this module's functions (engine.semantic.effects).
        self.effects_cache: dict[tuple, Any] = {}

    # -- where are we --------------------------------------------------------
    @property
    def parent(self) -> ast.AST | None:
        return self.parents[-1] if self.parents else None

    @property
    def function(self) -> Scope | None:
        """The innermost function or lambda scope (None at module or class level)."""
        scope: Scope | None = self.scope
        while scope is not None:
            if scope.kind in ("function", "lambda"):
                return scope
            scope = scope.parent
        return None

    @property
    def in_async(self) -> bool:
        """Directly inside an `async def` body (a nested def or lambda is not async)."""
        function = self.function
        return function is not None and function.is_async

    @property
    def enclosing_class(self) -> ast.ClassDef | None:
        """The class whose method we are in (or whose body we are in)."""
        scope: Scope | None = self.scope
        while scope is not None:
            if scope.kind == "class":
                return scope.node  # type: ignore[return-value]
            scope = scope.parent
        return None

    @property
    def method(self) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
        """The function directly in a class body that encloses the current node."""
        scope: Scope | None = self.scope
        while scope is not None and scope.parent is not None:
            if scope.kind == "function" and scope.parent.kind == "class":
                return scope.node  # type: ignore[return-value]
            scope = scope.parent
        return None

    @contextmanager
    def at_function(self, function: ast.FunctionDef | ast.AsyncFunctionDef, cls: ast.ClassDef | None = None):
        """Answer as if the walk were inside `function` (a top-level def, or a method of top-level `cls`).

        The semantic model asks about bodies the walk is not in (a helper a test calls, a base
        class's hook) with the same resolution the rules use where they are."""
        key = (id(function), id(cls))
        cached = self._function_scopes.get(key)
        if cached is None or cached[0] is not function:
            scope = Scope("module", self.tree)
            if cls is not None:
                scope = Scope("class", cls, False, scope)
            scope = Scope("function", function, isinstance(function, ast.AsyncFunctionDef), scope)
            cached = self._function_scopes[key] = (function, scope)
        saved = self.scope, self.parents, self._chain
        self.scope = cached[1]
        self.parents = [self.tree, cls, function] if cls is not None else [self.tree, function]
        self._chain = None
        try:
            yield self
        finally:
            self.scope, self.parents, self._chain = saved

    def function_chain(self) -> list[Scope]:
        """Function scopes from innermost outward (a fresh list; computed once per scope)."""
        current = self.scope
        cached = self._chain
        if cached is not None and cached[0] is current:
            return list(cached[1])
        chain = []
        scope: Scope | None = current
        while scope is not None:
            if scope.kind in ("function", "lambda"):
                chain.append(scope)
            scope = scope.parent
        self._chain = (current, tuple(chain))
        return chain

    # -- positions ------------------------------------------------------------
    def node_range(self, node: ast.AST) -> Range:
        line = node.lineno  # type: ignore[attr-defined]
        end_line = getattr(node, "end_lineno", None) or line
        col = self.source.char_col(line, node.col_offset)  # type: ignore[attr-defined]
        end_col = self.source.char_col(end_line, getattr(node, "end_col_offset", None) or node.col_offset)  # type: ignore[attr-defined]
        return Range(line, col, end_line, end_col)

    def name_range(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) -> Range:
        line, col, end = self.source.name_span(node)
        return Range(line, col, line, end)

    # -- names ----------------------------------------------------------------
    def qualify(self, expr: ast.AST) -> str | None:
        """Canonical dotted name of an expression that names something outside the project.

        `asyncio.run`, `aio.run` (import asyncio as aio), `run` (from asyncio
        import run) all give "asyncio.run". Project names give their module path.
        """
        key = (id(expr), id(self.scope))
        cached = self._qualified.get(key)
        if cached is not None and cached[0] is expr:
            return cached[1]
        symbol = self.resolve(expr)
        if isinstance(symbol, External):
            name = symbol.qualname
        else:
            name = self.project.qualname(symbol) if symbol is not None else None
        self._qualified[key] = (expr, name)
        return name

    def resolve(self, expr: ast.AST | None) -> Symbol:
        """What an expression refers to, as far as static analysis can tell."""
        # Several rules ask about the same node at the same place of the walk: answer once.
        # The entry keeps `expr` alive, so its id cannot be reused by another node meanwhile.
        key = (id(expr), id(self.scope))
        cached = self._resolved.get(key)
        if cached is not None and cached[0] is expr:
            return cached[1]
        if expr.__class__ is ast.Attribute or expr.__class__ is ast.Call:
            # `a.b().c...` thousands deep: answer the inner links first (innermost outward),
            # so that resolving each link finds the one below it answered, without recursion.
            for inner in reversed(_deep_chain_below(expr)):
                inner_key = (id(inner), id(self.scope))
                if inner_key not in self._resolved:
                    self._resolved[inner_key] = (inner, self._resolve(inner))
        symbol = self._resolve(expr)
        self._resolved[key] = (expr, symbol)
        return symbol

    def _resolve(self, expr: ast.AST | None) -> Symbol:
        if isinstance(expr, ast.Name):
            local = self._resolve_local(expr.id)
            if local is not _UNKNOWN:
                return local  # type: ignore[return-value]
            cached = self._module_names.get(expr.id, _UNKNOWN)
            if cached is _UNKNOWN:
                cached = self.project.resolve_dotted(self.path, expr.id)
                self._module_names[expr.id] = cached
            return cached  # type: ignore[return-value]
        if isinstance(expr, ast.Attribute):
            value = expr.value
            if isinstance(value, ast.Name) and value.id in ("self", "cls") and self.method is not None:
                if expr.attr == "__class__" and value.id == "self":
                    return self._class_of_self()
                return self._self_member(expr.attr)
            if _is_bare_super(value) and self.method is not None:
                return self._super_member(expr.attr)
            if value.__class__ is ast.Name and self.scope.kind == "function":
                assigned = self._assigned_attribute(expr, value.id)
                if assigned is not _UNKNOWN:
                    return assigned  # type: ignore[return-value]
            return self.member(self.resolve(value), expr.attr)
        if isinstance(expr, ast.Call):
            return self._call_value(expr)
        if isinstance(expr, ast.Await):
            return types.awaited_value(self, expr.value)
        if isinstance(expr, ast.NamedExpr):
            return self.resolve(expr.value)
        if isinstance(expr, ast.IfExp):  # `A() if x else A()`, `A() if x else None`: known if both agree
            sides = [self.resolve(side) for side in (expr.body, expr.orelse) if not _is_none_constant(side)]
            return sides[0] if len(set(sides)) == 1 else None
        return None

    def _assigned_attribute(self, expr: ast.Attribute, name: str):
        """`x.attr` where this function set `x.attr = value` on an earlier line: what was assigned
        (a method replaced by `Mock()` is that Mock), known when every such assignment agrees;
        _UNKNOWN when the function sets none before it."""
        function = self.scope.node
        key = id(function)
        found = self._attribute_assignments.get(key)
        if found is None or found[0] is not function:
            found = self._attribute_assignments[key] = (function, _attribute_assignments(function))
        earlier = [value for line, value in found[1].get((name, expr.attr), ()) if line < expr.lineno]
        if not earlier:
            return _UNKNOWN
        guard = (key, f"{name}.{expr.attr}")
        if guard in self._binding_in_progress:
            return None  # `x.next = x.next.next`: the value depends on itself
        self._binding_in_progress.add(guard)
        try:
            values = {self.resolve(value) for value in earlier}
        finally:
            self._binding_in_progress.discard(guard)
        return values.pop() if len(values) == 1 else None

    def _call_value(self, call: ast.Call) -> Symbol:
        """What a call gives: `Instance(callee)` — an instance of the class called, or the result of
        the function called, which `returned_by` works out when a member of it is used."""
        callee = self.resolve(call.func)
        if callee == _TYPE and _is_type_of_self(call) and self.method is not None:
            return self._class_of_self()  # `type(self)`
        if isinstance(callee, External) and callee.qualname in knowledge.CALL_RESULTS:
            return Instance(External(knowledge.CALL_RESULTS[callee.qualname]))
        if callee in _CASTS:
            return types.cast_value(self, call)  # `cast(Client, value)`: what the annotation promises
        if callee == _PARTIAL and call.args and not isinstance(call.args[0], ast.Starred):
            wrapped = self.resolve(call.args[0])  # calling `partial(C, ...)` calls C
            return wrapped if isinstance(wrapped, (ProjectClass, ProjectFunction)) else None
        return _instance_of(call, callee)

    def _class_of_self(self) -> Symbol:
        """The class whose method this is (for `type(self)`), when it is a top-level class here."""
        cls = self.enclosing_class
        if cls is None or self.summary.classes.get(cls.name) is None:
            return None
        return ProjectClass(self.path, cls.name)

    def returned_by(self, function: ProjectFunction) -> Symbol:
        """The type of what a sync project function returns (its annotation or its `return` values)."""
        summary = self.project.function_summary(function)
        if summary is None or summary.is_async:
            return None  # a coroutine: its result comes with `await`
        return types.returned_value(self, function)

    def member(self, symbol: Symbol, name: str) -> Symbol:
        if isinstance(symbol, Instance) and isinstance(symbol.of, ProjectFunction):
            # What a project function returned: worked out only now that a member of it is used.
            returned = self.returned_by(symbol.of)
            return self.member(returned, name) if returned is not None else None
        if isinstance(symbol, Instance):
            of = symbol.of
            if isinstance(of, External):
                if of.qualname in knowledge.ASYNC_MOCK_CLASSES:
                    if knowledge.is_mock_api_attribute(name):
                        return External(f"{of.qualname}.{name}")  # assert_called(), reset_mock(), ...: sync
                    # Children of an AsyncMock are AsyncMocks, unless a spec
                    # (or wraps) decides their types: then they are unknown.
                    return Instance(of, bare=True) if symbol.bare else None
                return External(f"{of.qualname}.{name}")
            if isinstance(of, ProjectClass):
                model = self.project.class_model(of)
                if model is None:
                    return None
                return self._member_of(model, name)
            return None
        found = self.project.member(symbol, name)
        if found is None and isinstance(symbol, ProjectClass):
            return types.class_member(self, symbol, name)  # `Klass.client_class`: a class-level attribute
        return found

    def _member_of(self, model: ClassModel, name: str) -> Symbol:
        """`obj.name` on an instance of the class `model` describes (a method, a property's value,
        an attribute's type)."""
        if name in model.methods:
            path, owner, function = model.methods[name]
            if types.is_property(self, path, function):
                return types.property_value(self, path, owner, name)
            return ProjectFunction(path, name, owner)
        return self._attr_instance(model, name)

    def _self_member(self, name: str) -> Symbol:
        cls = self.enclosing_class
        if cls is None:
            return None
        # `self.assertEqual` and friends recur thousands of times per class: resolve once.
        key = (id(cls), name)
        cached = self._self_members.get(key, _UNKNOWN)
        if cached is _UNKNOWN:
            cached = self._self_member_uncached(cls, name)
            self._self_members[key] = cached
        return cached  # type: ignore[return-value]

    def _self_member_uncached(self, cls: ast.ClassDef, name: str) -> Symbol:
        model = self.class_model(cls)
        if model is None:
            return None
        return self._member_of(model, name)

    def _super_member(self, name: str) -> Symbol:
        """`super().name` inside a method: the next definition in the class chain."""
        cls = self.enclosing_class
        model = self.class_model(cls) if cls is not None else None
        if model is None or model.unknown_bases:
            return None
        for class_name, path, _, _ in model.chain_locations[1:]:
            summary = self.project.summary(path)
            owner = summary.classes.get(class_name) if summary else None
            if owner is not None and name in owner.methods:
                return ProjectFunction(path, name, class_name)
        for base in model.chain:
            if name in knowledge.COROUTINE_METHODS.get(base, ()):
                return External(f"{base}.{name}")
        return None

    def _attr_instance(self, model: ClassModel, name: str) -> Symbol:
        """The type of `self.<name>` from its assignments in the class chain (`self.x = C()`,
        `self.x = make()`, `self.x = self.build()`, `x: C`)."""
        # Every binding in the chain, resolved (see types.attribute_value); the summary's record of
        # them when a class of the chain cannot be read.
        found = types.attribute_value(self, model, name)
        if found is not types.UNREADABLE:
            return found
        for class_name, path, _, _ in model.chain_locations:
            summary = self.project.summary(path)
            cls = summary.classes.get(class_name) if summary else None
            if cls is None or name not in cls.attr_types:
                continue
            made_by = cls.attr_types[name]
            head, _, method = made_by.partition(".")
            if head in ("self", "cls") and method and "." not in method:
                entry = model.methods.get(method)
                target: Symbol = ProjectFunction(entry[0], method, entry[1]) if entry is not None else None
            else:
                target = self.project.resolve_dotted(path, made_by)
            if target is None:
                return None
            if isinstance(target, ProjectFunction):
                function = self.project.function_summary(target)
                if function is not None and not function.is_async:
                    value = types.returned_value(self, target)
                    if value is not None:
                        return value
            if isinstance(target, External) and target.qualname in knowledge.CALL_RESULTS:
                return Instance(External(knowledge.CALL_RESULTS[target.qualname]))
            return Instance(target)
        return None

    def _resolve_local(self, name: str):
        """Resolve a name bound inside the enclosing functions; _UNKNOWN if not local."""
        for scope in self.function_chain():
            node = scope.node
            if name in self.params_of(node):
                return self.parameter_type(scope, name)
            values = self.locals_of(node).get(name)
            if values is None:
                continue
            key = (id(node), name)
            if not values or key in self._binding_in_progress or len(values) > 4:
                return None  # `node = node.parent`: the name's value depends on itself
            self._binding_in_progress.add(key)
            try:
                if len(values) == 1:
                    return self._bound_value(node, name, values[0])
                # Bound several times (two `async with ... as client:` blocks): known if all agree.
                found = {self._bound_value(node, name, value) for value in values}
                return found.pop() if len(found) == 1 else None
            finally:
                self._binding_in_progress.discard(key)
        return _UNKNOWN

    def _bound_value(self, function: ast.AST, name: str, value: ast.AST) -> Symbol:
        """What one binding of a local name gives it (see `locals_of` for what `value` is)."""
        if isinstance(value, ast.Call):
            return self._call_value(value)
        if isinstance(value, (ast.Name, ast.Attribute, ast.Await, ast.IfExp, ast.NamedExpr)):
            return self.resolve(value)
        if isinstance(value, ast.withitem):
            return types.entered_value(self, value.context_expr, self._with_is_async(function, value))
        if isinstance(value, (ast.Import, ast.ImportFrom)):
            return self._imported_here(value, name)
        return None

    def _imported_here(self, statement: ast.Import | ast.ImportFrom, name: str) -> Symbol:
        """What an `import` inside a function binds `name` to (as the same import at module level would)."""
        project = self.project
        for alias in statement.names:
            bound = alias.asname or alias.name.split(".")[0]
            if bound != name:
                continue
            if isinstance(statement, ast.Import):
                module = alias.name if alias.asname else alias.name.split(".")[0]
                return project.resolve_module(self.path, module)
            module = project.resolve_module(self.path, statement.module or "", statement.level)
            return project.lookup(module, alias.name) if module is not None else None
        return None

    def parameter_type(self, scope: Scope, name: str) -> Symbol:
        """A parameter's type: its annotation, else — in a pytest test or fixture — the value of the
        fixture of that name pytest would give it. Unknown (None) otherwise."""
        key = (id(scope.node), name)
        cached = self._parameter_types.get(key, _UNKNOWN)
        if cached is not _UNKNOWN:
            return cached  # type: ignore[return-value]
        # Unknown while it is worked out: `def f(mock: mock.MagicMock)` names itself in its annotation.
        self._parameter_types[key] = None
        found = self._parameter_type(scope, name)
        self._parameter_types[key] = found
        return found

    def _parameter_type(self, scope: Scope, name: str) -> Symbol:
        function = scope.node
        if scope.kind != "function":
            return None
        args = function.args  # type: ignore[attr-defined]
        for arg in (*args.posonlyargs, *args.args, *args.kwonlyargs):
            if arg.arg == name and arg.annotation is not None:
                return types.annotation_type(self, arg.annotation)
        owner = scope.parent
        if owner is None or (owner.kind not in ("module", "class")) or name in ("self", "cls"):
            return None
        cls = owner.node.name if owner.kind == "class" else None  # type: ignore[attr-defined]
        if cls is not None and self.summary.classes.get(cls) is None:
            return None
        if not self._receives_fixtures(function, cls):
            return None
        from .pytest_model import PytestModel  # the pytest model imports this module's neighbours

        definition = PytestModel.of(self).resolve(name, cls)
        return types.fixture_value(self, definition) if definition is not None else None

    def _receives_fixtures(self, function: ast.AST, cls: str | None) -> bool:
        """Does pytest call this def with fixtures: a fixture, or a test outside unittest classes?"""
        if any(f.func_name == function.name and f.class_name == cls and f.line == function.lineno  # type: ignore[attr-defined]
               for f in self.summary.fixtures):
            return True
        if not function.name.startswith("test"):  # type: ignore[attr-defined]
            return False
        if cls is None:
            return True
        model = self.project.class_model(ProjectClass(self.path, cls))
        return model is not None and model.is_testcase is False and not model.unknown_bases

    def _with_is_async(self, function: ast.AST, item: ast.withitem) -> bool:
        """Is this `with` item part of an `async with` (the items of a function's async withs, once)?"""
        key = id(function)
        found = self._async_with_items.get(key)
        if found is None or found[0] is not function:
            items = {id(i) for node in ast.walk(function) if isinstance(node, ast.AsyncWith) for i in node.items}
            found = self._async_with_items[key] = (function, items)
        return id(item) in found[1]

    def params_of(self, function: ast.AST) -> frozenset[str]:
        key = id(function)
        cached = self._params.get(key)
        if cached is None:
            args = function.args  # type: ignore[attr-defined]
            names = [a.arg for a in args.posonlyargs + args.args + args.kwonlyargs]
            if args.vararg:
                names.append(args.vararg.arg)
            if args.kwarg:
                names.append(args.kwarg.arg)
            cached = frozenset(names)
            self._params[key] = cached
        return cached

    def locals_of(self, function: ast.AST) -> dict[str, list[ast.AST]]:
        """Names assigned in a function body (not in nested functions) -> assigned values.

        A value is the assigned expression, or the node itself for bindings
        with no simple value (for loops, with-as, imports, augmented assignment).
        """
        key = id(function)
        cached = self._locals.get(key)
        if cached is None and not self.source.mentions_any((":=",)):
            # Without assignment expressions only statements bind names: skip the expressions.
            cached = {}
            body = function.body if isinstance(function.body, list) else []  # type: ignore[attr-defined]
            _statement_bindings(cached, body)
            self._locals[key] = cached
        if cached is None:
            cached = {}
            _all_bindings(cached, function)
            self._locals[key] = cached
            if self.source.mentions_any(("global", "nonlocal")):
                _drop_declared_outer(cached, function)
        elif key not in self._outer_checked and self.source.mentions_any(("global", "nonlocal")):
            _drop_declared_outer(cached, function)
        self._outer_checked.add(key)
        return cached

    def class_model(self, node: ast.ClassDef) -> ClassModel | None:
        """The resolved ancestry of a class defined in this file (top-level classes only)."""
        if self.summary.classes.get(node.name) is None:
            return None
        return self.project.class_model(ProjectClass(self.path, node.name))

    def is_coroutine_call(self, call: ast.AST) -> bool:
        """True only when the call certainly returns a coroutine (an unresolved callee is never one)."""
        return isinstance(call, ast.Call) and self.names_coroutine_function(call.func)

    def names_coroutine_function(self, expr: ast.AST) -> bool:
        """Does `expr` certainly name a coroutine function (calling it gives a coroutine)?

        Resolving is the expensive part: a name no coroutine function reachable from this file
        has (see `coroutine_names`) is answered without it."""
        if not self.may_call_coroutines:
            return False
        if isinstance(expr, ast.Name):
            local = self.local_function(expr.id)
            if local is not None:
                # A def nested in the enclosing function(s): async, undecorated, no yield.
                return (
                    isinstance(local, ast.AsyncFunctionDef) and not local.decorator_list and not contains_yield(local)
                )
        names = self.coroutine_names
        if names is not None and _last_name(expr) not in names:
            return False  # no coroutine function is reachable under that name
        return self.is_coroutine_function(self.resolve(expr))

    @property
    def coroutine_names(self) -> frozenset[str] | None:
        """Names a coroutine function can be called by from this file (None: any; see engine.reach)."""
        if self._coroutine_names is _UNKNOWN:
            # Unbounded (None) too where an AsyncMock can be reached: its every attribute is a
            # coroutine function.
            reachable = reachable_names(self, "coroutine", _is_plain_coroutine_function, async_mocks=True)
            names = None if reachable is None else reachable | _KNOWN_COROUTINE_NAMES
            self._coroutine_names = names
        return self._coroutine_names  # type: ignore[return-value]

    def reachable_names(self, key: str, predicate) -> frozenset[str] | None:
        """Names project functions satisfying `predicate` can be called by here (cached per file and key)."""
        cache = self._reachable
        if key not in cache:
            cache[key] = reachable_names(self, key, predicate)
        return cache[key]

    def local_function(self, name: str) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
        """The def a name refers to when it is bound only by a def nested in the enclosing functions."""
        for scope in self.function_chain():
            if name in self.params_of(scope.node):
                return None
            values = self.locals_of(scope.node).get(name)
            if values is None:
                continue
            if len(values) == 1 and isinstance(values[0], _FUNCTION_TYPES):
                return values[0]  # type: ignore[return-value]
            return None
        return None

    def may_name(self, func: ast.AST, qualnames: frozenset[str]) -> bool:
        """Could `func` (a Name or Attribute) resolve to one of `qualnames`? A cheap, exact pre-check.

        Resolution keeps the last name of a dotted path (`t.sleep` for `time.sleep`),
        except through `from m import f as g` or a module-level `g = m.f`: those local
        names are collected once per file. Rules use this before resolving every call.
        """
        if isinstance(func, ast.Attribute):
            last = func.attr
        elif isinstance(func, ast.Name):
            last = func.id
        else:
            return False
        names = self._name_gates.get(qualnames)
        if names is None:
            names = self._name_gates[qualnames] = self._gate_names(qualnames)
        return last in names

    def _gate_names(self, qualnames: frozenset[str]) -> frozenset[str]:
        names = {name.rpartition(".")[2] for name in qualnames}
        summary = self.summary
        for local, bindings in summary.imports.items():
            for binding in bindings:
                if binding.name is not None and not binding.level:
                    if knowledge.canonical(f"{binding.module}.{binding.name}") in qualnames:
                        names.add(local)
        for local, target in summary.aliases.items():
            qualified = summary.qualify(target)
            if qualified and knowledge.canonical(qualified) in qualnames:
                names.add(local)
        return frozenset(names)

    @property
    def may_call_coroutines(self) -> bool:
        """Could any call in this file return a coroutine?

        Most test files have no async code at all; answering False here lets
        rules skip resolving every call. True when the file mentions async code,
        asyncio-like libraries or mocks, or imports from the project something
        that is, or holds, a coroutine function.
        """
        if self._may_call_coroutines is None:
            self._may_call_coroutines = self.source.mentions_any(_COROUTINE_WORDS) or any(
                self._may_hold_coroutines(symbol) for symbol in self._imported_symbols()
            )
        return self._may_call_coroutines

    def _imported_symbols(self):
        summary = self.summary
        for name in summary.imports:
            yield self.project.resolve_dotted(self.path, name)
        for module in summary.dependencies:  # `import a.b.c` binds only `a`: look at a.b.c too
            level = len(module) - len(module.lstrip("."))
            yield self.project.resolve_module(self.path, module.lstrip("."), level)
        for star in summary.star_imports:
            yield self.project.resolve_module(self.path, star.module, star.level)

    def _may_hold_coroutines(self, symbol: Symbol, depth: int = 0) -> bool:
        project = self.project
        for option in options_of(symbol):
            if isinstance(option, Instance):
                option = option.of
            if isinstance(option, ProjectFunction):
                function = project.function_summary(option)
                if function is None or _makes_coroutines(function):
                    return True
            elif isinstance(option, ProjectClass):
                model = project.class_model(option)
                if model is None or any(_makes_coroutines(f) for _, _, f in model.methods.values()):
                    return True
                if depth < 1 and self._attributes_may_hold_coroutines(model, depth):
                    return True
            elif isinstance(option, ProjectModule):
                if project.derived(("module-holds-coroutines", option.path), lambda p=option.path: self._module_holds(p)):
                    return True
            elif isinstance(option, ProjectNamespace):
                return True  # its submodules are looked up lazily: assume they may
        return False

    def _module_holds(self, path: Path) -> bool:
        """Coroutine functions reachable as `module.x(...)`: async defs, or module-level objects of such classes."""
        module = self.project.summary(path)
        if module is None:
            return True
        if any(_makes_coroutines(f) for f in module.functions.values()) or any(
            _makes_coroutines(m) for cls in module.classes.values() for m in cls.methods.values()
        ):
            return True
        for local in module.imports:  # what it re-exports: `from .writer import Writer` in `http.py`
            target = self.project.resolve_dotted(path, local)
            if isinstance(target, (ProjectClass, ProjectFunction)) and self._may_hold_coroutines(target, 1):
                return True
        for callee in module.instances.values():
            target = self.project.resolve_dotted(path, callee)
            for option in options_of(target):
                if isinstance(option, ProjectClass):
                    model = self.project.class_model(option)
                    if model is None or any(f.is_async for _, _, f in model.methods.values()):
                        return True
                elif isinstance(option, External) and option.qualname in knowledge.ASYNC_MOCK_CLASSES:
                    return True
        return False

    def _attributes_may_hold_coroutines(self, model: ClassModel, depth: int) -> bool:
        """`self.client = Client()` in a project base: does `Client` have coroutine methods?"""
        for class_name, path, _, _ in model.chain_locations:
            summary = self.project.summary(path)
            cls = summary.classes.get(class_name) if summary else None
            for callee in (cls.attr_types.values() if cls else ()):
                if self._may_hold_coroutines(self.project.resolve_dotted(path, callee), depth + 1):
                    return True
        return False

    def is_coroutine_function(self, symbol: Symbol) -> bool:
        options = options_of(symbol)
        return bool(options) and all(self._is_coroutine_function(option) for option in options)

    def is_generator_based_coroutine(self, symbol: Symbol) -> bool:
        """A project function decorated `@asyncio.coroutine` (see `_generator_based_coroutine`)."""
        if not isinstance(symbol, ProjectFunction):
            return False
        function = self.project.function_summary(symbol)
        return function is not None and not function.is_async and _generator_based_coroutine(
            self.project.summary(symbol.path), function)

    def _is_coroutine_function(self, symbol: Symbol) -> bool:
        if isinstance(symbol, ProjectFunction):
            function = self.project.function_summary(symbol)
            if function is not None and not function.is_async:
                # `@asyncio.coroutine`, or a sync wrapper handing back a coroutine
                return self.is_generator_based_coroutine(symbol) or types.returns_coroutine(self, symbol)
            if function is None or function.is_async_generator:
                return False
            module = self.project.summary(symbol.path)
            for decorator in function.decorators:
                qualified = module.qualify(decorator) if module else decorator
                if decorator in ("staticmethod", "classmethod") or (
                    qualified and knowledge.is_async_preserving_decorator(qualified)
                ):
                    continue
                return False  # an unknown decorator may turn it into something else
            return True
        if isinstance(symbol, External):
            name = symbol.qualname
            if name in knowledge.COROUTINE_FUNCTIONS:
                return True
            owner, _, method = name.rpartition(".")
            return method in knowledge.COROUTINE_METHODS.get(owner, ())
        if isinstance(symbol, Instance):
            of = symbol.of
            return isinstance(of, External) and of.qualname in knowledge.ASYNC_MOCK_CLASSES
        return False

    def module_value(self, name: str) -> ast.expr | None:
        """The value of a module-level name assigned exactly once at the top of this module (else None)."""
        values = self._module_values
        if values is None:
            values = {}
            counts: dict[str, int] = {}
            for statement in self.tree.body:
                targets = statement.targets if isinstance(statement, ast.Assign) else (
                    [statement.target] if isinstance(statement, (ast.AnnAssign, ast.AugAssign)) else []
                )
                for target in targets:
                    if isinstance(target, ast.Name):
                        counts[target.id] = counts.get(target.id, 0) + 1
                        values[target.id] = getattr(statement, "value", None)
            values = {name: value for name, value in values.items() if counts[name] == 1}
            self._module_values = values
        return values.get(name)

    def module_definition(self, name: str, kind: type) -> ast.stmt | None:
        """The first top-level `kind` (ast.FunctionDef, ast.ClassDef, ...) of this module named `name`.

        Rules that read another top-level definition's body go through here, so that the
        statement being walked is known to depend on it."""
        found = _top_level_definition(self.tree, name, kind)
        if self.statement is not None and found is not self.statement:
            self.definitions_read.setdefault(id(self.statement), []).append((kind, name, found))
        return found

    # Caches of facts that follow from the module summary, the project and the words the text
    # mentions only (names, never positions): an editor re-check whose summary, project and
    # mentions are unchanged (engine.reuse) starts from the previous check's answers.
    _MODULE_FACTS = ("_module_names", "_may_call_coroutines", "_name_gates", "_coroutine_names", "_reachable")

    def module_facts(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self._MODULE_FACTS}

    def adopt_module_facts(self, facts: dict[str, Any]) -> None:
        for name, value in facts.items():
            setattr(self, name, value)

    # -- services (lazily built, shared by rules) -------------------------------
    def service(self, name: str, factory: Callable[[], Any]) -> Any:
        """A per-file object built on first use (e.g. the pytest model), shared by rules."""
        if name not in self._services:
            self._services[name] = factory()
        return self._services[name]

    # -- reporting --------------------------------------------------------------
    def report(
        self,
        rule: "Rule",
        node: ast.AST | None = None,
        *,
        range: Range | None = None,
        message: str | None = None,
        fields: dict | None = None,
        data: dict | None = None,
        reason: str = "",
        related: Iterable[Related] = (),
        severity: Severity | None = None,
        fix_title: str | None = None,
        fix_applicability: str | None = None,
        fixable: bool = True,
        path: Path | None = None,
        never_runs: ast.AST | None = None,
        deprecated: bool = False,
    ) -> Diagnostic:
        """Record a finding. `never_runs`: the code it says never runs (a test that is never
        awaited); other findings inside that code are folded into this one (see `one_story`)."""
        if range is None:
            if node is None:
                raise ValueError("report() needs a node or a range")
            range = self.node_range(node)
        text = message if message is not None else rule.message.format(**(fields or {}))
        configured = self.settings.severity.get(rule.code)
        level = Severity(configured) if configured else (severity or rule.severity)
        has_fix = fixable and (fix_applicability or rule.fix_safety) is not None
        diagnostic = Diagnostic(
            code=rule.code,
            name=rule.name,
            message=text,
            severity=level,
            path=path or self.path,
            range=range,
            fix_message=(fix_title or rule.fix_title) if has_fix else None,
            fix_applicability=(fix_applicability or rule.fix_safety) if has_fix else None,
            data=dict(data or {}),
            reason=reason,
            related=tuple(related),
            never_runs=self.node_range(never_runs) if never_runs is not None else None,
            deprecated=deprecated,
        )
        self.diagnostics.append(diagnostic)
        return diagnostic

    def related_class(self, model: ClassModel, message: str | None = None) -> list[Related]:
        """Related locations for the project classes in a class's chain (other than itself)."""
        related = []
        for name, path, line, col in model.chain_locations[1:]:
            related.append(Related(path, Range(line, col, line, col + len(name)), message or f"base class {name}"))
        return related


# Chains of attributes and calls shorter than this are resolved by plain recursion.
_SHALLOW_CHAIN = 40


def _deep_chain_below(expr: ast.AST) -> list[ast.AST]:
    """The values and callees under an attribute/call chain, outermost first; [] for a short chain."""
    chain: list[ast.AST] = []
    node = expr
    while True:
        cls = node.__class__
        if cls is ast.Attribute:
            node = node.value  # type: ignore[attr-defined]
        elif cls is ast.Call:
            node = node.func  # type: ignore[attr-defined]
        else:
            break
        chain.append(node)
    return chain if len(chain) >= _SHALLOW_CHAIN else []


_TYPE = External("builtins.type")
_PARTIAL = External("functools.partial")
_CASTS = (External("typing.cast"), External("typing_extensions.cast"))


def _is_none_constant(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and node.value is None


def _is_type_of_self(call: ast.Call) -> bool:
    return (
        isinstance(call.func, ast.Name) and call.func.id == "type" and len(call.args) == 1 and not call.keywords
        and isinstance(call.args[0], ast.Name) and call.args[0].id == "self"
    )


def _is_bare_super(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "super"
        and not node.args
        and not node.keywords
    )


# Constructor arguments that decide the types of a mock's children.
_MOCK_SPEC_KEYWORDS = frozenset({"spec", "spec_set", "wraps", "_spec_class"})


def _instance_of(call: ast.Call, callee: Symbol) -> Symbol:
    """The value a call returns, as far as resolution goes (`bare` when no spec-like argument)."""
    if callee is None:
        return None
    bare = not call.args and not any(k.arg in _MOCK_SPEC_KEYWORDS or k.arg is None for k in call.keywords)
    return Instance(callee, bare=bare)


def _drop_declared_outer(bindings: dict[str, list[ast.AST]], function: ast.AST) -> None:
    """Names a function declares `global` or `nonlocal` are not its locals. One it also assigns is
    rebound for everyone at run time: unknown (an empty list of values), not the outer binding."""
    body = getattr(function, "body", [])
    if not isinstance(body, list):  # a lambda: its body is one expression, it declares nothing
        return
    stack = list(body)
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.Global, ast.Nonlocal)):
            for name in node.names:
                if name in bindings:
                    bindings[name] = []
        elif not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            stack.extend(child for child in ast.iter_child_nodes(node) if isinstance(child, ast.stmt))


def _all_bindings(bindings: dict[str, list[ast.AST]], function: ast.AST) -> None:
    """`FileContext.locals_of` in general: every node of the body (`:=` can bind inside any expression)."""
    body = function.body if isinstance(function.body, list) else [function.body]  # type: ignore[attr-defined]
    stack = list(body)
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bindings.setdefault(node.name, []).append(node)
            continue
        if isinstance(node, ast.Lambda):
            continue
        if isinstance(node, ast.Assign):
            for target in node.targets:
                _bind_target(bindings, target, node.value)
        elif isinstance(node, (ast.AnnAssign, ast.AugAssign)):
            _bind_target(bindings, node.target, node.value if isinstance(node, ast.AnnAssign) else node)
        elif isinstance(node, ast.NamedExpr):
            _bind_target(bindings, node.target, node.value)
        elif isinstance(node, (ast.For, ast.AsyncFor)):
            _bind_target(bindings, node.target, node)
        elif isinstance(node, ast.withitem) and node.optional_vars is not None:
            _bind_target(bindings, node.optional_vars, node)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                bindings.setdefault((alias.asname or alias.name).split(".")[0], []).append(node)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            bindings.setdefault(node.name, []).append(node)
        stack.extend(ast.iter_child_nodes(node))


_DEFS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
_TRY = tuple(t for t in (ast.Try, getattr(ast, "TryStar", None)) if t is not None)


def _statement_bindings(bindings: dict[str, list[ast.AST]], statements: list[ast.stmt]) -> None:
    """`FileContext.locals_of` for bodies without `:=`: the same bindings, found in statements only."""
    stack = list(statements)
    while stack:
        node = stack.pop()
        if isinstance(node, _DEFS):
            bindings.setdefault(node.name, []).append(node)
            continue
        if isinstance(node, ast.Assign):
            for target in node.targets:
                _bind_target(bindings, target, node.value)
        elif isinstance(node, ast.AnnAssign):
            _bind_target(bindings, node.target, node.value)
        elif isinstance(node, ast.AugAssign):
            _bind_target(bindings, node.target, node)
        elif isinstance(node, (ast.For, ast.AsyncFor)):
            _bind_target(bindings, node.target, node)
        elif isinstance(node, (ast.With, ast.AsyncWith)):
            for item in node.items:
                if item.optional_vars is not None:
                    _bind_target(bindings, item.optional_vars, item)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                bindings.setdefault((alias.asname or alias.name).split(".")[0], []).append(node)
        elif isinstance(node, _TRY):
            for handler in node.handlers:
                if handler.name:
                    bindings.setdefault(handler.name, []).append(handler)
                stack.extend(handler.body)
        elif isinstance(node, ast.Match):
            for case in node.cases:
                stack.extend(case.body)
        for field in ("body", "orelse", "finalbody"):
            children = getattr(node, field, None)
            if children:
                stack.extend(children)


# Last names of the coroutine functions and methods looplint knows outside the project.
_KNOWN_COROUTINE_NAMES = frozenset(
    {name.rpartition(".")[2] for name in knowledge.COROUTINE_FUNCTIONS}
    | {method for methods in knowledge.COROUTINE_METHODS.values() for method in methods}
)


def _is_plain_coroutine_function(function) -> bool:
    """Could calling it give a coroutine: an `async def` (not a generator), a sync function that
    ends returning a call (see types.returns_coroutine), or one decorated `@coroutine` (a bound
    on the name only: see `_generator_based_coroutine`)?"""
    return (
        (function.is_async and not function.is_async_generator)
        or function.returns_call
        or _coroutine_decorated(function)
    )


def _makes_coroutines(function) -> bool:
    """Can calling it give a coroutine by itself: an `async def`, or a `@coroutine`?"""
    return function.is_async or _coroutine_decorated(function)


def _coroutine_decorated(function) -> bool:
    """Decorated `@...coroutine`: a bound on the decorator's name (`_generator_based_coroutine` decides)."""
    return any(decorator.rpartition(".")[2] == "coroutine" for decorator in function.decorators)


def _generator_based_coroutine(module: ModuleSummary | None, function) -> bool:
    """`@asyncio.coroutine def f(): ...` (Python <= 3.10): calling it gives a generator-based
    coroutine, whose body runs only when it is awaited or iterated (the decorator turns even a
    plain function into a generator). `@types.coroutine` is not counted: it leaves a function
    that is not a generator as it is."""
    for decorator in function.decorators:
        qualified = module.qualify(decorator) if module is not None else decorator
        if qualified == "asyncio.coroutine" or (qualified is None and decorator == "asyncio.coroutine"):
            return True
    return False


def _attribute_assignments(function: ast.AST) -> dict[tuple[str, str], list[tuple[int, ast.expr]]]:
    """`name.attr = value` (and `name.attr: T = value`) among a function's own statements, by
    (name, attr): the line and the value of each. Statements only: nested defs and classes are
    other scopes."""
    found: dict[tuple[str, str], list[tuple[int, ast.expr]]] = {}
    stack = list(getattr(function, "body", ()))
    while stack:
        statement = stack.pop()
        cls = statement.__class__
        if cls is ast.Assign:
            targets = statement.targets  # type: ignore[attr-defined]
        elif cls is ast.AnnAssign and statement.value is not None:  # type: ignore[attr-defined]
            targets = [statement.target]  # type: ignore[attr-defined]
        else:
            targets = ()
            if cls not in _SCOPE_STATEMENTS:
                for name in STATEMENT_LISTS:
                    children = getattr(statement, name, None)
                    if children:
                        stack.extend(children)
        for target in targets:
            if target.__class__ is ast.Attribute and target.value.__class__ is ast.Name:
                found.setdefault((target.value.id, target.attr), []).append(
                    (statement.lineno, statement.value))  # type: ignore[attr-defined]
    return found


_SCOPE_STATEMENTS = frozenset({ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef})


def _last_name(func: ast.AST) -> str | None:
    if isinstance(func, ast.Attribute):
        return func.attr
    if isinstance(func, ast.Name):
        return func.id
    return None


# Words without which a file's own code can neither define nor obtain a
# coroutine function except through imports (checked separately).
_COROUTINE_WORDS = ("async", "await", "Mock", "mock", "patch", "asyncio", "anyio", "trio")


def _bind_target(bindings: dict[str, list[ast.AST]], target: ast.AST, value: ast.AST) -> None:
    if isinstance(target, ast.Name):
        bindings.setdefault(target.id, []).append(value)
    elif isinstance(target, (ast.Tuple, ast.List)):
        if (
            isinstance(value, (ast.Tuple, ast.List))
            and len(value.elts) == len(target.elts)
            and not any(isinstance(e, ast.Starred) for e in (*target.elts, *value.elts))
        ):
            for element, item in zip(target.elts, value.elts):  # `a, b = A(), B()`: element by element
                _bind_target(bindings, element, item)
            return
        for element in target.elts:
            # Unpacking: the element's value is not the whole right-hand side.
            _bind_target(bindings, element.value if isinstance(element, ast.Starred) else element, target)


class Checker:
    """Runs a set of rules over files of one project."""

    def __init__(self, project: Project, rules: Iterable["Rule"]):
        self.project = project
        self.rules = [rule for rule in rules if not rule.config_rule]
        self.config_rules = [rule for rule in rules if rule.config_rule]
        self.rules_by_code = {rule.code: rule for rule in self.rules}
        self._dispatch_cache: dict[frozenset[str], dict[type, list[Callable]]] = {}
        self._end_cache: dict[frozenset[str], list[Callable]] = {}
        self._named_cache: dict[frozenset[str], dict[str, list[Callable]]] = {}

    def _handlers(self, rules: list["Rule"]) -> tuple[dict[type, list[Callable]], list[Callable]]:
        key = frozenset(rule.code for rule in rules)
        dispatch = self._dispatch_cache.get(key)
        if dispatch is None:
            dispatch = {}
            ends = []
            named: dict[str, list[Callable]] = {}
            for rule in rules:
                for attr in dir(rule):
                    if attr.startswith("visit_"):
                        node_type = getattr(ast, attr[len("visit_"):], None)
                        if not isinstance(node_type, type):
                            continue
                        handler = getattr(rule, attr)
                        if node_type is ast.Call and rule.call_names is not None:
                            for name in rule.call_names:
                                named.setdefault(name, []).append(handler)
                        else:
                            dispatch.setdefault(node_type, []).append(handler)
                if hasattr(rule, "end_file"):
                    ends.append(rule.end_file)
            self._dispatch_cache[key] = dispatch
            self._end_cache[key] = ends
            self._named_cache[key] = named
        return dispatch, self._end_cache[key]

    def _call_handlers(self, rules: list["Rule"], summary: ModuleSummary) -> dict[str, list[Callable]]:
        """visit_Call handlers of rules that declare `call_names`, by callee last name (this file's aliases included)."""
        named = self._named_cache[frozenset(rule.code for rule in rules)]
        if not named:
            return named
        aliases: dict[str, list[Callable]] = {}
        for local, bindings in summary.imports.items():  # from m import sleep as nap
            for binding in bindings:
                if binding.name in named and local != binding.name:
                    aliases.setdefault(local, []).extend(named[binding.name])
        for local, target in summary.aliases.items():  # nap = time.sleep
            last = target.rpartition(".")[2]
            if last in named and local != last:
                aliases.setdefault(local, []).extend(named[last])
        if not aliases:
            return named
        merged = {name: list(handlers) for name, handlers in named.items()}
        for local, handlers in aliases.items():
            merged.setdefault(local, [])
            merged[local].extend(h for h in handlers if h not in merged[local])
        return merged

    def explain_definition(self, path: Path, source: Source, line: int) -> str | None:
        """What the semantic model knows of the class or def named on `line` (1-based), in markdown:
        how a class runs its tests, a function's role and its effects on event loops. None when the
        file does not parse or nothing is known (unknown stays unknown)."""
        from .semantic.explain import explain_definition

        # Hovers come in bursts on one version of a buffer: its context is parsed once for all.
        key = ("explain-context", path, hash(source.text))
        ctx = self.project.bounded(key, lambda: self._explain_context(path, source))
        if ctx is not None and ctx.source.text != source.text:  # two texts with one hash
            ctx = self._explain_context(path, source)
        if ctx is None:
            return None
        try:
            return explain_definition(ctx, line)
        except RecursionError:
            return None

    def _explain_context(self, path: Path, source: Source) -> "FileContext | None":
        try:
            tree = parse_module(source.text, filename=str(path))
        except (SyntaxError, RecursionError, MemoryError, ValueError):
            return None
        summary = build_summary(tree, path, source)
        self.project.put_summary(path, summary)
        return FileContext(path, source, tree, summary, self.project)

    def check_source(
        self,
        path: Path,
        source: Source,
        *,
        parse: Callable[..., ast.Module] | None = None,
        reuse: StatementReuse | None = None,
    ) -> CheckResult:
        """Check one file's text; see `_check_source`. A bug in looplint on one file is that file's
        problem (reported like an unreadable file), never the end of the run or of the server."""
        try:
            return self._check_source(path, source, parse=parse, reuse=reuse)
        except Exception as exc:
            if reuse is not None:
                reuse.reset()
            log.debug("internal error while checking %s", path, exc_info=True)
            message = (
                f"internal error in looplint ({type(exc).__name__}: {exc}{_innermost_frame(exc)});"
                " this file was not checked. Please report it with the file's text"
            )
            return CheckResult(path=path, problem=FileProblem(path, message, 1, 0, "internal-error"))

    def _check_source(
        self,
        path: Path,
        source: Source,
        *,
        parse: Callable[..., ast.Module] | None = None,
        reuse: StatementReuse | None = None,
    ) -> CheckResult:
        """Check one file's text (from disk or an editor buffer).

        `parse` replaces `parse_module(text, filename=...)` (it must return the same tree or raise
        the same errors): the language server re-parses only what an edit touched.
        `reuse`: kept per editor buffer, so that local rules are not run again on the top-level
        statements an edit did not touch (see engine.reuse).
        """
        result = CheckResult(path=path)
        try:
            tree = (parse or parse_module)(source.text, filename=str(path))
        except NewerSyntaxError as exc:
            result.diagnostics = self._newer_syntax(path, source, exc)
            if not result.diagnostics:  # its rule is off: reported as a file that could not be checked
                line, col = exc.lineno or 1, max((exc.offset or 1) - 1, 0)
                result.problem = FileProblem(path, f"syntax error: {exc.msg}", line, col, "syntax-error")
            return result
        except SyntaxError as exc:
            line = exc.lineno or 1
            col = max((exc.offset or 1) - 1, 0)
            result.problem = FileProblem(path, f"syntax error: {exc.msg}", line, col, "syntax-error")
            return result
        except RecursionError:
            result.problem = FileProblem(
                path, "cannot parse: nested too deeply for Python's parser (recursion limit)", 1, 0, "syntax-error"
            )
            return result
        except MemoryError:
            result.problem = FileProblem(path, "cannot parse: out of memory while parsing", 1, 0, "syntax-error")
            return result
        except ValueError as exc:  # e.g. "source code string cannot contain null bytes"
            result.problem = FileProblem(path, f"cannot parse: {exc}", 1, 0, "syntax-error")
            return result
        if reuse is not None:
            reuse.seed_mentions(source)
        epoch = self.project.state_seen_from(path)  # before this file's own summary is replaced
        summary_reuse = reuse.summaries if reuse is not None else None
        summary = build_summary(tree, path, source, summary_reuse)
        self.project.put_summary(path, summary, summary_reuse)
        result.summary = summary
        suppressions = Suppressions.parse(source)
        if suppressions.ignore_file:
            if reuse is not None:
                reuse.reset()
            return result
        relpath = self.project.relpath(path)
        settings = self.project.settings
        rules = [
            rule
            for rule in self.rules
            if settings.code_enabled(rule.code, relpath)
            and (not rule.tokens or source.mentions_any(rule.tokens))
            and (not rule.also_tokens or source.mentions_any(rule.also_tokens))
        ]
        if not rules:
            if reuse is not None:
                reuse.reset()
            return result
        ctx = FileContext(path, source, tree, summary, self.project)
        dispatch, ends = self._handlers(rules)
        call_named = self._call_handlers(rules, summary)
        try:
            if reuse is not None:
                self._walk_reusing(ctx, rules, dispatch, call_named, reuse, epoch)
            elif dispatch or call_named:
                _Walker(ctx, dispatch, call_named).walk_module(tree)
            for end in ends:
                end(ctx)
        except RecursionError:
            # Code nested deeper than looplint's own analysis can follow: this file is reported,
            # the others are still checked.
            if reuse is not None:
                reuse.reset()
            result.problem = FileProblem(path, "too deeply nested for looplint to analyse", 1, 0, "skipped")
            return result
        by_code = self.rules_by_code
        result.diagnostics = one_story([
            d for d in ctx.diagnostics
            if not suppressions.suppresses(d, getattr(by_code.get(d.code), "same_as", ()))
        ])
        result.diagnostics.sort(key=Diagnostic.sort_key)
        return result

    def _newer_syntax(self, path: Path, source: Source, error: NewerSyntaxError) -> list[Diagnostic]:
        """The file cannot be read on this Python: the rules that say so (`reports_newer_syntax`)."""
        relpath = self.project.relpath(path)
        suppressions = Suppressions.parse(source)
        if suppressions.ignore_file:
            return []
        line = min(max(error.lineno or 1, 1), len(source.lines) or 1)
        col = max((error.offset or 1) - 1, 0)
        text = source.lines[line - 1] if source.lines else ""
        out = []
        for rule in self.rules:
            if getattr(rule, "reports_newer_syntax", False) and self.project.settings.code_enabled(rule.code, relpath):
                configured = self.project.settings.severity.get(rule.code)
                diagnostic = Diagnostic(
                    code=rule.code, name=rule.name, message=rule.unreadable_message(error),
                    severity=Severity(configured) if configured else rule.severity, path=path,
                    range=Range(line, min(col, len(text)), line, max(len(text.rstrip()), min(col, len(text)) + 1)),
                    data={"needs": "%d.%d" % error.needs},
                )
                if not suppressions.suppresses(diagnostic):
                    out.append(diagnostic)
        return out


    def _walk_reusing(
        self,
        ctx: FileContext,
        rules: list["Rule"],
        dispatch: dict[type, list[Callable]],
        call_named: dict[str, list[Callable]],
        reuse: StatementReuse,
        epoch: tuple[int, int],
    ) -> None:
        """The walk of an editor re-check: local rules only on the statements the edit touched.

        The other rules still see every statement, but a reused statement is only walked as
        deep as they need: not at all when it holds none of the nodes they handle (its census,
        kept with its results, says which node types and callee names it holds), through its
        statements only when they handle no expression in it.
        """
        tree, summary = ctx.tree, ctx.summary
        local_codes = frozenset(rule.code for rule in rules if rule.local and not hasattr(rule, "end_file"))
        key = (self, self.project, self.project.settings, frozenset(rule.code for rule in rules))
        plan = reuse.plan(tree, summary, key, epoch, ctx.source, self.rules_by_code, ctx.path, ctx.relpath)
        if reuse.facts is not None:
            ctx.adopt_module_facts(reuse.facts)
        full = _Walker(ctx, dispatch, call_named)
        other_types: frozenset[type] = frozenset()
        other_calls: frozenset[str] = frozenset()
        partial = statements_only = None
        if plan:
            others = [rule for rule in rules if rule.code not in local_codes]
            other_dispatch, _ = self._handlers(others)
            other_named = self._call_handlers(others, summary)
            other_types, other_calls = frozenset(other_dispatch), frozenset(other_named)
            if other_dispatch or other_named:
                partial = _PrunedWalker(ctx, other_dispatch, other_named)
                statements_only = _StatementWalker(ctx, other_dispatch)
        # id(statement) -> (statement, local findings, (census or None until first reused, definitions read))
        results: dict[int, tuple] = {}
        diagnostics = ctx.diagnostics
        ctx.parents.append(tree)
        reused_count = 0
        for statement in tree.body:
            reused = plan.get(id(statement))
            if reused is not None and not _same_definitions(tree, reused[1][1]):
                reused = None  # a definition it read changed: check it again
            ctx.statement = statement
            if reused is not None:
                reused_count += 1
                found, (census, read) = reused
                if census is None and partial is not None:
                    census = census_of(statement)  # first reuse since it was walked: taken once
                types, calls, inner = census if census is not None else _NO_CENSUS
                handled = types & other_types
                if calls & other_calls or any(not issubclass(t, _STATEMENT_LEVEL) for t in handled):
                    partial.census = inner  # type: ignore[union-attr]
                    partial.visit(statement)  # type: ignore[union-attr]
                elif handled:
                    statements_only.visit(statement)  # type: ignore[union-attr]
                diagnostics.extend(found)
                results[id(statement)] = (statement, found, (census, read))
                continue
            start = len(diagnostics)
            full.visit(statement)
            found = [d for d in diagnostics[start:] if d.code in local_codes]
            read = tuple(ctx.definitions_read.get(id(statement), ()))
            results[id(statement)] = (statement, found, (None, read))  # census: on first reuse
        ctx.statement = None
        ctx.parents.pop()
        reuse.remember(
            key, self.project.state_seen_from(ctx.path), summary, ctx.source, results, reused=reused_count,
            facts=ctx.module_facts(),
        )


def one_story(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    """One story per test: a finding inside code that another finding says never runs is not
    reported on its own; it becomes related information of that finding ("if it ran, ...")."""
    primaries = [d for d in diagnostics if d.never_runs is not None]
    if not primaries:
        return diagnostics
    owner_of = _NeverRunsIndex(primaries)
    kept: list[Diagnostic] = []
    folded: dict[int, list[Related]] = {}
    for diagnostic in diagnostics:
        owner = owner_of(diagnostic)
        if owner is None:
            kept.append(diagnostic)
            continue
        note = f"if it ran: {diagnostic.code} {diagnostic.message}"
        folded.setdefault(id(owner), []).append(Related(diagnostic.path, diagnostic.range, note))
    if not folded:
        return diagnostics
    def told(notes: list[Related]) -> tuple[Related, ...]:
        return tuple(sorted(notes, key=lambda r: (r.range.line, r.range.col, r.message)))

    return [replace(d, related=d.related + told(folded[id(d)])) if id(d) in folded else d for d in kept]


class _NeverRunsIndex:
    """The first primary (in report order) whose never-running range holds a diagnostic.

    A file's editor re-check has hundreds of both; comparing each pair is quadratic. Per path,
    the primaries are sorted by first line, with the furthest last line reached so far: walking
    back from the last one starting at or before the diagnostic's line can stop as soon as no
    earlier range reaches down to it."""

    def __init__(self, primaries: list[Diagnostic]) -> None:
        by_path: dict[Path, list[tuple[int, Diagnostic]]] = {}
        for order, primary in enumerate(primaries):
            by_path.setdefault(primary.path, []).append((order, primary))
        self._index: dict[Path, tuple[list[int], list[int], list[tuple[int, Diagnostic]]]] = {}
        for path, entries in by_path.items():
            entries.sort(key=lambda entry: entry[1].never_runs.line)  # type: ignore[union-attr]
            starts = [primary.never_runs.line for _, primary in entries]  # type: ignore[union-attr]
            reach, furthest = [], -1
            for _, primary in entries:
                furthest = max(furthest, primary.never_runs.end_line)  # type: ignore[union-attr]
                reach.append(furthest)
            self._index[path] = (starts, reach, entries)

    def __call__(self, diagnostic: Diagnostic) -> Diagnostic | None:
        found = self._index.get(diagnostic.path)
        if found is None:
            return None
        starts, reach, entries = found
        best: tuple[int, Diagnostic] | None = None
        i = bisect_right(starts, diagnostic.range.line) - 1
        while i >= 0 and reach[i] >= diagnostic.range.end_line:
            order, primary = entries[i]
            if primary is not diagnostic and _within(diagnostic.range, primary.never_runs) and (  # type: ignore[arg-type]
                best is None or order < best[0]
            ):
                best = (order, primary)
            i -= 1
        return None if best is None else best[1]


def _within(inner: Range, outer: Range) -> bool:
    return (outer.line, outer.col) <= (inner.line, inner.col) and (inner.end_line, inner.end_col) <= (
        outer.end_line, outer.end_col
    )


def _same_definitions(tree: ast.Module, read) -> bool:
    """Do the module_definition lookups a statement made still find the same definitions?"""
    return all(_top_level_definition(tree, name, kind) is found for kind, name, found in read)


def _top_level_definition(tree: ast.Module, name: str, kind: type) -> ast.stmt | None:
    """The first top-level `kind` statement of the module named `name`."""
    return next((n for n in tree.body if n.__class__ is kind and n.name == name), None)  # type: ignore[attr-defined]


# Node types that only occur where statements do (in statement lists): a walk that looks only
# at these never needs to enter an expression.
_STATEMENT_LEVEL = (ast.stmt, ast.excepthandler, ast.match_case)
# What a statement holds: its node types, the last names of the callees it calls, and the same
# for the inside (decorators, arguments, body) of every def and class in it, by id.
Census = tuple[frozenset[type], frozenset[str], dict[int, tuple[frozenset[type], frozenset[str]]]]
# The fields of each node type that can hold child nodes (ctx and type comments never matter).
_DEFINITIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
_NO_CENSUS: Census = (frozenset(), frozenset(), {})


def census_of(statement: ast.stmt) -> Census:
    """The census of a top-level statement (see `Census`): one pass over it, one more over each def
    and class inside it (iterative: cheaper than one recursive pass that merges sets per level)."""
    types, calls, definitions = _scan(statement, include_self=True)
    inner: dict[int, tuple[frozenset[type], frozenset[str]]] = {}
    interned: dict[tuple[frozenset[type], frozenset[str]], tuple[frozenset[type], frozenset[str]]] = {}
    for definition in definitions:
        inside_types, inside_calls, _ = _scan(definition, include_self=False)
        key = (frozenset(inside_types), frozenset(inside_calls))
        inner[id(definition)] = interned.setdefault(key, key)
    return frozenset(types), frozenset(calls), inner


def _scan(root: ast.AST, *, include_self: bool) -> tuple[set[type], set[str], list[ast.AST]]:
    """Node types and callee last names under `root` (and of `root` itself if asked), and the defs
    and classes found (only when `include_self`: the pass over the whole statement)."""
    types: set[type] = set()
    calls: set[str] = set()
    definitions: list[ast.AST] = []
    fields_of = _CHILD_FIELDS
    node_type = ast.AST
    stack: list[ast.AST] = [root]
    first = True
    while stack:
        node = stack.pop()
        cls = node.__class__
        if first:
            first = False
            if include_self:
                types.add(cls)
        else:
            types.add(cls)
            if cls is ast.Call:
                last = _last_name(node.func)  # type: ignore[attr-defined]
                if last is not None:
                    calls.add(last)
        if include_self and cls in _DEFINITIONS:
            definitions.append(node)
        names = fields_of.get(cls) or _child_fields(cls)
        for name in names:
            value = getattr(node, name, None)
            if value.__class__ is list:
                for item in value:
                    if isinstance(item, node_type):
                        stack.append(item)
            elif isinstance(value, node_type):
                stack.append(value)
    return types, calls, definitions


# The walker's stack holds nodes to visit and two kinds of markers: None (leave the node on
# top of ctx.parents) and a Scope (make it the current scope: entering or leaving one).
class _Walker:
    """The single walk; scopes follow Python's evaluation rules.

    Decorators, default values and bases are evaluated in the enclosing scope,
    so they are walked before the new scope is entered. The walk is iterative
    (an explicit stack, children in source order): a tree as deep as `ast.parse`
    builds (thousands of levels for `a+a+...` or an `elif` chain) needs no
    recursion. Rules see the same thing as in a recursive walk: each handler is
    called on entering its node, with `ctx.parents` and `ctx.scope` as they are there.
    """

    # Nodes that never contain anything a rule handles; a large share of every
    # tree (names, constants). They are only visited when a rule handles them.
    _LEAVES = frozenset({ast.Name, ast.Constant, ast.Pass, ast.Break, ast.Continue, ast.alias, ast.Global,
                         ast.Nonlocal}
                        # Operators (`+`, `not`, `==`, `and`): leaves, a few of every expression.
                        | {op for kind in (ast.operator, ast.unaryop, ast.cmpop, ast.boolop)
                           for op in kind.__subclasses__()})

    def __init__(
        self, ctx: FileContext, dispatch: dict[type, list[Callable]], call_named: dict[str, list[Callable]] | None = None
    ):
        self.ctx = ctx
        self.dispatch = dispatch
        # visit_Call handlers of rules that only look at some callees, by callee last name.
        self.call_named = call_named or {}
        self.skip = frozenset(t for t in self._LEAVES if t not in dispatch)

    def walk_module(self, tree: ast.Module) -> None:
        self.ctx.parents.append(tree)
        self._walk(list(reversed(tree.body)))
        self.ctx.parents.pop()

    def visit(self, node: ast.AST) -> None:
        """Walk `node` and everything under it."""
        self._walk([node])

    def _walk(self, stack: list) -> None:
        ctx = self.ctx
        parents = ctx.parents
        dispatch = self.dispatch
        call_named = self.call_named
        special = self._SPECIAL
        expand = self._expand
        skip = self.skip
        fields_of = _REVERSED_CHILD_FIELDS
        pop = stack.pop
        push = stack.append
        node_type = ast.AST
        while stack:
            node = pop()
            if node is None:
                parents.pop()
                continue
            cls = node.__class__
            if cls is Scope:
                ctx.scope = node
                continue
            handlers = dispatch.get(cls)
            if handlers:
                for handler in handlers:
                    handler(node, ctx)
            if cls is ast.Call and call_named:
                func = node.func  # type: ignore[attr-defined]
                last = func.attr if func.__class__ is ast.Attribute else func.id if func.__class__ is ast.Name else None
                named = call_named.get(last) if last is not None else None
                if named:
                    for handler in named:
                        handler(node, ctx)
            if cls in special:
                expand(node, cls, stack)
                continue
            # Any other node: its children, in source order (pushed last-first), above a
            # marker that leaves it; a node with no child to visit needs neither.
            push(None)
            names = fields_of.get(cls)
            if names is None:
                names = _reversed_child_fields(cls)
            for name in names:
                child = getattr(node, name, None)
                if child is None:
                    continue
                child_cls = child.__class__
                if child_cls is list:
                    for item in reversed(child):
                        if item.__class__ not in skip and isinstance(item, node_type):
                            push(item)
                elif child_cls not in skip and isinstance(child, node_type):
                    push(child)
            if stack[-1] is None:
                pop()
            else:
                parents.append(node)

    # Nodes `_expand` pushes the children of (the others: all their child fields, in order).
    _SPECIAL = frozenset({ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda, ast.If})

    def _expand(self, node: ast.AST, cls: type, stack: list) -> None:
        """Push what walking a `_SPECIAL` node means (markers, then children last-first) onto the stack."""
        ctx = self.ctx
        if cls is ast.FunctionDef or cls is ast.AsyncFunctionDef:
            args = node.args  # type: ignore[attr-defined]
            self._enter(node, stack, Scope("function", node, cls is ast.AsyncFunctionDef, ctx.scope),
                        node.body, (node.decorator_list, args.defaults, args.kw_defaults))  # type: ignore[attr-defined]
            return
        if cls is ast.ClassDef:
            self._enter(node, stack, Scope("class", node, False, ctx.scope),
                        node.body, (node.decorator_list, node.bases, node.keywords))  # type: ignore[attr-defined]
            return
        if cls is ast.Lambda:
            args = node.args  # type: ignore[attr-defined]
            self._enter(node, stack, Scope("lambda", node, False, ctx.scope), [node.body],  # type: ignore[attr-defined]
                        (args.defaults, args.kw_defaults))
            return
        # ast.If
        ctx.parents.append(node)
        stack.append(None)
        live = static_truth(node.test, ctx.summary.constants)  # type: ignore[attr-defined]
        if live is not None:
            # `if True: ... else:`, `if False:`, `if TYPE_CHECKING:`, `if not _IS_SYNC:`: the dead
            # branch never runs, nothing in it can misbehave at runtime.
            stack.extend(reversed(node.body if live else node.orelse))  # type: ignore[attr-defined]
            return
        stack.extend(reversed(node.orelse))  # type: ignore[attr-defined]
        stack.extend(reversed(node.body))  # type: ignore[attr-defined]
        if node.test.__class__ not in self.skip:  # type: ignore[attr-defined]
            stack.append(node.test)  # type: ignore[attr-defined]

    def _enter(self, node: ast.AST, stack: list, scope: Scope, body: list, outside: tuple[list, ...]) -> None:
        """A def, class or lambda: `outside` (decorators, defaults, bases) in the enclosing scope, then
        `body` in its own scope."""
        self.ctx.parents.append(node)
        push = stack.append
        push(None)
        push(scope.parent)  # leaving: back to the enclosing scope
        stack.extend(reversed(body))
        push(scope)
        for nodes in reversed(outside):
            for item in reversed(nodes):
                if item is not None:
                    push(item)


_REVERSED_CHILD_FIELDS: dict[type, tuple[str, ...]] = {}


def _reversed_child_fields(cls: type) -> tuple[str, ...]:
    fields = _REVERSED_CHILD_FIELDS.get(cls)
    if fields is None:
        fields = _REVERSED_CHILD_FIELDS[cls] = tuple(reversed(_child_fields(cls)))
    return fields


class _PrunedWalker(_Walker):
    """`_Walker` that does not enter a def or class whose inside holds no node type and no callee
    name its rules handle (they still see the def or class node itself)."""

    def __init__(self, ctx: FileContext, dispatch: dict[type, list[Callable]], call_named: dict[str, list[Callable]]):
        super().__init__(ctx, dispatch, call_named)
        self.census: dict[int, tuple[frozenset[type], frozenset[str]]] = {}
        self.wanted_types = frozenset(dispatch)
        self.wanted_calls = frozenset(call_named)

    def _expand(self, node: ast.AST, cls: type, stack: list) -> None:
        if cls is ast.FunctionDef or cls is ast.AsyncFunctionDef or cls is ast.ClassDef:
            inside = self.census.get(id(node))
            if inside is not None and not (inside[0] & self.wanted_types or inside[1] & self.wanted_calls):
                return
        super()._expand(node, cls, stack)


class _Everything:
    """A set that holds every node type (`_StatementWalker` expands every node itself)."""

    def __contains__(self, item: object) -> bool:
        return True


class _StatementWalker(_Walker):
    """`_Walker` that visits statements only (with the same scopes and parents), for rules that
    handle no expression node in what it walks."""

    _LISTS = ("body", "handlers", "orelse", "finalbody", "cases")
    _SPECIAL = _Everything()

    def __init__(self, ctx: FileContext, dispatch: dict[type, list[Callable]]):
        super().__init__(ctx, dispatch, None)

    def _expand(self, node: ast.AST, cls: type, stack: list) -> None:
        if cls is ast.FunctionDef or cls is ast.AsyncFunctionDef or cls is ast.ClassDef:
            kind = "class" if cls is ast.ClassDef else "function"
            scope = Scope(kind, node, cls is ast.AsyncFunctionDef, self.ctx.scope)
            self._enter(node, stack, scope, node.body, ())  # type: ignore[attr-defined]
            return
        self.ctx.parents.append(node)
        stack.append(None)
        if cls is ast.If:
            live = static_truth(node.test, self.ctx.summary.constants)  # type: ignore[attr-defined]
            if live is not None:
                stack.extend(reversed(node.body if live else node.orelse))  # type: ignore[attr-defined]
                return
        for name in reversed(self._LISTS):
            children = getattr(node, name, None)
            if children:
                stack.extend(reversed(children))


def decorator_names(ctx: FileContext, node: ast.AST) -> list[str]:
    """Canonical names of a def's or class's decorators (calls stripped); unresolvable ones as written."""
    names = []
    for decorator in getattr(node, "decorator_list", ()):
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        names.append(ctx.qualify(target) or dotted_name(target) or "<expression>")
    return names


def _innermost_frame(exc: BaseException) -> str:
    """` at engine/checker.py:123`: where in looplint the error was raised (for the report)."""
    tb = exc.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    if tb is None:
        return ""
    filename = Path(tb.tb_frame.f_code.co_filename)
    parts = filename.parts
    short = "/".join(parts[parts.index("looplint") + 1 :]) if "looplint" in parts else filename.name
    return f" at {short}:{tb.tb_lineno}"
