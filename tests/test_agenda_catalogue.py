"""The consultation catalogue and plan (协商目录, seed 004): drafted by county staff,
approved and published by the county office, adjusted with a recorded reason, items linked
to the meeting where they are held; public once published; every change on its stream."""

from __future__ import annotations

from backend.people.models import Role
from tests.conftest import county_rows
from tests.factories.agenda import (
    ADD_ITEM,
    ADJUST_ITEM,
    APPROVE_CATALOGUE,
    CATALOGUE,
    CREATE_CATALOGUE,
    LINK_MEETING,
    PUBLISH_CATALOGUE,
    approved_catalogue,
    item_input,
)
from tests.factories.cases import act, refused
from tests.factories.meetings import make_meeting
from tests.factories.people import make_user
from tests.factories.tenants import db_id, gid, make_county, make_unit
from tests.meetings_api import ANNOUNCE, START


async def _events(owner_db, stream: str) -> list[str]:
    rows = await owner_db.fetch("SELECT type FROM events WHERE stream = $1 ORDER BY seq", stream)
    return [r["type"] for r in rows]


async def test_a_catalogue_is_drafted_approved_published_and_public_only_then(
    server, gql, owner_db
):
    # given a county with a staff member and a unit that leads a topic
    county = await make_county(server)
    unit = await make_unit(server, county, name="县住建委")
    staff = await make_user(server, county, roles=[(Role.DEPARTMENT_STAFF, None)])
    citizen = await make_user(server, county, roles=[(Role.CITIZEN, None)])
    # when staff draft the 2027 catalogue with two items of different forms and quarters
    made = await act(gql, CREATE_CATALOGUE, {"y": 2027, "t": "2027年度政府协商目录"}, staff.token)
    c = made["catalogue"]["id"]
    await act(gql, ADD_ITEM, {"c": c, "i": item_input(gid("OrgUnit", unit))}, staff.token)
    second = await act(
        gql,
        ADD_ITEM,
        {
            "c": c,
            "i": item_input(
                county.root_gid,
                topic="提案办理面对面协商",
                proposingBody="县人大常委会",
                form="PROPOSAL",
                plannedQuarter=1,
            ),
        },
        staff.token,
    )
    items = second["catalogue"]["items"]
    # then the items are listed by quarter, with their lead unit's name
    assert [(i["plannedQuarter"], i["form"], i["status"]) for i in items] == [
        (1, "PROPOSAL", "PLANNED"),
        (2, "THEMATIC", "PLANNED"),
    ]
    assert items[1]["leadUnitName"] == "县住建委"
    # and the public sees nothing of a draft
    assert (await gql.data(CATALOGUE, {"y": 2027}, tenant=county.slug))[
        "consultationCatalogue"
    ] is None
    # and staff cannot approve (county office only): FORBIDDEN, nothing changed
    before = await county_rows(owner_db, county.id)
    body = await gql.execute(APPROVE_CATALOGUE, {"c": c}, token=staff.token)
    assert body["data"] is None and body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert await county_rows(owner_db, county.id) == before

    # when the county office approves and publishes it
    approved = await act(gql, APPROVE_CATALOGUE, {"c": c}, county.admin.token)
    assert approved["catalogue"]["state"] == "APPROVED"
    # an approved catalogue takes no new items
    error = await refused(gql, ADD_ITEM, {"c": c, "i": item_input(county.root_gid)}, staff.token)
    assert (error["code"], error["field"]) == ("INVALID_STATE", "catalogueId")
    published = await act(gql, PUBLISH_CATALOGUE, {"c": c}, county.admin.token)
    assert published["catalogue"]["state"] == "PUBLISHED"
    assert published["catalogue"]["publishedAt"] is not None

    # then anyone of the county reads it, anonymous too
    public = (await gql.data(CATALOGUE, {"y": 2027}, tenant=county.slug))["consultationCatalogue"]
    assert public["state"] == "PUBLISHED" and len(public["items"]) == 2
    assert (await gql.data(CATALOGUE, {"y": 2027}, token=citizen.token))["consultationCatalogue"][
        "id"
    ] == c
    # and publishing twice is refused
    error = await refused(gql, PUBLISH_CATALOGUE, {"c": c}, county.admin.token)
    assert error["code"] == "INVALID_STATE"
    # and every change is on the catalogue's stream
    assert await _events(owner_db, f"catalogue:{db_id(c)}") == [
        "catalogue.created",
        "catalogue.itemAdded",
        "catalogue.itemAdded",
        "catalogue.approved",
        "catalogue.published",
    ]


