"""UT004: asyncSetUp/asyncTearDown/addAsyncCleanup/enterAsyncContext on a plain TestCase."""

from __future__ import annotations

import ast

from ..engine.checker import FileContext
from ..engine.fixer import FixContext
from ..engine.model import Diagnostic, Range, Related, Severity
from ..engine.project import ClassModel
from ..engine.symbols import ProjectClass
from ._unittest import (
    SYNC,
    change_base_to_isolated,
    class_is_analysable,
    find_class,
    find_method,
    is_self_attr_call,
    runner_kind,
    top_level_class,
)
from ..engine.rule import Invalid, Rule, RuntimeExample, Symptom, Valid
from .helpers import PRESERVES, RUNS, is_test_method_name, method_decorators_verdict

_HOOKS = ("asyncSetUp", "asyncTearDown")
_ASYNC_ONLY_METHODS = frozenset({"addAsyncCleanup", "enterAsyncContext"})


class AsyncHookOnSyncTestCase(Rule):
    code = "UT004"
    name = "async-hook-on-sync-testcase"
    severity = Severity.ERROR
    summary = "`asyncSetUp`, `asyncTearDown`, `addAsyncCleanup` and `enterAsyncContext` only exist on IsolatedAsyncioTestCase."
    message = "`{method}` is never called: `{cls}` derives from `unittest.TestCase`, not `IsolatedAsyncioTestCase`"
    fix_safety = "unsafe"
    fix_title = "Make the class derive from unittest.IsolatedAsyncioTestCase"
    # "TestCase": the hook may be inherited from a mixin in another file.
    tokens = ("asyncSetUp", "asyncTearDown", "addAsyncCleanup", "enterAsyncContext", "TestCase")
    local = True
    position_data = {"class_line": "line"}
    symptoms = (
        Symptom(
            when="asyncSetUp on a plain TestCase, every version: no warning, the hook silently never runs; the test "
            "then fails on what it should have set",
            output="AttributeError: 'T' object has no attribute 'value'",
            envs=("py310", "py311", "py312", "py313", "py314", "py315"),
        ),
    )
    explanation = """
    Only `unittest.IsolatedAsyncioTestCase` knows the async hooks. On a plain
    `unittest.TestCase`, `asyncSetUp` and `asyncTearDown` are ordinary methods
    that nobody calls: there is no warning at all, and the test fails later
    (or, worse, passes without the set-up). `self.addAsyncCleanup(...)` and
    `self.enterAsyncContext(...)` do not exist there and raise `AttributeError`.

    ### How to fix
    Derive the class from `unittest.IsolatedAsyncioTestCase`. Review the change:
    the class then gets a fresh event loop per test, set as the current loop
    during `setUp` (see UT001).

    ```python
    class TestDb(unittest.IsolatedAsyncioTestCase):
        async def asyncSetUp(self):
            self.db = await connect()
            self.addAsyncCleanup(self.db.close)
    ```

    Not reported: classes whose bases cannot be resolved or that derive from a
    framework base running async code (Django, aiounittest, your
    `async-test-bases`); classes that call `asyncSetUp`/`asyncTearDown`
    themselves (a sync base that runs them with `run_until_complete`, in a
    thread, ...), also through project bases; classes with methods decorated by
    something that runs coroutines or that looplint cannot see into; classes
    without tests (a base meant to be mixed with `IsolatedAsyncioTestCase`);
    and classes defining their own `addAsyncCleanup`/`enterAsyncContext`.
    """

    def visit_ClassDef(self, node: ast.ClassDef, ctx: FileContext) -> None:
        if ctx.scope.kind != "module":
            return
        model = _sync_case_with_tests(ctx, node)
        if model is None or model.calls_async_setup:
            return
        chain = model.describe_chain()
        for hook in _HOOKS:
            entry = model.methods.get(hook)
            if entry is None:
                continue
            path, owner, function = entry
            reason = (
                f"Class chain: `{chain}`, no `IsolatedAsyncioTestCase`: unittest never calls `{hook}`, "
                "and nothing in the class calls it either."
            )
            data = {"class_line": node.lineno}
            if path == ctx.path and owner == node.name:
                method = find_method(node, hook)
                if method is None:
                    continue
                ctx.report(
                    self,
                    range=ctx.name_range(method),
                    fields={"method": hook, "cls": node.name},
                    reason=reason,
                    data=data,
                    related=ctx.related_class(model),
                    never_runs=method,
                )
            elif not _reported_at_owner(ctx, path, owner):
                ctx.report(
                    self,
                    range=ctx.name_range(node),
                    message=(
                        f"`{hook}` inherited from `{owner}` is never called: `{node.name}` derives from "
                        "`unittest.TestCase`, not `IsolatedAsyncioTestCase`"
                    ),
                    reason=reason,
                    data=data,
                    related=[Related(path, Range(function.line, function.col, function.line,
                                                 function.col + len(hook)), f"`{hook}` is defined here")],
                )

    def visit_Call(self, node: ast.Call, ctx: FileContext) -> None:
        method = is_self_attr_call(node, _ASYNC_ONLY_METHODS)
        if method is None or ctx.method is None:
            return
        found = top_level_class(ctx)
        if found is None:
            return
        cls, _ = found
        model = _sync_case_with_tests(ctx, cls)
        if model is None or method in model.methods:
            return
        ctx.report(
            self,
            node,
            message=(
                f"`self.{method}()` does not exist on `{cls.name}`: it derives from `unittest.TestCase`, "
                "not `IsolatedAsyncioTestCase` (AttributeError at run time)"
            ),
            reason=f"Class chain: `{model.describe_chain()}`; `{method}` is defined by `IsolatedAsyncioTestCase` only.",
            data={"class_line": cls.lineno},
            related=ctx.related_class(model),
        )

    def fix(self, fixer: FixContext, diagnostic: Diagnostic) -> None:
        change_base_to_isolated(fixer, find_class(fixer, diagnostic.data["class_line"]))

    examples = (
        Invalid(
            source=(
                "import unittest\n"
                "\n"
                "class T(unittest.TestCase):\n"
                "    async def asyncSetUp(self):\n"
                "        self.value = 42\n"
                "\n"
                "    def test_x(self):\n"
                "        self.assertEqual(self.value, 42)\n"
            ),
            at=(4, 15),
            end=(4, 25),
            fixed=(
                "import unittest\n"
                "\n"
                "class T(unittest.IsolatedAsyncioTestCase):\n"
                "    async def asyncSetUp(self):\n"
                "        self.value = 42\n"
                "\n"
                "    def test_x(self):\n"
                "        self.assertEqual(self.value, 42)\n"
            ),
            unsafe=True,
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
                "        self.addAsyncCleanup(close_conn)\n"
                "\n"
                "    def test_x(self):\n"
                "        pass\n"
            ),
            at=(8, 9),
            end=(8, 41),
            message_contains="addAsyncCleanup",
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
            # The hook comes from a mixin in another file; reported on the concrete class.
            files={
                "tests/mixins.py": (
                    "class DbMixin:\n"
                    "    async def asyncTearDown(self):\n"
                    "        self.db = None\n"
                ),
            },
            source=(
                "import unittest\n"
                "from tests.mixins import DbMixin\n"
                "\n"
                "class TestDb(DbMixin, unittest.TestCase):\n"
                "    def test_db(self):\n"
                "        pass\n"
            ),
            at=(4, 7),
            message_contains="inherited from `DbMixin`",
        ),
        Valid(
            source=(
                "import unittest\n\n"
                "class T(unittest.IsolatedAsyncioTestCase):\n"
                "    async def asyncSetUp(self):\n"
                "        self.value = 42\n"
                "        self.addAsyncCleanup(self.close)\n\n"
                "    async def close(self):\n"
                "        pass\n\n"
                "    def test_x(self):\n"
                "        pass\n"
            ),
            why="IsolatedAsyncioTestCase runs the async hooks",
        ),
        Valid(
            files={
                "tests/base.py": (
                    "import asyncio, unittest\n\n"
                    "class LegacyAsyncCase(unittest.TestCase):\n"
                    "    def setUp(self):\n"
                    "        self.loop = asyncio.new_event_loop()\n"
                    "        self.loop.run_until_complete(self.asyncSetUp())\n\n"
                    "    async def asyncSetUp(self):\n"
                    "        pass\n"
                ),
            },
            source=(
                "from tests.base import LegacyAsyncCase\n\n"
                "class TestThing(LegacyAsyncCase):\n"
                "    async def asyncSetUp(self):\n"
                "        self.thing = 1\n\n"
                "    def test_thing(self):\n"
                "        pass\n"
            ),
            why="a sync project base that runs asyncSetUp itself through run_until_complete",
        ),
        Valid(
            source=(
                "import unittest\n"
                "from concurrent.futures import ThreadPoolExecutor\n"
                "import asyncio\n\n"
                "class T(unittest.TestCase):\n"
                "    def setUp(self):\n"
                "        with ThreadPoolExecutor(1) as pool:\n"
                "            pool.submit(asyncio.run, self.asyncSetUp()).result()\n\n"
                "    async def asyncSetUp(self):\n"
                "        self.value = 1\n\n"
                "    def test_x(self):\n"
                "        pass\n"
            ),
            why="the class calls asyncSetUp itself (in a worker thread)",
        ),
        Valid(
            source=(
                "import unittest\n\n"
                "class DbBase(unittest.TestCase):\n"
                "    async def asyncSetUp(self):\n"
                "        self.db = 1\n\n"
                "class TestDb(DbBase, unittest.IsolatedAsyncioTestCase):\n"
                "    async def test_db(self):\n"
                "        pass\n"
            ),
            why="a TestCase base without tests, combined with IsolatedAsyncioTestCase in the concrete class",
        ),
        Valid(
            source=(
                "from vendor.testing import AsyncCase\n\n"
                "class T(AsyncCase):\n"
                "    async def asyncSetUp(self):\n"
                "        pass\n\n"
                "    def test_x(self):\n"
                "        pass\n"
            ),
            why="an unresolvable base",
        ),
        Valid(
            source=(
                "import aiounittest\n\n"
                "class T(aiounittest.AsyncTestCase):\n"
                "    async def asyncSetUp(self):\n"
                "        pass\n\n"
                "    async def test_x(self):\n"
                "        pass\n"
            ),
            why="framework bases that run async code themselves",
        ),
        Valid(
            files={
                "tests/util.py": (
                    "import asyncio, functools\n\n"
                    "def with_loop(fn):\n"
                    "    @functools.wraps(fn)\n"
                    "    def wrapper(self):\n"
                    "        loop = asyncio.new_event_loop()\n"
                    "        loop.run_until_complete(self.asyncSetUp())\n"
                    "        return loop.run_until_complete(fn(self))\n"
                    "    return wrapper\n"
                ),
            },
            source=(
                "import unittest\n"
                "from tests.util import with_loop\n\n"
                "class T(unittest.TestCase):\n"
                "    async def asyncSetUp(self):\n"
                "        self.value = 1\n\n"
                "    @with_loop\n"
                "    async def test_x(self):\n"
                "        pass\n"
            ),
            why="a project decorator that runs the coroutines may run asyncSetUp too",
        ),
    )

    runtime = (
        RuntimeExample(
            files={
                "test_example.py": (
                    "import unittest\n\n"
                    "class T(unittest.TestCase):\n"
                    "    async def asyncSetUp(self):\n"
                    "        self.value = 42\n\n"
                    "    def test_x(self):\n"
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
                    "async def close_conn():\n"
                    "    pass\n\n"
                    "class T(unittest.TestCase):\n"
                    "    def setUp(self):\n"
                    "        self.addAsyncCleanup(close_conn)\n\n"
                    "    def test_x(self):\n"
                    "        __SENTINEL__\n"
                ),
            },
            runner="unittest",
            outcome="error",
            body_ran=False,
            symptoms=(
                Symptom(
                    when="addAsyncCleanup on a plain TestCase, every version (3.12+ adds a suggestion)",
                    output="AttributeError: 'T' object has no attribute 'addAsyncCleanup'",
                    envs=("py310", "py311", "py312", "py313", "py314", "py315"),
                ),
            ),
            envs=("py310", "py311", "py312", "py313", "py314", "py315"),
        ),
    )


def _sync_case_with_tests(ctx: FileContext, node: ast.ClassDef) -> ClassModel | None:
    """The model of a plain sync TestCase that has tests and no coroutine-running decorators."""
    model = ctx.class_model(node)
    if runner_kind(model) != SYNC or not class_is_analysable(ctx, node):
        return None
    assert model is not None
    if not any(is_test_method_name(name) for name in model.methods):
        return None  # a base meant to be combined with IsolatedAsyncioTestCase elsewhere
    for name, (path, _, function) in model.methods.items():
        if function.decorators:
            verdict = method_decorators_verdict(ctx.project, path, function.decorators)
            if verdict == RUNS or (function.is_async and verdict != PRESERVES):
                return None  # a harness drives coroutines itself and may run the async hooks too
    return model


def _reported_at_owner(ctx: FileContext, path, owner: str) -> bool:
    """Would the owner class get the diagnostic on its own `def` line?"""
    owner_model = ctx.project.class_model(ProjectClass(path, owner))
    if owner_model is None or runner_kind(owner_model) != SYNC or owner_model.calls_async_setup:
        return False
    return any(is_test_method_name(name) for name in owner_model.methods)
