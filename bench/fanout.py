"""Fan-out benchmark: one stream, N idle-then-live websocket subscribers.

    .venv/bin/python bench/fanout.py --subscribers 2000              # quick
    .venv/bin/python bench/fanout.py --subscribers 10000 --clients 4
    .venv/bin/python bench/fanout.py --workers 2 ...                 # 2 uvicorn workers + Redis
    .venv/bin/python bench/fanout.py --profile ...                   # + py-spy of the server

What it does, everything on 127.0.0.1 and bounded in count and time:

1. a fresh database (on TEST_DATABASE_URL's server if set, else an embedded pgserver),
   migrated; a county and its admin, seeded through the services; an access token minted
   with the server's (random) JWT secret;
2. `yishi serve` as a subprocess (--workers; with more than one, a private redis-server is
   started for BROADCAST_URL);
3. N subscribers spread over --clients processes, each an asyncio loop holding many
   `websockets` connections: connection_init with the token, then
   `subscription { events(stream: "org") { … } }` (graphql-transport-ws);
4. warm-up: org events are committed until every subscriber has received one (so all have
   joined); server RSS is read before connecting and now → memory per idle subscriber;
5. steady phase: --events createOrgUnit mutations offered at --rate per second by a paced
   producer (open loop: an event is started on schedule whether or not the previous one
   is done, up to --in-flight at once), so both targets are offered the same work; the
   rate each actually committed is read from the events' commit times and a run that
   fell short is marked "not sustained" (its latency then compares different work); every
   subscriber records, per event, receipt time minus the event's `at` (commit time, same
   clock);
6. burst phase: --burst mutations back to back (4 in flight): delivered messages per second
   when the fan-out, not the commit rate, is the limit;
7. the same phases against bench/baseline_server.py (bare Starlette websocket broadcast of
   frames of the same size, no GraphQL/DB/auth) with the same clients, for a ratio.

With --find-rate R1,R2,… the steady and burst phases give way to a ladder: each rate is
offered for --step-seconds and the highest rate a target sustains (≥ 95 % of it committed,
every event delivered, p99 under 1 s) is reported for each, the comparison that holds
when the two cannot be offered the same rate. With --join-only only the connect phase
runs: the join rate (subscribers joined per second) of each, in the same run.

Prints a summary table and saves everything as JSON in bench/results/.
"""

from __future__ import annotations

import argparse
import array
import asyncio
import contextlib
import json
import multiprocessing as mp
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from realtime_common import (
    EVENTS,
    RESULTS,
    VENV_BIN,
    FreshDatabase,
    commit_units,
    free_port,
    log,
    mint_token,
    new_secret,
    open_subscription,
    raise_fd_limit,
    rss_bytes,
    seed_county,
    serving_pids,
    start_process,
    start_redis,
    start_yishi,
    stop_process,
    wait_port,
    wait_ready,
)

# -- subscriber processes -----------------------------------------------------------------


