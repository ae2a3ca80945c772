#!/usr/bin/env bash
# End-to-end test of the packaged extension in a real VS Code (code-server) driven by Chromium.
#   bash tests/vscode/run-e2e.sh        (make vscode-e2e builds the .vsix first)
# Screenshots and logs: .e2e/vscode/. code-server is cached in .cache/code-server-<version>/.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"

if ! command -v chromium >/dev/null && [[ -z "${CHROMIUM:-}" ]]; then
  echo "apt-get install chromium" >&2
  apt-get update -q >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >&2
fi

start=$(date +%s)
code_server="$(bash tests/vscode/install-code-server.sh "$root/.cache" | tail -1)"
echo "code-server ready after $(( $(date +%s) - start )) s: $code_server"

version="$(sed -n 's/^__version__ = "\(.*\)"$/\1/p' server/looplint/__init__.py)"
target="$(python3 scripts/bundle_python.py --print-host-target)"
vsix="${LOOPLINT_VSIX:-$root/dist/looplint-$target-$version.vsix}"
if [[ ! -f "$vsix" ]]; then
  echo "$vsix is missing: run 'make vscode-package' (or 'npm run package') first" >&2
  exit 1
fi

export CODE_SERVER="$code_server" LOOPLINT_VSIX="$vsix"
start=$(date +%s)
# LOOPLINT_E2E_TESTS: some of the test files only (while working on them).
# shellcheck disable=SC2086
node --test --test-concurrency=1 ${LOOPLINT_E2E_TESTS:-tests/vscode/e2e.test.mjs tests/vscode/e2e-untrusted.test.mjs tests/vscode/e2e-workspace.test.mjs}
echo "e2e run took $(( $(date +%s) - start )) s"
