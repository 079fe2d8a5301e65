"""Faults during a live vote (issue 9): two `yishi serve` workers on a PostgreSQL and a
redis-server of the test's own (never the machine's), clients voting and watching a live
meeting, and three faults in sequence, one per poll:

1. Redis is killed (kill -9) and started again 1.5 s later;
2. PostgreSQL is stopped (fast shutdown: every connection ends) and started 1.5 s later;
3. the worker that owns the meeting's stream is killed (kill -9) and stays dead.

Voters (half over HTTP, half over the meeting socket) send each vote until it is
acknowledged (`accepted`), always with the same idempotency key, moving to the other
worker when theirs does not answer, as a client behind a load balancer would. Watchers
follow the meeting's `events` on a socket and, whenever it ends, reconnect with
`after: <last seq>`. A prober per worker reads the meeting every 0.1 s.

Afterwards: every acknowledged vote is stored exactly once under its key (rows, the
poll's counts and the `vote.cast` events agree); every watcher has every event of
`streamEvents`, once each, in order; every failed attempt was a clear answer — 503
SERVICE_UNAVAILABLE with Retry-After, a socket close 1013, a refused or dropped
connection to the killed worker — and none went unanswered for CLIENT_TIMEOUT seconds
(a hang); and the service recovered on its own (no test action but restarting the
dependency). Figures per fault are printed: attempts, acknowledged, stored, lost,
duplicated, failures by kind, how long clients saw failures, and recovery time.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import json
import re
import time
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import asyncpg
import httpx
import pytest
import websockets

from backend.core.db import Database
from backend.core.settings import Settings
from backend.meetings.events import MEETING_EVENTS
from backend.people.models import Role
from backend.server.migrate import upgrade
from schema.relay import install_id_key
from tests.conftest import GraphQLClient
from tests.factories.meetings import attend, make_meeting
from tests.factories.people import make_user
from tests.factories.tenants import Account, make_county
from tests.meetings_api import CLOSE_POLL, CREATE_POLL, OPEN_POLL, POST_COMMENT, VOTE, db_id, ok
from tests.meetings_api import stream_of as meeting_stream
from tests.processes import REDIS_SERVER, PostgresProcess, RedisProcess, YishiProcess
from tests.realtime_client import EVENTS_SUBSCRIPTION, WAIT, Closed, GraphQLWS, logged_seqs

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not REDIS_SERVER, reason="starts and kills its own redis-server"),
]

VOTERS = 16  # even: over HTTP, odd: over the meeting socket
SPEAKERS = 2  # post comments throughout, so watchers have events to miss
CLIENT_TIMEOUT = 15.0  # an attempt unanswered this long is a hang (none is allowed)
OUTAGE = 1.5  # seconds Redis / PostgreSQL stay down
FAULT_AT = 0.6  # seconds into a phase's voting
STAGGER = 0.15  # between voters' first attempts
PROBE_EVERY = 0.1
CLEAR = {  # the failures a client may see, and what they mean
    "503 SERVICE_UNAVAILABLE",  # HTTP: a dependency is down, Retry-After says when to retry
    "SERVICE_UNAVAILABLE",  # a socket operation's error, same meaning
    "socket closed 1013",  # Try Again Later (a socket that could not go on)
    "worker refused",  # connection refused: the worker is gone (try another)
    "worker dropped",  # the connection broke mid-request (the worker died)
}
MEETING_STATE = "query($id: ID!) { node(id: $id) { ... on Meeting { state } } }"
LIVE_TYPES = {str(t) for t in MEETING_EVENTS.live}
HUB_RECONNECTS = re.compile(r"^yishi_hub_reconnects_total (\S+)$", re.M)


@dataclass
class Attempt:
    phase: str
    client: str
    worker: int
    started: float
    ended: float
    outcome: str  # "ok" or a failure kind


@dataclass
class Run:
    """What every client did, by phase; the clock is time.monotonic()."""

    phase: str = "setup"
    attempts: list[Attempt] = field(default_factory=list)
    acknowledged: dict[tuple[int, int], str] = field(default_factory=dict)  # (poll, user) → key
    faults: dict[str, tuple[float, float]] = field(default_factory=dict)  # phase → (down, back)
    recovery: dict[str, float] = field(default_factory=dict)
    polls: dict[str, int] = field(default_factory=dict)  # phase → its poll's row id

    def note(self, client: str, worker: int, started: float, outcome: str) -> None:
        self.attempts.append(
            Attempt(self.phase, client, worker, started, time.monotonic(), outcome)
        )


class Failure(Exception):
    def __init__(self, kind: str, retry_after: float = 0.2) -> None:
        super().__init__(kind)
        self.kind = kind
        self.retry_after = retry_after


class Cluster:
    """The workers as clients see them: which ones answer, one HTTP client each."""

    def __init__(self, workers: list[YishiProcess]) -> None:
        self.workers = workers
        self.http = [
            httpx.AsyncClient(base_url=w.base_url, timeout=CLIENT_TIMEOUT) for w in workers
        ]

    async def close(self) -> None:
        for http in self.http:
            await http.aclose()

    async def post(self, at: int, query: str, variables: dict[str, Any], token: str) -> dict:
        """One GraphQL request to worker `at`: its data, or a Failure saying how it failed."""
        try:
            response = await self.http[at].post(
                "/graphql",
                json={"query": query, "variables": variables},
                headers={"Authorization": f"Bearer {token}"},
            )
        except httpx.ConnectError as exc:
            raise Failure("worker refused") from exc
        except httpx.TimeoutException as exc:
            raise Failure("hang") from exc
        except (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError) as exc:
            raise Failure("worker dropped") from exc
        body = response.json()
        codes = sorted({e.get("extensions", {}).get("code", "?") for e in body.get("errors", [])})
        if response.status_code == 503:
            assert codes == ["SERVICE_UNAVAILABLE"], body
            assert response.headers.get("Retry-After") == "1", response.headers
            raise Failure("503 SERVICE_UNAVAILABLE", float(response.headers["Retry-After"]))
        if response.status_code != 200 or codes:
            raise Failure(f"{response.status_code} {','.join(codes)}")
        return body["data"]


@dataclass
class Voter:
    account: Account
    index: int
    at: int  # the worker it talks to (moves when that one does not answer)
    ws: GraphQLWS | None = None

    @property
    def over_socket(self) -> bool:
        return self.index % 2 == 1

    async def cast(self, cluster: Cluster, poll: str, key: str) -> dict:
        variables = {"p": poll, "c": [self.index % 2], "k": key}
        if not self.over_socket:
            return (await cluster.post(self.at, VOTE, variables, self.account.token))["castVote"]
        try:
            if self.ws is None:
                self.ws = await open_socket(cluster.workers[self.at], self.account.token)
            result = await asyncio.wait_for(self.ws.execute(VOTE, variables), CLIENT_TIMEOUT)
        except Failure:
            self.ws = None
            raise
        except (Closed, AssertionError, websockets.ConnectionClosed) as exc:
            ws, self.ws = self.ws, None
            if ws is not None and ws.closed is not None and ws.closed.done():
                code = ws.closed.result().code
                raise Failure("socket closed 1013" if code == 1013 else "worker dropped") from exc
            with contextlib.suppress(Exception):
                await asyncio.wait_for(ws.close(), 5) if ws else None
            raise Failure(f"socket answered {exc}") from exc  # e.g. an `error` message
        except TimeoutError as exc:
            self.ws = None
            raise Failure("hang") from exc
        if result.get("errors"):
            codes = {e.get("extensions", {}).get("code") for e in result["errors"]}
            if codes == {"SERVICE_UNAVAILABLE"}:
                raise Failure(
                    "SERVICE_UNAVAILABLE", result["errors"][0]["extensions"]["retryAfter"]
                )
            raise Failure(",".join(sorted(map(str, codes))))
        return result["data"]["castVote"]


async def open_socket(worker: YishiProcess, token: str) -> GraphQLWS:
    ws = GraphQLWS(worker.ws_url)
    try:
        await asyncio.wait_for(ws.connect(), CLIENT_TIMEOUT)
        await ws.init(token)
    except (OSError, websockets.InvalidHandshake) as exc:
        raise Failure("worker refused") from exc
    except TimeoutError as exc:
        raise Failure("hang") from exc
    except Closed as exc:
        raise Failure("socket closed 1013" if exc.code == 1013 else "worker dropped") from exc
    return ws


async def retrying(
    run: Run,
    who: str,
    home: Callable[[], int],
    move: Callable[[], None],
    attempt: Callable[[], Awaitable[Any]],
) -> Any:
    """`attempt` until it succeeds: each try noted; the worker changed when it is gone."""
    give_up = time.monotonic() + 60
    while True:
        at, started = home(), time.monotonic()
        try:
            result = await attempt()
        except Failure as failure:
            run.note(who, at, started, failure.kind)
            if failure.kind in ("worker refused", "worker dropped"):
                move()
            assert time.monotonic() < give_up, f"{who} never got through"
            await asyncio.sleep(min(failure.retry_after, 1.0))
            continue
        run.note(who, at, started, "ok")
        return result


async def vote(run: Run, cluster: Cluster, voter: Voter, poll: str, delay: float) -> None:
    await asyncio.sleep(delay)
    key = f"v{voter.index}-{db_id(poll)}"

    def move() -> None:
        voter.at = alive_other(cluster, voter.at)

    answer = await retrying(
        run,
        f"voter{voter.index}",
        lambda: voter.at,
        move,
        lambda: voter.cast(cluster, poll, key),
    )
    assert answer["errors"] == [] and answer["accepted"] is True, answer
    run.acknowledged[(db_id(poll), voter.account.user_id)] = key


def alive_other(cluster: Cluster, at: int) -> int:
    """The next worker that is still running (a client only learns it by trying; the
    test skips the dead one to keep its figures about the service, not about luck)."""
    n = len(cluster.workers)
    for step in range(1, n + 1):
        if cluster.workers[(at + step) % n].proc.poll() is None:
            return (at + step) % n
    raise AssertionError("no worker left")


async def speak(
    run: Run, cluster: Cluster, speaker: Account, index: int, meeting: str, stop: asyncio.Event
) -> None:
    """Comments throughout the run: events for the watchers (a retried comment may be
    posted twice, which is fine: the log is what watchers must match)."""
    at = [index % 2]
    n = 0
    while not stop.is_set():
        n += 1
        variables = {"m": meeting, "b": f"第{n}条发言（{index}号）"}

        def move() -> None:
            at[0] = alive_other(cluster, at[0])

        data = await retrying(
            run,
            f"speaker{index}",
            lambda: at[0],
            move,
            lambda v=variables: cluster.post(at[0], POST_COMMENT, v, speaker.token),
        )
        assert data["postComment"]["errors"] == [], data
        await asyncio.sleep(1.1)  # under the comment rate limit (10 per 10 s)


async def probe(
    run: Run, cluster: Cluster, at: int, admin: Account, meeting: str, stop: asyncio.Event
) -> None:
    """A read of the meeting on worker `at` every PROBE_EVERY seconds, while it runs."""
    while not stop.is_set() and cluster.workers[at].proc.poll() is None:
        started = time.monotonic()
        try:
            await cluster.post(at, MEETING_STATE, {"id": meeting}, admin.token)
            run.note(f"probe{at}", at, started, "ok")
        except Failure as failure:
            if cluster.workers[at].proc.poll() is None:  # not the kill itself
                run.note(f"probe{at}", at, started, failure.kind)
        await asyncio.sleep(PROBE_EVERY)


@dataclass
class Watcher:
    name: str
    account: Account
    at: int
    seqs: list[int] = field(default_factory=list)
    types: dict[int, str] = field(default_factory=dict)
    live: int = 0
    state: str = ""
    reconnects: int = 0
    ends: Counter[str] = field(default_factory=Counter)


async def watch(
    run: Run, cluster: Cluster, watcher: Watcher, stream: str, stop: asyncio.Event
) -> None:
    """Follow the stream; whenever the subscription ends, reconnect with `after`."""
    while not stop.is_set():
        started = time.monotonic()
        watcher.state = f"connecting to {watcher.at}"
        try:
            ws = await open_socket(cluster.workers[watcher.at], watcher.account.token)
        except Failure as failure:
            run.note(watcher.name, watcher.at, started, failure.kind)
            watcher.ends[failure.kind] += 1
            if failure.kind in ("worker refused", "worker dropped"):
                watcher.at = alive_other(cluster, watcher.at)
            await asyncio.sleep(0.2)
            continue
        try:
            after = watcher.seqs[-1] if watcher.seqs else 0
            op = await ws.subscribe(EVENTS_SUBSCRIPTION, {"stream": stream, "after": after})
            watcher.state = f"subscribed on {watcher.at} after {after}"
            end = await follow(ws, op, watcher, stop)
        finally:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(ws.close(), 5)
        if end is None:
            return
        run.note(watcher.name, watcher.at, time.monotonic(), end)  # an end, not a wait
        watcher.ends[end] += 1
        watcher.reconnects += 1
        if end == "worker dropped":
            watcher.at = alive_other(cluster, watcher.at)
        await asyncio.sleep(0.2)


async def follow(ws: GraphQLWS, op: str, watcher: Watcher, stop: asyncio.Event) -> str | None:
    """Events of `op` into `watcher.seqs` until the socket or the operation ends (its kind)
    or `stop` is set (None). Reads the client's queue directly: nothing is left waiting
    on it when the socket is given up."""
    queue = ws.queue(op)
    assert ws.closed is not None
    while True:
        while not queue.empty():
            message = queue.get_nowait()
            if message["type"] == "next":
                assert "errors" not in message["payload"], message
                event = message["payload"]["data"]["events"]
                if event["type"] in LIVE_TYPES:  # a live value (poll.tally), not logged
                    watcher.live += 1
                    continue
                watcher.seqs.append(event["seq"])
                watcher.types[event["seq"]] = event["type"]
                continue
            if message["type"] == "error":
                codes = {e.get("extensions", {}).get("code") for e in message["payload"]}
                return ",".join(sorted(map(str, codes)))
            return f"operation {message['type']}"
        if ws.closed.done():
            code = ws.closed.result().code
            return "socket closed 1013" if code == 1013 else "worker dropped"
        if stop.is_set():
            return None
        await asyncio.sleep(0.02)


async def hub_reconnects(cluster: Cluster, at: int) -> float:
    text = (await cluster.http[at].get("/metrics")).text
    match = HUB_RECONNECTS.search(text)
    return float(match.group(1)) if match else 0.0


async def until(predicate: Callable[[], Any], what: str, limit: float = WAIT) -> float:
    """Seconds until `predicate` (a function, or a coroutine function) holds: polled, and
    bounded by `limit` so that a broken service fails the test instead of hanging it (a
    figure, never a speed assertion)."""
    started = time.monotonic()
    while not (await value if inspect.isawaitable(value := predicate()) else value):
        assert time.monotonic() - started < limit, f"never happened: {what}"
        await asyncio.sleep(0.05)
    return time.monotonic() - started


@contextlib.asynccontextmanager
async def own_servers(log_dir: Path) -> AsyncIterator[tuple[PostgresProcess, RedisProcess, str]]:
    """The test's own PostgreSQL (a migrated database `yishi`) and redis-server."""
    pg = PostgresProcess()
    redis = RedisProcess(log_dir)
    try:
        await asyncio.to_thread(pg.init)
        await asyncio.to_thread(pg.start)
        admin = await asyncpg.connect(pg.url)
        await admin.execute("CREATE DATABASE yishi")
        await admin.close()
        url = pg.url.rsplit("/", 1)[0] + "/yishi"
        await asyncio.gather(upgrade(url), redis.start())
        yield pg, redis, url
    finally:
        redis.stop()
        await asyncio.to_thread(pg.close)


