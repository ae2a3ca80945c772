"""Open documents, with the LSP's idea of lines and columns.

The LSP counts lines split at `\\n`, `\\r\\n` and `\\r` only (not at form feeds
or U+2028, which `str.splitlines` would split at), and columns in the
negotiated encoding: UTF-16 code units (the default), UTF-8 bytes or UTF-32
code points. The engine counts (1-based line, 0-based code point column) with
the same line breaks. Every conversion between the two lives here.

We keep our own document store instead of pygls' workspace documents because
those split lines with `str.splitlines` and would apply edits at the wrong
place in files containing such characters.
"""

from __future__ import annotations

import bisect
import re
from array import array
from dataclasses import dataclass, field
from pathlib import Path

from lsprotocol import types

from ..engine.model import Range

UTF8, UTF16, UTF32 = "utf-8", "utf-16", "utf-32"
_EOL = re.compile(r"\r\n|\r|\n")


def to_code_points(line: str, units: int, encoding: str) -> int:
    """Column in code points for a column in client units (clamped to the line; mid-character rounds down)."""
    if units <= 0:
        return 0
    if encoding == UTF32 or line.isascii():
        return min(units, len(line))
    if encoding == UTF8:
        return len(line.encode("utf-8")[:units].decode("utf-8", errors="ignore"))
    return len(line.encode("utf-16-le")[: units * 2].decode("utf-16-le", errors="ignore"))


def to_units(line: str, col: int, encoding: str) -> int:
    """Column in client units for a column in code points (clamped to the line)."""
    col = max(0, min(col, len(line)))
    if encoding == UTF32 or line.isascii():
        return col
    if encoding == UTF8:
        return len(line[:col].encode("utf-8"))
    return len(line[:col].encode("utf-16-le")) // 2


class LineIndex:
    """Line starts of a text (code point offsets), split the LSP way."""

    __slots__ = ("text", "starts", "_ends")

    def __init__(self, text: str):
        self.text = text
        # Arrays, not lists: a list holds an int object per line (36 bytes a line instead of 8).
        starts = array("q", [0])
        ends = array("q")
        for match in _EOL.finditer(text):
            ends.append(match.start())
            starts.append(match.end())
        ends.append(len(text))
        self.starts = starts
        self._ends = ends

    @property
    def line_count(self) -> int:
        return len(self.starts)

    def line(self, index0: int) -> str:
        """The text of a 0-based line, without its line break ('' past the end)."""
        if 0 <= index0 < len(self.starts):
            return self.text[self.starts[index0] : self._ends[index0]]
        return ""

    def offset(self, index0: int, col: int) -> int:
        """Offset of (0-based line, code point column), clamped into the text and the line."""
        if index0 < 0:
            return 0
        if index0 >= len(self.starts):
            return len(self.text)
        start = self.starts[index0]
        return start + max(0, min(col, self._ends[index0] - start))

    def position(self, offset: int) -> tuple[int, int]:
        """(0-based line, code point column) of an offset."""
        offset = max(0, min(offset, len(self.text)))
        index = bisect.bisect_right(self.starts, offset) - 1
        return index, offset - self.starts[index]


_RECENT: dict[int, LineIndex] = {}  # id(text) -> index: the loop and the analysis thread share them


def line_index(text: str) -> LineIndex:
    """The line index of a text, shared by everything that looks at the same text object.

    One keystroke's text is indexed by the change that makes the next version, the check,
    and the conversion of its diagnostics: built once. Entries keep their text alive, so an
    id cannot be reused while its entry exists.
    """
    found = _RECENT.get(id(text))
    if found is not None and found.text is text:
        return found
    index = LineIndex(text)
    if len(_RECENT) >= 8:
        _RECENT.pop(next(iter(_RECENT)), None)
    _RECENT[id(text)] = index
    return index


def forget_line_index(text: str) -> None:
    """Drop the shared index of a text nobody looks at any more (a closed document's)."""
    found = _RECENT.get(id(text))
    if found is not None and found.text is text:
        _RECENT.pop(id(text), None)


@dataclass
class Document:
    uri: str
    path: Path | None  # None for documents that are not files (untitled:, ...)
    language_id: str
    version: int
    text: str
    encoding: str = UTF16
    _index: LineIndex | None = field(default=None, repr=False)

    @property
    def index(self) -> LineIndex:
        if self._index is None or self._index.text is not self.text:
            self._index = line_index(self.text)
        return self._index

    # -- positions -------------------------------------------------------------
    def offset_at(self, position: types.Position) -> int:
        """Code point offset of an LSP position (clamped: past the end of a line is its end)."""
        index = self.index
        line = index.line(position.line)
        return index.offset(position.line, to_code_points(line, position.character, self.encoding))

    def engine_position(self, position: types.Position) -> tuple[int, int]:
        """(1-based line, code point column) of an LSP position, clamped into the text."""
        index = self.index
        if position.line >= index.line_count:
            last = index.line_count - 1
            return last + 1, len(index.line(last))
        line = index.line(position.line)
        return position.line + 1, to_code_points(line, position.character, self.encoding)

    def lsp_position(self, line1: int, col: int) -> types.Position:
        """LSP position of an engine (1-based line, code point column), clamped into the text."""
        index = self.index
        line0 = line1 - 1
        if line0 >= index.line_count:
            line0 = index.line_count - 1
            col = len(index.line(line0))
        if line0 < 0:
            return types.Position(line=0, character=0)
        return types.Position(line=line0, character=to_units(index.line(line0), col, self.encoding))

    def lsp_range(self, rng: Range) -> types.Range:
        return types.Range(start=self.lsp_position(rng.line, rng.col), end=self.lsp_position(rng.end_line, rng.end_col))

    def engine_range(self, rng: types.Range) -> Range:
        line, col = self.engine_position(rng.start)
        end_line, end_col = self.engine_position(rng.end)
        if (end_line, end_col) < (line, col):
            line, col, end_line, end_col = end_line, end_col, line, col
        return Range(line, col, end_line, end_col)

    def line_text(self, line1: int) -> str:
        return self.index.line(line1 - 1)

    # -- edits -------------------------------------------------------------------
    def apply_changes(self, changes, version: int) -> None:
        """Apply `didChange` content changes in order (incremental or whole-document)."""
        text = self.text
        for change in changes:
            rng = getattr(change, "range", None)
            if rng is None:
                text = change.text
                continue
            current = Document(self.uri, self.path, self.language_id, self.version, text, self.encoding,
                               self._index if text is self.text else None)
            start = current.offset_at(rng.start)
            end = current.offset_at(rng.end)
            if end < start:
                start, end = end, start
            text = text[:start] + change.text + text[end:]
        self.text = text
        self.version = version


def lsp_position_in(text: str, line1: int, col: int, encoding: str) -> types.Position:
    """Convert an engine position for a text that is not an open document (another file on disk)."""
    return Document("", None, "", 0, text, encoding).lsp_position(line1, col)
