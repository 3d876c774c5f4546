#!/usr/bin/env bash
# README's second command: build with AddressSanitizer and UndefinedBehaviorSanitizer (preset
# dev: Debug, -Werror, ./build-dev) and run the whole test suite there; any leak, overflow or
# undefined behaviour fails the test it happens in.
#   scripts/test.sh            the sanitizer build (what CI runs)
#   scripts/test.sh release    the Release build in ./build instead (what scripts/setup.sh installs)
set -euo pipefail
cd "$(dirname "$0")/.."
preset="${1:-dev}"
case "$preset" in
  dev | release) ;;
  *) echo "usage: scripts/test.sh [dev|release]" >&2; exit 2 ;;
esac

export CCACHE_BASEDIR="$PWD"
# ccache caches files built with the precompiled header (LLMBENCH_PCH) only when told it may.
export CCACHE_SLOPPINESS="${CCACHE_SLOPPINESS:-pch_defines,time_macros}"
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
cmake --preset "$preset" "${launcher[@]}" >/dev/null
cmake --build --preset "$preset" -j "$(nproc)"

# ASan: leaks fail too; UBSan: every finding is fatal (-fno-sanitize-recover), with a trace.
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
ctest --preset "$preset" -j "$(nproc)" --timeout 600
