#!/usr/bin/env bash
# Builds the libFuzzer targets (preset fuzz: clang, ASan+UBSan, ./build-fuzz) and runs each for
# SECONDS (default 20), starting from the seed corpus in fuzz/corpus/<target>/. New inputs
# collect in build-fuzz/corpus/<target>/ (the repo corpus is not modified); a crash is saved as
# build-fuzz/artifacts/<target>/crash-* and fails the script. Longer runs: fuzz/README.md.
#   scripts/fuzz.sh [SECONDS] [TARGET...]     targets: sse openai extract verdict datasets custom_task models_config env zip
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-20}"
shift || true
targets=("$@")
((${#targets[@]})) || targets=(sse openai extract verdict datasets custom_task models_config env zip)

export CCACHE_BASEDIR="$PWD"
# ccache caches files built with the precompiled header (LLMBENCH_PCH) only when told it may.
export CCACHE_SLOPPINESS="${CCACHE_SLOPPINESS:-pch_defines,time_macros}"
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
cmake --preset fuzz "${launcher[@]}" >/dev/null
cmake --build --preset fuzz -j "$(nproc)"

failed=()
for target in "${targets[@]}"; do
  work="build-fuzz/corpus/$target"
  artifacts="build-fuzz/artifacts/$target/"
  mkdir -p "$work" "$artifacts"
  echo "== fuzz_$target for ${seconds}s"
  if ! ./build-fuzz/fuzz/"fuzz_$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1 -artifact_prefix="$artifacts" "$work" "fuzz/corpus/$target" \
        >"build-fuzz/fuzz_$target.log" 2>&1; then
    failed+=("$target")
    tail -n 60 "build-fuzz/fuzz_$target.log"
  else
    grep -E "^stat::number_of_executed_units|^Done" "build-fuzz/fuzz_$target.log" | tr '\n' ' '
    echo
  fi
done
if ((${#failed[@]})); then
  echo "fuzz: crashes in: ${failed[*]} (inputs in build-fuzz/artifacts/)" >&2
  exit 1
fi
echo "fuzz: ${#targets[@]} targets ran ${seconds}s each without a crash"
