"""Per-module summaries: the facts other files need, without keeping trees.

A summary is built from a module's `ast` in one cheap pass over its top level
and class bodies (function bodies are only entered where a fact needs them).
The workspace index keeps summaries, never trees: they are small, picklable
and enough to resolve base classes, callees and fixtures across files.
"""

from __future__ import annotations

import ast
from collections import deque
import re
from functools import lru_cache
from dataclasses import dataclass, field, fields, is_dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from .syntax import STATEMENT_LISTS

if TYPE_CHECKING:
    from .source import Source

# Calls that run a coroutine to completion from synchronous code. A decorator
# whose body makes one of these runs the async test it wraps, so the test does
# run even on a plain TestCase.
LOOP_RUNNER_ATTRS = frozenset({"run_until_complete", "run_forever"})
LOOP_RUNNER_FUNCS = frozenset(
    {
        "asyncio.run",
        "asyncio.Runner",
        "anyio.run",
        "trio.run",
        "asgiref.sync.async_to_sync",
        "async_to_sync",
    }
)


def dotted_name(node: ast.AST | None) -> str | None:
    """`a.b.c` for Name/Attribute chains; for calls and subscripts, their callee/value."""
    parts: list[str] = []
    while True:
        if isinstance(node, ast.Call):
            node = node.func
            if parts:  # a call in the middle of a chain: `a().b` is not a name
                return None
            continue
        if isinstance(node, ast.Subscript) and not parts:
            node = node.value
            continue
        if isinstance(node, ast.Attribute):
            parts.append(node.attr)
            node = node.value
            continue
        if isinstance(node, ast.Name):
            parts.append(node.id)
            return ".".join(reversed(parts))
        return None


@dataclass(frozen=True, slots=True)
class ImportBinding:
    """Where a module-level name comes from.

    `import a.b` binds `a` to module `a`; `import a.b as c` binds `c` to module
    `a.b`; `from .m import x` binds `x` to attribute `x` of module `.m`.
    """

    module: str  # dotted module name, without the leading dots of a relative import
    name: str | None  # attribute taken from the module; None when the module itself is bound
    level: int = 0
    line: int = 0


@dataclass(slots=True)
class FunctionSummary:
    name: str
    line: int
    col: int  # byte column of the name in the def line
    is_async: bool
    decorators: tuple[str, ...] = ()  # dotted text, calls stripped ("pytest.fixture")
    # Decorator analysis: does the body run coroutines synchronously, or does
    # it return an `async def` wrapper (so the decorated test stays async)?
    runs_coroutines: bool = False
    returns_async_wrapper: bool = False
    calls_asyncio_run: bool = False  # direct asyncio.run/Runner/run_until_complete in the body
    params: tuple[str, ...] = ()
    is_async_generator: bool = False  # async def with yield: calling it gives an async generator
    sets_event_loop: bool = False  # calls set_event_loop(<not None>): code that installs its own current loop
    # Reads `self._testMethodName`: part of a TestCase's test dispatch (with runs_coroutines:
    # the class runs async tests itself, like Django's SimpleTestCase with async_to_sync).
    reads_test_method: bool = False
    # Calls named `run` (asyncio.run, anyio.run, ...) that a sync body makes on
    # every path (not under if/for/while/except, not in nested defs or lambdas):
    # (callee as written, line, byte column); qualify through the module's imports.
    unconditional_runs: tuple[tuple[str, int, int], ...] = ()
    thin_run_wrapper: str | None = None  # the body is only `return <run call>(<this parameter>)`
    # For the methods through which a class can take over how its tests run (TEST_MACHINERY):
    # "sync" when the body provably only wraps the run synchronously, "custom" when it may run,
    # rewrite or wrap test methods its own way (None for every other method).
    dispatch: str | None = None
    # A sync function whose last statement returns a call (`return self.client.get(url)`): it may
    # hand back a coroutine (engine.semantic.types.returns_coroutine tells).
    returns_call: bool = False


@dataclass(slots=True)
class FixtureSummary:
    name: str  # the name tests request (name= alias or the function name)
    func_name: str
    line: int
    col: int
    decorator: str  # qualified: "pytest.fixture" or "pytest_asyncio.fixture"
    decorator_line: int
    decorator_col: int
    decorator_end_line: int
    decorator_end_col: int
    scope: str | None  # literal scope, None when not given
    scope_dynamic: bool  # scope given as a non-literal (callable): unknown
    loop_scope: str | None
    autouse: bool
    is_async: bool
    params: tuple[str, ...]  # requested fixtures
    class_name: str | None = None
    marks: tuple[str, ...] = ()  # pytest marks stacked on the fixture


@dataclass(slots=True)
class ClassSummary:
    name: str
    line: int
    col: int
    bases: tuple[str | None, ...]  # dotted text; None for a dynamic expression
    metaclass: str | None = None
    decorators: tuple[str, ...] = ()
    methods: dict[str, FunctionSummary] = field(default_factory=dict)
    # self.<attr> = <Callee>(...) (or an annotation) in any method, and class-level
    # `<attr> = <Callee>(...)` / `<attr>: <Class>`: the dotted callee or class, for resolving
    # `self.client.get()` to a project method. Attributes given different types are left out.
    attr_types: dict[str, str] = field(default_factory=dict)
    calls_async_setup: bool = False  # the class calls asyncSetUp itself
    marks: tuple[str, ...] = ()  # pytest marks on the class and in class-level pytestmark


