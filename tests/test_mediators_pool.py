"""The 解事员 pool (seed 000 (三)): three levels bound to the org tree, roles, skills, venues,
contact details by caller, training records (a future date is refused naming trainedOn),
evaluations (staff only) and awards, paged lists with filters, who may manage it, and the
`mediators` stream's views."""

from __future__ import annotations

from datetime import date, timedelta

from backend.cases.replies import today
from backend.mediators import pool
from backend.mediators.models import MediatorLevel, MediatorRole
from backend.people.models import Role
from tenants.models import OrgUnitKind, VenueLevel
from tests.cases_world import make_world
from tests.conftest import county_rows
from tests.factories.cases import act, refused
from tests.factories.mediators import (
    AWARD,
    EVALUATE,
    MEDIATORS,
    REGISTER,
    TRAIN,
    UPDATE,
    register,
    stream,
)
from tests.factories.people import make_user
from tests.factories.tenants import county_admin_principal, gid, make_unit, make_venue
from tests.statements import fewest_statements


async def test_a_mediator_is_entered_at_each_level_on_its_unit(server, gql, owner_db):
    # given
    w = await make_world(server)

    # when
    county = await register(
        gql,
        w.admin.token,
        name="县法官老赵",
        level="COUNTY",
        orgUnitId=w.county.root_gid,
        roles=["JUDGE", "PARTY_CADRE"],
        skills=["土地纠纷", "土地纠纷", "婚姻家庭"],
    )
    township = await register(
        gql, w.admin.token, name="街道调解员", level="TOWNSHIP", orgUnitId=w.unit(w.township)
    )
    village = await register(
        gql,
        w.admin.token,
        name="院落长老李",
        level="VILLAGE",
        orgUnitId=w.unit(w.village),
        roles=["COURTYARD_HEAD"],
        venueIds=[gid("Venue", w.venue)],
        phone="13900001111",
    )

    # then
    assert (county["level"], county["orgUnit"]["id"]) == ("COUNTY", w.county.root_gid)
    assert county["roles"] == ["JUDGE", "PARTY_CADRE"]
    assert county["skills"] == ["土地纠纷", "婚姻家庭"]  # duplicates dropped
    assert township["orgUnit"]["id"] == w.unit(w.township)
    assert village["venues"] == [
        {"id": gid("Venue", w.venue), "name": village["venues"][0]["name"]}
    ]
    assert village["phone"] == "+8613900001111" and village["active"] is True
    rows = await owner_db.fetch(
        "SELECT level, phone FROM mediators WHERE tenant_id = $1 ORDER BY id", w.county.id
    )
    assert [r["level"] for r in rows] == ["COUNTY", "TOWNSHIP", "VILLAGE"]


async def test_a_unit_of_another_level_a_foreign_venue_or_no_role_is_refused_and_writes_nothing(
    server, gql, owner_db
):
    # given
    w = await make_world(server)
    other_village = await make_unit(
        server, w.county, parent_id=w.township, kind=OrgUnitKind.VILLAGE
    )
    elsewhere = await make_venue(server, w.county, unit_id=other_village, level=VenueLevel.STATION)
    before = await county_rows(owner_db, w.county.id)
    base = {"name": "某人", "roles": ["NEW_GENTRY"]}

    # when
    wrong_level = await refused(
        gql,
        REGISTER,
        {"input": {**base, "level": "VILLAGE", "orgUnitId": w.unit(w.township)}},
        w.admin.token,
    )
    foreign_venue = await refused(
        gql,
        REGISTER,
        {
            "input": {
                **base,
                "level": "VILLAGE",
                "orgUnitId": w.unit(w.village),
                "venueIds": [gid("Venue", elsewhere)],
            }
        },
        w.admin.token,
    )
    no_role = await refused(
        gql,
        REGISTER,
        {"input": {**base, "roles": [], "level": "TOWNSHIP", "orgUnitId": w.unit(w.township)}},
        w.admin.token,
    )
    bad_phone = await refused(
        gql,
        REGISTER,
        {"input": {**base, "level": "TOWNSHIP", "orgUnitId": w.unit(w.township), "phone": "12"}},
        w.admin.token,
    )

    # then
    assert (wrong_level["code"], wrong_level["field"]) == ("WRONG_LEVEL", "orgUnitId")
    assert (foreign_venue["code"], foreign_venue["field"]) == ("UNKNOWN_VENUE", "venueIds")
    assert (no_role["code"], no_role["field"]) == ("INVALID", "roles")
    assert (bad_phone["code"], bad_phone["field"]) == ("INVALID_PHONE", "phone")
    assert await county_rows(owner_db, w.county.id) == before


