"""Helpers shared by the pytest-asyncio and anyio rules (PA001–PA009, AY001).

Detection goes through the pytest model (`engine.pytest_model.PytestModel`,
one per checked file, shared by the rules): which tests pytest collects, the
fixtures they request, who runs them, the configuration and the versions.
This module adds what several rules word the same way (the version outlook
of a symptom, the "why strict mode" reason) and the libcst building blocks
of their fixes (add or remove a decorator, set a keyword of a call).
"""

from __future__ import annotations

import ast
import difflib

from ..engine.fixer import cst  # libcst, imported when a fix is built

from ..engine.checker import FileContext
from ..engine.semantic.roles import fixture_of  # noqa: F401 (rules ask it through here)
from ..engine.fixer import FixContext, FixUnavailable
from ..engine.model import Range
from ..engine.pytest_model import SCOPES, FixtureDef, PytestModel
from ..engine.summary import FixtureSummary

_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)


def pytest_model(ctx: FileContext) -> PytestModel:
    return PytestModel.of(ctx)


# -- where a def is --------------------------------------------------------------------


def def_owner(ctx: FileContext) -> tuple[bool, str | None]:
    """For a def being visited: (is it directly in the module or a top-level class body, that class)."""
    scope = ctx.scope
    if scope.kind == "module":
        return True, None
    if scope.kind == "class" and scope.parent is not None and scope.parent.kind == "module":
        return True, scope.node.name  # type: ignore[attr-defined]
    return False, None


def fixture_definition(ctx: FileContext, model: PytestModel, fixture: FixtureSummary) -> FixtureDef:
    if fixture.class_name is not None:
        level = "class"
    elif model.is_conftest:
        level = "conftest"
    elif model.is_test_module:
        level = "module"
    else:
        level = "plugin"
    return FixtureDef(model.path, fixture, level)


def decorator_range(fixture: FixtureSummary) -> Range:
    return Range(fixture.decorator_line, fixture.decorator_col, fixture.decorator_end_line, fixture.decorator_end_col)


def fixture_decorator_node(node: ast.FunctionDef | ast.AsyncFunctionDef, fixture: FixtureSummary) -> ast.expr | None:
    for decorator in node.decorator_list:
        if decorator.lineno == fixture.decorator_line and decorator.end_lineno == fixture.decorator_end_line:
            return decorator
    return None


def param_range(ctx: FileContext, node: ast.FunctionDef | ast.AsyncFunctionDef, name: str) -> Range | None:
    args = node.args
    for arg in args.posonlyargs + args.args + args.kwonlyargs:
        if arg.arg == name:
            col = ctx.source.char_col(arg.lineno, arg.col_offset)
            return Range(arg.lineno, col, arg.lineno, col + len(name))
    return None


def relpath(ctx: FileContext, path) -> str:
    return ctx.project.relpath(path)


# -- wording -------------------------------------------------------------------------------


def unclaimed_outcome(model: PytestModel) -> tuple[str, str]:
    """What pytest does with an async test nobody runs: (message tail, versions sentence)."""
    ge84 = model.at_least("pytest", "8.4")
    if ge84 is True:
        return ("pytest fails it (\"async def functions are not natively supported\")",
                "With pytest ≥ 8.4 the test fails.")
    if ge84 is False:
        return ("pytest skips it with only a warning: its body never runs",
                "Before pytest 8.4 the test is skipped with a warning, so the suite stays green.")
    return ("pytest fails it (pytest ≥ 8.4; older pytest skips it silently)",
            "The outcome depends on the pytest version: it fails with pytest ≥ 8.4 (the current releases) "
            "and is skipped with a warning before.")


def nearest(value: str, valid) -> str | None:
    """The valid value a typo most likely meant (case first, then spelling)."""
    lowered = value.strip().lower()
    for candidate in valid:
        if candidate.lower() == lowered:
            return candidate
    found = difflib.get_close_matches(lowered, list(valid), n=1, cutoff=0.6)
    return found[0] if found else None


def valid_scope(value) -> bool:
    return isinstance(value, str) and value in SCOPES


# -- libcst building blocks ---------------------------------------------------------------------


