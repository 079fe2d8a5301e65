"""The restore drill (issue 9, "backup/restore of the record with a restore drill as a
test"): a county seals a meeting's record; `yishi db backup` dumps the database; `yishi db
restore` puts it into a new, empty database; `yishi record verify-all` rechecks every sealed
record there — chain, seal, signature, every section — and a record changed after the
restore is caught by the same command. The restored database keeps row-level security."""

# ruff: noqa: F811  (the fixtures `sealing` and `tsa` of test_record_seal are parameters)

from __future__ import annotations

import uuid

import asyncpg
import pytest

from tests.conftest import asyncpg_dsn, with_database
from tests.meetings_api import db_id, stream_of
from tests.test_record_seal import sealed_meeting, sealing, superuser, tsa, yishi  # noqa: F401


@pytest.fixture
async def empty_database(server_url: str):
    """A new, empty database on the test server; dropped afterwards."""
    name = f"yishi_restore_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(asyncpg_dsn(server_url))
    await admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield with_database(server_url, name)
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


async def test_a_restored_backup_verifies_every_sealed_record_and_catches_a_later_rewrite(
    server, gql, sealing, tmp_path, database_url, empty_database
):
    # given a sealed, signed meeting record
    county, _people, meeting, _ids, sealed_hash = await sealed_meeting(
        server, gql, sealing, tmp_path
    )
    stream = stream_of(meeting)
    env = {"RECORD_KEYS_DIR": str(sealing)}

    # when the database is backed up and restored into an empty one
    dump = tmp_path / "yishi.dump"
    backed = yishi("db", "backup", str(dump), env={**env, "DATABASE_URL": database_url})
    assert backed.returncode == 0, backed.stderr
    restored = yishi("db", "restore", str(dump), env={**env, "DATABASE_URL": empty_database})
    assert restored.returncode == 0, restored.stderr

    # then every sealed record of the restored database verifies, this one with its head
    # (only this county: the tests of one worker share the database, and some of them
    # rewrite records on purpose)
    drill = yishi(
        "record", "verify-all", "--tenant", county.slug,
        env={**env, "DATABASE_URL": empty_database},
    )  # fmt: skip
    assert drill.returncode == 0, drill.stdout + drill.stderr
    assert f"OK {county.slug} {stream}:" in drill.stdout
    assert f"head {sealed_hash} (signed)" in drill.stdout
    single = yishi(
        "record", "verify", "--tenant", county.slug, "--stream", stream, "--expect", sealed_hash,
        env={**env, "DATABASE_URL": empty_database},
    )  # fmt: skip
    assert single.returncode == 0, single.stdout + single.stderr

    # and the restored tables still force row-level security on the app role
    conn = await asyncpg.connect(asyncpg_dsn(empty_database))
    try:
        unforced = await conn.fetch(
            "SELECT c.relname FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid "
            "WHERE a.attname = 'tenant_id' AND c.relkind = 'r' AND c.relnamespace = "
            "'public'::regnamespace AND NOT (c.relrowsecurity AND c.relforcerowsecurity)"
        )
        assert [r["relname"] for r in unforced] == []
        async with conn.transaction():
            await conn.execute("SET LOCAL ROLE yishi_app")
            assert await conn.fetchval("SELECT count(*) FROM meetings") == 0  # no county set
    finally:
        await conn.close()

    # when someone holding the restored database rewrites the sealed minutes
    conn = await superuser(empty_database)
    try:
        await conn.execute(
            "UPDATE meetings SET minutes = '恢复后被改写的纪要' WHERE id = $1",
            db_id(meeting),
        )
    finally:
        await conn.close()

    # then the drill fails and names the stream
    tampered = yishi(
        "record", "verify-all", "--tenant", county.slug,
        env={**env, "DATABASE_URL": empty_database},
    )  # fmt: skip
    assert tampered.returncode == 1
    assert f"FAILED {county.slug} {stream}:" in tampered.stdout
    assert "1 failed" in tampered.stdout


async def test_restore_refuses_a_database_that_is_not_empty(tmp_path, database_url):
    # given a backup file and a target that already holds the schema
    dump = tmp_path / "yishi.dump"
    assert yishi("db", "backup", str(dump), env={"DATABASE_URL": database_url}).returncode == 0

    # when it is restored over the live database
    done = yishi("db", "restore", str(dump), env={"DATABASE_URL": database_url})

    # then nothing is restored and the message says why
    assert done.returncode == 1
    assert "目标数据库不是空库" in done.stderr
