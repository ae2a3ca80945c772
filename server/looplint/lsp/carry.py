"""Carrying the last good diagnostics over while a file does not parse.

Mid-edit, a file often does not parse (`def test_x(self` ...). Reporting
nothing would make every squiggle in the file vanish and come back on each
keystroke, so the server keeps the diagnostics of the last version that parsed
and moves them along with the text:

- lines the edit did not touch move with the text around them (lines inserted
  or deleted above shift them);
- on a line that was changed in place, a column before the change stays, a
  column after it moves with the end of the line, and a column inside the
  changed characters snaps to the edge of the change;
- a diagnostic on lines that were deleted, or inside a region whose lines
  cannot be matched one to one, is dropped: we do not guess where it went.

Once the file parses again, fresh diagnostics replace the carried ones.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import replace

from ..engine.model import Diagnostic, Range

_EOL = re.compile(r"\r\n|\r|\n")
_MAX_DIFF_LINES = 2000  # beyond this the changed block is not diffed (only prefix/suffix lines map)


class LineMap:
    """Maps (1-based line, code point column) positions of `old` text to `new` text."""

    def __init__(self, old: str, new: str):
        self.old_lines = _EOL.split(old)
        self.new_lines = _EOL.split(new)
        old_lines, new_lines = self.old_lines, self.new_lines
        n_old, n_new = len(old_lines), len(new_lines)
        prefix = 0
        limit = min(n_old, n_new)
        while prefix < limit and old_lines[prefix] == new_lines[prefix]:
            prefix += 1
        suffix = 0
        while suffix < limit - prefix and old_lines[n_old - 1 - suffix] == new_lines[n_new - 1 - suffix]:
            suffix += 1
        self.prefix = prefix
        self.old_end = n_old - suffix  # changed block: old[prefix:old_end] -> new[prefix:new_end]
        self.new_end = n_new - suffix
        self.delta = n_new - n_old
        # Inside the changed block: old line index -> new line index (1:1 lines only).
        self.block: dict[int, int] = {}
        old_block = old_lines[prefix : self.old_end]
        new_block = new_lines[prefix : self.new_end]
        if len(old_block) == len(new_block):
            self.block = {prefix + i: prefix + i for i in range(len(old_block))}
        elif old_block and new_block and max(len(old_block), len(new_block)) <= _MAX_DIFF_LINES:
            matcher = difflib.SequenceMatcher(a=old_block, b=new_block, autojunk=False)
            for tag, i1, i2, j1, j2 in matcher.get_opcodes():
                if tag == "equal" or (tag == "replace" and i2 - i1 == j2 - j1):
                    for k in range(i2 - i1):
                        self.block[prefix + i1 + k] = prefix + j1 + k

    def line(self, old0: int) -> int | None:
        if old0 < self.prefix:
            return old0
        if old0 >= self.old_end:
            return old0 + self.delta
        return self.block.get(old0)

    def position(self, line1: int, col: int, *, is_end: bool) -> tuple[int, int] | None:
        old0 = line1 - 1
        if not 0 <= old0 < len(self.old_lines):
            return None
        new0 = self.line(old0)
        if new0 is None:
            return None
        old_line, new_line = self.old_lines[old0], self.new_lines[new0]
        if old_line == new_line:
            return new0 + 1, col
        # The line changed in place: keep columns outside the changed characters.
        p = _common_prefix(old_line, new_line)
        s = _common_suffix(old_line, new_line, max_len=min(len(old_line), len(new_line)) - p)
        if col <= p:
            return new0 + 1, col
        if col >= len(old_line) - s:
            return new0 + 1, col + len(new_line) - len(old_line)
        # Inside the edited characters: a start snaps to the start of the change, an end to its end.
        return new0 + 1, (len(new_line) - s) if is_end else p


def carry_over(diagnostics: list[Diagnostic], old_text: str, new_text: str) -> list[Diagnostic]:
    """The diagnostics computed for `old_text`, moved to where their text is in `new_text`."""
    if old_text == new_text:
        return list(diagnostics)
    mapping = LineMap(old_text, new_text)
    carried = []
    for diagnostic in diagnostics:
        rng = diagnostic.range
        start = mapping.position(rng.line, rng.col, is_end=False)
        end = mapping.position(rng.end_line, rng.end_col, is_end=True)
        if start is None or end is None or end < start:
            continue
        carried.append(replace(diagnostic, range=Range(start[0], start[1], end[0], end[1]), fix=None))
    return carried


def _common_prefix(a: str, b: str) -> int:
    n = min(len(a), len(b))
    i = 0
    while i < n and a[i] == b[i]:
        i += 1
    return i


def _common_suffix(a: str, b: str, max_len: int) -> int:
    i = 0
    while i < max_len and a[-1 - i] == b[-1 - i]:
        i += 1
    return i
