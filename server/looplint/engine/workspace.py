"""The engine's front door: projects, settings and checking, for any front end.

The CLI and the language server both talk to an `Engine`. It finds the
project a file belongs to, loads that project's `[tool.looplint]` settings
(with the front end's overrides on top), and checks files or editor buffers.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from .rule import Rule
from .checker import Checker, CheckResult
from .edits import FixOutcome, apply_edits
from .fixer import ParsedTexts, attach_fixes, fix_text
from .model import Diagnostic, FileProblem, fix_applies
from .project import Project, find_project_root
from .settings import ConfigError, Settings, load_settings
from .source import Source, SourceError, read_source


@dataclass
class Overrides:
    """Settings a front end imposes on top of the project's configuration."""

    select: tuple[str, ...] | None = None
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    severity: dict[str, str] = field(default_factory=dict)
    async_test_bases: tuple[str, ...] = ()
    async_test_decorators: tuple[str, ...] = ()
    python_version: str | None = None
    target: tuple[tuple[str, str], ...] = ()  # on top of the project's `target`, name by name
    enabled: bool = True
    # Editors replace the project's ignore list (like `select`); the CLI's --ignore extends it.
    replace_ignore: bool = False

    def apply(self, settings: Settings) -> Settings:
        select = self.select if self.select is not None else settings.select
        base_ignore = () if self.replace_ignore else tuple(settings.ignore)
        return settings.with_overrides(
            select=tuple(select) + tuple(self.extend_select),
            ignore=base_ignore + tuple(self.ignore),
            severity={**settings.severity, **self.severity},
            async_test_bases=tuple(settings.async_test_bases) + tuple(self.async_test_bases),
            async_test_decorators=tuple(settings.async_test_decorators) + tuple(self.async_test_decorators),
            python_version=self.python_version or settings.python_version,
            target=tuple({**dict(settings.target), **dict(self.target)}.items()),
            enabled=self.enabled and settings.enabled,
        )


