"""CF003: pytest-asyncio / anyio options written where pytest does not read them."""

from __future__ import annotations

import difflib

from ..engine.config_check import ConfigContext, insert_keys, span_range, text_hash
from ..engine.fixer import FIX_FILES
from ..engine.model import Edit, Related, Severity
from ..engine.pytest_config import ANYIO_KEYS, ASYNCIO_KEYS, ConfigEntry, ConfigProblem
from ..engine.rule import Invalid, Rule, RuntimeExample, Symptom, Valid

_KEYS = ASYNCIO_KEYS + ANYIO_KEYS
# Options and the release that introduced them (older releases ignore them with "Unknown config option").
_INTRODUCED = {
    "asyncio_default_fixture_loop_scope": ("pytest-asyncio", "0.24"),
    "asyncio_default_test_loop_scope": ("pytest-asyncio", "0.26"),
    "asyncio_debug": ("pytest-asyncio", "1.2"),
    "anyio_mode": ("anyio", "4.11"),
}
_WHY = {
    "setup-cfg-pytest-section": "pytest reads `[tool:pytest]` in setup.cfg, not `[pytest]`",
    "both-toml-tables": "pytest refuses `[tool.pytest]` and `[tool.pytest.ini_options]` in the same file",
    "ignored-section": "pytest does not read this section",
    "native-toml-unsupported": "`[tool.pytest]` (native TOML) needs pytest ≥ 9.0",
    "toml-top-level-options": "pytest.toml options belong under `[pytest]`",
    "addopts-override-ignored": "pytest < 9.1 applies `-o` only from the command line, not from `addopts`",
}


def _move_to_active(ctx: ConfigContext, entry: ConfigEntry) -> tuple[list[Edit], dict] | None:
    """The edits moving an option pytest ignores here into the config file it reads: its line deleted
    here, `key = value` written in the active section there (in that file's syntax). None when the
    active file sets the key already (it wins today: moving would change what it means) or the value
    is not a plain scalar."""
    config = ctx.config
    if config.path is None or not config.found or entry.origin != "file" or config.get(entry.key) is not None:
        return None
    value = entry.value
    if isinstance(value, bool):
        value = "true" if value else "false"
    if not isinstance(value, (str, int, float)) or "\n" in str(value):
        return None
    removal = ctx.key_line_removal(entry)
    text = ctx.text_of(config.path)
    if removal is None or text is None:
        return None
    inserted = insert_keys(config.path, text, config, [(entry.key, str(value))])
    if not inserted:
        return None
    other = {
        "path": str(config.path), "hash": text_hash(text), "create": False,
        "edits": [[*e.range.to_json(), e.content] for e in inserted],
    }
    return [removal], {"other_edits": [other], FIX_FILES: [str(config.path)]}


