"""A session-wide runtime-truth harness that runs the selected cases in parallel.

The first test that needs a result triggers one batch: every runtime case the
selected tests will ask for (venvs built on first use, then looplint, then the
runners, two at a time). Progress goes straight to the terminal, past pytest's
output capture, so CI logs show venv builds as they happen.
"""

from __future__ import annotations

import os
import sys
import tempfile
import threading
from pathlib import Path

import pytest

from looplint.rules import all_rules

from .envs import selected_envs
from .harness import Harness, Key, case_keys


class TerminalLog:
    """Write progress lines to the terminal even while pytest captures output (thread-safe)."""

    def __init__(self, config):
        self._config = config
        self._lock = threading.Lock()

    def __call__(self, message: str) -> None:
        capman = self._config.pluginmanager.getplugin("capturemanager")
        with self._lock:
            if capman is None:
                sys.stderr.write(message + "\n")
                return
            with capman.global_and_fixture_disabled():
                sys.stderr.write(message + "\n")
                sys.stderr.flush()


@pytest.fixture(scope="session")
def truth_log(request):
    return TerminalLog(request.config)


class SessionTruth:
    def __init__(self, config, items, log):
        self._items = items
        self.log = log
        self.rules = {rule.code: rule for rule in all_rules()}
        jobs = int(os.environ.get("LOOPLINT_TRUTH_JOBS", "2"))
        self.envs = set(selected_envs())
        # Each run's log and project are saved (LOOPLINT_TRUTH_LOGS, or a folder of the session)
        # for test_triage_truth.py, which feeds them to `looplint triage`.
        self._own_logs = not os.environ.get("LOOPLINT_TRUTH_LOGS")
        self.logs = Path(os.environ.get("LOOPLINT_TRUTH_LOGS") or tempfile.mkdtemp(prefix="looplint-truth-logs-"))
        self.harness = Harness(self.rules.values(), jobs=jobs, log=self.log, save_logs=self.logs)
        self._prefetched = False

    def keys_for(self, code: str) -> list[Key]:
        return [k for k in case_keys([self.rules[code]]) if k.env in self.envs]

    def _wanted_keys(self) -> list[Key]:
        keys: list[Key] = []
        for item in self._items:
            params = getattr(getattr(item, "callspec", None), "params", {})
            if isinstance(params.get("truth_key"), Key):
                keys.append(params["truth_key"])
            code = params.get("truth_rule")
            if code in self.rules:
                keys.extend(self.keys_for(code))
        return keys

    def prefetch(self) -> None:
        if self._prefetched:
            return
        self._prefetched = True
        keys = list(dict.fromkeys(self._wanted_keys()))
        if keys:
            self.log(f"\n[truth] running {len(keys)} runtime-truth cases with {self.harness.jobs} workers")
            self.harness.run(keys)
            timings = ", ".join(f"{k} {v:.1f}s" for k, v in self.harness.timings.items())
            self.log(f"[truth] done ({timings})")

    def result(self, key: Key):
        self.prefetch()
        return self.harness.result(key)

    def results_for(self, code: str):
        self.prefetch()
        keys = self.keys_for(code)
        self.harness.run(keys)
        return [self.harness.result(k) for k in keys]


@pytest.fixture(scope="session")
def truth(request, truth_log):
    session_truth = SessionTruth(request.config, request.session.items, truth_log)
    yield session_truth
    session_truth.harness.close()
    if session_truth._own_logs:
        import shutil

        shutil.rmtree(session_truth.logs, ignore_errors=True)
