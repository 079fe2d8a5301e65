"""The org tree and venues of a county: shape rules, validation, paging, global ids and
admins scoped to a part of the tree — through the GraphQL API."""

from __future__ import annotations

import asyncio
import base64

from strawberry import relay

from backend.people.models import Role
from tenants.models import OrgUnitKind, VenueLevel
from tests.conftest import county_rows
from tests.factories.people import make_user
from tests.factories.tenants import db_id, gid, make_county, make_unit, make_venue

# Every county-owned table: "nothing changed" means none of them gained or lost a row.

CREATE_UNIT = """
mutation($parent: ID!, $kind: OrgUnitKind!, $name: String!, $code: String) {
  createOrgUnit(input: {parentId: $parent, kind: $kind, name: $name, code: $code}) {
    orgUnit { id kind name code parent { id } }
    errors { field code message }
  }
}"""

UPDATE_UNIT = """
mutation($id: ID!, $name: String, $code: String) {
  updateOrgUnit(input: {id: $id, name: $name, code: $code}) {
    orgUnit { id name code kind }
    errors { field code message }
  }
}"""

CREATE_VENUE = """
mutation($unit: ID!, $level: VenueLevel!, $name: String!, $address: String) {
  createVenue(input: {orgUnitId: $unit, level: $level, name: $name, address: $address}) {
    venue { id level name address orgUnit { id } }
    errors { field code message }
  }
}"""

PAGE = """
query($first: Int, $after: String) {
  orgUnits(first: $first, after: $after) {
    edges { cursor node { id name kind } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}"""


def error_codes(body: dict) -> list[str]:
    return [e["extensions"]["code"] for e in body["errors"]]


def field_codes(payload: dict) -> list[tuple[str | None, str]]:
    return [(e["field"], e["code"]) for e in payload["errors"]]


async def create_unit(gql, token: str, parent: str, kind: str, name: str, code: str | None = None):
    body = await gql.data(
        CREATE_UNIT, {"parent": parent, "kind": kind, "name": name, "code": code}, token=token
    )
    return body["createOrgUnit"]


async def create_venue(gql, token: str, unit: str, level: str, name: str):
    body = await gql.data(CREATE_VENUE, {"unit": unit, "level": level, "name": name}, token=token)
    return body["createVenue"]


# --- the tree's shape ---------------------------------------------------------------------


async def test_a_township_goes_under_the_county(server, gql, owner_db):
    # given
    county = await make_county(server)
    before = await county_rows(owner_db, county.id)

    # when
    result = await create_unit(
        gql, county.admin.token, county.root_gid, "TOWNSHIP", " 北屏乡 ", code="500229101"
    )

    # then
    assert result["errors"] == []
    unit = result["orgUnit"]
    assert {k: unit[k] for k in ("kind", "name", "code")} == {
        "kind": "TOWNSHIP",
        "name": "北屏乡",
        "code": "500229101",
    }
    assert unit["parent"] == {"id": county.root_gid}
    after = await county_rows(owner_db, county.id)
    assert after["org_units"] == before["org_units"] + 1
    assert after["audit_entries"] == before["audit_entries"] + 1
    row = await owner_db.fetchrow(
        "SELECT parent_id, path FROM org_units WHERE tenant_id = $1 ORDER BY id DESC LIMIT 1",
        county.id,
    )
    assert row["parent_id"] == county.root_id
    assert row["path"] == f"/{county.root_id}/{gid_db_id(unit['id'])}/"


def gid_db_id(global_id: str) -> int:
    return db_id(global_id)


async def test_a_village_cannot_go_directly_under_the_county(server, gql, owner_db):
    # given
    county = await make_county(server)
    before = await county_rows(owner_db, county.id)

    # when
    result = await create_unit(gql, county.admin.token, county.root_gid, "VILLAGE", "苍坪村")

    # then
    assert result["orgUnit"] is None
    assert field_codes(result) == [("kind", "INVALID_PARENT")]
    assert result["errors"][0]["message"] == "村不能设在县/区之下"
    assert await county_rows(owner_db, county.id) == before


