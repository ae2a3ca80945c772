"""Runtime truth: every rule's runtime examples run with the real test runners.

    pytest tests/runtime                 # part of `make test`
    pytest tests/runtime -k UT001        # one rule (ids: CODE-rtN-ENV)
    make truth                           # the table + docs/runtime-truth.md
    make truth-venvs / make truth-lock   # build the runner venvs / re-resolve their pins

Modules: envs.py (environments, pins, interpreters, cached venvs), runners.py
(running unittest/pytest, outcomes, symptoms, sentinel), harness.py (the
three steps per case, per-rule verdicts), report.py (table and markdown).

Environment variables: LOOPLINT_TRUTH_JOBS (parallel workers, default 2),
LOOPLINT_TRUTH_TIMEOUT (seconds per runner invocation, default 120),
LOOPLINT_TRUTH_KEEP=1 (keep the temporary run folders for inspection),
LOOPLINT_TRUTH_CACHE (venv cache folder, default .cache/truth-venvs),
LOOPLINT_TRUTH_PYTHON311 etc. (use this interpreter for CPython 3.11).
"""
