# CPython interpreters this machine lacks (3.14, 3.15), from Debian sid's binary packages:
# scripts/provision_python.py (stdlib only; cached under .cache/pythons/, or $LOOPLINT_PYTHONS_DIR).
#
#   make pythons                  provision them if needed and print "3.14 /path/to/python3.14" lines
#   make pythons PYTHONS=3.15     only these versions
#
# `make test` runs it first: the runtime-truth environments py314/py315 use these interpreters
# (tests/runtime/envs.py finds them there). A venv with pip on one of them:
#   python3 scripts/provision_python.py --venv 3.15 DIR

PYTHONS ?= 3.14 3.15

.PHONY: pythons

pythons:
	@$(PYTHON) scripts/provision_python.py $(PYTHONS)
