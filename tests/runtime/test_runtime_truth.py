"""Runtime truth: every rule's runtime examples, run with the real runners.

One test per rule x runtime example x environment (looplint reports it, the
runner shows the documented symptom/outcome/sentinel, the fix makes the body
run and the symptom disappear), plus per rule: the runtime declarations are
complete and every documented symptom was printed in every env it names.
See harness.py for the steps; `make truth` runs the same on every env and writes
docs/runtime-truth.md. `LOOPLINT_TRUTH_ENVS` (envs.selected_envs) narrows the envs
collected here: `make test` runs its pinned subset (mk/truth.mk).
"""

from __future__ import annotations

import pytest

from looplint.rules import all_rules

from .envs import selected_envs
from .harness import Key, case_keys, declaration_problems, symptom_coverage_problems

RULES = all_rules()
ENVS = selected_envs()
CASES = [pytest.param(key, id=f"{key.code}-rt{key.index}-{key.env}") for key in case_keys(RULES) if key.env in ENVS]
WITH_SYMPTOMS = [pytest.param(rule.code, id=rule.code) for rule in RULES if rule.symptoms and not rule.no_runtime_symptom]


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.code)
def test_rule_declares_runtime_truth(rule):
    """Each rule has a runnable runtime example (or says why it has no runtime symptom)."""
    problems = declaration_problems(rule)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("truth_key", CASES)
def test_runtime_example(truth, truth_key: Key):
    result = truth.result(truth_key)
    if result.skipped:
        pytest.skip(f"{truth_key.env}: {result.skipped}")
    assert result.ok, result.failure_message()


@pytest.mark.parametrize("truth_rule", WITH_SYMPTOMS)
def test_documented_symptoms_are_observed(truth, truth_rule: str):
    """The hover text's symptom lines are what the runners really print, in every env they name (of those run)."""
    rule = truth.rules[truth_rule]
    results = truth.results_for(truth_rule)
    if results and all(r.skipped for r in results):
        pytest.skip(f"{truth_rule}: every env was skipped (interpreters absent)")
    if not results:
        pytest.skip(f"{truth_rule}: no runtime example in the selected envs ({', '.join(ENVS)})")
    problems = symptom_coverage_problems(rule, results, truth.harness.env_status, ENVS)
    assert not problems, "\n".join(problems)
