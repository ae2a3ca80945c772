# VS Code extension (package.json, client/, tests/vscode/): included by the root Makefile.
#
#   make vscode-deps     npm ci from package-lock.json (skipped while node_modules is current)
#   make vscode-build    type-check, lint and bundle the client (client/out/extension.js)
#   make vscode-unit     unit tests of the client logic (node --test, stubbed vscode module)
#   make vscode-package  bundle the Python server for CPython 3.10-3.13, build dist/looplint-<version>.vsix,
#                        print its size and check what it contains
#   make vscode-e2e      install the .vsix into a real VS Code (code-server, cached in .cache/) and
#                        drive it with Debian's Chromium (screenshots in .e2e/vscode/)
#
# Needs node >= 20 and npm; python3 with pip for the bundle; apt-get (as root) for chromium,
# ripgrep and libkrb5-dev when they are missing.

VSCODE_NPM_STAMP := node_modules/.looplint-npm-ci

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

vscode-package: vscode-deps
	npm run -s package
	node --test tests/vscode/vsix-contents.test.mjs

vscode-e2e: vscode-package
	bash tests/vscode/run-e2e.sh
