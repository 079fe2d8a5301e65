"""Resume benchmark: a client that missed 1000 events catches up.

    .venv/bin/python bench/resume.py                      # 1 client, 1000 events
    .venv/bin/python bench/resume.py --resumers 100       # 100 clients resuming at once

Commits --events org events (createOrgUnit mutations, 4 in flight) with nobody watching,
then --resumers clients subscribe with `after: 0` at the same moment and each times how
long until its last event arrives (every seq once, in order, is checked). Then one live
event, to show they are live afterwards. Everything on 127.0.0.1; a fresh database on
TEST_DATABASE_URL's server, else an embedded pgserver. Saves JSON in bench/results/.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from realtime_common import (
    EVENTS,
    RESULTS,
    FreshDatabase,
    commit_units,
    free_port,
    log,
    mint_token,
    new_secret,
    raise_fd_limit,
    seed_county,
    start_yishi,
    stop_process,
    wait_ready,
)


async def resume(
    ws_url: str,
    token: str,
    events: int,
    ready: asyncio.Event,
    caught: asyncio.Event,
    go: asyncio.Event,
) -> dict[str, Any]:
    import orjson
    import websockets

    try:
        async with websockets.connect(
            ws_url,
            subprotocols=["graphql-transport-ws"],
            max_size=None,
            ping_interval=None,
            open_timeout=120,
        ) as ws:
            await ws.send(
                orjson.dumps(
                    {"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"}}
                ).decode()
            )
            ack = orjson.loads(await asyncio.wait_for(ws.recv(), 120))
            assert ack["type"] == "connection_ack", ack
            ready.set()
            await go.wait()
            started = time.perf_counter()
            await ws.send(
                orjson.dumps(
                    {
                        "id": "1",
                        "type": "subscribe",
                        "payload": {"query": EVENTS, "variables": {"after": 0}},
                    }
                ).decode()
            )
            seqs: list[int] = []
            first_at = 0.0
            while len(seqs) < events:
                message = orjson.loads(await asyncio.wait_for(ws.recv(), 300))
                assert message["type"] == "next", message
                seqs.append(message["payload"]["data"]["events"]["seq"])
                if len(seqs) == 1:
                    first_at = time.perf_counter() - started
            elapsed = time.perf_counter() - started
            caught.set()
            # Live afterwards: the next message is the next event (committed by main_async).
            live = orjson.loads(await asyncio.wait_for(ws.recv(), 300))
            return {
                "seconds": elapsed,
                "first_event_seconds": first_at,
                "in_order_once": seqs == list(range(1, events + 1)),
                "live_seq": live["payload"]["data"]["events"]["seq"],
            }
    finally:  # a failed client must not keep main_async waiting
        ready.set()
        caught.set()


async def main_async(args: argparse.Namespace) -> None:
    import httpx

    raise_fd_limit()
    RESULTS.mkdir(parents=True, exist_ok=True)
    async with FreshDatabase() as database:
        log(f"database {database.name} on {database.where}")
        county = await seed_county(database.url)
        secret = new_secret()
        port = free_port()
        server = start_yishi(
            database.url, port, workers=1, secret=secret, broadcast_url="memory://"
        )
        try:
            base_url = f"http://127.0.0.1:{port}"
            await wait_ready(base_url, server)
            token = mint_token(secret, county)
            async with httpx.AsyncClient(base_url=base_url, timeout=120) as http:
                t0 = time.perf_counter()
                names = [f"补课镇{i}" for i in range(args.events)]
                await asyncio.gather(
                    *(commit_units(http, token, county.root_gid, names[k::4]) for k in range(4))
                )
                commit_seconds = time.perf_counter() - t0
                log(
                    f"committed {args.events} org events in {commit_seconds:.1f} s; "
                    f"{args.resumers} client(s) resume with after: 0"
                )
                ws_url = base_url.replace("http://", "ws://") + "/graphql"
                readies = [asyncio.Event() for _ in range(args.resumers)]
                caught = [asyncio.Event() for _ in range(args.resumers)]
                go = asyncio.Event()
                tasks = [
                    asyncio.create_task(resume(ws_url, token, args.events, r, c, go))
                    for r, c in zip(readies, caught, strict=True)
                ]
                await asyncio.wait_for(asyncio.gather(*(r.wait() for r in readies)), 300)
                go.set()
                await asyncio.wait_for(asyncio.gather(*(c.wait() for c in caught)), 600)
                await commit_units(http, token, county.root_gid, ["补课后的直播镇"])
                await asyncio.wait_for(asyncio.gather(*tasks), 120)
                results = [t.result() for t in tasks]
        finally:
            stop_process(server)
    report(args, commit_seconds, results)


def report(args: argparse.Namespace, commit_seconds: float, results: list[dict[str, Any]]) -> None:
    seconds = sorted(r["seconds"] for r in results)
    summary = {
        "events": args.events,
        "resumers": args.resumers,
        "commit_seconds": round(commit_seconds, 2),
        "catch_up_seconds_p50": round(statistics.median(seconds), 3),
        "catch_up_seconds_max": round(seconds[-1], 3),
        "first_event_seconds_p50": round(
            statistics.median(r["first_event_seconds"] for r in results), 3
        ),
        "events_per_second_per_client": round(args.events / statistics.median(seconds)),
        "all_in_order_once": all(r["in_order_once"] for r in results),
        "all_live_after": all(r["live_seq"] == args.events + 1 for r in results),
    }
    print()
    for key, value in summary.items():
        print(f"  {key:32} {value}")
    print()
    out = RESULTS / f"resume-{args.events}x{args.resumers}-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.write_text(
        json.dumps(
            {
                "command": " ".join(sys.argv),
                "cpus": os.cpu_count(),
                "summary": summary,
                "runs": results,
            },
            indent=2,
        )
    )
    log(f"saved {out}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description="Time for a client that missed events to catch up."
    )
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument("--resumers", type=int, default=1)
    asyncio.run(main_async(parser.parse_args()))


if __name__ == "__main__":
    main()
