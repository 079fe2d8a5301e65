"""What the websocket endpoint refuses, and how: protocol violations close the socket with
the graphql-transport-ws codes; a refused operation gets an `error` message and the
connection keeps serving; and a county's watchers only ever see their own county."""

from __future__ import annotations

import json

import pytest
import websockets
from websockets.exceptions import InvalidStatus

from backend.people.models import Role
from realtime.ws import protocol as realtime_ws
from tests.factories.people import make_user
from tests.factories.tenants import make_county
from tests.realtime_client import (
    EVENTS_SUBSCRIPTION,
    STREAM_EVENTS,
    GraphQLWS,
    create_unit,
)


async def closed_by(client: GraphQLWS) -> tuple[int | None, str]:
    closed = await client.wait_closed()
    return closed.code, closed.reason


async def test_a_bad_token_is_refused_with_4401(server):
    async with GraphQLWS(server.ws_url) as client:
        await client.connect()
        await client.send(
            {"type": "connection_init", "payload": {"Authorization": "Bearer not-a-token"}}
        )
        assert await closed_by(client) == (4401, "Invalid token")
        assert client.connection == []  # no ack


async def test_a_token_of_another_county_than_the_one_named_is_refused(server):
    a, b = await make_county(server), await make_county(server)
    async with GraphQLWS(server.ws_url) as client:
        await client.connect()
        await client.send(
            {
                "type": "connection_init",
                "payload": {"Authorization": f"Bearer {a.admin.token}", "tenant": b.slug},
            }
        )
        assert await closed_by(client) == (4403, "Token of another county")


async def test_subscribing_before_connection_init_is_refused_with_4401(server):
    async with GraphQLWS(server.ws_url) as client:
        await client.connect()
        await client.subscribe(EVENTS_SUBSCRIPTION, {"stream": "org"})
        assert await closed_by(client) == (4401, "Unauthorized")


async def test_a_duplicate_operation_id_is_refused_with_4409(server):
    county = await make_county(server)
    async with GraphQLWS(server.ws_url) as client:
        await client.open(county.admin.token)
        await client.subscribe(EVENTS_SUBSCRIPTION, {"stream": "org"}, op_id="same")
        await client.subscribe(EVENTS_SUBSCRIPTION, {"stream": "org"}, op_id="same")
        assert await closed_by(client) == (4409, "Subscriber for same already exists")


async def test_invalid_json_is_refused_with_4400(server):
    county = await make_county(server)
    async with GraphQLWS(server.ws_url) as client:
        await client.open(county.admin.token)
        await client.send_raw("{not json")
        assert await closed_by(client) == (4400, "Invalid message")


@pytest.mark.parametrize("message", [[1, 2], {"no": "type"}, {"type": 7}])
async def test_a_message_that_is_not_an_object_with_a_type_is_refused_with_4400(server, message):
    async with GraphQLWS(server.ws_url) as client:
        await client.connect()
        await client.send_raw(json.dumps(message))
        assert await closed_by(client) == (4400, "Invalid message")


async def test_an_unknown_message_type_is_refused_with_4400(server):
    async with GraphQLWS(server.ws_url) as client:
        await client.connect()
        await client.send({"type": "hello"})
        assert await closed_by(client) == (4400, "Unknown message type: hello")


async def test_a_second_connection_init_is_refused_with_4429(server):
    county = await make_county(server)
    async with GraphQLWS(server.ws_url) as client:
        await client.open(county.admin.token)
        await client.send({"type": "connection_init", "payload": {}})
        assert await closed_by(client) == (4429, "Too many initialisation requests")


async def test_no_connection_init_in_time_closes_with_4408(server, monkeypatch):
    monkeypatch.setattr(realtime_ws, "INIT_TIMEOUT_SECONDS", 0.2)
    async with GraphQLWS(server.ws_url) as client:
        await client.connect()
        assert await closed_by(client) == (4408, "Connection initialisation timeout")


