"""Building blocks of migrations: fixes that change several places (or files) at once.

- where the options pytest reads live, and writing keys there (`config_destination`,
  `set_config_keys`): the config file pytest uses for a test, else a new table in the project's
  `pyproject.toml`, else a new `pytest.ini`;
- removing definitions and the imports only they used (`remove_with_unused_imports`).

The files a migration edits are listed in its diagnostic's data (`fixer.FIX_FILES`), so the fronts
apply it as one change: `Engine.fix_project` in the CLI, one WorkspaceEdit in the editor.
"""

from __future__ import annotations

import ast
import os
from pathlib import Path

import libcst as cst

from ..engine.config_check import insert_keys
from ..engine.fixer import FIX_FILES, FixContext, FixUnavailable
from ..engine.model import Edit, Range
from ..engine.parse import parse_module
from ..engine.pytest_config import find_pytest_config


# -- the config file pytest reads --------------------------------------------------------------------


def config_destination(config) -> tuple[Path, bool] | None:
    """Where keys pytest must read go, for a test governed by `config` (a PytestConfig): (file, create).

    The active config file when there is one; else the rootdir's `pyproject.toml` (it gets a
    `[tool.pytest.ini_options]` table, which makes it the config); else a new `pytest.ini` there."""
    if config.path is not None:
        return Path(config.path), False
    pyproject = Path(config.rootdir) / "pyproject.toml"
    if pyproject.is_file():
        return pyproject, False
    return Path(config.rootdir) / "pytest.ini", True


def config_data(destination: tuple[Path, bool], *also: Path) -> dict:
    """The diagnostic data a migration writing into `destination` carries."""
    path, create = destination
    return {"config": str(path), "create": create, FIX_FILES: [str(p) for p in (*also, path)]}


def set_config_keys(fixer: FixContext, data: dict, items: list[tuple[str, str]]) -> None:
    """Make `key = value` effective in the config file named by `data` (see `config_data`).

    A key the file already sets to the same value is left; to another value, or through `-o` in
    `addopts`, the migration is not made (the project chose something else)."""
    path = Path(data["config"])
    if data.get("create"):
        if fixer.text_of(path) is not None:
            raise FixUnavailable(f"{path} exists now")
        body = "".join(f"{key} = {value}\n" for key, value in items)
        fixer.edit_text(path, [Edit(Range(1, 0, 1, 0), "[pytest]\n" + body)], create=True)
        return
    text = fixer.text_of(path)
    if text is None:
        raise FixUnavailable(f"cannot read {path}")
    config = find_pytest_config(path.parent, overlays={path: text})
    if config.path is not None and os.path.abspath(config.path) != os.path.abspath(path):
        raise FixUnavailable(f"pytest does not read {path} any more")
    missing = []
    for key, value in items:
        entry = config.get(key)
        if entry is None:
            missing.append((key, value))
        elif str(entry.value).strip() != value:
            raise FixUnavailable(f"{key} is already set to {entry.value!r}")
    if not missing:
        return
    edits = insert_keys(path, text, config, missing)
    if not edits:
        raise FixUnavailable(f"no section of {path} to write {missing[0][0]} under")
    fixer.edit_text(path, edits)


# -- removing definitions ----------------------------------------------------------------------------


def remove_with_unused_imports(fixer: FixContext, nodes: list[cst.CSTNode]) -> None:
    """Remove these statements, and the top-level imports that nothing else in the module uses."""
    spans = [_span_with_decorators(fixer, node) for node in nodes]
    for node in nodes:
        fixer.remove(node)
    try:
        tree = parse_module(fixer.text)
    except (SyntaxError, ValueError):
        return
    used_outside: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and not _inside(node, spans):
            used_outside.add(node.id)
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            used_outside.update(node.names)
    # `__all__` strings and doctests are not read: a name listed there keeps its import.
    used_outside.update(_all_names(tree))
    for statement in fixer.module.body:
        if not isinstance(statement, cst.SimpleStatementLine) or not statement.body:
            continue
        item = statement.body[0]
        if len(statement.body) != 1 or not isinstance(item, (cst.Import, cst.ImportFrom)):
            continue
        if isinstance(item, cst.ImportFrom) and (isinstance(item.names, cst.ImportStar) or item.relative):
            continue
        if isinstance(item, cst.ImportFrom) and item.module is not None and _dotted(item.module) == "__future__":
            continue
        if _inside_any(fixer, statement, nodes):
            continue
        kept = [alias for alias in item.names if _bound_name(alias) in used_outside]  # type: ignore[union-attr]
        if len(kept) == len(item.names):  # type: ignore[arg-type]
            continue
        if not kept:
            fixer.remove(statement)
            continue
        kept[-1] = kept[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
        fixer.replace(item, lambda updated, kept=kept: updated.with_changes(names=kept))


def _span_with_decorators(fixer: FixContext, node: cst.CSTNode) -> Range:
    where = fixer.range_of(node)
    decorators = getattr(node, "decorators", ())
    if decorators:
        first = fixer.range_of(decorators[0])
        where = Range(first.line, first.col, where.end_line, where.end_col)
    return where


def _bound_name(alias: cst.ImportAlias) -> str:
    if alias.asname is not None:
        return alias.asname.name.value  # type: ignore[union-attr]
    return _dotted(alias.name).split(".")[0]


def _dotted(node: cst.CSTNode) -> str:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        return f"{_dotted(node.value)}.{node.attr.value}"
    return ""


def _inside(node: ast.AST, spans: list[Range]) -> bool:
    line = getattr(node, "lineno", None)
    return line is not None and any(span.line <= line <= span.end_line for span in spans)


def _inside_any(fixer: FixContext, statement: cst.CSTNode, nodes: list[cst.CSTNode]) -> bool:
    line = fixer.range_of(statement).line
    return any(span.line <= line <= span.end_line for span in map(lambda n: _span_with_decorators(fixer, n), nodes))


def _all_names(tree: ast.Module) -> set[str]:
    names: set[str] = set()
    for statement in tree.body:
        if isinstance(statement, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "__all__" for t in statement.targets):
            if isinstance(statement.value, (ast.List, ast.Tuple)):
                names.update(e.value for e in statement.value.elts if isinstance(e, ast.Constant) and isinstance(e.value, str))
    return names
