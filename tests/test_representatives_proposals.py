"""建议提案办理 over the API: a deputy's suggestion and a member's proposal registered,
assigned to a lead unit and co-units of the county (a unit of another county, or none:
UNKNOWN_UNIT naming `leadUnitId`), taken by a leader (领办), handled face to face (a
meeting), replied by the lead unit within the county rule `proposal.reply` (working days
on the county calendar), rated by the proposer only after a reply; per-unit figures; and
every change on the proposal's stream."""

from __future__ import annotations

from datetime import date

from backend.cases.replies import today
from backend.people.models import Role
from tenants.models import OrgUnitKind
from tests.cases_world import make_world
from tests.conftest import county_rows
from tests.factories.cases import official_due
from tests.factories.meetings import make_meeting
from tests.factories.people import make_user
from tests.factories.representatives import (
    ASSIGN,
    FACE_TO_FACE,
    PARTICIPATION,
    PROPOSALS,
    RATE,
    REGISTER_PROPOSAL,
    REPLY,
    STATISTICS,
    TAKE,
    deputy,
    member,
    ok,
    payload_of,
    register,
)
from tests.factories.tenants import db_id, gid, make_county, make_unit


async def _proposer(server, gql, w, *, kind="deputy"):  # type: ignore[no-untyped-def]
    role = Role.NPC_DEPUTY if kind == "deputy" else Role.CPPCC_MEMBER
    account = await make_user(server, w.county, roles=[(role, None)], name="代表委员")
    input = deputy(userId=account.gid) if kind == "deputy" else member(userId=account.gid)
    return account, await register(gql, w.county, input)


async def _register(gql, w, rep, title="关于改善北街照明的建议", token=None):  # type: ignore[no-untyped-def]
    payload = await ok(
        gql,
        REGISTER_PROPOSAL,
        {"r": rep["id"], "t": title, "b": "北街路灯老化，建议年内更换。"},
        token or w.admin.token,
    )
    return payload["proposal"]


def _errors(payload):  # type: ignore[no-untyped-def]
    return [(e["field"], e["code"]) for e in payload["errors"]]


