"""INI parsing exactly as pytest does it (``iniconfig``), with positions.

pytest reads ``pytest.ini``, ``.pytest.ini``, ``tox.ini`` and ``setup.cfg`` with
``iniconfig.IniConfig(path)`` -- *not* ``configparser``.  Its rules (iniconfig
2.x, ``_parse.py``; pytest calls the constructor, so ``strip_inline_comments``
is **False**):

* the text is read as UTF-8 with universal newlines; a leading BOM is dropped;
  lines are ``str.splitlines(True)`` (so ``\\x0c``, ``\\x1c``... also end a line);
* a line whose first non-blank character is ``#`` or ``;`` is a comment -- also
  when it is indented, so it never continues a value;
* ``[name]`` starts a section.  Comments after the ``]`` are dropped
  (``[pytest] # x`` is section ``pytest``), the name is *not* stripped
  (``[ pytest ]`` is section `` pytest ``).  A line starting with ``[`` that
  does not end in ``]`` is a *continuation* line;
* ``name = value`` or ``name: value`` (``=`` wins unless the name part would
  contain ``:``).  Name and value are stripped.  **Inline comments are kept in
  the value** (``asyncio_mode = auto # x`` has the value ``auto # x``);
* a line starting with whitespace continues the previous value; the parts are
  joined with ``\\n``; an empty first part is dropped (``addopts =`` followed by
  indented lines gives ``"-x\\n-v"``);
* errors (pytest turns them into ``UsageError`` and stops): a value before any
  section ("no section header defined"), duplicate section, duplicate name,
  ``unexpected line``, ``empty section name``, ``unexpected value continuation``.

Offsets are code-point indexes into the text *after* BOM removal.

Standalone: stdlib only.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["IniDocument", "IniEntry", "IniError", "IniSection", "parse_ini", "read_config_text"]

COMMENTCHARS = "#;"
UTF8_BOM = "\N{BYTE ORDER MARK}"


@dataclass
class IniEntry:
    name: str
    value: str  # exactly what iniconfig returns
    name_start: int
    name_end: int
    value_start: int  # first character of the value text (or where it would be)
    value_end: int  # end of the last value part
    lineno: int  # iniconfig's 0-based line index of the name line


@dataclass
class IniSection:
    name: str
    header_start: int  # "[" ...
    header_end: int  # ... "]" (inclusive of the bracket)
    lineno: int
    entries: dict[str, IniEntry] = field(default_factory=dict)


@dataclass
class IniError:
    lineno: int  # 0-based, as iniconfig
    msg: str
    start: int  # the offending line
    end: int

    def format(self, path: str) -> str:
        """The message iniconfig's ParseError prints."""
        return f"{path}:{self.lineno + 1}: {self.msg}"


@dataclass
class IniDocument:
    # Best effort: every section/entry that could be read.  When ``error`` is
    # set, iniconfig (and so pytest) would have refused the whole file.
    sections: dict[str, IniSection] = field(default_factory=dict)
    error: IniError | None = None

    def __contains__(self, name: str) -> bool:
        return name in self.sections


def read_config_text(path) -> str:
    """Read a config file the way pytest does (UTF-8, universal newlines): a regular file of bounded
    size only (OSError otherwise, with the reason)."""
    from .files import UnreadableFile, read_text

    try:
        return read_text(path)
    except UnreadableFile as exc:
        raise OSError(str(exc)) from None


def _lines_with_offsets(data: str) -> list[tuple[int, str]]:
    out = []
    pos = 0
    for piece in data.splitlines(True):
        out.append((pos, piece))
        pos += len(piece)
    return out