class Subscribers:
    """One client process: `count` websocket subscribers, driven by commands on a pipe."""

    def __init__(
        self, pipe: Any, mode: str, ws_url: str, token: str, count: int, deflate: bool
    ) -> None:
        self.pipe = pipe
        self.mode = mode  # "yishi" (GraphQL over graphql-transport-ws) or "baseline"
        self.ws_url = ws_url
        self.token = token
        self.count = count
        self.deflate = deflate
        self.sockets: list[Any] = []
        self.last: list[int] = [0] * count
        self.seen: list[int] = [0] * count
        self.alive = [False] * count
        self.errors: list[str] = []
        self.failed = 0
        self.dups = 0
        self.gaps = 0
        self.frame_size = 0
        self.seqs = array.array("q")
        self.lats = array.array("d")
        self.at_of: dict[int, float] = {}
        self.started_at = 0.0  # wall clock when the first connection was begun

    async def watch(self, i: int, gate: asyncio.Semaphore) -> None:
        import orjson
        import websockets

        try:
            async with gate:
                ws = await websockets.connect(
                    self.ws_url,
                    subprotocols=["graphql-transport-ws"],
                    open_timeout=300,
                    ping_interval=None,
                    max_size=None,
                    compression="deflate" if self.deflate else None,
                )
                self.sockets.append(ws)
                if self.mode == "yishi":
                    await open_subscription(ws, self.token, EVENTS, {}, ack_wait=300)
            self.alive[i] = True
            from datetime import datetime

            async for raw in ws:
                now = time.time()
                message = orjson.loads(raw)
                if message.get("type") != "next":
                    self.errors.append(str(message)[:200])
                    continue
                event = message["payload"]["data"]["events"]
                seq = event["seq"]
                at = self.at_of.get(seq)
                if at is None:
                    at = self.at_of[seq] = datetime.fromisoformat(event["at"]).timestamp()
                    self.frame_size = len(raw)
                last = self.last[i]
                if seq <= last:
                    self.dups += 1
                    continue
                if last and seq != last + 1:
                    self.gaps += seq - last - 1
                self.last[i] = seq
                self.seen[i] += 1
                self.seqs.append(seq)
                self.lats.append(now - at)
        except Exception as exc:  # reported, not fatal
            self.failed += 1
            self.errors.append(f"{type(exc).__name__}: {exc}"[:200])
        finally:
            self.alive[i] = False

    def status(self) -> dict[str, Any]:
        alive = [i for i in range(self.count) if self.alive[i]]
        return {
            "alive": len(alive),
            "failed": self.failed,
            "seen_any": sum(1 for i in alive if self.seen[i]),
            "min_last": min((self.last[i] for i in alive), default=0),
            "errors": self.errors[:3],
            "started_at": self.started_at,
        }

    async def run(self) -> None:
        loop = asyncio.get_running_loop()
        gate = asyncio.Semaphore(64)
        self.started_at = time.time()
        tasks = [asyncio.create_task(self.watch(i, gate)) for i in range(self.count)]
        deadline = time.monotonic() + 600
        while (sum(self.alive) + self.failed < self.count) and time.monotonic() < deadline:
            await asyncio.sleep(0.1)
        self.pipe.send(("ready", self.status()))
        while True:
            command = await loop.run_in_executor(None, self.pipe.recv)
            if command[0] == "status":
                self.pipe.send(("status", self.status()))
            elif command[0] == "wait":  # until every live subscriber has seq >= target
                _, target, limit = command
                end = time.monotonic() + limit
                while time.monotonic() < end:
                    status = self.status()
                    if status["min_last"] >= target or status["alive"] == 0:
                        break
                    await asyncio.sleep(0.02)
                self.pipe.send(("waited", self.status()))
            elif command[0] == "collect":  # latencies of seqs in [lo, hi]
                _, lo, hi = command
                lats = array.array("d")
                last_receipt = 0.0
                for seq, lat in zip(self.seqs, self.lats, strict=True):
                    if lo <= seq <= hi:
                        lats.append(lat)
                        last_receipt = max(last_receipt, self.at_of[seq] + lat)
                ats = {s: a for s, a in self.at_of.items() if lo <= s <= hi}
                self.pipe.send(
                    (
                        "collected",
                        {
                            "lats": lats.tobytes(),
                            "ats": ats,
                            "last_receipt": last_receipt,
                            "frame_size": self.frame_size,
                            "dups": self.dups,
                            "gaps": self.gaps,
                            **self.status(),
                        },
                    )
                )
            elif command[0] == "close":
                for ws in self.sockets:
                    with contextlib.suppress(Exception):
                        await asyncio.wait_for(ws.close(), 1)
                for t in tasks:
                    t.cancel()
                self.pipe.send(("closed", None))
                return


def subscriber_process(
    pipe: Any, mode: str, ws_url: str, token: str, count: int, deflate: bool
) -> None:
    raise_fd_limit()
    asyncio.run(Subscribers(pipe, mode, ws_url, token, count, deflate).run())


