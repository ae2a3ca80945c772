"""A real editor: headless Neovim (Debian's 0.7) drives `looplint server` over stdio.

Neovim receives the pushed diagnostic, shows the hover, asks for the code
actions of the diagnostic's line, resolves and applies the quick fix, saves
the file, and sees the diagnostic go. `tests/nvim/e2e.lua` does the editor
side; this test checks what it recorded and the file on disk.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from looplint.engine.edits import apply_edits
from looplint.engine.workspace import Engine
from looplint.rules import all_rules

HERE = Path(__file__).parent
REPO = HERE.parents[1]
GOLDEN = REPO / "examples" / "golden-path"


def nvim_binary() -> str:
    """`nvim` on the PATH, installed from Debian (`apt-get install neovim`) when missing and allowed."""
    found = shutil.which("nvim")
    if found:
        return found
    if hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("apt-get"):
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        install = ["apt-get", "install", "-y", "-q", "neovim"]
        if subprocess.run(install, env=env, capture_output=True, timeout=900).returncode != 0:
            subprocess.run(["apt-get", "update", "-q"], env=env, capture_output=True, timeout=900)
            subprocess.run(install, env=env, capture_output=True, timeout=900)
        found = shutil.which("nvim")
    if not found:
        pytest.fail("Neovim is not installed and could not be installed: run `make nvim-deps` (apt-get install neovim)")
    return found


def run_neovim(root: Path, rel: str, code: str, scratch: Path) -> dict:
    out = scratch / "nvim-result.json"
    env = {
        **os.environ,
        "LOOPLINT_CMD": json.dumps([sys.executable, "-m", "looplint", "server"]),
        "LOOPLINT_ROOT": str(root),
        "LOOPLINT_FILE": str(root / rel),
        "LOOPLINT_CODE": code,
        "LOOPLINT_OUT": str(out),
        # Neovim's own state (lsp.log, shada) stays in the scratch folder.
        "XDG_CACHE_HOME": str(scratch / "cache"),
        "XDG_STATE_HOME": str(scratch / "state"),
        "XDG_DATA_HOME": str(scratch / "data"),
        "XDG_CONFIG_HOME": str(scratch / "config"),
    }
    command = [nvim_binary(), "--headless", "-u", "NONE", "-i", "NONE", "-n", "-c", f"luafile {HERE / 'e2e.lua'}"]
    proc = subprocess.run(command, env=env, cwd=root, capture_output=True, text=True, timeout=180)
    assert out.exists(), f"Neovim wrote no result (exit {proc.returncode}):\n{proc.stdout}\n{proc.stderr}"
    result = json.loads(out.read_text())
    assert result.get("error") is None, f"{result}\nstderr:\n{proc.stderr}"
    return result


def test_neovim_diagnostic_hover_and_quick_fix(tmp_path):
    root = tmp_path / "project"
    shutil.copytree(HERE / "fixture", root)
    result = run_neovim(root, "tests/test_agent.py", "UT001", tmp_path)

    assert result["nvim"].startswith("0.")
    assert result["steps"] == ["attached", "diagnostics", "hover", "fixed", "diagnostics updated"]
    diagnostic = result["diagnostic"]
    assert (diagnostic["lnum"], diagnostic["col"], diagnostic["end_lnum"], diagnostic["end_col"]) == (4, 14, 4, 24)
    assert diagnostic["source"] == "looplint" and "TestAgent" in diagnostic["message"]
    # Neovim shows the message itself (virtual text, its diagnostic float): the hover starts with why here.
    assert result["hover"].startswith("**Why here:** Class chain: `TestAgent → AsyncTestCase → BaseTestCase → unittest.TestCase`")
    assert "UT001.md" in result["hover"]  # the rule's page
    assert result["titles"] == [
        "Make the class derive from unittest.IsolatedAsyncioTestCase (UT001)",
        "Suppress UT001 on this line",
    ]
    assert result["resolved"] is True  # Neovim 0.7 advertises codeAction resolveSupport for `edit`
    assert (root / "tests/test_agent.py").read_text(encoding="utf-8") == textwrap.dedent(
        """\
        from test_framework.base import AsyncTestCase
        import unittest


        class TestAgent(AsyncTestCase, unittest.IsolatedAsyncioTestCase):
            async def test_reply(self):  # répondre 😀
                self.assertTrue(self.ready)
        """
    )
    assert "UT001" not in result["codes_after"]


def test_neovim_on_the_golden_path_demo(tmp_path):
    root = tmp_path / "golden-path"
    shutil.copytree(GOLDEN, root)
    rel = "tests/test_agent.py"
    original = (root / rel).read_text(encoding="utf-8")
    # What the quick fix must produce: the engine's fix for the first UT001, computed here.
    checked = Engine(all_rules()).check_file(root / rel, original, with_fixes=True)
    first = next(d for d in checked.diagnostics if d.code == "UT001")
    expected = apply_edits(original, list(first.fix.edits))
    # The fix is the migration of the base class: its edits in other files, as the engine makes them.
    elsewhere = {
        other.path: apply_edits(other.path.read_text(encoding="utf-8"), list(other.edits))
        for other in first.fix.other_files
    }

    result = run_neovim(root, rel, "UT001", tmp_path)
    assert result["diagnostic"]["lnum"] == first.range.line - 1
    assert "UT001" in result["hover"]
    assert (root / rel).read_text(encoding="utf-8") == expected
    for path, text in elsewhere.items():
        assert path.read_text(encoding="utf-8") == text, path
    assert "UT001" not in result["codes_after"]


def test_the_documented_neovim_07_configuration(tmp_path):
    """docs/editors.md's init.lua for Neovim 0.7-0.9 (tests/nvim/init-0.7.lua), used as is."""
    root = tmp_path / "project"
    shutil.copytree(HERE / "fixture", root)
    out = tmp_path / "config-result.json"
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",  # `looplint` on the PATH
        "LOOPLINT_OUT": str(out),
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
        "XDG_STATE_HOME": str(tmp_path / "state"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
    }
    command = [
        nvim_binary(), "--headless", "-u", str(HERE / "init-0.7.lua"), "-i", "NONE", "-n",
        "-c", "filetype on", "-c", "edit tests/test_agent.py", "-c", f"luafile {HERE / 'config_check.lua'}",
    ]
    proc = subprocess.run(command, env=env, cwd=root, capture_output=True, text=True, timeout=180)
    assert out.exists(), f"{proc.stdout}\n{proc.stderr}"
    result = json.loads(out.read_text())
    assert result["ok"] and result["clients"] == 1, result
    assert [(d["lnum"], d["col"], d["code"], d["source"]) for d in result["diagnostics"]] == [(4, 14, "UT001", "looplint")]


