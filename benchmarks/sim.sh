# shellcheck shell=bash disable=SC2154,SC2120
# Sourced by the benchmark scripts (after `cd` to the repository root and setting `bin`):
# a temporary directory `tmp`, removed on exit with any simulator still running, and
#   start_sim ARGS...   starts `$bin sim --port 0 ARGS...` (under `nice -n $SIM_NICE` when set)
#                       and sets sim_pid and url (its /v1 root); exits 1 with the simulator's
#                       stderr when it does not start
#   stop_sim            stops it (its stderr stays in $tmp/sim.err)
tmp=$(mktemp -d)
sim_pid=""
cleanup() { [ -n "$sim_pid" ] && kill "$sim_pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT

start_sim() {
  nice -n "${SIM_NICE:-0}" "$bin" sim --port 0 "$@" >"$tmp/sim.out" 2>"$tmp/sim.err" &
  sim_pid=$!
  url=""
  for _ in $(seq 400); do
    url=$(grep -o 'http://[0-9.:]*/v1' "$tmp/sim.out" || true)
    [ -n "$url" ] && return 0
    sleep 0.05
  done
  echo "simulator did not start: $(cat "$tmp/sim.err")" >&2
  exit 1
}

stop_sim() { kill "$sim_pid"; wait "$sim_pid" 2>/dev/null || true; sim_pid=""; }
