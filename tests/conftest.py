"""Test fixtures: a real PostgreSQL (TEST_DATABASE_URL, or an embedded pgserver), a fresh
migrated database per test worker, and the service running in-process on a free port.

Isolation is by county: every test creates its own counties (tests/factories), and RLS
keeps them apart, so tests commit for real (as clients do) and never share state."""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import os
import socket
import tempfile
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import httpx
import pytest
import uvicorn

from backend.core.clock import ManualClock
from backend.core.db import async_url
from backend.core.settings import Settings
from backend.server.app import create_app
from backend.server.migrate import upgrade
from backend.server.models import metadata
from realtime.ws.transport import YishiWebSockets
from schema.services import AppServices


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def asyncpg_dsn(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://", 1)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def server_url() -> Iterator[str]:
    """A PostgreSQL server: the machine's (TEST_DATABASE_URL) or an embedded one."""
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        yield url
        return
    import pgserver

    data = os.path.join(tempfile.gettempdir(), "yishi-test-pg")
    # The test workers share one server; the first creates its data folder, and pgserver
    # does not guard that against a second process doing the same at the same moment.
    with open(data + ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        pg = pgserver.get_server(data, cleanup_mode="stop")
    yield pg.get_uri()
    pg.cleanup()  # while logging still has its streams


@pytest.fixture(scope="session")
async def database_url(server_url: str, worker_id: str) -> AsyncIterator[str]:
    """A new database for this test worker, migrated to head, dropped at the end."""
    name = f"yishi_test_{worker_id}_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(asyncpg_dsn(server_url))
    await admin.execute(f'CREATE DATABASE "{name}"')
    url = with_database(server_url, name)
    try:
        await upgrade(url)
        yield url
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


@dataclass
class LiveServer:
    base_url: str
    services: AppServices
    owner_url: str
    #: The meeting timers' clock: it stands still until a test calls `clock.advance(s)`.
    clock: ManualClock
    app: Any = None

    @property
    def ws_url(self) -> str:
        return self.base_url.replace("http://", "ws://") + "/graphql"


@pytest.fixture(scope="session")
async def server(database_url: str) -> AsyncIterator[LiveServer]:
    """The whole service (create_app) served by uvicorn on 127.0.0.1 in this event loop."""
    # Every request of the suite comes from 127.0.0.1: the per-address budget of case intake
    # (sized for one venue's collectors) would be the whole suite's, shared by the xdist
    # workers through Redis. Tests of the limits set their own budgets (`budgets(...)`).
    settings = Settings(
        environment="test",
        database_url=database_url,
        db_pool_size=5,
        rate_case_intake_address="100000/60s",
        # The same for the public writes of the participation domains (their tests of the
        # budgets set their own, tests/test_hardening_new_domains.py).
        rate_inquiry_question_address="100000/60s",
        rate_livelihood_proposal_address="100000/60s",
        rate_livelihood_vote_address="100000/60s",
        rate_hearing_application_address="100000/60s",
        rate_decision_comment_address="100000/60s",
        rate_information_request_address="100000/60s",
        rate_video_signal_address="100000/60s",
    )
    clock = ManualClock()
    app = create_app(settings, migrate=False, clock=clock)
    port = free_port()
    config = uvicorn.Config(
        app,
        host="127.0.0.1",
        port=port,
        log_level="warning",
        ws=YishiWebSockets,  # as `yishi serve`: the transport reaches the app in the scope
        lifespan="on",
        ws_per_message_deflate=False,
        ws_max_size=settings.ws_max_size,
        # The session's one httpx client keeps its connections between tests; with uvicorn's
        # 5 s default, a connection idle through a test that waits for a timer was closed
        # by the server just as the client reused it (httpx.ReadError, seen twice).
        timeout_keep_alive=600,
    )
    uv = uvicorn.Server(config)
    task = asyncio.create_task(uv.serve())
    while not uv.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.02)
    try:
        yield LiveServer(
            base_url=f"http://127.0.0.1:{port}",
            services=app.state.services,
            owner_url=database_url,
            clock=clock,
            app=app,
        )
    finally:
        uv.should_exit = True
        await task


@contextlib.asynccontextmanager
async def served_also(server: LiveServer, **config: Any) -> AsyncIterator[LiveServer]:
    """The session's app (its services, its database) served by one more uvicorn on a free
    port with other options (`ws=`, `ws_per_message_deflate=`…); no lifespan of its own."""
    port = free_port()
    options: dict[str, Any] = {
        "host": "127.0.0.1",
        "port": port,
        "log_level": "warning",
        "lifespan": "off",
        "ws_max_size": server.services.settings.ws_max_size,
        **config,
    }
    uv = uvicorn.Server(uvicorn.Config(server.app, **options))
    task = asyncio.create_task(uv.serve())
    while not uv.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.02)
    try:
        yield LiveServer(
            base_url=f"http://127.0.0.1:{port}",
            services=server.services,
            owner_url=server.owner_url,
            app=server.app,
            clock=server.clock,
        )
    finally:
        uv.should_exit = True
        await task


@pytest.fixture(scope="session")
async def owner_db(database_url: str) -> AsyncIterator[asyncpg.Connection]:
    """A superuser/owner connection for inspecting tables behind the service's back."""
    conn = await asyncpg.connect(asyncpg_dsn(async_url(database_url)))
    yield conn
    await conn.close()


class GraphQLClient:
    """A client as an app would be: JSON over HTTP POST to /graphql."""

    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http

    async def execute(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        *,
        tenant: str | None = None,
        token: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        h = dict(headers or {})
        if tenant:
            h["X-Tenant"] = tenant
        if token:
            h["Authorization"] = f"Bearer {token}"
        response = await self.http.post(
            "/graphql", json={"query": query, "variables": variables or {}}, headers=h
        )
        assert response.status_code == 200, response.text
        return response.json()

    async def data(
        self, query: str, variables: dict[str, Any] | None = None, **kw: Any
    ) -> dict[str, Any]:
        """The `data` of a response that must have no top-level errors."""
        body = await self.execute(query, variables, **kw)
        assert "errors" not in body, body
        return body["data"]


@pytest.fixture(scope="session")
async def gql(server: LiveServer) -> AsyncIterator[GraphQLClient]:
    """One client for the session: building an httpx client costs tens of milliseconds."""
    async with httpx.AsyncClient(base_url=server.base_url, timeout=30) as http:
        yield GraphQLClient(http)


COUNTY_TABLES = sorted(t.name for t in metadata.sorted_tables if "tenant_id" in t.columns)


async def county_rows(owner_db: asyncpg.Connection, tenant_id: int) -> dict[str, int]:
    """Rows per county-owned table for one county (one round trip): a refused action must
    leave every count as it was."""
    row = await owner_db.fetchrow(
        "SELECT "
        + ", ".join(
            f"(SELECT count(*) FROM {t} WHERE tenant_id = $1) AS {t}" for t in COUNTY_TABLES
        ),
        tenant_id,
    )
    return dict(row)
