# Runtime truth: every rule's runtime examples run with the real test runners
# (tests/runtime/). Included by the root Makefile (`include mk/*.mk`), which
# provides the `.venv` target.

TRUTH_PYTHON ?= .venv/bin/python
TRUTH_JOBS ?= 2
# The envs `make test` runs every rule's runtime examples on (tests/runtime, LOOPLINT_TRUTH_ENVS);
# empty: TEST_ENVS of tests/runtime/envs.py (py311, py314, py315: CPython 3.11 with pytest 9 +
# pytest-asyncio 1.5, CPython 3.14 and 3.15; every rule has examples there). `all`: every env, as
# `make truth` runs them (CPython 3.10-3.13, pytest-asyncio 0.21, 0.23-0.26, 1.0, 1.3 too).
TRUTH_TEST_ENVS ?=

.PHONY: truth truth-venvs truth-lock

## truth: build the runner venvs if needed, run every runtime example, print the table, write docs/runtime-truth.md
truth: .venv
	$(TRUTH_PYTHON) scripts/truth_report.py --jobs $(TRUTH_JOBS) --output docs/runtime-truth.md

## truth-venvs: build (or verify) the pinned runner venvs under .cache/truth-venvs/
truth-venvs: .venv
	$(TRUTH_PYTHON) scripts/truth_report.py --venvs-only

## truth-lock: re-resolve each env's newest matching releases into tests/runtime/requirements/ (review the diff)
truth-lock: .venv
	$(TRUTH_PYTHON) scripts/truth_report.py --lock