def parse_ini(data: str) -> IniDocument:
    """Parse INI text with iniconfig's rules.  Never raises."""
    data = data.removeprefix(UTF8_BOM)
    doc = IniDocument()
    # Phase 1 (iniconfig.parse_lines): line level; the first error aborts.
    # tokens: (lineno, section, name, parts, line_start, name_span, parts_spans)
    tokens: list[list] = []
    section: str | None = None
    line_error: IniError | None = None
    for lineno, (lstart, raw) in enumerate(_lines_with_offsets(data)):
        lend = lstart + len(raw.rstrip("\r\n"))
        kind, a, b = _parseline(raw)
        if kind == "blank":
            continue
        if kind == "error":
            line_error = line_error or IniError(lineno, a, lstart, lend)
            continue
        if kind == "section":
            name, (hs, he) = a, b
            if not name:
                line_error = line_error or IniError(lineno, "empty section name", lstart, lend)
                continue
            section = name
            tokens.append([lineno, section, None, None, (lstart + hs, lstart + he), None, None])
        elif kind == "value":
            name, (ns, ne), value, (vs, ve) = a[0], a[1], b[0], b[1]
            parts = [value] if value else []
            spans = [(lstart + vs, lstart + ve)] if value else []
            tokens.append(
                [lineno, section, name, parts, (lstart, lend), (lstart + ns, lstart + ne), spans, lstart + vs]
            )
        else:  # continuation
            text, (cs, ce) = a, b
            prev = tokens[-1] if tokens else None
            if prev is None or prev[3] is None:
                line_error = line_error or IniError(lineno, "unexpected value continuation", lstart, lend)
                continue
            prev[3].append(text)
            prev[6].append((lstart + cs, lstart + ce))
    # Phase 2 (iniconfig.parse_ini_data): structure.
    struct_error: IniError | None = None
    for tok in tokens:
        lineno, sec, name = tok[0], tok[1], tok[2]
        if sec is None:
            s, e = tok[4]
            struct_error = struct_error or IniError(lineno, "no section header defined", s, e)
            continue
        if name is None:
            hs, he = tok[4]
            if sec in doc.sections:
                struct_error = struct_error or IniError(lineno, f"duplicate section {sec!r}", hs, he)
                continue
            doc.sections[sec] = IniSection(sec, hs, he, lineno)
            continue
        target = doc.sections.get(sec)
        if target is None:  # pragma: no cover - a value always follows its header
            continue
        if name in target.entries:
            s, e = tok[5]
            struct_error = struct_error or IniError(lineno, f"duplicate name {name!r}", s, e)
            continue
        parts, spans = tok[3], tok[6]
        if spans:
            vstart, vend = spans[0][0], spans[-1][1]
        else:
            vstart = vend = tok[7]
        ns, ne = tok[5]
        target.entries[name] = IniEntry(name, "\n".join(parts), ns, ne, vstart, vend, lineno)
    doc.error = line_error or struct_error
    return doc


def _parseline(line: str):
    """Classify one physical line like iniconfig._parseline.

    Returns (kind, a, b):
      ("blank", None, None)
      ("section", name, (start, end))           header span within the line
      ("value", (name, (ns, ne)), (value, (vs, ve)))
      ("continuation", text, (start, end))
      ("error", message, None)
    """
    if _iscommentline(line):
        return "blank", None, None
    line = line.rstrip()
    if not line:
        return "blank", None, None
    if line[0] == "[":
        realline = line
        for c in COMMENTCHARS:
            line = line.split(c)[0].rstrip()
        if line[-1] == "]":
            return "section", line[1:-1], (0, len(line))
        text = realline.strip()
        start = len(realline) - len(realline.lstrip())
        return "continuation", text, (start, start + len(text))
    if not line[0].isspace():
        try:
            name, value = line.split("=", 1)
            sep = len(name)
            if ":" in name:
                raise ValueError()
        except ValueError:
            try:
                name, value = line.split(":", 1)
                sep = len(name)
            except ValueError:
                return "error", f"unexpected line: {line!r}", None
        key = name.strip()
        ns = len(name) - len(name.lstrip())
        stripped = value.strip()
        vstart = sep + 1 + (len(value) - len(value.lstrip()))
        if not stripped:
            vstart = sep + 1
        return "value", (key, (ns, ns + len(key))), (stripped, (vstart, vstart + len(stripped)))
    text = line.strip()
    start = len(line) - len(line.lstrip())
    return "continuation", text, (start, start + len(text))


def _iscommentline(line: str) -> bool:
    c = line.lstrip()[:1]
    return c in COMMENTCHARS
