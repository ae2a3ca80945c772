"""CF002: a pytest-asyncio or anyio option with a value they refuse (or silently misread)."""

from __future__ import annotations

from ..engine.config_check import ConfigContext
from ..engine.model import Severity
from ..engine.pytest_config import ANYIO_KEYS, ASYNCIO_KEYS, ConfigEntry, Span
from ..engine.pytest_model import SCOPES
from ._pytest import nearest
from ..engine.rule import Invalid, Rule, RuntimeExample, Symptom, Valid

_TRUTH = ("y", "yes", "t", "true", "on", "1", "n", "no", "f", "false", "off", "0")
_MODES = ("auto", "strict")


class InvalidAsyncioConfigValue(Rule):
    code = "CF002"
    name = "invalid-asyncio-config-value"
    severity = Severity.ERROR
    config_rule = True
    summary = "An `asyncio_*` or `anyio_mode` option with a value pytest-asyncio refuses or anyio silently ignores."
    message = "{problem}"
    fix_safety = "safe"
    fix_title = "Use the valid value"
    symptoms = (
        Symptom(
            when="a bad asyncio_mode, pytest-asyncio 0.21–1.5 (0.21.2, 0.24.0, 0.25.3, 0.26.0 and 1.5.0 run here): every test module fails to collect",
            output="UsageError: 'Auto' is not a valid asyncio_mode. Valid modes: auto, strict.",
            envs=("py311", "py311-pytest74-pa021", "py311-pytest83-pa024", "py311-pytest83-pa025", "py311-pytest84-pa026"),
        ),
        Symptom(
            when="a bad anyio_mode, anyio 4.16.0: silently strict, so unmarked async tests are not run",
            output="Failed: async def functions are not natively supported.",
            envs=("py311",),
        ),
    )
    explanation = """
    pytest-asyncio checks its options when it uses them, and the values are
    case-sensitive:

    - `asyncio_mode` must be exactly `strict` or `auto`: anything else
      (`Auto`, the removed `legacy`) makes every test module fail to collect
      with a `UsageError`;
    - `asyncio_default_fixture_loop_scope` and
      `asyncio_default_test_loop_scope` must be a scope (`function`, `class`,
      `module`, `package`, `session`; `fixture-scope` too for the fixture
      option from pytest-asyncio 1.5): pytest stops at startup (1.2+);
    - `asyncio_debug` must be a boolean (`true`, `false`, `1`, `0`, ...).

    anyio is more forgiving and more dangerous: any `anyio_mode` other than
    exactly `auto` means strict, **silently**, so with `anyio_mode = Auto`
    unmarked async tests are left to pytest, which fails them.

    In INI files (`pytest.ini`, `tox.ini`, `setup.cfg`) a `#` comment after
    a value is part of the value: `asyncio_mode = auto  # for CI` is invalid.
    Native TOML tables (`[tool.pytest]`, `pytest.toml`) also check the type:
    `asyncio_debug = "true"` is refused there.

    ### How to fix
    Write the valid value (the quick fix picks the nearest one).

    Config diagnostics live in TOML/INI files, where `# looplint: ignore`
    comments do not apply: silence them with `ignore = ["CF002"]` or
    `per-file-ignores = {"pytest.ini" = ["CF002"]}` in `[tool.looplint]`.
    """

    def check_config(self, ctx: ConfigContext) -> None:
        if not ctx.is_active:
            return
        config = ctx.config
        typed: set[tuple[str, int]] = set()
        for problem in ctx.problems():
            if problem.kind != "bad-type":
                continue
            for entry in problem.entries:
                if entry.key in ASYNCIO_KEYS + ANYIO_KEYS and ctx.entry_here(entry):
                    typed.add((entry.key, entry.key_span.line))
                    ctx.report(
                        self,
                        span=_entry_span(entry),
                        fields={"problem": f"`{entry.key}` has the wrong type: pytest stops at startup"},
                        reason=problem.message,
                        fixable=False,
                    )
        entries: list[tuple[ConfigEntry, tuple[str, ...], str]] = []
        if not config.asyncio_plugin_disabled:
            fixture_scopes = SCOPES + (("fixture-scope",) if ctx.at_least("pytest-asyncio", "1.5") is not False else ())
            for entry, valid in (
                (config.asyncio_mode_entry, _MODES),
                (config.get("asyncio_default_fixture_loop_scope"), fixture_scopes),
                (config.get("asyncio_default_test_loop_scope"), SCOPES),
                (config.get("asyncio_debug"), _TRUTH),
            ):
                if entry is not None:
                    entries.append((entry, valid, "asyncio"))
        if not config.anyio_plugin_disabled:
            for entry in dict.fromkeys(e for e in (config.anyio_mode_entry, config.get("anyio_mode")) if e is not None):
                entries.append((entry, _MODES, "anyio"))
        for entry, valid, plugin in entries:
            if not ctx.entry_here(entry) or (entry.key, entry.key_span.line) in typed:
                continue
            value = entry.value
            if entry.key == "asyncio_debug":
                if isinstance(value, bool) or str(value).strip().lower() in _TRUTH:
                    continue
            elif isinstance(value, str) and value in valid:
                continue
            self._report(ctx, entry, str(value), valid, plugin)

    def _report(self, ctx: ConfigContext, entry: ConfigEntry, value: str, valid: tuple[str, ...], plugin: str) -> None:
        key = entry.key
        comment = ""
        guess = None
        if entry.origin == "file" and ctx.path.suffix != ".toml":
            head = value.split("#")[0].split(";")[0].strip()
            if head != value.strip() and head in valid:
                comment = " (an inline comment is part of an INI value)"
                guess = head
        if key == "asyncio_debug":
            outcome = "not a boolean: pytest-asyncio stops every test with \"invalid truth value\""
            choices = "true or false"
            guess = guess or None
        elif key == "asyncio_mode":
            outcome = "pytest-asyncio refuses it: every test module fails to collect (UsageError)"
            choices = ", ".join(valid)
        elif key == "anyio_mode":
            outcome = "anyio silently treats it as strict, so unmarked async tests are not run by anyio"
            choices = ", ".join(valid)
        else:
            outcome = "pytest-asyncio stops at startup"
            choices = ", ".join(valid)
            if value == "fixture-scope":
                outcome = "`fixture-scope` needs pytest-asyncio ≥ 1.5; this version stops at startup"
        if guess is None and key != "asyncio_debug":
            guess = nearest(value, valid)
        problem = f"{value!r} is not a valid `{key}`{comment}: {outcome}"
        reason = (
            f"{ctx.describe_entry(entry)}. Valid values: {choices} (case-sensitive)."
            + (f"\n\n{ctx.versions_reason('pytest-asyncio')}" if plugin == "asyncio" else
               f"\n\n{ctx.versions_reason('anyio')}")
        )
        ctx.report(
            self,
            span=_entry_span(entry),
            fields={"problem": problem},
            reason=reason,
            edits=[ctx.value_edit(entry, guess)] if guess else [],
            fix_title=f"Use {guess!r}" if guess else None,
            data={"key": key, "value": guess},
        )

    examples = (
        Invalid(
            path="pytest.ini",
            source="[pytest]\nasyncio_mode = Auto\n",
            at=(2, 1),
            end=(2, 20),
            message_contains="'Auto'",
            fixed="[pytest]\nasyncio_mode = auto\n",
        ),
        Invalid(
            path="pyproject.toml",
            source="[tool.pytest.ini_options]\nasyncio_default_fixture_loop_scope = \"func\"\n",
            at=(2, 1),
            fixed="[tool.pytest.ini_options]\nasyncio_default_fixture_loop_scope = \"function\"\n",
        ),
        Invalid(
            # An inline comment is part of an INI value.
            path="tox.ini",
            source="[tox]\nenvlist = py311\n\n[pytest]\nasyncio_mode = auto  # all async tests\n",
            at=(5, 1),
            message_contains="inline comment",
            fixed="[tox]\nenvlist = py311\n\n[pytest]\nasyncio_mode = auto\n",
        ),
        Invalid(
            path="setup.cfg",
            source="[tool:pytest]\nanyio_mode = Auto\n",
            at=(2, 1),
            message_contains="silently",
            fixed="[tool:pytest]\nanyio_mode = auto\n",
        ),
        Invalid(
            # In addopts: the option's value is reported and fixed in place.
            path="pytest.ini",
            source="[pytest]\naddopts = -ra --asyncio-mode=Strict\n",
            at=(2, 15),
            fixed="[pytest]\naddopts = -ra --asyncio-mode=strict\n",
        ),
        Invalid(
            path="pytest.toml",
            source="[pytest]\nasyncio_debug = \"sometimes\"\n",
            at=(2, 1),
        ),
        Invalid(
            files={"requirements.txt": "pytest-asyncio==1.3.0\n"},
            path="pytest.ini",
            source="[pytest]\nasyncio_default_fixture_loop_scope = fixture-scope\n",
            at=(2, 1),
            message_contains="1.5",
        ),
        Valid(
            path="pytest.ini",
            source="[pytest]\nasyncio_mode = auto\nasyncio_default_fixture_loop_scope = session\n"
                   "asyncio_default_test_loop_scope = module\nasyncio_debug = true\nanyio_mode = strict\n",
            why="valid values",
        ),
        Valid(
            path="pyproject.toml",
            source="[tool.pytest]\nasyncio_debug = true\nasyncio_default_fixture_loop_scope = \"fixture-scope\"\n",
            why="native TOML booleans; fixture-scope (1.5)",
        ),
        Valid(
            files={"pytest.ini": "[pytest]\n"},
            path="pyproject.toml",
            source="[tool.pytest.ini_options]\nasyncio_mode = \"Auto\"\n",
            why="an ignored file's values are not used (CF003 reports the file)",
        ),
        Valid(
            path="pytest.ini",
            source="[pytest]\naddopts = -p no:asyncio\nasyncio_mode = whatever\n",
            why="pytest-asyncio disabled",
        ),
    )

    runtime = (
        RuntimeExample(
            files={
                "pytest.ini": "[pytest]\nasyncio_mode = Auto\nasyncio_default_fixture_loop_scope = function\n",
                "test_example.py": "async def test_x():\n    __SENTINEL__\n",
            },
            runner="pytest",
            outcome="collection-error",
            body_ran=False,
            symptoms=(symptoms[0],),
            envs=("py311", "py311-pytest74-pa021", "py311-pytest83-pa024", "py311-pytest83-pa025", "py311-pytest84-pa026"),
        ),
        RuntimeExample(
            files={
                "pytest.ini": "[pytest]\nanyio_mode = Auto\nasyncio_default_fixture_loop_scope = function\n",
                "test_example.py": "import anyio\n\nasync def test_x():\n    __SENTINEL__\n    await anyio.sleep(0)\n",
            },
            runner="pytest",
            outcome="failed",
            body_ran=False,
            symptoms=(symptoms[1],),
            envs=("py311",),
        ),
    )


def _entry_span(entry: ConfigEntry) -> Span:
    """From the key to the end of its bad value: the contract puts config diagnostics on the key."""
    key, value = entry.key_span, entry.value_span
    if (key.line, key.col) > (value.line, value.col):
        return value
    return Span(key.line, key.col, value.end_line, value.end_col)
