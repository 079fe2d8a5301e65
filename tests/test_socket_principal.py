"""A socket keeps checking who it serves: over a socket opened BEFORE the change, an
expired token, a password change, a deactivated account and a revoked role each end what
the socket may do, with a close code and reason (or an operation error) a client can act
on; connection_init takes the token and the county in the shapes clients send; and none
of it costs a query per event per watcher."""

from __future__ import annotations

import asyncio

import pytest

from backend.people import service as people_service
from backend.people.models import Role
from tests.factories.people import PASSWORD, make_user, token_for
from tests.factories.tenants import make_county
from tests.realtime_client import (
    EVENTS_SUBSCRIPTION,
    LEGACY_WS,
    TRANSPORT_WS,
    GraphQLWS,
    create_unit,
    wait_until,
)

VIEWER = "{ viewer { user { id } county { slug } } }"
CHANGE_PASSWORD = """
mutation($old: String!, $new: String!) {
  changePassword(oldPassword: $old, newPassword: $new) { ok errors { code } }
}"""
LOGIN = """
mutation($phone: String!, $password: String!) {
  login(input: {phone: $phone, password: $password}) { tokens { accessToken } errors { code } }
}"""
GRANT = """
mutation($u: ID!) {
  grantRole(input: {userId: $u, role: TENANT_ADMIN}) { membership { id } errors { code } }
}"""
REVOKE = """
mutation($m: ID!) { revokeRole(membershipId: $m) { membership { id } errors { code } } }"""


async def closed_by(client: GraphQLWS) -> tuple[int | None, str]:
    closed = await client.wait_closed()
    return closed.code, closed.reason


async def second_admin(server, gql, county):
    """A member made a county-wide admin through grantRole; (account, membership id)."""
    member = await make_user(server, county, name="副管理员")
    granted = (await gql.data(GRANT, {"u": member.gid}, token=county.admin.token))["grantRole"]
    assert granted["errors"] == []
    return member, granted["membership"]["id"]


# -- expiry, password, deactivation, roles ------------------------------------------------


@pytest.mark.parametrize("protocol", [TRANSPORT_WS, LEGACY_WS])
async def test_a_socket_closes_with_4401_when_its_token_expires(server, protocol):
    # given: a socket opened with a token that expires in four seconds, watching
    county = await make_county(server)
    token = token_for(server, county.id, county.admin.user_id, ttl=4)
    async with GraphQLWS(server.ws_url, protocol=protocol) as client:
        await client.connect()
        ack = await client.init(token)
        op = await client.subscribe(EVENTS_SUBSCRIPTION, {"stream": "org"})
        assert (await client.execute("{ __typename }"))["data"] == {"__typename": "Query"}

        # when: the token's time is up
        closed = await closed_by(client)

    # then: closed with the "get a new token" code, as the ack announced
    assert closed == (4401, "Token expired")
    assert ack["payload"]["expiresAt"] is not None
    assert client.pending(op) == []


async def test_an_expired_token_is_refused_at_init_with_4401(server):
    county = await make_county(server)
    token = token_for(server, county.id, county.admin.user_id, ttl=-5)
    async with GraphQLWS(server.ws_url) as client:
        await client.connect()
        await client.send(
            {"type": "connection_init", "payload": {"authorization": f"Bearer {token}"}}
        )
        assert await closed_by(client) == (4401, "Token expired")
        assert client.connection == []


async def test_a_password_change_closes_the_other_sessions_sockets_and_refuses_their_tokens(
    server, gql
):
    # given: a member signed in on two devices, the laptop watching over a socket
    county = await make_county(server)
    member = await make_user(server, county, roles=[(Role.TENANT_ADMIN, None)])
    phone_token = (
        await gql.data(LOGIN, {"phone": member.phone, "password": PASSWORD}, tenant=county.slug)
    )["login"]
    laptop_token = (
        await gql.data(LOGIN, {"phone": member.phone, "password": PASSWORD}, tenant=county.slug)
    )["login"]
    phone, laptop = phone_token["tokens"]["accessToken"], laptop_token["tokens"]["accessToken"]
    async with GraphQLWS(server.ws_url) as client:
        await client.connect()
        await client.init(laptop)
        await client.subscribe(EVENTS_SUBSCRIPTION, {"stream": "org"})

        # when: the password is changed from the phone
        changed = await gql.data(
            CHANGE_PASSWORD, {"old": PASSWORD, "new": "brand-new-pass"}, token=phone
        )

        # then: the laptop's socket is closed: sign in again
        assert await closed_by(client) == (4401, "Token revoked")
    assert changed["changePassword"] == {"ok": True, "errors": []}
    for old in (laptop, phone, member.token):
        body = await gql.execute(VIEWER, token=old)
        assert [e["extensions"]["code"] for e in body["errors"]] == ["UNAUTHENTICATED"]
        assert body["errors"][0]["message"] == "密码已修改，请用新密码重新登录"
    fresh = (
        await gql.data(
            LOGIN, {"phone": member.phone, "password": "brand-new-pass"}, tenant=county.slug
        )
    )["login"]
    viewer = await gql.data(VIEWER, token=fresh["tokens"]["accessToken"])
    assert viewer["viewer"]["user"]["id"] == member.gid
    async with GraphQLWS(server.ws_url) as again:
        await again.connect()
        await again.init(fresh["tokens"]["accessToken"])
        assert (await again.execute(VIEWER))["data"]["viewer"]["user"]["id"] == member.gid