def find_function(fixer: FixContext, name_range: Range) -> cst.FunctionDef:
    """The def whose name is at `name_range`."""
    name = fixer.find(name_range, cst.Name)
    parent = fixer.parent(name)
    if not isinstance(parent, cst.FunctionDef):
        raise FixUnavailable("not a def name")
    return parent


def add_decorator(fixer: FixContext, function: cst.FunctionDef, code: str) -> None:
    """Put `@code` above the def's other decorators."""
    decorator = cst.Decorator(decorator=fixer.parse_expression(code))
    fixer.replace(function, lambda updated: updated.with_changes(decorators=[decorator, *updated.decorators]))


def decorator_at(fixer: FixContext, expr_range: Range) -> tuple[cst.Decorator, cst.CSTNode]:
    """The Decorator whose expression is at `expr_range`, and the def or class it decorates."""
    expr = fixer.find(expr_range, cst.BaseExpression)
    decorator = fixer.parent(expr)
    if not isinstance(decorator, cst.Decorator):
        raise FixUnavailable("not a decorator")
    owner = fixer.parent(decorator)
    if not isinstance(owner, (cst.FunctionDef, cst.ClassDef)):
        raise FixUnavailable("decorator of something else")
    return decorator, owner


def remove_decorator(fixer: FixContext, expr_range: Range) -> None:
    decorator, owner = decorator_at(fixer, expr_range)

    def change(updated):
        kept = [d for d in updated.decorators if not d.deep_equals(decorator)]
        if len(kept) != len(updated.decorators) - 1:
            raise FixUnavailable("decorator not found")
        leading = updated.leading_lines
        if not kept and decorator.leading_lines:
            leading = [*leading, *decorator.leading_lines]
        return updated.with_changes(decorators=kept, leading_lines=leading)

    fixer.replace(owner, change)


def with_keyword(fixer: FixContext, call: cst.Call, name: str, value_code: str, *, replace: tuple[str, ...] = ()) -> cst.Call:
    """`call` with keyword `name=value` set (an existing `name` or one named in `replace` is replaced)."""
    value = fixer.parse_expression(value_code)
    args = list(call.args)
    for index, arg in enumerate(args):
        if arg.keyword is not None and (arg.keyword.value == name or arg.keyword.value in replace):
            args[index] = arg.with_changes(keyword=cst.Name(name), value=value)
            return call.with_changes(args=args)
    new = cst.Arg(
        keyword=cst.Name(name),
        value=value,
        equal=cst.AssignEqual(whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace("")),
    )
    if args and args[-1].comma is cst.MaybeSentinel.DEFAULT:
        args[-1] = args[-1].with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
    elif args and isinstance(args[-1].comma, cst.Comma):
        # a trailing comma (multi-line call): keep the layout, the new argument goes last
        new = new.with_changes(comma=args[-1].comma)
        args[-1] = args[-1].with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
    args.append(new)
    return call.with_changes(args=args)


def without_keyword(call: cst.Call, name: str) -> cst.Call:
    args = list(call.args)
    for index, arg in enumerate(args):
        if arg.keyword is not None and arg.keyword.value == name:
            removed = args.pop(index)
            if args and index == len(args):
                # the last argument went: its comma (trailing or none) now ends the call
                args[-1] = args[-1].with_changes(comma=removed.comma)
            return call.with_changes(args=args)
    raise FixUnavailable(f"no keyword {name}")


def quoted(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


# pytest-asyncio's documented recipe for one session loop (a collection hook marks every async test),
# with a session-scoped async fixture: the project both PA001 and PA009 must stay quiet on.
SESSION_LOOP_RECIPE = {
    "pyproject.toml": (
        "[project]\nname = 'x'\ndependencies = ['pytest-asyncio>=1.0']\n\n"
        "[tool.pytest.ini_options]\nasyncio_default_fixture_loop_scope = 'session'\n"
    ),
    "tests/conftest.py": (
        "import pytest\nimport pytest_asyncio\nfrom pytest_asyncio import is_async_test\n\n"
        "def pytest_collection_modifyitems(items):\n"
        "    marker = pytest.mark.asyncio(loop_scope='session')\n"
        "    for item in items:\n"
        "        if is_async_test(item):\n"
        "            item.add_marker(marker, append=False)\n\n"
        "@pytest_asyncio.fixture(scope='session')\n"
        "async def client():\n"
        "    yield object()\n"
    ),
}