async def test_a_grid_goes_under_a_village_and_the_tree_is_readable(server, gql, owner_db):
    # given
    county = await make_county(server)
    township = await make_unit(server, county, kind=OrgUnitKind.TOWNSHIP, name="北屏乡")
    village = await make_unit(
        server, county, parent_id=township, kind=OrgUnitKind.VILLAGE, name="苍坪村"
    )

    # when
    result = await create_unit(
        gql, county.admin.token, gid("OrgUnit", village), "GRID", "苍坪村第一网格"
    )

    # then
    assert result["errors"] == []
    grid = result["orgUnit"]
    assert grid["kind"] == "GRID" and grid["parent"] == {"id": gid("OrgUnit", village)}
    tree = await gql.data(
        "query($id: ID!) { node(id: $id) { ... on OrgUnit { name parent { name parent { name "
        "parent { name parent { name } } } } } } }",
        {"id": grid["id"]},
        token=county.admin.token,
    )
    assert tree["node"] == {
        "name": "苍坪村第一网格",
        "parent": {
            "name": "苍坪村",
            "parent": {"name": "北屏乡", "parent": {"name": county.name, "parent": None}},
        },
    }


async def test_every_disallowed_parent_kind_is_refused(server, gql, owner_db):
    # given: one unit of each kind
    county = await make_county(server)
    township = await make_unit(server, county, kind=OrgUnitKind.TOWNSHIP)
    village = await make_unit(server, county, parent_id=township, kind=OrgUnitKind.VILLAGE)
    grid = await make_unit(server, county, parent_id=village, kind=OrgUnitKind.GRID)
    department = await make_unit(server, county, kind=OrgUnitKind.DEPARTMENT)
    cases = [
        (county.root_id, "COUNTY"),
        (county.root_id, "GRID"),
        (township, "TOWNSHIP"),
        (township, "GRID"),
        (village, "VILLAGE"),
        (village, "DEPARTMENT"),
        (grid, "GRID"),
        (department, "VILLAGE"),
        (department, "DEPARTMENT"),
    ]
    before = await county_rows(owner_db, county.id)

    # when
    results = [
        await create_unit(gql, county.admin.token, gid("OrgUnit", parent), kind, "不合规")
        for parent, kind in cases
    ]

    # then
    for case, result in zip(cases, results, strict=True):
        assert field_codes(result) == [("kind", "INVALID_PARENT")], case
    assert await county_rows(owner_db, county.id) == before


async def test_an_empty_or_too_long_name_is_refused(server, gql, owner_db):
    # given
    county = await make_county(server)
    before = await county_rows(owner_db, county.id)

    # when
    empty = await create_unit(gql, county.admin.token, county.root_gid, "TOWNSHIP", "   ")
    too_long = await create_unit(gql, county.admin.token, county.root_gid, "TOWNSHIP", "乡" * 101)
    long_code = await create_unit(
        gql, county.admin.token, county.root_gid, "TOWNSHIP", "乡", code="1" * 21
    )

    # then
    assert field_codes(empty) == [("name", "INVALID")]
    assert empty["errors"][0]["message"] == "名称不能为空"
    assert field_codes(too_long) == [("name", "INVALID")]
    assert too_long["errors"][0]["message"] == "名称不能超过100个字"
    assert field_codes(long_code) == [("code", "INVALID")]
    assert await county_rows(owner_db, county.id) == before

    # a name of exactly 100 characters is fine
    exact = await create_unit(gql, county.admin.token, county.root_gid, "TOWNSHIP", "乡" * 100)
    assert exact["errors"] == [] and exact["orgUnit"]["name"] == "乡" * 100


async def test_a_parent_of_another_county_is_not_found_and_nothing_is_written(
    server, gql, owner_db
):
    # given
    mine = await make_county(server)
    theirs = await make_county(server)
    their_township = await make_unit(server, theirs, kind=OrgUnitKind.TOWNSHIP)
    before_mine = await county_rows(owner_db, mine.id)
    before_theirs = await county_rows(owner_db, theirs.id)

    # when
    result = await create_unit(
        gql, mine.admin.token, gid("OrgUnit", their_township), "VILLAGE", "偷渡村"
    )

    # then
    assert result["orgUnit"] is None
    assert field_codes(result) == [("parentId", "NOT_FOUND")]
    assert await county_rows(owner_db, mine.id) == before_mine
    assert await county_rows(owner_db, theirs.id) == before_theirs


