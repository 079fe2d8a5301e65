"""政务公开 publications (seed 002 一、二): a draft goes out only after a reviewer who is not
its author approves it (published the day it is approved), published items are public
(anonymous query), and a withdrawal needs a public reason."""

from __future__ import annotations

from backend.people.models import Role
from tests.conftest import county_rows
from tests.factories.agenda import APPROVE, DRAFT, PUBLICATIONS, WITHDRAW
from tests.factories.cases import act, refused
from tests.factories.people import make_user
from tests.factories.tenants import db_id, make_county


async def _public(gql, county, states=None):
    data = await gql.data(PUBLICATIONS, {"s": states}, tenant=county.slug)
    return [e["node"] for e in data["publications"]["edges"]]


async def test_a_draft_is_public_only_after_another_reviewer_approves_it(server, gql, owner_db):
    county = await make_county(server)
    staff = await make_user(server, county, roles=[(Role.DEPARTMENT_STAFF, None)])
    reviewer = await make_user(server, county, roles=[(Role.TENANT_ADMIN, None)])
    drafted = await act(
        gql,
        DRAFT,
        {
            "t": "关于2027年城区道路维修的公告",
            "b": "计划于三月起分段施工。",
            "c": "PUBLIC_INTEREST",
        },
        staff.token,
    )
    p = drafted["publication"]
    assert (p["state"], p["publishedAt"]) == ("DRAFT", None)
    # a draft is not public, not even when asked for by state
    assert await _public(gql, county) == []
    assert await _public(gql, county, ["DRAFT"]) == []
    # the author cannot approve (staff are no reviewers: FORBIDDEN, nothing changes)
    before = await county_rows(owner_db, county.id)
    body = await gql.execute(APPROVE, {"p": p["id"]}, token=staff.token)
    assert body["data"] is None and body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert await county_rows(owner_db, county.id) == before

    # when a reviewer approves it, it is published at once and public
    approved = await act(gql, APPROVE, {"p": p["id"]}, reviewer.token)
    assert approved["publication"]["state"] == "PUBLISHED"
    assert approved["publication"]["publishedAt"] is not None
    (public,) = await _public(gql, county)
    assert (public["id"], public["title"]) == (p["id"], "关于2027年城区道路维修的公告")
    # approving twice is refused
    error = await refused(gql, APPROVE, {"p": p["id"]}, reviewer.token)
    assert error["code"] == "INVALID_STATE"
    # the publication's stream: drafted, approved; the public sees it without actors
    rows = await owner_db.fetch(
        "SELECT type, actor_user_id FROM events WHERE stream = $1 ORDER BY seq",
        f"publication:{db_id(p['id'])}",
    )
    assert [(r["type"], r["actor_user_id"]) for r in rows] == [
        ("publication.drafted", staff.user_id),
        ("publication.approved", reviewer.user_id),
    ]
    events = (
        await gql.data(
            "query($s: String!) { streamEvents(stream: $s) { type actorId } }",
            {"s": public["stream"]},
            tenant=county.slug,
        )
    )["streamEvents"]
    assert events == [
        {"type": "publication.drafted", "actorId": None},
        {"type": "publication.approved", "actorId": None},
    ]


async def test_the_author_cannot_approve_their_own(server, gql, owner_db):
    # given a county-wide administrator who wrote a draft
    county = await make_county(server)
    drafted = await act(
        gql, DRAFT, {"t": "机构设置", "b": "县政务服务中心内设机构。", "c": "ORGANISATION"},
        county.admin.token,
    )  # fmt: skip
    p = drafted["publication"]["id"]
    before = await county_rows(owner_db, county.id)
    # when they approve it themselves: a typed error, nothing written
    error = await refused(gql, APPROVE, {"p": p}, county.admin.token)
    assert (error["code"], error["field"]) == ("SELF_APPROVAL", "publicationId")
    assert "审核" in error["message"]
    assert await county_rows(owner_db, county.id) == before
    state = await owner_db.fetchval("SELECT state FROM publications WHERE id = $1", db_id(p))
    assert state == "DRAFT"


async def test_a_withdrawal_needs_a_reason_and_stays_public_with_it(server, gql, owner_db):
    county = await make_county(server)
    staff = await make_user(server, county, roles=[(Role.DEPARTMENT_STAFF, None)])
    citizen = await make_user(server, county, roles=[(Role.CITIZEN, None)])
    p = (await act(gql, DRAFT, {"t": "政务动态", "b": "内容", "c": "NEWS"}, staff.token))[
        "publication"
    ]["id"]
    # a draft cannot be withdrawn
    error = await refused(gql, WITHDRAW, {"p": p, "r": "错误"}, county.admin.token)
    assert error["code"] == "INVALID_STATE"
    await act(gql, APPROVE, {"p": p}, county.admin.token)
    before = await county_rows(owner_db, county.id)
    error = await refused(gql, WITHDRAW, {"p": p, "r": " "}, county.admin.token)
    assert (error["code"], error["field"]) == ("REASON_REQUIRED", "reason")
    body = await gql.execute(WITHDRAW, {"p": p, "r": "信息有误"}, token=citizen.token)
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert await county_rows(owner_db, county.id) == before
    withdrawn = await act(
        gql, WITHDRAW, {"p": p, "r": "发布信息中统计数据有误"}, county.admin.token
    )
    assert withdrawn["publication"]["state"] == "WITHDRAWN"
    # not in the default public list any more, but the public may see that and why
    assert await _public(gql, county) == []
    (item,) = await _public(gql, county, ["WITHDRAWN"])
    assert (item["state"], item["withdrawnReason"]) == ("WITHDRAWN", "发布信息中统计数据有误")


async def test_the_public_list_pages_newest_first_and_staff_see_drafts(server, gql):
    county = await make_county(server)
    staff = await make_user(server, county, roles=[(Role.DEPARTMENT_STAFF, None)])
    ids = []
    for i in range(3):
        p = (await act(gql, DRAFT, {"t": f"公告{i}", "b": "内容", "c": "NEWS"}, staff.token))[
            "publication"
        ]["id"]
        await act(gql, APPROVE, {"p": p}, county.admin.token)
        ids.append(p)
    draft = (await act(gql, DRAFT, {"t": "草稿", "b": "内容", "c": "NEWS"}, staff.token))[
        "publication"
    ]["id"]
    page = (await gql.data(PUBLICATIONS, {"first": 2}, tenant=county.slug))["publications"]
    assert [e["node"]["id"] for e in page["edges"]] == [ids[2], ids[1]]
    assert page["pageInfo"]["hasNextPage"] is True
    rest = (
        await gql.data(
            PUBLICATIONS, {"first": 2, "after": page["pageInfo"]["endCursor"]}, tenant=county.slug
        )
    )["publications"]
    assert [e["node"]["id"] for e in rest["edges"]] == [ids[0]]
    assert rest["pageInfo"]["hasNextPage"] is False
    drafts = (await gql.data(PUBLICATIONS, {"s": ["DRAFT"]}, token=staff.token))["publications"]
    assert [e["node"]["id"] for e in drafts["edges"]] == [draft]
    # another county's public sees none of them
    other = await make_county(server)
    assert await _public(gql, other) == []