async def test_bad_input_and_an_empty_catalogue_are_typed_errors_that_write_nothing(
    server, gql, owner_db
):
    county = await make_county(server)
    token = county.admin.token
    made = await act(gql, CREATE_CATALOGUE, {"y": 2027, "t": "目录"}, token)
    c = made["catalogue"]["id"]
    before = await county_rows(owner_db, county.id)

    error = await refused(gql, CREATE_CATALOGUE, {"y": 2027, "t": "又一个"}, token)
    assert (error["code"], error["field"]) == ("DUPLICATE_YEAR", "year")
    error = await refused(
        gql, ADD_ITEM, {"c": c, "i": item_input(county.root_gid, plannedQuarter=5)}, token
    )
    assert (error["code"], error["field"]) == ("INVALID", "plannedQuarter")
    error = await refused(
        gql, ADD_ITEM, {"c": c, "i": item_input(county.root_gid, topic=" ")}, token
    )
    assert (error["code"], error["field"]) == ("INVALID", "topic")
    other = await make_county(server)
    error = await refused(
        gql, ADD_ITEM, {"c": c, "i": item_input(gid("OrgUnit", other.root_id))}, token
    )
    assert (error["code"], error["field"]) == ("UNKNOWN_UNIT", "leadUnitId")
    error = await refused(gql, APPROVE_CATALOGUE, {"c": c}, token)
    assert error["code"] == "EMPTY_CATALOGUE"
    assert await county_rows(owner_db, county.id) == before


async def test_an_adjustment_needs_a_reason_and_records_what_changed(server, gql, owner_db):
    # given an approved catalogue
    county = await make_county(server)
    token = county.admin.token
    catalogue = await approved_catalogue(gql, county)
    item = catalogue["items"][0]["id"]
    before = await county_rows(owner_db, county.id)

    # when an adjustment comes without a reason, or changes nothing: typed errors, no rows
    error = await refused(gql, ADJUST_ITEM, {"i": item, "r": "  ", "q": 3}, token)
    assert (error["code"], error["field"]) == ("REASON_REQUIRED", "reason")
    error = await refused(gql, ADJUST_ITEM, {"i": item, "r": "无变化", "q": 2}, token)
    assert (error["code"], error["field"]) == ("INVALID", "itemId")
    assert await county_rows(owner_db, county.id) == before

    # when it moves the item to the third quarter and changes the form, with a reason
    adjusted = await act(
        gql,
        ADJUST_ITEM,
        {"i": item, "r": "因防汛工作推迟至三季度", "q": 3, "f": "COUNTERPART"},
        token,
    )
    (row,) = adjusted["catalogue"]["items"]
    # then the item shows the change and the adjustment keeps before/after with the reason
    assert (row["plannedQuarter"], row["form"], row["status"]) == (3, "COUNTERPART", "PLANNED")
    assert row["adjustments"] == [
        {
            "reason": "因防汛工作推迟至三季度",
            "changes": [
                {"field": "form", "before": "THEMATIC", "after": "COUNTERPART"},
                {"field": "plannedQuarter", "before": "2", "after": "3"},
            ],
        }
    ]
    # when it is cancelled, no further adjustment is possible
    cancelled = await act(
        gql, ADJUST_ITEM, {"i": item, "r": "议题已通过其他方式解决", "x": True}, token
    )
    assert cancelled["catalogue"]["items"][0]["status"] == "CANCELLED"
    error = await refused(gql, ADJUST_ITEM, {"i": item, "r": "恢复", "q": 4}, token)
    assert error["code"] == "INVALID_STATE"
    after = await county_rows(owner_db, county.id)
    assert after["catalogue_adjustments"] == before["catalogue_adjustments"] + 2
    types = await _events(owner_db, f"catalogue:{db_id(catalogue['id'])}")
    assert types[-2:] == ["catalogue.itemAdjusted", "catalogue.itemAdjusted"]


async def test_a_draft_item_is_not_adjusted_and_linking_follows_the_meeting(server, gql, owner_db):
    county = await make_county(server)
    token = county.admin.token
    made = await act(gql, CREATE_CATALOGUE, {"y": 2027, "t": "目录"}, token)
    c = made["catalogue"]["id"]
    added = await act(gql, ADD_ITEM, {"c": c, "i": item_input(county.root_gid)}, token)
    item = added["itemId"]
    meeting = await make_meeting(gql, county, live=False)
    # a draft's items are edited freely, not adjusted, and not linked yet
    error = await refused(gql, ADJUST_ITEM, {"i": item, "r": "理由", "q": 3}, token)
    assert error["code"] == "INVALID_STATE"
    error = await refused(gql, LINK_MEETING, {"i": item, "m": meeting}, token)
    assert error["code"] == "INVALID_STATE"

    await act(gql, APPROVE_CATALOGUE, {"c": c}, token)
    # when the item is linked to a meeting not started yet: SCHEDULED
    linked = await act(gql, LINK_MEETING, {"i": item, "m": meeting}, token)
    (row,) = linked["catalogue"]["items"]
    assert (row["status"], row["meetingId"]) == ("SCHEDULED", meeting)
    # when the meeting starts and the item is linked again: HELD
    await act(gql, ANNOUNCE, {"m": meeting}, token)
    await act(gql, START, {"m": meeting}, token)
    linked = await act(gql, LINK_MEETING, {"i": item, "m": meeting}, token)
    assert linked["catalogue"]["items"][0]["status"] == "HELD"
    # a meeting of another county is not found
    other = await make_county(server)
    foreign = await make_meeting(gql, other, live=False)
    error = await refused(gql, LINK_MEETING, {"i": item, "m": foreign}, token)
    assert (error["code"], error["field"]) == ("NOT_FOUND", "meetingId")
    row = await owner_db.fetchrow(
        "SELECT meeting_id FROM catalogue_items WHERE id = $1", db_id(item)
    )
    assert row["meeting_id"] == db_id(meeting)