def figures(run: Run, phase: str, stored: dict, events: Counter) -> dict[str, Any]:
    attempts = [a for a in run.attempts if a.phase == phase]
    failed = [a for a in attempts if a.outcome != "ok"]
    acknowledged = {k: v for k, v in run.acknowledged.items() if k[0] == run.polls[phase]}
    in_poll = {k: v for k, v in stored.items() if k[0] == run.polls[phase]}
    _, back = run.faults[phase]
    return {
        "attempts": len(attempts),
        "acknowledged": len(acknowledged),
        "stored": len(in_poll),
        "lost": sum(1 for k, key in acknowledged.items() if in_poll.get(k) != key),
        "duplicated": sum(n - 1 for k, n in events.items() if k[0] == run.polls[phase] and n > 1),
        "failures": dict(Counter(a.outcome for a in failed)),
        "slowest_failure_s": round(max((a.ended - a.started for a in failed), default=0), 3),
        "failing_for_s": round(
            max((a.ended for a in failed), default=0) - min((a.started for a in failed), default=0),
            2,
        )
        if failed
        else 0,
        "failures_after_back_s": round(max([a.ended - back for a in failed] + [0]), 2),
        "recovery_s": round(run.recovery[phase], 2),
    }


@dataclass
class LiveVote:
    """The scenario: the servers, the clients, and one poll per fault."""

    run: Run
    pg: PostgresProcess
    redis: RedisProcess
    workers: list[YishiProcess]
    cluster: Cluster
    db_url: str
    admin: Account
    meeting: str
    voters: list[Voter]
    watchers: list[Watcher]
    cut_off: list[str] = field(default_factory=list)  # watchers on the killed worker

    async def phase(self, name: str, fault: Callable[[], Awaitable[float]]) -> None:
        """Open a poll; voters start one after another; the fault strikes meanwhile."""
        self.run.phase = name
        http = GraphQLClient(self.cluster.http[alive_other(self.cluster, 1)])
        created = await ok(
            http,
            CREATE_POLL,
            {"m": self.meeting, "q": f"{name}：是否同意", "o": ["同意", "不同意"]},
            self.admin.token,
        )
        poll = created["poll"]["id"]
        self.run.polls[name] = db_id(poll)
        await ok(http, OPEN_POLL, {"p": poll}, self.admin.token)
        voting = asyncio.gather(
            *(vote(self.run, self.cluster, v, poll, i * STAGGER) for i, v in enumerate(self.voters))
        )
        await asyncio.sleep(FAULT_AT)
        down = time.monotonic()
        back = await fault()  # when the dependency is back (the worker: when it is killed)
        self.run.faults[name] = (down, back)
        await voting
        http = GraphQLClient(self.cluster.http[alive_other(self.cluster, 1)])
        closed = await ok(http, CLOSE_POLL, {"p": poll}, self.admin.token)
        assert closed["poll"]["totalVotes"] == len(self.voters), closed

    async def redis_fault(self) -> float:
        before = [await hub_reconnects(self.cluster, at) for at in (0, 1)]
        self.redis.kill()
        await asyncio.sleep(OUTAGE)
        await self.redis.start()
        back = time.monotonic()

        async def reconnected() -> bool:
            now = [await hub_reconnects(self.cluster, at) for at in (0, 1)]
            return all(n > b for n, b in zip(now, before, strict=True))

        self.run.recovery["redis"] = await until(reconnected, "both hubs reconnected")
        return back

    async def postgres_fault(self) -> float:
        await asyncio.to_thread(self.pg.stop)
        await asyncio.sleep(OUTAGE)
        await asyncio.to_thread(self.pg.start)
        back = time.monotonic()

        def answering() -> bool:  # each worker's prober has read the meeting since
            return all(
                any(
                    a.client == f"probe{at}" and a.started >= back and a.outcome == "ok"
                    for a in self.run.attempts
                )
                for at in (0, 1)
            )

        self.run.recovery["postgres"] = await until(answering, "both workers answering")
        return back

    async def worker_fault(self) -> float:
        owner = await stream_owner(self.db_url, self.workers)
        self.cut_off = [w.name for w in self.watchers if w.at == owner]
        self.workers[owner].kill()
        back = time.monotonic()

        def voting_again() -> bool:  # a vote sent to the survivor since is acknowledged
            return any(
                a.client.startswith("voter")
                and a.started >= back
                and a.worker == 1 - owner
                and a.outcome == "ok"
                for a in self.run.attempts
            )

        self.run.recovery["worker"] = await until(voting_again, "a vote acknowledged")
        return back