async def test_the_whole_handling_of_a_suggestion(server, gql, owner_db):
    w = await make_world(server)
    account, rep = await _proposer(server, gql, w)
    co = await make_unit(server, w.county, kind=OrgUnitKind.DEPARTMENT, name="县财政局")
    # a deputy registers their own suggestion; its number says 建议
    proposal = await _register(gql, w, rep, token=account.token)
    assert (proposal["kind"], proposal["state"]) == ("SUGGESTION", "REGISTERED")
    assert proposal["number"].startswith(f"JY{today().year}-")
    assert proposal["representative"] == {"id": rep["id"], "name": "人大代表老李"}

    assigned = await ok(
        gql,
        ASSIGN,
        {"p": proposal["id"], "l": w.unit(w.department), "c": [gid("OrgUnit", co)]},
        w.admin.token,
    )
    p = assigned["proposal"]
    assert p["state"] == "ASSIGNED"
    assert p["units"] == [
        {"role": "LEAD", "unit": {"id": w.unit(w.department)}},
        {"role": "CO", "unit": {"id": gid("OrgUnit", co)}},
    ]
    assert p["assignedOn"] == today().isoformat()
    # rule proposal.reply: 60 working days on the county's calendar (as published in this
    # database, which other tests of the worker may have extended)
    from backend.calendar import load_calendar

    async with server.services.db.transaction(tenant_id=w.county.id) as session:
        calendar = await load_calendar(session, w.county.id)
    assert p["dueOn"] == calendar.add_working_days(today(), 60).due.isoformat()

    leader = await make_user(server, w.county, roles=[(Role.TENANT_ADMIN, None)], name="副县长")
    taken = await ok(
        gql, TAKE, {"p": proposal["id"], "u": leader.gid, "n": "副县长领办"}, w.admin.token
    )
    assert (taken["proposal"]["leaderId"], taken["proposal"]["leaderNote"]) == (
        leader.gid,
        "副县长领办",
    )
    meeting = await make_meeting(gql, w.county, live=False)
    face = await ok(
        gql, FACE_TO_FACE, {"p": proposal["id"], "m": meeting}, w.department_staff.token
    )
    assert face["proposal"]["meetingId"] == meeting

    # rating before the reply is refused, and writes nothing
    before = await county_rows(owner_db, w.county.id)
    early = await payload_of(gql, RATE, {"p": proposal["id"], "s": "SATISFIED"}, account.token)
    assert _errors(early) == [("proposalId", "NOT_REPLIED")]
    assert await county_rows(owner_db, w.county.id) == before

    replied = await ok(
        gql,
        REPLY,
        {"p": proposal["id"], "b": "已列入年度计划，10月底前完成更换。"},
        w.department_staff.token,
    )
    assert (replied["proposal"]["state"], replied["proposal"]["onTime"]) == ("REPLIED", True)
    twice = await payload_of(gql, REPLY, {"p": proposal["id"], "b": "再答"}, w.admin.token)
    assert _errors(twice) == [("proposalId", "ALREADY_REPLIED")]

    # only the proposer rates; 不满意 needs a reason
    other = await payload_of(gql, RATE, {"p": proposal["id"], "s": "SATISFIED"}, w.citizen.token)
    assert _errors(other) == [("proposalId", "NOT_PROPOSER")]
    bare = await payload_of(gql, RATE, {"p": proposal["id"], "s": "DISSATISFIED"}, account.token)
    assert _errors(bare) == [("text", "INVALID")]
    rated = await ok(gql, RATE, {"p": proposal["id"], "s": "BASICALLY_SATISFIED"}, account.token)
    assert (rated["proposal"]["state"], rated["proposal"]["satisfaction"]) == (
        "RATED",
        "BASICALLY_SATISFIED",
    )

    rows = await owner_db.fetch(
        "SELECT type FROM events WHERE tenant_id = $1 AND stream = $2 ORDER BY seq",
        w.county.id,
        p["stream"],
    )
    assert [r["type"] for r in rows] == [
        "proposal.registered",
        "proposal.assigned",
        "proposal.taken",
        "proposal.meetingLinked",
        "proposal.replied",
        "proposal.rated",
    ]
    figures = await gql.data(PARTICIPATION, {"y": today().year}, token=account.token)
    assert figures["representativeParticipation"][0]["proposalsFiled"] == 1


async def test_assigning_to_a_unit_that_is_not_the_countys_is_refused_naming_it(
    server, gql, owner_db
):
    w = await make_world(server)
    _, rep = await _proposer(server, gql, w, kind="member")
    proposal = await _register(gql, w, rep)
    assert proposal["kind"] == "PROPOSAL" and proposal["number"].startswith("TA")
    other = await make_county(server, name="邻县")
    foreign = await make_unit(server, other, kind=OrgUnitKind.DEPARTMENT)
    stranger = await make_user(server, w.county, roles=[(Role.NPC_DEPUTY, None)])
    before = await county_rows(owner_db, w.county.id)
    for variables, error in (
        ({"l": gid("OrgUnit", foreign)}, ("leadUnitId", "UNKNOWN_UNIT")),
        ({"l": gid("OrgUnit", 10**9)}, ("leadUnitId", "UNKNOWN_UNIT")),
        ({"l": w.county.root_gid}, ("leadUnitId", "UNKNOWN_UNIT")),
        (
            {"l": w.unit(w.department), "c": [gid("OrgUnit", foreign)]},
            ("coUnitIds", "UNKNOWN_UNIT"),
        ),
        ({"l": w.unit(w.department), "c": [w.unit(w.department)]}, ("coUnitIds", "INVALID")),
    ):
        payload = await payload_of(gql, ASSIGN, {"p": proposal["id"], **variables}, w.admin.token)
        assert _errors(payload) == [error]
        assert payload["proposal"] is None
    assert await county_rows(owner_db, w.county.id) == before

    # a deputy cannot register in someone else's name; staff cannot assign
    body = await gql.execute(
        REGISTER_PROPOSAL, {"r": rep["id"], "t": "代提", "b": "内容"}, token=stranger.token
    )
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    body = await gql.execute(
        ASSIGN, {"p": proposal["id"], "l": w.unit(w.department)}, token=w.department_staff.token
    )
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert await county_rows(owner_db, w.county.id) == before


