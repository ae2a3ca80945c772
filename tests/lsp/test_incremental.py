"""The incremental parser returns exactly what `ast.parse` returns, positions included."""

from __future__ import annotations

import ast
import os
import random
import re
from pathlib import Path

import pytest

from looplint.lsp.incremental import IncrementalParser

CORPUS = sorted((Path(os.__file__).parent / "test").glob("test_*.py"))
GARBAGE = list("abc_ ():=,\"'#\n\t") + ["\n    ", "@dec\n", "def f():\n    pass\n", "'''", "\\\n", "else:\n", "é😀", "\r\n"]
VALID_LINES = ["    x = 1\n", "\n", "# note é😀\n", "    pass\n", "@decorator\n", "def added():\n    return 1\n",
               "class Added:\n    attr = 1\n", "        y = (1,\n             2)\n"]


def _texts(count: int):
    """Real test modules of moderate size (the comparison dumps whole trees)."""
    rng = random.Random(0)
    found = 0
    for path in rng.sample(CORPUS, len(CORPUS)):
        if found == count:
            return
        try:
            text = path.read_text(encoding="utf-8")
            if not 100 < text.count("\n") < 800:
                continue
            ast.parse(text)
        except (UnicodeDecodeError, SyntaxError, ValueError):
            continue
        found += 1
        yield path, text


def _random_edit(rng: random.Random, text: str) -> str:
    roll = rng.random()
    starts = [0] + [m.end() for m in re.finditer(r"\r\n|\r|\n", text)]
    if roll < 0.35:  # a valid-looking line somewhere
        at = rng.choice(starts)
        return text[:at] + rng.choice(VALID_LINES) + text[at:]
    if roll < 0.5:  # delete or duplicate whole lines
        i = rng.randrange(len(starts) - 1) if len(starts) > 1 else 0
        j = min(len(starts) - 1, i + rng.choice([1, 1, 2, 5]))
        chunk = text[starts[i] : starts[j]]
        return text[: starts[i]] + (chunk * 2 if rng.random() < 0.5 else "") + text[starts[j] :]
    start = rng.randint(0, len(text))
    end = min(len(text), start + rng.choice([0, 0, 1, 3, 10, 80]))
    return text[:start] + "".join(rng.choice(GARBAGE) for _ in range(rng.choice([0, 1, 2, 4]))) + text[end:]


@pytest.mark.filterwarnings("ignore::DeprecationWarning", "ignore::SyntaxWarning")
def test_spliced_trees_equal_fresh_parses():
    rng = random.Random(1)
    compared = partial = 0
    for _, text in _texts(12):
        parser = IncrementalParser()
        parser.parse(text)
        for _ in range(40):
            new = _random_edit(rng, text)
            try:
                expected = ast.dump(ast.parse(new), include_attributes=True)
            except (SyntaxError, ValueError):
                expected = None
            try:
                got = ast.dump(parser.parse(new), include_attributes=True)
            except (SyntaxError, ValueError):
                got = None
            assert got == expected
            if expected is not None:
                compared += 1
                text = new
        partial += parser.partial_parses
    assert compared > 150 and partial > 100  # most successful parses were partial ones


@pytest.mark.parametrize(
    "old, new",
    [
        # An indented line appended after a def joins the def.
        ("def f():\n    pass\n\nx = 1\n", "def f():\n    pass\n    y = 2\n\nx = 1\n"),
        # A decorator inserted above a def.
        ("a = 1\n\ndef f():\n    pass\n", "a = 1\n@dec\ndef f():\n    pass\n"),
        # An opened bracket that swallows the following statements: the whole text decides.
        ("a = 1\nb = 2\nc = 3\n", "a = (1\nb = 2\nc = 3)\n"),
        # A string opened across statements.
        ("a = 1\nb = 2\nc = 3\n", "a = '''1\nb = 2\nc = 3'''\n"),
        # An `else:` for an `if` two statements up is an error, as in a full parse.
        ("if x:\n    pass\ny = 1\nz = 2\n", "if x:\n    pass\ny = 1\nelse:\n    pass\nz = 2\n"),
        # A __future__ import out of place (ast.parse does not check), and the grammar-changing one.
        ("a = 1\nb = 2\n", "a = 1\nfrom __future__ import annotations\nb = 2\n"),
        ("a = 1\nb = 2\n", "from __future__ import barry_as_FLUFL\na = 1\nb = 1 <> 2\n"),
        ("from __future__ import barry_as_FLUFL\na = 1\nb = 2\n", "from __future__ import barry_as_FLUFL\na = 1\nb = 1 != 2\n"),
        # CRLF and lone CR line ends, edits in the middle.
        ("a = 1\r\nb = 2\rc = 3\r\n", "a = 1\r\nb = 22\r\n\rc = 3\r\n"),
        # Everything deleted, and a first statement added.
        ("a = 1\nb = 2\n", ""),
        ("", "a = 1\n"),
        # A continuation line.
        ("a = 1\nb = 2\n", "a = 1 + \\\n2\nb = 2\n"),
    ],
)
def test_tricky_edits(old, new):
    parser = IncrementalParser()
    parser.parse(old)
    try:
        expected = ast.dump(ast.parse(new), include_attributes=True)
    except SyntaxError:
        with pytest.raises(SyntaxError):
            parser.parse(new)
        # The last good text stays the base for the next edit.
        assert parser.text == old
        assert ast.dump(parser.parse(old), include_attributes=True) == ast.dump(ast.parse(old), include_attributes=True)
        return
    assert ast.dump(parser.parse(new), include_attributes=True) == expected
