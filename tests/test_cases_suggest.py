"""suggestCaseClassification: a kind and a responsible unit learnt from the county's own
closed cases (imported here as a ledger), kept on the case for staff to confirm."""

from __future__ import annotations

import base64

import pytest

from backend.people.models import Role
from tenants.models import OrgUnitKind
from tests.conftest import county_rows
from tests.factories.people import make_user
from tests.factories.tenants import db_id, gid, make_county, make_unit
from tests.test_cases_import import IMPORT

SUGGEST = """
mutation($c: ID!) { suggestCaseClassification(caseId: $c) {
  suggestion { kinds { kind score } units { unitId score } trainedOn }
  errors { field code message } } }"""

HEADER = "受理时间,事项类型,标题,内容,承办单位,办理状态,办结时间"
CLOSED = [
    ("诉求", "路灯不亮", "村口路灯坏了，晚上出行看不见", "县住房城乡建委"),
    ("诉求", "路灯损坏", "小区路灯损坏半个月没人修", "县住房城乡建委"),
    ("诉求", "路灯维修", "请维修主干道路灯", "县住房城乡建委"),
    ("诉求", "老旧小区路灯", "老旧小区路灯太暗", "县住房城乡建委"),
    ("咨询", "低保申请", "咨询低保申请需要什么材料", "北屏乡"),
    ("咨询", "低保标准", "今年低保标准是多少", "北屏乡"),
    ("咨询", "低保复核", "低保复核什么时候进行", "北屏乡"),
    ("建议", "增开公交", "建议增开到县城的公交线路", "县交通运输局"),
    ("建议", "公交站点", "建议在学校门口设公交站点", "县交通运输局"),
]


def ledger(rows: list[str]) -> str:
    return base64.b64encode(("\n".join([HEADER, *rows]) + "\n").encode()).decode()


def closed_rows(n: int) -> list[str]:
    return [
        f"2026-03-{i + 1:02d} 09:00,{k},{t},{b},{u},已办结,2026-03-{i + 2:02d} 09:00"
        for i, (k, t, b, u) in enumerate(CLOSED[:n])
    ]


@pytest.fixture
async def county(server):
    county = await make_county(server, name="建议县")
    county.units = {
        name: await make_unit(server, county, kind=kind, name=name)
        for name, kind in (
            ("县住房城乡建委", OrgUnitKind.DEPARTMENT),
            ("县交通运输局", OrgUnitKind.DEPARTMENT),
            ("北屏乡", OrgUnitKind.TOWNSHIP),
        )
    }
    return county


async def import_rows(gql, county, rows):
    data = await gql.data(
        IMPORT,
        {"input": {"fileName": "台账.csv", "contentBase64": ledger(rows)}},
        tenant=county.slug,
        token=county.admin.token,
    )
    report = data["importCaseLedger"]["report"]
    assert report["rejected"] == 0, report
    return [r["caseId"] for r in report["rows"]]


async def test_suggests_the_kind_and_unit_of_similar_closed_cases(gql, county, owner_db):
    await import_rows(gql, county, closed_rows(len(CLOSED)))
    [lamp, benefit] = await import_rows(
        gql,
        county,
        [
            "2026-04-01 09:00,诉求,路灯又坏了,苍坪村的路灯坏了好几天,,已受理,",
            "2026-04-01 10:00,咨询,低保怎么办,想问问低保申请的流程,,已受理,",
        ],
    )

    result = (await gql.data(SUGGEST, {"c": lamp}, tenant=county.slug, token=county.admin.token))[
        "suggestCaseClassification"
    ]
    assert result["errors"] == []
    suggestion = result["suggestion"]
    assert suggestion["trainedOn"] == len(CLOSED)
    assert suggestion["kinds"][0]["kind"] == "DEMAND"
    assert suggestion["units"][0]["unitId"] == gid("OrgUnit", county.units["县住房城乡建委"])
    assert suggestion["units"][0]["score"] > 0.5
    assert abs(sum(u["score"] for u in suggestion["units"]) - 1) < 0.01  # three units: all shown
    stored = await owner_db.fetchrow(
        "SELECT suggested_kind, suggested_unit_id FROM cases WHERE id = $1", db_id(lamp)
    )
    assert tuple(stored) == ("DEMAND", county.units["县住房城乡建委"])

    other = (await gql.data(SUGGEST, {"c": benefit}, tenant=county.slug, token=county.admin.token))[
        "suggestCaseClassification"
    ]["suggestion"]
    assert other["kinds"][0]["kind"] == "CONSULTATION"
    assert other["units"][0]["unitId"] == gid("OrgUnit", county.units["北屏乡"])
    # The model was stored once and reused.
    assert await owner_db.fetchval(
        "SELECT trained_on FROM case_suggesters WHERE tenant_id = $1", county.id
    ) == len(CLOSED)


async def test_no_suggestion_before_the_county_has_closed_cases_to_learn_from(gql, county):
    [case] = await import_rows(gql, county, ["2026-04-01 09:00,诉求,路灯坏了,路灯坏了,,已受理,"])
    result = (await gql.data(SUGGEST, {"c": case}, tenant=county.slug, token=county.admin.token))[
        "suggestCaseClassification"
    ]
    assert result == {"suggestion": None, "errors": []}


async def test_an_unknown_case_is_not_found_and_citizens_are_refused(server, gql, county, owner_db):
    [case] = await import_rows(gql, county, ["2026-04-01 09:00,诉求,路灯坏了,路灯坏了,,已受理,"])
    other = await make_county(server, name="邻县")
    foreign = (await gql.data(SUGGEST, {"c": case}, tenant=other.slug, token=other.admin.token))[
        "suggestCaseClassification"
    ]
    assert [(e["field"], e["code"]) for e in foreign["errors"]] == [("caseId", "NOT_FOUND")]
    citizen = await make_user(server, county, roles=[(Role.CITIZEN, None)], name="群众")
    before = await county_rows(owner_db, county.id)
    body = await gql.execute(SUGGEST, {"c": case}, tenant=county.slug, token=citizen.token)
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert await county_rows(owner_db, county.id) == before
