"""PA003: a user-defined `event_loop` fixture (ignored by pytest-asyncio >= 1.0)."""

from __future__ import annotations

import ast
from pathlib import Path


from ..engine import knowledge
from ..engine.checker import FileContext
from ..engine.fixer import FixContext, FixUnavailable, cst  # libcst, imported when a fix is built
from ..engine.model import Diagnostic, Severity
from ..engine.pytest_model import SCOPES
from ..engine.semantic.roles import fixture_of
from ._migrate import config_data, config_destination, remove_with_unused_imports, set_config_keys
from ._pytest import def_owner, pytest_model
from ..engine.rule import Invalid, Rule, RuntimeExample, Symptom, Valid

_INI = "[pytest]\nasyncio_default_fixture_loop_scope = function\n"
_INI_STRICT = "[pytest]\nasyncio_mode = strict\n"
_CANONICAL = (
    "import asyncio\nimport pytest\n\n"
    "@pytest.fixture(scope='session')\n"
    "def event_loop():\n"
    "    loop = asyncio.new_event_loop()\n"
    "    yield loop\n"
    "    loop.close()\n"
)


_LOOP_SCOPE_KEYS = ("asyncio_default_fixture_loop_scope", "asyncio_default_test_loop_scope")
# Loop factories an override may use and still mean "a plain loop of this scope".
_PLAIN_LOOP_CALLS = frozenset({
    "asyncio.new_event_loop", "asyncio.get_event_loop", "asyncio.get_event_loop_policy.new_event_loop",
})


def _migration(ctx: FileContext, model, node, fixture, scope: str) -> dict | None:
    """The data of the override's migration, when it is one: a plain loop of one scope, in the conftest
    that governs every test of the config (its folder is the config's), on a pytest-asyncio that has
    both default loop scopes (0.26+; an older one pinned gets the migration with `--target`)."""
    if scope not in SCOPES or not model.is_conftest or model.at_least("pytest-asyncio", "0.26") is False:
        return None
    config = model.config
    governs = Path(config.path).parent if config.path is not None else Path(config.rootdir)
    if ctx.path.parent != governs or not _plain_loop_body(ctx, node):
        return None
    for key in _LOOP_SCOPE_KEYS:
        entry = config.get(key)
        if entry is not None and (entry.origin != "file" or str(entry.value).strip() != scope):
            return None  # the project chose its loop scopes already
    destination = config_destination(config)
    return None if destination is None else config_data(destination, ctx.path)


def _plain_loop_body(ctx: FileContext, node) -> bool:
    """`loop = asyncio.new_event_loop()` (optionally made current), `yield loop` (or return it), then
    `loop.close()` (optionally in a `finally`): what pytest-asyncio's own fixture did, in one scope."""
    if isinstance(node, ast.AsyncFunctionDef) or node.args.args or node.args.kwonlyargs:
        return False
    body = list(node.body)
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]  # docstring
    if len(body) == 2 and isinstance(body[1], ast.Try) and not body[1].handlers and not body[1].orelse:
        body = [body[0], *body[1].body, *body[1].finalbody]
    if not body or not isinstance(body[0], ast.Assign) or len(body[0].targets) != 1:
        return False
    target = body[0].targets[0]
    value = body[0].value
    if not isinstance(target, ast.Name) or not isinstance(value, ast.Call) or value.args or value.keywords:
        return False
    if ctx.qualify(value.func) not in _PLAIN_LOOP_CALLS:
        return False
    name = target.id
    handed_out = False
    for statement in body[1:]:
        if isinstance(statement, ast.Return) or (isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Yield)):
            value = statement.value.value if isinstance(statement, ast.Expr) else statement.value  # type: ignore[union-attr]
            if handed_out or not (isinstance(value, ast.Name) and value.id == name):
                return False
            handed_out = True
        elif isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call):
            call = statement.value
            closes = (isinstance(call.func, ast.Attribute) and call.func.attr == "close"
                      and isinstance(call.func.value, ast.Name) and call.func.value.id == name and not call.args)
            sets = (ctx.qualify(call.func) == "asyncio.set_event_loop" and len(call.args) == 1
                    and isinstance(call.args[0], ast.Name) and call.args[0].id == name and not handed_out)
            if not (closes and handed_out) and not sets:
                return False
        else:
            return False
    return handed_out


