"""Several workers behind Redis: an event committed through one server reaches a watcher
connected to another, and a Redis crash and restart in the middle loses and duplicates
nothing (the hub reconnects and every feed catches up from the log).

These start real processes: two `yishi serve` workers and, for the fault test, a private
`redis-server` (never the machine's own Redis, which is only a fallback for the first test
when redis-server is not installed)."""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
import redis.asyncio as aioredis
from prometheus_client import REGISTRY

from realtime import log as event_log
from realtime.feeds import Member
from realtime.hub import Hub, channel_name
from realtime.log import EventDraft, LoggedEvent
from tests.conftest import GraphQLClient
from tests.factories.tenants import make_county
from tests.processes import (  # noqa: F401 (tests/test_stream_owners.py imports them here)
    REDIS_SERVER,
    START_TIMEOUT,
    RedisProcess,
    YishiProcess,
    wait_for_port,
)
from tests.realtime_client import (
    EVENTS_SUBSCRIPTION,
    GraphQLWS,
    create_unit,
    logged_seqs,
    wait_until,
)

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not REDIS_SERVER and not os.environ.get("REDIS_URL"),
        reason="needs redis-server on PATH or REDIS_URL",
    ),
]


@pytest.fixture
def redis_process(tmp_path: Path) -> Iterator[RedisProcess]:
    if not REDIS_SERVER:
        pytest.skip("the fault test starts and kills its own redis-server")
    redis = RedisProcess(tmp_path)
    try:
        yield redis
    finally:
        redis.stop()


@contextlib.asynccontextmanager
async def two_workers(
    database_url: str, broadcast_url: str, log_dir: Path
) -> AsyncIterator[tuple[YishiProcess, YishiProcess]]:
    workers = (
        YishiProcess(database_url, broadcast_url, log_dir),
        YishiProcess(database_url, broadcast_url, log_dir),
    )
    try:
        await asyncio.gather(*(w.ready() for w in workers))
        yield workers
    finally:
        for w in workers:
            w.stop()


@contextlib.asynccontextmanager
async def http_client(worker: YishiProcess) -> AsyncIterator[GraphQLClient]:
    async with httpx.AsyncClient(base_url=worker.base_url, timeout=30) as http:
        yield GraphQLClient(http)


async def collect(client: GraphQLWS, op: str, into: list[int]) -> None:
    while True:
        into.append((await client.event(op))["seq"])


async def test_an_event_committed_on_one_worker_reaches_a_watcher_on_another(
    server, database_url, tmp_path
):
    county = await make_county(server)
    own_redis = RedisProcess(tmp_path) if REDIS_SERVER else None
    try:
        if own_redis is not None:
            await own_redis.start()
        url = own_redis.url if own_redis is not None else os.environ["REDIS_URL"]
        async with (
            two_workers(database_url, url, tmp_path) as (one, two),
            http_client(two) as gql_two,
            GraphQLWS(one.ws_url) as watcher,
        ):
            await watcher.open(county.admin.token)
            op = await watcher.subscribe(EVENTS_SUBSCRIPTION, {"stream": "org", "after": 0})
            names = [f"跨进程{i}镇" for i in range(5)]
            for name in names:
                await create_unit(gql_two, county.admin.token, county.root_gid, name)
            received = await watcher.events(op, 5)
    finally:
        if own_redis is not None:
            own_redis.stop()
    assert [(e["seq"], e["payload"]["name"]) for e in received] == list(enumerate(names, 1))


async def test_a_redis_crash_and_restart_loses_and_duplicates_nothing(
    server, database_url, tmp_path, redis_process
):
    county = await make_county(server)
    await redis_process.start()
    async with (
        two_workers(database_url, redis_process.url, tmp_path) as (one, two),
        http_client(two) as gql_two,
        GraphQLWS(one.ws_url) as watcher,
    ):
        await watcher.open(county.admin.token)
        op = await watcher.subscribe(EVENTS_SUBSCRIPTION, {"stream": "org", "after": 0})
        received: list[int] = []
        reader = asyncio.create_task(collect(watcher, op, received))
        token, root = county.admin.token, county.root_gid

        for i in range(10):
            await create_unit(gql_two, token, root, f"故障前{i}镇")
        redis_process.kill()
        for i in range(10):  # committed while there is no pub/sub at all
            await create_unit(gql_two, token, root, f"故障中{i}镇")
        await redis_process.start()  # same port: both workers must find it again
        for i in range(10):
            await create_unit(gql_two, token, root, f"故障后{i}镇")

        committed = await logged_seqs(gql_two, token)
        assert committed == list(range(1, 31))

        async def caught_up() -> None:
            while len(received) < len(committed) and not reader.done():  # noqa: ASYNC110
                await asyncio.sleep(0.05)

        try:
            await asyncio.wait_for(caught_up(), 30)
        except TimeoutError:
            pass  # the assertion below reports what was missing
        reader.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await reader
    assert received == committed, one.log_path.read_text()[-4000:]


