"""AY001: a session/package-scoped async fixture used by anyio tests, without a wide enough `anyio_backend`."""

from __future__ import annotations

import ast

from ..engine.fixer import cst  # libcst, imported when a fix is built

from ..engine.checker import FileContext
from ..engine.fixer import FixContext, FixUnavailable
from ..engine.model import Diagnostic, Severity
from ..engine.pytest_model import SCOPES, is_wider
from ..engine.semantic.roles import fixture_of
from ._pytest import def_owner, find_function, fixture_definition, pytest_model, quoted
from ..engine.rule import Invalid, Rule, RuntimeExample, Symptom, Valid

_INI = "[pytest]\nasyncio_default_fixture_loop_scope = function\n"
# anyio's own anyio_backend fixture (anyio 4.x): scope="module", params=get_available_backends()
_BUILTIN_BACKEND_SCOPE = "module"


class AnyioWideScopeFixtureWithoutBackend(Rule):
    code = "AY001"
    name = "anyio-wide-scope-fixture-without-backend"
    severity = Severity.ERROR
    summary = "A session- or package-scoped async fixture under anyio needs an `anyio_backend` fixture at least as wide."
    message = "Async fixture `{fixture}` is {scope}-scoped but `anyio_backend` is {backend_scope}-scoped: {outcome}"
    fix_safety = "unsafe"
    fix_title = "Define a session-scoped anyio_backend fixture"
    tokens = ("async def",)
    symptoms = (
        Symptom(
            when="anyio 4.16.0: an error at setup of every anyio test that uses it",
            output="ScopeMismatch: You tried to access the module scoped fixture anyio_backend with a session scoped "
                   "request object.",
            envs=("py311",),
        ),
    )
    explanation = """
    anyio's pytest plugin runs an async fixture through its `anyio_backend`
    fixture. The built-in `anyio_backend` is **module**-scoped (anyio 4.x
    code: `scope="module"`, parametrised over every installed backend; the
    docs still say function scope), so an async fixture with a wider cache
    scope (`session`, `package`) cannot request it: every anyio test that
    uses the fixture errors with `ScopeMismatch`, and with several backends
    the second parameter may fail with a bare pytest `AssertionError`. The
    same happens when the project overrides `anyio_backend` with a scope
    narrower than the fixture's.

    ### How to fix
    Define `anyio_backend` yourself, at least as wide as your widest async
    fixture, in the root `conftest.py`:

    ```python
    @pytest.fixture(scope="session")
    def anyio_backend():
        return "asyncio"
    ```

    The quick fix (unsafe: tests then run on asyncio only, not on every
    installed backend) adds that fixture before the reported one when its
    module has no `anyio_backend` yet; moving it to the root `conftest.py`
    makes it apply everywhere.

    Not reported: module- and narrower-scoped fixtures (the built-in backend
    covers them), fixtures no anyio test uses (and that do not request
    `anyio_backend`), scopes computed at runtime, and anyio disabled
    (`-p no:anyio`).
    """

    def visit_AsyncFunctionDef(self, node: ast.AsyncFunctionDef, ctx: FileContext) -> None:
        at_top, cls = def_owner(ctx)
        if not at_top:
            return
        fixture = fixture_of(ctx, node, cls)
        if fixture is None:
            return
        model = pytest_model(ctx)
        if not model.anyio_enabled:
            return
        definition = fixture_definition(ctx, model, fixture)
        scope = definition.scope
        if scope not in SCOPES or not is_wider(scope, _BUILTIN_BACKEND_SCOPE):
            return
        found = None
        own = model.closure_of([(p, f"fixture `{fixture.name}`") for p in fixture.params], cls)
        if "anyio_backend" in own:
            found = (model, None, own, f"`{fixture.name}` requests `anyio_backend` itself")
        else:
            for user_model, item, closure in model.users(definition):
                why = user_model.anyio_reason(item, closure)
                if why:
                    found = (user_model, item, closure, f"`{item.qualname}` uses it, and anyio runs that test: {why}")
                    break
        if found is None:
            return
        user_model, item, closure, why = found
        backend = closure.requests["anyio_backend"].definition if "anyio_backend" in closure else None
        if backend is None:
            backend = user_model.resolve("anyio_backend", item.cls if item is not None else cls)
        if backend is not None:
            backend_scope = backend.scope
            if backend_scope is None or not is_wider(scope, backend_scope):
                return
            where = f"the project's `anyio_backend` ({backend.where(ctx.project)}) is `{backend_scope}`-scoped"
            related = [backend.related(ctx.project, "anyio_backend is defined here")]
        else:
            backend_scope = _BUILTIN_BACKEND_SCOPE
            where = "no project `anyio_backend` fixture is visible, and anyio's own is module-scoped"
            related = []
        outcome = "anyio tests using it fail with ScopeMismatch"
        has_backend_here = any(f.name == "anyio_backend" for f in ctx.summary.fixtures)
        ctx.report(
            self,
            range=ctx.name_range(node),
            fields={"fixture": fixture.name, "scope": scope, "backend_scope": backend_scope, "outcome": outcome},
            reason=(
                f"{why}. anyio runs `{fixture.name}` through `anyio_backend`, but {where}: a `{scope}`-scoped "
                f"fixture cannot request it.\n\n{model.versions_reason('anyio')}"
            ),
            related=related,
            data={"scope": scope, "def": ctx.name_range(node).to_json()},
            fixable=cls is None and not has_backend_here,
            fix_title=f"Define a {scope}-scoped anyio_backend fixture",
        )

    def fix(self, fixer: FixContext, diagnostic: Diagnostic) -> None:
        scope = diagnostic.data.get("scope")
        if scope not in SCOPES:
            raise FixUnavailable("bad scope")
        function = find_function(fixer, diagnostic.range)
        if function not in fixer.module.body:
            raise FixUnavailable("not a module-level fixture")
        fixture = fixer.name_for("pytest", "fixture")
        new = fixer.parse_statement(
            f"@{fixture}(scope={quoted(scope)})\ndef anyio_backend():\n    return \"asyncio\"\n"
        )
        blank = [cst.EmptyLine(), cst.EmptyLine()]
        new = new.with_changes(leading_lines=function.leading_lines)
        fixer.replace(function, lambda updated: cst.FlattenSentinel([new, updated.with_changes(leading_lines=blank)]))

    examples = (
        Invalid(
            files={"pytest.ini": _INI},
            source=(
                "import pytest\n\n"
                "@pytest.fixture(scope='session')\n"
                "async def server():\n"
                "    yield 'srv'\n\n"
                "@pytest.mark.anyio\n"
                "async def test_uses_session_fixture(server):\n"
                "    assert server == 'srv'\n"
            ),
            at=(4, 11),
            end=(4, 17),
            fixed=(
                "import pytest\n\n"
                "@pytest.fixture(scope=\"session\")\n"
                "def anyio_backend():\n"
                "    return \"asyncio\"\n\n\n"
                "@pytest.fixture(scope='session')\n"
                "async def server():\n"
                "    yield 'srv'\n\n"
                "@pytest.mark.anyio\n"
                "async def test_uses_session_fixture(server):\n"
                "    assert server == 'srv'\n"
            ),
            unsafe=True,
        ),
        Invalid(
            # A conftest fixture; the project's anyio_backend is module-scoped; users found under the folder.
            files={
                "pytest.ini": _INI,
                "tests/test_api.py": "import pytest\n\npytestmark = pytest.mark.anyio\n\n"
                                     "async def test_api(client):\n    assert client\n",
            },
            path="tests/conftest.py",
            source=(
                "import pytest\n\n"
                "@pytest.fixture(scope='module', params=['asyncio', 'trio'])\n"
                "def anyio_backend(request):\n"
                "    return request.param\n\n"
                "@pytest.fixture(scope='package')\n"
                "async def client():\n"
                "    return object()\n"
            ),
            at=(8, 11),
            message_contains="module-scoped",
        ),
        Valid(
            source=(
                "import pytest\n\n"
                "@pytest.fixture(scope='session')\n"
                "def anyio_backend():\n"
                "    return 'asyncio'\n\n"
                "@pytest.fixture(scope='session')\n"
                "async def server():\n"
                "    yield 'srv'\n\n"
                "@pytest.mark.anyio\n"
                "async def test_x(server):\n"
                "    pass\n"
            ),
            why="a session-scoped anyio_backend",
        ),
        Valid(
            source=(
                "import pytest\n\n"
                "@pytest.fixture(scope='module')\n"
                "async def server():\n"
                "    yield 'srv'\n\n"
                "@pytest.mark.anyio\n"
                "async def test_x(server):\n"
                "    pass\n"
            ),
            why="module scope: anyio's own backend fixture is module-scoped",
        ),
        Valid(
            files={"pytest.ini": _INI},
            source=(
                "import pytest, pytest_asyncio\n\n"
                "@pytest_asyncio.fixture(scope='session', loop_scope='session')\n"
                "async def server():\n"
                "    yield 'srv'\n\n"
                "@pytest.mark.asyncio(loop_scope='session')\n"
                "async def test_x(server):\n"
                "    pass\n"
            ),
            why="used by pytest-asyncio tests only",
        ),
        Valid(
            files={"pytest.ini": "[pytest]\naddopts = -p no:anyio\n"},
            source=(
                "import pytest\n\n@pytest.fixture(scope='session')\nasync def server():\n    yield 1\n\n"
                "@pytest.mark.anyio\nasync def test_x(server):\n    pass\n"
            ),
            why="anyio disabled",
        ),
    )

    runtime = (
        RuntimeExample(
            files={
                "pytest.ini": _INI,
                "test_example.py": (
                    "import pytest\n\n"
                    "@pytest.fixture(scope='session')\n"
                    "async def server():\n"
                    "    yield 'srv'\n\n"
                    "@pytest.mark.anyio\n"
                    "async def test_uses_session_fixture(server):\n"
                    "    __SENTINEL__\n"
                    "    assert server == 'srv'\n"
                ),
            },
            runner="pytest",
            outcome="error",
            body_ran=False,
            symptoms=symptoms,
            envs=("py311",),
        ),
    )
