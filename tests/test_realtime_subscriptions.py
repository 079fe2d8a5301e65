"""Watching a stream over websockets, as an app does: live events in order, replay with
`after`, resuming after a disconnect, shared rendering groups, both protocols, and
queries/mutations over the same socket."""

from __future__ import annotations

import asyncio
import itertools

import pytest

from realtime import feeds as realtime_feeds
from realtime.hub import channel_name
from tests.factories.tenants import make_county
from tests.realtime_client import (
    EVENTS_SUBSCRIPTION,
    LEGACY_WS,
    STREAM_EVENTS,
    GraphQLWS,
    create_unit,
    logged_seqs,
    wait_until,
)

_names = itertools.count(1)


def unit_name() -> str:
    return f"镇{next(_names):05d}"


def org_feed(server, county):
    hub = server.services.hub
    return hub.feeds.get(channel_name(hub.namespace, county.id, "org"))


def member_count(server, county) -> int:
    feed = org_feed(server, county)
    return 0 if feed is None else sum(len(g.members) for g in feed.groups.values())


async def watch(
    server,
    county,
    *,
    after: int | None = None,
    protocol: str | None = None,
    query: str = EVENTS_SUBSCRIPTION,
) -> tuple[GraphQLWS, str]:
    client = GraphQLWS(server.ws_url, **({"protocol": protocol} if protocol else {}))
    await client.open(county.admin.token)
    op = await client.subscribe(query, {"stream": "org", "after": after})
    return client, op


async def test_a_watcher_receives_exactly_the_new_events_in_order(server, gql):
    county = await make_county(server)
    client, op = await watch(server, county)
    async with client:
        # Without `after` a watcher sees what is recorded once it has joined.
        await wait_until(lambda: member_count(server, county) == 1, "the watcher joined")
        names = [unit_name() for _ in range(3)]
        ids = [await create_unit(gql, county.admin.token, county.root_gid, n) for n in names]
        received = await client.events(op, 3)
        # The next thing on the subscription is the next event: nothing was duplicated.
        names.append(unit_name())
        ids.append(await create_unit(gql, county.admin.token, county.root_gid, names[-1]))
        received.append(await client.event(op))

    assert [e["seq"] for e in received] == [1, 2, 3, 4]
    assert [e["type"] for e in received] == ["orgUnit.created"] * 4
    assert [e["payload"]["name"] for e in received] == names
    assert [e["stream"] for e in received] == ["org"] * 4
    assert {e["actorId"] for e in received} == {county.admin.user_id}
    logged = (await gql.data(STREAM_EVENTS, {"s": "org"}, token=county.admin.token))["streamEvents"]
    assert [{k: e[k] for k in ("seq", "type", "payload", "hash", "at")} for e in received] == logged
    assert len(ids) == len(set(ids)) == 4


async def test_after_replays_the_missed_events_then_goes_live(server, gql):
    county = await make_county(server)
    for _ in range(5):
        await create_unit(gql, county.admin.token, county.root_gid, unit_name())
    client, op = await watch(server, county, after=2)
    async with client:
        replayed = await client.events(op, 3)
        await create_unit(gql, county.admin.token, county.root_gid, "六镇")
        live = await client.event(op)
        await create_unit(gql, county.admin.token, county.root_gid, "七镇")
        seventh = await client.event(op)
    assert [e["seq"] for e in replayed] == [3, 4, 5]
    assert (live["seq"], live["payload"]["name"]) == (6, "六镇")
    assert (seventh["seq"], seventh["payload"]["name"]) == (7, "七镇")


async def test_no_gap_and_no_duplicate_when_events_commit_during_the_replay(server, gql):
    county = await make_county(server)
    per_writer = 30
    total = 10 + 3 * per_writer
    for _ in range(10):
        await create_unit(gql, county.admin.token, county.root_gid, unit_name())

    async def writer() -> None:
        for _ in range(per_writer):
            await create_unit(gql, county.admin.token, county.root_gid, unit_name())

    async def concurrent_writers() -> None:
        await asyncio.gather(writer(), writer(), writer())

    background = asyncio.create_task(concurrent_writers())
    client, op = await watch(server, county, after=0)
    async with client:
        received = [e["seq"] for e in await client.events(op, total)]
        await background
        await create_unit(gql, county.admin.token, county.root_gid, "最后一镇")
        last = await client.event(op)
    assert received == list(range(1, total + 1))
    assert last["seq"] == total + 1
    assert await logged_seqs(gql, county.admin.token) == list(range(1, total + 2))