class ClientPool:
    """The client processes, addressed together."""

    def __init__(
        self, mode: str, ws_url: str, token: str, total: int, processes: int, deflate: bool
    ) -> None:
        ctx = mp.get_context("spawn")
        counts = [
            total // processes + (1 if i < total % processes else 0) for i in range(processes)
        ]
        self.pipes = []
        self.procs = []
        for count in counts:
            parent, child = ctx.Pipe()
            proc = ctx.Process(
                target=subscriber_process,
                args=(child, mode, ws_url, token, count, deflate),
                daemon=True,
            )
            proc.start()
            self.pipes.append(parent)
            self.procs.append(proc)

    async def ask(self, *command: Any, limit: float = 900) -> list[Any]:
        loop = asyncio.get_running_loop()
        for pipe in self.pipes:
            pipe.send(command)
        return await asyncio.gather(
            *(
                asyncio.wait_for(loop.run_in_executor(None, _recv, pipe), limit)
                for pipe in self.pipes
            )
        )

    async def ready(self) -> dict[str, Any]:
        loop = asyncio.get_running_loop()
        replies = await asyncio.gather(
            *(asyncio.wait_for(loop.run_in_executor(None, _recv, p), 900) for p in self.pipes)
        )
        return merge_status([r for _, r in replies])

    async def close(self) -> None:
        with contextlib.suppress(Exception):
            await self.ask("close", limit=60)
        for proc in self.procs:
            proc.join(10)
            if proc.is_alive():
                proc.terminate()
                proc.join(5)


def _recv(pipe: Any) -> Any:
    return pipe.recv()


def merge_status(statuses: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "alive": sum(s["alive"] for s in statuses),
        "failed": sum(s["failed"] for s in statuses),
        "seen_any": sum(s["seen_any"] for s in statuses),
        "min_last": min(s["min_last"] for s in statuses),
        "errors": [e for s in statuses for e in s["errors"]][:5],
        "started_at": min(s["started_at"] for s in statuses),
    }


# -- targets: the service, or the baseline ------------------------------------------------


class Target:
    """Where events are committed and how."""

    name = ""
    ws_url = ""
    token = ""
    proc: subprocess.Popen[bytes]
    next_seq = 1

    async def commit(self, seqs: list[int], concurrency: int = 1) -> None:
        raise NotImplementedError

    async def joined(self) -> int:
        """Subscribers the server holds (joined to their group / accepted)."""
        raise NotImplementedError

    def pids(self) -> list[int]:
        return serving_pids(self.proc)


class YishiTarget(Target):
    name = "yishi"

    def __init__(self, base_url: str, token: str, root_gid: str) -> None:
        import httpx

        self.base_url = base_url
        self.ws_url = base_url.replace("http://", "ws://") + "/graphql"
        self.token = token
        self.root_gid = root_gid
        self.http = httpx.AsyncClient(
            base_url=base_url, timeout=120, limits=httpx.Limits(max_connections=8)
        )

    async def commit(self, seqs: list[int], concurrency: int = 1) -> None:
        chunks = [seqs[i::concurrency] for i in range(concurrency)]
        await asyncio.gather(
            *(
                commit_units(self.http, self.token, self.root_gid, [f"压测镇{s}" for s in chunk])
                for chunk in chunks
            )
        )

    async def joined(self) -> int:
        text = (await self.http.get("/metrics")).text
        for line in text.splitlines():
            if line.startswith("yishi_subscribers "):
                return int(float(line.split()[1]))
        return 0


class BaselineTarget(Target):
    name = "baseline"

    def __init__(self, base_url: str, frame_size: int) -> None:
        import httpx

        self.ws_url = base_url.replace("http://", "ws://") + "/ws"
        self.frame_size = frame_size
        self.http = httpx.AsyncClient(
            base_url=base_url, timeout=120, limits=httpx.Limits(max_connections=8)
        )
        self.counter = 0

    async def commit(self, seqs: list[int], concurrency: int = 1) -> None:
        # The server numbers frames in arrival order (as the log numbers events), so
        # concurrent commits of the paced producer stay in sequence; seqs is its count.
        for _ in seqs:
            response = await self.http.post("/broadcast", json={"size": self.frame_size})
            response.raise_for_status()

    async def joined(self) -> int:
        return int((await self.http.get("/readyz")).json()["clients"])


