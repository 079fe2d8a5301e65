"""Importing a case ledger (.csv and .xlsx) through importCaseLedger: a report line per row,
rejected rows naming the column and the reason, all or nothing per row, a ledger imported
twice creating nothing new."""

from __future__ import annotations

import base64
import io
from datetime import datetime

import pytest

from backend.people.models import Role
from tenants.models import OrgUnitKind
from tests.conftest import county_rows
from tests.factories.people import make_user
from tests.factories.tenants import make_county, make_unit

IMPORT = """
mutation($input: ImportCaseLedgerInput!) {
  importCaseLedger(input: $input) {
    report { total created duplicates rejected unknownColumns
      rows { line status caseId problems { column reason } } }
    errors { field code message }
  }
}"""

CASES = """
query { cases(first: 100) { edges { node { id number channel kind state title
  accountableUnit { name } } } } }"""

HEADER = "受理时间,来源渠道,诉求人,联系电话,所属村社,事项类型,标题,内容,承办单位,办理状态,办结时间,满意度"
GOOD = [
    "2026-03-02 09:15,12345热线,张三,13812345678,苍坪村,诉求,苍坪村路灯不亮,三组路灯坏了半个月,县住房城乡建委,已办结,2026-03-05 16:00,满意",
    "2026/3/8,网上,李四,,,建议,建议增设公交站,南大街社区建议增设公交站点,北屏乡,办理中,,",
    "2026年3月9日,现场,王五,023-85121234,苍坪村,咨询,低保申请咨询,咨询低保申请需要哪些材料,北屏乡,已答复,,",
]
BAD = [
    # line 5: a time that is no time
    ("下周一,网上,赵六,,,诉求,标题,内容,北屏乡,,,", "受理时间", "无法识别的时间"),
    # line 6: an unknown channel
    ("2026-03-10,微信群,赵六,,,诉求,标题,内容,北屏乡,,,", "来源渠道", "未知的来源渠道"),
    # line 7: a unit the county does not have
    ("2026-03-10,网上,赵六,,,诉求,标题,内容,县水务集团,,,", "承办单位", "未找到承办单位"),
    # line 8: closed without a closing time
    ("2026-03-10,网上,赵六,,,诉求,标题,内容,北屏乡,已办结,,", "办结时间", "须填写办结时间"),
    # line 9: rated but not closed
    ("2026-03-10,网上,赵六,,,诉求,标题,内容,北屏乡,办理中,,满意", "满意度", "未办结"),
    # line 10: a phone number that is none
    ("2026-03-10,网上,赵六,12ab,,诉求,标题,内容,北屏乡,,,", "联系电话", "格式不正确"),
    # line 11: an unknown place
    ("2026-03-10,网上,赵六,,月亮村,诉求,标题,内容,北屏乡,,,", "所属村社", "未找到村社"),
    # line 12: no kind
    ("2026-03-10,网上,赵六,,,,标题,内容,北屏乡,,,", "事项类型", "不能为空"),
]


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def ledger_csv(lines: list[str]) -> bytes:
    return ("\ufeff" + "\n".join([HEADER, *lines]) + "\n").encode()


@pytest.fixture
async def county(server):
    county = await make_county(server, name="导入县")
    township = await make_unit(server, county, kind=OrgUnitKind.TOWNSHIP, name="北屏乡")
    await make_unit(server, county, parent_id=township, kind=OrgUnitKind.VILLAGE, name="苍坪村")
    await make_unit(server, county, kind=OrgUnitKind.DEPARTMENT, name="县住房城乡建委")
    return county


async def import_ledger(gql, county, file_name: str, data: bytes, **extra):
    return await gql.data(
        IMPORT,
        {"input": {"fileName": file_name, "contentBase64": b64(data), **extra}},
        tenant=county.slug,
        token=county.admin.token,
    )


