"""The event log: gap-free sequences under concurrency, append-only for every role, and a
hash chain that exposes tampering (through the API and the `yishi record verify` command)."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from backend.core.db import async_url
from realtime import log as event_log
from realtime.log import EventDraft
from tests.conftest import asyncpg_dsn
from tests.factories.tenants import make_county
from tests.realtime_client import VERIFY, create_unit

YISHI = Path(sys.executable).with_name("yishi")


async def org_seqs(owner_db: asyncpg.Connection, tenant_id: int) -> list[int]:
    rows = await owner_db.fetch(
        "SELECT seq FROM events WHERE tenant_id = $1 AND stream = 'org' ORDER BY seq", tenant_id
    )
    return [r["seq"] for r in rows]


async def superuser(database_url: str) -> asyncpg.Connection:
    """A separate superuser connection whose triggers are off (session_replication_role)."""
    conn = await asyncpg.connect(asyncpg_dsn(async_url(database_url)))
    await conn.execute("SET session_replication_role = replica")
    return conn


def record_verify(database_url: str, slug: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": database_url, "NO_COLOR": "1"}
    return subprocess.run(
        [str(YISHI), "record", "verify", "--tenant", slug, "--stream", "org"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


async def three_units(gql, county) -> None:
    for name in ("甲镇", "乙镇", "丙镇"):
        await create_unit(gql, county.admin.token, county.root_gid, name)


async def test_concurrent_appends_and_group_commits_are_gap_free_and_chained(server, owner_db):
    county = await make_county(server)
    writer = server.services.writer

    async def direct(task: int) -> list[int]:
        seqs = []
        for i in range(10):
            async with server.services.db.transaction(tenant_id=county.id) as session:
                logged = await event_log.append(
                    session,
                    tenant_id=county.id,
                    stream="org",
                    drafts=[EventDraft(type="test.direct", payload={"task": task, "i": i})],
                )
            seqs.extend(e.seq for e in logged)
        return seqs

    async def grouped(task: int) -> list[int]:
        results = []
        for i in range(10):

            async def op(session, task=task, i=i):
                return [EventDraft(type="test.grouped", payload={"task": task, "i": i})], (task, i)

            results.append(await writer.submit(tenant_id=county.id, stream="org", op=op))
        assert results == [(task, i) for i in range(10)]
        return []

    returned = await asyncio.gather(
        *(direct(t) for t in range(20)), *(grouped(t) for t in range(20))
    )

    direct_seqs = sorted(s for seqs in returned for s in seqs)
    assert len(direct_seqs) == 200 and len(set(direct_seqs)) == 200
    assert await org_seqs(owner_db, county.id) == list(range(1, 401))
    payloads = await owner_db.fetch(
        "SELECT type, payload FROM events WHERE tenant_id = $1 AND stream = 'org'", county.id
    )
    assert sorted((r["type"], r["payload"]) for r in payloads) == sorted(
        (f"test.{kind}", f'{{"i": {i}, "task": {t}}}')
        for kind in ("direct", "grouped")
        for t in range(20)
        for i in range(10)
    )
    head = await owner_db.fetchrow(
        "SELECT last_seq, last_hash FROM event_streams WHERE tenant_id = $1 AND stream = 'org'",
        county.id,
    )
    last_hash = await owner_db.fetchval(
        "SELECT hash FROM events WHERE tenant_id = $1 AND stream = 'org' AND seq = 400", county.id
    )
    assert (head["last_seq"], head["last_hash"]) == (400, last_hash)
    async with server.services.db.transaction(tenant_id=county.id, read_only=True) as session:
        result = await event_log.verify_stream(session, stream="org")
    assert result == event_log.Verification("org", 400, True, last_hash)


async def test_the_app_role_cannot_update_delete_or_truncate_events(server, gql):
    county = await make_county(server)
    await three_units(gql, county)
    for statement in (
        "UPDATE events SET payload = '{}'::jsonb WHERE stream = 'org'",
        "DELETE FROM events WHERE stream = 'org'",
        "TRUNCATE events",
    ):
        with pytest.raises(DBAPIError) as refused:
            async with server.services.db.transaction(tenant_id=county.id) as session:
                await session.execute(text(statement))
        assert refused.value.orig.sqlstate == "42501", statement  # insufficient_privilege
    async with server.services.db.transaction(tenant_id=county.id, read_only=True) as session:
        assert (await event_log.verify_stream(session, stream="org")).events == 3


async def test_even_the_superuser_cannot_update_delete_or_truncate_events(server, gql, owner_db):
    county = await make_county(server)
    await three_units(gql, county)
    for statement, op in (
        ("UPDATE events SET payload = '{}'::jsonb WHERE tenant_id = $1", "UPDATE"),
        ("DELETE FROM events WHERE tenant_id = $1", "DELETE"),
        ("TRUNCATE events", "TRUNCATE"),
    ):
        transaction = owner_db.transaction()
        await transaction.start()
        try:
            with pytest.raises(
                asyncpg.InsufficientPrivilegeError,
                match=rf"events are append-only \({op} refused\)",
            ):
                if "$1" in statement:
                    await owner_db.execute(statement, county.id)
                else:
                    await owner_db.execute(statement)
        finally:
            await transaction.rollback()  # even if the trigger had let it through
    assert await org_seqs(owner_db, county.id) == [1, 2, 3]


async def test_verify_reports_an_edited_event_through_the_api_and_the_cli(
    server, gql, database_url
):
    county = await make_county(server)
    await three_units(gql, county)
    token = county.admin.token
    intact = (await gql.data(VERIFY, {"s": "org"}, token=token))["verifyStream"]
    assert intact["valid"] is True and intact["events"] == 3
    assert intact["firstBrokenSeq"] is None and intact["reason"] is None
    ok = await asyncio.to_thread(record_verify, database_url, county.slug)
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.strip() == f"OK org: 3 events, head {intact['headHash']}"

    conn = await superuser(database_url)
    try:
        status = await conn.execute(
            """UPDATE events SET payload = jsonb_set(payload, '{name}', '"篡改镇"')
               WHERE tenant_id = $1 AND stream = 'org' AND seq = 2""",
            county.id,
        )
        assert status == "UPDATE 1"
    finally:
        await conn.close()

    broken = (await gql.data(VERIFY, {"s": "org"}, token=token))["verifyStream"]
    assert broken["valid"] is False
    assert broken["firstBrokenSeq"] == 2
    assert broken["events"] == 2
    assert broken["reason"] == "事件内容与哈希不符（记录被改动）"
    cli = await asyncio.to_thread(record_verify, database_url, county.slug)
    assert cli.returncode == 1
    assert cli.stdout.strip() == (
        "BROKEN org at seq 2: 事件内容与哈希不符（记录被改动） (2 events checked)"
    )


async def test_verify_reports_a_deleted_tail_event(server, gql, database_url):
    county = await make_county(server)
    await three_units(gql, county)
    conn = await superuser(database_url)
    try:
        status = await conn.execute(
            "DELETE FROM events WHERE tenant_id = $1 AND stream = 'org' AND seq = 3", county.id
        )
        assert status == "DELETE 1"
    finally:
        await conn.close()

    broken = (await gql.data(VERIFY, {"s": "org"}, token=county.admin.token))["verifyStream"]
    assert (broken["valid"], broken["firstBrokenSeq"], broken["events"]) == (False, 3, 2)
    assert broken["reason"] == "流头与事件链不一致（末尾事件被删除？）"
    cli = await asyncio.to_thread(record_verify, database_url, county.slug)
    assert cli.returncode == 1
    assert "BROKEN org at seq 3" in cli.stdout


async def test_verify_reports_a_deleted_middle_event(server, gql, database_url):
    county = await make_county(server)
    await three_units(gql, county)
    conn = await superuser(database_url)
    try:
        await conn.execute(
            "DELETE FROM events WHERE tenant_id = $1 AND stream = 'org' AND seq = 2", county.id
        )
    finally:
        await conn.close()

    broken = (await gql.data(VERIFY, {"s": "org"}, token=county.admin.token))["verifyStream"]
    assert (broken["valid"], broken["firstBrokenSeq"]) == (False, 2)
    assert broken["reason"] == "缺少序号 2"


async def test_the_chain_links_each_event_to_the_previous_one(server, gql, owner_db):
    county = await make_county(server)
    await three_units(gql, county)
    rows = await owner_db.fetch(
        "SELECT seq, prev_hash, hash FROM events WHERE tenant_id = $1 AND stream = 'org' "
        "ORDER BY seq",
        county.id,
    )
    assert [r["prev_hash"] for r in rows] == [event_log.GENESIS, rows[0]["hash"], rows[1]["hash"]]
    assert len({r["hash"] for r in rows}) == 3
