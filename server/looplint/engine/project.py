"""The project model: files, module summaries and name resolution across files.

A `Project` knows its root, its settings, and a cache of module summaries
(built lazily: a file's summary is made the first time another file needs a
name from it, or when the file itself is checked). Resolution follows imports
the way Python would find them from a test run at the project root, and stops
at the project's edge: anything else is an `External` qualified name, which
`knowledge` may or may not know.
"""

from __future__ import annotations

import builtins
import os
import sys
import threading
from collections import OrderedDict
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable, Iterator

from . import knowledge
from .source import Source, SourceError, read_source
from .parse import parse_module
from .settings import DEFAULT_EXCLUDES, Settings
from .summary import ClassSummary, FunctionSummary, ModuleSummary, SummaryReuse, build_summary, same_shape
from .symbols import (
    Ambiguous,
    External,
    Instance,
    ProjectClass,
    ProjectFunction,
    ProjectModule,
    ProjectNamespace,
    Symbol,
)

ROOT_MARKERS = ("pyproject.toml", "setup.cfg", "setup.py", ".git")
_STDLIB = frozenset(sys.stdlib_module_names)
# A distribution's own folder says so with one of these (its import roots: the folder, or its src/).
_DISTRIBUTION_MARKERS = ("pyproject.toml", "setup.py", "setup.cfg")
_DISTRIBUTION_DEPTH = 3  # libs/<name>/, packages/<group>/<name>/: deeper ones are rare
_DISTRIBUTION_SCAN_LIMIT = 5_000  # folder entries looked at, so a huge tree costs a bounded scan
_MISSING = object()
_BUILTINS = frozenset(dir(builtins))


def find_project_root(start: Path) -> Path:
    """Nearest ancestor (or self) holding a root marker; the start directory if none."""
    start = start.resolve()
    directory = start if start.is_dir() else start.parent
    for candidate in (directory, *directory.parents):
        if any((candidate / marker).exists() for marker in ROOT_MARKERS):
            return candidate
    return directory


@dataclass
class ClassModel:
    """A class with its resolved ancestry, as the rules need it."""

    path: Path
    name: str
    line: int
    col: int
    chain: list[str]  # readable MRO: ["TestAgent", "AsyncBase", "BaseCase", "unittest.TestCase"]
    chain_locations: list[tuple[str, Path, int, int]]  # project classes in the chain: (name, path, line, col)
    is_testcase: bool | None  # derives from unittest.TestCase (None: cannot tell)
    is_isolated: bool | None  # derives from IsolatedAsyncioTestCase
    async_aware_base: str | None  # a framework base that runs async tests (django, aiounittest, ...)
    broken_base: str | None  # e.g. asynctest.TestCase
    unknown_bases: list[str]
    # name -> (path, class name, summary), first definition in MRO order
    methods: dict[str, tuple[Path, str, FunctionSummary]] = field(default_factory=dict)
    calls_async_setup: bool = False
    marks: tuple[str, ...] = ()
    # Machinery in the class chain that runs test methods its own way (why, for the hover):
    # "`Base.__init_subclass__` (tests/utils.py:12) rewrites or wraps the test methods".
    custom_dispatch: str | None = None

    @property
    def runs_async_tests(self) -> bool | None:
        """Does the class's runner await `async def test_*` methods? None: unknown.

        A class whose chain takes over how tests run (`__init_subclass__`, a metaclass, an
        override of `run`, `__call__`, `_callTestMethod`, ...) counts as running them, unless
        the override is provably a synchronous wrapper."""
        if self.is_isolated or self.async_aware_base or self.broken_base or self.custom_dispatch:
            return True
        if self.unknown_bases:
            return None
        return False

    @property
    def is_plain_sync_testcase(self) -> bool:
        """Certainly a unittest.TestCase whose runner never awaits async tests."""
        return self.is_testcase is True and self.runs_async_tests is False

    def describe_chain(self) -> str:
        return " → ".join(self.chain)


