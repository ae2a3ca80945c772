"""Fix edits built from the text with untouched statements blanked are the edits built from the whole text."""

from __future__ import annotations

import copy

import pytest
from helpers import write_project

from looplint.engine import fixer
from looplint.engine.edits import diff_edits
from looplint.engine.rule import Invalid
from looplint.engine.workspace import Engine
from looplint.rules import all_rules

RULES = all_rules()
BY_CODE = {rule.code: rule for rule in RULES}
CASES = [
    pytest.param(rule, example, id=f"{rule.code}-{i}")
    for rule in RULES
    if not rule.config_rule and rule.fix_safety
    for i, example in enumerate(rule.examples)
    if isinstance(example, Invalid) and example.fixed is not None
]


@pytest.mark.parametrize("rule,example", CASES)
def test_edits_are_the_same_as_from_the_whole_text(tmp_path, monkeypatch, rule, example):
    root = write_project(tmp_path / "p", {**example.files, example.path: example.source}, example.settings)
    path = root / example.path
    found = [d for d in Engine(RULES).check_file(path).diagnostics if d.fix_applicability]
    assert found, "the example reports nothing fixable"
    blanked = copy.deepcopy(found)
    fixer.attach_fixes(example.source, blanked, BY_CODE)
    monkeypatch.setattr(fixer, "_only_what_fixes_touch", lambda text, diagnostics: text)
    whole = copy.deepcopy(found)
    fixer.attach_fixes(example.source, whole, BY_CODE)
    assert [d.fix for d in blanked] == [d.fix for d in whole]


def test_blanked_lines_keep_every_position():
    text = "import os\n\ndef a():\n    return 1\n\nclass B:\n    def c(self):\n        pass\n    def d(self):\n        x = 1\n"
    from looplint.engine.model import Diagnostic, Range, Severity

    diagnostic = Diagnostic("X", "x", "m", Severity.ERROR, None, Range(10, 8, 10, 9))  # type: ignore[arg-type]
    reduced = fixer._only_what_fixes_touch(text, [diagnostic])
    assert reduced.count("\n") == text.count("\n")
    assert "def a" not in reduced and "def c" not in reduced
    assert reduced.splitlines()[9] == text.splitlines()[9] and "import os" in reduced


def test_diff_edits_of_one_changed_line_in_a_long_text():
    old = "".join(f"x{i} = {i}\n" for i in range(20000))
    new = old.replace("x10000 = 10000\n", "x10000 = 1\n")
    (edit,) = diff_edits(old, new)
    assert edit.range.line == 10001 and edit.content == ""