@dataclass(slots=True)
class ModuleSummary:
    path: Path
    is_package: bool = False
    syntax_error: str | None = None
    imports: dict[str, list[ImportBinding]] = field(default_factory=dict)
    star_imports: list[ImportBinding] = field(default_factory=list)
    classes: dict[str, ClassSummary] = field(default_factory=dict)
    functions: dict[str, FunctionSummary] = field(default_factory=dict)
    aliases: dict[str, str] = field(default_factory=dict)  # X = a.b.C
    instances: dict[str, str] = field(default_factory=dict)  # x = a.b.C(...)
    fixtures: list[FixtureSummary] = field(default_factory=list)
    hooks: frozenset[str] = frozenset()  # pytest_* hook functions defined at top level
    module_marks: tuple[str, ...] = ()  # marks in module-level pytestmark
    pytest_plugins: tuple[str, ...] = ()  # module names in a literal `pytest_plugins = ...`
    dependencies: frozenset[str] = frozenset()  # imported module names (for reverse deps)
    # Module-level names bound once to True/False and never rebound (`_IS_SYNC = False`): `if`
    # tests on them are decided like `if False:` (generated sync/async twins).
    constants: dict[str, bool] = field(default_factory=dict)
    # Does the text name `AsyncMock` (every attribute of one is a coroutine function)? True when
    # the text is not known.
    mentions_async_mock: bool = True

    def qualify(self, dotted: str | None) -> str | None:
        """Expand the first segment through this module's imports (no cross-file work).

        `fixture` with `from pytest import fixture` becomes `pytest.fixture`;
        relative imports and names defined here are returned unchanged.
        """
        if not dotted:
            return dotted
        head, _, rest = dotted.partition(".")
        bindings = self.imports.get(head)
        if not bindings:
            return dotted
        binding = bindings[-1]
        if binding.level:
            return dotted
        base = binding.module if binding.name is None else f"{binding.module}.{binding.name}"
        return f"{base}.{rest}" if rest else base


# -- comparing summaries across an edit ---------------------------------------------------------
# How each field of the summary classes compares when lines moved: positions are line numbers
# (`line`, `*_line`: moved) or columns (unchanged: moved lines keep their text); fields that hold
# other summaries are compared field by field; the rest must be equal. A new field falls into one
# of these by its name and type (tests/engine/test_reuse.py checks that every int is classified).
_LINE, _RUNS, _NESTED, _PLAIN = range(4)
_SHAPE_PLANS: dict[type, tuple[tuple[str, int], ...]] = {}
_SUMMARY_TYPES = ("ImportBinding", "FunctionSummary", "FixtureSummary", "ClassSummary")


def _shape_plan(cls: type) -> tuple[tuple[str, int], ...]:
    plan = _SHAPE_PLANS.get(cls)
    if plan is None:
        entries = []
        for item in fields(cls):
            name, annotation = item.name, str(item.type)
            if name == "line" or name.endswith("_line"):
                entries.append((name, _LINE))
            elif name == "unconditional_runs":  # (callee, line, column) triples
                entries.append((name, _RUNS))
            elif any(t in annotation for t in _SUMMARY_TYPES):
                entries.append((name, _NESTED))
            else:
                entries.append((name, _PLAIN))
        plan = _SHAPE_PLANS[cls] = tuple(entries)
    return plan


def same_shape(
    old: object, new: object, map_line: Callable[[int], int | None] | None, trusted: dict[int, object] | None = None
) -> bool:
    """Is `new` what `old` becomes when its lines move by `map_line` (None: a replaced line)?

    Compares summaries (and the containers and summaries inside them) without building the
    moved copy; stops at the first difference. `map_line=None`: lines are not compared at
    all (only what does not depend on where things are), keys and items in the same order."""
    if old is new:  # a summary part reused unmoved (see SummaryReuse)
        return True
    if trusted is not None and trusted.get(id(new)) is old:  # reused, moved by the edit
        return True
    cls = old.__class__
    if cls is not new.__class__:
        return False
    if cls is dict:
        if old.keys() != new.keys():  # type: ignore[attr-defined]
            return False
        if map_line is None and list(old) != list(new):  # type: ignore[call-overload]
            return False
        return all(same_shape(value, new[key], map_line, trusted) for key, value in old.items())  # type: ignore
    if cls is list or cls is tuple:
        return len(old) == len(new) and all(  # type: ignore[arg-type]
            same_shape(a, b, map_line, trusted) for a, b in zip(old, new)  # type: ignore[call-overload]
        )
    if not is_dataclass(cls):
        return old == new
    for name, kind in _shape_plan(cls):
        a, b = getattr(old, name), getattr(new, name)
        if kind == _PLAIN:
            if a != b:
                return False
        elif kind == _LINE:
            if map_line is not None and map_line(a) != b:
                return False
        elif kind == _NESTED:
            if not same_shape(a, b, map_line, trusted):
                return False
        else:
            if len(a) != len(b):
                return False
            for (callee, line, col), (callee2, line2, col2) in zip(a, b):
                if callee != callee2 or col != col2 or (map_line is not None and map_line(line) != line2):
                    return False
    return True