async def test_a_face_to_face_meeting_or_a_leader_that_is_not_the_countys_is_refused(
    server, gql, owner_db
):
    # given: an assigned suggestion, a meeting and an account of another county
    w = await make_world(server)
    _, rep = await _proposer(server, gql, w)
    proposal = await _register(gql, w, rep)
    await ok(gql, ASSIGN, {"p": proposal["id"], "l": w.unit(w.department)}, w.admin.token)
    other = await make_county(server, name="邻县")
    foreign_meeting = await make_meeting(gql, other, live=False)
    foreign_leader = await make_user(server, other, roles=[(Role.TENANT_ADMIN, None)])
    before = await county_rows(owner_db, w.county.id)

    # when
    attempts = [
        await payload_of(gql, FACE_TO_FACE, {"p": proposal["id"], "m": m}, w.department_staff.token)
        for m in (foreign_meeting, gid("Meeting", 10**9))
    ]
    leaders = [
        await payload_of(gql, TAKE, {"p": proposal["id"], "u": u}, w.admin.token)
        for u in (foreign_leader.gid, gid("User", 10**9))
    ]

    # then: typed errors naming the field, nothing written
    for payload in attempts:
        assert _errors(payload) == [("meetingId", "NOT_FOUND")]
        assert payload["proposal"] is None
    for payload in leaders:
        assert _errors(payload) == [("leaderId", "NOT_FOUND")]
    assert await county_rows(owner_db, w.county.id) == before

    # the county's own meeting is linked: a Meeting of the meetings capability, read by its id
    meeting = await make_meeting(gql, w.county, kind="FORUM", live=False)
    linked = await ok(
        gql, FACE_TO_FACE, {"p": proposal["id"], "m": meeting}, w.department_staff.token
    )
    node = await gql.data(
        "query($id: ID!) { node(id: $id) { ... on Meeting { id kind } } }",
        {"id": linked["proposal"]["meetingId"]},
        token=w.admin.token,
    )
    assert node["node"] == {"id": meeting, "kind": "FORUM"}


