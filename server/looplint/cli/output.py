"""Output formats of `looplint check`: text, json (ruff-compatible), sarif, github."""

from __future__ import annotations

import json
import os
from pathlib import Path
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


def format_text(diagnostics: list[Diagnostic], problems: list[FileProblem], *, fixed: int = 0,
                show_fix_hint: bool = True) -> str:
    lines = []
    for d in diagnostics:
        lines.append(f"{display_path(d.path)}:{d.range.line}:{d.range.col + 1}: {d.code} {d.message}")
    for p in problems:
        lines.append(f"{display_path(p.path)}:{p.line}:{p.col + 1}: {p.message}")
    lines.append(summary_line(diagnostics, problems, fixed=fixed, show_fix_hint=show_fix_hint))
    return "\n".join(lines) + "\n"


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
    if problems:
        text += f" and {len(problems)} {'file' if len(problems) == 1 else 'files'} that could not be checked"
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


def format_json(diagnostics: list[Diagnostic], url_for) -> str:
    return json.dumps([diagnostic_json(d, url_for(d.code)) for d in diagnostics], indent=2, ensure_ascii=False) + "\n"


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
            result["fixes"] = [
                {
                    "description": {"text": d.fix.message},
                    "artifactChanges": [
                        {
                            "artifactLocation": {"uri": display_path(d.path), "uriBaseId": "%SRCROOT%"},
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
                                for e in d.fix.edits
                            ],
                        }
                    ],
                }
            ]
        results.append(result)
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
                        ],
                    }
                },
                "results": results,
                "invocations": [{"executionSuccessful": True, "toolExecutionNotifications": notifications}],
            }
        ],
    }
    return json.dumps(sarif, indent=2, ensure_ascii=False) + "\n"
