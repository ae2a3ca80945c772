"""The editor settings (`looplint.*`): reading them, and layering them over `[tool.looplint]`."""

from __future__ import annotations

import asyncio
import logging

from lsprotocol import types

from helpers import dedent, write_project
from looplint.engine.settings import Settings
from looplint.engine.workspace import Engine
from looplint.lsp.logs import FileLog
from looplint.lsp.settings import ServerSettings, extract_section
from looplint.rules import all_rules

TWO_RULES = dedent(
    """
    import asyncio
    import unittest

    class T(unittest.TestCase):
        async def test_x(self):
            pass

    async def helper():
        asyncio.run(helper())
    """
)


def codes(engine: Engine, path) -> list[str]:
    return sorted({d.code for d in engine.check_file(path).diagnostics})


def test_nested_and_dotted_keys_and_bad_values():
    nested = ServerSettings.from_dict(
        {
            "lint": {"run": "onSave"},
            "codeAction": {"fixViolation": {"enable": False}, "disableRuleComment": {"enable": False}},
            "diagnostics": {"scope": "workspace"},
            "codeLens": {"enable": False},
            "extendSelect": ["lp001"],
            "exclude": ["tests/legacy"],
            "configuration": " ~/looplint.toml ",
            "configurationPreference": "filesystemFirst",
            "logFile": "/tmp/x.log",
        }
    )
    assert (nested.lint_run, nested.fix_actions, nested.suppress_actions) == ("onSave", False, False)
    assert (nested.diagnostics_scope, nested.code_lens) == ("workspace", False)
    assert nested.extend_select == ("LP001",) and nested.exclude == ("tests/legacy",)
    assert nested.configuration == "~/looplint.toml" and nested.configuration_preference == "filesystemFirst"
    assert nested.log_file == "/tmp/x.log"
    assert ServerSettings().hover_include_message is None  # decided by the client's name
    assert ServerSettings.from_dict({"hover": {"includeMessage": False}}).hover_include_message is False
    dotted = ServerSettings.from_dict({"lint.run": "onSave", "codeAction.fixViolation.enable": False})
    assert (dotted.lint_run, dotted.fix_actions) == ("onSave", False)
    # Wrong types and unknown choices keep the previous value; a typo never takes the server down.
    bad = ServerSettings.from_dict(
        {"lint": {"run": "always"}, "configurationPreference": "mine", "extendSelect": "UT", "logFile": 3},
        base=nested,
    )
    assert bad == nested
    assert extract_section({"lint": {"run": "onSave"}}) == {"lint": {"run": "onSave"}}


def test_extend_select_adds_to_the_project_selection(tmp_path):
    root = write_project(tmp_path, {"tests/test_x.py": TWO_RULES}, settings={"select": ["UT001"]})
    test = root / "tests/test_x.py"
    assert codes(Engine(all_rules(), overrides=ServerSettings().overrides()), test) == ["UT001"]
    extended = ServerSettings.from_dict({"extendSelect": ["LP"]}).overrides()
    assert codes(Engine(all_rules(), overrides=extended), test) == ["LP001", "UT001"]


def test_exclude_replaces_the_project_exclude(tmp_path):
    root = write_project(tmp_path, {"tests/legacy/test_x.py": TWO_RULES, "tests/test_y.py": TWO_RULES})
    engine = Engine(all_rules(), overrides=ServerSettings.from_dict({"exclude": ["tests/legacy"]}).overrides())
    project = engine.project_for(root / "tests/test_y.py")
    assert project.is_excluded(root / "tests/legacy/test_x.py")
    assert not project.is_excluded(root / "tests/test_y.py")


