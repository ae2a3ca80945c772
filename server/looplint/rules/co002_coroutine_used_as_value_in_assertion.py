"""CO002: a coroutine call used as a value in a check (always truthy, never equal)."""

from __future__ import annotations

import ast

from ..engine import knowledge
from ..engine.checker import FileContext
from ..engine.fixer import FixContext, FixUnavailable
from ..engine.model import Diagnostic, Severity
from . import _coroutines as co
from ..engine.rule import Invalid, Rule, RuntimeExample, Symptom, Valid

_PYTEST_INI = "[pytest]\nasyncio_default_fixture_loop_scope = function\n"


class CoroutineUsedAsValueInAssertion(Rule):
    code = "CO002"
    name = "coroutine-used-as-value-in-assertion"
    severity = Severity.ERROR
    summary = "A coroutine call is checked as a value (assert, if, not, a comparison, assertTrue) instead of its result."
    message = "Coroutine `{callee}()` is {how} without `await`: {effect}"
    fix_safety = "safe"
    fix_title = "Add `await`"
    call_names = frozenset(knowledge.ASSERTION_VALUE_ARGS) | {"bool"}
    local = True
    symptoms = (
        Symptom(
            when="every version: `assertTrue(coro())` and `assert coro()` pass; the coroutine is never awaited",
            output="RuntimeWarning: coroutine '...' was never awaited",
            envs=("py310", "py311", "py312", "py313", "py314", "py315", "py311-pytest84-pa10", "py311-pytest83-pa023"),
        ),
        Symptom(
            when="every version: equality compares the coroutine object",
            output="AssertionError: <coroutine object ... at 0x...> != False",
            envs=("py310", "py311", "py312", "py313", "py314", "py315"),
        ),
    )
    explanation = """
    A coroutine object is always truthy and equal only to itself. Checking
    the call instead of its awaited result makes `assertTrue(coro())`,
    `assert coro()`, `if coro():` and `coro() is not None` always true,
    `assertFalse`/`assertIsNone` always fail, and `assertEqual(coro(), x)`
    fail with a confusing `<coroutine object ...> != x`. Either way the
    coroutine itself never runs (`RuntimeWarning: coroutine ... was never
    awaited`).

    Reported positions: the value arguments of unittest assertions
    (`assertTrue`, `assertFalse`, `assertIsNone`, `assertEqual`, `assertIn`,
    ...), the test of `assert`, `if`, `while`, a conditional expression or a
    comprehension's `if`, the operand of `not`, the operands of `and`/`or`
    whose truth is tested, comparison operands, and `bool(...)`. Callees are
    resolved as for CO001 (project `async def`s across files, asyncio/anyio
    coroutine functions, AsyncMocks).

    ### How to fix
    Await the call (safe inside an `async def`; the fix adds it, with
    parentheses where precedence needs them). In a synchronous test, make the
    test async first.

    ```python
    self.assertTrue(await client.is_ready())     # was: self.assertTrue(client.is_ready())
    ```

    Not reported: unresolved callees, `assertIsInstance(coro(), Coroutine)`
    and `inspect.iscoroutine(coro())` (they check the coroutine on purpose),
    the last operand of `x or coro()` when its value is used rather than
    tested (it may be awaited later), and names holding a coroutine.
    """

    # -- where a value is truth-tested or compared ------------------------------------
    def visit_Assert(self, node: ast.Assert, ctx: FileContext) -> None:
        self._operand(node.test, node, "asserted", ctx)

    def visit_If(self, node: ast.If, ctx: FileContext) -> None:
        self._operand(node.test, node, "tested by `if`", ctx)

    def visit_While(self, node: ast.While, ctx: FileContext) -> None:
        self._operand(node.test, node, "tested by `while`", ctx)

    def visit_IfExp(self, node: ast.IfExp, ctx: FileContext) -> None:
        self._operand(node.test, node, "tested by a conditional expression", ctx)

    def visit_comprehension(self, node: ast.comprehension, ctx: FileContext) -> None:
        for test in node.ifs:
            self._operand(test, node, "tested by a comprehension `if`", ctx)

    def visit_UnaryOp(self, node: ast.UnaryOp, ctx: FileContext) -> None:
        if isinstance(node.op, ast.Not):
            self._operand(node.operand, node, "negated with `not`", ctx)

    def visit_BoolOp(self, node: ast.BoolOp, ctx: FileContext) -> None:
        values = node.values
        last_tested = _truth_tested(node, ctx.parents)
        word = "and" if isinstance(node.op, ast.And) else "or"
        for index, value in enumerate(values):
            if index < len(values) - 1 or last_tested:
                self._operand(value, node, f"tested by `{word}`", ctx)

    def visit_Compare(self, node: ast.Compare, ctx: FileContext) -> None:
        for value in (node.left, *node.comparators):
            self._operand(value, node, "compared", ctx)

    def visit_Call(self, node: ast.Call, ctx: FileContext) -> None:
        func = node.func
        if isinstance(func, ast.Attribute):
            count = knowledge.ASSERTION_VALUE_ARGS.get(func.attr)
            if count:
                for arg in node.args[:count]:
                    self._operand(arg, node, f"checked by `{func.attr}`", ctx)
            return
        if isinstance(func, ast.Name) and func.id == "bool" and len(node.args) == 1:
            if ctx.qualify(func) == "builtins.bool":
                self._operand(node.args[0], node, "passed to `bool()`", ctx)

    # -- the check --------------------------------------------------------------------
    def _operand(self, value: ast.AST, context: ast.AST, how: str, ctx: FileContext) -> None:
        if not isinstance(value, ast.Call):
            return
        if co.coroutine_call_kind(ctx, value) is None:
            return
        seen = ctx.state.setdefault(self.code, set())
        if id(value) in seen:
            return
        seen.add(id(value))
        callee = co.describe_call(value)
        compares = how == "compared" or (how.startswith("checked by") and not any(
            word in how for word in ("True", "False", "None", "assert_`", "failUnless`", "failIf`")))
        effect = (
            "the coroutine object is compared, not its result" if compares
            else "a coroutine object is always truthy, so the check does not test the result"
        )
        reason = f"{co.describe_callee(ctx, value)}. The coroutine object itself is {how}, and it never runs."
        if co.can_await(ctx, context):
            ctx.report(self, value, fields={"callee": callee, "how": how, "effect": effect}, reason=reason)
        else:
            ctx.report(
                self,
                value,
                fields={"callee": callee, "how": how, "effect": effect},
                reason=reason + " This code is not directly in an `async def`, so it cannot simply be awaited.",
                fixable=False,
            )

    def fix(self, fixer: FixContext, diagnostic: Diagnostic) -> None:
        if diagnostic.fix_applicability is None:
            raise FixUnavailable("not in an async def")
        co.insert_await(fixer, diagnostic)

    examples = (
        Invalid(
            source=(
                "import unittest\n\n"
                "async def is_ready():\n"
                "    return False\n\n"
                "class T(unittest.IsolatedAsyncioTestCase):\n"
                "    async def test_ready(self):\n"
                "        self.assertTrue(is_ready())\n"
                "        self.assertEqual(is_ready(), False)\n"
            ),
            at=((8, 25), (9, 26)),
            fixed=(
                "import unittest\n\n"
                "async def is_ready():\n"
                "    return False\n\n"
                "class T(unittest.IsolatedAsyncioTestCase):\n"
                "    async def test_ready(self):\n"
                "        self.assertTrue(await is_ready())\n"
                "        self.assertEqual(await is_ready(), False)\n"
            ),
        ),
        Invalid(
            files={
                "app/__init__.py": "",
                "app/client.py": (
                    "class Client:\n"
                    "    async def connected(self):\n        return True\n"
                    "    async def count(self):\n        return 0\n"
                ),
            },
            source=(
                "import pytest\n"
                "from app.client import Client\n\n"
                "@pytest.mark.asyncio\n"
                "async def test_client():\n"
                "    c = Client()\n"
                "    assert c.connected()\n"
                "    if not c.connected():\n"
                "        pytest.fail('down')\n"
                "    assert c.count() == 0 and bool(c.connected())\n"
            ),
            at=((7, 12), (8, 12), (10, 12), (10, 36)),
            fixed=(
                "import pytest\n"
                "from app.client import Client\n\n"
                "@pytest.mark.asyncio\n"
                "async def test_client():\n"
                "    c = Client()\n"
                "    assert await c.connected()\n"
                "    if not await c.connected():\n"
                "        pytest.fail('down')\n"
                "    assert await c.count() == 0 and bool(await c.connected())\n"
            ),
        ),
        Invalid(
            # `and`/`or` operands whose truth is tested; a while loop on an AsyncMock.
            source=(
                "from unittest.mock import AsyncMock\n\n"
                "async def ready():\n    return True\n\n"
                "async def test_poll():\n"
                "    probe = AsyncMock(return_value=False)\n"
                "    while probe():\n"
                "        pass\n"
                "    flag = ready() or None\n"
                "    await flag\n"
            ),
            at=((8, 11), (10, 12)),
            fixed=(
                "from unittest.mock import AsyncMock\n\n"
                "async def ready():\n    return True\n\n"
                "async def test_poll():\n"
                "    probe = AsyncMock(return_value=False)\n"
                "    while await probe():\n"
                "        pass\n"
                "    flag = await ready() or None\n"
                "    await flag\n"
            ),
        ),
        Invalid(
            # A sync test (pytest p21): always passes, no await possible; a generator expression: no fix.
            source=(
                "async def is_ready():\n    return False\n\n"
                "def test_sync():\n"
                "    assert is_ready()\n\n"
                "async def test_any():\n"
                "    assert any(1 for _ in range(3) if is_ready())\n"
            ),
            at=((5, 12), (8, 39)),
        ),
        Valid(
            source=(
                "import asyncio, inspect, types, unittest\n\n"
                "async def fetch():\n    return 1\n\n"
                "class T(unittest.IsolatedAsyncioTestCase):\n"
                "    async def test_ok(self):\n"
                "        self.assertTrue(await fetch())\n"
                "        assert await fetch() == 1\n"
                "        coro = fetch()\n"
                "        self.assertIsInstance(fetch(), types.CoroutineType)\n"
                "        self.assertTrue(inspect.iscoroutine(coro))\n"
                "        await coro\n"
            ),
            why="awaited checks, and checks that deliberately look at the coroutine object",
        ),
        Valid(
            source=(
                "async def fetch():\n    return 1\n\n"
                "async def test_default(cache=None):\n"
                "    value = cache or fetch()\n"
                "    assert await value == 1\n"
            ),
            why="the last operand of `or` is a value used later, not a truth test",
        ),
        Valid(
            source=(
                "async def test_fixture_client(client):\n"
                "    assert client.ready()\n"
                "    if client.closed():\n"
                "        return\n"
            ),
            why="a fixture parameter's methods cannot be resolved",
        ),
    )

    runtime = (
        RuntimeExample(
            files={
                "test_example.py": (
                    "import unittest\n\n"
                    "async def is_ready():\n"
                    "    __SENTINEL__\n"
                    "    return False\n\n"
                    "class T(unittest.IsolatedAsyncioTestCase):\n"
                    "    async def test_ready(self):\n"
                    "        self.assertEqual(is_ready(), False)\n"
                ),
            },
            runner="unittest",
            outcome="failed",
            body_ran=False,
            symptoms=symptoms,
            envs=("py310", "py311", "py312", "py313", "py314", "py315"),
        ),
        RuntimeExample(
            files={
                "pytest.ini": _PYTEST_INI,
                "test_example.py": (
                    "import pytest\n\n"
                    "async def is_ready():\n"
                    "    __SENTINEL__\n"
                    "    return True\n\n"
                    "@pytest.mark.asyncio\n"
                    "async def test_ready():\n"
                    "    assert is_ready()\n"
                ),
            },
            runner="pytest",
            outcome="passed",
            body_ran=False,
            symptoms=(symptoms[0],),
            envs=("py311", "py313", "py314", "py315", "py311-pytest84-pa10", "py311-pytest83-pa023"),
            note="`assert coro()` always passes; the coroutine never runs",
        ),
    )


def _truth_tested(node: ast.AST, parents: list[ast.AST]) -> bool:
    """Is the value of `node` (whose ancestors are `parents`) used only for its truth?"""
    if not parents:
        return False
    parent = parents[-1]
    if isinstance(parent, ast.Assert):
        return parent.test is node
    if isinstance(parent, (ast.If, ast.While, ast.IfExp)):
        return parent.test is node
    if isinstance(parent, ast.comprehension):
        return node in parent.ifs
    if isinstance(parent, ast.UnaryOp):
        return isinstance(parent.op, ast.Not)
    if isinstance(parent, ast.BoolOp):
        return node is not parent.values[-1] or _truth_tested(parent, parents[:-1])
    if isinstance(parent, ast.Call):
        func = parent.func
        if isinstance(func, ast.Name) and func.id == "bool":
            return True
        if isinstance(func, ast.Attribute) and func.attr in ("assertTrue", "assertFalse", "assert_", "failUnless",
                                                             "failIf"):
            return bool(parent.args) and parent.args[0] is node
    return False