def test_emacs_eglot(tmp_path):
    """Debian's Emacs 28 with elpa-eglot 1.9, headless (tests/nvim/eglot_e2e.el)."""
    emacs = shutil.which("emacs")
    # `make test` installs them (mk/lsp.mk); a missing editor is a failure, not a skip.
    assert emacs is not None and list(Path("/usr/share/emacs/site-lisp/elpa").glob("eglot-*")), (
        "Emacs with elpa-eglot is not installed: `make nvim-deps` (apt-get install emacs-nox elpa-eglot)"
    )
    root = tmp_path / "project"
    shutil.copytree(HERE / "fixture", root)
    env = {
        **os.environ,
        "LOOPLINT_COMMAND": f"{sys.executable} -m looplint server",
        "LOOPLINT_FILE": str(root / "tests/test_agent.py"),
        "HOME": str(tmp_path),
    }
    proc = subprocess.run(
        [emacs, "--batch", "-Q", "-l", str(HERE / "eglot_e2e.el")], env=env, cwd=root, capture_output=True, text=True,
        timeout=180,
    )
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, output
    assert "diagnostic: 5: looplint [UT001]: Async test `test_reply` never runs" in output
    # ElDoc shows Flymake's diagnostic beside the hover: the hover does not repeat it.
    assert "hover: **Why here:** Class chain" in output and "hover: **UT001**" not in output
    assert "actions: Make the class derive from unittest.IsolatedAsyncioTestCase (UT001) | Suppress UT001 on this line" in output
    assert "after: 0" in output
    assert "class TestAgent(AsyncTestCase, unittest.IsolatedAsyncioTestCase):" in (root / "tests/test_agent.py").read_text()