# -- one run against a target -------------------------------------------------------------


def percentile(sorted_values: list[float], q: float) -> float:
    if not sorted_values:
        return float("nan")
    index = min(len(sorted_values) - 1, max(0, round(q * (len(sorted_values) - 1))))
    return sorted_values[index]


async def measure(target: Target, args: argparse.Namespace, *, profile: bool) -> dict[str, Any]:
    n = args.subscribers
    pids = target.pids()
    rss_before = rss_bytes(pids)
    log(
        f"[{target.name}] RSS before subscribers: {rss_before / 2**20:.1f} MiB; "
        f"connecting {n} subscribers over {args.clients} client processes"
    )
    started = time.monotonic()
    profiler = start_profiler(target, args) if profile and args.join_only else []
    pool = ClientPool(target.name, target.ws_url, target.token, n, args.clients, args.deflate)
    result: dict[str, Any] = {"target": target.name}
    try:
        status = await pool.ready()
        result["connect_seconds"] = round(time.monotonic() - started, 1)
        log(
            f"[{target.name}] connected {status['alive']} (failed {status['failed']}) in "
            f"{result['connect_seconds']} s {status['errors'][:2]}"
        )
        # Joined: the server holds every subscriber (yishi: in its group, after
        # connection_init, the ack and the subscribe; baseline: accepted), timed from the
        # first connection begun (client processes' start-up not counted).
        end = time.monotonic() + 120
        held = await target.joined()
        while held < status["alive"] and time.monotonic() < end:
            await asyncio.sleep(0.05)
            held = await target.joined()
        join_seconds = time.time() - status["started_at"]
        result.update(
            join_seconds=round(join_seconds, 2),
            joined=held,
            joins_per_second=round(held / max(1e-9, join_seconds)),
        )
        log(
            f"[{target.name}] {held} joined in {join_seconds:.2f} s: "
            f"{result['joins_per_second']} joins/s"
        )
        if args.join_only:
            stop_profiler(profiler)
            if profiler:
                result["profile"] = summarise_profile(profiler)
            result["subscribers"] = status["alive"]
            return result

        # Warm-up: until every live subscriber has received an event (so all have joined).
        warm = 0
        for _ in range(120):
            warm += 1
            await target.commit([target.next_seq])
            target.next_seq += 1
            await asyncio.sleep(0.5)
            replies = await pool.ask("wait", target.next_seq - 1, 5.0)
            status = merge_status([r for _, r in replies])
            if status["seen_any"] >= status["alive"]:
                break
        log(f"[{target.name}] warm after {warm} event(s): {status['seen_any']}/{status['alive']}")
        await asyncio.sleep(1.0)
        rss_after = rss_bytes(pids)
        result.update(
            subscribers=status["alive"],
            failed=status["failed"],
            warmup_events=warm,
            rss_before_mib=round(rss_before / 2**20, 1),
            rss_after_mib=round(rss_after / 2**20, 1),
            kib_per_subscriber=round((rss_after - rss_before) / 1024 / max(1, status["alive"]), 1),
        )

        if args.find_rate:
            result["ladder"] = await rate_ladder(target, pool, args, status["alive"])
            sustained = [step["offered_rate"] for step in result["ladder"] if step["sustained"]]
            result["max_sustained_rate"] = max(sustained, default=None)
            return result
        profiler = start_profiler(target, args) if profile else []
        try:
            # Steady phase: --events offered at --rate per second (paced, open loop).
            result["steady"] = await paced_phase(
                target, pool, args.events, args.rate, args, status["alive"]
            )

            # Burst phase: back to back, 4 in flight.
            first = target.next_seq
            burst = list(range(first, first + args.burst))
            target.next_seq += args.burst
            t0 = time.monotonic()
            await target.commit(burst, concurrency=4 if target.name == "yishi" else 1)
            commit_seconds = time.monotonic() - t0
            log(
                f"[{target.name}] burst: committed {args.burst} in {commit_seconds:.1f} s; "
                "waiting for delivery"
            )
            await pool.ask("wait", burst[-1], args.timeout)
            result["burst"] = await phase_stats(pool, burst, status["alive"])
            result["burst"]["commit_rate"] = round(args.burst / commit_seconds, 1)
        finally:
            stop_profiler(profiler)
        if profiler:
            result["profile"] = summarise_profile(profiler)
    finally:
        await pool.close()
    return result


