#!/usr/bin/env bash
# Install code-server (the real VS Code workbench, served to a browser) into a cache folder,
# offline-friendly: only the npm registry and Debian are reachable on these machines.
#
# Usage: tests/vscode/install-code-server.sh [CACHE_DIR]
# Prints the path of the code-server launcher on its last line.
set -euo pipefail

# 4.100.3 is the newest code-server whose engines.node accepts node 20.
CODE_SERVER_VERSION="${CODE_SERVER_VERSION:-4.100.3}"
# code-server 4.100.3 depends on @vscode/ripgrep 1.15.11, which downloads rg v13.0.0-10 from GitHub
# in its postinstall unless this archive is already in its cache. Re-check both when bumping.
RG_PKG_VERSION="1.15.11"
RG_ASSET="ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz"

root="$(cd "$(dirname "$0")/../.." && pwd)"
cache="${1:-$root/.cache}"
dest="$cache/code-server-$CODE_SERVER_VERSION"
launcher="$dest/node_modules/.bin/code-server"

if [[ -f "$dest/.installed" && -x "$launcher" ]]; then
  echo "$launcher"
  exit 0
fi

need=()
command -v rg >/dev/null || need+=(ripgrep)
[[ -f /usr/include/gssapi/gssapi.h ]] || need+=(libkrb5-dev)  # kerberos native module
command -v make >/dev/null || need+=(make)
command -v g++ >/dev/null || need+=(g++)
if ((${#need[@]})); then
  echo "apt-get install ${need[*]}" >&2
  apt-get update -q >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${need[@]}" >&2
fi

rm -rf "$dest"
mkdir -p "$dest/tmp/vscode-ripgrep-cache-$RG_PKG_VERSION"
# The archive must hold a file named `rg` at its root.
tar -C "$(dirname "$(command -v rg)")" -czf "$dest/tmp/vscode-ripgrep-cache-$RG_PKG_VERSION/$RG_ASSET" rg

start=$(date +%s)
echo "installing code-server@$CODE_SERVER_VERSION into $dest (takes a few minutes cold)" >&2
(
  cd "$dest"
  echo '{"name":"looplint-e2e-code-server","private":true}' > package.json
  # unsafe_perm: its postinstall refuses to run as root otherwise; yes: node-pty runs `npx node-gyp`.
  TMPDIR="$dest/tmp" npm_config_unsafe_perm=true npm_config_yes=true \
    npm install --no-audit --no-fund --loglevel=error "code-server@$CODE_SERVER_VERSION" >"$dest/install.log" 2>&1
) || { echo "code-server install failed; see $dest/install.log" >&2; tail -30 "$dest/install.log" >&2; exit 1; }
rm -rf "$dest/tmp"
touch "$dest/.installed"
echo "code-server installed in $(( $(date +%s) - start )) s" >&2
echo "$launcher"
