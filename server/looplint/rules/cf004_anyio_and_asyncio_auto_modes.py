"""CF004: anyio auto mode together with pytest-asyncio auto mode."""

from __future__ import annotations

from ..engine.config_check import ConfigContext
from ..engine.model import Range, Related, Severity
from ..engine.rule import Invalid, Rule, RuntimeExample, Symptom, Valid


class AnyioAndAsyncioAutoModes(Rule):
    code = "CF004"
    name = "anyio-and-asyncio-auto-modes"
    severity = Severity.WARNING
    config_rule = True
    summary = "anyio and pytest-asyncio both in auto mode both claim every async test."
    message = "anyio and pytest-asyncio are both in auto mode: both claim every async test"
    fix_safety = "unsafe"
    fix_title = "Remove anyio_mode = auto (keep pytest-asyncio's auto mode)"
    symptoms = (
        Symptom(
            when="anyio 4.16.0 with pytest-asyncio 1.5.0",
            output="PytestConfigWarning: AnyIO auto mode has been enabled together with pytest-asyncio auto mode. "
                   "This may cause unexpected behavior.",
            envs=("py311",),
        ),
    )
    explanation = """
    In auto mode a plugin runs *every* async test and fixture. With
    `anyio_mode = auto` and `asyncio_mode = auto` both plugins claim them:
    anyio warns at startup, and which one runs a given test or fixture
    depends on hook order (anyio's docs: auto mode "does not work if
    pytest-asyncio is installed and configured to use its own auto mode").
    anyio tests also run once per installed backend (asyncio, and trio when
    it is installed).

    ### How to fix
    Keep one plugin in auto mode. If the suite is asyncio-only, drop
    `anyio_mode = auto`; if it uses anyio (or trio), switch pytest-asyncio
    back to strict (remove `asyncio_mode = auto`) and mark pytest-asyncio
    tests explicitly. The quick fix removes the `anyio_mode` line (unsafe:
    tests that relied on anyio's backends then run under pytest-asyncio).

    Config diagnostics live in TOML/INI files, where `# looplint: ignore`
    comments do not apply: silence them with `ignore = ["CF004"]` or
    `per-file-ignores = {"pytest.ini" = ["CF004"]}` in `[tool.looplint]`.
    """

    def check_config(self, ctx: ConfigContext) -> None:
        if not ctx.is_active:
            return
        config = ctx.config
        if config.asyncio_plugin_disabled or config.anyio_plugin_disabled:
            return
        if config.asyncio_mode != "auto" or config.anyio_mode != "auto":
            return
        anyio, asyncio = config.anyio_mode_entry, config.asyncio_mode_entry
        if ctx.entry_here(anyio):
            where, other = anyio, asyncio
        elif ctx.entry_here(asyncio):
            where, other = asyncio, anyio
        else:
            return
        removal = ctx.key_line_removal(anyio) if anyio is where and anyio.origin == "file" else None
        related = []
        if other is not None:
            s = other.key_span
            related.append(Related(other.path, Range(s.line, s.col, s.end_line, s.end_col), "the other auto mode"))
        ctx.report(
            self,
            span=where.key_span,
            reason=(
                f"{ctx.describe_entry(anyio)} and {ctx.describe_entry(asyncio)}: both plugins run every async test "
                f"and fixture.\n\n{ctx.versions_reason('anyio', 'pytest-asyncio')}"
            ),
            related=related,
            edits=[removal] if removal else [],
        )

    examples = (
        Invalid(
            path="pytest.ini",
            source="[pytest]\nasyncio_mode = auto\nanyio_mode = auto\n",
            at=(3, 1),
            end=(3, 11),
            fixed="[pytest]\nasyncio_mode = auto\n",
            unsafe=True,
        ),
        Invalid(
            path="pyproject.toml",
            source="[tool.pytest.ini_options]\naddopts = \"--anyio-mode=auto\"\nasyncio_mode = \"auto\"\n",
            at=(2, 12),
        ),
        Valid(path="pytest.ini", source="[pytest]\nasyncio_mode = auto\n", why="one auto mode"),
        Valid(path="pytest.ini", source="[pytest]\nanyio_mode = auto\n", why="anyio only (pytest-asyncio strict)"),
        Valid(
            path="pytest.ini",
            source="[pytest]\nasyncio_mode = auto\nanyio_mode = auto\naddopts = -p no:anyio\n",
            why="anyio disabled",
        ),
    )

    runtime = (
        RuntimeExample(
            files={
                "pytest.ini": "[pytest]\nasyncio_mode = auto\nanyio_mode = auto\n"
                              "asyncio_default_fixture_loop_scope = function\n",
                "test_example.py": "async def test_x():\n    __SENTINEL__\n",
            },
            runner="pytest",
            outcome="passed",
            body_ran=True,
            symptoms=symptoms,
            envs=("py311",),
        ),
    )
