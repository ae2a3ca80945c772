"""Migrations in the editor: one WorkspaceEdit over several documents; deprecated APIs tagged; `looplint.target`."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from lsprotocol import types

from looplint.rules._migrate import SEED_BASE, SEED_BASE_MIGRATED, SEED_TEST

SEED = {
    "pyproject.toml": '[project]\nname = "seed"\n',
    "test_framework/__init__.py": "",
    "test_framework/base.py": SEED_BASE,
    "test_service.py": SEED_TEST.replace("__SENTINEL__\n        ", ""),
}
PINNED_OLD = {
    "pyproject.toml": '[project]\nname = "legacy"\n',
    "requirements-dev.txt": "pytest-asyncio==0.21.1\n",
    "conftest.py": "import asyncio\nimport pytest\n\n@pytest.fixture(scope='session')\ndef event_loop():\n"
                   "    loop = asyncio.new_event_loop()\n    yield loop\n    loop.close()\n",
    "test_policy.py": "import asyncio\n\ndef test_policy():\n    asyncio.set_event_loop_policy(None)\n",
}


def _write(root: Path, files: dict[str, str]) -> Path:
    for rel, content in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(content, encoding="utf-8")
    return root


@pytest.mark.parametrize("profile", ["pull", "push"])
async def test_a_base_migration_is_one_workspace_edit_over_the_base_and_settles_the_subclass(tmp_path, start, profile):
    root = _write(tmp_path / "seed", SEED)
    session = await start(root, pull=profile == "pull")
    test_uri = session.open("test_service.py")
    base_uri = session.open("test_framework/base.py")
    diagnostics = await session.diagnostics(test_uri)
    (ut001,) = [d for d in diagnostics if d.code == "UT001"]
    actions = await session.code_actions(test_uri, ut001.range, [ut001])
    (fix,) = [a for a in actions if a.kind == types.CodeActionKind.QuickFix and "Suppress" not in a.title]
    assert fix.title.startswith("Make `BaseTestCase` (test_framework/base.py) an IsolatedAsyncioTestCase"), fix.title
    resolved = await session.resolve(fix)
    if resolved.edit.document_changes:  # a client that takes versioned edits (VS Code)
        changed = {c.text_document.uri: c.text_document.version for c in resolved.edit.document_changes}
        assert changed == {base_uri: session.docs[base_uri].version}  # the test module itself is left as it is
    else:  # Neovim 0.7: plain `changes`
        assert set(resolved.edit.changes) == {base_uri}
    session.apply_workspace_edit(resolved.edit)
    assert session.docs[base_uri].text == SEED_BASE_MIGRATED
    # The base's AP002/AP003 and the subclass's UT001 are gone with the one change.
    assert [d.code for d in await session.diagnostics(base_uri)] == []
    # A dependent of the edited base: checked again once the server has the base's new text.
    if session.pull:
        for _ in range(100):
            if not await session.diagnostics(test_uri):
                break
            await asyncio.sleep(0.1)
        assert [d.code for d in await session.diagnostics(test_uri)] == []
    else:
        await session.wait_publish(test_uri, lambda p: not p.diagnostics)


async def test_a_migration_edits_a_closed_file_as_it_is_on_disk_and_a_client_without_document_changes(tmp_path, start):
    root = _write(tmp_path / "seed", SEED)
    session = await start(root, pull=True)
    test_uri = session.open("test_service.py")
    (ut001,) = [d for d in await session.diagnostics(test_uri) if d.code == "UT001"]
    actions = await session.code_actions(test_uri, ut001.range, [ut001])
    fix = await session.resolve(next(a for a in actions if a.title.startswith("Make `BaseTestCase`")))
    (change,) = fix.edit.document_changes
    assert change.text_document.uri == (root / "test_framework/base.py").as_uri()
    assert change.text_document.version is None  # not open: the edit is for the file on disk
    lines = SEED_BASE.splitlines(keepends=True)
    assert {e.range.start.line for e in change.edits} <= set(range(len(lines) + 1))


async def test_deprecated_apis_carry_the_deprecated_tag_and_target_turns_the_upgrade_into_errors(tmp_path, start):
    root = _write(tmp_path / "legacy", PINNED_OLD)
    session = await start(root, pull=True)
    conftest = session.open("conftest.py")
    policy = session.open("test_policy.py")
    (pa003,) = [d for d in await session.diagnostics(conftest) if d.code == "PA003"]
    assert pa003.severity == types.DiagnosticSeverity.Information  # the upgrade finding: 0.21 is pinned
    assert "this project pins 0.21.1" in pa003.message
    assert list(pa003.tags) == [types.DiagnosticTag.Deprecated]
    (lp008,) = [d for d in await session.diagnostics(policy) if d.code == "LP008"]
    assert list(lp008.tags) == [types.DiagnosticTag.Deprecated]
    targeted = await start(root, pull=True, init_options={"settings": {"target": {"pytest-asyncio": "1.3",
                                                                                  "python": "3.14"}}})
    conftest = targeted.open("conftest.py")
    policy = targeted.open("test_policy.py")
    (pa003,) = [d for d in await targeted.diagnostics(conftest) if d.code == "PA003"]
    assert pa003.severity == types.DiagnosticSeverity.Error
    (lp008,) = [d for d in await targeted.diagnostics(policy) if d.code == "LP008"]
    assert lp008.severity == types.DiagnosticSeverity.Warning


def test_the_target_setting_is_parsed_and_a_bad_one_is_ignored_not_fatal(caplog):
    from looplint.lsp.settings import ServerSettings

    settings = ServerSettings.from_dict({"target": {"Pytest_Asyncio": "1.3", "python": "3.14"}})
    assert dict(settings.target) == {"pytest-asyncio": "1.3", "python": "3.14"}
    assert dict(settings.overrides().target) == {"pytest-asyncio": "1.3", "python": "3.14"}
    kept = ServerSettings.from_dict({"target": {"python": "three"}}, base=settings)
    assert kept.target == settings.target  # the previous value stays
    assert "looplint.target" in caplog.text and "3.14" in caplog.text
    assert ServerSettings.from_dict({"target": None}, base=settings).target == ()


async def test_the_code_lens_of_a_class_on_a_bridging_base_applies_the_base_migration(tmp_path, start):
    root = _write(tmp_path / "seed", SEED)
    session = await start(root, pull=True)
    test_uri = session.open("test_service.py")
    assert [d.code for d in await session.diagnostics(test_uri)] == ["UT001"]
    (lens,) = await session.code_lenses(test_uri)
    assert lens.command.title.startswith("1 async test never runs — make `BaseTestCase` (test_framework/base.py) an "
                                         "IsolatedAsyncioTestCase"), lens.command.title
    base_uri = session.open("test_framework/base.py")
    answer = await session.execute(lens.command)
    assert answer["applied"] is True, answer
    (applied,) = session.applied_edits
    assert [c.text_document.uri for c in applied.edit.document_changes] == [base_uri]
    assert session.docs[base_uri].text == SEED_BASE_MIGRATED
    assert session.docs[test_uri].text == SEED["test_service.py"]  # the test module is left as it is