class EventLoopFixtureOverride(Rule):
    code = "PA003"
    name = "event-loop-fixture-override"
    severity = Severity.ERROR
    summary = "A custom `event_loop` fixture is silently ignored by pytest-asyncio ≥ 1.0 (deprecated since 0.22)."
    message = "Custom `event_loop` fixture `{fixture}`: {outcome}"
    tokens = ("event_loop",)
    local = True
    fix_safety = "unsafe"
    fix_edits_elsewhere = True  # its migration reads and edits other statements (helpers, imports, bases)
    fix_title = "Delete the `event_loop` fixture; set the default loop scopes in the config pytest reads"
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

    The fix is a migration over two files (unsafe: review it): for the
    common override (a plain new loop of one scope, yielded and closed, in the
    conftest at the config's folder) it deletes the fixture and sets both
    default loop scopes to that scope in the config pytest reads (a new
    `[tool.pytest.ini_options]` table in `pyproject.toml`, or a new
    `pytest.ini`, when there is none). It needs pytest-asyncio ≥ 0.26, which
    has `asyncio_default_test_loop_scope`; a project pinned to an older
    release gets it with `--target pytest-asyncio=1.3` (the upgrade). An
    override that does more (uvloop, a policy, debug mode) is left to you.

    On pytest-asyncio < 0.22 the override is the documented way: looplint
    reports it at info severity, saying it is removed from 1.0 on (the
    upgrade view). Not reported: pytest-asyncio disabled (`-p no:asyncio`),
    and projects whose conftest runs coroutine tests itself
    (`pytest_pyfunc_call`), whose `event_loop` is their own.
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
        removed = model.at_least("pytest-asyncio", "1.0")
        if model.at_least("pytest-asyncio", "0.22") is False:
            # The documented way before 0.22: an upgrade finding (info), what breaks and from which release.
            severity = Severity.INFO
            outcome = (f"removed in pytest-asyncio 1.0 (deprecated from 0.22), which silently ignores it: "
                       f"{model.pin_phrase('pytest-asyncio')}")
            tail = ("This pytest-asyncio uses it as the loop of every async test and fixture, as documented; 0.22–0.26 "
                    "warn that overriding it is deprecated, and from 1.0 on it is silently ignored.")
        elif removed is False:
            severity = Severity.WARNING
            outcome = ("overriding `event_loop` is deprecated (pytest-asyncio 0.22–0.26) and ignored from 1.0 on: "
                       f"{model.pin_phrase('pytest-asyncio')}")
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
            reason += (f"\n\nFor a `{scope}`-scoped loop{' (from pytest-asyncio 0.24 on)' if severity is Severity.INFO else ''}, set `asyncio_default_fixture_loop_scope = {scope}` and "
                       f"`asyncio_default_test_loop_scope = {scope}` in the active pytest config instead.")
        related = []
        config_related = model.config_related("the active pytest config (where the loop scopes belong)")
        if config_related is not None:
            related.append(config_related)
        data: dict = {"scope": scope}
        migration = _migration(ctx, model, node, fixture, scope)
        if migration is not None:
            data.update(migration)
            where = ctx.project.relpath(Path(migration["config"]))
            reason += (f"\n\nThe fix deletes the fixture and sets both default loop scopes to `{scope}` in "
                       f"`{where}`{' (a new file)' if migration['create'] else ''}: every async test and fixture "
                       f"keeps running in one `{scope}`-scoped loop, as with this fixture.")
        ctx.report(
            self,
            range=ctx.name_range(node),
            fields={"fixture": fixture.func_name, "outcome": outcome},
            reason=reason,
            related=related,
            severity=severity,
            data=data,
            deprecated=True,
            fixable=migration is not None,
            fix_title=(f"Delete the `event_loop` fixture; set the default loop scopes to `{scope}` in {where}"
                       if migration is not None else None),
        )

    def fix(self, fixer: FixContext, diagnostic: Diagnostic) -> None:
        data = diagnostic.data
        scope = data.get("scope")
        if scope not in SCOPES or "config" not in data:
            raise FixUnavailable("no migration for this fixture")
        function = fixer.ancestor(fixer.find(diagnostic.range, cst.Name), cst.FunctionDef)
        if function is None:
            raise FixUnavailable("not a function")
        remove_with_unused_imports(fixer, [function])
        set_config_keys(fixer, data, [(key, scope) for key in _LOOP_SCOPE_KEYS])

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
        Invalid(
            # The migration: the fixture goes, its scope becomes both default loop scopes in pytest.ini.
            files={"pytest.ini": _INI_STRICT},
            path="conftest.py",
            source=_CANONICAL + "\n\n@pytest.fixture\ndef settings():\n    return {}\n",
            at=(5, 5),
            end=(5, 15),
            unsafe=True,
            fixed="import pytest\n\n\n@pytest.fixture\ndef settings():\n    return {}\n",
            fixed_files={"pytest.ini": (
                "[pytest]\nasyncio_default_fixture_loop_scope = session\nasyncio_default_test_loop_scope = session\n"
                "asyncio_mode = strict\n"
            )},
        ),
        Invalid(
            # No pytest config at all: a [tool.pytest.ini_options] table in pyproject.toml (try/finally form).
            files={"pyproject.toml": "[project]\nname = 'app'\n"},
            path="conftest.py",
            source=(
                "import asyncio\nimport pytest\n\n"
                "@pytest.fixture(scope='module')\n"
                "def event_loop():\n"
                "    \"\"\"One loop per test module.\"\"\"\n"
                "    loop = asyncio.get_event_loop_policy().new_event_loop()\n"
                "    try:\n"
                "        yield loop\n"
                "    finally:\n"
                "        loop.close()\n"
            ),
            at=(5, 5),
            unsafe=True,
            fixed="",
            fixed_files={"pyproject.toml": (
                "[project]\nname = 'app'\n\n[tool.pytest.ini_options]\n"
                'asyncio_default_fixture_loop_scope = "module"\nasyncio_default_test_loop_scope = "module"\n'
            )},
        ),
        Invalid(
            # An override that does more than make a loop (uvloop): reported, no migration.
            files={"pytest.ini": _INI},
            path="conftest.py",
            source=(
                "import pytest\nimport uvloop\n\n"
                "@pytest.fixture(scope='session')\n"
                "def event_loop():\n"
                "    loop = uvloop.new_event_loop()\n"
                "    yield loop\n"
                "    loop.close()\n"
            ),
            at=(5, 5),
        ),
        Invalid(
            # The project already chose another default loop scope: no migration.
            files={"pytest.ini": _INI},
            path="conftest.py",
            source=_CANONICAL,
            at=(5, 5),
        ),
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
        Invalid(
            # Before pytest-asyncio 0.22 the override is the documented way: an upgrade finding (info).
            files={"requirements.txt": "pytest-asyncio==0.21.1\n"},
            path="conftest.py",
            source=_CANONICAL,
            at=(5, 5),
            severity="info",
            message_contains="removed in pytest-asyncio 1.0 (deprecated from 0.22), which silently ignores it: "
                             "this project pins 0.21.1",
        ),
        Invalid(
            # The same project with `--target pytest-asyncio=1.0`: the error of that release.
            files={"requirements.txt": "pytest-asyncio==0.21.1\n"},
            settings={"target": {"pytest-asyncio": "1.0"}},
            path="conftest.py",
            source=_CANONICAL,
            at=(5, 5),
            severity="error",
            message_contains="pytest-asyncio ≥ 1.0 silently ignores it",
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
            envs=("py311", "py311-pytest84-pa10", "py311-pytest74-pa021", "py311-pytest83-pa023",
                  "py311-pytest83-pa024", "py311-pytest83-pa025", "py311-pytest84-pa026"),
            env_outcomes={"py311-pytest74-pa021": "passed", "py311-pytest83-pa023": "passed",
                          "py311-pytest83-pa024": "passed", "py311-pytest83-pa025": "passed",
                          "py311-pytest84-pa026": "passed"},
            note="pytest-asyncio ≥ 1.0: the custom loop is not the running one; 0.21.2: it is, as documented (the "
                 "upgrade finding); 0.23–0.26: it is, with a warning; no migration (the project set its fixture loop "
                 "scope already)",
            fixable=False,
        ),
        RuntimeExample(
            # The migration: the session loop the override gave every test and fixture comes back from
            # the two default loop scopes in pytest.ini.
            files={
                "pytest.ini": _INI_STRICT,
                "conftest.py": "import pytest_asyncio\n" + _CANONICAL + (
                    "\n\n@pytest_asyncio.fixture(scope='session')\n"
                    "async def session_loop():\n"
                    "    return asyncio.get_running_loop()\n"
                ),
                "test_example.py": (
                    "import asyncio\nimport pytest\n\n"
                    "@pytest.mark.asyncio\n"
                    "async def test_shares_the_session_loop(session_loop):\n"
                    "    __SENTINEL__\n"
                    "    assert asyncio.get_running_loop() is session_loop\n"
                ),
            },
            runner="pytest",
            outcome="failed",
            body_ran=True,
            symptoms=symptoms[:2],
            envs=("py311", "py311-pytest84-pa10", "py311-pa13", "py311-pytest84-pa026"),
            note="pytest-asyncio ≥ 1.0 ignores the override: the session fixture's loop is not the test's; 0.26.0 "
                 "runs the test in the override (with its deprecation warning) but the session fixture in its own "
                 "session loop (an unset fixture loop scope is the fixture's scope), so it fails too; migrated, "
                 "both run in one session loop",
        ),
    )
