"""Meetings of every kind through their states; invitations, registration within capacity,
attendance (in person by staff, online by joining); materials and the 座谈会 rule that
they reach participants 3 working days before, on the official calendar with 调休."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from backend.people.models import Role
from tenants.models import VenueLevel
from tests.factories.meetings import make_meeting
from tests.factories.people import make_user
from tests.factories.tenants import gid, make_county, make_venue
from tests.meetings_api import (
    ADD_MATERIAL,
    ANNOUNCE,
    CHECK_IN,
    CLOSE,
    CREATE_MEETING,
    INVITE,
    MEETING,
    PUBLISH,
    REGISTER,
    START,
    event_types,
    node,
    ok,
    refused,
    snapshot,
)

KINDS = [
    "CONSULTATION_TALK",
    "WORK_REPORT",
    "THEMATIC_CONSULTATION",
    "FORUM",
    "HEARING",
    "SITUATION_BRIEFING",
    "COUNTERPART_CONSULTATION",
    "ONLINE_INQUIRY",
    "VIDEO_MEETING",
]
RULE = "依据《（县）重大行政决策公众参与制度》第七条（3个工作日）"
# 2026 Spring Festival: 2月15日(日)–23日(一) are holidays, Saturday 2月14日 is a 调休 working day.
FORUM_STARTS = "2026-02-24T09:00:00+08:00"


def meeting_input(county, kind="WORK_REPORT", mode="ONLINE", **extra):
    return {
        "kind": kind,
        "mode": mode,
        "title": "关于城区停车收费调整的协商会",
        "hostUnitId": county.root_gid,
        "startsAt": (datetime.now(UTC) + timedelta(days=10)).isoformat(),
        **extra,
    }


async def test_a_meeting_goes_from_draft_to_a_published_record(server, gql, owner_db):
    county = await make_county(server)
    token = county.admin.token
    created = await ok(gql, CREATE_MEETING, {"input": meeting_input(county)}, token)
    meeting = created["meeting"]["id"]
    assert created["meeting"]["state"] == "DRAFT"

    announced = await ok(gql, ANNOUNCE, {"m": meeting}, token)
    assert announced["meeting"] == {"state": "ANNOUNCED"}
    assert announced["warnings"] == []
    started = await ok(gql, START, {"m": meeting}, token)
    assert started["meeting"] == {"state": "LIVE"}
    closed = await ok(gql, CLOSE, {"m": meeting}, token)
    assert closed["meeting"]["state"] == "CLOSED"
    assert len(closed["meeting"]["sealedHash"]) == 64
    published = await ok(gql, PUBLISH, {"m": meeting}, token)
    assert published["meeting"] == {"state": "RECORD_PUBLISHED"}

    assert await event_types(owner_db, county, meeting) == [
        "meeting.created",
        "meeting.stateChanged",
        "meeting.stateChanged",
        "meeting.stateChanged",
        "record.sealed",
    ]
    # Publishing makes the sealed record readable by anyone of the county.
    citizen = await make_user(server, county, roles=[(Role.CITIZEN, None)])
    seen = await node(gql, MEETING, meeting, citizen.token)
    assert seen["state"] == "RECORD_PUBLISHED"
    assert seen["sealedHash"] == closed["meeting"]["sealedHash"]


async def test_every_kind_of_meeting_can_be_scheduled_and_started(server, gql):
    county = await make_county(server)
    venue = await make_venue(server, county, unit_id=county.root_id, level=VenueLevel.CENTER)
    for kind in KINDS:
        mode = "IN_PERSON" if kind == "HEARING" else "HYBRID" if kind == "FORUM" else "ONLINE"
        extra = {"venueId": gid("Venue", venue)} if mode != "ONLINE" else {}
        created = await ok(
            gql,
            CREATE_MEETING,
            {"input": meeting_input(county, kind, mode, **extra)},
            county.admin.token,
        )
        assert (created["meeting"]["kind"], created["meeting"]["mode"]) == (kind, mode)
        started = await ok(gql, START, {"m": created["meeting"]["id"]}, county.admin.token)
        assert started["meeting"] == {"state": "LIVE"}


async def test_an_in_person_meeting_without_a_venue_is_refused(server, gql, owner_db):
    county = await make_county(server)
    before = await owner_db.fetchval(
        "SELECT count(*) FROM meetings WHERE tenant_id = $1", county.id
    )
    payload = await refused(
        gql, CREATE_MEETING, {"input": meeting_input(county, mode="IN_PERSON")}, county.admin.token
    )
    assert payload["meeting"] is None
    assert [(e["field"], e["code"]) for e in payload["errors"]] == [("venueId", "INVALID")]
    assert (
        await owner_db.fetchval("SELECT count(*) FROM meetings WHERE tenant_id = $1", county.id)
        == before
    )


async def test_a_state_change_out_of_order_is_refused_and_records_nothing(server, gql, owner_db):
    county = await make_county(server)
    meeting = await make_meeting(gql, county, live=True)
    before = await snapshot(owner_db, county, meeting)
    payload = await refused(gql, ANNOUNCE, {"m": meeting}, county.admin.token)
    assert [(e["field"], e["code"]) for e in payload["errors"]] == [("meetingId", "INVALID_STATE")]
    assert "进行中" in payload["errors"][0]["message"]
    payload = await refused(gql, PUBLISH, {"m": meeting}, county.admin.token)
    assert payload["errors"][0]["code"] == "INVALID_STATE"
    assert await snapshot(owner_db, county, meeting) == before


async def test_a_citizen_cannot_run_the_meeting(server, gql, owner_db):
    county = await make_county(server)
    citizen = await make_user(server, county, roles=[(Role.CITIZEN, None)])
    meeting = await make_meeting(gql, county, live=False)
    before = await snapshot(owner_db, county, meeting)
    body = await gql.execute(START, {"m": meeting}, token=citizen.token)
    assert body["data"] is None
    assert [e["extensions"]["code"] for e in body["errors"]] == ["FORBIDDEN"]
    assert await snapshot(owner_db, county, meeting) == before


async def test_registration_fills_up_to_capacity(server, gql, owner_db):
    county = await make_county(server)
    people = [await make_user(server, county, roles=[(Role.CITIZEN, None)]) for _ in range(3)]
    meeting = await make_meeting(gql, county, live=False, capacity=2)

    draft = await refused(gql, REGISTER, {"m": meeting}, people[0].token)
    assert draft["errors"][0]["code"] == "INVALID_STATE"  # not announced yet
    await ok(gql, ANNOUNCE, {"m": meeting}, county.admin.token)
    for person in people[:2]:
        payload = await ok(gql, REGISTER, {"m": meeting}, person.token)
        assert payload["participants"] == [
            {
                "userId": person.gid,
                "role": "ATTENDEE",
                "invited": False,
                "checkedInAt": None,
                "checkInMode": None,
            }
        ]

    before = await snapshot(owner_db, county, meeting)
    full = await refused(gql, REGISTER, {"m": meeting}, people[2].token)
    assert [(e["field"], e["code"]) for e in full["errors"]] == [("meetingId", "MEETING_FULL")]
    assert "2人" in full["errors"][0]["message"]
    again = await refused(gql, REGISTER, {"m": meeting}, people[0].token)
    assert again["errors"][0]["code"] == "ALREADY_REGISTERED"
    assert await snapshot(owner_db, county, meeting) == before
    assert (await event_types(owner_db, county, meeting)).count("participant.registered") == 2


async def test_invitations_and_check_in_by_staff_and_by_joining_online(server, gql, owner_db):
    county = await make_county(server)
    deputy, expert, citizen = [
        await make_user(server, county, roles=[(Role.CITIZEN, None)]) for _ in range(3)
    ]
    meeting = await make_meeting(gql, county, mode="ONLINE", live=False)
    await ok(gql, ANNOUNCE, {"m": meeting}, county.admin.token)
    invited = await ok(
        gql, INVITE, {"m": meeting, "u": [deputy.gid], "r": "DEPUTY"}, county.admin.token
    )
    assert invited["participants"] == [
        {
            "userId": deputy.gid,
            "role": "DEPUTY",
            "invited": True,
            "checkedInAt": None,
            "checkInMode": None,
        }
    ]
    await ok(gql, INVITE, {"m": meeting, "u": [expert.gid], "r": "EXPERT"}, county.admin.token)
    await ok(gql, START, {"m": meeting}, county.admin.token)

    # Staff check a person in at the venue; a participant joins online by themself.
    staff = await ok(gql, CHECK_IN, {"m": meeting, "u": deputy.gid}, county.admin.token)
    assert staff["participants"][0]["checkInMode"] == "IN_PERSON"
    online = await ok(gql, CHECK_IN, {"m": meeting}, expert.token)
    assert online["participants"][0]["checkInMode"] == "ONLINE"
    assert online["participants"][0]["role"] == "EXPERT"
    # Checking in again changes nothing and records nothing.
    before = await snapshot(owner_db, county, meeting)
    again = await ok(gql, CHECK_IN, {"m": meeting}, expert.token)
    assert again["participants"][0]["checkedInAt"] == online["participants"][0]["checkedInAt"]
    # Someone neither invited nor registered cannot join.
    stranger = await refused(gql, CHECK_IN, {"m": meeting}, citizen.token)
    assert [(e["field"], e["code"]) for e in stranger["errors"]] == [("userId", "NOT_PARTICIPANT")]
    # …and a citizen cannot check somebody else in.
    body = await gql.execute(CHECK_IN, {"m": meeting, "u": deputy.gid}, token=citizen.token)
    assert [e["extensions"]["code"] for e in body["errors"]] == ["FORBIDDEN"]
    assert await snapshot(owner_db, county, meeting) == before

    seen = await node(gql, MEETING, meeting, county.admin.token)
    assert seen["attendance"] == 2
    assert sorted(
        (p["node"]["userId"], p["node"]["checkInMode"]) for p in seen["participants"]["edges"]
    ) == sorted([(deputy.gid, "IN_PERSON"), (expert.gid, "ONLINE")])
    assert (await event_types(owner_db, county, meeting)).count("participant.checkedIn") == 2


async def test_at_an_in_person_meeting_only_staff_check_people_in(server, gql, owner_db):
    county = await make_county(server)
    venue = await make_venue(server, county, unit_id=county.root_id, level=VenueLevel.CENTER)
    person = await make_user(server, county, roles=[(Role.CITIZEN, None)])
    created = await ok(
        gql,
        CREATE_MEETING,
        {
            "input": meeting_input(
                county, "CONSULTATION_TALK", "IN_PERSON", venueId=gid("Venue", venue)
            )
        },
        county.admin.token,
    )
    meeting = created["meeting"]["id"]
    await ok(gql, START, {"m": meeting}, county.admin.token)
    await ok(
        gql, INVITE, {"m": meeting, "u": [person.gid], "r": "REPRESENTATIVE"}, county.admin.token
    )
    before = await snapshot(owner_db, county, meeting)
    payload = await refused(gql, CHECK_IN, {"m": meeting}, person.token)
    assert payload["errors"][0]["code"] == "INVALID"
    assert "现场" in payload["errors"][0]["message"]
    assert await snapshot(owner_db, county, meeting) == before
    staff = await ok(gql, CHECK_IN, {"m": meeting, "u": person.gid}, county.admin.token)
    assert staff["participants"][0]["checkInMode"] == "IN_PERSON"


async def forum(gql, county) -> str:
    created = await ok(
        gql,
        CREATE_MEETING,
        {"input": meeting_input(county, "FORUM", startsAt=FORUM_STARTS)},
        county.admin.token,
    )
    return created["meeting"]["id"]


async def test_forum_materials_one_working_day_before_warn_the_host_citing_the_rule(server, gql):
    # The 座谈会 is on Tuesday 2026-02-24, right after the Spring Festival holidays; 3
    # working days before it is Thursday 02-12 (02-15..02-23 are holidays, Saturday 02-14
    # is a 调休 working day). Sending on that Saturday is 1 working day before: too late.
    county = await make_county(server)
    meeting = await forum(gql, county)
    payload = await ok(
        gql,
        ADD_MATERIAL,
        {"m": meeting, "t": "决策方案及起草说明", "d": "2026-02-14T10:00:00+08:00"},
        county.admin.token,
    )
    expected = (
        "材料“决策方案及起草说明”：座谈会材料提前送达："
        + RULE
        + "，应于2026年2月12日（含）前将决策方案及起草说明送达与会代表；"
        "实际提前1个工作日，不符合规定。"
    )
    assert payload["warnings"] == [expected]
    announced = await ok(gql, ANNOUNCE, {"m": meeting}, county.admin.token)
    assert announced["warnings"] == [expected]


async def test_forum_materials_before_the_holidays_can_still_be_too_late(server, gql):
    # Friday 02-13 is 7 weekdays before 02-24 but only 2 working days (the holidays count
    # for nothing): a Monday–Friday count would wrongly let it pass.
    county = await make_county(server)
    meeting = await forum(gql, county)
    payload = await ok(
        gql,
        ADD_MATERIAL,
        {"m": meeting, "t": "起草说明", "d": "2026-02-13T17:00:00+08:00"},
        county.admin.token,
    )
    assert len(payload["warnings"]) == 1
    assert "实际提前2个工作日，不符合规定" in payload["warnings"][0]
    assert RULE in payload["warnings"][0]


async def test_forum_materials_five_working_days_before_raise_no_warning(server, gql):
    county = await make_county(server)
    meeting = await forum(gql, county)
    payload = await ok(
        gql,
        ADD_MATERIAL,
        {"m": meeting, "t": "决策方案", "d": "2026-02-10T10:00:00+08:00"},
        county.admin.token,
    )
    assert payload["warnings"] == []
    # The last allowed day itself (Thursday 02-12, exactly 3 working days) is in time too.
    payload = await ok(
        gql,
        ADD_MATERIAL,
        {"m": meeting, "t": "起草说明", "d": "2026-02-12T18:00:00+08:00"},
        county.admin.token,
    )
    assert payload["warnings"] == []
    announced = await ok(gql, ANNOUNCE, {"m": meeting}, county.admin.token)
    assert announced["warnings"] == []
    seen = await node(gql, MEETING, meeting, county.admin.token)
    assert [m["title"] for m in seen["materials"]] == ["决策方案", "起草说明"]


async def test_forum_without_materials_is_announced_with_a_warning(server, gql):
    county = await make_county(server)
    meeting = await forum(gql, county)
    announced = await ok(gql, ANNOUNCE, {"m": meeting}, county.admin.token)
    assert announced["meeting"] == {"state": "ANNOUNCED"}
    assert announced["warnings"] == [f"尚未向与会代表送达会议材料（{RULE}）"]


async def test_other_kinds_have_no_materials_rule(server, gql):
    county = await make_county(server)
    created = await ok(
        gql,
        CREATE_MEETING,
        {"input": meeting_input(county, "CONSULTATION_TALK", startsAt=FORUM_STARTS)},
        county.admin.token,
    )
    payload = await ok(
        gql,
        ADD_MATERIAL,
        {"m": created["meeting"]["id"], "t": "方案", "d": "2026-02-23T10:00:00+08:00"},
        county.admin.token,
    )
    assert payload["warnings"] == []


MEETINGS_PAGE = """
query($first: Int) {
  meetings(first: $first) {
    edges { node {
      title attendance hostUnit { name }
      agenda { title } polls { question } scoringSheets { title } materials { title }
      speakingQueue { state }
    } }
  }
}"""


async def test_a_page_of_meetings_costs_the_same_statements_whatever_its_size(server, gql):
    # given: 12 meetings, each with an agenda item and a poll
    from sqlalchemy import event

    from tests.factories.meetings import make_meeting

    county = await make_county(server)
    for _ in range(12):
        meeting = await make_meeting(gql, county, live=False)
        await gql.data(
            """mutation($m: ID!) {
              addAgendaItem(meetingId: $m, title: "述职") { errors { code } }
              createPoll(meetingId: $m, question: "是否同意", options: ["同意", "不同意"]) {
                errors { code } } }""",
            {"m": meeting},
            token=county.admin.token,
        )
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        statements.append(statement)

    engine = server.services.db.app_engine.sync_engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        per_page = {}
        for first in (3, 12):
            # the fewest of three tries: the listener also hears the service's background
            # work on the same engine, which only adds statements
            for _ in range(3):
                statements.clear()
                body = await gql.data(MEETINGS_PAGE, {"first": first}, token=county.admin.token)
                per_page[first] = min(per_page.get(first, len(statements)), len(statements))
            nodes = [e["node"] for e in body["meetings"]["edges"]]
            assert len(nodes) == first
            assert all(n["agenda"] == [{"title": "述职"}] for n in nodes)
            assert all(n["polls"] == [{"question": "是否同意"}] for n in nodes)
            assert all(n["attendance"] == 0 for n in nodes)
    finally:
        event.remove(engine, "before_cursor_execute", count)

    # then
    assert per_page[3] == per_page[12], per_page
