"""The harness checks itself: lies, broken fixes, hangs and leaks must be caught.

Unit tests cover the parsing (outcomes, symptom patterns, sentinels, the
declaration checks). The integration tests run the real CLI and the real
runner in the py311 env on UT001 look-alikes whose runtime example lies, or
with a looplint whose UT001 fix is sabotaged.
"""

from __future__ import annotations

import dataclasses
import sys
import textwrap
import time
from pathlib import Path

import pytest

from looplint.rules import rule_by_code
from looplint.engine.rule import RuntimeExample, Symptom

from .envs import ENVIRONMENTS, ensure_env
from .harness import CaseResult, Harness, Key, declaration_problems, symptom_coverage_problems
from .runners import (
    count_sentinels,
    pytest_outcome,
    replace_sentinels,
    run_runner,
    symptom_lines,
    unittest_outcome,
)

UT001 = type(rule_by_code("UT001"))
# The harness's own honest example (kept here so that edits to UT001's
# runtime examples cannot change what these self-tests prove).
PY311_SYMPTOMS = (
    Symptom(when="3.11", output="RuntimeWarning: coroutine '...' was never awaited", envs=("py311",)),
    Symptom(when="3.11", output="DeprecationWarning: It is deprecated to return a value that is not None from a "
                                "test case", envs=("py311",)),
)
GOOD = RuntimeExample(
    files={
        "test_example.py": (
            "import unittest\n\n"
            "class T(unittest.TestCase):\n"
            "    async def test_never_runs(self):\n"
            "        __SENTINEL__\n"
            "        self.assertTrue(True)\n"
        ),
    },
    runner="unittest",
    outcome="passed",
    body_ran=False,
    symptoms=PY311_SYMPTOMS,
    envs=("py311",),
)


def fake_rule(symptoms=PY311_SYMPTOMS, **changes):
    """A UT001 look-alike (same code, so the real CLI detects and fixes it) with another runtime example."""
    example = dataclasses.replace(GOOD, envs=("py311",), symptoms=symptoms, **changes)
    return type("FakeUT001", (UT001,), {"runtime": (example,), "symptoms": symptoms})()


# -- units: symptom patterns, sentinels, outcomes -------------------------------------


def test_symptom_dots_match_any_run_within_one_line():
    text = "x.py:3: RuntimeWarning: coroutine 'T.test_a' was never awaited\nother line (with [brackets])"
    assert symptom_lines("RuntimeWarning: coroutine '...' was never awaited", text)
    assert symptom_lines("other line (with [brackets])", text)  # literal, not a regex
    assert not symptom_lines("other line (with [brackets]...", "other line (with X")
    assert not symptom_lines("RuntimeWarning: ... other", text)  # never across lines
    assert not symptom_lines("coroutine 'T.test_b' was never awaited", text)


def test_sentinel_replacement_keeps_indentation_and_counts():
    files = {
        "a.py": "def f():\n    __SENTINEL__\n    x = 1\r\n\tif x:\n\t\t__SENTINEL__  # here\r\n",
        "b.py": "y = __SENTINEL__\n__SENTINEL__",
    }
    out, count = replace_sentinels(files)
    assert count == 3
    a_lines = out["a.py"].splitlines(keepends=True)
    assert a_lines[1].startswith("    with open(") and a_lines[1].endswith("\n")
    assert a_lines[2] == "    x = 1\r\n"
    assert a_lines[4].startswith("\t\twith open(") and a_lines[4].endswith("\r\n")
    assert out["b.py"].startswith("y = __SENTINEL__\nwith open(")  # only whole lines are sentinels
    nested, _ = replace_sentinels({"c.py": "class T:\n    async def test(self):\n        if True:\n            __SENTINEL__\n"})
    compile(nested["c.py"], "c.py", "exec")
    assert count_sentinels(files["a.py"]) == 2


@pytest.mark.parametrize(
    "text,expected",
    [
        ("Ran 1 test in 0.001s\n\nOK\n", "passed"),
        ("Ran 2 tests in 0.001s\n\nOK (skipped=1)\n", "passed"),
        ("Ran 1 test in 0.001s\n\nFAILED (failures=1)\n", "failed"),
        ("Ran 2 tests in 0.001s\n\nFAILED (failures=1, errors=1)\n", "error"),
        ("Ran 0 tests in 0.000s\n\nNO TESTS RAN\n", "no-tests"),
        ("Ran 0 tests in 0.000s\n\nOK\n", "no-tests"),
        ("Traceback (most recent call last):\nSystemExit\n", "crashed"),
    ],
)
def test_unittest_outcome(text, expected):
    assert unittest_outcome(text) == expected


