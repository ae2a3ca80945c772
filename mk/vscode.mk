# VS Code extension (package.json, client/, tests/vscode/): included by the root Makefile.
#
#   make vscode-deps     npm ci from package-lock.json (skipped while node_modules is current)
#   make vscode-build    type-check, lint and bundle the client (client/out/extension.js)
#   make vscode-unit     vscode-build, then the unit tests of the client logic (node --test,
#                        stubbed vscode module)
#   make vscode-package  bundle the Python server for CPython 3.10-3.13 and build
#                        dist/looplint-<version>.vsix (both only when their inputs changed), print
#                        its size, check what it holds and start its server with each Python
#   make vscode-e2e      vscode-package, then install the .vsix into a real VS Code (code-server,
#                        cached in .cache/) and drive it with Debian's Chromium; screenshots and
#                        logs in .e2e/vscode/
#
# Needs node >= 20 and npm; python3 with pip for the bundle; apt-get (as root) installs chromium,
# ripgrep and libkrb5-dev when they are missing.

VSCODE_NPM_STAMP := node_modules/.looplint-npm-ci
VSCODE_BUNDLE_STAMP := bundled/.built
VSCODE_VSIX := dist/looplint-$(shell node -p "require('./package.json').version" 2>/dev/null).vsix
VSCODE_PY_INPUTS := pyproject.toml scripts/bundle_python.py scripts/bundle_python_launcher.py \
	$(shell find server -name '*.py' -not -path '*/__pycache__/*' 2>/dev/null)
VSCODE_CLIENT_INPUTS := package.json package-lock.json tsconfig.json esbuild.js .vscodeignore LICENSE \
	client/README-section.md client/scripts/package-vsix.mjs $(wildcard client/src/*.ts)

.PHONY: vscode-deps vscode-build vscode-unit vscode-package vscode-e2e

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

$(VSCODE_BUNDLE_STAMP): $(VSCODE_PY_INPUTS)
	python3 scripts/bundle_python.py
	@touch $@

$(VSCODE_VSIX): $(VSCODE_NPM_STAMP) $(VSCODE_BUNDLE_STAMP) $(VSCODE_CLIENT_INPUTS)
	node esbuild.js --production
	node client/scripts/package-vsix.mjs

vscode-package: $(VSCODE_VSIX)
	@ls -l $(VSCODE_VSIX)
	node --test tests/vscode/vsix-contents.test.mjs

vscode-e2e: vscode-package
	bash tests/vscode/run-e2e.sh