def build_summary(
    tree: ast.Module, path: Path, source: "Source | None" = None, previous: "SummaryReuse | None" = None
) -> ModuleSummary:
    """Summarise a parsed module; `source` makes name columns exact (code points).

    `previous` (kept per editor buffer): the summaries of the defs and classes the last build saw;
    those the edit did not touch are taken from there, moved (see `SummaryReuse`)."""
    summary = ModuleSummary(path=path, is_package=path.name == "__init__.py")
    summary.constants = _module_constants(tree, source)
    summary.mentions_async_mock = source is None or source.mentions_any(("AsyncMock",))
    deps: set[str] = set()
    hooks: set[str] = set()
    kept = previous.start(tree, summary.constants) if previous is not None else None
    for node in top_level_statements(tree.body, summary.constants):
        if kept is not None and node.__class__ in _DEFINITIONS:
            entry = kept.get(id(node))
            if entry is not None and entry[0] is node:
                _, built_at, part, fixtures = entry
                delta = node.lineno - built_at
                if delta:
                    part = previous.moved(part, delta)  # type: ignore[union-attr]
                    fixtures = [previous.moved(fixture, delta) for fixture in fixtures]  # type: ignore[union-attr]
                if node.__class__ is ast.ClassDef:
                    summary.classes[node.name] = part  # its fixtures come after the loop, as below
                else:
                    summary.functions[node.name] = part
                    if node.name.startswith("pytest_"):
                        hooks.add(node.name)
                    summary.fixtures.extend(fixtures)
                previous.keep(node, part, fixtures, reused=True)  # type: ignore[union-attr]
                continue
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    binding = ImportBinding(alias.name, None, 0, node.lineno)
                    summary.imports.setdefault(alias.asname, []).append(binding)
                else:
                    head = alias.name.split(".")[0]
                    summary.imports.setdefault(head, []).append(ImportBinding(head, None, 0, node.lineno))
                deps.add(alias.name)
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            deps.add("." * node.level + module)
            for alias in node.names:
                if alias.name == "*":
                    summary.star_imports.append(ImportBinding(module, None, node.level, node.lineno))
                    continue
                binding = ImportBinding(module, alias.name, node.level, node.lineno)
                summary.imports.setdefault(alias.asname or alias.name, []).append(binding)
                if node.level:
                    # `from . import x` may name a submodule: a dependency too.
                    deps.add("." * node.level + (f"{module}.{alias.name}" if module else alias.name))
        elif isinstance(node, ast.ClassDef):
            part = summary.classes[node.name] = _class_summary(node, summary, source)
            # Its class-level fixtures need all the module's imports: they come after the loop.
            if previous is not None:
                previous.keep(node, part, None)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            function = summary.functions[node.name] = _function_summary(node, source)
            if node.name.startswith("pytest_"):
                hooks.add(node.name)
            fixture = _fixture_summary(node, summary, None, source)
            if fixture:
                summary.fixtures.append(fixture)
            if previous is not None:
                previous.keep(node, function, [fixture] if fixture else [])
        elif isinstance(node, ast.Assign) and len(node.targets) == 1:
            _record_assignment(summary, node.targets[0], node.value)
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            _record_assignment(summary, node.target, node.value)
    summary.hooks = frozenset(hooks)
    summary.dependencies = frozenset(deps)
    _type_module_globals(tree, summary, source)
    # Class-level fixtures need the module's imports, so they come after.
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            if previous is not None and previous.has_fixtures(node):
                summary.fixtures.extend(previous.fixtures_of(node))  # taken with the class above
                continue
            found = []
            for item in class_statements(node.body, summary.constants):
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    fixture = _fixture_summary(item, summary, node.name, source)
                    if fixture:
                        found.append(fixture)
            summary.fixtures.extend(found)
            if previous is not None:
                previous.keep_fixtures(node, found)
    if previous is not None:
        previous.finish(summary)
    return summary


def _type_module_globals(tree: ast.Module, summary: ModuleSummary, source: "Source | None") -> None:
    """Module globals typed by everything in the module that binds them (in `summary.instances`):

    - an annotation at module level, `client: Client | None = None` (or with no value), is the
      type the module promises, as a parameter's annotation is;
    - an unannotated global set to None at module level and, in functions that declare it
      `global` (a fixture, `setUpModule`), to calls of one callee (`client = Client()`) holds
      what that callee makes. Rebound to anything else (another callee, an unknown value), the
      global is unknown, including a module-level `client = Client()`.
    """
    module_values: dict[str, list[ast.expr | None]] = {}
    annotated: dict[str, str] = {}
    for node in top_level_statements(tree.body, summary.constants):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                for name in (n.id for n in ast.walk(target) if isinstance(n, ast.Name)):
                    module_values.setdefault(name, []).append(node.value if target.__class__ is ast.Name else _UNKNOWN_VALUE)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            name = node.target.id
            module_values.setdefault(name, []).append(node.value)
            promised = annotation_name(node.annotation)
            if promised and promised not in _UNTYPED_ANNOTATIONS and _no_value(node.value):
                annotated[name] = promised
    rebound = _rebound_globals(tree) if source is None or source.mentions_any(("global",)) else {}
    for name in annotated.keys() | rebound.keys():
        if name in summary.imports or name in summary.classes or name in summary.functions:
            continue
        values = [v for v in (*module_values.get(name, ()), *rebound.get(name, ())) if not _no_value(v)]
        callees = {dotted_name(v.func) if isinstance(v, ast.Call) else None for v in values}
        if name in annotated and (not values or name not in summary.instances):
            summary.instances[name] = annotated[name]
            summary.aliases.pop(name, None)
        elif len(callees) == 1 and None not in callees:
            summary.instances[name] = callees.pop()  # type: ignore[assignment]
            summary.aliases.pop(name, None)
        elif name not in annotated:
            summary.instances.pop(name, None)
            summary.aliases.pop(name, None)


_UNKNOWN_VALUE = ast.Constant(value=...)  # a binding whose value is not one expression (unpacking)
# Annotations that say nothing about which class a value is.
_UNTYPED_ANNOTATIONS = frozenset({"Any", "typing.Any", "object", "typing_extensions.Any"})


def _no_value(value: ast.expr | None) -> bool:
    return value is None or (isinstance(value, ast.Constant) and value.value is None)


def _rebound_globals(tree: ast.Module) -> dict[str, list[ast.expr]]:
    """Names functions declare `global` and bind -> the values they bind (`_UNKNOWN_VALUE` for a
    binding that is not a plain `name = value` or `name := value`)."""
    found: dict[str, list[ast.expr]] = {}
    for function in _functions_declaring_global(tree):
        own = list(_own_nodes(function))
        declared = {name for node in own if isinstance(node, ast.Global) for name in node.names}
        if not declared:
            continue
        plain: set[int] = set()
        for node in own:
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    if isinstance(target, ast.Name) and target.id in declared:
                        found.setdefault(target.id, []).append(node.value)
                        plain.add(id(target))
            elif isinstance(node, ast.NamedExpr) and node.target.id in declared:
                found.setdefault(node.target.id, []).append(node.value)
                plain.add(id(node.target))
        for node in own:
            bound: list[str] = []
            if isinstance(node, ast.Name) and not isinstance(node.ctx, ast.Load) and id(node) not in plain:
                bound = [node.id]
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                bound = [(alias.asname or alias.name).split(".")[0] for alias in node.names]
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                bound = [node.name]
            elif isinstance(node, ast.ExceptHandler) and node.name:
                bound = [node.name]
            for name in bound:
                if name in declared:
                    found.setdefault(name, []).append(_UNKNOWN_VALUE)
    return found


