"""Quick fixes, suppression, fix all, and hovers, against the real server process."""

from __future__ import annotations

import asyncio

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcException

from lsp_fixtures import TEST_AGENT, TEST_AGENT_FIXED
from lsp_session import push_capabilities


def _without_resolve() -> types.ClientCapabilities:
    caps = push_capabilities()
    caps.text_document.code_action.resolve_support = None
    return caps


@pytest.fixture(params=["pull", "push", "push-no-resolve"])
def profile(request):
    return request.param


async def _session(start, project, profile, **kwargs):
    if profile == "push-no-resolve":
        return await start(project, pull=False, capabilities=_without_resolve(), **kwargs)
    return await start(project, pull=profile == "pull", **kwargs)


async def test_quick_fix_applies_the_rule_fix(project, start, profile):
    session = await _session(start, project, profile)
    uri = session.open("tests/test_agent.py")
    (diagnostic,) = await session.diagnostics(uri)
    actions = await session.code_actions(uri, diagnostic.range, [diagnostic])
    titles = [a.title for a in actions]
    assert titles == [
        "Make the class derive from unittest.IsolatedAsyncioTestCase (UT001)",
        "Suppress UT001 on this line",
    ], titles
    fix = actions[0]
    assert fix.kind == types.CodeActionKind.QuickFix
    assert fix.is_preferred is False  # UT001's fix is unsafe: offered, never preferred
    assert fix.diagnostics[0].code == "UT001"
    if profile == "push-no-resolve":
        assert fix.edit is not None
    else:
        assert fix.edit is None  # deferred to codeAction/resolve
    resolved = await session.resolve(fix)
    session.apply_workspace_edit(resolved.edit)
    assert session.docs[uri].text == TEST_AGENT_FIXED
    assert await session.diagnostics(uri) == []
    # Only the two lines that change are touched.
    edits = resolved.edit.changes[uri] if resolved.edit.changes else resolved.edit.document_changes[0].edits
    assert sorted((e.range.start.line, e.range.end.line) for e in edits) == [(1, 1), (3, 3)]


async def test_suppression_comment_is_added_or_merged(project, start, profile):
    session = await _session(start, project, profile)
    text = TEST_AGENT.replace("async def test_reply(self):", "async def test_reply(self):  # looplint: ignore[CO001]")
    uri = session.open("tests/test_agent.py", text)
    (diagnostic,) = await session.diagnostics(uri)
    actions = await session.code_actions(uri, diagnostic.range, [diagnostic])
    suppress = next(a for a in actions if a.title == "Suppress UT001 on this line")
    session.apply_workspace_edit(suppress.edit)
    assert "async def test_reply(self):  # looplint: ignore[CO001, UT001]\n" in session.docs[uri].text
    assert await session.diagnostics(uri) == []


async def test_context_only_and_fix_all(project, start, profile):
    session = await _session(start, project, profile, init_options={"settings": {"unsafeFixes": False}})
    uri = session.open("tests/test_agent.py")
    (diagnostic,) = await session.diagnostics(uri)
    whole = types.Range(start=types.Position(line=0, character=0), end=types.Position(line=6, character=0))

    only_quick = await session.code_actions(uri, diagnostic.range, [diagnostic], only=["quickfix"])
    assert {a.kind for a in only_quick} == {"quickfix"}
    # UT001's fix is unsafe: fix-all has nothing to do unless unsafe fixes are on.
    assert not await session.code_actions(uri, whole, [], only=["source.fixAll.looplint"])
    assert not [a for a in await session.code_actions(uri, whole, []) if a.kind == "source.fixAll.looplint"]

    session.client.set_configuration({"looplint": {"unsafeFixes": True}})
    session.client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"looplint": {"unsafeFixes": True}})
    )
    await asyncio.sleep(0.3)
    for only in (["source.fixAll"], ["source"], ["source.fixAll.looplint"]):
        (fix_all,) = await session.code_actions(uri, whole, [], only=only)
        assert fix_all.kind == "source.fixAll.looplint"
    resolved = await session.resolve(fix_all)
    session.apply_workspace_edit(resolved.edit)
    assert session.docs[uri].text == TEST_AGENT_FIXED
    assert not await session.code_actions(uri, whole, [], only=["quickfix"])


async def test_stale_diagnostic_data_is_refused(project, start):
    session = await start(project, pull=True)
    uri = session.open("tests/test_agent.py")
    (diagnostic,) = await session.diagnostics(uri)
    (fix, _suppress) = await session.code_actions(uri, diagnostic.range, [diagnostic])
    session.replace(uri, "assert False", "assert True")  # version 2; the client still shows version 1's diagnostic
    actions = await session.code_actions(uri, diagnostic.range, [diagnostic])
    assert [a.title for a in actions] == ["Suppress UT001 on this line"]  # no fix from stale data
    with pytest.raises(JsonRpcException) as info:
        await session.resolve(fix)
    assert info.value.code == -32801  # ContentModified
    # Diagnostics that are not ours (or that lost their data) are ignored.
    foreign = types.Diagnostic(range=diagnostic.range, message="x", source="other", code="E1", data={"code": "UT001"})
    assert list(await session.code_actions(uri, diagnostic.range, [foreign], only=["quickfix"])) == []


