"""UT003: a plain `def asyncSetUp`/`asyncTearDown` on an IsolatedAsyncioTestCase."""

from __future__ import annotations

import ast

from ..engine.fixer import cst  # libcst, imported when a fix is built

from ..engine.checker import FileContext
from ..engine.fixer import FixContext, FixUnavailable, Transformer
from ..engine.model import Diagnostic, Severity
from ._unittest import ISOLATED, class_is_analysable, find_class, find_method_cst, runner_kind, walk_body
from ..engine.rule import Invalid, Rule, RuntimeExample, Symptom, Valid

_HOOKS = frozenset({"asyncSetUp", "asyncTearDown"})


class SyncDefAsyncHook(Rule):
    code = "UT003"
    name = "sync-def-async-hook"
    severity = Severity.ERROR
    summary = "`def asyncSetUp`/`asyncTearDown` without `async` fails every test of an IsolatedAsyncioTestCase."
    message = "`{method}` must be `async def`: IsolatedAsyncioTestCase awaits it and fails the test otherwise"
    fix_safety = "safe"
    fix_title = "Make the hook `async def`"
    tokens = ("def asyncSetUp", "def asyncTearDown")
    local = True
    position_data = {"class_line": "line"}
    symptoms = (
        Symptom(
            when="Python 3.10",
            output="AssertionError: <bound method T.asyncSetUp of <...>> returned non-awaitable",
            envs=("py310",),
        ),
        Symptom(
            when="Python 3.11 and later",
            output="AssertionError: <bound method T.asyncSetUp of <...>> is not an async function",
            envs=("py311", "py312", "py313", "py314", "py315"),
        ),
    )
    explanation = """
    `IsolatedAsyncioTestCase` awaits `asyncSetUp` and `asyncTearDown` on its
    event loop. A plain `def` does run, but the runner then asserts that it got
    an awaitable (3.10) or that the hook is a coroutine function (3.11+), so
    every test of the class is reported as a FAIL, after the hook's body ran.

    ### How to fix
    Add `async`. A bare `super().asyncSetUp()` inside the hook is awaited as
    well (it only created a coroutine before).

    ```python
    class TestClient(unittest.IsolatedAsyncioTestCase):
        async def asyncSetUp(self):
            self.client = make_client()
    ```

    The fix is marked unsafe when the hook returns a value (it may return an
    awaitable on purpose, which worked on 3.10) and is not offered for
    generators.

    Not reported: classes that are not certainly `IsolatedAsyncioTestCase`
    subclasses (a mixin or an unknown base may call `asyncSetUp` its own way),
    classes overriding unittest's hook dispatch, and decorated hooks.
    """

    def visit_FunctionDef(self, node: ast.FunctionDef, ctx: FileContext) -> None:
        if node.name not in _HOOKS or ctx.scope.kind != "class" or ctx.scope.parent is None:
            return
        if ctx.scope.parent.kind != "module" or node.decorator_list:
            return
        cls: ast.ClassDef = ctx.scope.node  # type: ignore[assignment]
        model = ctx.class_model(cls)
        if runner_kind(model) != ISOLATED or not class_is_analysable(ctx, cls):
            return
        nodes = list(walk_body(node))
        generator = any(isinstance(n, (ast.Yield, ast.YieldFrom)) for n in nodes)
        returns_value = any(
            isinstance(n, ast.Return) and n.value is not None and not _is_none(n.value) for n in nodes
        )
        reason = (
            f"Class chain: `{model.describe_chain()}`. `IsolatedAsyncioTestCase` runs `{node.name}` on its loop "  # type: ignore[union-attr]
            "and requires a coroutine function (3.11+) or an awaitable result (3.10)."
        )
        if returns_value:
            reason += " The hook returns a value; check that adding `async` keeps what it returns meaningful."
        ctx.report(
            self,
            range=ctx.name_range(node),
            fields={"method": node.name},
            reason=reason,
            data={"class_line": cls.lineno, "method": node.name},
            fix_applicability="unsafe" if returns_value else "safe",
            fixable=not generator,
        )

    def fix(self, fixer: FixContext, diagnostic: Diagnostic) -> None:
        class_node = find_class(fixer, diagnostic.data["class_line"])
        method = find_method_cst(class_node, diagnostic.data["method"])
        if method is None or method.asynchronous is not None:
            raise FixUnavailable("sync hook not found")
        body = method.body.visit(_AwaitSuperHook(diagnostic.data["method"]))
        fixer.replace(method, lambda updated: updated.with_changes(asynchronous=cst.Asynchronous(), body=body))

    examples = (
        Invalid(
            source=(
                "import unittest\n"
                "\n"
                "class T(unittest.IsolatedAsyncioTestCase):\n"
                "    def asyncSetUp(self):\n"
                "        self.value = 42\n"
                "\n"
                "    async def test_x(self):\n"
                "        self.assertEqual(self.value, 42)\n"
            ),
            at=(4, 9),
            end=(4, 19),
            fixed=(
                "import unittest\n"
                "\n"
                "class T(unittest.IsolatedAsyncioTestCase):\n"
                "    async def asyncSetUp(self):\n"
                "        self.value = 42\n"
                "\n"
                "    async def test_x(self):\n"
                "        self.assertEqual(self.value, 42)\n"
            ),
        ),
        Invalid(
            # Through a project base in another file; the bare super() call gets its await.
            files={
                "tests/base.py": (
                    "from unittest import IsolatedAsyncioTestCase\n\n"
                    "class ApiCase(IsolatedAsyncioTestCase):\n"
                    "    async def asyncTearDown(self):\n"
                    "        pass\n"
                ),
            },
            source=(
                "from tests.base import ApiCase\n"
                "\n"
                "class TestApi(ApiCase):\n"
                "    def asyncTearDown(self):\n"
                "        super().asyncTearDown()\n"
                "        self.closed = True\n"
            ),
            at=(4, 9),
            fixed=(
                "from tests.base import ApiCase\n"
                "\n"
                "class TestApi(ApiCase):\n"
                "    async def asyncTearDown(self):\n"
                "        await super().asyncTearDown()\n"
                "        self.closed = True\n"
            ),
        ),
        Invalid(
            # Returning an awaitable worked on 3.10 only; the fix needs review.
            source=(
                "import unittest\n"
                "\n"
                "class T(unittest.IsolatedAsyncioTestCase):\n"
                "    def asyncSetUp(self):\n"
                "        return super().asyncSetUp()\n"
            ),
            at=(4, 9),
            fixed=(
                "import unittest\n"
                "\n"
                "class T(unittest.IsolatedAsyncioTestCase):\n"
                "    async def asyncSetUp(self):\n"
                "        return await super().asyncSetUp()\n"
            ),
            unsafe=True,
        ),
        Valid(
            source=(
                "import unittest\n\n"
                "class T(unittest.IsolatedAsyncioTestCase):\n"
                "    async def asyncSetUp(self):\n"
                "        self.value = 42\n"
            ),
            why="the correct spelling",
        ),
        Valid(
            source=(
                "import asyncio, unittest\n\n"
                "class LegacyAsync(unittest.TestCase):\n"
                "    def asyncSetUp(self):\n"
                "        self.value = 42\n\n"
                "    def setUp(self):\n"
                "        self.asyncSetUp()\n"
            ),
            why="a plain TestCase with its own convention (UT004's business, and excluded there too)",
        ),
        Valid(
            source=(
                "class DbMixin:\n"
                "    def asyncSetUp(self):\n"
                "        self.db = 1\n"
            ),
            why="a mixin that is not a TestCase: how it is combined is unknown here",
        ),
        Valid(
            source=(
                "import unittest\n"
                "from vendor import to_async\n\n"
                "class T(unittest.IsolatedAsyncioTestCase):\n"
                "    @to_async\n"
                "    def asyncSetUp(self):\n"
                "        self.value = 42\n"
            ),
            why="a decorator may turn it into a coroutine function",
        ),
        Valid(
            source=(
                "from vendor.testing import Case\n\n"
                "class T(Case):\n"
                "    def asyncSetUp(self):\n"
                "        self.value = 42\n"
            ),
            why="an unresolvable base",
        ),
    )

    runtime = (
        RuntimeExample(
            files={
                "test_example.py": (
                    "import unittest\n\n"
                    "class T(unittest.IsolatedAsyncioTestCase):\n"
                    "    def asyncSetUp(self):\n"
                    "        self.value = 42\n\n"
                    "    async def test_x(self):\n"
                    "        __SENTINEL__\n"
                    "        self.assertEqual(self.value, 42)\n"
                ),
            },
            runner="unittest",
            outcome="failed",
            body_ran=False,
            symptoms=symptoms,
            envs=("py310", "py311", "py312", "py313", "py314", "py315"),
        ),
    )


def _is_none(expr: ast.AST) -> bool:
    return isinstance(expr, ast.Constant) and expr.value is None


class _AwaitSuperHook(Transformer):
    """`super().asyncSetUp()` not already awaited -> `await super().asyncSetUp()`."""

    def __init__(self, name: str):
        super().__init__()
        self.name = name
        self._awaited: set[int] = set()

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        return False

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        return False

    def visit_Await(self, node: cst.Await) -> None:
        self._awaited.add(id(node.expression))

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        func = updated.func
        if (
            id(original) not in self._awaited
            and isinstance(func, cst.Attribute)
            and func.attr.value == self.name
            and isinstance(func.value, cst.Call)
            and isinstance(func.value.func, cst.Name)
            and func.value.func.value == "super"
        ):
            return cst.Await(expression=updated)
        return updated