@pytest.mark.parametrize(
    "text,expected",
    [
        ("..\n2 passed in 0.01s\n", "passed"),
        ("F.\n1 failed, 1 passed, 3 warnings in 0.20s\n", "failed"),
        (".E\n2 passed, 1 warning, 1 error in 0.05s\n", "error"),
        ("!!!!! Interrupted: 1 error during collection !!!!!\n1 error in 0.25s\n", "collection-error"),
        ("x\n1 xfailed, 1 warning in 0.01s\n", "xfailed"),
        ("s\n1 skipped in 0.01s\n", "skipped"),
        ("x.\n1 passed, 1 xfailed in 0.01s\n", "passed"),
        ("\nno tests ran in 0.01s\n", "no-tests"),
        ("INTERNALERROR> boom\n", "crashed"),
        ("=========== 1 passed in 0.01s ===========\n", "passed"),
        ("1 passed, 2 subtests passed in 0.01s\n", "passed"),
        ("1 failed, 1 subtests failed, 1 passed in 0.01s\n", "failed"),
    ],
)
def test_pytest_outcome(text, expected):
    assert pytest_outcome(text) == expected


# -- units: what a rule must declare -----------------------------------------------------


def test_a_rule_without_runtime_example_is_a_failure():
    problems = declaration_problems(type("NoRuntime", (UT001,), {"runtime": ()})())
    assert any("has no runtime example" in p for p in problems)


def test_no_runtime_symptom_exempts_but_not_with_symptoms():
    exempt = type("Exempt", (UT001,), {"runtime": (), "symptoms": (), "no_runtime_symptom": "static smell"})()
    assert declaration_problems(exempt) == []
    both = type("Both", (UT001,), {"runtime": (), "no_runtime_symptom": "static smell"})()
    assert any("no_runtime_symptom" in p for p in declaration_problems(both))


def test_unknown_and_uncovered_envs_are_reported():
    wrong_name = Symptom(when="x", output="y", envs=("pytest83-pa023",))
    rule = fake_rule(symptoms=(wrong_name,))
    assert any("unknown env 'pytest83-pa023'" in p for p in declaration_problems(rule))
    claims_more = (Symptom(when="3.11+", output="x", envs=("py311", "py312")),)
    uncovered = type("Uncovered", (UT001,), {"runtime": (GOOD,), "symptoms": claims_more})()
    problems = declaration_problems(uncovered)  # the rule's symptom claims py312, no example runs there
    assert any("claims env 'py312'" in p for p in problems)


def test_missing_sentinel_and_bad_outcome_are_reported():
    files = {"test_example.py": GOOD.files["test_example.py"].replace("__SENTINEL__", "pass")}
    rule = fake_rule(files=files, outcome="green")
    problems = declaration_problems(rule)
    assert any("no `__SENTINEL__` line" in p for p in problems)
    assert any("'green' is not one of" in p for p in problems)


def test_symptom_coverage_needs_each_named_env():
    rule = fake_rule(symptoms=(Symptom(when="always", output="boom", envs=("py311", "py312")),))
    seen = CaseResult(Key(rule.code, 0, "py311"), observed={"boom": ["boom!"]})
    seen.before = object()  # only its presence matters here
    assert any("claims env 'py312'" in p for p in symptom_coverage_problems(rule, [seen], lambda env: None))
    unseen = CaseResult(Key(rule.code, 0, "py312"), observed={"boom": []})
    unseen.before = object()
    problems = symptom_coverage_problems(rule, [seen, unseen], lambda env: None)
    assert problems == ["symptom 'boom' (always) was not printed in py312 by any runtime example"]


# -- integration: the real CLI and the real runner --------------------------------------


@pytest.fixture(scope="module")
def py311(truth_log):
    built = ensure_env(ENVIRONMENTS["py311"], log=truth_log)
    if built is None:
        truth_log("[truth] SKIPPING the harness self-tests that run py311: no CPython 3.11 on this machine")
        pytest.skip("no CPython 3.11 on this machine")
    return built


@pytest.fixture
def run_case(py311, tmp_path):
    harnesses = []

    def run(rule, looplint_command=None, timeout=60.0):
        harness = Harness([rule], jobs=1, timeout=timeout, looplint_command=looplint_command, log=lambda m: None)
        harnesses.append(harness)
        return harness.result(Key(rule.code, 0, "py311"))

    yield run
    for harness in harnesses:
        harness.close()


def test_honest_example_passes(run_case):
    result = run_case(fake_rule())
    assert result.ok, result.failure_message()
    assert result.fix_status == "verified"
    assert result.before.sentinels_ran == [] and result.after.sentinels_ran == [0]


def test_a_lying_symptom_fails(run_case):
    lie = Symptom(when="never", output="RuntimeWarning: this line is never printed", envs=("py311",))
    result = run_case(fake_rule(symptoms=(*PY311_SYMPTOMS, lie)))
    assert not result.ok
    assert any("symptom not printed: 'RuntimeWarning: this line is never printed'" in p for p in result.problems)
    assert "Ran 1 test" in result.failure_message()  # the message shows the runner's output


