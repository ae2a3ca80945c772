"""The one parse function for every Python file looplint reads, whatever Python runs looplint.

`parse_module(text, filename)` is `ast.parse` on the running interpreter when that accepts
the text (the common case: no extra cost). When the text uses syntax newer than the
running Python (looplint runs on 3.10+, the code it checks may be written for 3.15), the
few newer constructs are rewritten into text the running `ast` accepts, keeping every
other token at the same line and byte offset, and the tree is mended afterwards so that
its positions are those of the original text:

| construct | since | rewritten as | tree after mending |
| --- | --- | --- | --- |
| `except* E:` | 3.11 | `except  E:` | `Try` (no `TryStar` before 3.11) |
| `def f[T]()`, `class C[T]` | 3.12 | the brackets blanked | no `type_params` |
| `type X[T] = V` | 3.12 | `_ =1;X    = V` | `Assign` (no `TypeAlias`) |
| f-strings of PEP 701 (any quotes, comments, newlines, nesting inside `{}`) | 3.12 | a tuple of the fields' expressions, in place | `JoinedStr` |
| `except A, B:` | 3.14 | `except(A, B):` | `Tuple` positions as 3.14 gives |
| t-strings (PEP 750) | 3.14 | as f-strings | `JoinedStr` (no `TemplateStr` before 3.14) |
| `lazy import x` | 3.15 | `_ =1;import x` | `Import` |
| `[*x for x in y]` | 3.15 | the star blanked | `Starred` element |

Detection never sees the difference: rules look at calls, names, defs, classes,
awaits, withs and their positions, which are those the newer Python's own `ast` gives
(tests/engine/test_parse.py compares them with the real 3.12-3.15 interpreters).
When a construct cannot be rewritten, `NewerSyntaxError` (a SyntaxError) names the
Python it needs; any other error is the running Python's own SyntaxError.
"""

from __future__ import annotations

import ast
import bisect
import re
import sys
from dataclasses import dataclass, field
from typing import NamedTuple

RUNNING = sys.version_info[:2]
NEWEST_SUPPORTED = (3, 15)


class NewerSyntaxError(SyntaxError):
    """The text uses syntax of a newer Python than the one running looplint, and cannot be rewritten."""

    def __init__(self, message: str, needs: tuple[int, int], lineno: int, offset: int, filename: str = "<unknown>"):
        super().__init__(message, (filename, lineno, offset, None))
        self.needs = needs


def parse_module(text: str, filename: str = "<unknown>") -> ast.Module:
    """`ast.parse(text, filename)`, also for syntax newer than the running Python (see the module doc)."""
    try:
        return ast.parse(text, filename=filename)
    except SyntaxError as error:
        if RUNNING >= NEWEST_SUPPORTED or isinstance(error, NewerSyntaxError):
            raise
        first = error
    rewrite = _rewrite(text)
    if rewrite is None or not rewrite.changed:
        raise first
    try:
        tree = ast.parse(rewrite.result, filename=filename)
    except SyntaxError as error:
        raise rewrite.explain(error, first, filename) from None
    try:
        rewrite.mend(tree)
    except (_Unsupported, ValueError, IndexError, KeyError):
        raise first from None
    return tree


@dataclass(frozen=True)
class NewerSyntax:
    """A construct of a newer Python in a file: what, which Python, where (1-based line, UTF-8 byte column)."""

    what: str
    needs: tuple[int, int]
    line: int
    col: int
    end_line: int
    end_col: int


# Constructs whose presence a regex can suspect cheaply (PEP 701 f-strings cannot be told
# from older ones without lexing the file, so they are only seen where a rewrite was needed).
_SUSPECT = re.compile(
    r"^[ \t]*(?:type[ \t]+\w+[ \t]*[\[=]|lazy[ \t]+(?:import|from)\b|except[ \t]*\*|except\b[^:(\n]*,)"
    r"|\b(?:def|class)[ \t]+\w+[ \t]*\[|\*\*?\w[^\n]*\bfor\b|(?<![\w.])[tT][rR]?['\"]|(?<![\w.])[rR][tT]['\"]"
    r"|[\[,][ \t]*\*\w|:[ \t]*\*\w",
    re.MULTILINE,
)


def newer_syntax(text: str, older_than: tuple[int, int]) -> list[NewerSyntax]:
    """Constructs in `text` that Python `older_than` cannot read (whatever Python runs this)."""
    if older_than >= NEWEST_SUPPORTED or not _SUSPECT.search(text):
        return []
    rewrite = _rewrite(text, running=older_than)
    if rewrite is None:
        return []
    out = []
    for site in rewrite.sites:
        (line, col), (end_line, end_col) = rewrite.line_col(site.start), rewrite.line_col(site.end)
        out.append(NewerSyntax(site.what, site.needs, line, col, end_line, end_col))
    return out


