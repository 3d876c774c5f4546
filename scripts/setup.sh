#!/usr/bin/env bash
# README's first command: install dependencies, build, and run the main job.
# With no API keys the model matrix in configs/models.yaml points at the embedded simulator.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh
./build/apps/llmbench models test
