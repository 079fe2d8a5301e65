"""民生实事 (seeds 000, 001): 群众开单 → shortlist with reasons → public vote (one vote per
person per project, up to the rulebook's livelihood.max_votes, in a window) → adopted list
→ monthly progress with a parent's progress derived from its children → year-end
evaluation. Every step through the GraphQL API, every change on the round's stream."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta

from backend.people.models import Role
from tests.conftest import county_rows
from tests.factories.agenda import (
    ADD_SUB,
    ADOPT,
    CLOSE_VOTING,
    EVALUATE,
    OPEN_EVALUATION,
    OPEN_ROUND,
    OPEN_VOTING,
    PROPOSE,
    REPORT,
    REVIEW,
    ROUND,
    VOTE,
    adopted_round,
    later,
    round_with_shortlist,
)
from tests.factories.cases import act, refused
from tests.factories.people import make_user
from tests.factories.tenants import db_id, make_county


async def _round(gql, county, token=None, month=None):
    kw = {"token": token} if token else {"tenant": county.slug}
    return (await gql.data(ROUND, {"y": 2027, "m": month}, **kw))["livelihoodRound"]


def _by_id(projects):
    return {p["id"]: p for p in projects}


async def test_citizens_propose_staff_shortlist_with_reasons_and_the_public_sees_it(
    server, gql, owner_db
):
    county = await make_county(server)
    citizen = await make_user(server, county, roles=[(Role.CITIZEN, None)])
    opened = await act(gql, OPEN_ROUND, {"y": 2027, "t": "2027年民生实事征集"}, county.admin.token)
    r = opened["round"]["id"]
    assert opened["round"]["state"] == "COLLECTING"

    # when a citizen proposes two projects (群众开单)
    a = await act(gql, PROPOSE, {"r": r, "t": "加装电梯", "d": "老旧小区加装电梯"}, citizen.token)
    b = await act(gql, PROPOSE, {"r": r, "t": "修建广场", "d": "新建休闲广场"}, citizen.token)
    # and staff shortlist one, and refuse the other without a reason: a typed error
    await act(gql, REVIEW, {"p": a["projectId"], "s": True}, county.admin.token)
    before = await county_rows(owner_db, county.id)
    error = await refused(gql, REVIEW, {"p": b["projectId"], "s": False}, county.admin.token)
    assert (error["code"], error["field"]) == ("REASON_REQUIRED", "reason")
    assert await county_rows(owner_db, county.id) == before
    await act(
        gql,
        REVIEW,
        {"p": b["projectId"], "s": False, "r": "已列入县城市更新规划，不重复立项"},
        county.admin.token,
    )
    # then the public (anonymous, X-Tenant) sees both with the reason, not who proposed
    public = await _round(gql, county)
    seen = {p["title"]: (p["status"], p["reviewReason"]) for p in public["projects"]}
    assert seen == {
        "加装电梯": ("SHORTLISTED", None),
        "修建广场": ("NOT_SHORTLISTED", "已列入县城市更新规划，不重复立项"),
    }
    # and the proposer is in the table (their personal data), not in any event's payload
    row = await owner_db.fetchrow(
        "SELECT proposer_user_id FROM livelihood_projects WHERE id = $1", db_id(a["projectId"])
    )
    assert row["proposer_user_id"] == citizen.user_id
    stream_events = "query($s: String!) { streamEvents(stream: $s) { type actorId payload } }"
    staff_view = (await gql.data(stream_events, {"s": public["stream"]}, token=county.admin.token))[
        "streamEvents"
    ]
    public_view = (await gql.data(stream_events, {"s": public["stream"]}, tenant=county.slug))[
        "streamEvents"
    ]
    assert [e["type"] for e in public_view] == [
        "livelihood.opened",
        "livelihood.proposed",
        "livelihood.proposed",
        "livelihood.reviewed",
        "livelihood.reviewed",
    ]
    # staff see who proposed (the actor); the public the same payloads without any actor
    assert [e["actorId"] for e in staff_view][1:3] == [citizen.user_id, citizen.user_id]
    assert [e["actorId"] for e in public_view] == [None] * 5
    assert [e["payload"] for e in public_view] == [e["payload"] for e in staff_view]
    assert set(public_view[1]["payload"]) == {"projectId", "title", "description", "status"}
    # an anonymous caller cannot propose
    body = await gql.execute(PROPOSE, {"r": r, "t": "x", "d": "y"}, tenant=county.slug)
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_one_vote_per_person_per_project_and_at_most_max_votes(server, gql, owner_db):
    # given a county whose rulebook lets each person vote for 2 projects
    county = await make_county(server)
    await owner_db.execute(
        "UPDATE tenants SET settings = $2::jsonb WHERE id = $1",
        county.id,
        json.dumps(
            {
                "rules": {
                    "livelihood.max_votes": {"value": 2, "source": "《某县2027年民生实事征集方案》"}
                }
            }
        ),
    )
    voter = await make_user(server, county, roles=[(Role.CITIZEN, None)])
    other = await make_user(server, county, roles=[(Role.CITIZEN, None)])
    r, (p1, p2, p3) = await round_with_shortlist(
        gql, county, voter.token, titles=("甲", "乙", "丙")
    )
    # voting before it opens is refused
    error = await refused(gql, VOTE, {"p": p1}, voter.token)
    assert error["code"] == "VOTING_CLOSED"
    opened = await act(gql, OPEN_VOTING, {"r": r, "c": later()}, county.admin.token)
    assert opened["round"]["maxVotes"] == 2

    # when the voter votes for p1 and p2
    await act(gql, VOTE, {"p": p1}, voter.token)
    voted = await act(gql, VOTE, {"p": p2}, voter.token)
    assert voted["round"]["myVotes"] == 2
    before = await county_rows(owner_db, county.id)
    # then a second vote for p1 and a third project are refused, writing nothing
    error = await refused(gql, VOTE, {"p": p1}, voter.token)
    assert (error["code"], error["field"]) == ("ALREADY_VOTED", "projectId")
    error = await refused(gql, VOTE, {"p": p3}, voter.token)
    assert error["code"] == "VOTE_LIMIT"
    assert "2" in error["message"] and "livelihood.max_votes" in error["message"]
    assert await county_rows(owner_db, county.id) == before
    # and someone else's vote counts
    await act(gql, VOTE, {"p": p1}, other.token)
    counts = {p["id"]: p["voteCount"] for p in (await _round(gql, county))["projects"]}
    assert counts == {p1: 2, p2: 1, p3: 0}
    # and the public stream shows counts, never the voter
    rows = await owner_db.fetch(
        "SELECT payload FROM events WHERE stream = $1 AND type = 'livelihood.voted' ORDER BY seq",
        f"livelihood:{db_id(r)}",
    )
    assert [json.loads(x["payload"]) for x in rows] == [
        {"projectId": db_id(p1), "voteCount": 1},
        {"projectId": db_id(p2), "voteCount": 1},
        {"projectId": db_id(p1), "voteCount": 2},
    ]

    # when voting is closed, no vote is taken
    await act(gql, CLOSE_VOTING, {"r": r}, county.admin.token)
    error = await refused(gql, VOTE, {"p": p3}, other.token)
    assert error["code"] == "VOTING_CLOSED"


async def test_concurrent_votes_of_one_person_do_not_pass_the_limit(server, gql, owner_db):
    county = await make_county(server)
    await owner_db.execute(
        "UPDATE tenants SET settings = $2::jsonb WHERE id = $1",
        county.id,
        json.dumps({"rules": {"livelihood.max_votes": {"value": 1, "source": "方案"}}}),
    )
    voter = await make_user(server, county, roles=[(Role.CITIZEN, None)])
    r, projects = await round_with_shortlist(gql, county, voter.token, titles=tuple("甲乙丙丁"))
    await act(gql, OPEN_VOTING, {"r": r, "c": later()}, county.admin.token)
    results = await asyncio.gather(*(gql.data(VOTE, {"p": p}, token=voter.token) for p in projects))
    codes = sorted(
        (x["voteLivelihoodProject"]["errors"] or [{"code": "OK"}])[0]["code"] for x in results
    )
    assert codes == ["OK", "VOTE_LIMIT", "VOTE_LIMIT", "VOTE_LIMIT"]
    n = await owner_db.fetchval(
        "SELECT count(*) FROM livelihood_votes WHERE tenant_id = $1", county.id
    )
    assert n == 1


async def test_the_window_closes_by_itself(server, gql):
    county = await make_county(server)
    voter = await make_user(server, county, roles=[(Role.CITIZEN, None)])
    r, (p,) = await round_with_shortlist(gql, county, voter.token, titles=("甲",))
    error = await refused(
        gql,
        OPEN_VOTING,
        {"r": r, "c": (datetime.now(UTC) - timedelta(minutes=1)).isoformat()},
        county.admin.token,
    )
    assert (error["code"], error["field"]) == ("INVALID", "closesAt")
    await act(gql, OPEN_VOTING, {"r": r, "c": later(2)}, county.admin.token)
    await asyncio.sleep(2.2)
    error = await refused(gql, VOTE, {"p": p}, voter.token)
    assert error["code"] == "VOTING_CLOSED"


async def test_adoption_by_the_county_office_of_shortlisted_projects_only(server, gql, owner_db):
    county = await make_county(server)
    staff = await make_user(server, county, roles=[(Role.DEPARTMENT_STAFF, None)])
    r, (p1, p2) = await round_with_shortlist(gql, county, staff.token)
    await act(gql, OPEN_VOTING, {"r": r, "c": later()}, staff.token)
    error = await refused(gql, ADOPT, {"r": r, "p": [p1]}, county.admin.token)
    assert error["code"] == "INVALID_STATE"  # still voting
    await act(gql, CLOSE_VOTING, {"r": r}, staff.token)
    body = await gql.execute(ADOPT, {"r": r, "p": [p1]}, token=staff.token)
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    error = await refused(gql, ADOPT, {"r": r, "p": []}, county.admin.token)
    assert (error["code"], error["field"]) == ("INVALID", "projectIds")
    adopted = await act(gql, ADOPT, {"r": r, "p": [p1]}, county.admin.token)
    assert adopted["round"]["state"] == "ADOPTED"
    assert {p["id"]: p["status"] for p in adopted["round"]["projects"]} == {
        p1: "ADOPTED",
        p2: "NOT_ADOPTED",
    }


async def test_progress_of_parents_is_the_weighted_mean_of_their_children(server, gql, owner_db):
    """The calculation Decidim got wrong (Σ weight × progress, right only when the weights
    sum to 1): here the weights are normalised among siblings, unweighted children count
    as the mean declared weight, nesting recurses, and a project without children has its
    own latest report (0 without one)."""
    county = await make_county(server)
    token = county.admin.token
    _, (a, b, c) = await adopted_round(gql, county, token, titles=("甲", "乙", "丙"))

    async def sub(parent, title, weight=None):
        return (await act(gql, ADD_SUB, {"p": parent, "t": title, "w": weight}, token))["projectId"]

    async def report(project, month, percent, milestones=()):
        await act(
            gql, REPORT, {"p": project, "m": month, "c": percent, "s": list(milestones)}, token
        )

    # A: weights 2 and 6 (sum 8, not 1): (2·40 + 6·80) / 8 = 70
    a1, a2 = await sub(a, "土建", "2"), await sub(a, "安装", "6")
    await report(a1, "2027-03", "40")
    await report(a2, "2027-03", "80")
    # B: no weights, three children, one of them nested two more levels:
    #   b1 = 90; b2 = 0 (no report yet); b3 = mean(b31, b32) with b32 = 0.3·100 + 0.1·0 / 0.4
    b1, b2, b3 = await sub(b, "一期"), await sub(b, "二期"), await sub(b, "三期")
    await report(b1, "2027-03", "90")
    b31, b32 = await sub(b3, "设计"), await sub(b3, "施工")
    b321, b322 = await sub(b32, "路基", "0.3"), await sub(b32, "路面", "0.1")
    await report(b31, "2027-03", "50")
    await report(b321, "2027-03", "100")
    # C: weights declared for some children only: the undeclared one counts as their mean
    #   weights 1, 3 and (1+3)/2 = 2 → (1·0 + 3·100 + 2·50) / 6 = 66.666… → 66.67
    _c1, c2, c3 = await sub(c, "甲段", "1"), await sub(c, "乙段", "3"), await sub(c, "丙段")
    await report(c2, "2027-03", "100")
    await report(c3, "2027-03", "50")

    projects = _by_id((await _round(gql, county))["projects"])
    assert projects[a]["progress"] == "70.00" and projects[a]["derived"] is True
    # b32 = (0.3·100 + 0.1·0) / 0.4 = 75; b3 = (50 + 75) / 2 = 62.5; b = (90 + 0 + 62.5) / 3
    assert projects[b32]["progress"] == "75.00"
    assert projects[b3]["progress"] == "62.50"
    assert projects[b]["progress"] == "50.83"  # 152.5 / 3 = 50.8333…
    assert projects[b2]["progress"] == "0.00" and projects[b2]["derived"] is False
    assert projects[c]["progress"] == "66.67"
    assert projects[b322]["weight"] == "0.1" and projects[b1]["weight"] is None

    # a later month's report moves the leaf and everything above it; the earlier month
    # still reads as it was (asOfMonth)
    await report(b322, "2027-04", "100", ["路面摊铺完成"])
    projects = _by_id((await _round(gql, county))["projects"])
    assert projects[b32]["progress"] == "100.00"
    assert projects[b]["progress"] == "55.00"  # (90 + 0 + (50 + 100) / 2) / 3
    march = _by_id((await _round(gql, county, month="2027-03"))["projects"])
    assert march[b]["progress"] == "50.83"
    assert march[b322]["reports"] == []
    assert projects[b322]["reports"] == [
        {"month": "2027-04", "percent": "100.00", "milestones": ["路面摊铺完成"], "note": None}
    ]


async def test_progress_reports_are_checked_and_a_parent_cannot_report_its_own(
    server, gql, owner_db
):
    county = await make_county(server)
    token = county.admin.token
    r, (a,) = await adopted_round(gql, county, token)
    # a project without children reports its own progress
    await act(gql, REPORT, {"p": a, "m": "2027-02", "c": "12.5", "s": ["完成选址"]}, token)
    assert (await _round(gql, county))["projects"][0]["progress"] == "12.50"
    child = (await act(gql, ADD_SUB, {"p": a, "t": "子项", "w": "1"}, token))["projectId"]
    before = await county_rows(owner_db, county.id)
    error = await refused(gql, REPORT, {"p": a, "m": "2027-03", "c": "20", "s": []}, token)
    assert (error["code"], error["field"]) == ("DERIVED_PROGRESS", "projectId")
    for month, percent, field in (
        ("2027-13", "10", "month"),
        ("2027/03", "10", "month"),
        ("2020-03", "10", "month"),
        ("2027-03", "100.5", "percent"),
        ("2027-03", "-1", "percent"),
        ("2027-03", "abc", "percent"),
        ("2027-03", "10.123", "percent"),
    ):
        error = await refused(gql, REPORT, {"p": child, "m": month, "c": percent, "s": []}, token)
        assert (error["code"], error["field"]) == ("INVALID", field), (month, percent)
    for weight in ("0", "-2", "abc", "NaN", "1.0000001"):
        error = await refused(gql, ADD_SUB, {"p": a, "t": "x", "w": weight}, token)
        assert (error["code"], error["field"]) == ("INVALID", "weight"), weight
    assert await county_rows(owner_db, county.id) == before
    # with a child, the parent's progress is its child's (its own report no longer counts)
    assert (await _round(gql, county))["projects"][0]["progress"] == "0.00"
    # a second report for the same month corrects the first
    await act(gql, REPORT, {"p": child, "m": "2027-03", "c": "30", "s": []}, token)
    await act(gql, REPORT, {"p": child, "m": "2027-03", "c": "35", "s": ["开工"]}, token)
    project = (await _round(gql, county))["projects"][0]
    assert project["progress"] == "35.00"
    assert (await _round(gql, county))["projects"][1]["reports"] == [
        {"month": "2027-03", "percent": "35.00", "milestones": ["开工"], "note": None}
    ]
    types = await owner_db.fetch(
        "SELECT type FROM events WHERE stream = $1 AND type = 'livelihood.progressReported'",
        f"livelihood:{db_id(r)}",
    )
    assert len(types) == 3


async def test_year_end_evaluation_once_per_person(server, gql, owner_db):
    county = await make_county(server)
    token = county.admin.token
    a_citizen = await make_user(server, county, roles=[(Role.CITIZEN, None)])
    b_citizen = await make_user(server, county, roles=[(Role.CITIZEN, None)])
    c_citizen = await make_user(server, county, roles=[(Role.CITIZEN, None)])
    r, (p,) = await adopted_round(gql, county, token)
    error = await refused(gql, EVALUATE, {"p": p, "s": "SATISFIED"}, a_citizen.token)
    assert error["code"] == "INVALID_STATE"  # not yet open
    await act(gql, OPEN_EVALUATION, {"r": r}, token)
    await act(gql, EVALUATE, {"p": p, "s": "SATISFIED", "c": "电梯很方便"}, a_citizen.token)
    await act(gql, EVALUATE, {"p": p, "s": "BASICALLY_SATISFIED"}, b_citizen.token)
    await act(gql, EVALUATE, {"p": p, "s": "DISSATISFIED"}, c_citizen.token)
    error = await refused(gql, EVALUATE, {"p": p, "s": "DISSATISFIED"}, a_citizen.token)
    assert error["code"] == "ALREADY_EVALUATED"
    evaluation = (await _round(gql, county))["projects"][0]["evaluation"]
    assert evaluation == {
        "satisfied": 1,
        "basicallySatisfied": 1,
        "dissatisfied": 1,
        "total": 3,
        "satisfactionRate": "66.67",
    }
