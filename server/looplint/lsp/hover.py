"""Hover texts: a diagnostic's explanation, or a rule code in a suppression comment."""

from __future__ import annotations

import re

from ..engine.model import Diagnostic
from ..engine.suppression import comment_of

# The codes of `# looplint: ignore[A, B]` and `# noqa: A, B` (as the engine reads them).
_IGNORE = re.compile(r"#\s*looplint\s*:\s*ignore(?!-file)\s*\[([^\]]*)\]", re.IGNORECASE)
_NOQA = re.compile(r"#\s*noqa\s*:\s*([A-Z]+[0-9]+(?:[\s,]+[A-Z]+[0-9]+)*)", re.IGNORECASE)
_CODE = re.compile(r"[A-Z]+[0-9]+", re.IGNORECASE)


def code_in_suppression(line: str, col: int) -> tuple[str, int, int, bool] | None:
    """(code, start col, end col, is a looplint comment) of the rule code under `col`, if any."""
    comment = comment_of(line)
    if comment is None:
        return None
    base = len(line) - len(comment)
    for pattern, ours in ((_IGNORE, True), (_NOQA, False)):
        for match in pattern.finditer(comment):
            group_start = match.start(1)
            for code in _CODE.finditer(match.group(1)):
                start = base + group_start + code.start()
                end = base + group_start + code.end()
                if start <= col <= end:
                    return code.group(0).upper(), start, end, ours
    return None


def diagnostic_markdown(diagnostic: Diagnostic, rule) -> str:
    """This occurrence (message and reason) first, then the rule's explanation."""
    head = f"**{diagnostic.code}** `{diagnostic.name}`" if diagnostic.code else f"`{diagnostic.name}`"
    parts = [f"{head}: {diagnostic.message}"]  # code-less: a settings error, a file not checked
    if diagnostic.reason:
        parts.append(f"**Why here:** {diagnostic.reason}")
    if diagnostic.fix_applicability:
        parts.append(f"**Fix ({diagnostic.fix_applicability}):** {diagnostic.fix_message}")
    if rule is not None:
        parts.append("---")
        parts.append(rule.full_explanation())
    return "\n\n".join(parts)


def rule_markdown(rule) -> str:
    return rule.full_explanation()