async def test_resuming_on_a_new_connection_after_a_disconnect_loses_nothing(server, gql):
    county = await make_county(server)
    total = 30
    done = asyncio.Event()

    async def writer() -> None:
        for _ in range(total):
            await create_unit(gql, county.admin.token, county.root_gid, unit_name())
        done.set()

    background = asyncio.create_task(writer())
    first, op = await watch(server, county, after=0)
    before = [e["seq"] for e in await first.events(op, 7)]
    await first.close()  # the phone goes into a tunnel…

    second, op2 = await watch(server, county, after=before[-1])
    async with second:
        after = [e["seq"] for e in await second.events(op2, total - len(before))]
        await background
    assert done.is_set()
    assert before == list(range(1, 8))
    assert before + after == list(range(1, total + 1))


async def test_identical_subscriptions_share_one_group_and_different_ones_do_not(server, gql):
    county = await make_county(server)
    a, op_a = await watch(server, county)
    b, op_b = await watch(server, county)
    slim_query = (
        "subscription($stream: String!, $after: Int) "
        "{ events(stream: $stream, after: $after) { seq type } }"
    )
    c, op_c = await watch(server, county, query=slim_query)
    async with a, b, c:
        await wait_until(lambda: member_count(server, county) == 3, "three watchers joined")
        feed = org_feed(server, county)
        sizes = sorted(len(g.members) for g in feed.groups.values())
        assert sizes == [1, 2]
        shared = next(g for g in feed.groups.values() if len(g.members) == 2)
        assert shared.key[0] == EVENTS_SUBSCRIPTION

        await create_unit(gql, county.admin.token, county.root_gid, "共享镇")
        full_a, full_b, slim = await a.event(op_a), await b.event(op_b), await c.event(op_c)
    assert full_a == full_b
    assert full_a["payload"]["name"] == "共享镇" and full_a["seq"] == 1
    assert slim == {"seq": 1, "type": "orgUnit.created"}
    # When the last watcher leaves, the process stops following the stream.
    await wait_until(lambda: org_feed(server, county) is None, "the feed was dropped")


async def test_a_completed_subscription_leaves_its_group(server, gql):
    county = await make_county(server)
    client, op = await watch(server, county, after=0)
    async with client:
        await create_unit(gql, county.admin.token, county.root_gid, unit_name())
        assert (await client.event(op))["seq"] == 1
        await client.stop(op)
        await wait_until(lambda: org_feed(server, county) is None, "the feed was dropped")
        # The socket still serves, and the same id may be used again.
        op = await client.subscribe(EVENTS_SUBSCRIPTION, {"stream": "org", "after": 1}, op_id=op)
        await create_unit(gql, county.admin.token, county.root_gid, "再订镇")
        again = await client.event(op)
    assert (again["seq"], again["payload"]["name"]) == (2, "再订镇")


async def test_the_legacy_graphql_ws_protocol_works_too(server, gql):
    county = await make_county(server)
    client, op = await watch(server, county, after=0, protocol=LEGACY_WS)
    async with client:
        await create_unit(gql, county.admin.token, county.root_gid, "旧协议镇")
        message = await client.message(op)
        assert message["type"] == "data"
        assert message["payload"]["data"]["events"]["seq"] == 1
        assert message["payload"]["data"]["events"]["payload"]["name"] == "旧协议镇"
        await client.stop(op)
        await wait_until(lambda: org_feed(server, county) is None, "the feed was dropped")
        result = await client.execute(STREAM_EVENTS, {"s": "org"})
    assert [e["seq"] for e in result["data"]["streamEvents"]] == [1]