async def test_a_parent_id_of_the_wrong_type_is_invalid(server, gql, owner_db):
    # given
    county = await make_county(server)
    before = await county_rows(owner_db, county.id)
    bad_ids = [
        county.admin.gid,  # a User
        gid("Venue", county.root_id),
        str(relay.GlobalID("OrgUnit", "abc")),  # not a node id of ours
        str(relay.GlobalID("OrgUnit", str(10**30))),  # beyond any node id
    ]

    # when
    results = [await create_unit(gql, county.admin.token, bad, "TOWNSHIP", "乡") for bad in bad_ids]

    # then
    for bad, result in zip(bad_ids, results, strict=True):
        assert result["orgUnit"] is None, bad
        assert field_codes(result) == [("parentId", "INVALID")], bad
    assert await county_rows(owner_db, county.id) == before


async def test_a_parent_id_that_is_no_global_id_is_bad_user_input(server, gql, owner_db):
    # given
    county = await make_county(server)
    before = await county_rows(owner_db, county.id)

    # when
    body = await gql.execute(
        CREATE_UNIT,
        {"parent": "not-a-global-id", "kind": "TOWNSHIP", "name": "乡"},
        token=county.admin.token,
    )

    # then
    assert body["data"] is None
    assert error_codes(body) == ["BAD_USER_INPUT"]
    assert await county_rows(owner_db, county.id) == before


async def test_a_parent_id_naming_no_unit_is_not_found(server, gql, owner_db):
    # given
    county = await make_county(server)
    before = await county_rows(owner_db, county.id)

    # when
    results = [
        await create_unit(gql, county.admin.token, gid("OrgUnit", n), "TOWNSHIP", "乡")
        for n in (0, 2**63 - 1)
    ]

    # then
    for result in results:
        assert result["orgUnit"] is None
        assert field_codes(result) == [("parentId", "NOT_FOUND")]
    assert await county_rows(owner_db, county.id) == before


# --- updating -------------------------------------------------------------------------------


async def test_update_org_unit_renames_and_recodes_and_is_audited(server, gql, owner_db):
    # given
    county = await make_county(server)
    township = await make_unit(server, county, kind=OrgUnitKind.TOWNSHIP, name="旧名乡")
    audit_before = (await county_rows(owner_db, county.id))["audit_entries"]

    # when
    result = (
        await gql.data(
            UPDATE_UNIT,
            {"id": gid("OrgUnit", township), "name": "新名乡", "code": "A1"},
            token=county.admin.token,
        )
    )["updateOrgUnit"]

    # then
    assert result["errors"] == []
    assert result["orgUnit"] == {
        "id": gid("OrgUnit", township),
        "name": "新名乡",
        "code": "A1",
        "kind": "TOWNSHIP",
    }
    row = await owner_db.fetchrow("SELECT name, code FROM org_units WHERE id = $1", township)
    assert tuple(row) == ("新名乡", "A1")
    entry = await owner_db.fetchrow(
        "SELECT action, before, after FROM audit_entries WHERE tenant_id = $1 ORDER BY id DESC "
        "LIMIT 1",
        county.id,
    )
    assert entry["action"] == "orgUnit.update"
    assert '"旧名乡"' in entry["before"] and '"新名乡"' in entry["after"]
    assert (await county_rows(owner_db, county.id))["audit_entries"] == audit_before + 1

    # only the name: the code stays
    renamed = (
        await gql.data(
            UPDATE_UNIT,
            {"id": gid("OrgUnit", township), "name": "再改乡"},
            token=county.admin.token,
        )
    )["updateOrgUnit"]
    assert renamed["orgUnit"]["code"] == "A1" and renamed["orgUnit"]["name"] == "再改乡"


async def test_update_org_unit_with_bad_input_changes_nothing(server, gql, owner_db):
    # given
    mine = await make_county(server)
    theirs = await make_county(server)
    township = await make_unit(server, mine, kind=OrgUnitKind.TOWNSHIP, name="原名乡")
    their_unit = await make_unit(server, theirs, kind=OrgUnitKind.TOWNSHIP, name="他县乡")
    before = await county_rows(owner_db, mine.id)
    cases = [
        ({"id": gid("OrgUnit", township), "name": ""}, ("name", "INVALID")),
        ({"id": gid("OrgUnit", township), "name": "名" * 101}, ("name", "INVALID")),
        ({"id": gid("OrgUnit", their_unit), "name": "劫持"}, ("id", "NOT_FOUND")),
        ({"id": mine.admin.gid, "name": "劫持"}, ("id", "INVALID")),
    ]

    # when
    results = [
        (await gql.data(UPDATE_UNIT, v, token=mine.admin.token))["updateOrgUnit"] for v, _ in cases
    ]

    # then
    for (variables, expected), result in zip(cases, results, strict=True):
        assert result["orgUnit"] is None, variables
        assert field_codes(result) == [expected], variables
    assert await county_rows(owner_db, mine.id) == before
    assert await owner_db.fetchval("SELECT name FROM org_units WHERE id = $1", township) == "原名乡"
    assert (
        await owner_db.fetchval("SELECT name FROM org_units WHERE id = $1", their_unit) == "他县乡"
    )


