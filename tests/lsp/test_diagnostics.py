"""Live diagnostics, push and pull, against the real server process."""

from __future__ import annotations

import asyncio

from lsprotocol import types

from lsp_fixtures import TEST_AGENT
from lsp_session import pull_capabilities, push_capabilities, units16


def _range(line, start, end):
    return types.Range(start=types.Position(line=line, character=start), end=types.Position(line=line, character=end))


async def test_capabilities_and_initial_diagnostic(project, start, mode):
    session = await start(project, pull=mode == "pull")
    caps = session.initialize_result.capabilities
    assert caps.position_encoding == "utf-16"
    assert caps.code_action_provider.resolve_provider is True
    assert "source.fixAll.looplint" in caps.code_action_provider.code_action_kinds
    assert caps.hover_provider
    assert caps.text_document_sync.change == types.TextDocumentSyncKind.Incremental

    uri = session.open("tests/test_agent.py")
    (diagnostic,) = await session.diagnostics(uri)
    assert diagnostic.code == "UT001"
    assert diagnostic.source == "looplint"
    assert diagnostic.severity == types.DiagnosticSeverity.Error
    assert diagnostic.range == _range(4, 14, 24)  # `test_reply` in the def line
    assert diagnostic.code_description.href.endswith("/UT001.md")
    assert "TestAgent" in diagnostic.message
    base = session.uri("test_framework/base.py")
    related = [(r.location.uri, r.location.range) for r in diagnostic.related_information]
    assert related == [(base, _range(8, 6, 19)), (base, _range(3, 6, 18))]  # AsyncTestCase, BaseTestCase
    assert diagnostic.data["code"] == "UT001" and diagnostic.data["version"] == 1
    if mode == "pull":
        assert session.published == {}  # never both
    else:
        assert session.published[uri][-1].version == 1


async def test_diagnostics_follow_unsaved_edits(project, start, mode):
    session = await start(project, pull=mode == "pull")
    uri = session.open("tests/test_agent.py")
    assert [d.code for d in await session.diagnostics(uri)] == ["UT001"]
    session.replace(uri, "class TestAgent(AsyncTestCase):", "class TestAgent(AsyncTestCase, __import__('unittest').IsolatedAsyncioTestCase):")
    assert await session.diagnostics(uri) == []
    session.replace(uri, ", __import__('unittest').IsolatedAsyncioTestCase", "")
    (diagnostic,) = await session.diagnostics(uri)
    # A new line above moves it.
    session.replace(uri, "\n\nclass", "\n\n# a comment\nclass")
    (moved,) = await session.diagnostics(uri)
    assert moved.range.start.line == diagnostic.range.start.line + 1
    assert (project / "tests/test_agent.py").read_text() == TEST_AGENT  # nothing was saved


async def test_typing_burst_is_debounced_and_superseded(project, start):
    session = await start(project, pull=False)
    uri = session.open("tests/test_agent.py")
    await session.diagnostics(uri)
    before = session.publish_count(uri)
    for ch in "abcdefghij":  # ten keystrokes in a comment, faster than the debounce
        session.replace(uri, "assert False", f"assert False  # {ch}")
    final = await session.diagnostics(uri)
    assert [d.code for d in final] == ["UT001"]
    await asyncio.sleep(0.3)
    published = session.published[uri][before:]
    assert published[-1].version == session.docs[uri].version
    assert len(published) < 10, [p.version for p in published]  # superseded versions were not all published


async def test_mid_edit_keeps_the_last_good_result(project, start, mode):
    session = await start(project, pull=mode == "pull")
    uri = session.open("tests/test_agent.py")
    (good,) = await session.diagnostics(uri)
    # Typing an unfinished line above the class: the file does not parse.
    session.replace(uri, "\n\nclass TestAgent", "\ndef half_typed(\n\nclass TestAgent")
    (kept,) = await session.diagnostics(uri)
    assert kept.code == "UT001"
    assert kept.range.start.line == good.range.start.line + 1  # moved with its text
    assert kept.range.start.character == good.range.start.character
    assert kept.data["stale"] is True
    # Still broken, and an edit inside the name: kept, and no fix is offered for it.
    session.replace(uri, "test_reply", "test_reply_more")
    (kept,) = await session.diagnostics(uri)
    assert kept.code == "UT001"
    actions = await session.code_actions(uri, kept.range, [kept])
    assert [a.title for a in actions] == ["Suppress UT001 on this line"]
    # It parses again: fresh results.
    session.replace(uri, "def half_typed(\n", "def half_typed(): pass\n")
    (fresh,) = await session.diagnostics(uri)
    assert fresh.data["stale"] is False
    assert fresh.range.end.character - fresh.range.start.character == len("test_reply_more")


