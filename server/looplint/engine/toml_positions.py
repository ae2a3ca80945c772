"""Positions of tables, keys and values in a TOML document.

``tomllib`` gives values but no positions.  This module is a small scanner that
walks a TOML document the way a TOML parser does (strings, multi-line strings,
arrays, inline tables, comments, dotted and quoted keys) and records *where*
things are, as character offsets into the text.  It never decides what a value
*is* -- use ``tomllib`` for that; it only says where the text of each key,
value and table header is.

It is meant to run on text that ``tomllib`` accepted.  On malformed text it
never raises: it returns whatever it located before the point it could not
follow.

Offsets are indexes into the ``str`` (code points).  Callers convert them to
line/column.

Standalone: stdlib only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

__all__ = ["KeyLocation", "TomlLocations", "locate_toml"]

KeyPath = tuple  # tuple[str | int, ...]; ints index arrays of tables

_BARE_KEY = re.compile(r"[A-Za-z0-9_\-]+")
_WS = " \t"


@dataclass
class KeyLocation:
    """Where one ``key = value`` pair is."""

    path: KeyPath
    key_start: int  # the whole (possibly dotted) key as written
    key_end: int
    value_start: int
    value_end: int
    # Arrays: the (start, end) of every element, in order.  Empty otherwise.
    items: list[tuple[int, int]] = field(default_factory=list)


@dataclass
class TomlLocations:
    # explicit ``[a.b]`` / ``[[a.b]]`` headers: table path -> (start, end) of
    # the header text from ``[`` to ``]``.  For arrays of tables the path ends
    # with the element index.
    headers: dict[KeyPath, tuple[int, int]] = field(default_factory=dict)
    # every key/value pair, by full path (including the table prefix)
    keys: dict[KeyPath, KeyLocation] = field(default_factory=dict)
    # first place that mentions a table (explicit header, the key of an inline
    # table, or a dotted key that creates it implicitly): path -> (start, end)
    tables: dict[KeyPath, tuple[int, int]] = field(default_factory=dict)
    # set when the scanner had to give up; offset of the problem
    gave_up_at: int | None = None

    def table_span(self, path: KeyPath) -> tuple[int, int] | None:
        """The header of ``path`` if it is written as one, else its first mention."""
        if path in self.headers:
            return self.headers[path]
        return self.tables.get(path)

    def keys_under(self, path: KeyPath) -> list[KeyLocation]:
        """Direct children of the table at ``path`` (keys whose path is path + (k,))."""
        n = len(path)
        return [loc for p, loc in self.keys.items() if len(p) == n + 1 and p[:n] == path]


class _GiveUp(Exception):
    pass


class _Scanner:
    def __init__(self, text: str) -> None:
        self.s = text
        self.n = len(text)
        self.i = 0
        self.out = TomlLocations()
        self.aot_counts: dict[KeyPath, int] = {}

    # -- low level ---------------------------------------------------------
    def peek(self, k: int = 0) -> str:
        j = self.i + k
        return self.s[j] if j < self.n else ""

    def skip_ws(self) -> None:
        while self.i < self.n and self.s[self.i] in _WS:
            self.i += 1

    def skip_comment(self) -> None:
        if self.peek() == "#":
            while self.i < self.n and self.s[self.i] not in "\r\n":
                self.i += 1

    def skip_ws_comments_newlines(self) -> None:
        while self.i < self.n:
            c = self.s[self.i]
            if c in _WS or c in "\r\n":
                self.i += 1
            elif c == "#":
                self.skip_comment()
            else:
                break

    def expect_line_end(self) -> None:
        self.skip_ws()
        self.skip_comment()
        if self.i >= self.n:
            return
        if self.s.startswith("\r\n", self.i):
            self.i += 2
        elif self.s[self.i] == "\n":
            self.i += 1
        else:
            raise _GiveUp

    # -- strings -----------------------------------------------------------
    def scan_string(self) -> tuple[int, int]:
        """Scan a string starting at self.i; return its (start, end)."""
        start = self.i
        s = self.s
        if s.startswith('"""', self.i):
            self.i += 3
            while True:
                j = s.find('"""', self.i)
                if j < 0:
                    raise _GiveUp
                # is the quote escaped?  count backslashes before it
                k = j - 1
                bs = 0
                while k >= self.i and s[k] == "\\":
                    bs += 1
                    k -= 1
                if bs % 2 == 1:
                    self.i = j + 1
                    continue
                self.i = j + 3
                # up to two extra quotes belong to the content
                extra = 0
                while extra < 2 and self.peek() == '"':
                    self.i += 1
                    extra += 1
                return start, self.i
        if s.startswith("'''", self.i):
            j = s.find("'''", self.i + 3)
            if j < 0:
                raise _GiveUp
            self.i = j + 3
            extra = 0
            while extra < 2 and self.peek() == "'":
                self.i += 1
                extra += 1
            return start, self.i
        q = s[self.i]
        self.i += 1
        while self.i < self.n:
            c = s[self.i]
            if c == "\\" and q == '"':
                self.i += 2
                continue
            if c == q:
                self.i += 1
                return start, self.i
            if c in "\r\n":
                raise _GiveUp
            self.i += 1
        raise _GiveUp

    # -- keys --------------------------------------------------------------
    def scan_simple_key(self) -> tuple[str, int, int]:
        c = self.peek()
        if c in "\"'":
            start, end = self.scan_string()
            raw = self.s[start:end]
            return _decode_quoted_key(raw), start, end
        m = _BARE_KEY.match(self.s, self.i)
        if not m:
            raise _GiveUp
        self.i = m.end()
        return m.group(0), m.start(), m.end()

    def scan_key(self) -> tuple[list[tuple[str, int, int]], int, int]:
        parts = [self.scan_simple_key()]
        while True:
            save = self.i
            self.skip_ws()
            if self.peek() == ".":
                self.i += 1
                self.skip_ws()
                parts.append(self.scan_simple_key())
            else:
                self.i = save
                break
        return parts, parts[0][1], parts[-1][2]

    # -- values ------------------------------------------------------------
    def scan_value(self, path: KeyPath) -> tuple[int, int, list[tuple[int, int]]]:
        c = self.peek()
        start = self.i
        if c in "\"'":
            s, e = self.scan_string()
            return s, e, []
        if c == "[":
            items: list[tuple[int, int]] = []
            self.i += 1
            idx = 0
            while True:
                self.skip_ws_comments_newlines()
                if self.peek() == "]":
                    self.i += 1
                    return start, self.i, items
                if self.i >= self.n:
                    raise _GiveUp
                s, e, _ = self.scan_value(path + (idx,))
                items.append((s, e))
                idx += 1
                self.skip_ws_comments_newlines()
                if self.peek() == ",":
                    self.i += 1
                    continue
                if self.peek() == "]":
                    self.i += 1
                    return start, self.i, items
                raise _GiveUp
        if c == "{":
            self.i += 1
            # TOML 1.0 inline tables are one line; TOML 1.1 allows newlines,
            # comments and a trailing comma.  Accept both.
            while True:
                self.skip_ws_comments_newlines()
                if self.peek() == "}":
                    self.i += 1
                    return start, self.i, []
                if self.i >= self.n:
                    raise _GiveUp
                self.scan_keyval(path)
                self.skip_ws_comments_newlines()
                if self.peek() == ",":
                    self.i += 1
                    continue
                if self.peek() == "}":
                    self.i += 1
                    return start, self.i, []
                raise _GiveUp
        # scalar: number, bool, date/time (which may contain one space)
        j = self.i
        while j < self.n and self.s[j] not in ",]}#\r\n":
            j += 1
        end = j
        while end > start and self.s[end - 1] in _WS:
            end -= 1
        if end == start:
            raise _GiveUp
        self.i = end
        return start, end, []

    def scan_keyval(self, table: KeyPath) -> None:
        parts, kstart, kend = self.scan_key()
        full = table
        for name, s, e in parts[:-1]:
            full = full + (name,)
            self.out.tables.setdefault(full, (kstart, kend))
        full = full + (parts[-1][0],)
        self.skip_ws()
        if self.peek() != "=":
            raise _GiveUp
        self.i += 1
        self.skip_ws()
        is_inline_table = self.peek() == "{"
        if is_inline_table:
            self.out.tables.setdefault(full, (kstart, kend))
        vstart, vend, items = self.scan_value(full)
        self.out.keys.setdefault(full, KeyLocation(full, kstart, kend, vstart, vend, items))

    # -- document ----------------------------------------------------------
    def run(self) -> TomlLocations:
        table: KeyPath = ()
        try:
            while True:
                self.skip_ws_comments_newlines()
                if self.i >= self.n:
                    break
                if self.peek() == "[":
                    hstart = self.i
                    aot = self.s.startswith("[[", self.i)
                    self.i += 2 if aot else 1
                    self.skip_ws()
                    parts, _, _ = self.scan_key()
                    self.skip_ws()
                    close = "]]" if aot else "]"
                    if not self.s.startswith(close, self.i):
                        raise _GiveUp
                    self.i += len(close)
                    hend = self.i
                    path: KeyPath = tuple(p[0] for p in parts)
                    # implicit parents of the header
                    for k in range(1, len(path)):
                        self.out.tables.setdefault(_resolve_aot(path[:k], self.aot_counts), (hstart, hend))
                    if aot:
                        n = self.aot_counts.get(path, 0)
                        self.aot_counts[path] = n + 1
                        table = path + (n,)
                        self.out.headers.setdefault(table, (hstart, hend))
                        self.out.headers.setdefault(path, (hstart, hend))
                        self.out.tables.setdefault(path, (hstart, hend))
                    else:
                        table = _resolve_aot(path, self.aot_counts)
                        self.out.headers.setdefault(table, (hstart, hend))
                    self.out.tables.setdefault(table, (hstart, hend))
                    self.expect_line_end()
                    continue
                self.scan_keyval(table)
                self.expect_line_end()
        except (_GiveUp, IndexError, ValueError):
            self.out.gave_up_at = self.i
        return self.out


def _resolve_aot(path: KeyPath, counts: dict[KeyPath, int]) -> KeyPath:
    """Map ``a.b.c`` to ``a.b.<n>.c`` when ``a.b`` is an array of tables."""
    out: list = []
    for part in path:
        out.append(part)
        key = tuple(x for x in out if not isinstance(x, int))
        if key in counts and len(key) < len(path):
            out.append(counts[key] - 1)
    return tuple(out)


def _decode_quoted_key(raw: str) -> str:
    if raw.startswith("'"):
        return raw[1:-1]
    try:  # let the real parser apply the escapes
        try:
            import tomllib
        except ModuleNotFoundError:  # pragma: no cover - Python 3.10
            import tomli as tomllib  # type: ignore[no-redef]
        return tomllib.loads("k = " + raw)["k"]
    except Exception:
        return raw[1:-1]


def locate_toml(text: str) -> TomlLocations:
    """Locate tables, keys and values in ``text``.  Never raises."""
    try:
        return _Scanner(text).run()
    except Exception:  # pragma: no cover - defensive
        out = TomlLocations()
        out.gave_up_at = 0
        return out
