"""Opinion map benchmark: recomputing a large map, and a vote's delay to 2,000 watchers.

    .venv/bin/python bench/opinion_map.py                          # 10,000 × 500, 2,000 watchers
    .venv/bin/python bench/opinion_map.py --participants 2000 --statements 100 --watchers 200
    .venv/bin/python bench/opinion_map.py --math-only

What it does, everything on 127.0.0.1:

1. a realistic sparse vote matrix: --participants people in four latent camps, each voting
   on 20–100 of --statements statements (statements drawn by a skewed popularity, as
   early statements collect more votes), 80 % along their camp's stance, else at random;
2. **math**: `backend.opinion_map.compute.compute` (what the app runs in its thread:
   PCA, k-means by silhouette, repness, consensus, routing priorities; BLAS on one thread)
   over the matrix, --rounds times: wall time (min, median) and the memory it takes
   (tracemalloc peak of the computation, numpy's buffers included);
3. unless --math-only, **live**: a fresh database, a county, `yishi serve` (one worker); a
   live meeting with its opinion map (through the API), the statements and every vote of
   the matrix written straight into the tables (COPY, as the owner); --watchers websocket
   subscribers of `opinionMapLive` (graphql-transport-ws, the same document: one
   multiplexed group); then --probes votes by the admin, one at a time, a few seconds
   apart (one more first: the process's first computation, which imports scikit-learn,
   reported apart): for each, every watcher's delay from sending the vote to receiving the first
   map that counts it (p50, p99, max over watchers), and the server's read + compute +
   fan-out included. Server RSS before and after the watchers joined. Also, in the bench
   process on the same database: one recomputation in its parts (reading the snapshot as
   the app does, then computing it).

Prints a summary and saves everything as JSON in bench/results/opinion-map-<time>.json.
With TEST_DATABASE_URL set, the database is made on that server; else on an embedded
pgserver.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import os
import statistics
import sys
import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np
from realtime_common import (
    RESULTS,
    FreshDatabase,
    free_port,
    log,
    mint_token,
    new_secret,
    pg_dsn,
    raise_fd_limit,
    rss_bytes,
    seed_county,
    serving_pids,
    start_yishi,
    stop_process,
    wait_ready,
)

from backend.opinion_map.compute import Snapshot, compute
from backend.opinion_map.math import VoteMatrix

LIVE_DOC = """subscription($o: ID!) { opinionMapLive(mapId: $o) { seq type result {
  version votes participants placed groups { index size representative { statementId direction } }
  consensus { statementId score } divisive { statementId score } } } }"""


def make_votes(
    participants: int, statements: int, seed: int = 1
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    camps = rng.integers(0, 4, participants)
    stance = rng.choice(np.array([-1, 1], dtype=np.int8), size=(4, statements))
    popularity = rng.power(0.5, statements) + 0.05
    popularity /= popularity.sum()
    rows, cols, values = [], [], []
    for p in range(participants):
        k = int(rng.integers(20, 101))
        chosen = rng.choice(statements, k, replace=False, p=popularity)
        along = rng.random(k) < 0.8
        noise = rng.choice(np.array([-1, 0, 1], dtype=np.int8), k)
        rows.append(np.full(k, p, dtype=np.int32))
        cols.append(chosen.astype(np.int32))
        values.append(np.where(along, stance[camps[p], chosen], noise).astype(np.int8))
    return np.concatenate(rows), np.concatenate(cols), np.concatenate(values)


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU seconds of the processes so far (/proc/<pid>/stat)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


async def settle(pids: list[int], *, quiet: float = 0.05, limit: float = 90) -> float:
    """Wait until the server has been idle (under `quiet` CPU seconds a second) for two
    seconds running; the seconds waited."""
    started = time.monotonic()
    calm, last = 0, cpu_seconds(pids)
    while calm < 2 and time.monotonic() - started < limit:
        await asyncio.sleep(1)
        now = cpu_seconds(pids)
        calm = calm + 1 if now - last < quiet else 0
        last = now
    return time.monotonic() - started


def math_phase(args: argparse.Namespace, votes: tuple[np.ndarray, ...]) -> dict[str, Any]:
    rows, cols, values = votes
    matrix = VoteMatrix(
        participants=[f"{i:064x}" for i in range(args.participants)],
        statements=list(range(1, args.statements + 1)),
        rows=rows,
        cols=cols,
        values=values,
    )
    snapshot = Snapshot(1, 1, matrix, {s: f"观点{s}" for s in matrix.statements})
    compute(snapshot)  # warm: imports, first allocations
    times, cpu = [], []
    for _ in range(args.rounds):
        started, used = time.perf_counter(), time.process_time()
        result = compute(snapshot)
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - used)
    tracemalloc.start()
    compute(snapshot)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    figures = result.figures
    out = {
        "votes": len(values),
        "seconds_min": round(min(times), 3),
        "seconds_median": round(statistics.median(times), 3),
        "cpu_seconds_min": round(min(cpu), 3),
        "peak_mib": round(peak / 2**20, 1),
        "groups": [g["size"] for g in figures["groups"]],
        "placed": figures["placed"],
        "consensus": len(figures["consensus"]),
    }
    log(f"math: {out}")
    return out


async def _gql(http: Any, token: str, query: str, variables: dict[str, Any]) -> dict[str, Any]:
    response = await http.post(
        "/graphql",
        json={"query": query, "variables": variables},
        headers={"Authorization": f"Bearer {token}"},
    )
    body = response.json()
    if "errors" in body:
        raise RuntimeError(body["errors"])
    (payload,) = body["data"].values()
    if payload.get("errors"):
        raise RuntimeError(payload["errors"])
    return payload


async def live_phase(args: argparse.Namespace, votes: tuple[np.ndarray, ...]) -> dict[str, Any]:
    import asyncpg
    import httpx
    import orjson
    import websockets
    from realtime_common import open_subscription

    rows, cols, values = votes
    async with FreshDatabase() as db:
        county = await seed_county(db.url)
        secret = new_secret()
        token = mint_token(secret, county)
        port = free_port()
        proc = start_yishi(db.url, port, workers=1, secret=secret, broadcast_url="memory://")
        base = f"http://127.0.0.1:{port}"
        try:
            await wait_ready(base, proc)
            async with httpx.AsyncClient(base_url=base, timeout=60) as http:
                created = await _gql(
                    http,
                    token,
                    "mutation($i: CreateMeetingInput!) { createMeeting(input: $i) { meeting { id } errors { code message } } }",
                    {
                        "i": {
                            "kind": "CONSULTATION_TALK",
                            "mode": "ONLINE",
                            "title": "压测民意恳谈会",
                            "hostUnitId": county.root_gid,
                            "startsAt": (datetime.now(UTC) + timedelta(days=7)).isoformat(),
                        }
                    },
                )
                meeting = created["meeting"]["id"]
                await _gql(
                    http,
                    token,
                    "mutation($m: ID!) { startMeeting(meetingId: $m) { errors { code message } } }",
                    {"m": meeting},
                )
                opened = await _gql(
                    http,
                    token,
                    'mutation($m: ID!) { openOpinionMap(meetingId: $m, topic: "压测") { opinionMap { id } errors { code message } } }',
                    {"m": meeting},
                )
                map_gid = opened["opinionMap"]["id"]
                conn = await asyncpg.connect(pg_dsn(db.url))
                try:
                    map_id = await conn.fetchval(
                        "SELECT id FROM opinion_maps WHERE tenant_id = $1", county.tenant_id
                    )
                    ids = await conn.fetch(
                        "INSERT INTO opinion_statements (tenant_id, map_id, body, state, source, submitted_by)"
                        " SELECT $1, $2, '观点' || g, 'SHOWN', 'HOST', $3 FROM generate_series(1, $4) g RETURNING id",
                        county.tenant_id,
                        map_id,
                        county.admin_id,
                        args.statements,
                    )
                    statement_ids = np.array(sorted(r["id"] for r in ids), dtype=np.int64)
                    started = time.perf_counter()
                    pseudonyms = [
                        hashlib.sha256(f"bench:{i}".encode()).hexdigest()
                        for i in range(args.participants)
                    ]
                    records = zip(
                        [county.tenant_id] * len(values),
                        [map_id] * len(values),
                        statement_ids[cols].tolist(),
                        # pseudonyms as the app makes them: 64 hex digits of a MAC
                        [pseudonyms[r] for r in rows.tolist()],
                        values.tolist(),
                        [0] * len(values),
                        range(1, len(values) + 1),
                        strict=True,
                    )
                    await conn.copy_records_to_table(
                        "opinion_votes",
                        records=records,
                        columns=[
                            "tenant_id",
                            "map_id",
                            "statement_id",
                            "voter",
                            "choice",
                            "changes",
                            "seq",
                        ],
                    )
                    await conn.execute("SELECT setval('opinion_vote_seq', $1)", len(values) + 1)
                    await conn.execute("ANALYZE opinion_votes")
                    log(f"wrote {len(values)} votes in {time.perf_counter() - started:.1f} s")
                finally:
                    await conn.close()
                read = await _read_and_compute(db.url, county.tenant_id, map_id)
                pids = serving_pids(proc)
                rss_before = rss_bytes(pids)
                cpu_before_watchers = cpu_seconds(pids)
                sockets: list[Any] = []
                received: list[list[tuple[float, int]]] = [[] for _ in range(args.watchers)]

                async def watch(i: int) -> None:
                    ws = await websockets.connect(
                        base.replace("http", "ws") + "/graphql",
                        subprotocols=["graphql-transport-ws"],
                        max_size=None,
                        open_timeout=120,
                        # A browser sends no pings of its own; 2,000 client pings every
                        # 20 s would be the bench's load, not the server's (the server
                        # still pings each socket, uvicorn's default).
                        ping_interval=None,
                    )
                    sockets.append(ws)
                    await open_subscription(ws, token, LIVE_DOC, {"o": map_gid})
                    async for message in ws:
                        data = orjson.loads(message)
                        live = data.get("payload", {}).get("data", {}).get("opinionMapLive")
                        if live and live["type"] == "opinionMap.computed":
                            received[i].append((time.perf_counter(), live["result"]["votes"]))

                tasks = []
                for i in range(args.watchers):
                    tasks.append(asyncio.create_task(watch(i)))
                    if i % 100 == 99:
                        await asyncio.sleep(0.2)
                deadline = time.monotonic() + 180
                while len(sockets) < args.watchers and time.monotonic() < deadline:
                    await asyncio.sleep(0.5)
                await asyncio.sleep(3)  # subscribed (the ack comes before the group join)
                # Each subscription is authorized with a read of the database: 2,000 of
                # them keep the server busy for seconds after the last ack; a vote sent
                # meanwhile waits behind them (what the "first computation" measured
                # before). Unless --no-settle, the probes start once the server is idle.
                settled = 0.0 if args.no_settle else await settle(pids)
                joined_cpu = cpu_seconds(pids) - cpu_before_watchers
                rss_after = rss_bytes(pids)
                log(
                    f"{len(sockets)} watchers joined; server RSS {rss_before / 2**20:.0f} → {rss_after / 2**20:.0f} MiB;"
                    f" idle {settled:.1f} s after the last ack; {joined_cpu:.1f} CPU s for the joins"
                )
                probes = []
                total = len(values) + read["added_votes"]
                for k in range(args.probes + 1):
                    cpu_at, own_at = cpu_seconds(pids), time.process_time()
                    sent = time.perf_counter()
                    await _gql(
                        http,
                        token,
                        "mutation($s: ID!) { voteOnStatement(statementId: $s, choice: AGREE) { first errors { code message } } }",
                        {"s": _statement_gid(int(statement_ids[k]))},
                    )
                    acked = time.perf_counter() - sent
                    total += 1
                    wait_until = time.monotonic() + 60
                    while time.monotonic() < wait_until:
                        if all(any(v >= total for _, v in r) for r in received):
                            break
                        await asyncio.sleep(0.05)
                    delays = sorted(
                        next((t - sent for t, v in r if v >= total), float("inf")) for r in received
                    )
                    probe = {
                        "vote_ack_ms": round(acked * 1000, 1),
                        "p50_ms": round(delays[len(delays) // 2] * 1000, 1),
                        "p99_ms": round(delays[int(len(delays) * 0.99) - 1] * 1000, 1),
                        "max_ms": round(delays[-1] * 1000, 1),
                        "missing": sum(1 for d in delays if d == float("inf")),
                        "server_cpu_seconds": round(cpu_seconds(pids) - cpu_at, 3),
                        # the watchers' side (this process: 2,000 sockets receiving)
                        "client_cpu_seconds": round(time.process_time() - own_at, 3),
                        "load": round(os.getloadavg()[0], 2),
                    }
                    log(f"probe {k}: {probe}")
                    probes.append(probe)  # the first: the process's first computation
                    await asyncio.sleep(args.gap)
                for t in tasks:
                    t.cancel()
                for ws in sockets:
                    await ws.close()
                return {
                    "watchers": len(sockets),
                    "server_rss_mib_before": round(rss_before / 2**20, 1),
                    "server_rss_mib_after": round(rss_after / 2**20, 1),
                    "settled_seconds_after_joining": None if args.no_settle else round(settled, 1),
                    "server_cpu_seconds_for_joins": round(joined_cpu, 1),
                    # The process's first computation (its first read of the map, in full,
                    # and its first PCA and k-means): reported apart from the probes proper.
                    "snapshot_from_database": read,
                    "first_computation": probes[0],
                    "probes": probes[1:],
                    "database": db.where,
                }
        finally:
            stop_process(proc)


async def _read_and_compute(url: str, tenant_id: int, map_id: int) -> dict[str, Any]:
    """What one recomputation costs in the app, in parts, in this process on the same
    database: reading a full snapshot (as closing a map does: the statement alone, then
    as the app role with the decoding), the first read into a process's memory of the
    map (`MapVotes`, in full), then reads of only the votes since: three rounds of 100
    new votes and 20 changed ones written as the owner (about a second of a busy
    meeting), each followed by the statement alone, unchecked and checked (with the
    table's totals), and by `read_since` as the app does it (the first two unchecked,
    the third checked); and computing the map (wall and CPU seconds of the worker
    thread)."""
    import asyncpg

    from backend.core.db import Database
    from backend.opinion_map.compute import (
        _SINCE,
        _SINCE_CHECKED,
        _SNAPSHOT,
        MapVotes,
        read_since,
        read_snapshot,
    )

    def timed_compute(snapshot: Snapshot) -> tuple[float, float]:
        started, used = time.perf_counter(), time.thread_time()
        compute(snapshot)
        return time.perf_counter() - started, time.thread_time() - used

    conn = await asyncpg.connect(pg_dsn(url))
    db = Database(owner_url=url, pool_size=1)
    added = 0
    try:
        fetches = []
        for _ in range(3):  # the statement alone: what runs on the event loop
            started = time.perf_counter()
            await conn.fetchrow(_SNAPSHOT, map_id)
            fetches.append(time.perf_counter() - started)
        reads, computes, cpus = [], [], []
        for _ in range(3):
            started = time.perf_counter()
            snapshot = await db.run(
                lambda s: read_snapshot(s, map_id), tenant_id=tenant_id, read_only=True
            )
            reads.append(time.perf_counter() - started)
            wall, cpu = await asyncio.to_thread(timed_compute, snapshot)
            computes.append(wall)
            cpus.append(cpu)
        votes = MapVotes(map_id)
        started = time.perf_counter()
        await db.run(lambda s: read_since(s, votes), tenant_id=tenant_id, read_only=True)
        load = time.perf_counter() - started
        statements = [
            r["id"]
            for r in await conn.fetch(
                "SELECT id FROM opinion_statements WHERE map_id = $1 ORDER BY id", map_id
            )
        ]
        since_fetches, since_reads, merged = [], [], []
        checked_fetches, checked_reads = [], []
        for k in range(3):
            new = [
                (hashlib.sha256(f"bench-extra:{k}:{i}".encode()).hexdigest(), statements[i])
                for i in range(100)
            ]
            await conn.executemany(
                "INSERT INTO opinion_votes (tenant_id, map_id, statement_id, voter, choice,"
                " changes, seq) VALUES ($1, $2, $3, $4, 1, 0, nextval('opinion_vote_seq'))",
                [(tenant_id, map_id, sid, voter) for voter, sid in new],
            )
            await conn.execute(
                "UPDATE opinion_votes SET choice = -choice, changes = changes + 1,"
                " seq = nextval('opinion_vote_seq') WHERE id IN (SELECT id FROM opinion_votes"
                " WHERE map_id = $1 AND choice <> 0 ORDER BY id LIMIT 20 OFFSET $2)",
                map_id,
                k * 20,
            )
            added += len(new)
            started = time.perf_counter()
            await conn.fetchrow(_SINCE, map_id, votes.watermark)
            since_fetches.append(time.perf_counter() - started)
            started = time.perf_counter()
            await conn.fetchrow(_SINCE_CHECKED, map_id, votes.watermark)
            checked_fetches.append(time.perf_counter() - started)
            started = time.perf_counter()
            snapshot = await db.run(
                partial(read_since, votes=votes, check=k == 2),
                tenant_id=tenant_id,
                read_only=True,
            )
            (since_reads if k < 2 else checked_reads).append(time.perf_counter() - started)
            merged.append(votes.merged)
        full = await db.run(lambda s: read_snapshot(s, map_id), tenant_id=tenant_id, read_only=True)
        assert compute(full).figures == compute(snapshot).figures, "kept map ≠ full read"
    finally:
        await conn.close()
        await db.dispose()
    out = {
        "fetch_seconds_min": round(min(fetches), 3),
        "read_seconds_min": round(min(reads), 3),
        "compute_seconds_min": round(min(computes), 3),
        "compute_cpu_seconds_min": round(min(cpus), 3),
        "first_read_into_memory_seconds": round(load, 3),
        "since_fetch_seconds": [round(x, 3) for x in since_fetches],
        "since_read_seconds": [round(x, 3) for x in since_reads],
        "checked_fetch_seconds": [round(x, 3) for x in checked_fetches],
        "checked_read_seconds": [round(x, 3) for x in checked_reads],
        "since_rows_merged": merged,
        "memory_mib": round(
            sum(a.nbytes for a in (votes.codes, votes.choices, votes.changes, votes.seqs)) / 2**20,
            1,
        ),
        "votes": len(snapshot.matrix.values),
        "added_votes": added,
    }
    log(f"snapshot from the database: {out}")
    return out


def _statement_gid(db_id: int) -> str:
    from schema.relay import to_global_id

    return to_global_id("OpinionStatement", db_id)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--participants", type=int, default=10_000)
    parser.add_argument("--statements", type=int, default=500)
    parser.add_argument("--watchers", type=int, default=2_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--probes", type=int, default=5)
    parser.add_argument("--gap", type=float, default=3.0, help="seconds between probe votes")
    parser.add_argument("--math-only", action="store_true")
    parser.add_argument(
        "--no-settle",
        action="store_true",
        help="probe 3 s after the last watcher's ack, not once the server is idle (as before)",
    )
    args = parser.parse_args()
    raise_fd_limit()
    load = os.getloadavg()
    votes = make_votes(args.participants, args.statements)
    result: dict[str, Any] = {
        "participants": args.participants,
        "statements": args.statements,
        "load_before": [round(x, 2) for x in load],
        "cpus": os.cpu_count(),
        "math": math_phase(args, votes),
    }
    if not args.math_only:
        result["live"] = asyncio.run(live_phase(args, votes))
    result["load_after"] = [round(x, 2) for x in os.getloadavg()]
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"opinion-map-{datetime.now().strftime('%Y%m%d-%H%M%S')}.json"
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False))
    print(json.dumps(result, indent=2, ensure_ascii=False))
    print(f"saved {out}")


if __name__ == "__main__":
    main()
