"""Checking editor buffers with the engine: folders, settings, last good results.

Runs on the analysis thread only (see `worker`). Each workspace folder has its
own `Engine` (its editor settings become that engine's `Overrides`); files
outside every folder use a default one. Engines are lenient about
`[tool.looplint]` errors: the project keeps working with default settings and
the error is reported as a diagnostic in its pyproject.toml.
"""

from __future__ import annotations

import logging
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path

from ..engine.files import MAX_FILE_BYTES
from ..engine.model import Diagnostic, Range, Severity
from ..engine.project import Project
from ..engine.reuse import StatementReuse
from ..engine.settings import ConfigError, parse_settings_text
from ..engine.summary import ModuleSummary
from ..engine.workspace import Engine
from ..rules import all_rules
from .carry import carry_over
from .incremental import IncrementalParser
from .settings import ServerSettings

log = logging.getLogger("looplint.lsp")
_EOL = re.compile(r"\r\n|\r|\n")

# Files whose content changes what looplint reports for other files.
PYTEST_CONFIG_FILES = frozenset({"pytest.toml", ".pytest.toml", "pytest.ini", ".pytest.ini", "tox.ini", "setup.cfg"})
CONFIG_FILES = PYTEST_CONFIG_FILES | {"pyproject.toml"}
REQUIREMENT_GLOBS = (
    "**/requirements*.txt",
    "**/requirements/*.txt",
    "**/constraints*.txt",
    "**/uv.lock",
    "**/poetry.lock",
    "**/pdm.lock",
    "**/Pipfile.lock",
    "**/pylock*.toml",
)
WATCH_GLOBS = (
    "**/*.py",
    "**/pyproject.toml",
    "**/pytest.ini",
    "**/.pytest.ini",
    "**/pytest.toml",
    "**/.pytest.toml",
    "**/setup.cfg",
    "**/tox.ini",
    *REQUIREMENT_GLOBS,
)


def is_python(path: Path | None, language_id: str = "") -> bool:
    return language_id == "python" or (path is not None and path.suffix in (".py", ".pyi"))


def is_config(path: Path | None) -> bool:
    return path is not None and path.name in CONFIG_FILES


def is_requirements(path: Path) -> bool:
    name = path.name
    return (
        (name.startswith(("requirements", "constraints")) and name.endswith(".txt"))
        or (path.parent.name == "requirements" and name.endswith(".txt"))
        or name in ("uv.lock", "poetry.lock", "pdm.lock", "Pipfile.lock")
        or (name.startswith("pylock") and name.endswith(".toml"))
    )


@dataclass
class Folder:
    uri: str | None  # None: the default folder for files outside every workspace folder
    path: Path | None
    settings: ServerSettings
    engine: Engine


@dataclass
class Analysis:
    """What one check of one document version produced."""

    uri: str
    version: int
    text: str
    diagnostics: list[Diagnostic] = field(default_factory=list)
    parses: bool = True
    carried: bool = False  # diagnostics of the last good version, moved onto this text
    summary_changed: bool = False  # other files may see something different now
    problem: str | None = None


class BufferState:
    """What checks of one open buffer keep: its last tree (an edit re-parses only the statements
    it touched) and what local rules reported in each statement (engine.reuse)."""

    def __init__(self) -> None:
        self.parser = IncrementalParser()
        self.reuse = StatementReuse()

    def parse(self, text: str, filename: str = "<unknown>"):
        self.reuse.change = None
        tree = self.parser.parse(text, filename)
        self.reuse.change = self.parser.change
        return tree


@dataclass
class _LastGood:
    text: str
    diagnostics: list[Diagnostic]