async def test_deactivating_an_account_closes_its_sockets_with_4403(server, gql, owner_db):
    # given: a member watching
    county = await make_county(server)
    member = await make_user(server, county, roles=[(Role.TENANT_ADMIN, None)])
    async with GraphQLWS(server.ws_url) as client:
        await client.connect()
        await client.init(member.token)
        await client.subscribe(EVENTS_SUBSCRIPTION, {"stream": "org"})
        assert (await client.execute(VIEWER))["data"]["viewer"]["user"]["id"] == member.gid

        # when: the account is deactivated behind the service's back (psql)
        await owner_db.execute("UPDATE users SET is_active = false WHERE id = $1", member.user_id)

        # then
        assert await closed_by(client) == (4403, "Account deactivated")
    body = await gql.execute(VIEWER, token=member.token)
    assert [e["extensions"]["code"] for e in body["errors"]] == ["UNAUTHENTICATED"]


async def test_a_revoked_role_ends_the_sockets_subscriptions_and_later_ones_are_refused(
    server, gql
):
    # given: a second admin watching the county's org stream (admins only)
    county = await make_county(server)
    member, membership = await second_admin(server, gql, county)
    async with GraphQLWS(server.ws_url) as client:
        await client.connect()
        await client.init(member.token)
        op = await client.subscribe(EVENTS_SUBSCRIPTION, {"stream": "org", "after": 0})
        await create_unit(gql, county.admin.token, county.root_gid, "甲镇")
        assert (await client.event(op))["payload"]["name"] == "甲镇"

        # when: the role is revoked
        revoked = await gql.data(REVOKE, {"m": membership}, token=county.admin.token)

        # then: the subscription ends with a code; the socket stays, with the new roles
        errors = await client.error(op)
        assert [e["extensions"]["code"] for e in errors] == ["PERMISSIONS_CHANGED"]
        assert errors[0]["message"] == "权限已变更，请重新订阅"
        again = await client.subscribe(EVENTS_SUBSCRIPTION, {"stream": "org"})
        assert [e["extensions"]["code"] for e in await client.error(again)] == ["FORBIDDEN"]
        assert (await client.execute(VIEWER))["data"]["viewer"]["user"]["id"] == member.gid
        await create_unit(gql, county.admin.token, county.root_gid, "乙镇")
        assert (await client.execute("{ __typename }"))["data"] == {"__typename": "Query"}
        assert client.pending(op) == []
    assert revoked["revokeRole"]["errors"] == []


async def test_a_revoked_role_is_refused_over_http_at_once(server, gql):
    # given: a second admin who has used their token (their grants are cached)
    county = await make_county(server)
    member, membership = await second_admin(server, gql, county)
    ok = await gql.execute("{ auditLog(first: 1) { edges { cursor } } }", token=member.token)
    assert "errors" not in ok, ok

    # when
    await gql.data(REVOKE, {"m": membership}, token=county.admin.token)

    # then: the very next request sees the change
    body = await gql.execute("{ auditLog(first: 1) { edges { cursor } } }", token=member.token)
    assert [e["extensions"]["code"] for e in body["errors"]] == ["FORBIDDEN"]


async def test_sockets_keep_checking_after_the_listener_reconnects(server, owner_db):
    # given: a watcher, and the worker's credentials listener cut off by the database
    county = await make_county(server)
    member = await make_user(server, county, roles=[(Role.TENANT_ADMIN, None)])
    resolver = server.services.principals
    async with GraphQLWS(server.ws_url) as client:
        await client.connect()
        await client.init(member.token)
        await owner_db.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE application_name = 'yishi-credentials' AND datname = current_database()"
        )
        await wait_until(lambda: not resolver.live, "the listener noticed")
        await wait_until(lambda: resolver.live, "the listener reconnected")

        # when
        await owner_db.execute("UPDATE users SET is_active = false WHERE id = $1", member.user_id)

        # then
        assert await closed_by(client) == (4403, "Account deactivated")


