"""Helpers shared by the unittest-structure rules (UT001–UT009).

They answer the questions those rules keep asking: which kind of runner will
call this class's hooks ("isolated" = IsolatedAsyncioTestCase, "sync" = a plain
unittest.TestCase, None = cannot tell), where a method is defined in a class
body, and how to turn a class into an IsolatedAsyncioTestCase in a fix.
"""

from __future__ import annotations

import ast

from ..engine.fixer import cst  # libcst, imported when a fix is built

from ..engine.checker import FileContext
from ..engine.fixer import FixContext, FixUnavailable
from ..engine.project import ClassModel
from ..engine.semantic.dispatch import RUNS_ISOLATED, RUNS_SYNC, runner_kind  # noqa: F401 (the rules' runner question)
from .helpers import PRESERVES, class_decorators_verdict

ISOLATED = RUNS_ISOLATED
SYNC = RUNS_SYNC

_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)


def class_is_analysable(ctx: FileContext, node: ast.ClassDef) -> bool:
    """Class decorators may rewrite methods: only known harmless ones keep the class analysable."""
    return not node.decorator_list or class_decorators_verdict(ctx, node) == PRESERVES


def top_level_class(ctx: FileContext) -> tuple[ast.ClassDef, ClassModel] | None:
    """The module-level class enclosing the current node, with its model (None for nested classes)."""
    cls = ctx.enclosing_class
    if cls is None:
        return None
    summary = ctx.summary.classes.get(cls.name)
    if summary is None or summary.line != cls.lineno:
        return None
    model = ctx.class_model(cls)
    return (cls, model) if model is not None else None


def find_method(node: ast.ClassDef, name: str) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
    """The last definition of `name` directly in a class body (the one Python keeps)."""
    found = None
    for item in node.body:
        if isinstance(item, _FUNCTIONS) and item.name == name:
            found = item
    return found


def is_self_attr_call(call: ast.Call, names: frozenset[str] | tuple[str, ...], receivers=("self",)) -> str | None:
    """`self.<name>(...)` with name in `names`: the name, else None."""
    func = call.func
    if (
        isinstance(func, ast.Attribute)
        and func.attr in names
        and isinstance(func.value, ast.Name)
        and func.value.id in receivers
    ):
        return func.attr
    return None


def base_defines(project, model: ClassModel, name: str) -> bool:
    """Does a project class of the MRO other than the class itself define `name`?"""
    for class_name, path, _, _ in model.chain_locations[1:]:
        summary = project.summary(path)
        cls = summary.classes.get(class_name) if summary else None
        if cls is not None and name in cls.methods:
            return True
    return False


def walk_body(function: ast.AST):
    """Nodes of a function body, not entering nested functions, classes or lambdas."""
    stack = list(getattr(function, "body", ()))
    while stack:
        node = stack.pop()
        yield node
        for child in ast.iter_child_nodes(node):
            if not isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
                stack.append(child)


# -- fixes ------------------------------------------------------------------------

def find_class(fixer: FixContext, line: int) -> cst.ClassDef:
    """The top-level class whose `class` statement (not decorators) is on `line`."""
    for node in fixer.module.body:
        if isinstance(node, cst.ClassDef) and _class_line(fixer, node) == line:
            return node
    raise FixUnavailable("class not found")


def _class_line(fixer: FixContext, node: cst.ClassDef) -> int:
    return fixer.range_of(node.name).line


def find_method_cst(class_node: cst.ClassDef, name: str) -> cst.FunctionDef | None:
    found = None
    for item in class_node.body.body:
        if isinstance(item, cst.FunctionDef) and item.name.value == name:
            found = item
    return found


def change_base_to_isolated(fixer: FixContext, class_node: cst.ClassDef) -> None:
    """Make `class_node` derive from unittest.IsolatedAsyncioTestCase (UT001's fix, shared)."""
    replacement = fixer.name_for("unittest", "IsolatedAsyncioTestCase")
    new_base = fixer.parse_expression(replacement)
    bases = list(class_node.bases)
    for index, arg in enumerate(bases):
        if spells_testcase(fixer, arg.value):
            bases[index] = arg.with_changes(value=new_base)
            break
    else:
        # The class reaches TestCase through a project base: add the async
        # base last so the project base's overrides still come first.
        if bases and bases[-1].comma is cst.MaybeSentinel.DEFAULT:
            bases[-1] = bases[-1].with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
        bases.append(cst.Arg(value=new_base))
    fixer.replace(class_node, lambda updated: updated.with_changes(bases=bases))


def spells_testcase(fixer: FixContext, expr: cst.BaseExpression) -> bool:
    """Is this base expression `unittest.TestCase` as imported in the file?"""
    code = fixer.code(expr).strip()
    return code.split(".")[-1] == "TestCase" and (
        code == "TestCase" and fixer.imported_name("unittest", "TestCase") == "TestCase"
        or code == f"{fixer.module_alias('unittest') or 'unittest'}.TestCase"
    )