# -- the hub itself over Redis, with the head check switched off -------------------------
# With no periodic head check, only Redis pub/sub (and the hub's own catch-up after a
# reconnect or a gap) can deliver: these prove those paths rather than the safety net.


async def commit_event(server, county, n: int) -> list[LoggedEvent]:
    async with server.services.db.transaction(tenant_id=county.id) as session:
        return await event_log.append(
            session,
            tenant_id=county.id,
            stream="org",
            drafts=[EventDraft(type="test.tick", payload={"n": n})],
        )


async def wait_subscribed(url: str, channel: str) -> None:
    client = aioredis.Redis.from_url(url)
    try:

        async def poll() -> None:
            while (await client.pubsub_numsub(channel))[0][1] < 1:  # noqa: ASYNC110
                await asyncio.sleep(0.01)

        await asyncio.wait_for(poll(), START_TIMEOUT)
    finally:
        await client.aclose()


@contextlib.asynccontextmanager
async def redis_hubs(server, url: str) -> AsyncIterator[tuple[Hub, Hub]]:
    """Two hubs as two worker processes would have them (same database, same Redis)."""
    hubs = (
        Hub(url, server.services.db, head_check_seconds=3600),
        Hub(url, server.services.db, head_check_seconds=3600),
    )
    for hub in hubs:
        await hub.start()
    try:
        yield hubs
    finally:
        for hub in hubs:
            await hub.stop()


def watch_feed(feed) -> tuple[Member, list[int]]:
    sent: list[int] = []

    async def render(event):
        return str(event.seq)

    async def send(seq: int, payload: str) -> None:
        sent.append(seq)

    member = Member(feed.group(("test", "redis"), render), send, after=None)
    member.start()
    return member, sent


def hub_reconnects() -> float:
    return REGISTRY.get_sample_value("yishi_hub_reconnects_total") or 0.0


async def test_the_redis_hub_delivers_to_another_hub_by_pub_sub(server, redis_process):
    county = await make_county(server)
    await redis_process.start()
    async with redis_hubs(server, redis_process.url) as (watching, publishing):
        feed = await watching.feed(county.id, "org")
        member, sent = watch_feed(feed)
        await wait_subscribed(redis_process.url, channel_name(watching.namespace, county.id, "org"))
        for n in range(1, 6):
            await publishing.publish_events(await commit_event(server, county, n))
        await wait_until(lambda: len(sent) >= 5, "five events by pub/sub")
        await member.leave()
    assert sent == [1, 2, 3, 4, 5]


async def test_the_redis_hub_reconnects_after_a_crash_and_catches_up(server, redis_process):
    county = await make_county(server)
    await redis_process.start()
    reconnects = hub_reconnects()
    async with redis_hubs(server, redis_process.url) as (watching, publishing):
        feed = await watching.feed(county.id, "org")
        member, sent = watch_feed(feed)
        await wait_subscribed(redis_process.url, channel_name(watching.namespace, county.id, "org"))
        for n in range(1, 4):
            await publishing.publish_events(await commit_event(server, county, n))
        await wait_until(lambda: len(sent) >= 3, "three events before the crash")

        redis_process.kill()
        for n in range(4, 8):  # committed while Redis is down: publishing fails, logged
            await publishing.publish_events(await commit_event(server, county, n))
        await redis_process.start()
        # Keep committing (one probe every 0.2 s, bounded) until the watcher has them all:
        # its hub must find Redis again by itself and fill the gap from the log.
        last = 7
        for _ in range(300):
            if sent and sent[-1] == last and len(sent) >= last:
                break
            last += 1
            await publishing.publish_events(await commit_event(server, county, last))
            await asyncio.sleep(0.2)
        await member.leave()
    assert sent == list(range(1, last + 1))
    assert hub_reconnects() - reconnects == 1


async def test_metrics_of_several_workers_are_reported_together(database_url, tmp_path):
    """`yishi serve --workers 2`: whichever worker answers a scrape reports the requests
    both served (Prometheus multiprocess mode), not only its own."""
    url = os.environ.get("REDIS_URL") or "memory://"
    service = YishiProcess(database_url, url, tmp_path, workers=2)
    try:
        await service.ready()
        for _ in range(40):  # a fresh connection each: spread over both workers
            async with httpx.AsyncClient(base_url=service.base_url, timeout=10) as one:
                assert (await one.get("/healthz")).status_code == 200
        scrapes = []
        for _ in range(6):
            async with httpx.AsyncClient(base_url=service.base_url, timeout=10) as one:
                scrapes.append((await one.get("/metrics")).text)
    finally:
        service.stop()
    counts = [
        sum(
            float(line.rsplit(" ", 1)[1])
            for line in text.splitlines()
            if line.startswith("yishi_http_requests_total{") and 'path="/healthz"' in line
        )
        for text in scrapes
    ]
    assert counts == [40.0] * 6
