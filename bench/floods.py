"""Floods that used to grow memory or stall the loop (issue 9, findings 3 and 4).

    .venv/bin/python bench/floods.py                 # all floods, ~1-2 minutes
    .venv/bin/python bench/floods.py --slugs 1000 --probe-seconds 2   # quick

What it does, everything on 127.0.0.1 and bounded in time:

1. a fresh database (TEST_DATABASE_URL's server, else an embedded pgserver), one county;
2. `yishi serve` (1 worker) as a subprocess;
3. memory floods, each with the serving process's RSS before and after:
   - `slugs`: N requests, each with a different 4 KB X-Tenant (no login needed);
   - `slugs_wellformed`: N requests with different well-formed unknown slugs (these reach
     the database; the directory keeps at most 10,000, unknown ones 10 s);
   - `queries_2mib`: 40 distinct 2 MiB query texts (refused by the body limit, 413);
   - `queries_90k`: 60 distinct 90,000-character query texts (accepted; the document cache
     keeps at most 4 M characters);
4. stall floods: a prober sends `{ __typename }` every 20 ms, alone and then while another
   process sends, back to back, (a) castVote with a 1 MiB body of 520,000 choices (413: too
   many JSON values), (b) castVote with 5,000 choices (refused by the list cap), (c) a 2 MiB
   body (413), (d) a 10 MB comment (413 from its length); it reports the prober's
   p50/p99/max latency for each: how long one client's oversize request delays everyone.

Results are printed and saved as JSON in bench/results/floods-<time>.json.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from realtime_common import (
    RESULTS,
    FreshDatabase,
    free_port,
    log,
    mint_token,
    new_secret,
    rss_bytes,
    seed_county,
    serving_pids,
    start_yishi,
    stop_process,
    wait_ready,
)

MIB = 1024 * 1024
TRIVIAL = {"query": "{ __typename }"}
VIEWER = {"query": "{ viewer { county { slug } } }"}  # resolves the caller: reads X-Tenant
VOTE = (
    "mutation($p: ID!, $c: [Int!]!, $k: String!) { castVote(pollId: $p, choices: $c, "
    "idempotencyKey: $k) { accepted errors { code } } }"
)
COMMENT = (
    "mutation($m: ID!, $b: String!) { postComment(meetingId: $m, body: $b) { errors { code } } }"
)


async def flood(http: Any, requests: list[dict[str, Any]], concurrency: int = 20) -> dict[str, int]:
    """Send every request (kwargs of http.post), `concurrency` at a time; status counts."""
    statuses: dict[str, int] = {}
    queue = list(reversed(requests))

    async def worker() -> None:
        while queue:
            kw = queue.pop()
            try:
                status = str((await http.post("/graphql", **kw)).status_code)
            except Exception as exc:  # a refused upload may end in a reset
                status = type(exc).__name__
            statuses[status] = statuses.get(status, 0) + 1

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return statuses


async def memory_flood(
    name: str, http: Any, pids: list[int], requests: list[dict[str, Any]]
) -> dict[str, Any]:
    await asyncio.sleep(0.5)
    before = rss_bytes(pids)
    started = time.perf_counter()
    statuses = await flood(http, requests)
    seconds = time.perf_counter() - started
    await asyncio.sleep(1.0)
    after = rss_bytes(pids)
    result = {
        "requests": len(requests),
        "statuses": statuses,
        "seconds": round(seconds, 2),
        "rss_before_mib": round(before / MIB, 1),
        "rss_after_mib": round(after / MIB, 1),
        "rss_growth_mib": round((after - before) / MIB, 1),
    }
    log(f"{name}: {result}")
    return result


def attacker_process(base: str, body: bytes, headers: dict[str, str], stop: Any, out: Any) -> None:
    """Send `body` back to back until `stop` is set (a process of its own, so that the
    client's own work does not delay the prober's measurements); put the status counts."""
    import httpx

    async def run() -> dict[str, int]:
        statuses: dict[str, int] = {}
        async with httpx.AsyncClient(base_url=base, timeout=60) as http:
            while not stop.is_set():
                try:
                    status = str(
                        (await http.post("/graphql", content=body, headers=headers)).status_code
                    )
                except httpx.HTTPError as exc:  # refused while still uploading: a reset
                    status = type(exc).__name__
                statuses[status] = statuses.get(status, 0) + 1
        return statuses

    out.put(asyncio.run(run()))


async def probe(
    http: Any, seconds: float, attack: tuple[str, bytes, dict[str, str]] | None = None
) -> dict[str, Any]:
    """`{ __typename }` every 20 ms for `seconds`, while another process sends `attack`'s
    body back to back, if given."""
    import multiprocessing as mp

    spawn = mp.get_context("spawn")
    stop, out = spawn.Event(), spawn.Queue()
    worker = None
    if attack is not None:
        worker = spawn.Process(target=attacker_process, args=(*attack, stop, out))
        worker.start()
        await asyncio.sleep(1.5)  # the attacker's interpreter starts and begins sending
    latencies: list[float] = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        started = time.perf_counter()
        response = await http.post("/graphql", json=TRIVIAL)
        assert response.status_code == 200, response.text
        latencies.append(time.perf_counter() - started)
        await asyncio.sleep(0.02)
    statuses = None
    if worker is not None:
        stop.set()
        statuses = await asyncio.to_thread(out.get, True, 60)
        worker.join(10)
    latencies.sort()
    ms = [x * 1000 for x in latencies]
    return {
        "probes": len(ms),
        "p50_ms": round(statistics.median(ms), 2),
        "p99_ms": round(ms[min(len(ms) - 1, int(len(ms) * 0.99))], 2),
        "max_ms": round(ms[-1], 2),
        "attacker_statuses": statuses,
    }


async def main(args: argparse.Namespace) -> dict[str, Any]:
    import httpx

    secret = new_secret()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    out: dict[str, Any] = {"args": vars(args)}
    async with FreshDatabase() as database:
        county = await seed_county(database.url)
        proc = start_yishi(database.url, port, workers=1, secret=secret, broadcast_url="memory://")
        try:
            await wait_ready(base, proc)
            pids = serving_pids(proc)
            token = mint_token(secret, county)
            limits = httpx.Limits(max_connections=50, max_keepalive_connections=50)
            async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as http:
                # Warm up every path the floods take, so that what grows is what they keep.
                await flood(
                    http,
                    [{"json": TRIVIAL}] * 200
                    + [{"json": VIEWER, "headers": {"x-tenant": "w" * 4096}}] * 200
                    + [{"json": VIEWER, "headers": {"x-tenant": "warm-up"}}] * 200,
                )
                memory: dict[str, Any] = {}
                memory["slugs_4kb"] = await memory_flood(
                    f"{args.slugs} unknown 4 KB slugs",
                    http,
                    pids,
                    [
                        {"json": VIEWER, "headers": {"x-tenant": f"s{i:06d}" + "a" * 4089}}
                        for i in range(args.slugs)
                    ],
                )
                memory["slugs_wellformed"] = await memory_flood(
                    f"{args.slugs} unknown well-formed slugs",
                    http,
                    pids,
                    [
                        {"json": VIEWER, "headers": {"x-tenant": f"nowhere-{i:06d}"}}
                        for i in range(args.slugs)
                    ],
                )
                memory["queries_2mib"] = await memory_flood(
                    "40 distinct 2 MiB queries",
                    http,
                    pids,
                    [
                        {"json": {"query": f"{{ __typename }}\n# {i} " + "x" * (2 * MIB)}}
                        for i in range(40)
                    ],
                )
                memory["queries_90k"] = await memory_flood(
                    "60 distinct 90,000-character queries",
                    http,
                    pids,
                    [
                        {"json": {"query": f"{{ __typename }}\n# {i} " + "x" * 90_000}}
                        for i in range(60)
                    ],
                )
                out["memory"] = memory

                auth = {"Authorization": f"Bearer {token}"}
                poll = "UG9sbDox"  # Poll:1 (never reached: refused before execution)
                choices_body = json.dumps(
                    {"query": VOTE, "variables": {"p": poll, "k": "x", "c": [0] * 520_000}},
                    separators=(",", ":"),
                ).encode()
                assert len(choices_body) < MIB
                small_choices_body = json.dumps(
                    {"query": VOTE, "variables": {"p": poll, "k": "x", "c": [0] * 5000}}
                ).encode()
                big_body = b'{"query": "{ __typename }", "x": "' + b"a" * (2 * MIB) + b'"}'
                comment_body = json.dumps(
                    {"query": COMMENT, "variables": {"m": "TWVldGluZzox", "b": "言" * 3_400_000}},
                    ensure_ascii=False,
                ).encode()
                json_headers = {**auth, "content-type": "application/json"}

                stalls: dict[str, Any] = {}
                stalls["alone"] = await probe(http, args.probe_seconds)
                log(f"prober alone: {stalls['alone']}")
                for name, body in (
                    ("choices_520k_1mib", choices_body),
                    ("choices_5000", small_choices_body),
                    ("body_2mib", big_body),
                    ("comment_10mb", comment_body),
                ):
                    stalls[name] = await probe(http, args.probe_seconds, (base, body, json_headers))
                    log(f"prober during {name} ({len(body)} bytes): {stalls[name]}")
                out["stalls"] = stalls
                out["rss_end_mib"] = round(rss_bytes(pids) / MIB, 1)
        finally:
            stop_process(proc)
    return out


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--slugs", type=int, default=6000, help="requests per slug flood")
    parser.add_argument("--probe-seconds", type=float, default=4.0, help="per stall scenario")
    args = parser.parse_args()
    result = asyncio.run(main(args))
    print(json.dumps(result, indent=2, ensure_ascii=False))
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"floods-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    log(f"saved {path}")