async def test_a_socket_without_a_graphql_subprotocol_is_refused(server):
    with pytest.raises(InvalidStatus) as refused:
        async with websockets.connect(server.ws_url):
            pass
    assert refused.value.response.status_code == 403


async def test_a_citizen_may_not_watch_the_org_stream_and_the_socket_keeps_serving(server, gql):
    county = await make_county(server)
    citizen = await make_user(server, county, roles=[(Role.CITIZEN, None)], name="群众")
    async with GraphQLWS(server.ws_url) as client:
        await client.open(citizen.token)
        op = await client.subscribe(EVENTS_SUBSCRIPTION, {"stream": "org"})
        errors = await client.error(op)
        assert [e["extensions"]["code"] for e in errors] == ["FORBIDDEN"]
        assert errors[0]["message"] == "无权执行此操作：需要县级管理员角色"
        me = await client.execute("{ __typename }")
        assert me == {"data": {"__typename": "Query"}}
        # The refused id is free again; the HTTP API agrees with the socket.
        again = await client.subscribe(EVENTS_SUBSCRIPTION, {"stream": "org"}, op_id=op)
        assert [e["extensions"]["code"] for e in await client.error(again)] == ["FORBIDDEN"]
    body = await gql.execute(STREAM_EVENTS, {"s": "org"}, token=citizen.token)
    assert [e["extensions"]["code"] for e in body["errors"]] == ["FORBIDDEN"]


async def test_an_anonymous_socket_may_not_watch(server):
    async with GraphQLWS(server.ws_url) as client:
        await client.connect()
        ack = await client.init()
        op = await client.subscribe(EVENTS_SUBSCRIPTION, {"stream": "org"})
        assert [e["extensions"]["code"] for e in await client.error(op)] == ["UNAUTHENTICATED"]
    assert ack["payload"] == {"expiresAt": None}


@pytest.mark.parametrize(
    ("stream", "code"),
    [
        ("nope:1", "BAD_USER_INPUT"),
        ("nope", "BAD_USER_INPUT"),
        ("org:", "BAD_USER_INPUT"),
        ("org:5", "BAD_USER_INPUT"),
    ],
)
async def test_unknown_streams_are_refused(server, stream, code):
    county = await make_county(server)
    async with GraphQLWS(server.ws_url) as client:
        await client.open(county.admin.token)
        op = await client.subscribe(EVENTS_SUBSCRIPTION, {"stream": stream})
        errors = await client.error(op)
        assert [(e["extensions"]["code"], e["extensions"]["field"]) for e in errors] == [
            (code, "stream")
        ]
        assert (await client.execute("{ __typename }"))["data"] == {"__typename": "Query"}


async def test_a_negative_after_is_bad_user_input(server):
    county = await make_county(server)
    async with GraphQLWS(server.ws_url) as client:
        await client.open(county.admin.token)
        op = await client.subscribe(EVENTS_SUBSCRIPTION, {"stream": "org", "after": -1})
        errors = await client.error(op)
        assert [e["extensions"]["code"] for e in errors] == ["BAD_USER_INPUT"]
        assert errors[0]["message"] == "参数 after 不能为负数"


@pytest.mark.parametrize(
    "query",
    [
        'subscription { events(stream: "org") { nope } }',
        'subscription { events(stream: "org") { seq }',
        "subscription { events { seq } }",
        "subscription($s: Int!) { events(stream: $s) { seq } }",
    ],
)
async def test_a_malformed_document_fails_validation(server, query):
    county = await make_county(server)
    async with GraphQLWS(server.ws_url) as client:
        await client.open(county.admin.token)
        op = await client.subscribe(query, {"s": 1})
        errors = await client.error(op)
        assert [e["extensions"]["code"] for e in errors] == ["GRAPHQL_VALIDATION_FAILED"]
        assert (await client.execute("{ __typename }"))["data"] == {"__typename": "Query"}


