#!/usr/bin/env bash
# ctest entry for the compatibility tests against @dwmkerr/mock-llm (compat.test.mjs):
#   run.sh SCENARIO LLMBENCH_BINARY WORK_DIR        scenarios: standard judge arena
# Installs mock-llm from package-lock.json (npm ci) into WORK_DIR/node once per lock file, with
# npm's cache in WORK_DIR/npm-cache (a later install needs no network), under a lock so the
# scenarios can run in parallel; then runs the scenario with its outputs in WORK_DIR/SCENARIO.
# Exits 77 (ctest: skipped) with a message when node or npm is missing; with
# LLMBENCH_REQUIRE_COMPAT=1 (CI) that fails (exit 1) instead. Works with Debian 12's Node.js 18
# (package.json overrides @hono/node-server, a dependency of mock-llm's MCP SDK, to the last
# release for Node 18).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
(($# == 3)) || { echo "usage: run.sh SCENARIO LLMBENCH_BINARY WORK_DIR" >&2; exit 2; }
skip() {
  if [[ "${LLMBENCH_REQUIRE_COMPAT:-}" == 1 ]]; then echo "FAILED (LLMBENCH_REQUIRE_COMPAT=1): $1"; exit 1; fi
  echo "SKIPPED: $1"; exit 77
}
command -v node >/dev/null || skip "node is not installed (scripts/install-deps.sh installs nodejs and npm)"
major="$(node -p 'process.versions.node.split(".")[0]')"
((major >= 18)) || skip "node $(node --version) is older than 18, which mock-llm needs"

scenario="$1"
binary="$(realpath "$2")"
mkdir -p "$3"
work="$(cd "$3" && pwd)"

modules="$work/node"
mkdir -p "$modules"
exec 9>"$work/npm.lock"
flock 9
if ! cmp -s "$here/package-lock.json" "$modules/.installed-lock.json" ||
   [[ ! -f "$modules/node_modules/@dwmkerr/mock-llm/package.json" ]]; then
  command -v npm >/dev/null || skip "npm is not installed, so mock-llm cannot be installed"
  rm -f "$modules/.installed-lock.json"
  cp "$here/package.json" "$here/package-lock.json" "$modules/"
  (cd "$modules" && npm ci --cache "$work/npm-cache" --prefer-offline --no-audit --no-fund --loglevel=error)
  cp "$here/package-lock.json" "$modules/.installed-lock.json"
fi
flock -u 9

export LLMBENCH_BIN="$binary" COMPAT_NODE_DIR="$modules" COMPAT_OUT="$work"
exec node "$here/compat.test.mjs" "$scenario"
