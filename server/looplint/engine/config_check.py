"""Checking pytest configuration files (CF rules): diagnostics and fixes inside the config file.

A config rule sets `config_rule = True` and implements `check_config(self,
ctx)`, where `ctx` is a `ConfigContext`: the file's path and text, the pytest
configuration resolved from the file's directory *with this text* (so an
unsaved editor buffer counts), the project and its versions. `ctx.report(...)`
makes a `Diagnostic` whose path is the config file and whose range comes
from the config spans (the key, the value, or the section header).

Fixes to config files are plain text edits (libcst is for Python files): a
rule puts them in `data["edits"]` as `[line, col, end_line, end_col, text]`
lists when it reports (positions in the checked text), so front ends can
rebuild the fix from the diagnostic alone. A fix whose result no longer
parses as TOML/INI is dropped.

Suppression comments do not apply to TOML/INI files: use `ignore` or
`per-file-ignores` in `[tool.looplint]` to silence a config diagnostic.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable

from .checker import CheckResult
from .edits import FixOutcome, apply_edits, fix_until_done
from .ini_parse import parse_ini, read_config_text
from .files import read_text_or_none
from .source import Source
from .model import Diagnostic, Edit, FileEdits, Fix, FileProblem, Range, Related, Severity
from .pytest_config import CONFIG_FILE_NAMES, ConfigEntry, ConfigProblem, PytestConfig, Span, find_pytest_config
from .pytest_model import ProjectPytest, describe_version_info, project_pytest
from .versions import ProjectVersions

try:
    import tomllib
except ModuleNotFoundError:  # pragma: no cover - Python 3.10
    import tomli as tomllib  # type: ignore[no-redef]

if TYPE_CHECKING:  # pragma: no cover
    from .rule import Rule
    from .project import Project


def is_config_file(path: Path) -> bool:
    """A file pytest may read its configuration from."""
    return path.name in CONFIG_FILE_NAMES


def span_range(span: Span) -> Range:
    return Range(span.line, span.col, span.end_line, span.end_col)


class ConfigContext:
    """What a config rule sees while checking one config file."""

    def __init__(
        self, path: Path, text: str, project: "Project", config: PytestConfig, facts: ProjectPytest,
        overlays: dict | None = None,
    ):
        self.path = path
        self.text = text
        self._overlays = overlays or {}
        self.project = project
        self.settings = project.settings
        self.relpath = project.relpath(path)
        self.config = config  # resolved from this file's directory, with this text
        self.facts = facts
        self.versions: ProjectVersions = facts.versions
        self.diagnostics: list[Diagnostic] = []
        self.newline = "\r\n" if "\r\n" in text else "\n"

    def text_of(self, path: Path) -> str | None:
        """The text of another config file, as the resolution saw it (None: unreadable)."""
        path = Path(os.path.abspath(path))
        if path in self._overlays:
            return self._overlays[path]
        return read_text_or_none(path)

    # -- the file's place in the configuration ----------------------------------------------
    @property
    def is_active(self) -> bool:
        """pytest uses this file as its configuration (for its directory and below)."""
        return self.config.path is not None and _same(self.config.path, self.path)

    def problems(self) -> list[ConfigProblem]:
        """What the resolution found wrong *in this file*."""
        return [p for p in self.config.problems if _same(p.path, self.path)]

    def entry_here(self, entry: ConfigEntry | None) -> bool:
        return entry is not None and _same(entry.path, self.path)

    def describe_entry(self, entry: ConfigEntry) -> str:
        where = f"{self.project.relpath(entry.path)}:{entry.key_span.line}"
        if entry.origin == "file":
            return f"`{entry.key} = {entry.raw}` ({where})"
        return f"`{entry.raw}` in `addopts` ({where})"

    def section_range(self) -> Range:
        """The section header of the active section, or the start of the file when there is none."""
        span = self.config.section_span if self.is_active else None
        return span_range(span) if span is not None else Range(1, 0, 1, 0)

    # -- versions ------------------------------------------------------------------------------
    def at_least(self, dist: str, version: str) -> bool | None:
        info = self.versions.get(dist)
        if info is None:
            return None
        try:
            return info.satisfies(f">={version}")
        except Exception:
            return None

    def describe_version(self, dist: str) -> str | None:
        info = self.versions.get(dist)
        return describe_version_info(self.project, info, self.versions) if info is not None else None

    def versions_reason(self, *dists: str) -> str:
        parts = [self.describe_version(d) or f"{d}: version unknown" for d in dists]
        return "Versions: " + "; ".join(parts) + "."

    # -- the governed Python files ---------------------------------------------------------------
    def governed_files(self, limit: int = 5000) -> tuple[list[Path], bool]:
        """Python files under this config's directory that it governs; (files, complete)."""
        if not self.is_active:
            return [], False
        files = []
        for count, path in enumerate(self.project.iter_files(self.path.parent)):
            if count >= limit:
                return files, False
            config = self.facts.config_for(path)
            if config.path is not None and _same(config.path, self.path):
                files.append(Path(os.path.abspath(path)))
        return files, True

    # -- reporting -----------------------------------------------------------------------------
    def report(
        self,
        rule: "Rule",
        *,
        span: Span | None = None,
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
        edits: Iterable[Edit] = (),
    ) -> Diagnostic:
        if range is None:
            if span is None:
                raise ValueError("report() needs a span or a range")
            range = span_range(span)
        text = message if message is not None else rule.message.format(**(fields or {}))
        configured = self.settings.severity.get(rule.code)
        level = Severity(configured) if configured else (severity or rule.severity)
        data = dict(data or {})
        edits = list(edits)
        if edits:
            data["edits"] = [[e.range.line, e.range.col, e.range.end_line, e.range.end_col, e.content] for e in edits]
        has_fix = fixable and bool(edits) and (fix_applicability or rule.fix_safety) is not None
        diagnostic = Diagnostic(
            code=rule.code,
            name=rule.name,
            message=text,
            severity=level,
            path=self.path,
            range=range,
            fix_message=(fix_title or rule.fix_title) if has_fix else None,
            fix_applicability=(fix_applicability or rule.fix_safety) if has_fix else None,
            data=data,
            reason=reason,
            related=tuple(related),
        )
        self.diagnostics.append(diagnostic)
        return diagnostic

    # -- edit helpers ------------------------------------------------------------------------------
    def line_text(self, line: int) -> str:
        lines = self.text.splitlines()
        return lines[line - 1] if 0 < line <= len(lines) else ""

    def value_edit(self, entry: ConfigEntry, value: str) -> Edit:
        """Replace an entry's value by `value`, written in the file's syntax (TOML quoted, INI bare)."""
        raw = entry.raw
        if entry.origin == "file" and self.path.suffix == ".toml":
            quote = raw[:1] if raw[:1] in ("'", '"') else '"'
            value = f"{quote}{value}{quote}"
        return Edit(span_range(entry.value_span), value)

    def key_line_removal(self, entry: ConfigEntry) -> Edit | None:
        """Delete the whole line(s) of a file entry (None when it shares its line with something else)."""
        if entry.origin != "file":
            return None
        start, end = entry.key_span, entry.value_span
        if self.line_text(start.line)[: start.col].strip():
            return None
        last = self.line_text(end.end_line)
        rest = last[end.end_col:].strip()
        if rest and not rest.startswith("#"):
            return None
        return Edit(Range(start.line, 0, end.end_line + 1, 0), "")

    def assignment(self, key: str, value: str) -> str:
        """`key = value` in this file's syntax."""
        return assignment_in(self.path, key, value)


