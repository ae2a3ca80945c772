"""The upgrade view: info findings for what breaks on a newer release, `--target` / `target` for its errors."""

from __future__ import annotations

import json

import pytest
from helpers import dedent, write_project

from test_cli import looplint

# A project on pytest-asyncio < 0.22 and Python 3.11, with code that works there and breaks later.
UPGRADE_PROJECT = {
    "requirements-dev.txt": "pytest-asyncio<0.22\n",
    ".python-version": "3.11\n",
    "conftest.py": dedent(
        """
        import asyncio
        import pytest

        @pytest.fixture(scope="session")
        def event_loop():
            loop = asyncio.new_event_loop()
            yield loop
            loop.close()
        """
    ),
    "test_legacy.py": dedent(
        """
        import asyncio
        import unittest

        class T(unittest.TestCase):
            def setUp(self):
                self.loop = asyncio.get_event_loop()

            def test_y(self):
                self.assertIsNotNone(self.loop)
        """
    ),
}


def _findings(cwd, *args):
    result = looplint("check", "--no-cache", "--output-format", "json", *args, cwd=cwd)
    return result, {d["code"]: d for d in json.loads(result.stdout)}


def test_upgrade_findings_are_info_and_say_what_breaks_from_which_release(tmp_path):
    write_project(tmp_path, UPGRADE_PROJECT)
    result, found = _findings(tmp_path)
    assert result.returncode == 1  # LP003 is a warning on every version: order-dependent RuntimeError
    pa003 = found["PA003"]
    assert pa003["severity"] == "info"
    assert "removed in pytest-asyncio 1.0" in pa003["message"] and "this project pins <0.22" in pa003["message"]
    lp003 = found["LP003"]
    assert lp003["severity"] == "warning"
    assert "from Python 3.14 it raises whenever no loop is set: this project uses Python 3.11" in lp003["message"]
    # Info findings alone do not fail a run; --fail-on info does.
    looplint("check", "--no-cache", "--select", "PA003", cwd=tmp_path, check_rc=0)
    looplint("check", "--no-cache", "--select", "PA003", "--fail-on", "info", cwd=tmp_path, check_rc=1)


def test_target_gives_the_errors_of_those_versions(tmp_path):
    write_project(tmp_path, UPGRADE_PROJECT)
    result, found = _findings(tmp_path, "--target", "python=3.14", "--target", "pytest-asyncio=1.3")
    assert result.returncode == 1
    assert found["PA003"]["severity"] == "error"
    assert "silently ignores it" in found["PA003"]["message"] and "pins" not in found["PA003"]["message"]
    assert found["LP003"]["severity"] == "error"
    assert "Python 3.14 raises RuntimeError" in found["LP003"]["message"]
    # pytest-asyncio 1.3 warns when asyncio_default_fixture_loop_scope is unset (0.21 has no such option).
    assert "CF001" in found and "CF001" not in _findings(tmp_path)[1]


def test_target_in_the_configuration_and_the_command_line_on_top(tmp_path):
    write_project(tmp_path, UPGRADE_PROJECT, {"target": {"pytest-asyncio": "1.0"}})
    _, found = _findings(tmp_path, "--select", "PA003")
    assert found["PA003"]["severity"] == "error"
    # The command line replaces the configured target of the same name only.
    _, found = _findings(tmp_path, "--select", "PA003", "--target", "pytest-asyncio=0.21")
    assert found["PA003"]["severity"] == "info"


def test_the_cache_tells_targets_apart(tmp_path):
    write_project(tmp_path, UPGRADE_PROJECT)
    cache = tmp_path / "cache"
    first = looplint("check", "--select", "PA003", "--cache-dir", str(cache), "--output-format", "json", cwd=tmp_path)
    second = looplint("check", "--select", "PA003", "--cache-dir", str(cache), "--output-format", "json",
                      "--target", "pytest-asyncio=1.3", cwd=tmp_path)
    assert [d["severity"] for d in json.loads(first.stdout)] == ["info"]
    assert [d["severity"] for d in json.loads(second.stdout)] == ["error"]


