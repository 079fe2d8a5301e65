"""caseStatistics, caseUnitRanking and the .xlsx export, against figures computed by hand
on a small fixture (nine cases of two units, written behind the service's back so every
time, deadline and signature is exactly known)."""

from __future__ import annotations

import io
from datetime import datetime

import openpyxl
import pytest

from backend.people.models import Role
from tenants.models import OrgUnitKind
from tests.factories.people import make_user
from tests.factories.tenants import gid, make_county, make_unit

STATS = """
query($p: PeriodInput!, $g: GroupBy!) { caseStatistics(period: $p, groupBy: $g) {
  groupBy periodFrom periodTo exportUrl
  groups { key label received outOfScope closed closingRate closedOnTime onTimeRate
    averageHandlingHours satisfied basicallySatisfied dissatisfied satisfactionRate
    dispatched signedInTime responseRate resolutionRate overdueOpen }
  total { key label received outOfScope closed closingRate closedOnTime onTimeRate
    averageHandlingHours satisfied basicallySatisfied dissatisfied satisfactionRate
    dispatched signedInTime responseRate resolutionRate overdueOpen }
} }"""

RANKING = """
query($m: Date!) { caseUnitRanking(month: $m) { rank unitId name score
  figures { received responseRate resolutionRate satisfactionRate } } }"""

MARCH = {"from": "2026-03-01", "to": "2026-03-31"}


def t(s: str) -> datetime:
    return datetime.fromisoformat(s + "+08:00")


async def insert_case(owner_db, county_id: int, number: str, unit: int, **c) -> int:
    return await owner_db.fetchval(
        "INSERT INTO cases (tenant_id, number, channel, kind, title, body, state,"
        " accountable_unit_id, received_at, due_on, closed_at, satisfaction)"
        " VALUES ($1, $2, $3, $4, '标题', '内容', $5, $6, $7, $8, $9, $10) RETURNING id",
        county_id,
        number,
        c.get("channel", "ONLINE"),
        c.get("kind", "DEMAND"),
        c.get("state", "CLOSED"),
        unit,
        t(c["received"]),
        datetime.fromisoformat(c["due"]).date() if c.get("due") else None,
        t(c["closed"]) if c.get("closed") else None,
        c.get("satisfaction"),
    )


async def assign(owner_db, county_id, case_id, unit, role, sign_due, signed=None):
    await owner_db.execute(
        "INSERT INTO case_assignments (tenant_id, case_id, unit_id, role, state, sign_due_at,"
        " signed_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        county_id,
        case_id,
        unit,
        role,
        "SIGNED" if signed else "PENDING",
        t(sign_due),
        t(signed) if signed else None,
    )


@pytest.fixture
async def fixture(server, owner_db):
    county = await make_county(server, name="统计县")
    a = await make_unit(server, county, kind=OrgUnitKind.DEPARTMENT, name="县住房城乡建委")
    b = await make_unit(server, county, kind=OrgUnitKind.TOWNSHIP, name="北屏乡")
    db = owner_db
    c1 = await insert_case(
        db,
        county.id,
        "T1",
        a,
        channel="HOTLINE",
        received="2026-03-02T09:00",
        due="2026-03-06",
        closed="2026-03-05T09:00",
        satisfaction="SATISFIED",
    )
    await assign(db, county.id, c1, a, "LEAD", "2026-03-02T21:00", "2026-03-02T10:00")
    c2 = await insert_case(
        db,
        county.id,
        "T2",
        a,
        received="2026-03-03T09:00",
        due="2026-03-05",
        closed="2026-03-07T09:00",
        satisfaction="DISSATISFIED",
    )
    await assign(db, county.id, c2, a, "LEAD", "2026-03-03T21:00", "2026-03-04T09:00")
    c3 = await insert_case(
        db,
        county.id,
        "T3",
        a,
        kind="SUGGESTION",
        state="IN_PROGRESS",
        received="2026-03-10T09:00",
        due="2026-03-20",
    )
    await assign(db, county.id, c3, a, "LEAD", "2026-03-10T21:00")
    c4 = await insert_case(
        db,
        county.id,
        "T4",
        b,
        channel="VENUE",
        kind="CONSULTATION",
        received="2026-03-15T09:00",
        closed="2026-03-15T21:00",
        satisfaction="BASICALLY_SATISFIED",
    )
    await assign(db, county.id, c4, a, "CO", "2026-03-15T21:00", "2026-03-15T10:00")
    await assign(db, county.id, c4, b, "FOR_REFERENCE", "2026-03-15T21:00")
    await insert_case(
        db, county.id, "T5", b, channel="VENUE", state="OUT_OF_SCOPE", received="2026-03-20T09:00"
    )
    await insert_case(
        db,
        county.id,
        "T6",
        b,
        received="2026-03-21T09:00",
        due="2026-03-25",
        closed="2026-03-24T09:00",
    )
    await insert_case(db, county.id, "T7", b, state="MERGED", received="2026-03-22T09:00")
    await insert_case(
        db, county.id, "T8", a, received="2026-02-27T09:00", closed="2026-02-28T09:00"
    )
    await insert_case(
        db,
        county.id,
        "T9",
        b,
        channel="HOTLINE",
        state="IN_PROGRESS",
        received="2026-03-25T09:00",
        due="2026-03-27",
    )
    # Another county's case in the same month: never counted here.
    other = await make_county(server, name="邻县")
    await insert_case(
        db, other.id, "X1", other.root_id, received="2026-03-05T09:00", closed="2026-03-06T09:00"
    )
    return county, a, b