async def test_only_the_lead_units_staff_reply_and_a_late_reply_is_counted_overdue(
    server, gql, owner_db
):
    w = await make_world(server)
    account, rep = await _proposer(server, gql, w)
    first = await _register(gql, w, rep, "甲建议")
    second = await _register(gql, w, rep, "乙建议")
    third = await _register(gql, w, rep, "丙建议")
    for p in (first, second, third):
        await ok(gql, ASSIGN, {"p": p["id"], "l": w.unit(w.department)}, w.admin.token)
    body = await gql.execute(REPLY, {"p": first["id"], "b": "答复"}, token=w.township_staff.token)
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"

    # the second was due yesterday (as if assigned long ago) and is replied late; the third
    # is past due without a reply
    await owner_db.execute(
        "UPDATE proposals SET due_on = $1 WHERE id = ANY($2::bigint[])",
        date.fromordinal(today().toordinal() - 1),
        [db_id(second["id"]), db_id(third["id"])],
    )
    await ok(gql, REPLY, {"p": first["id"], "b": "按期答复"}, w.department_staff.token)
    late = await ok(gql, REPLY, {"p": second["id"], "b": "迟复"}, w.department_staff.token)
    assert late["proposal"]["onTime"] is False
    await ok(gql, RATE, {"p": first["id"], "s": "SATISFIED"}, account.token)
    await ok(gql, RATE, {"p": second["id"], "s": "DISSATISFIED", "t": "答复敷衍"}, account.token)

    data = await gql.data(STATISTICS, {"y": today().year}, token=w.admin.token)
    assert data["proposalStatistics"] == [
        {
            "unit": {"id": w.unit(w.department)},
            "assigned": 3,
            "coAssigned": 0,
            "replied": 2,
            "onTime": 1,
            "overdue": 2,
            "satisfied": 1,
            "basicallySatisfied": 0,
            "dissatisfied": 1,
        }
    ]
    listed = await gql.data(
        PROPOSALS, {"filter": {"state": "ASSIGNED"}}, token=w.department_staff.token
    )
    assert [(e["node"]["title"], e["node"]["overdue"]) for e in listed["proposals"]["edges"]] == [
        ("丙建议", True)
    ]
    page = await gql.data(PROPOSALS, {"first": 2}, token=account.token)
    assert [e["node"]["title"] for e in page["proposals"]["edges"]] == ["丙建议", "乙建议"]
    rest = await gql.data(
        PROPOSALS,
        {"first": 2, "after": page["proposals"]["pageInfo"]["endCursor"]},
        token=account.token,
    )
    assert [e["node"]["title"] for e in rest["proposals"]["edges"]] == ["甲建议"]
    body = await gql.execute(PROPOSALS, {}, token=w.citizen.token)
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_a_provisional_reply_deadline_is_recounted_when_its_year_is_published(
    server, gql, owner_db
):
    import json
    import random

    from tests.factories.people import make_operator
    from tests.test_calendar import PUBLISH_YEAR, SET_YEAR, days

    # given a proposal assigned on 1 December of a year no table covers yet (its own years:
    # the tests of one worker share a database, and cases' calendar test uses 2040–2091)
    year = random.randint(2150, 2196)  # not the years other calendar tests publish
    w = await make_world(server)
    _, rep = await _proposer(server, gql, w)
    proposal = await _register(gql, w, rep)
    await ok(gql, ASSIGN, {"p": proposal["id"], "l": w.unit(w.department)}, w.admin.token)
    start = date(year, 12, 1)
    await owner_db.execute(
        "UPDATE proposals SET assigned_on = $2, due_on = $3, due_provisional = true WHERE id = $1",
        db_id(proposal["id"]), start, official_due(start, 60),
    )  # fmt: skip

    # when an operator publishes both years' tables (a holiday week at the turn of the year)
    operator = await make_operator(server)
    for y, table in (
        (year, days(f"{year}-12-28", f"{year}-12-31", "HOLIDAY", "示例假日")),
        (year + 1, days(f"{year + 1}-01-01", f"{year + 1}-01-03", "HOLIDAY", "元旦")),
    ):
        set_ = await gql.data(
            SET_YEAR,
            {"input": {"year": y, "source": f"《{y}年节假日安排》（示例）", "days": table}},
            token=operator.token,
        )
        assert set_["setCalendarYear"]["errors"] == [], set_
        published = await gql.data(PUBLISH_YEAR, {"year": y}, token=operator.token)
        assert published["publishCalendarYear"]["errors"] == [], published

    # then the deadline moved past the holidays, is final, and the change is on the stream
    after = await owner_db.fetchrow(
        "SELECT due_on, due_provisional FROM proposals WHERE id = $1", db_id(proposal["id"])
    )
    assert after["due_provisional"] is False
    assert after["due_on"] > official_due(start, 60)
    last = await owner_db.fetchrow(
        "SELECT type, payload FROM events WHERE tenant_id = $1 AND stream = $2 "
        "ORDER BY seq DESC LIMIT 1",
        w.county.id, proposal["stream"],
    )  # fmt: skip
    assert last["type"] == "proposal.deadlineChanged"
    assert json.loads(last["payload"]) == {
        "dueOn": after["due_on"].isoformat(),
        "dueProvisional": False,
    }


async def test_a_year_outside_the_calendar_is_a_bad_argument(server, gql):
    w = await make_world(server)
    for query, variables in ((STATISTICS, {"y": 0}), (PARTICIPATION, {"y": 10000, "ids": []})):
        body = await gql.execute(query, variables, token=w.admin.token)
        assert body["data"] is None
        assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT", body
