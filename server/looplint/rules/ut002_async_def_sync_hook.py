"""UT002: `async def setUp`/`tearDown`: unittest calls them synchronously and drops the coroutine."""

from __future__ import annotations

import ast
import re

from ..engine.fixer import cst  # libcst, imported when a fix is built

from ..engine.checker import FileContext
from ..engine.fixer import FixContext, FixUnavailable, Transformer
from ..engine.model import Diagnostic, Severity
from ._unittest import (
    ISOLATED,
    SYNC,
    base_defines,
    change_base_to_isolated,
    class_is_analysable,
    find_class,
    find_method_cst,
    runner_kind,
    walk_body,
)
from ..engine.rule import Invalid, Rule, RuntimeExample, Symptom, Valid
from .helpers import PRESERVES, method_decorators_verdict

_RENAMES = {"setUp": "asyncSetUp", "tearDown": "asyncTearDown"}


class AsyncDefSyncHook(Rule):
    code = "UT002"
    name = "async-def-sync-hook"
    severity = Severity.ERROR
    summary = "`async def setUp`/`tearDown` never runs: unittest calls these hooks synchronously."
    message = "`async def {method}` never runs: unittest calls `{method}()` synchronously and drops the coroutine"
    fix_safety = "safe"
    fix_title = "Rename to asyncSetUp/asyncTearDown"
    fix_edits_elsewhere = True  # its fix reads or edits other methods or statements
    tokens = ("async def setUp", "async def tearDown")
    symptoms = (
        Symptom(
            when="IsolatedAsyncioTestCase, Python 3.10",
            output=".../unittest/async_case.py:60: RuntimeWarning: coroutine '...setUp' was never awaited",
            envs=("py310",),
        ),
        Symptom(
            when="IsolatedAsyncioTestCase, Python 3.11–3.12",
            output=".../unittest/async_case.py:86: RuntimeWarning: coroutine '...setUp' was never awaited",
            envs=("py311", "py312"),
        ),
        Symptom(
            when="IsolatedAsyncioTestCase, Python 3.13",
            output=".../unittest/async_case.py:89: RuntimeWarning: coroutine '...setUp' was never awaited",
            envs=("py313",),
        ),
        Symptom(
            when="IsolatedAsyncioTestCase, Python 3.14 and 3.15",
            output=".../unittest/async_case.py:98: RuntimeWarning: coroutine '...setUp' was never awaited",
            envs=("py314", "py315"),
        ),
        Symptom(
            when="then, on every version, the first use of what setUp should have set",
            output="AttributeError: '...' object has no attribute '...'",
            envs=("py310", "py311", "py312", "py313", "py314", "py315"),
        ),
    )
    explanation = """
    `unittest` calls `setUp()` and `tearDown()` as plain functions, also in
    `IsolatedAsyncioTestCase` (which runs them in its context but does not
    await them). An `async def setUp` therefore only creates a coroutine that
    is dropped: the set-up never happens and the test fails later with an
    unrelated-looking `AttributeError`; an `async def tearDown` silently skips
    the clean-up. The async hooks are `asyncSetUp` and `asyncTearDown`.

    ### How to fix
    Rename the hook. A `super().setUp()` inside becomes
    `await super().asyncSetUp()` (the base's own `setUp` is still called by
    the runner before `asyncSetUp`).

    ```python
    class TestClient(unittest.IsolatedAsyncioTestCase):
        async def asyncSetUp(self):
            self.client = await connect()
    ```

    The fix is safe when the class has no `asyncSetUp`/`asyncTearDown` yet,
    nothing in the file calls the hook explicitly, and the hook either calls
    `super()` or overrides nothing of the project (otherwise the rename would
    start running a base-class hook it used to hide). On a plain
    `unittest.TestCase` the renamed hook would never be called, so the fix also
    changes the base class to `IsolatedAsyncioTestCase` and is unsafe (see
    UT001: a loop per test, set as current during `setUp`).

    Not reported: classes whose bases cannot be resolved or that derive from
    a framework base running async code itself (Django, aiounittest, your
    `async-test-bases`), classes that override unittest's hook dispatch
    (`_callSetUp`, `_callMaybeAsync`, ...), and hooks wrapped in decorators that
    run the coroutine or that looplint cannot see into.
    """

    def visit_AsyncFunctionDef(self, node: ast.AsyncFunctionDef, ctx: FileContext) -> None:
        if node.name not in _RENAMES or ctx.scope.kind != "class" or ctx.scope.parent is None:
            return
        if ctx.scope.parent.kind != "module":
            return
        cls: ast.ClassDef = ctx.scope.node  # type: ignore[assignment]
        model = ctx.class_model(cls)
        kind = runner_kind(model)
        if kind is None or not class_is_analysable(ctx, cls):
            return
        summary = ctx.summary.classes[cls.name].methods.get(node.name)
        if summary is not None and summary.decorators:
            if method_decorators_verdict(ctx.project, ctx.path, summary.decorators) != PRESERVES:
                return  # a decorator may run the coroutine (async_to_sync, ...)
        new = _RENAMES[node.name]
        unsafe_because = _unsafe_reasons(ctx, cls, node, model, kind)
        chain = model.describe_chain()  # type: ignore[union-attr]
        if kind == ISOLATED:
            reason = (
                f"Class chain: `{chain}`. `IsolatedAsyncioTestCase` calls `self.{node.name}()` without awaiting it "
                f"and awaits `{new}` instead."
            )
        else:
            reason = (
                f"Class chain: `{chain}`, a plain `unittest.TestCase`: it calls `self.{node.name}()` and drops the "
                f"coroutine. It never calls `{new}` either, so the fix also changes the base to "
                "`IsolatedAsyncioTestCase`."
            )
        has_new = any(isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) and item.name == new for item in cls.body)
        if unsafe_because:
            reason += " The fix needs review: " + "; ".join(unsafe_because) + "."
        ctx.report(
            self,
            range=ctx.name_range(node),
            fields={"method": node.name},
            reason=reason,
            data={"class_line": cls.lineno, "method": node.name, "new": new, "change_base": kind == SYNC},
            fix_title=f"Rename to {new}" + (" and derive from IsolatedAsyncioTestCase" if kind == SYNC else ""),
            fix_applicability="unsafe" if unsafe_because or kind == SYNC else "safe",
            fixable=not has_new,
            never_runs=node,
        )

    def fix(self, fixer: FixContext, diagnostic: Diagnostic) -> None:
        data = diagnostic.data
        old, new = data["method"], data["new"]
        class_node = find_class(fixer, data["class_line"])
        if find_method_cst(class_node, new) is not None:
            raise FixUnavailable(f"the class already defines {new}")
        method = find_method_cst(class_node, old)
        if method is None or method.asynchronous is None:
            raise FixUnavailable("hook not found")
        new_body = method.body.visit(_SuperHookToAsync(old, new))

        def rename(updated: cst.CSTNode) -> cst.CSTNode:
            return updated.with_changes(name=cst.Name(new), body=new_body)  # type: ignore[union-attr]

        fixer.replace(method, rename)
        if data.get("change_base"):
            # A plain TestCase never calls asyncSetUp: the rename needs the async base.
            change_base_to_isolated(fixer, class_node)

    examples = (
        Invalid(
            source=(
                "import unittest\n"
                "\n"
                "class T(unittest.IsolatedAsyncioTestCase):\n"
                "    async def setUp(self):\n"
                "        self.value = 42\n"
                "\n"
                "    async def test_value(self):\n"
                "        self.assertEqual(self.value, 42)\n"
            ),
            at=(4, 15),
            end=(4, 20),
            fixed=(
                "import unittest\n"
                "\n"
                "class T(unittest.IsolatedAsyncioTestCase):\n"
                "    async def asyncSetUp(self):\n"
                "        self.value = 42\n"
                "\n"
                "    async def test_value(self):\n"
                "        self.assertEqual(self.value, 42)\n"
            ),
        ),
        Invalid(
            # super().setUp() becomes await super().asyncSetUp(); the base's sync setUp still runs first.
            files={
                "tests/base.py": (
                    "import unittest\n\n"
                    "class Base(unittest.IsolatedAsyncioTestCase):\n"
                    "    def setUp(self):\n"
                    "        self.ready = True\n"
                ),
            },
            source=(
                "from tests.base import Base\n"
                "\n"
                "class TestDb(Base):\n"
                "    async def setUp(self):\n"
                "        super().setUp()\n"
                "        self.db = 1\n"
                "\n"
                "    async def tearDown(self):\n"
                "        await super().tearDown()\n"
                "\n"
                "    async def test_db(self):\n"
                "        self.assertTrue(self.ready)\n"
            ),
            at=((4, 15), (8, 15)),
            fixed=(
                "from tests.base import Base\n"
                "\n"
                "class TestDb(Base):\n"
                "    async def asyncSetUp(self):\n"
                "        await super().asyncSetUp()\n"
                "        self.db = 1\n"
                "\n"
                "    async def asyncTearDown(self):\n"
                "        await super().asyncTearDown()\n"
                "\n"
                "    async def test_db(self):\n"
                "        self.assertTrue(self.ready)\n"
            ),
        ),
        Invalid(
            # A plain TestCase never calls asyncSetUp: the rename comes with the base change, unsafe.
            source=(
                "from unittest import TestCase\n"
                "\n"
                "class T(TestCase):\n"
                "    async def setUp(self):\n"
                "        self.value = 42\n"
                "\n"
                "    def test_value(self):\n"
                "        self.assertEqual(self.value, 42)\n"
            ),
            at=(4, 15),
            fixed=(
                "from unittest import TestCase\n"
                "import unittest\n"
                "\n"
                "class T(unittest.IsolatedAsyncioTestCase):\n"
                "    async def asyncSetUp(self):\n"
                "        self.value = 42\n"
                "\n"
                "    def test_value(self):\n"
                "        self.assertEqual(self.value, 42)\n"
            ),
            unsafe=True,
        ),
        Invalid(
            # The hook is also awaited by hand elsewhere: renaming needs review.
            source=(
                "import unittest\n"
                "\n"
                "class T(unittest.IsolatedAsyncioTestCase):\n"
                "    async def setUp(self):\n"
                "        self.value = 42\n"
                "\n"
                "    async def test_reset(self):\n"
                "        await self.setUp()\n"
            ),
            at=(4, 15),
            fixed=(
                "import unittest\n"
                "\n"
                "class T(unittest.IsolatedAsyncioTestCase):\n"
                "    async def asyncSetUp(self):\n"
                "        self.value = 42\n"
                "\n"
                "    async def test_reset(self):\n"
                "        await self.setUp()\n"
            ),
            unsafe=True,
        ),
        Invalid(
            # The class already has asyncSetUp: reported, no automatic rename.
            source=(
                "import unittest\n"
                "\n"
                "class T(unittest.IsolatedAsyncioTestCase):\n"
                "    async def asyncSetUp(self):\n"
                "        self.a = 1\n"
                "\n"
                "    async def setUp(self):\n"
                "        self.b = 2\n"
            ),
            at=(7, 15),
        ),
        Valid(
            source=(
                "import unittest\n\n"
                "class T(unittest.IsolatedAsyncioTestCase):\n"
                "    async def asyncSetUp(self):\n"
                "        self.value = 42\n\n"
                "    def setUp(self):\n"
                "        self.sync = True\n"
            ),
            why="the async hook has the async name; a sync setUp is fine",
        ),
        Valid(
            source=(
                "from vendor.testing import AsyncCase\n\n"
                "class T(AsyncCase):\n"
                "    async def setUp(self):\n"
                "        self.value = 42\n"
            ),
            why="an unresolvable base may await setUp itself",
        ),
        Valid(
            files={
                "tests/base.py": (
                    "import asyncio, unittest\n\n"
                    "class AsyncHooks(unittest.TestCase):\n"
                    "    def _callSetUp(self):\n"
                    "        asyncio.run(self.setUp())\n"
                ),
            },
            source=(
                "from tests.base import AsyncHooks\n\n"
                "class T(AsyncHooks):\n"
                "    async def setUp(self):\n"
                "        self.value = 42\n"
            ),
            why="a project base that overrides the hook dispatch decides how setUp is called",
        ),
        Valid(
            source=(
                "from django.test import TestCase\n\n"
                "class T(TestCase):\n"
                "    async def setUp(self):\n"
                "        self.value = 42\n"
            ),
            why="framework bases that run async code themselves are left alone",
        ),
        Valid(
            source=(
                "import unittest\n"
                "from asgiref.sync import async_to_sync\n\n"
                "class T(unittest.TestCase):\n"
                "    @async_to_sync\n"
                "    async def setUp(self):\n"
                "        self.value = 42\n"
            ),
            why="a decorator that runs the coroutine synchronously",
        ),
        Valid(
            source=(
                "class Helper:\n"
                "    async def setUp(self):\n"
                "        self.value = 42\n"
            ),
            why="not a TestCase: setUp is just a method name",
        ),
        Valid(
            source=(
                "import unittest\n\n"
                "def make():\n"
                "    class T(unittest.IsolatedAsyncioTestCase):\n"
                "        pass\n"
                "    return T\n\n"
                "class Other:\n"
                "    class Inner(unittest.TestCase):\n"
                "        async def setUp(self):\n"
                "            pass\n"
            ),
            why="nested classes are not resolved (looplint stays silent rather than guess)",
        ),
    )

    runtime = (
        RuntimeExample(
            files={
                "test_example.py": (
                    "import unittest\n\n"
                    "class T(unittest.IsolatedAsyncioTestCase):\n"
                    "    async def setUp(self):\n"
                    "        self.value = 42\n\n"
                    "    async def test_uses_setup(self):\n"
                    "        __SENTINEL__\n"
                    "        self.assertEqual(self.value, 42)\n"
                ),
            },
            runner="unittest",
            outcome="error",
            body_ran=True,
            symptoms=symptoms,
            envs=("py310", "py311", "py312", "py313", "py314", "py315"),
        ),
        RuntimeExample(
            files={
                "test_example.py": (
                    "import unittest\n\n"
                    "class T(unittest.TestCase):\n"
                    "    async def setUp(self):\n"
                    "        self.value = 42\n\n"
                    "    def test_uses_setup(self):\n"
                    "        __SENTINEL__\n"
                    "        self.assertEqual(self.value, 42)\n"
                ),
            },
            runner="unittest",
            outcome="error",
            body_ran=True,
            symptoms=(
                Symptom(
                    when="plain TestCase, every version",
                    output=".../unittest/case.py:...: RuntimeWarning: coroutine 'T.setUp' was never awaited",
                    envs=("py310", "py311", "py312", "py313", "py314", "py315"),
                ),
                Symptom(
                    when="plain TestCase, every version",
                    output="AttributeError: 'T' object has no attribute 'value'",
                    envs=("py310", "py311", "py312", "py313", "py314", "py315"),
                ),
            ),
            envs=("py310", "py311", "py312", "py313", "py314", "py315"),
            note="the unsafe fix renames the hook and changes the base to IsolatedAsyncioTestCase",
        ),
    )


