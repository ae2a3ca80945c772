"""The whole workspace's diagnostics: `workspace/diagnostic` for pull clients, publications for push
clients, *Check Workspace*; entries follow base classes, conftest.py and config files."""

from __future__ import annotations

import asyncio
import textwrap
from pathlib import Path

import pytest
from lsprotocol import types

from lsp_fixtures import BASE, TEST_AGENT
from lsp_session import TIMEOUT, Session

from looplint.lsp import report_pool

WORKSPACE = {"settings": {"diagnostics": {"scope": "workspace"}}}

OTHER_TEST = textwrap.dedent(
    """\
    from test_framework.base import BaseTestCase


    class TestOther(BaseTestCase):
        async def test_one(self):
            pass

        async def test_two(self):
            pass
    """
)
CLEAN_TEST = "import unittest\n\n\nclass TestClean(unittest.TestCase):\n    def test_sync(self):\n        pass\n"
ASYNC_BASE = BASE.replace("class BaseTestCase(unittest.TestCase):", "class BaseTestCase(unittest.IsolatedAsyncioTestCase):")


@pytest.fixture
def suite(project: Path) -> Path:
    """The LSP project plus a second test module on the same base and a clean one."""
    (project / "tests/test_other.py").write_text(OTHER_TEST)
    (project / "tests/test_clean.py").write_text(CLEAN_TEST)
    return project


def codes_by_file(items, root: Path) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for item in items:
        rel = Path(item.uri.removeprefix("file://")).relative_to(root).as_posix()
        out[rel] = sorted(str(d.code) for d in item.items)
    return out


async def full_report(session: Session, token: str | None = None, known=None):
    """Every entry of a complete workspace report (partial results included), by URI."""
    report = await asyncio.wait_for(session.workspace_diagnostics(known, token), TIMEOUT)
    items = [item for partial in session.partials.get(token or "", []) for item in partial.items]
    return items + list(report.items)


async def test_pull_client_gets_the_suite_before_opening_a_file(suite, start):
    for i in range(150):  # enough files for the check to take several slices
        (suite / f"tests/test_many_{i}.py").write_text(OTHER_TEST.replace("TestOther", f"TestMany{i}"))
    session = await start(suite, pull=True, init_options=WORKSPACE, wait_for_index=False)
    items = await full_report(session, token="first")
    by_file = codes_by_file(items, suite)
    assert by_file == {
        "tests/test_agent.py": ["UT001"],
        "tests/test_other.py": ["UT001", "UT001"],
        **{f"tests/test_many_{i}.py": ["UT001", "UT001"] for i in range(150)},
    }
    assert all(item.kind == "full" and item.result_id for item in items)
    assert session.partials.get("first"), "entries were streamed while the workspace was checked"
    await session.wait_for_log("indexed 156 files")  # the report's run built the index
    if report_pool.workers() >= 2:  # the run went to worker processes, and none of them failed
        await session.wait_for_log("worker processes")
        assert not [m.message for m in session.client.log_messages if "worker failed" in m.message]

    # Asked again with the result ids it has, the server has nothing new: it holds the request.
    known = {item.uri: item.result_id for item in items}
    held = session.workspace_diagnostics(known, token="second")
    await asyncio.sleep(1.0)
    assert not held.done()

    # The base class is edited in a buffer (unsaved): its dependents change, nothing else is resent.
    base = session.open("test_framework/base.py")
    session.replace(base, "class BaseTestCase(unittest.TestCase):", "class BaseTestCase(unittest.IsolatedAsyncioTestCase):")
    report = await asyncio.wait_for(held, TIMEOUT)
    items = [item for partial in session.partials.get("second", []) for item in partial.items] + list(report.items)
    assert codes_by_file(items, suite) == {
        "tests/test_agent.py": [],
        "tests/test_other.py": [],
        **{f"tests/test_many_{i}.py": [] for i in range(150)},
    }


async def test_check_workspace_fills_the_panel_with_progress(suite, start):
    session = await start(suite, pull=True)  # scope: open files (the default)
    held = session.workspace_diagnostics()
    await asyncio.sleep(0.5)
    assert not held.done(), "nothing to report for the workspace until asked"
    result = await asyncio.wait_for(
        session.client.workspace_execute_command_async(types.ExecuteCommandParams(command="looplint.server.checkWorkspace")),
        TIMEOUT,
    )
    assert result["files"] >= 5 and result["problems"] == 3 and not result["cancelled"]
    report = await asyncio.wait_for(held, TIMEOUT)
    assert codes_by_file(report.items, suite) == {"tests/test_agent.py": ["UT001"], "tests/test_other.py": ["UT001", "UT001"]}
    kinds = [type(v).__name__ for values in session.client.progress_reports.values() for v in values]
    assert kinds[0] == "WorkDoneProgressBegin" and kinds[-1] == "WorkDoneProgressEnd"