# --- venues ---------------------------------------------------------------------------------


async def test_a_station_goes_at_a_village(server, gql, owner_db):
    # given
    county = await make_county(server)
    township = await make_unit(server, county, kind=OrgUnitKind.TOWNSHIP)
    village = await make_unit(server, county, parent_id=township, kind=OrgUnitKind.VILLAGE)
    before = await county_rows(owner_db, county.id)

    # when
    result = await create_venue(
        gql, county.admin.token, gid("OrgUnit", village), "STATION", "苍坪村群众说事站"
    )

    # then
    assert result["errors"] == []
    venue = result["venue"]
    assert {k: venue[k] for k in ("level", "name", "address")} == {
        "level": "STATION",
        "name": "苍坪村群众说事站",
        "address": None,
    }
    assert venue["orgUnit"] == {"id": gid("OrgUnit", village)}
    after = await county_rows(owner_db, county.id)
    assert after["venues"] == before["venues"] + 1
    listed = await gql.data(
        "query($u: ID!) { venues(orgUnitId: $u) { edges { node { id } } } }",
        {"u": gid("OrgUnit", village)},
        token=county.admin.token,
    )
    assert listed["venues"]["edges"] == [{"node": {"id": venue["id"]}}]


async def test_a_station_cannot_go_at_the_county(server, gql, owner_db):
    # given
    county = await make_county(server)
    before = await county_rows(owner_db, county.id)

    # when
    result = await create_venue(gql, county.admin.token, county.root_gid, "STATION", "县级说事站")

    # then
    assert result["venue"] is None
    assert field_codes(result) == [("level", "INVALID_VENUE_LEVEL")]
    assert await county_rows(owner_db, county.id) == before


async def test_a_duplicate_venue_name_at_the_same_unit_is_refused(server, gql, owner_db):
    # given
    county = await make_county(server)
    township = await make_unit(server, county, kind=OrgUnitKind.TOWNSHIP)
    other_township = await make_unit(server, county, kind=OrgUnitKind.TOWNSHIP)
    await make_venue(server, county, unit_id=township, level=VenueLevel.OFFICE, name="群众说事处")
    before = await county_rows(owner_db, county.id)

    # when
    duplicate = await create_venue(
        gql, county.admin.token, gid("OrgUnit", township), "OFFICE", " 群众说事处 "
    )

    # then
    assert duplicate["venue"] is None
    assert field_codes(duplicate) == [("name", "INVALID")]
    assert await county_rows(owner_db, county.id) == before

    # the same name at another unit is fine
    elsewhere = await create_venue(
        gql, county.admin.token, gid("OrgUnit", other_township), "OFFICE", "群众说事处"
    )
    assert elsewhere["errors"] == []


async def test_creating_one_venue_twice_at_once_creates_it_once(server, gql, owner_db):
    # given
    county = await make_county(server)
    township = await make_unit(server, county, kind=OrgUnitKind.TOWNSHIP)
    before = await county_rows(owner_db, county.id)

    # when
    bodies = await asyncio.gather(
        *(
            gql.execute(
                CREATE_VENUE,
                {"unit": gid("OrgUnit", township), "level": "OFFICE", "name": "并发说事处"},
                token=county.admin.token,
            )
            for _ in range(3)
        )
    )

    # then
    assert all("errors" not in body for body in bodies), bodies
    outcomes = sorted(tuple(field_codes(body["data"]["createVenue"])) for body in bodies)
    assert outcomes == [(), (("name", "INVALID"),), (("name", "INVALID"),)]
    after = await county_rows(owner_db, county.id)
    assert after["venues"] == before["venues"] + 1