async def test_votes_and_watchers_survive_redis_postgres_and_a_worker_going_down(tmp_path):
    settings = Settings(environment="test")  # the workers' defaults: the same secrets
    install_id_key(settings.id_key.get_secret_value())
    run = Run()
    clock = {"start": time.monotonic()}
    quiet, stop = asyncio.Event(), asyncio.Event()  # speakers and probers, then watchers
    tasks: list[asyncio.Task[Any]] = []
    async with own_servers(tmp_path) as (pg, redis, url):
        db = Database(owner_url=url, pool_size=2)
        setup: Any = SimpleNamespace(services=SimpleNamespace(db=db, settings=settings))
        workers = [YishiProcess(url, redis.url, tmp_path) for _ in range(2)]
        cluster = Cluster(workers)
        voters: list[Voter] = []
        county = None
        try:
            # given: a live meeting on two workers; voters, speakers, watchers, probers
            county = await make_county(setup)
            await asyncio.gather(*(w.ready() for w in workers))
            gql = GraphQLClient(cluster.http[0])
            meeting = await make_meeting(gql, county)
            accounts = [
                await make_user(setup, county, roles=[(Role.CITIZEN, None)])
                for _ in range(VOTERS + SPEAKERS)
            ]
            await attend(gql, county, meeting, [a.gid for a in accounts])
            voters = [Voter(a, i, at=i % 2) for i, a in enumerate(accounts[:VOTERS])]
            stream = meeting_stream(meeting)
            watchers = [
                Watcher("host on A", county.admin, at=0),
                Watcher("citizen on B", accounts[1], at=1),
                Watcher("citizen on A", accounts[2], at=0),
            ]
            tasks += [asyncio.create_task(watch(run, cluster, w, stream, stop)) for w in watchers]
            talk = [
                asyncio.create_task(speak(run, cluster, s, i, meeting, quiet))
                for i, s in enumerate(accounts[VOTERS:])
            ]
            talk += [
                asyncio.create_task(probe(run, cluster, at, county.admin, meeting, quiet))
                for at in (0, 1)
            ]
            tasks += talk
            scenario = LiveVote(
                run, pg, redis, workers, cluster, url, county.admin, meeting, voters, watchers
            )

            # when: Redis, then PostgreSQL, then the stream's owner go down mid-vote
            clock["faults"] = time.monotonic()
            await scenario.phase("redis", scenario.redis_fault)
            await scenario.phase("postgres", scenario.postgres_fault)
            await scenario.phase("worker", scenario.worker_fault)

            # then (waited for): every watcher reaches the end of the log it may read
            run.phase = "end"
            clock["end"] = time.monotonic()
            quiet.set()  # the last comment is posted: the log ends where it ends now
            await asyncio.wait_for(asyncio.gather(*talk), WAIT)
            reader = GraphQLClient(cluster.http[alive_other(cluster, 0)])
            expected = {
                w.name: await logged_seqs(reader, w.account.token, stream) for w in watchers
            }
            for w in watchers:
                await until(
                    lambda w=w: bool(w.seqs) and w.seqs[-1] >= expected[w.name][-1],
                    f"{w.name} caught up: has {w.seqs[-3:]} of {expected[w.name][-3:]}, "
                    f"{w.state}, ends {dict(w.ends)}, {w.live} tallies",
                )
        finally:
            quiet.set()
            stop.set()
            for task in tasks:
                with contextlib.suppress(BaseException):
                    await asyncio.wait_for(task, 10)
            for v in voters:
                if v.ws is not None:
                    with contextlib.suppress(Exception):
                        await asyncio.wait_for(v.ws.close(), 5)
            await cluster.close()
            for worker in workers:
                worker.stop()
            stored, cast = await stored_votes(url, county.id if county else 0)
            await db.dispose()

    report: dict[str, Any] = {
        name: figures(run, name, stored, cast) for name in ("redis", "postgres", "worker")
    }
    report["watchers"] = {
        w.name: {
            "events": len(w.seqs),
            "tallies": w.live,
            "reconnects": w.reconnects,
            "ends": dict(w.ends),
        }
        for w in watchers
    }
    report["seconds"] = {
        "setup": round(clock["faults"] - clock["start"], 1),
        "faults": round(clock["end"] - clock["faults"], 1),
        "total": round(time.monotonic() - clock["start"], 1),
    }
    print("\nfault figures:", json.dumps(report, ensure_ascii=False))

    # then: every acknowledged vote is stored once, under its key, and nothing else is
    assert {k: stored.get(k) for k in run.acknowledged} == run.acknowledged
    assert len(stored) == len(run.acknowledged) == 3 * VOTERS
    assert set(cast) == set(stored) and set(cast.values()) == {1}
    # and: every watcher has every event it may read, once each, in order
    for w in watchers:
        extra = sorted(set(w.seqs) - set(expected[w.name]))
        assert w.seqs == expected[w.name], (w.name, [(s, w.types[s]) for s in extra][:10])
    # and: every failure a client saw was a clear answer; none was a hang
    kinds = {a.outcome for a in run.attempts if a.outcome != "ok"}
    assert kinds <= CLEAR, kinds
    # and: the faults were met (a run in which no request failed would prove nothing):
    # clients saw PostgreSQL's restart and the worker's death, watchers were cut off
    assert report["postgres"]["failures"], report["postgres"]
    assert report["worker"]["failures"], report["worker"]
    assert scenario.cut_off, "no watcher was on the killed worker"
    assert all(w.reconnects >= 1 for w in watchers if w.name in scenario.cut_off), report


