"""Checking contexts for any module of the project, and the definitions inside them.

Summaries keep what resolution needs, never function bodies. Facts about a body in another
file (what a base class's `setUp` calls, what a helper returns) come from that module's own
`FileContext`, built from its tree on demand: the same resolution as for the checked file,
so a name means the same thing wherever it is asked about. Only a few are kept at a time.
"""

from __future__ import annotations

import ast
from pathlib import Path

from typing import TYPE_CHECKING

from ..project import Project
from ..source import SourceError
from ..summary import build_summary, top_level_statements
from ..symbols import ProjectClass, ProjectFunction

if TYPE_CHECKING:  # pragma: no cover
    from ..checker import FileContext

_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)


def module_context(project: Project, path: Path) -> "FileContext | None":
    """The checking context of a project module (None when it cannot be read or parsed)."""
    return project.bounded(("module-context", path), lambda: _build(project, path))  # type: ignore[return-value]


def remember_context(ctx: FileContext) -> None:
    """The checked file's own context: facts about its functions need no second parse."""
    ctx.project.remember(("module-context", ctx.path), ctx)


def _build(project: Project, path: Path) -> "FileContext | None":
    from ..checker import FileContext  # the checker asks the semantic model: imported when used

    try:
        source = project.source(path)
        tree = ast.parse(source.text, filename=str(path))
    except (SourceError, SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    summary = project.cached_summary(path) or build_summary(tree, path, source)
    return FileContext(path, source, tree, summary, project)


def function_node(ctx: FileContext, symbol: ProjectFunction) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
    """The def a project function symbol names in its module (the last one, as Python keeps)."""
    if symbol.class_name is not None:
        cls = class_node(ctx, ProjectClass(symbol.path, symbol.class_name))
        body = cls.body if cls is not None else []
    else:
        # Through module_definition: an editor re-check then knows this statement was read.
        for kind in _FUNCTIONS:
            found = ctx.module_definition(symbol.name, kind)
            if found is not None:
                return found  # type: ignore[return-value]
        body = list(top_level_statements(ctx.tree.body))
    found = None
    for statement in body:
        if isinstance(statement, _FUNCTIONS) and statement.name == symbol.name:
            found = statement
    return found


def class_node(ctx: FileContext, symbol: ProjectClass) -> ast.ClassDef | None:
    found = ctx.module_definition(symbol.name, ast.ClassDef)
    if found is not None:
        return found  # type: ignore[return-value]
    for statement in top_level_statements(ctx.tree.body):
        if isinstance(statement, ast.ClassDef) and statement.name == symbol.name:
            found = statement
    return found
