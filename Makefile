# looplint — every target works on a fresh machine: it creates what it needs first.
#
#   make demo    check the example projects and print what looplint finds
#   make test    the whole test suite (Python + runtime truth + language server + Neovim + VS Code)
#   make bench   CLI, newer-syntax parse and language-server benchmarks against the ast.parse floor
#   make truth   runtime-truth report (docs/runtime-truth.md)
#   make pythons provision CPython 3.14 and 3.15 (Debian sid packages, cached) and print their paths
#   make docs    regenerate docs/rules/ from the rule modules

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

# Fragments for the editor clients and the runtime-truth harness define their
# own targets; they are wired into test/bench below when present.
.DEFAULT_GOAL := all
-include $(sort $(wildcard mk/*.mk))

TEST_PREREQS :=
TEST_AFTER :=
BENCH_AFTER :=
ifneq ($(wildcard mk/pythons.mk),)
TEST_PREREQS += pythons
endif
ifneq ($(wildcard mk/lsp.mk),)
TEST_PREREQS += nvim-deps
BENCH_AFTER += lsp-bench
endif
ifneq ($(wildcard mk/vscode.mk),)
TEST_AFTER += vscode-unit vscode-e2e
endif

.PHONY: all demo test test-python bench docs clean

all: test

# The virtualenv is rebuilt when pyproject.toml changes.
$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

.venv: $(STAMP)

demo: $(STAMP)
	@$(PY) scripts/demo.py

test-python: $(STAMP) $(TEST_PREREQS)
	LOOPLINT_TRUTH_ENVS=$(TRUTH_TEST_ENVS) $(PY) -m pytest tests -q -rfEs --durations=15

test: test-python
	@for target in $(TEST_AFTER); do $(MAKE) --no-print-directory $$target || exit 1; done

bench: $(STAMP)
	$(PY) bench/cli_bench.py
	$(PY) bench/parse_bench.py
	$(PY) bench/fix_bench.py
	$(PY) bench/memory_bench.py
	@for target in $(BENCH_AFTER); do $(MAKE) --no-print-directory $$target || exit 1; done

docs: $(STAMP)
	$(PY) scripts/gen_rule_docs.py

clean:
	rm -rf $(VENV) .cache .e2e node_modules client/out client/out-test dist bundled
