"""The hot-topic board (caseHotTopics): keyword, kind and place counts with trend against
the previous period, stop words and the county's synonyms (setCaseVocabulary), the public
view; and the 金点子 bank (goldenIdeas)."""

from __future__ import annotations

from datetime import datetime

import pytest

from backend.people.models import Role
from tenants.models import OrgUnitKind
from tests.conftest import county_rows
from tests.factories.people import make_user
from tests.factories.tenants import gid, make_county, make_unit

BOARD = """
query($p: PeriodInput!, $n: Int) { caseHotTopics(period: $p, limit: $n) {
  periodFrom periodTo previousFrom previousTo total previousTotal publicView
  keywords { key label count previous trend changePercent }
  kinds { key label count previous trend }
  places { key label count previous }
} }"""

VOCABULARY = """
mutation($s: [CaseSynonymGroupInput!]!, $w: [String!]!) {
  setCaseVocabulary(synonyms: $s, stopWords: $w) {
    vocabulary { synonyms { canonical variants } stopWords }
    errors { field code message }
  }
}"""

GOLDEN = """
query($n: Int, $a: String) { goldenIdeas(first: $n, after: $a) {
  edges { node { caseId number title unitName placeName keywords published } }
  pageInfo { hasNextPage endCursor } } }"""

MARCH = {"from": "2026-03-01", "to": "2026-03-31"}


async def insert_case(owner_db, county_id, number, unit, received, keywords, **c):
    return await owner_db.fetchval(
        "INSERT INTO cases (tenant_id, number, channel, kind, title, body, state,"
        " accountable_unit_id, place_unit_id, received_at, keywords, is_private, adopted,"
        " published_at)"
        " VALUES ($1, $2, 'ONLINE', $3, $4, '内容', $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
        county_id,
        number,
        c.get("kind", "DEMAND"),
        c.get("title", "标题" + number),
        c.get("state", "RECEIVED"),
        unit,
        c.get("place"),
        datetime.fromisoformat(received + "T10:00+08:00"),
        keywords,
        c.get("private", False),
        c.get("adopted", False),
        datetime.fromisoformat("2026-03-30T10:00+08:00") if c.get("published") else None,
    )


@pytest.fixture
async def fixture(server, owner_db):
    county = await make_county(server, name="热度县")
    town = await make_unit(server, county, kind=OrgUnitKind.TOWNSHIP, name="北屏乡")
    p1 = await make_unit(server, county, parent_id=town, kind=OrgUnitKind.VILLAGE, name="苍坪村")
    p2 = await make_unit(server, county, parent_id=town, kind=OrgUnitKind.VILLAGE, name="安乐村")
    db, cid = owner_db, county.id
    await insert_case(db, cid, "M1", town, "2026-03-02", ["路灯", "苍坪村"], place=p1)
    await insert_case(db, cid, "M2", town, "2026-03-05", ["路灯"], place=p1)
    await insert_case(db, cid, "M3", town, "2026-03-06", ["路灯", "停电"], place=p1, private=True)
    await insert_case(
        db,
        cid,
        "M4",
        town,
        "2026-03-10",
        ["装电梯", "老旧小区"],
        place=p2,
        kind="SUGGESTION",
        adopted=True,
        published=True,
        state="CLOSED",
        title="老旧小区加装电梯",
    )
    await insert_case(
        db,
        cid,
        "M5",
        town,
        "2026-03-11",
        ["加装电梯"],
        place=p2,
        kind="SUGGESTION",
        adopted=True,
        state="CLOSED",
    )
    await insert_case(
        db, cid, "M6", town, "2026-03-31", ["电梯加装", "加装电梯"], place=p2, kind="SUGGESTION"
    )
    await insert_case(db, cid, "M7", town, "2026-03-20", ["垃圾清运"], place=p1)
    await insert_case(
        db,
        cid,
        "M8",
        town,
        "2026-03-21",
        ["停车"],
        kind="SUGGESTION",
        adopted=True,
        private=True,
        published=True,
        state="CLOSED",
    )
    await insert_case(db, cid, "M9", town, "2026-03-22", ["路灯"], state="MERGED")
    # The previous period: 2026-01-29 to 2026-02-28 (31 days before March).
    await insert_case(db, cid, "F1", town, "2026-02-10", ["路灯"], place=p1)
    await insert_case(db, cid, "F2", town, "2026-02-11", ["垃圾清运"])
    await insert_case(db, cid, "F3", town, "2026-02-12", ["垃圾清运"])
    await insert_case(db, cid, "F4", town, "2026-01-29", ["垃圾清运"])
    await insert_case(db, cid, "F5", town, "2026-01-28", ["垃圾清运"])  # before both periods
    other = await make_county(server, name="邻县")
    await insert_case(db, other.id, "X1", other.root_id, "2026-03-02", ["路灯"])
    return county, p1, p2


