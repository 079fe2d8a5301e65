"""书面征询 and 对口协商 over the API: a draft sent to a unit, a committee and a
representative with the reply deadline of the county rule `consultation.written_reply`;
replies recorded by whom they are addressed to; the overdue ones listed; a 对口协商
session recorded with participants, topics and minutes, and counted for the
representative's yearly report."""

from __future__ import annotations

from datetime import date, timedelta

from backend.cases.replies import today
from backend.people.models import Role
from tenants.models import OrgUnitKind
from tests.cases_world import make_world
from tests.conftest import county_rows
from tests.factories.cases import official_due
from tests.factories.people import make_user
from tests.factories.representatives import (
    ANSWER,
    CONSULTATIONS,
    COUNTERPARTS,
    PARTICIPATION,
    RECORD_COUNTERPART,
    SEND,
    deputy,
    ok,
    payload_of,
    register,
)
from tests.factories.tenants import db_id, gid, make_county, make_unit


def _errors(payload):  # type: ignore[no-untyped-def]
    return [(e["field"], e["code"]) for e in payload["errors"]]


async def test_a_written_consultation_is_sent_answered_and_the_overdue_listed(
    server, gql, owner_db
):
    w = await make_world(server)
    account = await make_user(server, w.county, roles=[(Role.NPC_DEPUTY, None)])
    rep = await register(gql, w.county, deputy(userId=account.gid))
    drafting = await make_unit(server, w.county, kind=OrgUnitKind.DEPARTMENT, name="县发改委")
    drafter = await make_user(server, w.county, roles=[(Role.DEPARTMENT_STAFF, drafting)])
    sent = await ok(
        gql,
        SEND,
        {
            "input": {
                "senderUnitId": gid("OrgUnit", drafting),
                "title": "关于《县“十五五”规划纲要（征求意见稿）》的书面征询",
                "draft": "征求意见稿全文……",
                "unitIds": [w.unit(w.department)],
                "committees": ["县人大财经委"],
                "representativeIds": [rep["id"]],
            }
        },
        drafter.token,
    )
    c = sent["consultation"]
    assert c["dueOn"] == official_due(today(), 10).isoformat()
    assert c["senderUnit"] == {"id": gid("OrgUnit", drafting)}
    unit_r, committee_r, rep_r = c["recipients"]
    assert (unit_r["unit"], committee_r["committee"], rep_r["representativeId"]) == (
        {"id": w.unit(w.department)},
        "县人大财经委",
        rep["id"],
    )

    # the unit's staff reply for the unit, the representative for themself, the county
    # office for a committee; nobody else
    body = await gql.execute(ANSWER, {"r": unit_r["id"], "b": "无意见"}, token=w.citizen.token)
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    body = await gql.execute(ANSWER, {"r": committee_r["id"], "b": "x"}, token=account.token)
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    await ok(gql, ANSWER, {"r": unit_r["id"], "b": "建议补充保障措施"}, w.department_staff.token)
    await ok(gql, ANSWER, {"r": rep_r["id"], "b": "赞成"}, account.token)
    again = await payload_of(gql, ANSWER, {"r": rep_r["id"], "b": "再答"}, account.token)
    assert _errors(again) == [("recipientId", "ALREADY_REPLIED")]

    # past the deadline with the committee unanswered: overdue
    await owner_db.execute(
        "UPDATE written_consultations SET due_on = $1 WHERE id = $2",
        today() - timedelta(days=1),
        db_id(c["id"]),
    )
    overdue = await gql.data(CONSULTATIONS, {"o": True}, token=w.admin.token)
    assert [e["node"]["id"] for e in overdue["writtenConsultations"]["edges"]] == [c["id"]]
    await ok(gql, ANSWER, {"r": committee_r["id"], "b": "同意"}, w.admin.token)
    overdue = await gql.data(CONSULTATIONS, {"o": True}, token=w.admin.token)
    assert overdue["writtenConsultations"]["edges"] == []
    on_time = await gql.data(CONSULTATIONS, {"o": False}, token=account.token)
    assert [e["node"]["overdue"] for e in on_time["writtenConsultations"]["edges"]] == [False]

    rows = await owner_db.fetch(
        "SELECT type FROM events WHERE tenant_id = $1 AND stream = $2 ORDER BY seq",
        w.county.id,
        c["stream"],
    )
    assert [r["type"] for r in rows] == ["wconsultation.sent"] + ["wconsultation.replied"] * 3
    figures = await gql.data(PARTICIPATION, {"y": today().year}, token=account.token)
    assert figures["representativeParticipation"][0]["consultationsAnswered"] == 1


