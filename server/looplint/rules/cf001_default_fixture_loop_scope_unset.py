"""CF001: pytest-asyncio >= 0.24 in use, and the active pytest config has no asyncio_default_fixture_loop_scope."""

from __future__ import annotations

from ..engine.config_check import ConfigContext, insert_keys
from ..engine.model import Edit, Severity
from ..engine.rule import Invalid, Rule, RuntimeExample, Symptom, Valid

KEY = "asyncio_default_fixture_loop_scope"
_REQUIREMENTS = "pytest\npytest-asyncio>=0.24\n"


class DefaultFixtureLoopScopeUnset(Rule):
    code = "CF001"
    name = "default-fixture-loop-scope-unset"
    severity = Severity.WARNING
    config_rule = True
    summary = "pytest-asyncio ≥ 0.24 warns at every start while `asyncio_default_fixture_loop_scope` is unset."
    message = "`asyncio_default_fixture_loop_scope` is unset: {outcome}"
    fix_safety = "safe"
    fix_title = "Set asyncio_default_fixture_loop_scope = function"
    symptoms = (
        Symptom(
            when="pytest-asyncio 0.24, 0.25, 1.3 and 1.5 (0.24.0, 0.25.3, 1.3.0, 1.5.0 run here), at every start (and in every xdist worker); 0.26.0 shows none in a normal run, and 1.0.0 with pytest 8.4.2 emits it while pytest configures itself, where a normal run does not show it",
            output="PytestDeprecationWarning: The configuration option \"asyncio_default_fixture_loop_scope\" is unset.",
            envs=("py311", "py311-pa13", "py311-pytest83-pa024", "py311-pytest83-pa025"),
        ),
    )
    explanation = """
    Since 0.24, an async fixture without `loop_scope` runs in the loop of
    `asyncio_default_fixture_loop_scope`. While that option is unset,
    pytest-asyncio falls back to the fixture's own scope and prints a
    `PytestDeprecationWarning` at every start (once per xdist worker):
    future versions will default to `function`, which changes where
    session- or module-scoped async fixtures run.

    The diagnostic is in the active pytest config file (the one pytest
    reads for these tests), at its section header, or at the start of the
    file when the file has no pytest section (a `pyproject.toml` that pytest
    uses only to find the rootdir).

    ### How to fix
    Set the option in the active config file, in its own syntax:

    ```ini
    [pytest]
    asyncio_default_fixture_loop_scope = function
    ```
    ```toml
    [tool.pytest.ini_options]
    asyncio_default_fixture_loop_scope = "function"
    ```

    The quick fix writes `function` (safe) only when no async fixture in the
    files this config governs has a wider scope without its own
    `loop_scope`: with `function`, those would fail with ScopeMismatch
    (PA008). Otherwise it proposes `fixture-scope` (pytest-asyncio 1.5+;
    unsafe: check your version), which keeps today's behaviour; or add
    `loop_scope=` to those fixtures yourself.

    Not reported: projects where pytest-asyncio is not a dependency or is
    older than 0.24, configs that set the option (also through `-o` in
    `addopts`), and pytest-asyncio disabled (`-p no:asyncio`).

    Config diagnostics live in TOML/INI files, where `# looplint: ignore`
    comments do not apply: silence them with `ignore = ["CF001"]` or
    `per-file-ignores = {"pytest.ini" = ["CF001"]}` in `[tool.looplint]`.
    """

    def check_config(self, ctx: ConfigContext) -> None:
        if not ctx.is_active:
            return
        config = ctx.config
        if config.fatal is not None or config.asyncio_plugin_disabled:
            return
        if ctx.versions.pytest_asyncio is None:
            return
        ge24 = ctx.at_least("pytest-asyncio", "0.24")
        if ge24 is False:
            return
        if config.get(KEY) is not None or _warning_ignored(config):
            return
        wide, complete = _wide_async_fixtures(ctx)
        if complete and not wide:
            value, safety = "function", "safe"
        elif ctx.at_least("pytest-asyncio", "1.5") is not False:
            value, safety = "fixture-scope", "unsafe"
        else:
            value, safety = None, None
        edits = insert_key(ctx, KEY, value) if value else []
        version = ctx.describe_version("pytest-asyncio")
        if ge24:
            outcome = "pytest-asyncio warns at every start (PytestDeprecationWarning)"
        else:
            outcome = "pytest-asyncio ≥ 0.24 (which the declared range allows) warns at every start"
        reason = (
            f"`{ctx.relpath}` is the active pytest config and does not set `{KEY}`; {version} is in the project. "
            "Until it is set, async fixtures without `loop_scope` run in a loop of their own scope, and future "
            "pytest-asyncio versions will switch that default to `function`."
        )
        if wide:
            listed = ", ".join(f"`{f.name}` ({ctx.project.relpath(p)}:{f.line}, scope `{f.scope}`)" for p, f in wide[:5])
            reason += (f"\n\nAsync fixtures with a wider scope and no `loop_scope`: {listed}. With `function` they "
                       "would fail with ScopeMismatch (PA008)")
            reason += ", so the fix writes `fixture-scope` (pytest-asyncio 1.5+)." if value else "."
        elif not complete:
            reason += "\n\nNot every governed file could be looked at, so the fix is marked unsafe."
        ctx.report(
            self,
            range=ctx.section_range(),
            fields={"outcome": outcome},
            reason=reason + "\n\n" + ctx.versions_reason("pytest-asyncio"),
            edits=edits,
            fix_applicability=safety,
            fix_title=f"Set {KEY} = {value}" if value else None,
            data={"value": value},
        )

    examples = (
        Valid(
            path="pyproject.toml",
            source=(
                "[project]\nname = 'x'\ndependencies = ['pytest-asyncio==1.2.0']\n\n"
                "[tool.pytest.ini_options]\nfilterwarnings = ['ignore::pytest.PytestDeprecationWarning']\n"
            ),
            why="the project ignores the deprecation warning CF001 announces",
        ),
        Invalid(
            files={"requirements.txt": _REQUIREMENTS, "test_x.py": "def test_x():\n    pass\n"},
            path="pytest.ini",
            source="[pytest]\naddopts = -ra\n",
            at=(1, 1),
            end=(1, 9),
            fixed="[pytest]\nasyncio_default_fixture_loop_scope = function\naddopts = -ra\n",
        ),
        Invalid(
            # TOML: the value is quoted; the section header is where the diagnostic points.
            path="pyproject.toml",
            source=(
                "[project]\nname = \"app\"\ndependencies = []\n\n"
                "[project.optional-dependencies]\ntest = [\"pytest-asyncio==1.5.0\"]\n\n"
                "[tool.pytest.ini_options]\nasyncio_mode = \"auto\"\n"
            ),
            at=(8, 1),
            fixed=(
                "[project]\nname = \"app\"\ndependencies = []\n\n"
                "[project.optional-dependencies]\ntest = [\"pytest-asyncio==1.5.0\"]\n\n"
                "[tool.pytest.ini_options]\nasyncio_default_fixture_loop_scope = \"function\"\nasyncio_mode = \"auto\"\n"
            ),
        ),
        Invalid(
            # A session-scoped async fixture without loop_scope: `function` would break it; 1.5 offers fixture-scope.
            files={
                "requirements.txt": "pytest-asyncio==1.5.0\n",
                "tests/conftest.py": "import pytest_asyncio\n\n@pytest_asyncio.fixture(scope='session')\n"
                                     "async def db():\n    yield 1\n",
            },
            path="pytest.ini",
            source="[pytest]\n",
            at=(1, 1),
            fixed="[pytest]\nasyncio_default_fixture_loop_scope = fixture-scope\n",
            unsafe=True,
        ),
        Invalid(
            # No pytest section anywhere: pyproject.toml is the config pytest reports; the fix adds the table.
            path="pyproject.toml",
            source="[project]\nname = \"app\"\ndependencies = [\"pytest-asyncio>=1.0\"]\n",
            at=(1, 1),
            fixed=(
                "[project]\nname = \"app\"\ndependencies = [\"pytest-asyncio>=1.0\"]\n\n"
                "[tool.pytest.ini_options]\nasyncio_default_fixture_loop_scope = \"function\"\n"
            ),
        ),
        Valid(
            files={"requirements.txt": _REQUIREMENTS},
            path="pytest.ini",
            source="[pytest]\nasyncio_default_fixture_loop_scope = function\n",
            why="set",
        ),
        Valid(
            files={"requirements.txt": _REQUIREMENTS},
            path="pytest.ini",
            source="[pytest]\naddopts = -o asyncio_default_fixture_loop_scope=function\n",
            why="set with -o in addopts",
        ),
        Valid(
            files={"requirements.txt": "pytest-asyncio==0.23.8\n"},
            path="pytest.ini",
            source="[pytest]\n",
            why="pytest-asyncio < 0.24 has no such option",
        ),
        Valid(path="pytest.ini", source="[pytest]\n", why="pytest-asyncio is not a dependency of the project"),
        Valid(
            files={"requirements.txt": _REQUIREMENTS},
            path="pytest.ini",
            source="[pytest]\naddopts = -p no:asyncio\n",
            why="pytest-asyncio disabled",
        ),
        Valid(
            files={"requirements.txt": _REQUIREMENTS, "pytest.ini": "[pytest]\n"},
            path="pyproject.toml",
            source="[tool.pytest.ini_options]\nasyncio_mode = \"auto\"\n",
            why="not the active config (pytest.ini wins; CF003 reports this file)",
        ),
    )

    runtime = (
        RuntimeExample(
            files={
                "requirements.txt": _REQUIREMENTS,
                "pytest.ini": "[pytest]\n",
                "test_example.py": "def test_x():\n    __SENTINEL__\n",
            },
            path="test_example.py",
            runner="pytest",
            outcome="passed",
            body_ran=True,
            symptoms=symptoms,
            envs=("py311", "py311-pa13", "py311-pytest83-pa024", "py311-pytest83-pa025"),
        ),
    )


