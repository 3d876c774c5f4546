"""The fidelity benchmark's llmbench client as a user runs it: `llmbench perf` in a closed loop of
N streams (--concurrency N) against the simulator, with N warm-up requests first (they open the
N connections, as the driver's models requests do, and are left out), each asking for exactly
--tokens tokens (--output-control ignore_eos). Perf's request log is then converted to the
lines compare.py reads, matched to the simulator's log by the X-Request-Id perf sends:

  python3 perf_client.py --bin build/apps/llmbench --url http://127.0.0.1:8089/v1 \
      --streams 1000 --tokens 64 --out client.jsonl --workdir DIR

--out gets {"request_id", "ok", "ttft_ms", "itl_ms": [...]} for each measured request (ttft_ms
from the request's actual send, perf's service TTFT). stdout gets one JSON line: streams, ok,
failed, seconds (the measured level's duration), events (text chunks of every request, warm-up
included), cpu_s (the perf process's user + system time, start-up and warm-up included) and
cpu_ms_per_1000_events.
"""

import argparse
import json
import os
import subprocess
import sys


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", required=True)
    parser.add_argument("--url", required=True)
    parser.add_argument("--model", default="sim-small")
    parser.add_argument("--streams", type=int, required=True)
    parser.add_argument("--tokens", type=int, required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--workdir", required=True)
    args = parser.parse_args()

    os.makedirs(args.workdir, exist_ok=True)
    config = os.path.join(args.workdir, "models.yaml")
    env = os.path.join(args.workdir, "empty.env")
    out_dir = os.path.join(args.workdir, "out")
    with open(config, "w") as f:
        f.write(f"providers:\n  sim:\n    base_url: {args.url}\nmodels:\n  - id: {args.model}\n    provider: sim\n")
    open(env, "w").close()
    n = str(args.streams)
    command = [args.bin, "perf", "--model", args.model, "--config", config, "--env-file", env,
               "--output-dir", out_dir, "--progress", "none", "--concurrency", n, "--requests", n,
               "--warmup", n, "--output-tokens", str(args.tokens), "--output-control", "ignore_eos",
               "--timeout", "300"]
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    stderr = child.stderr.read()
    _, status, usage = os.wait4(child.pid, 0)
    cpu_s = usage.ru_utime + usage.ru_stime
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        sys.stderr.write(stderr.decode(errors="replace"))
        sys.exit(2)

    with open(os.path.join(out_dir, "benchmark_runs.json")) as f:
        runs = json.load(f)
    record = (runs["runs"] if isinstance(runs, dict) else runs)[-1]
    level = record["perf"]["levels"][0]
    ok = failed = events = 0
    with open(os.path.join(out_dir, record["request_log"])) as log, open(args.out, "w") as out:
        for line in log:
            r = json.loads(line)
            if r["error_kind"] is None:
                events += len(r["itl_ms"]) + 1
            if r["warmup"]:
                continue
            is_ok = r["error_kind"] is None and r["ttft_ms"] is not None
            ok += is_ok
            failed += not is_ok
            out.write(json.dumps({"request_id": r["request_id"], "ok": is_ok, "ttft_ms": r["ttft_ms"],
                                  "itl_ms": r["itl_ms"], "error": r["error"]}) + "\n")
    print(json.dumps({"streams": args.streams, "ok": ok, "failed": failed, "seconds": level["duration_s"],
                      "events": events, "cpu_s": round(cpu_s, 3),
                      "cpu_ms_per_1000_events": cpu_s * 1e6 / events if events else 0.0}))


if __name__ == "__main__":
    main()
