"""A dependency that is down is told to clients as "try again shortly", never as a bug
(backend.core.outages): over HTTP a 503 with Retry-After and SERVICE_UNAVAILABLE, on a
socket an operation `error` SERVICE_UNAVAILABLE or, when the socket itself cannot go on,
a close 1013 (Try Again Later); and the stream writer answers every caller of a batch
it could not write, even when the writer itself fails. The real outages (PostgreSQL
restarted, Redis killed, a worker killed) are in tests/test_faults_live_vote.py."""

from __future__ import annotations

import asyncio

import asyncpg
import pytest
from sqlalchemy.exc import DBAPIError, InterfaceError

from backend.core.outages import DependencyDown, is_outage
from backend.people.principals import PrincipalResolver
from realtime.hub import Hub
from realtime.log import EventDraft
from realtime.owners import OwnerUnavailable
from realtime.writer import StreamWriter
from tests.factories.tenants import make_county
from tests.realtime_client import EVENTS_SUBSCRIPTION, GraphQLWS, create_unit

ORG_UNITS = "{ orgUnits(first: 1) { edges { node { id } } } }"


def raised_in_except(error: BaseException, then: BaseException) -> BaseException:
    """`then`, raised while handling `error` (its context, not its cause)."""
    try:
        try:
            raise error
        except type(error):
            raise then  # noqa: B904 (the point: no explicit cause)
    except BaseException as final:
        return final


def test_outages_are_told_from_bugs():
    closed = asyncpg.exceptions.ConnectionDoesNotExistError("connection was closed")
    wrapped = InterfaceError("SELECT 1", {}, Exception("connection is closed"))
    wrapped.__cause__ = closed
    invalidated = DBAPIError("SELECT 1", {}, Exception("gone"), connection_invalidated=True)
    assert all(
        is_outage(e)
        for e in (
            ConnectionRefusedError(111, "Connection refused"),
            TimeoutError(),
            asyncpg.exceptions.CannotConnectNowError("the database system is starting up"),
            asyncpg.exceptions.AdminShutdownError("terminating connection"),
            wrapped,
            invalidated,
            # a shutdown's FATAL being read on an idle pooled connection (seen in CI)
            asyncpg.exceptions.InternalClientError(
                "cannot switch to state 15; another operation (2) is in progress"
            ),
            OwnerUnavailable("no owner of meeting:1 answered"),
        )
    )
    assert issubclass(OwnerUnavailable, DependencyDown)
    assert not any(
        is_outage(e)
        for e in (
            RuntimeError("a bug"),
            asyncpg.exceptions.UniqueViolationError("duplicate key"),
            asyncpg.exceptions.InterfaceError("another operation is in progress"),
            asyncpg.exceptions.InternalClientError(  # two statements at once: a bug
                "cannot switch to state 15; another operation (15) is in progress"
            ),
            raised_in_except(OSError("refused"), KeyError("a bug while handling it")),
        )
    )


async def test_an_outage_over_http_is_a_503_with_retry_after(server, gql, monkeypatch):
    county = await make_county(server)

    async def down(self, credentials, **kw):
        raise ConnectionRefusedError(111, "Connection refused")

    monkeypatch.setattr(PrincipalResolver, "resolve", down)
    response = await gql.http.post(
        "/graphql",
        json={"query": ORG_UNITS},
        headers={"Authorization": f"Bearer {county.admin.token}"},
    )
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "1"
    (error,) = response.json()["errors"]
    assert error["message"] == "服务暂时不可用，请稍后重试"
    assert error["extensions"]["code"] == "SERVICE_UNAVAILABLE"
    assert error["extensions"]["retryAfter"] == 1


async def test_an_outage_at_connection_init_closes_the_socket_1013(server, monkeypatch):
    county = await make_county(server)

    async def down(self, credentials, **kw):
        raise asyncpg.exceptions.CannotConnectNowError("the database system is shutting down")

    monkeypatch.setattr(PrincipalResolver, "resolve", down)
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
    assert (closed.code, closed.reason) == (1013, "Service unavailable")


async def test_an_outage_when_a_watcher_joins_is_an_error_and_the_socket_stays(
    server, gql, monkeypatch
):
    county = await make_county(server)
    async with GraphQLWS(server.ws_url) as client:
        await client.connect()
        await client.init(county.admin.token)
        join = Hub.feed

        async def down(self, tenant_id, stream):
            raise ConnectionRefusedError(111, "Connection refused")

        monkeypatch.setattr(Hub, "feed", down)
        (error,) = await client.error(
            await client.subscribe(EVENTS_SUBSCRIPTION, {"stream": "org"})
        )
        assert error["extensions"]["code"] == "SERVICE_UNAVAILABLE"
        assert error["extensions"]["retryAfter"] == 1

        # and: once it is back, the same socket subscribes
        monkeypatch.setattr(Hub, "feed", join)
        op = await client.subscribe(EVENTS_SUBSCRIPTION, {"stream": "org"})
        await create_unit(gql, county.admin.token, county.root_gid, "城关镇")
        assert (await client.event(op))["type"] == "orgUnit.created"


@pytest.mark.parametrize("failure", ["outage", "writer"])
async def test_every_caller_of_a_batch_that_cannot_be_written_is_answered(
    server, monkeypatch, failure
):
    """The callers get the failure (never an acknowledgement, never a wait without end),
    whether the database is down (the batch fails as one: no retry one by one) or the
    writer itself breaks."""
    county = await make_county(server)
    writer = StreamWriter(server.services.db)
    commits: list[int] = []

    async def down(self, tenant_id, stream, ops):
        commits.append(len(ops))
        raise ConnectionRefusedError(111, "Connection refused")

    async def broken(self, tenant_id, stream, batch):
        raise RuntimeError("a bug in the writer")

    if failure == "outage":
        monkeypatch.setattr(StreamWriter, "_commit", down)
    else:
        monkeypatch.setattr(StreamWriter, "_write", broken)

    async def op(session) -> tuple[list[EventDraft], str]:
        return [], "written"

    results = await asyncio.wait_for(
        asyncio.gather(
            *(writer.submit(tenant_id=county.id, stream="org", op=op) for _ in range(5)),
            return_exceptions=True,
        ),
        30,
    )
    expected = ConnectionRefusedError if failure == "outage" else RuntimeError
    assert [type(r) for r in results] == [expected] * 5
    if failure == "outage":
        assert len(commits) == len(set(commits)) and sum(commits) == 5  # no retry one by one
    await writer.close()