async def stream_owner(url: str, workers: list[YishiProcess]) -> int:
    """Which worker owns the meeting's stream: the one whose lease connection (its client
    port) holds the advisory lock."""
    import psutil

    owner_db = await asyncpg.connect(url)
    try:
        port = await owner_db.fetchval(
            "SELECT a.client_port FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
            "WHERE l.locktype = 'advisory' AND a.application_name = 'yishi-stream-owner'"
        )
    finally:
        await owner_db.close()
    assert port is not None, "nobody owns the meeting's stream"
    for at, worker in enumerate(workers):
        process = psutil.Process(worker.proc.pid)
        for proc in (process, *process.children(recursive=True)):
            if any(c.laddr and c.laddr.port == port for c in proc.net_connections(kind="tcp")):
                return at
    raise AssertionError("no worker holds the lease")


async def stored_votes(url: str, tenant_id: int) -> tuple[dict, Counter]:
    """The county's votes, (poll, user) → key, and how many `vote.cast` events each has."""
    owner_db = await asyncpg.connect(url)
    try:
        rows = await owner_db.fetch(
            "SELECT poll_id, user_id, idempotency_key FROM votes WHERE tenant_id = $1", tenant_id
        )
        cast = await owner_db.fetch(
            "SELECT (payload->>'pollId')::bigint AS poll_id, actor_user_id FROM events "
            "WHERE tenant_id = $1 AND type = 'vote.cast'",
            tenant_id,
        )
    finally:
        await owner_db.close()
    stored = {(r["poll_id"], r["user_id"]): r["idempotency_key"] for r in rows}
    return stored, Counter((r["poll_id"], r["actor_user_id"]) for r in cast)
