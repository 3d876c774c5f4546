#!/usr/bin/env bash
# ctest entry for the report page's browser test:
#   run.sh LLMBENCH_BINARY MAKE_REPORT_FIXTURE OUT_DIR
# Exits 77 (ctest: skipped) with a message when node or chromium is missing; installs
# playwright-core from package-lock.json (npm ci) when node_modules is absent. With
# LLMBENCH_REQUIRE_BROWSER=1 (CI) a missing node or chromium fails (exit 1) instead.
# playwright-core 1.61.1 is the last release that runs on Node.js 18 (Debian 12's nodejs).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
chromium="${CHROMIUM:-/usr/bin/chromium}"
skip() {
  if [[ "${LLMBENCH_REQUIRE_BROWSER:-}" == 1 ]]; then echo "FAILED (LLMBENCH_REQUIRE_BROWSER=1): $1"; exit 1; fi
  echo "SKIPPED: $1"; exit 77
}
if ! command -v node >/dev/null; then
  skip "node is not installed (scripts/install-deps.sh installs nodejs and npm)"
fi
if [[ ! -x "$chromium" ]]; then
  skip "chromium is not installed at $chromium (scripts/install-deps.sh installs it)"
fi
if [[ ! -d "$here/node_modules/playwright-core" ]]; then
  if ! command -v npm >/dev/null; then
    skip "npm is not installed, so playwright-core cannot be installed"
  fi
  (cd "$here" && npm ci --no-audit --no-fund --loglevel=error)
fi
export LLMBENCH_BIN="$1" REPORT_FIXTURE_BIN="$2" SCREENSHOT_DIR="$3" CHROMIUM="$chromium"
echo "node $(node --version) at $(command -v node)"
exec node "$here/report.test.mjs"
