"""Joining a stream is cheap and stays correct: a crowd of watchers joining the county's
org stream costs no database statement once the account is cached (the view follows from
the grants; the token's signature is checked once), a token accepted before is still
refused once it expires, and the upgrade request's county reaches the socket."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Iterator
from typing import Any

from sqlalchemy import event

from backend.core.security import decode_access_token
from tests.factories.people import token_for
from tests.factories.tenants import make_county
from tests.realtime_client import EVENTS_SUBSCRIPTION, GraphQLWS, create_unit, wait_until
from tests.test_realtime_subscriptions import member_count

VIEWER = "{ viewer { user { id } county { slug } } }"


@contextlib.contextmanager
def statements_of(server: Any) -> Iterator[list[str]]:
    """Every SQL statement the app role's engine sends while the block runs."""
    seen: list[str] = []
    engine = server.services.db.app_engine.sync_engine

    def note(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", note)


async def test_watchers_join_the_org_stream_without_a_database_statement(server, gql):
    # given: a county admin's first socket on the org stream, which has received an event
    # (the account is cached, the stream's feed has read the log and is live)
    county = await make_county(server)
    token = county.admin.token
    first = await GraphQLWS(server.ws_url).open(token)
    sockets = [first]
    try:
        op = await first.subscribe(EVENTS_SUBSCRIPTION, {"stream": "org"})
        await wait_until(lambda: member_count(server, county) == 1, "the first watcher joined")
        await create_unit(gql, token, county.root_gid, "新区")
        assert (await first.event(op))["type"] == "orgUnit.created"

        # when: five more sockets connect, initialise and subscribe
        with statements_of(server) as statements:
            for _ in range(5):
                client = await GraphQLWS(server.ws_url).open(token)
                sockets.append(client)
                await client.subscribe(EVENTS_SUBSCRIPTION, {"stream": "org"})
            await wait_until(lambda: member_count(server, county) == 6, "all six joined")

        # then: all six watch, and their joins sent the database nothing
        assert statements == []
    finally:
        for client in sockets:
            await client.close()


async def test_a_token_accepted_before_is_refused_once_it_expires(server, gql):
    # given: a token valid for two seconds, accepted over HTTP and at connection_init
    county = await make_county(server)
    token = token_for(server, county.id, county.admin.user_id, ttl=2)
    expires_at = decode_access_token(
        token, secret=server.services.settings.jwt_secret.get_secret_value()
    ).expires_at
    body = await gql.execute(VIEWER, token=token)
    assert body["data"]["viewer"]["county"]["slug"] == county.slug
    async with GraphQLWS(server.ws_url) as client:
        await client.open(token)

    # when: its time is up (a wait, not an assertion)
    await asyncio.sleep(max(0.0, expires_at - time.time()) + 0.05)

    # then: the same token is refused, by HTTP and by a new socket, as expired
    body = await gql.execute(VIEWER, token=token)
    assert body["data"] is None or body["data"].get("viewer") is None
    assert [e["extensions"]["code"] for e in body["errors"]] == ["UNAUTHENTICATED"]
    async with GraphQLWS(server.ws_url) as client:
        await client.connect()
        await client.send(
            {"type": "connection_init", "payload": {"authorization": f"Bearer {token}"}}
        )
        closed = await client.wait_closed()
    assert (closed.code, closed.reason) == (4401, "Token expired")


async def test_the_upgrade_requests_county_reaches_an_anonymous_socket(server, gql):
    # given: an anonymous watcher naming its county only in the upgrade URL (?tenant=)
    county = await make_county(server)
    async with GraphQLWS(server.ws_url + f"?tenant={county.slug}") as client:
        await client.open()
        # when: it asks who it is
        result = await client.execute(VIEWER)
    # then: it is the county's public
    assert result["data"]["viewer"]["county"]["slug"] == county.slug
    assert result["data"]["viewer"]["user"] is None
