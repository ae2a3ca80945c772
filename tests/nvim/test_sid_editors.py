"""Editors Debian 12 does not have, from Debian sid's packages (scripts/provision_editors.py):
Helix 25.07, driven in tmux like a person at the keyboard, and Neovim 0.12 with the documented
`vim.lsp.config` snippet. Both pull diagnostics. Each runs the configuration docs/editors.md gives.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

HERE = Path(__file__).parent
REPO = HERE.parents[1]
sys.path.insert(0, str(REPO / "scripts"))

import provision_editors  # noqa: E402

FIXED_CLASS = "class TestAgent(AsyncTestCase, unittest.IsolatedAsyncioTestCase):"


@pytest.fixture(scope="module")
def editors() -> dict[str, Path]:
    """Both editors, provisioned into .cache/editors/ when missing (`make editors` does it first)."""
    return provision_editors.ensure()


def user_env(tmp_path: Path) -> dict[str, str]:
    """`looplint` on the PATH, the editors' own state and configuration in the scratch folder."""
    return {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
        "XDG_STATE_HOME": str(tmp_path / "state"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "HOME": str(tmp_path),
    }


@pytest.mark.parametrize("init", ["init-0.11.lua", "init-0.10.lua"])
def test_neovim_012_with_the_documented_configurations(editors, tmp_path, init):
    """docs/editors.md's vim.lsp.config snippet (0.11+) and its vim.lsp.start one (0.10+), as they are."""
    root = tmp_path / "project"
    shutil.copytree(HERE / "fixture", root)
    out = tmp_path / "result.json"
    env = {**user_env(tmp_path), "LOOPLINT_OUT": str(out)}
    command = [
        str(editors["nvim"]), "--headless", "-u", str(HERE / init), "-i", "NONE", "-n",
        "-c", "filetype on", "-c", "edit tests/test_agent.py", "-c", f"luafile {HERE / 'config_check_new.lua'}",
    ]
    proc = subprocess.run(command, env=env, cwd=root, capture_output=True, text=True, timeout=240)
    assert out.exists(), f"{proc.stdout}\n{proc.stderr}"
    result = json.loads(out.read_text())
    assert result["nvim"].startswith("0.12"), result
    assert result["ok"] and result["clients"] == 1 and result["pull"], result
    assert [(d["lnum"], d["col"], d["code"], d["source"]) for d in result["diagnostics"]] == [(4, 14, "UT001", "looplint")]
    # Neovim shows the message in its diagnostic float: the hover starts with what it does not show.
    assert result["hover"].startswith("**Why here:** Class chain: `TestAgent → AsyncTestCase → BaseTestCase"), result["hover"]
    assert "Async test `test_reply` never runs" not in result["hover"]
    assert result["lenses"] == ["1 async test never runs — make `TestAgent` run it"]
    assert result["applied"] is True and result["after"] is True, result
    assert FIXED_CLASS in (root / "tests/test_agent.py").read_text(encoding="utf-8")


class Tmux:
    """A terminal of 200x50 running one program, read like a screen."""

    def __init__(self, name: str, command: list[str], cwd: Path, env: dict[str, str]):
        self.name = name
        subprocess.run(["tmux", "kill-session", "-t", name], capture_output=True)
        script = " ".join(f"{k}={_quote(v)}" for k, v in env.items() if k in _PASSED) + " " + " ".join(map(_quote, command))
        subprocess.run(
            ["tmux", "new-session", "-d", "-s", name, "-x", "200", "-y", "50", "-c", str(cwd), f"env {script}"],
            check=True, env=env,
        )

    def screen(self) -> str:
        return subprocess.run(["tmux", "capture-pane", "-t", self.name, "-p"], capture_output=True, text=True).stdout

    def keys(self, *keys: str, pause: float = 0.4) -> None:
        for key in keys:
            subprocess.run(["tmux", "send-keys", "-t", self.name, key], check=True)
            time.sleep(pause)

    def wait_for(self, text: str, timeout: float = 60.0) -> str:
        deadline = time.monotonic() + timeout
        while True:
            screen = self.screen()
            if text in screen:
                return screen
            if time.monotonic() > deadline:
                raise AssertionError(f"{text!r} not on the screen after {timeout:.0f} s:\n{screen}")
            time.sleep(0.25)

    def close(self) -> None:
        subprocess.run(["tmux", "kill-session", "-t", self.name], capture_output=True)


_PASSED = ("PATH", "XDG_CACHE_HOME", "XDG_STATE_HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME", "HOME")


def _quote(value: str) -> str:
    return "'" + value.replace("'", "'\\''") + "'"


def test_helix_diagnostic_hover_and_quick_fix(editors, tmp_path):
    assert shutil.which("tmux"), "tmux drives Helix: `make nvim-deps` installs it"
    root = tmp_path / "project"
    shutil.copytree(HERE / "fixture", root)
    env = user_env(tmp_path)
    config = tmp_path / "config" / "helix"
    config.mkdir(parents=True)
    shutil.copy(HERE / "helix-languages.toml", config / "languages.toml")  # the documented file, as is
    log = tmp_path / "helix.log"
    term = Tmux(f"looplint-hx-{os.getpid()}", [str(editors["hx"]), "--log", str(log), "-v", "tests/test_agent.py"], root, env)
    try:
        # The diagnostic, at the end of its line (Helix's default), from a pull.
        term.wait_for("Async test `test_reply` never runs: `TestAgent` derives from", timeout=120)
        # The hover (space k) on the test's name: why here first, no copy of the message.
        term.keys("/test_reply", "Enter", "Escape", "Space", "k")
        hover = term.wait_for("Why here:")
        assert "Class chain: TestAgent → AsyncTestCase → BaseTestCase → unittest.TestCase" in hover
        assert "UT001 async-test-on-sync-testcase: the rule's page" in hover
        # The code actions (space a): the fix, then the suppression; Enter applies the fix; :w saves.
        term.keys("Escape", "Space", "a")
        menu = term.wait_for("Suppress UT001 on this line")
        assert menu.index("Make the class derive from unittest.IsolatedAsyncioTestCase (UT001)") < menu.index("Suppress UT001")
        term.keys("Enter")
        term.wait_for(FIXED_CLASS)
        term.keys(":w", "Enter")
        deadline = time.monotonic() + 30
        while FIXED_CLASS not in (root / "tests/test_agent.py").read_text(encoding="utf-8"):
            assert time.monotonic() < deadline, term.screen()
            time.sleep(0.25)
        # The diagnostic goes once the class runs its async tests.
        deadline = time.monotonic() + 30
        while "never runs" in term.screen():
            assert time.monotonic() < deadline, term.screen()
            time.sleep(0.25)
        term.keys(":q!", "Enter")
    finally:
        term.close()
    text = log.read_text(encoding="utf-8", errors="replace")
    assert '"method":"textDocument/diagnostic"' in text, "Helix pulls diagnostics"
    assert "client helix" in text  # the server knew which editor it talks to