async def paced(target: Target, count: int, rate: float, in_flight: int) -> tuple[list[int], float]:
    """Offer `count` events at `rate` per second: each started on schedule, whether or not
    the ones before are done, with at most `in_flight` outstanding (past that the producer
    waits, and the target has not sustained the rate). Returns the seqs and the seconds
    from the first start to the last completion."""
    first = target.next_seq
    seqs = list(range(first, first + count))
    target.next_seq += count
    slots = asyncio.Semaphore(in_flight)  # the log (or the baseline) numbers them in order

    async def one(seq: int) -> None:
        try:
            await target.commit([seq])
        finally:
            slots.release()

    tasks = []
    t0 = time.monotonic()
    for k, seq in enumerate(seqs):
        delay = t0 + k / rate - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        await slots.acquire()
        tasks.append(asyncio.create_task(one(seq)))
    await asyncio.gather(*tasks)
    return seqs, time.monotonic() - t0


async def paced_phase(
    target: Target,
    pool: ClientPool,
    count: int,
    rate: float,
    args: argparse.Namespace,
    subscribers: int,
) -> dict[str, Any]:
    seqs, seconds = await paced(target, count, rate, args.in_flight)
    log(
        f"[{target.name}] {rate:g}/s offered: {count} committed in {seconds:.1f} s; "
        "waiting for delivery"
    )
    await pool.ask("wait", seqs[-1], args.timeout)
    stats = await phase_stats(pool, seqs, subscribers)
    stats["offered_rate"] = rate
    stats["commit_rate"] = stats["committed_rate"]  # the older field name
    stats["sustained"] = bool(stats["committed_rate"] >= 0.95 * rate and stats["missing"] == 0)
    return stats


async def rate_ladder(
    target: Target, pool: ClientPool, args: argparse.Namespace, subscribers: int
) -> list[dict[str, Any]]:
    """Each rate of --find-rate for --step-seconds, upwards, until one is not sustained
    with a p99 under 1 s."""
    steps = []
    for rate in args.find_rate:
        count = max(10, round(rate * args.step_seconds))
        stats = await paced_phase(target, pool, count, rate, args, subscribers)
        stats["sustained"] = stats["sustained"] and stats["p99_ms"] < 1000
        steps.append(stats)
        log(
            f"[{target.name}] ladder {rate:g}/s: committed {stats['committed_rate']}/s, "
            f"p99 {stats['p99_ms']} ms, missing {stats['missing']}: "
            f"{'sustained' if stats['sustained'] else 'NOT sustained'}"
        )
        if not stats["sustained"]:
            break
        await asyncio.sleep(1.0)
    return steps


async def phase_stats(pool: ClientPool, seqs: list[int], subscribers: int) -> dict[str, Any]:
    replies = await pool.ask("collect", seqs[0], seqs[-1])
    lats: list[float] = []
    ats: dict[int, float] = {}
    frame_size = dups = gaps = 0
    last_receipt = 0.0
    for _, reply in replies:
        last_receipt = max(last_receipt, reply["last_receipt"])
        values = array.array("d")
        values.frombytes(reply["lats"])
        lats.extend(values)
        ats.update(reply["ats"])
        frame_size = max(frame_size, reply["frame_size"])
        dups += reply["dups"]
        gaps += reply["gaps"]
    lats.sort()
    expected = subscribers * len(seqs)
    first_commit = min(ats.values()) if ats else 0.0
    last_commit = max(ats.values()) if ats else 0.0
    span = max(1e-9, last_receipt - first_commit)
    return {
        "events": len(seqs),
        "delivered": len(lats),
        "expected": expected,
        "missing": expected - len(lats),
        "duplicates": dups,
        "gaps": gaps,
        "p50_ms": round(percentile(lats, 0.50) * 1000, 1),
        "p99_ms": round(percentile(lats, 0.99) * 1000, 1),
        "max_ms": round((lats[-1] if lats else float("nan")) * 1000, 1),
        "mean_ms": round(statistics.fmean(lats) * 1000, 1) if lats else None,
        "delivered_per_second": round(len(lats) / span),
        "first_commit_to_last_receipt_s": round(span, 2),
        "frame_bytes": frame_size,
        # Events per second as committed (their `at`), whatever was offered.
        "committed_rate": round((len(ats) - 1) / max(1e-9, last_commit - first_commit), 2)
        if len(ats) > 1
        else None,
    }


