"""Output formats of `looplint check`: text, json (ruff-compatible), sarif, github, gitlab, junit."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from xml.sax.saxutils import quoteattr
from typing import TYPE_CHECKING, Iterable

from .. import __version__
from ..engine.model import Diagnostic, Edit, FileProblem

if TYPE_CHECKING:  # pragma: no cover
    from ..engine.rule import Rule


def display_path(path: Path, cwd: Path | None = None) -> str:
    """Relative to the working directory when the file is under it, else absolute."""
    cwd = cwd or Path.cwd()
    try:
        return Path(os.path.abspath(path)).relative_to(cwd.resolve()).as_posix()
    except ValueError:
        try:
            return Path(os.path.abspath(path)).relative_to(Path(os.path.abspath(cwd))).as_posix()
        except ValueError:
            return str(path)


def _location(line: int, col: int) -> dict:
    return {"row": line, "column": col + 1}


def _edit_json(edit: Edit) -> dict:
    return {
        "content": edit.content,
        "location": _location(edit.range.line, edit.range.col),
        "end_location": _location(edit.range.end_line, edit.range.end_col),
    }


def diagnostic_json(diagnostic: Diagnostic, url: str) -> dict:
    fix = None
    if diagnostic.fix is not None:
        fix = {
            "applicability": diagnostic.fix.applicability,
            "message": diagnostic.fix.message,
            "edits": [_edit_json(edit) for edit in diagnostic.fix.edits],
        }
        if diagnostic.fix.other_files:  # a migration: its edits in other files (a base, a config file)
            fix["other_files"] = [
                {"filename": display_path(other.path), "create": other.create,
                 "edits": [_edit_json(edit) for edit in other.edits]}
                for other in diagnostic.fix.other_files
            ]
    return {
        "code": diagnostic.code,
        "name": diagnostic.name,
        "severity": diagnostic.severity.value,
        "message": diagnostic.message,
        "filename": display_path(diagnostic.path),
        "location": _location(diagnostic.range.line, diagnostic.range.col),
        "end_location": _location(diagnostic.range.end_line, diagnostic.range.end_col),
        "fix": fix,
        "url": url,
        "noqa_row": diagnostic.noqa_line,
    }


class Style:
    """ANSI colours for a terminal, or nothing."""

    def __init__(self, enabled: bool):
        self.enabled = enabled

    def _wrap(self, code: str, text: str) -> str:
        return f"\033[{code}m{text}\033[0m" if self.enabled else text

    def path(self, text: str) -> str:
        return self._wrap("1", text)

    def dim(self, text: str) -> str:
        return self._wrap("2", text)

    def code(self, text: str, severity: str) -> str:
        return self._wrap({"error": "1;31", "warning": "1;33", "info": "1;36"}.get(severity, "1"), text)

    def good(self, text: str) -> str:
        return self._wrap("1;32", text)


PLAIN = Style(False)


def colour_wanted(stream, environ=os.environ) -> bool:
    """Colour on a terminal; NO_COLOR (any value) turns it off, FORCE_COLOR (any value but 0) forces it."""
    if environ.get("NO_COLOR"):
        return False
    force = environ.get("FORCE_COLOR")
    if force and force != "0":
        return True
    return bool(getattr(stream, "isatty", lambda: False)()) and environ.get("TERM") != "dumb"


def format_text(diagnostics: list[Diagnostic], problems: list[FileProblem], *, fixed: int = 0,
                show_fix_hint: bool = True, style: Style = PLAIN, quiet: bool = False,
                show_fixes: bool = False) -> str:
    lines = []
    for d in diagnostics:
        where = style.path(display_path(d.path)) + style.dim(f":{d.range.line}:{d.range.col + 1}:")
        lines.append(f"{where} {style.code(d.code, d.severity.value)} {d.message}")
        if show_fixes and d.fix_applicability:
            lines.append(style.dim(f"    fix ({d.fix_applicability}): {d.fix_message}"))
    for p in problems:
        where = style.path(display_path(p.path)) + style.dim(f":{p.line}:{p.col + 1}:")
        lines.append(f"{where} {style.code(p.message, 'error')}")
    if not quiet:
        summary = summary_line(diagnostics, problems, fixed=fixed, show_fix_hint=show_fix_hint)
        lines.append(style.good(summary) if not diagnostics and not problems else summary)
    return "\n".join(lines) + "\n" if lines else ""


def format_statistics(diagnostics: list[Diagnostic], problems: list[FileProblem], *, as_json: bool = False) -> str:
    """One row per rule (and per kind of unreadable file): how many, and whether a fix exists."""
    rows: dict[str, dict] = {}
    for d in diagnostics:
        row = rows.setdefault(d.code, {"code": d.code, "name": d.name, "count": 0, "fixable": False})
        row["count"] += 1
        row["fixable"] = row["fixable"] or d.fix_applicability is not None
    for p in problems:
        row = rows.setdefault(p.kind, {"code": None, "name": p.kind, "count": 0, "fixable": False})
        row["count"] += 1
    ordered = sorted(rows.values(), key=lambda r: (-r["count"], r["code"] or "", r["name"]))
    if as_json:
        return json.dumps(ordered, indent=2) + "\n"
    if not ordered:
        return ""
    width = max(len(str(r["count"])) for r in ordered)
    code_width = max(len(r["code"] or "") for r in ordered)
    return "".join(
        f"{r['count']:>{width}}\t{(r['code'] or ''):<{code_width}}\t{'[*] ' if r['fixable'] else ''}{r['name']}\n"
        for r in ordered
    )


def summary_line(diagnostics: list[Diagnostic], problems: list[FileProblem], *, fixed: int = 0,
                 show_fix_hint: bool = True) -> str:
    parts = []
    if fixed:
        parts.append(f"Fixed {fixed} {'problem' if fixed == 1 else 'problems'}.")
    if not diagnostics and not problems:
        parts.append("All checks passed!" if not fixed else "No problems remain.")
        return " ".join(parts)
    counts = {}
    for d in diagnostics:
        counts[d.severity.value] = counts.get(d.severity.value, 0) + 1
    detail = ", ".join(f"{n} {level}{'s' if n != 1 and level != 'info' else ''}" for level, n in sorted(counts.items()))
    total = len(diagnostics)
    text = f"Found {total} {'problem' if total == 1 else 'problems'}"
    if detail:
        text += f" ({detail})"
    unreadable = sum(1 for p in problems if p.kind != "missing")
    missing = len(problems) - unreadable
    if unreadable:
        text += f" and {unreadable} {'file' if unreadable == 1 else 'files'} that could not be checked"
    if missing:
        text += f"; {missing} {'path does' if missing == 1 else 'paths do'} not exist"
    text += "."
    safe = sum(1 for d in diagnostics if d.fix_applicability == "safe")
    unsafe = sum(1 for d in diagnostics if d.fix_applicability == "unsafe")
    if show_fix_hint and (safe or unsafe):
        hint = []
        if safe:
            hint.append(f"{safe} fixable with `--fix`")
        if unsafe:
            hint.append(f"{unsafe} {'more ' if safe else ''}with `--fix --unsafe-fixes` (review those)")
        text += " " + "; ".join(hint) + "."
    parts.append(text)
    return " ".join(parts)


def problem_json(problem: FileProblem) -> dict:
    """A file that could not be checked, as ruff reports a syntax error: an entry without a code."""
    location = _location(problem.line, problem.col)
    return {
        "code": None,
        "name": problem.kind,
        "severity": "error",
        "message": problem.message,
        "filename": display_path(problem.path),
        "location": location,
        "end_location": location,
        "fix": None,
        "url": None,
        "noqa_row": None,
    }


def format_json(diagnostics: list[Diagnostic], url_for, problems: list[FileProblem] = ()) -> str:
    entries = [diagnostic_json(d, url_for(d.code)) for d in diagnostics] + [problem_json(p) for p in problems]
    return json.dumps(entries, indent=2, ensure_ascii=False) + "\n"


def _fingerprint(*parts) -> str:
    return hashlib.sha256("\0".join(map(str, parts)).encode()).hexdigest()


def format_gitlab(diagnostics: list[Diagnostic], problems: list[FileProblem]) -> str:
    """GitLab Code Quality: a JSON array of issues (description, check_name, fingerprint, severity, location)."""
    levels = {"error": "major", "warning": "minor", "info": "info"}
    issues = []
    for d in diagnostics:
        path = display_path(d.path)
        issues.append({
            "description": f"{d.code} {d.message}",
            "check_name": d.code,
            # Stable across runs and unaffected by lines moving elsewhere in the file.
            "fingerprint": _fingerprint(path, d.code, d.message, d.range.col, d.range.end_col),
            "severity": levels[d.severity.value],
            "location": {
                "path": path,
                "positions": {
                    "begin": {"line": d.range.line, "column": d.range.col + 1},
                    "end": {"line": d.range.end_line, "column": d.range.end_col + 1},
                },
            },
        })
    for p in problems:
        path = display_path(p.path)
        issues.append({
            "description": p.message,
            "check_name": p.kind,
            "fingerprint": _fingerprint(path, p.kind, p.message),
            "severity": "critical",
            "location": {"path": path, "lines": {"begin": p.line, "end": p.line}},
        })
    return json.dumps(issues, indent=2, ensure_ascii=False) + "\n"


def format_junit(diagnostics: list[Diagnostic], problems: list[FileProblem], files: list[Path]) -> str:
    """JUnit XML: a test suite per checked file, a failed test case per finding (a passed one for a clean file)."""
    by_file: dict[str, list[str]] = {display_path(f): [] for f in files}
    failures = 0
    for d in diagnostics:
        path = display_path(d.path)
        text = f"{path}:{d.range.line}:{d.range.col + 1}: {d.code} {d.message}"
        case = (
            f'    <testcase name={quoteattr(f"{d.code} {d.name} at line {d.range.line}, column {d.range.col + 1}")} '
            f'classname={quoteattr(path)} file={quoteattr(path)} line="{d.range.line}">\n'
            f'      <failure message={quoteattr(d.message)} type={quoteattr(d.code)}>{_xml_text(text)}</failure>\n'
            f"    </testcase>"
        )
        by_file.setdefault(path, []).append(case)
        failures += 1
    for p in problems:
        path = display_path(p.path)
        case = (
            f'    <testcase name={quoteattr(p.kind)} classname={quoteattr(path)} file={quoteattr(path)} line="{p.line}">\n'
            f'      <error message={quoteattr(p.message)} type={quoteattr(p.kind)}>{_xml_text(p.message)}</error>\n'
            f"    </testcase>"
        )
        by_file.setdefault(path, []).append(case)
    lines = ['<?xml version="1.0" encoding="UTF-8"?>']
    total = sum(max(len(cases), 1) for cases in by_file.values())
    lines.append(f'<testsuites name="looplint" tests="{total}" failures="{failures}" errors="{len(problems)}">')
    for path, cases in sorted(by_file.items()):
        n_fail = sum("<failure " in c for c in cases)
        n_err = sum("<error " in c for c in cases)
        lines.append(
            f'  <testsuite name={quoteattr(path)} tests="{max(len(cases), 1)}" failures="{n_fail}" errors="{n_err}">'
        )
        lines.extend(cases or [f"    <testcase name=\"looplint\" classname={quoteattr(path)} file={quoteattr(path)} />"])
        lines.append("  </testsuite>")
    lines.append("</testsuites>")
    return "\n".join(lines) + "\n"


def _xml_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _escape_github(value: str, *, property_value: bool = False) -> str:
    value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if property_value:
        value = value.replace(":", "%3A").replace(",", "%2C")
    return value


def format_github(diagnostics: list[Diagnostic], problems: list[FileProblem]) -> str:
    lines = []
    levels = {"error": "error", "warning": "warning", "info": "notice"}
    for d in diagnostics:
        props = ",".join(
            [
                f"file={_escape_github(display_path(d.path), property_value=True)}",
                f"line={d.range.line}",
                f"col={d.range.col + 1}",
                f"endLine={d.range.end_line}",
                f"endColumn={d.range.end_col + 1}",
                f"title={_escape_github(f'looplint ({d.code})', property_value=True)}",
            ]
        )
        lines.append(f"::{levels[d.severity.value]} {props}::{_escape_github(f'{d.code} {d.message}')}")
    for p in problems:
        props = f"file={_escape_github(display_path(p.path), property_value=True)},line={p.line},col={p.col + 1}"
        lines.append(f"::error {props}::{_escape_github(p.message)}")
    return "\n".join(lines) + ("\n" if lines else "")


_PROBLEM_KINDS = {
    "syntax-error": "The file is not valid Python: nothing in it was checked.",
    "read-error": "The file could not be read or decoded: nothing in it was checked.",
    "missing": "A path given on the command line does not exist.",
    "skipped": "The file was skipped (too large, or nested too deeply for looplint's analysis).",
    "internal-error": "looplint failed on this file (a bug in looplint): nothing in it was checked.",
}


def _sarif_change(path: Path, edits) -> dict:
    """One file's part of a SARIF fix (a migration has one per file it changes)."""
    return {
        "artifactLocation": {"uri": display_path(path), "uriBaseId": "%SRCROOT%"},
        "replacements": [
            {
                "deletedRegion": {
                    "startLine": e.range.line,
                    "startColumn": e.range.col + 1,
                    "endLine": e.range.end_line,
                    "endColumn": e.range.end_col + 1,
                },
                "insertedContent": {"text": e.content},
            }
            for e in edits
        ],
    }


