"""Finding 解事员 for a case (the case's place and the units above it, its venue; ranked
village → township → county, then skills the case names) and assigning them (all or
nothing, an event on the `mediators` stream)."""

from __future__ import annotations

from tenants.models import OrgUnitKind
from tests.cases_world import make_world
from tests.conftest import county_rows
from tests.factories.cases import RATE, REPLY, act, online, raise_case, refused
from tests.factories.mediators import (
    ASSIGN,
    AVAILABLE,
    CASE_MEDIATORS,
    UPDATE,
    register,
    stream,
)
from tests.factories.tenants import db_id, gid, make_unit


async def make_pool(server, gql, w):
    """Of the case's place (the 北街社区 village of 葛城街道): a county, a township and a
    village 解事员, one serving the village's venue from the township, one of another
    township, and one out of service."""
    other = await make_unit(server, w.county, kind=OrgUnitKind.TOWNSHIP, name="东城街道")
    m = {}
    m["county"] = await register(
        gql,
        w.admin.token,
        name="县法律顾问",
        level="COUNTY",
        orgUnitId=w.county.root_gid,
        roles=["LEGAL_ADVISER"],
        skills=["路灯"],
    )
    m["county_both"] = await register(
        gql,
        w.admin.token,
        name="县司法所长",
        level="COUNTY",
        orgUnitId=w.county.root_gid,
        roles=["LEGAL_SERVICE_WORKER"],
        skills=["合同", "路灯", "诉求"],
    )
    m["county_plain"] = await register(
        gql,
        w.admin.token,
        name="县法官",
        level="COUNTY",
        orgUnitId=w.county.root_gid,
        roles=["JUDGE"],
    )
    m["township"] = await register(
        gql,
        w.admin.token,
        name="街道民警",
        level="TOWNSHIP",
        orgUnitId=w.unit(w.township),
        roles=["POLICE"],
    )
    m["village"] = await register(
        gql,
        w.admin.token,
        name="社区院落长",
        level="VILLAGE",
        orgUnitId=w.unit(w.village),
        roles=["COURTYARD_HEAD"],
    )
    m["elsewhere"] = await register(
        gql,
        w.admin.token,
        name="东城五老",
        level="TOWNSHIP",
        orgUnitId=w.unit(other),
        roles=["FIVE_ELDERS"],
    )
    m["venue"] = await register(
        gql,
        w.admin.token,
        name="驻站调解员",
        level="TOWNSHIP",
        orgUnitId=w.unit(w.township),
        roles=["PEOPLES_MEDIATOR"],
        venueIds=[gid("Venue", w.venue)],
    )
    m["retired"] = await register(
        gql,
        w.admin.token,
        name="已退出",
        level="VILLAGE",
        orgUnitId=w.unit(w.village),
        roles=["NEW_GENTRY"],
    )
    await act(
        gql, UPDATE, {"input": {"mediatorId": m["retired"]["id"], "active": False}}, w.admin.token
    )
    return m


async def test_available_mediators_are_ranked_village_township_county_then_venue_and_skills(
    server, gql
):
    # given
    w = await make_world(server)
    m = await make_pool(server, gql, w)
    case = (
        await raise_case(
            gql,
            w.citizen.token,
            online(title="路灯不亮", placeUnitId=w.unit(w.village), venueId=gid("Venue", w.venue)),
        )
    )["case"]

    # when
    found = (await gql.data(AVAILABLE, {"c": case["id"]}, token=w.admin.token))[
        "availableMediators"
    ]

    # then
    assert [(f["mediator"]["name"], f["distance"], f["sameVenue"]) for f in found] == [
        ("社区院落长", 0, False),
        ("驻站调解员", 1, True),  # of the township, serving the case's venue
        ("街道民警", 1, False),
        ("县司法所长", 2, False),  # 路灯 in the title, 诉求 the case's kind
        ("县法律顾问", 2, False),  # 路灯
        ("县法官", 2, False),
    ]
    assert [f["matchedSkills"] for f in found[3:]] == [["路灯", "诉求"], ["路灯"], []]
    police = await gql.data(AVAILABLE, {"c": case["id"], "r": "POLICE"}, token=w.admin.token)
    assert [f["mediator"]["id"] for f in police["availableMediators"]] == [m["township"]["id"]]