class Project:
    """Summaries and resolution for one project root (thread-safe for readers)."""

    def __init__(self, root: Path, settings: Settings | None = None):
        self.root = root.resolve()
        self.settings = settings or Settings()
        self._summaries: dict[Path, ModuleSummary | None] = {}
        self._overlays: dict[Path, str] = {}
        self._exists: dict[Path, bool] = {}
        # resolve_module results by (importing directory, module, level); cleared with _exists
        self._modules: dict[tuple[Path, str, int], Symbol] = {}
        self._relpaths: dict[Path, str] = {}  # relpath() answers (the root never changes)
        self._class_models: dict[tuple[Path, str], ClassModel] = {}
        # Cross-file facts derived from summaries; dropped together with the class models.
        self._derived: dict[object, object] = {}
        # Derived facts too big to keep for every module (a module's parsed tree and checking
        # context): the most recently used few, dropped together with the derived facts.
        self._bounded: OrderedDict[object, object] = OrderedDict()
        self._module_names: dict[Path, str] = {}
        self._memo: dict[object, object] = {}  # project-wide derived facts (see `memo`)
        self._lock = threading.RLock()
        self.parse_count = 0  # how many files were parsed for summaries (benchmarks report it)
        # Bumped whenever what the project knows changes (a summary replaced by a different one,
        # files appearing, invalidation): an editor re-check reuses results only within one epoch.
        self.epoch = 0
        # Unsaved texts that changed, per file: a body edited in one buffer can change what another
        # file's check finds without changing any summary (a helper's effects).
        self._text_changes: dict[Path, int] = {}
        self._text_changes_total = 0
        # Called with a path whose summary is missing; may return one (after checking that
        # file in full) or None to build it here.
        self.summary_provider: Callable[[Path], ModuleSummary | None] | None = None

    # -- summaries ---------------------------------------------------------
    def summary(self, path: Path) -> ModuleSummary | None:
        path = _norm(path)
        with self._lock:
            if path in self._summaries:
                return self._summaries[path]
        provider = self.summary_provider
        if provider is not None:
            # A batch run checks the file now rather than parsing it twice (see cli.run).
            provided = provider(path)
            if provided is not None:
                return provided
        summary = self._build(path)
        with self._lock:
            self._summaries[path] = summary
        return summary

    def source(self, path: Path) -> Source:
        """The current text of a project file: the editor's unsaved buffer, else the file (SourceError)."""
        overlay = self._overlays.get(_norm(path))
        return Source(overlay, path) if overlay is not None else read_source(path)

    def _build(self, path: Path) -> ModuleSummary | None:
        try:
            source = self.source(path)
        except SourceError:
            return None
        self.parse_count += 1
        try:
            tree = parse_module(source.text, filename=str(path))
        except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
            return ModuleSummary(path=path, syntax_error=str(exc))
        return build_summary(tree, path, source)

    def put_summary(self, path: Path, summary: ModuleSummary, reuse: "SummaryReuse | None" = None) -> None:
        """Record the summary of a file that was just parsed anyway (by the checker); `reuse`: the
        buffer's, when the summary was built with it (it knows which parts only moved)."""
        path = _norm(path)
        with self._lock:
            old = self._summaries.get(path)
            self._summaries[path] = summary
            # Class models hold summaries' facts and positions: any difference drops them (an
            # editor re-checks a file on every keystroke; typing within a line changes nothing).
            if old is not None and old is not summary and old != summary:
                if same_shape(old, summary, None, reuse.trust(old, summary) if reuse is not None else None):
                    # Only positions moved (lines inserted or removed above things): the class
                    # models stay true once they point at the new summary's positions.
                    self._rebase_class_models(path, summary)
                else:
                    self._class_models.clear()
                self._derived.clear()
                self._bounded.clear()
                self.epoch += 1

    def _rebase_class_models(self, path: Path, summary: ModuleSummary) -> None:
        for key, model in list(self._class_models.items()):
            if model.path == path or any(location[1] == path for location in model.chain_locations) or any(
                where[0] == path for where in model.methods.values()
            ):
                rebased = _rebased(model, path, summary)
                if rebased is None:
                    del self._class_models[key]
                else:
                    self._class_models[key] = rebased

    def set_overlay(self, path: Path, text: str | None, *, invalidate: bool = True) -> None:
        """Use unsaved editor text for `path` (None: back to the file on disk).

        `invalidate=False` keeps the cached summary and class models: for a caller that is
        about to check this very text (the checker's `put_summary` then replaces the summary
        and drops class models only if what other files see changed), or that restores the
        text the cached summary was built from.
        """
        path = _norm(path)
        with self._lock:
            had_overlay = path in self._overlays
            if self._overlays.get(path) != text:
                # Facts read from module bodies (engine.semantic) may follow calls into this text.
                self._bounded.clear()
                self._text_changes[path] = self._text_changes.get(path, 0) + 1
                self._text_changes_total += 1
            if text is None:
                self._overlays.pop(path, None)
            else:
                self._overlays[path] = text
            if not invalidate:
                if text is not None and had_overlay:
                    return  # the next text of a buffer: which files exist did not change
                if self._exists.pop(path, None) is not True:
                    self._modules.clear()  # an unsaved new file exists from now on
                    self.epoch += 1
                return
        self.invalidate(path)

    def invalidate(self, path: Path | None = None) -> None:
        """Forget cached facts about `path` (or everything)."""
        with self._lock:
            self.epoch += 1
            if path is None:
                self._summaries.clear()
                self._exists.clear()
                self._modules.clear()
                self._memo.clear()
            else:
                path = _norm(path)
                self._summaries.pop(path, None)
                self._exists.clear()  # a created/deleted file changes module lookup
                self._modules.clear()
            self._class_models.clear()
            self._derived.clear()
            self._bounded.clear()

    def memo(self, key: object, factory: Callable[[], object]) -> object:
        """A project-wide fact built once (e.g. the versions in use); forgotten when everything is invalidated."""
        with self._lock:
            if key in self._memo:
                return self._memo[key]
        value = factory()
        with self._lock:
            return self._memo.setdefault(key, value)

    def derived(self, key: object, factory: Callable[[], object]) -> object:
        """A fact computed from several files' summaries, recomputed after any of them changes shape."""
        with self._lock:
            if key in self._derived:
                return self._derived[key]
        value = factory()
        with self._lock:
            return self._derived.setdefault(key, value)

    def state_seen_from(self, path: Path) -> tuple[int, int]:
        """What the project knows, as far as checking `path` goes: the epoch, and how many times the
        unsaved text of other files changed (editor re-checks of `path` reuse results only while
        both stay the same)."""
        with self._lock:
            return self.epoch, self._text_changes_total - self._text_changes.get(_norm(path), 0)

    def derived_get(self, key: object) -> object | None:
        """A derived fact if it is already known (None otherwise)."""
        with self._lock:
            return self._derived.get(key)

    BOUNDED_SIZE = 24

    def bounded(self, key: object, factory: Callable[[], object]) -> object:
        """Like `derived`, for big values: only the `BOUNDED_SIZE` most recently used are kept."""
        with self._lock:
            if key in self._bounded:
                self._bounded.move_to_end(key)
                return self._bounded[key]
        value = factory()
        self.remember(key, value)
        return value

    def remember(self, key: object, value: object) -> None:
        """Keep a big derived value that was built anyway (see `bounded`)."""
        with self._lock:
            self._bounded[key] = value
            self._bounded.move_to_end(key)
            while len(self._bounded) > self.BOUNDED_SIZE:
                self._bounded.popitem(last=False)

    def cached_summary(self, path: Path) -> ModuleSummary | None:
        """The summary of `path` if one is cached (never builds one)."""
        with self._lock:
            return self._summaries.get(_norm(path))

    def cached_summaries(self) -> dict[Path, ModuleSummary | None]:
        with self._lock:
            return dict(self._summaries)

    # -- files ---------------------------------------------------------------
    def relpath(self, path: Path) -> str:
        normalised = _norm(path)
        found = self._relpaths.get(normalised)
        if found is None:
            try:
                found = normalised.relative_to(self.root).as_posix()
            except ValueError:
                return path.as_posix()  # outside the project: as given
            if len(self._relpaths) > 100_000:
                self._relpaths.clear()
            self._relpaths[normalised] = found
        return found

    def iter_files(self, start: Path | None = None, on_error: Callable[[Path, str], None] | None = None) -> Iterator[Path]:
        """Python files under `start` (default: the root) that are not excluded (see iter_python_files)."""
        yield from iter_python_files(start or self.root, self, on_error)

    def is_excluded(self, path: Path) -> bool:
        """Excluded by the user's `exclude` patterns or inside a tool folder (.venv, build, ...)."""
        rel = self.relpath(path)
        if any(part in DEFAULT_EXCLUDES for part in rel.split("/")):
            return True
        return self.settings.is_excluded(rel)

    def module_name(self, path: Path) -> str:
        """Dotted module name of a project file (`tests/base.py` -> `tests.base`)."""
        path = _norm(path)
        found = self._module_names.get(path)  # a function of the path and the root only
        if found is None:
            found = self._module_names[path] = self._module_name(path)
        return found

    def _module_name(self, path: Path) -> str:
        try:
            rel = path.relative_to(self.root)
        except ValueError:
            rel = Path(path.name)
        parts = list(rel.with_suffix("").parts)
        if parts and parts[-1] == "__init__":
            parts.pop()
        if parts and parts[0] in ("src", "lib") and len(parts) > 1:
            parts.pop(0)
        return ".".join(parts)

    def source_exists(self, path: Path) -> bool:
        """Is there a file (or an unsaved buffer) at `path`? (cached like module lookups)"""
        return self._isfile(_norm(path))

    def _isfile(self, path: Path) -> bool:
        cached = self._exists.get(path)
        if cached is None:
            cached = path in self._overlays or path.is_file()
            self._exists[path] = cached
        return cached

    def _isdir(self, path: Path) -> bool:
        key = path / ""  # distinct cache key from the file check
        cached = self._exists.get(key)
        if cached is None:
            cached = path.is_dir()
            self._exists[key] = cached
        return cached

    # -- modules ---------------------------------------------------------------
    def resolve_module(self, from_path: Path, module: str, level: int = 0) -> Symbol:
        """The module `import module` (or `from ...module`) means, seen from `from_path`."""
        key = (_folder_of(from_path), module, level)
        cached = self._modules.get(key, _MISSING)
        if cached is _MISSING:
            cached = self._modules[key] = self._resolve_module(from_path, module, level)
        return cached

    def _resolve_module(self, from_path: Path, module: str, level: int) -> Symbol:
        parts = [p for p in module.split(".") if p]
        if level:
            base = _norm(from_path).parent
            for _ in range(level - 1):
                base = base.parent
            return self._find_module(base, parts) if parts else self._package_at(base)
        if not parts:
            return None
        if parts[0] in _STDLIB:
            return External(knowledge.canonical(module))
        for root in self._search_roots(from_path):
            found = self._find_module(root, parts)
            if found is not None:
                return found
        return External(knowledge.canonical(module))

    def _package_at(self, directory: Path) -> Symbol:
        init = directory / "__init__.py"
        if self._isfile(init):
            return ProjectModule(init)
        return ProjectNamespace(directory) if self._isdir(directory) else None

    def _find_module(self, base: Path, parts: list[str]) -> Symbol:
        target = base.joinpath(*parts)
        if self._isfile(target.with_name(target.name + ".py")):
            return ProjectModule(target.with_name(target.name + ".py"))
        if self._isdir(target):
            return self._package_at(target)
        return None

    def _search_roots(self, from_path: Path) -> list[Path]:
        """Where an absolute import is looked for: the importing file's folders up to the root, then src/.

        A folder that is a package (it holds `__init__.py`) is not where Python looks for top-level
        modules: pytest puts the first folder above a package on sys.path, not the package's own.
        Package folders come last, so that `tests/hikari/` does not hide the project's `hikari`."""
        roots: list[Path] = []
        packages: list[Path] = []
        directory = _norm(from_path).parent
        while True:
            is_package = directory != self.root and self._isfile(directory / "__init__.py")
            (packages if is_package else roots).append(directory)
            if directory == self.root or directory.parent == directory:
                break
            if self.root not in directory.parents:
                break
            directory = directory.parent
        if self.root not in roots:
            roots.append(self.root)
        for extra in ("src", "lib"):
            candidate = self.root / extra
            if self._isdir(candidate):
                roots.append(candidate)
        for extra in (*self._pytest_pythonpath(from_path), *self._distribution_roots(), *packages):
            if extra not in roots:
                roots.append(extra)
        return roots

    def _pytest_pythonpath(self, from_path: Path) -> tuple[Path, ...]:
        """The folders pytest's `pythonpath` option puts on sys.path for the tests of `from_path`
        (relative to the config file that says it, as pytest reads them)."""
        from .pytest_model import project_pytest

        try:
            config = project_pytest(self).config_for(from_path)
        except Exception:  # configuration is an aid to resolution, never a reason to fail
            return ()
        entry = config.get("pythonpath")
        if entry is None or config.path is None:
            return ()
        items = entry.value if isinstance(entry.value, list) else str(entry.value).split()
        found = []
        for item in items:
            folder = _norm(config.path.parent / str(item))
            if (folder == self.root or self.root in folder.parents) and self._isdir(folder):
                found.append(folder)
        return tuple(found)

    def _distribution_roots(self) -> tuple[Path, ...]:
        """Where the project's other distributions keep their sources (a monorepo's
        `libs/testkit/pyproject.toml` with `src/testkit/`): tests import them as installed
        packages. Looked for a few folders deep, once per project."""
        return self.memo("distribution-roots", self._find_distribution_roots)  # type: ignore[return-value]

    def _find_distribution_roots(self) -> tuple[Path, ...]:
        found: list[Path] = []
        level = [self.root]
        scanned = 0
        for _depth in range(_DISTRIBUTION_DEPTH):
            below: list[Path] = []
            for directory in level:
                try:
                    entries = sorted(os.scandir(directory), key=lambda e: e.name)
                except OSError:
                    continue
                for entry in entries:
                    scanned += 1
                    if scanned > _DISTRIBUTION_SCAN_LIMIT:
                        return tuple(found)
                    try:
                        if not entry.is_dir(follow_symlinks=False):
                            continue
                    except OSError:
                        continue
                    if entry.name.startswith(".") or entry.name in DEFAULT_EXCLUDES:
                        continue
                    path = Path(entry.path)
                    if self.is_excluded(path):
                        continue
                    if any(self._isfile(_norm(path / marker)) for marker in _DISTRIBUTION_MARKERS):
                        src = _norm(path / "src")
                        found.append(src if self._isdir(src) else _norm(path))
                    below.append(path)
            level = below
        return tuple(found)

    # -- names -----------------------------------------------------------------
    def lookup(self, module: Symbol, name: str, _seen: frozenset = frozenset()) -> Symbol:
        """The attribute `name` of a module symbol."""
        if isinstance(module, External):
            return External(knowledge.canonical(f"{module.qualname}.{name}"))
        if isinstance(module, ProjectNamespace):
            return self._find_module(module.path, [name])
        if not isinstance(module, ProjectModule):
            return None
        key = (module.path, name)
        if key in _seen or len(_seen) > 50:
            return None
        seen = _seen | {key}
        summary = self.summary(module.path)
        if summary is None:
            return None
        if name in summary.classes:
            return ProjectClass(module.path, name)
        if name in summary.functions:
            return ProjectFunction(module.path, name)
        if name in summary.aliases:
            return self.resolve_dotted(module.path, summary.aliases[name], seen)
        if name in summary.instances:
            return Instance(self.resolve_dotted(module.path, summary.instances[name], seen))
        bindings = summary.imports.get(name)
        if bindings:
            results = []
            for binding in bindings:
                target = self.resolve_module(module.path, binding.module, binding.level)
                if binding.name is not None:
                    target = self.lookup(target, binding.name, seen) if target is not None else None
                if target not in results:
                    results.append(target)
            return results[0] if len(results) == 1 else Ambiguous(tuple(results))
        if summary.is_package:
            sub = self._find_module(module.path.parent, [name])
            if sub is not None:
                return sub
        for star in summary.star_imports:
            target = self.resolve_module(module.path, star.module, star.level)
            if target is not None and not isinstance(target, External):
                found = self.lookup(target, name, seen)
                if found is not None:
                    return found
        return None

    def resolve_dotted(self, path: Path, dotted: str, _seen: frozenset = frozenset()) -> Symbol:
        """Resolve `a.b.C` as written in module `path` (module-level names only)."""
        head, *rest = dotted.split(".")
        symbol = self.lookup(ProjectModule(_norm(path)), head, _seen)
        if symbol is None and head in _BUILTINS:
            symbol = External(f"builtins.{head}")
        for part in rest:
            symbol = self.member(symbol, part)
            if symbol is None:
                return None
        return symbol

    def member(self, symbol: Symbol, name: str) -> Symbol:
        """`symbol.name` for modules, externals, classes (methods) and ambiguous names."""
        if isinstance(symbol, (External, ProjectModule, ProjectNamespace)):
            return self.lookup(symbol, name)
        if isinstance(symbol, ProjectClass):
            model = self.class_model(symbol)
            if model and name in model.methods:
                path, owner, _ = model.methods[name]
                return ProjectFunction(path, name, owner)
            return None
        if isinstance(symbol, Ambiguous):
            options = tuple(self.member(option, name) for option in symbol.options)
            unique = tuple(dict.fromkeys(options))
            return unique[0] if len(unique) == 1 else Ambiguous(unique)
        return None

    def function_summary(self, symbol: Symbol) -> FunctionSummary | None:
        if not isinstance(symbol, ProjectFunction):
            return None
        summary = self.summary(symbol.path)
        if summary is None:
            return None
        if symbol.class_name is None:
            return summary.functions.get(symbol.name)
        cls = summary.classes.get(symbol.class_name)
        return cls.methods.get(symbol.name) if cls else None

    def class_summary(self, symbol: ProjectClass) -> ClassSummary | None:
        summary = self.summary(symbol.path)
        return summary.classes.get(symbol.name) if summary else None

    def qualname(self, symbol: Symbol) -> str | None:
        """A dotted name for display and for matching user configuration."""
        if isinstance(symbol, External):
            return symbol.qualname
        if isinstance(symbol, ProjectClass):
            return f"{self.module_name(symbol.path)}.{symbol.name}"
        if isinstance(symbol, ProjectFunction):
            owner = f".{symbol.class_name}" if symbol.class_name else ""
            return f"{self.module_name(symbol.path)}{owner}.{symbol.name}"
        if isinstance(symbol, ProjectModule):
            return self.module_name(symbol.path)
        return None

    def matches_user_names(self, symbol: Symbol, names: tuple[str, ...]) -> bool:
        """Does a resolved symbol match one of the user-configured dotted names?"""
        if not names:
            return False
        qual = self.qualname(symbol)
        if qual is None:
            return False
        # A bare "AsyncBase" matches any class of that name; dotted names match
        # whether or not the user wrote the src/ or package prefix.
        return any(qual == name or qual.endswith("." + name) or name.endswith("." + qual) for name in names)

    # -- classes ---------------------------------------------------------------
    def class_model(self, symbol: ProjectClass) -> ClassModel | None:
        key = (symbol.path, symbol.name)
        with self._lock:
            cached = self._class_models.get(key)
        if cached is not None:
            return cached
        model = _ClassModelBuilder(self).build(symbol)
        if model is not None:
            with self._lock:
                self._class_models[key] = model
        return model


