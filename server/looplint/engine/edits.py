"""Text edits: minimal edits between two texts, and applying edits to a text."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Callable

from .model import Diagnostic, Edit, Fix, Range, fix_applies
from .source import Source


def diff_edits(old: str, new: str) -> list[Edit]:
    """The smallest set of edits (by changed lines, trimmed to changed characters) turning old into new."""
    if old == new:
        return []
    old_source = Source(old)
    old_lines = old.splitlines(keepends=True)
    new_lines = new.splitlines(keepends=True)
    # Offsets of each old line start, in code points.
    starts = [0]
    for line in old_lines:
        starts.append(starts[-1] + len(line))
    edits = []
    # Lines the texts share at both ends are left out of the matcher (linear), which then only
    # compares the few lines between: most of a file is the same before and after a fix.
    head = 0
    limit = min(len(old_lines), len(new_lines))
    while head < limit and old_lines[head] == new_lines[head]:
        head += 1
    tail = 0
    while tail < limit - head and old_lines[-1 - tail] == new_lines[-1 - tail]:
        tail += 1
    matcher = difflib.SequenceMatcher(
        a=old_lines[head : len(old_lines) - tail], b=new_lines[head : len(new_lines) - tail], autojunk=False
    )
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        i1, i2, j1, j2 = i1 + head, i2 + head, j1 + head, j2 + head
        start, end = starts[i1], starts[i2]
        before = old[start:end]
        after = "".join(new_lines[j1:j2])
        # Trim what the hunk keeps at both ends, so edits touch only changed text.
        prefix = _common_prefix(before, after)
        before, after, start = before[prefix:], after[prefix:], start + prefix
        suffix = _common_suffix(before, after)
        if suffix:
            before, after = before[: len(before) - suffix], after[: len(after) - suffix]
        end = start + len(before)
        line, col = old_source.position(start)
        end_line, end_col = old_source.position(end)
        edits.append(Edit(Range(line, col, end_line, end_col), after))
    return edits


def _common_prefix(a: str, b: str) -> int:
    n = min(len(a), len(b))
    i = 0
    while i < n and a[i] == b[i]:
        i += 1
    return i


def _common_suffix(a: str, b: str) -> int:
    n = min(len(a), len(b))
    i = 0
    while i < n and a[-1 - i] == b[-1 - i]:
        i += 1
    return i


def apply_edits(text: str, edits: list[Edit]) -> str:
    """Apply non-overlapping edits (positions refer to `text`)."""
    source = Source(text)
    edits = list(dict.fromkeys(edits))  # identical edits from different fixes apply once
    spans = sorted(
        ((source.offset(e.range.line, e.range.col), source.offset(e.range.end_line, e.range.end_col), e.content) for e in edits),
        key=lambda s: (s[0], s[1]),
        reverse=True,
    )
    for start, end, content in spans:
        text = text[:start] + content + text[end:]
    return text


def edits_overlap(a: list[Edit], b: list[Edit]) -> bool:
    """Would applying both edit lists conflict? Identical edits (the same import added twice) merge."""
    for x in a:
        for y in b:
            if x == y:
                continue
            if x.range.overlaps(y.range) or x.range == y.range:
                return True
            # An insertion where another edit starts: the order of the two is
            # ambiguous (both fixes may insert the same text there), so they
            # go to different rounds.
            if (x.range.line, x.range.col) == (y.range.line, y.range.col):
                return True
    return False


@dataclass
class FixOutcome:
    text: str
    applied: list[Diagnostic]
    failed: list[tuple[Diagnostic, str]]


def fix_until_done(
    text: str,
    lint: Callable[[str], list[Diagnostic]],
    fixes_for: Callable[[str, list[Diagnostic]], Callable[[Diagnostic], "Fix | str | None"]],
    parses: Callable[[str], bool],
    *,
    unsafe: bool = False,
    only: Callable[[Diagnostic], bool] | None = None,
    max_rounds: int = 10,
) -> FixOutcome:
    """Apply fixes until none is left: lint, apply the non-conflicting fixes, repeat.

    `fixes_for(text, candidates)` prepares the fix builder for one round's text and the
    diagnostics it will be asked to fix (for Python files it parses with libcst once per round); it may raise
    ValueError to say the text cannot be fixed. A builder gives a Fix, or None
    or the reason (a string) when that diagnostic's fix cannot be built. Fixes that conflict in one round
    are retried in the next on the new text. Each round's result must parse
    (`parses`), otherwise that round's fixes are dropped.
    """
    applied: list[Diagnostic] = []
    failed: list[tuple[Diagnostic, str]] = []
    seen_failures: set[tuple[str, int, int]] = set()
    for _ in range(max_rounds):
        candidates = [d for d in lint(text) if fix_applies(d.fix_applicability, unsafe)]
        if only is not None:
            candidates = [d for d in candidates if only(d)]
        candidates = [d for d in candidates if (d.code, d.range.line, d.range.col) not in seen_failures]
        if not candidates:
            break
        try:
            build = fixes_for(text, candidates)
        except ValueError as exc:
            failed.extend((d, str(exc)) for d in candidates)
            break
        accepted: list[Edit] = []
        round_applied = []
        for diagnostic in candidates:
            fix = build(diagnostic)
            if not isinstance(fix, Fix):  # None, or the reason it could not be built
                seen_failures.add((diagnostic.code, diagnostic.range.line, diagnostic.range.col))
                failed.append((diagnostic, fix or "the fix could not be built for this code"))
                continue
            if fix.other_files:  # a migration over several files: applied by the project's fix loop
                seen_failures.add((diagnostic.code, diagnostic.range.line, diagnostic.range.col))
                continue
            if edits_overlap(accepted, list(fix.edits)):
                continue  # next round
            accepted.extend(fix.edits)
            round_applied.append(diagnostic)
        if not accepted:
            break
        new_text = apply_edits(text, accepted)
        if not parses(new_text):
            failed.extend((d, "combined fixes did not parse") for d in round_applied)
            break
        text = new_text
        applied.extend(round_applied)
    return FixOutcome(text=text, applied=applied, failed=failed)