def assignment_in(path: Path, key: str, value: str) -> str:
    """`key = value` in a config file's syntax (TOML quoted, INI bare)."""
    if path.suffix == ".toml":
        return f'{key} = "{value}"'
    return f"{key} = {value}"


def insert_keys(path: Path, text: str, config: PytestConfig, items: list[tuple[str, str]]) -> list[Edit]:
    """Edits writing `key = value` lines into the active section of `path` (its text `text`, resolved as
    `config`), or into a new section at the end of the file when it has none; [] when there is no
    header to write under (a dotted key or an inline table) or the file is not one pytest reads so."""
    nl = "\r\n" if "\r\n" in text else "\n"
    lines = "".join(assignment_in(path, key, value) + nl for key, value in items)
    span = config.section_span if config.path is not None and _same(config.path, path) else None
    source = Source(text)
    if span is not None:
        header = source.lines[span.line - 1] if 0 < span.line <= len(source.lines) else ""
        if not header.lstrip().startswith("[") or span.end_line != span.line:
            return []  # a dotted key or an inline table: no header to write under
        if span.line < len(source.line_starts):
            return [Edit(Range(span.line + 1, 0, span.line + 1, 0), lines)]
        return [Edit(Range(span.line, len(header), span.line, len(header)), nl + lines)]
    if config.section is not None and config.path is not None and _same(config.path, path):
        return []
    name = Path(path).name
    if name == "pyproject.toml":
        table = "[tool.pytest.ini_options]"
    elif name in ("pytest.ini", ".pytest.ini", "pytest.toml", ".pytest.toml"):
        table = "[pytest]"
    elif name == "tox.ini":
        table = "[pytest]"
    elif name == "setup.cfg":
        table = "[tool:pytest]"
    else:
        return []
    prefix = ""
    if text and not text.endswith(("\n", "\r")):
        prefix = nl
    if text.strip():
        prefix += nl
    line, col = source.position(len(text))
    return [Edit(Range(line, col, line, col), f"{prefix}{table}{nl}{lines}")]


