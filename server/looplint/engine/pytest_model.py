"""The pytest model of a module: what pytest (and pytest-asyncio, anyio) will do with it.

Built from module summaries (the checked file's own tree adds mark arguments),
never from other files' trees:

- the pytest configuration that governs the file (`pytest_config`, resolved as
  the project's pytest version does) and the versions in use (`versions`);
- fixtures visible from a test, closest definition first, as pytest overrides
  them: the test's class (and its base classes), the module (and fixtures it
  imports), every `conftest.py` from the conftest cut-off directory (the
  config file's directory, else the rootdir) down to the module, then the
  project modules named in `pytest_plugins` (or `-p` in `addopts`);
- which fixtures a test requests, directly and transitively: parameters,
  `usefixtures` marks (function, class, module `pytestmark`, the `usefixtures`
  ini option) and autouse fixtures;
- marks on tests (decorators, class marks and base-class marks, class and
  module `pytestmark`), and hooks that could add marks or run tests themselves;
- who runs an async test or fixture: pytest-asyncio (a mark, or auto mode),
  anyio (its mark, the `anyio_backend` fixture, `anyio_mode = auto`), another
  plugin, or nobody.

Anything that cannot be resolved inside the project (a fixture of an installed
plugin, a mark added by a hook, a decorator looplint cannot see into) is
*unknown*, and rules stay quiet about it.
"""

from __future__ import annotations

import ast
import fnmatch
import os
import shlex
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

from . import knowledge
from .collection_marks import CollectionMark, collection_mark
from .model import Range, Related
from .pytest_config import ConfigEntry, PytestConfig, find_pytest_config
from .summary import FixtureSummary, FunctionSummary, ModuleSummary, dotted_name
from .symbols import External, Instance, ProjectFunction, ProjectModule, options_of
from .versions import ProjectVersions, VersionInfo, pin_phrase, project_versions

if TYPE_CHECKING:  # pragma: no cover
    from .project import Project

SCOPES = ("function", "class", "module", "package", "session")
_RANK = {scope: i for i, scope in enumerate(SCOPES)}
_NONLITERAL = object()  # a mark argument that is not a literal
_DEFAULT_FILES = ("test_*.py", "*_test.py")
_DEFAULT_CLASSES = ("Test",)
_DEFAULT_FUNCTIONS = ("test",)
# How far a reverse scan (who requests this conftest fixture?) may go.
_UNSET = object()
USER_SCAN_LIMIT = 2000


def scope_rank(scope: str | None) -> int | None:
    return _RANK.get(scope) if scope else None


def is_wider(a: str | None, b: str | None) -> bool:
    """Is scope `a` strictly wider than scope `b`?"""
    ra, rb = scope_rank(a), scope_rank(b)
    return ra is not None and rb is not None and ra > rb


# -- project-wide facts -------------------------------------------------------------------


class ProjectPytest:
    """Versions and per-directory pytest configuration of one project (kept in `Project.memo`)."""

    def __init__(self, project: "Project"):
        self.project = project
        try:
            self.versions = project_versions(project)
        except Exception:  # versions are an aid: never let them break checking
            self.versions = ProjectVersions(None, None, None, None)
        info = self.versions.pytest
        self.pytest_version = info.exact if info is not None and info.exact else None
        self._configs: dict[Path, PytestConfig] = {}

    def config_for(self, path: Path) -> PytestConfig:
        """The pytest configuration pytest uses when run on `path` (a file or a directory)."""
        path = Path(os.path.abspath(path))
        directory = path if path.is_dir() else path.parent
        found = self._configs.get(directory)
        if found is None:
            found = find_pytest_config(directory, pytest_version=self.pytest_version)
            self._configs[directory] = found
        return found


def addopts_plugins(addopts: list[str]) -> list[str]:
    """The plugins `-p NAME` in addopts loads (not `-p no:NAME`), looked up from the rootdir."""
    names = []
    for i, token in enumerate(addopts):
        value = None
        if token == "-p" and i + 1 < len(addopts):
            value = addopts[i + 1]
        elif token.startswith("-p") and len(token) > 2 and token[2] != "-":
            value = token[2:]  # `-pNAME`, or `-p NAME` written as one item of a TOML list
        value = value.strip() if value else value
        if value and not value.startswith("no:"):
            names.append(value)
    return names


def project_pytest(project: "Project") -> ProjectPytest:
    return project.memo("pytest", lambda: ProjectPytest(project))  # type: ignore[return-value]


# -- what the model is made of ----------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class FixtureDef:
    """One fixture definition in the project."""

    path: Path
    fixture: FixtureSummary
    level: str  # "class" | "module" | "conftest" | "plugin"

    @property
    def key(self) -> tuple:
        return (self.path, self.fixture.line, self.fixture.func_name, self.fixture.class_name)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, FixtureDef) and other.key == self.key

    def __hash__(self) -> int:
        return hash(self.key)

    @property
    def name(self) -> str:
        return self.fixture.name

    @property
    def scope(self) -> str | None:
        """The cache scope ("function" by default); None when it is computed at runtime."""
        if self.fixture.scope_dynamic:
            return None
        return self.fixture.scope or "function"

    @property
    def is_async(self) -> bool:
        return self.fixture.is_async

    @property
    def is_pytest_asyncio(self) -> bool:
        return self.fixture.decorator == "pytest_asyncio.fixture"

    def related(self, project: "Project", message: str | None = None) -> Related:
        f = self.fixture
        return Related(
            self.path,
            Range(f.line, f.col, f.line, f.col + len(f.func_name)),
            message or f"fixture `{self.name}` ({project.relpath(self.path)}:{f.line})",
        )

    def where(self, project: "Project") -> str:
        return f"{project.relpath(self.path)}:{self.fixture.line}"


