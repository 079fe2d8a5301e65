"""座谈/协商 sessions of a decision (seed 002 第七条): the decision plan and drafting
explanation must reach the invited participants at least 3 working days (county calendar)
before the session starts; linking a session whose materials were later, or starting it
before they could be on time, is refused naming the rule and its source."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

from backend.people.models import Role
from tests.conftest import county_rows
from tests.factories.decisions import (
    EVENTS,
    LINK_SESSION,
    SESSIONS,
    act,
    add_version,
    make_decision,
    refused,
)
from tests.factories.meetings import CREATE_MEETING, INVITE
from tests.factories.people import make_user
from tests.factories.tenants import make_county
from tests.meetings_api import START as START_MEETING

CST = timezone(timedelta(hours=8))
DEADLINE = "query($f: Date!, $d: Int!) { workingDeadline(from: $f, days: $d) { due provisional } }"


async def _meeting(gql, county, starts_at: datetime, *, kind: str = "FORUM", invite=()) -> str:
    made = await gql.data(
        CREATE_MEETING,
        {
            "input": {
                "kind": kind,
                "mode": "ONLINE",
                "title": "城区停车管理办法座谈会",
                "hostUnitId": county.root_gid,
                "startsAt": starts_at.isoformat(),
            }
        },
        token=county.admin.token,
    )
    assert made["createMeeting"]["errors"] == [], made
    meeting = made["createMeeting"]["meeting"]["id"]
    for person, role in invite:
        data = await gql.data(
            INVITE, {"m": meeting, "u": [person.gid], "r": role}, token=county.admin.token
        )
        assert data["inviteParticipants"]["errors"] == [], data
    return meeting


async def _people(server, county):
    deputy = await make_user(server, county, roles=[(Role.NPC_DEPUTY, None)], name="县人大代表老王")
    expert = await make_user(server, county, roles=[(Role.EXPERT, None)], name="交通专家")
    return [(deputy, "DEPUTY"), (expert, "EXPERT")]


def _link(decision: str, meeting: str, sent_at: datetime) -> dict:
    return {
        "i": {
            "decisionId": decision,
            "meetingId": meeting,
            "explanation": "起草说明：规范城区停车秩序",
            "materialsSentAt": sent_at.isoformat(),
        }
    }


async def test_materials_three_working_days_before_across_a_weekend_and_a_tiaoxiu_day(
    server, gql, owner_db
):
    county = await make_county(server)
    token = county.admin.token
    people = await _people(server, county)
    decision = (await make_decision(gql, token, county.root_gid))["id"]
    await add_version(gql, token, decision)
    # a 座谈会 on Tuesday 2026-10-13, after the National Day holiday: the days before it
    # hold a weekend and the 调休 Saturday of the published 2026 table
    start = datetime(2026, 10, 13, 9, 0, tzinfo=CST)
    expected: dict[date, bool] = {}
    for back in range(1, 9):
        day = start.date() - timedelta(days=back)
        # sent on `day`: the working days in [day, start) are those after day - 1 up to the
        # day before the start, which the county's own workingDeadline counts
        found = (
            await gql.data(
                DEADLINE, {"f": (day - timedelta(days=1)).isoformat(), "d": 3}, token=token
            )
        )["workingDeadline"]
        assert found["provisional"] is False  # 2026 is a published year
        expected[day] = date.fromisoformat(found["due"]) < start.date()
    assert set(expected.values()) == {True, False}
    # the weekend and the 调休 matter: some day a Monday–Friday count would refuse is allowed
    # (or the reverse), so the calendar, not the weekday, decides
    naive = {
        d: sum(1 for i in range((start.date() - d).days) if (d + timedelta(days=i)).weekday() < 5)
        >= 3
        for d in expected
    }
    assert naive != expected
    for day, ok in sorted(expected.items()):
        meeting = await _meeting(gql, county, start, invite=people)
        sent = datetime(day.year, day.month, day.day, 17, 30, tzinfo=CST)
        if ok:
            linked = (await act(gql, LINK_SESSION, _link(decision, meeting, sent), token))[
                "session"
            ]
            assert linked["recipients"] == 2 and "符合规定" in linked["rule"]
            assert sorted(linked["recipientRoles"]) == ["DEPUTY", "EXPERT"]
        else:
            before = await county_rows(owner_db, county.id)
            errors = await refused(gql, LINK_SESSION, _link(decision, meeting, sent), token)
            assert [(e["code"], e["field"]) for e in errors] == [
                ("MATERIALS_TOO_LATE", "materialsSentAt")
            ]
            message = errors[0]["message"]
            assert "第七条" in message and "座谈会材料提前送达" in message, message
            assert "不符合规定" in message
            assert await county_rows(owner_db, county.id) == before


async def test_starting_a_session_before_its_materials_could_be_on_time_is_refused(
    server, gql, owner_db
):
    county = await make_county(server)
    token = county.admin.token
    people = await _people(server, county)
    decision = (await make_decision(gql, token, county.root_gid))["id"]
    await add_version(gql, token, decision)
    now = datetime.now(UTC)
    # planned in ten days, materials sent today: linked in time for the plan
    later = await _meeting(gql, county, now + timedelta(days=10), invite=people)
    await act(gql, LINK_SESSION, _link(decision, later, now - timedelta(minutes=1)), token)
    # but starting it today would give the participants no working day at all
    before = await county_rows(owner_db, county.id)
    started = (await gql.data(START_MEETING, {"m": later}, token=token))["startMeeting"]
    assert [(e["code"], e["field"]) for e in started["errors"]] == [
        ("MATERIALS_TOO_LATE", "meetingId")
    ]
    assert "城区停车管理办法" in started["errors"][0]["message"]
    assert "第七条" in started["errors"][0]["message"]
    assert await county_rows(owner_db, county.id) == before
    # materials sent ten days ago: the session starts
    soon = await _meeting(gql, county, now + timedelta(hours=1), invite=people)
    await act(gql, LINK_SESSION, _link(decision, soon, now - timedelta(days=10)), token)
    started = (await gql.data(START_MEETING, {"m": soon}, token=token))["startMeeting"]
    assert started["errors"] == [] and started["meeting"]["state"] == "LIVE"
    # a meeting linked to no decision starts as before
    plain = await _meeting(gql, county, now + timedelta(days=10), invite=people)
    assert (await gql.data(START_MEETING, {"m": plain}, token=token))["startMeeting"][
        "errors"
    ] == []


async def test_what_a_session_may_be_and_who_sees_its_recipients(server, gql, owner_db):
    county = await make_county(server)
    token = county.admin.token
    people = await _people(server, county)
    decision = (await make_decision(gql, token, county.root_gid))["id"]
    now = datetime.now(UTC)
    meeting = await _meeting(gql, county, now + timedelta(days=20), invite=people)
    before = await county_rows(owner_db, county.id)
    # no draft yet: nothing to send
    errors = await refused(gql, LINK_SESSION, _link(decision, meeting, now), token)
    assert [(e["code"], e["field"]) for e in errors] == [("EMPTY_DRAFT", "versionId")]
    assert await county_rows(owner_db, county.id) == before
    await add_version(gql, token, decision)
    report = await _meeting(
        gql, county, now + timedelta(days=20), kind="WORK_REPORT", invite=people
    )
    nobody = await _meeting(gql, county, now + timedelta(days=20))
    before = await county_rows(owner_db, county.id)
    for args, field in [
        (_link(decision, report, now), "meetingId"),  # a 述职报告会 is no 座谈
        (_link(decision, nobody, now), "meetingId"),  # nobody invited: sent to no one
        (_link(decision, meeting, now + timedelta(hours=1)), "materialsSentAt"),  # future
    ]:
        errors = await refused(gql, LINK_SESSION, args, token)
        assert [(e["code"], e["field"]) for e in errors] == [("INVALID", field)]
    assert await county_rows(owner_db, county.id) == before
    await act(gql, LINK_SESSION, _link(decision, meeting, now), token)
    errors = await refused(gql, LINK_SESSION, _link(decision, meeting, now), token)
    assert [e["code"] for e in errors] == ["INVALID_STATE"]
    # the staff see who the materials went to; the public only how many and their roles
    staff = (await gql.data(SESSIONS, {"id": decision}, token=token))["decision"]["sessions"]
    assert sorted(staff[0]["recipientIds"]) == sorted(p.gid for p, _ in people)
    public = (await gql.data(SESSIONS, {"id": decision}, tenant=county.slug))["decision"]
    assert public["sessions"][0]["recipientIds"] is None
    assert public["sessions"][0]["recipients"] == 2
    events = (await gql.data(EVENTS, {"s": f"decision:{decision}"}, tenant=county.slug))[
        "streamEvents"
    ]
    linked = next(e for e in events if e["type"] == "decision.sessionLinked")
    assert "recipientIds" not in linked["payload"] and linked["payload"]["recipients"] == 2
    own = (await gql.data(EVENTS, {"s": f"decision:{decision}"}, token=token))["streamEvents"]
    linked = next(e for e in own if e["type"] == "decision.sessionLinked")
    assert sorted(linked["payload"]["recipientIds"]) == sorted(p.user_id for p, _ in people)
    # a citizen may not link sessions
    citizen = await make_user(server, county, roles=[(Role.CITIZEN, None)])
    body = await gql.execute(LINK_SESSION, _link(decision, meeting, now), token=citizen.token)
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