async def test_variables_that_do_not_fit_fail_validation(server):
    county = await make_county(server)
    async with GraphQLWS(server.ws_url) as client:
        await client.open(county.admin.token)
        op = await client.subscribe(EVENTS_SUBSCRIPTION, {"stream": "org", "after": "three"})
        errors = await client.error(op)
        assert [e["extensions"]["code"] for e in errors] == ["GRAPHQL_VALIDATION_FAILED"]


async def test_a_county_admin_watching_org_only_sees_their_own_county(server, gql):
    a, b = await make_county(server), await make_county(server)
    async with GraphQLWS(server.ws_url) as watcher_a, GraphQLWS(server.ws_url) as watcher_b:
        await watcher_a.open(a.admin.token)
        await watcher_b.open(b.admin.token)
        op_a = await watcher_a.subscribe(EVENTS_SUBSCRIPTION, {"stream": "org", "after": 0})
        op_b = await watcher_b.subscribe(EVENTS_SUBSCRIPTION, {"stream": "org", "after": 0})
        for i in range(3):
            await create_unit(gql, a.admin.token, a.root_gid, f"甲县{i}镇")
            await create_unit(gql, b.admin.token, b.root_gid, f"乙县{i}镇")
        await create_unit(gql, a.admin.token, a.root_gid, "甲县末镇")
        seen_a = await watcher_a.events(op_a, 4)
        seen_b = await watcher_b.events(op_b, 3)
        # B's next event is B's own fourth one: none of A's came in between.
        await create_unit(gql, b.admin.token, b.root_gid, "乙县末镇")
        seen_b.append(await watcher_b.event(op_b))
    assert [(e["seq"], e["payload"]["name"]) for e in seen_a] == [
        (1, "甲县0镇"),
        (2, "甲县1镇"),
        (3, "甲县2镇"),
        (4, "甲县末镇"),
    ]
    assert [(e["seq"], e["payload"]["name"]) for e in seen_b] == [
        (1, "乙县0镇"),
        (2, "乙县1镇"),
        (3, "乙县2镇"),
        (4, "乙县末镇"),
    ]


async def test_the_token_decides_which_county_is_watched(server, gql):
    a, b = await make_county(server), await make_county(server)
    async with GraphQLWS(server.ws_url) as client:
        await client.connect()
        await client.init(b.admin.token)
        op = await client.subscribe(EVENTS_SUBSCRIPTION, {"stream": "org", "after": 0})
        await create_unit(gql, a.admin.token, a.root_gid, "别县镇")
        await create_unit(gql, b.admin.token, b.root_gid, "本县镇")
        only = await client.event(op)
    assert (only["seq"], only["payload"]["name"]) == (1, "本县镇")


async def test_an_after_beyond_the_stream_head_is_bad_user_input(server, gql):
    county = await make_county(server)
    await create_unit(gql, county.admin.token, county.root_gid, "甲乡")  # head is seq 1
    async with GraphQLWS(server.ws_url) as ws:
        await ws.open(county.admin.token)
        op = await ws.subscribe(EVENTS_SUBSCRIPTION, {"stream": "org", "after": 5})
        errors = await ws.error(op)
        assert [e["extensions"]["code"] for e in errors] == ["BAD_USER_INPUT"]
        assert "1" in errors[0]["message"]


async def test_a_failure_while_opening_the_connection_closes_it_with_1011(server, monkeypatch):
    """If loading the principal fails unexpectedly (the database gone, a bug), the client
    gets a clear close (1011, internal error) instead of a dropped connection."""
    from backend.people.principals import PrincipalResolver

    async def broken(self, credentials, **kw):
        raise RuntimeError("database unavailable")

    monkeypatch.setattr(PrincipalResolver, "resolve", broken)
    county = await make_county(server)
    client = GraphQLWS(server.ws_url)
    await client.connect()
    try:
        await client.send(
            {
                "type": "connection_init",
                "payload": {"Authorization": f"Bearer {county.admin.token}"},
            }
        )
        closed = await client.wait_closed()
    finally:
        await client.close()
    assert (closed.code, closed.reason) == (1011, "Internal error")
