"""A bug in looplint met on one file is that file's problem: reported with where it happened, the
other files still checked, no traceback on the terminal, the server's analysis going on."""

from __future__ import annotations

import json

from helpers import write_project

import looplint.engine.checker as checker
from looplint.cli.main import main
from looplint.engine.workspace import Engine
from looplint.rules import all_rules

_ASYNC_ON_PLAIN = "import unittest\n\nclass T(unittest.TestCase):\n    async def test_x(self):\n        pass\n"


def _failing_on(name: str, monkeypatch) -> None:
    real = checker.build_summary

    def build_summary(tree, path, source=None, previous=None):
        if path.name == name:
            raise AttributeError("'dict' object has no attribute 'startswith'")
        return real(tree, path, source, previous)

    monkeypatch.setattr(checker, "build_summary", build_summary)


def test_the_file_is_reported_and_the_others_are_checked(tmp_path, monkeypatch, capsys):
    root = write_project(tmp_path / "p", {"tests/test_bad.py": _ASYNC_ON_PLAIN, "tests/test_good.py": _ASYNC_ON_PLAIN})
    _failing_on("test_bad.py", monkeypatch)
    code = main(["check", "--no-cache", "--output-format", "json", str(root)])
    out, err = capsys.readouterr()
    assert code == 1
    found = json.loads(out)
    assert {(d["filename"].rsplit("/", 1)[-1], d["code"]) for d in found} >= {("test_good.py", "UT001")}
    bad = [d for d in found if d["filename"].endswith("test_bad.py")]
    assert len(bad) == 1 and "internal error in looplint (AttributeError" in bad[0]["message"], bad
    assert "at test_internal_errors.py:" in bad[0]["message"]  # where it was raised, for the report
    assert "Traceback" not in err


def test_an_editor_buffer_gets_the_problem_not_an_exception(tmp_path, monkeypatch):
    root = write_project(tmp_path / "p", {"tests/test_bad.py": _ASYNC_ON_PLAIN})
    _failing_on("test_bad.py", monkeypatch)
    result = Engine(all_rules()).check_file(root / "tests/test_bad.py", _ASYNC_ON_PLAIN + "\n")
    assert result.problem is not None and result.problem.kind == "internal-error"
    assert result.diagnostics == []