# -- profiling ------------------------------------------------------------------------------


Profiler = list[tuple[subprocess.Popen[bytes], Path]]


def start_profiler(target: Target, args: argparse.Namespace) -> Profiler:
    spy = VENV_BIN / "py-spy"
    if not spy.exists():
        log("py-spy not installed in .venv: no profile")
        return []
    pid = target.pids()[0]
    stamp = time.strftime("%Y%m%d-%H%M%S")
    svg = RESULTS / "fanout-profile.svg"
    raw = RESULTS / f"fanout-profile-{stamp}.txt"
    duration = str(int(120 if args.join_only else args.events / args.rate + args.timeout))
    procs = []
    for out, extra in ((svg, []), (raw, ["--format", "raw"])):
        procs.append(
            (
                start_process(
                    [
                        str(spy),
                        "record",
                        "--pid",
                        str(pid),
                        "--rate",
                        "100",
                        "--nonblocking",
                        "--duration",
                        duration,
                        "-o",
                        str(out),
                        *extra,
                    ],
                    f"py-spy-{out.suffix[1:]}.log",
                ),
                out,
            )
        )
    log(f"py-spy recording pid {pid} → {svg} and {raw}")
    return procs


def stop_profiler(procs: Profiler) -> None:
    import signal

    for proc, _ in procs:
        stop_process(proc, signal.SIGINT)  # py-spy writes its output on SIGINT


# Where a sample's time goes, by the first matching frame from the leaf up.
CATEGORIES = [
    ("permessage-deflate (zlib)", ("compress", "zlib", "deflate")),
    (
        "websocket frame write (uvicorn/websockets)",
        ("websockets/", "uvicorn/protocols/websockets", "send_text", "write"),
    ),
    ("GraphQL execution per group", ("graphql/execution", "strawberry/")),
    ("JSON encoding", ("orjson", "dumps")),
    ("feeds/members (queues, tasks)", ("realtime/feeds.py", "realtime/ws/")),
    ("asyncio scheduling", ("asyncio/",)),
    ("database", ("sqlalchemy", "asyncpg")),
]


def summarise_profile(procs: Profiler) -> dict[str, Any]:
    raw = next((out for _, out in procs if out.suffix == ".txt"), None)
    if raw is None or not raw.exists():
        return {}
    leaf_counts: dict[str, int] = {}
    incl: dict[str, int] = {}
    total = 0
    for line in raw.read_text(errors="replace").splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        total += count
        frames = stack.split(";")
        leaf = frames[-1]
        leaf_counts[leaf] = leaf_counts.get(leaf, 0) + count
        for frame in set(frames):
            incl[frame] = incl.get(frame, 0) + count
    top_self = sorted(leaf_counts.items(), key=lambda kv: -kv[1])[:15]
    top_incl = sorted(
        ((f, c) for f, c in incl.items() if "<module>" not in f), key=lambda kv: -kv[1]
    )[:25]
    return {
        "samples": total,
        "raw": str(raw),
        "top_self": [(f, round(100 * c / max(1, total), 1)) for f, c in top_self],
        "top_inclusive": [(f, round(100 * c / max(1, total), 1)) for f, c in top_incl],
    }