async def test_push_client_gets_publications_for_closed_files(suite, start):
    session = await start(suite, pull=False, init_options=WORKSPACE)
    other = session.uri("tests/test_other.py")
    published = await session.wait_publish(other, lambda p: len(p.diagnostics) == 2)
    assert published.version is None
    assert session.publish_count(session.uri("tests/test_clean.py")) == 0, "no empty publication for clean files"

    # The base changes on disk (another editor, a git checkout): the dependents' entries follow.
    (suite / "test_framework/base.py").write_text(ASYNC_BASE)
    session.client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            changes=[types.FileEvent(uri=session.uri("test_framework/base.py"), type=types.FileChangeType.Changed)]
        )
    )
    await session.wait_publish(other, lambda p: not p.diagnostics)
    await session.wait_publish(session.uri("tests/test_agent.py"), lambda p: not p.diagnostics)


async def test_closing_a_document_hands_it_back_to_the_report(suite, start):
    session = await start(suite, pull=True)
    uri = session.open("tests/test_agent.py")
    assert [d.code for d in await session.diagnostics(uri)] == ["UT001"]
    held = session.workspace_diagnostics()
    session.close(uri)
    # Open files only: the closed file's diagnostics are cleared through the workspace report.
    report = await asyncio.wait_for(held, TIMEOUT)
    assert codes_by_file(report.items, suite) == {"tests/test_agent.py": []}


async def test_scope_back_to_open_files_clears_the_entries(suite, start):
    session = await start(suite, pull=True, init_options=WORKSPACE)
    items = await full_report(session, token="t")
    known = {item.uri: item.result_id for item in items}
    held = session.workspace_diagnostics(known)
    session.client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"looplint": {"diagnostics": {"scope": "openFiles"}}})
    )
    report = await asyncio.wait_for(held, TIMEOUT)
    assert codes_by_file(report.items, suite) == {"tests/test_agent.py": [], "tests/test_other.py": []}


async def test_entries_follow_files_conftest_and_config_on_disk(suite, start):
    session = await start(suite, pull=True, init_options=WORKSPACE)
    items = await full_report(session, token="t")
    known = {item.uri: item.result_id for item in items}

    async def next_report(token: str):
        report = await asyncio.wait_for(session.workspace_diagnostics(known, token), TIMEOUT)
        changed = [i for p in session.partials.get(token, []) for i in p.items] + list(report.items)
        known.update((i.uri, i.result_id) for i in changed)
        return codes_by_file(changed, suite)

    def changed_on_disk(rel: str, text: str, kind=types.FileChangeType.Changed) -> None:
        (suite / rel).write_text(text)
        session.client.workspace_did_change_watched_files(
            types.DidChangeWatchedFilesParams(changes=[types.FileEvent(uri=session.uri(rel), type=kind)])
        )

    # A closed test file edited on disk: its own entry.
    changed_on_disk("tests/test_other.py", OTHER_TEST.replace("    async def test_two", "    def test_two"))
    assert await next_report("a") == {"tests/test_other.py": ["UT001"]}
    # The project's configuration: every entry again (here UT001 is ignored).
    changed_on_disk("pyproject.toml", '[project]\nname = "demo"\n\n[tool.looplint]\nignore = ["UT001"]\n')
    assert await next_report("b") == {"tests/test_agent.py": [], "tests/test_other.py": []}
    # A conftest.py: the tests below it (a pytest-asyncio strict-mode test without its mark).
    changed_on_disk("pyproject.toml", '[project]\nname = "demo"\n\n[tool.pytest.ini_options]\nasyncio_mode = "strict"\n')
    await next_report("c")
    (suite / "tests/test_strict.py").write_text("import pytest\n\n\nasync def test_unmarked():\n    pass\n")
    changed_on_disk("tests/test_strict.py", (suite / "tests/test_strict.py").read_text(), types.FileChangeType.Created)
    first = await next_report("d")
    assert first.get("tests/test_strict.py") == ["PA001"], first
    hook = "import pytest\n\n\ndef pytest_collection_modifyitems(items):\n    for item in items:\n        item.add_marker(pytest.mark.asyncio)\n"
    changed_on_disk("tests/conftest.py", hook, types.FileChangeType.Created)
    # Resent: the conftest's hook marks every test, so the test runs and PA001 goes.
    assert await next_report("e") == {"tests/test_strict.py": []}


async def test_check_workspace_can_be_cancelled(suite, start):
    for i in range(300):  # long enough to cancel midway
        (suite / f"tests/test_many_{i}.py").write_text(OTHER_TEST.replace("TestOther", f"TestMany{i}"))
    session = await start(suite, pull=True)
    command = asyncio.ensure_future(
        session.client.workspace_execute_command_async(types.ExecuteCommandParams(command="looplint.server.checkWorkspace"))
    )

    async def begun():
        while True:
            for token, values in session.client.progress_reports.items():
                if any(getattr(v, "title", "") == "looplint: checking the workspace" for v in values):
                    return token
            await asyncio.sleep(0.05)

    token = await asyncio.wait_for(begun(), TIMEOUT)
    session.client.protocol.notify(types.WINDOW_WORK_DONE_PROGRESS_CANCEL, types.WorkDoneProgressCancelParams(token=token))
    result = await asyncio.wait_for(command, TIMEOUT)
    assert result["cancelled"] is True and result["files"] < 303, result
    assert result["message"].startswith("stopped after")
    end = session.client.progress_reports[token][-1]
    assert isinstance(end, types.WorkDoneProgressEnd) and end.message.startswith("stopped after")