def _functions_declaring_global(tree: ast.Module):
    """The functions whose own statements include a `global` statement, found by walking statements
    only (a `global` is a statement; expressions cannot hold one, lambdas included)."""
    stack: list[tuple[ast.AST, ast.AST | None]] = [(node, None) for node in tree.body]
    seen: set[int] = set()
    while stack:
        node, function = stack.pop()
        cls = node.__class__
        if cls is ast.Global:
            if function is not None and id(function) not in seen:
                seen.add(id(function))
                yield function
            continue
        inner = node if cls is ast.FunctionDef or cls is ast.AsyncFunctionDef else (None if cls is ast.ClassDef else function)
        for name in STATEMENT_LISTS:
            children = getattr(node, name, None)
            if children:
                stack.extend((child, inner) for child in children)


def _own_nodes(function: ast.AST):
    """The nodes of a function's body, not those inside nested defs, classes or lambdas (whose names
    are still bindings of the function)."""
    stack = list(function.body)  # type: ignore[attr-defined]
    while stack:
        node = stack.pop()
        yield node
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            stack.extend(ast.iter_child_nodes(node))

_DEFINITIONS = (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)


class SummaryReuse:
    """The summaries of a buffer's top-level defs and classes, kept from one build to the next.

    An editor's incremental parser hands back the very `ast` objects of the statements an edit
    did not touch (moved in place when lines were inserted or removed above them). Such a
    statement's summary is a function of its own text and of what the module binds outside
    defs and classes (imports, aliases, constants): when those statements are the same objects
    in the same order and the constants are equal, the summary is the previous one, its lines
    moved by as much as the statement moved. Anything else builds the whole summary again.
    """

    def __init__(self) -> None:
        # id(node) -> (node, its first line then, its summary, the fixtures it defines)
        self._parts: dict[int, tuple] = {}
        self._with_fixtures: set[int] = set()  # classes whose fixtures came with their entry
        self._context: tuple | None = None
        self.reused = 0  # definitions taken from the previous build in the last one
        # The last build's summary, the one it took parts from, and which of its parts are the
        # previous ones moved (id of the moved copy -> the original): `same_shape` need not
        # compare those (`trust`).
        self.last: ModuleSummary | None = None
        self._base: ModuleSummary | None = None
        self._moved_from: dict[int, object] = {}

    def reset(self) -> None:
        self._parts, self._context = {}, None
        self.last = self._base = None
        self._moved_from = {}

    def start(self, tree: ast.Module, constants: dict[str, bool]) -> dict[int, tuple] | None:
        """Begin a build: the previous parts when they can be used (else None)."""
        others = [node for node in top_level_statements(tree.body, constants) if node.__class__ not in _DEFINITIONS]
        # The nodes themselves are kept (not only their ids): an id is unique only while its object lives.
        context = (others, dict(constants))
        previous = self._context
        usable = (
            previous is not None
            and len(previous[0]) == len(others)
            and all(a is b for a, b in zip(previous[0], others))
            and previous[1] == constants
        )
        self._context = context
        parts = self._parts if usable else None
        self._parts, self._with_fixtures, self.reused = {}, set(), 0
        self._base, self._moved_from = (self.last if usable else None), {}
        return parts

    def moved(self, part, delta: int):
        copy = moved(part, delta)
        self._moved_from[id(copy)] = part
        return copy

    def finish(self, summary: ModuleSummary) -> None:
        self.last = summary

    def forget_trust(self) -> None:
        """After the check that built `last`: the previous summary and its parts need not live on."""
        self._base, self._moved_from = None, {}

    def trust(self, old: ModuleSummary, new: ModuleSummary) -> dict[int, object] | None:
        """For `same_shape(old, new, ...)`: the parts of `new` that are parts of `old` moved by
        the edit (so equal to them once moved), when `new` is this buffer's last build and was
        built from `old`."""
        if new is self.last and old is self._base and old is not None:
            return self._moved_from
        return None

    def keep(self, node: ast.AST, part: object, fixtures: list | None, *, reused: bool = False) -> None:
        """Remember a definition's summary (and the fixtures it defines: None for a class whose
        class-level fixtures are still to come) for the next build."""
        if reused:
            self.reused += 1
        if fixtures is not None and node.__class__ is ast.ClassDef:
            self._with_fixtures.add(id(node))
        self._parts[id(node)] = (node, node.lineno, part, fixtures if fixtures is not None else [])  # type: ignore[attr-defined]

    def has_fixtures(self, node: ast.ClassDef) -> bool:
        return id(node) in self._with_fixtures

    def fixtures_of(self, node: ast.ClassDef) -> list:
        return self._parts[id(node)][3]

    def keep_fixtures(self, node: ast.ClassDef, fixtures: list) -> None:
        entry = self._parts.get(id(node))
        if entry is not None and entry[0] is node:
            self._parts[id(node)] = (*entry[:3], fixtures)


# Line numbers as shared int objects. An editor re-check moves the positions of everything below
# an edit: tens of thousands of syntax tree nodes and summary entries get new line numbers on
# every keystroke that adds or removes a line. New int objects (Python shares only those up to
# 256) would each be a small long-lived allocation amid the check's garbage, which keeps the
# allocator's memory pinned long after the garbage is gone: the server's resident memory would
# grow edit after edit. Taken from this table instead, they are allocated once.
_LINE_NUMBERS: list[int] = list(range(4096))


def line_numbers(at_least: int) -> list[int]:
    """A list whose item `n` is the int `n`, for every n <= at_least."""
    global _LINE_NUMBERS
    if len(_LINE_NUMBERS) <= at_least:
        _LINE_NUMBERS = list(range(max(at_least + 1, 2 * len(_LINE_NUMBERS))))
    return _LINE_NUMBERS


def _moved_line(line: int) -> int:
    return line_numbers(line)[line] if line >= 0 else line


def moved(value, delta: int):
    """A summary (or a container of them) with every line number moved by `delta`."""
    cls = value.__class__
    if cls is dict:
        return {key: moved(item, delta) for key, item in value.items()}
    if cls is list:
        return [moved(item, delta) for item in value]
    if cls is tuple:
        return tuple(moved(item, delta) for item in value)
    if not is_dataclass(cls):
        return value
    values = {}
    for name, kind in _shape_plan(cls):
        item = getattr(value, name)
        if kind == _LINE:
            item = _moved_line(item + delta) if item else item
        elif kind == _NESTED:
            item = moved(item, delta)
        elif kind == _RUNS:
            item = tuple((callee, _moved_line(line + delta), col) for callee, line, col in item)
        values[name] = item
    return cls(**values)


