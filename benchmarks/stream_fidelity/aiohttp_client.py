"""The Python baseline for benchmarks/stream_fidelity: N streamed chat requests, all in
flight at once, from one asyncio event loop with aiohttp (Debian's python3-aiohttp), timing
chunks the usual way: time.perf_counter() when each SSE line is read.

  /usr/bin/python3 aiohttp_client.py --url http://127.0.0.1:8089/v1 --streams 1000 --tokens 64 --out py.jsonl

First N models requests at once open the connections (a warm-up, not measured), as
llmbench_stream_bench does. Then sends the prompt llmbench_stream_bench sends (the simulator copies back a sentence of
--tokens words) with X-Request-Id: aiohttp-<i>, and writes one JSON line per request in the
same shape: {"request_id", "ok", "ttft_ms", "itl_ms": [...]}, TTFT from just before the
request is sent to the first content chunk. stdout: one JSON summary line.
"""

import argparse
import asyncio
import json
import resource
import time

import aiohttp


def prompt_of(words):
    sentence = " ".join(f"w{i}" for i in range(words))
    return f"Context: {sentence}.\nQuestion: repeat the context."


async def one(session, url, body, request_id):
    marks = []
    ok = False
    start = time.perf_counter()
    try:
        async with session.post(url, json=body, headers={"X-Request-Id": request_id}) as response:
            async for line in response.content:
                now = time.perf_counter()
                if not line.startswith(b"data: "):
                    continue
                data = line[6:].strip()
                if data == b"[DONE]":
                    ok = response.status == 200
                    break
                choices = json.loads(data).get("choices") or []
                delta = choices[0].get("delta", {}) if choices else {}
                if delta.get("content") or delta.get("reasoning_content"):
                    marks.append(now)
    except (aiohttp.ClientError, asyncio.TimeoutError):
        ok = False
    return {
        "request_id": request_id,
        "ok": ok,
        "ttft_ms": (marks[0] - start) * 1000 if marks else -1,
        "itl_ms": [(b - a) * 1000 for a, b in zip(marks, marks[1:])],
    }


async def warm_up(session, url):
    async with session.get(url) as response:
        await response.read()


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--model", default="sim-small")
    parser.add_argument("--streams", type=int, default=1000)
    parser.add_argument("--tokens", type=int, default=64)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    body = {
        "model": args.model,
        "messages": [{"role": "user", "content": prompt_of(args.tokens)}],
        "max_tokens": args.tokens,
        "stream": True,
        "stream_options": {"include_usage": True},
    }
    connector = aiohttp.TCPConnector(limit=0)
    timeout = aiohttp.ClientTimeout(total=300)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        await asyncio.gather(*(warm_up(session, args.url + "/models") for _ in range(args.streams)))
        cpu_before = time.process_time()
        start = time.perf_counter()
        records = await asyncio.gather(
            *(one(session, args.url + "/chat/completions", body, f"aiohttp-{i}") for i in range(args.streams)))
    seconds = time.perf_counter() - start
    cpu_s = time.process_time() - cpu_before
    with open(args.out, "w") as out:
        for r in records:
            out.write(json.dumps(r) + "\n")
    ok = sum(r["ok"] for r in records)
    events = sum(len(r["itl_ms"]) + (1 if r["ttft_ms"] >= 0 else 0) for r in records)
    print(json.dumps({
        "streams": args.streams, "ok": ok, "failed": args.streams - ok, "seconds": seconds, "events": events,
        "cpu_s": cpu_s, "cpu_ms_per_1000_events": cpu_s * 1e6 / events if events else 0,
        "peak_rss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))


asyncio.run(main())