def figures(**overrides):
    base = {
        "outOfScope": 0,
        "closedOnTime": 0,
        "satisfied": 0,
        "basicallySatisfied": 0,
        "dissatisfied": 0,
        "dispatched": 0,
        "signedInTime": 0,
        "overdueOpen": 0,
    }
    return {**base, **overrides}


def subset(actual: dict, expected: dict) -> dict:
    return {k: actual[k] for k in expected}


async def test_statistics_by_unit_match_the_hand_computed_figures(gql, fixture):
    county, a, b = fixture
    data = await gql.data(
        STATS, {"p": MARCH, "g": "UNIT"}, tenant=county.slug, token=county.admin.token
    )
    stats = data["caseStatistics"]
    assert (
        stats["exportUrl"]
        == "/exports/case-statistics.xlsx?from=2026-03-01&to=2026-03-31&groupBy=UNIT"
    )
    by_key = {g["key"]: g for g in stats["groups"]}
    assert [g["label"] for g in stats["groups"]] == [
        "北屏乡",
        "县住房城乡建委",
    ]  # most received first
    unit_a = figures(
        received=3,
        closed=2,
        closingRate=66.7,
        closedOnTime=1,
        onTimeRate=50.0,
        averageHandlingHours=84.0,
        satisfied=1,
        dissatisfied=1,
        satisfactionRate=50.0,
        dispatched=4,
        signedInTime=2,
        responseRate=50.0,
        resolutionRate=50.0,
        overdueOpen=1,
    )
    assert subset(by_key[gid("OrgUnit", a)], unit_a) == unit_a
    unit_b = figures(
        received=4,
        outOfScope=1,
        closed=2,
        closingRate=66.7,
        closedOnTime=2,
        onTimeRate=100.0,
        averageHandlingHours=42.0,
        basicallySatisfied=1,
        satisfactionRate=100.0,
        responseRate=None,
        resolutionRate=100.0,
        overdueOpen=1,
    )
    assert subset(by_key[gid("OrgUnit", b)], unit_b) == unit_b
    total = figures(
        received=7,
        outOfScope=1,
        closed=4,
        closingRate=66.7,
        closedOnTime=3,
        onTimeRate=75.0,
        averageHandlingHours=63.0,
        satisfied=1,
        basicallySatisfied=1,
        dissatisfied=1,
        satisfactionRate=66.7,
        dispatched=4,
        signedInTime=2,
        responseRate=50.0,
        resolutionRate=75.0,
        overdueOpen=2,
    )
    assert stats["total"]["key"] == "合计"
    assert subset(stats["total"], total) == total


async def test_statistics_by_channel_kind_and_month(gql, fixture):
    county, _, _ = fixture

    def ask(p, g):
        return gql.data(STATS, {"p": p, "g": g}, tenant=county.slug, token=county.admin.token)

    channel = (await ask(MARCH, "CHANNEL"))["caseStatistics"]["groups"]
    assert [
        (g["key"], g["label"], g["received"], g["closed"], g["outOfScope"]) for g in channel
    ] == [
        ("HOTLINE", "12345热线", 2, 1, 0),
        ("ONLINE", "网上", 3, 2, 0),
        ("VENUE", "议事场所现场", 2, 1, 1),
    ]
    kind = (await ask(MARCH, "KIND"))["caseStatistics"]["groups"]
    assert [(g["label"], g["received"]) for g in kind] == [("咨询", 1), ("诉求", 5), ("建议", 1)]
    month = (await ask({"from": "2026-02-01", "to": "2026-03-31"}, "MONTH"))["caseStatistics"]
    assert [(g["key"], g["received"], g["closed"]) for g in month["groups"]] == [
        ("2026-02", 1, 1),
        ("2026-03", 7, 4),
    ]
    assert month["total"]["received"] == 8