# -- the lexer: just enough of Python 3.15's tokens to find the newer constructs ---------

_NAME = re.compile(r"[^\W\d]\w*")
_NUMBER = re.compile(r"0[xXoObB][\w]*|(?:\d[\d_]*(?:\.[\d_]*)?|\.\d[\d_]*)(?:[eE][+-]?\d[\d_]*)?[jJ]?")
_OPERATORS = sorted(
    "** // >> << -> := == != <= >= += -= *= /= %= &= |= ^= @= **= //= >>= <<= ...".split(), key=len, reverse=True
)
_OPERATOR = re.compile("|".join(re.escape(o) for o in _OPERATORS) + r"|.", re.DOTALL)
_STRING_PREFIX = re.compile(r"(?i)[a-z]{0,2}(?=['\"])")
# One match per token start: the lexer's loop runs once per token, not once per character.
# Blanks, line continuations and comments before a token are skipped by the same match.
_TOKEN = re.compile(
    r"(?:[ \t\f]+|\\(?:\r\n|\r|\n)|#[^\r\n]*)*"
    r"(?:(?P<newline>[\r\n])|(?P<string>(?i:rb|br|fr|rf|tr|rt|[rubft])?['\"])|(?P<number>\.?\d)"
    r"|(?P<name>[^\W\d]\w*)|(?P<end>\Z)|(?P<op>))"
)


def _string_stops(quote: str, triple: bool, interpolated: bool) -> re.Pattern[str]:
    """The characters a string's body must stop at: its quote, a backslash, a line break, braces."""
    chars = re.escape(quote) + r"\\" + ("" if triple else r"\r\n") + (r"{}" if interpolated else "")
    return re.compile(f"[{chars}]")


_STRING_STOPS = {
    (quote, triple, interpolated): _string_stops(quote, triple, interpolated)
    for quote in "'\"" for triple in (False, True) for interpolated in (False, True)
}


class _Unsupported(Exception):
    """The lexer met something it does not model: leave the text to the running Python."""


class _Tok(NamedTuple):
    # A tuple: the lexer makes one per token, and a tuple is the cheapest object to make.
    kind: str  # NAME NUMBER OP STRING NEWLINE
    start: int
    end: int
    value: str = ""
    string: "_String | None" = None


@dataclass
class _Field:
    expr_start: int  # after `{`
    expr_end: int  # the `}` `!` `:` or `=` that ends the expression
    close: int  # the field's closing `}`
    tokens: list[_Tok]
    conversion: int = -1
    debug: str | None = None  # the text before `=` (with it) for `{x=}`
    spec: "list | None" = None  # parts of the format spec (str pieces as (start, end), fields)
    spec_start: int = -1  # the `:`


@dataclass
class _String:
    start: int
    end: int
    prefix: str
    quote: str
    body_start: int
    body_end: int
    parts: list = field(default_factory=list)  # (start, end) literal pieces and _Field, in order

    @property
    def interpolated(self) -> bool:
        return "f" in self.prefix or "t" in self.prefix

    @property
    def template(self) -> bool:
        return "t" in self.prefix