def test_a_lying_outcome_or_sentinel_fails(run_case):
    result = run_case(fake_rule(outcome="failed", body_ran=True))
    assert any("outcome 'passed', the example says 'failed'" in p for p in result.problems)
    assert any("only 0 of 1 __SENTINEL__ lines ran" in p for p in result.problems)


SABOTAGED_LOOPLINT = '''
import sys
import libcst as cst
from looplint.cli.main import main
from looplint.rules import rule_by_code

MODE = sys.argv.pop(1)
if MODE == "crash" and "--fix" in sys.argv:  # an uncaught exception exits 1, like "problems found"
    raise RuntimeError("looplint blew up")


def broken_fix(self, fixer, diagnostic):
    name = fixer.find(diagnostic.range, cst.Name)
    if MODE == "rename":  # the test is no longer collected: no diagnostic, no warning, no run
        fixer.replace(name, cst.Name("disabled_" + name.value))
    elif MODE == "noqa":  # silences looplint, fixes nothing
        header = cst.TrailingWhitespace(whitespace=cst.SimpleWhitespace("  "), comment=cst.Comment("# noqa: UT001"))
        fixer.replace(fixer.ancestor(name, cst.FunctionDef),
                      lambda f: f.with_changes(body=f.body.with_changes(header=header)))
    # "noop": no edit at all


type(rule_by_code("UT001")).fix = broken_fix
sys.exit(main())
'''


@pytest.fixture
def sabotaged(tmp_path):
    script = tmp_path / "sabotaged_looplint.py"
    script.write_text(SABOTAGED_LOOPLINT)
    return lambda mode: [sys.executable, str(script), mode]


def test_a_fix_that_only_silences_looplint_is_caught(run_case, sabotaged):
    result = run_case(fake_rule(), looplint_command=sabotaged("noqa"))
    assert result.fix_status == "failed"
    assert any("symptom still printed after the fix" in p for p in result.fix_problems), result.fix_problems
    assert any("the test body still does not run" in p for p in result.fix_problems), result.fix_problems


def test_a_fix_that_stops_the_test_from_running_is_caught(run_case, sabotaged):
    result = run_case(fake_rule(), looplint_command=sabotaged("rename"))
    assert result.fix_status == "failed"
    assert any("after the fix the outcome is 'no-tests'" in p for p in result.fix_problems), result.fix_problems
    assert any("the test body still does not run" in p for p in result.fix_problems), result.fix_problems


def test_a_fix_that_changes_nothing_is_caught(run_case, sabotaged):
    result = run_case(fake_rule(), looplint_command=sabotaged("noop"))
    assert result.fix_status == "failed"
    assert any("changed nothing" in p for p in result.fix_problems), result.fix_problems


def test_a_hung_runner_times_out(py311, tmp_path):
    files = {"test_hang.py": "import time, unittest\n\nclass T(unittest.TestCase):\n"
                             "    def test_x(self):\n        __SENTINEL__\n        time.sleep(600)\n"}
    started = time.monotonic()
    result = run_runner(py311.python, "unittest", files, "test_hang.py", tmp_path, timeout=3)
    assert result.timed_out and result.outcome == "timeout"
    assert time.monotonic() - started < 30
    assert result.sentinels_ran == [0]  # it did start


def test_runner_environment_is_clean(py311, tmp_path, monkeypatch):
    import looplint

    monkeypatch.setenv("PYTHONPATH", str(Path(looplint.__file__).parent.parent))
    monkeypatch.setenv("PYTEST_ADDOPTS", "-x --this-option-does-not-exist")
    monkeypatch.setenv("PYTHONWARNINGS", "error")
    files = {
        "test_env.py": textwrap.dedent(
            """\
            import importlib.util, os, sys

            def test_env():
                __SENTINEL__
                assert importlib.util.find_spec("looplint") is None
                assert "PYTHONPATH" not in os.environ and "PYTEST_ADDOPTS" not in os.environ
                assert "PYTHONWARNINGS" not in os.environ
                assert sys.dont_write_bytecode
            """
        )
    }
    result = run_runner(py311.python, "pytest", files, "test_env.py", tmp_path, timeout=60)
    assert result.outcome == "passed", result.output
    assert result.sentinels_ran == [0]
    assert not list((tmp_path / "project").rglob("__pycache__"))
    assert not (tmp_path / "project" / ".pytest_cache").exists()


def test_a_crashing_looplint_is_not_mistaken_for_findings(run_case, sabotaged):
    result = run_case(fake_rule(), looplint_command=sabotaged("crash"))
    assert result.fix_status == "failed"
    assert any("crashed or timed out" in p for p in result.fix_problems), result.fix_problems
    assert "RuntimeError: looplint blew up" in result.failure_message()
