#!/usr/bin/env bash
# Installs llmbench's build and test dependencies from Debian 12's archive (run as root).
set -euo pipefail
packages=(
  build-essential cmake ninja-build pkg-config ccache git
  libcli11-dev nlohmann-json3-dev libfmt-dev libspdlog-dev libyaml-cpp-dev catch2
  libcurl4-openssl-dev libsqlite3-dev libcpp-httplib-dev libbz2-dev libutf8proc-dev libsodium-dev
  libssl-dev
  wrk python3-aiohttp
  bubblewrap python3 util-linux zlib1g-dev
  clang libclang-rt-14-dev
  chromium poppler-utils
)
# The browser test drives chromium through playwright-core from npm, and the compatibility
# tests start @dwmkerr/mock-llm from npm (tests/compat/). Machines that ship their own Node.js
# (with npm) keep it: Debian's npm package conflicts with that nodejs.
command -v npm >/dev/null || packages+=(nodejs npm)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