class _Lexer:
    def __init__(self, text: str):
        self.text = text
        self.n = len(text)

    def tokens(self, i: int = 0, field_mode: bool = False) -> tuple[list[_Tok], int]:
        """Tokens from `i` to the end (or, in a field, to the `}`/`!`/`:`/`=` that ends its expression)."""
        text, n = self.text, self.n
        out: list[_Tok] = []
        depth = 0
        token = _TOKEN.match
        append = out.append
        new = tuple.__new__  # a _Tok without the namedtuple's Python-level __new__
        while i < n:
            m = token(text, i)
            kind = m.lastgroup
            i = m.start(kind)
            if kind == "name":
                append(new(_Tok, ("NAME", i, m.end(), m.group(kind), None)))
                i = m.end()
            elif kind == "newline":
                if depth == 0 and not field_mode:
                    append(new(_Tok, ("NEWLINE", i, i + 1, "", None)))
                i += 1
            elif kind == "end":
                break
            elif kind == "string":
                string = self.string(i)
                append(new(_Tok, ("STRING", i, string.end, "", string)))
                i = string.end
            elif kind == "number":
                m = _NUMBER.match(text, i)
                i = m.end() if m and m.end() > i else i + 1
                append(new(_Tok, ("NUMBER", m.start() if m else i - 1, i, "", None)))
            else:  # an operator, or a character no other token starts with
                c = text[i]
                op = _OPERATOR.match(text, i).group()
                if field_mode and depth == 0:
                    if c == "}" or c == ":" or (c == "!" and op != "!="):
                        return out, i
                    if op == "=" and self._debug_equals(i):
                        return out, i
                if c in "([{":
                    depth += 1
                elif c in ")]}":
                    depth -= 1
                    if depth < 0:
                        raise _Unsupported("unbalanced bracket")
                append(new(_Tok, ("OP", i, i + len(op), op, None)))
                i += len(op)
        if field_mode:
            raise _Unsupported("unterminated f-string field")
        return out, i

    def _debug_equals(self, i: int) -> bool:
        j = i + 1
        while j < self.n and self.text[j] in " \t":
            j += 1
        return j < self.n and self.text[j] in "}!:"

    def string(self, i: int) -> _String:
        text, n = self.text, self.n
        m = _STRING_PREFIX.match(text, i)
        prefix = m.group().lower() if m else ""
        j = m.end() if m else i
        quote = text[j] * 3 if text.startswith(text[j] * 3, j) else text[j]
        body = j + len(quote)
        string = _String(i, -1, prefix, quote, body, -1)
        raw = "r" in prefix
        interpolated = string.interpolated
        stops = _STRING_STOPS[(quote[0], len(quote) == 3, interpolated)].search
        k = body
        piece = k
        while True:
            stop = stops(text, k)
            if stop is None:
                raise _Unsupported("unterminated string")
            k = stop.start()
            c = text[k]
            if c == quote[0]:
                if len(quote) == 1 or text.startswith(quote, k):
                    if interpolated and k > piece:
                        string.parts.append((piece, k))
                    string.body_end, string.end = k, k + len(quote)
                    return string
                k += 1  # one quote inside a triple-quoted string
                continue
            if c == "\\":
                if not raw and interpolated and text.startswith("\\N{", k):
                    close = text.find("}", k)
                    if close < 0:
                        raise _Unsupported("unterminated \\N{")
                    k = close + 1
                else:
                    k += 2
                continue
            if c in "\r\n":
                raise _Unsupported("newline in a single-quoted string")
            # a brace of an f-string or t-string
            if text.startswith(c * 2, k):
                k += 2
                continue
            if c == "}":
                raise _Unsupported("single } in an f-string")
            if k > piece:
                string.parts.append((piece, k))
            f = self.field(k)
            string.parts.append(f)
            k = piece = f.close + 1

    def field(self, brace: int) -> _Field:
        """The replacement field whose `{` is at `brace`."""
        text = self.text
        tokens, k = self.tokens(brace + 1, field_mode=True)
        f = _Field(brace + 1, k, -1, tokens)
        if text[k] == "=":
            k += 1
            while text[k] in " \t":
                k += 1
            f.debug = text[brace + 1 : k]
        if text[k] == "!":
            m = _NAME.match(text, k + 1)
            if not m or m.group() not in ("r", "s", "a"):
                raise _Unsupported("bad conversion")
            f.conversion = ord(m.group())
            k = m.end()
        if text[k] == ":":
            f.spec_start = k
            f.spec = []
            k += 1
            piece = k
            while True:
                if k >= self.n:
                    raise _Unsupported("unterminated format spec")
                c = text[k]
                if c == "{":
                    if k > piece:
                        f.spec.append((piece, k))
                    inner = self.field(k)
                    f.spec.append(inner)
                    k = piece = inner.close + 1
                    continue
                if c == "}":
                    if k > piece:
                        f.spec.append((piece, k))
                    break
                k += 1
        if text[k] != "}":
            raise _Unsupported("field without }")
        f.close = k
        return f


# -- the rewrite ----------------------------------------------------------------------------


@dataclass
class _Group:
    """Adjacent string literals (implicit concatenation), at least one of them interpolated."""

    strings: list[_String]
    fields: list[_Field]  # every field in order (those inside format specs too)

    @property
    def start(self) -> int:
        return self.strings[0].start

    @property
    def end(self) -> int:
        return self.strings[-1].end


@dataclass
class _Site:
    """A rewritten construct: what it needs, and where."""

    needs: tuple[int, int]
    what: str
    start: int
    end: int


