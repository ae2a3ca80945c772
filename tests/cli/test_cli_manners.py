"""What editors, hooks and CI expect of a Python linter's command line (as ruff does it): real subprocesses."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
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
# PA001 is safe to fix: the marker is added.
UNMARKED = "import pytest\n\n\nasync def test_a():\n    pass\n"


def looplint(*args: str, cwd: Path, stdin: str | bytes | None = None, env: dict | None = None,
             rc: int | None = None) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    result = subprocess.run(
        [sys.executable, "-m", "looplint", *args], cwd=cwd, capture_output=True, timeout=120,
        input=stdin.encode() if isinstance(stdin, str) else stdin, env={**environment, **(env or {})},
    )
    result.stdout = result.stdout.decode()
    result.stderr = result.stderr.decode()
    if rc is not None:
        assert result.returncode == rc, (result.returncode, result.stdout, result.stderr)
    return result


def test_stdin_is_checked_as_the_named_file_with_that_files_project_and_configuration(tmp_path):
    # The project (and its per-file-ignores) is found from --stdin-filename, not from the working directory.
    write_project(tmp_path / "proj", {"tests/base.py": "import unittest\n\nclass Base(unittest.TestCase):\n    pass\n"},
                  settings={"per-file-ignores": {"tests/legacy_*.py": ["UT001"]}})
    buffer = "from tests.base import Base\n\nclass T(Base):\n    async def test_x(self):\n        pass\n"
    result = looplint("check", "-", "--stdin-filename", "proj/tests/test_new.py", cwd=tmp_path, stdin=buffer, rc=1)
    assert result.stdout.startswith("proj/tests/test_new.py:4:15: UT001 ")
    assert "`T` derives from `unittest.TestCase`" in result.stdout  # resolved through tests/base.py
    looplint("check", "-", "--stdin-filename", "proj/tests/legacy_x.py", cwd=tmp_path, stdin=buffer, rc=0)
    # --stdin-filename alone also reads stdin.
    looplint("check", "--stdin-filename", "proj/tests/test_new.py", cwd=tmp_path, stdin=buffer, rc=1)


def test_stdin_with_fix_writes_the_fixed_source_to_stdout_and_the_report_to_stderr(tmp_path):
    write_project(tmp_path, {"pytest.ini": "[pytest]\nasyncio_mode = strict\n"})
    result = looplint("check", "-", "--stdin-filename", "test_a.py", "--fix", cwd=tmp_path, stdin=UNMARKED, rc=0)
    assert "@pytest.mark.asyncio\nasync def test_a():" in result.stdout
    assert "Fixed 1 problem" in result.stderr
    assert not (tmp_path / "test_a.py").exists()


def test_stdin_needs_a_file_name(tmp_path):
    result = looplint("check", "-", cwd=tmp_path, stdin="x = 1\n", rc=2)
    assert "--stdin-filename" in result.stderr


def test_statistics_quiet_output_file_and_show_fixes(tmp_path):
    write_project(tmp_path, {"pytest.ini": "[pytest]\nasyncio_mode = strict\n", "test_a.py": UNMARKED,
                             "test_b.py": UNMARKED.replace("test_a", "test_b"), "test_c.py": ASYNC_ON_SYNC})
    stats = looplint("check", "--statistics", cwd=tmp_path, rc=1).stdout.splitlines()
    assert stats == ["2\tPA001\t[*] missing-async-marker", "1\tUT001\t[*] async-test-on-sync-testcase"]
    as_json = json.loads(looplint("check", "--statistics", "--output-format", "json", cwd=tmp_path, rc=1).stdout)
    assert as_json[0] == {"code": "PA001", "name": "missing-async-marker", "count": 2, "fixable": True}

    quiet = looplint("check", "-q", cwd=tmp_path, rc=1).stdout.splitlines()
    assert len(quiet) == 3 and not any(line.startswith("Found") for line in quiet)

    report = tmp_path / "out" / "report.json"
    result = looplint("check", "--output-format", "json", "--output-file", str(report), cwd=tmp_path, rc=1)
    assert result.stdout == ""
    assert len(json.loads(report.read_text())) == 3

    listed = looplint("check", "--show-fixes", cwd=tmp_path, rc=1).stdout
    assert "    fix (safe): " in listed and "    fix (unsafe): " in listed
    fixed = looplint("check", "--fix", "--show-fixes", cwd=tmp_path, rc=1).stdout
    assert "Fixed 2 problems:\n- test_a.py:\n    1 × PA001 (missing-async-marker)\n- test_b.py:" in fixed


def test_colour_on_a_terminal_only_and_as_no_color_and_force_color_say(tmp_path):
    write_project(tmp_path, {"test_c.py": ASYNC_ON_SYNC})
    assert "\033[" not in looplint("check", cwd=tmp_path).stdout  # a pipe: no colour
    forced = looplint("check", cwd=tmp_path, env={"FORCE_COLOR": "1"}).stdout
    assert "\033[1;31mUT001\033[0m" in forced
    assert "\033[" not in looplint("check", cwd=tmp_path, env={"FORCE_COLOR": "1", "NO_COLOR": "1"}).stdout
    # A real terminal: colour unless NO_COLOR.
    pty = pytest.importorskip("pty")
    for env, coloured in (({}, True), ({"NO_COLOR": "1"}, False)):
        leader, follower = pty.openpty()
        proc = subprocess.Popen([sys.executable, "-m", "looplint", "check", "--no-progress"], cwd=tmp_path,
                                stdout=follower, stderr=subprocess.DEVNULL,
                                env={**{k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")},
                                     "TERM": "xterm", **env})
        os.close(follower)
        proc.wait(timeout=120)
        data = b""
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:
                break
            if not chunk:
                break
            data += chunk
        os.close(leader)
        assert (b"\033[1;31mUT001" in data) is coloured, data


def test_syntax_errors_and_unreadable_files_are_findings_in_every_format(tmp_path):
    write_project(tmp_path, {"test_broken.py": "def f(:\n", "test_c.py": ASYNC_ON_SYNC})
    (tmp_path / "test_latin.py").write_bytes(b"x = '\xff'\n")

    text = looplint("check", cwd=tmp_path, rc=1).stdout
    assert re.search(r"^test_broken.py:1:7: syntax error: ", text, re.M)
    assert "test_latin.py:1:1: not valid utf-8" in text
    assert "and 2 files that could not be checked" in text

    data = json.loads(looplint("check", "--output-format", "json", cwd=tmp_path, rc=1).stdout)
    jsonschema.validate(data, SCHEMA)
    by_name = {d["filename"]: d for d in data if d["code"] is None}
    assert by_name["test_broken.py"]["name"] == "syntax-error"
    assert by_name["test_broken.py"]["location"] == {"row": 1, "column": 7}
    assert by_name["test_latin.py"]["name"] == "read-error"

    sarif = json.loads(looplint("check", "--output-format", "sarif", cwd=tmp_path, rc=1).stdout)
    results = sarif["runs"][0]["results"]
    assert {r["ruleId"] for r in results} == {"UT001", "syntax-error", "read-error"}
    rule_ids = {r["id"] for r in sarif["runs"][0]["tool"]["driver"]["rules"]}
    assert {"syntax-error", "read-error"} <= rule_ids

    github = looplint("check", "--output-format", "github", cwd=tmp_path, rc=1).stdout
    assert "::error file=test_broken.py,line=1,col=7::syntax error: " in github


def test_a_missing_path_is_reported_as_such_never_as_all_checks_passed(tmp_path):
    write_project(tmp_path, {"test_ok.py": "x = 1\n"})
    result = looplint("check", "nope.py", "test_ok.py", cwd=tmp_path, rc=2)
    assert "All checks passed" not in result.stdout
    assert "nope.py:1:1: no such file or directory" in result.stdout
    assert "1 path does not exist" in result.stdout
    data = json.loads(looplint("check", "nope.py", "--output-format", "json", cwd=tmp_path, rc=2).stdout)
    assert data[0]["name"] == "missing" and data[0]["filename"] == "nope.py"


def test_info_findings_exit_zero_unless_fail_on_says_otherwise(tmp_path):
    write_project(tmp_path, {"test_c.py": ASYNC_ON_SYNC}, settings={"severity": {"UT001": "info"}})
    result = looplint("check", cwd=tmp_path, rc=0)
    assert "Found 1 problem (1 info)" in result.stdout
    looplint("check", "--fail-on", "info", cwd=tmp_path, rc=1)
    write_project(tmp_path, {}, settings=None)
    (tmp_path / "pyproject.toml").write_text('[tool.looplint]\nseverity = { UT001 = "warning" }\n')
    looplint("check", cwd=tmp_path, rc=1)
    looplint("check", "--fail-on", "error", cwd=tmp_path, rc=0)
    looplint("check", "--exit-zero", cwd=tmp_path, rc=0)


def test_gitlab_code_quality_report(tmp_path):
    write_project(tmp_path, {"tests/test_c.py": ASYNC_ON_SYNC, "tests/test_broken.py": "def f(:\n"})
    issues = json.loads(looplint("check", "--output-format", "gitlab", cwd=tmp_path, rc=1).stdout)
    ut001 = next(i for i in issues if i["check_name"] == "UT001")
    assert ut001["location"] == {"path": "tests/test_c.py",
                                 "positions": {"begin": {"line": 4, "column": 15}, "end": {"line": 4, "column": 21}}}
    assert ut001["severity"] == "major" and re.fullmatch(r"[0-9a-f]{64}", ut001["fingerprint"])
    broken = next(i for i in issues if i["check_name"] == "syntax-error")
    assert broken["location"]["lines"] == {"begin": 1, "end": 1}
    assert len({i["fingerprint"] for i in issues}) == len(issues)
    # Lines inserted above leave the fingerprint alone (GitLab tracks the issue, not the line).
    (tmp_path / "tests" / "test_c.py").write_text("\n\n" + ASYNC_ON_SYNC)
    again = json.loads(looplint("check", "--output-format", "gitlab", cwd=tmp_path, rc=1).stdout)
    assert next(i for i in again if i["check_name"] == "UT001")["fingerprint"] == ut001["fingerprint"]


def test_junit_report(tmp_path):
    write_project(tmp_path, {"tests/test_c.py": ASYNC_ON_SYNC, "tests/test_ok.py": "x = 1\n",
                             "tests/test_broken.py": "def f(:\n"})
    tree = ET.fromstring(looplint("check", "--output-format", "junit", cwd=tmp_path, rc=1).stdout)
    assert tree.tag == "testsuites" and tree.get("failures") == "1" and tree.get("errors") == "1"
    suites = {s.get("name"): s for s in tree.findall("testsuite")}
    assert suites["tests/test_c.py"].find("testcase/failure").get("type") == "UT001"
    assert suites["tests/test_ok.py"].find("testcase").find("failure") is None
    assert suites["tests/test_broken.py"].find("testcase/error").get("type") == "syntax-error"


def test_every_option_of_check_is_in_the_readme():
    help_text = subprocess.run([sys.executable, "-m", "looplint", "check", "--help"], capture_output=True,
                               text=True, check=True).stdout
    options = sorted(set(re.findall(r"(?<![\w-])(--[a-z][a-z-]+)", help_text)) - {"--help"})
    readme = (ROOT / "README.md").read_text()
    assert options and [o for o in options if f"`{o}" not in readme and f" {o}" not in readme] == []
    for fmt in ("text", "json", "sarif", "github", "gitlab", "junit"):
        assert fmt in help_text and f"`{fmt}`" in readme