async def test_csv_rows_are_created_or_rejected_one_by_one_with_column_and_reason(
    gql, county, owner_db
):
    data = await import_ledger(
        gql, county, "台账.csv", ledger_csv(GOOD + [line for line, _, _ in BAD])
    )
    result = data["importCaseLedger"]
    assert result["errors"] == []
    report = result["report"]
    assert (report["total"], report["created"], report["duplicates"], report["rejected"]) == (
        11,
        3,
        0,
        8,
    )
    rows = {r["line"]: r for r in report["rows"]}
    assert [rows[n]["status"] for n in (2, 3, 4)] == ["CREATED"] * 3
    assert all(rows[n]["caseId"] for n in (2, 3, 4))
    for line, (_, column, reason) in enumerate(BAD, start=5):
        assert rows[line]["status"] == "REJECTED"
        assert rows[line]["caseId"] is None
        problems = rows[line]["problems"]
        assert [p["column"] for p in problems] == [column], (line, problems)
        assert reason in problems[0]["reason"], (line, problems)

    cases = await owner_db.fetch(
        "SELECT c.channel, c.kind, c.state, c.title, c.closed_at, c.satisfaction, c.keywords,"
        " u.name AS unit, p.name AS place FROM cases c"
        " JOIN org_units u ON u.id = c.accountable_unit_id"
        " LEFT JOIN org_units p ON p.id = c.place_unit_id"
        " WHERE c.tenant_id = $1 ORDER BY c.received_at",
        county.id,
    )
    assert [(c["channel"], c["kind"], c["state"], c["unit"], c["place"]) for c in cases] == [
        ("HOTLINE", "DEMAND", "CLOSED", "县住房城乡建委", "苍坪村"),
        ("ONLINE", "SUGGESTION", "IN_PROGRESS", "北屏乡", None),
        ("VENUE", "CONSULTATION", "ANSWERED", "北屏乡", "苍坪村"),
    ]
    assert cases[0]["satisfaction"] == "SATISFIED"
    assert cases[0]["closed_at"] == datetime.fromisoformat("2026-03-05T16:00:00+08:00")
    assert "路灯" in cases[0]["keywords"]


async def test_a_ledger_imported_twice_creates_nothing_new(gql, county, owner_db):
    ledger = ledger_csv(GOOD)
    first = (await import_ledger(gql, county, "台账.csv", ledger))["importCaseLedger"]["report"]
    assert first["created"] == 3
    before = await county_rows(owner_db, county.id)

    again = (await import_ledger(gql, county, "台账.csv", ledger))["importCaseLedger"]["report"]

    assert (again["created"], again["duplicates"], again["rejected"]) == (0, 3, 0)
    assert [r["caseId"] for r in again["rows"]] == [r["caseId"] for r in first["rows"]]
    assert await county_rows(owner_db, county.id) == before


async def test_a_row_repeated_in_one_file_is_one_case(gql, county, owner_db):
    report = (await import_ledger(gql, county, "台账.csv", ledger_csv([GOOD[0], GOOD[0]])))[
        "importCaseLedger"
    ]["report"]
    assert [r["status"] for r in report["rows"]] == ["CREATED", "DUPLICATE"]
    assert report["rows"][0]["caseId"] == report["rows"][1]["caseId"]
    assert (
        await owner_db.fetchval("SELECT count(*) FROM cases WHERE tenant_id = $1", county.id) == 1
    )


async def test_a_dry_run_reports_and_writes_nothing(gql, county, owner_db):
    before = await county_rows(owner_db, county.id)
    report = (
        await import_ledger(gql, county, "台账.csv", ledger_csv([*GOOD, BAD[0][0]]), dryRun=True)
    )["importCaseLedger"]["report"]
    assert [r["status"] for r in report["rows"]] == ["CREATED"] * 3 + ["REJECTED"]
    assert all(r["caseId"] is None for r in report["rows"])
    assert await county_rows(owner_db, county.id) == before