class _Rewrite:
    def __init__(self, text: str, running: tuple[int, int] = RUNNING):
        self.text = text
        self.running = running  # the Python whose `ast` reads the result
        self.out = list(text)  # per character; a blanked character becomes as many spaces as its UTF-8 bytes
        self.inserted: dict[int, str] = {}  # offset -> text inserted before that character
        self.groups: list[_Group] = []
        self.dummies: list[int] = []  # offsets of `_ =1;` statements put before a statement
        self.except_tuples: list[int] = []  # offsets of `except` whose tuple lost its parentheses
        self.starred: list[int] = []  # offsets of blanked `*` in comprehensions
        self.sites: list[_Site] = []
        self._line_starts = [0] + [m.end() for m in re.finditer(r"\r\n|\r|\n", text)]

    @property
    def changed(self) -> bool:
        return bool(self.sites)

    # -- editing ----------------------------------------------------------------------
    def blank(self, start: int, end: int) -> None:
        for k in range(start, end):
            c = self.text[k]
            if c not in "\r\n":
                self.out[k] = " " * len(c.encode("utf-8", "surrogatepass"))

    def put(self, offset: int, char: str) -> None:
        assert self.text[offset].isascii()
        self.out[offset] = char

    def restore(self, start: int, end: int) -> None:
        self.out[start:end] = list(self.text[start:end])

    @property
    def result(self) -> str:
        if not self.inserted:
            return "".join(self.out)
        parts, previous = [], 0
        for offset in sorted(self.inserted):
            parts += ["".join(self.out[previous:offset]), self.inserted[offset]]
            previous = offset
        parts.append("".join(self.out[previous:]))
        return "".join(parts)

    # -- positions ----------------------------------------------------------------------
    def line_col(self, offset: int) -> tuple[int, int]:
        """(1-based line, UTF-8 byte column) of an offset of the original text."""
        line = bisect.bisect_right(self._line_starts, offset) - 1
        start = self._line_starts[line]
        return line + 1, len(self.text[start:offset].encode("utf-8", "surrogatepass"))

    def site_at(self, line: int, col: int) -> _Site | None:
        for site in self.sites:
            (l1, c1), (l2, c2) = self.line_col(site.start), self.line_col(site.end)
            if (l1, c1) <= (line, col) <= (l2, c2):
                return site
        return None

    def explain(self, error: SyntaxError, first: SyntaxError, filename: str) -> SyntaxError:
        """The error to report when the rewritten text does not parse either."""
        line, col = error.lineno or 1, max((error.offset or 1) - 1, 0)
        site = self.site_at(line, col)  # where the rewritten text fails: in a rewritten construct or not
        if site is not None and site.needs > self.running:
            version = "%d.%d" % site.needs
            return NewerSyntaxError(f"{site.what} needs Python {version} or later (looplint runs on "
                                    f"{self.running[0]}.{self.running[1]} and could not read it)", site.needs,
                                    first.lineno or 1, first.offset or 1, filename)
        return first

    # -- mending the tree -----------------------------------------------------------------
    def mend(self, tree: ast.Module) -> None:
        back = self._unshifter()
        by_start: dict[tuple[int, int], list[ast.AST]] = {}
        parents: dict[int, tuple[ast.AST, str, list | None]] = {}
        # Only the lines of rewritten constructs need mending: subtrees whose lines hold none
        # are not walked, so the cost follows the constructs, not the size of the file.
        wanted = self._mended_lines()
        lines = sorted(wanted)

        def touches(node: ast.AST) -> bool:
            first = node.lineno
            for decorator in getattr(node, "decorator_list", ()):  # decorators sit above the def's line
                first = min(first, decorator.lineno)
            last = node.end_lineno
            at = bisect.bisect_left(lines, first)
            return at < len(lines) and (last is None or lines[at] <= last)

        stack: list[ast.AST] = [tree]
        while stack:
            node = stack.pop()
            for name in node._fields:
                value = getattr(node, name, None)
                if isinstance(value, list):
                    for item in value:
                        if isinstance(item, ast.AST) and (not hasattr(item, "lineno") or touches(item)):
                            parents[id(item)] = (node, name, value)
                            stack.append(item)
                elif isinstance(value, ast.AST) and (not hasattr(value, "lineno") or touches(value)):
                    parents[id(value)] = (node, name, None)
                    stack.append(value)
            lineno = getattr(node, "lineno", None)
            if lineno is not None:
                if back is not None:
                    node.col_offset = back(lineno, node.col_offset)
                    if node.end_lineno is not None:
                        node.end_col_offset = back(node.end_lineno, node.end_col_offset)
                if lineno in wanted:
                    by_start.setdefault((lineno, node.col_offset), []).append(node)
        for offset in self.dummies:
            self._drop_dummy(by_start.get(self.line_col(offset), []), parents)
        for offset in self.except_tuples:
            for node in by_start.get(self.line_col(offset), []):
                if isinstance(node, ast.ExceptHandler) and isinstance(node.type, ast.Tuple) and node.type.elts:
                    first, last = node.type.elts[0], node.type.elts[-1]
                    node.type.lineno, node.type.col_offset = first.lineno, first.col_offset
                    node.type.end_lineno, node.type.end_col_offset = last.end_lineno, last.end_col_offset
        for offset in self.starred:
            self._restar(offset, by_start, parents)
        for group in self.groups:
            end = self.line_col(group.end)
            candidates = [n for n in by_start.get(self.line_col(group.start), [])
                          if isinstance(n, ast.Tuple) and (n.end_lineno, n.end_col_offset) == end]
            if not candidates:
                raise _Unsupported("rewritten string not found in the tree")
            tup = candidates[0]
            joined = self._joined(group, list(tup.elts))
            parent, name, siblings = parents.get(id(tup), (None, None, None))
            if parent is None:
                raise _Unsupported("rewritten string without a parent")
            if siblings is not None:
                siblings[siblings.index(tup)] = joined
            else:
                setattr(parent, name, joined)
            for node in ast.walk(joined):
                parents.setdefault(id(node), (joined, "values", None))

    def _mended_lines(self) -> set[int]:
        """The lines on which `mend` looks nodes up or moves columns."""
        offsets = [*self.dummies, *self.except_tuples, *self.starred, *self.inserted, *(g.start for g in self.groups)]
        return {self.line_col(offset)[0] for offset in offsets}

    def _restar(self, offset: int, by_start, parents) -> None:
        """Wrap the expression after a blanked `*` in the `Starred` the newer Python gives."""
        after = offset + 1
        while self.text[after] in " \t":
            after += 1
        at = self.line_col(after)
        nodes = [n for n in by_start.get(at, []) if isinstance(n, ast.expr) and id(n) in parents]
        # an unparenthesized tuple that starts with the unpacked item starts at the star instead
        tuples = [n for n in nodes if isinstance(n, ast.Tuple) and n.elts and
                  (n.elts[0].lineno, n.elts[0].col_offset) == at]
        nodes = [n for n in nodes if not any(n is t for t in tuples)]
        if not nodes:
            raise _Unsupported("unpacked expression not found in the tree")
        value = max(nodes, key=lambda n: (n.end_lineno, n.end_col_offset))
        for t in tuples:
            t.lineno, t.col_offset = self.line_col(offset)
        parent, name, siblings = parents[id(value)]
        starred = ast.Starred(value=value, ctx=ast.Load())
        line, col = self.line_col(offset)
        starred.lineno, starred.col_offset = line, col
        starred.end_lineno, starred.end_col_offset = value.end_lineno, value.end_col_offset
        if siblings is not None:
            siblings[siblings.index(value)] = starred
        else:
            setattr(parent, name, starred)
        parents[id(value)] = (starred, "value", None)

    def _drop_dummy(self, nodes: list[ast.AST], parents) -> None:
        for node in nodes:
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant) and node.value.value == 1:
                parent, name, siblings = parents[id(node)]
                index = siblings.index(node)
                following = siblings[index + 1]
                following.lineno, following.col_offset = node.lineno, node.col_offset
                del siblings[index]
                return
        raise _Unsupported("rewritten statement not found in the tree")

    def _unshifter(self):
        """`back(line, col)`: a column of the rewritten text on the original line (None: no character inserted)."""
        if not self.inserted:
            return None
        shifts: dict[int, list[int]] = {}
        for offset in self.inserted:
            line, col = self.line_col(offset)
            shifts.setdefault(line, []).append(col)
        for cols in shifts.values():
            cols.sort()

        def back(line: int, col: int) -> int:
            cols = shifts.get(line)
            if not cols:
                return col
            # the k-th insertion (0-based) moved the original column `at` to `at + k + 1`
            return col - sum(1 for k, at in enumerate(cols) if col >= at + k + 1)

        return back

    def _joined(self, group: _Group, values: list[ast.expr]) -> ast.JoinedStr:
        if len(values) != len(group.fields):
            raise _Unsupported("field count differs")
        queue = iter(values)
        pieces: list[ast.expr] = []
        pending: list[tuple[str, int, int]] = []  # literal text, start, end

        def flush() -> None:
            if pending:
                value = "".join(p[0] for p in pending)
                if value:
                    pieces.append(self._node(ast.Constant(value=value), pending[0][1], pending[-1][2]))
                pending.clear()

        def add_parts(string: _String, parts, into: list[ast.expr]) -> None:
            for part in parts:
                if isinstance(part, tuple):
                    pending.append((self._literal(string, *part), part[0], part[1]))
                    continue
                expression = next(queue)
                if part.debug is not None:
                    pending.append((part.debug, part.expr_start, part.expr_end + 1))
                flush_into(into)
                spec = None
                if part.spec is not None:
                    spec_values: list[ast.expr] = []
                    add_parts(string, part.spec, spec_values)
                    flush_into(spec_values)
                    spec = self._node(ast.JoinedStr(values=spec_values), part.spec_start, part.close)
                conversion = part.conversion
                if part.debug is not None and conversion == -1 and spec is None:
                    conversion = ord("r")
                into.append(self._node(ast.FormattedValue(value=expression, conversion=conversion,
                                                          format_spec=spec), part.expr_start - 1, part.close + 1))

        def flush_into(into: list[ast.expr]) -> None:
            nonlocal pieces
            saved, pieces = pieces, into
            flush()
            pieces = saved

        for string in group.strings:
            if string.interpolated:
                add_parts(string, string.parts, pieces)
            else:
                pending.append((self._literal(string, string.body_start, string.body_end), string.body_start,
                                string.body_end))
            if pending:
                start = pending[-1][1]
                pending[-1] = (pending[-1][0], start, string.end)
        flush()
        return self._node(ast.JoinedStr(values=pieces), group.start, group.end)

    def _literal(self, string: _String, start: int, end: int) -> str:
        body = self.text[start:end]
        if string.interpolated:
            body = body.replace("{{", "{").replace("}}", "}")
        if "\\" not in body and "\r" not in body:
            return body
        prefix = string.prefix.replace("f", "").replace("t", "")
        try:
            value = ast.literal_eval(f"{prefix}{string.quote}{body}{string.quote}")
        except (SyntaxError, ValueError):
            value = body
        return value if isinstance(value, str) else body

    def _node(self, node: ast.AST, start: int, end: int) -> ast.AST:
        node.lineno, node.col_offset = self.line_col(start)
        node.end_lineno, node.end_col_offset = self.line_col(end)
        return node


