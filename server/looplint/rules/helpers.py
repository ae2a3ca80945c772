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


# Exception names that catch a RuntimeError (the error LP001/LP002 predict).
_CATCHES_RUNTIME_ERROR = frozenset({"RuntimeError", "Exception", "BaseException"})
_RAISES_CHECKS = (frozenset({"assertRaises", "assertRaisesRegex"}), "pytest.raises")
# Warning classes that catch "coroutine ... was never awaited".
_CATCHES_UNAWAITED = frozenset({"RuntimeWarning", "Warning"})
_WARNS_CHECKS = (frozenset({"assertWarns", "assertWarnsRegex"}), "pytest.warns")


def expects_runtime_error(ctx: FileContext, node: ast.AST) -> bool:
    """Is `node` inside code of the current test that expects a RuntimeError?

    Tests of event-loop code assert the very errors looplint predicts
    (`with self.assertRaises(RuntimeError): asyncio.run(...)`, `pytest.raises`,
    `try: ... except RuntimeError:`, or a coroutine defined in a test that runs
    it under `assertRaises(RuntimeError, ...)`); such code is right.
    """
    return _expects(ctx, node, _RAISES_CHECKS, _CATCHES_RUNTIME_ERROR, try_blocks=True)


def expects_unawaited_warning(ctx: FileContext, node: ast.AST) -> bool:
    """Is `node` inside `assertWarns(RuntimeWarning)` / `pytest.warns(RuntimeWarning)`?

    Such a block tests the "coroutine ... was never awaited" warning itself.
    """
    return _expects(ctx, node, _WARNS_CHECKS, _CATCHES_UNAWAITED, try_blocks=False)


def expects_call_error(ctx: FileContext, node: ast.AST) -> bool:
    """Inside `assertRaises(TypeError)` (or `except TypeError`)? A call with arguments that do not bind raises
    TypeError before any coroutine exists; tests of signatures do exactly that."""
    return _expects(ctx, node, _RAISES_CHECKS, frozenset({"TypeError"}), try_blocks=True)


