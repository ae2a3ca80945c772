"""Building and applying fixes with libcst, for one file at a time.

Detection never touches libcst. When a fix is asked for, the file is parsed
with libcst (format-preserving), the rule edits that tree through a
`FixContext`, and the result is turned back into minimal text edits. A fix
whose result does not parse is dropped: looplint never writes a broken file.
"""

from __future__ import annotations

import ast
import bisect
import os
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable

from .edits import FixOutcome, apply_edits, diff_edits, fix_until_done
from .model import Diagnostic, Edit, FileEdits, Fix, Range
from .source import Source
from .parse import parse_module

if TYPE_CHECKING:  # pragma: no cover
    from .rule import Rule


class _Libcst:
    """The `libcst` module, imported on first use.

    libcst costs ~0.3 s to import and only fixes need it: rules take `cst` from here (never
    `import libcst` at module level), so a `looplint check` that builds no fix, or whose results
    come from the cache, never loads it. Code that runs at import time (a class's bases, default
    values) must not touch `cst`: transformers derive from `Transformer`."""

    def __getattr__(self, name: str):
        import libcst

        value = getattr(libcst, name)
        setattr(self, name, value)  # found directly from now on
        return value


cst = _Libcst()


Change = Callable[["cst.CSTNode"], "cst.CSTNode | cst.RemovalSentinel | cst.FlattenSentinel"]


# libcst's parser and code generation recurse once or more per level of nesting (and its
# parser slows down with the square of the depth): fixes are built for files nested up to
# this deep; deeper files keep their diagnostics and get no fix (with a note saying why).
MAX_FIX_NESTING = 100


class FixUnavailable(Exception):
    """The rule cannot build its fix for this occurrence (the code is shaped unexpectedly)."""


class FixesUnavailable(Exception):
    """No fix can be built for this text at all; the message says why."""


# The key of `Diagnostic.data` listing the files a migration edits (absolute paths as strings,
# its own file included when it edits other statements of it). Fronts read it to apply such a
# fix as one change over several files.
FIX_FILES = "fix_files"

Reader = Callable[[Path], "str | None"]


def fix_files(diagnostic: Diagnostic) -> list[Path]:
    """The files a diagnostic's fix edits besides the statement it is in (empty for most fixes)."""
    files = diagnostic.data.get(FIX_FILES) if isinstance(diagnostic.data, dict) else None
    if not isinstance(files, list):
        return []
    return [Path(f) for f in files if isinstance(f, str)]


def _read_from_disk(path: Path) -> str | None:
    from .source import SourceError, read_source

    try:
        return read_source(path).text
    except SourceError:
        return None


