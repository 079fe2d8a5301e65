"""What a representative reaches through the places they serve today: the cases raised
there (masked, private ones left out) and the meetings held there; inviting them to a
meeting at their place (列席, through the meetings' own invitation); their participation
counted for the yearly report. The scope follows the linkage's dates."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from backend.people.models import Role
from tenants.models import OrgUnitKind, VenueLevel
from tests.cases_world import make_world
from tests.conftest import county_rows
from tests.factories.cases import CLASSIFY, act, online, raise_case
from tests.factories.decisions import COMMENT as DECISION_COMMENT
from tests.factories.decisions import add_version, make_decision, open_consultation
from tests.factories.meetings import CHECK_IN, CREATE_MEETING
from tests.factories.people import make_user
from tests.factories.representatives import (
    CASES_OF_MY_PLACES,
    END_LINK,
    INVITE_REPS,
    MEETINGS_OF_MY_PLACES,
    MY_PLACES,
    PARTICIPATION,
    deputy,
    link,
    member,
    ok,
    payload_of,
    register,
)
from tests.factories.tenants import gid, make_unit, make_venue
from tests.meetings_api import ANNOUNCE, POST_COMMENT, START


async def _deputy_with_account(server, gql, w, name="代表老李"):  # type: ignore[no-untyped-def]
    account = await make_user(server, w.county, roles=[(Role.NPC_DEPUTY, None)], name=name)
    rep = await register(gql, w.county, deputy(name, userId=account.gid))
    return account, rep


async def _meeting(gql, w, venue: int | None, title: str = "北街社区民意恳谈会") -> str:  # type: ignore[no-untyped-def]
    data = await gql.data(
        CREATE_MEETING,
        {
            "input": {
                "kind": "CONSULTATION_TALK",
                "mode": "IN_PERSON" if venue else "ONLINE",
                "title": title,
                "hostUnitId": w.county.root_gid,
                "venueId": gid("Venue", venue) if venue else None,
                "startsAt": (datetime.now(UTC) + timedelta(days=3)).isoformat(),
            }
        },
        token=w.admin.token,
    )
    assert data["createMeeting"]["errors"] == [], data
    meeting = data["createMeeting"]["meeting"]["id"]
    await ok(gql, ANNOUNCE, {"m": meeting}, w.admin.token)
    return meeting


async def test_a_representative_sees_the_public_cases_of_their_places_only(server, gql):
    w = await make_world(server)
    account, rep = await _deputy_with_account(server, gql, w)
    place = await link(
        gql, w.county, rep["id"], w.unit(w.village), (date.today() - timedelta(days=10)).isoformat()
    )
    other_township = await make_unit(server, w.county, kind=OrgUnitKind.TOWNSHIP, name="他乡")
    elsewhere = await make_unit(
        server, w.county, parent_id=other_township, kind=OrgUnitKind.VILLAGE, name="他村"
    )
    at_village = await raise_case(
        gql,
        w.citizen.token,
        online("北街路灯不亮", placeUnitId=w.unit(w.village), contactPhone="13812345678"),
    )
    at_venue = await raise_case(
        gql, w.citizen.token, {**online("说事站反映：垃圾清运"), "venueId": gid("Venue", w.venue)}
    )
    private = await raise_case(
        gql, w.citizen.token, online("邻里纠纷", placeUnitId=w.unit(w.village))
    )
    await act(
        gql,
        CLASSIFY,
        {"c": private["case"]["id"], "k": "DEMAND", "m": "PERSONAL", "h": "IMMEDIATE", "p": True},
        w.admin.token,
    )
    await raise_case(
        gql, w.citizen.token, online("他村的事", placeUnitId=gid("OrgUnit", elsewhere))
    )

    data = await gql.data(CASES_OF_MY_PLACES, {}, token=account.token)
    nodes = [e["node"] for e in data["casesOfMyPlaces"]["edges"]]
    assert [n["title"] for n in nodes] == ["说事站反映：垃圾清运", "北街路灯不亮"]
    assert {n["id"] for n in nodes} == {at_village["case"]["id"], at_venue["case"]["id"]}
    assert {n["view"] for n in nodes} == {"public"}
    assert all(n["contactPhone"] in (None, "138****5678") for n in nodes)

    mine = await gql.data(MY_PLACES, {}, token=account.token)
    assert mine["myRepresentativePlaces"] == [
        {"id": place["id"], "active": True, "orgUnit": {"id": w.unit(w.village)}, "venue": None}
    ]

    # someone who serves no place sees nothing; the linkage ended yesterday: nothing either
    empty = await gql.data(CASES_OF_MY_PLACES, {}, token=w.department_staff.token)
    assert empty["casesOfMyPlaces"]["edges"] == []
    await link(gql, w.county, rep["id"], gid("OrgUnit", elsewhere), "2020-01-01", "2020-12-31")
    await ok(
        gql,
        END_LINK,
        {"l": place["id"], "e": (date.today() - timedelta(days=1)).isoformat()},
        w.admin.token,
    )
    data = await gql.data(CASES_OF_MY_PLACES, {}, token=account.token)
    assert data["casesOfMyPlaces"]["edges"] == []


async def test_meetings_at_their_place_are_listed_and_they_are_invited_to_attend(
    server, gql, owner_db
):
    w = await make_world(server)
    account, rep = await _deputy_with_account(server, gql, w)
    other_account, other = await _deputy_with_account(server, gql, w, name="外村代表")
    no_account = await register(gql, w.county, member("无账号委员"))
    await link(gql, w.county, rep["id"], w.unit(w.village), "2020-01-01")
    await link(gql, w.county, no_account["id"], w.unit(w.village), "2020-01-01")
    far = await make_unit(server, w.county, kind=OrgUnitKind.TOWNSHIP, name="远乡")
    far_village = await make_unit(server, w.county, parent_id=far, kind=OrgUnitKind.VILLAGE)
    far_venue = await make_venue(server, w.county, unit_id=far_village, level=VenueLevel.STATION)
    await link(gql, w.county, other["id"], gid("OrgUnit", far_village), "2020-01-01")

    here = await _meeting(gql, w, w.venue)
    there = await _meeting(gql, w, far_venue, title="远乡恳谈会")
    nowhere = await _meeting(gql, w, None, title="全县形势通报会")

    data = await gql.data(MEETINGS_OF_MY_PLACES, {}, token=account.token)
    assert [e["node"]["id"] for e in data["meetingsOfMyPlaces"]["edges"]] == [here]
    data = await gql.data(MEETINGS_OF_MY_PLACES, {}, token=other_account.token)
    assert [e["node"]["id"] for e in data["meetingsOfMyPlaces"]["edges"]] == [there]

    invited = await ok(gql, INVITE_REPS, {"m": here}, w.admin.token)
    assert invited["participants"] == [{"userId": account.gid, "role": "DEPUTY", "invited": True}]
    types = await owner_db.fetch(
        "SELECT type FROM events WHERE tenant_id = $1 AND stream = $2 ORDER BY seq",
        w.county.id,
        f"meeting:{invited_db(here)}",
    )
    assert types[-1]["type"] == "participant.invited"

    before = await county_rows(owner_db, w.county.id)
    refused = await payload_of(gql, INVITE_REPS, {"m": nowhere}, w.admin.token)
    assert [(e["field"], e["code"]) for e in refused["errors"]] == [("meetingId", "NOT_FOUND")]
    body = await gql.execute(INVITE_REPS, {"m": here}, token=account.token)
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert await county_rows(owner_db, w.county.id) == before

    # the scope follows the linkage's dates: once it ended, the place's meetings are gone
    links = (await gql.data(MY_PLACES, {}, token=account.token))["myRepresentativePlaces"]
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    for place in links:
        await ok(gql, END_LINK, {"l": place["id"], "e": yesterday}, w.admin.token)
    data = await gql.data(MEETINGS_OF_MY_PLACES, {}, token=account.token)
    assert data["meetingsOfMyPlaces"]["edges"] == []


def invited_db(meeting_gid: str) -> int:
    from tests.factories.tenants import db_id

    return db_id(meeting_gid)


async def test_participation_counts_attendance_and_opinions_for_the_year(server, gql):
    w = await make_world(server)
    account, rep = await _deputy_with_account(server, gql, w)
    await link(gql, w.county, rep["id"], w.unit(w.village), "2020-01-01")
    meeting = await _meeting(gql, w, w.venue)
    await ok(gql, INVITE_REPS, {"m": meeting}, w.admin.token)
    await ok(gql, START, {"m": meeting}, w.admin.token)
    await ok(gql, CHECK_IN, {"m": meeting, "u": account.gid}, w.admin.token)
    await ok(gql, POST_COMMENT, {"m": meeting, "b": "建议增设路灯", "k": "COMMENT"}, account.token)
    await raise_case(
        gql, account.token, online("代表反映：道路破损", placeUnitId=w.unit(w.village))
    )
    decision = await make_decision(gql, w.admin.token, w.county.root_gid)
    await add_version(gql, w.admin.token, decision["id"])
    await open_consultation(gql, w.admin.token, decision["id"])
    await act(
        gql, DECISION_COMMENT, {"d": decision["id"], "b": "建议增加夜间停车泊位"}, account.token
    )
    year = datetime.now(UTC).year  # the county year is the same but at the turn of the year
    data = await gql.data(PARTICIPATION, {"y": year}, token=account.token)
    assert data["representativeParticipation"] == [
        {
            "representativeId": rep["id"],
            "year": year,
            "meetingsAttended": 1,
            "opinionsGiven": 3,
            "proposalsFiled": 0,
            "consultationsAnswered": 0,
            "counterpartSessions": 0,
        }
    ]
    last_year = await gql.data(
        PARTICIPATION, {"y": year - 1, "ids": [rep["id"]]}, token=w.admin.token
    )
    assert last_year["representativeParticipation"][0]["meetingsAttended"] == 0
    # another representative's figures are not theirs to read
    other = await gql.data(PARTICIPATION, {"y": year, "ids": [rep["id"]]}, token=w.citizen.token)
    assert other["representativeParticipation"] == []