@dataclass(frozen=True)
class Mark:
    """A pytest mark that applies to a test."""

    name: str  # "asyncio", "anyio", "usefixtures", ...
    origin: str  # "function" | "class" | "class pytestmark" | "base class" | "module pytestmark"
    node: ast.expr | None = None  # the mark's expression, when it is in the checked file
    args: tuple | None = None  # literal positional arguments (None: unknown)
    kwargs: dict | None = None  # keyword arguments; values are _NONLITERAL when not literal (None: unknown)

    @property
    def known(self) -> bool:
        return self.args is not None and self.kwargs is not None

    def kwarg(self, name: str):
        """The literal value of a keyword argument: the value, None when absent, _NONLITERAL when unknown."""
        if self.kwargs is None:
            return _NONLITERAL
        return self.kwargs.get(name)

    def describe(self) -> str:
        where = {
            "function": "on the test",
            "class": "on its class",
            "class pytestmark": "in its class's `pytestmark`",
            "base class": "on a base class",
            "module pytestmark": "in the module's `pytestmark`",
        }.get(self.origin, self.origin)
        return f"`@pytest.mark.{self.name}` {where}"


def is_nonliteral(value) -> bool:
    return value is _NONLITERAL


@dataclass
class TestItem:
    """A function pytest collects as a test."""

    path: Path
    name: str
    function: FunctionSummary
    cls: str | None
    marks: tuple[Mark, ...]
    requests: tuple[str, ...]  # fixture names from the signature
    node: ast.FunctionDef | ast.AsyncFunctionDef | None = None
    cls_node: ast.ClassDef | None = None
    # False when a decorator may change what the function is (not a mark, not known to keep it as is)
    plain: bool = True
    # False when a `pytestmark` could not be read (marks may be missing)
    marks_complete: bool = True

    @property
    def is_async(self) -> bool:
        return self.function.is_async and not self.function.is_async_generator

    @property
    def qualname(self) -> str:
        return f"{self.cls}.{self.name}" if self.cls else self.name

    def marks_named(self, name: str) -> list[Mark]:
        return [m for m in self.marks if m.name == name]

    def closest(self, name: str) -> Mark | None:
        for mark in self.marks:  # ordered closest first
            if mark.name == name:
                return mark
        return None


@dataclass
class Request:
    name: str
    definition: FixtureDef | None  # None: not defined in the project (pytest's or a plugin's)
    via: str  # "parameter" | "usefixtures" | "autouse" | "fixture `x`"


@dataclass
class Closure:
    """Every fixture a test requests, directly and transitively."""

    requests: dict[str, Request] = field(default_factory=dict)
    definitions: list[FixtureDef] = field(default_factory=list)  # incl. overridden ones reached by self-requests

    def __contains__(self, name: str) -> bool:
        return name in self.requests

    def uses(self, definition: FixtureDef) -> bool:
        return definition in self.definitions

    def path_to(self, name: str) -> str:
        """How the test comes to request `name` ("parameter", "autouse", "fixture `a` ← fixture `b`")."""
        chain = []
        seen = set()
        current = self.requests.get(name)
        while current is not None and current.name not in seen:
            seen.add(current.name)
            chain.append(current.via)
            if not current.via.startswith("fixture `"):
                break
            current = self.requests.get(current.via[len("fixture `"):-1])
        return " ← ".join(chain)


@dataclass(frozen=True)
class Runner:
    """Who runs an async test: "asyncio" (pytest-asyncio), "anyio", "other", "custom", "none", "unknown"."""

    kind: str
    why: str
    mark: Mark | None = None


# -- the model ----------------------------------------------------------------------------------