def _expects(ctx: FileContext, node: ast.AST, checks, names: frozenset[str], *, try_blocks: bool) -> bool:
    line = getattr(node, "lineno", 0)
    parents = ctx.parents
    for index in range(len(parents) - 1, -1, -1):
        parent = parents[index]
        if isinstance(parent, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            # A function defined inside a test and run by it under the check.
            outer = next(
                (p for p in reversed(parents[:index]) if isinstance(p, (ast.FunctionDef, ast.AsyncFunctionDef))),
                None,
            )
            return outer is not None and any(
                isinstance(sub, ast.Call) and _is_check(ctx, sub, checks, names) for sub in ast.walk(outer)
            )
        if isinstance(parent, (ast.With, ast.AsyncWith)) and _in_body(parent.body, line):
            if any(_is_check(ctx, item.context_expr, checks, names) for item in parent.items):
                return True
        elif try_blocks and (isinstance(parent, ast.Try) or type(parent).__name__ == "TryStar"):
            if _in_body(parent.body, line) and any(_catches(h.type, names) for h in parent.handlers):
                return True
    return False


def _in_body(body: list[ast.stmt], line: int) -> bool:
    return bool(body) and body[0].lineno <= line <= (body[-1].end_lineno or body[-1].lineno)


def _is_check(ctx: FileContext, expr: ast.expr, checks, names: frozenset[str]) -> bool:
    if not isinstance(expr, ast.Call) or not expr.args:
        return False
    methods, qualified = checks
    func = expr.func
    is_check = (isinstance(func, ast.Attribute) and func.attr in methods) or ctx.qualify(func) == qualified
    return is_check and _catches(expr.args[0], names)


def _catches(expr: ast.expr | None, names: frozenset[str]) -> bool:
    if expr is None:
        return True  # a bare `except:`
    if isinstance(expr, ast.Tuple):
        return any(_catches(element, names) for element in expr.elts)
    name = expr.attr if isinstance(expr, ast.Attribute) else expr.id if isinstance(expr, ast.Name) else None
    return name in names


# -- what the test itself is about -------------------------------------------------------------------

_XFAIL = frozenset({"pytest.mark.xfail", "unittest.expectedFailure"})


def expected_failure_about(ctx: FileContext, words: tuple[str, ...], raises: frozenset[str] = frozenset()) -> bool:
    """Is the enclosing test marked as failing on purpose for this very problem?

    `@pytest.mark.xfail(reason="...")` whose reason mentions one of `words` (lower case), or whose
    `raises=` names one of `raises`; the test then exists to show the problem looplint would report.
    """
    for scope in ctx.function_chain():
        for decorator in getattr(scope.node, "decorator_list", ()):
            call = decorator if isinstance(decorator, ast.Call) else None
            target = call.func if call is not None else decorator
            if ctx.qualify(target) not in _XFAIL or call is None:
                continue
            for keyword in call.keywords:
                value = keyword.value
                if keyword.arg == "reason" and isinstance(value, ast.Constant) and isinstance(value.value, str):
                    if any(word in value.value.lower() for word in words):
                        return True
                if keyword.arg == "raises" and _catches(value, raises):
                    return True
            if call.args and isinstance(call.args[-1], ast.Constant) and isinstance(call.args[-1].value, str):
                if any(word in call.args[-1].value.lower() for word in words):
                    return True
    return False


# Decorator keywords that run the decorated function on a worker thread (textual's `@work(thread=True)`).
_THREAD_KEYWORDS = frozenset({"thread"})


def runs_on_another_thread(ctx: FileContext) -> bool:
    """Does the code being walked run on a thread of its own by design?

    A function decorated with something called with `thread=True` (a worker), or a def or lambda
    nested in the function that hands it to `asyncio.to_thread`, `run_in_executor` or a `Thread`.
    """
    chain = ctx.function_chain()
    for scope in chain:
        for decorator in getattr(scope.node, "decorator_list", ()):
            if isinstance(decorator, ast.Call) and any(
                k.arg in _THREAD_KEYWORDS and isinstance(k.value, ast.Constant) and k.value.value is True
                for k in decorator.keywords
            ):
                return True
    return False


_LOOP_ERROR_WORDS = ("running event loop", "already running", "nested")


def expects_loop_error(ctx: FileContext, node: ast.AST) -> bool:
    """Code that expects the "loop is already running" RuntimeError: checked for, or an xfail about it."""
    return expects_runtime_error(ctx, node) or expected_failure_about(
        ctx, _LOOP_ERROR_WORDS, frozenset({"RuntimeError"})
    )


_TIMEOUTS = frozenset({"TimeoutError", "CancelledError"})


def expects_timeout(ctx: FileContext, node: ast.AST) -> bool:
    """Inside `pytest.raises(asyncio.TimeoutError)` (or assertRaises, or `except TimeoutError`): a test
    that blocks on purpose to see a timeout fire."""
    return _expects(ctx, node, _RAISES_CHECKS, _TIMEOUTS, try_blocks=True)


# -- code that already deals with a deprecation -----------------------------------------------------

_IGNORE_CALLS = frozenset({"warnings.simplefilter", "warnings.filterwarnings"})
_EXPECT_WARNINGS = frozenset({"pytest.deprecated_call", "pytest.warns"})


def deprecation_acknowledged(ctx: FileContext, node: ast.AST) -> bool:
    """Is `node` inside `with warnings.catch_warnings():` that ignores DeprecationWarning (or
    inside `pytest.deprecated_call()` / `pytest.warns(DeprecationWarning)`, which expect it), or in
    a test or class marked `@pytest.mark.filterwarnings("ignore::DeprecationWarning")`?"""
    for parent in reversed(ctx.parents):
        if isinstance(parent, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            if any(_ignores_deprecation_mark(ctx, decorator) for decorator in parent.decorator_list):
                return True
            continue
        if not isinstance(parent, (ast.With, ast.AsyncWith)):
            continue
        for item in parent.items:
            call = item.context_expr
            if not isinstance(call, ast.Call):
                continue
            name = ctx.qualify(call.func)
            if name in _EXPECT_WARNINGS:
                return True
            if name == "warnings.catch_warnings" and any(
                isinstance(sub, ast.Call) and ctx.qualify(sub.func) in _IGNORE_CALLS and _ignores_deprecation(sub)
                for statement in parent.body for sub in ast.walk(statement)
            ):
                return True
    return False


_DEPRECATION_CATEGORIES = frozenset({"DeprecationWarning", "PendingDeprecationWarning", "Warning"})


def _ignores_deprecation_mark(ctx: FileContext, decorator: ast.AST) -> bool:
    """`@pytest.mark.filterwarnings("ignore::DeprecationWarning")`: pytest's filter syntax is
    `action:message:category:module:line`; an `ignore` with no category ignores every warning."""
    if not isinstance(decorator, ast.Call) or ctx.qualify(decorator.func) != "pytest.mark.filterwarnings":
        return False
    for argument in decorator.args:
        if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
            fields = [field.strip() for field in argument.value.split(":")]
            category = fields[2].rpartition(".")[2] if len(fields) > 2 else ""
            if fields[0] == "ignore" and (not category or category in _DEPRECATION_CATEGORIES):
                return True
    return False


def _ignores_deprecation(call: ast.Call) -> bool:
    values = [*call.args, *(k.value for k in call.keywords)]
    action = values[0] if values else None
    if not (isinstance(action, ast.Constant) and action.value == "ignore"):
        return False
    category = next((k.value for k in call.keywords if k.arg == "category"), call.args[1] if len(call.args) > 1 else None)
    return category is None or _catches(category, frozenset({"DeprecationWarning", "PendingDeprecationWarning", "Warning"}))


def runs_only_below(ctx: FileContext, version: tuple[int, int]) -> bool:
    """Is `node` under `if sys.version_info < (X, Y):` with (X, Y) <= `version` (so it never runs there)?"""
    for parent, child in zip(reversed(ctx.parents), [None, *reversed(ctx.parents)]):
        if not isinstance(parent, ast.If) or (child is not None and child in parent.orelse):
            continue
        for test in _conjuncts(parent.test):
            if (isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], (ast.Lt, ast.LtE))
                    and ctx.qualify(test.left) == "sys.version_info"):
                bound = _version_tuple(test.comparators[0])
                if bound is not None and (bound <= version if isinstance(test.ops[0], ast.Lt) else bound < version):
                    return True
    return False


def _conjuncts(test: ast.AST):
    if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.And):
        for value in test.values:
            yield from _conjuncts(value)
    else:
        yield test


def _version_tuple(node: ast.AST) -> tuple[int, int] | None:
    if isinstance(node, ast.Tuple) and len(node.elts) >= 2 and all(
        isinstance(e, ast.Constant) and isinstance(e.value, int) for e in node.elts[:2]
    ):
        return node.elts[0].value, node.elts[1].value  # type: ignore[attr-defined]
    return None
