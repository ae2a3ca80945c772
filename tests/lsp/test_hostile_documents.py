"""Documents that are hostile to analysis: the server still answers and reports what it can."""

from __future__ import annotations

import sys
from pathlib import Path

from lsprotocol import types

sys.path.insert(0, str(Path(__file__).parents[1] / "robustness"))
from deep_code import deepest, in_context, nested_expression  # noqa: E402


async def test_deep_nesting_is_diagnosed_and_its_fix_declined(tmp_path, start, mode):
    """`a+a+...` as deep as the parser takes: the finding is published, the quick fix is not offered,
    and a hover still answers."""
    root = tmp_path / "proj"
    root.mkdir()
    (root / "pyproject.toml").write_text("")
    depth = deepest(lambda d: in_context("async-test", nested_expression(["add"], d))) - 100
    text = in_context("async-test", nested_expression(["add"], depth))
    session = await start(root, pull=mode == "pull")
    uri = session.open("test_deep.py", text)
    diagnostics = await session.diagnostics(uri)
    [co004] = [d for d in diagnostics if d.code == "CO004"]
    actions = await session.code_actions(uri, co004.range, [co004])
    assert not [a for a in actions if a.kind == "quickfix" and "sleep" in a.title.lower() and a.edit]
    hover = await session.hover(uri, co004.range.start)
    assert hover is not None and "CO004" in str(hover.contents)


async def test_settings_of_the_wrong_type_are_a_diagnostic_in_the_editor(project, start, mode):
    """`tool = 5` in pyproject.toml: an error on that line of pyproject.toml, the defaults meanwhile."""
    pyproject = project / "pyproject.toml"
    pyproject.write_text("tool = 5\n" + pyproject.read_text())
    session = await start(project, pull=mode == "pull")
    test = session.open("tests/test_agent.py")
    assert [d.code for d in await session.diagnostics(test)] == ["UT001"]  # defaults: still checked
    config_uri = session.uri("pyproject.toml")
    if session.pull:
        session.open("pyproject.toml", pyproject.read_text(), language_id="toml")
        (error,) = await session.diagnostics(config_uri)
    else:
        error = (await session.wait_publish(config_uri, lambda p: len(p.diagnostics) == 1)).diagnostics[0]
    assert error.range.start.line == 0 and error.severity == types.DiagnosticSeverity.Error
    assert "tool" in error.message and "must be a table" in error.message
