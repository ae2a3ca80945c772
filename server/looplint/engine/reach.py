"""Which names a file can call project functions by: exact pre-checks before resolution.

Resolving every call of a file through the project is the main cost of the
coroutine and event-loop rules. But a call can only reach a project function
of some kind (an `async def`, a sync helper that runs `asyncio.run`) under a
name such a function has in a module, class or object the file can reach: its
own definitions, what it imports, the classes those define (through their MRO
and their `self.x = Client()` attributes), and module-level objects. Collecting
those names once per file lets rules skip, by a set lookup, every call whose
last name is not among them.

`None` means the names cannot be bounded (an AsyncMock, whose every attribute
is a coroutine function, or a namespace package whose modules are not known):
callers must then resolve every call. Asked with `async_mocks=True`, a reachable
module whose text names `AsyncMock` (one of its functions, fixtures or base
classes may hand one out) is unbounded too.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Callable

from . import knowledge
from .summary import FunctionSummary, ModuleSummary
from .symbols import External, Instance, ProjectClass, ProjectFunction, ProjectModule, ProjectNamespace, options_of

if TYPE_CHECKING:  # pragma: no cover
    from .checker import FileContext
    from .project import Project

Predicate = Callable[[FunctionSummary], bool]


class _Unbounded(Exception):
    """The file can reach something whose callable names are not known."""


def reachable_names(
    ctx: "FileContext", key: str, predicate: Predicate, async_mocks: bool = False
) -> frozenset[str] | None:
    """Names under which this file may call project functions satisfying `predicate` (None: any name)."""
    collector = _Collector(ctx.project, key, predicate, async_mocks)
    try:
        summary = ctx.summary
        collector.visit(summary)
        collector.module_body(ctx.path, summary, depth=0)
        for local, _ in summary.imports.items():
            collector.symbol(ctx.project.resolve_dotted(ctx.path, local), local, depth=1)
        for module in summary.dependencies:  # `import a.b.c` binds only `a`
            level = len(module) - len(module.lstrip("."))
            collector.symbol(ctx.project.resolve_module(ctx.path, module.lstrip("."), level), None, depth=1)
        for star in summary.star_imports:
            collector.symbol(ctx.project.resolve_module(ctx.path, star.module, star.level), None, depth=1)
        # Fixtures hand tests values whose classes the test module need not import: what the
        # conftest.py files above it define and import is reachable too.
        for conftest in _conftests(ctx.project, ctx.path):
            collector.symbol(ProjectModule(conftest), None, depth=1)
            conftest_summary = ctx.project.summary(conftest)
            collector.visit(conftest_summary)
            for local in conftest_summary.imports if conftest_summary is not None else ():
                collector.symbol(ctx.project.resolve_dotted(conftest, local), None, depth=1)
    except _Unbounded:
        return None
    # Functions nested in other functions are not project functions: callers
    # handle them before resolution (FileContext.local_function).
    return frozenset(collector.names)


class _Collector:
    def __init__(self, project: "Project", key: str, predicate: Predicate, async_mocks: bool = False):
        self.project = project
        self.key = key
        self.predicate = predicate
        self.async_mocks = async_mocks
        self.names: set[str] = set()
        self.seen_classes: set[tuple[Path, str]] = set()

    def visit(self, summary: ModuleSummary | None) -> None:
        """Reaching into a module: unbounded if AsyncMocks are asked about and it may make one."""
        if self.async_mocks and summary is not None and summary.mentions_async_mock:
            raise _Unbounded

    def symbol(self, symbol, local: str | None, depth: int) -> None:
        for option in options_of(symbol):
            if isinstance(option, Instance):
                option = option.of
                if isinstance(option, External) and option.qualname in knowledge.ASYNC_MOCK_CLASSES:
                    raise _Unbounded
            if isinstance(option, ProjectFunction):
                self.visit(self.project.summary(option.path))
                function = self.project.function_summary(option)
                if function is None or self.predicate(function):
                    self.names.add(option.name)
                    if local:
                        self.names.add(local)
            elif isinstance(option, ProjectClass):
                self.cls(option, depth)
            elif isinstance(option, ProjectModule):
                self.names.update(self._module_names(option.path, depth))
            elif isinstance(option, ProjectNamespace):
                raise _Unbounded

    def cls(self, symbol: ProjectClass, depth: int) -> None:
        key = (symbol.path, symbol.name)
        if key in self.seen_classes:
            return
        self.seen_classes.add(key)
        model = self.project.class_model(symbol)
        if model is None:
            return
        for class_name, path, _, _ in model.chain_locations:
            self.visit(self.project.summary(path))
        for name, (_, _, function) in model.methods.items():
            if self.predicate(function):
                self.names.add(name)
        if depth > 2:
            return
        # `self.client = Client()` anywhere in the chain: Client's methods are reachable too.
        for class_name, path, _, _ in model.chain_locations:
            summary = self.project.summary(path)
            owner = summary.classes.get(class_name) if summary else None
            for callee in owner.attr_types.values() if owner else ():
                self.symbol(Instance(self.project.resolve_dotted(path, callee)), None, depth + 1)

    def module_body(self, path: Path, summary: ModuleSummary, depth: int) -> None:
        for function in summary.functions.values():
            if self.predicate(function):
                self.names.add(function.name)
        for name in summary.classes:
            self.cls(ProjectClass(path, name), depth)
        for callee in summary.instances.values():
            self.symbol(Instance(self.project.resolve_dotted(path, callee)), None, depth + 1)

    def _module_names(self, path: Path, depth: int) -> frozenset[str]:
        """Names a module offers as `module.x`, cached per module until summaries change."""

        def build() -> frozenset[str] | None:
            inner = _Collector(self.project, self.key, self.predicate, self.async_mocks)
            summary = self.project.summary(path)
            if summary is None:
                return frozenset()
            try:
                inner.visit(summary)
                inner.module_body(path, summary, depth + 1)
                for local in summary.imports if depth < 3 else ():
                    target = self.project.resolve_dotted(path, local)
                    if isinstance(target, (ProjectClass, ProjectFunction)):
                        # `module.Name` also reaches what the module imports and re-exports
                        # (`from .http_writer import PayloadWriter` in `http.py`).
                        inner.symbol(target, None, depth + 1)
                    elif isinstance(target, ProjectModule) and summary.is_package:
                        # `pkg.sub.f()` works when pkg's __init__ imports sub.
                        inner.names.update(inner._module_names(target.path, depth + 1))
            except _Unbounded:
                return None
            return frozenset(inner.names)

        names = self.project.derived(("reachable-names", self.key, path), build)
        if names is None:
            raise _Unbounded
        return names  # type: ignore[return-value]


def _conftests(project: "Project", path: Path) -> list[Path]:
    """The conftest.py files in the folders from `path`'s up to the project root (not `path` itself)."""
    found = []
    directory = path.parent
    while True:
        candidate = directory / "conftest.py"
        if candidate != path and project.source_exists(candidate):
            found.append(candidate)
        if directory == project.root or directory.parent == directory or project.root not in directory.parents:
            break
        directory = directory.parent
    return found