class FixContext:
    """A libcst view of one file that rules edit to express their fix.

    Raises FixesUnavailable when libcst cannot represent the text (too deeply nested,
    a syntax it does not know, or any failure inside libcst).

    A fix that needs other files too (a migration) edits them through `other(path)` (a Python file,
    with libcst) and `edit_text(path, edits)` (plain text edits, e.g. a pytest config file); their
    current texts come from `read` (an editor's unsaved buffer, else the file).
    """

    def __init__(self, text: str, *, path: Path | None = None, read: Reader | None = None):
        self.text = text
        from libcst.metadata import MetadataWrapper, PositionProvider

        self.path = Path(os.path.abspath(path)) if path is not None else None
        self._read = read or _read_from_disk
        self._others: dict[Path, FixContext] = {}
        depth = nesting_depth(text)
        if depth > MAX_FIX_NESTING:
            deep = f"{depth} levels" if depth < sys.maxsize else "deeper than the parser allows here"
            raise FixesUnavailable(f"the code nests {deep}; fixes are built up to {MAX_FIX_NESTING} levels")
        try:
            self.module = cst.parse_module(text)
            self._wrapper = MetadataWrapper(self.module, unsafe_skip_copy=True)
            self._positions = self._wrapper.resolve(PositionProvider)
        except cst.ParserSyntaxError as exc:
            raise FixesUnavailable(f"libcst cannot parse the file: {_one_line(exc)}") from None
        except Exception as exc:  # a failure inside libcst must not cost the file its diagnostics
            raise FixesUnavailable(f"libcst failed on the file ({type(exc).__name__})") from None
        # libcst drops the last line end of a file whose lines end in CR alone: put it back on
        # output. Any other difference would shift every position: no fixes then.
        code = self.module.code
        if not text.startswith(code) or text[len(code):] not in ("", "\r"):
            raise FixesUnavailable("libcst does not reproduce this file exactly")
        self._lost_tail = text[len(code):]
        self._source = Source(text)
        self._spans: list[tuple[int, int]] | None = None
        self._body_end = len(text)
        self._index_of: dict[int, int] | None = None
        self._statement_starts: list[tuple[int, int]] | None = None
        self._statement_parents: dict[int, dict[int, tuple[cst.CSTNode, cst.CSTNode]]] = {}
        self._parents = None
        self._by_start: dict[tuple[int, int], list[cst.CSTNode]] = {}
        for node, code_range in self._positions.items():
            self._by_start.setdefault((code_range.start.line, code_range.start.column), []).append(node)
        self.reset()

    def reset(self) -> None:
        self._changes: dict[int, tuple[cst.CSTNode, list[Change]]] = {}
        self._imports: list[tuple[str, str | None]] = []
        for other in self._others.values():
            other.reset()
        self._text_edits: dict[Path, tuple[list[Edit], bool]] = {}

    # -- other files (migrations) ------------------------------------------------------
    def text_of(self, path: Path) -> str | None:
        """The current text of a file (None: it does not exist or cannot be read)."""
        path = Path(os.path.abspath(path))
        if path == self.path:
            return self.text
        return self._read(path)

    def other(self, path: Path) -> "FixContext":
        """The libcst view of another Python file, edited as part of this fix (itself for its own path)."""
        path = Path(os.path.abspath(path))
        if path == self.path:
            return self
        found = self._others.get(path)
        if found is None:
            text = self._read(path)
            if text is None:
                raise FixUnavailable(f"cannot read {path}")
            try:
                found = FixContext(text, path=path, read=self._read)
            except FixesUnavailable as exc:
                raise FixUnavailable(f"{path}: {exc}") from None
            self._others[path] = found
        return found

    def edit_text(self, path: Path, edits: Iterable[Edit], *, create: bool = False) -> None:
        """Text edits in another file (positions in `text_of(path)`); `create`: the file does not exist yet."""
        path = Path(os.path.abspath(path))
        if path == self.path:
            raise FixUnavailable("text edits are for other files")
        if not create and self.text_of(path) is None:
            raise FixUnavailable(f"cannot read {path}")
        self._text_edits.setdefault(path, ([], create))[0].extend(edits)

    def other_changes(self) -> list[tuple[Path, str, str, bool]]:
        """(path, old text, new text, created) of every other file this fix changes."""
        out = []
        for path, other in self._others.items():
            new = other.render()
            if new != other.text:
                out.append((path, other.text, new, False))
        for path, (edits, create) in self._text_edits.items():
            old = "" if create else (self.text_of(path) or "")
            new = apply_edits(old, edits)
            if new != old:
                out.append((path, old, new, create))
        return out

    # -- finding nodes -----------------------------------------------------------
    def find(self, range: Range, node_type: type | tuple[type, ...] | None = None) -> cst.CSTNode:
        """The node of `node_type` (any node by default) that starts where `range` starts (the one
        ending at range end if several)."""
        if node_type is None:
            node_type = cst.CSTNode
        candidates = [n for n in self._by_start.get((range.line, range.col), ()) if isinstance(n, node_type)]
        if not candidates:
            raise FixUnavailable(f"no {getattr(node_type, '__name__', node_type)} at {range.line}:{range.col + 1}")
        for node in candidates:
            end = self._positions[node].end
            if (end.line, end.column) == (range.end_line, range.end_col):
                return node
        return max(candidates, key=lambda n: (self._positions[n].end.line, self._positions[n].end.column))

    def range_of(self, node: cst.CSTNode) -> Range:
        code_range = self._positions[node]
        return Range(code_range.start.line, code_range.start.column, code_range.end.line, code_range.end.column)

    def parent(self, node: cst.CSTNode) -> cst.CSTNode | None:
        """The node holding `node`. Parents are mapped one top-level statement at a time (the one
        the node's position falls in): a fix pays for the statement it edits, not for the file."""
        if node is self.module:
            return None
        index = self._statement_at(node)
        if index is None:  # in the module's header or footer, or not positioned
            if self._parents is None:
                from libcst.metadata import ParentNodeProvider

                self._parents = self._wrapper.resolve(ParentNodeProvider)
            return self._parents.get(node)
        statement = self.module.body[index]
        if node is statement:
            return self.module
        parents = self._statement_parents.get(index)
        if parents is None:
            parents = self._statement_parents[index] = {}
            stack: list[cst.CSTNode] = [statement]
            while stack:
                current = stack.pop()
                for child in current.children:
                    parents[id(child)] = (child, current)
                    stack.append(child)
        entry = parents.get(id(node))
        return entry[1] if entry is not None and entry[0] is node else None

    def _statement_at(self, node: cst.CSTNode) -> int | None:
        """The index of the top-level statement whose text holds `node` (by position)."""
        position = self._positions.get(node)
        if position is None:
            return None
        if self._statement_starts is None:
            self._statement_starts = [
                (p.start.line, p.start.column) if (p := self._positions.get(s)) is not None else (0, 0)
                for s in self.module.body
            ]
        start = (position.start.line, position.start.column)
        index = bisect.bisect_right(self._statement_starts, start) - 1
        if index < 0:
            return None
        end = self._positions.get(self.module.body[index])
        if end is None or (position.end.line, position.end.column) > (end.end.line, end.end.column):
            return None
        return index

    def ancestor(self, node: cst.CSTNode, node_type: type | tuple[type, ...]) -> cst.CSTNode | None:
        current = self.parent(node)
        while current is not None and not isinstance(current, node_type):
            current = self.parent(current)
        return current

    def statement_of(self, node: cst.CSTNode) -> cst.CSTNode:
        """The statement (a line in a block) containing `node`."""
        current: cst.CSTNode | None = node
        while current is not None and not isinstance(current, (cst.SimpleStatementLine, cst.BaseCompoundStatement)):
            current = self.parent(current)
        if current is None:
            raise FixUnavailable("node is not inside a statement")
        return current

    def code(self, node: cst.CSTNode) -> str:
        return self.module.code_for_node(node)

    # -- editing -------------------------------------------------------------------
    def replace(self, node: cst.CSTNode, new: cst.CSTNode | Change) -> None:
        """Replace `node` by a node, or by what a function makes of the (updated) node."""
        change: Change = new if callable(new) and not isinstance(new, cst.CSTNode) else (lambda _old, n=new: n)
        self._changes.setdefault(id(node), (node, []))[1].append(change)

    def remove(self, node: cst.CSTNode) -> None:
        self.replace(node, lambda _old: cst.RemoveFromParent())

    def insert_before(self, statement: cst.CSTNode, *statements: cst.CSTNode) -> None:
        self.replace(statement, lambda updated: cst.FlattenSentinel([*statements, updated]))

    def insert_after(self, statement: cst.CSTNode, *statements: cst.CSTNode) -> None:
        self.replace(statement, lambda updated: cst.FlattenSentinel([updated, *statements]))

    def parse_statement(self, code: str) -> cst.BaseStatement:
        return cst.parse_statement(code, config=self.module.config_for_parsing)

    def parse_expression(self, code: str) -> cst.BaseExpression:
        return cst.parse_expression(code, config=self.module.config_for_parsing)

    # -- imports ---------------------------------------------------------------------
    def module_alias(self, module: str) -> str | None:
        """The local name bound to `import module` (or `import module as x`) at top level, if any."""
        for statement in self._top_level_imports():
            for item in statement.body:
                if isinstance(item, cst.Import):
                    for alias in item.names:
                        if _dotted(alias.name) == module:
                            return alias.asname.name.value if alias.asname else module  # type: ignore[union-attr]
        return None

    def imported_name(self, module: str, name: str) -> str | None:
        """The local name for `from module import name` at top level, if imported that way."""
        for statement in self._top_level_imports():
            for item in statement.body:
                if isinstance(item, cst.ImportFrom) and item.module is not None and not item.relative:
                    if _dotted(item.module) == module and not isinstance(item.names, cst.ImportStar):
                        for alias in item.names:
                            if _dotted(alias.name) == name:
                                return alias.asname.name.value if alias.asname else name  # type: ignore[union-attr]
        return None

    def name_for(self, module: str, name: str) -> str:
        """How to spell `module.name` here, adding `import module` if nothing brings it in."""
        local = self.imported_name(module, name)
        if local:
            return local
        alias = self.module_alias(module)
        if alias is None:
            self.add_import(module)
            alias = module
        return f"{alias}.{name}"

    def add_import(self, module: str, name: str | None = None) -> None:
        """Ensure `import module` (or `from module import name`) exists at top level."""
        if name is None and self.module_alias(module):
            return
        if name is not None and self.imported_name(module, name):
            return
        if (module, name) not in self._imports:
            self._imports.append((module, name))

    def _top_level_imports(self) -> Iterable[cst.SimpleStatementLine]:
        for statement in self.module.body:
            if isinstance(statement, cst.SimpleStatementLine) and any(
                isinstance(item, (cst.Import, cst.ImportFrom)) for item in statement.body
            ):
                yield statement

    # -- output ---------------------------------------------------------------------------
    def render_edits(self) -> list[Edit]:
        """The text edits of the changes asked for ([] when they change nothing).

        Only the top-level statements holding a change are transformed and printed again
        (a fix costs the size of what it touches, not of the file); each must parse on its
        own. Changes libcst cannot localise that way (the module itself) print the whole file.
        """
        spans = self._statement_spans()
        touched: dict[int, None] = {}
        for node, _ in self._changes.values():
            index = self._top_level_index(node)
            if index is None:
                return diff_edits(self.text, self.render())
            touched[index] = None
        body = self.module.body
        pieces: list[tuple[int, int, str]] = []  # (start, end, new text) in offsets of self.text
        for index in touched:
            new = body[index].visit(_ApplyChanges(self._changes))
            if isinstance(new, cst.FlattenSentinel):
                code = "".join(self.module.code_for_node(n) for n in new.nodes)
            elif isinstance(new, cst.RemovalSentinel):
                code = ""
            else:
                code = self.module.code_for_node(new)
            start, end = spans[index]
            if not self.text.endswith(("\n", "\r")) and end == len(self.text) and code.endswith(self.module.default_newline):
                code = code[: -len(self.module.default_newline)]  # the file's last line has no line end
            if code.strip() and not _parses(code):
                raise FixUnavailable("the changed statement would not parse")
            pieces.append((start, end, code))
        if self._imports:
            index = _import_index(self.module)
            if any(i < index for i in touched):
                return diff_edits(self.text, self.render())  # a change among the imports themselves
            newline = self.module.default_newline
            code = "".join(
                (f"import {m}" if n is None else f"from {m} import {n}") + newline for m, n in self._imports
            )
            at = spans[index][0] if index < len(body) else self._body_end
            if index >= len(body) and at == len(self.text) and not self.text.endswith(("\n", "\r")) and self.text:
                code = newline + code
            pieces.append((at, at, code))
        merged: list[tuple[int, int, str]] = []
        for start, end, code in sorted(pieces, key=lambda p: (p[0], p[1])):
            if merged and merged[-1][1] == start:  # an import inserted where a changed statement starts
                previous = merged.pop()
                start, code = previous[0], previous[2] + code
            merged.append((start, end, code))
        edits: list[Edit] = []
        source = self._source
        for start, end, code in merged:
            line, col = source.position(start)
            for edit in diff_edits(self.text[start:end], code):
                r = edit.range
                edits.append(Edit(Range(r.line + line - 1, r.col + (col if r.line == 1 else 0),
                                        r.end_line + line - 1, r.end_col + (col if r.end_line == 1 else 0)), edit.content))
        return edits

    def _statement_spans(self) -> list[tuple[int, int]]:
        """(start, end) offsets in the text of each top-level statement, its leading comments and
        blank lines included (computed once: one printing of the file)."""
        if self._spans is None:
            module = self.module
            offset = sum(len(module.code_for_node(line)) for line in module.header)
            spans = []
            for statement in module.body:
                length = len(module.code_for_node(statement))
                spans.append((offset, min(offset + length, len(self.text))))
                offset += length
            self._spans = spans
            self._body_end = min(offset, len(self.text))
        return self._spans

    def _top_level_index(self, node: cst.CSTNode) -> int | None:
        """Which top-level statement holds `node` (None for the module itself)."""
        if self._index_of is None:
            self._index_of = {id(statement): i for i, statement in enumerate(self.module.body)}
        current: cst.CSTNode | None = node
        while current is not None:
            index = self._index_of.get(id(current))
            if index is not None and self.module.body[index] is current:
                return index
            current = self.parent(current)
        return None

    def render(self) -> str:
        changes = self._changes
        module = self.module
        if changes:
            module = module.visit(_ApplyChanges(changes))  # type: ignore[assignment]
        if self._imports:
            module = _insert_imports(module, self._imports)
        return module.code + self._lost_tail


