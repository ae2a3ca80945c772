"""Reading Python source files robustly and converting positions.

`ast` reports columns as UTF-8 byte offsets; users, the JSON output and libcst
count code points; LSP clients count UTF-16 units (or UTF-8). Everything inside
looplint uses (line 1-based, column 0-based in code points); conversions
happen here and at the LSP boundary only.
"""

from __future__ import annotations

import codecs
import io
import re
import threading
import tokenize
from dataclasses import dataclass
from pathlib import Path

from .files import MAX_FILE_BYTES, UnreadableFile, read_bytes

_NEWLINE = re.compile(r"\r\n|\r|\n")
_DEF_NAME = re.compile(r"(?:async\s+)?(?:def|class)\s+(\w+)")


# Every word `mentions_any` was asked about -> the other such words it contains (the words are
# the rules' constants: a few hundred at most; past the bound, new words get no shortcut).
_WORDS_WITHIN: dict[str, list[str]] = {}
_MAX_WORDS = 4000


def _words_within(word: str) -> list[str]:
    found = _WORDS_WITHIN.get(word)
    if found is None:
        with _WORDS_LOCK:  # files may be checked on several threads
            found = _WORDS_WITHIN.get(word)
            if found is not None:
                return found
            if len(_WORDS_WITHIN) >= _MAX_WORDS:
                return []
            found = [other for other in _WORDS_WITHIN if other in word]
            for other, within in _WORDS_WITHIN.items():
                if word in other:
                    within.append(word)
            _WORDS_WITHIN[word] = found
    return found


_WORDS_LOCK = threading.Lock()


class SourceError(Exception):
    """A file that cannot be analysed; the message is shown to the user as is."""


@dataclass
class Source:
    """The decoded text of one file plus a lazily built line index."""

    text: str
    path: Path | None = None
    had_bom: bool = False
    encoding: str = "utf-8"
    _line_starts: list[int] | None = None
    _lines: list[str] | None = None
    _mentions: dict | None = None

    def mentions_any(self, words: tuple[str, ...]) -> bool:
        """Does the text contain any of these substrings? (cached: used to skip work on most files)"""
        if self._mentions is None:
            self._mentions = {}
        found = self._mentions.get(words)
        if found is None:
            # Rules share words ("async def", "asyncio"): search each word once per file.
            mentions = self._mentions
            found = False
            for word in words:
                present = mentions.get(word)
                if present is None:
                    present = mentions[word] = self._contains(word)
                if present:
                    found = True
                    break
            mentions[words] = found
        return found

    def _contains(self, word: str) -> bool:
        # A word holding a shorter one the text is known not to contain is not in it either
        # ("async def setUp" without "async def"): no search of the text.
        mentions = self._mentions
        for part in _words_within(word):
            if mentions.get(part) is False:  # type: ignore[union-attr]
                return False
        return word in self.text

    # -- lines -------------------------------------------------------------
    @property
    def lines(self) -> list[str]:
        """Lines without their line ends (split like Python's tokenizer does)."""
        if self._lines is None:
            text = self.text
            # Without a carriage return, the plain split is the same and several times faster.
            self._lines = text.split("\n") if "\r" not in text else _NEWLINE.split(text)
        return self._lines

    def line(self, lineno: int) -> str:
        lines = self.lines
        if 1 <= lineno <= len(lines):
            return lines[lineno - 1]
        return ""

    @property
    def line_starts(self) -> list[int]:
        """Offsets (in code points) where each line starts."""
        if self._line_starts is None:
            starts = [0]
            for match in _NEWLINE.finditer(self.text):
                starts.append(match.end())
            self._line_starts = starts
        return self._line_starts

    def line_end_style(self) -> str:
        match = _NEWLINE.search(self.text)
        return match.group(0) if match else "\n"

    # -- positions -----------------------------------------------------------
    def char_col(self, lineno: int, byte_col: int) -> int:
        """Convert an `ast` UTF-8 byte column into a code point column."""
        line = self.line(lineno)
        if byte_col <= 0 or line.isascii():
            return byte_col
        return len(line.encode("utf-8")[:byte_col].decode("utf-8", errors="ignore"))

    def name_span(self, node) -> tuple[int, int, int]:
        """(line, start col, end col) in code points of the name of a def or class."""
        line = self.line(node.lineno)
        start = self.char_col(node.lineno, node.col_offset)
        match = _DEF_NAME.match(line, start)
        if match and match.group(1) == node.name:
            return node.lineno, match.start(1), match.end(1)
        index = line.find(node.name, start)  # unusual layout (e.g. a continuation line)
        if index < 0:
            return node.lineno, start, start + len(node.name)
        return node.lineno, index, index + len(node.name)

    def offset(self, lineno: int, col: int) -> int:
        """Absolute code point offset of (line 1-based, column in code points)."""
        starts = self.line_starts
        if lineno < 1:
            return 0
        if lineno > len(starts):
            return len(self.text)
        return min(starts[lineno - 1] + col, len(self.text))

    def position(self, offset: int) -> tuple[int, int]:
        """(line 1-based, column code points) of an absolute offset."""
        import bisect

        starts = self.line_starts
        index = bisect.bisect_right(starts, offset) - 1
        return index + 1, offset - starts[index]


def decode_source(data: bytes, path: Path | None = None) -> Source:
    """Decode bytes the way Python does (BOM, PEP 263 cookie), with clear errors."""
    if b"\x00" in data[:8192]:
        raise SourceError("binary file (contains NUL bytes), not Python source")
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as exc:
        if "encoding problem" in str(exc) or "unknown encoding" in str(exc):
            raise SourceError(f"cannot determine encoding: {exc}") from None
        # Undecodable bytes in the first two lines: decoding as UTF-8 below
        # names the byte and the line.
        encoding = "utf-8"
    had_bom = data.startswith(codecs.BOM_UTF8)
    if had_bom:
        data = data[len(codecs.BOM_UTF8):]
        encoding = "utf-8"
    if encoding == "utf-8-sig":
        encoding = "utf-8"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise SourceError(
            f"not valid {encoding}: byte 0x{data[exc.start]:02x} on line {line} cannot be decoded"
        ) from None
    except LookupError:
        raise SourceError(f"unknown encoding {encoding!r} declared in the file") from None
    return Source(text=text, path=path, had_bom=had_bom, encoding=encoding)


def read_source(path: Path) -> Source:
    """Read and decode a file; every failure becomes a SourceError with a plain message."""
    try:
        data = read_bytes(path, MAX_FILE_BYTES)
    except UnreadableFile as exc:
        raise SourceError(str(exc)) from None
    return decode_source(data, path)


def encode_like(text: str, original: Source) -> bytes:
    """Encode fixed text back with the original file's encoding and BOM."""
    data = text.encode(original.encoding)
    if original.had_bom:
        data = codecs.BOM_UTF8 + data
    return data