def _rewrite(text: str, running: tuple[int, int] = RUNNING) -> _Rewrite | None:
    """The rewrite of `text` for Python `running`; None when the lexer cannot follow it."""
    try:
        tokens, _ = _Lexer(text).tokens()
        rewrite = _Rewrite(text, running)
        _rewrite_tokens(rewrite, tokens, statement_level=True)
    except (_Unsupported, IndexError):
        return None
    return rewrite


# The names `_rewrite_tokens` acts on (soft keywords, and what starts a def, a class or a handler).
_NAMES_OF_INTEREST = frozenset({"type", "lazy", "def", "class", "except"})


def _rewrite_tokens(rw: _Rewrite, tokens: list[_Tok], statement_level: bool) -> None:
    n = len(tokens)
    starts_statement = True
    depth = 0
    k = 0
    while k < n:
        tok = tokens[k]
        if (tok.kind == "NAME" and tok.value not in _NAMES_OF_INTEREST) or tok.kind == "NUMBER":
            starts_statement = False  # most tokens: nothing to rewrite here
            k += 1
            continue
        nxt = tokens[k + 1] if k + 1 < n else None
        if tok.kind == "STRING":
            group = [tok]
            while k + 1 < n and tokens[k + 1].kind == "STRING":
                k += 1
                group.append(tokens[k])
            _rewrite_strings(rw, [t.string for t in group])
            starts_statement = False
            k += 1
            continue
        at_start = starts_statement and depth == 0 and statement_level
        if tok.kind == "NAME" and at_start and tok.value in ("type", "lazy") and nxt is not None:
            handled = _soft_keyword_statement(rw, tokens, k)
            if handled:
                k += 1
                starts_statement = False
                continue
        if tok.kind == "NAME" and tok.value in ("def", "class") and nxt is not None and nxt.kind == "NAME":
            after = tokens[k + 2] if k + 2 < n else None
            if after is not None and after.value == "[":
                _type_params(rw, tokens, k + 2)
        if rw.running < (3, 11) and tok.kind == "OP" and tok.value == "*" and k > 0:
            _star_unpack_in_subscript(rw, tokens, k)
        if tok.kind == "NAME" and tok.value == "except" and at_start:
            _except_clause(rw, tokens, k)
        if tok.kind == "OP" and tok.value in ("[", "(", "{") and rw.running < (3, 15) and nxt is not None \
                and nxt.kind == "OP" and nxt.value in ("*", "**"):
            _starred_comprehension(rw, tokens, k)
        if tok.kind == "OP" and tok.value in ("(", "[", "{"):
            depth += 1
        elif tok.kind == "OP" and tok.value in (")", "]", "}"):
            depth -= 1
        starts_statement = tok.kind == "NEWLINE" or (tok.kind == "OP" and tok.value in (";", ":") and depth == 0)
        k += 1


