"""UT005: `async def setUpClass`/`tearDownClass`/`setUpModule`/`tearDownModule` never run."""

from __future__ import annotations

import ast
import fnmatch

from ..engine.checker import FileContext
from ..engine.model import Severity
from ..engine.symbols import ProjectClass
from ._unittest import class_is_analysable, runner_kind
from ..engine.rule import Invalid, Rule, RuntimeExample, Symptom, Valid
from .helpers import PRESERVES, method_decorators_verdict

_CLASS_HOOKS = frozenset({"setUpClass", "tearDownClass"})
_MODULE_HOOKS = frozenset({"setUpModule", "tearDownModule"})
# File names unittest's default discovery (test*.py) and pytest (test_*.py, *_test.py) load.
_TEST_FILE_PATTERNS = ("test*.py", "*_test.py")


class AsyncClassOrModuleHook(Rule):
    code = "UT005"
    name = "async-class-or-module-hook"
    severity = Severity.ERROR
    summary = "unittest has no async class- or module-level hooks: `async def setUpClass`/`setUpModule` never run."
    message = "`async def {method}` never runs: unittest calls `{method}()` synchronously and drops the coroutine"
    tokens = ("async def setUpClass", "async def tearDownClass", "async def setUpModule", "async def tearDownModule")
    local = True
    symptoms = (
        Symptom(
            when="every version (3.10–3.15), unittest runner (under pytest the test fails the same way)",
            output=".../unittest/suite.py:166: RuntimeWarning: coroutine 'T.setUpClass' was never awaited",
            envs=("py310", "py311", "py312", "py313", "py314", "py315"),
        ),
        Symptom(
            when="then, on the first use of what the hook should have set",
            output="AttributeError: 'T' object has no attribute 'value'",
            envs=("py310", "py311", "py312", "py313", "py314", "py315"),
        ),
    )
    explanation = """
    `setUpClass`, `tearDownClass`, `setUpModule` and `tearDownModule` are
    always called synchronously, also for `IsolatedAsyncioTestCase` (whose
    event loop exists only per test). An `async def` hook creates a coroutine
    that is dropped: the set-up silently never happens (a `RuntimeWarning`
    at most) and the tests fail on what it should have prepared.

    ### How to fix
    There is no async class- or module-level hook in the standard library.
    Move per-test resources into `async def asyncSetUp(self)`. For a resource
    that must really be shared by a class, use pytest with pytest-asyncio and a
    class-scoped async fixture (`loop_scope="class"`). Do not run the coroutine
    with `asyncio.run()` in `setUpClass`: objects bound to that temporary loop
    fail in the tests' own loops (see UT009 and LP006).

    ```python
    class TestDb(unittest.IsolatedAsyncioTestCase):
        async def asyncSetUp(self):
            self.db = await connect()
    ```

    No automatic fix: the right place for the code depends on what it creates.

    Not reported: classes whose bases cannot be resolved or that derive from a
    framework base with its own conventions, hooks with decorators looplint
    cannot see into, and module-level hooks in modules that are not test
    modules (no `test*.py`/`*_test.py` name and no TestCase class).
    """

    def visit_AsyncFunctionDef(self, node: ast.AsyncFunctionDef, ctx: FileContext) -> None:
        scope = ctx.scope
        if node.name in _MODULE_HOOKS and scope.kind == "module":
            if node.decorator_list or not _is_test_module(ctx):
                return
            ctx.report(
                self,
                range=ctx.name_range(node),
                fields={"method": node.name},
                reason=f"unittest (and pytest's unittest support) call `{node.name}()` of a test module synchronously.",
            )
            return
        if node.name not in _CLASS_HOOKS or scope.kind != "class" or scope.parent is None:
            return
        if scope.parent.kind != "module":
            return
        cls: ast.ClassDef = scope.node  # type: ignore[assignment]
        model = ctx.class_model(cls)
        if runner_kind(model) is None or not class_is_analysable(ctx, cls):
            return
        summary = ctx.summary.classes[cls.name].methods.get(node.name)
        others = tuple(d for d in (summary.decorators if summary else ()) if d not in ("classmethod", "staticmethod"))
        if others and method_decorators_verdict(ctx.project, ctx.path, others) != PRESERVES:
            return  # a decorator may run the coroutine
        ctx.report(
            self,
            range=ctx.name_range(node),
            fields={"method": node.name},
            reason=(
                f"Class chain: `{model.describe_chain()}`. Class-level hooks are called synchronously by the "  # type: ignore[union-attr]
                "test suite, before any test's event loop exists."
            ),
            related=ctx.related_class(model),  # type: ignore[arg-type]
        )

    examples = (
        Invalid(
            source=(
                "import unittest\n"
                "\n"
                "class T(unittest.IsolatedAsyncioTestCase):\n"
                "    @classmethod\n"
                "    async def setUpClass(cls):\n"
                "        cls.value = 42\n"
                "\n"
                "    async def test_x(self):\n"
                "        self.assertEqual(self.value, 42)\n"
            ),
            at=(5, 15),
            end=(5, 25),
        ),
        Invalid(
            source=(
                "import unittest\n"
                "\n"
                "class T(unittest.TestCase):\n"
                "    @classmethod\n"
                "    async def tearDownClass(cls):\n"
                "        pass\n"
            ),
            at=(5, 15),
        ),
        Invalid(
            path="tests/test_db.py",
            source=(
                "import unittest\n"
                "\n"
                "async def setUpModule():\n"
                "    pass\n"
                "\n"
                "async def tearDownModule():\n"
                "    pass\n"
            ),
            at=((3, 11), (6, 11)),
        ),
        Invalid(
            # Not named like a test file, but it holds a TestCase.
            path="tests/checks.py",
            source=(
                "import unittest\n"
                "\n"
                "async def setUpModule():\n"
                "    pass\n"
                "\n"
                "class T(unittest.TestCase):\n"
                "    def test_x(self):\n"
                "        pass\n"
            ),
            at=(3, 11),
        ),
        Valid(
            source=(
                "import unittest\n\n"
                "class T(unittest.IsolatedAsyncioTestCase):\n"
                "    @classmethod\n"
                "    def setUpClass(cls):\n"
                "        cls.value = 42\n\n"
                "    async def asyncSetUp(self):\n"
                "        self.conn = 1\n"
            ),
            why="sync class hooks and async per-test hooks",
        ),
        Valid(
            path="app/lifecycle.py",
            source="async def setUpModule():\n    pass\n",
            why="a module that is not a test module",
        ),
        Valid(
            source=(
                "from vendor.testing import AsyncSuiteCase\n\n"
                "class T(AsyncSuiteCase):\n"
                "    @classmethod\n"
                "    async def setUpClass(cls):\n"
                "        pass\n"
            ),
            why="an unresolvable base may run async class hooks",
        ),
        Valid(
            source=(
                "import unittest\n"
                "from asgiref.sync import async_to_sync\n\n"
                "class T(unittest.TestCase):\n"
                "    @classmethod\n"
                "    @async_to_sync\n"
                "    async def setUpClass(cls):\n"
                "        pass\n"
            ),
            why="a decorator that runs the coroutine",
        ),
        Valid(
            source=(
                "class Resource:\n"
                "    @classmethod\n"
                "    async def setUpClass(cls):\n"
                "        pass\n"
            ),
            why="not a TestCase",
        ),
    )

    runtime = (
        RuntimeExample(
            files={
                "test_example.py": (
                    "import unittest\n\n"
                    "class T(unittest.IsolatedAsyncioTestCase):\n"
                    "    @classmethod\n"
                    "    async def setUpClass(cls):\n"
                    "        cls.value = 42\n\n"
                    "    async def test_x(self):\n"
                    "        __SENTINEL__\n"
                    "        self.assertEqual(self.value, 42)\n"
                ),
            },
            runner="unittest",
            outcome="error",
            body_ran=True,
            symptoms=symptoms,
            envs=("py310", "py311", "py312", "py313", "py314", "py315"),
            note="no automatic fix: the rule only explains",
        ),
        RuntimeExample(
            files={
                "test_example.py": (
                    "import unittest\n\n"
                    "state = {}\n\n"
                    "async def setUpModule():\n"
                    "    state['value'] = 42\n\n"
                    "class T(unittest.TestCase):\n"
                    "    def test_x(self):\n"
                    "        __SENTINEL__\n"
                    "        self.assertEqual(state['value'], 42)\n"
                ),
            },
            runner="unittest",
            outcome="error",
            body_ran=True,
            symptoms=(
                Symptom(
                    when="module hook, every version",
                    output=".../unittest/suite.py:215: RuntimeWarning: coroutine 'setUpModule' was never awaited",
                    envs=("py310", "py311", "py312", "py313", "py314", "py315"),
                ),
                Symptom(when="module hook, every version", output="KeyError: 'value'",
                        envs=("py310", "py311", "py312", "py313", "py314", "py315")),
            ),
            envs=("py310", "py311", "py312", "py313", "py314", "py315"),
            note="no automatic fix: the rule only explains",
        ),
    )


def _is_test_module(ctx: FileContext) -> bool:
    name = ctx.path.name
    if any(fnmatch.fnmatch(name, pattern) for pattern in _TEST_FILE_PATTERNS):
        return True
    for class_name in ctx.summary.classes:
        model = ctx.project.class_model(ProjectClass(ctx.path, class_name))
        if model is not None and model.is_testcase:
            return True
    return False