async def test_close_clears_pushed_diagnostics(project, start):
    session = await start(project, pull=False)
    uri = session.open("tests/test_agent.py")
    assert await session.diagnostics(uri)
    count = session.publish_count(uri)
    session.close(uri)
    cleared = await session.wait_publish(uri, after=count)
    assert list(cleared.diagnostics) == []


async def test_crlf_and_utf16_columns_after_an_emoji(project, start, mode):
    session = await start(project, pull=mode == "pull")
    text = TEST_AGENT.replace(
        "    async def test_reply(self):", "    async def test_reply(self):  # 😀 réponse"
    ).replace("\n", "\r\n")
    uri = session.open("tests/test_agent.py", text)
    (diagnostic,) = await session.diagnostics(uri)
    assert diagnostic.range == _range(4, 14, 24)
    # Suppressing appends to the line, after the emoji: the column counts it as two UTF-16 units.
    actions = await session.code_actions(uri, diagnostic.range, [diagnostic])
    suppress = next(a for a in actions if a.title.startswith("Suppress"))
    edits = suppress.edit.changes[uri] if suppress.edit.changes else suppress.edit.document_changes[0].edits
    line = "    async def test_reply(self):  # 😀 réponse"
    assert edits[0].range.start == types.Position(line=4, character=units16(line))
    session.apply_workspace_edit(suppress.edit)
    assert "# 😀 réponse  # looplint: ignore[UT001]\r\n" in session.docs[uri].text
    assert await session.diagnostics(uri) == []
    # Hovering the code in the comment: the hover range is in UTF-16 units.
    new_line = session.docs[uri].lines()[4]
    col = new_line.index("UT001")
    hover = await session.hover(uri, types.Position(line=4, character=units16(new_line[:col]) + 1))
    assert hover.range == _range(4, units16(new_line[:col]), units16(new_line[:col]) + 5)
    assert "## UT001" in hover.contents.value


async def test_position_encoding_is_negotiated(project, start):
    line = "x = 'é😀'  # noqa: UT001"
    code_at = line.index("UT001")
    for encodings, expected in ((["utf-8", "utf-16"], "utf-8"), (["utf-32"], "utf-32"), (["utf-7", "utf-16"], "utf-16")):
        session = await start(project, pull=True, capabilities=pull_capabilities(encodings))
        assert session.encoding == expected
        uri = session.open("tests/test_enc.py", line + "\n")
        await session.diagnostics(uri)
        width = {"utf-8": len(line[:code_at].encode("utf-8")), "utf-16": units16(line[:code_at]), "utf-32": code_at}[expected]
        hover = await session.hover(uri, types.Position(line=0, character=width + 2))
        assert hover is not None and hover.range == _range(0, width, width + 5), expected


async def test_push_client_without_watchers_is_told(project, start):
    session = await start(project, pull=False, capabilities=push_capabilities())
    assert session.registrations == []
    await session.wait_for_log("cannot watch files")


async def test_the_server_answers_while_a_big_file_is_checked(project, start):
    """Checks run on the analysis thread: requests that need no check are answered meanwhile."""
    import time

    session = await start(project, pull=False)
    big = "import unittest\n\n" + "".join(
        f"class T{i}(unittest.TestCase):\n    async def test_{i}(self):\n        x = [n * 2 for n in range(10)]\n\n"
        for i in range(1500)
    )
    uri = session.open("tests/test_big.py", big)
    # A hover in a document that is not open needs no analysis: answered from the loop at once.
    answer = await session.hover(session.uri("tests/not_open.py"), types.Position(line=0, character=0))
    answered = time.perf_counter()
    assert answer is None
    published = await session.wait_publish(uri, lambda p: p.version == 1)
    assert len(published.diagnostics) == 1500
    assert answered < session.publish_times[uri][0]  # before the big file's check was done
