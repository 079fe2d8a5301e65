"""The editable official calendar through the API: 2027, which the `chinese_calendar`
package does not cover, end to end (provisional deadlines before its table, an operator
enters and publishes it, the deadlines move and stop being provisional, a recompute hook
sees it, each county's calendar stream records it), local closures of one county, who may
write what, and bad input as typed errors with nothing written.

Only `test_2027_end_to_end` publishes 2027 (the test database is shared by the worker's
tests and the platform calendar is not county-owned); the other tests use years far off.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

import asyncpg
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from backend.calendar import load_calendar, on_calendar_changed
from backend.people.models import Role
from tests.conftest import county_rows
from tests.factories.people import make_operator, make_user
from tests.factories.tenants import make_county, make_unit
from tests.meetings_api import ADD_MATERIAL, ANNOUNCE, CREATE_MEETING, ok

DEADLINE = """
query($from: Date!, $days: Int!) {
  workingDeadline(from: $from, days: $days) { from days due provisional assumedYears closures rule }
}"""
WORK_CALENDAR = """
query($year: Int!) {
  workCalendar(year: $year) {
    year published source
    official { year revision source published publishedAt days { date kind name } }
    draft { revision source published days { date kind name } }
    localClosures { date reason }
  }
}"""
SET_YEAR = """
mutation($input: SetCalendarYearInput!) {
  setCalendarYear(input: $input) {
    calendarYear { year revision source published days { date kind name } }
    errors { field code message }
  }
}"""
PUBLISH_YEAR = """
mutation($year: Int!) {
  publishCalendarYear(year: $year) {
    calendarYear { year revision published publishedAt }
    errors { field code message }
  }
}"""
ADD_CLOSURE = """
mutation($input: AddLocalClosureInput!) {
  addLocalClosure(input: $input) { localClosure { date reason } errors { field code message } }
}"""
REMOVE_CLOSURE = """
mutation($date: Date!) {
  removeLocalClosure(date: $date) { localClosure { date reason } errors { field code message } }
}"""

STREAM = "query($s: String!) { streamEvents(stream: $s) { seq type payload } }"

NOTICE_2027 = "《国务院办公厅关于2027年部分节假日安排的通知》（国办发明电〔2026〕N号）（示例）"


def days(first: str, last: str, kind: str, name: str) -> list[dict[str, str]]:
    d, end = date.fromisoformat(first), date.fromisoformat(last)
    out = []
    while d <= end:
        out.append({"date": d.isoformat(), "kind": kind, "name": name})
        d += timedelta(days=1)
    return out


# An illustrative 2027 table, NOT the State Council's (not issued when this was written):
# 元旦 Friday 01-01 to Sunday 01-03; 春节 Saturday 02-06 to Friday 02-12 with Saturday 02-20
# a 调休 working day.
TABLE_2027 = [
    *days("2027-01-01", "2027-01-03", "HOLIDAY", "元旦"),
    *days("2027-02-06", "2027-02-12", "HOLIDAY", "春节"),
    {"date": "2027-02-20", "kind": "WORKDAY", "name": "春节"},
]


async def calendar_rows(owner_db: asyncpg.Connection) -> dict[str, int]:
    """Rows of the platform's calendar tables (and the version): a refused change leaves
    them as they were."""
    row = await owner_db.fetchrow(
        "SELECT (SELECT count(*) FROM calendar_years) AS years,"
        " (SELECT count(*) FROM calendar_days) AS days,"
        " (SELECT version FROM calendar_state) AS version"
    )
    return dict(row)


async def deadline(gql: Any, county: Any, start: str, n: int) -> dict[str, Any]:
    data = await gql.data(DEADLINE, {"from": start, "days": n}, tenant=county.slug)
    return data["workingDeadline"]


async def test_2027_end_to_end(server, gql, owner_db):
    county, other = await make_county(server), await make_county(server)
    operator = await make_operator(server)
    seen: list[tuple[frozenset[int], str, bool]] = []

    async def hook(session: AsyncSession, years: frozenset[int]) -> None:
        scope = await session.scalar(text("SELECT current_setting('app.tenant_id', true)"))
        calendar = await load_calendar(session, county.id)
        seen.append((years, scope or "", calendar.is_published(2027)))

    unregister = on_calendar_changed(hook)
    try:
        # Given no 2027 table: 10 working days from Friday 2026-12-25 skip only weekends:
        # 12-28..12-31 (4), Friday 01-01 (5), 01-04..01-08 (10).
        before = await deadline(gql, county, "2026-12-25", 10)
        assert before["due"] == "2027-01-08"
        assert (before["provisional"], before["assumedYears"]) == (True, [2027])
        assert "2027年的法定节假日安排尚未发布" in before["rule"]
        assert "民法典》第二百零一条" in before["rule"]
        year = (await gql.data(WORK_CALENDAR, {"year": 2027}, tenant=county.slug))["workCalendar"]
        assert (year["published"], year["official"], year["source"]) == (False, None, None)
        # A 座谈会 on Tuesday 2027-01-05, materials sent Thursday 2026-12-31: 3 working days
        # before on Monday–Friday (01-04, 01-01, 12-31), so no warning yet.
        meeting = (
            await ok(
                gql,
                CREATE_MEETING,
                {
                    "input": {
                        "kind": "FORUM",
                        "mode": "HYBRID",
                        "title": "关于城区停车收费调整的座谈会",
                        "hostUnitId": county.root_gid,
                        "startsAt": "2027-01-05T09:00:00+08:00",
                    }
                },
                county.admin.token,
            )
        )["meeting"]["id"]
        added = await ok(
            gql,
            ADD_MATERIAL,
            {"m": meeting, "t": "决策方案及起草说明", "d": "2026-12-31T10:00:00+08:00"},
            county.admin.token,
        )
        assert added["warnings"] == []

        # When the operator enters the table: a draft, which counts for nobody yet.
        entered = await ok(
            gql,
            SET_YEAR,
            {"input": {"year": 2027, "source": NOTICE_2027, "days": TABLE_2027}},
            operator.token,
        )
        assert entered["calendarYear"]["revision"] == 1
        assert entered["calendarYear"]["published"] is False
        assert len(entered["calendarYear"]["days"]) == 11
        assert (await deadline(gql, county, "2026-12-25", 10))["provisional"] is True
        assert seen == []

        # And publishes it.
        published = await ok(gql, PUBLISH_YEAR, {"year": 2027}, operator.token)
        assert published["calendarYear"]["published"] is True

        # Then the same deadline is no longer provisional and moves: 01-01 is 元旦, so
        # 12-28..12-31 (4), 01-04..01-08 (9), Monday 01-11 (10).
        after = await deadline(gql, county, "2026-12-25", 10)
        assert after["due"] == "2027-01-11"
        assert (after["provisional"], after["assumedYears"]) == (False, [])
        assert NOTICE_2027 in after["rule"] and "暂定" not in after["rule"]
        # Across 春节 with its 调休 Saturday: from Friday 02-05, 02-06..02-12 are off, then
        # 02-15..02-19 (5), Saturday 02-20 (6).
        spring = await deadline(gql, county, "2027-02-05", 6)
        assert (spring["due"], spring["provisional"]) == ("2027-02-20", False)
        # The hook ran once, in the operator's platform transaction (no county scope: every
        # county), and a calendar loaded there already shows 2027.
        assert seen == [(frozenset({2027}), "", True)]
        # Every county's calendar stream records the publication.
        for c in (county, other):
            rows = await owner_db.fetch(
                "SELECT type, payload FROM events WHERE tenant_id = $1 AND stream = 'calendar'",
                c.id,
            )
            assert [(r["type"], json.loads(r["payload"])) for r in rows] == [
                (
                    "calendarYear.published",
                    {
                        "year": 2027,
                        "revision": 1,
                        "source": NOTICE_2027,
                        "holidays": 10,
                        "workdays": 1,
                        "replaces": None,
                    },
                )
            ]
        year = (await gql.data(WORK_CALENDAR, {"year": 2027}, tenant=county.slug))["workCalendar"]
        assert (year["published"], year["source"]) == (True, NOTICE_2027)
        assert year["official"]["days"][0] == {
            "date": "2027-01-01",
            "kind": "HOLIDAY",
            "name": "元旦",
        }
        assert year["draft"] is None
        # The 座谈会's materials are now a day late: 3 working days before 01-05 is 12-30.
        announced = await ok(gql, ANNOUNCE, {"m": meeting}, county.admin.token)
        assert len(announced["warnings"]) == 1
        assert "应于2026年12月30日（含）前" in announced["warnings"][0]
        assert "实际提前2个工作日，不符合规定" in announced["warnings"][0]

        # A local closure (Tuesday 01-05, 防汛) shifts this county's deadlines only.
        closed = await ok(
            gql,
            ADD_CLOSURE,
            {"input": {"date": "2027-01-05", "reason": "防汛应急响应，全县停止办公"}},
            county.admin.token,
        )
        assert closed["localClosure"] == {
            "date": "2027-01-05",
            "reason": "防汛应急响应，全县停止办公",
        }
        local = await deadline(gql, county, "2026-12-25", 10)
        assert (local["due"], local["closures"], local["provisional"]) == (
            "2027-01-12",
            ["2027-01-05"],
            False,
        )
        assert "已扣除本县停止办公日2027年1月5日（防汛应急响应，全县停止办公）" in local["rule"]
        assert (await deadline(gql, other, "2026-12-25", 10))["due"] == "2027-01-11"
        assert seen[1:] == [(frozenset({2027}), str(county.id), True)]
        audit = await owner_db.fetch(
            "SELECT action, after FROM audit_entries WHERE tenant_id = $1 AND action LIKE 'calendar.%'",
            county.id,
        )
        assert [a["action"] for a in audit] == ["calendar.closure.add"]
        year = (await gql.data(WORK_CALENDAR, {"year": 2027}, tenant=county.slug))["workCalendar"]
        assert year["localClosures"] == [
            {"date": "2027-01-05", "reason": "防汛应急响应，全县停止办公"}
        ]
        other_year = (await gql.data(WORK_CALENDAR, {"year": 2027}, tenant=other.slug))[
            "workCalendar"
        ]
        assert other_year["localClosures"] == []

        # Reopening it gives the official deadline back.
        await ok(gql, REMOVE_CLOSURE, {"date": "2027-01-05"}, county.admin.token)
        assert (await deadline(gql, county, "2026-12-25", 10))["due"] == "2027-01-11"
        types = await owner_db.fetch(
            "SELECT type FROM events WHERE tenant_id = $1 AND stream = 'calendar' ORDER BY seq",
            county.id,
        )
        assert [t["type"] for t in types] == [
            "calendarYear.published",
            "localClosure.added",
            "localClosure.removed",
        ]
        # The stream is public within the county: an anonymous reader sees the same log.
        public = await gql.data(STREAM, {"s": "calendar"}, tenant=county.slug)
        assert [e["type"] for e in public["streamEvents"]] == [t["type"] for t in types]
        assert public["streamEvents"][1]["payload"] == {
            "date": "2027-01-05",
            "reason": "防汛应急响应，全县停止办公",
        }
        assert len(seen) == 3
    finally:
        unregister()


async def test_a_new_revision_stays_a_draft_until_published(server, gql, owner_db):
    county = await make_county(server)
    operator = await make_operator(server)
    first = [{"date": "2091-01-01", "kind": "HOLIDAY", "name": "元旦"}]
    await ok(
        gql, SET_YEAR, {"input": {"year": 2091, "source": "通知一", "days": first}}, operator.token
    )
    await ok(gql, PUBLISH_YEAR, {"year": 2091}, operator.token)
    # 2091-01-01 is a Monday: from Sunday 2090-12-31, 1 working day is Tuesday 01-02.
    assert (await deadline(gql, county, "2090-12-31", 1))["due"] == "2091-01-02"

    # A correction: 01-02 off too. The published revision still counts meanwhile.
    corrected = [*first, {"date": "2091-01-02", "kind": "HOLIDAY", "name": "元旦"}]
    draft = await ok(
        gql,
        SET_YEAR,
        {"input": {"year": 2091, "source": "通知一（更正）", "days": corrected}},
        operator.token,
    )
    assert (draft["calendarYear"]["revision"], draft["calendarYear"]["published"]) == (2, False)
    assert (await deadline(gql, county, "2090-12-31", 1))["due"] == "2091-01-02"
    as_operator = (await gql.data(WORK_CALENDAR, {"year": 2091}, token=operator.token))[
        "workCalendar"
    ]
    assert as_operator["official"]["revision"] == 1
    assert as_operator["draft"]["revision"] == 2 and len(as_operator["draft"]["days"]) == 2
    as_county = (await gql.data(WORK_CALENDAR, {"year": 2091}, token=county.admin.token))[
        "workCalendar"
    ]
    assert as_county["draft"] is None and as_county["official"]["source"] == "通知一"

    # Entering again edits the same draft; publishing it makes it count.
    again = await ok(
        gql,
        SET_YEAR,
        {"input": {"year": 2091, "source": "通知一（更正）", "days": corrected}},
        operator.token,
    )
    assert again["calendarYear"]["revision"] == 2
    await ok(gql, PUBLISH_YEAR, {"year": 2091}, operator.token)
    assert (await deadline(gql, county, "2090-12-31", 1))["due"] == "2091-01-03"
    payload = await owner_db.fetchval(
        "SELECT payload->>'replaces' FROM events WHERE tenant_id = $1 AND stream = 'calendar'"
        " ORDER BY seq DESC LIMIT 1",
        county.id,
    )
    assert payload == "1"
    again = await gql.data(PUBLISH_YEAR, {"year": 2091}, token=operator.token)
    assert again["publishCalendarYear"]["errors"] == [
        {
            "field": "year",
            "code": "NOTHING_TO_PUBLISH",
            "message": "2091年的节假日安排（第2版）已发布，没有待发布的修订",
        }
    ]


async def test_only_platform_operators_write_the_official_calendar(server, gql, owner_db):
    county = await make_county(server)
    citizen = await make_user(server, county, roles=[(Role.CITIZEN, None)])
    table = {
        "year": 2092,
        "source": "通知",
        "days": [{"date": "2092-01-01", "kind": "HOLIDAY", "name": "元旦"}],
    }
    before = await calendar_rows(owner_db)
    for token in (county.admin.token, citizen.token, None):
        body = await gql.execute(SET_YEAR, {"input": table}, token=token, tenant=county.slug)
        assert body["data"] is None
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
        body = await gql.execute(PUBLISH_YEAR, {"year": 2026}, token=token, tenant=county.slug)
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert await calendar_rows(owner_db) == before


async def test_only_county_admins_add_and_remove_local_closures(server, gql, owner_db):
    county = await make_county(server)
    citizen = await make_user(server, county, roles=[(Role.CITIZEN, None)])
    staff = await make_user(server, county, roles=[(Role.DEPARTMENT_STAFF, None)])
    township = await make_unit(server, county)
    township_admin = await make_user(server, county, roles=[(Role.TENANT_ADMIN, township)])
    operator = await make_operator(server)
    closure = {"date": "2093-06-01", "reason": "防汛"}
    before = await county_rows(owner_db, county.id), await calendar_rows(owner_db)
    # An operator is no member of the county: not signed in to it.
    for token, code in (
        (citizen.token, "FORBIDDEN"),
        (staff.token, "FORBIDDEN"),
        (township_admin.token, "FORBIDDEN"),  # a closure is county-wide
        (operator.token, "UNAUTHENTICATED"),
    ):
        body = await gql.execute(ADD_CLOSURE, {"input": closure}, token=token)
        assert body["errors"][0]["extensions"]["code"] == code, body
        body = await gql.execute(REMOVE_CLOSURE, {"date": "2093-06-01"}, token=token)
        assert body["errors"][0]["extensions"]["code"] == code, body
    body = await gql.execute(ADD_CLOSURE, {"input": closure}, tenant=county.slug)
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert (await county_rows(owner_db, county.id), await calendar_rows(owner_db)) == before


async def test_a_bad_table_is_refused_field_by_field_and_nothing_is_written(server, gql, owner_db):
    operator = await make_operator(server)
    table = [
        {"date": "2093-12-31", "kind": "HOLIDAY", "name": "元旦"},  # another year
        {"date": "2094-01-01", "kind": "HOLIDAY", "name": "元旦"},
        {"date": "2094-01-01", "kind": "HOLIDAY", "name": "元旦"},  # twice
        {"date": "2094-01-06", "kind": "WORKDAY", "name": "元旦"},  # a Wednesday
        {"date": "2094-02-01", "kind": "HOLIDAY", "name": "  "},
    ]
    before = await calendar_rows(owner_db)
    body = await gql.data(
        SET_YEAR, {"input": {"year": 2094, "source": " ", "days": table}}, token=operator.token
    )
    payload = body["setCalendarYear"]
    assert payload["calendarYear"] is None
    assert [(e["field"], e["code"]) for e in payload["errors"]] == [
        ("source", "INVALID"),
        ("days.0.date", "DATE_OUTSIDE_YEAR"),
        ("days.2.date", "DUPLICATE_DATE"),
        ("days.3.date", "WORKDAY_NOT_WEEKEND"),
        ("days.4.name", "INVALID"),
    ]
    assert payload["errors"][2]["message"] == "第3天 2094-01-01 与第2天重复"
    # An unknown kind never reaches the service: the schema's enum refuses it.
    unknown = [{"date": "2094-01-01", "kind": "HALF_DAY", "name": "元旦"}]
    body = await gql.execute(
        SET_YEAR, {"input": {"year": 2094, "source": "通知", "days": unknown}}, token=operator.token
    )
    assert body["data"] is None and "HALF_DAY" in body["errors"][0]["message"]
    for year, days_, field, code in [
        (3000, [], "year", "INVALID"),
        (2094, [], "days", "INVALID"),
    ]:
        body = await gql.data(
            SET_YEAR,
            {"input": {"year": year, "source": "通知", "days": days_}},
            token=operator.token,
        )
        assert [(e["field"], e["code"]) for e in body["setCalendarYear"]["errors"]] == [
            (field, code)
        ]
    body = await gql.data(PUBLISH_YEAR, {"year": 2094}, token=operator.token)
    assert [(e["field"], e["code"]) for e in body["publishCalendarYear"]["errors"]] == [
        ("year", "NOT_FOUND")
    ]
    assert await calendar_rows(owner_db) == before


async def test_bad_closures_are_typed_errors_and_write_nothing(server, gql, owner_db):
    county = await make_county(server)
    token = county.admin.token
    await ok(gql, ADD_CLOSURE, {"input": {"date": "2095-07-03", "reason": "防汛"}}, token)
    before = await county_rows(owner_db, county.id), await calendar_rows(owner_db)
    cases = [
        (
            ADD_CLOSURE,
            {"input": {"date": "2095-07-03", "reason": "再次防汛"}},
            "date",
            "DUPLICATE_DATE",
        ),
        (ADD_CLOSURE, {"input": {"date": "2095-07-04", "reason": " "}}, "reason", "INVALID"),
        (ADD_CLOSURE, {"input": {"date": "2300-07-04", "reason": "防汛"}}, "date", "INVALID"),
        (REMOVE_CLOSURE, {"date": "2095-07-05"}, "date", "NOT_FOUND"),
    ]
    for query, variables, field, code in cases:
        (payload,) = (await gql.data(query, variables, token=token)).values()
        assert [(e["field"], e["code"]) for e in payload["errors"]] == [(field, code)], payload
        assert payload["localClosure"] is None
    assert (await county_rows(owner_db, county.id), await calendar_rows(owner_db)) == before


async def test_deadline_arguments_out_of_range_are_bad_user_input(server, gql):
    county = await make_county(server)
    for variables in (
        {"from": "2026-12-01", "days": -1},
        {"from": "2026-12-01", "days": 367},
        {"from": "2300-01-01", "days": 1},
    ):
        body = await gql.execute(DEADLINE, variables, tenant=county.slug)
        assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT", body
    # Without a county: the official tables alone.
    body = await gql.data(DEADLINE, {"from": "2026-09-30", "days": 1})
    assert body["workingDeadline"]["due"] == "2026-10-08"  # 10-01..10-07 国庆节、中秋节


async def test_a_change_committed_elsewhere_reaches_the_cached_calendar(server, gql, owner_db):
    # Another worker's change is a committed row plus a new version: this process's cached
    # snapshot must give way at its next load. Without the version the cache is used (the
    # first half shows the cache is really there).
    county = await make_county(server)
    assert (await deadline(gql, county, "2096-03-01", 1))["due"] == "2096-03-02"
    await owner_db.execute(
        "INSERT INTO local_closures (tenant_id, day, reason) VALUES ($1, '2096-03-02', '停电')",
        county.id,
    )
    assert (await deadline(gql, county, "2096-03-01", 1))["due"] == "2096-03-02"  # cached
    await owner_db.execute(
        "UPDATE calendar_state SET version = nextval('calendar_version') WHERE id = 1"
    )
    assert (await deadline(gql, county, "2096-03-01", 1))["due"] == "2096-03-05"


async def test_a_snapshot_read_in_a_rolled_back_transaction_is_not_kept(server, gql):
    county = await make_county(server)
    admin = county.admin
    assert (await deadline(gql, county, "2097-05-06", 1))["due"] == "2097-05-07"

    class Rollback(Exception):
        pass

    try:
        async with server.services.db.transaction(
            tenant_id=county.id, user_id=admin.user_id
        ) as session:
            await session.execute(
                text("UPDATE calendar_state SET version = nextval('calendar_version')")
            )
            await session.execute(
                text(
                    "INSERT INTO local_closures (tenant_id, day, reason) "
                    "VALUES (:t, '2097-05-07', '演练')"
                ),
                {"t": county.id},
            )
            inside = await load_calendar(session, county.id)
            assert inside.is_working_day(date(2097, 5, 7)) is False
            raise Rollback
    except Rollback:
        pass
    assert (await deadline(gql, county, "2097-05-06", 1))["due"] == "2097-05-07"