async def test_assigning_mediators_records_them_and_an_event_each(server, gql, owner_db):
    # given
    w = await make_world(server)
    m = await make_pool(server, gql, w)
    case = (await raise_case(gql, w.citizen.token, online(placeUnitId=w.unit(w.village))))["case"]

    # when
    done = await act(
        gql,
        ASSIGN,
        {"c": case["id"], "m": [m["village"]["id"], m["county"]["id"]], "n": "上门调解"},
        w.township_staff.token,
    )
    listed = await gql.data(CASE_MEDIATORS, {"c": case["id"]}, token=w.mediator.token)
    left = (await gql.data(AVAILABLE, {"c": case["id"]}, token=w.admin.token))["availableMediators"]

    # then
    assert [a["mediator"]["name"] for a in done["assignments"]] == ["社区院落长", "县法律顾问"]
    assert [a["note"] for a in listed["caseMediators"]] == ["上门调解", "上门调解"]
    assert {f["mediator"]["name"] for f in left} == {
        "驻站调解员",
        "街道民警",
        "县司法所长",
        "县法官",
    }
    events = [
        e
        for e in await stream(gql, "mediators", w.admin.token, w.county)
        if e["type"] == "mediator.assigned"
    ]
    assert [(e["payload"]["mediatorId"], e["payload"]["caseId"]) for e in events] == [
        (db_id(m["village"]["id"]), db_id(case["id"])),
        (db_id(m["county"]["id"]), db_id(case["id"])),
    ]
    public = await stream(gql, "mediators", w.citizen.token, w.county)
    assert "mediator.assigned" not in {e["type"] for e in public}


async def test_an_assignment_that_cannot_be_made_is_refused_whole(server, gql, owner_db):
    # given
    w = await make_world(server)
    m = await make_pool(server, gql, w)
    case = (await raise_case(gql, w.citizen.token, online(placeUnitId=w.unit(w.village))))["case"]
    await act(gql, ASSIGN, {"c": case["id"], "m": [m["village"]["id"]]}, w.admin.token)
    before = await county_rows(owner_db, w.county.id)

    # when
    again = await refused(
        gql,
        ASSIGN,
        {"c": case["id"], "m": [m["township"]["id"], m["village"]["id"]]},
        w.admin.token,
    )
    retired = await refused(
        gql, ASSIGN, {"c": case["id"], "m": [m["retired"]["id"]]}, w.admin.token
    )
    elsewhere = await refused(
        gql, ASSIGN, {"c": case["id"], "m": [m["elsewhere"]["id"]]}, w.admin.token
    )
    none = await refused(gql, ASSIGN, {"c": case["id"], "m": []}, w.admin.token)
    by_citizen = await gql.execute(
        ASSIGN, {"c": case["id"], "m": [m["township"]["id"]]}, token=w.citizen.token
    )

    # then
    assert (again["code"], again["field"]) == ("ALREADY_ASSIGNED", "mediatorIds")
    assert (retired["code"], retired["field"]) == ("INACTIVE", "mediatorIds")
    assert (elsewhere["code"], elsewhere["field"]) == ("INVALID", "mediatorIds")
    assert (none["code"], none["field"]) == ("INVALID", "mediatorIds")
    assert by_citizen["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert await county_rows(owner_db, w.county.id) == before


async def test_a_closed_case_takes_no_mediator(server, gql, owner_db):
    # given
    w = await make_world(server)
    m = await make_pool(server, gql, w)
    case = (await raise_case(gql, w.citizen.token, online(placeUnitId=w.unit(w.village))))["case"]
    await act(gql, REPLY, {"c": case["id"], "k": "RESULT", "b": "已修复"}, w.admin.token)
    await act(gql, RATE, {"c": case["id"], "s": "SATISFIED"}, w.citizen.token)
    before = await county_rows(owner_db, w.county.id)

    # when
    error = await refused(gql, ASSIGN, {"c": case["id"], "m": [m["village"]["id"]]}, w.admin.token)

    # then
    assert (error["code"], error["field"]) == ("INVALID_STATE", "caseId")
    assert await county_rows(owner_db, w.county.id) == before


async def test_finding_mediators_needs_whoever_may_handle_the_case(server, gql):
    # given
    w = await make_world(server)
    await make_pool(server, gql, w)
    case = (await raise_case(gql, w.citizen.token, online(placeUnitId=w.unit(w.village))))["case"]

    # when
    citizen = await gql.execute(AVAILABLE, {"c": case["id"]}, token=w.citizen.token)
    department = await gql.execute(AVAILABLE, {"c": case["id"]}, token=w.department_staff.token)
    listed = await gql.execute(CASE_MEDIATORS, {"c": case["id"]}, token=w.other_citizen.token)

    # then
    assert citizen["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert department["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert listed["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert listed["errors"][0]["extensions"]["reason"] == "NOT_FOUND"