# -- main -------------------------------------------------------------------------------------


async def run_yishi(args: argparse.Namespace) -> dict[str, Any]:
    async with FreshDatabase() as database:
        log(f"database {database.name} on {database.where}")
        county = await seed_county(database.url)
        secret = new_secret()
        redis = None
        broadcast = "memory://"
        if args.workers > 1:
            redis_port = free_port()
            redis = start_redis(redis_port)
            await wait_port(redis_port)
            broadcast = f"redis://127.0.0.1:{redis_port}/0"
        port = free_port()
        server = start_yishi(
            database.url, port, workers=args.workers, secret=secret, broadcast_url=broadcast
        )
        try:
            base_url = f"http://127.0.0.1:{port}"
            await wait_ready(base_url, server)
            target = YishiTarget(base_url, mint_token(secret, county), county.root_gid)
            target.proc = server
            await target.http.post("/graphql", json={"query": "{ __typename }"})
            return await measure(target, args, profile=args.profile)
        finally:
            stop_process(server)
            if redis is not None:
                stop_process(redis)


async def run_baseline(args: argparse.Namespace, frame_size: int) -> dict[str, Any]:
    port = free_port()
    script = Path(__file__).with_name("baseline_server.py")
    server = start_process(
        [str(VENV_BIN / "python"), str(script), "--port", str(port)], f"baseline-bench-{port}.log"
    )
    try:
        base_url = f"http://127.0.0.1:{port}"
        await wait_ready(base_url, server)
        target = BaselineTarget(base_url, frame_size)
        target.proc = server
        return await measure(target, args, profile=False)
    finally:
        stop_process(server)


def ratio(a: float | None, b: float | None) -> str:
    if not a or not b:
        return ""
    return f"{a / b:.2f}×"


def print_table(yishi: dict[str, Any], base: dict[str, Any] | None) -> None:
    rows: list[tuple[str, Any, Any, str]] = []

    def row(label: str, path: tuple[str, ...], show_ratio: bool = False) -> None:
        def get(d: dict[str, Any] | None) -> Any:
            for key in path:
                if d is None:
                    return None
                d = d.get(key)
            return d

        a, b = get(yishi), get(base)
        rows.append((label, a, b, ratio(a, b) if show_ratio else ""))

    row("subscribers connected", ("subscribers",))
    row("connect + subscribe time (s)", ("connect_seconds",))
    row("joined (server holds all) (s)", ("join_seconds",))
    row("join rate (subscribers/s)", ("joins_per_second",), True)
    row("server RSS before (MiB)", ("rss_before_mib",))
    row("server RSS with subscribers (MiB)", ("rss_after_mib",))
    row("memory per idle subscriber (KiB)", ("kib_per_subscriber",), True)
    phases = [p for p in ("steady", "burst") if p in yishi]
    row("highest rate sustained, p99 < 1 s (/s)", ("max_sustained_rate",), True)
    for phase in phases:
        row(f"{phase}: events", (phase, "events"))
        if phase == "steady":
            row("steady: offered rate (/s)", (phase, "offered_rate"))
            row("steady: rate sustained", (phase, "sustained"))
        row(f"{phase}: commit rate achieved (/s)", (phase, "committed_rate"))
        row(f"{phase}: frame size (bytes)", (phase, "frame_bytes"))
        row(f"{phase}: delivered / expected", (phase, "delivered"))
        row(f"{phase}: missing, duplicates", (phase, "missing"))
        row(f"{phase}: commit→receipt p50 (ms)", (phase, "p50_ms"))
        row(f"{phase}: commit→receipt p99 (ms)", (phase, "p99_ms"))
        row(f"{phase}: commit→receipt max (ms)", (phase, "max_ms"))
        row(f"{phase}: delivered messages/s", (phase, "delivered_per_second"), True)
    for phase in phases:  # fix up the two composite rows
        for i, (label, _, _, _) in enumerate(rows):
            if label == f"{phase}: delivered / expected":
                rows[i] = (
                    label,
                    *(
                        f"{d[phase]['delivered']}/{d[phase]['expected']}"
                        if d and phase in d
                        else None
                        for d in (yishi, base)
                    ),
                    "",
                )
            if label == f"{phase}: missing, duplicates":
                rows[i] = (
                    label,
                    *(
                        f"{d[phase]['missing']}, {d[phase]['duplicates']}"
                        if d and phase in d
                        else None
                        for d in (yishi, base)
                    ),
                    "",
                )
    width = max(len(r[0]) for r in rows) + 2
    print()
    print(f"{'':{width}}{'yishi':>16}{'baseline':>16}{'yishi/base':>12}")
    for label, a, b, r in rows:
        print(f"{label:{width}}{'' if a is None else a!s:>16}{'' if b is None else b!s:>16}{r:>12}")
    print()