async def test_a_training_in_the_future_is_refused_naming_trained_on(server, gql, owner_db):
    # given
    w = await make_world(server)
    m = await register(
        gql, w.admin.token, name="老周", level="TOWNSHIP", orgUnitId=w.unit(w.township)
    )
    before = await county_rows(owner_db, w.county.id)
    tomorrow = (today() + timedelta(days=1)).isoformat()

    # when
    error = await refused(
        gql,
        TRAIN,
        {
            "input": {
                "mediatorId": m["id"],
                "course": "人民调解法",
                "trainedOn": tomorrow,
                "hours": 4,
            }
        },
        w.admin.token,
    )
    bad_hours = await refused(
        gql,
        TRAIN,
        {
            "input": {
                "mediatorId": m["id"],
                "course": "人民调解法",
                "trainedOn": "2026-03-01",
                "hours": 0.3,
            }
        },
        w.admin.token,
    )

    # then
    assert (error["code"], error["field"]) == ("FUTURE_DATE", "trainedOn")
    assert (bad_hours["code"], bad_hours["field"]) == ("INVALID", "hours")
    assert await county_rows(owner_db, w.county.id) == before


async def test_trainings_evaluations_and_awards_are_recorded_and_shown_as_the_caller_may_see(
    server, gql, owner_db
):
    # given
    w = await make_world(server)
    m = await register(
        gql,
        w.admin.token,
        name="老周",
        level="TOWNSHIP",
        orgUnitId=w.unit(w.township),
        phone="13900002222",
        note="擅长邻里纠纷",
    )

    # when
    t1 = await act(
        gql,
        TRAIN,
        {
            "input": {
                "mediatorId": m["id"],
                "course": "人民调解法",
                "trainedOn": "2026-03-01",
                "hours": 4,
            }
        },
        w.admin.token,
    )
    t2 = await act(
        gql,
        TRAIN,
        {
            "input": {
                "mediatorId": m["id"],
                "course": "政策解读",
                "trainedOn": "2026-05-10",
                "hours": 2.5,
            }
        },
        w.admin.token,
    )
    await act(
        gql,
        EVALUATE,
        {
            "input": {
                "mediatorId": m["id"],
                "period": "2026上半年",
                "grade": "EXCELLENT",
                "score": 95,
                "comment": "化解纠纷12件",
                "evaluatedOn": "2026-07-01",
            }
        },
        w.admin.token,
    )
    await act(
        gql,
        AWARD,
        {
            "input": {
                "mediatorId": m["id"],
                "title": "优秀解事员",
                "awardedOn": "2026-07-15",
                "awardedBy": "葛城街道",
            }
        },
        w.admin.token,
    )

    # then
    assert t1["mediator"]["trainingHours"] == 4.0 and t2["mediator"]["trainingHours"] == 6.5
    by_admin = (await gql.data(MEDIATORS, {}, token=w.admin.token))["mediators"]["edges"][0]["node"]
    by_staff = (await gql.data(MEDIATORS, {}, token=w.department_staff.token))["mediators"][
        "edges"
    ][0]["node"]
    by_citizen = (await gql.data(MEDIATORS, {}, token=w.citizen.token))["mediators"]["edges"][0][
        "node"
    ]
    by_public = (await gql.data(MEDIATORS, {}, tenant=w.county.slug))["mediators"]["edges"][0][
        "node"
    ]
    assert [t["course"] for t in by_admin["trainings"]] == ["人民调解法", "政策解读"]
    assert [(e["grade"], e["score"]) for e in by_admin["evaluations"]] == [("EXCELLENT", 95)]
    assert [a["title"] for a in by_admin["awards"]] == ["优秀解事员"]
    assert (by_admin["phone"], by_admin["note"]) == ("+8613900002222", "擅长邻里纠纷")
    assert by_staff["phone"] == "139****2222" and by_staff["evaluations"] != []
    for outsider in (by_citizen, by_public):
        assert outsider["phone"] is None and outsider["note"] is None
        assert outsider["evaluations"] == []
        assert [a["title"] for a in outsider["awards"]] == ["优秀解事员"]
        assert len(outsider["trainings"]) == 2