async def test_a_venue_at_a_unit_of_another_county_is_not_found(server, gql, owner_db):
    # given
    mine = await make_county(server)
    theirs = await make_county(server)
    their_township = await make_unit(server, theirs, kind=OrgUnitKind.TOWNSHIP)
    before_mine = await county_rows(owner_db, mine.id)
    before_theirs = await county_rows(owner_db, theirs.id)

    # when
    result = await create_venue(
        gql, mine.admin.token, gid("OrgUnit", their_township), "OFFICE", "越界说事处"
    )

    # then
    assert field_codes(result) == [("orgUnitId", "NOT_FOUND")]
    assert await county_rows(owner_db, mine.id) == before_mine
    assert await county_rows(owner_db, theirs.id) == before_theirs


# --- paging ---------------------------------------------------------------------------------


async def test_org_units_page_forward_in_creation_order(server, gql):
    # given: the root and 25 townships
    county = await make_county(server)
    created = [county.root_id]
    for i in range(25):
        created.append(
            await make_unit(server, county, kind=OrgUnitKind.TOWNSHIP, name=f"乡{i:02d}")
        )

    # when
    pages, after = [], None
    while True:
        page = (await gql.data(PAGE, {"first": 10, "after": after}, token=county.admin.token))[
            "orgUnits"
        ]
        pages.append(page)
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]

    # then
    assert [len(p["edges"]) for p in pages] == [10, 10, 6]
    assert [p["pageInfo"]["hasNextPage"] for p in pages] == [True, True, False]
    assert all(p["pageInfo"]["hasPreviousPage"] is False for p in pages)
    ids = [e["node"]["id"] for p in pages for e in p["edges"]]
    assert ids == [gid("OrgUnit", i) for i in created]
    assert len(set(ids)) == 26
    assert [e["node"]["name"] for p in pages for e in p["edges"]][1:] == [
        f"乡{i:02d}" for i in range(25)
    ]
    for p in pages:
        assert p["pageInfo"]["startCursor"] == p["edges"][0]["cursor"]
        assert p["pageInfo"]["endCursor"] == p["edges"][-1]["cursor"]

    # the default page is 20
    default = (await gql.data(PAGE, {}, token=county.admin.token))["orgUnits"]
    assert len(default["edges"]) == 20 and default["pageInfo"]["hasNextPage"] is True
    # after the last item: an empty page
    empty = (
        await gql.data(
            PAGE,
            {"first": 5, "after": pages[-1]["pageInfo"]["endCursor"]},
            token=county.admin.token,
        )
    )["orgUnits"]
    assert empty == {
        "edges": [],
        "pageInfo": {
            "hasNextPage": False,
            "hasPreviousPage": False,
            "startCursor": None,
            "endCursor": None,
        },
    }


async def test_org_units_filter_by_parent_and_kind(server, gql):
    # given
    county = await make_county(server)
    township = await make_unit(server, county, kind=OrgUnitKind.TOWNSHIP, name="甲乡")
    v1 = await make_unit(server, county, parent_id=township, kind=OrgUnitKind.VILLAGE, name="一村")
    c1 = await make_unit(
        server, county, parent_id=township, kind=OrgUnitKind.COMMUNITY, name="一社区"
    )
    await make_unit(server, county, kind=OrgUnitKind.DEPARTMENT, name="司法局")

    # when
    under = await gql.data(
        "query($p: ID!) { orgUnits(parentId: $p) { edges { node { id } } } }",
        {"p": gid("OrgUnit", township)},
        token=county.admin.token,
    )
    villages = await gql.data(
        "{ orgUnits(kinds: [VILLAGE, TOWNSHIP]) { edges { node { name } } } }",
        token=county.admin.token,
    )

    # then
    assert [e["node"]["id"] for e in under["orgUnits"]["edges"]] == [
        gid("OrgUnit", v1),
        gid("OrgUnit", c1),
    ]
    assert [e["node"]["name"] for e in villages["orgUnits"]["edges"]] == ["甲乡", "一村"]


async def test_org_units_of_a_county_never_include_another_countys(server, gql):
    # given
    a = await make_county(server)
    b = await make_county(server)
    await make_unit(server, b, kind=OrgUnitKind.TOWNSHIP)

    # when
    page = (await gql.data(PAGE, {"first": 100}, token=a.admin.token))["orgUnits"]
    anonymous = (await gql.data(PAGE, {"first": 100}, tenant=a.slug))["orgUnits"]

    # then
    assert [e["node"]["id"] for e in page["edges"]] == [a.root_gid]
    assert anonymous["edges"] == page["edges"]