class Analyzer:
    def __init__(self, settings: ServerSettings):
        self._lock = threading.RLock()
        self.default_settings = settings
        self.folders: list[Folder] = []
        self.default = self._make_folder(None, None, settings)
        self._last_good: dict[str, _LastGood] = {}
        self._buffers: dict[str, BufferState] = {}  # per open buffer: what re-checks reuse
        self.rules_by_code = {rule.code: rule for rule in all_rules()}

    # -- folders and settings ---------------------------------------------------------------
    def _make_folder(self, uri: str | None, path: Path | None, settings: ServerSettings) -> Folder:
        return Folder(uri, path, settings, Engine(all_rules(), overrides=settings.overrides(), lenient_config=True))

    def set_folders(self, folders: list[tuple[str, Path]]) -> None:
        with self._lock:
            known = {f.uri: f for f in self.folders}
            self.folders = [
                known.get(uri) or self._make_folder(uri, path, self.default_settings) for uri, path in folders
            ]
            # Longest path first, so nested folders win.
            self.folders.sort(key=lambda f: len(str(f.path)), reverse=True)

    def folder_for(self, path: Path | None) -> Folder:
        if path is None:
            return self.folders[-1] if self.folders else self.default
        with self._lock:
            for folder in self.folders:
                if folder.path is not None and (path == folder.path or folder.path in path.parents):
                    return folder
        return self.default

    def all_folders(self) -> list[Folder]:
        with self._lock:
            return [*self.folders, self.default]

    def apply_settings(self, folder: Folder, settings: ServerSettings) -> bool:
        """Use new editor settings for a folder; True when anything the engine sees changed."""
        if settings == folder.settings:
            return False
        changed = settings.overrides() != folder.settings.overrides()
        folder.settings = settings
        if changed:
            folder.engine.overrides = settings.overrides()
            folder.engine.reload_settings()
        return changed

    # -- projects -----------------------------------------------------------------------
    def project_for(self, path: Path) -> Project:
        return self.folder_for(path).engine.project_for(path)

    def config_errors(self) -> list[ConfigError]:
        errors = []
        for folder in self.all_folders():
            for project in folder.engine.projects():
                error = folder.engine.config_error(project.root)
                if error is not None and error not in errors:
                    errors.append(error)
        return errors

    def reload_config(self, root: Path | None = None) -> None:
        """A looplint/pytest config file changed on disk: re-read settings, forget cached facts."""
        from ..engine import pytest_config

        pytest_config.clear_cache()
        for folder in self.all_folders():
            folder.engine.reload_settings(root)

    # -- checking -----------------------------------------------------------------------
    def check_python(self, uri: str, path: Path, version: int, text: str) -> Analysis:
        """Check a buffer; keep and carry over the last good diagnostics while it does not parse."""
        size = oversized(text)
        if size:
            return self._not_checked(uri, path, version, text, size)
        folder = self.folder_for(path)
        engine = folder.engine
        project = engine.project_for(path)
        if not folder.settings.enable or project.is_excluded(path):
            project.set_overlay(path, text)
            return Analysis(uri, version, text)
        before = project.cached_summary(path)
        # The check replaces this file's summary itself (and drops class models only when what
        # other files see changed), so the overlay needs no invalidation: keystrokes that do
        # not change the module's shape keep every cached class model.
        project.set_overlay(path, text, invalidate=False)
        with self._lock:
            buffer = self._buffers.get(uri)
            if buffer is None:
                buffer = self._buffers[uri] = BufferState()
        result = engine.check_file(path, text, parse=buffer.parse, reuse=buffer.reuse)
        if result.problem is not None:
            with self._lock:
                last = self._last_good.get(uri)
            # Other files keep seeing the last version that parsed (its summary is still the
            # cached one), or the file on disk.
            if last is not None:
                project.set_overlay(path, last.text, invalidate=False)
            else:
                project.set_overlay(path, None)
            if last is None:
                return Analysis(uri, version, text, parses=False, problem=result.problem.message)
            carried = carry_over(last.diagnostics, last.text, text)
            return Analysis(uri, version, text, carried, parses=False, carried=True, problem=result.problem.message)
        with self._lock:
            self._last_good[uri] = _LastGood(text, result.diagnostics)
        changed = before is not None and result.summary is not None and not _same_summary(before, result.summary)
        return Analysis(uri, version, text, result.diagnostics, summary_changed=changed)

    def check_config(self, uri: str, path: Path, version: int, text: str) -> Analysis:
        """Diagnostics inside a configuration file: `[tool.looplint]` errors (CF rules: see below)."""
        size = oversized(text)
        if size:
            return self._not_checked(uri, path, version, text, size)
        diagnostics: list[Diagnostic] = []
        folder = self.folder_for(path)
        if path.name == "pyproject.toml" and folder.settings.enable:
            try:
                parse_settings_text(path, text, self.rules_by_code.keys())
            except ConfigError as exc:
                diagnostics.append(config_error_diagnostic(exc, text))
        # Configuration rules (CF001-CF004) on the buffer's text: pytest's view of this directory
        # is resolved with the unsaved text (Engine.check_config_file).
        if folder.settings.enable:
            try:
                diagnostics.extend(folder.engine.check_config_file(path, text).diagnostics)
            except ConfigError:
                pass  # a broken [tool.looplint] is reported above
        return Analysis(uri, version, text, diagnostics)

    def _not_checked(self, uri: str, path: Path, version: int, text: str, size: int) -> Analysis:
        """A buffer above the size limit the command line has: not analysed, and nothing of it
        kept (no tree, no results; other files see the file on disk), with one diagnostic saying why."""
        with self._lock:
            self._last_good.pop(uri, None)
            self._buffers.pop(uri, None)
        if is_python(path):
            self.project_for(path).set_overlay(path, None)
        message = (f"looplint did not check this file: it is {size / 1048576:.1f} MB, "
                   f"larger than the {MAX_FILE_BYTES // 1048576} MB limit")
        diagnostic = Diagnostic(code="", name="file-too-large", message=message, severity=Severity.INFO,
                                path=path, range=Range(1, 0, 1, 0))
        return Analysis(uri, version, text, [diagnostic], problem=message)

    def close(self, uri: str, path: Path | None) -> bool:
        """Forget a closed buffer: back to the file on disk. True when its summary changed for others."""
        with self._lock:
            self._last_good.pop(uri, None)
            self._buffers.pop(uri, None)
        if path is None or not is_python(path):
            return False
        project = self.project_for(path)
        before = project.cached_summary(path)
        project.set_overlay(path, None)
        after = project.summary(path) if path.exists() else None
        return before is not None and (after is None or not _same_summary(before, after))

    def last_good_text(self, uri: str) -> str | None:
        with self._lock:
            last = self._last_good.get(uri)
            return last.text if last else None


def oversized(text: str) -> int:
    """The UTF-8 size of a text above MAX_FILE_BYTES (0 when within it): what the CLI refuses to read."""
    if len(text) * 4 <= MAX_FILE_BYTES:  # no code point takes more than 4 bytes
        return 0
    size = len(text.encode("utf-8", "surrogatepass"))
    return size if size > MAX_FILE_BYTES else 0


def config_error_diagnostic(error: ConfigError, text: str | None) -> Diagnostic:
    """A `[tool.looplint]` error as a diagnostic on its line (the key, or the whole line)."""
    lines = _EOL.split(text) if text is not None else []
    line_text = lines[error.line - 1] if 0 < error.line <= len(lines) else ""
    start = len(line_text) - len(line_text.lstrip())
    end = len(line_text.rstrip()) or start
    return Diagnostic(
        code="",
        name="config-error",
        message=f"[tool.looplint] {error.key}: {error.message}" if error.key != "(file)" else error.message,
        severity=Severity.ERROR,
        path=error.path,
        range=Range(error.line, start, error.line, max(end, start)),
    )


def _same_summary(a: ModuleSummary, b: ModuleSummary) -> bool:
    try:
        return a == b
    except Exception:  # pragma: no cover - summaries are plain dataclasses
        return False
