#!/usr/bin/env bash
# ctest entry for the report page's browser test:
#   run.sh LLMBENCH_BINARY MAKE_REPORT_FIXTURE OUT_DIR
# Exits 77 (ctest: skipped) with a message when node or chromium is missing; installs
# playwright-core from package-lock.json (npm ci) when node_modules is absent.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
chromium="${CHROMIUM:-/usr/bin/chromium}"
if ! command -v node >/dev/null; then
  echo "SKIPPED: node is not installed (scripts/install-deps.sh installs nodejs and npm)"; exit 77
fi
if [[ ! -x "$chromium" ]]; then
  echo "SKIPPED: chromium is not installed at $chromium (scripts/install-deps.sh installs it)"; exit 77
fi
if [[ ! -d "$here/node_modules/playwright-core" ]]; then
  if ! command -v npm >/dev/null; then
    echo "SKIPPED: npm is not installed, so playwright-core cannot be installed"; exit 77
  fi
  (cd "$here" && npm ci --no-audit --no-fund --loglevel=error)
fi
export LLMBENCH_BIN="$1" REPORT_FIXTURE_BIN="$2" SCREENSHOT_DIR="$3" CHROMIUM="$chromium"
exec node "$here/report.test.mjs"