class AsyncioConfigInIgnoredLocation(Rule):
    code = "CF003"
    name = "asyncio-config-in-ignored-location"
    severity = Severity.WARNING
    config_rule = True
    summary = "pytest-asyncio/anyio options in a file, section or key pytest does not read."
    message = "{problem}"
    fix_safety = "unsafe"
    fix_title = "Fix the section or key name"
    symptoms = (
        Symptom(
            when="a misspelled option (pytest 9.2.0): pytest warns, and the option has no effect",
            output="PytestConfigWarning: Unknown config option: asyncio_mod",
            envs=("py311",),
        ),
        Symptom(
            when="...so an async test meant for auto mode is not run (pytest 9.2.0)",
            output="Failed: async def functions are not natively supported.",
            envs=("py311",),
        ),
    )
    explanation = """
    pytest reads its options from **one** file, the first that holds pytest
    configuration walking up from the tests (per directory: `pytest.toml`,
    `.pytest.toml`, `pytest.ini`, `.pytest.ini`, `pyproject.toml`,
    `tox.ini`, `setup.cfg`), and from one section of it. Options written
    anywhere else are ignored, so tests run with pytest-asyncio's defaults
    (strict mode: unmarked async tests fail, PA001):

    - a lower-precedence file next to the active one: **an empty
      `pytest.ini` wins** over `[tool.pytest.ini_options]` in
      `pyproject.toml` (pytest 9 prints only `configfile: pytest.ini
      (WARNING: ignoring pytest config in pyproject.toml!)` in its header);
    - `[pytest]` in `setup.cfg` (pytest stops: it wants `[tool:pytest]`);
    - both `[tool.pytest]` and `[tool.pytest.ini_options]` in one
      `pyproject.toml` (pytest 9 stops);
    - `[tool.pytest]` with pytest < 9, options outside `[pytest]` in
      `pytest.toml`, `[tool:pytest]` in `tox.ini`, `-o` in `addopts` with
      pytest < 9.1;
    - a misspelled option (`asyncio_mod`), or an option the installed
      version does not know yet (`asyncio_default_fixture_loop_scope` before
      pytest-asyncio 0.24): "Unknown config option".

    ### How to fix
    Move the options into the active file and section (the hover names it),
    or delete the file that shadows them. Quick fixes (unsafe, review
    them): an option in a file pytest ignores because another one wins moves
    to that file (a fix over two files: its line goes, `key = value` is
    written in the active section, unless that file sets the key already);
    rename `[pytest]` in `setup.cfg` to `[tool:pytest]`, and rename a
    misspelled option to the one it most likely means.

    Only options of pytest-asyncio and anyio are reported.

    Config diagnostics live in TOML/INI files, where `# looplint: ignore`
    comments do not apply: silence them with `ignore = ["CF003"]` or
    `per-file-ignores = {"pytest.ini" = ["CF003"]}` in `[tool.looplint]`.
    """

    def check_config(self, ctx: ConfigContext) -> None:
        for problem in ctx.problems():
            if problem.kind == "unknown-key":
                for entry in problem.entries:
                    self._unknown_key(ctx, entry)
                continue
            why = _WHY.get(problem.kind)
            if problem.kind == "ignored-lower-precedence-file":
                why = problem.message.split(" (pytest prints")[0]
            if why is None:
                continue
            for entry in problem.entries:
                if entry.key not in _KEYS or not ctx.entry_here(entry):
                    continue
                self._ignored(ctx, problem, entry, why)
        if ctx.is_active:
            self._unsupported(ctx)

    def _ignored(self, ctx: ConfigContext, problem: ConfigProblem, entry: ConfigEntry, why: str) -> None:
        config = ctx.config
        related = []
        active = ""
        if config.path is not None and config.path != ctx.path and config.found:
            active = f" pytest reads `{ctx.project.relpath(config.path)}`" + (
                f" `{config.section}`" if config.section else "") + "."
            span = config.section_span
            related.append(Related(config.path, span_range(span) if span else span_range(problem.span),
                                   "the config file pytest reads"))
        consequence = " pytest stops before running any test." if problem.fatal else \
            " The option has no effect."
        edits = []
        title = None
        data: dict = {"kind": problem.kind}
        if problem.kind == "setup-cfg-pytest-section" and problem.fatal:
            header = problem.span
            if ctx.line_text(header.line)[header.col:header.end_col] == "[pytest]":
                edits = [Edit(span_range(header), "[tool:pytest]")]
                title = "Rename the section to [tool:pytest]"
        elif problem.kind == "ignored-lower-precedence-file":
            move = _move_to_active(ctx, entry)
            if move is not None:
                edits, other = move
                data.update(other)
                title = f"Move `{entry.key}` to {ctx.project.relpath(config.path)}"
        ctx.report(
            self,
            span=entry.key_span,
            fields={"problem": f"`{entry.key}` is ignored: {why}"},
            reason=f"{ctx.describe_entry(entry)} is ignored: {problem.message}.{active}{consequence}",
            related=related,
            severity=Severity.ERROR if problem.fatal else None,
            edits=edits,
            fix_title=title,
            data=data,
        )

    def _unknown_key(self, ctx: ConfigContext, entry: ConfigEntry) -> None:
        if not ctx.entry_here(entry) or entry.origin != "file":
            return
        guess = difflib.get_close_matches(entry.key.lower().replace("-", "_"), _KEYS, n=1, cutoff=0.75)
        hint = f" (did you mean `{guess[0]}`?)" if guess else ""
        edits = [Edit(span_range(entry.key_span), guess[0])] if guess and guess[0] not in ctx.config.entries else []
        ctx.report(
            self,
            span=entry.key_span,
            fields={"problem": f"Unknown option `{entry.key}`{hint}: pytest ignores it"},
            reason=f"{ctx.describe_entry(entry)}: neither pytest nor its plugins know this option; pytest warns "
                   "\"Unknown config option\" and the setting has no effect.",
            edits=edits,
            fix_title=f"Rename to {guess[0]}" if edits else None,
            data={"kind": "unknown-key"},
        )

    def _unsupported(self, ctx: ConfigContext) -> None:
        for key, (dist, version) in _INTRODUCED.items():
            entry = ctx.config.entries.get(key)
            if entry is None or not ctx.entry_here(entry):
                continue
            if ctx.at_least(dist, version) is not False:
                continue
            if dist == "pytest-asyncio" and ctx.config.asyncio_plugin_disabled:
                continue
            ctx.report(
                self,
                span=entry.key_span,
                fields={"problem": f"`{key}` is ignored: {dist} < {version} does not have this option"},
                reason=f"{ctx.describe_entry(entry)}: {key} appeared in {dist} {version}; the version in use warns "
                       f"\"Unknown config option: {key}\" and ignores it.\n\n{ctx.versions_reason(dist)}",
                data={"kind": "unsupported"},
            )

    examples = (
        Invalid(
            # An empty pytest.ini silently overrides pyproject.toml: the option moves there.
            files={"pytest.ini": ""},
            path="pyproject.toml",
            source="[tool.pytest.ini_options]\nasyncio_mode = \"auto\"\n",
            at=(2, 1),
            end=(2, 13),
            message_contains="pytest.ini",
            unsafe=True,
            fixed="[tool.pytest.ini_options]\n",
            fixed_files={"pytest.ini": "[pytest]\nasyncio_mode = auto\n"},
        ),
        Invalid(
            # The pytest.ini that wins has its section and other options: written under its header.
            files={"pytest.ini": "[pytest]\naddopts = -ra\n"},
            path="pyproject.toml",
            source="[project]\nname = 'app'\n\n[tool.pytest.ini_options]\nasyncio_mode = 'auto'\nasyncio_default_fixture_loop_scope = 'function'\n",
            at=((5, 1), (6, 1)),
            unsafe=True,
            fixed="[project]\nname = 'app'\n\n[tool.pytest.ini_options]\n",
            fixed_files={"pytest.ini": (
                "[pytest]\nasyncio_default_fixture_loop_scope = function\nasyncio_mode = auto\naddopts = -ra\n"
            )},
        ),
        Invalid(
            # The winning file sets the option itself: it is what pytest uses, so no move.
            files={"pytest.ini": "[pytest]\nasyncio_mode = strict\n"},
            path="pyproject.toml",
            source="[tool.pytest.ini_options]\nasyncio_mode = \"auto\"\n",
            at=(2, 1),
        ),
        Invalid(
            path="setup.cfg",
            source="[metadata]\nname = app\n\n[pytest]\nasyncio_mode = auto\n",
            at=(5, 1),
            fixed="[metadata]\nname = app\n\n[tool:pytest]\nasyncio_mode = auto\n",
            unsafe=True,
        ),
        Invalid(
            path="pyproject.toml",
            source=(
                "[tool.pytest]\nminversion = \"9.0\"\n\n"
                "[tool.pytest.ini_options]\nasyncio_mode = \"auto\"\n"
            ),
            at=(5, 1),
            message_contains="refuses",
        ),
        Invalid(
            path="pytest.ini",
            source="[pytest]\nasyncio_mod = auto\n",
            at=(2, 1),
            message_contains="asyncio_mode",
            fixed="[pytest]\nasyncio_mode = auto\n",
            unsafe=True,
        ),
        Invalid(
            files={"requirements.txt": "pytest==8.3.5\npytest-asyncio==0.23.8\n"},
            path="pytest.ini",
            source="[pytest]\nasyncio_mode = auto\nasyncio_default_fixture_loop_scope = function\n",
            at=(3, 1),
            message_contains="0.24",
        ),
        Invalid(
            files={"requirements.txt": "pytest==8.3.5\n"},
            path="pyproject.toml",
            source="[tool.pytest]\nasyncio_mode = \"auto\"\n",
            at=(2, 1),
            message_contains="9.0",
        ),
        Valid(
            path="pyproject.toml",
            source="[tool.pytest.ini_options]\nasyncio_mode = \"auto\"\n",
            why="the active file",
        ),
        Valid(
            files={"pytest.ini": ""},
            path="pyproject.toml",
            source="[tool.pytest.ini_options]\ntestpaths = [\"tests\"]\n",
            why="only pytest-asyncio and anyio options are reported",
        ),
        Valid(
            path="setup.cfg",
            source="[tool:pytest]\nasyncio_mode = auto\n",
            why="the right setup.cfg section",
        ),
        Valid(
            path="pytest.ini",
            source="[pytest]\nasyncio_mode = auto\ntimeout = 10\n",
            why="other plugins' options",
        ),
    )

    runtime = (
        RuntimeExample(
            files={
                "pytest.ini": "[pytest]\nasyncio_mod = auto\nasyncio_default_fixture_loop_scope = function\n",
                "test_example.py": "import asyncio\n\nasync def test_x():\n    __SENTINEL__\n    await asyncio.sleep(0)\n",
            },
            runner="pytest",
            outcome="failed",
            body_ran=False,
            symptoms=symptoms,
            envs=("py311",),
        ),
        RuntimeExample(
            # A pytest.ini (here only for addopts) shadows pyproject.toml: auto mode never applies. The fix
            # moves the option into pytest.ini.
            files={
                "pytest.ini": "[pytest]\naddopts = -ra\nasyncio_default_fixture_loop_scope = function\n",
                "pyproject.toml": "[project]\nname = 'app'\nversion = '0'\n\n[tool.pytest.ini_options]\nasyncio_mode = 'auto'\n",
                "test_example.py": "import asyncio\n\nasync def test_x():\n    __SENTINEL__\n    await asyncio.sleep(0)\n",
            },
            runner="pytest",
            outcome="failed",
            body_ran=False,
            symptoms=symptoms[1:],
            envs=("py311", "py311-pa13", "py311-pytest84-pa10"),
            note="pytest reads pytest.ini only; moved there, auto mode runs the test",
        ),
    )
