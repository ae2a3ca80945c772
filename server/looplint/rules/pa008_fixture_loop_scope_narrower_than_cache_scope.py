"""PA008: a pytest-asyncio fixture whose loop scope is narrower than its cache scope."""

from __future__ import annotations

import ast

from ..engine.fixer import cst  # libcst, imported when a fix is built

from ..engine.checker import FileContext
from ..engine.fixer import FixContext, FixUnavailable
from ..engine.model import Diagnostic, Severity
from ..engine.pytest_model import SCOPES, is_wider
from ._pytest import (
    def_owner,
    fixture_decorator_node,
    fixture_definition,
    fixture_of,
    pytest_model,
    quoted,
    with_keyword,
)
from ..engine.rule import Invalid, Rule, RuntimeExample, Symptom, Valid

_INI = "[pytest]\nasyncio_default_fixture_loop_scope = function\n"


class FixtureLoopScopeNarrowerThanCacheScope(Rule):
    code = "PA008"
    name = "fixture-loop-scope-narrower-than-cache-scope"
    severity = Severity.ERROR
    summary = "A pytest-asyncio fixture cached longer than its event loop lives fails with ScopeMismatch."
    message = "Fixture `{fixture}` is cached per {scope} but runs in a {loop}-scoped loop: {outcome}"
    fix_safety = "safe"
    fix_title = "Set loop_scope to the fixture's scope"
    tokens = ("fixture",)
    local = True
    symptoms = (
        Symptom(
            when="pytest-asyncio 0.24–1.5 (0.24.0, 0.25.3, 0.26.0, 1.0.0, 1.3.0 and 1.5.0 run here): an error at setup of every test using it",
            output="ScopeMismatch: You tried to access the function scoped fixture ... with a module scoped request "
                   "object.",
            envs=("py311", "py311-pa13", "py311-pytest84-pa10", "py311-pytest83-pa024", "py311-pytest83-pa025", "py311-pytest84-pa026"),
        ),
    )
    explanation = """
    pytest-asyncio runs a fixture in the event loop of its `loop_scope`
    (default: `asyncio_default_fixture_loop_scope`, else the fixture's own
    scope). "The event loop scope must be larger or the same as the
    fixture's caching scope" (pytest-asyncio docs): a module-scoped fixture
    cannot live in a loop that is replaced after every test. pytest reports
    it as a `ScopeMismatch` at setup of every test that requests the
    fixture. This also hits sync functions decorated with
    `@pytest_asyncio.fixture(scope=...)` (pytest-dev/pytest-asyncio#1175),
    and, most often, fixtures written before `loop_scope` existed in a
    project that then sets `asyncio_default_fixture_loop_scope = function`
    (CF001's fix, or the migration guide's first step).

    ### How to fix
    Give the fixture a loop at least as wide as its scope:

    ```python
    @pytest_asyncio.fixture(scope="module", loop_scope="module")
    async def conn(): ...
    ```

    The quick fix sets `loop_scope` to the fixture's scope (safe; it is the
    documented migration step). In auto mode an `async def` under
    `@pytest.fixture` is converted to `@pytest_asyncio.fixture(...,
    loop_scope=...)`, keeping every argument. Tests that use the fixture
    should then run in that loop too (PA009).

    Not reported: scopes computed at runtime, non-literal `loop_scope`,
    fixtures run by anyio (they depend on `anyio_backend`), and projects on
    pytest-asyncio < 0.24 or with it disabled.
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
        if fixture is None:
            return
        model = pytest_model(ctx)
        if not model.asyncio_enabled or model.asyncio_mode == "invalid":
            return
        if model.at_least("pytest-asyncio", "0.24") is False:
            return
        if fixture.decorator == "pytest_asyncio.fixture":
            converts = False
        elif fixture.is_async and model.asyncio_mode == "auto":
            converts = True
        else:
            return
        decorator = fixture_decorator_node(node, fixture)
        if decorator is None:
            return
        if isinstance(decorator, ast.Call) and any(
            k.arg == "loop_scope" and not isinstance(k.value, ast.Constant) for k in decorator.keywords
        ):
            return
        definition = fixture_definition(ctx, model, fixture)
        scope = definition.scope
        if scope not in SCOPES:
            return
        if "anyio_backend" in model.closure_of([(p, "fixture") for p in fixture.params], cls):
            return
        loop, why, entry = model.fixture_loop_scope(definition)
        if loop not in SCOPES or not is_wider(scope, loop):
            return
        related = []
        if entry is not None:
            related.append(model.entry_related(entry, f"the default fixture loop scope ({loop})"))
        outcome = "pytest-asyncio fails every test that uses it with ScopeMismatch"
        ctx.report(
            self,
            decorator,
            fields={"fixture": fixture.name, "scope": scope, "loop": loop, "outcome": outcome},
            reason=(
                f"Cache scope `{scope}` (`scope=`); loop scope `{loop}` from {why}. The `{loop}` loop is closed while "
                f"the fixture's value is still cached, so pytest-asyncio refuses it.\n\n"
                + model.versions_reason("pytest-asyncio")
            ),
            related=related,
            data={"scope": scope, "convert": converts},
            fix_title=f"Set loop_scope=\"{scope}\"" + (" (with @pytest_asyncio.fixture)" if converts else ""),
        )

    def fix(self, fixer: FixContext, diagnostic: Diagnostic) -> None:
        scope = diagnostic.data.get("scope")
        if scope not in SCOPES:
            raise FixUnavailable("bad scope")
        call = fixer.find(diagnostic.range, cst.Call)
        convert = bool(diagnostic.data.get("convert"))
        replacement = fixer.parse_expression(fixer.name_for("pytest_asyncio", "fixture")) if convert else None

        def change(updated: cst.Call) -> cst.Call:
            updated = with_keyword(fixer, updated, "loop_scope", quoted(scope))
            return updated.with_changes(func=replacement) if replacement is not None else updated

        fixer.replace(call, change)

    examples = (
        Invalid(
            files={"pytest.ini": _INI},
            source=(
                "import pytest_asyncio\n\n"
                "@pytest_asyncio.fixture(scope='module', loop_scope='function')\n"
                "async def conn():\n"
                "    return 1\n"
            ),
            at=(3, 2),
            end=(3, 63),
            fixed=(
                "import pytest_asyncio\n\n"
                "@pytest_asyncio.fixture(scope='module', loop_scope=\"module\")\n"
                "async def conn():\n"
                "    return 1\n"
            ),
        ),
        Invalid(
            # The configured default is narrower than the scope (also for a sync pytest-asyncio fixture).
            files={"pytest.ini": _INI},
            path="conftest.py",
            source="import pytest_asyncio\n\n@pytest_asyncio.fixture(scope='session')\ndef settings():\n    return {}\n",
            at=(3, 2),
            message_contains="session",
            fixed=(
                "import pytest_asyncio\n\n@pytest_asyncio.fixture(scope='session', loop_scope=\"session\")\n"
                "def settings():\n    return {}\n"
            ),
        ),
        Invalid(
            # Auto mode: plain @pytest.fixture async fixtures are pytest-asyncio's; the fix converts the decorator.
            files={"pyproject.toml": '[tool.pytest.ini_options]\nasyncio_mode = "auto"\n'
                                     'asyncio_default_fixture_loop_scope = "function"\n'},
            source="import pytest\n\n@pytest.fixture(scope='class', autouse=True)\nasync def server():\n    yield 1\n",
            at=(3, 2),
            fixed=(
                "import pytest\nimport pytest_asyncio\n\n"
                "@pytest_asyncio.fixture(scope='class', autouse=True, loop_scope=\"class\")\n"
                "async def server():\n    yield 1\n"
            ),
        ),
        Valid(
            files={"pytest.ini": _INI},
            source="import pytest_asyncio\n\n@pytest_asyncio.fixture(scope='module', loop_scope='module')\n"
                   "async def conn():\n    return 1\n",
            why="loop as wide as the cache",
        ),
        Valid(
            files={"pytest.ini": "[pytest]\n"},
            source="import pytest_asyncio\n\n@pytest_asyncio.fixture(scope='session')\nasync def conn():\n    return 1\n",
            why="no default configured: the loop scope follows the fixture scope (CF001 warns about that)",
        ),
        Valid(
            files={"pytest.ini": "[pytest]\nasyncio_default_fixture_loop_scope = fixture-scope\n"},
            source="import pytest_asyncio\n\n@pytest_asyncio.fixture(scope='session')\nasync def conn():\n    return 1\n",
            why="fixture-scope (pytest-asyncio 1.5)",
        ),
        Valid(
            files={"pytest.ini": _INI},
            source="import pytest_asyncio\n\n@pytest_asyncio.fixture(scope='function', loop_scope='session')\n"
                   "async def conn():\n    return 1\n",
            why="a loop wider than the cache is fine",
        ),
        Valid(
            files={"pytest.ini": _INI},
            source="import pytest\n\n@pytest.fixture(scope='session')\nasync def conn():\n    return 1\n",
            why="strict mode: pytest-asyncio does not run this fixture at all (PA002)",
        ),
        Valid(
            files={"pytest.ini": _INI},
            source="import pytest_asyncio\n\n@pytest_asyncio.fixture(scope=lambda **kw: 'session')\n"
                   "async def conn():\n    return 1\n",
            why="a scope computed at runtime",
        ),
    )

    runtime = (
        RuntimeExample(
            files={
                "pytest.ini": _INI,
                "test_example.py": (
                    "import pytest\nimport pytest_asyncio\n\n"
                    "@pytest_asyncio.fixture(scope='module', loop_scope='function')\n"
                    "async def conn():\n"
                    "    return 1\n\n"
                    "@pytest.mark.asyncio\n"
                    "async def test_x(conn):\n"
                    "    __SENTINEL__\n"
                    "    assert conn == 1\n"
                ),
            },
            runner="pytest",
            outcome="error",
            body_ran=False,
            symptoms=symptoms,
            envs=("py311", "py311-pa13", "py311-pytest84-pa10", "py311-pytest83-pa024", "py311-pytest83-pa025", "py311-pytest84-pa026"),
        ),
        RuntimeExample(
            # pytest-dev/pytest-asyncio#1175: a sync fixture, the configured default loop scope.
            files={
                "pytest.ini": _INI,
                "test_example.py": (
                    "import pytest_asyncio\n\n"
                    "@pytest_asyncio.fixture(scope='module')\n"
                    "def settings():\n"
                    "    return {'debug': True}\n\n"
                    "def test_settings(settings):\n"
                    "    __SENTINEL__\n"
                    "    assert settings['debug']\n"
                ),
            },
            runner="pytest",
            outcome="error",
            body_ran=False,
            symptoms=symptoms,
            envs=("py311",),
        ),
    )
