"""CO006: an `async def test_*` that yields is an async generator: no runner runs it."""

from __future__ import annotations

import ast

from ..engine.checker import FileContext
from ..engine.model import Severity
from ..engine.summary import contains_yield, dotted_name
from . import _coroutines as co
from ..engine.rule import Invalid, Rule, RuntimeExample, Symptom, Valid
from .helpers import PRESERVES, method_decorators_verdict

_PYTEST_INI = "[pytest]\nasyncio_default_fixture_loop_scope = function\n"


class AsyncGeneratorTest(Rule):
    code = "CO006"
    name = "async-generator-test"
    severity = Severity.ERROR
    summary = "An `async def test_*` containing `yield` is an async generator, which no test runner runs."
    message = "Async test `{name}` contains `yield`: it is an async generator and its body never runs"
    tokens = ("yield",)
    local = True
    symptoms = (
        Symptom(
            when="pytest-asyncio 0.23–1.5 (0.23.8, 0.24.0, 0.25.3, 0.26.0, 1.0.0 and 1.5.0 run here): collected as xfail NOTRUN",
            output="PytestCollectionWarning: Tests based on asynchronous generators are not supported. "
            "test_agen will be ignored.",
            envs=("py310", "py311", "py312", "py313", "py314", "py315", "py311-pytest84-pa10", "py311-pytest83-pa023", "py311-pytest83-pa024", "py311-pytest83-pa025", "py311-pytest84-pa026"),
        ),
        Symptom(
            when="unittest 3.11–3.13 (3.10 passes without any message)",
            output="DeprecationWarning: It is deprecated to return a value that is not None from a test case",
            envs=("py311", "py312", "py313"),
        ),
        Symptom(
            when="unittest 3.14 and 3.15 (the warning shows its arguments as a tuple)",
            output="DeprecationWarning: (\"It is deprecated to return a value that is not None from a test case "
            "(... returned 'async_generator')\",)",
            envs=("py314", "py315"),
        ),
    )
    explanation = """
    A `yield` anywhere in an `async def` makes it an *async generator
    function*: calling it returns an async generator instead of a coroutine,
    and no runner iterates it. pytest-asyncio refuses it at collection
    (`PytestCollectionWarning ... will be ignored`, reported as
    `XFAIL [NOTRUN]`). `IsolatedAsyncioTestCase` sees that it is not a
    coroutine function, calls it synchronously and reports the test as
    **passed without running a line of it** (3.11+ adds a DeprecationWarning
    about the returned value; 3.10 says nothing).

    Usually the `yield` was copied from a fixture: setup/teardown around a
    `yield` belongs in a fixture (or `asyncSetUp`/`asyncTearDown`), not in
    the test.

    ### How to fix
    ```python
    @pytest_asyncio.fixture
    async def conn():
        c = await connect()
        yield c                 # the fixture yields
        await c.close()

    async def test_query(conn):  # the test does not
        assert await conn.fetch("select 1")
    ```

    No automatic fix: whether the code after `yield` is teardown, or the
    `yield` should simply go, needs a human.

    Not reported: fixtures (`@pytest.fixture`, `@pytest_asyncio.fixture`),
    async generator helpers not named `test*`, methods of classes that are
    neither unittest test cases nor pytest `Test*` classes, and tests wrapped
    in decorators looplint cannot see into.
    """

    def visit_AsyncFunctionDef(self, node: ast.AsyncFunctionDef, ctx: FileContext) -> None:
        if not node.name.startswith("test") or ctx.scope.kind not in ("module", "class"):
            return
        if not contains_yield(node):
            return
        owner = None
        if ctx.scope.kind == "class":
            if ctx.scope.parent is None or ctx.scope.parent.kind != "module":
                return
            owner = ctx.scope.node
        if co.function_role(ctx, node, owner) != co.TEST:
            return
        decorators = tuple(d for d in (dotted_name(dec) for dec in node.decorator_list) if d)
        if len(decorators) != len(node.decorator_list):
            return  # a decorator expression that is not a plain name
        if decorators and method_decorators_verdict(ctx.project, ctx.path, decorators) != PRESERVES:
            return
        runner = "unittest" if owner is not None and _is_testcase(ctx, owner) else "pytest"
        if runner == "unittest":
            reason = (
                "`yield` makes this method an async generator function. unittest calls it like a sync test, "
                "gets an async generator back and reports the test as passed without running it."
            )
        else:
            reason = (
                "`yield` makes this function an async generator function. pytest-asyncio does not run async "
                "generators: it reports the test as `XFAIL [NOTRUN]` and never executes the body."
            )
        ctx.report(self, range=ctx.name_range(node), fields={"name": node.name}, reason=reason, fixable=False)

    examples = (
        Invalid(
            files={"pytest.ini": _PYTEST_INI},
            source=(
                "import pytest\n\n"
                "@pytest.mark.asyncio\n"
                "async def test_agen():\n"
                "    yield 1\n"
            ),
            at=(4, 11),
            end=(4, 20),
        ),
        Invalid(
            source=(
                "import unittest\n\n"
                "class T(unittest.IsolatedAsyncioTestCase):\n"
                "    async def test_stream(self):\n"
                "        async for item in self.stream():\n"
                "            yield item\n"
                "        self.fail('never')\n\n"
                "    async def stream(self):\n"
                "        yield 1\n"
            ),
            at=(4, 15),
            message_contains="test_stream",
        ),
        Invalid(
            # A pytest class in a test module.
            source=(
                "class TestConn:\n"
                "    async def test_reconnect(self):\n"
                "        conn = yield\n"
                "        assert conn\n"
            ),
            at=(2, 15),
        ),
        Valid(
            source=(
                "import pytest\nimport pytest_asyncio\n\n"
                "@pytest_asyncio.fixture\n"
                "async def test_data():\n"
                "    yield {'a': 1}\n\n"
                "@pytest.fixture\n"
                "async def conn():\n"
                "    yield 1\n\n"
                "async def records():\n"
                "    yield 1\n\n"
                "async def test_records():\n"
                "    assert [r async for r in records()] == [1]\n"
                "    def gen():\n"
                "        yield 1\n"
                "    assert list(gen()) == [1]\n"
            ),
            why="fixtures that yield, async generator helpers, generators nested in a test",
        ),
        Valid(
            source=(
                "from mylib import streaming_test\n\n"
                "@streaming_test\n"
                "async def test_stream():\n"
                "    yield 1\n"
            ),
            why="an unknown decorator may turn the generator into a runnable test",
        ),
        Valid(
            source=(
                "class Helper:\n"
                "    async def test_connection(self):\n"
                "        yield 1\n"
            ),
            path="app/helpers.py",
            why="a method named test* outside any test class or test module",
        ),
    )

    runtime = (
        RuntimeExample(
            files={
                "pytest.ini": _PYTEST_INI,
                "test_example.py": (
                    "import pytest\n\n"
                    "@pytest.mark.asyncio\n"
                    "async def test_agen():\n"
                    "    __SENTINEL__\n"
                    "    yield 1\n"
                ),
            },
            runner="pytest",
            outcome="xfailed",
            body_ran=False,
            symptoms=(symptoms[0],),
            envs=("py310", "py311", "py312", "py313", "py314", "py315", "py311-pytest84-pa10", "py311-pytest83-pa023", "py311-pytest83-pa024", "py311-pytest83-pa025", "py311-pytest84-pa026"),
        ),
        RuntimeExample(
            files={
                "test_example.py": (
                    "import unittest\n\n"
                    "class T(unittest.IsolatedAsyncioTestCase):\n"
                    "    async def test_agen(self):\n"
                    "        __SENTINEL__\n"
                    "        yield 1\n"
                    "        self.fail('never runs')\n"
                ),
            },
            runner="unittest",
            outcome="passed",
            body_ran=False,
            symptoms=symptoms[1:],
            envs=("py310", "py311", "py312", "py313", "py314", "py315"),
            note="3.10 passes without any warning",
        ),
    )


def _is_testcase(ctx: FileContext, node: ast.ClassDef) -> bool:
    model = ctx.class_model(node)
    return model is not None and model.is_testcase is True