@pytest.mark.parametrize(
    "table,line,message",
    [
        ('[tool.looplint]\ntarget = ["python=3.14"]\n', 2, "must be a table"),
        ('[tool.looplint]\nselect = ["ALL"]\ntarget = { pyhton = "3.14" }\n', 3, "'pyhton' cannot be targeted"),
        ('[tool.looplint]\ntarget = { python = "3" }\n', 2, 'must be a version like "3.14"'),
        ('[tool.looplint]\ntarget = { pytest-asyncio = 1.3 }\n', 2, "must be strings"),
        ('[tool.looplint]\nselect = ["ALL"]\n\n[tool.looplint.target]\npytest-asyncio = "one"\n', 4, "must be a release"),
    ],
)
def test_a_bad_target_is_an_error_with_file_and_line(tmp_path, table, line, message):
    (tmp_path / "pyproject.toml").write_text(table)
    (tmp_path / "test_x.py").write_text("def test_x():\n    pass\n")
    result = looplint("check", cwd=tmp_path, check_rc=2)
    assert f"pyproject.toml:{line}: [tool.looplint] target: " in result.stderr, result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("value", ["python", "python=", "nose=1.0", "pytest-asyncio=1.x"])
def test_a_bad_target_option_is_a_usage_error(tmp_path, value):
    write_project(tmp_path, {"test_x.py": "def test_x():\n    pass\n"})
    result = looplint("check", "--target", value, cwd=tmp_path, check_rc=2)
    assert result.stderr.startswith("looplint: error: --target: "), result.stderr


# The seed's base: a migration that edits the base's module, settling the subclass's UT001 too.
def _seed_project(tmp_path):
    from looplint.rules._migrate import SEED_BASE, SEED_TEST

    return write_project(tmp_path, {
        "test_framework/__init__.py": "",
        "test_framework/base.py": SEED_BASE,
        "test_service.py": SEED_TEST.replace("__SENTINEL__\n        ", ""),
    })


def test_a_migration_in_json_names_every_file_it_changes_and_fits_the_schema(tmp_path):
    import jsonschema
    from test_cli import SCHEMA

    _seed_project(tmp_path)
    result = looplint("check", "--no-cache", "--output-format", "json", cwd=tmp_path, check_rc=1)
    data = json.loads(result.stdout)
    jsonschema.validate(data, SCHEMA)
    (ut001,) = [d for d in data if d["code"] == "UT001"]
    assert ut001["filename"] == "test_service.py"
    assert ut001["fix"]["edits"] == []  # nothing changes in the test module itself
    (base,) = ut001["fix"]["other_files"]
    assert base["filename"] == "test_framework/base.py" and base["create"] is False and base["edits"]
    # The base's own findings carry the same change, as edits in their own file.
    ap002 = next(d for d in data if d["code"] == "AP002")
    assert ap002["fix"]["edits"] == base["edits"] and "other_files" not in ap002["fix"]


def test_a_migration_in_sarif_changes_the_base_not_the_test_module(tmp_path):
    _seed_project(tmp_path)
    result = looplint("check", "--no-cache", "--output-format", "sarif", cwd=tmp_path, check_rc=1)
    results = json.loads(result.stdout)["runs"][0]["results"]
    (ut001,) = [r for r in results if r["ruleId"] == "UT001"]
    (change,) = ut001["fixes"][0]["artifactChanges"]
    assert change["artifactLocation"]["uri"] == "test_framework/base.py"
    assert change["replacements"]


def test_a_config_migration_names_the_config_file_in_json(tmp_path):
    write_project(tmp_path, {
        "pyproject.toml": '[project]\nname = "x"\ndependencies = ["pytest-asyncio>=1.0"]\n\n'
                          '[tool.pytest.ini_options]\nasyncio_mode = "auto"\n',
        "conftest.py": UPGRADE_PROJECT["conftest.py"],
    })
    result = looplint("check", "--no-cache", "--select", "PA003", "--output-format", "json", cwd=tmp_path,
                      check_rc=1)
    (pa003,) = json.loads(result.stdout)
    files = {f["filename"] for f in pa003["fix"].get("other_files", [])}
    assert files == {"pyproject.toml"}, pa003["fix"]


@pytest.mark.parametrize("fmt,expected", [
    ("text", "PA003 Custom `event_loop` fixture"),
    ("github", "::notice file=conftest.py"),
    ("gitlab", '"severity": "info"'),
    ("junit", "PA003"),
])
def test_the_upgrade_report_in_every_format(tmp_path, fmt, expected):
    write_project(tmp_path, UPGRADE_PROJECT)
    result = looplint("check", "--no-cache", "--select", "PA003", "--output-format", fmt, cwd=tmp_path, check_rc=0)
    assert expected in result.stdout, result.stdout
    assert "removed in pytest-asyncio 1.0" in result.stdout
    targeted = looplint("check", "--no-cache", "--select", "PA003", "--output-format", fmt,
                        "--target", "pytest-asyncio=1.3", cwd=tmp_path, check_rc=1)
    assert "silently ignores it" in targeted.stdout