class Transformer:
    """Base of the libcst transformers looplint defines (`cst.CSTTransformer` would import libcst
    when the class is defined): an instance is of a subclass that also derives from
    `cst.CSTTransformer`, made when the first one is created."""

    def __new__(cls, *args, **kwargs):
        made = _TRANSFORMERS.get(cls)
        if made is None:
            made = _TRANSFORMERS[cls] = type(cls.__name__, (cls, cst.CSTTransformer), {"__new__": _plain_new})
        return object.__new__(made)  # then __init__ runs as usual (cls's, through the MRO)


def _plain_new(cls, *args, **kwargs):
    return object.__new__(cls)


_TRANSFORMERS: dict[type, type] = {}


class _ApplyChanges(Transformer):
    def __init__(self, changes: dict[int, tuple[cst.CSTNode, list[Change]]]):
        super().__init__()
        self.changes = changes

    def on_leave(self, original_node, updated_node):  # type: ignore[override]
        entry = self.changes.get(id(original_node))
        if entry is None or entry[0] is not original_node:
            return updated_node
        result = updated_node
        for change in entry[1]:
            if not isinstance(result, cst.CSTNode):
                break
            result = change(result)
        return result


def _import_index(module: cst.Module) -> int:
    """Where new imports go in the module's body: after the docstring and the leading imports."""
    index = 0
    for i, statement in enumerate(module.body):
        if _is_docstring(statement) and i == 0:
            index = 1
            continue
        if isinstance(statement, cst.SimpleStatementLine) and any(
            isinstance(item, (cst.Import, cst.ImportFrom)) for item in statement.body
        ):
            index = i + 1
            continue
        break
    return index