class PytestModel:
    """pytest's view of one module (a test module, a conftest or a plugin module)."""

    def __init__(self, project: "Project", path: Path, summary: ModuleSummary, tree: ast.Module | None = None):
        self.project = project
        self.path = Path(os.path.abspath(path))
        self.summary = summary
        self.tree = tree
        facts = project_pytest(project)
        self.versions: ProjectVersions = facts.versions
        self.config: PytestConfig = facts.config_for(self.path)
        self.is_conftest = self.path.name == "conftest.py"
        self.is_test_module = not self.is_conftest and _matches_files(self.path, self._ini_list("python_files", _DEFAULT_FILES))
        self.conftests = self._conftests()
        # Plugins loaded by name (`pytest_plugins`, `-p`) from outside the project: their fixtures are unknown.
        self.foreign_plugins: list[str] = []
        self.plugin_modules = self._plugin_modules()
        self._level_cache: dict[Path, dict[str, list[FixtureSummary]]] = {}
        self._imported_cache: dict[tuple[Path, str], FixtureDef | None] = {}
        self._star_cache: dict[Path, list[tuple[Path, list[FixtureSummary]]]] = {}
        self._tests: list[TestItem] | None = None
        self._hooks_cache: dict[frozenset[str], list[tuple[Path, str]]] = {}
        self._closures: dict[int, Closure] = {}
        self._collection_mark: object = _UNSET

    @classmethod
    def of(cls, ctx) -> "PytestModel":
        """The model of the file a FileContext is checking (built once per check, shared by rules)."""
        return ctx.service("pytest", lambda: cls(ctx.project, ctx.path, ctx.summary, ctx.tree))

    # -- configuration --------------------------------------------------------------------
    def _ini_list(self, key: str, default: tuple[str, ...]) -> tuple[str, ...]:
        entry = self.config.get(key)
        if entry is None:
            return default
        value = entry.value
        if isinstance(value, list):
            return tuple(str(v) for v in value)
        try:
            return tuple(shlex.split(str(value)))
        except ValueError:
            return tuple(str(value).split())

    @property
    def asyncio_enabled(self) -> bool:
        """pytest-asyncio is not disabled with `-p no:asyncio`."""
        return not self.config.asyncio_plugin_disabled

    @property
    def asyncio_installed(self) -> bool:
        """False only when pytest-asyncio is certainly not used: the project's test dependencies are
        known and lack it, and nothing here loads or imports it."""
        if not self.versions.lacks("pytest-asyncio"):
            return True
        if any(name.split(".")[0] == "pytest_asyncio" for name in self.foreign_plugins):
            return True
        return any(b.module.split(".")[0] == "pytest_asyncio" for bindings in self.summary.imports.values()
                   for b in bindings if not b.level)

    @property
    def asyncio_mode(self) -> str:
        """"strict", "auto", or "invalid" (CF002: pytest refuses the value)."""
        mode = self.config.asyncio_mode
        return mode if mode in ("strict", "auto") else "invalid"

    @property
    def anyio_enabled(self) -> bool:
        return not self.config.anyio_plugin_disabled

    @property
    def anyio_auto(self) -> bool:
        return self.anyio_enabled and self.config.anyio_mode == "auto"

    def claim_all_plugin(self) -> ConfigEntry | None:
        """An ini option with which another plugin runs every async test (pytest-trio's `trio_mode`)."""
        for key in knowledge.ASYNC_TEST_PLUGIN_CLAIM_ALL_KEYS:
            entry = self.config.get(key)
            if entry is not None and str(entry.value).strip().lower() in ("1", "true", "yes", "on", "y", "t"):
                return entry
        return None

    def describe_entry(self, entry: ConfigEntry) -> str:
        where = f"{self.project.relpath(entry.path)}:{entry.key_span.line}"
        if entry.origin == "file":
            return f"`{entry.key} = {entry.raw}` ({where})"
        return f"`{entry.raw}` in `addopts` ({where})"

    def entry_related(self, entry: ConfigEntry, message: str) -> Related:
        s = entry.key_span
        return Related(entry.path, Range(s.line, s.col, s.end_line, s.end_col), message)

    def config_related(self, message: str) -> Related | None:
        """The active config file's section header (or its start)."""
        cfg = self.config
        if cfg.path is None:
            return None
        s = cfg.section_span
        if s is None:
            return Related(cfg.path, Range(1, 0, 1, 0), message)
        return Related(cfg.path, Range(s.line, s.col, s.end_line, s.end_col), message)

    def mode_reason(self) -> tuple[str, list[Related]]:
        """Markdown saying why pytest-asyncio is in strict mode for this file, and where."""
        cfg = self.config
        related: list[Related] = []
        entry = cfg.asyncio_mode_entry
        if entry is not None:
            text = f"pytest-asyncio runs in strict mode: {self.describe_entry(entry)}."
            related.append(self.entry_related(entry, "strict mode is set here"))
        elif cfg.path is not None and not cfg.is_fallback:
            text = (
                f"pytest-asyncio runs in strict mode (its default): the active pytest config is "
                f"`{self.project.relpath(cfg.path)}`, which sets no `asyncio_mode`."
            )
            rel = self.config_related("the active pytest config (no asyncio_mode)")
            if rel is not None:
                related.append(rel)
        else:
            text = "pytest-asyncio runs in strict mode (its default): no pytest config file sets `asyncio_mode`."
        for problem in cfg.problems:
            for ignored in problem.entries:
                if ignored.key == "asyncio_mode":
                    text += (
                        f" {self.describe_entry(ignored)} is **ignored**: {problem.message.rstrip('.')}."
                    )
                    related.append(self.entry_related(ignored, "ignored by pytest"))
        return text, related

    # -- versions -------------------------------------------------------------------------
    def version(self, dist: str) -> VersionInfo | None:
        return self.versions.get(dist)

    def at_least(self, dist: str, version: str) -> bool | None:
        """True/False when every/no version the project may use is >= `version`; None: it depends or unknown."""
        info = self.versions.get(dist)
        if info is None:
            return None
        try:
            return info.satisfies(f">={version}")
        except Exception:
            return None

    def describe_version(self, dist: str) -> str | None:
        info = self.versions.get(dist)
        if info is None:
            return None
        return describe_version_info(self.project, info, self.versions)

    def pin_phrase(self, dist: str) -> str:
        """How the project comes to use `dist`'s version ("this project pins <0.22"), for upgrade findings."""
        return pin_phrase(self.versions.get(dist))

    def versions_reason(self, *dists: str) -> str:
        parts = []
        for dist in dists:
            described = self.describe_version(dist)
            parts.append(described or f"{dist}: version unknown (not found in the environment, lock files or requirements)")
        return "Versions: " + "; ".join(parts) + "."

    # -- files: conftests, plugins, hooks -----------------------------------------------------
    def _conftests(self) -> list[Path]:
        """conftest.py files pytest loads for this module, outermost first (itself included if it is one)."""
        cfg = self.config
        cutoff = cfg.path.parent if cfg.path is not None else cfg.rootdir
        directory = self.path.parent
        found = []
        above_cutoff = set(cutoff.parents)
        for candidate in (directory, *directory.parents):
            if candidate in above_cutoff:
                break  # pytest loads no conftest above the cut-off directory
            conftest = candidate / "conftest.py"
            if self.project._isfile(conftest):
                found.append(conftest)
        found.reverse()
        return found

    def _plugin_modules(self) -> list[Path]:
        """Project modules loaded as plugins: `pytest_plugins` (conftests, this module) and `-p` in addopts."""
        names: list[tuple[Path, str]] = []
        for conftest in self.conftests:
            summary = self.project.summary(conftest)
            if summary is not None:
                names.extend((conftest, name) for name in summary.pytest_plugins)
        if not self.is_conftest:
            names.extend((self.path, name) for name in self.summary.pytest_plugins)
        names.extend((self.config.rootdir / "conftest.py", name) for name in addopts_plugins(self.config.addopts))
        found: list[Path] = []
        seen: set[str] = set()
        while names and len(found) < 50:
            origin, name = names.pop(0)
            if name in seen:
                continue
            seen.add(name)
            symbol = self.project.resolve_module(origin, name)
            if isinstance(symbol, ProjectModule) and symbol.path not in found:
                found.append(symbol.path)
                summary = self.project.summary(symbol.path)
                if summary is not None:
                    names.extend((symbol.path, sub) for sub in summary.pytest_plugins)
            elif not isinstance(symbol, ProjectModule):
                self.foreign_plugins.append(name)
        return found

    def foreign_plugin(self) -> str | None:
        """A plugin from outside the project, loaded by name, that may define any fixture (None: none is)."""
        return next((name for name in self.foreign_plugins if name.split(".")[0] not in knowledge.PASSIVE_PLUGINS), None)

    def collection_mark(self) -> CollectionMark | None:
        """The asyncio mark a `pytest_collection_modifyitems` on the path adds to every async test."""
        if self._collection_mark is _UNSET:
            self._collection_mark = next(
                (found for path, _ in self.hooks(frozenset({"pytest_collection_modifyitems"}))
                 if (found := collection_mark(self.project, path)) is not None),
                None,
            )
        return self._collection_mark  # type: ignore[return-value]

    def hooks(self, names: frozenset[str] | set[str]) -> list[tuple[Path, str]]:
        """(file, hook) for the given hooks defined in a conftest on the path or a plugin module."""
        key = frozenset(names)
        cached = self._hooks_cache.get(key)
        if cached is None:
            cached = self._hooks_cache[key] = self._find_hooks(key)
        return cached

    def _find_hooks(self, names: frozenset[str]) -> list[tuple[Path, str]]:
        found = []
        for path in [*self.conftests, *self.plugin_modules]:
            summary = self.summary if path == self.path else self.project.summary(path)
            if summary is None:
                continue
            for hook in sorted(summary.hooks & names):
                found.append((path, hook))
        return found

    def hook_related(self, found: list[tuple[Path, str]], message: str) -> list[Related]:
        related = []
        for path, hook in found:
            summary = self.summary if path == self.path else self.project.summary(path)
            function = summary.functions.get(hook) if summary else None
            if function is not None:
                related.append(Related(path, Range(function.line, function.col, function.line,
                                                   function.col + len(hook)), message.format(hook=hook)))
        return related

    # -- fixtures ---------------------------------------------------------------------------
    def _module_fixtures(self, path: Path) -> dict[str, list[FixtureSummary]]:
        """Top-level fixtures defined in a module, by fixture name (the later definition wins)."""
        cached = self._level_cache.get(path)
        if cached is None:
            summary = self.summary if path == self.path else self.project.summary(path)
            cached = {}
            if summary is not None:
                for fixture in summary.fixtures:
                    if fixture.class_name is None:
                        cached.setdefault(fixture.name, []).insert(0, fixture)
            self._level_cache[path] = cached
        return cached

    def _class_fixtures(self, path: Path, cls: str) -> list[tuple[Path, FixtureSummary]]:
        """Fixtures of a test class and of its project base classes (the class's own first)."""
        from .symbols import ProjectClass

        found = []
        model = self.project.class_model(ProjectClass(path, cls))
        chain = model.chain_locations if model is not None else [(cls, path, 0, 0)]
        for name, where, _, _ in chain:
            summary = self.summary if where == self.path else self.project.summary(where)
            if summary is None:
                continue
            found.extend((where, f) for f in reversed(summary.fixtures) if f.class_name == name)
        return found

    def _star_fixtures(self, path: Path) -> list[tuple[Path, list[FixtureSummary]]]:
        """Fixtures brought into a module by `from x import *` of project modules."""
        cached = self._star_cache.get(path)
        if cached is None:
            cached = []
            summary = self.summary if path == self.path else self.project.summary(path)
            for star in summary.star_imports if summary else ():
                target = self.project.resolve_module(path, star.module, star.level)
                if isinstance(target, ProjectModule) and target.path != path:
                    fixtures = [
                        f for f in (self.project.summary(target.path) or ModuleSummary(target.path)).fixtures
                        if f.class_name is None and not f.func_name.startswith("_")
                    ]
                    cached.append((target.path, fixtures))
            self._star_cache[path] = cached
        return cached

    def _imported_fixture(self, path: Path, name: str) -> FixtureSummary | None | tuple:
        """A fixture named `name` that module `path` imports by name or with a star: (module, fixture)."""
        key = (path, name)
        if key in self._imported_cache:
            return self._imported_cache[key]  # type: ignore[return-value]
        found = None
        summary = self.summary if path == self.path else self.project.summary(path)
        if summary is not None:
            for binding in summary.imports.get(name, ()):
                if binding.name is None:
                    continue
                symbol = self.project.resolve_dotted(path, name)
                for option in options_of(symbol):
                    if isinstance(option, ProjectFunction) and option.class_name is None:
                        target = self.project.summary(option.path)
                        for f in reversed(target.fixtures if target else ()):
                            if f.func_name == option.name and f.class_name is None and f.name == name:
                                found = (option.path, f)
                                break
                break
            if found is None:
                for module_path, fixtures in self._star_fixtures(path):
                    for f in reversed(fixtures):
                        if f.name == name:
                            found = (module_path, f)
                            break
                    if found:
                        break
        self._imported_cache[key] = found  # type: ignore[assignment]
        return found

    def _levels(self, cls: str | None) -> Iterator[tuple[str, Path, str | None]]:
        """The places fixtures are looked up, closest first: (level, module path, class)."""
        if cls is not None:
            yield ("class", self.path, cls)
        if not self.is_conftest:
            yield ("module", self.path, None)
        for conftest in reversed(self.conftests):
            yield ("conftest", conftest, None)
        for plugin in self.plugin_modules:
            yield ("plugin", plugin, None)

    def definitions(self, name: str, cls: str | None = None) -> list[FixtureDef]:
        """Every project definition of fixture `name` visible from this module (or class), closest first."""
        found: list[FixtureDef] = []
        for level, path, klass in self._levels(cls):
            if level == "class":
                found.extend(FixtureDef(where, f, "class") for where, f in self._class_fixtures(path, klass)
                             if f.name == name)
                continue
            found.extend(FixtureDef(path, f, level) for f in self._module_fixtures(path).get(name, ()))
            imported = self._imported_fixture(path, name)
            if imported:
                found.append(FixtureDef(imported[0], imported[1], level))
        return found

    def resolve(self, name: str, cls: str | None = None) -> FixtureDef | None:
        found = self.definitions(name, cls)
        return found[0] if found else None

    def autouse(self, cls: str | None = None) -> list[FixtureDef]:
        """Autouse fixtures that apply to tests here, outermost first (resolved to their closest definition)."""
        names: list[str] = []
        for level, path, klass in reversed(list(self._levels(cls))):
            if level == "class":
                fixtures = [f for _, f in self._class_fixtures(path, klass)]
            else:
                fixtures = [f for group in self._module_fixtures(path).values() for f in group]
                for _, star in self._star_fixtures(path):
                    fixtures.extend(star)
            for f in fixtures:
                if f.autouse and f.name not in names:
                    names.append(f.name)
        result = []
        for name in names:
            definition = self.resolve(name, cls)
            if definition is not None:
                result.append(definition)
        return result

    def closure(self, item: TestItem) -> Closure:
        """Every fixture a test requests: autouse, usefixtures, parameters, and theirs."""
        cached = self._closures.get(id(item))
        if cached is not None:
            return cached
        queue: list[tuple[str, str]] = [(d.name, "autouse") for d in self.autouse(item.cls)]
        for name in self._ini_list("usefixtures", ()):
            queue.append((name, "usefixtures"))
        for mark in reversed(item.marks):
            if mark.name == "usefixtures" and mark.args:
                queue.extend((str(a), "usefixtures") for a in mark.args if isinstance(a, str))
        queue.extend((name, "parameter") for name in item.requests)
        closure = self.closure_of(queue, item.cls)
        self._closures[id(item)] = closure
        return closure

    def closure_of(self, initial: list[tuple[str, str]], cls: str | None) -> Closure:
        closure = Closure()
        queue = list(initial)
        while queue:
            name, via = queue.pop(0)
            if name in closure.requests:
                continue
            definitions = self.definitions(name, cls)
            closure.requests[name] = Request(name, definitions[0] if definitions else None, via)
            # A fixture that requests its own name gets the next definition outward.
            index = 0
            while index < len(definitions):
                definition = definitions[index]
                closure.definitions.append(definition)
                next_index = None
                for param in definition.fixture.params:
                    if param == name:
                        next_index = index + 1
                    else:
                        queue.append((param, f"fixture `{definition.name}`"))
                if next_index is None:
                    break
                index = next_index
        return closure

    # -- tests ---------------------------------------------------------------------------------
    def tests(self) -> list[TestItem]:
        """The functions pytest collects as tests in this module (none if it is not a test module)."""
        if self._tests is None:
            self._tests = self._collect() if self.is_test_module else []
        return self._tests

    def test_for(self, node: ast.AST) -> TestItem | None:
        for item in self.tests():
            if item.node is node:
                return item
        return None

    def _collect(self) -> list[TestItem]:
        functions = self._ini_list("python_functions", _DEFAULT_FUNCTIONS)
        classes = self._ini_list("python_classes", _DEFAULT_CLASSES)
        module_marks, module_complete = self._module_marks()
        items: list[TestItem] = []
        if self.tree is not None:
            for node in _top_level(self.tree.body):
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and _matches_name(node.name, functions):
                    function = self.summary.functions.get(node.name)
                    if function is not None and function.line == node.lineno:
                        items.append(self._item_from_node(node, function, None, None, module_marks, module_complete))
                elif isinstance(node, ast.ClassDef) and _matches_name(node.name, classes):
                    items.extend(self._class_items(node.name, node, functions, module_marks, module_complete))
        else:
            for name, function in self.summary.functions.items():
                if _matches_name(name, functions):
                    items.append(self._item_from_summary(function, None, module_marks, module_complete))
            for name in self.summary.classes:
                if _matches_name(name, classes):
                    items.extend(self._class_items(name, None, functions, module_marks, module_complete))
        return items

    def _class_items(self, name, node, functions, module_marks, module_complete) -> list[TestItem]:
        from .symbols import ProjectClass

        summary = self.summary.classes.get(name)
        if summary is None or (node is not None and summary.line != node.lineno):
            return []
        model = self.project.class_model(ProjectClass(self.path, name))
        if model is None or model.is_testcase is not False or model.unknown_bases:
            return []  # unittest classes (UT rules) and classes whose bases cannot be seen
        if "__init__" in model.methods or "__new__" in model.methods:
            return []  # pytest does not collect classes with a constructor
        class_marks, class_complete = self._class_marks(name, node, model)
        marks = class_marks + module_marks
        complete = class_complete and module_complete
        items = []
        if node is not None:
            for item in node.body:
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) and _matches_name(item.name, functions):
                    function = summary.methods.get(item.name)
                    if function is not None and function.line == item.lineno:
                        items.append(self._item_from_node(item, function, name, node, marks, complete))
        else:
            for method_name, function in summary.methods.items():
                if _matches_name(method_name, functions):
                    items.append(self._item_from_summary(function, name, marks, complete))
        return items

    def _item_from_node(self, node, function, cls, cls_node, outer_marks, complete) -> TestItem:
        marks: list[Mark] = []
        plain = True
        for decorator in reversed(node.decorator_list):  # the closest decorator applies first
            mark = self._mark_of_expr(decorator, "function")
            if mark is not None:
                marks.append(mark)
            elif not self._keeps_function(decorator):
                plain = False
        args = node.args
        positional = args.posonlyargs + args.args
        with_default = set(a.arg for a in positional[len(positional) - len(args.defaults):]) if args.defaults else set()
        with_default |= {a.arg for a, d in zip(args.kwonlyargs, args.kw_defaults) if d is not None}
        names = [a.arg for a in positional + args.kwonlyargs]
        if cls is not None and names and "staticmethod" not in function.decorators:
            names = names[1:]
        direct = set()
        for mark in marks:
            if mark.name == "parametrize" and mark.args and mark.kwarg("indirect") in (None, False):
                direct |= _argnames(mark.args[0])
        requests = tuple(n for n in names if n not in with_default and n not in direct)
        return TestItem(self.path, node.name, function, cls, tuple(marks) + tuple(outer_marks), requests, node,
                        cls_node, plain, complete)

    def _item_from_summary(self, function: FunctionSummary, cls, outer_marks, complete) -> TestItem:
        marks = []
        plain = True
        for decorator in reversed(function.decorators):
            qualified = self._qualify_mark(decorator)
            if qualified is not None:
                marks.append(Mark(qualified, "function"))
            elif not self._keeps_dotted(decorator):
                plain = False
        names = list(function.params)
        if cls is not None and names and "staticmethod" not in function.decorators:
            names = names[1:]
        return TestItem(self.path, function.name, function, cls, tuple(marks) + tuple(outer_marks), tuple(names),
                        None, None, plain, complete)

    def _module_marks(self) -> tuple[list[Mark], bool]:
        complete = not self._imports_pytestmark()
        if self.tree is None:
            return [Mark(m[len("pytest.mark."):], "module pytestmark") for m in self.summary.module_marks
                    if m.startswith("pytest.mark.")], complete
        marks: list[Mark] = []
        for node in _top_level(self.tree.body):
            value = _pytestmark_value(node)
            if value is not None:
                marks, readable = self._marks_of_value(value, "module pytestmark")
                complete = complete and readable
            elif _changes_pytestmark(node):
                complete = False  # `pytestmark += [...]`, `pytestmark.append(...)`
        return marks, complete

    def _imports_pytestmark(self) -> bool:
        """Does the module get a `pytestmark` from an import (by name, or a star import of one that has it)?"""
        if "pytestmark" in self.summary.imports:
            return True
        for path, _ in self._star_fixtures(self.path):
            summary = self.project.summary(path)
            if summary is not None and summary.module_marks:
                return True
        return False

    def _class_marks(self, name: str, node: ast.ClassDef | None, model) -> tuple[list[Mark], bool]:
        summary = self.summary.classes[name]
        complete = True
        marks: list[Mark] = []
        if node is not None:
            for item in node.body:
                value = _pytestmark_value(item)
                if value is not None:
                    marks, complete = self._marks_of_value(value, "class pytestmark")
            for decorator in reversed(node.decorator_list):
                mark = self._mark_of_expr(decorator, "class")
                if mark is not None:
                    marks.append(mark)
                else:
                    complete = False  # a class decorator may add marks (or rewrite the tests)
            if any(_changes_pytestmark(item) for item in node.body):
                complete = False
        else:
            marks = [Mark(m[len("pytest.mark."):], "class") for m in summary.marks if m.startswith("pytest.mark.")]
            complete = all(self._qualify_mark(d) is not None for d in summary.decorators)
        own = len(summary.marks)
        for inherited in model.marks[own:]:
            if inherited.startswith("pytest.mark."):
                marks.append(Mark(inherited[len("pytest.mark."):], "base class"))
        return marks, complete

    def _marks_of_value(self, value: ast.expr, origin: str) -> tuple[list[Mark], bool]:
        items = value.elts if isinstance(value, (ast.List, ast.Tuple)) else [value]
        marks = []
        complete = isinstance(value, (ast.List, ast.Tuple)) or self._mark_of_expr(value, origin) is not None
        for item in items:
            mark = self._mark_of_expr(item, origin)
            if mark is None:
                complete = False
            else:
                marks.append(mark)
        return marks, complete

    def _qualify_mark(self, dotted: str | None) -> str | None:
        """"asyncio" for a decorator or value that is `pytest.mark.asyncio` (through imports and aliases)."""
        if not dotted:
            return None
        qualified = self.summary.qualify(dotted)
        if qualified and qualified.startswith("pytest.mark."):
            return qualified[len("pytest.mark."):].split(".")[0]
        head = dotted.split(".")[0]
        if head in self.summary.aliases or head in self.summary.instances or head in self.summary.imports:
            symbol = self.project.resolve_dotted(self.path, dotted)
            if isinstance(symbol, Instance):
                symbol = symbol.of
            if isinstance(symbol, External) and symbol.qualname.startswith("pytest.mark."):
                return symbol.qualname[len("pytest.mark."):].split(".")[0]
        return None

    def _mark_of_expr(self, expr: ast.expr, origin: str) -> Mark | None:
        call = expr if isinstance(expr, ast.Call) else None
        target = call.func if call is not None else expr
        name = self._qualify_mark(dotted_name(target))
        if name is None:
            return None
        if call is None:
            return Mark(name, origin, expr, (), {})
        args: list = []
        for arg in call.args:
            if isinstance(arg, ast.Starred):
                return Mark(name, origin, expr, None, None)
            args.append(_literal(arg))
        kwargs: dict = {}
        for keyword in call.keywords:
            if keyword.arg is None:
                return Mark(name, origin, expr, None, None)
            kwargs[keyword.arg] = _literal(keyword.value)
        return Mark(name, origin, expr, tuple(args), kwargs)

    def _keeps_function(self, decorator: ast.expr) -> bool:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        return self._keeps_dotted(dotted_name(target))

    def _keeps_dotted(self, dotted: str | None) -> bool:
        """Does a decorator leave a test function as it is (as far as running it goes)?"""
        if not dotted:
            return False
        if dotted in ("staticmethod", "classmethod"):
            return True
        qualified = self.summary.qualify(dotted) or dotted
        if knowledge.is_async_preserving_decorator(qualified):
            return True
        symbol = self.project.resolve_dotted(self.path, dotted)
        if isinstance(symbol, External):
            return knowledge.is_async_preserving_decorator(symbol.qualname)
        if isinstance(symbol, ProjectFunction):
            function = self.project.function_summary(symbol)
            return function is not None and function.returns_async_wrapper and not function.runs_coroutines
        return False

    # -- who runs what -------------------------------------------------------------------------
    def anyio_reason(self, item: TestItem, closure: Closure | None = None) -> str | None:
        """Why anyio's plugin runs this async test (None: it does not)."""
        if not self.anyio_enabled:
            return None
        mark = item.closest("anyio")
        if mark is not None:
            return f"it is marked {mark.describe()}"
        closure = closure or self.closure(item)
        if "anyio_backend" in closure:
            return f"it requests the `anyio_backend` fixture ({closure.path_to('anyio_backend')})"
        if self.anyio_auto:
            entry = self.config.anyio_mode_entry
            return f"anyio runs every async test: {self.describe_entry(entry)}" if entry else "anyio auto mode"
        return None

    def runner(self, item: TestItem, closure: Closure | None = None) -> Runner:
        """Which plugin runs an async test (see `Runner`)."""
        if not item.is_async:
            return Runner("sync", "not an async test")
        if not item.plain:
            return Runner("unknown", "a decorator may change how it runs")
        custom = self.hooks(knowledge.CUSTOM_ASYNC_TEST_RUNNER_HOOKS)
        if custom:
            return Runner("custom", f"`{custom[0][1]}` in {self.project.relpath(custom[0][0])} may run it")
        foreign = self.foreign_plugin()
        if foreign is not None:
            return Runner("unknown", f"the plugin `{foreign}`, loaded from outside the project, may run it")
        anyio = self.anyio_reason(item, closure)
        if anyio:
            return Runner("anyio", anyio)
        for mark in item.marks:
            if mark.name in knowledge.ASYNC_TEST_PLUGIN_MARKS:
                return Runner("other", f"it is marked {mark.describe()}", mark)
        claim = self.claim_all_plugin()
        if claim is not None:
            return Runner("other", f"{self.describe_entry(claim)} claims every async test")
        if not self.asyncio_enabled:
            return Runner("none", "pytest-asyncio is disabled (`-p no:asyncio`)")
        mark = item.closest("asyncio")
        if mark is not None:
            return Runner("asyncio", f"it is marked {mark.describe()}", mark)
        added = self.collection_mark()
        if added is not None:
            return Runner("asyncio", f"{added.where(self.project)} marks every async test")
        if self.asyncio_mode == "auto":
            return Runner("asyncio", "pytest-asyncio is in auto mode")
        if self.asyncio_mode == "invalid":
            return Runner("unknown", "asyncio_mode has a value pytest-asyncio refuses")
        if not item.marks_complete:
            return Runner("unknown", "a `pytestmark` could not be read")
        return Runner("none", "no asyncio mark and strict mode")

    def fixture_handler(self, definition: FixtureDef) -> str:
        """Who runs an async fixture: "asyncio" (pytest-asyncio), "plain" (nobody, unless anyio), "sync"."""
        if not definition.is_async:
            return "sync"
        if not self.asyncio_enabled or self.asyncio_mode == "invalid":
            return "plain"
        if definition.is_pytest_asyncio or self.asyncio_mode == "auto":
            return "asyncio"
        return "plain"

    def test_loop_scope(self, item: TestItem) -> tuple[str | None, str, Mark | ConfigEntry | None]:
        """The loop scope an asyncio test runs in: (scope or None if unknown, why, where)."""
        mark = item.closest("asyncio")
        added = self.collection_mark()
        if added is not None and added.loop_scope and (mark is None or added.first):
            return added.loop_scope, f"`loop_scope={added.loop_scope!r}` of the mark {added.where(self.project)} adds", None
        if mark is not None:
            value = mark.kwarg("loop_scope")
            if value is None:
                value = mark.kwarg("scope")
            if is_nonliteral(value):
                return None, "the asyncio mark's arguments cannot be read", mark
            if isinstance(value, str):
                return value, f"`loop_scope={value!r}` of {mark.describe()}", mark
        entry = self.config.asyncio_default_test_loop_scope
        if entry is not None:
            return str(entry.value), self.describe_entry(entry), entry
        return "function", "the default test loop scope (`function`)", None

    def fixture_loop_scope(self, definition: FixtureDef) -> tuple[str | None, str, ConfigEntry | None]:
        """The loop scope pytest-asyncio runs a fixture in: (scope or None if unknown, why, config entry)."""
        fixture = definition.fixture
        if fixture.loop_scope:
            return fixture.loop_scope, f"`loop_scope={fixture.loop_scope!r}`", None
        entry = self.config.asyncio_default_fixture_loop_scope
        if entry is not None:
            value = str(entry.value)
            if value == "fixture-scope":
                return definition.scope, f"{self.describe_entry(entry)} (the fixture's own scope)", entry
            return value, self.describe_entry(entry), entry
        return definition.scope, "its own scope (no `loop_scope`, `asyncio_default_fixture_loop_scope` unset)", None

    # -- reverse: who requests a fixture ------------------------------------------------------------
    def users(self, definition: FixtureDef) -> Iterator[tuple["PytestModel", TestItem, Closure]]:
        """Tests that request a fixture, directly or not (only where they can be known).

        A fixture of a test module is requested by that module's tests; one of
        a conftest by tests in modules under its folder. Stops after
        USER_SCAN_LIMIT modules; `users_complete` tells whether the scan could be
        exhaustive.
        """
        for model in self._user_models(definition):
            for item in model.tests():
                closure = model.closure(item)
                if closure.uses(definition):
                    yield model, item, closure

    def users_complete(self, definition: FixtureDef) -> bool:
        if definition.level in ("class", "module"):
            return True
        if definition.level != "conftest" or definition.path.name != "conftest.py":
            return False
        count = 0
        for _ in self.project.iter_files(definition.path.parent):
            count += 1
            if count > USER_SCAN_LIMIT:
                return False
        return True

    def _user_models(self, definition: FixtureDef) -> Iterator["PytestModel"]:
        if definition.level in ("class", "module"):
            if definition.path == self.path:
                yield self
            return
        if definition.level != "conftest" or definition.path.name != "conftest.py":
            return
        count = 0
        for path in self.project.iter_files(definition.path.parent):
            count += 1
            if count > USER_SCAN_LIMIT:
                return
            if path.name == "conftest.py":
                continue
            path = Path(os.path.abspath(path))
            if path == self.path:
                yield self
                continue
            if not _matches_files(path, self._ini_list("python_files", _DEFAULT_FILES)):
                continue
            summary = self.project.summary(path)
            if summary is None or summary.syntax_error:
                continue
            yield PytestModel(self.project, path, summary)


