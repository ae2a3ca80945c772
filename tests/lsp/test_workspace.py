"""The workspace: indexing with progress, file watching, dependents, configuration, settings."""

from __future__ import annotations

import asyncio

from lsprotocol import types

from lsp_fixtures import BASE

WATCHED = {
    "**/*.py", "**/pyproject.toml", "**/pytest.ini", "**/.pytest.ini", "**/pytest.toml", "**/.pytest.toml",
    "**/setup.cfg", "**/tox.ini", "**/requirements*.txt", "**/uv.lock", "**/poetry.lock",
}


async def _refreshed(session, uris, before_refresh: int):
    """Diagnostics of `uris` after the server asked (pull) or pushed again (push)."""
    if session.pull:
        await session.wait_refresh(before_refresh)
    return {uri: await session.diagnostics(uri) for uri in uris}


def _watched(session, changes):
    session.client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            changes=[types.FileEvent(uri=(session.root / rel).as_uri(), type=kind) for rel, kind in changes]
        )
    )


async def test_indexing_reports_progress_and_registers_watchers(project, start):
    session = await start(project, pull=True)
    ((token, reports),) = session.client.progress_reports.items()
    assert isinstance(reports[0], types.WorkDoneProgressBegin) and reports[0].title == "looplint: indexing"
    assert isinstance(reports[-1], types.WorkDoneProgressEnd) and "indexed 4 files" in reports[-1].message
    (watch,) = [r for r in session.registrations if r.method == types.WORKSPACE_DID_CHANGE_WATCHED_FILES]
    globs = {w["globPattern"] if isinstance(w, dict) else w.glob_pattern for w in watch.register_options["watchers"]}
    assert WATCHED <= globs


async def test_editing_an_open_base_class_updates_its_dependents(project, start, mode):
    session = await start(project, pull=mode == "pull")
    test = session.open("tests/test_agent.py")
    base = session.open("test_framework/base.py")
    assert [d.code for d in await session.diagnostics(test)] == ["UT001"]
    assert await session.diagnostics(base) == []
    published = session.publish_count(test)
    refreshes = session.client.diagnostic_refresh_count

    # The base class becomes an IsolatedAsyncioTestCase in the (unsaved) buffer.
    session.replace(base, "class BaseTestCase(unittest.TestCase):", "class BaseTestCase(unittest.IsolatedAsyncioTestCase):")
    if session.pull:
        await session.diagnostics(base)  # the editor pulls the edited file; its dependents follow
        await session.wait_refresh(refreshes)
        assert await session.diagnostics(test) == []
    else:
        update = await session.wait_publish(test, after=published)
        assert list(update.diagnostics) == []
    assert (project / "test_framework/base.py").read_text() == BASE  # unsaved

    # Closing the base buffer without saving: back to the file on disk.
    published = session.publish_count(test)
    refreshes = session.client.diagnostic_refresh_count
    session.close(base)
    if session.pull:
        await session.wait_refresh(refreshes)
        assert [d.code for d in await session.diagnostics(test)] == ["UT001"]
    else:
        update = await session.wait_publish(test, after=published)
        assert [d.code for d in update.diagnostics] == ["UT001"]


async def test_a_mid_edit_base_class_does_not_flash_dependents(project, start):
    session = await start(project, pull=False)
    test = session.open("tests/test_agent.py")
    base = session.open("test_framework/base.py")
    assert await session.diagnostics(test)
    published = session.publish_count(test)
    # The base does not parse while it is being edited: its dependents keep their diagnostics.
    session.replace(base, "class AsyncTestCase(BaseTestCase):", "class AsyncTestCase(BaseTestCase")
    await session.diagnostics(base)
    await asyncio.sleep(0.3)
    assert all(list(p.diagnostics) for p in session.published[test][published:])
    assert [d.code for d in session.published[test][-1].diagnostics] == ["UT001"]


async def test_files_changed_outside_the_editor(project, start, mode):
    session = await start(project, pull=mode == "pull")
    test = session.open("tests/test_agent.py")
    assert [d.code for d in await session.diagnostics(test)] == ["UT001"]
    base_path = project / "test_framework/base.py"

    # Edited on disk (another tool, git checkout): the dependent is checked again.
    refreshes, published = session.client.diagnostic_refresh_count, session.publish_count(test)
    base_path.write_text(BASE.replace("(unittest.TestCase)", "(unittest.IsolatedAsyncioTestCase)"))
    _watched(session, [("test_framework/base.py", types.FileChangeType.Changed)])
    if session.pull:
        await session.wait_refresh(refreshes)
        assert await session.diagnostics(test) == []
    else:
        assert list((await session.wait_publish(test, after=published)).diagnostics) == []

    # Deleted: the base cannot be resolved, so looplint stays quiet.
    base_path.write_text(BASE)
    _watched(session, [("test_framework/base.py", types.FileChangeType.Changed)])
    assert [d.code for d in (await _settle(session, test, ["UT001"]))] == ["UT001"]
    refreshes, published = session.client.diagnostic_refresh_count, session.publish_count(test)
    base_path.unlink()
    _watched(session, [("test_framework/base.py", types.FileChangeType.Deleted)])
    assert await _settle(session, test, []) == []

    # Created again (a new file): resolved again.
    base_path.write_text(BASE)
    _watched(session, [("test_framework/base.py", types.FileChangeType.Created)])
    assert [d.code for d in await _settle(session, test, ["UT001"])] == ["UT001"]


async def _settle(session, uri, expected_codes):
    """Wait until the diagnostics of `uri` have the expected codes (pull: re-pull after refreshes)."""

    async def poll():
        while True:
            if session.pull:
                diagnostics = await session.diagnostics(uri)
            else:
                found = session.published.get(uri, [])
                diagnostics = list(found[-1].diagnostics) if found else []
            if [d.code for d in diagnostics] == expected_codes:
                return diagnostics
            await asyncio.sleep(0.05)

    return await asyncio.wait_for(poll(), 15)


