"""Verification levels (实名制): shown to the person and to staff, raised by a staff ID check
at a venue, and required by meetings and polls (registering, checking in, voting refused
with VERIFICATION_REQUIRED naming the level) — the level comes with the principal, so a
change reaches the next request on the same token."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from backend.people.models import Role
from tenants.models import VenueLevel
from tests.conftest import county_rows
from tests.factories.meetings import attend
from tests.factories.people import make_user
from tests.factories.tenants import gid, make_county, make_venue
from tests.meetings_api import (
    CAST_BALLOT,
    CHECK_IN,
    CLOSE_POLL,
    INVITE,
    OPEN_POLL,
    OPEN_SCORING,
    REGISTER,
    START,
    VOTE,
    db_id,
    key,
    ok,
    refused,
    snapshot,
)
from tests.meetings_api import CLOSE as CLOSE_MEETING
from tests.realtime_client import GraphQLWS

VIEWER = "{ viewer { user { id verification verifiedAt verificationMethod } } }"
USERS = "query($s: String) { users(search: $s) { edges { node { id verification verificationMethod } } } }"
CHECK = """
mutation($input: RealNameCheckInput!) { recordRealNameCheck(input: $input) {
  user { id verification verificationMethod verifiedAt } errors { field code message } } }"""
HISTORY = """
query($u: ID) { identityVerifications(userId: $u) { level method source verifiedById note verifiedAt } }"""
CREATE = """
mutation($input: CreateMeetingInput!) {
  createMeeting(input: $input) { meeting { id requiredVerification } errors { field code message } }
}"""
CREATE_POLL = """
mutation($m: ID!, $r: Verification) {
  createPoll(meetingId: $m, question: "是否同意", options: ["同意", "不同意"], requiredVerification: $r) {
    poll { id requiredVerification } errors { field code message } } }"""
MEETINGS = "{ meetings(first: 50) { edges { node { id requiredVerification } } } }"
POLL = "query($id: ID!) { node(id: $id) { ... on Poll { totalVotes requiredVerification } } }"


async def meeting(gql, county, *, level="UNVERIFIED", mode="ONLINE", kind="HEARING"):
    created = await ok(
        gql,
        CREATE,
        {
            "input": {
                "kind": kind,
                "mode": mode,
                "title": "停车收费调整听证会",
                "hostUnitId": county.root_gid,
                "startsAt": (datetime.now(UTC) + timedelta(days=3)).isoformat(),
                "requiredVerification": level,
            }
        },
        county.admin.token,
    )
    assert created["meeting"]["requiredVerification"] == level
    meeting_id = created["meeting"]["id"]
    await ok(gql, START, {"m": meeting_id}, county.admin.token)
    return meeting_id


async def test_levels_are_shown_to_the_person_and_staff_and_raised_by_a_staff_check(
    server, gql, owner_db
):
    county = await make_county(server)
    person = await make_user(server, county, roles=[(Role.CITIZEN, None)], name="实名甲")
    unit_staff = await make_user(server, county, roles=[(Role.DEPARTMENT_STAFF, county.root_id)])
    venue = await make_venue(
        server, county, unit_id=county.root_id, level=VenueLevel.CENTER, name="县说事中心"
    )
    me = (await gql.data(VIEWER, token=person.token))["viewer"]["user"]
    assert (me["verification"], me["verifiedAt"], me["verificationMethod"]) == (
        "UNVERIFIED",
        None,
        None,
    )

    checked = await ok(
        gql,
        CHECK,
        {"input": {"userId": person.gid, "venueId": gid("Venue", venue), "note": "居民身份证"}},
        unit_staff.token,
    )
    assert checked["user"]["verification"] == "REAL_NAME_VERIFIED"
    assert checked["user"]["verificationMethod"] == "STAFF_CHECK"

    # The person sees it on the same token (the cached principal was dropped)…
    me = (await gql.data(VIEWER, token=person.token))["viewer"]["user"]
    assert me["verification"] == "REAL_NAME_VERIFIED" and me["verifiedAt"] is not None
    (entry,) = (await gql.data(HISTORY, token=person.token))["identityVerifications"]
    assert entry["level"] == "REAL_NAME_VERIFIED" and entry["method"] == "STAFF_CHECK"
    assert entry["source"] == "县说事中心" and entry["note"] == "居民身份证"
    assert entry["verifiedById"] == unit_staff.gid
    # …and so does the administrator, in the accounts list.
    users = (await gql.data(USERS, {"s": "实名甲"}, token=county.admin.token))["users"]["edges"]
    assert [u["node"]["verification"] for u in users] == ["REAL_NAME_VERIFIED"]
    # A second check is kept too (each staff check is a record); the level stays.
    await ok(gql, CHECK, {"input": {"userId": person.gid}}, county.admin.token)
    history = (await gql.data(HISTORY, {"u": person.gid}, token=unit_staff.token))[
        "identityVerifications"
    ]
    assert [h["source"] for h in history] == [None, "县说事中心"]
    audit = await owner_db.fetchval(
        "SELECT count(*) FROM audit_entries WHERE tenant_id = $1 AND action = 'identity.staff_check'",
        county.id,
    )
    assert audit == 2


async def test_a_staff_check_refuses_bad_input_and_writes_nothing(server, gql, owner_db):
    county = await make_county(server)
    other = await make_county(server)
    person = await make_user(server, county, roles=[(Role.CITIZEN, None)])
    citizen = await make_user(server, county, roles=[(Role.CITIZEN, None)])
    foreign_venue = await make_venue(server, other, unit_id=other.root_id, level=VenueLevel.CENTER)
    before = await county_rows(owner_db, county.id)

    bad_venue = await refused(
        gql,
        CHECK,
        {"input": {"userId": person.gid, "venueId": gid("Venue", foreign_venue)}},
        county.admin.token,
    )
    assert [(e["field"], e["code"]) for e in bad_venue["errors"]] == [("venueId", "NOT_FOUND")]
    nobody = await refused(
        gql, CHECK, {"input": {"userId": gid("User", 2**40)}}, county.admin.token
    )
    assert [(e["field"], e["code"]) for e in nobody["errors"]] == [("userId", "NOT_FOUND")]
    long_note = await refused(
        gql, CHECK, {"input": {"userId": person.gid, "note": "证" * 201}}, county.admin.token
    )
    assert [(e["field"], e["code"]) for e in long_note["errors"]] == [("note", "INVALID")]
    # A citizen may not vouch for anyone (a top-level FORBIDDEN), nor see others' checks.
    body = await gql.execute(CHECK, {"input": {"userId": person.gid}}, token=citizen.token)
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    body = await gql.execute(HISTORY, {"u": person.gid}, token=citizen.token)
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert await county_rows(owner_db, county.id) == before
    me = (await gql.data(VIEWER, token=person.token))["viewer"]["user"]
    assert me["verification"] == "UNVERIFIED"


async def test_a_meeting_that_requires_real_names_refuses_registration_and_check_in_below_it(
    server, gql, owner_db
):
    county = await make_county(server)
    person = await make_user(server, county, roles=[(Role.CITIZEN, None)])
    invited = await make_user(server, county, roles=[(Role.CITIZEN, None)])
    hearing = await meeting(gql, county, level="REAL_NAME_VERIFIED")
    other = await meeting(gql, county)  # no requirement
    listed = (await gql.data(MEETINGS, token=county.admin.token))["meetings"]["edges"]
    assert {e["node"]["id"]: e["node"]["requiredVerification"] for e in listed} == {
        hearing: "REAL_NAME_VERIFIED",
        other: "UNVERIFIED",
    }
    before = await snapshot(owner_db, county, hearing)

    reg = await refused(gql, REGISTER, {"m": hearing}, person.token)
    (error,) = reg["errors"]
    assert (error["field"], error["code"]) == ("meetingId", "VERIFICATION_REQUIRED")
    assert "实名认证" in error["message"] and "REAL_NAME_VERIFIED" in error["message"]
    # Invited by the host, the person still cannot check in below the level: not online
    # themself, nor by staff at the venue.
    await ok(
        gql, INVITE, {"m": hearing, "u": [invited.gid], "r": "REPRESENTATIVE"}, county.admin.token
    )
    mid = await snapshot(owner_db, county, hearing)
    self_in = await refused(gql, CHECK_IN, {"m": hearing}, invited.token)
    assert [(e["field"], e["code"]) for e in self_in["errors"]] == [
        ("meetingId", "VERIFICATION_REQUIRED")
    ]
    staff_in = await refused(gql, CHECK_IN, {"m": hearing, "u": invited.gid}, county.admin.token)
    assert [(e["field"], e["code"]) for e in staff_in["errors"]] == [
        ("userId", "VERIFICATION_REQUIRED")
    ]
    assert await snapshot(owner_db, county, hearing) == mid
    assert before != mid  # (the invitation itself was written)
    # Without a requirement the same person registers at once.
    await ok(gql, REGISTER, {"m": other}, person.token)

    # Once staff check their IDs, the same tokens work.
    for account in (person, invited):
        await ok(gql, CHECK, {"input": {"userId": account.gid}}, county.admin.token)
    joined = await ok(gql, REGISTER, {"m": hearing}, person.token)
    assert [p["userId"] for p in joined["participants"]] == [person.gid]
    checked = await ok(gql, CHECK_IN, {"m": hearing}, invited.token)
    assert checked["participants"][0]["checkInMode"] == "ONLINE"


async def test_a_poll_can_require_more_than_its_meeting_and_votes_below_it_are_refused(
    server, gql, owner_db
):
    county = await make_county(server)
    voters = [await make_user(server, county, roles=[(Role.CITIZEN, None)]) for _ in range(3)]
    room = await meeting(gql, county, kind="CONSULTATION_TALK")
    await attend(gql, county, room, [v.gid for v in voters])
    created = await ok(gql, CREATE_POLL, {"m": room, "r": "PHONE_VERIFIED"}, county.admin.token)
    poll = created["poll"]["id"]
    assert created["poll"]["requiredVerification"] == "PHONE_VERIFIED"
    plain = await ok(gql, CREATE_POLL, {"m": room, "r": None}, county.admin.token)
    assert plain["poll"]["requiredVerification"] is None
    await ok(gql, OPEN_POLL, {"p": poll}, county.admin.token)
    await ok(gql, OPEN_POLL, {"p": plain["poll"]["id"]}, county.admin.token)

    # Voter 0 is checked by staff (real name covers phone), the others are not.
    await ok(gql, CHECK, {"input": {"userId": voters[0].gid}}, county.admin.token)
    outcomes = []
    for voter in voters:
        data = await gql.data(VOTE, {"p": poll, "c": [0], "k": key()}, token=voter.token)
        outcomes.append(
            (
                data["castVote"]["accepted"],
                [(e["field"], e["code"]) for e in data["castVote"]["errors"]],
            )
        )
    assert outcomes == [
        (True, []),
        (False, [("pollId", "VERIFICATION_REQUIRED")]),
        (False, [("pollId", "VERIFICATION_REQUIRED")]),
    ]
    refusal = await gql.data(VOTE, {"p": poll, "c": [1], "k": key()}, token=voters[1].token)
    assert "手机号验证（PHONE_VERIFIED）" in refusal["castVote"]["errors"][0]["message"]
    # The poll without a requirement of its own takes the meeting's (none).
    data = await gql.data(
        VOTE, {"p": plain["poll"]["id"], "c": [1], "k": key()}, token=voters[1].token
    )
    assert data["castVote"]["accepted"] is True
    closed = await ok(gql, CLOSE_POLL, {"p": poll}, county.admin.token)
    assert closed["poll"]["totalVotes"] == 1 and closed["poll"]["counts"] == [1, 0]
    votes = await owner_db.fetchval(
        "SELECT count(*) FROM votes WHERE tenant_id = $1 AND poll_id = $2", county.id, db_id(poll)
    )
    assert votes == 1


async def test_a_level_reached_meanwhile_lets_the_same_token_vote(server, gql):
    county = await make_county(server)
    voter = await make_user(server, county, roles=[(Role.CITIZEN, None)])
    room = await meeting(gql, county, level="REAL_NAME_VERIFIED", kind="FORUM")
    await ok(gql, CHECK, {"input": {"userId": voter.gid}}, county.admin.token)
    await attend(gql, county, room, [voter.gid])
    poll = (await ok(gql, CREATE_POLL, {"m": room, "r": None}, county.admin.token))["poll"]["id"]
    await ok(gql, OPEN_POLL, {"p": poll}, county.admin.token)
    data = await gql.data(VOTE, {"p": poll, "c": [0], "k": key()}, token=voter.token)
    assert data["castVote"] == {"accepted": True, "duplicate": False, "errors": []}


async def test_over_a_socket_opened_before_the_check_a_vote_follows_the_new_level(server, gql):
    # given: a real-name meeting's poll, and a voter whose socket opened while unverified
    county = await make_county(server)
    voter = await make_user(server, county, roles=[(Role.CITIZEN, None)])
    room = await meeting(gql, county, kind="HEARING")
    await attend(gql, county, room, [voter.gid])
    created = await ok(gql, CREATE_POLL, {"m": room, "r": "REAL_NAME_VERIFIED"}, county.admin.token)
    poll = created["poll"]["id"]
    await ok(gql, OPEN_POLL, {"p": poll}, county.admin.token)
    async with GraphQLWS(server.ws_url) as ws:
        await ws.open(voter.token)
        first = await ws.execute(VOTE, {"p": poll, "c": [0], "k": key()})
        assert [e["code"] for e in first["data"]["castVote"]["errors"]] == ["VERIFICATION_REQUIRED"]

        # when: staff check the voter's ID at the venue
        await ok(gql, CHECK, {"input": {"userId": voter.gid}}, county.admin.token)

        # then: the same socket's next vote is accepted (its principal was re-checked)
        again = await ws.execute(VOTE, {"p": poll, "c": [0], "k": key()})
        assert again["data"]["castVote"] == {"accepted": True, "duplicate": False, "errors": []}
    closed = await ok(gql, CLOSE_POLL, {"p": poll}, county.admin.token)
    assert closed["poll"]["totalVotes"] == 1


async def test_a_scoring_ballot_below_the_meetings_level_is_refused(server, gql, owner_db):
    # given: a 述职 meeting for phone-verified people, an invited (not checked-in) voter
    county = await make_county(server)
    voter = await make_user(server, county, roles=[(Role.CITIZEN, None)])
    room = await meeting(gql, county, level="PHONE_VERIFIED", kind="WORK_REPORT")
    await ok(gql, INVITE, {"m": room, "u": [voter.gid], "r": "REPRESENTATIVE"}, county.admin.token)
    sheet = (
        await ok(
            gql,
            OPEN_SCORING,
            {"m": room, "t": "述职测评", "g": ["县住建委"], "e": "REGISTERED", "k": 3},
            county.admin.token,
        )
    )["sheet"]["id"]

    # when / then: refused with the level named, nothing written
    data = await gql.data(CAST_BALLOT, {"s": sheet, "a": ["满意"]}, token=voter.token)
    payload = data["castScoringBallot"]
    assert [(e["field"], e["code"]) for e in payload["errors"]] == [
        ("sheetId", "VERIFICATION_REQUIRED")
    ]
    assert payload["accepted"] is False
    assert (
        await owner_db.fetchval(
            "SELECT count(*) FROM scoring_receipts WHERE tenant_id = $1", county.id
        )
        == 0
    )
    # once checked, the same token's ballot is taken
    await ok(gql, CHECK, {"input": {"userId": voter.gid}}, county.admin.token)
    data = await gql.data(CAST_BALLOT, {"s": sheet, "a": ["满意"]}, token=voter.token)
    assert data["castScoringBallot"]["errors"] == [] and data["castScoringBallot"]["accepted"]


SET_LEVEL = """
mutation($m: ID!, $r: Verification!) { setMeetingVerification(meetingId: $m, requiredVerification: $r) {
  meeting { id requiredVerification } errors { field code message } } }"""
STREAM = "query($s: String!) { streamEvents(stream: $s, first: 100) { type payload } }"


async def test_a_host_changes_a_meetings_level_on_its_stream_until_it_closes(server, gql, owner_db):
    # given: an announced meeting with no requirement, one person registered already
    county = await make_county(server)
    early = await make_user(server, county, roles=[(Role.CITIZEN, None)])
    late = await make_user(server, county, roles=[(Role.CITIZEN, None)])
    room = await meeting(gql, county, kind="HEARING")
    await ok(gql, REGISTER, {"m": room}, early.token)

    # when: the host asks for real names
    changed = await ok(gql, SET_LEVEL, {"m": room, "r": "REAL_NAME_VERIFIED"}, county.admin.token)

    # then: the meeting says so, its stream has the change (public), the next registration
    # is held to it, and the one registered before must meet it to check in
    assert changed["meeting"]["requiredVerification"] == "REAL_NAME_VERIFIED"
    events = (await gql.data(STREAM, {"s": f"meeting:{db_id(room)}"}, token=late.token))[
        "streamEvents"
    ]
    assert [e["payload"] for e in events if e["type"] == "meeting.verificationChanged"] == [
        {"requiredVerification": "REAL_NAME_VERIFIED"}
    ]
    assert [
        e["code"] for e in (await refused(gql, REGISTER, {"m": room}, late.token))["errors"]
    ] == ["VERIFICATION_REQUIRED"]
    assert [
        e["code"] for e in (await refused(gql, CHECK_IN, {"m": room}, early.token))["errors"]
    ] == ["VERIFICATION_REQUIRED"]
    # the same level again appends nothing; a participant may not change it
    before = await snapshot(owner_db, county, room)
    await ok(gql, SET_LEVEL, {"m": room, "r": "REAL_NAME_VERIFIED"}, county.admin.token)
    body = await gql.execute(SET_LEVEL, {"m": room, "r": "UNVERIFIED"}, token=early.token)
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert await snapshot(owner_db, county, room) == before
    # a closed meeting's conditions are history
    await ok(gql, CLOSE_MEETING, {"m": room}, county.admin.token)
    closed = await refused(gql, SET_LEVEL, {"m": room, "r": "UNVERIFIED"}, county.admin.token)
    assert [(e["field"], e["code"]) for e in closed["errors"]] == [("meetingId", "RECORD_SEALED")]


async def test_a_hearing_that_requires_real_names_refuses_applicants_below_it(
    server, gql, owner_db
):
    # given: a hearing (听证会) and a 列席 selection that ask for real names, and a citizen
    # who has only an account
    from tests.factories.hearings import ADD_CANDIDATES, APPLY, HEARING, make_hearing, quotas
    from tests.factories.hearings import ok as hearing_ok

    county = await make_county(server)
    person = await make_user(server, county, roles=[(Role.CITIZEN, None)], name="听证报名人")
    scene = await make_hearing(gql, county, required_verification="REAL_NAME_VERIFIED")
    selection = await make_hearing(
        gql,
        county,
        kind="ATTENDANCE",
        seats=quotas(("PUBLIC", 5, 0)),
        required_verification="REAL_NAME_VERIFIED",
        title="列席代表遴选",
    )
    plain = await make_hearing(gql, county, title="无实名要求的听证会")

    # when: they apply, and the organiser puts them forward, before any check
    before = await county_rows(owner_db, county.id)
    applied = await gql.data(
        APPLY, {"h": scene.id, "c": "PUBLIC", "s": "我是附近居民"}, token=person.token
    )
    put_forward = await gql.data(
        ADD_CANDIDATES,
        {"h": selection.id, "c": "PUBLIC", "u": [person.gid]},
        token=county.admin.token,
    )

    # then: both refused, naming the level and the field, and nothing is written
    refusal = applied["applyToHearing"]
    assert refusal["application"] is None
    assert [(e["field"], e["code"]) for e in refusal["errors"]] == [
        ("hearingId", "VERIFICATION_REQUIRED")
    ]
    assert "REAL_NAME_VERIFIED" in refusal["errors"][0]["message"]
    assert [(e["field"], e["code"]) for e in put_forward["addAttendanceCandidates"]["errors"]] == [
        ("userIds.0", "VERIFICATION_REQUIRED")
    ]
    assert await county_rows(owner_db, county.id) == before
    # a hearing without the requirement takes them as they are
    await hearing_ok(gql, APPLY, {"h": plain.id, "c": "PUBLIC", "s": "报名"}, person.token)

    # when: staff check their ID card, the same token applies and the person is put forward
    await ok(gql, CHECK, {"input": {"userId": person.gid}}, county.admin.token)
    done = await hearing_ok(
        gql, APPLY, {"h": scene.id, "c": "PUBLIC", "s": "我是附近居民"}, person.token
    )
    added = await hearing_ok(
        gql,
        ADD_CANDIDATES,
        {"h": selection.id, "c": "PUBLIC", "u": [person.gid]},
        county.admin.token,
    )

    # then: the hearing says what it requires, in its node and its creation event
    assert done["application"]["poolId"] and added["added"] == 1
    node = (await gql.data(HEARING, {"id": scene.id}, token=person.token))["node"]
    assert node["requiredVerification"] == "REAL_NAME_VERIFIED"
    plain_node = (await gql.data(HEARING, {"id": plain.id}, token=person.token))["node"]
    assert plain_node["requiredVerification"] == "UNVERIFIED"
    events = (await gql.data(STREAM, {"s": node["stream"]}, token=person.token))["streamEvents"]
    created = [e["payload"] for e in events if e["type"] == "hearing.created"]
    assert [p.get("requiredVerification") for p in created] == ["REAL_NAME_VERIFIED"]
