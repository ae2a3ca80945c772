"""Marks a conftest's `pytest_collection_modifyitems` adds to every async test.

pytest-asyncio documents this recipe for running all tests in one loop:

    def pytest_collection_modifyitems(items):
        marker = pytest.mark.asyncio(loop_scope="session")
        for item in items:
            if pytest_asyncio.is_async_test(item):
                item.add_marker(marker, append=False)

Read statically from the hook's body: an `add_marker` of `pytest.mark.asyncio(...)` (written
there or bound to a name in the hook or the module) on each item, either unconditionally or under
a check that the item is an async test. Any other condition makes the recipe unknown.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from .project import Project

# Checks that an item is an async test (the only condition the recipe may have).
_ASYNC_CHECKS = frozenset({"is_async_test", "iscoroutinefunction"})


@dataclass(frozen=True)
class CollectionMark:
    """`pytest.mark.asyncio(loop_scope=...)` added to every async test by a collection hook."""

    path: Path
    line: int
    loop_scope: str | None  # None: the mark has no loop_scope (the test's default applies)
    first: bool  # added with append=False: it wins over the test's own asyncio mark

    def where(self, project: "Project") -> str:
        return f"`pytest_collection_modifyitems` in {project.relpath(self.path)}:{self.line}"


def collection_mark(project: "Project", path: Path) -> CollectionMark | None:
    """The asyncio mark the module's `pytest_collection_modifyitems` adds to every async test."""
    from .semantic.modules import module_context  # the semantic model reads the hook's body

    ctx = module_context(project, path)
    if ctx is None:
        return None
    hook = next(
        (s for s in ctx.tree.body if isinstance(s, ast.FunctionDef) and s.name == "pytest_collection_modifyitems"),
        None,
    )
    if hook is None:
        return None
    with ctx.at_function(hook):
        for node in ast.walk(hook):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr == "add_marker" and node.args):
                continue
            scope = _asyncio_mark(ctx, node.args[0], hook)
            if scope is _NOT_ASYNCIO or not _applies_to_every_async_test(hook, node):
                continue
            first = any(k.arg == "append" and isinstance(k.value, ast.Constant) and k.value.value is False
                        for k in node.keywords)
            return CollectionMark(path, node.lineno, scope, first)  # type: ignore[arg-type]
    return None


_NOT_ASYNCIO = object()


def _asyncio_mark(ctx, expr: ast.AST, hook: ast.FunctionDef):
    """The loop_scope of `pytest.mark.asyncio(...)` (None without one); _NOT_ASYNCIO for anything else."""
    if isinstance(expr, ast.Name):
        bound = [node.value for node in ast.walk(hook) if isinstance(node, ast.Assign)
                 and any(isinstance(t, ast.Name) and t.id == expr.id for t in node.targets)]
        value = bound[0] if len(bound) == 1 else ctx.module_value(expr.id) if not bound else None
        if value is None:
            return _NOT_ASYNCIO
        expr = value
    target = expr.func if isinstance(expr, ast.Call) else expr
    if ctx.qualify(target) != "pytest.mark.asyncio":
        return _NOT_ASYNCIO
    if not isinstance(expr, ast.Call):
        return None
    for keyword in expr.keywords:
        if keyword.arg in ("loop_scope", "scope"):
            value = keyword.value
            return value.value if isinstance(value, ast.Constant) and isinstance(value.value, str) else _NOT_ASYNCIO
    return None


def _applies_to_every_async_test(hook: ast.FunctionDef, call: ast.Call) -> bool:
    """Is the add_marker call in a loop over the items, under no condition but an async check?"""
    path = _path_to(hook, call)
    if path is None or not any(isinstance(node, ast.For) for node in path):
        return False
    for node in path:
        if isinstance(node, (ast.If, ast.While)):
            names = {n.attr if isinstance(n, ast.Attribute) else n.id for n in ast.walk(node.test)
                     if isinstance(n, (ast.Name, ast.Attribute))}
            if not names & _ASYNC_CHECKS or call in _descendants(node.orelse):
                return False
        elif isinstance(node, (ast.Try, ast.With, ast.Match, ast.IfExp, ast.BoolOp)):
            return False
    return True


def _path_to(root: ast.AST, target: ast.AST) -> list[ast.AST] | None:
    """The statements from `root` down to the one holding `target` (None if not found)."""
    stack: list[tuple[ast.AST, list[ast.AST]]] = [(root, [])]
    while stack:
        node, path = stack.pop()
        if node is target:
            return path
        kept = isinstance(node, (ast.stmt, ast.IfExp, ast.BoolOp)) and node is not root
        for child in ast.iter_child_nodes(node):
            stack.append((child, [*path, node] if kept else path))
    return None


def _descendants(nodes: list[ast.stmt]):
    for node in nodes:
        yield from ast.walk(node)