async def test_looplint_config_changes_and_errors(project, start, mode):
    session = await start(project, pull=mode == "pull")
    test = session.open("tests/test_agent.py")
    assert [d.code for d in await session.diagnostics(test)] == ["UT001"]
    pyproject = project / "pyproject.toml"
    original = pyproject.read_text()

    pyproject.write_text(original + '\n[tool.looplint]\nignore = ["UT001"]\n')
    _watched(session, [("pyproject.toml", types.FileChangeType.Changed)])
    assert await _settle(session, test, []) == []

    # A broken [tool.looplint]: a diagnostic on that line of pyproject.toml, the defaults meanwhile.
    pyproject.write_text(original + '\n[tool.looplint]\nselect = "UT001"\n')
    _watched(session, [("pyproject.toml", types.FileChangeType.Changed)])
    assert [d.code for d in await _settle(session, test, ["UT001"])] == ["UT001"]
    config_uri = session.uri("pyproject.toml")
    if session.pull:
        session.open("pyproject.toml", pyproject.read_text(), language_id="toml")
        (error,) = await session.diagnostics(config_uri)
    else:
        error = (await session.wait_publish(config_uri, lambda p: len(p.diagnostics) == 1)).diagnostics[0]
    assert error.range.start.line == 4 and error.severity == types.DiagnosticSeverity.Error
    assert "select" in error.message and error.source == "looplint"
    await session.wait_for_message("using the default settings")

    # Fixed on disk: the pushed error goes away.
    pyproject.write_text(original)
    _watched(session, [("pyproject.toml", types.FileChangeType.Changed)])
    if not session.pull:
        await session.wait_publish(config_uri, lambda p: list(p.diagnostics) == [])


async def test_open_pyproject_buffer_is_validated_as_typed(project, start):
    session = await start(project, pull=True)
    uri = session.open("pyproject.toml", language_id="toml")
    assert await session.diagnostics(uri) == []
    session.replace(uri, '[project]', '[tool.looplint]\nseverity = { UT001 = "fatal" }\n\n[project]')
    (error,) = await session.diagnostics(uri)
    assert error.range.start.line == 1 and "fatal" in error.message


async def test_settings_from_init_options_and_configuration(project, start, mode):
    pull = mode == "pull"
    session = await start(
        project,
        pull=pull,
        init_options={"settings": {"severity": {"UT001": "warning"}, "logLevel": "debug"}},
    )
    test = session.open("tests/test_agent.py")
    (diagnostic,) = await session.diagnostics(test)
    assert diagnostic.severity == types.DiagnosticSeverity.Warning
    await session.wait_for_log("checked ")  # debug messages are on

    # The editor's settings change: `ignore` replaces the project's, `enable: false` silences.
    for settings, expected in (({"ignore": ["UT"]}, []), ({"enable": False}, []), ({}, ["UT001"])):
        if pull:
            session.client.set_configuration({"looplint": settings})
        session.client.workspace_did_change_configuration(
            types.DidChangeConfigurationParams(settings={"looplint": settings})
        )
        assert [d.code for d in await _settle(session, test, expected)] == expected


async def test_workspace_configuration_overrides_project_config(project, start):
    (project / "pyproject.toml").write_text('[tool.looplint]\nignore = ["UT001"]\n')
    session = await start(project, pull=True, configuration={"looplint": {"ignore": []}})
    test = session.open("tests/test_agent.py")
    assert [d.code for d in await session.diagnostics(test)] == ["UT001"]


async def test_multi_root_workspace(project, start, tmp_path):
    other = tmp_path / "other"
    (other / "tests").mkdir(parents=True)
    (other / "pyproject.toml").write_text("")
    (other / "tests/test_other.py").write_text(
        "import unittest\n\nclass T(unittest.TestCase):\n    async def test_x(self):\n        pass\n"
    )
    session = await start(project, pull=True, folders=[project, other])
    reports = next(iter(session.client.progress_reports.values()))
    assert "indexed 5 files" in reports[-1].message
    uri = (other / "tests/test_other.py").as_uri()
    session.root = other
    session.open("tests/test_other.py")
    assert [d.code for d in await session.diagnostics(uri)] == ["UT001"]


async def test_an_unsaved_conftest_changes_the_tests_below_it(project, start, mode):
    """A conftest.py hook that runs coroutine tests itself: PA001 (missing asyncio mark) goes quiet."""
    (project / "pytest.ini").write_text("[pytest]\nasyncio_default_fixture_loop_scope = function\n")
    (project / "tests/test_plain.py").write_text("async def test_x():\n    pass\n")
    (project / "tests/conftest.py").write_text("")
    session = await start(project, pull=mode == "pull")
    test = session.open("tests/test_plain.py")
    conftest = session.open("tests/conftest.py")
    assert [d.code for d in await session.diagnostics(test)] == ["PA001"]
    await session.diagnostics(conftest)
    session.set_text(conftest, (
        "import asyncio, inspect\n\n"
        "def pytest_pyfunc_call(pyfuncitem):\n"
        "    if inspect.iscoroutinefunction(pyfuncitem.obj):\n"
        "        asyncio.run(pyfuncitem.obj(**pyfuncitem.funcargs))\n"
        "        return True\n"
    ))
    if session.pull:
        await session.diagnostics(conftest)
    assert await _settle(session, test, []) == []
    session.close(conftest)  # not saved: the empty conftest.py on disk counts again
    assert [d.code for d in await _settle(session, test, ["PA001"])] == ["PA001"]
