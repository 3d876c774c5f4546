"""Holds a client's streaming timings against the simulator's write-time log of the same
requests (benchmarks/stream_fidelity): TTFT and ITL p50/p99 as the client measured them, as
the server's log has them, and the difference.

  python3 compare.py --label llmbench --client client.jsonl --server sim-writes.jsonl [--tolerance-ms 1]

client: JSON lines {"request_id", "ok", "ttft_ms", "itl_ms": [...]} (llmbench_stream_bench,
aiohttp_client.py; any client whose timings can be put in that shape, `llmbench perf`'s
journal included). server: the simulator's --write-log lines {"request_id", "received_ns",
"token_ns": [...]}. Only ok requests found in both are compared. Prints one table row per
metric, then a JSON line {"label", "requests", "max_abs_diff_ms", "holds"}; exits 0.
"""

import argparse
import json


def percentile(values, q):
    """Linear interpolation between closest ranks (numpy's default)."""
    s = sorted(values)
    if not s:
        return float("nan")
    pos = (len(s) - 1) * q
    lo = int(pos)
    hi = min(lo + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (pos - lo)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--label", required=True)
    parser.add_argument("--client", required=True)
    parser.add_argument("--server", required=True)
    parser.add_argument("--tolerance-ms", type=float, default=1.0)
    parser.add_argument("--header", action="store_true", help="print the table's header first")
    args = parser.parse_args()

    server = {}
    with open(args.server) as f:
        for line in f:
            r = json.loads(line)
            server[r["request_id"]] = r
    client_ttft, client_itl, server_ttft, server_itl = [], [], [], []
    with open(args.client) as f:
        for line in f:
            c = json.loads(line)
            s = server.get(c["request_id"])
            if not c["ok"] or s is None or not s["token_ns"]:
                continue
            client_ttft.append(c["ttft_ms"])
            client_itl.extend(c["itl_ms"])
            t = s["token_ns"]
            server_ttft.append((t[0] - s["received_ns"]) / 1e6)
            server_itl.extend((b - a) / 1e6 for a, b in zip(t, t[1:]))

    if args.header:
        print(f"{'client':<10} {'requests':>8}  {'metric':<8} {'client ms':>10} {'server ms':>10} {'diff ms':>9}")
    diffs = []
    for name, c, s in (("TTFT", client_ttft, server_ttft), ("ITL", client_itl, server_itl)):
        for q in (0.5, 0.99):
            cv, sv = percentile(c, q), percentile(s, q)
            diffs.append(abs(cv - sv))
            print(f"{args.label:<10} {len(client_ttft):>8}  {name} p{int(q * 100):<3} {cv:>10.3f} {sv:>10.3f} {cv - sv:>+9.3f}")
    worst = max(diffs) if client_ttft else float("inf")
    print(json.dumps({"label": args.label, "requests": len(client_ttft), "max_abs_diff_ms": round(worst, 3),
                      "holds": bool(client_ttft) and worst <= args.tolerance_ms}))


if __name__ == "__main__":
    main()