async def test_xlsx_with_date_cells_and_header_variants(gql, county, owner_db):
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(
        [
            "登记时间",
            "渠道",
            "反映人",
            "诉求内容",
            "类型",
            "责任单位",
            "状态",
            "完成时间",
            "评价",
            "备注",
        ]
    )
    sheet.append(
        [
            datetime(2026, 4, 1, 10, 30),
            "网格员代录",
            "钱七",
            "垃圾清运不及时，生活垃圾堆在路边",
            "诉求",
            "北屏乡",
            "已办结",
            datetime(2026, 4, 3, 11, 0),
            "基本满意",
            "无",
        ]
    )
    sheet.append(
        [datetime(2026, 4, 2, 8, 0), "网络问政", "孙八", "", "建议", "北屏乡", "", None, None, ""]
    )
    out = io.BytesIO()
    book.save(out)

    result = (await import_ledger(gql, county, "ledger.xlsx", out.getvalue()))["importCaseLedger"]

    report = result["report"]
    assert report["unknownColumns"] == ["备注"]
    assert [r["status"] for r in report["rows"]] == ["CREATED", "REJECTED"]
    assert report["rows"][1]["problems"] == [
        {"column": "诉求内容", "reason": "标题和内容不能都为空"}
    ]
    row = await owner_db.fetchrow(
        "SELECT channel, state, satisfaction, title, received_at FROM cases WHERE tenant_id = $1",
        county.id,
    )
    assert (row["channel"], row["state"], row["satisfaction"]) == (
        "COLLECTOR",
        "CLOSED",
        "BASICALLY_SATISFIED",
    )
    assert row["title"] == "垃圾清运不及时，生活垃圾堆在路边"
    assert row["received_at"] == datetime.fromisoformat("2026-04-01T10:30:00+08:00")


@pytest.mark.parametrize(
    ("file_name", "data", "field", "reason"),
    [
        ("台账.xlsx", b"PK\x03\x04 not really a workbook", "contentBase64", "无法读取 .xlsx"),
        ("台账.pdf", b"%PDF-1.4", "fileName", "只支持 .xlsx 或 .csv"),
        ("台账.csv", "姓名,电话\n张三,138\n".encode(), "contentBase64", "缺少“标题”或“内容”列"),
        ("台账.csv", b"", "contentBase64", "台账为空"),
    ],
)
async def test_a_file_that_is_no_ledger_is_a_typed_error_and_writes_nothing(
    gql, county, owner_db, file_name, data, field, reason
):
    before = await county_rows(owner_db, county.id)
    result = (await import_ledger(gql, county, file_name, data))["importCaseLedger"]
    assert result["report"] is None
    [error] = result["errors"]
    assert (error["field"], error["code"]) == (field, "INVALID")
    assert reason in error["message"]
    assert await county_rows(owner_db, county.id) == before


async def test_content_that_is_not_base64_is_a_typed_error(gql, county):
    result = (
        await gql.data(
            IMPORT,
            {"input": {"fileName": "a.csv", "contentBase64": "不是base64!"}},
            tenant=county.slug,
            token=county.admin.token,
        )
    )["importCaseLedger"]
    assert result["report"] is None
    assert [(e["field"], e["code"]) for e in result["errors"]] == [("contentBase64", "INVALID")]


async def test_only_county_admins_import(server, gql, county, owner_db):
    staff = await make_user(server, county, roles=[(Role.DEPARTMENT_STAFF, None)], name="承办员")
    citizen = await make_user(server, county, roles=[(Role.CITIZEN, None)], name="群众")
    before = await county_rows(owner_db, county.id)
    variables = {"input": {"fileName": "a.csv", "contentBase64": b64(ledger_csv(GOOD))}}
    for token in (staff.token, citizen.token, None):
        body = await gql.execute(IMPORT, variables, tenant=county.slug, token=token)
        assert body["errors"][0]["extensions"]["code"] in ("FORBIDDEN", "UNAUTHENTICATED")
    assert await county_rows(owner_db, county.id) == before