def _matching(tokens: list[_Tok], k: int) -> int:
    depth = 0
    for j in range(k, len(tokens)):
        value = tokens[j].value if tokens[j].kind == "OP" else ""
        if value in ("(", "[", "{"):
            depth += 1
        elif value in (")", "]", "}"):
            depth -= 1
            if depth == 0:
                return j
    raise _Unsupported("unclosed bracket")


def _type_params(rw: _Rewrite, tokens: list[_Tok], k: int) -> None:
    """`[T: int, *Ts, **P]` after a def, class or type name (3.12, PEP 695; defaults 3.13, PEP 696)."""
    close = _matching(tokens, k)
    default = any(t.kind == "OP" and t.value == "=" for t in tokens[k + 1 : close])
    needs = (3, 13) if default else (3, 12)
    if rw.running >= needs:
        return
    rw.blank(tokens[k].start, tokens[close].end)
    what = "a type parameter default (PEP 696)" if default else "a generic type parameter list (PEP 695)"
    rw.sites.append(_Site(needs, what, tokens[k].start, tokens[close].end))


def _star_unpack_in_subscript(rw: _Rewrite, tokens: list[_Tok], k: int) -> None:
    """`tuple[*Ts]` and `*args: *Ts` (3.11, PEP 646)."""
    before = tokens[k - 1]
    if before.kind != "OP" or before.value not in ("[", ",", ":") or rw.out[tokens[k].start] != "*":
        return  # (a blanked star: inside type parameters)
    if before.value == ":":
        # an annotation of `*args`: `( ... *name :` before it
        if k < 3 or tokens[k - 2].kind != "NAME" or tokens[k - 3].value != "*":
            return
    else:
        # inside a subscript: the `[` that opens it follows an expression
        depth, j = 0, k - 1
        while j >= 0:
            t = tokens[j]
            if t.kind == "OP" and t.value in (")", "]", "}"):
                depth += 1
            elif t.kind == "OP" and t.value in ("(", "[", "{"):
                if depth == 0:
                    break
                depth -= 1
            j -= 1
        if j <= 0 or tokens[j].value != "[" or not (tokens[j - 1].kind in ("NAME", "STRING")
                                                     or tokens[j - 1].value in (")", "]")):
            return
    rw.blank(tokens[k].start, tokens[k].end)
    rw.starred.append(tokens[k].start)
    rw.sites.append(_Site((3, 11), "unpacking in a subscript or annotation (PEP 646)", tokens[k].start, tokens[k].end))


