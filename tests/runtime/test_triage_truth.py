"""`looplint triage` on the logs of the real runs: every rule's runtime examples, on every env.

The harness saves what the runner printed for each case beside the example's project
(harness.save_log). Each log is fed to `looplint triage LOG --project DIR --output-format json`,
which must name the rule, and among that rule's findings, the line where `looplint check`
reported it on the same project (step (a) of the case). Only cases whose log must show a
symptom that tells something by itself are collected (a bare `PASSED test_x` line does not).
"""

from __future__ import annotations

import contextlib
import io
import json

import pytest

from looplint.cli.main import main as looplint_main
from looplint.engine.triage import SymptomTable
from looplint.rules import all_rules

from .envs import selected_envs
from .harness import Key, case_keys, log_folder

RULES = {rule.code: rule for rule in all_rules()}
ENVS = selected_envs()


def _telling(symptom) -> bool:
    """A symptom triage maps by itself (the table leaves out bare outcome lines)."""
    return bool(SymptomTable([_Declares(symptom)]).patterns)


class _Declares:
    def __init__(self, symptom):
        self.code, self.symptoms, self.runtime = "X", (symptom,), ()


def _cases() -> list:
    out = []
    for key in case_keys(RULES.values()):
        example = RULES[key.code].runtime[key.index]
        if key.env in ENVS and any(key.env in s.envs and _telling(s) for s in example.symptoms):
            out.append(pytest.param(key, id=f"{key.code}-rt{key.index}-{key.env}"))
    return out


def _triage(log, project) -> tuple[int, list[dict]]:
    stdout = io.StringIO()
    with contextlib.redirect_stdout(stdout):
        status = looplint_main(["triage", str(log), "--project", str(project), "--output-format", "json"])
    return status, json.loads(stdout.getvalue())


@pytest.mark.parametrize("truth_key", _cases())
def test_triage_names_the_rule_and_line(truth, truth_key: Key):
    result = truth.result(truth_key)
    if result.skipped:
        pytest.skip(f"{truth_key.env}: {result.skipped}")
    assert result.before is not None and result.lint is not None, result.failure_message()
    folder = log_folder(truth.logs, truth_key)
    log = folder / "run.log"
    assert log.is_file(), f"the harness saved no log for {truth_key} in {folder}"
    reported = {d["location"]["row"] for d in result.lint.before if d.get("code") == truth_key.code}
    assert reported, f"looplint check did not report {truth_key.code} on the example (step (a) of the case)"
    status, events = _triage(log, folder / "project")
    assert status == 1, f"triage found no event-loop symptom in the log of {truth_key}"
    naming = [e for e in events if truth_key.code in e["rules"]]
    assert naming, (f"no event names {truth_key.code}; triage saw: {[(e['text'], e['rules']) for e in events]}\n"
                    f"--- {log} ---\n{log.read_text()[-3000:]}")
    rows = {f["location"]["row"] for e in naming for f in e["findings"] if f["code"] == truth_key.code}
    assert rows & reported, (f"{truth_key.code} was reported at lines {sorted(reported)}, triage points at "
                             f"{sorted(rows) or 'no line'}: {naming}")
