"""PA001: an async pytest test that no plugin runs (strict mode, no asyncio mark)."""

from __future__ import annotations

from ..engine import knowledge
from ..engine.checker import FileContext
from ..engine.fixer import FixContext
from ..engine.model import Diagnostic, Severity
from ..engine.pytest_model import PytestModel
from ._pytest import SESSION_LOOP_RECIPE, add_decorator, find_function, pytest_model, unclaimed_outcome
from ..engine.rule import Invalid, Rule, RuntimeExample, Symptom, Valid

_INI = "[pytest]\nasyncio_default_fixture_loop_scope = function\n"


class MissingAsyncMarker(Rule):
    code = "PA001"
    name = "missing-async-marker"
    severity = Severity.ERROR
    summary = "An `async def` test with no `@pytest.mark.asyncio` in pytest-asyncio's strict mode is never run."
    message = "Async test `{test}` is not run by any plugin: {outcome}"
    fix_safety = "safe"
    fix_title = "Add @pytest.mark.asyncio"
    tokens = ("async def",)
    symptoms = (
        Symptom(
            when="pytest ≥ 8.4 (9.2.0, 8.4.2 with pytest-asyncio 1.0.0 and with 0.26.0 run here)",
            output="Failed: async def functions are not natively supported.",
            envs=("py311", "py311-pytest84-pa10", "py311-pytest84-pa026"),
        ),
        Symptom(
            when="pytest < 8.4 (7.4 with pytest-asyncio 0.21.2, 8.3.5 with 0.23.8, 0.24.0 and 0.25.3 run here): skipped, the body never runs",
            output="SKIPPED [1] ...async def function and no async plugin installed (see warnings)",
            envs=("py311-pytest83-pa023", "py311-pytest74-pa021", "py311-pytest83-pa024", "py311-pytest83-pa025"),
        ),
    )
    explanation = """
    In strict mode (pytest-asyncio's default) pytest-asyncio runs only tests
    marked `@pytest.mark.asyncio` (on the function, its class, or in a
    `pytestmark`). An unmarked `async def test_*` is left to pytest itself,
    which cannot run coroutines: since pytest 8.4 the test **fails** with
    "async def functions are not natively supported"; before, it was
    **skipped** with a warning, so the suite stayed green while the body
    never ran. anyio's plugin runs a test only when it is marked
    `@pytest.mark.anyio`, requests `anyio_backend`, or `anyio_mode = auto`.

    A common cause is a configuration that is not the one pytest reads: an
    (even empty) `pytest.ini` next to a `pyproject.toml` wins, and the
    `asyncio_mode = "auto"` written in `pyproject.toml` is ignored. The hover
    names the config file and key that made strict mode effective.

    ### How to fix
    Mark the test (the quick fix adds the mark and `import pytest`), or mark
    the class or module (`pytestmark = pytest.mark.asyncio`), or set
    `asyncio_mode = auto` in the active config file. In projects that use
    anyio (an `anyio_backend` fixture, anyio-marked tests) the fix adds
    `@pytest.mark.anyio` instead.

    ```python
    @pytest.mark.asyncio
    async def test_reply():
        assert await agent.reply("hi") == "hello"
    ```

    Not reported: tests run by anyio, by another plugin (`@pytest.mark.trio`,
    pytest-trio's `trio_mode`, ...), by a conftest or plugin hook that runs
    tests itself (`pytest_pyfunc_call`, in a plugin loaded with `-p` too), or
    where a plugin from outside the project is loaded by name (it may run them); auto mode; async generators (CO006);
    methods of `unittest.TestCase` classes (UT001/UT008); tests behind
    decorators looplint cannot see into; modules pytest does not collect
    (`python_files`). When a conftest defines `pytest_collection_modifyitems`
    (which may add the mark, as pytest-asyncio's docs suggest), the
    diagnostic is a warning.
    """

    def end_file(self, ctx: FileContext) -> None:
        model = pytest_model(ctx)
        if not model.is_test_module:
            return
        hooks = None
        for item in model.tests():
            if not item.is_async or item.node is None:
                continue
            runner = model.runner(item)
            if runner.kind != "none":
                continue
            mark = "asyncio"
            if not model.asyncio_enabled:
                # A mark would not help: only anyio could run it.
                if not (model.anyio_enabled and _uses_anyio(model)):
                    continue
                mark = "anyio"
            elif _prefers_anyio(model):
                mark = "anyio"
            if hooks is None:
                hooks = model.hooks(knowledge.MARK_ADDING_HOOKS)
            outcome, versions_line = unclaimed_outcome(model)
            if model.asyncio_enabled:
                mode_text, related = model.mode_reason()
            else:
                mode_text = "pytest-asyncio is disabled (`-p no:asyncio` in `addopts`), so a `@pytest.mark.asyncio` " \
                            "would not help; anyio's plugin runs the test once it is marked `@pytest.mark.anyio`."
                related = []
            reason = f"{mode_text}\n\nNo mark, no `anyio_backend` fixture and no plugin claims `{item.qualname}`. " \
                     f"{versions_line}\n\n{model.versions_reason('pytest', 'pytest-asyncio')}"
            severity = None
            message = None
            if hooks:
                severity = Severity.WARNING
                where = ", ".join(f"`{hook}` in {ctx.project.relpath(path)}" for path, hook in hooks)
                reason += f"\n\n{where} may add marks at collection time, which looplint cannot see."
                message = self.message.format(test=item.qualname, outcome=outcome) + \
                    f" (unless `{hooks[0][1]}` adds a mark)"
                related = [*related, *model.hook_related(hooks, "`{hook}` may add marks")]
            ctx.report(
                self,
                range=ctx.name_range(item.node),
                fields={"test": item.qualname, "outcome": outcome},
                message=message,
                reason=reason,
                related=related,
                severity=severity,
                data={"mark": mark},
                fix_title=f"Add @pytest.mark.{mark}",
                never_runs=item.node if not hooks else None,
            )

    def fix(self, fixer: FixContext, diagnostic: Diagnostic) -> None:
        mark = diagnostic.data.get("mark", "asyncio")
        if mark not in ("asyncio", "anyio"):
            mark = "asyncio"
        function = find_function(fixer, diagnostic.range)
        add_decorator(fixer, function, f"{fixer.name_for('pytest', 'mark')}.{mark}")

    examples = (
        Valid(
            files=SESSION_LOOP_RECIPE,
            path="tests/test_client.py",
            source="async def test_get(client):\n    assert client\n",
            why="pytest-asyncio's recipe: a collection hook marks every async test with a session loop scope",
        ),
        Valid(
            files={
                "pyproject.toml": (
                    "[project]\nname = 'x'\ndependencies = ['pytest-asyncio']\n\n"
                    "[tool.pytest.ini_options]\nasyncio_default_fixture_loop_scope = 'function'\n"
                    "addopts = ['-p mypkg.testing.plugin']\n"
                ),
                "mypkg/__init__.py": "",
                "mypkg/testing/__init__.py": "",
                "mypkg/testing/plugin.py": (
                    "import inspect\nimport pytest\n\n"
                    "@pytest.hookimpl(tryfirst=True)\n"
                    "def pytest_pyfunc_call(pyfuncitem):\n"
                    "    if inspect.iscoroutinefunction(pyfuncitem.obj):\n"
                    "        return True\n"
                ),
            },
            source="async def test_runs():\n    pass\n",
            why="a plugin loaded with `-p NAME` (one TOML list item) runs coroutine tests itself",
        ),
        Valid(
            files={"tests/conftest.py": "pytest_plugins = ['pytest_jupyter.jupyter_server']\n"},
            path="tests/test_example.py",
            source="async def test_runs():\n    pass\n",
            why="a third-party plugin loaded by name may run async tests: who runs them is unknown",
        ),
        Invalid(
            files={"pytest.ini": _INI},
            source="import asyncio\n\n\nasync def test_fetch():\n    await asyncio.sleep(0)\n",
            at=(4, 11),
            end=(4, 21),
            fixed="import asyncio\nimport pytest\n\n\n@pytest.mark.asyncio\nasync def test_fetch():\n    await asyncio.sleep(0)\n",
        ),
        Invalid(
            # The empty pytest.ini wins over pyproject.toml: asyncio_mode = "auto" there is ignored.
            files={"pytest.ini": "", "pyproject.toml": '[tool.pytest.ini_options]\nasyncio_mode = "auto"\n'},
            source="import pytest\n\nclass TestClient:\n    async def test_get(self):\n        pass\n",
            at=(4, 15),
            message_contains="TestClient.test_get",
            fixed="import pytest\n\nclass TestClient:\n    @pytest.mark.asyncio\n    async def test_get(self):\n        pass\n",
        ),
        Invalid(
            # The project runs its async tests with anyio: the fix adds the anyio mark.
            files={
                "tests/conftest.py": "import pytest\n\n@pytest.fixture\ndef anyio_backend():\n    return 'asyncio'\n",
                "pytest.ini": _INI,
            },
            path="tests/test_api.py",
            source="import pytest\n\n@pytest.mark.anyio\nasync def test_a():\n    pass\n\nasync def test_b():\n    pass\n",
            at=(7, 11),
            fixed=(
                "import pytest\n\n@pytest.mark.anyio\nasync def test_a():\n    pass\n\n"
                "@pytest.mark.anyio\nasync def test_b():\n    pass\n"
            ),
        ),
        Invalid(
            # A marked parametrized test is fine; the unmarked one keeps its other decorators.
            files={"pytest.ini": _INI},
            source=(
                "from pytest import mark\n\n"
                "@mark.parametrize('x', [1, 2])\n"
                "async def test_x(x):\n"
                "    assert x\n"
            ),
            at=(4, 11),
            fixed=(
                "from pytest import mark\n\n"
                "@mark.asyncio\n"
                "@mark.parametrize('x', [1, 2])\n"
                "async def test_x(x):\n"
                "    assert x\n"
            ),
        ),
        Invalid(
            # A hook that may add marks makes it a warning (still reported: looplint cannot see the marks).
            files={
                "pytest.ini": _INI,
                "conftest.py": "def pytest_collection_modifyitems(items):\n    pass\n",
            },
            source="async def test_x():\n    pass\n",
            at=(1, 11),
            message_contains="pytest_collection_modifyitems",
            fixed="import pytest\n@pytest.mark.asyncio\nasync def test_x():\n    pass\n",
        ),
        Valid(source="import pytest\n\n@pytest.mark.asyncio\nasync def test_x():\n    pass\n", why="marked"),
        Valid(
            source="import pytest\n\npytestmark = pytest.mark.asyncio\n\nasync def test_x():\n    pass\n",
            why="module pytestmark",
        ),
        Valid(
            source=(
                "import pytest\n\npytestmark = [pytest.mark.slow, pytest.mark.asyncio(loop_scope='module')]\n\n"
                "class TestA:\n    async def test_x(self):\n        pass\n"
            ),
            why="a list pytestmark with the asyncio mark",
        ),
        Valid(
            source="import pytest\n\n@pytest.mark.asyncio\nclass TestA:\n    async def test_x(self):\n        pass\n",
            why="class mark",
        ),
        Valid(
            files={"pyproject.toml": '[tool.pytest.ini_options]\nasyncio_mode = "auto"\n'},
            source="async def test_x():\n    pass\n",
            why="auto mode in the active config",
        ),
        Valid(
            files={"pytest.ini": "[pytest]\naddopts = --asyncio-mode=auto\n"},
            source="async def test_x():\n    pass\n",
            why="auto mode from addopts",
        ),
        Valid(
            source="import pytest\n\n@pytest.mark.anyio\nasync def test_x():\n    pass\n",
            why="anyio-marked tests are anyio's",
        ),
        Valid(
            files={
                "conftest.py": "import pytest\n\n@pytest.fixture\ndef anyio_backend():\n    return 'asyncio'\n\n"
                               "@pytest.fixture\nasync def client(anyio_backend):\n    return 1\n",
            },
            source="async def test_x(client):\n    pass\n",
            why="a test requesting anyio_backend through a fixture runs under anyio",
        ),
        Valid(
            files={"pytest.ini": "[pytest]\nanyio_mode = auto\n"},
            source="async def test_x():\n    pass\n",
            why="anyio auto mode",
        ),
        Valid(
            files={"pytest.ini": "[pytest]\ntrio_mode = true\n"},
            source="async def test_x():\n    pass\n",
            why="pytest-trio's trio_mode claims every async test",
        ),
        Valid(
            files={
                "conftest.py": (
                    "import asyncio, inspect\n\n"
                    "def pytest_pyfunc_call(pyfuncitem):\n"
                    "    if inspect.iscoroutinefunction(pyfuncitem.obj):\n"
                    "        asyncio.run(pyfuncitem.obj(**pyfuncitem.funcargs))\n"
                    "        return True\n"
                ),
            },
            source="async def test_x():\n    pass\n",
            why="a conftest hook runs coroutine tests itself",
        ),
        Valid(
            source="import unittest\n\nclass TestX(unittest.IsolatedAsyncioTestCase):\n    async def test_x(self):\n        pass\n",
            why="unittest classes are not pytest-asyncio tests",
        ),
        Valid(
            source="from mylib import run_sync\n\n@run_sync\nasync def test_x():\n    pass\n",
            why="an unknown decorator may run the coroutine itself",
        ),
        Valid(
            path="tests/helpers.py",
            source="async def test_connection(host):\n    pass\n",
            why="not a test module (python_files)",
        ),
        Valid(
            files={"pytest.ini": "[pytest]\npython_functions = check_*\n"},
            source="async def test_not_collected():\n    pass\n",
            why="python_functions says what is collected",
        ),
        Valid(
            source="class Helper:\n    async def test_x(self):\n        pass\n",
            why="a class pytest does not collect (python_classes)",
        ),
        Valid(
            source="async def test_agen():\n    yield 1\n",
            why="async generators are CO006's",
        ),
    )

    runtime = (
        RuntimeExample(
            files={
                "pytest.ini": _INI,
                "test_example.py": "import asyncio\n\n\nasync def test_no_mark():\n    __SENTINEL__\n    await asyncio.sleep(0)\n",
            },
            runner="pytest",
            outcome="failed",
            body_ran=False,
            symptoms=symptoms,
            envs=("py311", "py311-pytest84-pa10", "py311-pytest83-pa023", "py311-pytest74-pa021", "py311-pytest83-pa024", "py311-pytest83-pa025", "py311-pytest84-pa026"),
            env_outcomes={"py311-pytest83-pa023": "skipped", "py311-pytest74-pa021": "skipped", "py311-pytest83-pa024": "skipped", "py311-pytest83-pa025": "skipped"},
        ),
        RuntimeExample(
            # The surprise of §3.10: an empty pytest.ini silently overrides pyproject.toml's auto mode.
            files={
                "pyproject.toml": '[tool.pytest.ini_options]\nasyncio_mode = "auto"\n'
                                  'asyncio_default_fixture_loop_scope = "function"\n',
                "pytest.ini": "",
                "test_example.py": "import asyncio\n\n\nasync def test_auto_mode_ignored():\n    __SENTINEL__\n",
            },
            runner="pytest",
            outcome="failed",
            body_ran=False,
            symptoms=(symptoms[0],),
            envs=("py311",),
        ),
    )


def _prefers_anyio(model: PytestModel) -> bool:
    """Should the fix add the anyio mark? (the project runs its async tests with anyio, not pytest-asyncio)"""
    asyncio_marked = any(item.closest("asyncio") for item in model.tests())
    if asyncio_marked:
        return False
    if any(item.closest("anyio") for item in model.tests()):
        return True
    if model.resolve("anyio_backend") is not None:
        return True
    # An environment or lock file was read, and it has anyio but no pytest-asyncio.
    anyio = model.version("anyio")
    return model.version("pytest-asyncio") is None and anyio is not None and anyio.kind in ("installed", "lock")


def _uses_anyio(model: PytestModel) -> bool:
    return model.resolve("anyio_backend") is not None or any(item.closest("anyio") for item in model.tests())
