"""The command line as users and CI call it: real subprocesses, real files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from helpers import dedent, write_project

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = json.loads((ROOT / "docs" / "json-output.schema.json").read_text())

ASYNC_ON_SYNC = dedent(
    """
    import unittest

    class T(unittest.TestCase):
        async def test_x(self):
            self.fail()
    """
)


def looplint(*args: str, cwd: Path, check_rc: int | None = None) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [sys.executable, "-m", "looplint", *args], cwd=cwd, capture_output=True, text=True, timeout=120
    )
    if check_rc is not None:
        assert result.returncode == check_rc, (result.returncode, result.stdout, result.stderr)
    return result


def test_clean_project_exits_zero(tmp_path):
    write_project(tmp_path, {"tests/test_ok.py": "import unittest\n\nclass T(unittest.TestCase):\n    def test_x(self):\n        pass\n"})
    result = looplint("check", cwd=tmp_path, check_rc=0)
    assert "All checks passed" in result.stdout


def test_text_output_and_exit_one(tmp_path):
    write_project(tmp_path, {"tests/test_x.py": ASYNC_ON_SYNC})
    result = looplint("check", "tests/test_x.py", cwd=tmp_path, check_rc=1)
    first = result.stdout.splitlines()[0]
    assert first.startswith("tests/test_x.py:4:15: UT001 ")
    assert "Found 1 problem" in result.stdout


def test_exit_zero_flag(tmp_path):
    write_project(tmp_path, {"tests/test_x.py": ASYNC_ON_SYNC})
    looplint("check", "--exit-zero", cwd=tmp_path, check_rc=0)


def test_json_output_matches_the_contract(tmp_path):
    write_project(tmp_path, {"tests/test_x.py": ASYNC_ON_SYNC})
    result = looplint("check", "--output-format", "json", cwd=tmp_path, check_rc=1)
    data = json.loads(result.stdout)
    jsonschema.validate(data, SCHEMA)
    (item,) = data
    assert item["code"] == "UT001"
    assert item["filename"] == "tests/test_x.py"
    assert item["location"] == {"row": 4, "column": 15}
    assert item["end_location"] == {"row": 4, "column": 21}
    assert item["noqa_row"] == 4
    assert item["fix"]["applicability"] == "unsafe"
    (edit,) = item["fix"]["edits"]
    assert edit["content"] == "IsolatedAsyncio"
    assert edit["location"] == {"row": 3, "column": 18}


def test_json_filename_is_absolute_outside_cwd(tmp_path):
    project = write_project(tmp_path / "p", {"test_x.py": ASYNC_ON_SYNC})
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    data = json.loads(looplint("check", "--output-format", "json", str(project), cwd=elsewhere).stdout)
    assert Path(data[0]["filename"]).is_absolute()


def test_columns_count_characters_after_tabs_and_non_ascii(tmp_path):
    source = "import unittest\n\nclass T(unittest.TestCase):\n\tasync def test_é(self):  # ünïcödé 😀\n\t\tpass\n"
    write_project(tmp_path, {"test_x.py": source})
    data = json.loads(looplint("check", "--output-format", "json", cwd=tmp_path).stdout)
    assert data[0]["location"] == {"row": 4, "column": 12}
    assert data[0]["end_location"] == {"row": 4, "column": 18}


def test_github_output(tmp_path):
    write_project(tmp_path, {"test_x.py": ASYNC_ON_SYNC})
    out = looplint("check", "--output-format", "github", cwd=tmp_path, check_rc=1).stdout
    assert out.startswith("::error file=test_x.py,line=4,col=15,endLine=4,endColumn=21,title=looplint (UT001)::UT001 ")


def test_sarif_output(tmp_path):
    write_project(tmp_path, {"test_x.py": ASYNC_ON_SYNC})
    sarif = json.loads(looplint("check", "--output-format", "sarif", cwd=tmp_path, check_rc=1).stdout)
    assert sarif["version"] == "2.1.0"
    run = sarif["runs"][0]
    rule_ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
    (result,) = run["results"]
    assert result["ruleId"] == "UT001" and rule_ids[result["ruleIndex"]] == "UT001"
    region = result["locations"][0]["physicalLocation"]["region"]
    assert (region["startLine"], region["startColumn"]) == (4, 15)
    assert result["level"] == "error"


def test_fix_writes_only_with_unsafe_fixes_for_unsafe_fix(tmp_path):
    write_project(tmp_path, {"test_x.py": ASYNC_ON_SYNC})
    looplint("check", "--fix", cwd=tmp_path, check_rc=1)
    assert (tmp_path / "test_x.py").read_text() == ASYNC_ON_SYNC  # unsafe fixes need --unsafe-fixes
    result = looplint("check", "--fix", "--unsafe-fixes", cwd=tmp_path, check_rc=0)
    assert "Fixed 1 problem" in result.stdout
    fixed = (tmp_path / "test_x.py").read_text()
    assert "class T(unittest.IsolatedAsyncioTestCase):" in fixed
    # A second run changes nothing.
    looplint("check", "--fix", "--unsafe-fixes", cwd=tmp_path, check_rc=0)
    assert (tmp_path / "test_x.py").read_text() == fixed


def test_diff_does_not_write(tmp_path):
    write_project(tmp_path, {"test_x.py": ASYNC_ON_SYNC})
    result = looplint("check", "--diff", "--unsafe-fixes", cwd=tmp_path, check_rc=1)
    assert "-class T(unittest.TestCase):" in result.stdout
    assert "+class T(unittest.IsolatedAsyncioTestCase):" in result.stdout
    assert (tmp_path / "test_x.py").read_text() == ASYNC_ON_SYNC


def test_fix_keeps_crlf_and_bom(tmp_path):
    text = ASYNC_ON_SYNC.replace("\n", "\r\n")
    (tmp_path / "pyproject.toml").write_text("")
    (tmp_path / "test_x.py").write_bytes(b"\xef\xbb\xbf" + text.encode())
    looplint("check", "--fix", "--unsafe-fixes", cwd=tmp_path, check_rc=0)
    data = (tmp_path / "test_x.py").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    assert b"IsolatedAsyncioTestCase" in data
    assert data.count(b"\r\n") == text.count("\r\n") and b"\n" not in data.replace(b"\r\n", b"")


def test_select_and_ignore(tmp_path):
    write_project(tmp_path, {"test_x.py": ASYNC_ON_SYNC})
    looplint("check", "--ignore", "UT001", cwd=tmp_path, check_rc=0)
    looplint("check", "--select", "UT", cwd=tmp_path, check_rc=1)
    bad = looplint("check", "--select", "XX999", cwd=tmp_path, check_rc=2)
    assert "unknown rule code" in bad.stderr


# --- suppression and configuration ------------------------------------------------

@pytest.mark.parametrize(
    "comment",
    ["  # looplint: ignore[UT001]", "  # looplint: ignore", "  # noqa: UT001", "  # noqa: E501, UT001"],
)
def test_suppression_comments(tmp_path, comment):
    source = ASYNC_ON_SYNC.replace("async def test_x(self):", "async def test_x(self):" + comment)
    write_project(tmp_path, {"test_x.py": source})
    looplint("check", cwd=tmp_path, check_rc=0)


def test_suppression_of_another_code_does_not_hide(tmp_path):
    source = ASYNC_ON_SYNC.replace("async def test_x(self):", "async def test_x(self):  # looplint: ignore[UT002]")
    write_project(tmp_path, {"test_x.py": source})
    looplint("check", cwd=tmp_path, check_rc=1)


def test_hash_inside_string_is_not_a_comment(tmp_path):
    source = ASYNC_ON_SYNC.replace("self.fail()", 'self.fail("# looplint: ignore")')
    write_project(tmp_path, {"test_x.py": source})
    looplint("check", cwd=tmp_path, check_rc=1)


def test_ignore_file(tmp_path):
    write_project(tmp_path, {"test_x.py": "# looplint: ignore-file\n" + ASYNC_ON_SYNC})
    looplint("check", cwd=tmp_path, check_rc=0)


def test_ignore_file_after_code_does_not_count(tmp_path):
    write_project(tmp_path, {"test_x.py": ASYNC_ON_SYNC + "# looplint: ignore-file\n"})
    looplint("check", cwd=tmp_path, check_rc=1)


@pytest.mark.parametrize(
    "settings,rc",
    [
        ({"ignore": ["UT001"]}, 0),
        ({"select": ["LP"]}, 0),
        ({"per-file-ignores": {"tests/*": ["UT001"]}}, 0),
        ({"per-file-ignores": {"other/*": ["UT001"]}}, 1),
        ({"exclude": ["tests/legacy"]}, 0),
    ],
)
def test_config_select_ignore_exclude(tmp_path, settings, rc):
    write_project(tmp_path, {"tests/legacy/test_x.py": ASYNC_ON_SYNC}, settings)
    looplint("check", cwd=tmp_path, check_rc=rc)


def test_config_severity_override(tmp_path):
    write_project(tmp_path, {"test_x.py": ASYNC_ON_SYNC}, {"severity": {"UT001": "warning"}})
    data = json.loads(looplint("check", "--output-format", "json", cwd=tmp_path).stdout)
    assert data[0]["severity"] == "warning"


def test_config_async_test_bases(tmp_path):
    files = {
        "testing/__init__.py": "",
        "testing/base.py": "import unittest\n\nclass LoopCase(unittest.TestCase):\n    pass\n",
        "tests/test_x.py": "from testing.base import LoopCase\n\nclass T(LoopCase):\n    async def test_x(self):\n        pass\n",
    }
    write_project(tmp_path / "a", files)
    looplint("check", cwd=tmp_path / "a", check_rc=1)
    write_project(tmp_path / "b", files, {"async-test-bases": ["testing.base.LoopCase"]})
    looplint("check", cwd=tmp_path / "b", check_rc=0)


@pytest.mark.parametrize(
    "table,key,line",
    [
        ('[tool.looplint]\nselect = ["UT001"]\nbogus = 1\n', "bogus", 3),
        ('[tool.looplint]\nselect = "UT001"\n', "select", 2),
        ('[tool.looplint]\n\nignore = ["ZZ1"]\n', "ignore", 3),
        ('[tool.looplint]\nseverity = { UT001 = "fatal" }\n', "severity", 2),
        ('[tool.looplint]\npython-version = 3.11\n', "python-version", 2),
        ('[project]\nname = "x"\n\n[tool.looplint]\nasync-test-bases = ["not a name"]\n', "async-test-bases", 5),
    ],
)
def test_bad_config_is_an_error_with_file_line_and_key(tmp_path, table, key, line):
    (tmp_path / "pyproject.toml").write_text(table)
    (tmp_path / "test_x.py").write_text(ASYNC_ON_SYNC)
    result = looplint("check", cwd=tmp_path, check_rc=2)
    assert f"pyproject.toml:{line}:" in result.stderr
    assert key in result.stderr
    assert "Traceback" not in result.stderr


def test_invalid_toml_is_an_error(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool.looplint\nselect = [\n")
    (tmp_path / "test_x.py").write_text(ASYNC_ON_SYNC)
    result = looplint("check", cwd=tmp_path, check_rc=2)
    assert "pyproject.toml:1:" in result.stderr and "invalid TOML" in result.stderr


# --- bad input ---------------------------------------------------------------------

def test_syntax_error_reported_once_and_run_goes_on(tmp_path):
    write_project(tmp_path, {"a_broken.py": "def f(:\n    pass\n", "test_x.py": ASYNC_ON_SYNC})
    result = looplint("check", cwd=tmp_path, check_rc=1)
    lines = result.stdout.splitlines()
    broken = [l for l in lines if l.startswith("a_broken.py")]
    assert len(broken) == 1 and "syntax error" in broken[0] and broken[0].startswith("a_broken.py:1:")
    assert any("UT001" in l for l in lines)
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    "content,expect",
    [
        (b"x = '\xff\xfe'\n", "not valid utf-8"),
        (b"\x00\x01\x02binary\x00", "binary file"),
        (b"# -*- coding: latin-1 -*-\nx = '\xe9'\n", None),
        (b"\xef\xbb\xbfimport unittest\n", None),
        (b"# -*- coding: klingon -*-\nx = 1\n", "encoding"),
    ],
)
def test_undecodable_and_odd_files(tmp_path, content, expect):
    write_project(tmp_path, {"test_x.py": ASYNC_ON_SYNC})
    (tmp_path / "odd.py").write_bytes(content)
    result = looplint("check", cwd=tmp_path, check_rc=1)
    assert "Traceback" not in result.stderr + result.stdout
    odd = [l for l in result.stdout.splitlines() if l.startswith("odd.py")]
    if expect is None:
        assert odd == []
    else:
        assert len(odd) == 1 and expect in odd[0].lower(), result.stdout


def test_missing_path_is_a_usage_error_but_others_are_checked(tmp_path):
    write_project(tmp_path, {"test_x.py": ASYNC_ON_SYNC})
    result = looplint("check", "nope.py", "test_x.py", cwd=tmp_path, check_rc=2)
    assert "nope.py: no such file" in result.stderr
    assert "UT001" in result.stdout


def test_symlink_loop_does_not_hang(tmp_path):
    write_project(tmp_path, {"pkg/test_x.py": ASYNC_ON_SYNC})
    os.symlink(tmp_path / "pkg", tmp_path / "pkg" / "loop")
    os.symlink(tmp_path / "missing-target.py", tmp_path / "dangling.py")
    result = looplint("check", cwd=tmp_path, check_rc=1)
    assert result.stdout.count("UT001") == 1


def test_huge_file_is_skipped_with_a_message(tmp_path):
    write_project(tmp_path, {"test_x.py": ASYNC_ON_SYNC})
    (tmp_path / "huge.py").write_bytes(b"x = 1\n" * 2_000_000)  # 12 MB
    result = looplint("check", cwd=tmp_path, check_rc=1)
    assert any(l.startswith("huge.py") and "larger than" in l for l in result.stdout.splitlines())


def test_unreadable_file_is_reported(tmp_path, monkeypatch):
    """Root can read anything, so the permission error is simulated in-process."""
    import os

    from looplint.engine import files as files_module
    from looplint.engine.workspace import Engine
    from looplint.rules import all_rules

    write_project(tmp_path, {"test_x.py": ASYNC_ON_SYNC})
    real_open = os.open

    def deny(path, *args, **kwargs):
        if str(path).endswith("test_x.py"):
            raise PermissionError(13, "Permission denied")
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(files_module.os, "open", deny)
    result = Engine(all_rules()).check_file(tmp_path / "test_x.py")
    assert result.problem is not None and result.problem.message == "permission denied"


def test_jobs_gives_the_same_result(tmp_path):
    files = {f"tests/test_{i}.py": ASYNC_ON_SYNC for i in range(80)}
    write_project(tmp_path, files)
    one = json.loads(looplint("check", "--output-format", "json", "--jobs", "1", cwd=tmp_path).stdout)
    two = json.loads(looplint("check", "--output-format", "json", "--jobs", "2", cwd=tmp_path).stdout)
    assert len(one) == 80 and one == two


# --- other commands -----------------------------------------------------------------

def test_rules_and_explain(tmp_path):
    listing = looplint("rules", cwd=tmp_path, check_rc=0).stdout
    assert "UT001" in listing and "async-test-on-sync-testcase" in listing
    data = json.loads(looplint("rules", "--output-format", "json", cwd=tmp_path, check_rc=0).stdout)
    assert {"code", "name", "severity", "summary", "fix", "url"} <= set(data[0])
    explained = looplint("explain", "ut001", cwd=tmp_path, check_rc=0).stdout
    assert "IsolatedAsyncioTestCase" in explained and "What happens at runtime" in explained
    assert "unknown rule code" in looplint("explain", "ZZ999", cwd=tmp_path, check_rc=2).stderr


def test_console_script_is_installed():
    script = Path(sys.executable).with_name("looplint")
    result = subprocess.run([str(script), "--version"], capture_output=True, text=True)
    assert result.returncode == 0 and result.stdout.startswith("looplint ")


def test_a_large_report_arrives_whole_before_the_fast_exit(tmp_path):
    """`check` ends without Python's teardown (os._exit): what it wrote must be flushed first,
    to a pipe and to an output file, with the exit status kept."""
    files = {f"tests/test_{n}.py": ASYNC_ON_SYNC.replace("test_x", f"test_{n}_{'x' * 200}") for n in range(300)}
    write_project(tmp_path, files)
    text = looplint("check", "--no-cache", cwd=tmp_path, check_rc=1).stdout
    assert len(text) > 64 * 1024  # more than a pipe buffer
    assert text.count(" UT001 ") == 300 and "Found 300 problems" in text
    looplint("check", "--no-cache", "--output-format", "json", "-o", "report.json", cwd=tmp_path, check_rc=1)
    assert len(json.loads((tmp_path / "report.json").read_text())) == 300
    script = Path(sys.executable).with_name("looplint")
    piped = subprocess.run([str(script), "check", "--no-cache", "--output-format", "json"], cwd=tmp_path,
                           capture_output=True, text=True, timeout=120)
    assert piped.returncode == 1 and len(json.loads(piped.stdout)) == 300
