"""What one client may take from a worker over websockets, and what happens past it: at
most WS_MAX_OPERATIONS operations per socket (and everything released when the socket
closes), a message rate per socket, a message size (1009 before the payload is read),
sockets per address and per account. Each is exercised with raw frames."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import time
import weakref

from websockets.exceptions import ConnectionClosed

from tests.factories.people import make_user
from tests.factories.tenants import make_county
from tests.realtime_client import EVENTS_SUBSCRIPTION, GraphQLWS, wait_until


def joined_members(server) -> int:
    hub = server.services.hub
    return sum(len(g.members) for f in hub.feeds.values() for g in f.groups.values())


async def closed_by(client: GraphQLWS) -> tuple[int | None, str]:
    closed = await client.wait_closed()
    return closed.code, closed.reason


async def test_a_socket_runs_at_most_100_operations_and_releases_them_when_closed(server):
    # given: a socket with 100 subscriptions (the default WS_MAX_OPERATIONS)
    county = await make_county(server)
    before = joined_members(server)
    client = GraphQLWS(server.ws_url)
    await client.connect()
    await client.init(county.admin.token)
    for i in range(100):
        await client.subscribe(EVENTS_SUBSCRIPTION, {"stream": "org"}, op_id=f"s{i}")
    await wait_until(lambda: joined_members(server) == before + 100, "100 joined")

    # when: a 101st
    extra = await client.subscribe(EVENTS_SUBSCRIPTION, {"stream": "org"}, op_id="s100")

    # then: refused with a code; the socket keeps serving
    errors = await client.error(extra)
    assert [e["extensions"]["code"] for e in errors] == ["TOO_MANY_OPERATIONS"]
    assert errors[0]["message"] == "每个连接最多同时进行100个操作"
    await client.stop("s0")
    await wait_until(lambda: joined_members(server) == before + 99, "one left")
    assert (await client.execute("{ __typename }"))["data"] == {"__typename": "Query"}

    # and when the socket closes, every membership goes with it, and its memory
    hub = server.services.hub
    members = [
        weakref.ref(m)
        for f in hub.feeds.values()
        if f.tenant_id == county.id
        for g in f.groups.values()
        for m in g.members
    ]
    assert len(members) == 99
    await client.close()
    await wait_until(lambda: joined_members(server) == before, "all released")
    gc.collect()
    assert [m for m in members if m() is not None] == []


async def test_a_socket_sending_faster_than_its_rate_is_closed_with_4429(server):
    # given
    county = await make_county(server)
    async with GraphQLWS(server.ws_url) as flood, GraphQLWS(server.ws_url) as other:
        await flood.connect()
        await flood.init(county.admin.token)
        await other.connect()
        await other.init(county.admin.token)

        # when: 1,000 pings at once (the burst is 200, the rate 50 a second)
        with contextlib.suppress(ConnectionClosed):
            for _ in range(1000):
                await flood.send_raw('{"type":"ping"}')

        # then: closed with 4429 after about the burst; another socket is not affected
        assert await closed_by(flood) == (4429, "Too many messages")
        assert 190 <= sum(m == {"type": "pong"} for m in flood.connection) <= 400
        assert (await other.execute("{ __typename }"))["data"] == {"__typename": "Query"}


async def test_a_socket_at_its_rate_is_served(server):
    county = await make_county(server)
    async with GraphQLWS(server.ws_url) as client:
        await client.connect()
        await client.init(county.admin.token)
        for _ in range(150):  # within the burst
            await client.send_raw('{"type":"ping"}')
        for _ in range(150):
            assert await client.connection_message() == {"type": "pong"}
        assert (await client.execute("{ __typename }"))["data"] == {"__typename": "Query"}


async def test_a_message_over_ws_max_size_closes_with_1009_at_once(server):
    # given: a socket, and another one in use
    county = await make_county(server)
    async with GraphQLWS(server.ws_url) as big, GraphQLWS(server.ws_url) as other:
        await big.connect()
        await big.init(county.admin.token)
        await other.connect()
        await other.init(county.admin.token)
        query = "{ __typename }" + " " * (5 * 1024 * 1024)

        # when: a 5 MB subscribe frame
        started = time.monotonic()
        with contextlib.suppress(ConnectionClosed):
            await big.send({"id": "1", "type": "subscribe", "payload": {"query": query}})
        closed = await closed_by(big)
        took = time.monotonic() - started

        # then: closed as too big, quickly; the other socket is served meanwhile
        assert closed[0] == 1009
        assert took < 2.0
        assert (await other.execute("{ __typename }"))["data"] == {"__typename": "Query"}


async def test_a_message_just_under_ws_max_size_is_served(server):
    county = await make_county(server)
    async with GraphQLWS(server.ws_url) as client:
        await client.connect()
        await client.init(county.admin.token)
        query = "{ __typename }" + " " * (60 * 1024)
        assert (await client.execute(query))["data"] == {"__typename": "Query"}


async def test_sockets_per_address_are_capped_with_4429(server, monkeypatch):
    # given: room for three more sockets from this address
    counts = server.services.ws_sockets
    open_now = counts.by_address.get("127.0.0.1", 0)
    monkeypatch.setattr(server.services.settings, "ws_max_sockets_per_address", open_now + 3)
    county = await make_county(server)
    clients = [GraphQLWS(server.ws_url) for _ in range(3)]
    try:
        for client in clients:
            await client.connect()
            await client.init(county.admin.token)

        # when: a fourth
        async with GraphQLWS(server.ws_url) as fourth:
            await fourth.connect()

            # then
            assert await closed_by(fourth) == (4429, "Too many sockets from this address")

        # and once one closes, there is room again
        await clients[0].close()
        await wait_until(
            lambda: counts.by_address.get("127.0.0.1", 0) == open_now + 2, "one released"
        )
        async with GraphQLWS(server.ws_url) as fifth:
            await fifth.connect()
            await fifth.init(county.admin.token)
    finally:
        await asyncio.gather(*(c.close() for c in clients))


async def test_sockets_per_account_are_capped_with_4429(server, monkeypatch):
    # given: an account with two sockets open, at a limit of two
    monkeypatch.setattr(server.services.settings, "ws_max_sockets_per_user", 2)
    county = await make_county(server)
    member = await make_user(server, county)
    first, second = GraphQLWS(server.ws_url), GraphQLWS(server.ws_url)
    try:
        for client in (first, second):
            await client.connect()
            await client.init(member.token)

        # when: a third of the same account, and one of another account
        async with GraphQLWS(server.ws_url) as third, GraphQLWS(server.ws_url) as admin:
            await third.connect()
            await third.send(
                {"type": "connection_init", "payload": {"authorization": f"Bearer {member.token}"}}
            )
            await admin.connect()
            await admin.init(county.admin.token)

            # then
            assert await closed_by(third) == (4429, "Too many sockets for this account")
            assert (await admin.execute("{ __typename }"))["data"] == {"__typename": "Query"}
    finally:
        await first.close()
        await second.close()


async def test_a_subscription_over_http_is_a_client_error_without_an_error_log(server, gql, caplog):
    county = await make_county(server)
    query = 'subscription { events(stream: "org") { seq } }'
    with caplog.at_level(logging.WARNING):
        posted = await gql.execute(query, token=county.admin.token)
        got = await gql.http.get(
            "/graphql",
            params={"query": query},
            headers={"Authorization": f"Bearer {county.admin.token}", "Accept": "application/json"},
        )
    assert posted == {
        "data": None,
        "errors": [
            {
                "message": "订阅需通过 websocket 连接 /graphql（graphql-transport-ws 协议）",
                "extensions": {"code": "SUBSCRIPTION_NEEDS_WEBSOCKET"},
            }
        ],
    }
    assert got.status_code == 200 and got.json() == posted
    assert [r for r in caplog.records if r.levelno >= logging.WARNING] == []


# -- the input checks of HTTP apply to socket operations too -------------------------------


async def test_socket_operations_are_refused_by_the_same_input_checks_as_http(server, gql):
    # given: a signed-in socket
    county = await make_county(server)
    search = "query($s: String) { users(search: $s, first: 1) { edges { node { id } } } }"
    nodes = "query($ids: [ID!]!) { nodes(ids: $ids) { id } }"
    cases = [
        (search, {"s": "张\x00三"}),  # text PostgreSQL cannot store
        (nodes, {"ids": ["x"] * 1_001}),  # a list over MAX_LIST_ITEMS
        (nodes, {"ids": [county.root_gid] * 101}),  # nodes over MAX_NODES
        (
            "{{ nodes(ids: [{}]) {{ id }} }}".format(", ".join(['"a"'] * 1_001)),
            {},
        ),  # a literal list
    ]

    # when: each is sent over the socket and over HTTP
    async with GraphQLWS(server.ws_url) as client:
        await client.open(county.admin.token)
        over_socket = [await client.error(await client.subscribe(q, v)) for q, v in cases]
        still_served = await client.execute("{ __typename }")
    over_http = [await gql.execute(q, v, token=county.admin.token) for q, v in cases]

    # then: the same refusal with the same code on both paths, and the socket goes on
    socket_codes = [[e["extensions"]["code"] for e in errors] for errors in over_socket]
    http_codes = [[e["extensions"]["code"] for e in body["errors"]] for body in over_http]
    assert socket_codes == http_codes == [["BAD_USER_INPUT"]] * 4
    assert still_served["data"] == {"__typename": "Query"}


def test_the_socket_applies_every_input_check_the_schema_declares(server):
    # An input-checking extension added to the schema without an operation check would be
    # skipped by socket operations (realtime.ws runs no strawberry extension).
    from schema.input_checks import InputChecks
    from schema.limits import InputListLimits

    schema = _app_schema(server)
    checking = {InputChecks, InputListLimits}
    declared = {
        type(e()) if callable(e) and not isinstance(e, type) else e for e in schema.extensions
    }
    assert checking <= declared
    assert len(schema.operation_checks) == 1
    assert schema.limit_rules
    # and what the app hands the socket (realtime.ws.wiring) is exactly the schema's
    socket = schema.socket
    assert socket.schema is schema and socket.documents is schema.document_cache
    assert socket.operation_checks == schema.operation_checks
    assert socket.limit_rules == schema.limit_rules


def _app_schema(server):  # type: ignore[no-untyped-def]
    from schema.schema import build_schema

    return build_schema(server.services.settings)