def _wide_async_fixtures(ctx: ConfigContext):
    """Async fixtures pytest-asyncio runs, cached wider than `function`, with no loop_scope: ([(path, fixture)], complete)."""
    files, complete = ctx.governed_files()
    auto = ctx.config.asyncio_mode == "auto"
    found = []
    for path in files:
        summary = ctx.project.summary(path)
        if summary is None:
            continue
        for fixture in summary.fixtures:
            handled = fixture.decorator == "pytest_asyncio.fixture" or (fixture.is_async and auto)
            if not handled or fixture.loop_scope is not None:
                continue
            if fixture.scope_dynamic or (fixture.scope or "function") != "function":
                found.append((path, fixture))
    return found, complete


def insert_key(ctx: ConfigContext, key: str, value: str) -> list[Edit]:
    """Edits writing `key = value` into the active section (created at the end of the file when there is none)."""
    return insert_keys(ctx.path, ctx.text, ctx.config, [(key, value)])


# Warning classes whose `ignore` filter silences pytest-asyncio's PytestDeprecationWarning.
_SILENCING = ("PytestDeprecationWarning", "DeprecationWarning", "PytestWarning", "Warning")


def _warning_ignored(config) -> bool:
    """Does the config's `filterwarnings` ignore the warning (the project chose not to see it)?"""
    entry = config.get("filterwarnings")
    if entry is None:
        return False
    values = entry.value if isinstance(entry.value, (list, tuple)) else str(entry.value).splitlines()
    for value in values:
        action, _, rest = str(value).strip().partition(":")
        parts = rest.split(":")
        message = parts[0].strip()
        category = parts[1].strip() if len(parts) > 1 else ""
        if message and "loop_scope" not in message and "asyncio" not in message:
            continue  # a filter for other messages
        if action.strip() == "ignore" and category.rpartition(".")[2] in _SILENCING:
            return True
    return False
