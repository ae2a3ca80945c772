"""Suppression comments: `# looplint: ignore[...]`, `# noqa: CODE`, `# looplint: ignore-file`, and a type
checker's `# type: ignore[code]` / `# pyright: ignore[rule]` for rules that say the code means the same."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .model import Diagnostic
from .source import Source

_IGNORE = re.compile(r"#\s*looplint\s*:\s*ignore(?!-file)(?:\s*\[([^\]]*)\])?", re.IGNORECASE)
_NOQA = re.compile(r"#\s*noqa\s*:\s*([A-Z]+[0-9]+(?:[\s,]+[A-Z]+[0-9]+)*)", re.IGNORECASE)
_IGNORE_FILE = re.compile(r"#\s*looplint\s*:\s*ignore-file\b", re.IGNORECASE)
_CODE = re.compile(r"[A-Z]+[0-9]+", re.IGNORECASE)
# A type checker's error codes on the line (mypy's `unused-coroutine`, pyright's `reportUnusedCoroutine`):
# they suppress only rules whose `same_as` names them; a bare `# type: ignore` says nothing about which.
_CHECKER_IGNORE = re.compile(r"#\s*(?:type|pyright)\s*:\s*ignore\s*\[([^\]]*)\]", re.IGNORECASE)

ALL = "*"


@dataclass
class Suppressions:
    ignore_file: bool = False
    by_line: dict[int, set[str]] = field(default_factory=dict)  # line -> codes, or {ALL}

    @classmethod
    def parse(cls, source: Source) -> "Suppressions":
        result = cls()
        lines = source.lines
        for lineno in _lines_naming_a_suppression(source):
            line = lines[lineno - 1]
            if "#" not in line:
                continue
            comment = comment_of(line)
            if comment is None:
                continue
            if _IGNORE_FILE.search(comment) and _in_leading_comments(source, lineno):
                result.ignore_file = True
            match = _IGNORE.search(comment)
            if match:
                codes = match.group(1)
                result.by_line.setdefault(lineno, set()).update(
                    {c.upper() for c in _CODE.findall(codes)} if codes and codes.strip() else {ALL}
                )
            match = _NOQA.search(comment)
            if match:
                result.by_line.setdefault(lineno, set()).update(c.upper() for c in _CODE.findall(match.group(1)))
            for match in _CHECKER_IGNORE.finditer(comment):
                codes = {c.strip().upper() for c in match.group(1).split(",") if c.strip()}
                if codes:
                    result.by_line.setdefault(lineno, set()).update(codes)
        return result

    def suppresses(self, diagnostic: Diagnostic, same_as: tuple[str, ...] = ()) -> bool:
        """Is the diagnostic suppressed on its line, by its own code or one with the same meaning?"""
        codes = self.by_line.get(diagnostic.noqa_line)
        return bool(codes) and (
            ALL in codes or diagnostic.code in codes or any(code.upper() in codes for code in same_as)
        )


def _lines_naming_a_suppression(source: Source) -> list[int]:
    """The numbers of the lines that hold a word every suppression comment has, in any case
    (most files have none; "ignore" is common in code, so the lines are found, not all scanned)."""
    text = source.text
    lowered = text.lower()
    if len(lowered) != len(text):  # lowering changed some lengths: positions would not match
        return list(range(1, len(source.lines) + 1))
    positions = []
    for word in ("looplint", "noqa", "ignore"):
        at = lowered.find(word)
        while at != -1:
            positions.append(at)
            at = lowered.find(word, at + 1)
    if not positions:
        return []
    positions.sort()
    found: list[int] = []
    if "\r" in text:  # lines also end at a lone carriage return: count with the line index
        for position in positions:
            line = source.position(position)[0]
            if not found or found[-1] != line:
                found.append(line)
        return found
    line, previous = 1, 0
    for position in positions:
        line += text.count("\n", previous, position)
        previous = position
        if not found or found[-1] != line:
            found.append(line)
    return found


def comment_of(line: str) -> str | None:
    """The comment part of a line, skipping '#' inside string literals on that line."""
    quote: str | None = None
    i = 0
    n = len(line)
    while i < n:
        ch = line[i]
        if quote:
            if ch == "\\":
                i += 2
                continue
            if line.startswith(quote, i):
                i += len(quote)
                quote = None
                continue
        elif ch in "\"'":
            quote = ch * 3 if line.startswith(ch * 3, i) else ch
            i += len(quote)
            continue
        elif ch == "#":
            return line[i:]
        i += 1
    return None


def _in_leading_comments(source: Source, lineno: int) -> bool:
    """`ignore-file` counts only in the comment block at the top of the file."""
    for line in source.lines[: lineno - 1]:
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            return False
    return True


def add_suppression(line: str, code: str) -> str:
    """The line with `code` added to its looplint ignore comment (or a new one appended)."""
    comment = comment_of(line)
    if comment is not None:
        match = _IGNORE.search(comment)
        if match:
            start = len(line) - len(comment) + match.start()
            end = len(line) - len(comment) + match.end()
            codes = [c.upper() for c in _CODE.findall(match.group(1) or "")]
            if not match.group(1):
                return line  # a bare ignore already covers every code
            if code not in codes:
                codes.append(code)
            return line[:start] + f"# looplint: ignore[{', '.join(codes)}]" + line[end:]
    stripped = line.rstrip()
    return f"{stripped}  # looplint: ignore[{code}]" + line[len(stripped):]
