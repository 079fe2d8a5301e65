"""A person's own data (issue 9, "Personal data (PIPL)"): a copy of everything the county
holds about them, erasure of their account that keeps every sealed record verifiable, and
the audit log kept at least six months, then purged and exportable."""

from __future__ import annotations

import csv
import json

import asyncpg
import pytest

from backend.people.models import Role
from tests.conftest import asyncpg_dsn, county_rows
from tests.factories.people import PASSWORD, make_user
from tests.meetings_api import CLOSE, RECORD, VERIFY, ok, stream_of
from tests.test_foundation_auth import LOGIN
from tests.test_meetings_record import run_a_meeting
from tests.test_record_seal import superuser, yishi

EXPORT = (
    """mutation($u: ID) { exportPersonalData(userId: $u) { data errors { field code message } } }"""
)
ERASE_MINE = """mutation($p: String!) { eraseMyAccount(password: $p) { ok errors { field code message } } }"""
ERASE = """mutation($u: ID!, $r: String!) { erasePerson(userId: $u, reason: $r) {
  user { id displayName phone isActive } errors { field code message } } }"""
AUDIT = """query { auditLog(first: 20) { edges { node { action targetId after } } } }"""


def section(data: dict, key: str):
    return next(s["data"] for s in data["sections"] if s["key"] == key)


async def test_a_person_gets_a_copy_of_their_data_and_an_admin_answering_for_them_is_audited(
    server, gql
):
    # given a meeting where a citizen voted, scored, spoke up and commented
    county, people, meeting, _ids = await run_a_meeting(server, gql)
    commenter = people[0]
    await ok(gql, CLOSE, {"m": meeting}, county.admin.token)  # 测评票 counted at the close

    # when the citizen asks for their copy
    mine = (await ok(gql, EXPORT, {}, commenter.token))["data"]

    # then it holds their account with the full number, and their meeting participation
    account = section(mine, "account")
    assert account["phone"].endswith(commenter.phone[-8:]) and account["erasedAt"] is None
    assert [r["role"] for r in account["roles"]] == ["CITIZEN"]
    meetings = section(mine, "meetings")
    assert [c["body"] for c in meetings["comments"]] == ["小区门口乱停车严重"]
    assert [v["choices"] for v in meetings["votes"]] == [["同意"]]
    (scored,) = meetings["scoring"]
    assert "answers" not in scored and "不保存您的选择" in scored["note"]  # secret ballot
    assert len(meetings["participations"]) == 1

    # when an administrator exports it for them, it is the same copy and it is audited
    for_them = (await ok(gql, EXPORT, {"u": commenter.gid}, county.admin.token))["data"]
    assert section(for_them, "meetings") == meetings
    log = (await gql.data(AUDIT, token=county.admin.token))["auditLog"]["edges"]
    assert log[0]["node"]["action"] == "person.export"
    assert log[0]["node"]["targetId"] == commenter.user_id


async def test_another_citizen_cannot_read_someone_elses_data(server, gql, owner_db):
    # given two citizens
    county, people, _meeting, _ids = await run_a_meeting(server, gql)
    before = await county_rows(owner_db, county.id)

    # when one asks for the other's copy
    body = await gql.execute(EXPORT, {"u": people[1].gid}, token=people[0].token)

    # then it is refused and nothing is written
    assert body["data"] is None and body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert await county_rows(owner_db, county.id) == before