async def test_page_sizes_outside_1_to_100_are_bad_user_input(server, gql):
    # given
    county = await make_county(server)

    # when
    bodies = {
        first: await gql.execute(PAGE, {"first": first}, token=county.admin.token)
        for first in (0, -1, 101)
    }
    ok = {
        first: await gql.execute(PAGE, {"first": first}, token=county.admin.token)
        for first in (1, 100)
    }

    # then
    for first, body in bodies.items():
        assert body["data"] is None, first
        assert error_codes(body) == ["BAD_USER_INPUT"], first
        assert "first" in body["errors"][0]["message"]
    for first, body in ok.items():
        assert "errors" not in body, first


async def test_malformed_cursors_are_bad_user_input(server, gql):
    # given
    county = await make_county(server)
    cursors = [
        "garbage!!",
        "",
        "k:1",
        base64.urlsafe_b64encode(b"x:5").decode(),
        base64.urlsafe_b64encode(b"k:abc").decode(),
        base64.urlsafe_b64encode(b"\xff\xfe").decode(),
        base64.urlsafe_b64encode(b"k:99999999999999999999999").decode(),
    ]

    # when
    bodies = [await gql.execute(PAGE, {"after": c}, token=county.admin.token) for c in cursors]

    # then
    for cursor, body in zip(cursors, bodies, strict=True):
        assert body["data"] is None, cursor
        assert error_codes(body) == ["BAD_USER_INPUT"], cursor
        assert body["errors"][0]["path"] == ["orgUnits"], cursor


# --- global ids -------------------------------------------------------------------------------


async def test_node_returns_objects_of_the_county_and_null_for_another_countys(server, gql):
    # given
    mine = await make_county(server)
    theirs = await make_county(server)
    unit = await make_unit(server, mine, kind=OrgUnitKind.TOWNSHIP, name="本县乡")
    venue = await make_venue(server, mine, unit_id=unit, level=VenueLevel.OFFICE, name="本县说事处")
    their_unit = await make_unit(server, theirs, kind=OrgUnitKind.TOWNSHIP)
    their_venue = await make_venue(server, theirs, unit_id=their_unit, level=VenueLevel.OFFICE)
    query = """query($id: ID!) { node(id: $id) { __typename id
      ... on OrgUnit { name } ... on Venue { name orgUnit { name } }
      ... on User { displayName } } }"""

    # when
    found = [
        (await gql.data(query, {"id": i}, token=mine.admin.token))["node"]
        for i in (gid("OrgUnit", unit), gid("Venue", venue), mine.admin.gid)
    ]
    hidden = [
        (await gql.data(query, {"id": i}, token=mine.admin.token))["node"]
        for i in (
            gid("OrgUnit", their_unit),
            gid("Venue", their_venue),
            theirs.admin.gid,
            theirs.root_gid,
        )
    ]

    # then
    assert found == [
        {"__typename": "OrgUnit", "id": gid("OrgUnit", unit), "name": "本县乡"},
        {
            "__typename": "Venue",
            "id": gid("Venue", venue),
            "name": "本县说事处",
            "orgUnit": {"name": "本县乡"},
        },
        {"__typename": "User", "id": mine.admin.gid, "displayName": "管理员"},
    ]
    assert hidden == [None, None, None, None]


async def test_nodes_resolves_several_ids_in_order(server, gql):
    # given
    mine = await make_county(server)
    theirs = await make_county(server)
    unit = await make_unit(server, mine, kind=OrgUnitKind.TOWNSHIP)

    # when
    body = await gql.data(
        "query($ids: [ID!]!) { nodes(ids: $ids) { id } }",
        {"ids": [gid("OrgUnit", unit), theirs.root_gid, mine.root_gid]},
        token=mine.admin.token,
    )

    # then
    assert body["nodes"] == [{"id": gid("OrgUnit", unit)}, None, {"id": mine.root_gid}]


