"""PA003: a user-defined `event_loop` fixture (ignored by pytest-asyncio >= 1.0)."""

from __future__ import annotations

import ast

from ..engine import knowledge
from ..engine.checker import FileContext
from ..engine.model import Severity
from ..engine.semantic.roles import fixture_of
from ._pytest import def_owner, pytest_model
from ..engine.rule import Invalid, Rule, RuntimeExample, Symptom, Valid

_INI = "[pytest]\nasyncio_default_fixture_loop_scope = function\n"
_CANONICAL = (
    "import asyncio\nimport pytest\n\n"
    "@pytest.fixture(scope='session')\n"
    "def event_loop():\n"
    "    loop = asyncio.new_event_loop()\n"
    "    yield loop\n"
    "    loop.close()\n"
)


class EventLoopFixtureOverride(Rule):
    code = "PA003"
    name = "event-loop-fixture-override"
    severity = Severity.ERROR
    summary = "A custom `event_loop` fixture is silently ignored by pytest-asyncio ≥ 1.0 (deprecated since 0.22)."
    message = "Custom `event_loop` fixture `{fixture}`: {outcome}"
    tokens = ("event_loop",)
    local = True
    symptoms = (
        Symptom(
            when="pytest-asyncio ≥ 1.0 (1.5.0 and 1.0.0 run here): no warning; tests run in pytest-asyncio's own "
                 "loop, so a test comparing loops fails",
            output="assert <_UnixSelectorEventLoop running=True ...> is <_UnixSelectorEventLoop running=False ...>",
            envs=("py311", "py311-pytest84-pa10"),
        ),
        Symptom(
            when="pytest-asyncio 0.22–0.26 (0.23.8, 0.24.0, 0.25.3 and 0.26.0 run here): a deprecation warning, the override still works",
            output="DeprecationWarning: The event_loop fixture provided by pytest-asyncio has been redefined in",
            envs=("py311-pytest83-pa023", "py311-pytest83-pa024", "py311-pytest83-pa025", "py311-pytest84-pa026"),
        ),
    )
    explanation = """
    Up to pytest-asyncio 0.21, overriding the `event_loop` fixture was the way
    to get a loop with a wider scope or of another class. 0.22 deprecated it
    and **1.0 removed the fixture**: a fixture named `event_loop` is now an
    ordinary fixture nobody asks for. pytest-asyncio runs tests and async
    fixtures in its own loops, without any warning, so whatever the custom
    loop was for (one loop for the whole session, `uvloop`, debug mode) is
    silently gone: session-scoped async resources end up bound to another
    loop than the tests that use them, and a test that requests
    `event_loop` gets a loop that is not the running one.

    ### How to fix
    Delete the fixture, then say what it was for:

    - a wider loop scope: `asyncio_default_fixture_loop_scope = session`
      and `asyncio_default_test_loop_scope = session` in the active config
      file, or `@pytest.mark.asyncio(loop_scope="session")` on the tests and
      `@pytest_asyncio.fixture(loop_scope="session")` on the fixtures;
    - another loop class: the `pytest_asyncio_loop_factories` hook
      (pytest-asyncio 1.4+), or the `event_loop_policy` fixture before that;
    - tests that use the loop: `asyncio.get_running_loop()` inside them.

    ```ini
    [pytest]
    asyncio_default_fixture_loop_scope = session
    asyncio_default_test_loop_scope = session
    ```

    No automatic fix: the replacement lives in the config file and depends on
    what the fixture did. Not reported: projects on pytest-asyncio < 0.22
    (the override is the documented way there), pytest-asyncio disabled
    (`-p no:asyncio`), and projects whose conftest runs coroutine tests
    itself (`pytest_pyfunc_call`), whose `event_loop` is their own.
    """

    def visit_FunctionDef(self, node: ast.FunctionDef, ctx: FileContext) -> None:
        self._check(node, ctx)

    def visit_AsyncFunctionDef(self, node: ast.AsyncFunctionDef, ctx: FileContext) -> None:
        self._check(node, ctx)

    def _check(self, node, ctx: FileContext) -> None:
        at_top, cls = def_owner(ctx)
        if not at_top:
            return
        fixture = fixture_of(ctx, node, cls)
        if fixture is None or fixture.name != "event_loop":
            return
        model = pytest_model(ctx)
        if not (model.is_conftest or model.is_test_module) or not model.asyncio_enabled:
            return
        if model.is_test_module and not any(t.is_async for t in model.tests()) and not any(
            f.is_async for f in ctx.summary.fixtures
        ):
            return  # a plain fixture of a module without async tests: pytest-asyncio never used it
        if model.hooks(knowledge.CUSTOM_ASYNC_TEST_RUNNER_HOOKS):
            return
        if model.at_least("pytest-asyncio", "0.22") is False:
            return  # the documented way before 0.22
        removed = model.at_least("pytest-asyncio", "1.0")
        if removed is False:
            severity = Severity.WARNING
            outcome = "overriding `event_loop` is deprecated (pytest-asyncio 0.22–0.26) and ignored from 1.0 on"
            tail = "This pytest-asyncio still uses it, with a DeprecationWarning; from 1.0 on it is silently ignored."
        elif removed is True:
            severity = None
            outcome = "pytest-asyncio ≥ 1.0 silently ignores it; tests and async fixtures run in its own loops"
            tail = "pytest-asyncio ≥ 1.0 no longer has an `event_loop` fixture: this one is never used as the loop."
        else:
            severity = None
            outcome = ("pytest-asyncio ≥ 1.0 silently ignores it (the current releases); "
                       "0.22–0.26 warn that it is deprecated")
            tail = ("Whether it is still used depends on the pytest-asyncio version: ignored without a warning from "
                    "1.0 on (the current releases), deprecated in 0.22–0.26.")
        scope = fixture.scope or "function"
        reason = (
            f"`{fixture.func_name}` defines the `event_loop` fixture (scope `{scope}`) in "
            f"{ctx.project.relpath(ctx.path)}. {tail}\n\n{model.versions_reason('pytest-asyncio')}"
        )
        if scope != "function":
            reason += (f"\n\nFor a `{scope}`-scoped loop, set `asyncio_default_fixture_loop_scope = {scope}` and "
                       f"`asyncio_default_test_loop_scope = {scope}` in the active pytest config instead.")
        related = []
        config_related = model.config_related("the active pytest config (where the loop scopes belong)")
        if config_related is not None:
            related.append(config_related)
        ctx.report(
            self,
            range=ctx.name_range(node),
            fields={"fixture": fixture.func_name, "outcome": outcome},
            reason=reason,
            related=related,
            severity=severity,
            data={"scope": scope},
        )

    examples = (
        Valid(
            files={"pytest.ini": _INI},
            source=(
                "import asyncio\nimport pytest\n\n"
                "@pytest.fixture\n"
                "def event_loop():\n"
                "    loop = asyncio.new_event_loop()\n"
                "    yield loop\n"
                "    loop.close()\n\n"
                "def test_benchmark(event_loop):\n"
                "    event_loop.run_until_complete(asyncio.sleep(0))\n"
            ),
            why="a plain fixture named event_loop in a module without async tests: pytest-asyncio never used it",
        ),
        Invalid(files={"pytest.ini": _INI}, path="conftest.py", source=_CANONICAL, at=(5, 5), end=(5, 15)),
        Invalid(
            files={"pytest.ini": _INI},
            source=(
                "import asyncio\nimport pytest\n\n"
                "@pytest.fixture(name='event_loop')\n"
                "def loop():\n"
                "    return asyncio.new_event_loop()\n\n"
                "@pytest.mark.asyncio\n"
                "async def test_uses_the_loop():\n"
                "    pass\n"
            ),
            at=(5, 5),
            message_contains="ignores",
        ),
        Invalid(
            # Versions from the project's requirements: 0.23 only warns.
            files={"pytest.ini": _INI, "requirements-dev.txt": "pytest-asyncio==0.23.8\n"},
            path="conftest.py",
            source=_CANONICAL,
            at=(5, 5),
            message_contains="deprecated",
        ),
        Valid(
            files={"requirements.txt": "pytest-asyncio==0.21.1\n"},
            path="conftest.py",
            source=_CANONICAL,
            why="before pytest-asyncio 0.22 the override is the documented way",
        ),
        Valid(
            files={"pytest.ini": "[pytest]\naddopts = -p no:asyncio\n"},
            path="conftest.py",
            source=_CANONICAL,
            why="pytest-asyncio is disabled: the fixture is the project's own",
        ),
        Valid(
            path="conftest.py",
            source=_CANONICAL.replace("def event_loop", "def loop"),
            why="a loop fixture with another name",
        ),
        Valid(
            path="conftest.py",
            source=_CANONICAL + (
                "\n\ndef pytest_pyfunc_call(pyfuncitem):\n"
                "    loop = pyfuncitem.funcargs['event_loop']\n"
                "    loop.run_until_complete(pyfuncitem.obj(**pyfuncitem.funcargs))\n"
                "    return True\n"
            ),
            why="a conftest that runs coroutine tests itself owns its event_loop",
        ),
        Valid(
            path="tests/helpers.py",
            source=_CANONICAL,
            why="not a conftest or test module (only pytest_plugins could load it)",
        ),
    )

    runtime = (
        RuntimeExample(
            files={
                "pytest.ini": _INI,
                "conftest.py": _CANONICAL,
                "test_example.py": (
                    "import asyncio\nimport pytest\n\n"
                    "@pytest.mark.asyncio\n"
                    "async def test_uses_overridden_loop(event_loop):\n"
                    "    __SENTINEL__\n"
                    "    assert asyncio.get_running_loop() is event_loop\n"
                ),
            },
            runner="pytest",
            outcome="failed",
            body_ran=True,
            symptoms=symptoms,
            envs=("py311", "py311-pytest84-pa10", "py311-pytest83-pa023", "py311-pytest83-pa024", "py311-pytest83-pa025", "py311-pytest84-pa026"),
            env_outcomes={"py311-pytest83-pa023": "passed", "py311-pytest83-pa024": "passed", "py311-pytest83-pa025": "passed", "py311-pytest84-pa026": "passed"},
            note="pytest-asyncio ≥ 1.0: the custom loop is not the running one; 0.23.8: it is, with a warning",
        ),
    )