async def test_the_pool_is_paged_and_filtered(server, gql):
    # given
    w = await make_world(server)
    other_township = await make_unit(server, w.county, kind=OrgUnitKind.TOWNSHIP, name="东城街道")
    a = await register(
        gql,
        w.admin.token,
        name="甲",
        level="COUNTY",
        orgUnitId=w.county.root_gid,
        roles=["JUDGE"],
        skills=["行政争议"],
    )
    b = await register(
        gql,
        w.admin.token,
        name="乙",
        level="TOWNSHIP",
        orgUnitId=w.unit(w.township),
        roles=["POLICE"],
        skills=["治安"],
    )
    c = await register(
        gql,
        w.admin.token,
        name="丙",
        level="VILLAGE",
        orgUnitId=w.unit(w.village),
        roles=["GRID_WORKER", "POLICE"],
        venueIds=[gid("Venue", w.venue)],
    )
    d = await register(
        gql,
        w.admin.token,
        name="丁",
        level="TOWNSHIP",
        orgUnitId=w.unit(other_township),
        roles=["FIVE_ELDERS"],
    )
    await act(gql, UPDATE, {"input": {"mediatorId": d["id"], "active": False}}, w.admin.token)

    async def names(f, first=20, after=None):
        data = await gql.data(
            MEDIATORS, {"f": f, "first": first, "after": after}, token=w.admin.token
        )
        return [e["node"]["name"] for e in data["mediators"]["edges"]], data["mediators"][
            "pageInfo"
        ]

    # then
    first_page, info = await names(None, first=3)
    assert first_page == ["甲", "乙", "丙"] and info["hasNextPage"] is True
    assert (await names(None, first=3, after=info["endCursor"]))[0] == ["丁"]
    assert (await names({"level": "TOWNSHIP"}))[0] == ["乙", "丁"]
    assert (await names({"orgUnitId": w.unit(w.township)}))[0] == ["乙", "丙"]
    assert (await names({"role": "POLICE"}))[0] == ["乙", "丙"]
    assert (await names({"skill": "行政争议"}))[0] == ["甲"]
    assert (await names({"venueId": gid("Venue", w.venue)}))[0] == ["丙"]
    assert (await names({"active": False}))[0] == ["丁"]
    assert (await names({"active": True}))[0] == ["甲", "乙", "丙"]
    assert {a["id"], b["id"], c["id"]} == {a["id"], b["id"], c["id"]}


async def test_a_township_admin_manages_its_own_pool_only(server, gql, owner_db):
    # given
    w = await make_world(server)
    township_admin = await make_user(server, w.county, roles=[(Role.TENANT_ADMIN, w.township)])
    county_level = await register(
        gql, w.admin.token, name="县级", level="COUNTY", orgUnitId=w.county.root_gid
    )
    before = await county_rows(owner_db, w.county.id)

    # when
    denied_register = await gql.execute(
        REGISTER,
        {
            "input": {
                "name": "某",
                "level": "COUNTY",
                "orgUnitId": w.county.root_gid,
                "roles": ["OTHER"],
            }
        },
        token=township_admin.token,
    )
    denied_train = await gql.execute(
        TRAIN,
        {
            "input": {
                "mediatorId": county_level["id"],
                "course": "课",
                "trainedOn": "2026-01-05",
                "hours": 1,
            }
        },
        token=township_admin.token,
    )
    by_mediator = await gql.execute(
        UPDATE,
        {"input": {"mediatorId": county_level["id"], "active": False}},
        token=w.mediator.token,
    )
    after_refusals = await county_rows(owner_db, w.county.id)
    own = await act(
        gql,
        REGISTER,
        {
            "input": {
                "name": "街道的",
                "level": "VILLAGE",
                "orgUnitId": w.unit(w.village),
                "roles": ["LEGAL_LITERATE"],
            }
        },
        township_admin.token,
    )

    # then
    for denied in (denied_register, denied_train, by_mediator):
        assert denied["errors"][0]["extensions"]["code"] == "FORBIDDEN"
        assert denied["data"] is None
    assert after_refusals == before
    assert own["mediator"]["level"] == "VILLAGE"