async def test_watchers_cost_no_account_query_per_event_and_one_per_change(
    server, gql, monkeypatch
):
    # given: 40 sockets of one admin watching, and every account read counted
    county = await make_county(server)
    member, membership = await second_admin(server, gql, county)
    reads: list[int] = []
    load_account = people_service.load_account

    async def counted(session, user_id):
        reads.append(user_id)
        return await load_account(session, user_id)

    monkeypatch.setattr(people_service, "load_account", counted)
    clients = [GraphQLWS(server.ws_url) for _ in range(40)]
    try:
        ops = []
        for client in clients:
            await client.connect()
            await client.init(member.token)
            ops.append(await client.subscribe(EVENTS_SUBSCRIPTION, {"stream": "org"}))
        joined = len(reads)

        # when: five events reach every watcher
        for i in range(5):
            await create_unit(gql, county.admin.token, county.root_gid, f"镇{i}")
        for client, op in zip(clients, ops, strict=True):
            assert len(await client.events(op, 5)) == 5
        during_events = len(reads) - joined

        # and when: the account changes, all 40 sockets re-check
        await gql.data(REVOKE, {"m": membership}, token=county.admin.token)
        for client, op in zip(clients, ops, strict=True):
            assert [e["extensions"]["code"] for e in await client.error(op)] == [
                "PERMISSIONS_CHANGED"
            ]
    finally:
        await asyncio.gather(*(c.close() for c in clients))

    # then: 40 sockets joined on one account read (cached), none per event, and the
    # change cost one read per account (the socket re-checks share it), not one per socket
    assert joined <= 1
    assert during_events == 0
    assert reads.count(member.user_id) - joined <= 2


# -- connection_init shapes ----------------------------------------------------------------


@pytest.mark.parametrize(
    "shape",
    [
        lambda t: {"authorization": f"Bearer {t}"},
        lambda t: {"Authorization": f"Bearer {t}"},
        lambda t: {"token": t},
        lambda t: {"token": f"Bearer {t}"},
        lambda t: {"headers": {"Authorization": f"Bearer {t}"}},
        lambda t: {"headers": {"authorization": f"Bearer {t}", "content-type": "x"}},
    ],
    ids=["authorization", "Authorization", "token", "token-bearer", "headers", "headers-lower"],
)
async def test_connection_init_takes_the_token_in_the_shapes_clients_send(server, shape):
    county = await make_county(server)
    async with GraphQLWS(server.ws_url) as client:
        await client.connect()
        await client.send({"type": "connection_init", "payload": shape(county.admin.token)})
        assert (await client.connection_message())["type"] == "connection_ack"
        viewer = (await client.execute(VIEWER))["data"]["viewer"]
    assert viewer == {"user": {"id": county.admin.gid}, "county": {"slug": county.slug}}


@pytest.mark.parametrize(
    "shape",
    [
        lambda s: {"tenant": s},
        lambda s: {"X-Tenant": s},
        lambda s: {"headers": {"X-Tenant": s}},
    ],
    ids=["tenant", "X-Tenant", "headers"],
)
async def test_connection_init_takes_an_anonymous_watchers_county(server, shape):
    county = await make_county(server)
    async with GraphQLWS(server.ws_url) as client:
        await client.connect()
        await client.send({"type": "connection_init", "payload": shape(county.slug)})
        assert (await client.connection_message())["type"] == "connection_ack"
        viewer = (await client.execute(VIEWER))["data"]["viewer"]
    assert viewer == {"user": None, "county": {"slug": county.slug}}


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        ({"Authorization": 123}, "connection_init Authorization must be a string"),
        ({"authorization": {"Bearer": "x"}}, "connection_init authorization must be a string"),
        ({"tenant": ["a"]}, "connection_init tenant must be a string"),
        ({"token": 5}, "connection_init token must be a string"),
        (
            {"headers": {"Authorization": 1}},
            "connection_init headers.authorization must be a string",
        ),
        ({"headers": "Bearer x"}, "connection_init headers must be an object"),
        ({"authToken": "x"}, "Unknown connection_init key: authToken"),
    ],
)
async def test_a_connection_init_of_another_shape_is_refused_with_4400(server, payload, reason):
    async with GraphQLWS(server.ws_url) as client:
        await client.connect()
        await client.send({"type": "connection_init", "payload": payload})
        assert await closed_by(client) == (4400, reason)
        assert client.connection == []


@pytest.mark.parametrize(
    ("payload", "closed"),
    [
        ({"authorization": "Basic abc"}, (4401, "Invalid authorization")),
        ({"tenant": "no-such-county"}, (4403, "Unknown county")),
    ],
)
async def test_refusals_at_init_say_whether_a_new_token_helps(server, payload, closed):
    async with GraphQLWS(server.ws_url) as client:
        await client.connect()
        await client.send({"type": "connection_init", "payload": payload})
        assert await closed_by(client) == closed
