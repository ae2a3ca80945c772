"""The small engine additions the language server relies on."""

from __future__ import annotations

import pytest

from helpers import dedent, write_project
from looplint.engine.settings import ConfigError, Settings, load_settings, parse_settings_text
from looplint.engine.workspace import Engine, Overrides
from looplint.rules import all_rules

UT001_SOURCE = dedent(
    """
    import unittest

    class T(unittest.TestCase):
        async def test_x(self):
            pass
    """
)


def test_lenient_engine_keeps_checking_with_a_broken_config(tmp_path):
    root = write_project(tmp_path, {"tests/test_x.py": UT001_SOURCE}, settings={"select": ["UT001"], "bogus": 1})
    strict = Engine()
    with pytest.raises(ConfigError):
        strict.check_file(root / "tests/test_x.py")

    lenient = Engine(lenient_config=True)
    result = lenient.check_file(root / "tests/test_x.py")
    assert [d.code for d in result.diagnostics] == ["UT001"]
    error = lenient.config_error(root.resolve())
    assert error is not None and error.key == "bogus" and error.line == 4  # "", header, select, bogus

    # Fixing the file and reloading clears the error.
    (root / "pyproject.toml").write_text('[tool.looplint]\nselect = ["UT001"]\n')
    lenient.reload_settings()
    assert lenient.config_error(root.resolve()) is None


def test_overrides_replace_or_extend_ignore():
    project = Settings(ignore=("UT001",))
    assert Overrides(ignore=("CO",)).apply(project).ignore == ("UT001", "CO")
    assert Overrides(ignore=("CO",), replace_ignore=True).apply(project).ignore == ("CO",)
    assert Overrides(ignore=(), replace_ignore=True).apply(project).ignore == ()


def test_parse_settings_text_matches_load_settings(tmp_path):
    codes = [r.code for r in all_rules()]
    text = '[tool.looplint]\nignore = ["UT001"]\nseverity = { UT001 = "warning" }\n'
    path = tmp_path / "pyproject.toml"
    path.write_text(text)
    assert parse_settings_text(path, text, codes) == load_settings(path, codes)
    with pytest.raises(ConfigError) as info:
        parse_settings_text(path, '[tool.looplint]\n\nselect = "UT001"\n', codes)
    assert (info.value.line, info.value.key) == (3, "select")
