"""Code actions: a diagnostic's fix, "suppress on this line", fix all.

Fixes are rebuilt from `Diagnostic.data` each time (see `convert`); the text
edits come from the engine, which diffs the fixed text into minimal edits.
The functions that build edits run on the analysis thread.
"""

from __future__ import annotations

import logging
from pathlib import Path

from ..engine.config_check import attach_config_fixes
from ..engine.edits import diff_edits
from ..engine.fixer import attach_fixes
from ..engine.model import Diagnostic, Edit, Fix, Range
from ..engine.parse import parse_module
from ..engine.suppression import Suppressions, add_suppression
from ..engine.source import Source
from .analysis import Analyzer, is_config

log = logging.getLogger("looplint.lsp")

QUICKFIX = "quickfix"
FIX_ALL = "source.fixAll.looplint"


_UNCHECKED = object()
_fix_problem: object = _UNCHECKED


def fixes_unavailable() -> str | None:
    """Why no fix can be built in this process (libcst's native parser does not load), or None.

    Fixes are built with libcst, whose parser is a compiled module: a bundle made for another
    platform or Python has none that loads. Diagnostics and hovers need only `ast`.
    """
    global _fix_problem
    if _fix_problem is _UNCHECKED:
        try:
            import libcst.native  # noqa: F401
        except Exception as exc:  # ImportError, or an OSError from a foreign binary
            import platform
            import sys

            _fix_problem = (
                f"looplint: quick fixes and Fix All are unavailable: libcst's native module does not load with "
                f"Python {platform.python_version()} on {sys.platform}-{platform.machine()} ({exc}). Diagnostics and "
                "hovers keep working. Install the looplint extension built for this platform, or run a looplint "
                "installed with your interpreter (looplint.importStrategy: fromEnvironment)."
            )
        else:
            _fix_problem = None
    return _fix_problem  # type: ignore[return-value]


def kind_wanted(only: list[str] | None, kind: str) -> bool:
    """Does the client's `context.only` ask for actions of `kind` (or a parent kind of it)?"""
    if not only:
        return True
    return any(kind == wanted or kind.startswith(wanted + ".") for wanted in only)


def explicitly_wanted(only: list[str] | None, kind: str) -> bool:
    return bool(only) and kind_wanted(only, kind)


def build_fix(analyzer: Analyzer, text: str, diagnostic: Diagnostic, read=None) -> Fix | None:
    """One diagnostic's fix on `text` (a migration's edits in other files included), or None when it
    cannot be built. `read`: the current text of another file (an open buffer, else the file)."""
    if diagnostic.code not in analyzer.rules_by_code or not diagnostic.fix_applicability:
        return None
    read = read or analyzer.folder_for(diagnostic.path).engine.read_text
    try:
        if is_config(diagnostic.path):  # config rules carry their text edits in `data`
            attach_config_fixes(text, [diagnostic], analyzer.rules_by_code, read)
        else:
            attach_fixes(text, [diagnostic], analyzer.rules_by_code, read)
    except Exception:  # data from the client that the rule cannot use (edited, foreign, garbage)
        log.warning("the %s fix failed on data %r", diagnostic.code, diagnostic.data, exc_info=True)
        return None
    fix = diagnostic.fix
    return fix if fix is not None and (fix.edits or fix.other_files) else None


def build_fix_all(analyzer: Analyzer, path: Path, text: str, unsafe: bool) -> list[Edit]:
    """Edits applying every applicable fix of the file (safe ones; unsafe too when asked)."""
    folder = analyzer.folder_for(path)
    if not folder.settings.enable:
        return []
    engine = folder.engine
    project = engine.project_for(path)
    try:
        outcome = engine.fix_file_text(path, text, unsafe=unsafe)
    finally:
        if not is_config(path):
            # Linting the intermediate texts recorded their summaries: back to the buffer.
            project.set_overlay(path, text)
    return diff_edits(text, outcome.text) if outcome.text != text else []


def suppression_edit(text: str, line1: int, code: str) -> Edit | None:
    """The edit adding `code` to the line's `# looplint: ignore[...]` comment (or a new one)."""
    source = Source(text)
    lines = source.lines
    if not 1 <= line1 <= len(lines):
        return None
    old = lines[line1 - 1]
    new = add_suppression(old, code)
    if new == old:
        return None  # a bare `# looplint: ignore` already covers it
    stripped = old.rstrip()
    if stripped.endswith("\\") or '"""' in old or "'''" in old:
        # A continuation line or an open triple-quoted string: a comment may change the
        # code or a string. Offer the action only if the result still means the same.
        new_text = text[: source.offset(line1, 0)] + new + text[source.offset(line1, len(old)) :]
        try:
            parse_module(new_text)
        except (SyntaxError, ValueError):
            return None
        if code not in Suppressions.parse(Source(new_text)).by_line.get(line1, set()):
            return None
    prefix = 0
    limit = min(len(old), len(new))
    while prefix < limit and old[prefix] == new[prefix]:
        prefix += 1
    suffix = 0
    while suffix < limit - prefix and old[-1 - suffix] == new[-1 - suffix]:
        suffix += 1
    return Edit(Range(line1, prefix, line1, len(old) - suffix), new[prefix : len(new) - suffix])