class _ClassModelBuilder:
    """Walks a class's bases through the project, collecting what the rules need."""

    def __init__(self, project: Project):
        self.project = project

    def build(self, symbol: ProjectClass) -> ClassModel | None:
        summary = self.project.class_summary(symbol)
        if summary is None:
            return None
        model = ClassModel(
            path=symbol.path,
            name=symbol.name,
            line=summary.line,
            col=summary.col,
            chain=[],
            chain_locations=[],
            is_testcase=False,
            is_isolated=False,
            async_aware_base=None,
            broken_base=None,
            unknown_bases=[],
        )
        self._visit(symbol, model, set(), depth=0)
        if model.unknown_bases:
            # An unresolved base may itself be a TestCase or an async runner.
            if not model.is_testcase:
                model.is_testcase = None
            if not model.is_isolated:
                model.is_isolated = None
        return model

    def _visit(self, symbol: Symbol, model: ClassModel, seen: set, depth: int) -> None:
        project = self.project
        if depth > 40:
            model.unknown_bases.append("<too deep>")
            return
        if isinstance(symbol, Ambiguous):
            # Each alternative must be explored; disagreement makes the class unknown.
            sub_models = []
            for option in symbol.options:
                sub = ClassModel(model.path, model.name, 0, 0, [], [], False, False, None, None, [])
                self._visit(option, sub, set(seen), depth + 1)
                sub_models.append(sub)
            first = sub_models[0]
            if all(
                (s.is_testcase, s.is_isolated, s.async_aware_base, bool(s.unknown_bases))
                == (first.is_testcase, first.is_isolated, first.async_aware_base, bool(first.unknown_bases))
                for s in sub_models
            ):
                self._merge(model, first)
            else:
                model.unknown_bases.append(" | ".join(sub.chain[0] if sub.chain else "?" for sub in sub_models))
            return
        if isinstance(symbol, External):
            self._external(symbol.qualname, model)
            return
        if not isinstance(symbol, ProjectClass):
            model.unknown_bases.append(str(getattr(symbol, "qualname", None) or "<unresolved>"))
            return
        key = (symbol.path, symbol.name)
        if key in seen:
            return
        seen.add(key)
        summary = project.class_summary(symbol)
        if summary is None:
            model.unknown_bases.append(symbol.name)
            return
        model.chain.append(symbol.name)
        model.chain_locations.append((symbol.name, symbol.path, summary.line, summary.col))
        if model.custom_dispatch is None:
            model.custom_dispatch = self._machinery(symbol, summary, is_self=depth == 0)
        for name, method in summary.methods.items():
            model.methods.setdefault(name, (symbol.path, symbol.name, method))
            if method.runs_coroutines and method.reads_test_method and not model.async_aware_base:
                # The class's own test dispatch runs coroutine tests (e.g. async_to_sync
                # around `getattr(self, self._testMethodName)`): it is async-aware.
                model.async_aware_base = project.qualname(symbol)
        if summary.calls_async_setup:
            model.calls_async_setup = True
        if summary.marks:
            model.marks = model.marks + summary.marks
        if project.matches_user_names(symbol, project.settings.async_test_bases):
            model.async_aware_base = project.qualname(symbol)
        if summary.metaclass:
            meta = project.resolve_dotted(symbol.path, summary.metaclass) if summary.metaclass != "<dynamic>" else None
            meta_name = meta.qualname if isinstance(meta, External) else None
            if isinstance(meta, ProjectClass) and model.custom_dispatch is None:
                where = f"{project.relpath(symbol.path)}:{summary.line}"
                model.custom_dispatch = (
                    f"`{symbol.name}` ({where}) is made by the project metaclass `{summary.metaclass}`, "
                    "which can rewrite its test methods"
                )
            elif meta_name not in knowledge.NEUTRAL_METACLASSES:
                model.unknown_bases.append(f"metaclass {summary.metaclass}")
        for base in summary.bases:
            if base is None:
                model.unknown_bases.append("<dynamic base>")
                continue
            resolved = project.resolve_dotted(symbol.path, base)
            if resolved is None:
                model.unknown_bases.append(base)
                continue
            self._visit(resolved, model, seen, depth + 1)

    def _machinery(self, symbol: ProjectClass, summary: ClassSummary, is_self: bool) -> str | None:
        """Why this class of the chain runs its subclasses' tests its own way (None: it does not).

        `__init_subclass__` acts on subclasses only; the other overrides act on the class that
        defines them too. A project class decorator on a base may rewrite that base's methods."""
        where = f"{self.project.relpath(symbol.path)}:{summary.line}"
        for name, method in summary.methods.items():
            if method.dispatch != "custom" or (name == "__init_subclass__" and is_self):
                continue
            return (
                f"`{symbol.name}.{name}` ({self.project.relpath(symbol.path)}:{method.line}) runs test methods its "
                "own way: it may wrap or rewrite them, so looplint cannot tell they are not awaited"
            )
        if not is_self:
            for decorator in summary.decorators:
                target = self.project.resolve_dotted(symbol.path, decorator)
                if isinstance(target, (ProjectFunction, ProjectClass)):
                    return f"`{symbol.name}` ({where}) is rewritten by the class decorator `{decorator}`"
        return None

    def _external(self, qualname: str, model: ClassModel) -> None:
        project = self.project
        model.chain.append(qualname)
        if qualname in knowledge.NEUTRAL_BASES:
            return
        if project.matches_user_names(External(qualname), project.settings.async_test_bases):
            model.async_aware_base = qualname
            model.is_testcase = True
            return
        kind = knowledge.TESTCASE_BASES.get(qualname)
        if kind is None:
            model.unknown_bases.append(qualname)
            return
        model.is_testcase = True
        if kind == knowledge.ISOLATED:
            model.is_isolated = True
        elif kind == knowledge.ASYNC_AWARE:
            model.async_aware_base = model.async_aware_base or qualname
        elif kind == knowledge.BROKEN:
            model.broken_base = qualname

    @staticmethod
    def _merge(into: ClassModel, other: ClassModel) -> None:
        into.chain.extend(other.chain)
        into.chain_locations.extend(other.chain_locations)
        into.is_testcase = into.is_testcase or other.is_testcase
        into.is_isolated = into.is_isolated or other.is_isolated
        into.async_aware_base = into.async_aware_base or other.async_aware_base
        into.broken_base = into.broken_base or other.broken_base
        into.unknown_bases.extend(other.unknown_bases)
        for name, value in other.methods.items():
            into.methods.setdefault(name, value)
        into.calls_async_setup = into.calls_async_setup or other.calls_async_setup
        into.custom_dispatch = into.custom_dispatch or other.custom_dispatch


