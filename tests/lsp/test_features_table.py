"""The one table the server's handlers are registered from."""

from __future__ import annotations

import json
from pathlib import Path

from looplint.lsp.features import COMMANDS, FEATURES
from looplint.lsp.server import create_server

REPO = Path(__file__).resolve().parents[2]


def test_every_feature_is_registered_once():
    methods = [feature.method for feature in FEATURES]
    assert len(methods) == len(set(methods))
    server = create_server()
    assert set(methods) <= set(server.protocol.fm.features)
    assert set(server.protocol.fm.commands) == {name for name, _ in COMMANDS}


def test_server_commands_do_not_clash_with_the_extension_commands():
    # VS Code's language client registers every server command as a VS Code command: a name the
    # extension registers itself would make the client fail to start.
    manifest = json.loads((REPO / "package.json").read_text(encoding="utf-8"))
    extension = {c["command"] for c in manifest["contributes"]["commands"]}
    assert extension.isdisjoint(name for name, _ in COMMANDS)