def class_statements(body: list[ast.stmt], constants: dict[str, bool]):
    """The statements of a class body, including those in `if`/`try` blocks (only the live branch of
    an `if` whose test is known: `if not _IS_SYNC:` with `_IS_SYNC = False`)."""
    for node in body:
        if isinstance(node, ast.If):
            live = static_truth(node.test, constants)
            if live is not False:
                yield from class_statements(node.body, constants)
            if live is not True:
                yield from class_statements(node.orelse, constants)
        elif isinstance(node, ast.Try) or type(node).__name__ == "TryStar":
            yield from class_statements(node.body, constants)
            for handler in node.handlers:
                yield from class_statements(handler.body, constants)
            yield from class_statements(node.orelse, constants)
            yield from class_statements(node.finalbody, constants)
        else:
            yield node


def static_truth(test: ast.expr, constants: dict[str, bool] | None = None) -> bool | None:
    """The value of an `if` condition known without running anything (None: not known): literals,
    `TYPE_CHECKING`, module constants (see `ModuleSummary.constants`), and `not`/`and`/`or` of those."""
    cls = test.__class__
    if cls is ast.Constant and isinstance(test.value, (bool, int)):  # type: ignore[attr-defined]
        return bool(test.value)  # type: ignore[attr-defined]
    if cls is ast.Name or cls is ast.Attribute:
        name = test.id if cls is ast.Name else test.attr  # type: ignore[attr-defined]
        if name == "TYPE_CHECKING":
            return False
        if cls is ast.Name and constants:
            return constants.get(name)
        return None
    if cls is ast.UnaryOp and isinstance(test.op, ast.Not):  # type: ignore[attr-defined]
        inner = static_truth(test.operand, constants)  # type: ignore[attr-defined]
        return None if inner is None else not inner
    if cls is ast.BoolOp and constants:
        values = [static_truth(value, constants) for value in test.values]  # type: ignore[attr-defined]
        if isinstance(test.op, ast.And):  # type: ignore[attr-defined]
            return False if False in values else True if all(v is True for v in values) else None
        return True if True in values else False if all(v is False for v in values) else None
    return None


def _module_constants(tree: ast.Module, source: "Source | None") -> dict[str, bool]:
    """Names bound exactly once at module level, to True or False, and never declared `global`."""
    if source is not None and not source.mentions_any(("= True", "= False", "=True", "=False")):
        return {}
    values: dict[str, bool] = {}
    bound: dict[str, int] = {}
    for node in top_level_statements(tree.body):
        targets: list[ast.expr] = []
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, (ast.AnnAssign, ast.AugAssign)):
            targets = [node.target]
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound[node.name] = bound.get(node.name, 0) + 1
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                name = (alias.asname or alias.name).split(".")[0]
                bound[name] = bound.get(name, 0) + 1
        for target in targets:
            if isinstance(target, ast.Name):
                bound[target.id] = bound.get(target.id, 0) + 1
                value = getattr(node, "value", None)
                if isinstance(node, ast.Assign) and len(targets) == 1 and isinstance(value, ast.Constant) \
                        and isinstance(value.value, bool):
                    values[target.id] = value.value
    text = source.text if source is not None else ""
    return {
        name: value for name, value in values.items()
        if bound.get(name) == 1 and not re.search(rf"\bglobal\b[^\n]*\b{re.escape(name)}\b", text)
    }


def top_level_statements(body: list[ast.stmt], constants: dict[str, bool] | None = None):
    """Module-level statements, including those inside if/try/with blocks (only the live branch of an
    `if` decided by `constants`, see `static_truth`)."""
    for node in body:
        if isinstance(node, ast.If):
            live = static_truth(node.test, constants) if constants else None
            if live is not False:
                yield from top_level_statements(node.body, constants)
            if live is not True:
                yield from top_level_statements(node.orelse, constants)
        elif isinstance(node, ast.Try) or type(node).__name__ == "TryStar":
            yield from top_level_statements(node.body, constants)
            for handler in node.handlers:
                yield from top_level_statements(handler.body, constants)
            yield from top_level_statements(node.orelse, constants)
            yield from top_level_statements(node.finalbody, constants)
        elif isinstance(node, ast.With):
            yield from top_level_statements(node.body, constants)
        else:
            yield node


def _record_assignment(summary: ModuleSummary, target: ast.expr, value: ast.expr) -> None:
    if not isinstance(target, ast.Name):
        return
    if target.id == "pytestmark":
        summary.module_marks = tuple(_marks_of(value, summary))
        return
    if target.id == "pytest_plugins":
        items = value.elts if isinstance(value, (ast.List, ast.Tuple)) else [value]
        summary.pytest_plugins = tuple(
            item.value for item in items if isinstance(item, ast.Constant) and isinstance(item.value, str)
        )
        return
    if isinstance(value, ast.Call):
        callee = dotted_name(value.func)
        if callee:
            summary.instances[target.id] = callee
    else:
        alias = dotted_name(value) if isinstance(value, (ast.Name, ast.Attribute)) else None
        if alias:
            summary.aliases[target.id] = alias


def _marks_of(value: ast.expr, summary: ModuleSummary) -> list[str]:
    """`pytestmark = pytest.mark.x` or a list/tuple of marks -> ["pytest.mark.x", ...]."""
    items = value.elts if isinstance(value, (ast.List, ast.Tuple)) else [value]
    marks = []
    for item in items:
        name = summary.qualify(dotted_name(item))
        if name:
            marks.append(name)
    return marks