async def test_queries_and_mutations_over_the_socket(server):
    county = await make_county(server)
    client, op = await watch(server, county, after=0)
    async with client:
        mutation = await client.execute(
            "mutation($p: ID!) { createOrgUnit(input: "
            '{parentId: $p, kind: TOWNSHIP, name: "套接字镇"}) '
            "{ orgUnit { name } errors { code } } }",
            {"p": county.root_gid},
        )
        assert mutation == {
            "data": {"createOrgUnit": {"orgUnit": {"name": "套接字镇"}, "errors": []}}
        }
        event = await client.event(op)
        query = await client.execute(STREAM_EVENTS, {"s": "org"})
        me = await client.execute("{ __typename }")
    assert (event["seq"], event["payload"]["name"]) == (1, "套接字镇")
    assert [(e["seq"], e["hash"]) for e in query["data"]["streamEvents"]] == [(1, event["hash"])]
    assert me == {"data": {"__typename": "Query"}}


async def test_a_watcher_too_far_behind_is_told_to_resync(server, gql, monkeypatch):
    monkeypatch.setattr(realtime_feeds, "MAX_REPLAY", 3)
    county = await make_county(server)
    for _ in range(5):
        await create_unit(gql, county.admin.token, county.root_gid, unit_name())
    client, op = await watch(server, county, after=1)
    async with client:
        resync = await client.event(op)
        await create_unit(gql, county.admin.token, county.root_gid, "续镇")
        live = await client.event(op)
    assert (resync["seq"], resync["type"], resync["payload"]) == (
        5,
        "stream.resync",
        {"reason": "too_far_behind"},
    )
    assert (live["seq"], live["payload"]["name"]) == (6, "续镇")


@pytest.mark.parametrize("protocol", ["graphql-transport-ws", LEGACY_WS])
async def test_ping_and_keepalive(server, protocol):
    county = await make_county(server)
    client = GraphQLWS(server.ws_url, protocol=protocol)
    async with client:
        await client.connect()
        ack = await client.init(county.admin.token)
        # No internal ids: only when the token expires (the socket closes then, 4401).
        assert list(ack["payload"]) == ["expiresAt"]
        assert ack["payload"]["expiresAt"].endswith("+00:00")
        if protocol == LEGACY_WS:
            return
        await client.send({"type": "ping"})
        assert await client.connection_message() == {"type": "pong"}


async def test_a_watcher_measures_its_own_socket_buffer(server, gql):
    """Lag is detected from the real socket's unsent bytes (uvicorn never blocks a send),
    not from a stand-in that always says 0."""
    county = await make_county(server)
    client, _ = await watch(server, county)
    async with client:
        await wait_until(lambda: member_count(server, county) == 1, "the watcher joined")
        (group,) = org_feed(server, county).groups.values()
        (member,) = group.members
        transport = getattr(member._buffered, "__self__", None)
        assert transport is not None and hasattr(transport, "get_write_buffer_size")
        assert member._buffered() == 0  # an idle, reading client


@pytest.mark.parametrize("size", [0, 1, 125, 126, 65535, 65536, 200_000])
def test_frames_written_directly_parse_as_the_websockets_library_reads_them(size):
    """Live frames skip the ASGI send (realtime.ws.direct_frame_writer); each must be the
    text frame a client's library expects, at every length encoding."""
    from websockets.frames import Frame, Opcode
    from websockets.streams import StreamReader

    from realtime.ws import text_frame

    payload = ("议" * size).encode()[:size]
    reader = StreamReader()
    reader.feed_data(text_frame(payload))
    reader.feed_eof()
    parser = Frame.parse(reader.read_exact, mask=False)
    try:
        next(parser)
    except StopIteration as done:
        frame = done.value
    assert (frame.opcode, frame.fin, frame.data) == (Opcode.TEXT, True, payload)


async def test_the_server_writes_frames_directly_to_an_uncompressed_socket(server, gql):
    """The live path really is the direct one here (uvicorn's sans-I/O protocol, no
    permessage-deflate), so the suite's websocket tests exercise it."""
    county = await make_county(server)
    client, op = await watch(server, county)
    async with client:
        await wait_until(lambda: member_count(server, county) == 1, "the watcher joined")
        (group,) = org_feed(server, county).groups.values()
        (member,) = group.members
        connection = next(
            c.cell_contents
            for c in member._send.__closure__
            if type(c.cell_contents).__name__ == "GraphQLWebSocket"
        )
        assert connection._write_frame is not None
        await create_unit(gql, county.admin.token, county.root_gid, "直写镇")
        event = await client.event(op)
    assert event["payload"]["name"] == "直写镇"
