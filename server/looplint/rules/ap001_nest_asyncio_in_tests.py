"""AP001: nest_asyncio patched into the test process, hiding nested-loop bugs."""

from __future__ import annotations

import ast

from ..engine import knowledge
from ..engine.checker import FileContext
from ..engine.model import Severity
from . import _coroutines as co
from ..engine.rule import Invalid, Rule, RuntimeExample, Symptom, Valid

_PYTEST_INI = "[pytest]\nasyncio_default_fixture_loop_scope = function\n"
_TESTS = (
    "import asyncio\nimport pytest\n\n"
    "async def fetch():\n"
    "    return 1\n\n"
    "@pytest.mark.asyncio\n"
    "async def test_nested_run():\n"
    "    __SENTINEL__\n"
    "    assert asyncio.run(fetch()) == 1\n\n"
    "@pytest.mark.asyncio\n"
    "async def test_nested_ruc():\n"
    "    assert asyncio.get_event_loop().run_until_complete(fetch()) == 1\n"
)


class NestAsyncioInTests(Rule):
    code = "AP001"
    name = "nest-asyncio-in-tests"
    severity = Severity.WARNING
    summary = "`nest_asyncio` in test code makes nested `asyncio.run()`/`run_until_complete()` pass, hiding the bug."
    message = "{text}"
    tokens = ("nest_asyncio",)
    symptoms = (
        Symptom(
            when="with nest_asyncio applied, `asyncio.run()` inside a running loop passes (all versions)",
            output="PASSED test_example.py::test_nested_run",
            envs=("py310", "py311", "py312", "py313", "py314", "py315", "py311-pytest84-pa10", "py311-pytest83-pa023"),
        ),
        Symptom(
            when="pytest-asyncio 1.5: the patched loop is left open at exit",
            output="ResourceWarning: unclosed event loop <_UnixSelectorEventLoop running=False closed=False "
            "debug=False>",
            envs=("py310", "py311", "py312", "py313", "py314", "py315"),
        ),
    )
    explanation = """
    `nest_asyncio.apply()` monkey-patches asyncio so that a running loop can
    be re-entered. In a conftest or test module it silences the errors that
    point at real bugs: `asyncio.run() cannot be called from a running event
    loop` (LP001) and `This event loop is already running` (LP002) no longer
    happen in tests, so code that fails in production passes its tests. The
    patch is process-wide, affects every test after it, and is not supported
    by pytest-asyncio (maintainer, pytest-dev/pytest-asyncio#112:
    "Compatibility with nest_asyncio is nothing that pytest-asyncio supports").

    ### How to fix
    Remove it and make the nested call an `await`:

    ```python
    async def test_fetch():
        assert await fetch() == 1      # was: asyncio.run(fetch()) with nest_asyncio applied
    ```

    If the code under test really runs a loop from sync code, test it from a
    synchronous test (or in a thread) instead.

    Reported in test modules, `conftest.py` and modules in a tests folder:
    each `nest_asyncio.apply()` call, or the import when the file never calls
    `apply()`. No automatic fix. Not reported: nest_asyncio in application
    code (e.g. a notebook helper), which is outside the test suite.
    """

    def visit_Import(self, node: ast.Import, ctx: FileContext) -> None:
        for alias in node.names:
            if alias.name.split(".")[0] in knowledge.NEST_ASYNCIO_MODULES:
                self._state(ctx)["imports"].append(alias)

    def visit_ImportFrom(self, node: ast.ImportFrom, ctx: FileContext) -> None:
        if node.level == 0 and (node.module or "").split(".")[0] in knowledge.NEST_ASYNCIO_MODULES:
            self._state(ctx)["imports"].extend(node.names)

    def visit_Call(self, node: ast.Call, ctx: FileContext) -> None:
        if not isinstance(node.func, (ast.Name, ast.Attribute)):
            return
        qualified = ctx.qualify(node.func)
        if qualified is None:
            return
        module, _, name = qualified.rpartition(".")
        if name == "apply" and module in knowledge.NEST_ASYNCIO_MODULES:
            self._state(ctx)["calls"].append(node)

    def _state(self, ctx: FileContext) -> dict:
        return ctx.state.setdefault(self.code, {"imports": [], "calls": []})

    def end_file(self, ctx: FileContext) -> None:
        state = ctx.state.get(self.code)
        if not state or not co.is_test_support_file(ctx):
            return
        reason = (
            "`nest_asyncio.apply()` patches asyncio for the whole test process, so nested "
            "`asyncio.run()`/`run_until_complete()` inside a running loop stop failing in tests "
            "while they still fail in production."
        )
        for call in state["calls"]:
            ctx.report(self, call, fields={"text": "`nest_asyncio.apply()` in test code hides nested event-loop "
                                                   "errors (asyncio.run inside a running loop)"}, reason=reason)
        if not state["calls"]:
            for alias in state["imports"]:
                ctx.report(self, alias, fields={"text": "`nest_asyncio` is imported in test code: applying it "
                                                        "hides nested event-loop errors"}, reason=reason)

    examples = (
        Invalid(
            path="conftest.py",
            source="import nest_asyncio\n\nnest_asyncio.apply()\n",
            at=(3, 1),
            end=(3, 21),
        ),
        Invalid(
            path="tests/test_sync_api.py",
            source=(
                "import asyncio\n"
                "from nest_asyncio import apply as allow_nesting\n\n"
                "def setup_module():\n"
                "    allow_nesting(asyncio.get_event_loop())\n"
            ),
            at=(5, 5),
        ),
        Invalid(
            # A helper module in the tests folder that imports it for later use.
            path="tests/support/loops.py",
            files={"tests/test_loops.py": "from tests.support import loops\n"},
            source="import nest_asyncio as na\n\nPATCH = na\n",
            at=(1, 8),
        ),
        Valid(
            path="app/notebook.py",
            source="import nest_asyncio\n\nnest_asyncio.apply()\n",
            why="application code (a notebook helper) is outside the test suite",
        ),
        Valid(
            path="tests/test_x.py",
            source="import asyncio\n\nasync def test_x():\n    await asyncio.sleep(0)\n",
            why="no nest_asyncio",
        ),
    )

    runtime = (
        RuntimeExample(
            files={
                "pytest.ini": _PYTEST_INI,
                "conftest.py": "import nest_asyncio\nnest_asyncio.apply()\n",
                "test_example.py": _TESTS,
            },
            runner="pytest",
            outcome="passed",
            body_ran=True,
            symptoms=symptoms,
            envs=("py310", "py311", "py312", "py313", "py314", "py315", "py311-pytest84-pa10", "py311-pytest83-pa023"),
            note="without nest_asyncio the same test fails with `asyncio.run() cannot be called from a running "
            "event loop`",
        ),
    )