def test_configuration_file_and_preference(tmp_path):
    root = write_project(tmp_path, {"tests/test_x.py": TWO_RULES}, settings={"select": ["UT001"]})
    test = root / "tests/test_x.py"
    shared = tmp_path / "team-looplint.toml"
    shared.write_text('select = ["LP001"]\nseverity = { LP001 = "error" }\n')

    def engine(**raw) -> Engine:
        return Engine(all_rules(), overrides=ServerSettings.from_dict({"configuration": str(shared), **raw}).overrides())

    # editorFirst (default): the configuration file over the project's [tool.looplint], the
    # specific settings over both.
    assert codes(engine(), test) == ["LP001"]
    assert codes(engine(select=["UT"]), test) == ["UT001"]
    # filesystemFirst: the project's own keys win; what it leaves out comes from the editor.
    assert codes(engine(configurationPreference="filesystemFirst"), test) == ["UT001"]
    first = engine(configurationPreference="filesystemFirst").project_for(test).settings
    assert first.severity == {"LP001": "error"}
    # editorOnly: the project's file is not read at all.
    (root / "pyproject.toml").write_text('[tool.looplint]\nselect = ["UT001"]\nignore = ["LP"]\n')
    assert codes(Engine(all_rules(), overrides=ServerSettings.from_dict({"configurationPreference": "editorOnly"}).overrides()), test) == [
        "LP001", "UT001",
    ]
    # A configuration file that is missing or broken is ignored (with a warning): the project's settings hold.
    assert codes(Engine(all_rules(), overrides=ServerSettings.from_dict({"configuration": str(tmp_path / "nope.toml")}).overrides()), test) == ["UT001"]


def test_preference_without_a_project_config_uses_the_editor(tmp_path):
    root = write_project(tmp_path, {"tests/test_x.py": TWO_RULES})
    test = root / "tests/test_x.py"
    overrides = ServerSettings.from_dict({"select": ["LP"], "configurationPreference": "filesystemFirst"}).overrides()
    assert codes(Engine(all_rules(), overrides=overrides), test) == ["LP001"]
    assert overrides.apply(Settings()).select == ("LP",)


def test_log_file_follows_the_setting(tmp_path):
    logger = logging.getLogger("looplint.test-file-log")
    logger.setLevel(logging.DEBUG)
    files = FileLog("looplint.test-file-log")
    first, second = tmp_path / "first.log", tmp_path / "second.log"
    files.use(str(first), "info")
    logger.info("one")
    logger.debug("hidden at info")
    files.use(str(second), "debug")
    logger.debug("two")
    files.use(None, "info")
    logger.info("three")
    assert "one" in first.read_text() and "hidden" not in first.read_text() and "two" not in first.read_text()
    assert "two" in second.read_text() and "three" not in second.read_text()
    files.use(str(tmp_path / "no-such-dir" / "x.log"), "info")  # cannot be written: a warning, no error
    assert files.handler is None


def test_configuration_path_is_taken_from_the_workspace_folder(tmp_path):
    folder = tmp_path / "ws"
    settings = ServerSettings.from_dict({"configuration": "config/looplint.toml"}).in_folder(folder)
    assert settings.configuration == str(folder / "config/looplint.toml")
    settings = ServerSettings.from_dict({"configuration": "${workspaceFolder}/x.toml"}).in_folder(folder)
    assert settings.configuration == str(folder / "x.toml")
    assert ServerSettings.from_dict({"configuration": "/abs/x.toml"}).in_folder(folder).configuration == "/abs/x.toml"


# -- the settings in a running server: each applies without a restart ------------------------------


def _configure(session, settings: dict) -> None:
    if session.pull:
        session.client.set_configuration({"looplint": settings})
    session.client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings={"looplint": settings}))


async def _until(predicate, timeout: float = 20.0):
    async def poll():
        while not await predicate():
            await asyncio.sleep(0.05)

    await asyncio.wait_for(poll(), timeout)


async def test_lint_run_on_save_checks_saved_text_only(project, start, mode):
    session = await start(project, pull=mode == "pull", init_options={"settings": {"lint": {"run": "onSave"}}})
    uri = session.open("tests/test_agent.py")
    assert [d.code for d in await session.diagnostics(uri)] == ["UT001"]
    published = session.publish_count(uri)
    session.replace(uri, "async def test_reply", "def test_reply")  # would fix it
    await asyncio.sleep(0.5)
    if session.pull:  # the client pulls after each edit: it still gets the saved file's result
        report = await session.client.text_document_diagnostic_async(
            types.DocumentDiagnosticParams(text_document=types.TextDocumentIdentifier(uri=uri))
        )
        assert [d.code for d in report.items] == ["UT001"]
    else:
        assert session.publish_count(uri) == published, "nothing is published while typing"
    refreshes = session.client.diagnostic_refresh_count
    session.client.text_document_did_save(
        types.DidSaveTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri))
    )
    if session.pull:
        await session.wait_refresh(refreshes)  # the server asks the client to pull
    assert await session.diagnostics(uri) == []
    # Back to onType without a restart: edits are checked again.
    _configure(session, {"lint": {"run": "onType"}})
    await asyncio.sleep(0.5)
    session.replace(uri, "def test_reply", "async def test_reply")
    assert [d.code for d in await session.diagnostics(uri)] == ["UT001"]


