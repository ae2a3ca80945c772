# VS Code extension (package.json, client/, tests/vscode/): included by the root Makefile.
#
#   make vscode-deps     npm ci from package-lock.json (skipped while node_modules is current)
#   make vscode-build    type-check, lint and bundle the client (client/out/extension.js)
#   make vscode-unit     vscode-build, then the unit tests of the client logic (node --test,
#                        stubbed vscode module)
#   make vscode-package  bundle the Python server for CPython 3.10-3.15 on this machine's platform
#                        and build dist/looplint-<target>-<version>.vsix (both only when their
#                        inputs changed), print its size, check what it holds and start its server
#                        with each Python found here
#   make vscode-packages every platform's .vsix and the universal one (make dist runs it)
#   make vscode-e2e      vscode-package, then install the .vsix into a real VS Code (code-server,
#                        cached in .cache/) and drive it with Debian's Chromium; screenshots and
#                        logs in .e2e/vscode/
#
# Needs node >= 20 and npm; python3 with pip for the bundle; apt-get (as root) installs chromium,
# ripgrep and libkrb5-dev when they are missing.

VSCODE_NPM_STAMP := node_modules/.looplint-npm-ci
# One version for the Python package and the extension: looplint's own.
LOOPLINT_VERSION := $(shell sed -n 's/^__version__ = "\(.*\)"$$/\1/p' server/looplint/__init__.py)
VSCODE_HOST_TARGET := $(shell python3 scripts/bundle_python.py --print-host-target 2>/dev/null)
VSCODE_TARGETS := linux-x64 linux-arm64 alpine-x64 darwin-x64 darwin-arm64 win32-x64 win32-arm64 universal
vsix_for = dist/looplint-$(1)-$(LOOPLINT_VERSION).vsix
VSCODE_VSIX := $(call vsix_for,$(VSCODE_HOST_TARGET))
VSCODE_ALL_VSIX := $(foreach t,$(VSCODE_TARGETS),$(call vsix_for,$(t)))
VSCODE_PY_INPUTS := pyproject.toml scripts/bundle_python.py scripts/bundle_python_launcher.py \
	$(shell find server -name '*.py' -not -path '*/__pycache__/*' 2>/dev/null)
VSCODE_CLIENT_INPUTS := package.json package-lock.json tsconfig.json esbuild.js .vscodeignore LICENSE \
	CHANGELOG.md client/README-section.md client/images/icon.png client/scripts/package-vsix.mjs \
	$(wildcard client/src/*.ts)

.PHONY: vscode-deps vscode-build vscode-unit vscode-package vscode-packages vscode-e2e

$(VSCODE_NPM_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

vscode-deps: $(VSCODE_NPM_STAMP)

vscode-build: vscode-deps
	npm run -s typecheck
	npm run -s lint
	npm run -s build

vscode-unit: vscode-build
	npm run -s test:unit

# One bundle per target (pip caches the wheels it downloads; a bundle is rebuilt only when the
# server or its requirements change).
.cache/bundles/%/.built: $(VSCODE_PY_INPUTS)
	python3 scripts/bundle_python.py --target $* --out .cache/bundles/$*
	@touch $@

.PRECIOUS: .cache/bundles/%/.built

# `make vscode-build` leaves a development build in client/out: each package gets a production one.
dist/looplint-%-$(LOOPLINT_VERSION).vsix: $(VSCODE_NPM_STAMP) .cache/bundles/%/.built $(VSCODE_CLIENT_INPUTS)
	node esbuild.js --production
	node client/scripts/package-vsix.mjs --target $* --bundle .cache/bundles/$*

vscode-package: $(VSCODE_VSIX) | pythons
	@ls -l $(VSCODE_VSIX)
	LOOPLINT_VSIX=$(VSCODE_VSIX) node --test tests/vscode/vsix-contents.test.mjs

vscode-packages: $(VSCODE_ALL_VSIX)
	@ls -l $(VSCODE_ALL_VSIX)

vscode-e2e: vscode-package
	LOOPLINT_VSIX=$(VSCODE_VSIX) bash tests/vscode/run-e2e.sh
