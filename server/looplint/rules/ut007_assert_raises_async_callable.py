"""UT007: assertRaises/pytest.raises given a coroutine function, or a with-block that never awaits."""

from __future__ import annotations

import ast

from ..engine.fixer import cst  # libcst, imported when a fix is built

from ..engine.checker import FileContext
from ..engine.fixer import FixContext, FixUnavailable
from ..engine.model import Diagnostic, Range, Related, Severity
from ._unittest import top_level_class, walk_body
from ..engine.rule import Invalid, Rule, RuntimeExample, Symptom, Valid

# unittest assertion -> index of the callable in the callable form.
_UNITTEST_FORMS = {"assertRaises": 1, "assertRaisesRegex": 2, "assertWarns": 1, "assertWarnsRegex": 2}
_PYTEST_FORMS = {"pytest.raises": 1, "pytest.warns": 1}


class AssertRaisesAsyncCallable(Rule):
    code = "UT007"
    name = "assert-raises-async-callable"
    severity = Severity.ERROR
    summary = "`assertRaises`/`pytest.raises` never run a coroutine: the assertion always fails."
    message = "`{api}` calls `{target}` without awaiting it: the coroutine never runs, nothing is raised"
    fix_safety = "safe"
    fix_title = "Await the coroutine inside the context manager"
    tokens = ("assertRaises", "assertWarns", "raises", "warns")
    call_names = frozenset(_UNITTEST_FORMS) | {"raises", "warns"}
    local = True
    position_data = {"calls": "ranges"}
    symptoms = (
        Symptom(
            when="unittest, callable form, every version (3.10–3.15)",
            output="AssertionError: ValueError not raised by boom",
            envs=("py310", "py311", "py312", "py313", "py314", "py315"),
        ),
        Symptom(
            when="unittest, with-block without await, every version",
            output="AssertionError: ValueError not raised",
            envs=("py310", "py311", "py312", "py313", "py314", "py315"),
        ),
        Symptom(
            when="both forms, every version",
            output="RuntimeWarning: coroutine 'boom' was never awaited",
            envs=("py310", "py311", "py312", "py313", "py314", "py315"),
        ),
    )
    explanation = """
    `assertRaises(E, f)` (and `assertRaisesRegex`, `assertWarns`,
    `pytest.raises(E, f)`, `pytest.warns`) calls `f` and checks for the
    exception. A coroutine function only returns a coroutine when called: it
    is never awaited, nothing is raised, and the assertion **always fails**
    (`ValueError not raised by boom`, `DID NOT RAISE`), with a
    "never awaited" warning. The same happens in
    `with self.assertRaises(E): boom()` without `await`.

    ### How to fix
    In an async test, await the call inside the context manager:

    ```python
    async def test_boom(self):
        with self.assertRaises(ValueError):
            await boom()
    ```

    The fix does exactly this when the enclosing function is `async def`
    (the callable form becomes a with-block). In a sync test there is no
    automatic fix: the test must become async (an `IsolatedAsyncioTestCase`
    method, or a pytest-asyncio/anyio test).

    Not reported: callables that are not certainly coroutine functions
    (unresolved names, parameters, lambdas, `AsyncMock` instances configured
    elsewhere), calls inside the with-block that are awaited or passed on
    (`asyncio.run(boom())`, `create_task(boom())`), and classes that define
    their own `assertRaises` or have unknown bases.
    """

    def visit_Call(self, node: ast.Call, ctx: FileContext) -> None:
        form = self._assertion(node, ctx)
        if form is None:
            return
        api, index = form
        if len(node.args) <= index or any(isinstance(a, ast.Starred) for a in node.args[: index + 1]):
            return
        target = node.args[index]
        if isinstance(target, (ast.Lambda, ast.Call)) or not ctx.names_coroutine_function(target):
            return
        statement = ctx.parent
        fixable = ctx.in_async and isinstance(statement, ast.Expr) and statement.value is node
        ctx.report(
            self,
            node,
            fields={"api": api, "target": ast.unparse(target)},
            reason=(
                f"`{ast.unparse(target)}` is an `async def` function: `{api}` calls it and gets a coroutine, "
                "which it drops."
                + ("" if ctx.in_async else " The enclosing function is not async, so there is no automatic fix.")
            ),
            data={"form": "callable", "index": index},
            fixable=fixable,
        )

    def visit_With(self, node: ast.With, ctx: FileContext) -> None:
        for item in node.items:
            call = item.context_expr
            if not isinstance(call, ast.Call):
                continue
            form = self._assertion(call, ctx)
            if form is None or len(call.args) > form[1]:
                continue  # not the context-manager form
            if call.args and _expected_without_running(call.args[0]):
                # Bad arguments raise TypeError at call time, and a dropped
                # coroutine warns RuntimeWarning: both happen without awaiting.
                return
            calls = _unawaited_coroutine_calls(node, ctx)
            if not calls:
                return
            api = form[0]
            names = ", ".join(f"`{ast.unparse(c.func)}()`" for c in calls)
            ctx.report(
                self,
                call,
                message=f"{names} not awaited inside `{api}`: the coroutine never runs, nothing is raised",
                reason=(
                    f"The block creates {'a coroutine' if len(calls) == 1 else 'coroutines'} and drops "
                    f"{'it' if len(calls) == 1 else 'them'}, so `{api}` sees no exception."
                    + ("" if ctx.in_async else " The enclosing function is not async, so there is no automatic fix.")
                ),
                data={"form": "with", "calls": [ctx.node_range(c).to_json() for c in calls]},
                related=[Related(ctx.path, ctx.node_range(c), "called without `await`") for c in calls],
                fixable=ctx.in_async,
            )
            return

    def _assertion(self, call: ast.Call, ctx: FileContext) -> tuple[str, int] | None:
        func = call.func
        if isinstance(func, ast.Attribute) and func.attr in _UNITTEST_FORMS:
            if not (isinstance(func.value, ast.Name) and func.value.id == "self" and ctx.method is not None):
                return None
            found = top_level_class(ctx)
            if found is None:
                return None
            _, model = found
            if model.unknown_bases or func.attr in model.methods:
                return None  # an unknown base or a project override may await
            return func.attr, _UNITTEST_FORMS[func.attr]
        if isinstance(func, (ast.Attribute, ast.Name)) and _last(func) in ("raises", "warns"):
            name = ctx.qualify(func)
            if name in _PYTEST_FORMS:
                return name, _PYTEST_FORMS[name]
        return None

    def fix(self, fixer: FixContext, diagnostic: Diagnostic) -> None:
        data = diagnostic.data
        if data.get("form") == "with":
            for value in data["calls"]:
                inner = fixer.find(Range.from_json(value), cst.Call)
                fixer.replace(inner, lambda updated: cst.Await(expression=updated))
            return
        call = fixer.find(diagnostic.range, cst.Call)
        statement = fixer.statement_of(call)
        if not (
            isinstance(statement, cst.SimpleStatementLine)
            and len(statement.body) == 1
            and isinstance(statement.body[0], cst.Expr)
            and statement.body[0].value is call
        ):
            raise FixUnavailable("the assertion is not a statement of its own")
        index = data["index"]
        positional = [a for a in call.args if a.keyword is None and a.star == ""]
        if len(positional) <= index or any(a.star for a in call.args[: index + 1]):
            raise FixUnavailable("unexpected arguments")
        manager_args = list(call.args[:index])
        target = call.args[index].value
        callee_args = list(call.args[index + 1:])
        manager = call.with_changes(args=_without_trailing_comma(manager_args))
        awaited = cst.Await(expression=cst.Call(func=target, args=_without_trailing_comma(callee_args)))
        block = cst.With(
            items=[cst.WithItem(item=manager)],
            body=cst.IndentedBlock(body=[cst.SimpleStatementLine(body=[cst.Expr(value=awaited)])]),
            leading_lines=statement.leading_lines,
        )
        fixer.replace(statement, block)

    examples = (
        Valid(
            source=(
                "import unittest\n\n"
                "async def f(a=1, /, b=2):\n"
                "    return a, b\n\n"
                "async def coro():\n"
                "    pass\n\n"
                "class T(unittest.TestCase):\n"
                "    def test_bad_arguments(self):\n"
                "        with self.assertRaises(TypeError):\n"
                "            f(a=1, b=2)\n\n"
                "    def test_handed_on(self):\n"
                "        with self.assertRaises(ValueError):\n"
                "            gen = coro()\n"
                "            try:\n"
                "                schedule(gen)\n"
                "            finally:\n"
                "                gen.close()\n"
            ),
            why="TypeError from argument binding is raised at call time; a coroutine handed on is not dropped",
        ),
        Invalid(
            source=(
                "import unittest\n"
                "\n"
                "async def boom():\n"
                "    raise ValueError('x')\n"
                "\n"
                "class T(unittest.IsolatedAsyncioTestCase):\n"
                "    async def test_callable(self):\n"
                "        self.assertRaises(ValueError, boom)\n"
                "\n"
                "    async def test_with(self):\n"
                "        with self.assertRaises(ValueError):\n"
                "            boom()\n"
            ),
            at=((8, 9), (11, 14)),
            end=(8, 44),
            fixed=(
                "import unittest\n"
                "\n"
                "async def boom():\n"
                "    raise ValueError('x')\n"
                "\n"
                "class T(unittest.IsolatedAsyncioTestCase):\n"
                "    async def test_callable(self):\n"
                "        with self.assertRaises(ValueError):\n"
                "            await boom()\n"
                "\n"
                "    async def test_with(self):\n"
                "        with self.assertRaises(ValueError):\n"
                "            await boom()\n"
            ),
        ),
        Invalid(
            # Regex form with arguments for the callee; a project method through self.
            source=(
                "import unittest\n"
                "\n"
                "class T(unittest.IsolatedAsyncioTestCase):\n"
                "    async def fetch(self, key, *, retries=0):\n"
                "        raise KeyError(key)\n"
                "\n"
                "    async def test_fetch(self):\n"
                "        # comment kept\n"
                "        self.assertRaisesRegex(KeyError, 'k', self.fetch, 'k', retries=2)\n"
            ),
            at=(9, 9),
            fixed=(
                "import unittest\n"
                "\n"
                "class T(unittest.IsolatedAsyncioTestCase):\n"
                "    async def fetch(self, key, *, retries=0):\n"
                "        raise KeyError(key)\n"
                "\n"
                "    async def test_fetch(self):\n"
                "        # comment kept\n"
                "        with self.assertRaisesRegex(KeyError, 'k'):\n"
                "            await self.fetch('k', retries=2)\n"
            ),
        ),
        Invalid(
            # pytest.raises in a sync test: reported, no fix (the test must become async).
            source=(
                "import pytest\n"
                "\n"
                "async def boom():\n"
                "    raise ValueError('x')\n"
                "\n"
                "def test_raises():\n"
                "    pytest.raises(ValueError, boom)\n"
            ),
            at=(7, 5),
        ),
        Invalid(
            source=(
                "from pytest import raises\n"
                "import pytest\n"
                "\n"
                "async def boom():\n"
                "    raise ValueError('x')\n"
                "\n"
                "@pytest.mark.asyncio\n"
                "async def test_raises():\n"
                "    with raises(ValueError, match='x'):\n"
                "        result = boom()\n"
            ),
            at=(9, 10),
            fixed=(
                "from pytest import raises\n"
                "import pytest\n"
                "\n"
                "async def boom():\n"
                "    raise ValueError('x')\n"
                "\n"
                "@pytest.mark.asyncio\n"
                "async def test_raises():\n"
                "    with raises(ValueError, match='x'):\n"
                "        result = await boom()\n"
            ),
        ),
        Valid(
            source=(
                "import unittest\n\n"
                "async def boom():\n"
                "    raise ValueError('x')\n\n"
                "def sync_boom():\n"
                "    raise ValueError('x')\n\n"
                "class T(unittest.IsolatedAsyncioTestCase):\n"
                "    async def test_ok(self):\n"
                "        with self.assertRaises(ValueError):\n"
                "            await boom()\n"
                "        self.assertRaises(ValueError, sync_boom)\n"
            ),
            why="awaited coroutines and sync callables",
        ),
        Valid(
            source=(
                "import asyncio\n"
                "import pytest\n\n"
                "async def boom():\n"
                "    raise ValueError('x')\n\n"
                "def test_run():\n"
                "    with pytest.raises(ValueError):\n"
                "        asyncio.run(boom())\n"
            ),
            why="the coroutine is passed to something that runs it",
        ),
        Valid(
            source=(
                "import pytest\n"
                "from vendor import maybe_async\n\n"
                "def test_unknown(callback):\n"
                "    pytest.raises(ValueError, maybe_async)\n"
                "    pytest.raises(ValueError, callback)\n"
            ),
            why="callables that are not certainly coroutine functions",
        ),
        Valid(
            source=(
                "from vendor.testing import AsyncAwareCase\n\n"
                "async def boom():\n"
                "    raise ValueError('x')\n\n"
                "class T(AsyncAwareCase):\n"
                "    def test_x(self):\n"
                "        self.assertRaises(ValueError, boom)\n"
            ),
            why="an unknown base may provide an awaiting assertRaises",
        ),
    )

    runtime = (
        RuntimeExample(
            files={
                "test_example.py": (
                    "import unittest\n\n"
                    "async def boom():\n"
                    "    raise ValueError('x')\n\n"
                    "class T(unittest.IsolatedAsyncioTestCase):\n"
                    "    async def test_callable(self):\n"
                    "        __SENTINEL__\n"
                    "        self.assertRaises(ValueError, boom)\n\n"
                    "    async def test_with_no_await(self):\n"
                    "        with self.assertRaises(ValueError):\n"
                    "            boom()\n"
                ),
            },
            runner="unittest",
            outcome="failed",
            body_ran=True,
            symptoms=symptoms,
            envs=("py310", "py311", "py312", "py313", "py314", "py315"),
        ),
        RuntimeExample(
            files={
                "pytest.ini": "[pytest]\nasyncio_default_fixture_loop_scope = function\n",
                "test_example.py": (
                    "import pytest\n\n"
                    "async def boom():\n"
                    "    raise ValueError('x')\n\n"
                    "@pytest.mark.asyncio\n"
                    "async def test_raises_callable():\n"
                    "    __SENTINEL__\n"
                    "    pytest.raises(ValueError, boom)\n\n"
                    "@pytest.mark.asyncio\n"
                    "async def test_raises_with():\n"
                    "    with pytest.raises(ValueError):\n"
                    "        boom()\n"
                ),
            },
            runner="pytest",
            outcome="failed",
            body_ran=True,
            symptoms=(
                Symptom(when="pytest 9.x, both forms", output="E       Failed: DID NOT RAISE ValueError",
                        envs=("py310", "py311", "py312", "py313", "py314", "py315")),
                Symptom(when="pytest 9.x, both forms", output="RuntimeWarning: coroutine 'boom' was never awaited",
                        envs=("py310", "py311", "py312", "py313", "py314", "py315")),
            ),
            envs=("py310", "py311", "py312", "py313", "py314", "py315"),
        ),
    )


