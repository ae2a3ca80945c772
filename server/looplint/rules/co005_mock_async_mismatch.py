"""CO005: sync mocks standing in for async methods, AsyncMocks called without await."""

from __future__ import annotations

import ast

from ..engine.fixer import cst  # libcst, imported when a fix is built

from ..engine import knowledge
from ..engine.checker import FileContext
from ..engine.fixer import FixContext, FixUnavailable
from ..engine.model import Diagnostic, Related, Severity
from ..engine.symbols import External, Instance, ProjectFunction
from . import _coroutines as co
from ..engine.rule import Invalid, Rule, RuntimeExample, Symptom, Valid

_ENVS = ("py310", "py311", "py312", "py313", "py314", "py315")
_MOCK_CLASSES = frozenset(
    {"unittest.mock.Mock", "unittest.mock.MagicMock", "mock.Mock", "mock.MagicMock"}
)
# Arguments that can make a sync mock's call awaitable (or make its type the spec's).
_AWAITABLE_MAKERS = frozenset({"spec", "spec_set", "wraps", "side_effect", "new_callable", "_spec_class"})
_SETUP_HOOKS = frozenset({"setUp", "asyncSetUp", "setup_method", "__init__"})


class MockAsyncMismatch(Rule):
    code = "CO005"
    name = "mock-async-mismatch"
    severity = Severity.ERROR
    summary = "A Mock stands in for an async method, or an AsyncMock is called without await."
    message = "{text}"
    fix_safety = "safe"
    fix_title = "Use `AsyncMock`"
    tokens = ("Mock", "patch")
    local = True
    symptoms = (
        Symptom(
            when="a Mock/MagicMock awaited where the real method is `async def` (3.10–3.13)",
            output="TypeError: object int can't be used in 'await' expression",
            envs=("py310", "py311", "py312", "py313"),
        ),
        Symptom(
            when="an AsyncMock called without await (3.10–3.15); `assert_called_once()` still passes",
            output="RuntimeWarning: coroutine 'AsyncMockMixin._execute_mock_call' was never awaited",
            envs=_ENVS,
        ),
        Symptom(
            when="the same Mock awaited, Python 3.14 and 3.15 (the TypeError is worded anew)",
            output="TypeError: 'int' object can't be awaited",
            envs=("py314", "py315"),
        ),
    )
    explanation = """
    Mocks must match the sync/async nature of what they replace:

    - **A `Mock`/`MagicMock` over an `async def` method.** Calling it returns
      the mock's `return_value` (or another MagicMock), which cannot be
      awaited: `TypeError: object int can't be used in 'await' expression`
      (3.10–3.13), `TypeError: 'int' object can't be awaited` (3.14, 3.15).
      `patch()` picks `AsyncMock` by itself for async targets (3.8+); the
      mistake happens with explicit assignments such as
      `client.get = Mock(return_value=2)`.
    - **An `AsyncMock` called without `await`.** The call only creates a
      coroutine; the mock counts a *call* but no *await*, so
      `assert_called_once()` passes while `assert_awaited_once()` fails, and a
      `RuntimeWarning` is printed. Mocks that `patch()`/`patch.object()` create
      for an async target are AsyncMocks too.
    - **`assert_called*()` on such an unawaited AsyncMock** in the same test:
      the assertion passes although nothing was awaited; `assert_awaited*()`
      checks what the code really does.

    ### How to fix
    ```python
    c.get = mock.AsyncMock(return_value=2)       # was: mock.Mock(return_value=2)
    await m()                                    # was: m()
    m.assert_awaited_once()                      # was: m.assert_called_once()
    ```
    `Mock` → `AsyncMock` is applied automatically when the replaced attribute
    resolves to an `async def` of the project and is awaited (safe). Adding
    `await` to an AsyncMock call changes what the mock records, so that fix is
    offered as unsafe.

    Not reported: Mocks with `spec`, `spec_set`, `wraps` or `side_effect`,
    or a `return_value` that is not a literal (a Future is awaitable), targets looplint cannot resolve, Mocks over
    async methods that are never awaited in the test (a sync call site is a
    different question), `patch(..., new_callable=MagicMock)`, and
    `assert_called*()` on an AsyncMock when nothing suggests the await was
    forgotten (checking the call, not the await, is legitimate).
    """

    # -- (a) Mock() assigned over an async method, then awaited ------------------------
    def visit_Assign(self, node: ast.Assign, ctx: FileContext) -> None:
        if len(node.targets) != 1 or not isinstance(node.value, ast.Call):
            return
        if isinstance(node.targets[0], ast.Name):
            # (b) `result = m()` with `result` never read again.
            if co.coroutine_call_kind(ctx, node.value) == co.ASYNC_MOCK and co.dropped_assignment_name(ctx, node):
                self._report_unawaited(node.value, node, ctx)
            return
        if not isinstance(node.targets[0], ast.Attribute):
            return
        value = node.value
        if not isinstance(value, ast.Call) or value.args:
            return
        if any(k.arg is None or k.arg in _AWAITABLE_MAKERS for k in value.keywords):
            return
        if any(k.arg == "return_value" and not _never_awaitable(k.value) for k in value.keywords):
            return  # `return_value=some_future` is awaitable
        mock_class = ctx.qualify(value.func)
        if mock_class not in _MOCK_CLASSES:
            return
        target = node.targets[0]
        chain = co.dotted(target)
        if chain is None or ctx.function is None:
            return
        real = ctx.resolve(target)
        if not (isinstance(real, ProjectFunction) and ctx.is_coroutine_function(real)):
            return
        awaited = self._awaited_call(ctx, chain)
        if awaited is None:
            return
        owner = f"{real.class_name}." if real.class_name else ""
        short = mock_class.rpartition(".")[2]
        ctx.report(
            self,
            value,
            fields={"text": f"`{short}` replaces async method `{owner}{real.name}`, but `{chain}()` is awaited: "
                            "use `AsyncMock`"},
            reason=(
                f"`{owner}{real.name}` is an `async def` in `{ctx.project.relpath(real.path)}`. Calling a `{short}` "
                f"returns its `return_value`, which `await {chain}()` cannot await (TypeError)."
            ),
            data={"fix": "asyncmock", "module": mock_class.rpartition(".")[0]},
            related=[Related(ctx.path, ctx.node_range(awaited), "awaited here")],
        )

    def _awaited_call(self, ctx: FileContext, chain: str) -> ast.AST | None:
        """An `await <chain>(...)` in this function, or, for `self.x.y` set in a setUp hook, in the class."""
        function = ctx.function.node
        places = [function]
        method = ctx.method
        if chain.startswith("self.") and method is function and method.name in _SETUP_HOOKS:
            cls = ctx.enclosing_class
            places = [item for item in cls.body if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef))]
        for place in places:
            for sub in ast.walk(place):
                if (
                    isinstance(sub, ast.Await)
                    and isinstance(sub.value, ast.Call)
                    and co.dotted(sub.value.func) == chain
                ):
                    return sub
        return None

    # -- (b) an AsyncMock called without await ------------------------------------------
    def visit_Expr(self, node: ast.Expr, ctx: FileContext) -> None:
        call = node.value
        if isinstance(call, ast.Call):
            if co.coroutine_call_kind(ctx, call) == co.ASYNC_MOCK:
                self._report_unawaited(call, node, ctx)
            else:
                self._check_called_assertion(call, ctx)

    def _report_unawaited(self, call: ast.Call, statement: ast.stmt, ctx: FileContext) -> None:
        mock_name = co.describe_call(call)
        fields = {"text": f"AsyncMock `{mock_name}` is called without `await`: the call is never awaited"}
        reason = (
            f"`{mock_name}` is an `AsyncMock`: calling it returns a coroutine. Unawaited, the mock records a call "
            "but no await (`assert_called*` passes, `assert_awaited*` fails) and a RuntimeWarning is printed."
        )
        if co.can_await(ctx, statement):
            ctx.report(self, call, fields=fields, reason=reason, data={"fix": "await"},
                       fix_applicability="unsafe", fix_title="Add `await`")
        else:
            ctx.report(self, call, fields=fields, reason=reason, fixable=False)

    # -- (c) assert_called* on an AsyncMock that this test calls without await -----------
    def _check_called_assertion(self, call: ast.Call, ctx: FileContext) -> None:
        func = call.func
        if not isinstance(func, ast.Attribute) or func.attr not in knowledge.MOCK_CALLED_TO_AWAITED:
            return
        receiver = co.dotted(func.value)
        function = ctx.function
        if receiver is None or function is None or not _is_async_mock(ctx, func.value):
            return
        unawaited = _unawaited_call(function.node, receiver)
        if unawaited is None:
            return
        awaited_name = knowledge.MOCK_CALLED_TO_AWAITED[func.attr]
        ctx.report(
            self,
            call,
            fields={"text": f"`{receiver}.{func.attr}()` passes although `{receiver}` is never awaited: "
                            f"use `{awaited_name}()`"},
            reason=(
                f"`{receiver}` is an `AsyncMock` called without `await` in this test, so it records a call but no "
                f"await. `{func.attr}` checks the call; `{awaited_name}` would show the missing await."
            ),
            related=[Related(ctx.path, ctx.node_range(unawaited), "called without await here")],
            fixable=False,
        )

    def fix(self, fixer: FixContext, diagnostic: Diagnostic) -> None:
        kind = diagnostic.data.get("fix")
        if kind == "await":
            co.insert_await(fixer, diagnostic)
            return
        if kind != "asyncmock":
            raise FixUnavailable("no fix for this occurrence")
        call = fixer.find(diagnostic.range, cst.Call)
        func = call.func
        if isinstance(func, cst.Attribute):
            new_func: cst.BaseExpression = func.with_changes(attr=cst.Name("AsyncMock"))
        elif isinstance(func, cst.Name):
            module = diagnostic.data["module"]
            local = fixer.imported_name(module, "AsyncMock")
            if local is None:
                fixer.add_import(module, "AsyncMock")
                local = "AsyncMock"
            new_func = cst.Name(local)
        else:
            raise FixUnavailable("unexpected callee")
        fixer.replace(call, lambda updated: updated.with_changes(func=new_func))

    examples = (
        Invalid(
            source=(
                "import unittest\n"
                "from unittest import mock\n\n"
                "class Client:\n"
                "    async def get(self):\n"
                "        return 1\n\n"
                "class T(unittest.IsolatedAsyncioTestCase):\n"
                "    async def test_mock_not_async(self):\n"
                "        c = Client()\n"
                "        c.get = mock.Mock(return_value=2)\n"
                "        self.assertEqual(await c.get(), 2)\n"
            ),
            at=(11, 17),
            end=(11, 42),
            message_contains="Client.get",
            fixed=(
                "import unittest\n"
                "from unittest import mock\n\n"
                "class Client:\n"
                "    async def get(self):\n"
                "        return 1\n\n"
                "class T(unittest.IsolatedAsyncioTestCase):\n"
                "    async def test_mock_not_async(self):\n"
                "        c = Client()\n"
                "        c.get = mock.AsyncMock(return_value=2)\n"
                "        self.assertEqual(await c.get(), 2)\n"
            ),
        ),
        Invalid(
            # Across files, set in asyncSetUp and awaited in a test; `from unittest.mock import MagicMock`.
            files={
                "app/__init__.py": "",
                "app/repo.py": "class Repo:\n    async def load(self, key):\n        return key\n",
            },
            source=(
                "import unittest\n"
                "from unittest.mock import MagicMock\n"
                "from app.repo import Repo\n\n"
                "class T(unittest.IsolatedAsyncioTestCase):\n"
                "    async def asyncSetUp(self):\n"
                "        self.repo = Repo()\n"
                "        self.repo.load = MagicMock(return_value='v')\n\n"
                "    async def test_load(self):\n"
                "        self.assertEqual(await self.repo.load('k'), 'v')\n"
            ),
            at=(8, 26),
            fixed=(
                "import unittest\n"
                "from unittest.mock import MagicMock\n"
                "from app.repo import Repo\n"
                "from unittest.mock import AsyncMock\n\n"
                "class T(unittest.IsolatedAsyncioTestCase):\n"
                "    async def asyncSetUp(self):\n"
                "        self.repo = Repo()\n"
                "        self.repo.load = AsyncMock(return_value='v')\n\n"
                "    async def test_load(self):\n"
                "        self.assertEqual(await self.repo.load('k'), 'v')\n"
            ),
        ),
        Invalid(
            # e17: an AsyncMock called without await, and assert_called_once on it.
            source=(
                "import unittest\n"
                "from unittest import mock\n\n"
                "class T(unittest.IsolatedAsyncioTestCase):\n"
                "    async def test_asyncmock_not_awaited(self):\n"
                "        m = mock.AsyncMock(return_value=2)\n"
                "        m()\n"
                "        m.assert_called_once()\n"
            ),
            at=((7, 9), (8, 9)),
            unsafe=True,
            fixed=(
                "import unittest\n"
                "from unittest import mock\n\n"
                "class T(unittest.IsolatedAsyncioTestCase):\n"
                "    async def test_asyncmock_not_awaited(self):\n"
                "        m = mock.AsyncMock(return_value=2)\n"
                "        await m()\n"
                "        m.assert_called_once()\n"
            ),
        ),
        Invalid(
            # A mock that patch() creates for an async function, called in a sync test.
            files={"app.py": "async def send(msg):\n    return msg\n"},
            source=(
                "from unittest.mock import patch\n\n"
                "@patch('app.send')\n"
                "def test_send(mock_send):\n"
                "    mock_send('hi')\n\n"
                "def test_send_ctx():\n"
                "    with patch('app.send') as sender:\n"
                "        sender('hi')\n"
            ),
            at=((5, 5), (9, 9)),
        ),
        Valid(
            source=(
                "from unittest import mock\n\n"
                "class Client:\n"
                "    async def get(self):\n        return 1\n"
                "    def close(self):\n        pass\n\n"
                "async def helper():\n    return 2\n\n"
                "async def test_ok():\n"
                "    c = Client()\n"
                "    c.close = mock.Mock()\n"
                "    c.close()\n"
                "    c.get = mock.Mock(side_effect=helper)\n"
                "    await c.get()\n"
                "    m = mock.AsyncMock()\n"
                "    await m()\n"
                "    m.assert_called_once()\n"
                "    m.assert_awaited_once()\n"
            ),
            why="a Mock over a sync method, side_effect returning a coroutine, assert_called on an awaited AsyncMock",
        ),
        Valid(
            source=(
                "from unittest import mock\n\n"
                "class Client:\n"
                "    async def get(self):\n        return 1\n\n"
                "def test_sync_path():\n"
                "    c = Client()\n"
                "    c.get = mock.Mock(return_value=1)\n"
                "    assert c.get() == 1\n"
            ),
            why="a Mock over an async method that is never awaited (the code under test may call it synchronously)",
        ),
        Valid(
            source=(
                "import asyncio\n"
                "from unittest import mock\n\n"
                "class Client:\n"
                "    async def get(self):\n        return 1\n\n"
                "async def test_future():\n"
                "    fut = asyncio.get_running_loop().create_future()\n"
                "    fut.set_result(2)\n"
                "    c = Client()\n"
                "    c.get = mock.Mock(return_value=fut)\n"
                "    assert await c.get() == 2\n"
            ),
            why="a Mock returning a Future is awaitable",
        ),
        Valid(
            files={"app.py": "async def send(msg):\n    return msg\n"},
            source=(
                "from unittest.mock import MagicMock, patch\n\n"
                "@patch('app.send', new_callable=MagicMock)\n"
                "def test_send(mock_send):\n"
                "    mock_send('hi')\n"
                "    mock_send.assert_called_once_with('hi')\n"
            ),
            why="patch with new_callable decides the mock type itself",
        ),
    )

    runtime = (
        RuntimeExample(
            files={
                "test_example.py": (
                    "import unittest\n"
                    "from unittest import mock\n\n"
                    "class Client:\n"
                    "    async def get(self):\n"
                    "        return 1\n\n"
                    "class T(unittest.IsolatedAsyncioTestCase):\n"
                    "    async def test_mock_not_async(self):\n"
                    "        c = Client()\n"
                    "        c.get = mock.Mock(return_value=2)\n"
                    "        self.assertEqual(await c.get(), 2)\n"
                    "        __SENTINEL__\n"
                ),
            },
            runner="unittest",
            outcome="error",
            body_ran=False,
            symptoms=(symptoms[0], symptoms[2]),
            envs=_ENVS,
            note="the TypeError stops the test before the sentinel line",
        ),
        RuntimeExample(
            files={
                "pytest.ini": "[pytest]\nasyncio_default_fixture_loop_scope = function\n",
                "test_example.py": (
                    "from unittest import mock\n"
                    "import pytest\n\n"
                    "@pytest.mark.asyncio\n"
                    "async def test_notifier():\n"
                    "    notify = mock.AsyncMock(return_value=None)\n"
                    "    __SENTINEL__\n"
                    "    notify('hello')\n"
                    "    notify.assert_called_once_with('hello')\n"
                ),
            },
            runner="pytest",
            outcome="passed",
            body_ran=True,
            symptoms=(symptoms[1],),
            envs=_ENVS,
            note="assert_called_once_with passes although the AsyncMock was never awaited",
        ),
    )


def _never_awaitable(value: ast.AST) -> bool:
    """Literals and displays: values that certainly cannot be awaited."""
    return isinstance(
        value,
        (ast.Constant, ast.JoinedStr, ast.List, ast.Tuple, ast.Set, ast.Dict, ast.ListComp, ast.SetComp,
         ast.DictComp),
    )


def _is_async_mock(ctx: FileContext, expr: ast.AST) -> bool:
    patched = co.patched_mock_target(ctx, expr)
    if patched is not None:
        return ctx.is_coroutine_function(patched)
    symbol = ctx.resolve(expr)
    return (
        isinstance(symbol, Instance)
        and isinstance(symbol.of, External)
        and symbol.of.qualname in knowledge.ASYNC_MOCK_CLASSES
    )


def _unawaited_call(function: ast.AST, receiver: str) -> ast.Call | None:
    """A statement-level call of `receiver(...)` in the function (never awaited there)."""
    for sub in ast.walk(function):
        if isinstance(sub, ast.Expr) and isinstance(sub.value, ast.Call) and co.dotted(sub.value.func) == receiver:
            return sub.value
    return None
