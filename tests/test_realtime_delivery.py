"""Delivery inside one process: a subscriber that falls behind catches up from the log
(bounded memory, every event once, in order), derived live values are coalesced, and the
path is observable on /metrics."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time

import httpx
import pytest
from prometheus_client import REGISTRY
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import text
from sqlalchemy.exc import TimeoutError as SQLAlchemyTimeout

from backend.core.db import Database
from realtime import log as event_log
from realtime import metrics
from realtime.coalesce import Coalescer
from realtime.feeds import Member
from realtime.hub import Hub, channel_name
from realtime.log import EventDraft
from tests.factories.tenants import make_county
from tests.realtime_client import EVENTS_SUBSCRIPTION, GraphQLWS, create_unit, wait_until


def lagged_total() -> float:
    return REGISTRY.get_sample_value("yishi_subscribers_lagged_total") or 0.0


async def append_one(server, county, n: int) -> None:
    async with server.services.db.transaction(tenant_id=county.id) as session:
        await event_log.append(
            session,
            tenant_id=county.id,
            stream="org",
            drafts=[EventDraft(type="test.tick", payload={"n": n})],
        )


async def test_a_lagging_subscriber_catches_up_from_the_log_once_and_in_order(server):
    county = await make_county(server)
    hub = server.services.hub
    feed = await hub.feed(county.id, "org")
    rendered: list[int] = []

    async def render(event):
        rendered.append(event.seq)
        return json.dumps({"seq": event.seq, "n": event.payload["n"]})

    socket = {"buffered": 0}  # bytes the client has not read yet (a slow phone)
    sent: list[tuple[int, dict]] = []

    async def send(seq: int, payload: str) -> None:
        sent.append((seq, json.loads(payload)))

    group = feed.group(("test", "lagging"), render)
    member = Member(
        group, send, after=None, buffered=lambda: socket["buffered"], high_water=1000, low_water=100
    )
    member.start()
    lagged_before = lagged_total()
    try:
        await append_one(server, county, 1)
        await wait_until(lambda: len(sent) == 1, "the first event live")
        socket["buffered"] = 5000  # the client stops reading
        for n in range(2, 51):
            await append_one(server, county, n)
        await wait_until(lambda: feed.last_seq == 50, "the feed delivered all 50 events")
        assert len(sent) == 1  # nothing more piled up for it while it did not read
        socket["buffered"] = 0  # it reads again
        # More events commit while it catches up: live delivery overlaps the replay.
        for n in range(51, 71):
            await append_one(server, county, n)
        await wait_until(lambda: len(sent) >= 70 and feed.last_seq == 70, "70 events sent")
    finally:
        await member.leave()

    assert [seq for seq, _ in sent] == list(range(1, 71))
    assert [p for _, p in sent] == [{"seq": n, "n": n} for n in range(1, 71)]
    assert lagged_total() - lagged_before == 1
    # Rendered once per event for the group, never again for the replay.
    assert sorted(rendered) == list(range(1, 71))
    await wait_until(
        lambda: hub.feeds.get(channel_name(hub.namespace, county.id, "org")) is None, "feed dropped"
    )


async def test_two_members_of_a_group_get_the_same_rendering_once(server):
    county = await make_county(server)
    feed = await server.services.hub.feed(county.id, "org")
    rendered: list[int] = []

    async def render(event):
        rendered.append(event.seq)
        return json.dumps({"seq": event.seq})

    got: dict[str, list[str]] = {"a": [], "b": []}

    def sender(name):
        async def send(seq: int, payload: str) -> None:
            got[name].append(payload)

        return send

    group = feed.group(("test", "shared"), render)
    members = [Member(group, sender(n), after=0) for n in ("a", "b")]
    for m in members:
        m.start()
    try:
        for n in range(1, 6):
            await append_one(server, county, n)
        await wait_until(lambda: len(got["a"]) == 5 and len(got["b"]) == 5, "both got 5")
    finally:
        for m in members:
            await m.leave()
    assert got["a"] == got["b"] == [json.dumps({"seq": n}) for n in range(1, 6)]
    assert sorted(rendered) == [1, 2, 3, 4, 5]


async def test_the_coalescer_bounds_the_rate_and_ends_on_the_final_value():
    emitted: list[tuple[float, str, int]] = []

    async def emit(key, value):
        emitted.append((time.monotonic(), key, value["v"]))

    coalescer = Coalescer(emit, rate=4)
    start = time.monotonic()
    for v in range(1, 1001):
        coalescer.update("poll:1", v, {"v": v})
        if v % 10 == 0:
            await asyncio.sleep(0.005)
    await wait_until(lambda: emitted and emitted[-1][2] == 1000, "the final value was emitted")
    duration = emitted[-1][0] - start

    versions = [v for _, _, v in emitted]
    assert len(emitted) <= duration * 4 + 2, (len(emitted), duration)
    assert versions == sorted(set(versions))  # newest only, never backwards
    assert versions[-1] == 1000
    assert coalescer.latest("poll:1") == {"v": 1000}

    # A late, older version changes nothing; a newer one is emitted next.
    coalescer.update("poll:1", 999, {"v": 999})
    assert coalescer.latest("poll:1") == {"v": 1000}
    coalescer.update("poll:1", 1001, {"v": 1001})
    await wait_until(lambda: emitted[-1][2] == 1001, "the newer value was emitted")
    assert 999 not in [v for _, _, v in emitted]
    coalescer.close()


async def test_the_coalescer_keeps_keys_apart():
    emitted: list[tuple[str, int]] = []

    async def emit(key, value):
        emitted.append((key, value))

    coalescer = Coalescer(emit, rate=4)
    coalescer.update("a", 1, 10)
    coalescer.update("b", 5, 50)
    coalescer.update("b", 4, 40)
    coalescer.update("a", 2, 20)
    await wait_until(lambda: ("a", 20) in emitted and ("b", 50) in emitted, "both keys final")
    assert ("b", 40) not in emitted
    assert [v for k, v in emitted if k == "a"][-1] == 20
    coalescer.close()


async def test_live_values_reach_watchers_coalesced_and_end_exact(server):
    county = await make_county(server)
    hub = server.services.hub
    async with GraphQLWS(server.ws_url) as client:
        await client.open(county.admin.token)
        op = await client.subscribe(EVENTS_SUBSCRIPTION, {"stream": "org", "after": 0})
        await wait_until(
            lambda: (
                channel_name(hub.namespace, county.id, "org") in hub.feeds
                and hub.feeds[channel_name(hub.namespace, county.id, "org")].groups
            ),
            "the watcher joined",
        )
        for version in range(1, 201):
            await hub.publish_live(
                county.id,
                "org",
                type="tally.changed",
                key="poll:7",
                version=version,
                value={"yes": version},
            )
        values = []
        while not values or values[-1] != 200:
            event = await client.event(op)
            assert (event["type"], event["seq"]) == ("tally.changed", 0)
            values.append(event["payload"]["yes"])
    assert values == sorted(set(values))
    assert len(values) < 200


async def test_metrics_expose_the_realtime_path(server, gql):
    county = await make_county(server)

    async def scrape() -> dict[str, float]:
        async with httpx.AsyncClient(base_url=server.base_url) as http:
            response = await http.get("/metrics")
        assert response.status_code == 200
        return {
            s.name: s.value
            for f in text_string_to_metric_families(response.text)
            for s in f.samples
            if not s.labels or s.name.endswith("_count")
        }

    before = await scrape()
    for name in (
        "yishi_events_appended_total",
        "yishi_subscribers",
        "yishi_subscribers_lagged_total",
        "yishi_delivery_lag_seconds_count",
        "yishi_events_delivered_total",
        "yishi_subscription_groups",
        "yishi_hub_reconnects_total",
        "yishi_feed_catchups_total",
        "yishi_replay_retries_total",
    ):
        assert name in before, name
    async with GraphQLWS(server.ws_url) as client:
        await client.open(county.admin.token)
        op = await client.subscribe(EVENTS_SUBSCRIPTION, {"stream": "org", "after": 0})
        for i in range(3):
            await create_unit(gql, county.admin.token, county.root_gid, f"度量{i}镇")
        await client.events(op, 3)
        during = await scrape()
    await wait_until(
        lambda: metrics.SUBSCRIBERS._value.get() == before["yishi_subscribers"],
        "the subscriber left",
    )
    after = await scrape()
    assert during["yishi_events_appended_total"] - before["yishi_events_appended_total"] == 3
    assert during["yishi_events_delivered_total"] - before["yishi_events_delivered_total"] == 3
    assert during["yishi_subscribers"] - before["yishi_subscribers"] == 1
    lag_count = "yishi_delivery_lag_seconds_count"
    assert during[lag_count] - before[lag_count] == 3
    assert after["yishi_subscribers"] == before["yishi_subscribers"]


async def test_a_replay_that_cannot_read_the_log_retries_instead_of_ending(server, database_url):
    """A crowd resuming at once can exhaust the connection pool; a replay whose read fails
    must keep the subscription and try again, not end it without a word to the client."""
    county = await make_county(server)
    for n in range(1, 6):
        await append_one(server, county, n)
    db = Database(owner_url=database_url, pool_size=1)  # 1 + 1 overflow connections
    db.app_engine.pool._timeout = 0.2  # a real pool that gives up quickly when exhausted
    hub = Hub("memory://", db, head_check_seconds=3600)
    await hub.start()
    try:
        feed = await hub.feed(county.id, "org")
        sent: list[int] = []

        async def render(event):
            return str(event.seq)

        async def send(seq: int, payload: str) -> None:
            sent.append(seq)

        retries = REGISTRY.get_sample_value("yishi_replay_retries_total") or 0.0
        async with contextlib.AsyncExitStack() as held:  # every pooled connection busy
            for _ in range(2):
                session = await held.enter_async_context(db.transaction(tenant_id=county.id))
                await session.execute(text("SELECT 1"))
            member = Member(feed.group(("test", "retry"), render), send, after=0)
            member.start()
            await wait_until(
                lambda: (REGISTRY.get_sample_value("yishi_replay_retries_total") or 0) > retries,
                "the replay's read failed and is retried",
            )
            assert sent == []
        await wait_until(lambda: len(sent) >= 5, "the replay went through once the pool freed up")
        await member.leave()
    finally:
        await hub.stop()
        await db.dispose()
    assert sent == [1, 2, 3, 4, 5]


async def test_a_feed_that_failed_to_start_is_not_handed_to_later_watchers(server, database_url):
    """The first watcher of a stream starts its feed (one read of the stream's head); if
    that read fails, the next watcher must get a working feed, not the dead one."""
    county = await make_county(server)
    db = Database(owner_url=database_url, pool_size=1)
    db.app_engine.pool._timeout = 0.2
    hub = Hub("memory://", db, head_check_seconds=3600)
    await hub.start()
    try:
        async with contextlib.AsyncExitStack() as held:  # every pooled connection busy
            for _ in range(2):
                session = await held.enter_async_context(db.transaction(tenant_id=county.id))
                await session.execute(text("SELECT 1"))
            with pytest.raises(SQLAlchemyTimeout):
                await hub.feed(county.id, "org")
        assert channel_name(hub.namespace, county.id, "org") not in hub.feeds

        feed = await hub.feed(county.id, "org")
        assert feed.running
        sent: list[int] = []

        async def render(event):
            return str(event.seq)

        async def send(seq: int, payload: str) -> None:
            sent.append(seq)

        member = Member(feed.group(("test", "restart"), render), send, after=None)
        member.start()
        for n in range(1, 4):
            async with server.services.db.transaction(tenant_id=county.id) as session:
                logged = await event_log.append(
                    session,
                    tenant_id=county.id,
                    stream="org",
                    drafts=[EventDraft(type="test.tick", payload={"n": n})],
                )
            await hub.publish_events(logged)  # as this process's hub would after the commit
        await wait_until(lambda: len(sent) >= 3, "three live events")
        await member.leave()
    finally:
        await hub.stop()
        await db.dispose()
    assert sent == [1, 2, 3]


async def test_a_tally_is_not_lost_while_the_client_is_not_reading(server):
    """The final derived value reaches a member that lagged when it came; superseded ones
    are skipped."""
    county = await make_county(server)
    hub = server.services.hub
    feed = await hub.feed(county.id, "org")
    socket = {"buffered": 0}
    sent: list[str] = []

    async def send(seq: int, payload: str) -> None:
        sent.append(payload)

    async def render(event):
        return json.dumps({"seq": event.seq})

    group = feed.group(("test", "live-slot"), render)
    member = Member(
        group, send, after=None, buffered=lambda: socket["buffered"], high_water=1000, low_water=100
    )
    member.start()
    try:
        socket["buffered"] = 5000
        await append_one(server, county, 1)  # finds the client not reading: it lags
        await wait_until(lambda: feed.last_seq == 1, "one event delivered")
        for total in (1, 2, 3):  # three tallies; only the newest matters
            await member.deliver_live(json.dumps({"tally": total}))
        assert sent == []
        socket["buffered"] = 0
        await wait_until(lambda: json.dumps({"tally": 3}) in sent, "the final tally was sent")
    finally:
        await member.leave()

    assert sent == [json.dumps({"seq": 1}), json.dumps({"tally": 3})]


async def test_a_feed_far_behind_drops_hub_messages_and_reads_the_log(server):
    """A flood of hub messages for a stuck feed is bounded; the feed then catches up from
    the log, so nothing is lost."""
    from realtime import feeds

    county = await make_county(server)
    hub = server.services.hub
    feed = await hub.feed(county.id, "org")
    sent: list[int] = []

    async def render(event):
        return json.dumps({"seq": event.seq})

    async def send(seq: int, payload: str) -> None:
        sent.append(seq)

    group = feed.group(("test", "flood"), render)
    member = Member(group, send, after=None)
    member.start()
    try:
        for n in range(1, 4):
            await append_one(server, county, n)  # committed and in the log
        async with server.services.db.transaction(tenant_id=county.id, read_only=True) as s:
            logged = await event_log.read_after(s, stream="org", after=0)
        await wait_until(lambda: sent == [1, 2, 3], "three events live")
        for _ in range(feeds.MAX_INBOX * 3):  # a flood of stale messages while it is busy
            feed.offer(logged)
        assert feed._inbox.qsize() <= feeds.MAX_INBOX + 1
        await append_one(server, county, 4)
        await wait_until(lambda: sent == [1, 2, 3, 4], "the fourth event, once")
    finally:
        await member.leave()