def _insert_imports(module: cst.Module, imports: list[tuple[str, str | None]]) -> cst.Module:
    body = list(module.body)
    index = _import_index(module)
    new_statements = []
    for module_name, name in imports:
        code = f"import {module_name}" if name is None else f"from {module_name} import {name}"
        new_statements.append(cst.parse_statement(code + module.default_newline, config=module.config_for_parsing))
    body[index:index] = new_statements
    return module.with_changes(body=body)


def _is_docstring(statement: cst.CSTNode) -> bool:
    return (
        isinstance(statement, cst.SimpleStatementLine)
        and len(statement.body) == 1
        and isinstance(statement.body[0], cst.Expr)
        and isinstance(statement.body[0].value, (cst.SimpleString, cst.ConcatenatedString))
    )


def _dotted(node: cst.CSTNode) -> str:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return f"{_dotted(node.value)}.{node.attr.value}"
    return ""


# --- building and applying fixes ------------------------------------------------------

def nesting_depth(text: str) -> int:
    """How many levels deep the syntax tree of `text` goes (0 when it does not parse; a huge
    number when the parser itself ran out of depth)."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return 0
    except (RecursionError, MemoryError):
        return sys.maxsize
    deepest = 0
    stack = [(tree, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > deepest:
            deepest = depth
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))
    return deepest


def _one_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def build_fix(rule: "Rule", fixer: FixContext, diagnostic: Diagnostic) -> Fix | None:
    """The text edits of one diagnostic's fix, or None when it cannot be built safely."""
    fix = try_build_fix(rule, fixer, diagnostic)
    return fix if isinstance(fix, Fix) else None