# -- helpers ---------------------------------------------------------------------------------------


def describe_version_info(project: "Project", info: VersionInfo, versions: ProjectVersions | None = None) -> str:
    if info.kind == "target":
        own = versions.pinned.get(info.name) if versions is not None else None
        told = f"; {pin_phrase(own)}" + (f" ({describe_version_info(project, own)})" if own is not None else "")
        return f"{info.name} {info.spec} (the target{told})"
    version = info.exact or info.spec or "any version"
    if info.exact is None and info.spec and info.spec[0].isdigit():
        version = f"=={version}"
    where = project.relpath(info.source) if info.source else "?"
    if info.line:
        where += f":{info.line}"
    kinds = {"installed": "installed", "lock": "locked", "declared": "declared"}
    return f"{info.name} {version} ({kinds.get(info.kind, info.kind)}, {where})"


def _top_level(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    for node in body:
        if isinstance(node, ast.If):
            yield from _top_level(node.body)
            yield from _top_level(node.orelse)
        elif isinstance(node, ast.Try) or type(node).__name__ == "TryStar":
            yield from _top_level(node.body)  # type: ignore[attr-defined]
            for handler in node.handlers:  # type: ignore[attr-defined]
                yield from _top_level(handler.body)
            yield from _top_level(node.orelse)  # type: ignore[attr-defined]
            yield from _top_level(node.finalbody)  # type: ignore[attr-defined]
        elif isinstance(node, ast.With):
            yield from _top_level(node.body)
        else:
            yield node


def _pytestmark_value(node: ast.stmt) -> ast.expr | None:
    if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "pytestmark" for t in node.targets):
        return node.value
    if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.target.id == "pytestmark":
        return node.value
    return None


