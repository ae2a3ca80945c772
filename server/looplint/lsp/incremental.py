"""Re-parsing only the top-level statements an edit touched.

Parsing is the largest single cost of checking a big module on each keystroke.
An edit usually changes a few lines inside one function; the module's other
top-level statements are the same text, so their trees are the same too, only
moved by the number of lines inserted or removed above them.

`IncrementalParser.parse(text)` returns exactly what `ast.parse(text)` would
(the tests compare both, positions included), by parsing a *segment* of the
new text and splicing it into the previous tree:

- the changed lines are found by comparing the old and new lines (common
  leading and trailing lines);
- the segment is the top-level statements overlapping the change, plus the
  statement just before and just after it (an inserted indented line can join
  the previous `def`; an inserted decorator joins the next one), from the first
  statement's first line (decorators included) to the last one's last line;
- the segment starts and ends at statement boundaries, where Python's
  tokenizer is in its ground state (no open bracket or string, no
  continuation), so when the segment parses on its own it parses the same way
  inside the module, and the unchanged statements around it parse as before;
- if the segment does not parse on its own (an opened bracket or string that
  reaches further, a continuation line, a decorator without its def), or
  anything is unusual, the whole text is parsed instead. (`ast.parse` does not
  check where `__future__` imports are; the only one that changes the grammar,
  `barry_as_FLUFL`, makes every parse a full one.)

The statements after the segment get their line numbers shifted in place
(only when the edit changed the number of lines). The tree returned for one
text is reused, and mutated, to build the next one: callers must not keep it
beyond their check (the checker does not).
"""

from __future__ import annotations

import ast
import re

from ..engine.parse import parse_module
from ..engine.reuse import LineChange
from ..engine.summary import line_numbers
from .documents import line_index

_EOL = re.compile(r"\r\n|\r|\n")


class IncrementalParser:
    def __init__(self) -> None:
        self.text: str | None = None
        self.tree: ast.Module | None = None
        self.full_parses = 0
        self.partial_parses = 0
        self._lines: list[str] | None = None  # the lines of `text`
        self._pending_lines: list[str] | None = None
        # How the last parsed text differs from the one before, when its tree was spliced from
        # the previous one (None after a parse from scratch): what engine.reuse needs.
        self.change: LineChange | None = None
        self._pending_change: LineChange | None = None

    def parse(self, text: str, filename: str = "<unknown>") -> ast.Module:
        """`ast.parse(text, filename=filename)`, reusing the previous tree where the text is unchanged."""
        tree = None
        self._pending_lines = None
        self._pending_change = None
        if self.tree is not None and self.text is not None:
            try:
                tree = self._splice(text)
            except (SyntaxError, ValueError, RecursionError, MemoryError, IndexError):
                tree = None  # a full parse decides (IndexError: a defensive net for odd line ends)
        if tree is None:
            self.change = None
            tree = parse_module(text, filename=filename)  # errors propagate, the last good state stays
            self.full_parses += 1
        else:
            self.partial_parses += 1
            self.change = self._pending_change
        self.text, self.tree = text, tree
        self._lines = self._pending_lines
        return tree

    def reset(self) -> None:
        self.text = self.tree = self._lines = self.change = None

    def _splice(self, text: str) -> ast.Module | None:
        old_text, tree = self.text, self.tree
        assert old_text is not None and tree is not None
        if text == old_text:
            self._pending_change = LineChange(old_text, 1, 0, 0, (), ())
            return tree
        if "barry_as_FLUFL" in text:  # the one future import that changes the grammar
            return None
        old_lines = self._lines if self._lines is not None else _EOL.split(old_text)
        new_lines = _EOL.split(text)
        self._pending_lines = new_lines
        n_old, n_new = len(old_lines), len(new_lines)
        limit = min(n_old, n_new)
        prefix = 0
        while prefix < limit and old_lines[prefix] == new_lines[prefix]:
            prefix += 1
        suffix = 0
        while suffix < limit - prefix and old_lines[n_old - 1 - suffix] == new_lines[n_new - 1 - suffix]:
            suffix += 1
        first_changed = prefix + 1  # 1-based, in the old text
        last_changed = n_old - suffix  # 1-based, in the old text; first_changed - 1 for a pure insertion
        delta = n_new - n_old

        body = tree.body
        if not body:
            return None
        spans = []
        for stmt in body:
            if stmt.end_lineno is None:
                return None
            spans.append((_first_line(stmt), stmt.end_lineno))
        # The statements the change touches (none when it is in a gap between two)...
        touched_from = next((k for k, (_, end) in enumerate(spans) if end >= first_changed), len(body))
        touched_to = max((k for k, (begin, _) in enumerate(spans) if begin <= last_changed), default=-1)
        # ... and one neighbour on each side.
        first = max(touched_from - 1, 0)
        last = min(touched_to + 1, len(body) - 1)
        if last < first:
            last = first
        seg_start = min(spans[first][0], first_changed)  # old line numbers
        seg_end = max(spans[last][1], last_changed)
        # Lines outside the change keep their text: the segment's first line is the same line
        # number in the new text, its last one is moved by the lines inserted or removed.
        new_start, new_end = seg_start, seg_end + delta
        if new_start < 1 or new_end < new_start - 1 or new_end > n_new:
            return None
        starts = line_index(text).starts
        segment = text[starts[new_start - 1] : starts[new_end] if new_end < len(starts) else len(text)]
        parsed = parse_module(segment)
        if new_start > 1:
            _shift(parsed.body, new_start - 1)
        after = body[last + 1 :]
        if delta:
            _shift(after, delta)
        tree.body = body[:first] + parsed.body + after
        self._pending_change = LineChange(
            old_text, first_changed, last_changed, delta,
            tuple(old_lines[prefix : n_old - suffix]), tuple(new_lines[prefix : n_new - suffix]),
        )
        return tree


_FIELDS: dict[type, tuple[tuple[str, ...], bool]] = {}


def _shift(nodes: list[ast.AST], delta: int) -> None:
    """`ast.increment_lineno` for a list of statements, without its generator overhead."""
    stack = list(nodes)
    fields_of = _FIELDS
    node_type = ast.AST
    last = max((getattr(node, "end_lineno", None) or 0 for node in nodes), default=0)
    numbers = line_numbers(last + max(delta, 0))  # shared ints: see engine.summary.line_numbers
    while stack:
        node = stack.pop()
        cls = node.__class__
        entry = fields_of.get(cls)
        if entry is None:
            entry = (tuple(f for f in cls._fields if f not in ("ctx", "type_comment")), "lineno" in cls._attributes)
            fields_of[cls] = entry
        names, positioned = entry
        if positioned:
            node.lineno = numbers[node.lineno + delta]
            end = getattr(node, "end_lineno", None)
            if end is not None:
                node.end_lineno = numbers[end + delta]
        for name in names:
            value = getattr(node, name, None)
            if value.__class__ is list:
                for item in value:
                    if isinstance(item, node_type):
                        stack.append(item)
            elif isinstance(value, node_type):
                stack.append(value)


def _first_line(stmt: ast.stmt) -> int:
    decorators = getattr(stmt, "decorator_list", None)
    if decorators:
        return min(stmt.lineno, *(d.lineno for d in decorators))
    return stmt.lineno