def _last(expr: ast.AST) -> str:
    return expr.attr if isinstance(expr, ast.Attribute) else getattr(expr, "id", "")


def _unawaited_coroutine_calls(block: ast.With, ctx: FileContext) -> list[ast.Call]:
    """Statements `coro()` / `x = coro()` in the block whose call certainly returns a coroutine."""
    found = []
    for node in walk_body(block):
        value = None
        if isinstance(node, ast.Expr):
            value = node.value
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            value = node.value
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(_name_used_in(block, t) for t in targets):
                continue  # the coroutine is handed on (awaited, scheduled, closed) later in the block
        if isinstance(value, ast.Call) and ctx.is_coroutine_call(value):
            found.append(value)
    found.sort(key=lambda c: (c.lineno, c.col_offset))
    return found


def _expected_without_running(expr: ast.expr) -> bool:
    if isinstance(expr, ast.Tuple):
        return any(_expected_without_running(e) for e in expr.elts)
    name = expr.attr if isinstance(expr, ast.Attribute) else expr.id if isinstance(expr, ast.Name) else None
    return name in ("TypeError", "RuntimeWarning")


def _name_used_in(block: ast.With, target: ast.expr) -> bool:
    """Is the assigned name read anywhere in the block?"""
    if not isinstance(target, ast.Name):
        return True  # stored elsewhere (attribute, subscript): assume it is used
    return any(
        isinstance(node, ast.Name) and node.id == target.id and isinstance(node.ctx, ast.Load)
        for node in ast.walk(block)
    )


def _without_trailing_comma(args: list[cst.Arg]) -> list[cst.Arg]:
    if args:
        args[-1] = args[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
    return args