def _changes_pytestmark(node: ast.stmt) -> bool:
    if isinstance(node, ast.AugAssign):
        return isinstance(node.target, ast.Name) and node.target.id == "pytestmark"
    if isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
        func = node.value.func
        return isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == "pytestmark"
    return False


def pytestmark_statements(body: list[ast.stmt]) -> list[ast.stmt]:
    """`pytestmark = ...` statements directly in a module or class body."""
    return [node for node in (_top_level(body) if body else ()) if _pytestmark_value(node) is not None]


def _literal(node: ast.expr):
    try:
        return ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return _NONLITERAL


def _argnames(value) -> set[str]:
    if isinstance(value, str):
        return {part.strip() for part in value.split(",") if part.strip()}
    if isinstance(value, (list, tuple)):
        return {str(v) for v in value if isinstance(v, str)}
    return set()


def _matches_name(name: str, patterns: tuple[str, ...]) -> bool:
    """pytest's `python_classes`/`python_functions` matching: a prefix, or a glob."""
    for pattern in patterns:
        if name.startswith(pattern):
            return True
        if any(ch in pattern for ch in "*?[") and fnmatch.fnmatch(name, pattern):
            return True
    return False


def _matches_files(path: Path, patterns: tuple[str, ...]) -> bool:
    """pytest's `python_files` matching (fnmatch on the name, or on the path when the pattern has a separator)."""
    if path.suffix != ".py" or path.name == "__init__.py":
        return False
    for pattern in patterns:
        if os.sep not in pattern and "/" not in pattern:
            if fnmatch.fnmatch(path.name, pattern):
                return True
        elif fnmatch.fnmatch(str(path), pattern if os.path.isabs(pattern) else f"*{os.sep}{pattern}"):
            return True
    return False
