"""The pre-commit hook, used as a user would: real pre-commit, a scratch git repository, `repo:` this repository.

pre-commit clones this repository at its HEAD commit and installs it into its own virtualenv
(`language: python`), so what is tested is what is committed. The environments are kept in
.cache/pre-commit (PRE_COMMIT_HOME) between runs.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
PRE_COMMIT = [sys.executable, "-m", "pre_commit"]


def git(*args: str, cwd: Path) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout.strip()


def test_the_manifest_is_like_ruff_pre_commits():
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    assert [h["id"] for h in hooks] == ["looplint"]
    hook = hooks[0]
    assert hook["language"] == "python"
    assert hook["types_or"] == ["python", "toml", "ini"]
    assert hook["require_serial"] is True
    assert hook["entry"].split()[:2] == ["looplint", "check"]


@pytest.fixture(scope="module")
def this_repo(tmp_path_factory) -> tuple[str, str]:
    """A local clone of this repository (pre-commit's `repo:`) and its commit (`rev:`)."""
    if shutil.which("git") is None:
        pytest.fail("git is needed to test the pre-commit hook")
    clone = tmp_path_factory.mktemp("looplint-clone")
    subprocess.run(["git", "clone", "--quiet", "--no-hardlinks", str(ROOT), str(clone)], check=True)
    return str(clone), git("rev-parse", "HEAD", cwd=clone)


def scratch_repo(path: Path, repo: str, rev: str) -> Path:
    path.mkdir()
    git("init", "--quiet", cwd=path)
    git("config", "user.email", "t@example.com", cwd=path)
    git("config", "user.name", "t", cwd=path)
    config = {"repos": [{"repo": repo, "rev": rev, "hooks": [{"id": "looplint"}]}]}
    (path / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config))
    (path / "pyproject.toml").write_text('[project]\nname = "app"\ndependencies = ["pytest-asyncio>=1.0"]\n')
    (path / "tests").mkdir()
    (path / "tests" / "__init__.py").write_text("")
    (path / "tests" / "base.py").write_text("import unittest\n\n\nclass Base(unittest.TestCase):\n    pass\n")
    return path


def run_hook(repo: Path, *files: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PRE_COMMIT_HOME": str(ROOT / ".cache" / "pre-commit"), "NO_COLOR": "1"}
    env.pop("VIRTUAL_ENV", None)
    return subprocess.run([*PRE_COMMIT, "run", "--files", *files], cwd=repo, env=env, capture_output=True,
                          text=True, timeout=900)


def test_the_hook_checks_staged_python_with_the_whole_project_and_pytest_config_files(tmp_path, this_repo):
    repo = scratch_repo(tmp_path / "app", *this_repo)
    # The base class lives in a file the hook is not given: it is still resolved.
    (repo / "tests" / "test_agent.py").write_text(
        "from tests.base import Base\n\n\nclass TestAgent(Base):\n    async def test_reply(self):\n        pass\n"
    )
    (repo / "mypy.ini").write_text("[mypy]\nstrict = True\n")  # an .ini file that is not pytest's: skipped
    git("add", ".", cwd=repo)

    result = run_hook(repo, "tests/test_agent.py", "mypy.ini")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "tests/test_agent.py:5:15: UT001" in result.stdout
    assert "`TestAgent` derives from `unittest.TestCase`" in result.stdout
    assert "mypy.ini" not in result.stdout.replace("- files were modified by this hook", "")

    # A pytest config file alone runs the configuration rules on it (types_or: toml, ini).
    (repo / "pytest.ini").write_text("[pytest]\nasyncio_mode = strict\n")
    git("add", ".", cwd=repo)
    result = run_hook(repo, "pytest.ini")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "pytest.ini:1:1: CF001" in result.stdout

    # Fixed code passes.
    (repo / "tests" / "test_agent.py").write_text(
        "import unittest\n\n\nclass TestAgent(unittest.IsolatedAsyncioTestCase):\n    async def test_reply(self):\n"
        "        pass\n"
    )
    (repo / "pytest.ini").write_text("[pytest]\nasyncio_mode = strict\nasyncio_default_fixture_loop_scope = function\n")
    git("add", ".", cwd=repo)
    result = run_hook(repo, "tests/test_agent.py", "pytest.ini", "mypy.ini")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Passed" in result.stdout
