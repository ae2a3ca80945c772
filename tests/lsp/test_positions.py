"""Positions: engine (1-based line, code point column) <-> LSP positions in UTF-8/16/32, and edits."""

from __future__ import annotations

import pytest
from lsprotocol import types

from looplint.engine.model import Range
from looplint.lsp.carry import carry_over
from looplint.lsp.documents import UTF8, UTF16, UTF32, Document
from looplint.engine.model import Diagnostic, Severity
from pathlib import Path


def units(text: str, encoding: str) -> int:
    """Independent reference: the length of `text` in the encoding's code units."""
    if encoding == UTF8:
        return len(text.encode("utf-8"))
    if encoding == UTF16:
        return len(text.encode("utf-16-le")) // 2
    return len(text)


LINES = [
    "plain = 1",
    '\ts = "é😀"; call()  # tab, accent and an emoji (a surrogate pair in UTF-16)',
    "x = '𝔘nicode 𝔘' + 'ü'",
    "",
    "last = 'line'",
]


@pytest.mark.parametrize("eol", ["\n", "\r\n", "\r"])
@pytest.mark.parametrize("encoding", [UTF8, UTF16, UTF32])
def test_engine_positions_round_trip(encoding, eol):
    text = eol.join(LINES) + eol
    doc = Document("file:///x.py", None, "python", 1, text, encoding)
    for line0, line in enumerate(LINES):
        for col in range(len(line) + 1):
            pos = doc.lsp_position(line0 + 1, col)
            assert pos == types.Position(line=line0, character=units(line[:col], encoding))
            assert doc.engine_position(pos) == (line0 + 1, col)


def test_call_after_emoji_in_each_encoding():
    line = LINES[1]
    col = line.index("call")
    for encoding, expected in ((UTF16, col + 1), (UTF8, col + 1 + 1 + 2), (UTF32, col)):
        # "é" is 2 UTF-8 bytes (1 unit in UTF-16); "😀" is 4 UTF-8 bytes, 2 UTF-16 units.
        doc = Document("u", None, "python", 1, "\n".join(LINES), encoding)
        assert doc.lsp_position(2, col).character == expected


def test_positions_are_clamped():
    doc = Document("u", None, "python", 1, "ab\r\ncd😀\n", UTF16)
    assert doc.engine_position(types.Position(line=0, character=99)) == (1, 2)  # past the line end: the end
    assert doc.engine_position(types.Position(line=9, character=3)) == (3, 0)  # past the last line: the end
    # In the middle of the surrogate pair: the start of the character.
    assert doc.engine_position(types.Position(line=1, character=3)) == (2, 2)
    assert doc.lsp_position(7, 0) == types.Position(line=2, character=0)


@pytest.mark.parametrize("encoding", [UTF8, UTF16, UTF32])
def test_incremental_changes_follow_lsp_lines(encoding):
    # A form feed and U+2028 are not line breaks for the LSP (str.splitlines thinks they are).
    text = 'a = "x\u2028y"\x0cb = 1\r\nc = "😀"\rd = 2\n'
    doc = Document("u", None, "python", 1, text, encoding)
    # Replace `2` on line 2 (0-based) and insert after the emoji on line 1.
    line2 = 'c = "😀"'
    after_emoji = units(line2[: line2.index("😀") + 1], encoding)
    changes = [
        types.TextDocumentContentChangePartial(
            range=types.Range(start=types.Position(line=2, character=4), end=types.Position(line=2, character=5)),
            text="3",
        ),
        types.TextDocumentContentChangePartial(
            range=types.Range(
                start=types.Position(line=1, character=after_emoji), end=types.Position(line=1, character=after_emoji)
            ),
            text="!",
        ),
        types.TextDocumentContentChangePartial(
            range=types.Range(start=types.Position(line=0, character=len('a = "x\u2028y"\x0cb = ')),
                              end=types.Position(line=0, character=len('a = "x\u2028y"\x0cb = 1'))),
            text="é",
        ),
    ]
    if encoding == UTF8:  # the third change's columns must be in bytes
        prefix = 'a = "x\u2028y"\x0cb = '
        changes[2] = types.TextDocumentContentChangePartial(
            range=types.Range(start=types.Position(line=0, character=units(prefix, UTF8)),
                              end=types.Position(line=0, character=units(prefix + "1", UTF8))),
            text="é",
        )
    doc.apply_changes(changes, 2)
    assert doc.text == 'a = "x\u2028y"\x0cb = é\r\nc = "😀!"\rd = 3\n'
    assert doc.version == 2
    doc.apply_changes([types.TextDocumentContentChangeWholeDocument(text="new")], 3)
    assert doc.text == "new"


def _diag(line, col, end_line, end_col):
    return Diagnostic("UT001", "n", "m", Severity.ERROR, Path("/x.py"), Range(line, col, end_line, end_col))


def test_carry_over_moves_diagnostics_with_their_text():
    old = "import x\n\nclass T(x.TestCase):\n    async def test_a(self):\n        pass\n"
    diags = [_diag(4, 14, 4, 20)]
    # Lines inserted above (the file does not parse): the diagnostic moves down.
    new = "import x\ndef broken(\n\nclass T(x.TestCase):\n    async def test_a(self):\n        pass\n"
    (moved,) = carry_over(diags, old, new)
    assert moved.range == Range(5, 14, 5, 20)
    # An edit before the name on the same line: the columns shift with it.
    new = "import x\n\nclass T(x.TestCase):\n    😀async def test_a(self):\n        pass\n"
    (moved,) = carry_over(diags, old, new)
    assert moved.range == Range(4, 15, 4, 21)
    # Typing inside the name (the file is broken elsewhere): the range grows with it.
    new = "import x\n\nclass T(x.TestCase):\n    async def test_Qa(self):\n        pass(\n"
    (moved,) = carry_over(diags, old, new)
    assert moved.range == Range(4, 14, 4, 21)
    # Characters replaced across the range's end: the end snaps to the end of the change.
    new = "import x\n\nclass T(x.TestCase):\n    async def test_Qb(self:\n        pass\n"
    (moved,) = carry_over(diags, old, new)
    assert moved.range == Range(4, 14, 4, 26)
    # The line was deleted: the diagnostic goes (we cannot tell where it went).
    new = "import x\n\nclass T(x.TestCase):\n        pass(\n"
    assert carry_over(diags, old, new) == []
    # Unrelated lines changed elsewhere, and lines deleted above: still exact.
    new = "\nclass T(x.TestCase):\n    async def test_a(self):\n        pass(\n"
    (moved,) = carry_over(diags, old, new)
    assert moved.range == Range(3, 14, 3, 20)
