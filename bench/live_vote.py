"""Live vote benchmark: durable votes/s, vote latency and exact live tallies for watchers.

    .venv/bin/python bench/live_vote.py --watchers 5000 --duration 30    # 1 worker, 40 in flight
    .venv/bin/python bench/live_vote.py --watchers 500 --watcher-procs 2 --duration 8  # quick
    .venv/bin/python bench/live_vote.py --vote-via http --http raw ...   # votes over HTTP
    .venv/bin/python bench/live_vote.py --profile ...                     # + py-spy

What it does, everything on 127.0.0.1 and bounded in time:

1. creates a fresh database on the PostgreSQL server of TEST_DATABASE_URL (else
   postgresql://postgres@127.0.0.1:5432/postgres) and migrates it;
2. seeds a county, a live 述职报告会 with open polls (3 options, REGISTERED voters) and the
   voters (users + participants inserted with SQL, for speed);
3. starts the service as a subprocess: `.venv/bin/yishi serve --workers N`, with that
   DATABASE_URL, a random JWT_SECRET and, for N > 1, BROADCAST_URL=redis://127.0.0.1:6379/<db>
   (its log in the temporary directory, yishi-bench-<port>.log);
4. starts W websocket watchers (graphql-transport-ws, in --watcher-procs client processes),
   all subscribed to meetingLive of the meeting;
5. for --duration seconds, votes are cast as fast as the clients can, --concurrency in flight
   per voting process:
   - `--vote-via ws` (default): the watchers are the voters, as attendees voting from the
     live view: each casts one vote on each poll (逐项表决, everyone on item 1, then item 2, …)
     over its own socket (`subscribe` with the castVote mutation);
   - `--vote-via http`: --clients separate processes POST castVote to /graphql, one poll,
     each voter once, with access tokens minted with the server's secret;
6. closes the polls, then reports: durable votes/s (acknowledged votes / voting window, and
   the slowest full second), p50/p99 latency (and p99 per second), acknowledged vs stored
   votes (lost: acked but not stored; double: stored twice — impossible by the unique key,
   checked anyway), whether each poll's counters equal its vote rows, and whether every
   watcher's last PollTally/PollUpdate of every poll equals the stored counts;
7. says where the machine's CPU went (server workers, clients, PostgreSQL) and, with
   --profile, samples one worker (--profile-all: every worker) with py-spy and sorts its
   CPU time into categories; per process, CPU seconds per 1,000 acknowledged votes (which
   worker owns the meeting stream found from its lease connection).

Results are printed and saved as JSON in bench/results/.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import contextlib
import itertools
import json
import math
import multiprocessing as mp
import os
import random
import secrets
import shutil
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
from realtime_common import (  # noqa: E402
    FreshDatabase,
    gid,
    log,
    open_subscription,
    pg_dsn,
    raise_fd_limit,
    run_client,
    seed_county,
    serving_pids,
    start_yishi,
    stop_process,
    wait_ready,
)

RESULTS = ROOT / "bench" / "results"
VENV_BIN = ROOT / ".venv" / "bin"
OPTIONS = ["同意", "不同意", "弃权"]

VOTE = (
    "mutation($p: ID!, $c: [Int!]!, $k: String!) { castVote(pollId: $p, choices: $c, "
    "idempotencyKey: $k) { accepted duplicate errors { code } } }"
)
LIVE = """subscription($m: ID!, $after: Int) { meetingLive(meetingId: $m, after: $after) {
  seq type data { __typename
    ... on PollTally { pollId counts totalVotes }
    ... on PollUpdate { change poll { id counts totalVotes } } } } }"""


# -- database: seed, inspect -------------------------------------------------------------


async def seed(url: str, voters: int, polls: int = 1) -> dict[str, Any]:
    """County, admin, a live meeting with `polls` open polls (through the services, so the
    record is as the service writes it), then the voters in bulk with SQL."""
    import asyncpg

    from backend.core.db import Database
    from backend.core.security import Principal
    from backend.meetings import lifecycle
    from backend.meetings import polls as meeting_polls
    from backend.meetings.models import Eligibility, MeetingKind, MeetingMode, PollKind
    from backend.people import service as people

    county = await seed_county(url)
    db = Database(owner_url=url, pool_size=2)
    try:
        async with db.transaction(tenant_id=county.tenant_id) as session:
            _, name, grants = await people.load_grants(session, county.admin_id)
        principal = Principal(
            tenant_id=county.tenant_id, user_id=county.admin_id, grants=grants, display_name=name
        )
        from datetime import UTC, datetime

        async with db.transaction(tenant_id=county.tenant_id, user_id=county.admin_id) as session:
            meeting = await lifecycle.create_meeting(
                session,
                principal,
                kind=MeetingKind.WORK_REPORT,
                mode=MeetingMode.ONLINE,
                title="压测：年度述职报告会",
                description=None,
                host_unit_id=county.root_id,
                venue_id=None,
                starts_at=datetime.now(UTC),
                ends_at=None,
                capacity=None,
            )
        async with db.transaction(tenant_id=county.tenant_id, user_id=county.admin_id) as session:
            await lifecycle.change_state(session, principal, meeting_id=meeting.id, action="start")
            measured = [
                await meeting_polls.create_poll(
                    session,
                    principal,
                    meeting_id=meeting.id,
                    question=f"第{i + 1}项：是否同意该述职报告",
                    kind=PollKind.SINGLE,
                    options=OPTIONS,
                    max_choices=None,
                    eligibility=Eligibility.REGISTERED,
                )
                for i in range(polls)
            ]
            warmup = await meeting_polls.create_poll(  # warms connections and caches, not measured
                session,
                principal,
                meeting_id=meeting.id,
                question="试投票",
                kind=PollKind.SINGLE,
                options=OPTIONS,
                max_choices=None,
                eligibility=Eligibility.REGISTERED,
            )
        async with db.transaction(tenant_id=county.tenant_id, user_id=county.admin_id) as session:
            for poll in measured:
                await meeting_polls.open_poll(session, principal, poll_id=poll.id)
            await meeting_polls.open_poll(session, principal, poll_id=warmup.id)
    finally:
        await db.dispose()

    conn = await asyncpg.connect(pg_dsn(url))
    try:
        ids = await conn.fetch(
            "INSERT INTO users (tenant_id, display_name, phone) "
            "SELECT $1, '投票人' || g, '+8613' || lpad(g::text, 9, '0') FROM generate_series(1, $2) g "
            "RETURNING id",
            county.tenant_id,
            voters,
        )
        await conn.execute(
            "INSERT INTO meeting_participants (tenant_id, meeting_id, user_id, role, invited) "
            "SELECT $1, $2, u.id, 'REPRESENTATIVE', true FROM users u "
            "WHERE u.tenant_id = $1 AND u.id <> $3",
            county.tenant_id,
            meeting.id,
            county.admin_id,
        )
        head = await conn.fetchval(
            "SELECT last_seq FROM event_streams WHERE tenant_id = $1 AND stream = $2",
            county.tenant_id,
            f"meeting:{meeting.id}",
        )
        await conn.execute("ANALYZE")
    finally:
        await conn.close()
    return {
        "tenant_id": county.tenant_id,
        "admin_id": county.admin_id,
        "meeting_id": meeting.id,
        "poll_ids": [poll.id for poll in measured],
        "warmup_poll_id": warmup.id,
        "voter_ids": [r["id"] for r in ids],
        "head": head,
    }


async def stored(url: str, tenant_id: int, poll_ids: list[int]) -> dict[str, Any]:
    """What the database holds for the measured polls: votes (keyed by (poll, user)), counts
    recomputed from the vote rows, the polls' own counters and the `vote.cast` events."""
    import asyncpg

    conn = await asyncpg.connect(pg_dsn(url))
    try:
        rows = await conn.fetch(
            "SELECT poll_id, user_id, choices FROM votes WHERE tenant_id = $1 "
            "AND poll_id = ANY($2::bigint[])",
            tenant_id,
            poll_ids,
        )
        polls = await conn.fetch(
            "SELECT id, counts, total_votes, state FROM polls WHERE id = ANY($1::bigint[])",
            poll_ids,
        )
        events, batches = await conn.fetchrow(
            "SELECT count(*), count(DISTINCT created_at) FROM events WHERE tenant_id = $1 "
            "AND type = 'vote.cast' AND (payload->>'pollId')::bigint = ANY($2::bigint[])",
            tenant_id,
            poll_ids,
        )
    finally:
        await conn.close()
    counts = {pid: [0] * len(OPTIONS) for pid in poll_ids}
    for r in rows:
        for c in r["choices"]:
            counts[r["poll_id"]][c] += 1
    per_vote = collections.Counter((r["poll_id"], r["user_id"]) for r in rows)
    return {
        "votes": set(per_vote),
        "doubles": sum(1 for n in per_vote.values() if n > 1),
        "rows": len(rows),
        "counts": counts,
        "totals": {pid: sum(1 for r in rows if r["poll_id"] == pid) for pid in poll_ids},
        "poll_rows": {
            r["id"]: {
                "counts": json.loads(r["counts"]),
                "total": r["total_votes"],
                "state": r["state"],
            }
            for r in polls
        },
        "vote_events": events,
        "batches": batches,
    }


