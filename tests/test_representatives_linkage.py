"""两代表一委员 linkage over the API: registering 人大代表 (with level) and 政协委员 (with
界别), linking them to villages/communities and 联系点 with dates (refusing another county's
place and overlapping periods, writing nothing), a place's current representatives, a
representative's places, the filtered list, and the events on the representative's stream."""

from __future__ import annotations

from datetime import date, timedelta

from backend.people.models import Role
from tenants.models import OrgUnitKind
from tests.cases_world import make_world
from tests.conftest import county_rows
from tests.factories.people import make_user
from tests.factories.representatives import (
    END_LINK,
    LINK,
    PLACE_REPS,
    REGISTER,
    REP_NODE,
    REPRESENTATIVES,
    deputy,
    link,
    member,
    ok,
    payload_of,
    register,
)
from tests.factories.tenants import gid, make_county, make_unit


async def test_a_deputy_and_a_member_are_registered_with_level_and_sector(server, gql):
    w = await make_world(server)
    rep = await register(gql, w.county, deputy(unit="县农业农村委", phone="13812345678"))
    assert (rep["kind"], rep["level"], rep["sector"]) == ("NPC_DEPUTY", "COUNTY", None)
    assert rep["phone"] == "13812345678"  # the county office sees it in full
    assert rep["stream"].startswith("representative:")
    cppcc = await register(gql, w.county, member())
    assert (cppcc["kind"], cppcc["level"], cppcc["sector"]) == ("CPPCC_MEMBER", None, "农业界")

    seen = await gql.data(REP_NODE, {"id": rep["id"]}, token=w.department_staff.token)
    assert seen["node"]["phone"] == "138****5678"  # masked to anyone else


async def test_kind_specific_fields_are_required_and_nothing_is_written(server, gql, owner_db):
    w = await make_world(server)
    before = await county_rows(owner_db, w.county.id)
    for input, field in (
        ({"kind": "NPC_DEPUTY", "name": "无层级"}, "level"),
        ({"kind": "CPPCC_MEMBER", "name": "无界别"}, "sector"),
        (deputy(sector="农业界"), "sector"),
        (deputy(name="  "), "name"),
        (deputy(phone="电话"), "phone"),
    ):
        payload = await payload_of(gql, REGISTER, {"input": input}, w.admin.token)
        assert [(e["field"], e["code"]) for e in payload["errors"]] == [(field, "INVALID")]
        assert payload["representative"] is None
    assert await county_rows(owner_db, w.county.id) == before


async def test_only_the_county_office_registers(server, gql, owner_db):
    w = await make_world(server)
    before = await county_rows(owner_db, w.county.id)
    for who in (w.department_staff, w.township_staff, w.citizen):
        body = await gql.execute(REGISTER, {"input": deputy()}, token=who.token)
        assert body["data"] is None
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert await county_rows(owner_db, w.county.id) == before


async def test_a_place_of_another_county_is_not_found_and_nothing_is_written(server, gql, owner_db):
    w = await make_world(server)
    other = await make_county(server, name="邻县")
    foreign_village = await make_unit(server, other, kind=OrgUnitKind.TOWNSHIP)
    rep = await register(gql, w.county, deputy())
    before = await county_rows(owner_db, w.county.id)
    for place in (gid("OrgUnit", foreign_village), gid("Venue", 10**9)):
        payload = await payload_of(
            gql,
            LINK,
            {"input": {"representativeId": rep["id"], "placeId": place, "startsOn": "2026-01-01"}},
            w.admin.token,
        )
        assert [(e["field"], e["code"]) for e in payload["errors"]] == [("placeId", "NOT_FOUND")]
    # a department is no place a representative serves
    payload = await payload_of(
        gql,
        LINK,
        {
            "input": {
                "representativeId": rep["id"],
                "placeId": w.unit(w.department),
                "startsOn": "2026-01-01",
            }
        },
        w.admin.token,
    )
    assert [(e["field"], e["code"]) for e in payload["errors"]] == [("placeId", "INVALID")]
    assert await county_rows(owner_db, w.county.id) == before


async def test_overlapping_periods_of_one_place_are_refused_naming_the_date(server, gql, owner_db):
    w = await make_world(server)
    rep = await register(gql, w.county, deputy())
    village = w.unit(w.village)
    await link(gql, w.county, rep["id"], village, "2026-01-01")  # open-ended
    before = await county_rows(owner_db, w.county.id)

    async def attempt(starts: str, ends: str | None, place: str = village) -> list[tuple]:
        payload = await payload_of(
            gql,
            LINK,
            {
                "input": {
                    "representativeId": rep["id"],
                    "placeId": place,
                    "startsOn": starts,
                    "endsOn": ends,
                }
            },
            w.admin.token,
        )
        return [(e["field"], e["code"]) for e in payload["errors"]]

    assert await attempt("2026-06-01", None) == [("startsOn", "OVERLAPPING_DATES")]
    assert await attempt("2025-01-01", "2026-01-01") == [("endsOn", "OVERLAPPING_DATES")]
    assert await attempt("2025-01-01", None) == [("endsOn", "OVERLAPPING_DATES")]
    assert await attempt("2025-06-01", "2025-01-01") == [("endsOn", "INVALID")]
    assert await county_rows(owner_db, w.county.id) == before

    # an earlier period that ends the day before, and the same dates at another place, are fine
    assert await attempt("2025-01-01", "2025-12-31") == []
    assert await attempt("2026-01-01", None, gid("Venue", w.venue)) == []
    node = (await gql.data(REP_NODE, {"id": rep["id"]}, token=w.admin.token))["node"]
    assert [(p["startsOn"], p["endsOn"]) for p in node["places"]] == [
        ("2025-01-01", "2025-12-31"),
        ("2026-01-01", None),
        ("2026-01-01", None),
    ]