class Engine:
    def __init__(
        self,
        rules: Iterable[Rule],
        *,
        overrides: Overrides | None = None,
        config_file: Path | None = None,
        lenient_config: bool = False,
    ):
        self.rules = list(rules)  # the fronts pass looplint.rules.all_rules(): the engine knows no rule
        self.rules_by_code = {rule.code: rule for rule in self.rules}
        self.overrides = overrides or Overrides()
        self.config_file = config_file.resolve() if config_file else None
        # A long-running front end (the language server) must keep working while a
        # `[tool.looplint]` table is broken: lenient engines record the error (see
        # `config_error`) and use the defaults (plus overrides) for that project.
        self.lenient_config = lenient_config
        self._config_errors: dict[Path, ConfigError] = {}
        self._projects: dict[Path, Project] = {}
        self._roots: dict[Path, Path] = {}
        self.summary_provider = None  # given to every project (see Project.summary_provider)
        self._checkers: dict[Path, Checker] = {}
        self._lock = threading.RLock()

    # -- projects ------------------------------------------------------------------
    def project_for(self, path: Path) -> Project:
        """The project a file or folder belongs to (settings loaded; ConfigError if they are bad)."""
        # Root discovery stats marker files up the tree: remember it per folder.
        folder = path if path.is_dir() else path.parent
        root = self._roots.get(folder)
        if root is None:
            root = find_project_root(path)
            self._roots[folder] = root
        with self._lock:
            project = self._projects.get(root)
            if project is None:
                project = Project(root, self._load_settings(root))
                project.summary_provider = self.summary_provider
                self._projects[root] = project
                self._checkers[root] = Checker(project, self.rules)
            return project

    def _load_settings(self, root: Path) -> Settings:
        codes = self.rules_by_code.keys()
        config = self.config_file or root / "pyproject.toml"
        try:
            # A pyproject.toml that is there but not a regular file (a FIFO...) is an error, not "no config".
            settings = load_settings(config, codes) if os.path.lexists(config) else Settings()
        except ConfigError as exc:
            if not self.lenient_config:
                raise
            self._config_errors[root] = exc
            settings = Settings(config_path=config)
        else:
            self._config_errors.pop(root, None)
        return self.overrides.apply(settings)

    def config_error(self, root: Path) -> ConfigError | None:
        """The configuration error of a project root (lenient engines only; None when the config is fine)."""
        with self._lock:
            return self._config_errors.get(root)

    def reload_settings(self, root: Path | None = None) -> None:
        """Re-read configuration (after a config file or the editor settings changed)."""
        with self._lock:
            roots = [root] if root is not None else list(self._projects)
            for r in roots:
                project = self._projects.get(r)
                if project is not None:
                    project.settings = self._load_settings(r)
                    project.invalidate()
                    self._checkers[r] = Checker(project, self.rules)

    def set_summary_provider(self, provider) -> None:
        """Install (or remove, with None) a summary provider on every project, present and future."""
        with self._lock:
            self.summary_provider = provider
            for project in self._projects.values():
                project.summary_provider = provider

    def projects(self) -> list[Project]:
        with self._lock:
            return list(self._projects.values())

    def checker_for(self, project: Project) -> Checker:
        with self._lock:
            return self._checkers[project.root]

    # -- checking -----------------------------------------------------------------------
    def check_file(
        self, path: Path, text: str | None = None, *, with_fixes: bool = False, parse=None, reuse=None
    ) -> CheckResult:
        """Check a file from disk, or the given text (an editor buffer) as that file.

        `parse`, `reuse`: see `Checker.check_source` (what editor buffers keep between checks).
        """
        path = path.absolute()
        project = self.project_for(path)
        try:
            source = Source(text, path) if text is not None else read_source(path)
        except SourceError as exc:
            return CheckResult(path=path, problem=FileProblem(path, str(exc), kind="read-error"))
        result = self.checker_for(project).check_source(path, source, parse=parse, reuse=reuse)
        if with_fixes and result.diagnostics:
            attach_fixes(source.text, result.diagnostics, self.rules_by_code, self.read_text)
        return result

    def read_text(self, path: Path) -> str | None:
        """The current text of a project file: an editor's unsaved buffer, else the file (None: unreadable)."""
        path = Path(path).absolute()
        try:
            if path.suffix != ".py":
                return read_source(path).text
            return self.project_for(path).source(path).text
        except SourceError:
            return None

    def explain_definition(self, path: Path, line: int, text: str | None = None) -> str | None:
        """Markdown for a hover on the class or def named on `line` (1-based) of a file or an editor
        buffer: how the class runs its tests (its whole MRO), or what the function is and does to
        event loops, with the call chain. None where nothing is known."""
        path = path.absolute()
        project = self.project_for(path)
        try:
            source = Source(text, path) if text is not None else read_source(path)
        except SourceError:
            return None
        return self.checker_for(project).explain_definition(path, source, line)

    def check_config_file(
        self, path: Path, text: str | None = None, *, with_fixes: bool = False, others: dict | None = None
    ) -> CheckResult:
        """Run the config rules (CF*) on a pytest config file from disk, or on an editor buffer's text
        (`others`: texts of other config files that differ from disk)."""
        from .config_check import attach_config_fixes, check_config

        path = path.absolute()
        project = self.project_for(path)
        result = check_config(project, self.rules, path, text, others)
        if with_fixes and result.diagnostics:
            from .config_check import read_config

            attach_config_fixes(text if text is not None else read_config(path), result.diagnostics, self.rules_by_code,
                                self.read_text)
        return result

    def config_files_for(self, python_files: Iterable[Path]) -> list[Path]:
        """The pytest config files that govern these Python files (active ones, and those pytest ignores there)."""
        from .config_check import governing_configs

        found: dict[Path, None] = {}
        seen_dirs: set[Path] = set()
        for file in python_files:
            directory = Path(file).absolute().parent
            if directory in seen_dirs:
                continue
            seen_dirs.add(directory)
            for config in governing_configs(self.project_for(file), Path(file).absolute()):
                found.setdefault(config, None)
        return list(found)

    def fix_file_text(self, path: Path, text: str, *, unsafe: bool = False, only=None, others=None) -> FixOutcome:
        """Apply fixes to `text` (as the content of `path`) until none is left (`others`: see check_config_file)."""
        path = path.absolute()
        from .config_check import fix_config_text, is_config_file

        if is_config_file(path):
            return fix_config_text(
                path, text, lambda current: self.check_config_file(path, current, others=others).diagnostics,
                self.rules_by_code, unsafe=unsafe, only=only,
            )
        project = self.project_for(path)
        checker = self.checker_for(project)

        parsed = ParsedTexts()

        def lint(current: str) -> list[Diagnostic]:
            return checker.check_source(path, Source(current, path), parse=parsed.parser_for(current)).diagnostics

        return fix_text(text, lint, self.rules_by_code, unsafe=unsafe, only=only, parses=parsed, path=path,
                        read=self.read_text)

    def fix_project(self, files: Iterable[Path], *, unsafe: bool = False, only=None, max_migrations: int = 50) -> "ProjectFixOutcome":
        """Every applicable fix of these files (Python and pytest config files), migrations included:
        fixes that edit several files at once (`fixer.fix_files`). Nothing is written: the outcome has
        each changed file's text before and after.

        Migrations come first, one at a time; the texts they change are given to the project as unsaved
        buffers, so every later check sees them (a subclass of a migrated base no longer needs its own
        fix). Then each file's own fixes run on its current text (`fix_file_text`)."""
        from .config_check import attach_config_fixes, is_config_file
        from .fixer import fix_files

        files = [Path(f).absolute() for f in files]
        unreadable: list[tuple[Path, str]] = []
        for path in list(files):
            try:
                read_source(path)
            except SourceError as exc:
                unreadable.append((path, str(exc)))
                files.remove(path)
        together: dict[int, set[Path]] = {}  # id(applied migration) -> the files it changed
        current: dict[Path, str] = {}
        before: dict[Path, str | None] = {}
        overlaid: list[tuple[Project, Path]] = []
        applied: list[Diagnostic] = []
        failed: list[tuple[Diagnostic, str]] = []

        def text(path: Path) -> str | None:
            path = Path(path).absolute()
            return current[path] if path in current else self.read_text(path)

        def change(path: Path, old: str | None, new: str) -> None:
            before.setdefault(path, old)
            current[path] = new
            if not is_config_file(path) and path.suffix == ".py":
                project = self.project_for(path)
                project.set_overlay(path, new)
                overlaid.append((project, path))

        def lint(path: Path) -> list[Diagnostic]:
            body = text(path)
            if body is None:
                return []
            if is_config_file(path):
                others = {p: t for p, t in current.items() if p != path and is_config_file(p)}
                return self.check_config_file(path, body, others=others).diagnostics
            return self.check_file(path, body).diagnostics

        def wanted(d: Diagnostic) -> bool:
            return fix_applies(d.fix_applicability, unsafe) and (only is None or only(d))

        try:
            pending = list(dict.fromkeys(files))
            tried: set[tuple] = set()
            for _ in range(max_migrations):
                found: list[Diagnostic] = []
                for path in list(pending):
                    here = [d for d in lint(path) if fix_files(d) and wanted(d) and _key(d) not in tried]
                    if not here:
                        pending.remove(path)
                    found.extend(here)
                if not found:
                    break
                candidate = found[0]
                # Findings whose fix is the same migration (the subclasses of one base, the bridge
                # and the sniffing inside it) are settled by applying it once.
                group = [d for d in found if _same_migration(d, candidate)]
                tried.update(_key(d) for d in group)
                own = text(candidate.path)
                if own is None:
                    continue
                attach = attach_config_fixes if is_config_file(candidate.path) else attach_fixes
                attach(own, [candidate], self.rules_by_code, text)
                fix = candidate.fix
                if fix is None:
                    failed.append((candidate, candidate.fix_unavailable or "the migration could not be built for this code"))
                    continue
                new_texts = [(Path(candidate.path).absolute(), own, apply_edits(own, list(fix.edits)))]
                for other in fix.other_files:
                    old = None if other.create else text(other.path)
                    new_texts.append((Path(other.path).absolute(), old, apply_edits(old or "", list(other.edits))))
                changed_here = set()
                for path, old, new in new_texts:
                    if new != old:
                        change(path, old, new)
                        changed_here.add(path)
                for d in group:
                    applied.append(d)
                    together[id(d)] = changed_here
            for path in files:
                body = text(path)
                if body is None:
                    continue
                others = {p: t for p, t in current.items() if p != path and is_config_file(p)}
                outcome = self.fix_file_text(path, body, unsafe=unsafe, only=only, others=others)
                applied.extend(outcome.applied)
                failed.extend(outcome.failed)
                if outcome.text != body:
                    change(path, body, outcome.text)
        finally:
            for project, path in overlaid:
                project.set_overlay(path, None)
        changed = {path: (old, current[path]) for path, old in before.items() if old != current[path]}
        return ProjectFixOutcome(changed, applied, failed,
                                 [files for files in {id(f): f for f in together.values()}.values()], unreadable, together)