# -- watcher processes --------------------------------------------------------------------


def vote_recorder(polls: list[str]) -> tuple[Any, collections.Counter[str], Any]:
    """(record(result, poll, voter, choice, latency), outcomes, report()) for one voting
    process: what was acknowledged, when, and how long each accepted vote took."""
    latencies: list[float] = []
    done_at: list[float] = []
    acked: list[tuple[str, int]] = []
    acked_choices = {poll: [0] * len(OPTIONS) for poll in polls}
    outcomes: collections.Counter[str] = collections.Counter()

    def record(result: dict[str, Any], poll: str, voter: int, choice: int, latency: float) -> None:
        payload = (result.get("data") or {}).get("castVote")
        if payload is None:
            outcomes["graphql_error"] += 1
        elif payload["accepted"] and not payload["duplicate"]:
            outcomes["accepted"] += 1
            acked.append((poll, voter))
            acked_choices[poll][choice] += 1
            latencies.append(latency)
            done_at.append(time.time())
        else:
            outcomes["refused:" + ",".join(e["code"] for e in payload["errors"])] += 1

    def report() -> dict[str, Any]:
        return {
            "latencies": latencies,
            "done_at": done_at,
            "acked": acked,
            "acked_choices": acked_choices,
            "outcomes": dict(outcomes),
        }

    return record, outcomes, report


def watcher_process(conn: Any, ws_url: str, plan: dict[str, Any]) -> None:
    run_client(_watchers(conn, ws_url, plan), plan["loop"])


