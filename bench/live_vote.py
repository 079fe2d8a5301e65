"""Live vote benchmark: durable votes/s, vote latency and exact live tallies for watchers.

    .venv/bin/python bench/live_vote.py --workers 2 --watchers 5000 --duration 30
    .venv/bin/python bench/live_vote.py --watchers 500 --duration 10          # a quick one
    .venv/bin/python bench/live_vote.py --profile ...                         # + py-spy

What it does, everything on 127.0.0.1 and bounded in time:

1. creates a fresh database on the PostgreSQL server of TEST_DATABASE_URL (else
   postgresql://postgres@127.0.0.1:5432/postgres) and migrates it;
2. seeds a county, a live 述职报告会, an open poll (3 options, REGISTERED voters) and V
   voters (users + participants inserted with SQL, for speed);
3. starts the service as a subprocess: `.venv/bin/yishi serve --workers N`, with that
   DATABASE_URL, a random JWT_SECRET and, for N > 1, BROADCAST_URL=redis://127.0.0.1:6379/<db>;
4. starts W websocket watchers (graphql-transport-ws, in separate client processes), all
   subscribed to meetingLive of the meeting;
5. for --duration seconds, client processes cast votes through POST /graphql (httpx with
   keep-alive, --concurrency requests in flight per process), each voter exactly once,
   with access tokens minted with the server's secret (backend.security.encode_access_token);
6. closes the poll, then reports: durable votes/s (acknowledged votes / voting window, and
   the slowest full second), p50/p99 latency, acknowledged vs stored votes (lost: acked but
   not stored; double: stored twice — impossible by the unique key, checked anyway), and
   whether every watcher's last PollTally/PollUpdate equals the stored counts;
7. with --profile, samples one worker with py-spy during the voting window and says where
   its CPU time went (GraphQL execution, principal/JWT loading, the DB batch, HTTP, …).

Results are printed and saved as JSON in bench/results/.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import contextlib
import json
import multiprocessing as mp
import os
import random
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "bench" / "results"
VENV_BIN = ROOT / ".venv" / "bin"
SERVER_LOG = Path(tempfile.gettempdir()) / "yishi-bench-server.log"
OPTIONS = ["同意", "不同意", "弃权"]

VOTE = (
    "mutation($p: ID!, $c: [Int!]!, $k: String!) { castVote(pollId: $p, choices: $c, "
    "idempotencyKey: $k) { accepted duplicate errors { code } } }"
)
LIVE = """subscription($m: ID!, $after: Int) { meetingLive(meetingId: $m, after: $after) {
  seq type data { __typename
    ... on PollTally { pollId counts totalVotes }
    ... on PollUpdate { change poll { id counts totalVotes } } } } }"""


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def with_database(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


def pg_dsn(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://", 1)


def gid(type_name: str, db_id: int) -> str:
    from strawberry import relay

    return str(relay.GlobalID(type_name, str(db_id)))


# -- database: create, seed, inspect ------------------------------------------------------


async def create_database(server_url: str) -> tuple[str, str]:
    import asyncpg

    name = f"yishi_bench_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(pg_dsn(server_url))
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    url = with_database(server_url, name)
    from backend.migrate import upgrade

    await upgrade(url)
    return name, url


async def drop_database(server_url: str, name: str) -> None:
    import asyncpg

    admin = await asyncpg.connect(pg_dsn(server_url))
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


async def seed(url: str, voters: int) -> dict[str, Any]:
    """County, admin, a live meeting with an open poll (through the services, so the record
    is as the service writes it), then the voters in bulk with SQL."""
    import asyncpg

    from backend.db import Database
    from backend.meetings import service as meetings
    from backend.meetings.models import Eligibility, MeetingKind, MeetingMode, PollKind
    from backend.people import service as people
    from backend.people.models import Membership, Role, User
    from backend.security import Principal
    from tenants import service as tenants

    db = Database(owner_url=url, pool_size=2)
    try:
        async with db.platform_transaction() as session:
            tenant = await tenants.create_tenant(
                session,
                Principal(tenant_id=None, operator_id=0),
                name="压测县",
                slug=f"bench{uuid.uuid4().hex[:8]}",
                division_code=f"{random.randint(100000, 999999)}",
            )
        async with db.transaction(tenant_id=tenant.id) as session:
            root = await tenants.root_unit(session)
            admin = User(tenant_id=tenant.id, display_name="会务管理员", phone="+8613900000000")
            session.add(admin)
            await session.flush()
            session.add(Membership(tenant_id=tenant.id, user_id=admin.id, role=Role.TENANT_ADMIN))
        async with db.transaction(tenant_id=tenant.id) as session:
            _, name, grants = await people.load_grants(session, admin.id)
        principal = Principal(
            tenant_id=tenant.id, user_id=admin.id, grants=grants, display_name=name
        )
        from datetime import UTC, datetime

        async with db.transaction(tenant_id=tenant.id, user_id=admin.id) as session:
            meeting = await meetings.create_meeting(
                session,
                principal,
                kind=MeetingKind.WORK_REPORT,
                mode=MeetingMode.ONLINE,
                title="压测：年度述职报告会",
                description=None,
                host_unit_id=root.id,
                venue_id=None,
                starts_at=datetime.now(UTC),
                ends_at=None,
                capacity=None,
            )
        async with db.transaction(tenant_id=tenant.id, user_id=admin.id) as session:
            await meetings.change_state(session, principal, meeting_id=meeting.id, action="start")
            poll = await meetings.create_poll(
                session,
                principal,
                meeting_id=meeting.id,
                question="是否同意该述职报告",
                kind=PollKind.SINGLE,
                options=OPTIONS,
                max_choices=None,
                eligibility=Eligibility.REGISTERED,
            )
            warmup = await meetings.create_poll(  # warms connections and caches, not measured
                session,
                principal,
                meeting_id=meeting.id,
                question="试投票",
                kind=PollKind.SINGLE,
                options=OPTIONS,
                max_choices=None,
                eligibility=Eligibility.REGISTERED,
            )
        async with db.transaction(tenant_id=tenant.id, user_id=admin.id) as session:
            await meetings.open_poll(session, principal, poll_id=poll.id)
            await meetings.open_poll(session, principal, poll_id=warmup.id)
    finally:
        await db.dispose()

    conn = await asyncpg.connect(pg_dsn(url))
    try:
        ids = await conn.fetch(
            "INSERT INTO users (tenant_id, display_name, phone) "
            "SELECT $1, '投票人' || g, '+8613' || lpad(g::text, 9, '0') FROM generate_series(1, $2) g "
            "RETURNING id",
            tenant.id,
            voters,
        )
        await conn.execute(
            "INSERT INTO meeting_participants (tenant_id, meeting_id, user_id, role, invited) "
            "SELECT $1, $2, u.id, 'REPRESENTATIVE', true FROM users u "
            "WHERE u.tenant_id = $1 AND u.id <> $3",
            tenant.id,
            meeting.id,
            admin.id,
        )
        head = await conn.fetchval(
            "SELECT last_seq FROM event_streams WHERE tenant_id = $1 AND stream = $2",
            tenant.id,
            f"meeting:{meeting.id}",
        )
        await conn.execute("ANALYZE")
    finally:
        await conn.close()
    return {
        "tenant_id": tenant.id,
        "admin_id": admin.id,
        "meeting_id": meeting.id,
        "poll_id": poll.id,
        "warmup_poll_id": warmup.id,
        "voter_ids": [r["id"] for r in ids],
        "head": head,
    }


async def stored(url: str, tenant_id: int, poll_id: int) -> dict[str, Any]:
    import asyncpg

    conn = await asyncpg.connect(pg_dsn(url))
    try:
        rows = await conn.fetch(
            "SELECT user_id, choices FROM votes WHERE tenant_id = $1 AND poll_id = $2",
            tenant_id,
            poll_id,
        )
        poll = await conn.fetchrow(
            "SELECT counts, total_votes, state FROM polls WHERE id = $1", poll_id
        )
        events, batches = await conn.fetchrow(
            "SELECT count(*), count(DISTINCT created_at) FROM events WHERE tenant_id = $1 "
            "AND type = 'vote.cast' AND (payload->>'pollId')::bigint = $2",
            tenant_id,
            poll_id,
        )
    finally:
        await conn.close()
    counts = [0] * len(OPTIONS)
    for r in rows:
        for c in r["choices"]:
            counts[c] += 1
    per_user = collections.Counter(r["user_id"] for r in rows)
    return {
        "users": set(per_user),
        "doubles": sum(1 for n in per_user.values() if n > 1),
        "rows": len(rows),
        "counts": counts,
        "poll_counts": json.loads(poll["counts"]),
        "poll_total": poll["total_votes"],
        "poll_state": poll["state"],
        "vote_events": events,
        "batches": batches,
    }


# -- the service --------------------------------------------------------------------------


def start_server(
    url: str, port: int, workers: int, secret: str, redis_db: int, pool_size: int
) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "JWT_SECRET": secret,
        "LOG_LEVEL": "WARNING",
        "ENVIRONMENT": "development",
        "DB_POOL_SIZE": str(pool_size),
    }
    env["BROADCAST_URL"] = f"redis://127.0.0.1:6379/{redis_db}" if workers > 1 else "memory://"
    command = [
        str(VENV_BIN / "yishi"),
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(workers),
    ]
    log(f"starting: {' '.join(command)} (BROADCAST_URL={env['BROADCAST_URL']})")
    return subprocess.Popen(
        command,
        env=env,
        cwd=ROOT,
        start_new_session=True,
        stdout=open(SERVER_LOG, "wb"),
        stderr=subprocess.STDOUT,
    )


def stop_server(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)  # the group this script started
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(10)


async def wait_ready(base_url: str, proc: subprocess.Popen[bytes], limit: float = 60) -> None:
    import httpx

    deadline = time.monotonic() + limit
    async with httpx.AsyncClient(base_url=base_url, timeout=2) as http:
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise RuntimeError(f"server exited ({proc.returncode}); see {SERVER_LOG}")
            with contextlib.suppress(httpx.HTTPError):
                if (await http.get("/readyz")).status_code == 200:
                    return
            await asyncio.sleep(0.2)
    raise RuntimeError("server not ready in time")


def worker_pids(proc: subprocess.Popen[bytes]) -> list[int]:
    import psutil

    workers = [
        c.pid
        for c in psutil.Process(proc.pid).children(recursive=True)
        if "spawn_main" in " ".join(c.cmdline())
    ]  # not the resource tracker
    return workers or [proc.pid]  # --workers 1: uvicorn serves in the main process


# -- watcher processes --------------------------------------------------------------------


def watcher_process(
    conn: Any, ws_url: str, tokens: list[str], meeting: str, poll: str, count: int, compression: str
) -> None:
    asyncio.run(_watchers(conn, ws_url, tokens, meeting, poll, count, compression))


async def _watchers(
    conn: Any, ws_url: str, tokens: list[str], meeting: str, poll: str, count: int, compression: str
) -> None:
    import orjson
    import websockets

    states: list[dict[str, Any]] = []
    sockets: list[Any] = []
    gate = asyncio.Semaphore(50)

    async def watch(i: int) -> None:
        state: dict[str, Any] = {"last": None, "closed": False, "messages": 0, "error": None}
        try:
            async with gate:
                ws = await websockets.connect(
                    ws_url,
                    subprotocols=["graphql-transport-ws"],
                    open_timeout=60,
                    ping_interval=None,
                    max_size=None,
                    compression="deflate" if compression == "deflate" else None,
                )
                sockets.append(ws)
                await ws.send(
                    orjson.dumps(
                        {
                            "type": "connection_init",
                            "payload": {"Authorization": f"Bearer {tokens[i % len(tokens)]}"},
                        }
                    ).decode()
                )
                ack = orjson.loads(await asyncio.wait_for(ws.recv(), 60))
                if ack.get("type") != "connection_ack":
                    raise RuntimeError(f"no ack: {ack}")
                await ws.send(
                    orjson.dumps(
                        {
                            "id": "1",
                            "type": "subscribe",
                            "payload": {"query": LIVE, "variables": {"m": meeting}},
                        }
                    ).decode()
                )  # live from now
            states.append(state)
            async for raw in ws:
                message = orjson.loads(raw)
                if message.get("type") != "next":
                    state["error"] = str(message)[:200]
                    continue
                state["messages"] += 1
                data = message["payload"]["data"]["meetingLive"]["data"]
                if data["__typename"] == "PollTally" and data["pollId"] == poll:
                    state["last"] = (tuple(data["counts"]), data["totalVotes"])
                elif data["__typename"] == "PollUpdate" and data["poll"]["id"] == poll:
                    state["last"] = (tuple(data["poll"]["counts"]), data["poll"]["totalVotes"])
                    if data["change"] == "CLOSED":
                        state["closed"] = True
        except Exception as exc:  # a failed watcher is reported, not fatal
            state["error"] = f"{type(exc).__name__}: {exc}"[:200]
            if state not in states:
                states.append(state)

    tasks = [asyncio.create_task(watch(i)) for i in range(count)]
    deadline = time.monotonic() + 180
    while len(states) < count and time.monotonic() < deadline:
        await asyncio.sleep(0.2)
    conn.send(("ready", sum(1 for s in states if s["error"] is None)))
    # Wait for the main process to close the poll (bounded).
    while not conn.poll() and time.monotonic() < deadline + 600:
        await asyncio.sleep(0.1)
    if conn.poll():
        conn.recv()
    # Every watcher should now get poll.closed; then a quiet spell for any trailing tally.
    limit = time.monotonic() + 60
    while time.monotonic() < limit and not all(s["closed"] or s["error"] for s in states):
        await asyncio.sleep(0.1)
    await asyncio.sleep(2.0)
    for ws in sockets:
        with contextlib.suppress(Exception):
            await ws.close()
    for t in tasks:
        t.cancel()
    lasts = collections.Counter(s["last"] for s in states if s["error"] is None)
    conn.send(
        (
            "done",
            {
                "watchers": len(states),
                "errors": [s["error"] for s in states if s["error"]][:5],
                "failed": sum(1 for s in states if s["error"]),
                "closed": sum(1 for s in states if s["closed"]),
                "messages": sum(s["messages"] for s in states),
                "lasts": [
                    [list(k[0]), k[1], n] if k else [None, None, n] for k, n in lasts.items()
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
) -> None:
    asyncio.run(
        _vote(
            conn, base_url, secret, tenant_id, poll, warmup, user_ids, concurrency, duration, http
        )
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

    from backend.security import encode_access_token

    tokens = {
        uid: encode_access_token(secret=secret, ttl_seconds=3600, tenant_id=tenant_id, user_id=uid)[
            0
        ]
        for uid in user_ids
    }
    pending = iter(user_ids)
    latencies: list[float] = []
    done_at: list[float] = []
    acked: list[int] = []
    acked_choices = [0] * len(OPTIONS)
    outcomes: collections.Counter[str] = collections.Counter()
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
                latency = time.perf_counter() - t0
                payload = (result.get("data") or {}).get("castVote")
                if payload is None:
                    outcomes["graphql_error"] += 1
                elif payload["accepted"] and not payload["duplicate"]:
                    outcomes["accepted"] += 1
                    acked.append(uid)
                    acked_choices[choice] += 1
                    latencies.append(latency)
                    done_at.append(time.time())
                else:
                    outcomes["refused:" + ",".join(e["code"] for e in payload["errors"])] += 1

        await asyncio.gather(*[voter(raw) for raw in raws])
    for raw in raws:
        await raw.close()
    conn.send(
        {
            "latencies": latencies,
            "done_at": done_at,
            "acked": acked,
            "acked_choices": acked_choices,
            "outcomes": dict(outcomes),
        }
    )
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
        "live fan-out (feeds, websockets, coalescer, hub)",
        (
            "realtime/feeds.py",
            "realtime/ws.py",
            "realtime/hub.py",
            "realtime/coalesce.py",
            "websockets/",
            "broadcaster",
        ),
    ),
    (
        "GraphQL execution (strawberry incl. its extensions, graphql-core)",
        ("strawberry/", "graphql/"),
    ),
    (
        "HTTP + ASGI (uvicorn, httptools, starlette, middleware)",
        ("uvicorn/", "starlette/", "h11/", "httptools", "observability.py"),
    ),
    ("DB driver / SQLAlchemy (other)", ("sqlalchemy/", "asyncpg/")),
    ("event loop / other", ("",)),
]


def summarize_profile(path: Path) -> dict[str, Any]:
    totals: collections.Counter[str] = collections.Counter()
    for line in path.read_text(errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if not count.isdigit():
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

    RESULTS.mkdir(parents=True, exist_ok=True)
    server_url = (
        os.environ.get("TEST_DATABASE_URL") or "postgresql://postgres@127.0.0.1:5432/postgres"
    )
    voters = args.voters or int(args.duration * 4000)
    db_name, url = await create_database(server_url)
    log(f"database {db_name} created and migrated")
    proc = None
    children: list[mp.Process] = []
    try:
        seeded = await seed(url, voters)
        log(
            f"seeded county {seeded['tenant_id']}, meeting {seeded['meeting_id']}, poll "
            f"{seeded['poll_id']}, {voters} voters"
        )
        secret = secrets.token_urlsafe(48)
        proc = start_server(url, args.port, args.workers, secret, args.redis_db, args.pool_size)
        base_url = f"http://127.0.0.1:{args.port}"
        await wait_ready(base_url, proc)
        log("server ready")
        meeting, poll = gid("Meeting", seeded["meeting_id"]), gid("Poll", seeded["poll_id"])

        from backend.security import encode_access_token

        watcher_tokens = [
            encode_access_token(
                secret=secret, ttl_seconds=7200, tenant_id=seeded["tenant_id"], user_id=uid
            )[0]
            for uid in seeded["voter_ids"][:200]
        ]
        ctx = mp.get_context("spawn")
        watcher_pipes = []
        per = [
            args.watchers // args.watcher_procs
            + (1 if i < args.watchers % args.watcher_procs else 0)
            for i in range(args.watcher_procs)
        ]
        for n in per:
            if n == 0:
                continue
            parent, child = ctx.Pipe()
            p = ctx.Process(
                target=watcher_process,
                args=(
                    child,
                    base_url.replace("http", "ws") + "/graphql",
                    watcher_tokens,
                    meeting,
                    poll,
                    n,
                    args.ws_compression,
                ),
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

        # Voting clients: each gets its own slice of voters.
        slices = [seeded["voter_ids"][i :: args.clients] for i in range(args.clients)]
        vote_pipes = []
        for s in slices:
            parent, child = ctx.Pipe()
            p = ctx.Process(
                target=vote_process,
                args=(
                    child,
                    base_url,
                    secret,
                    seeded["tenant_id"],
                    poll,
                    gid("Poll", seeded["warmup_poll_id"]),
                    s,
                    args.concurrency,
                    args.duration,
                    args.http,
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
        profile_out = None
        spy = None
        await asyncio.sleep(max(0.0, start_at - time.time()))
        load_before = os.getloadavg()
        cpu_before, t_cpu = cpu_snapshot(), time.time()
        if args.profile:
            pids = worker_pids(proc)
            profile_out = RESULTS / f"live_vote-profile-{time.strftime('%Y%m%d-%H%M%S')}.txt"
            await asyncio.sleep(1.0)  # into the steady state
            spy = start_profiler(pids[0], args.duration - 3, profile_out)
            log(f"py-spy sampling worker {pids[0]} (of {pids})")
        results = []
        for pipe in vote_pipes:
            if pipe.poll(args.duration + 120 + voters / 10000):
                results.append(pipe.recv())
        cpu_after = cpu_snapshot()
        import psutil

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
                "vote clients": client_pids,
                "watcher clients": watcher_pids,
                "bench main": {os.getpid()},
            },
            time.time() - t_cpu,
        )
        cpu["load_average_before"] = [round(x, 2) for x in load_before]
        cpu["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
        log(f"voting done ({len(results)}/{len(vote_pipes)} clients reported)")

        async with httpx.AsyncClient(base_url=base_url, timeout=60) as http:
            admin_token = encode_access_token(
                secret=secret,
                ttl_seconds=600,
                tenant_id=seeded["tenant_id"],
                user_id=seeded["admin_id"],
            )[0]
            closed = (
                await http.post(
                    "/graphql",
                    json={
                        "query": "mutation($p: ID!) { closePoll(pollId: $p) { poll { counts totalVotes } "
                        "errors { code } } }",
                        "variables": {"p": poll},
                    },
                    headers={"Authorization": f"Bearer {admin_token}"},
                )
            ).json()
        log(f"poll closed: {closed['data']['closePoll']}")
        for pipe in watcher_pipes:
            pipe.send("closed")
        watch_reports = []
        for pipe in watcher_pipes:
            if pipe.poll(120):
                watch_reports.append(pipe.recv()[1])
        if spy is not None:
            spy.wait(60)
        db = await stored(url, seeded["tenant_id"], seeded["poll_id"])
    finally:
        for p in children:
            p.join(5)
            if p.is_alive():
                p.terminate()
        if proc is not None:
            stop_server(proc)
        if not args.keep_db:
            await drop_database(server_url, db_name)

    # -- figures ---------------------------------------------------------------------------
    latencies = sorted(x for r in results for x in r["latencies"])
    done_at = sorted(x for r in results for x in r["done_at"])
    acked = [u for r in results for u in r["acked"]]
    outcomes: collections.Counter[str] = collections.Counter()
    for r in results:
        outcomes.update(r["outcomes"])
    window = (done_at[-1] - start_at) if done_at else float("nan")
    per_second = collections.Counter(int(t - start_at) for t in done_at)
    full_seconds = [per_second.get(s, 0) for s in range(1, max(1, int(args.duration)) - 1)]
    acked_set = set(acked)
    lost = len(acked_set - db["users"])
    unacked_stored = len(db["users"] - acked_set)
    final = (db["counts"], db["rows"])
    watchers_exact = 0
    watchers_total = 0
    last_values: list[Any] = []
    for rep in watch_reports:
        watchers_total += rep["watchers"]
        for counts, total, n in rep["lasts"]:
            last_values.append({"counts": counts, "total": total, "watchers": n})
            if counts == final[0] and total == final[1]:
                watchers_exact += n
    report = {
        "command": " ".join(sys.argv),
        "machine": {"cpus": os.cpu_count()},
        "config": {
            "workers": args.workers,
            "watchers": args.watchers,
            "duration_s": args.duration,
            "voters": voters,
            "vote_clients": args.clients,
            "concurrency_per_client": args.concurrency,
            "http_client": args.http,
            "ws_compression": args.ws_compression,
            "watcher_procs": args.watcher_procs,
            "db_pool_size": args.pool_size,
            "profile": args.profile,
        },
        "votes": {
            "acknowledged": len(acked),
            "stored": db["rows"],
            "lost": lost,
            "double": db["doubles"],
            "stored_not_acknowledged": unacked_stored,
            "vote_cast_events": db["vote_events"],
            "outcomes": dict(outcomes),
            "group_commit_batches": db["batches"],
            "mean_batch": round(db["vote_events"] / db["batches"], 1) if db["batches"] else None,
            "durable_votes_per_s": round(len(acked) / window, 1) if done_at else 0,
            "per_second": [per_second.get(i, 0) for i in range(int(window) + 1)] if done_at else [],
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
            "stored_counts": db["counts"],
            "poll_row_counts": db["poll_counts"],
            "poll_row_total": db["poll_total"],
            "poll_state": db["poll_state"],
            "close_payload": closed["data"]["closePoll"],
        },
        "cpu": cpu,
        "watchers": {
            "subscribed": ready,
            "reported": watchers_total,
            "failed": sum(r["failed"] for r in watch_reports),
            "got_poll_closed": sum(r["closed"] for r in watch_reports),
            "ended_on_exact_tally": watchers_exact,
            "messages": sum(r["messages"] for r in watch_reports),
            "last_values": last_values[:10],
            "errors": [e for r in watch_reports for e in r["errors"]][:5],
        },
    }
    if profile_out is not None and profile_out.exists():
        report["profile"] = {
            "file": str(profile_out.relative_to(ROOT)),
            "share_of_worker_cpu_percent": summarize_profile(profile_out),
        }
    return report


def raise_file_limit() -> None:
    """Thousands of sockets on both ends: lift the soft limit (inherited by the server)."""
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def main() -> None:
    raise_file_limit()
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workers", type=int, default=2, help="server worker processes")
    parser.add_argument("--watchers", type=int, default=5000, help="websocket watchers")
    parser.add_argument("--watcher-procs", type=int, default=4, help="processes holding watchers")
    parser.add_argument("--duration", type=float, default=30.0, help="seconds of voting")
    parser.add_argument("--voters", type=int, default=0, help="voters (default 4000 × duration)")
    parser.add_argument("--clients", type=int, default=2, help="vote client processes")
    parser.add_argument("--concurrency", type=int, default=32, help="requests in flight per client")
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
    parser.add_argument("--port", type=int, default=18765)
    parser.add_argument("--redis-db", type=int, default=11, help="Redis database for --workers > 1")
    parser.add_argument("--pool-size", type=int, default=20, help="DB_POOL_SIZE of each worker")
    parser.add_argument("--profile", action="store_true", help="py-spy one worker while voting")
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
    print(
        f"final tally:         {t['stored_counts']} (poll row {t['poll_row_counts']}, "
        f"{t['poll_row_total']} votes, {t['poll_state']})"
    )
    print(
        f"watchers:            {w['ended_on_exact_tally']}/{w['subscribed']} ended on the exact "
        f"tally, {w['got_poll_closed']} got poll.closed, {w['failed']} failed, "
        f"{w['messages']} messages"
    )
    c = report["cpu"]
    print(
        f"cores busy (of {os.cpu_count()}): {c['cores_busy']}  load {c['load_average_before']}"
        f" → {c['load_average_after']}"
    )
    if c["other_processes"]:
        print(f"  not ours:          {c['other_processes']}")
    if "profile" in report:
        print("worker CPU (py-spy):")
        for label, share in report["profile"]["share_of_worker_cpu_percent"].items():
            print(f"  {share:>6}  {label}")
    out = RESULTS / f"live_vote-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.write_text(json.dumps(report, ensure_ascii=False, indent=2))
    print(f"saved {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