def _unsafe_reasons(ctx: FileContext, cls: ast.ClassDef, node: ast.AsyncFunctionDef, model, kind: str) -> list[str]:
    reasons = []
    new = _RENAMES[node.name]
    if new in model.methods and model.methods[new][1] != cls.name:
        reasons.append(f"a base class defines `{new}`, which the renamed hook will override")
    if _called_elsewhere(ctx, node):
        reasons.append(f"`{node.name}` is called explicitly in this file")
    if kind == ISOLATED and base_defines(ctx.project, model, node.name) and not _calls_super_hook(node):
        reasons.append(f"a base class defines `{node.name}`, which this hook was hiding and which would start to run")
    return reasons


def _called_elsewhere(ctx: FileContext, hook: ast.AsyncFunctionDef) -> bool:
    """Any `.setUp` in the file besides the `super().setUp()` calls inside the hook itself.

    Counted on the text (comments and strings included: that only makes the
    fix "unsafe" more often) rather than by walking the whole tree again.
    """
    mentions = len(re.findall(rf"\.\s*{hook.name}\b", ctx.source.text))
    own = sum(
        1 for n in walk_body(hook) if isinstance(n, ast.Attribute) and n.attr == hook.name and _is_super_call(n.value)
    )
    return mentions > own


def _calls_super_hook(hook: ast.AsyncFunctionDef) -> bool:
    return any(
        isinstance(n, ast.Attribute) and n.attr == hook.name and _is_super_call(n.value) for n in walk_body(hook)
    )


def _is_super_call(expr: ast.AST) -> bool:
    return isinstance(expr, ast.Call) and isinstance(expr.func, ast.Name) and expr.func.id == "super"


class _SuperHookToAsync(Transformer):
    """`super().setUp()` -> `await super().asyncSetUp()` (an existing await is kept, not doubled)."""

    def __init__(self, old: str, new: str):
        super().__init__()
        self.old, self.new = old, new

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        return False  # nested functions are not the hook's body

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        return False

    def leave_Await(self, original: cst.Await, updated: cst.Await) -> cst.BaseExpression:
        if isinstance(updated.expression, cst.Await):
            return updated.expression  # the inner call was made an await below
        return updated

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        func = updated.func
        if (
            isinstance(func, cst.Attribute)
            and func.attr.value == self.old
            and isinstance(func.value, cst.Call)
            and isinstance(func.value.func, cst.Name)
            and func.value.func.value == "super"
        ):
            return cst.Await(expression=updated.with_changes(func=func.with_changes(attr=cst.Name(self.new))))
        return updated
