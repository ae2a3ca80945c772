"""What the semantic model knows about a definition, in words: for a hover on a class or a def
without a diagnostic (how a class runs its tests, what a helper does to event loops)."""

from __future__ import annotations

import ast
from typing import TYPE_CHECKING

from ..symbols import ProjectClass, ProjectFunction
from . import effects
from .dispatch import class_dispatch
from .roles import role_of

if TYPE_CHECKING:  # pragma: no cover
    from ..checker import FileContext

_SHOWN_EFFECTS = (
    effects.RUNS_LOOP, effects.BRIDGES, effects.SNIFFS, effects.CREATES_TASK, effects.SETS_LOOP,
    effects.UNSETS_LOOP, effects.CLOSES_LOOP, effects.BLOCKS,
)


def explain_definition(ctx: "FileContext", line: int) -> str | None:
    """Markdown about the top-level class or def (or method of a top-level class) named on `line`."""
    for statement in ctx.tree.body:
        if isinstance(statement, ast.ClassDef):
            if statement.lineno == line:
                return explain_class(ctx, statement)
            for item in statement.body:
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) and item.lineno == line:
                    return explain_function(ctx, item, statement)
        elif isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)) and statement.lineno == line:
            return explain_function(ctx, statement, None)
    return None


def explain_class(ctx: "FileContext", node: ast.ClassDef) -> str | None:
    model = ctx.class_model(node)
    if model is None:
        return None
    dispatch = class_dispatch(model)
    runs = {True: "async tests run", False: "async tests never run", None: "looplint cannot tell"}[
        dispatch.runs_async_tests
    ]
    return f"**How `{node.name}` runs its tests** ({dispatch.kind}: {runs})\n\n{dispatch.why}"


def explain_function(ctx: "FileContext", node, cls: ast.ClassDef | None) -> str | None:
    role = role_of(ctx, node, cls)
    parts = []
    if role is not None and role.kind != "helper":
        parts.append(f"**{role.describe()[0].upper()}{role.describe()[1:]}** ({role.style})")
    symbol = ProjectFunction(ctx.path, node.name, cls.name if cls is not None else None)
    if cls is not None and ctx.project.class_summary(ProjectClass(ctx.path, cls.name)) is None:
        return "\n\n".join(parts) or None
    found = effects.function_effects(ctx, symbol)
    for effect in _SHOWN_EFFECTS:
        evidence = found.get(effect)
        if evidence is None:
            continue
        how = "on every call" if evidence.always else "on some paths"
        chain = " → ".join(f"`{step.text}()`" for step in evidence.chain) if evidence.chain else ""
        parts.append(f"- {effects.DESCRIPTIONS[effect]} {how}: `{evidence.detail}`" + (f" ({chain})" if chain else ""))
    return "\n".join(parts) or None