def _key(d: Diagnostic) -> tuple:
    """A finding across the texts of a fix loop (its line moves when a migration edits above it)."""
    return (d.code, str(d.path), d.message)


def _same_migration(a: Diagnostic, b: Diagnostic) -> bool:
    """Is `a` settled by `b`'s migration? A base class migrated once settles every finding whose fix is
    that migration (its subclasses' async tests, the bridge and the sniffing inside it)."""
    return a is b or (a.data.get("base") is not None and a.data.get("base") == b.data.get("base"))


@dataclass
class ProjectFixOutcome:
    """What `Engine.fix_project` would change: path -> (text before, None for a new file; text after)."""

    texts: dict[Path, tuple[str | None, str]]
    applied: list[Diagnostic]
    failed: list[tuple[Diagnostic, str]]
    together: list[set[Path]] = field(default_factory=list)  # the files of each migration: written all or none
    unreadable: list[tuple[Path, str]] = field(default_factory=list)  # files asked for that could not be read
    _migrations: dict[int, set[Path]] = field(default_factory=dict, repr=False)

    def files_of(self, diagnostic: Diagnostic) -> set[Path]:
        """The files a diagnostic's applied fix changed."""
        return self._migrations.get(id(diagnostic)) or {Path(diagnostic.path).absolute()}


__all__ = ["Engine", "Overrides", "ConfigError", "CheckResult", "ProjectFixOutcome"]