def _rebased(model: ClassModel, path: Path, summary: ModuleSummary) -> ClassModel | None:
    """`model` with the positions (and method summaries) it takes from `path` read from `summary`,
    a summary of that file that differs from the one it was built from only in positions.
    None when that cannot be done exactly (the model is then built again)."""
    if model.custom_dispatch is not None:
        return None  # its explanation names a line
    classes = summary.classes
    line, col = model.line, model.col
    if model.path == path:
        own = classes.get(model.name)
        if own is None:
            return None
        line, col = own.line, own.col
    locations = []
    for name, where, old_line, old_col in model.chain_locations:
        if where == path:
            found = classes.get(name)
            if found is None:
                return None
            old_line, old_col = found.line, found.col
        locations.append((name, where, old_line, old_col))
    methods = {}
    for name, (where, class_name, method) in model.methods.items():
        if where == path:
            found = classes.get(class_name)
            method = found.methods.get(name) if found is not None else None
            if method is None:
                return None
        methods[name] = (where, class_name, method)
    return replace(model, line=line, col=col, chain_locations=locations, methods=methods)


def _same_shape(a: ModuleSummary, b: ModuleSummary) -> bool:
    """Would dependents see a difference? (positions alone do not matter)."""

    def shape(s: ModuleSummary):
        return (
            {k: [(x.module, x.name, x.level) for x in v] for k, v in s.imports.items()},
            [(x.module, x.level) for x in s.star_imports],
            {
                n: (c.bases, c.metaclass, c.decorators, {m: (f.is_async, f.decorators) for m, f in c.methods.items()},
                    c.attr_types, c.calls_async_setup, c.marks)
                for n, c in s.classes.items()
            },
            {n: (f.is_async, f.decorators, f.runs_coroutines, f.returns_async_wrapper, f.calls_asyncio_run)
             for n, f in s.functions.items()},
            s.aliases,
            s.instances,
        )

    return shape(a) == shape(b)


