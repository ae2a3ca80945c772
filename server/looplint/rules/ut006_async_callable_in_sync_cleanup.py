"""UT006: coroutine functions and async context managers handed to unittest's sync clean-up APIs."""

from __future__ import annotations

import ast

from ..engine.fixer import cst  # libcst, imported when a fix is built

from ..engine import knowledge
from ..engine.checker import FileContext
from ..engine.fixer import FixContext, FixUnavailable
from ..engine.model import Diagnostic, Severity
from ..engine.symbols import External, Instance, ProjectClass, ProjectFunction, options_of
from ._unittest import ISOLATED, SYNC, change_base_to_isolated, class_is_analysable, find_class, runner_kind, top_level_class
from ..engine.rule import Invalid, Rule, RuntimeExample, Symptom, Valid
from .helpers import is_test_method_name

_CLEANUPS = frozenset({"addCleanup", "addClassCleanup"})
_CONTEXTS = frozenset({"enterContext", "enterClassContext"})
_MODULE_APIS = {"unittest.addModuleCleanup": "addModuleCleanup", "unittest.enterModuleContext": "enterModuleContext"}


class AsyncCallableInSyncCleanup(Rule):
    code = "UT006"
    name = "async-callable-in-sync-cleanup"
    severity = Severity.ERROR
    summary = "A coroutine function or async context manager given to a clean-up API that calls it synchronously."
    message = "`{api}` calls `{target}` without awaiting it: the clean-up never runs"
    fix_safety = "safe"
    fix_title = "Use addAsyncCleanup"
    tokens = ("addCleanup", "addClassCleanup", "addModuleCleanup", "enterContext", "enterClassContext",
              "enterModuleContext")
    call_names = _CLEANUPS | _CONTEXTS | frozenset(_MODULE_APIS.values())
    local = True
    position_data = {"class_line": "line"}
    symptoms = (
        Symptom(
            when="plain TestCase.addCleanup, every version (3.10–3.15; the line number differs)",
            output=".../unittest/case.py:...: RuntimeWarning: coroutine 'close_conn' was never awaited",
            envs=("py310", "py311", "py312", "py313", "py314", "py315"),
        ),
        Symptom(
            when="enterContext with an async context manager (3.11+; 3.10 has no enterContext)",
            output="TypeError: '...' object does not support the context manager protocol",
            envs=("py311", "py312", "py313", "py314", "py315"),
        ),
    )
    explanation = """
    `addCleanup`, `addClassCleanup` and `unittest.addModuleCleanup` call the
    registered function and ignore its result. With a coroutine function that
    result is a coroutine that is never awaited: the clean-up silently does not
    happen (a `RuntimeWarning` at most, and the test still passes).
    `enterContext`/`enterClassContext` need `__enter__`, so an async context
    manager fails with `TypeError`.

    The exception: inside `IsolatedAsyncioTestCase`, per-test clean-ups go
    through the runner's `_callMaybeAsync`, so `self.addCleanup(async_fn)`
    **does** work there. looplint only suggests `addAsyncCleanup` (info level,
    safe fix), which says what happens. Class- and module-level clean-ups are
    called synchronously even there, since no event loop exists at that point.

    ### How to fix
    Use `unittest.IsolatedAsyncioTestCase` with `self.addAsyncCleanup(fn)` and
    `await self.enterAsyncContext(cm)` (3.11+). For class- or module-wide async
    resources there is no stdlib hook; see UT005.

    ```python
    class TestDb(unittest.IsolatedAsyncioTestCase):
        async def asyncSetUp(self):
            self.db = await connect()
            self.addAsyncCleanup(self.db.close)
    ```

    On a plain `TestCase`, `self.addCleanup(async_fn)` gets an unsafe fix: derive
    from `IsolatedAsyncioTestCase` (then the clean-up is awaited; see UT001 for
    what else changes). In an async method of an `IsolatedAsyncioTestCase`,
    `self.enterContext(cm)` becomes `await self.enterAsyncContext(cm)` (unsafe:
    review what the returned value is used for). Other cases have no automatic
    fix.

    Not reported: callables that are not certainly coroutine functions
    (unresolved names, lambdas, parameters), context managers that are not
    certainly async-only, classes that are not certainly a plain or an isolated
    TestCase, classes that define their own clean-up methods, and plain TestCase
    bases without tests (meant to be combined with IsolatedAsyncioTestCase).
    """

    def visit_Call(self, node: ast.Call, ctx: FileContext) -> None:
        if not node.args or isinstance(node.args[0], ast.Starred):
            return
        func = node.func
        api = None
        receiver_is_self = False
        if isinstance(func, ast.Attribute) and func.attr in _CLEANUPS | _CONTEXTS:
            if isinstance(func.value, ast.Name) and func.value.id in ("self", "cls"):
                api, receiver_is_self = func.attr, True
        if api is None:
            if not (isinstance(func, (ast.Name, ast.Attribute)) and _last_name(func) in _MODULE_API_NAMES):
                return
            api = _MODULE_APIS.get(ctx.qualify(func) or "")
            if api is None:
                return
        arg = node.args[0]
        is_context_api = api.startswith("enter")
        target = ast.unparse(arg)
        if is_context_api:
            if not _is_async_only_context_manager(ctx, arg):
                return
        elif not _is_coroutine_callable(ctx, arg):
            return
        if not receiver_is_self:
            ctx.report(
                self,
                node,
                message=(
                    f"`unittest.{api}` is handled synchronously: "
                    + (f"`{target}` is an async context manager (TypeError)" if is_context_api
                       else f"it calls `{target}` without awaiting it, so the clean-up never runs")
                ),
                reason="Module clean-ups run after the last test of the module, with no event loop running.",
                fixable=False,
            )
            return
        if ctx.method is None:
            return
        found = top_level_class(ctx)
        if found is None:
            return
        cls, model = found
        kind = runner_kind(model)
        if kind is None or api in model.methods or not class_is_analysable(ctx, cls):
            return
        if kind == SYNC and not any(is_test_method_name(name) for name in model.methods):
            return  # a base meant to be combined with IsolatedAsyncioTestCase elsewhere
        chain = model.describe_chain()
        data = {"class_line": cls.lineno, "api": api}
        if kind == ISOLATED and api == "addCleanup":
            ctx.report(
                self,
                node,
                message=f"`{target}` is a coroutine function: prefer `addAsyncCleanup` (it works here, but says so)",
                severity=Severity.INFO,
                reason=(
                    f"Class chain: `{chain}`. In `IsolatedAsyncioTestCase`, per-test clean-ups are awaited when they "
                    "return a coroutine, so this works; `addAsyncCleanup` states the intent."
                ),
                data={**data, "action": "rename"},
            )
            return
        if is_context_api:
            message = (
                f"`{target}` is an async context manager: `{api}` needs `__enter__` (TypeError); "
                + ("use `await self.enterAsyncContext(...)`" if api == "enterContext" and kind == ISOLATED
                   else "use `IsolatedAsyncioTestCase` and `await self.enterAsyncContext(...)`")
            )
        elif kind == ISOLATED:
            message = (
                f"`{api}` calls `{target}` without awaiting it: class clean-ups run synchronously, even in "
                "`IsolatedAsyncioTestCase`"
            )
        else:
            message = f"`{api}` calls `{target}` without awaiting it: the clean-up never runs"
        action = None
        fix_title = None
        if kind == SYNC and api == "addCleanup":
            action, fix_title = "base", "Make the class derive from unittest.IsolatedAsyncioTestCase"
        elif kind == ISOLATED and api == "enterContext" and ctx.in_async:
            action, fix_title = "enter_async", "Use `await self.enterAsyncContext(...)`"
        ctx.report(
            self,
            node,
            message=message,
            reason=f"Class chain: `{chain}`.",
            data={**data, "action": action},
            fix_title=fix_title,
            fix_applicability="unsafe" if action else None,
            fixable=action is not None,
        )

    def fix(self, fixer: FixContext, diagnostic: Diagnostic) -> None:
        action = diagnostic.data.get("action")
        if action == "base":
            change_base_to_isolated(fixer, find_class(fixer, diagnostic.data["class_line"]))
            return
        if action not in ("rename", "enter_async"):
            raise FixUnavailable("no fix for this case")
        call = fixer.find(diagnostic.range, cst.Call)
        func = call.func
        if action == "enter_async":
            if not isinstance(func, cst.Attribute) or func.attr.value != "enterContext":
                raise FixUnavailable("not an enterContext call")
            renamed = func.with_changes(attr=cst.Name("enterAsyncContext"))
            fixer.replace(call, lambda updated: cst.Await(expression=updated.with_changes(func=renamed)))
            return
        if not isinstance(func, cst.Attribute) or func.attr.value != "addCleanup":
            raise FixUnavailable("not an addCleanup call")
        fixer.replace(func, lambda updated: updated.with_changes(attr=cst.Name("addAsyncCleanup")))

    examples = (
        Invalid(
            source=(
                "import unittest\n"
                "\n"
                "async def close_conn():\n"
                "    pass\n"
                "\n"
                "class T(unittest.IsolatedAsyncioTestCase):\n"
                "    async def asyncSetUp(self):\n"
                "        self.addCleanup(close_conn)\n"
            ),
            at=(8, 9),
            end=(8, 36),
            message_contains="prefer `addAsyncCleanup`",
            fixed=(
                "import unittest\n"
                "\n"
                "async def close_conn():\n"
                "    pass\n"
                "\n"
                "class T(unittest.IsolatedAsyncioTestCase):\n"
                "    async def asyncSetUp(self):\n"
                "        self.addAsyncCleanup(close_conn)\n"
            ),
        ),
        Invalid(
            source=(
                "import unittest\n"
                "\n"
                "async def close_conn():\n"
                "    pass\n"
                "\n"
                "class T(unittest.TestCase):\n"
                "    def setUp(self):\n"
                "        self.addCleanup(close_conn)\n"
                "\n"
                "    def test_x(self):\n"
                "        pass\n"
            ),
            at=(8, 9),
            fixed=(
                "import unittest\n"
                "\n"
                "async def close_conn():\n"
                "    pass\n"
                "\n"
                "class T(unittest.IsolatedAsyncioTestCase):\n"
                "    def setUp(self):\n"
                "        self.addAsyncCleanup(close_conn)\n"
                "\n"
                "    def test_x(self):\n"
                "        pass\n"
            ),
            unsafe=True,
        ),
        Invalid(
            # A project client's async close method, class clean-up in an isolated case.
            files={
                "tests/client.py": "class Client:\n    async def close(self):\n        pass\n",
            },
            source=(
                "import unittest\n"
                "from tests.client import Client\n"
                "\n"
                "class T(unittest.IsolatedAsyncioTestCase):\n"
                "    @classmethod\n"
                "    def setUpClass(cls):\n"
                "        cls.client = Client()\n"
                "        cls.addClassCleanup(cls.client.close)\n"
            ),
            at=(8, 9),
            message_contains="class clean-ups run synchronously",
        ),
        Invalid(
            source=(
                "import contextlib\n"
                "import unittest\n"
                "\n"
                "@contextlib.asynccontextmanager\n"
                "async def connection():\n"
                "    yield 1\n"
                "\n"
                "class T(unittest.IsolatedAsyncioTestCase):\n"
                "    async def asyncSetUp(self):\n"
                "        self.conn = self.enterContext(connection())\n"
            ),
            at=(10, 21),
            message_contains="async context manager",
            fixed=(
                "import contextlib\n"
                "import unittest\n"
                "\n"
                "@contextlib.asynccontextmanager\n"
                "async def connection():\n"
                "    yield 1\n"
                "\n"
                "class T(unittest.IsolatedAsyncioTestCase):\n"
                "    async def asyncSetUp(self):\n"
                "        self.conn = await self.enterAsyncContext(connection())\n"
            ),
            unsafe=True,
        ),
        Invalid(
            source=(
                "import functools\n"
                "import unittest\n"
                "\n"
                "async def drop(name):\n"
                "    pass\n"
                "\n"
                "def setUpModule():\n"
                "    unittest.addModuleCleanup(drop, 'db')\n"
            ),
            at=(8, 5),
        ),
        Valid(
            source=(
                "import unittest\n\n"
                "def close_conn():\n"
                "    pass\n\n"
                "class T(unittest.TestCase):\n"
                "    def setUp(self):\n"
                "        self.addCleanup(close_conn)\n"
                "        self.addCleanup(lambda: None)\n\n"
                "    def test_x(self):\n"
                "        pass\n"
            ),
            why="sync clean-ups",
        ),
        Valid(
            source=(
                "import unittest\n\n"
                "class T(unittest.IsolatedAsyncioTestCase):\n"
                "    async def asyncSetUp(self):\n"
                "        self.addAsyncCleanup(self.close)\n\n"
                "    async def close(self):\n"
                "        pass\n"
            ),
            why="the right API",
        ),
        Valid(
            source=(
                "import unittest\n"
                "from vendor import close_everything\n\n"
                "class T(unittest.TestCase):\n"
                "    def setUp(self, cleanup=None):\n"
                "        self.addCleanup(close_everything)\n"
                "        self.addCleanup(cleanup)\n\n"
                "    def test_x(self):\n"
                "        pass\n"
            ),
            why="callables that are not certainly coroutine functions",
        ),
        Valid(
            source=(
                "import unittest\n\n"
                "async def close_conn():\n"
                "    pass\n\n"
                "class AsyncCleanups(unittest.TestCase):\n"
                "    def addCleanup(self, fn, *args):\n"
                "        super().addCleanup(self.run_async, fn, *args)\n\n"
                "    def setUp(self):\n"
                "        self.addCleanup(close_conn)\n\n"
                "    def test_x(self):\n"
                "        pass\n"
            ),
            why="a class with its own addCleanup",
        ),
        Valid(
            source=(
                "import contextlib\n"
                "import unittest\n\n"
                "@contextlib.contextmanager\n"
                "def tmpdir():\n"
                "    yield '/tmp'\n\n"
                "class T(unittest.TestCase):\n"
                "    def setUp(self):\n"
                "        self.dir = self.enterContext(tmpdir())\n\n"
                "    def test_x(self):\n"
                "        pass\n"
            ),
            why="a sync context manager",
        ),
    )

    runtime = (
        RuntimeExample(
            files={
                "test_example.py": (
                    "import unittest\n\n"
                    "closed = []\n\n"
                    "async def close_conn():\n"
                    "    closed.append(True)\n\n"
                    "class T(unittest.TestCase):\n"
                    "    def setUp(self):\n"
                    "        self.addCleanup(close_conn)\n\n"
                    "    def test_x(self):\n"
                    "        __SENTINEL__\n"
                ),
            },
            runner="unittest",
            outcome="passed",
            body_ran=True,
            symptoms=(symptoms[0],),
            envs=("py310", "py311", "py312", "py313", "py314", "py315"),
            note="the unsafe fix makes the class an IsolatedAsyncioTestCase, whose addCleanup awaits coroutines",
        ),
        RuntimeExample(
            files={
                "test_example.py": (
                    "import contextlib\n"
                    "import unittest\n\n"
                    "@contextlib.asynccontextmanager\n"
                    "async def connection():\n"
                    "    yield 1\n\n"
                    "class T(unittest.IsolatedAsyncioTestCase):\n"
                    "    async def asyncSetUp(self):\n"
                    "        self.conn = self.enterContext(connection())\n\n"
                    "    async def test_x(self):\n"
                    "        __SENTINEL__\n"
                    "        self.assertEqual(self.conn, 1)\n"
                ),
            },
            runner="unittest",
            outcome="error",
            body_ran=False,
            symptoms=(symptoms[1],),
            envs=("py311", "py312", "py313", "py314", "py315"),
            note="enterContext/enterAsyncContext exist from 3.11; the unsafe fix awaits enterAsyncContext",
        ),
    )


