#!/usr/bin/env bash
# Runs a command with Debian 12's own Node.js 18 first on the PATH, so CI proves the browser
# test works with the `nodejs` a fresh Debian ships, even on a machine with its own Node 20.
#   tests/browser/with-debian-node18.sh COMMAND [ARGS...]
# Debian's nodejs and libnode108 are fetched with `apt-get download` and unpacked with
# `dpkg -x` into a private directory (LLMBENCH_NODE18_DIR, default /tmp/llmbench-debian-node18);
# nothing is installed over the machine's node. Debian's libnode loads three builtins from
# /usr/share/nodejs (node-cjs-module-lexer, node-acorn, node-undici, the packages Debian's
# nodejs depends on): they are installed with apt when missing (as root).
# Fails loudly (exit 1) when any of this cannot be done, or when the node found is not 18.
set -euo pipefail
die() { echo "with-debian-node18: $*" >&2; exit 1; }
(($#)) || die "usage: with-debian-node18.sh COMMAND [ARGS...]"
dir="${LLMBENCH_NODE18_DIR:-/tmp/llmbench-debian-node18}"
version="$(apt-cache madison libnode108 2>/dev/null | awk '$3 ~ /^18\./ {print $3; exit}')"
[[ -n "$version" ]] || die "apt has no Debian libnode108 18.x (run apt-get update on a Debian 12 machine)"
root="$dir/$version"
if [[ ! -x "$root/usr/bin/node" ]]; then
  rm -rf "$root.tmp" && mkdir -p "$root.tmp/debs"
  (cd "$root.tmp/debs" && apt-get download -q "nodejs=$version" "libnode108=$version") ||
    die "apt-get download nodejs=$version libnode108=$version failed"
  for deb in "$root.tmp"/debs/*.deb; do dpkg -x "$deb" "$root.tmp"; done
  rm -rf "$root.tmp/debs" && mv "$root.tmp" "$root"
fi
builtins=(node-cjs-module-lexer node-acorn node-undici)
missing=()
for p in "${builtins[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  ((EUID == 0)) || die "Debian's node needs ${missing[*]} in /usr/share/nodejs: apt-get install ${missing[*]} (as root)"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" ||
    die "apt-get install ${missing[*]} failed"
fi
export PATH="$root/usr/bin:$PATH"
export LD_LIBRARY_PATH="$root/usr/lib/x86_64-linux-gnu${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
[[ "$(command -v node)" == "$root/usr/bin/node" ]] || die "node on the PATH is $(command -v node), not Debian's"
got="$(node --version)" || die "Debian's node does not start"
[[ "$got" == v18.* ]] || die "Debian's node is $got, not 18"
echo "with-debian-node18: node $got from $root (Debian $version)"
exec "$@"