async def test_every_change_is_an_event_and_the_public_sees_no_evaluation_nor_assignment(
    server, gql, owner_db
):
    # given
    w = await make_world(server)
    m = await register(
        gql,
        w.admin.token,
        name="老周",
        level="TOWNSHIP",
        orgUnitId=w.unit(w.township),
        phone="13900003333",
    )
    await act(
        gql,
        TRAIN,
        {"input": {"mediatorId": m["id"], "course": "调解", "trainedOn": "2026-02-01", "hours": 3}},
        w.admin.token,
    )
    await act(
        gql,
        EVALUATE,
        {
            "input": {
                "mediatorId": m["id"],
                "period": "2026",
                "grade": "GOOD",
                "evaluatedOn": "2026-06-01",
            }
        },
        w.admin.token,
    )
    await act(
        gql,
        AWARD,
        {"input": {"mediatorId": m["id"], "title": "金牌解事员", "awardedOn": "2026-06-02"}},
        w.admin.token,
    )
    await act(gql, UPDATE, {"input": {"mediatorId": m["id"], "skills": ["土地"]}}, w.admin.token)

    # when
    staff = await stream(gql, "mediators", w.department_staff.token, w.county)
    public = await stream(gql, "mediators", None, w.county)
    citizen = await stream(gql, "mediators", w.citizen.token, w.county)

    # then
    assert [e["type"] for e in staff] == [
        "mediator.registered",
        "mediator.trained",
        "mediator.evaluated",
        "mediator.awarded",
        "mediator.updated",
    ]
    assert staff[0]["actorId"] == w.admin.user_id and staff[0]["hash"] != ""
    for outsider in (public, citizen):
        assert [e["type"] for e in outsider] == [
            "mediator.registered",
            "mediator.trained",
            "mediator.awarded",
            "mediator.updated",
        ]
        assert all(e["actorId"] is None and e["hash"] == "" for e in outsider)
    raw = await owner_db.fetch(
        "SELECT payload::text AS p FROM events WHERE tenant_id = $1 AND stream = 'mediators'",
        w.county.id,
    )
    assert all("老周" not in r["p"] and "3333" not in r["p"] for r in raw)


async def test_a_page_of_the_pool_costs_the_same_statements_for_5_and_30(server, gql):
    # given: 30 解事员 with a training and an award each, entered through the services
    w = await make_world(server)
    admin = await county_admin_principal(server, w.county)
    async with server.services.db.transaction(
        tenant_id=w.county.id, user_id=w.admin.user_id
    ) as session:
        for i in range(30):
            m = await pool.register_mediator(
                session,
                admin,
                name=f"解事员{i}",
                level=MediatorLevel.VILLAGE,
                org_unit_id=w.village,
                roles=[MediatorRole.GRID_WORKER],
                venue_ids=[w.venue],
            )
            await pool.record_training(
                session,
                admin,
                mediator_id=m.id,
                course="轮训",
                trained_on=date(2026, 3, 1),
                hours=2,
            )
            await pool.grant_award(
                session, admin, mediator_id=m.id, title="优秀", awarded_on=date(2026, 4, 1)
            )
    await gql.data(MEDIATORS, {"first": 1}, token=w.admin.token)  # grants cached
    counted, pages = await fewest_statements(
        server,
        (5, 30),
        lambda first: gql.data(MEDIATORS, {"first": first}, token=w.admin.token),
    )
    per_page = {first: len(s) for first, s in counted.items()}

    # then
    assert per_page[5] == per_page[30] and per_page[30] <= 10, counted
    nodes = [e["node"] for e in pages[30]["mediators"]["edges"]]
    assert len(nodes) == 30
    assert all(len(n["trainings"]) == 1 and len(n["awards"]) == 1 for n in nodes)
    assert all(n["orgUnit"]["id"] == w.unit(w.village) and len(n["venues"]) == 1 for n in nodes)


NODE = """query($id: ID!) { node(id: $id) { ... on Mediator { id name phone level } } }"""


async def test_a_mediator_is_read_by_its_global_id_in_its_county_only(server, gql):
    # given
    w = await make_world(server)
    other = await make_world(server)
    m = await register(
        gql,
        w.admin.token,
        name="老周",
        level="TOWNSHIP",
        orgUnitId=w.unit(w.township),
        phone="13900004444",
    )

    # when
    mine = (await gql.data(NODE, {"id": m["id"]}, token=w.admin.token))["node"]
    public = (await gql.data(NODE, {"id": m["id"]}, tenant=w.county.slug))["node"]
    foreign = (await gql.data(NODE, {"id": m["id"]}, token=other.admin.token))["node"]

    # then
    assert mine == {"id": m["id"], "name": "老周", "phone": "+8613900004444", "level": "TOWNSHIP"}
    assert public == {"id": m["id"], "name": "老周", "phone": None, "level": "TOWNSHIP"}
    assert foreign is None
