# Ecosystem check: looplint on real projects' sdists (pinned in ecosystem/projects.toml,
# downloaded and cached under .cache/ecosystem/), compared with the reviewed baseline in
# ecosystem/baseline/. Included by the root Makefile, which provides the `.venv` target.

ECOSYSTEM_ARGS ?=

.PHONY: ecosystem ecosystem-update ecosystem-fetch

## ecosystem: check every project; fails on a finding that is new, gone or unreviewed
ecosystem: .venv
	$(PY) ecosystem/run.py $(ECOSYSTEM_ARGS)

## ecosystem-update: write what looplint reports now into the baseline (new findings "unreviewed")
ecosystem-update: .venv
	$(PY) ecosystem/run.py --update $(ECOSYSTEM_ARGS)

## ecosystem-fetch: download and unpack every pinned sdist into the cache
ecosystem-fetch: .venv
	$(PY) ecosystem/fetch.py