async def test_hover_explains_the_diagnostic_and_suppression_codes(project, start, mode):
    session = await start(project, pull=mode == "pull")
    text = TEST_AGENT.replace("assert False", "assert False  # noqa: E501, UT001")
    text = text.replace("class TestAgent", "x = 1  # looplint: ignore[UT001, XX999]\n\n\nclass TestAgent")
    uri = session.open("tests/test_agent.py", text)
    (diagnostic,) = await session.diagnostics(uri)

    hover = await session.hover(uri, diagnostic.range.start)
    value = hover.contents.value
    assert hover.contents.kind == types.MarkupKind.Markdown
    assert hover.range == diagnostic.range
    # A client that does not say it shows diagnostics itself gets the message first.
    assert value.startswith("**UT001** `async-test-on-sync-testcase`: Async test `test_reply` never runs")
    assert "TestAgent → AsyncTestCase → BaseTestCase → unittest.TestCase" in value  # the reason: class chain
    assert "**At runtime" in value and "was never awaited" in value  # the rule's symptoms
    assert "**Fix** (unsafe" in value
    assert "(https://" in value and "UT001.md" in value  # the rule's page

    lines = session.docs[uri].lines()
    noqa_line = next(i for i, line in enumerate(lines) if "noqa" in line)
    col = lines[noqa_line].index("UT001")
    hover = await session.hover(uri, types.Position(line=noqa_line, character=col + 2))
    assert hover.contents.value.startswith("## UT001")
    # Another tool's code in a noqa comment: not ours to explain.
    col = lines[noqa_line].index("E501")
    assert await session.hover(uri, types.Position(line=noqa_line, character=col + 1)) is None
    # Our comment with an unknown code: say so.
    ignore_line = next(i for i, line in enumerate(lines) if "looplint: ignore" in line)
    col = lines[ignore_line].index("XX999")
    hover = await session.hover(uri, types.Position(line=ignore_line, character=col))
    assert "not a looplint rule code" in hover.contents.value
    # Elsewhere: nothing.
    assert await session.hover(uri, types.Position(line=0, character=2)) is None


async def test_config_file_rules_diagnostics_fix_and_hover(project, start, mode):
    session = await start(project, pull=mode == "pull")
    uri = session.open("pytest.ini", "[pytest]\nasyncio_mode = Auto\n", language_id="ini")
    (diagnostic,) = await session.diagnostics(uri)
    assert diagnostic.code == "CF002" and diagnostic.source == "looplint"
    # On the key (the contract), through the end of the bad value.
    assert (diagnostic.range.start.line, diagnostic.range.start.character) == (1, 0)
    assert (diagnostic.range.end.line, diagnostic.range.end.character) == (1, 19)
    actions = await session.code_actions(uri, diagnostic.range, [diagnostic])
    # No suppression comment in INI files; the safe fix also makes "fix all" worth offering.
    assert [a.title for a in actions] == ["Use 'auto' (CF002)", "looplint: fix all auto-fixable problems"]
    assert actions[0].is_preferred is True and actions[1].kind == "source.fixAll.looplint"
    session.apply_workspace_edit((await session.resolve(actions[0])).edit)
    assert session.docs[uri].text == "[pytest]\nasyncio_mode = auto\n"
    assert await session.diagnostics(uri) == []
    session.replace(uri, "= auto", "= Auto")
    (diagnostic,) = await session.diagnostics(uri)
    hover = await session.hover(uri, diagnostic.range.start)
    assert "'Auto'" in hover.contents.value and "CF002.md" in hover.contents.value


async def test_code_lens_makes_the_class_run_its_async_tests(project, start, mode):
    (project / "tests/test_two.py").write_text(
        "from test_framework.base import AsyncTestCase\n\n\nclass TestTwo(AsyncTestCase):\n"
        "    async def test_a(self):\n        pass\n\n    async def test_b(self):\n        pass\n\n"
        "    def test_sync(self):\n        pass\n"
    )
    session = await start(project, pull=mode == "pull")
    uri = session.open("tests/test_two.py")
    assert len(await session.diagnostics(uri)) == 2
    (lens,) = await session.code_lenses(uri)
    assert lens.command.title == "2 async tests never run — make `TestTwo` run them"
    assert (lens.range.start.line, lens.range.start.character) == (3, 6)  # on the class name
    answer = await session.execute(lens.command)
    assert answer["applied"] is True
    assert "class TestTwo(AsyncTestCase, unittest.IsolatedAsyncioTestCase):" in session.docs[uri].text
    assert await session.diagnostics(uri) == []
    assert await session.code_lenses(uri) == []
    # Off in the settings: no lens.
    session.client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"looplint": {"codeLens": {"enable": False}}})
    )
    other = session.open("tests/test_agent.py")
    await session.diagnostics(other)
    for _ in range(50):
        if not await session.code_lenses(other):
            break
        await asyncio.sleep(0.1)
    assert await session.code_lenses(other) == []