async def test_erasing_an_account_blanks_the_person_and_every_sealed_record_still_verifies(
    server, gql, owner_db
):
    # given a sealed meeting record with the citizen's comment in it
    county, people, meeting, _ids = await run_a_meeting(server, gql)
    admin = county.admin.token
    sealed = (await ok(gql, CLOSE, {"m": meeting}, admin))["meeting"]["sealedHash"]
    commenter = people[0]
    before = await county_rows(owner_db, county.id)

    # when they confirm with a wrong password, nothing happens
    wrong = (await gql.data(ERASE_MINE, {"p": "not-my-password"}, token=commenter.token))[
        "eraseMyAccount"
    ]
    assert wrong == {
        "ok": False,
        "errors": [{"field": "password", "code": "INVALID_CREDENTIALS", "message": "密码错误"}],
    }
    assert await county_rows(owner_db, county.id) == before

    # when they erase their account with their password
    done = (await gql.data(ERASE_MINE, {"p": PASSWORD}, token=commenter.token))["eraseMyAccount"]
    assert done == {"ok": True, "errors": []}

    # then the account is blank, signed out, and cannot sign in again
    row = await owner_db.fetchrow(
        "SELECT display_name, phone, password_hash, is_active, erased_at FROM users WHERE id = $1",
        commenter.user_id,
    )
    assert (row["display_name"], row["phone"], row["password_hash"], row["is_active"]) == (
        "已注销用户", None, None, False,
    )  # fmt: skip
    assert row["erased_at"] is not None
    assert (
        await owner_db.fetchval(
            "SELECT count(*) FROM memberships WHERE user_id = $1", commenter.user_id
        )
        == 0
    )
    refused = await gql.execute(EXPORT, {}, token=commenter.token)
    assert (
        refused["data"] is None and refused["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    )
    login = (await gql.data(LOGIN, {"phone": commenter.phone, "password": PASSWORD},
                            tenant=county.slug))["login"]  # fmt: skip
    assert login["tokens"] is None and login["errors"][0]["code"] == "INVALID_CREDENTIALS"

    # and the sealed record verifies with the same head, showing the comment without the name
    verified = (await gql.data(VERIFY, {"s": stream_of(meeting)}, token=admin))["verifyStream"]
    assert (verified["valid"], verified["headHash"]) == (True, sealed)
    record = (await gql.data(RECORD, {"m": meeting}, token=admin))["meetingRecord"]
    text = json.dumps(record, ensure_ascii=False)
    assert "小区门口乱停车严重" in text and "已注销用户" in text and "代表0" not in text

    # and the audit log says who erased whom and why, not the old name
    log = (await gql.data(AUDIT, token=admin))["auditLog"]["edges"]
    erased = next(e["node"] for e in log if e["node"]["action"] == "person.erase")
    assert erased["targetId"] == commenter.user_id
    assert erased["after"]["reason"] == "本人申请注销" and erased["after"]["bySelf"] is True
    assert "代表0" not in json.dumps(log, ensure_ascii=False)


async def test_an_admin_erases_on_request_but_never_the_last_admin_and_never_twice(
    server, gql, owner_db
):
    # given a county with one admin and a citizen
    county, people, _meeting, _ids = await run_a_meeting(server, gql)
    admin = county.admin.token

    # when the admin erases the citizen on their request
    done = (await gql.data(ERASE, {"u": people[1].gid, "r": "申请编号2026-001"}, token=admin))[
        "erasePerson"
    ]
    assert done["errors"] == [] and done["user"]["displayName"] == "已注销用户"
    assert done["user"]["isActive"] is False

    # then erasing them again, erasing the last admin, or a blank reason are refused
    before = await county_rows(owner_db, county.id)
    again = (await gql.data(ERASE, {"u": people[1].gid, "r": "再次"}, token=admin))["erasePerson"]
    assert again["errors"][0]["message"] == "该账户已注销"
    last = (await gql.data(ERASE, {"u": county.admin.gid, "r": "离职"}, token=admin))["erasePerson"]
    assert last["errors"][0]["code"] == "LAST_ADMIN"
    blank = (await gql.data(ERASE, {"u": people[2].gid, "r": "  "}, token=admin))["erasePerson"]
    assert blank["errors"][0]["field"] == "reason"
    assert await county_rows(owner_db, county.id) == before

    # and a citizen cannot erase someone else
    body = await gql.execute(ERASE, {"u": people[2].gid, "r": "恶作剧"}, token=people[0].token)
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_an_erased_account_stays_erased_even_by_hand(server, gql, database_url):
    # given an erased account
    county, people, _meeting, _ids = await run_a_meeting(server, gql)
    await ok(gql, ERASE, {"u": people[0].gid, "r": "申请"}, county.admin.token)

    # when someone holding the database tries to bring it back (as the owner, triggers on)
    conn = await asyncpg.connect(asyncpg_dsn(database_url))
    try:
        for statement in (
            "UPDATE users SET erased_at = NULL WHERE id = $1",
            "UPDATE users SET phone = '+8613900000000' WHERE id = $1",
            "UPDATE users SET is_active = true WHERE id = $1",
        ):
            # then the database refuses
            with pytest.raises(asyncpg.CheckViolationError):
                await conn.execute(statement, people[0].user_id)
    finally:
        await conn.close()


async def test_the_audit_log_is_kept_six_months_then_purged_and_exports_as_csv(
    server, gql, database_url, tmp_path
):
    # given a county with a fresh audit entry and one from 400 days ago
    county, people, _meeting, _ids = await run_a_meeting(server, gql)
    await ok(gql, EXPORT, {"u": people[0].gid}, county.admin.token)
    conn = await asyncpg.connect(asyncpg_dsn(database_url))
    try:
        old = await conn.fetchval(
            "INSERT INTO audit_entries (tenant_id, actor_label, action, target_type, created_at) "
            "VALUES ($1, 'user:1:旧', 'old.action', 'User', now() - interval '400 days') "
            "RETURNING id",
            county.id,
        )
        # when anyone but a superuser with triggers off deletes a fresh entry, it is refused
        async with conn.transaction():
            await conn.execute("SET LOCAL ROLE yishi_platform")
            with pytest.raises(asyncpg.InsufficientPrivilegeError):
                await conn.execute(
                    "DELETE FROM audit_entries WHERE tenant_id = $1 AND action = 'person.export'",
                    county.id,
                )
    finally:
        await conn.close()

    # when the retention purge runs
    dry = yishi("audit", "purge", "--dry-run", env={"DATABASE_URL": database_url})
    assert dry.returncode == 0, dry.stderr
    purged = yishi("audit", "purge", env={"DATABASE_URL": database_url})
    assert purged.returncode == 0, purged.stderr
    assert "removed" in purged.stdout

    # then the old entry is gone and the fresh one kept
    conn = await superuser(database_url)
    try:
        assert await conn.fetchval("SELECT count(*) FROM audit_entries WHERE id = $1", old) == 0
        assert (
            await conn.fetchval(
                "SELECT count(*) FROM audit_entries WHERE tenant_id = $1 AND action = 'person.export'",
                county.id,
            )
            == 1
        )
    finally:
        await conn.close()

    # and the county's log exports as a CSV Excel opens
    out = tmp_path / "audit.csv"
    exported = yishi("audit", "export", "--tenant", county.slug, str(out),
                     env={"DATABASE_URL": database_url})  # fmt: skip
    assert exported.returncode == 0, exported.stderr
    rows = list(csv.reader(out.open(encoding="utf-8-sig")))
    assert rows[0][:4] == ["id", "时间", "操作人", "操作"]
    assert [r[3] for r in rows[1:]][-1] == "person.export" and "old.action" not in out.read_text(
        encoding="utf-8-sig"
    )


async def test_a_citizen_of_another_county_cannot_reach_this_county_s_people(server, gql, owner_db):
    # given two counties
    county, people, _m, _i = await run_a_meeting(server, gql)
    other, _p, _m2, _i2 = await run_a_meeting(server, gql)
    stranger = await make_user(server, other, roles=[(Role.TENANT_ADMIN, None)])
    before = await county_rows(owner_db, county.id)

    # when the other county's admin names this county's citizen
    body = await gql.execute(EXPORT, {"u": people[0].gid}, token=stranger.token)
    erase = await gql.execute(ERASE, {"u": people[0].gid, "r": "越权"}, token=stranger.token)

    # then nothing of them comes back and nothing changes
    assert body["data"]["exportPersonalData"]["data"] is None
    assert body["data"]["exportPersonalData"]["errors"][0]["code"] == "NOT_FOUND"
    assert erase["data"]["erasePerson"]["errors"][0]["code"] == "NOT_FOUND"
    assert await county_rows(owner_db, county.id) == before
