"""Tests for the pytest model (engine.pytest_model) and the config-file entry point (engine.config_check)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from helpers import write_project

from looplint.engine import pytest_config
from looplint.engine.project import Project
from looplint.engine.pytest_config import find_pytest_config
from looplint.engine.pytest_model import PytestModel
from looplint.engine.source import Source
from looplint.engine.summary import build_summary
from looplint.engine.workspace import Engine


@pytest.fixture(autouse=True)
def _fresh_config_cache():
    pytest_config.clear_cache()
    yield
    pytest_config.clear_cache()


def model_of(root: Path, rel: str) -> PytestModel:
    project = Project(root)
    path = root / rel
    text = path.read_text()
    tree = ast.parse(text)
    summary = build_summary(tree, path, Source(text, path))
    project.put_summary(path, summary)
    return PytestModel(project, path, summary, tree)


# -- pytest_config changes made for this model ------------------------------------------------


def test_overlay_text_replaces_the_file_on_disk(tmp_path):
    write_project(tmp_path, {"pytest.ini": "[pytest]\nasyncio_mode = strict\n"})
    on_disk = find_pytest_config(tmp_path)
    buffered = find_pytest_config(tmp_path, overlays={tmp_path / "pytest.ini": "[pytest]\r\nasyncio_mode = auto\r\n"})
    assert on_disk.asyncio_mode == "strict"
    assert buffered.asyncio_mode == "auto"
    # the overlay is not cached: the disk resolution is unchanged afterwards
    assert find_pytest_config(tmp_path).asyncio_mode == "strict"


def test_overlay_of_a_file_that_does_not_exist_yet(tmp_path):
    write_project(tmp_path, {"pyproject.toml": '[tool.pytest.ini_options]\nasyncio_mode = "auto"\n'})
    config = find_pytest_config(tmp_path, overlays={tmp_path / "pytest.ini": ""})
    assert config.path == tmp_path / "pytest.ini"
    assert any(p.kind == "ignored-lower-precedence-file" for p in config.problems)


def test_fallback_pyproject_keeps_the_problems_of_its_ignored_tables(tmp_path):
    # pytest < 9 does not read [tool.pytest]; with nothing else found, pyproject.toml is the fallback
    # "configfile", and the ignored table must still be reported.
    write_project(tmp_path, {"pyproject.toml": '[tool.pytest]\nasyncio_mode = "auto"\n'})
    config = find_pytest_config(tmp_path, pytest_version="8.3.5")
    assert config.is_fallback
    assert [p.kind for p in config.problems] == ["native-toml-unsupported"]
    assert config.asyncio_mode == "strict"