def counts(lines):
    return [(k["key"], k["count"], k["previous"]) for k in lines]


async def test_staff_board_counts_keywords_kinds_and_places_with_trend(gql, fixture):
    county, p1, p2 = fixture
    board = (await gql.data(BOARD, {"p": MARCH}, tenant=county.slug, token=county.admin.token))[
        "caseHotTopics"
    ]
    assert (board["previousFrom"], board["previousTo"]) == ("2026-01-29", "2026-02-28")
    assert (board["total"], board["previousTotal"], board["publicView"]) == (8, 4, False)
    assert counts(board["keywords"]) == [
        ("路灯", 3, 1),
        ("加装电梯", 2, 0),
        ("垃圾清运", 1, 3),
        ("停电", 1, 0),
        ("停车", 1, 0),
        ("电梯加装", 1, 0),
        ("老旧小区", 1, 0),
        ("苍坪村", 1, 0),
        ("装电梯", 1, 0),
    ]
    lamp, _, rubbish = board["keywords"][:3]
    assert (lamp["trend"], lamp["changePercent"]) == ("UP", 200.0)
    assert (rubbish["trend"], rubbish["changePercent"]) == ("DOWN", -66.7)
    assert (board["keywords"][1]["trend"], board["keywords"][1]["changePercent"]) == ("NEW", None)
    assert [(k["label"], k["count"], k["previous"]) for k in board["kinds"]] == [
        ("诉求", 4, 4),
        ("建议", 4, 0),
    ]
    assert counts(board["places"]) == [(gid("OrgUnit", p1), 4, 1), (gid("OrgUnit", p2), 3, 0)]
    assert [p["label"] for p in board["places"]] == ["苍坪村", "安乐村"]


async def test_synonyms_fold_and_stop_words_drop_keywords_of_existing_cases(gql, fixture, owner_db):
    county, _, _ = fixture
    set_vocabulary = await gql.data(
        VOCABULARY,
        {"s": [{"canonical": "加装电梯", "variants": ["装电梯", "电梯加装"]}], "w": ["苍坪村"]},
        tenant=county.slug,
        token=county.admin.token,
    )
    assert set_vocabulary["setCaseVocabulary"]["errors"] == []
    assert set_vocabulary["setCaseVocabulary"]["vocabulary"] == {
        "synonyms": [{"canonical": "加装电梯", "variants": ["电梯加装", "装电梯"]}],
        "stopWords": ["苍坪村"],
    }
    board = (
        await gql.data(BOARD, {"p": MARCH, "n": 3}, tenant=county.slug, token=county.admin.token)
    )["caseHotTopics"]
    # M4 (装电梯), M5 (加装电梯), M6 (电梯加装 and 加装电梯: once).
    assert counts(board["keywords"]) == [("路灯", 3, 1), ("加装电梯", 3, 0), ("垃圾清运", 1, 3)]


