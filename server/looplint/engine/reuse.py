"""Re-checking an edited buffer without re-running rules on the statements the edit did not touch.

An editor re-checks a file on every keystroke. The text changed in a few lines;
the module's other top-level statements are the same text (an incremental
parser even hands back the same `ast` objects, moved). For rules declared
`local` (see `Rule.local`), what they report inside such a statement is then
what they reported last time, moved by the lines inserted or removed above it,
provided that everything else they can look at is unchanged:

- the same rules run (settings, token gates) on the same project object, and
  nothing else in the project changed since (`Project.state_seen_from`: other files'
  summaries, configuration, and the unsaved text of other files, whose bodies a
  finding may depend on — a helper's effects);
- the module summary is the same once the previous one's line numbers are moved
  (`summary.same_shape`): a renamed method, a new import or an `async` added
  anywhere re-checks everything;
- every word rules asked `Source.mentions_any` about is still present or absent
  as before (only the changed lines can make a difference).

Anything that does not fit (a position inside the changed lines, a message that
names a line of this file) makes that statement be checked again. Non-local
rules always walk the whole module. `tests/engine/test_reuse.py` compares this
with checking from scratch, edit after edit, on every rule example and real
test suites.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from .model import Diagnostic, Range, Related
from .summary import ModuleSummary, SummaryReuse, same_shape

if TYPE_CHECKING:  # pragma: no cover
    from .rule import Rule
    from .source import Source


@dataclass(frozen=True)
class LineChange:
    """How the previous text (`base`) became this one: old lines `first`..`last` (1-based; `last`
    is `first - 1` for a pure insertion) were replaced by `new_lines`; later lines moved by `delta`."""

    base: str
    first: int
    last: int
    delta: int
    old_lines: tuple[str, ...]
    new_lines: tuple[str, ...]

    def map_line(self, line: int) -> int | None:
        """Where an old line is now (None: it was replaced)."""
        if line < self.first:
            return line
        if line > self.last:
            return line + self.delta
        return None

    def may_change_presence(self, word: str) -> bool:
        """Can `word in text` differ between the two texts? Only through the changed lines."""
        if "\n" in word or "\r" in word:
            return True
        return any(word in line for line in self.old_lines) or any(word in line for line in self.new_lines)


@dataclass
class _Previous:
    text: str  # the text these results are for (a change must start from it)
    key: tuple
    epoch: tuple[int, int]  # Project.state_seen_from
    summary: ModuleSummary
    mentions: dict[str, bool]
    facts: dict  # FileContext.module_facts() of that check
    # id(top-level statement) -> (the statement, what local rules reported in it, what the checker
    # keeps of it: see Checker._walk_reusing)
    results: dict[int, tuple]


class StatementReuse:
    """Kept by the caller for one editor buffer, passed to every check of it.

    Before each check the caller sets `change` (None when the tree was parsed from
    scratch: nothing can be reused then, the statements are new objects).
    """

    def __init__(self) -> None:
        self.change: LineChange | None = None
        self._previous: _Previous | None = None
        self._carried_mentions: dict[str, bool] = {}
        # Set by `plan`: the previous check's module facts, when they still hold (else None).
        self.facts: dict | None = None
        self.reused = 0  # statements whose local findings were reused in the last check
        self.summaries = SummaryReuse()  # the definitions' summaries, for the next build

    def seed_mentions(self, source: "Source") -> None:
        """Tell `source` which words its text holds where the edit cannot have changed that.

        Every check asks whether the text mentions dozens of words (rules' token gates and
        shortcuts); each question scans the whole text. After an edit, a word's presence can
        only change if it occurs in the removed or inserted lines: the others keep the last
        text's answers (the words `remember` recorded for it)."""
        change, previous = self.change, self._previous
        if change is None or previous is None or change.base is not previous.text:
            return
        seeded = {word: present for word, present in previous.mentions.items() if not change.may_change_presence(word)}
        source._mentions = seeded if source._mentions is None else {**seeded, **source._mentions}

    def reset(self) -> None:
        self.summaries.reset()
        self._previous = None
        self._carried_mentions = {}
        self.facts = None
        self.change = None

    def plan(
        self,
        tree: ast.Module,
        summary: ModuleSummary,
        key: tuple,
        epoch: tuple[int, int],
        source: "Source",
        rules: dict[str, "Rule"],
        path: Path,
        relpath: str,
    ) -> dict[int, tuple[list[Diagnostic], object]]:
        """For each top-level statement (by id) whose local findings can be reused: those findings,
        moved, and what the checker kept of it (returned as is)."""
        previous, change = self._previous, self.change
        # Whatever happens below, these results are used at most once: a check that fails half
        # way must not leave results that no longer match the text.
        self._previous = None
        self.facts = None
        self._carried_mentions = {}
        if previous is None or change is None or change.base is not previous.text:
            return {}
        if previous.key != key or previous.epoch != epoch:
            return {}
        text = source.text
        for word, present in previous.mentions.items():
            if change.may_change_presence(word) and (word in text) != present:
                return {}
        if change.delta == 0:
            # Nothing moved: plain equality (fast, in C) says the same; an entry of an edited line
            # that compares equal is still the same fact.
            if previous.summary != summary:
                return {}
        elif not same_shape(previous.summary, summary, change.map_line, self.summaries.trust(previous.summary, summary)):
            return {}
        # Still true of this text: the words, and what was derived from them and the summary.
        self._carried_mentions = previous.mentions
        self.facts = previous.facts
        names_this_file = re.compile(re.escape(relpath) + r":\d")
        plan: dict[int, tuple[list[Diagnostic], object]] = {}
        for statement in tree.body:
            entry = previous.results.get(id(statement))
            if entry is None or entry[0] is not statement:
                continue
            moved = []
            for diagnostic in entry[1]:
                diagnostic = _moved(diagnostic, path, change, rules.get(diagnostic.code), names_this_file)
                if diagnostic is None:
                    break
                moved.append(diagnostic)
            else:
                plan[id(statement)] = (moved, entry[2])
        return plan

    def remember(
        self,
        key: tuple,
        epoch: tuple[int, int],
        summary: ModuleSummary,
        source: "Source",
        results: dict[int, tuple],
        reused: int,
        facts: dict,
    ) -> None:
        self.summaries.forget_trust()
        # Words asked about in earlier checks stay recorded while their findings or facts live on.
        mentions = dict(self._carried_mentions)
        self._carried_mentions = {}
        self.facts = None
        recorded = source._mentions or {}
        for word, present in recorded.items():
            if word.__class__ is str:
                mentions[word] = present
        self._previous = _Previous(source.text, key, epoch, summary, mentions, facts, results)
        self.reused = reused