def try_build_fix(rule: "Rule", fixer: FixContext, diagnostic: Diagnostic) -> Fix | str:
    """The text edits of one diagnostic's fix, or why it cannot be built.

    A migration's edits in other files go to `Fix.other_files`; every file it changes must still
    parse (a Python file as Python, a config file as TOML/INI)."""
    if diagnostic.fix_applicability is None:
        return "the diagnostic has no fix"
    fixer.reset()
    if fixer.path is None:
        fixer.path = Path(os.path.abspath(diagnostic.path))
    try:
        rule.fix(fixer, diagnostic)
        edits = fixer.render_edits()
        others = fixer.other_changes()
    except FixUnavailable as exc:
        return f"the fix could not be built for this code{f' ({exc})' if fix_files(diagnostic) else ''}"
    except (NotImplementedError, cst.ParserSyntaxError):
        return "the fix could not be built for this code"
    except Exception as exc:  # libcst (or the rule on odd code) failed: drop this fix, keep the rest
        return f"building the fix failed ({type(exc).__name__})"
    if not edits and not others:
        return "the fix could not be built for this code"
    if others:
        # A migration is applied as a whole, outside the per-file fix rounds: every file it changes
        # is parsed here.
        if edits and not _parses(apply_edits(fixer.text, edits)):
            return "the migration would leave this file unparsable"
        for path, _old, new, _created in others:
            if not _file_parses(path, new):
                return f"the migration would leave {path.name} unparsable"
    # Each changed statement parsed on its own; the whole text is parsed once per batch of
    # fixes (fix_until_done) or here when only this fix is asked for (check_whole).
    return Fix(
        message=diagnostic.fix_message or rule.fix_title or "Apply fix",
        applicability=diagnostic.fix_applicability,
        edits=tuple(edits),
        other_files=tuple(
            FileEdits(path, (Edit(Range(1, 0, 1, 0), new),) if created else tuple(diff_edits(old, new)), created)
            for path, old, new, created in others
        ),
    )


