"""The simulator's pacing error from its write-time log (benchmarks/stream_fidelity): for each
token k of each stream, when it was written minus when the schedule had it due,
scheduled + ttft + k x token interval (the sim's --latency-ms must be 0).

  python3 pacing.py --server sim-writes.jsonl --ttft-ms 200 --token-ms 20

Prints one line: streams, tokens, the error's p50, p99 and max in ms, and the simulator's own
delay before it scheduled each reply (scheduled_ns - received_ns: waiting for a worker, choosing
the answer).
"""

import argparse
import json

from compare import percentile


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--server", required=True)
    parser.add_argument("--ttft-ms", type=float, required=True)
    parser.add_argument("--token-ms", type=float, required=True)
    args = parser.parse_args()
    errors, waits, streams = [], [], 0
    with open(args.server) as f:
        for line in f:
            r = json.loads(line)
            streams += 1
            waits.append((r["scheduled_ns"] - r["received_ns"]) / 1e6)
            for k, t in enumerate(r["token_ns"]):
                errors.append((t - r["scheduled_ns"]) / 1e6 - args.ttft_ms - k * args.token_ms)
    errors.sort()
    waits.sort()
    if not errors:
        print("pacing: no tokens in the log")
        return
    print(f"pacing error: {streams} streams, {len(errors)} tokens, p50 {percentile(errors, 0.5):.3f} ms, "
          f"p99 {percentile(errors, 0.99):.3f} ms, max {errors[-1]:.3f} ms; scheduled after receipt p50 "
          f"{percentile(waits, 0.5):.3f} ms, p99 {percentile(waits, 0.99):.3f} ms")


if __name__ == "__main__":
    main()