# Methods through which a class (or its metaclass) can take over how its test methods are run.
TEST_MACHINERY = frozenset(
    {"__init_subclass__", "__getattribute__", "__getattr__", "run", "_callTestMethod", "__call__", "debug",
     "__new__", "__prepare__"}
)
# What a provably synchronous override may call: super() and the TestCase/object API on self.
_SYNC_SELF_API = frozenset(
    {"addCleanup", "doCleanups", "enterContext", "skipTest", "id", "shortDescription", "subTest", "fail",
     "addTypeEqualityFunc", "countTestCases", "defaultTestResult"}
)
_SYNC_BUILTINS = frozenset(
    {"super", "print", "len", "isinstance", "issubclass", "str", "repr", "int", "bool", "type", "id", "hasattr",
     "list", "dict", "tuple", "set", "sorted", "min", "max", "format", "RuntimeError", "ValueError", "TypeError",
     "AttributeError", "NotImplementedError", "Exception", "AssertionError"}
)
_DYNAMIC_WORDS = frozenset(
    {"_testMethodName", "__dict__", "iscoroutinefunction", "iscoroutine", "isawaitable", "getTestCaseNames"}
)


def _dispatch_verdict(node: ast.FunctionDef | ast.AsyncFunctionDef) -> str:
    """"sync" when a machinery override only wraps the run synchronously: no coroutine handling,
    no dynamic access to test methods, and no calls but `super()`'s, the TestCase API on `self`,
    harmless builtins and logging. Anything else may run async tests its own way: "custom"."""
    if isinstance(node, ast.AsyncFunctionDef):
        return "custom"
    for sub in ast.walk(node):
        if sub is node:
            continue
        if isinstance(sub, (ast.AsyncFunctionDef, ast.Await, ast.AsyncFor, ast.AsyncWith)):
            return "custom"
        if isinstance(sub, ast.Attribute) and sub.attr in _DYNAMIC_WORDS:
            return "custom"
        if isinstance(sub, ast.Name) and sub.id in ("getattr", "setattr", "vars", "dir", "delattr"):
            return "custom"
        if isinstance(sub, ast.Call) and not _harmless_call(sub.func):
            return "custom"
    return "sync"


def _harmless_call(func: ast.AST) -> bool:
    if isinstance(func, ast.Name):
        return func.id in _SYNC_BUILTINS
    if not isinstance(func, ast.Attribute):
        return False
    receiver = func.value
    if isinstance(receiver, ast.Call) and isinstance(receiver.func, ast.Name) and receiver.func.id == "super":
        return True  # super().run(result): the standard dispatch
    if isinstance(receiver, ast.Name) and receiver.id == "self":
        return func.attr in _SYNC_SELF_API or func.attr.startswith("assert")
    head = dotted_name(receiver)
    return head is not None and head.split(".")[0] in ("logging", "logger", "log", "warnings")


def _function_summary(node: ast.FunctionDef | ast.AsyncFunctionDef, source: "Source | None") -> FunctionSummary:
    decorators = tuple(d for d in (dotted_name(dec) for dec in node.decorator_list) if d)
    summary = FunctionSummary(
        name=node.name,
        line=node.lineno,
        col=_name_col(node, source),
        is_async=isinstance(node, ast.AsyncFunctionDef),
        decorators=decorators,
        params=tuple(arg.arg for arg in node.args.posonlyargs + node.args.args + node.args.kwonlyargs),
    )
    if summary.is_async:
        # No `yield` anywhere in the file: no async def of it is a generator (skip the walk).
        summary.is_async_generator = (source is None or source.mentions_any(("yield",))) and contains_yield(node)
        return summary
    last = node.body[-1] if node.body else None
    summary.returns_call = last.__class__ is ast.Return and last.value.__class__ is ast.Call  # type: ignore[union-attr]
    if source is None or (source.mentions_any(_RUNNER_WORDS) and _segment_mentions(source, node, _RUNNER_WORDS)):
        # Most functions never drive a loop: only walk the bodies whose text could.
        _analyse_sync_body(node, summary)
    return summary


def _segment_mentions(source: "Source", node: ast.AST, words: tuple[str, ...]) -> bool:
    """Does the text of `node` (its own lines) contain any of `words`?"""
    lines = source.lines[node.lineno - 1 : (node.end_lineno or node.lineno)]  # type: ignore[attr-defined]
    text = "\n".join(lines)
    return any(word in text for word in words)


# Words that must occur in a file for any of its sync functions to run coroutines
# (or to install a current loop: `sets_event_loop`).
_RUNNER_WORDS = ("run_until_complete", "run_forever", "run(", "Runner", "async_to_sync", "set_event_loop")


def contains_yield(function: ast.AST) -> bool:
    """Does this function's own body yield (nested functions and classes excluded)?"""
    stack = list(function.body)  # type: ignore[attr-defined]
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.Yield, ast.YieldFrom)):
            return True
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            continue
        stack.extend(ast.iter_child_nodes(node))
    return False


def _analyse_sync_body(node: ast.FunctionDef, summary: FunctionSummary) -> None:
    """Facts about a sync function that other files' rules need.

    Only functions that call something are walked; this is where decorators
    that run coroutines and helpers that call asyncio.run are recognised.
    """
    has_nested = any(isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)) for stmt in node.body)
    nested_async: set[str] = set()
    calls_run = False
    for sub in ast.walk(node):
        if isinstance(sub, ast.Call):
            name = dotted_name(sub.func)
            if name is None:
                continue
            last = name.rpartition(".")[2]
            if last == "run":
                calls_run = True
            elif last == "set_event_loop" and sub.args and not _is_none(sub.args[0]):
                summary.sets_event_loop = True
            if last in LOOP_RUNNER_ATTRS or name in LOOP_RUNNER_FUNCS or last == "async_to_sync":
                summary.runs_coroutines = True
                if name in ("asyncio.run", "asyncio.Runner") or last in LOOP_RUNNER_ATTRS:
                    summary.calls_asyncio_run = True
            elif name == "asyncio.run":
                summary.calls_asyncio_run = True
        elif isinstance(sub, ast.Attribute) and sub.attr == "_testMethodName":
            summary.reads_test_method = True
        elif has_nested and isinstance(sub, ast.AsyncFunctionDef) and sub is not node:
            nested_async.add(sub.name)
    if nested_async:
        for sub in ast.walk(node):
            if isinstance(sub, ast.Return) and isinstance(sub.value, ast.Name) and sub.value.id in nested_async:
                summary.returns_async_wrapper = True
                break
    if calls_run:
        _record_unconditional_runs(node, summary)


