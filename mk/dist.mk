# Distributions (included by the root Makefile):
#
#   make dist   the wheel and the sdist (dist/), every platform's .vsix and the universal one,
#               `twine check`, the wheel installed into a fresh venv on every supported CPython
#               found here (3.14/3.15 from `make pythons` when it is there) running `looplint check`
#               on the examples, and every .vsix opened to check its native modules
#               (scripts/dist_check.py).

DIST_PYTHON ?= .venv/bin/python

.PHONY: dist

dist: $(STAMP) vscode-packages
	rm -f dist/looplint-*.whl dist/looplint-*.tar.gz
	$(DIST_PYTHON) -m build --sdist --wheel --outdir dist .
	$(DIST_PYTHON) -m twine check --strict dist/looplint-*.whl dist/looplint-*.tar.gz
	$(DIST_PYTHON) scripts/dist_check.py