async def test_a_village_lists_its_current_representatives(server, gql):
    w = await make_world(server)
    today = date.today()
    current = await register(gql, w.county, deputy("现任代表"))
    past = await register(gql, w.county, member("往届委员"))
    future = await register(gql, w.county, deputy("下月代表", level="TOWNSHIP"))
    village = w.unit(w.village)
    await link(gql, w.county, current["id"], village, (today - timedelta(days=30)).isoformat())
    past_link = await link(
        gql, w.county, past["id"], village, "2024-01-01", (today - timedelta(days=400)).isoformat()
    )
    await link(gql, w.county, future["id"], village, (today + timedelta(days=30)).isoformat())

    data = await gql.data(PLACE_REPS, {"p": village}, token=w.citizen.token)
    assert [r["name"] for r in data["placeRepresentatives"]] == ["现任代表"]
    data = await gql.data(PLACE_REPS, {"p": village, "on": "2024-06-01"}, token=w.citizen.token)
    assert [r["name"] for r in data["placeRepresentatives"]] == ["往届委员"]
    assert data["placeRepresentatives"][0]["places"] == [{"id": past_link["id"], "active": False}]

    # ending the current one today keeps it today, drops it tomorrow
    links = (await gql.data(REP_NODE, {"id": current["id"]}, token=w.admin.token))["node"]
    ended = await ok(
        gql, END_LINK, {"l": links["places"][0]["id"], "e": today.isoformat()}, w.admin.token
    )
    assert ended["place"]["endsOn"] == today.isoformat()
    again = await payload_of(
        gql,
        END_LINK,
        {"l": links["places"][0]["id"], "e": (today + timedelta(days=1)).isoformat()},
        w.admin.token,
    )
    assert [(e["field"], e["code"]) for e in again["errors"]] == [("endsOn", "INVALID_STATE")]
    tomorrow = (today + timedelta(days=1)).isoformat()
    data = await gql.data(PLACE_REPS, {"p": village, "on": tomorrow}, token=w.citizen.token)
    assert [r["name"] for r in data["placeRepresentatives"]] == []


async def test_the_list_pages_and_filters_by_kind_level_and_place(server, gql):
    w = await make_world(server)
    a = await register(gql, w.county, deputy("甲", level="COUNTY"))
    b = await register(gql, w.county, deputy("乙", level="TOWNSHIP"))
    c = await register(gql, w.county, member("丙"))
    await link(gql, w.county, b["id"], w.unit(w.village), "2020-01-01")
    await link(gql, w.county, c["id"], gid("Venue", w.venue), "2020-01-01")

    async def names(filter=None, first=None, after=None):  # type: ignore[no-untyped-def]
        data = await gql.data(
            REPRESENTATIVES,
            {"filter": filter, "first": first, "after": after},
            token=w.citizen.token,
        )
        return data["representatives"]

    page = await names(first=2)
    assert [e["node"]["name"] for e in page["edges"]] == ["甲", "乙"]
    assert page["pageInfo"]["hasNextPage"] is True
    rest = await names(first=2, after=page["pageInfo"]["endCursor"])
    assert [e["node"]["name"] for e in rest["edges"]] == ["丙"]
    assert rest["pageInfo"]["hasNextPage"] is False
    assert [e["node"]["name"] for e in (await names({"kind": "NPC_DEPUTY"}))["edges"]] == [
        "甲",
        "乙",
    ]
    assert [e["node"]["name"] for e in (await names({"level": "TOWNSHIP"}))["edges"]] == ["乙"]
    by_village = await names({"placeId": w.unit(w.village)})
    assert [e["node"]["name"] for e in by_village["edges"]] == ["乙"]
    by_venue = await names({"placeId": gid("Venue", w.venue)})
    assert [e["node"]["name"] for e in by_venue["edges"]] == ["丙"]
    assert a["id"] not in {e["node"]["id"] for e in by_venue["edges"]}

    anonymous = await gql.execute(REPRESENTATIVES, {}, tenant=w.county.slug)
    assert anonymous["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_each_change_is_an_event_on_the_representatives_stream(server, gql, owner_db):
    w = await make_world(server)
    account = await make_user(server, w.county, roles=[(Role.NPC_DEPUTY, None)], name="代表")
    rep = await register(gql, w.county, deputy(userId=account.gid, phone="13812345678"))
    assert rep["hasAccount"] is True
    place = await link(gql, w.county, rep["id"], w.unit(w.village), "2026-01-01")
    await ok(gql, END_LINK, {"l": place["id"], "e": "2026-03-01"}, w.admin.token)
    rows = await owner_db.fetch(
        "SELECT type, payload::text AS payload FROM events WHERE tenant_id = $1 AND stream = $2 "
        "ORDER BY seq",
        w.county.id,
        rep["stream"],
    )
    assert [r["type"] for r in rows] == [
        "representative.registered",
        "representative.placeLinked",
        "representative.placeEnded",
    ]
    assert all("13812345678" not in r["payload"] for r in rows)

    # the same account cannot be registered twice as the same kind
    again = await payload_of(gql, REGISTER, {"input": deputy(userId=account.gid)}, w.admin.token)
    assert [(e["field"], e["code"]) for e in again["errors"]] == [("userId", "INVALID")]
