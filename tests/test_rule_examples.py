"""Tests generated from every rule's own examples.

For each Invalid example: the rule reports exactly at the expected places;
its fix (when one is expected) produces exactly the expected source, which
parses, no longer triggers the rule, and is left unchanged by a second fix.
For each Valid example: the rule stays silent.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import write_project

from looplint.engine.config_check import is_config_file
from looplint.engine.workspace import Engine, Overrides
from looplint.rules import all_rules
from looplint.engine.parse import parse_module
from looplint.engine.rule import Invalid, Valid

RULES = all_rules()
CASES = [
    pytest.param(rule, example, id=f"{rule.code}-{'invalid' if isinstance(example, Invalid) else 'valid'}-{i}")
    for rule in RULES
    for i, example in enumerate(rule.examples)
]


def _is_config(example) -> bool:
    """Config-rule examples live in a pytest config file (their `path`), checked by the config entry point."""
    return is_config_file(Path(example.path))


def _checker(engine: Engine, example):
    return engine.check_config_file if _is_config(example) else engine.check_file


def _check(tmp_path: Path, rule, example):
    root = write_project(tmp_path / "project", {**example.files, example.path: example.source}, example.settings)
    # Examples of async tests leave pytest-asyncio's mark out: PA001 would tell their bodies'
    # findings as part of its story ("never runs"), which test_one_story.py checks.
    ignore = () if rule.code == "PA001" else ("PA001",)
    engine = Engine(all_rules(), overrides=Overrides(ignore=ignore))
    path = root / example.path
    result = _checker(engine, example)(path, with_fixes=True)
    assert result.problem is None, result.problem
    return engine, path, [d for d in result.diagnostics if d.code == rule.code]


@pytest.mark.parametrize("rule,example", CASES)
def test_example(tmp_path, rule, example):
    if not _is_config(example):
        parse_module(example.source)  # examples must be valid Python (of any supported version)
    engine, path, found = _check(tmp_path, rule, example)
    if isinstance(example, Valid):
        assert found == [], f"{rule.code} fired on a valid example ({example.why}): {found}"
        return

    positions = [(d.range.line, d.range.col + 1) for d in found]
    assert positions == example.positions(), f"{rule.code} reported at {positions}: {[d.message for d in found]}"
    first = found[0]
    if example.end is not None:
        assert (first.range.end_line, first.range.end_col + 1) == tuple(example.end)
    if example.message_contains:
        assert example.message_contains in first.message
    if example.severity is not None:
        assert first.severity.value == example.severity, f"{rule.code}: {first.severity.value}: {first.message}"
    assert first.name == rule.name

    if example.fixed is None:
        return
    expected_applicability = "unsafe" if example.unsafe else "safe"
    assert first.fix is not None, f"{rule.code}: no fix was built"
    assert first.fix.applicability == expected_applicability
    if example.fixed_files:
        _check_migration(engine, rule, example, path)
        return
    assert not first.fix.other_files, f"{rule.code}: the fix edits other files: say which in `fixed_files`"
    outcome = engine.fix_file_text(path, example.source, unsafe=True, only=lambda d: d.code == rule.code)
    assert outcome.text == example.fixed
    if not _is_config(example):
        parse_module(outcome.text)
    remaining = [d for d in _checker(engine, example)(path, outcome.text).diagnostics if d.code == rule.code]
    assert remaining == [], f"{rule.code} still reported after its fix: {remaining}"
    again = engine.fix_file_text(path, outcome.text, unsafe=True, only=lambda d: d.code == rule.code)
    assert again.text == outcome.text, "applying the fix twice changed the file again"


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_rule_is_documented_by_examples(rule):
    invalid = [e for e in rule.examples if isinstance(e, Invalid)]
    valid = [e for e in rule.examples if isinstance(e, Valid)]
    assert invalid, f"{rule.code} has no invalid example"
    assert valid, f"{rule.code} has no valid example"
    assert rule.summary and rule.message and rule.explanation.strip()
    if rule.fix_safety:
        assert any(e.fixed is not None for e in invalid), f"{rule.code} declares a fix but no example shows it"
        assert rule.fix_title
    assert rule.symptoms or rule.no_runtime_symptom, f"{rule.code} states no runtime symptom"


def _check_migration(engine: Engine, rule, example, path: Path) -> None:
    """A fix over several files: every file comes out as the example says, through the project's fix loop
    (the CLI's), and once written the rule is gone and fixing again changes nothing."""
    root = Path(str(path)[: -len(example.path)])
    only = lambda d: d.code == rule.code  # noqa: E731
    outcome = engine.fix_project([path], unsafe=True, only=only)
    new = {p: after for p, (_before, after) in outcome.texts.items()}
    expected = {path: example.fixed, **{root / rel: text for rel, text in example.fixed_files.items()}}
    assert set(new) <= set(expected), f"{rule.code}: the fix also changed {sorted(set(new) - set(expected))}"
    for file, text in expected.items():
        assert new.get(file, (root / file).read_text() if file.exists() else None) == text, file
    for file, text in new.items():
        file.write_text(text)
    for file in new:
        engine.project_for(file).invalidate(file)
    checker = engine.check_config_file if _is_config(example) else engine.check_file
    remaining = [d for d in checker(path).diagnostics if d.code == rule.code]
    assert remaining == [], f"{rule.code} still reported after its migration: {remaining}"
    assert engine.fix_project([path], unsafe=True, only=only).texts == {}, "applying the migration twice changed files"