_MODULE_API_NAMES = frozenset(name for name in _MODULE_APIS.values())


def _last_name(expr: ast.AST) -> str:
    return expr.attr if isinstance(expr, ast.Attribute) else getattr(expr, "id", "")


def _is_coroutine_callable(ctx: FileContext, arg: ast.AST) -> bool:
    """A certain coroutine function, also wrapped in functools.partial."""
    if isinstance(arg, ast.Call) and ctx.qualify(arg.func) == "functools.partial" and arg.args:
        arg = arg.args[0]
    if isinstance(arg, (ast.Lambda, ast.Call)):
        return False
    return ctx.names_coroutine_function(arg)


def _is_async_only_context_manager(ctx: FileContext, arg: ast.AST) -> bool:
    """Certainly an object with `__aenter__` and no `__enter__`."""
    symbol = ctx.resolve(arg)
    options = options_of(symbol)
    return bool(options) and all(_async_only(ctx, option) for option in options)


def _async_only(ctx: FileContext, symbol) -> bool:
    if not isinstance(symbol, Instance):
        return False
    of = symbol.of
    if isinstance(of, External):
        return of.qualname in knowledge.ASYNC_ONLY_CONTEXT_MANAGERS
    if isinstance(of, ProjectClass):
        model = ctx.project.class_model(of)
        return (
            model is not None
            and not model.unknown_bases
            and "__aenter__" in model.methods
            and "__enter__" not in model.methods
        )
    if isinstance(of, ProjectFunction):
        function = ctx.project.function_summary(of)
        module = ctx.project.summary(of.path)
        if function is None or module is None:
            return False
        return any(module.qualify(d) in knowledge.ASYNC_CONTEXT_MANAGER_DECORATORS for d in function.decorators)
    return False