async def test_bad_consultations_are_refused_and_write_nothing(server, gql, owner_db):
    w = await make_world(server)
    other = await make_county(server, name="邻县")
    foreign = await make_unit(server, other, kind=OrgUnitKind.DEPARTMENT)
    earliest = official_due(today(), 10)
    before = await county_rows(owner_db, w.county.id)
    base = {"senderUnitId": w.unit(w.department), "title": "征询", "draft": "稿"}
    for extra, error in (
        ({}, ("unitIds", "INVALID")),
        ({"unitIds": [gid("OrgUnit", foreign)]}, ("unitIds", "UNKNOWN_UNIT")),
        (
            {"committees": ["县政协"], "dueOn": (earliest - timedelta(days=1)).isoformat()},
            ("dueOn", "INVALID"),
        ),
        (
            {"committees": ["县政协"], "senderUnitId": gid("OrgUnit", foreign)},
            ("senderUnitId", "UNKNOWN_UNIT"),
        ),
    ):
        payload = await payload_of(gql, SEND, {"input": {**base, **extra}}, w.admin.token)
        assert _errors(payload) == [error]
    body = await gql.execute(
        SEND, {"input": {**base, "committees": ["县政协"]}}, token=w.township_staff.token
    )
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert await county_rows(owner_db, w.county.id) == before


async def test_a_counterpart_session_is_recorded_with_participants_topics_and_minutes(
    server, gql, owner_db
):
    w = await make_world(server)
    account = await make_user(server, w.county, roles=[(Role.CPPCC_MEMBER, None)])
    rep = await register(
        gql,
        w.county,
        {"kind": "CPPCC_MEMBER", "sector": "经济界", "name": "委员老赵", "userId": account.gid},
    )
    input = {
        "departmentId": w.unit(w.department),
        "committee": "县政协经济委员会",
        "title": "老旧小区改造对口协商",
        "heldOn": today().isoformat(),
        "topics": ["改造资金", "加装电梯"],
        "participants": [
            {"representativeId": rep["id"], "role": "政协委员"},
            {"name": "住建委主任", "role": "部门负责人"},
        ],
        "minutes": "会议就改造资金筹措达成一致。",
    }
    recorded = await ok(gql, RECORD_COUNTERPART, {"input": input}, w.department_staff.token)
    s = recorded["session"]
    assert s["participants"] == [
        {"name": "委员老赵", "role": "政协委员", "representativeId": rep["id"]},
        {"name": "住建委主任", "role": "部门负责人", "representativeId": None},
    ]
    assert (s["topics"], s["department"]) == (
        ["改造资金", "加装电梯"],
        {"id": w.unit(w.department)},
    )
    listed = await gql.data(COUNTERPARTS, {"d": w.unit(w.department)}, token=account.token)
    assert [e["node"]["id"] for e in listed["counterpartSessions"]["edges"]] == [s["id"]]
    figures = await gql.data(PARTICIPATION, {"y": today().year}, token=account.token)
    assert figures["representativeParticipation"][0]["counterpartSessions"] == 1
    events = await owner_db.fetchval(
        "SELECT count(*) FROM events WHERE tenant_id = $1 AND stream = $2",
        w.county.id,
        f"counterpart:{db_id(s['id'])}",
    )
    assert events == 1

    before = await county_rows(owner_db, w.county.id)
    tomorrow = (date.today() + timedelta(days=2)).isoformat()
    for extra, error in (
        ({"topics": []}, ("topics", "INVALID")),
        ({"participants": []}, ("participants", "INVALID")),
        ({"heldOn": tomorrow}, ("heldOn", "INVALID")),
        ({"participants": [{"role": "群众"}]}, ("participants", "INVALID")),
    ):
        payload = await payload_of(
            gql, RECORD_COUNTERPART, {"input": {**input, **extra}}, w.admin.token
        )
        assert _errors(payload) == [error]
    body = await gql.execute(RECORD_COUNTERPART, {"input": input}, token=w.citizen.token)
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert await county_rows(owner_db, w.county.id) == before