def _parses(text: str) -> bool:
    try:
        parse_module(text)
    except (SyntaxError, ValueError):
        return False
    return True


def _file_parses(path: Path, text: str) -> bool:
    from .config_check import config_parses, is_config_file

    if is_config_file(path):
        return config_parses(path, text)
    return path.suffix != ".py" or _parses(text)


def attach_fixes(
    text: str, diagnostics: list[Diagnostic], rules_by_code: dict[str, "Rule"], read: Reader | None = None
) -> None:
    """Fill in `diagnostic.fix` (the edits) for every fixable diagnostic of one file; a fix that
    cannot be built leaves `fix` None and says why in `fix_unavailable`.

    `read`: the current text of another file a migration edits (default: from disk)."""
    fixable = [d for d in diagnostics if d.fix_applicability]
    if not fixable:
        return
    from .config_check import attach_config_fixes, is_config_file

    if is_config_file(fixable[0].path):
        attach_config_fixes(text, fixable, rules_by_code, read)  # text edits, no libcst (CF rules)
        return
    local = all(
        not getattr(rules_by_code[d.code], "fix_edits_elsewhere", False) and not fix_files(d) for d in fixable
    )
    try:
        fixer = FixContext(_only_what_fixes_touch(text, fixable) if local else text, path=fixable[0].path, read=read)
    except FixesUnavailable as exc:
        for diagnostic in fixable:
            diagnostic.fix, diagnostic.fix_unavailable = None, str(exc)
        return
    for diagnostic in fixable:
        fix = try_build_fix(rules_by_code[diagnostic.code], fixer, diagnostic)
        diagnostic.fix = fix if isinstance(fix, Fix) else None
        diagnostic.fix_unavailable = "" if isinstance(fix, Fix) else fix


def _only_what_fixes_touch(text: str, diagnostics: list[Diagnostic]) -> str:
    return _reduce_for_fixes(text, diagnostics)[0]


def _touches_lines(rng: Range, lines: set[int]) -> bool:
    """Does an edit of `rng` change text on one of `lines` (ending at a line's start does not)?"""
    last = rng.end_line - 1 if rng.end_col == 0 and rng.end_line > rng.line else rng.end_line
    return any(number in lines for number in range(rng.line, last + 1))