async def test_code_action_toggles(project, start):
    session = await start(project, pull=True)
    uri = session.open("tests/test_agent.py")
    (diagnostic,) = await session.diagnostics(uri)

    async def titles():
        return [a.title for a in await session.code_actions(uri, diagnostic.range, [diagnostic], only=["quickfix"])]

    assert len(await titles()) == 2
    _configure(session, {"codeAction": {"fixViolation": {"enable": False}}})
    await _until(lambda: _equals(titles, ["Suppress UT001 on this line"]))
    _configure(session, {"codeAction": {"disableRuleComment": {"enable": False}}})
    await _until(lambda: _equals(titles, ["Make the class derive from unittest.IsolatedAsyncioTestCase (UT001)"]))


async def _equals(fn, expected) -> bool:
    return await fn() == expected


async def test_exclude_extend_select_configuration_and_log_file(project, start, tmp_path):
    (project / "tests/test_agent.py").write_text(
        "import asyncio\n" + (project / "tests/test_agent.py").read_text() + "\n\nasync def helper():\n    asyncio.run(helper())\n"
    )
    (project / "pyproject.toml").write_text('[project]\nname = "demo"\n\n[tool.looplint]\nselect = ["UT"]\n')
    session = await start(project, pull=True)
    uri = session.open("tests/test_agent.py")
    assert [d.code for d in await session.diagnostics(uri)] == ["UT001"]

    async def codes(expected):
        await _until(lambda: _equals(lambda: _codes(session, uri), expected))

    _configure(session, {"extendSelect": ["LP001"]})
    await codes(["UT001", "LP001"])
    _configure(session, {"exclude": ["tests/test_agent.py"]})
    await codes([])
    shared = tmp_path / "shared-looplint.toml"
    shared.write_text('select = ["LP"]\n')
    _configure(session, {"configuration": str(shared)})
    await codes(["LP001"])
    _configure(session, {"configuration": str(shared), "configurationPreference": "filesystemFirst"})
    await codes(["UT001"])
    log_file = tmp_path / "server.log"
    _configure(session, {"logFile": str(log_file), "logLevel": "debug"})
    await _until(lambda: _exists_with(log_file, "settings changed"))
    session.replace(uri, "assert False", "assert 0")
    await session.diagnostics(uri)
    await _until(lambda: _exists_with(log_file, "checked "))  # debug: every check, with its time


async def _codes(session, uri):
    return [d.code for d in await session.diagnostics(uri)]


async def _exists_with(path, text) -> bool:
    return path.exists() and text in path.read_text()


def test_every_setting_is_documented_and_offered_by_the_extension():
    import json
    from pathlib import Path

    from looplint.lsp.settings import _SPECS

    repo = Path(__file__).resolve().parents[2]
    docs = (repo / "docs" / "editors.md").read_text(encoding="utf-8")
    keys = {spec.key for spec in _SPECS}
    for key in keys:
        assert f"| `{key}` |" in docs or f"`{key}`" in docs.split("## VS Code")[0], f"{key} is not in docs/editors.md"
    manifest = json.loads((repo / "package.json").read_text(encoding="utf-8"))
    offered = {k.removeprefix("looplint.") for k in manifest["contributes"]["configuration"]["properties"]}
    client_only = {"path", "interpreter", "importStrategy", "trace.server"}
    server_only = {"hover.includeMessage"}  # VS Code is known by its name: nothing to set there
    assert offered - client_only == keys - server_only