async def _watchers(conn: Any, ws_url: str, plan: dict[str, Any]) -> None:
    """Hold `plan["count"]` watchers subscribed to meetingLive, each tracking the last tally
    of every measured poll. With `plan["vote"]` (--vote-via ws) the watchers are also the
    voters, as attendees voting from the live view: each casts one vote on each poll
    through its own socket (graphql-transport-ws `subscribe` with the castVote mutation),
    with `concurrency` votes in flight for this process, until the time is up."""
    import orjson
    import websockets

    tokens: list[str] = plan["tokens"]
    polls: list[str] = plan["polls"]
    count: int = plan["count"]
    watched = set(polls)
    states: list[dict[str, Any]] = []
    sockets: list[Any] = [None] * count
    waiting: dict[tuple[int, str], asyncio.Future[dict[str, Any]]] = {}
    gate = asyncio.Semaphore(50)

    async def watch(i: int) -> None:
        state: dict[str, Any] = {"last": {}, "closed": set(), "messages": 0, "error": None}
        try:
            async with gate:
                ws = await websockets.connect(
                    ws_url,
                    subprotocols=["graphql-transport-ws"],
                    open_timeout=60,
                    ping_interval=None,
                    max_size=None,
                    compression="deflate" if plan["compression"] == "deflate" else None,
                )
                sockets[i] = ws
                token = tokens[i % len(tokens)]
                await open_subscription(ws, token, LIVE, {"m": plan["meeting"]})  # from now
            states.append(state)
            async for raw in ws:
                message = orjson.loads(raw)
                op = message.get("id")
                if op != "1":  # the answer to a vote sent on this socket
                    future = waiting.pop((i, op), None)
                    if future is not None and not future.done() and message["type"] == "next":
                        future.set_result(message["payload"])
                    continue
                if message.get("type") != "next":
                    state["error"] = str(message)[:200]
                    continue
                state["messages"] += 1
                data = message["payload"]["data"]["meetingLive"]["data"]
                if data["__typename"] == "PollTally" and data["pollId"] in watched:
                    state["last"][data["pollId"]] = (tuple(data["counts"]), data["totalVotes"])
                elif data["__typename"] == "PollUpdate" and data["poll"]["id"] in watched:
                    poll = data["poll"]
                    state["last"][poll["id"]] = (tuple(poll["counts"]), poll["totalVotes"])
                    if data["change"] == "CLOSED":
                        state["closed"].add(poll["id"])
        except Exception as exc:  # a failed watcher is reported, not fatal
            state["error"] = f"{type(exc).__name__}: {exc}"[:200]
            if state not in states:
                states.append(state)

    serial = iter(range(1, 1 << 62))

    async def cast(i: int, poll: str, choice: int) -> dict[str, Any]:
        op = f"v{next(serial)}"
        future = asyncio.get_running_loop().create_future()
        waiting[(i, op)] = future
        await sockets[i].send(
            orjson.dumps(
                {
                    "id": op,
                    "type": "subscribe",
                    "payload": {
                        "query": VOTE,
                        "variables": {"p": poll, "c": [choice], "k": uuid.uuid4().hex},
                    },
                }
            ).decode()
        )
        return await asyncio.wait_for(future, 30)

    tasks = [asyncio.create_task(watch(i)) for i in range(count)]
    deadline = time.monotonic() + 180
    while len(states) < count and time.monotonic() < deadline:
        await asyncio.sleep(0.2)
    vote = plan.get("vote")
    if vote:  # warm the workers (caches, pools) on the warm-up poll, not measured
        live = [i for i in range(count) if sockets[i] is not None][: vote["concurrency"]]
        await asyncio.gather(*(cast(i, vote["warmup"], 0) for i in live), return_exceptions=True)
    conn.send(("ready", sum(1 for s in states if s["error"] is None)))
    if vote:
        start_at = conn.recv()
        await asyncio.sleep(max(0.0, start_at - time.time()))
        end = start_at + vote["duration"]
        # Poll-major order: everyone votes on item 1, then item 2, … (逐项表决).
        work = iter([(poll, i) for poll in polls for i in range(count) if sockets[i] is not None])
        record, outcomes, report = vote_recorder(polls)

        async def lane() -> None:
            while time.time() < end:
                item = next(work, None)
                if item is None:
                    outcomes["polls_exhausted"] += 1
                    return
                poll, i = item
                choice = random.randrange(len(OPTIONS))
                t0 = time.perf_counter()
                try:
                    result = await cast(i, poll, choice)
                except Exception as exc:
                    outcomes[f"transport:{type(exc).__name__}"] += 1
                    continue
                record(result, poll, plan["voter_ids"][i], choice, time.perf_counter() - t0)

        async def one(item: tuple[str, int]) -> None:
            poll, i = item
            choice = random.randrange(len(OPTIONS))
            t0 = time.perf_counter()
            try:
                result = await cast(i, poll, choice)
            except Exception as exc:
                outcomes[f"transport:{type(exc).__name__}"] += 1
                return
            record(result, poll, plan["voter_ids"][i], choice, time.perf_counter() - t0)

        async def paced(rate: float) -> None:
            """Open loop: a vote starts every 1/rate s whether or not earlier ones are done
            (at most 20 × concurrency outstanding: beyond, the offer is counted as missed)."""
            running: set[asyncio.Task[None]] = set()
            at = time.time()
            while at < end:
                await asyncio.sleep(max(0.0, at - time.time()))
                at += 1 / rate
                if len(running) >= 20 * vote["concurrency"]:
                    outcomes["offer_missed"] += 1
                    continue
                item = next(work, None)
                if item is None:
                    outcomes["polls_exhausted"] += 1
                    break
                task = asyncio.create_task(one(item))
                running.add(task)
                task.add_done_callback(running.discard)
            if running:
                await asyncio.wait(running)

        if vote.get("rate"):
            await paced(vote["rate"])
        else:
            await asyncio.gather(*(lane() for _ in range(vote["concurrency"])))
        conn.send(("voted", report()))
    # Wait for the main process to close the polls (bounded).
    while not conn.poll() and time.monotonic() < deadline + 600:
        await asyncio.sleep(0.1)
    if conn.poll():
        conn.recv()
    # Every watcher should now get poll.closed for every poll; then a quiet spell for any
    # trailing tally.
    limit = time.monotonic() + 60
    while time.monotonic() < limit and not all(
        len(s["closed"]) == len(polls) or s["error"] for s in states
    ):
        await asyncio.sleep(0.1)
    await asyncio.sleep(2.0)
    for ws in sockets:
        if ws is not None:
            with contextlib.suppress(Exception):
                await ws.close()
    for t in tasks:
        t.cancel()
    lasts = collections.Counter(
        (poll, s["last"].get(poll)) for s in states if s["error"] is None for poll in polls
    )
    conn.send(
        (
            "done",
            {
                "watchers": len(states),
                "errors": [s["error"] for s in states if s["error"]][:5],
                "failed": sum(1 for s in states if s["error"]),
                "closed": sum(1 for s in states if len(s["closed"]) == len(polls)),
                "messages": sum(s["messages"] for s in states),
                "lasts": [
                    [poll, list(k[0]), k[1], n] if k else [poll, None, None, n]
                    for (poll, k), n in lasts.items()
                ],
            },
        )
    )


# -- voting processes ---------------------------------------------------------------------


def vote_process(
    conn: Any,
    base_url: str,
    secret: str,
    tenant_id: int,
    poll: str,
    warmup: str,
    user_ids: list[int],
    concurrency: int,
    duration: float,
    http: str,
    loop: str,
) -> None:
    run_client(
        _vote(
            conn, base_url, secret, tenant_id, poll, warmup, user_ids, concurrency, duration, http
        ),
        loop,
    )