async def main_async(args: argparse.Namespace) -> None:
    fds = raise_fd_limit()
    if fds < args.subscribers + 1000:
        log(f"warning: open-files limit {fds} is low for {args.subscribers} subscribers")
    RESULTS.mkdir(parents=True, exist_ok=True)
    yishi = await run_yishi(args)
    base = None
    if not args.no_baseline:
        frame = (
            yishi.get("steady", {}).get("frame_bytes")
            or next((step["frame_bytes"] for step in yishi.get("ladder", [])), 0)
            or 400
        )
        base = await run_baseline(args, frame)
    print_table(yishi, base)
    if yishi.get("profile"):
        profile = yishi["profile"]
        print(f"py-spy: {profile['samples']} samples of the server ({profile['raw']})")
        print("  most time, inclusive:")
        for frame, pct in profile["top_inclusive"][:20]:
            print(f"    {pct:5.1f}%  {frame}")
        print("  most time, self (leaf):")
        for frame, pct in profile["top_self"][:12]:
            print(f"    {pct:5.1f}%  {frame}")
    out = RESULTS / f"fanout-{args.subscribers}-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.write_text(
        json.dumps(
            {
                "command": " ".join(sys.argv),
                "args": vars(args),
                "cpus": os.cpu_count(),
                "yishi": yishi,
                "baseline": base,
                "ratio_burst_throughput": (
                    yishi["burst"]["delivered_per_second"] / base["burst"]["delivered_per_second"]
                    if base and "burst" in base and "burst" in yishi
                    else None
                ),
            },
            indent=2,
            ensure_ascii=False,
            default=str,
        )
    )
    log(f"saved {out}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description="Fan-out of one stream to many websocket subscribers."
    )
    parser.add_argument("--subscribers", type=int, default=10000)
    parser.add_argument("--clients", type=int, default=4, help="client processes")
    parser.add_argument("--events", type=int, default=100, help="events in the steady phase")
    parser.add_argument(
        "--rate", type=float, default=3.0, help="events per second offered (steady, paced)"
    )
    parser.add_argument(
        "--in-flight", type=int, default=4, help="commits outstanding at most (paced producer)"
    )
    parser.add_argument(
        "--find-rate",
        type=lambda text: [float(r) for r in text.split(",")],
        default=None,
        help="rates to try upwards, e.g. 1,2,4,8: the highest each sustains with p99 < 1 s",
    )
    parser.add_argument("--step-seconds", type=float, default=8.0, help="each --find-rate step")
    parser.add_argument("--burst", type=int, default=50, help="events in the burst phase")
    parser.add_argument("--workers", type=int, default=1, help="uvicorn workers (>1: Redis)")
    parser.add_argument(
        "--timeout", type=float, default=300.0, help="bound on each delivery wait (s)"
    )
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument(
        "--no-deflate",
        dest="deflate",
        action="store_false",
        help="clients do not offer permessage-deflate (browsers do)",
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="py-spy the server (steady + burst; the joins with --join-only)",
    )
    parser.add_argument(
        "--join-only",
        action="store_true",
        help="measure the connect/join phase only (join rate against the bare accept rate)",
    )
    args = parser.parse_args()
    asyncio.run(main_async(args))


if __name__ == "__main__":
    main()