def _soft_keyword_statement(rw: _Rewrite, tokens: list[_Tok], k: int) -> bool:
    """`type X[T] = V` (3.12) and `lazy import x` / `lazy from x import y` (3.15)."""
    tok, nxt = tokens[k], tokens[k + 1]
    if tok.value == "type":
        if nxt.kind != "NAME" or k + 2 >= len(tokens):
            return False
        after = tokens[k + 2]
        if after.value not in ("=", "["):
            return False
        if rw.running >= (3, 12):
            if after.value == "[":
                _type_params(rw, tokens, k + 2)  # defaults are 3.13
            return False
        if after.value == "[":
            _type_params(rw, tokens, k + 2)
        needs, what = (3, 12), "a `type` statement (PEP 695)"
    else:
        if rw.running >= (3, 15) or nxt.kind != "NAME" or nxt.value not in ("import", "from"):
            return False
        needs, what = (3, 15), "a lazy import (PEP 810)"
    width = nxt.start - tok.start  # the keyword and the blanks after it
    if width < 5 or "\n" in rw.text[tok.start:nxt.start] or "\r" in rw.text[tok.start:nxt.start]:
        return False
    dummy = "_" + " " * (width - 4) + "=1;"
    for j, char in enumerate(dummy):
        rw.out[tok.start + j] = char
    rw.dummies.append(tok.start)
    rw.sites.append(_Site(needs, what, tok.start, nxt.end))
    return True


