"""The example projects under examples/: looplint finds exactly what their READMEs promise.

Each example is checked with the real command line (a subprocess, JSON output), from the
repository root as `make demo` does, so config-file diagnostics (CF*) are included.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"


def check(project: Path, *args: str, cwd: Path = ROOT) -> tuple[int, list[dict]]:
    result = subprocess.run(
        [sys.executable, "-m", "looplint", "check", "--no-progress", "--output-format", "json", *args, str(project)],
        cwd=cwd, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode in (0, 1), result.stderr
    return result.returncode, json.loads(result.stdout)


def found(diagnostics: list[dict], base: Path) -> list[tuple[str, str, int]]:
    return sorted(
        (d["code"], Path(d["filename"]).resolve().relative_to(base).as_posix(), d["location"]["row"])
        for d in diagnostics
    )


def test_pytest_ini_override_reports_the_shadowed_auto_mode():
    project = EXAMPLES / "pytest-ini-override"
    rc, diagnostics = check(project.relative_to(ROOT))
    assert rc == 1
    assert found(diagnostics, project) == [
        ("CF003", "pyproject.toml", 12),
        ("PA001", "tests/test_orders.py", 4),
        ("PA001", "tests/test_orders.py", 8),
    ]
    cf003 = next(d for d in diagnostics if d["code"] == "CF003")
    assert "pytest.ini" in cf003["message"]
    assert cf003["filename"] == "examples/pytest-ini-override/pyproject.toml"


def test_pytest_ini_override_hover_names_the_config_files():
    from looplint.engine.workspace import Engine
    from looplint.rules import all_rules

    result = Engine(all_rules()).check_file(EXAMPLES / "pytest-ini-override" / "tests" / "test_orders.py")
    pa001 = [d for d in result.diagnostics if d.code == "PA001"]
    assert pa001
    for diagnostic in pa001:
        assert "`pytest.ini`" in diagnostic.reason
        assert "pyproject.toml:12" in diagnostic.reason and "ignored" in diagnostic.reason
        assert {r.path.name for r in diagnostic.related} == {"pytest.ini", "pyproject.toml"}


def test_pytest_ini_override_fix_marks_the_tests(tmp_path):
    project = tmp_path / "pytest-ini-override"
    shutil.copytree(EXAMPLES / "pytest-ini-override", project)
    subprocess.run([sys.executable, "-m", "looplint", "check", "--fix", "--no-progress", "."], cwd=project,
                   capture_output=True, text=True, timeout=120)
    text = (project / "tests" / "test_orders.py").read_text()
    assert text.count("@pytest.mark.asyncio\nasync def") == 2
    rc, diagnostics = check(project, cwd=project)
    assert [d["code"] for d in diagnostics] == ["CF003"]  # the ignored table stays: moving it is the user's call


def test_anyio_suite_is_silent():
    project = EXAMPLES / "anyio-suite"
    rc, diagnostics = check(project.relative_to(ROOT))
    assert diagnostics == []
    assert rc == 0


@pytest.mark.parametrize("example", sorted(p.name for p in EXAMPLES.iterdir() if p.is_dir()))
def test_every_example_has_a_readme_for_make_demo(example):
    lines = (EXAMPLES / example / "README.md").read_text().splitlines()
    assert lines[0].startswith("# ")
    assert any(line.strip() for line in lines[1:4])
