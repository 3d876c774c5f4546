#!/usr/bin/env bash
# README's first command: install dependencies, build, and run the main job: a whole sweep
# (every tier, 10 items each) followed by the HTML report. With no API keys the model matrix
# in configs/models.yaml points at the embedded simulator (it simulates models and measures
# nothing about real ones). Extra arguments go to `llmbench run`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh
./build/apps/llmbench models test
./build/apps/llmbench run --tier all --limit 10 --report "$@"
