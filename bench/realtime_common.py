"""Shared plumbing of the real-time benchmarks (fanout.py, resume.py): a fresh database, a
seeded county, the service as a subprocess, a private Redis, process memory, commits.

Everything listens on 127.0.0.1; every process started here is stopped here.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import random
import resource
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "bench" / "results"
VENV_BIN = ROOT / ".venv" / "bin"
LOG_DIR = Path(tempfile.gettempdir())

CREATE_UNIT = (
    "mutation($p: ID!, $n: String!) { createOrgUnit(input: {parentId: $p, "
    "kind: TOWNSHIP, name: $n}) { orgUnit { id } errors { code message } } }"
)
EVENTS = (
    'subscription($after: Int) { events(stream: "org", after: $after) '
    "{ stream seq type at actorId payload hash } }"
)


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def run_client(coroutine: Any, loop: str) -> Any:
    """Run a client process's coroutine on uvloop (cheaper per socket event: the clients
    stand in for other machines, so what they spend of this machine's cores is taken from
    the server) or on asyncio's own loop."""
    if loop == "uvloop":
        import uvloop

        return uvloop.run(coroutine)
    return asyncio.run(coroutine)


def raise_fd_limit() -> int:
    """Soft open-files limit up to the hard one (inherited by every child started later)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def gid(type_name: str, db_id: int) -> str:
    """The global id the service shows (same ID_KEY in this process's environment)."""
    from schema.relay import to_global_id

    return to_global_id(type_name, db_id)


def pg_dsn(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://", 1)


# -- database ------------------------------------------------------------------------------


class FreshDatabase:
    """A new database on TEST_DATABASE_URL's server, else on an embedded pgserver in a
    temporary directory; migrated to head; dropped (or the embedded server stopped) after."""

    def __init__(self, server_url: str | None = None) -> None:
        self.server_url = server_url or os.environ.get("TEST_DATABASE_URL")
        self.name = f"yishi_bench_{uuid.uuid4().hex[:8]}"
        self.url = ""
        self._pg: Any = None
        self._tmp: str | None = None

    async def __aenter__(self) -> FreshDatabase:
        return await self.create()

    async def __aexit__(self, *exc: object) -> None:
        await self.drop()

    async def create(self) -> FreshDatabase:
        import asyncpg

        from backend.server.migrate import upgrade

        if not self.server_url:
            import pgserver

            self._tmp = tempfile.mkdtemp(prefix="yishi-bench-pg-")
            self._pg = pgserver.get_server(self._tmp, cleanup_mode="stop")
            self.server_url = self._pg.get_uri()
        admin = await asyncpg.connect(pg_dsn(self.server_url))
        try:
            await admin.execute(f'CREATE DATABASE "{self.name}"')
        finally:
            await admin.close()
        self.url = urlunsplit(urlsplit(self.server_url)._replace(path=f"/{self.name}"))
        await upgrade(self.url)
        return self

    async def drop(self) -> None:
        import asyncpg

        with contextlib.suppress(Exception):
            admin = await asyncpg.connect(pg_dsn(self.server_url or ""))
            try:
                await admin.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
            finally:
                await admin.close()
        if self._pg is not None:
            with contextlib.suppress(Exception):
                self._pg.cleanup()
        if self._tmp:
            shutil.rmtree(self._tmp, ignore_errors=True)

    @property
    def where(self) -> str:
        return "embedded pgserver" if self._pg is not None else "TEST_DATABASE_URL's server"


@dataclass
class County:
    tenant_id: int
    slug: str
    admin_id: int
    root_gid: str
    root_id: int = 0


async def seed_county(url: str) -> County:
    """A county with its root unit and one county-wide admin (through the services)."""
    import asyncpg

    from backend.core.db import Database
    from backend.core.security import Principal
    from backend.people import counties
    from backend.people.passwords import Passwords

    db = Database(owner_url=url, pool_size=2)
    passwords = Passwords(threads=1)
    try:
        async with db.platform_transaction() as session:
            tenant = await counties.create_county(
                session,
                Principal(tenant_id=None, operator_id=0),
                name="压测县",
                slug=f"bench{uuid.uuid4().hex[:8]}",
                division_code=f"{random.randint(100000, 999999)}",
                admin=counties.AdminAccount(
                    display_name="压测管理员", phone="13900000001", password="bench-password-1"
                ),
                passwords=passwords,
            )
    finally:
        passwords.close()
        await db.dispose()
    conn = await asyncpg.connect(pg_dsn(url))
    try:
        admin_id = await conn.fetchval("SELECT id FROM users WHERE tenant_id = $1", tenant.id)
        root_id = await conn.fetchval(
            "SELECT id FROM org_units WHERE tenant_id = $1 AND parent_id IS NULL", tenant.id
        )
    finally:
        await conn.close()
    return County(
        tenant_id=tenant.id,
        slug=tenant.slug,
        admin_id=admin_id,
        root_gid=gid("OrgUnit", root_id),
        root_id=root_id,
    )


async def open_subscription(
    ws: Any, token: str, query: str, variables: dict[str, Any], ack_wait: float = 60
) -> None:
    """graphql-transport-ws on an open client socket: connection_init with the token, wait
    for the ack, then subscribe `query` as operation "1"."""
    import orjson

    init = {"type": "connection_init", "payload": {"Authorization": f"Bearer {token}"}}
    await ws.send(orjson.dumps(init).decode())
    ack = orjson.loads(await asyncio.wait_for(ws.recv(), ack_wait))
    if ack.get("type") != "connection_ack":
        raise RuntimeError(f"no ack: {ack}")
    subscribe = {
        "id": "1",
        "type": "subscribe",
        "payload": {"query": query, "variables": variables},
    }
    await ws.send(orjson.dumps(subscribe).decode())


def mint_token(secret: str, county: County, ttl: int = 86400) -> str:
    from backend.core.security import encode_access_token

    return encode_access_token(
        secret=secret, ttl_seconds=ttl, tenant_id=county.tenant_id, user_id=county.admin_id
    )[0]


# -- processes -----------------------------------------------------------------------------


def start_process(
    command: list[str], log_name: str, env: dict[str, str] | None = None
) -> subprocess.Popen[bytes]:
    """In its own session, so that stopping it stops its workers too."""
    out = (LOG_DIR / log_name).open("wb")
    return subprocess.Popen(
        command,
        env={**os.environ, **(env or {})},
        cwd=ROOT,
        start_new_session=True,
        stdout=out,
        stderr=subprocess.STDOUT,
    )


def stop_process(proc: subprocess.Popen[bytes], sig: int = signal.SIGTERM) -> None:
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, sig)  # the session this script started
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(10)


def start_yishi(
    url: str, port: int, *, workers: int, secret: str, broadcast_url: str, pool_size: int = 10
) -> subprocess.Popen[bytes]:
    env = {
        "DATABASE_URL": url,
        "JWT_SECRET": secret,
        "LOG_LEVEL": "WARNING",
        "ENVIRONMENT": "development",
        # As production runs: no payload check against the event declarations (on by
        # default outside production; about 2.5 µs per event on this machine).
        "CHECK_EVENTS": "false",
        "DB_POOL_SIZE": str(pool_size),
        "BROADCAST_URL": broadcast_url,
        "JWT_ACCESS_TTL_SECONDS": "86400",
        # A load generator is one address, and its watchers may share one account.
        "WS_MAX_SOCKETS_PER_ADDRESS": "0",
        "WS_MAX_SOCKETS_PER_USER": "0",
    }
    command = [
        str(VENV_BIN / "yishi"),
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(workers),
    ]
    log(f"starting: {' '.join(command)} (BROADCAST_URL={broadcast_url})")
    return start_process(command, f"yishi-bench-{port}.log", env)


def start_redis(port: int) -> subprocess.Popen[bytes]:
    redis = shutil.which("redis-server")
    if not redis:
        raise SystemExit("--workers > 1 needs redis-server on PATH (a private one is started)")
    return start_process(
        [redis, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        f"redis-bench-{port}.log",
    )


async def wait_ready(
    base_url: str, proc: subprocess.Popen[bytes], path: str = "/readyz", limit: float = 90
) -> None:
    import httpx

    deadline = time.monotonic() + limit
    async with httpx.AsyncClient(base_url=base_url, timeout=2) as http:
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise RuntimeError(f"{proc.args} exited ({proc.returncode}); see {LOG_DIR}")
            with contextlib.suppress(httpx.HTTPError):
                if (await http.get(path)).status_code == 200:
                    return
            await asyncio.sleep(0.2)
    raise RuntimeError("server not ready in time")


async def wait_port(port: int, limit: float = 30) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError):
            _, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.close()
            return
        await asyncio.sleep(0.05)
    raise RuntimeError(f"nothing listens on {port}")


def serving_pids(proc: subprocess.Popen[bytes]) -> list[int]:
    """The processes that serve requests: uvicorn's workers, or the main process alone."""
    import psutil

    children = psutil.Process(proc.pid).children(recursive=True)
    # uvicorn's workers are spawned (multiprocessing's spawn_main), not its resource tracker
    workers = [c.pid for c in children if "spawn_main" in " ".join(c.cmdline())]
    return workers or [proc.pid]


def rss_bytes(pids: list[int]) -> int:
    import psutil

    return sum(psutil.Process(p).memory_info().rss for p in pids)


def new_secret() -> str:
    return secrets.token_urlsafe(48)


async def commit_units(http: Any, token: str, parent: str, names: list[str]) -> None:
    """createOrgUnit for each name (each appends one event to the org stream)."""
    for name in names:
        response = await http.post(
            "/graphql",
            json={"query": CREATE_UNIT, "variables": {"p": parent, "n": name}},
            headers={"Authorization": f"Bearer {token}"},
        )
        body = response.json()
        failed = body.get("errors") or body["data"]["createOrgUnit"]["errors"]
        if response.status_code != 200 or failed:
            raise RuntimeError(f"createOrgUnit failed: {response.status_code} {body}")