def _same(a: Path, b: Path) -> bool:
    return os.path.abspath(a) == os.path.abspath(b)


# -- checking ------------------------------------------------------------------------------------


def read_config(path: Path) -> str:
    return read_config_text(path)


def check_config(
    project: "Project", rules: list["Rule"], path: Path, text: str | None = None, others: dict | None = None
) -> CheckResult:
    """Run the config rules on one config file (its text from disk, or the given buffer; `others`:
    the texts of other config files that differ from disk, e.g. while a fix loop changes them)."""
    path = Path(os.path.abspath(path))
    result = CheckResult(path=path)
    relpath = project.relpath(path)
    settings = project.settings
    if settings.is_excluded(relpath):
        return result
    enabled = [r for r in rules if r.config_rule and settings.code_enabled(r.code, relpath)]
    if not enabled:
        return result
    try:
        disk = read_config_text(path) if path.is_file() else None
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        if text is None:
            result.problem = FileProblem(path, f"cannot read: {exc}", kind="read-error")
            return result
        disk = None
    if text is None:
        if disk is None:
            return result
        text = disk
    facts = project_pytest(project)
    overlays = {Path(os.path.abspath(p)): t for p, t in (others or {}).items()}
    if disk is None or text.replace("\r\n", "\n") != disk:
        overlays[path] = text
    config = find_pytest_config(path.parent, pytest_version=facts.pytest_version, overlays=overlays or None)
    ctx = ConfigContext(path, text, project, config, facts, overlays)
    for rule in enabled:
        rule.check_config(ctx)  # type: ignore[attr-defined]
    result.diagnostics = sorted(ctx.diagnostics, key=Diagnostic.sort_key)
    return result


def governing_configs(project: "Project", python_file: Path) -> list[Path]:
    """The active pytest config of a Python file, plus the files its resolution found problems in."""
    config = project_pytest(project).config_for(python_file)
    found = []
    if config.path is not None:
        found.append(config.path)
    for problem in config.problems:
        if problem.path not in found:
            found.append(problem.path)
    return found


# -- fixes -----------------------------------------------------------------------------------------