async def test_a_period_of_no_cases_has_no_rates(gql, fixture):
    county, _, _ = fixture
    data = await gql.data(
        STATS,
        {"p": {"from": "2025-01-01", "to": "2025-01-31"}, "g": "UNIT"},
        tenant=county.slug,
        token=county.admin.token,
    )
    total = data["caseStatistics"]["total"]
    assert data["caseStatistics"]["groups"] == []
    assert (
        total["received"],
        total["closingRate"],
        total["onTimeRate"],
        total["averageHandlingHours"],
    ) == (0, None, None, None)


async def test_monthly_ranking_weighs_response_resolution_and_satisfaction(gql, fixture):
    county, a, _ = fixture
    data = await gql.data(
        RANKING, {"m": "2026-03-17"}, tenant=county.slug, token=county.admin.token
    )
    assert [(r["rank"], r["name"], r["score"]) for r in data["caseUnitRanking"]] == [
        (1, "北屏乡", 100.0),  # no 转办件: 解决率 and 满意率 carry the weight
        (2, "县住房城乡建委", 50.0),
    ]
    assert data["caseUnitRanking"][1]["unitId"] == gid("OrgUnit", a)


async def test_export_is_the_same_table_as_xlsx(server, gql, fixture):
    import httpx

    county, _, _ = fixture
    data = await gql.data(
        STATS, {"p": MARCH, "g": "UNIT"}, tenant=county.slug, token=county.admin.token
    )
    url = data["caseStatistics"]["exportUrl"]
    async with httpx.AsyncClient(base_url=server.base_url) as http:
        response = await http.get(
            url, headers={"X-Tenant": county.slug, "Authorization": f"Bearer {county.admin.token}"}
        )
        refused = await http.get(url, headers={"X-Tenant": county.slug})
        bad = await http.get(
            "/exports/case-statistics.xlsx?from=2026-13-01&to=x",
            headers={"X-Tenant": county.slug, "Authorization": f"Bearer {county.admin.token}"},
        )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/vnd.openxmlformats")
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = book["办理情况统计"]
    rows = [list(r) for r in sheet.iter_rows(min_row=3, values_only=True)]
    assert rows[0][:5] == ["承办单位", "受理数", "不予受理", "办结数", "办结率(%)"]
    by_name = {r[0]: r for r in rows[1:4]}
    assert by_name["北屏乡"][1:5] == [4, 1, 2, 66.7]
    assert by_name["县住房城乡建委"][1:5] == [3, 0, 2, 66.7]
    assert by_name["合计"][1:8] == [7, 1, 4, 66.7, 3, 75.0, 63.0]
    ranking = [list(r) for r in book["单位排名"].iter_rows(min_row=2, values_only=True)]
    assert [(r[0], r[1], r[2]) for r in ranking] == [
        (1, "北屏乡", 100.0),
        (2, "县住房城乡建委", 50.0),
    ]
    assert refused.status_code == 401
    assert bad.status_code == 400


async def test_statistics_are_for_staff(server, gql, fixture):
    county, _, _ = fixture
    citizen = await make_user(server, county, roles=[(Role.CITIZEN, None)], name="群众")
    observer = await make_user(server, county, roles=[(Role.OBSERVER, None)], name="观察员")
    body = await gql.execute(
        STATS, {"p": MARCH, "g": "UNIT"}, tenant=county.slug, token=citizen.token
    )
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    body = await gql.execute(STATS, {"p": MARCH, "g": "UNIT"}, tenant=county.slug)
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    data = await gql.data(
        STATS, {"p": MARCH, "g": "KIND"}, tenant=county.slug, token=observer.token
    )
    assert data["caseStatistics"]["total"]["received"] == 7


async def test_a_period_ending_before_it_starts_is_refused(gql, fixture):
    county, _, _ = fixture
    body = await gql.execute(
        STATS,
        {"p": {"from": "2026-03-31", "to": "2026-03-01"}, "g": "UNIT"},
        tenant=county.slug,
        token=county.admin.token,
    )
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert "不能早于" in body["errors"][0]["message"]


async def test_a_month_out_of_range_is_refused(gql, fixture):
    county, _, _ = fixture
    body = await gql.execute(
        RANKING, {"m": "0001-01-01"}, tenant=county.slug, token=county.admin.token
    )
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert "2000" in body["errors"][0]["message"]
