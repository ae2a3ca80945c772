"""Shared detection helpers for rules (decorator classification, test-method naming)."""

from __future__ import annotations

import ast
from pathlib import Path

from ..engine import knowledge
from ..engine.checker import FileContext
from ..engine.project import Project
from ..engine.symbols import External, ProjectFunction, options_of

RUNS = "runs"  # runs the wrapped coroutine to completion synchronously
PRESERVES = "preserves"  # the result is still a coroutine function
UNKNOWN = "unknown"


def classify_decorator(project: Project, module_path: Path, dotted: str) -> str:
    """What a decorator (as written in `module_path`) does to an async test."""
    symbol = project.resolve_dotted(module_path, dotted)
    verdicts = {_classify_symbol(project, option) for option in options_of(symbol)}
    if len(verdicts) == 1:
        return verdicts.pop()
    return UNKNOWN


def _classify_symbol(project: Project, symbol) -> str:
    settings = project.settings
    if symbol is None:
        return UNKNOWN
    if project.matches_user_names(symbol, settings.async_test_decorators):
        return RUNS
    if isinstance(symbol, External):
        name = symbol.qualname
        if name in knowledge.SYNC_RUNNING_DECORATORS:
            return RUNS
        if knowledge.is_async_preserving_decorator(name):
            return PRESERVES
        return UNKNOWN
    if isinstance(symbol, ProjectFunction):
        function = project.function_summary(symbol)
        if function is None:
            return UNKNOWN
        if function.runs_coroutines:
            return RUNS
        if function.returns_async_wrapper:
            return PRESERVES
    return UNKNOWN


def method_decorators_verdict(project: Project, module_path: Path, decorators: tuple[str, ...]) -> str:
    """RUNS if any decorator runs the coroutine; PRESERVES if all keep it async; else UNKNOWN."""
    verdicts = [classify_decorator(project, module_path, d) for d in decorators]
    if RUNS in verdicts:
        return RUNS
    if all(v == PRESERVES for v in verdicts):
        return PRESERVES
    return UNKNOWN


def is_test_method_name(name: str) -> bool:
    return name.startswith(knowledge.TEST_METHOD_PREFIX)


def class_decorators_verdict(ctx: FileContext, node: ast.ClassDef) -> str:
    """Class decorators may rewrite methods; only known harmless ones keep the class analysable."""
    summary = ctx.summary.classes.get(node.name)
    if summary is None:
        return UNKNOWN
    return method_decorators_verdict(ctx.project, ctx.path, summary.decorators)