async def test_node_with_an_id_naming_no_row_is_null(server, gql):
    # given
    county = await make_county(server)
    ids = [
        gid("OrgUnit", 2**63 - 1),
        gid("User", 2**64 - 1),  # beyond any database id
        gid("AuditEntry", 2**63 - 2),
        gid("Membership", 0),
    ]

    # when
    bodies = [
        await gql.execute(
            "query($id: ID!) { node(id: $id) { id } }", {"id": i}, token=county.admin.token
        )
        for i in ids
    ]

    # then
    assert bodies == [{"data": {"node": None}}] * len(ids)


async def test_node_with_a_malformed_global_id_is_bad_user_input(server, gql):
    # given
    county = await make_county(server)

    # when: "Nope:1" names no type; "%%%" is no global id at all
    bodies = [
        await gql.execute(
            "query($id: ID!) { node(id: $id) { id } }", {"id": i}, token=county.admin.token
        )
        for i in (base64.b64encode(b"Nope:1").decode(), "%%%")
    ]

    # then
    for body in bodies:
        assert body["data"] == {"node": None}
        assert error_codes(body) == ["BAD_USER_INPUT"]


async def test_list_filters_with_a_wrong_global_id_are_bad_user_input(server, gql):
    # given
    county = await make_county(server)

    # when
    bodies = [
        await gql.execute(
            "query($id: ID!) { orgUnits(parentId: $id) { edges { cursor } } }",
            {"id": county.admin.gid},
            token=county.admin.token,
        ),
        await gql.execute(
            "query($id: ID!) { venues(orgUnitId: $id) { edges { cursor } } }",
            {"id": gid("Venue", 1)},
            token=county.admin.token,
        ),
        await gql.execute(
            "query($id: ID!) { venues(orgUnitId: $id) { edges { cursor } } }",
            {"id": "zzz"},
            token=county.admin.token,
        ),
    ]

    # then
    for body in bodies:
        assert body["data"] is None
        assert error_codes(body) == ["BAD_USER_INPUT"]
    assert body["errors"][0]["path"] == ["venues"]


# --- admins scoped to part of the tree ---------------------------------------------------------


async def test_a_township_admin_manages_only_its_township(server, gql, owner_db):
    # given
    county = await make_county(server)
    x = await make_unit(server, county, kind=OrgUnitKind.TOWNSHIP, name="甲乡")
    y = await make_unit(server, county, kind=OrgUnitKind.TOWNSHIP, name="乙乡")
    x_admin = await make_user(server, county, roles=[(Role.TENANT_ADMIN, x)], name="甲乡管理员")

    # when: inside the township
    village = await create_unit(gql, x_admin.token, gid("OrgUnit", x), "VILLAGE", "甲一村")
    grid = await create_unit(gql, x_admin.token, village["orgUnit"]["id"], "GRID", "甲一村网格")
    station = await create_venue(gql, x_admin.token, village["orgUnit"]["id"], "STATION", "甲一站")
    renamed = (
        await gql.data(
            UPDATE_UNIT, {"id": gid("OrgUnit", x), "name": "甲乡(新)"}, token=x_admin.token
        )
    )["updateOrgUnit"]

    # then
    assert village["errors"] == [] and village["orgUnit"]["name"] == "甲一村"
    assert grid["errors"] == [] and station["errors"] == [] and renamed["errors"] == []

    # when: outside it (another township, the county root)
    before = await county_rows(owner_db, county.id)
    attempts = [
        await gql.execute(
            CREATE_UNIT,
            {"parent": gid("OrgUnit", y), "kind": "VILLAGE", "name": "乙一村"},
            token=x_admin.token,
        ),
        await gql.execute(
            CREATE_UNIT,
            {"parent": county.root_gid, "kind": "TOWNSHIP", "name": "丙乡"},
            token=x_admin.token,
        ),
        await gql.execute(
            CREATE_VENUE,
            {"unit": gid("OrgUnit", y), "level": "OFFICE", "name": "乙乡说事处"},
            token=x_admin.token,
        ),
        await gql.execute(
            UPDATE_UNIT, {"id": gid("OrgUnit", y), "name": "劫持"}, token=x_admin.token
        ),
        await gql.execute(
            UPDATE_UNIT, {"id": county.root_gid, "name": "劫持"}, token=x_admin.token
        ),
    ]

    # then
    for body in attempts:
        assert body["data"] is None
        assert error_codes(body) == ["FORBIDDEN"]
    assert await county_rows(owner_db, county.id) == before
    assert await owner_db.fetchval("SELECT name FROM org_units WHERE id = $1", y) == "乙乡"
