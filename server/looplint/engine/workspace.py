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
from .edits import FixOutcome
from .fixer import ParsedTexts, attach_fixes, fix_text
from .model import Diagnostic, FileProblem
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
            attach_fixes(source.text, result.diagnostics, self.rules_by_code)
        return result

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

    def check_config_file(self, path: Path, text: str | None = None, *, with_fixes: bool = False) -> CheckResult:
        """Run the config rules (CF*) on a pytest config file from disk, or on an editor buffer's text."""
        from .config_check import attach_config_fixes, check_config

        path = path.absolute()
        project = self.project_for(path)
        result = check_config(project, self.rules, path, text)
        if with_fixes and result.diagnostics:
            from .config_check import read_config

            attach_config_fixes(text if text is not None else read_config(path), result.diagnostics, self.rules_by_code)
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

    def fix_file_text(self, path: Path, text: str, *, unsafe: bool = False, only=None) -> FixOutcome:
        """Apply fixes to `text` (as the content of `path`) until none is left."""
        path = path.absolute()
        from .config_check import fix_config_text, is_config_file

        if is_config_file(path):
            return fix_config_text(
                path, text, lambda current: self.check_config_file(path, current).diagnostics, self.rules_by_code,
                unsafe=unsafe, only=only,
            )
        project = self.project_for(path)
        checker = self.checker_for(project)

        parsed = ParsedTexts()

        def lint(current: str) -> list[Diagnostic]:
            return checker.check_source(path, Source(current, path), parse=parsed.parser_for(current)).diagnostics

        return fix_text(text, lint, self.rules_by_code, unsafe=unsafe, only=only, parses=parsed)


__all__ = ["Engine", "Overrides", "ConfigError", "CheckResult"]
