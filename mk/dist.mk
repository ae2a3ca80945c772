# Distributions (included by the root Makefile):
#
#   make dist   the wheel and the sdist (dist/), every platform's .vsix and the universal one,
#               `twine check`, the wheel installed into a fresh venv on every supported CPython
#               (3.14/3.15 from `make pythons`) running `looplint check` on the examples, and every
#               .vsix opened to check that it holds exactly its platform's native modules for each
#               CPython (scripts/dist_check.py). Not part of `make test` (it downloads every
#               platform's wheels; ~40 min on 2 cores the first time): `make test` builds one other
#               platform's bundle (tests/dist/test_bundle_platforms.py) and the host's .vsix.

DIST_PYTHON ?= .venv/bin/python

.PHONY: dist

dist: $(STAMP) vscode-packages | pythons
	rm -f dist/looplint-*.whl dist/looplint-*.tar.gz
	$(DIST_PYTHON) -m build --sdist --wheel --outdir dist .
	$(DIST_PYTHON) -m twine check --strict dist/looplint-*.whl dist/looplint-*.tar.gz
	$(DIST_PYTHON) scripts/dist_check.py