async def test_public_board_leaves_out_private_cases_and_small_counts(server, gql, fixture):
    county, p1, p2 = fixture
    citizen = await make_user(server, county, roles=[(Role.CITIZEN, None)], name="群众")
    for token in (citizen.token, None):
        board = (await gql.data(BOARD, {"p": MARCH}, tenant=county.slug, token=token))[
            "caseHotTopics"
        ]
        assert (board["total"], board["publicView"]) == (6, True)  # M3 and M8 are private
        assert counts(board["keywords"]) == []  # 路灯: 2 public cases, fewer than 3
        assert counts(board["places"]) == [(gid("OrgUnit", p1), 3, 1), (gid("OrgUnit", p2), 3, 0)]


@pytest.mark.parametrize(
    ("synonyms", "stop_words", "field"),
    [
        (
            [
                {"canonical": "电梯", "variants": ["装电梯"]},
                {"canonical": "楼梯", "variants": ["装电梯"]},
            ],
            [],
            "synonyms.1.variants.0",
        ),
        ([{"canonical": "电梯", "variants": []}], [], "synonyms.0.variants"),
        ([{"canonical": "电梯", "variants": ["装电梯"]}], ["装电梯"], "stopWords.0"),
        ([{"canonical": "", "variants": ["a"]}], [], "synonyms.0.canonical"),
        ([], ["有 空格"], "stopWords.0"),
        (
            [
                {"canonical": "电梯", "variants": ["装电梯"]},
                {"canonical": "加装", "variants": ["电梯"]},
            ],
            [],
            "synonyms",
        ),
    ],
)
async def test_a_bad_vocabulary_is_a_typed_error_and_changes_nothing(
    gql, fixture, owner_db, synonyms, stop_words, field
):
    county, _, _ = fixture
    before = await county_rows(owner_db, county.id)
    result = (
        await gql.data(
            VOCABULARY,
            {"s": synonyms, "w": stop_words},
            tenant=county.slug,
            token=county.admin.token,
        )
    )["setCaseVocabulary"]
    assert result["vocabulary"] is None
    assert [(e["field"], e["code"]) for e in result["errors"]] == [(field, "INVALID")]
    assert await county_rows(owner_db, county.id) == before


async def test_only_county_admins_set_the_vocabulary(server, gql, fixture, owner_db):
    county, _, _ = fixture
    staff = await make_user(server, county, roles=[(Role.DEPARTMENT_STAFF, None)], name="承办员")
    before = await county_rows(owner_db, county.id)
    body = await gql.execute(
        VOCABULARY, {"s": [], "w": ["路灯"]}, tenant=county.slug, token=staff.token
    )
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert await county_rows(owner_db, county.id) == before


async def test_golden_ideas_bank_pages_adopted_suggestions(server, gql, fixture):
    county, _, _ = fixture
    first = (await gql.data(GOLDEN, {"n": 2}, tenant=county.slug, token=county.admin.token))[
        "goldenIdeas"
    ]
    assert [e["node"]["number"] for e in first["edges"]] == ["M8", "M5"]
    assert first["pageInfo"]["hasNextPage"] is True
    rest = (
        await gql.data(
            GOLDEN,
            {"n": 2, "a": first["pageInfo"]["endCursor"]},
            tenant=county.slug,
            token=county.admin.token,
        )
    )["goldenIdeas"]
    assert [e["node"]["number"] for e in rest["edges"]] == ["M4"]
    assert rest["pageInfo"]["hasNextPage"] is False
    m4 = rest["edges"][0]["node"]
    assert (m4["title"], m4["unitName"], m4["placeName"], m4["keywords"], m4["published"]) == (
        "老旧小区加装电梯",
        "北屏乡",
        "安乐村",
        ["装电梯", "老旧小区"],
        True,
    )
    citizen = await make_user(server, county, roles=[(Role.CITIZEN, None)], name="群众")
    public = (await gql.data(GOLDEN, {}, tenant=county.slug, token=citizen.token))["goldenIdeas"]
    assert [e["node"]["number"] for e in public["edges"]] == ["M4"]  # M5 unpublished, M8 private
