"""`looplint triage LOG`: symptoms of a real run mapped to the rules and lines that cause them.

The logs are produced here by really running the project with the runtime-truth envs' runners
(tests/runtime/envs.py); tests/runtime/test_triage_truth.py does the same for every rule's
runtime examples.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from runtime.envs import ENVIRONMENTS, ensure_env
from runtime.runners import run_runner

PROJECT = {
    "pyproject.toml": "",
    "test_agent.py": (
        "import asyncio\nimport unittest\n\n\n"
        "class TestAgent(unittest.TestCase):\n"
        "    async def test_reply(self):\n        self.assertEqual(1, 1)\n\n"
        "    def test_loop(self):\n        loop = asyncio.get_event_loop()\n"
        "        loop.run_until_complete(asyncio.sleep(0))\n"
    ),
}


def triage(log: str, project: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "looplint", "triage", "-", "--project", str(project), *args],
                          input=log, capture_output=True, text=True, timeout=120)


def test_a_real_unittest_run_on_314_points_at_the_lines(tmp_path):
    built = ensure_env(ENVIRONMENTS["py314"])
    assert built is not None, "no py314 env (make pythons)"
    run = run_runner(built.python, "unittest", PROJECT, "test_agent.py", tmp_path / "run")
    out = triage(run.output, tmp_path / "run" / "project", "--output-format", "json")
    assert out.returncode == 1, out.stderr
    events = json.loads(out.stdout)
    found = {(f["code"], f["location"]["row"]) for e in events for f in e["findings"]}
    assert ("UT001", 6) in found  # the async test that never ran
    assert ("LP003", 10) in found  # get_event_loop() raises on 3.14
    assert any("There is no current event loop" in e["text"] for e in events)


def test_a_clean_log_has_no_symptom(tmp_path):
    (tmp_path / "pyproject.toml").write_text("")
    out = triage("....\nRan 4 tests in 0.01s\n\nOK\n", tmp_path)
    assert out.returncode == 0 and "0 event-loop symptoms" in out.stdout


def test_a_missing_log_is_a_clear_error(tmp_path):
    out = subprocess.run([sys.executable, "-m", "looplint", "triage", str(tmp_path / "nope.log")],
                         capture_output=True, text=True)
    assert out.returncode == 2 and "cannot read" in out.stderr