class RawHTTP:
    """A minimal HTTP/1.1 keep-alive connection (no pool, no redirects, no chunked bodies):
    a load generator that costs a fraction of httpx's CPU, for the --http raw runs."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def post(self, path: str, body: bytes, token: str) -> bytes:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        self.writer.write(
            f"POST {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
            f"Content-Type: application/json\r\nAuthorization: Bearer {token}\r\n"
            f"Content-Length: {len(body)}\r\n\r\n".encode()
            + body
        )
        head = await self.reader.readuntil(b"\r\n\r\n")
        length = None
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        if length is None:
            raise RuntimeError("response without Content-Length")
        return await self.reader.readexactly(length)

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            with contextlib.suppress(Exception):
                await self.writer.wait_closed()


async def _vote(
    conn: Any,
    base_url: str,
    secret: str,
    tenant_id: int,
    poll: str,
    warmup: str,
    user_ids: list[int],
    concurrency: int,
    duration: float,
    http_client: str,
) -> None:
    import httpx
    import orjson

    from backend.core.security import encode_access_token

    tokens = {
        uid: encode_access_token(secret=secret, ttl_seconds=3600, tenant_id=tenant_id, user_id=uid)[
            0
        ]
        for uid in user_ids
    }
    pending = iter(user_ids)
    record, outcomes, report = vote_recorder([poll])
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    host, port = urlsplit(base_url).hostname or "127.0.0.1", urlsplit(base_url).port or 80
    raws = [RawHTTP(host, port) for _ in range(concurrency)]
    async with httpx.AsyncClient(base_url=base_url, limits=limits, timeout=30) as http:
        # Before the clock starts: open the connections and warm the workers (DB pools,
        # caches) with a vote each on a separate warm-up poll.
        async def warm(i: int) -> None:
            uid = user_ids[i % len(user_ids)]
            body = orjson.dumps(
                {"query": VOTE, "variables": {"p": warmup, "c": [0], "k": uuid.uuid4().hex}}
            )
            if http_client == "raw":
                await raws[i].post("/graphql", body, tokens[uid])
            else:
                await http.post(
                    "/graphql",
                    content=body,
                    headers={
                        "Authorization": f"Bearer {tokens[uid]}",
                        "Content-Type": "application/json",
                    },
                )

        await asyncio.gather(*[warm(i) for i in range(concurrency)])
        conn.send("ready")
        while not conn.poll():
            await asyncio.sleep(0.01)
        start_at = conn.recv()
        await asyncio.sleep(max(0.0, start_at - time.time()))
        end = start_at + duration

        async def voter(raw: RawHTTP) -> None:
            while time.time() < end:
                uid = next(pending, None)
                if uid is None:
                    outcomes["voters_exhausted"] += 1
                    return
                choice = random.randrange(len(OPTIONS))
                body = orjson.dumps(
                    {"query": VOTE, "variables": {"p": poll, "c": [choice], "k": uuid.uuid4().hex}}
                )
                t0 = time.perf_counter()
                try:
                    if http_client == "raw":
                        content = await asyncio.wait_for(
                            raw.post("/graphql", body, tokens[uid]), 30
                        )
                    else:
                        response = await http.post(
                            "/graphql",
                            content=body,
                            headers={
                                "Authorization": f"Bearer {tokens[uid]}",
                                "Content-Type": "application/json",
                            },
                        )
                        content = response.content
                    result = orjson.loads(content)
                except Exception as exc:
                    outcomes[f"transport:{type(exc).__name__}"] += 1
                    if http_client == "raw":
                        await raw.close()
                        raw.writer = None
                    continue
                record(result, poll, uid, choice, time.perf_counter() - t0)

        await asyncio.gather(*[voter(raw) for raw in raws])
    for raw in raws:
        await raw.close()
    conn.send(report())
    conn.close()


# -- where the machine's CPU went ---------------------------------------------------------


def cpu_snapshot() -> dict[int, tuple[str, float]]:
    import psutil

    snap: dict[int, tuple[str, float]] = {}
    for p in psutil.process_iter(["name", "cmdline"]):
        try:
            t = p.cpu_times()
            snap[p.pid] = (
                " ".join(p.info["cmdline"] or [p.info["name"] or "?"])[:120],
                t.user + t.system,
            )
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
    return snap


def cpu_breakdown(
    before: dict[int, tuple[str, float]],
    after: dict[int, tuple[str, float]],
    groups: dict[str, set[int]],
    seconds: float,
) -> dict[str, Any]:
    """CPU seconds per group of processes over the window, as cores busy on average."""
    used: collections.Counter[str] = collections.Counter()
    foreign: collections.Counter[str] = collections.Counter()
    for pid, (cmd, t1) in after.items():
        t0 = before.get(pid, (cmd, 0.0))[1]
        delta = max(0.0, t1 - t0)
        if delta <= 0:
            continue
        group = next((g for g, pids in groups.items() if pid in pids), None)
        if group is None:
            name = cmd.split()[0].rsplit("/", 1)[-1] if cmd else "?"
            group = "postgres" if "postgres" in cmd else "redis" if "redis" in name else "other"
            if group == "other":
                foreign[cmd[:80]] += delta
        used[group] += delta
    return {
        "window_s": round(seconds, 1),
        "cores_busy": {g: round(v / seconds, 2) for g, v in used.most_common()},
        "other_processes": {c: round(v / seconds, 2) for c, v in foreign.most_common(4)},
    }


# -- profiling --------------------------------------------------------------------------------

CATEGORIES = [  # (label, substrings of a frame); the first category found on the stack wins
    ("shared rate limits (a vote's budget check)", ("RateLimits.check",)),
    (
        "owner relay (realtime/owners.py: hand-over, seal, publish, receive)",
        ("realtime/owners.py",),
    ),
    (
        "Redis commands, pipelined (backend/core/redis_wire.py: writes, replies)",
        ("redis_wire.py",),
    ),
    (
        "hub pub/sub (events and tallies: publish, receive, parse)",
        ("realtime/hub.py", "broadcaster", "redis/"),
    ),
    (
        "DB batch: group-commit writer (SQL, asyncpg, hashing the chain)",
        ("realtime/writer.py", "realtime/log.py"),
    ),
    (
        "principal / JWT (token decode, load_grants)",
        ("_resolve_principal", "decode_access_token", "load_grants", "/jwt/", "_voter"),
    ),
    (
        "read transactions (schema/context.py Reader, poll→meeting lookup)",
        ("schema/context.py", "poll_meeting"),
    ),
    (
        "paced tallies to watchers (a cost per second, not per vote)",
        ("_emit_live", "realtime/coalesce.py"),
    ),
    (
        "votes over the socket (realtime/ws/: coerce, castVote handler, answer)",
        ("run_operation", "execute_direct", "execute_once", "_cast_vote"),
    ),
    (
        "background: timers, head checks, keepalive pings (per second)",
        ("timers.py", "_check_heads", "send_keepalive_ping", "_sweep", "reminders.py"),
    ),
    (
        "live fan-out otherwise (feeds, frames to watchers)",
        ("realtime/feeds.py", "realtime/ws/"),
    ),
    (
        "GraphQL execution (strawberry incl. its extensions, graphql-core)",
        ("strawberry/", "graphql/"),
    ),
    ("DB driver / SQLAlchemy (other)", ("sqlalchemy/", "asyncpg/")),
    (
        "HTTP / websocket protocol + ASGI (uvicorn, websockets, starlette, middleware)",
        ("uvicorn/protocols", "starlette/", "h11/", "httptools", "observability.py", "websockets/"),
    ),
    ("event loop / other", ("",)),
]


UNATTRIBUTED = "unattributed: the event loop's own frame only (native work, partial stacks)"


def summarize_profile(path: Path) -> dict[str, Any]:
    """Share of the sampled worker's CPU per category (py-spy's raw stacks; a stack that
    py-spy could only read in part falls into the category its frames name)."""
    totals: collections.Counter[str] = collections.Counter()
    for line in path.read_text(errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if not count.isdigit():
            continue
        if stack.rsplit(";", 1)[-1].startswith("Runner.run"):
            # Nothing below the event loop's own frame: its native work (select, callbacks
            # in C, socket calls) or a stack py-spy could not read (--nonblocking).
            totals[UNATTRIBUTED] += int(count)
            continue
        for label, needles in CATEGORIES:
            if any(n in stack for n in needles):
                totals[label] += int(count)
                break
    total = sum(totals.values()) or 1
    return {label: round(100 * n / total, 1) for label, n in totals.most_common()} | {
        "samples": total
    }


def start_profiler(pid: int, duration: float, out: Path) -> subprocess.Popen[bytes] | None:
    spy = shutil.which("py-spy") or str(VENV_BIN / "py-spy")
    if not Path(spy).exists():
        log("py-spy not found (pip install py-spy); no profile")
        return None
    return subprocess.Popen(
        [
            spy,
            "record",
            "-p",
            str(pid),
            "-d",
            str(int(duration)),
            "-r",
            "200",
            "--format",
            "raw",
            "-o",
            str(out),
            "--nonblocking",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


# -- main ---------------------------------------------------------------------------------


def percentile(sorted_values: list[float], p: float) -> float:
    if not sorted_values:
        return float("nan")
    k = min(len(sorted_values) - 1, max(0, round(p / 100 * (len(sorted_values) - 1))))
    return sorted_values[k]


async def run(args: argparse.Namespace) -> dict[str, Any]:
    import httpx
    import psutil

    from backend.core.security import encode_access_token

    RESULTS.mkdir(parents=True, exist_ok=True)
    over_ws = args.vote_via == "ws"
    if over_ws:  # the watchers are the voters: one vote each per poll
        voters = args.watchers
        n_polls = args.polls or math.ceil(args.duration * 4000 / max(1, args.watchers)) + 1
        if args.rate and not args.polls:
            n_polls = math.ceil(args.duration * args.rate / max(1, args.watchers)) + 1
    else:
        voters = args.voters or int(args.duration * 4000)
        n_polls = 1
    database = await FreshDatabase(
        os.environ.get("TEST_DATABASE_URL") or "postgresql://postgres@127.0.0.1:5432/postgres"
    ).create()
    url = database.url
    log(f"database {database.name} created and migrated")
    proc = None
    children: list[mp.Process] = []
    try:
        seeded = await seed(url, voters, n_polls)
        log(
            f"seeded county {seeded['tenant_id']}, meeting {seeded['meeting_id']}, "
            f"{n_polls} open poll(s), {voters} voters"
        )
        secret = secrets.token_urlsafe(48)
        broadcast = f"redis://127.0.0.1:6379/{args.redis_db}" if args.workers > 1 else "memory://"
        proc = start_yishi(
            url,
            args.port,
            workers=args.workers,
            secret=secret,
            broadcast_url=broadcast,
            pool_size=args.pool_size,
        )
        base_url = f"http://127.0.0.1:{args.port}"
        await wait_ready(base_url, proc)
        log("server ready")
        meeting = gid("Meeting", seeded["meeting_id"])
        polls = [gid("Poll", pid) for pid in seeded["poll_ids"]]
        poll_db_id = dict(zip(polls, seeded["poll_ids"], strict=True))
        warmup = gid("Poll", seeded["warmup_poll_id"])

        def token(uid: int) -> str:
            return encode_access_token(
                secret=secret, ttl_seconds=7200, tenant_id=seeded["tenant_id"], user_id=uid
            )[0]

        watcher_ids = seeded["voter_ids"][: args.watchers if over_ws else 200]
        ctx = mp.get_context("spawn")
        watcher_pipes = []
        bounds = [
            round(i * args.watchers / args.watcher_procs) for i in range(args.watcher_procs + 1)
        ]
        for lo, hi in itertools.pairwise(bounds):
            if hi == lo:
                continue
            ids = watcher_ids[lo:hi] if over_ws else watcher_ids
            plan = {
                "count": hi - lo,
                "tokens": [token(uid) for uid in ids],
                "voter_ids": ids,
                "meeting": meeting,
                "polls": polls,
                "compression": args.ws_compression,
                "loop": args.client_loop,
                "vote": {
                    "concurrency": args.concurrency,
                    "duration": args.duration,
                    "warmup": warmup,
                    "rate": args.rate * (hi - lo) / args.watchers if args.rate else None,
                }
                if over_ws
                else None,
            }
            parent, child = ctx.Pipe()
            p = ctx.Process(
                target=watcher_process,
                args=(child, base_url.replace("http", "ws") + "/graphql", plan),
                daemon=True,
            )
            p.start()
            children.append(p)
            watcher_pipes.append(parent)
        ready = 0
        t_watch = time.monotonic()
        for pipe in watcher_pipes:
            if pipe.poll(240):
                ready += pipe.recv()[1]
        log(f"{ready}/{args.watchers} watchers subscribed in {time.monotonic() - t_watch:.1f}s")
        await asyncio.sleep(3.0)  # let the server finish joining them to the meeting's feed

        vote_pipes = []
        if over_ws:
            vote_pipes = watcher_pipes
        else:  # HTTP voting clients, each with its own slice of voters
            for i in range(args.clients):
                parent, child = ctx.Pipe()
                p = ctx.Process(
                    target=vote_process,
                    args=(
                        child,
                        base_url,
                        secret,
                        seeded["tenant_id"],
                        polls[0],
                        warmup,
                        seeded["voter_ids"][i :: args.clients],
                        args.concurrency,
                        args.duration,
                        args.http,
                        args.client_loop,
                    ),
                    daemon=True,
                )
                p.start()
                children.append(p)
                vote_pipes.append(parent)
            # Start the clock once every client has minted its tokens and warmed up.
            for pipe in vote_pipes:
                if not pipe.poll(300):
                    raise RuntimeError("a vote client did not get ready")
                pipe.recv()
        start_at = time.time() + 0.5
        for pipe in vote_pipes:
            pipe.send(start_at)
        await asyncio.sleep(max(0.0, start_at - time.time()))
        relay_before = await relay_counters(base_url)
        load_before = os.getloadavg()
        cpu_before, t_cpu = cpu_snapshot(), time.time()
        worker_pids = serving_pids(proc)
        profiles: dict[int, Path] = {}
        spies: list[subprocess.Popen[bytes]] = []
        if args.profile:
            stamp = time.strftime("%Y%m%d-%H%M%S")
            await asyncio.sleep(1.0)  # into the steady state
            for n, pid in enumerate(worker_pids if args.profile_all else worker_pids[:1]):
                profiles[pid] = RESULTS / f"live_vote-profile-{stamp}-w{n}.txt"
                spy = start_profiler(pid, args.duration - 3, profiles[pid])
                if spy is not None:
                    spies.append(spy)
            log(f"py-spy sampling worker(s) {list(profiles)} (of {worker_pids})")
        results = []
        for pipe in vote_pipes:
            if pipe.poll(args.duration + 120 + voters / 10000):
                message = pipe.recv()
                results.append(message[1] if over_ws else message)
        cpu_after = cpu_snapshot()
        roles = await worker_roles(url, worker_pids)
        relay_after = await relay_counters(base_url)
        server_pids = {
            proc.pid,
            *(c.pid for c in psutil.Process(proc.pid).children(recursive=True)),
        }
        watcher_pids = {p.pid for p in children[: len(watcher_pipes)]}
        client_pids = {p.pid for p in children[len(watcher_pipes) :]}
        cpu = cpu_breakdown(
            cpu_before,
            cpu_after,
            {
                "server workers": server_pids,
                "watcher clients (voting too)" if over_ws else "watcher clients": watcher_pids,
                "vote clients": client_pids,
                "bench main": {os.getpid()},
            },
            time.time() - t_cpu,
        )
        cpu["load_average_before"] = [round(x, 2) for x in load_before]
        cpu["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
        log(f"voting done ({len(results)}/{len(vote_pipes)} clients reported)")

        closed = {}
        async with httpx.AsyncClient(base_url=base_url, timeout=60) as http:
            admin_token = token(seeded["admin_id"])
            for poll in polls:
                closed[poll] = (
                    await http.post(
                        "/graphql",
                        json={
                            "query": "mutation($p: ID!) { closePoll(pollId: $p) { "
                            "poll { counts totalVotes } errors { code } } }",
                            "variables": {"p": poll},
                        },
                        headers={"Authorization": f"Bearer {admin_token}"},
                    )
                ).json()["data"]["closePoll"]
        log(f"{len(closed)} poll(s) closed; first: {closed[polls[0]]}")
        for pipe in watcher_pipes:
            pipe.send("closed")
        watch_reports = []
        for pipe in watcher_pipes:
            if pipe.poll(120):
                watch_reports.append(pipe.recv()[1])
        for spy in spies:
            spy.wait(60)
        db = await stored(url, seeded["tenant_id"], seeded["poll_ids"])
    finally:
        for p in children:
            p.join(5)
            if p.is_alive():
                p.terminate()
        if proc is not None:
            stop_process(proc)
        if not args.keep_db:
            await database.drop()

    # -- figures ---------------------------------------------------------------------------
    latencies = sorted(x for r in results for x in r["latencies"])
    done_at = sorted(x for r in results for x in r["done_at"])
    acked = {(poll_db_id[poll], uid) for r in results for poll, uid in r["acked"]}
    acked_count = sum(len(r["acked"]) for r in results)
    outcomes: collections.Counter[str] = collections.Counter()
    for r in results:
        outcomes.update(r["outcomes"])
    window = (done_at[-1] - start_at) if done_at else float("nan")
    by_second: dict[int, list[float]] = collections.defaultdict(list)
    for r in results:
        for t, latency in zip(r["done_at"], r["latencies"], strict=True):
            by_second[int(t - start_at)].append(latency)
    p99_per_second = [
        round(1000 * percentile(sorted(by_second.get(i, [])), 99), 1)
        for i in range(int(window) + 1 if done_at else 0)
    ]
    per_second = collections.Counter(int(t - start_at) for t in done_at)
    full_seconds = [per_second.get(s, 0) for s in range(1, max(1, int(args.duration)) - 1)]
    lost = len(acked - db["votes"])
    unacked_stored = len(db["votes"] - acked)
    watchers_exact = 0
    polls_all_exact = 0
    watchers_total = 0
    inexact: list[Any] = []
    exact_per_poll: collections.Counter[str] = collections.Counter()
    for rep in watch_reports:
        watchers_total += rep["watchers"]
        for poll, counts, total, n in rep["lasts"]:
            pid = poll_db_id[poll]
            if counts == db["counts"][pid] and total == db["totals"][pid]:
                exact_per_poll[poll] += n
            else:
                inexact.append({"poll": pid, "counts": counts, "total": total, "watchers": n})
    reported_ok = sum(rep["watchers"] - rep["failed"] for rep in watch_reports)
    polls_all_exact = sum(1 for poll in polls if exact_per_poll[poll] == reported_ok)
    watchers_exact = min((exact_per_poll[poll] for poll in polls), default=0)
    poll_rows_match = all(
        db["poll_rows"][pid]["counts"] == db["counts"][pid]
        and db["poll_rows"][pid]["total"] == db["totals"][pid]
        for pid in seeded["poll_ids"]
    )
    report = {
        "command": " ".join(sys.argv),
        "machine": {"cpus": os.cpu_count()},
        "config": {
            "vote_via": args.vote_via,
            "client_loop": args.client_loop,
            "workers": args.workers,
            "watchers": args.watchers,
            "duration_s": args.duration,
            "voters": voters,
            "polls": n_polls,
            "vote_clients": 0 if over_ws else args.clients,
            "concurrency_per_client": args.concurrency,
            "votes_in_flight": args.concurrency * len(vote_pipes),
            "offered_votes_per_s": args.rate or None,
            "http_client": None if over_ws else args.http,
            "ws_compression": args.ws_compression,
            "watcher_procs": args.watcher_procs,
            "db_pool_size": args.pool_size,
            "profile": args.profile,
        },
        "votes": {
            "acknowledged": acked_count,
            "stored": db["rows"],
            "lost": lost,
            "double": db["doubles"],
            "stored_not_acknowledged": unacked_stored,
            "vote_cast_events": db["vote_events"],
            "outcomes": dict(outcomes),
            "group_commit_batches": db["batches"],
            "mean_batch": round(db["vote_events"] / db["batches"], 1) if db["batches"] else None,
            "durable_votes_per_s": round(acked_count / window, 1) if done_at else 0,
            "per_second": [per_second.get(i, 0) for i in range(int(window) + 1)] if done_at else [],
            "p99_ms_per_second": p99_per_second,
            "slowest_full_second": min(full_seconds) if full_seconds else None,
            "fastest_full_second": max(full_seconds) if full_seconds else None,
            "latency_ms": {
                "p50": round(1000 * percentile(latencies, 50), 2),
                "p90": round(1000 * percentile(latencies, 90), 2),
                "p99": round(1000 * percentile(latencies, 99), 2),
                "max": round(1000 * latencies[-1], 2) if latencies else None,
                "mean": round(1000 * statistics.fmean(latencies), 2) if latencies else None,
            },
        },
        "tally": {
            "polls": n_polls,
            "poll_counters_equal_vote_rows": poll_rows_match,
            "first_poll": {
                "stored_counts": db["counts"][seeded["poll_ids"][0]],
                "poll_row": db["poll_rows"][seeded["poll_ids"][0]],
                "close_payload": closed[polls[0]],
            },
        },
        "cpu": cpu,
        "watchers": {
            "subscribed": ready,
            "reported": watchers_total,
            "failed": sum(r["failed"] for r in watch_reports),
            "got_every_poll_closed": sum(r["closed"] for r in watch_reports),
            "ended_on_exact_tally_of_every_poll": watchers_exact,
            "polls_where_every_watcher_is_exact": polls_all_exact,
            "messages": sum(r["messages"] for r in watch_reports),
            "inexact_last_values": inexact[:10],
            "errors": [e for r in watch_reports for e in r["errors"]][:5],
        },
    }
    # CPU seconds per process over the voting window, per 1,000 acknowledged votes: what a
    # vote costs each worker (the owner writes every vote; another worker hands its
    # sockets' votes over), robust to a shared machine's noise in a way votes/s is not.
    per_worker = []
    for pid in worker_pids:
        seconds = max(0.0, cpu_after.get(pid, ("", 0.0))[1] - cpu_before.get(pid, ("", 0.0))[1])
        per_worker.append(
            {
                "pid": pid,
                "role": roles.get(pid, "worker"),
                "cpu_s": round(seconds, 2),
                "cpu_s_per_1000_votes": round(1000 * seconds / acked_count, 3)
                if acked_count
                else None,
            }
        )
    groups = {"watcher clients (voting too)" if over_ws else "watcher clients": watcher_pids}
    for label, pids in groups.items():
        seconds = sum(
            max(0.0, cpu_after.get(p, ("", 0.0))[1] - cpu_before.get(p, ("", 0.0))[1]) for p in pids
        )
        per_worker.append(
            {
                "pid": None,
                "role": label,
                "cpu_s": round(seconds, 2),
                "cpu_s_per_1000_votes": round(1000 * seconds / acked_count, 3)
                if acked_count
                else None,
            }
        )
    report["cpu"]["per_process"] = per_worker
    if relay_before is not None and relay_after is not None:
        relay = {k: relay_after.get(k, 0) - relay_before.get(k, 0) for k in relay_after}
        handed = relay.get("yishi_owner_handed_over_total", 0)
        requests = relay.get('yishi_owner_relay_messages_total{what="request"}', 0)
        replies = relay.get('yishi_owner_relay_messages_total{what="reply"}', 0)
        report["relay"] = {
            "handed_over": handed,
            "share_of_votes_handed_over": round(handed / acked_count, 3) if acked_count else None,
            "request_messages": requests,
            "reply_messages": replies,
            "votes_per_request_message": round(handed / requests, 1) if requests else None,
            "votes_per_reply_message": round(handed / replies, 1) if replies else None,
        }
    if profiles:
        per_1000 = {row["pid"]: row["cpu_s_per_1000_votes"] for row in per_worker}
        report["profile"] = {}
        for pid, out in profiles.items():
            if not out.exists():
                continue
            shares = summarize_profile(out)
            # The worker's CPU per 1,000 votes split by the profile's shares: comparable
            # between runs of one offered rate and duration (the per-second costs equal).
            cost = per_1000.get(pid) or 0.0
            report["profile"][str(pid)] = {
                "role": roles.get(pid, "worker"),
                "file": str(out.relative_to(ROOT)),
                "share_of_worker_cpu_percent": shares,
                "cpu_ms_per_1000_votes": {
                    label: round(10 * share * cost, 1)
                    for label, share in shares.items()
                    if label != "samples"
                },
            }
    return report


RELAY_COUNTERS = (
    "yishi_owner_handed_over_total",
    "yishi_owner_served_total",
    'yishi_owner_relay_messages_total{what="request"}',
    'yishi_owner_relay_messages_total{what="reply"}',
)


async def relay_counters(base_url: str) -> dict[str, float] | None:
    """The owner relay's counters, summed over the workers (/metrics); None if the code
    under test has none."""
    import httpx

    try:
        async with httpx.AsyncClient(base_url=base_url, timeout=30) as http:
            text = (await http.get("/metrics")).text
    except httpx.HTTPError:
        return None
    found = {}
    for line in text.splitlines():
        name, _, value = line.rpartition(" ")
        if name in RELAY_COUNTERS:
            found[name] = float(value)
    return found or None


async def worker_roles(url: str, pids: list[int]) -> dict[int, str]:
    """Which serving process owns the meeting's stream: the one whose lease connection
    (application_name yishi-stream-owner) holds an advisory lock, found by its local port."""
    import asyncpg
    import psutil

    if len(pids) < 2:
        return {pid: "only worker" for pid in pids}
    conn = await asyncpg.connect(pg_dsn(url))
    try:
        ports = {
            r["client_port"]
            for r in await conn.fetch(
                "SELECT a.client_port FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
                "WHERE l.locktype = 'advisory' AND l.granted "
                "AND a.application_name = 'yishi-stream-owner'"
            )
        }
    finally:
        await conn.close()
    roles = {}
    for pid in pids:
        try:
            local = {c.laddr.port for c in psutil.Process(pid).net_connections("tcp") if c.laddr}
        except psutil.Error:
            local = set()
        roles[pid] = "owner" if local & ports else "non-owner"
    return roles


def main() -> None:
    raise_fd_limit()  # thousands of sockets on both ends (inherited by the server)
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workers", type=int, default=1, help="server worker processes")
    parser.add_argument("--watchers", type=int, default=5000, help="websocket watchers")
    parser.add_argument("--watcher-procs", type=int, default=4, help="processes holding watchers")
    parser.add_argument("--duration", type=float, default=30.0, help="seconds of voting")
    parser.add_argument(
        "--vote-via",
        choices=["ws", "http"],
        default="ws",
        help="ws: the watchers vote over their meeting socket, one vote each per poll; "
        "http: separate client processes POST castVote to /graphql",
    )
    parser.add_argument("--polls", type=int, default=0, help="ws: polls (default: enough)")
    parser.add_argument(
        "--rate",
        type=float,
        default=0.0,
        help="ws: offer this many votes/s in all, open loop (default: closed loop, "
        "--concurrency in flight); at a rate every configuration sustains, CPU per vote "
        "compares the same work (the tallies' frames are paced per second, not per vote)",
    )
    parser.add_argument("--voters", type=int, default=0, help="http: voters (4000 × duration)")
    parser.add_argument("--clients", type=int, default=2, help="http: vote client processes")
    parser.add_argument(
        "--concurrency",
        type=int,
        default=10,
        help="votes in flight per voting process (watcher process for ws, client for http)",
    )
    parser.add_argument(
        "--ws-compression",
        choices=["deflate", "none"],
        default="deflate",
        help="watchers offer permessage-deflate (as browsers do) or not",
    )
    parser.add_argument(
        "--http",
        choices=["httpx", "raw"],
        default="httpx",
        help="vote client: httpx (keep-alive pool) or a minimal raw HTTP/1.1 one",
    )
    parser.add_argument(
        "--client-loop",
        choices=["uvloop", "asyncio"],
        default="uvloop",
        help="event loop of the client processes (the server runs on uvicorn's, uvloop)",
    )
    parser.add_argument("--port", type=int, default=18765)
    parser.add_argument("--redis-db", type=int, default=11, help="Redis database for --workers > 1")
    parser.add_argument("--pool-size", type=int, default=20, help="DB_POOL_SIZE of each worker")
    parser.add_argument("--profile", action="store_true", help="py-spy one worker while voting")
    parser.add_argument(
        "--profile-all", action="store_true", help="with --profile: py-spy every worker"
    )
    parser.add_argument("--keep-db", action="store_true", help="do not drop the database")
    args = parser.parse_args()
    report = asyncio.run(run(args))
    v, w, t = report["votes"], report["watchers"], report["tally"]
    print()
    print(
        f"durable votes/s:     {v['durable_votes_per_s']}  (slowest full second "
        f"{v['slowest_full_second']}, fastest {v['fastest_full_second']})"
    )
    print(f"votes per second:    {v['per_second']}")
    print(f"p99 ms per second:   {v['p99_ms_per_second']}")
    print(
        f"latency ms:          p50 {v['latency_ms']['p50']}  p99 {v['latency_ms']['p99']}  "
        f"max {v['latency_ms']['max']}"
    )
    print(
        f"acknowledged/stored: {v['acknowledged']}/{v['stored']}  lost {v['lost']}  double "
        f"{v['double']}  stored-but-unacknowledged {v['stored_not_acknowledged']}"
    )
    print(
        f"outcomes:            {v['outcomes']}  (group commits: {v['group_commit_batches']}, "
        f"mean {v['mean_batch']} votes each)"
    )
    first = t["first_poll"]
    print(
        f"final tally:         poll 1 of {t['polls']}: {first['stored_counts']} (poll row "
        f"{first['poll_row']}); every poll's counters equal its vote rows: "
        f"{t['poll_counters_equal_vote_rows']}"
    )
    print(
        f"watchers:            {w['ended_on_exact_tally_of_every_poll']}/{w['subscribed']} ended "
        f"on the exact tally of every poll ({w['polls_where_every_watcher_is_exact']}/"
        f"{t['polls']} polls exact for all), {w['got_every_poll_closed']} got every "
        f"poll.closed, {w['failed']} failed, {w['messages']} messages"
    )
    c = report["cpu"]
    print(
        f"cores busy (of {os.cpu_count()}): {c['cores_busy']}  load {c['load_average_before']}"
        f" → {c['load_average_after']}"
    )
    if c["other_processes"]:
        print(f"  not ours:          {c['other_processes']}")
    for row in c["per_process"]:
        print(
            f"  CPU {row['role']:<30} {row['cpu_s']:>7} s   "
            f"{row['cpu_s_per_1000_votes']} s per 1,000 votes"
        )
    if "relay" in report:
        print(f"relay:               {report['relay']}")
    for pid, prof in report.get("profile", {}).items():
        print(f"worker {pid} ({prof['role']}) CPU (py-spy, {prof['file']}):")
        ms = prof["cpu_ms_per_1000_votes"]
        for label, share in prof["share_of_worker_cpu_percent"].items():
            if label == "samples":
                print(f"  {share} samples")
            else:
                print(f"  {share:>6} %  {ms[label]:>7} ms per 1,000 votes  {label}")
    out = RESULTS / f"live_vote-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.write_text(json.dumps(report, ensure_ascii=False, indent=2))
    print(f"saved {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