def config_fix(rule: "Rule", text: str, diagnostic: Diagnostic, read=None) -> Fix | None:
    """The edits of a config diagnostic's fix, or None when they cannot be applied to `text`.

    A fix that also edits another config file (CF003 moving an option to the file pytest reads)
    carries those edits in `data["other_edits"]` with a hash of the text they were made for; the fix
    is built only while that file still has that text (`read`: an editor's buffer, else disk)."""
    if diagnostic.fix_applicability is None:
        return None
    data = diagnostic.data if isinstance(diagnostic.data, dict) else {}
    edits = _edits_for(text, data.get("edits"))
    if edits is None:
        return None
    others = []
    for entry in data.get("other_edits") or ():
        try:
            path = Path(entry["path"])
            create = bool(entry.get("create"))
            old = "" if create else (read or read_text_or_none)(path)
            if old is None or (create and path.exists()) or (not create and text_hash(old) != entry["hash"]):
                return None  # the other file changed since the diagnostic was made
            other_edits = _edits_for(old, entry["edits"])
        except (KeyError, TypeError, ValueError):
            return None
        if other_edits is None:
            return None
        new_other = apply_edits(old, list(other_edits))
        if new_other == old or not config_parses(path, new_other):
            return None
        others.append(FileEdits(path, other_edits, create))
    new_text = apply_edits(text, list(edits))
    if (new_text == text and not others) or not config_parses(diagnostic.path, new_text):
        return None
    return Fix(message=diagnostic.fix_message or rule.fix_title or "Apply fix",
               applicability=diagnostic.fix_applicability, edits=edits, other_files=tuple(others))


def _edits_for(text: str, raw) -> tuple[Edit, ...] | None:
    """`[line, col, end_line, end_col, text]` lists as edits, when every position exists in `text`."""
    try:
        edits = tuple(Edit(Range(int(a), int(b), int(c), int(d)), str(content)) for a, b, c, d, content in raw or ())
    except (TypeError, ValueError):
        return None
    lines = text.splitlines()
    for edit in edits:
        r = edit.range
        for line, col in ((r.line, r.col), (r.end_line, r.end_col)):
            # positions must exist in this text (a buffer that moved on gets no fix)
            if line < 1 or line > len(lines) + 1 or col > (len(lines[line - 1]) if line <= len(lines) else 0):
                return None
    return edits


def text_hash(text: str) -> str:
    """What `other_edits` records of the text its edits were made for."""
    import hashlib

    return hashlib.sha256(text.replace("\r\n", "\n").encode("utf-8", "surrogatepass")).hexdigest()[:16]


def config_parses(path: Path, text: str) -> bool:
    normalized = text.replace("\r\n", "\n").replace("\r", "\n")
    if path.suffix == ".toml":
        try:
            tomllib.loads(normalized)
        except tomllib.TOMLDecodeError:
            return False
        return True
    return parse_ini(normalized.removeprefix("\ufeff")).error is None


def attach_config_fixes(
    text: str, diagnostics: list[Diagnostic], rules_by_code: dict[str, "Rule"], read=None
) -> None:
    for diagnostic in diagnostics:
        if diagnostic.fix_applicability and diagnostic.code in rules_by_code:
            diagnostic.fix = config_fix(rules_by_code[diagnostic.code], text, diagnostic, read)


def fix_config_text(
    path: Path,
    text: str,
    lint: Callable[[str], list[Diagnostic]],
    rules_by_code: dict[str, "Rule"],
    *,
    unsafe: bool = False,
    only: Callable[[Diagnostic], bool] | None = None,
    max_rounds: int = 10,
) -> FixOutcome:
    """Apply a config file's fixes until none is left (text edits; see edits.fix_until_done)."""

    def fixes_for(current: str, _candidates: list[Diagnostic]):
        return lambda diagnostic: config_fix(rules_by_code[diagnostic.code], current, diagnostic)

    return fix_until_done(
        text, lint, fixes_for, lambda new: config_parses(path, new), unsafe=unsafe, only=only, max_rounds=max_rounds
    )
