"""PA002: an async fixture under `@pytest.fixture` in strict mode (nobody runs it)."""

from __future__ import annotations

import ast

from ..engine.fixer import cst  # libcst, imported when a fix is built

from ..engine import knowledge
from ..engine.checker import FileContext
from ..engine.fixer import FixContext, FixUnavailable
from ..engine.model import Diagnostic, Range, Severity
from ..engine.pytest_model import PytestModel
from ..engine.semantic.roles import fixture_of
from ._pytest import decorator_at, decorator_range, def_owner, fixture_definition, pytest_model
from ..engine.rule import Invalid, Rule, RuntimeExample, Symptom, Valid

_INI = "[pytest]\nasyncio_default_fixture_loop_scope = function\n"


class AsyncFixtureWithPytestFixture(Rule):
    code = "PA002"
    name = "async-fixture-with-pytest-fixture"
    severity = Severity.ERROR
    summary = "An async fixture decorated with `@pytest.fixture` is not run by pytest-asyncio in strict mode."
    message = "Async fixture `{fixture}` uses `@pytest.fixture` in strict mode: {outcome}"
    fix_safety = "safe"
    fix_title = "Use @pytest_asyncio.fixture"
    tokens = ("fixture",)
    symptoms = (
        Symptom(
            when="pytest ≥ 9 (9.2.0 + pytest-asyncio 1.5.0 run here): an error for every test that requests it",
            output="'...' requested an async fixture '...', with no plugin or hook that handled it. "
                   "This is an error, as pytest does not natively support it.",
            envs=("py311",),
        ),
        Symptom(
            when="pytest 8.4 + pytest-asyncio 1.0.0: the test gets a coroutine object, and two deprecation warnings",
            output="PytestRemovedIn9Warning: '...' requested an async fixture '...', with no plugin or hook that "
                   "handled it. This is usually an error, as pytest does not natively support it. "
                   "This will turn into an error in pytest 9.",
            envs=("py311-pytest84-pa10",),
        ),
        Symptom(
            when="pytest 7.4–8.4 with pytest-asyncio 0.21–0.26 (0.21.2, 0.23.8, 0.24.0, 0.25.3, 0.26.0 run here): the test gets a coroutine object (never awaited)",
            output="RuntimeWarning: coroutine '...' was never awaited",
            envs=("py311-pytest83-pa023", "py311-pytest74-pa021", "py311-pytest83-pa024", "py311-pytest83-pa025", "py311-pytest84-pa026"),
        ),
    )
    explanation = """
    In strict mode pytest-asyncio only runs async fixtures decorated with
    `@pytest_asyncio.fixture`. An `async def` fixture under plain
    `@pytest.fixture` is left to pytest, which cannot await it: pytest 9
    turns every request of it into an error ("requested an async fixture
    ... with no plugin or hook that handled it"; a second test requesting
    it in the same session may even fail with a bare internal
    `AssertionError`), and older pytest hands the test the coroutine object
    itself, so the test fails on something like `TypeError: 'coroutine'
    object is not subscriptable` and the fixture body never runs.

    ### How to fix
    Decorate the fixture with `@pytest_asyncio.fixture` (every argument
    stays the same; the quick fix adds `import pytest_asyncio`), or set
    `asyncio_mode = auto` in the active config file.

    ```python
    @pytest_asyncio.fixture
    async def client():
        async with Client() as c:
            yield c
    ```

    Not reported: fixtures that anyio runs (they depend on `anyio_backend`,
    or every test that requests them is an anyio test: anyio takes over
    plain `@pytest.fixture` async fixtures for its own tests), auto mode,
    pytest-asyncio disabled with `-p no:asyncio`, and projects whose
    conftest defines `pytest_fixture_setup` (a hook that may run async
    fixtures itself). For a fixture in a `conftest.py`, the tests under its
    folder that request it are looked at; when nobody can be found to
    request it, it is reported unless anyio is in use there.
    """

    def visit_AsyncFunctionDef(self, node: ast.AsyncFunctionDef, ctx: FileContext) -> None:
        at_top, cls = def_owner(ctx)
        if not at_top:
            return
        fixture = fixture_of(ctx, node, cls)
        if fixture is None or fixture.decorator != "pytest.fixture":
            return
        model = pytest_model(ctx)
        if not model.asyncio_enabled or model.asyncio_mode != "strict":
            return
        if model.hooks(knowledge.CUSTOM_ASYNC_FIXTURE_HOOKS) or model.claim_all_plugin() is not None:
            return
        definition = fixture_definition(ctx, model, fixture)
        own = model.closure_of([(p, f"fixture `{fixture.name}`") for p in fixture.params], cls)
        if "anyio_backend" in own:
            return  # anyio runs fixtures that depend on its backend
        user = None
        found_any = False
        for user_model, item, closure in model.users(definition):
            found_any = True
            if user_model.anyio_reason(item, closure):
                continue  # anyio runs the async fixtures of its tests
            if item.is_async and user_model.runner(item, closure).kind not in ("asyncio", "none"):
                continue  # another plugin, a custom hook, or a test looplint cannot read
            user = (user_model, item)
            break
        if user is None:
            if found_any:
                return  # every test that requests it is an anyio test: anyio runs it
            anyio_here = model.resolve("anyio_backend") is not None or model.anyio_auto or any(
                item.closest("anyio") for item in model.tests()
            )
            if anyio_here:
                return  # nobody to be seen requests it, and anyio may be who does
        outcome, versions_line = _outcome(model)
        mode_text, related = model.mode_reason()
        if user is not None:
            user_model, item = user
            where = "" if user_model.path == ctx.path else f" in {ctx.project.relpath(user_model.path)}"
            kind = "an async test" if item.is_async else "a sync test"
            requested = f"It is requested by `{item.qualname}`{where} ({kind}, not run by anyio)."
        else:
            requested = "No test that requests it was found, and anyio is not in use here."
        reason = (
            f"{mode_text}\n\n`{fixture.name}` is an `async def` under `@pytest.fixture`: only "
            f"`@pytest_asyncio.fixture` fixtures are run by pytest-asyncio in strict mode. {requested} "
            f"{versions_line}\n\n{model.versions_reason('pytest', 'pytest-asyncio')}"
        )
        dec = decorator_range(fixture)
        ctx.report(
            self,
            range=ctx.name_range(node),
            fields={"fixture": fixture.name, "outcome": outcome},
            reason=reason,
            related=related,
            data={"decorator": dec.to_json()},
        )

    def fix(self, fixer: FixContext, diagnostic: Diagnostic) -> None:
        dec_range = Range.from_json(diagnostic.data["decorator"])
        decorator, _ = decorator_at(fixer, dec_range)
        expr = decorator.decorator
        replacement = fixer.parse_expression(fixer.name_for("pytest_asyncio", "fixture"))
        if isinstance(expr, cst.Call):
            fixer.replace(expr, lambda updated: updated.with_changes(func=replacement))
        elif isinstance(expr, (cst.Name, cst.Attribute)):
            fixer.replace(expr, replacement)
        else:
            raise FixUnavailable("unexpected decorator shape")

    examples = (
        Invalid(
            files={"pytest.ini": _INI},
            source=(
                "import pytest\n\n"
                "@pytest.fixture\n"
                "async def client():\n"
                "    return {'ok': True}\n\n"
                "@pytest.mark.asyncio\n"
                "async def test_client(client):\n"
                "    assert client['ok']\n"
            ),
            at=(4, 11),
            end=(4, 17),
            message_contains="client",
            fixed=(
                "import pytest\nimport pytest_asyncio\n\n"
                "@pytest_asyncio.fixture\n"
                "async def client():\n"
                "    return {'ok': True}\n\n"
                "@pytest.mark.asyncio\n"
                "async def test_client(client):\n"
                "    assert client['ok']\n"
            ),
        ),
        Invalid(
            # Arguments are kept; an async generator fixture in a conftest, requested by a sync test.
            files={
                "pytest.ini": _INI,
                "tests/test_db.py": "def test_rows(db):\n    assert db is not None\n",
            },
            path="tests/conftest.py",
            source=(
                "import pytest\nimport pytest_asyncio\n\n"
                "@pytest.fixture(scope='module', name='db')\n"
                "async def database():\n"
                "    yield object()\n"
            ),
            at=(5, 11),
            fixed=(
                "import pytest\nimport pytest_asyncio\n\n"
                "@pytest_asyncio.fixture(scope='module', name='db')\n"
                "async def database():\n"
                "    yield object()\n"
            ),
        ),
        Invalid(
            # `from pytest import fixture`, a fixture in a test class.
            files={"pytest.ini": _INI},
            source=(
                "from pytest import fixture, mark\n\n"
                "class TestApi:\n"
                "    @fixture\n"
                "    async def token(self):\n"
                "        return 't'\n\n"
                "    @mark.asyncio\n"
                "    async def test_token(self, token):\n"
                "        assert token == 't'\n"
            ),
            at=(5, 15),
            fixed=(
                "from pytest import fixture, mark\nimport pytest_asyncio\n\n"
                "class TestApi:\n"
                "    @pytest_asyncio.fixture\n"
                "    async def token(self):\n"
                "        return 't'\n\n"
                "    @mark.asyncio\n"
                "    async def test_token(self, token):\n"
                "        assert token == 't'\n"
            ),
        ),
        Valid(
            source="import pytest_asyncio\n\n@pytest_asyncio.fixture\nasync def client():\n    return 1\n",
            why="pytest-asyncio's decorator",
        ),
        Valid(
            files={"pyproject.toml": '[tool.pytest.ini_options]\nasyncio_mode = "auto"\n'},
            source="import pytest\n\n@pytest.fixture\nasync def client():\n    return 1\n\nasync def test_x(client):\n    pass\n",
            why="auto mode runs every async fixture",
        ),
        Valid(
            source=(
                "import pytest\n\n"
                "@pytest.fixture\n"
                "async def resource():\n"
                "    return 5\n\n"
                "@pytest.mark.anyio\n"
                "async def test_anyio(resource):\n"
                "    assert resource == 5\n"
            ),
            why="only anyio tests request it: anyio runs the fixture",
        ),
        Valid(
            source=(
                "import pytest\n\n"
                "@pytest.fixture\n"
                "async def resource(anyio_backend):\n"
                "    return 5\n"
            ),
            why="a fixture that depends on anyio_backend is anyio's",
        ),
        Valid(
            files={"tests/test_api.py": "import pytest\n\npytestmark = pytest.mark.anyio\n\nasync def test_api(server):\n    assert server\n"},
            path="tests/conftest.py",
            source="import pytest\n\n@pytest.fixture\nasync def server():\n    return 'srv'\n",
            why="a conftest fixture whose only user is an anyio test module",
        ),
        Valid(
            files={"pytest.ini": "[pytest]\naddopts = -p no:asyncio\n"},
            source="import pytest\n\n@pytest.fixture\nasync def client():\n    return 1\n",
            why="pytest-asyncio is disabled",
        ),
        Valid(
            source="import pytest\n\n@pytest.fixture\ndef client():\n    return 1\n",
            why="sync fixtures",
        ),
        Valid(
            files={"pytest.ini": "[pytest]\ntrio_mode = true\n"},
            source="import pytest\n\n@pytest.fixture\nasync def nursery_client():\n    return 1\n\n"
                   "async def test_x(nursery_client):\n    pass\n",
            why="pytest-trio's trio_mode runs async fixtures and tests",
        ),
        Valid(
            source="import pytest\n\n@pytest.fixture\nasync def conn():\n    return 1\n\n"
                   "@pytest.mark.trio\nasync def test_x(conn):\n    pass\n",
            why="used only by tests another plugin runs",
        ),
    )

    runtime = (
        RuntimeExample(
            files={
                "pytest.ini": _INI,
                "test_example.py": (
                    "import pytest\n\n"
                    "@pytest.fixture\n"
                    "async def client():\n"
                    "    __SENTINEL__\n"
                    "    return {'ok': True}\n\n"
                    "@pytest.mark.asyncio\n"
                    "async def test_async_uses_fixture(client):\n"
                    "    assert client['ok']\n"
                ),
            },
            runner="pytest",
            outcome="error",
            body_ran=False,
            symptoms=symptoms,
            envs=("py311", "py311-pytest84-pa10", "py311-pytest83-pa023", "py311-pytest74-pa021", "py311-pytest83-pa024", "py311-pytest83-pa025", "py311-pytest84-pa026"),
            env_outcomes={"py311-pytest84-pa10": "failed", "py311-pytest83-pa023": "failed", "py311-pytest74-pa021": "failed", "py311-pytest83-pa024": "failed", "py311-pytest83-pa025": "failed", "py311-pytest84-pa026": "failed"},
        ),
    )


def _outcome(model: PytestModel) -> tuple[str, str]:
    ge9 = model.at_least("pytest", "9.0")
    if ge9 is True:
        return ("pytest errors out on every test that requests it",
                "pytest ≥ 9 refuses a test that requests an async fixture no plugin handles.")
    ge84 = model.at_least("pytest", "8.4")
    if ge9 is False and ge84 is True:
        return ("tests that request it get a coroutine object (deprecated in pytest 8.4, an error in pytest 9)",
                "pytest 8.4 hands the test the coroutine object and warns that this becomes an error in pytest 9.")
    if ge9 is False:
        return ("tests that request it get a coroutine object instead of its value",
                "Before pytest 8.4 the test silently receives the un-awaited coroutine object.")
    return ("tests that request it fail (pytest ≥ 9 errors out; older pytest hands them a coroutine object)",
            "The outcome depends on the pytest version: an error with pytest ≥ 9 (the current releases), "
            "a coroutine object instead of the value before.")