def _may_leave(stmt: ast.stmt) -> bool:
    """Does a compound statement contain a return/raise (outside nested defs)?"""
    stack: list[ast.AST] = [stmt]
    while stack:
        sub = stack.pop()
        if isinstance(sub, (ast.Return, ast.Raise)):
            return True
        if isinstance(sub, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            continue
        stack.extend(ast.iter_child_nodes(sub))
    return False


def _is_none(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and node.value is None


def _record_unconditional_runs(node: ast.FunctionDef, summary: FunctionSummary) -> None:
    """Find the `...run(...)` calls made on every path through a sync body (LP001's helper case).

    A call under `if`/`for`/`while`/`except` may be the branch taken only when
    no loop is running (the `is_running()` dodge), and one in a nested def or
    lambda may run in another thread: neither is recorded.
    """
    runs: list[tuple[str, int, int]] = []
    pending: list[ast.AST] = []

    def collect(body: list[ast.stmt]) -> bool:
        """Queue the unconditional statements; False once a branch may leave early."""
        for stmt in body:
            if isinstance(stmt, (ast.With, ast.AsyncWith)):
                pending.extend(item.context_expr for item in stmt.items)
                if not collect(stmt.body):
                    return False
            elif isinstance(stmt, ast.Try) and not stmt.handlers:
                if not collect(stmt.body) or not collect(stmt.finalbody):
                    return False
            elif isinstance(stmt, (ast.Expr, ast.Assign, ast.AnnAssign, ast.AugAssign, ast.Return)):
                pending.append(stmt)
            elif _may_leave(stmt):
                # `if loop.is_running(): return ...` guards what follows.
                return False
        return True

    collect(node.body)
    while pending:
        sub = pending.pop()
        if isinstance(sub, (ast.Lambda, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        if isinstance(sub, ast.Call):
            name = dotted_name(sub.func)
            if name is not None and name.rpartition(".")[2] == "run":
                runs.append((name, sub.lineno, sub.col_offset))
        pending.extend(ast.iter_child_nodes(sub))
    summary.unconditional_runs = tuple(sorted(runs, key=lambda r: (r[1], r[2])))
    body = node.body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) and isinstance(
        body[0].value.value, str
    ):
        body = body[1:]  # docstring
    if len(body) == 1 and isinstance(body[0], ast.Return):
        call = body[0].value
        if (
            isinstance(call, ast.Call)
            and (dotted_name(call.func) or "").rpartition(".")[2] == "run"
            and len(call.args) == 1
            and not call.keywords
            and isinstance(call.args[0], ast.Name)
            and call.args[0].id in summary.params
        ):
            summary.thin_run_wrapper = call.args[0].id


def _char(source: "Source | None", line: int, byte_col: int) -> int:
    return source.char_col(line, byte_col) if source is not None else byte_col


def _name_col(node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef, source: "Source | None") -> int:
    """Column (code points) of the name in a def/class line."""
    if source is not None:
        return source.name_span(node)[1]
    if isinstance(node, ast.AsyncFunctionDef):
        return node.col_offset + len("async def ")
    if isinstance(node, ast.FunctionDef):
        return node.col_offset + len("def ")
    return node.col_offset + len("class ")


def _class_summary(node: ast.ClassDef, module: ModuleSummary, source: "Source | None") -> ClassSummary:
    summary = ClassSummary(
        name=node.name,
        line=node.lineno,
        col=_name_col(node, source),
        bases=tuple(dotted_name(base) for base in node.bases),
        decorators=tuple(d for d in (dotted_name(dec) for dec in node.decorator_list) if d),
    )
    marks = [m for m in (module.qualify(d) for d in summary.decorators) if m and ".mark." in m]
    for keyword in node.keywords:
        if keyword.arg == "metaclass":
            summary.metaclass = dotted_name(keyword.value) or "<dynamic>"
    conflicting: set[str] = set()  # attributes assigned different types in different places
    for item in class_statements(node.body, module.constants):
        if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
            method = summary.methods[item.name] = _function_summary(item, source)
            if item.name in TEST_MACHINERY:
                method.dispatch = _dispatch_verdict(item)
            _collect_attr_types(item, summary, conflicting, deep=item.name in _SETUP_METHODS)
        elif isinstance(item, ast.Assign) and len(item.targets) == 1 and isinstance(item.targets[0], ast.Name):
            target = item.targets[0].id
            if target == "pytestmark":
                marks.extend(_marks_of(item.value, module))
            elif isinstance(item.value, ast.Call):
                callee = dotted_name(item.value.func)
                if callee:
                    _record_attr_type(summary, target, callee, conflicting)
        elif isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name):
            annotated = annotation_name(item.annotation)
            if annotated:
                _record_attr_type(summary, item.target.id, annotated, conflicting)
    for name in conflicting:
        summary.attr_types.pop(name, None)
    summary.marks = tuple(marks)
    if source is None or _mentions_async_setup_access(source):
        summary.calls_async_setup = _calls_async_setup(node)
    return summary


# Methods whose nested blocks are searched for attribute assignments too (in other methods, only
# the statements directly in the body are: cheaper, and where attributes are usually set).
_SETUP_METHODS = frozenset({"setUp", "asyncSetUp", "__init__", "setUpClass", "setup_method", "setup_class"})


def _collect_attr_types(
    method: ast.FunctionDef | ast.AsyncFunctionDef, summary: ClassSummary, conflicting: set[str], *, deep: bool
) -> None:
    """`self.x = C(...)` (or `self.x: C = ...`) in any method: x holds a C, unless x is given another type elsewhere."""
    receivers = {"self", "cls"}
    annotated: dict[str, str] | None = None  # the method's parameters with a class annotation
    for sub in (_statements_within(method) if deep else method.body):
        cls = sub.__class__
        if cls is ast.Assign and sub.value.__class__ in (ast.Call, ast.Name):
            if sub.value.__class__ is ast.Call:
                callee = dotted_name(sub.value.func)
            else:  # `self.store = store`, with `store: Store` a parameter
                if annotated is None:
                    arguments = method.args
                    annotated = {
                        a.arg: name for a in (*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs)
                        if a.annotation is not None and (name := annotation_name(a.annotation))
                    }
                callee = annotated.get(sub.value.id)
            if not callee:
                continue
            for target in sub.targets:
                if target.__class__ is ast.Attribute and target.value.__class__ is ast.Name and target.value.id in receivers:
                    _record_attr_type(summary, target.attr, callee, conflicting)
        elif cls is ast.AnnAssign and sub.target.__class__ is ast.Attribute:
            target = sub.target
            if target.value.__class__ is ast.Name and target.value.id in receivers:
                annotation = annotation_name(sub.annotation)
                if annotation:
                    _record_attr_type(summary, target.attr, annotation, conflicting)


def _record_attr_type(summary: ClassSummary, attr: str, callee: str, conflicting: set[str]) -> None:
    known = summary.attr_types.setdefault(attr, callee)
    if known != callee:
        conflicting.add(attr)


def annotation_name(annotation: ast.AST) -> str | None:
    """The dotted class name an annotation promises: `C`, `m.C`, `"C"`, `Optional[C]`, `C | None` (else None)."""
    if isinstance(annotation, ast.Constant) and isinstance(annotation.value, str):
        try:
            annotation = ast.parse(annotation.value.strip(), mode="eval").body
        except SyntaxError:
            return None
    if isinstance(annotation, ast.BinOp) and isinstance(annotation.op, ast.BitOr):
        sides = [side for side in (annotation.left, annotation.right) if not (isinstance(side, ast.Constant) and side.value is None)]
        return annotation_name(sides[0]) if len(sides) == 1 else None
    if isinstance(annotation, ast.Subscript):
        generic = dotted_name(annotation.value) or ""
        if generic.rpartition(".")[2] == "Optional":
            return annotation_name(annotation.slice)
        return None
    if isinstance(annotation, (ast.Name, ast.Attribute)):
        return dotted_name(annotation)
    return None


_LIST_FIELDS: dict[type, tuple[str, ...]] = {}


def _statements_within(node: ast.AST):
    """The statements nested in `node` (nested defs and classes included) in `ast.walk`'s order,
    without visiting expressions: statements only occur in these lists (handlers and match
    cases are nodes in between, as in `ast.walk`)."""
    queue = deque([node])
    while queue:
        current = queue.popleft()
        cls = current.__class__
        fields = _LIST_FIELDS.get(cls)
        if fields is None:
            fields = _LIST_FIELDS[cls] = tuple(f for f in cls._fields if f in STATEMENT_LISTS)
        for name in fields:
            children = getattr(current, name)
            queue.extend(children)
        if current is not node and isinstance(current, ast.stmt):
            yield current


_ASYNC_SETUP_ACCESS = re.compile(r"\.[\s\\]*async(?:SetUp|TearDown)\b")


def _mentions_async_setup_access(source: "Source") -> bool:
    """Does the file access an `.asyncSetUp`/`.asyncTearDown` attribute at all? (else skip the walks)"""
    return source.mentions_any(("asyncSetUp", "asyncTearDown")) and _accesses_async_setup(source.text)


@lru_cache(maxsize=4)
def _accesses_async_setup(text: str) -> bool:
    return _ASYNC_SETUP_ACCESS.search(text) is not None


def _calls_async_setup(node: ast.ClassDef) -> bool:
    """Does the class invoke its own asyncSetUp (e.g. via run_until_complete in setUp)?"""
    for item in node.body:
        if not isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) or item.name in ("asyncSetUp",):
            continue
        for sub in ast.walk(item):
            if (
                isinstance(sub, ast.Attribute)
                and sub.attr in ("asyncSetUp", "asyncTearDown")
                and isinstance(sub.value, ast.Name)
                and sub.value.id in ("self", "cls")
            ):
                return True
    return False


def _fixture_summary(
    node: ast.FunctionDef | ast.AsyncFunctionDef, module: ModuleSummary, class_name: str | None, source: "Source | None"
) -> FixtureSummary | None:
    fixture_dec = None
    marks: list[str] = []
    for dec in node.decorator_list:
        qualified = module.qualify(dotted_name(dec))
        if qualified in ("pytest.fixture", "pytest_asyncio.fixture", "pytest_asyncio.plugin.fixture"):
            fixture_dec = (dec, "pytest_asyncio.fixture" if "asyncio" in qualified else "pytest.fixture")
        elif qualified and qualified.startswith("pytest.mark."):
            marks.append(qualified)
    if fixture_dec is None:
        return None
    dec, decorator = fixture_dec
    name = node.name
    scope: str | None = None
    scope_dynamic = False
    loop_scope: str | None = None
    autouse = False
    if isinstance(dec, ast.Call):
        for keyword in dec.keywords:
            value = keyword.value
            literal = value.value if isinstance(value, ast.Constant) else None
            if keyword.arg == "name" and isinstance(literal, str):
                name = literal
            elif keyword.arg == "scope":
                if isinstance(literal, str):
                    scope = literal
                else:
                    scope_dynamic = True
            elif keyword.arg == "loop_scope" and isinstance(literal, str):
                loop_scope = literal
            elif keyword.arg == "autouse":
                autouse = literal is True
        if dec.args and isinstance(dec.args[0], ast.Constant) and isinstance(dec.args[0].value, str):
            scope = dec.args[0].value  # pytest.fixture("module") (old positional form)
    params = tuple(
        arg.arg for arg in node.args.posonlyargs + node.args.args + node.args.kwonlyargs if arg.arg not in ("self", "cls")
    )
    return FixtureSummary(
        name=name,
        func_name=node.name,
        line=node.lineno,
        col=_name_col(node, source),
        decorator=decorator,
        decorator_line=dec.lineno,
        decorator_col=_char(source, dec.lineno, dec.col_offset),
        decorator_end_line=dec.end_lineno or dec.lineno,
        decorator_end_col=_char(source, dec.end_lineno or dec.lineno, dec.end_col_offset or dec.col_offset),
        scope=scope,
        scope_dynamic=scope_dynamic,
        loop_scope=loop_scope,
        autouse=autouse,
        is_async=isinstance(node, ast.AsyncFunctionDef),
        params=params,
        class_name=class_name,
        marks=tuple(marks),
    )