def _reduce_for_fixes(text: str, diagnostics: list[Diagnostic]) -> tuple[str, set[int]]:
    """The text with every top-level statement blanked that no fix can touch, lines kept in place.

    Building edits costs a libcst parse of the text; a fix only edits the top-level statement its
    diagnostic is in and the module's imports. Blanking the other statements (their lines become
    empty, so every position stays valid) leaves the same edits at a fraction of the cost.
    Also gives the numbers of the lines blanked (an edit there would land in a statement left out)."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return text, set()
    lines = _LINES.findall(text)  # split where the parser counts lines (not at form feeds)
    kept: set[int] = set()
    dropped: list[tuple[int, int]] = []
    lines_of = [d.range.line for d in diagnostics]

    def span(statement: ast.stmt) -> tuple[int, int]:
        first = min([statement.lineno, *(d.lineno for d in getattr(statement, "decorator_list", ()))])
        return first, statement.end_lineno or statement.lineno

    for index, statement in enumerate(tree.body):
        first, last = span(statement)
        touched = any(first <= line <= last for line in lines_of)
        docstring = index == 0 and isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant)
        if touched and isinstance(statement, ast.ClassDef):
            # In a class, the methods no diagnostic is in are left out too (one is kept: a
            # class body cannot be empty). Fixes edit the class header or the method they are in.
            methods = [m for m in statement.body if isinstance(m, (ast.FunctionDef, ast.AsyncFunctionDef))]
            spare = [m for m in methods if not any(span(m)[0] <= line <= span(m)[1] for line in lines_of)]
            if len(spare) == len(statement.body):
                spare = spare[1:]
            for method in spare:
                dropped.append(span(method))
            spared = {n for m in spare for n in range(span(m)[0], span(m)[1] + 1)}
            kept.update(n for n in range(first, last + 1) if n not in spared)
        elif touched or docstring or isinstance(statement, _MAY_HOLD_IMPORTS):
            kept.update(range(first, last + 1))
        else:
            dropped.append((first, last))
    if not dropped:
        return text, set()
    blanked: set[int] = set()
    for first, last in dropped:
        for number in range(first, last + 1):
            if number not in kept and number <= len(lines):
                blanked.add(number)
                line = lines[number - 1]
                lines[number - 1] = line[len(line.rstrip("\r\n")):]  # keep only the line end
    return "".join(lines), blanked


_LINES = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")

# Top-level statements that are, or may contain, imports (fixes add theirs next to them).
_MAY_HOLD_IMPORTS = (ast.Import, ast.ImportFrom, ast.If, ast.Try, *((ast.TryStar,) if hasattr(ast, "TryStar") else ()))


def fix_text(
    text: str,
    lint: Callable[[str], list[Diagnostic]],
    rules_by_code: dict[str, "Rule"],
    *,
    unsafe: bool = False,
    only: Callable[[Diagnostic], bool] | None = None,
    max_rounds: int = 10,
    parses: Callable[[str], bool] | None = None,
    path: Path | None = None,
    read: Reader | None = None,
) -> FixOutcome:
    """Apply a Python file's fixes until none is left (see edits.fix_until_done). `parses` checks
    that a round's result is Python (default: parse it); `ParsedTexts` also keeps the tree for the
    next round's lint. Fixes that also edit other files (migrations) are left to
    `workspace.Engine.fix_project`."""

    def fixes_for(current: str, candidates: list[Diagnostic]):
        # One libcst parse per round, of the statements this round's fixes are in (see
        # _reduce_for_fixes): a round costs what its fixes touch, not a parse of the whole file.
        local = all(not getattr(rules_by_code[d.code], "fix_edits_elsewhere", False) for d in candidates)
        reduced, dropped = _reduce_for_fixes(current, candidates) if local else (current, set())
        try:
            fixer = FixContext(reduced, path=path, read=read)
        except FixesUnavailable as exc:
            raise ValueError(str(exc)) from None
        if not dropped:
            return lambda diagnostic: try_build_fix(rules_by_code[diagnostic.code], fixer, diagnostic)
        whole: list[FixContext | str] = []

        def build(diagnostic: Diagnostic) -> Fix | str:
            rule = rules_by_code[diagnostic.code]
            fix = try_build_fix(rule, fixer, diagnostic)
            if isinstance(fix, Fix) and not any(_touches_lines(edit.range, dropped) for edit in fix.edits):
                return fix
            # The fix reached into a statement that was left out (or could not be built without
            # it): build it on the whole text instead.
            if not whole:
                try:
                    whole.append(FixContext(current, path=path, read=read))
                except FixesUnavailable as exc:
                    whole.append(str(exc))
            return try_build_fix(rule, whole[0], diagnostic) if isinstance(whole[0], FixContext) else whole[0]

        return build

    return fix_until_done(
        text, lint, fixes_for, parses or _parses, unsafe=unsafe, only=only, max_rounds=max_rounds
    )


class ParsedTexts:
    """The parse that proved a round's result is Python, kept for the lint of that same text (a
    fix pass would otherwise parse each new text twice)."""

    def __init__(self) -> None:
        self._text: str | None = None
        self._tree: ast.Module | None = None

    def __call__(self, text: str) -> bool:
        try:
            tree = parse_module(text)
        except (SyntaxError, ValueError):
            return False
        self._text, self._tree = text, tree
        return True

    def parser_for(self, text: str):
        """A `parse` for Checker.check_source that hands back the kept tree of `text` (once)."""
        if self._text != text or self._tree is None:
            return None
        tree, self._text, self._tree = self._tree, None, None
        return lambda *_args, **_kwargs: tree