_NORMALISED: dict = {}


def _folder_of(path: Path) -> Path:
    """`_norm(path).parent`, memoised: the same Path object each time, its hash computed once."""
    normalised = _norm(path)
    found = _FOLDERS.get(normalised)
    if found is None:
        if len(_FOLDERS) > 200_000:
            _FOLDERS.clear()
        found = _FOLDERS[normalised] = normalised.parent
    return found


_FOLDERS: dict[Path, Path] = {}


def _norm(path: Path) -> Path:
    """The absolute, normalised path (memoised for absolute inputs: resolution calls this a lot)."""
    try:
        found = _NORMALISED.get(path)
    except TypeError:
        found = None
    if found is not None:
        return found
    result = Path(os.path.abspath(path))
    if os.path.isabs(path):  # a relative path depends on the working directory: not memoised
        if len(_NORMALISED) > 200_000:
            _NORMALISED.clear()
        _NORMALISED[path] = result
    return result


def _not_a_file(path: Path) -> str:
    """Why a `*.py` entry that is neither a file nor a folder is not checked."""
    from .files import special_kind

    try:
        kind = special_kind(os.stat(path).st_mode)
    except OSError:
        return "broken symbolic link"
    return f"{kind}, not a regular file: not checked"


def iter_python_files(start: Path, project: Project, on_error: Callable[[Path, str], None] | None = None) -> Iterator[Path]:
    """Walk `start` for *.py files, skipping excluded and hidden tool folders, surviving symlink loops."""
    start = _norm(start)
    if start.is_file():
        yield start
        return
    visited: set[tuple[int, int]] = set()
    stack = [start]
    while stack:
        directory = stack.pop()
        try:
            stat = directory.stat()
        except OSError as exc:
            if on_error:
                on_error(directory, f"cannot read directory: {exc.strerror or exc}")
            continue
        key = (stat.st_dev, stat.st_ino)
        if key in visited:
            continue  # a symlink loop or a second link to the same folder
        visited.add(key)
        try:
            entries = sorted(os.scandir(directory), key=lambda e: e.name)
        except OSError as exc:
            if on_error:
                on_error(directory, f"cannot read directory: {exc.strerror or exc}")
            continue
        subdirs = []
        for entry in entries:
            path = Path(entry.path)
            try:
                is_dir = entry.is_dir()
                is_file = entry.is_file()
            except OSError:
                continue
            if is_dir:
                if entry.name in DEFAULT_EXCLUDES or project.is_excluded(path):
                    continue
                subdirs.append(path)
            elif is_file and entry.name.endswith(".py"):
                if not project.is_excluded(path):
                    yield path
            elif not is_file and not is_dir and entry.name.endswith(".py") and on_error:
                on_error(path, _not_a_file(path))
        stack.extend(reversed(subdirs))