def _except_clause(rw: _Rewrite, tokens: list[_Tok], k: int) -> None:
    """`except* E:` (3.11) and `except A, B:` without parentheses (3.14, PEP 758)."""
    j = k + 1
    if j < len(tokens) and tokens[j].value == "*" and tokens[j].kind == "OP":
        if rw.running < (3, 11):
            rw.blank(tokens[j].start, tokens[j].end)
            rw.sites.append(_Site((3, 11), "`except*` (PEP 654)", tokens[k].start, tokens[j].end))
        j += 1
    if rw.running >= (3, 14):
        return
    depth = 0
    comma = False
    end = None
    for m in range(j, len(tokens)):
        t = tokens[m]
        if t.kind == "NEWLINE":
            return
        if t.kind == "OP":
            if t.value in ("(", "[", "{"):
                depth += 1
            elif t.value in (")", "]", "}"):
                depth -= 1
            elif depth == 0 and t.value == ",":
                comma = True
            elif depth == 0 and t.value == ":":
                end = m
                break
        elif t.kind == "NAME" and t.value == "as" and depth == 0:
            return  # PEP 758 keeps the parentheses with `as`: the running Python's error stands
    if not comma or end is None or j >= end:
        return
    first, colon = tokens[j], tokens[end]
    before = tokens[j - 1]
    if first.start - before.end >= 1:
        rw.put(first.start - 1, "(")
    else:
        rw.inserted[first.start] = rw.inserted.get(first.start, "") + "("
    last = tokens[end - 1]
    if colon.start - last.end >= 1:
        rw.put(last.end, ")")
    else:
        rw.inserted[colon.start] = rw.inserted.get(colon.start, "") + ")"
    rw.except_tuples.append(tokens[k].start)
    rw.sites.append(_Site((3, 14), "`except` with several exception types without parentheses (PEP 758)",
                          tokens[k].start, colon.end))


def _starred_comprehension(rw: _Rewrite, tokens: list[_Tok], k: int) -> None:
    """`[*x for x in y]`, `{**d for d in ds}` (3.15, PEP 798)."""
    close = _matching(tokens, k)
    depth = 0
    for m in range(k + 1, close):
        t = tokens[m]
        if t.kind == "OP" and t.value in ("(", "[", "{"):
            depth += 1
        elif t.kind == "OP" and t.value in (")", "]", "}"):
            depth -= 1
        elif depth == 0 and t.kind == "OP" and t.value == ",":
            return
        elif depth == 0 and t.kind == "NAME" and t.value == "for":
            star = tokens[k + 1]
            rw.blank(star.start, star.end)
            if star.value == "*":
                rw.starred.append(star.start)
            rw.sites.append(_Site((3, 15), "unpacking in a comprehension (PEP 798)", star.start, star.end))
            return


def _rewrite_strings(rw: _Rewrite, strings: list[_String]) -> None:
    interpolated = [s for s in strings if s.interpolated]
    if not interpolated:
        return
    templates = any(s.template for s in interpolated)
    if rw.running >= (3, 12) and not templates:
        # f-strings parse natively; nested t-strings inside their fields may still need it
        for s in interpolated:
            _rewrite_fields(rw, s.parts)
        return
    if rw.running >= (3, 14):
        return
    group = _Group(strings, [])
    for s in interpolated:
        _collect_fields(s.parts, group.fields)
    rw.blank(group.start, group.end)
    rw.put(group.start, "(")
    rw.put(group.end - 1, ")")
    for f in group.fields:
        rw.restore(f.expr_start, f.expr_end)
        rw.put(f.expr_end, ",")
    for f in group.fields:
        _rewrite_tokens(rw, f.tokens, statement_level=False)
    rw.groups.append(group)
    if templates:
        rw.sites.append(_Site((3, 14), "a template string (PEP 750)", group.start, group.end))
    elif any(_needs_pep701(rw.text, s) for s in interpolated):
        rw.sites.append(_Site((3, 12), "an f-string with its own quotes, a backslash, a comment or a line break "
                              "inside its braces (PEP 701)", group.start, group.end))


def _needs_pep701(text: str, string: _String) -> bool:
    """What Python 3.11 did not accept inside an f-string's braces."""
    fields: list[_Field] = []
    _collect_fields(string.parts, fields)
    for f in fields:
        inside = text[f.expr_start : f.close]
        if string.quote in inside or "\\" in inside or "#" in inside:
            return True
        if len(string.quote) == 1 and ("\n" in inside or "\r" in inside):
            return True
    return False


def _collect_fields(parts, into: list[_Field]) -> None:
    for part in parts:
        if isinstance(part, _Field):
            into.append(part)
            if part.spec:
                _collect_fields(part.spec, into)


def _rewrite_fields(rw: _Rewrite, parts) -> None:
    for part in parts:
        if isinstance(part, _Field):
            _rewrite_tokens(rw, part.tokens, statement_level=False)
            if part.spec:
                _rewrite_fields(rw, part.spec)