def format_sarif(diagnostics: list[Diagnostic], problems: list[FileProblem], rules: Iterable["Rule"]) -> str:
    rules = sorted(rules, key=lambda r: r.code)
    index = {rule.code: i for i, rule in enumerate(rules)}
    levels = {"error": "error", "warning": "warning", "info": "note"}
    results = []
    for d in diagnostics:
        result = {
            "ruleId": d.code,
            "ruleIndex": index.get(d.code, 0),
            "level": levels[d.severity.value],
            "message": {"text": d.message},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": display_path(d.path), "uriBaseId": "%SRCROOT%"},
                        "region": {
                            "startLine": d.range.line,
                            "startColumn": d.range.col + 1,
                            "endLine": d.range.end_line,
                            "endColumn": d.range.end_col + 1,
                        },
                    }
                }
            ],
        }
        if d.fix is not None:
            changed = ([(d.path, d.fix.edits)] if d.fix.edits else []) + [
                (other.path, other.edits) for other in d.fix.other_files
            ]
            result["fixes"] = [
                {
                    "description": {"text": d.fix.message},
                    "artifactChanges": [_sarif_change(path, edits) for path, edits in changed],
                }
            ]
        results.append(result)
    for p in problems:
        results.append({
            "ruleId": p.kind,
            "level": "error",
            "message": {"text": p.message},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": display_path(p.path), "uriBaseId": "%SRCROOT%"},
                        "region": {"startLine": p.line, "startColumn": p.col + 1},
                    }
                }
            ],
        })
    notifications = [
        {
            "level": "error",
            "message": {"text": p.message},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": display_path(p.path), "uriBaseId": "%SRCROOT%"},
                        "region": {"startLine": p.line, "startColumn": p.col + 1},
                    }
                }
            ],
        }
        for p in problems
    ]
    sarif = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "looplint",
                        "version": __version__,
                        "informationUri": "https://github.com/looplint/looplint",
                        "rules": [
                            {
                                "id": rule.code,
                                "name": rule.name,
                                "shortDescription": {"text": rule.summary},
                                "fullDescription": {"text": rule.summary},
                                "help": {"text": rule.summary, "markdown": rule.full_explanation()},
                                "helpUri": rule.url,
                                "defaultConfiguration": {"level": levels[rule.severity.value]},
                            }
                            for rule in rules
                        ] + [
                            {
                                "id": kind,
                                "name": kind,
                                "shortDescription": {"text": text},
                                "defaultConfiguration": {"level": "error"},
                            }
                            for kind, text in sorted(_PROBLEM_KINDS.items())
                            if any(p.kind == kind for p in problems)
                        ],
                    }
                },
                "results": results,
                "invocations": [{"executionSuccessful": True, "toolExecutionNotifications": notifications}],
            }
        ],
    }
    return json.dumps(sarif, indent=2, ensure_ascii=False) + "\n"