def _moved(
    diagnostic: Diagnostic, path: Path, change: LineChange, rule: "Rule | None", names_this_file: re.Pattern
) -> Diagnostic | None:
    """`diagnostic` where its statement is now, or None when it cannot be moved safely."""
    if rule is None or diagnostic.path != path:
        return None  # reported in another file: depends on that file, check again
    span = _moved_range(diagnostic.range, change)
    if span is None:
        return None
    related = []
    for item in diagnostic.related:
        if item.path == path:
            moved = _moved_range(item.range, change)
            if moved is None:
                return None
            item = Related(item.path, moved, item.message)
        related.append(item)
    data = diagnostic.data
    if rule.position_data and data:
        data = dict(data)
        for key, kind in rule.position_data.items():
            if key not in data or data[key] is None:
                continue
            value = data[key]
            if kind == "line":
                value = change.map_line(value)
            elif kind == "range":
                value = _moved_json_range(value, change)
            else:  # "ranges"
                value = [_moved_json_range(item, change) for item in value]
                if any(item is None for item in value):
                    value = None
            if value is None:
                return None
            data[key] = value
    never_runs = diagnostic.never_runs
    if never_runs is not None:
        never_runs = _moved_range(never_runs, change)
        if never_runs is None:
            return None
    if change.delta and (names_this_file.search(diagnostic.message) or names_this_file.search(diagnostic.reason)):
        return None  # the text names a line of this file, which may have moved
    return replace(diagnostic, range=span, related=tuple(related), data=data, fix=None, never_runs=never_runs)


def _moved_range(span: Range, change: LineChange) -> Range | None:
    if not change.delta and (span.end_line < change.first or span.line > change.last):
        return span
    line, end_line = change.map_line(span.line), change.map_line(span.end_line)
    if line is None or end_line is None:
        return None
    return Range(line, span.col, end_line, span.end_col)


def _moved_json_range(value, change: LineChange):
    moved = _moved_range(Range.from_json(value), change)
    return None if moved is None else moved.to_json()
