"""Who may administer a county: every role (and an anonymous client) against the county's
reads, a role scoped to a unit against every administrative operation, and the rules of
granting and revoking roles (every mutation × every actor: tests/test_authz_matrix.py)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass

import asyncpg
import pytest

from backend.people.models import Membership, Role, User
from tenants import service as tenants
from tenants.models import OrgUnitKind
from tests.conftest import county_rows
from tests.factories.people import make_user, next_phone
from tests.factories.tenants import County, county_admin_principal, gid, make_county, make_unit

GRANT = """
mutation($user: ID!, $role: Role!, $unit: ID) {
  grantRole(input: {userId: $user, role: $role, orgUnitId: $unit}) {
    membership { id role orgUnit { id } }
    errors { field code message }
  }
}"""

REVOKE = """
mutation($id: ID!) {
  revokeRole(membershipId: $id) { membership { id role } errors { field code message } }
}"""

CREATE_USER = """
mutation($input: CreateUserInput!) {
  createUser(input: $input) {
    user { id displayName phone memberships { role orgUnit { id } } }
    errors { field code message }
  }
}"""

CREATE_UNIT = """
mutation($parent: ID!, $kind: OrgUnitKind!, $name: String!) {
  createOrgUnit(input: {parentId: $parent, kind: $kind, name: $name}) {
    orgUnit { id } errors { field code }
  }
}"""


async def membership_id(owner_db: asyncpg.Connection, user_id: int, role: Role) -> int:
    return await owner_db.fetchval(
        "SELECT id FROM memberships WHERE user_id = $1 AND role = $2", user_id, role.value
    )


def error_codes(body: dict) -> list[str]:
    return [e["extensions"]["code"] for e in body["errors"]]


def field_codes(payload: dict) -> list[tuple[str | None, str]]:
    return [(e["field"], e["code"]) for e in payload["errors"]]


# --- the role × operation table -------------------------------------------------------------


@dataclass
class Scene:
    """A county with a township, a venue-less village and a mediator to act upon."""

    county: County
    township: int
    village: int
    target_user: int
    target_membership: int


async def make_scene(server) -> Scene:
    """Set up through the services in one transaction (this runs for every case)."""
    county = await make_county(server)
    principal = await county_admin_principal(server, county)
    async with server.services.db.transaction(
        tenant_id=county.id, user_id=county.admin.user_id
    ) as session:
        township = await tenants.create_org_unit(
            session, principal, parent_id=county.root_id, kind=OrgUnitKind.TOWNSHIP, name="甲乡"
        )
        village = await tenants.create_org_unit(
            session, principal, parent_id=township.id, kind=OrgUnitKind.VILLAGE, name="甲一村"
        )
        target = User(tenant_id=county.id, display_name="被操作者", phone=f"+86{next_phone()}")
        session.add(target)
        await session.flush()
        membership = Membership(
            tenant_id=county.id, user_id=target.id, role=Role.MEDIATOR, org_unit_id=township.id
        )
        session.add(membership)
        await session.flush()
    return Scene(
        county=county,
        township=township.id,
        village=village.id,
        target_user=target.id,
        target_membership=membership.id,
    )


Operation = Callable[[Scene], tuple[str, dict]]

OPERATIONS: dict[str, Operation] = {
    "createOrgUnit": lambda s: (
        'mutation($p: ID!) { createOrgUnit(input: {parentId: $p, kind: VILLAGE, name: "新村"}) '
        "{ orgUnit { id } errors { code } } }",
        {"p": gid("OrgUnit", s.township)},
    ),
    "updateOrgUnit": lambda s: (
        'mutation($id: ID!) { updateOrgUnit(input: {id: $id, name: "改名乡"}) '
        "{ orgUnit { id } errors { code } } }",
        {"id": gid("OrgUnit", s.township)},
    ),
    "createVenue": lambda s: (
        'mutation($u: ID!) { createVenue(input: {orgUnitId: $u, level: STATION, name: "新站"}) '
        "{ venue { id } errors { code } } }",
        {"u": gid("OrgUnit", s.village)},
    ),
    "createUser": lambda s: (
        'mutation($phone: String!) { createUser(input: {displayName: "新人", phone: $phone, '
        'password: "long-enough-1"}) { user { id } errors { code } } }',
        {"phone": next_phone()},
    ),
    "grantRole": lambda s: (
        "mutation($u: ID!) { grantRole(input: {userId: $u, role: OBSERVER}) "
        "{ membership { id } errors { code } } }",
        {"u": gid("User", s.target_user)},
    ),
    "revokeRole": lambda s: (
        "mutation($m: ID!) { revokeRole(membershipId: $m) { membership { id } errors { code } } }",
        {"m": gid("Membership", s.target_membership)},
    ),
    "users": lambda s: ("{ users(first: 100) { edges { node { id } } } }", {}),
    "auditLog": lambda s: ("{ auditLog(first: 100) { edges { node { action } } } }", {}),
}

ACTORS = [*Role, None]

#: The mutations above are rows of the authorisation matrix too (tests/authz_matrix.py, every
#: mutation × every actor); the reads are checked here.
READS = ["users", "auditLog"]


@pytest.mark.parametrize("operation", READS)
@pytest.mark.parametrize("role", ACTORS, ids=[r.value if r else "ANONYMOUS" for r in ACTORS])
async def test_only_a_tenant_admin_may_read_the_countys_people_and_audit_log(
    server, gql, owner_db, role, operation
):
    # given
    scene = await make_scene(server)
    county = scene.county
    auth = {"tenant": county.slug}
    if role is not None:
        actor = await make_user(server, county, roles=[(role, None)])
        auth = {"token": actor.token}
    query, variables = OPERATIONS[operation](scene)
    before = await county_rows(owner_db, county.id)

    # when
    body = await gql.execute(query, variables, **auth)

    # then
    after = await county_rows(owner_db, county.id)
    if role is Role.TENANT_ADMIN:
        assert "errors" not in body, body
        assert body["data"][operation]["edges"]
    else:
        assert body["data"] is None
        assert error_codes(body) == ["UNAUTHENTICATED" if role is None else "FORBIDDEN"]
        assert body["errors"][0]["path"] == [operation]
    assert after == before


async def test_a_role_scoped_to_a_unit_does_not_make_an_admin_either(server, gql, owner_db):
    # given: every non-admin role, scoped to the township
    scene = await make_scene(server)
    county = scene.county
    actor = await make_user(
        server, county, roles=[(r, scene.township) for r in Role if r is not Role.TENANT_ADMIN]
    )
    before = await county_rows(owner_db, county.id)

    # when
    bodies = {
        name: await gql.execute(*op(scene), token=actor.token) for name, op in OPERATIONS.items()
    }

    # then
    for name, body in bodies.items():
        assert error_codes(body) == ["FORBIDDEN"], name
    assert await county_rows(owner_db, county.id) == before


# --- granting -------------------------------------------------------------------------------


async def test_grant_role_county_wide_and_scoped(server, gql, owner_db):
    # given
    county = await make_county(server)
    township = await make_unit(server, county, kind=OrgUnitKind.TOWNSHIP)
    person = await make_user(server, county)
    before = await county_rows(owner_db, county.id)

    # when
    wide = (
        await gql.data(GRANT, {"user": person.gid, "role": "OBSERVER"}, token=county.admin.token)
    )["grantRole"]
    scoped = (
        await gql.data(
            GRANT,
            {"user": person.gid, "role": "MEDIATOR", "unit": gid("OrgUnit", township)},
            token=county.admin.token,
        )
    )["grantRole"]

    # then
    assert wide["errors"] == [] and scoped["errors"] == []
    assert wide["membership"]["role"] == "OBSERVER" and wide["membership"]["orgUnit"] is None
    assert scoped["membership"]["orgUnit"] == {"id": gid("OrgUnit", township)}
    after = await county_rows(owner_db, county.id)
    assert after["memberships"] == before["memberships"] + 2
    viewer = await gql.data("{ viewer { roles } }", token=person.token)
    assert viewer["viewer"]["roles"] == ["MEDIATOR", "OBSERVER"]


async def test_grant_role_with_an_org_unit_of_another_county_writes_nothing(server, gql, owner_db):
    # given
    mine = await make_county(server)
    theirs = await make_county(server)
    their_unit = await make_unit(server, theirs, kind=OrgUnitKind.TOWNSHIP)
    person = await make_user(server, mine)
    before_mine = await county_rows(owner_db, mine.id)
    before_theirs = await county_rows(owner_db, theirs.id)

    # when
    result = (
        await gql.data(
            GRANT,
            {"user": person.gid, "role": "MEDIATOR", "unit": gid("OrgUnit", their_unit)},
            token=mine.admin.token,
        )
    )["grantRole"]

    # then
    assert result["membership"] is None
    assert field_codes(result) == [("orgUnitId", "ORG_UNIT_NOT_FOUND")]
    assert await county_rows(owner_db, mine.id) == before_mine
    assert await county_rows(owner_db, theirs.id) == before_theirs


async def test_grant_role_to_a_user_of_another_county_is_not_found(server, gql, owner_db):
    # given
    mine = await make_county(server)
    theirs = await make_county(server)
    stranger = await make_user(server, theirs)
    before_mine = await county_rows(owner_db, mine.id)
    before_theirs = await county_rows(owner_db, theirs.id)

    # when
    result = (
        await gql.data(
            GRANT, {"user": stranger.gid, "role": "TENANT_ADMIN"}, token=mine.admin.token
        )
    )["grantRole"]
    wrong_type = (
        await gql.data(GRANT, {"user": mine.root_gid, "role": "OBSERVER"}, token=mine.admin.token)
    )["grantRole"]

    # then
    assert field_codes(result) == [("userId", "NOT_FOUND")]
    assert field_codes(wrong_type) == [("userId", "NOT_FOUND")]
    assert await county_rows(owner_db, mine.id) == before_mine
    assert await county_rows(owner_db, theirs.id) == before_theirs


async def test_a_duplicate_grant_is_refused(server, gql, owner_db):
    # given
    county = await make_county(server)
    township = await make_unit(server, county, kind=OrgUnitKind.TOWNSHIP)
    person = await make_user(
        server, county, roles=[(Role.MEDIATOR, township), (Role.OBSERVER, None)]
    )
    before = await county_rows(owner_db, county.id)

    # when
    scoped = (
        await gql.data(
            GRANT,
            {"user": person.gid, "role": "MEDIATOR", "unit": gid("OrgUnit", township)},
            token=county.admin.token,
        )
    )["grantRole"]
    wide = (
        await gql.data(GRANT, {"user": person.gid, "role": "OBSERVER"}, token=county.admin.token)
    )["grantRole"]

    # then
    assert field_codes(scoped) == [("role", "DUPLICATE_MEMBERSHIP")]
    assert field_codes(wide) == [("role", "DUPLICATE_MEMBERSHIP")]
    assert await county_rows(owner_db, county.id) == before


async def test_granting_one_role_twice_at_once_grants_it_once(server, gql, owner_db):
    # given
    county = await make_county(server)
    person = await make_user(server, county)
    before = await county_rows(owner_db, county.id)

    # when
    bodies = await asyncio.gather(
        *(
            gql.execute(GRANT, {"user": person.gid, "role": "EXPERT"}, token=county.admin.token)
            for _ in range(3)
        )
    )

    # then
    assert all("errors" not in body for body in bodies), bodies
    outcomes = sorted(tuple(field_codes(body["data"]["grantRole"])) for body in bodies)
    duplicate = (("role", "DUPLICATE_MEMBERSHIP"),)
    assert outcomes == [(), duplicate, duplicate]
    after = await county_rows(owner_db, county.id)
    assert after["memberships"] == before["memberships"] + 1
    assert after["audit_entries"] == before["audit_entries"] + 1


async def test_a_granted_role_takes_effect_and_a_revoked_one_ends(server, gql, owner_db):
    # given
    county = await make_county(server)
    person = await make_user(server, county, roles=[(Role.CITIZEN, None)])
    create = {"parent": county.root_gid, "kind": "TOWNSHIP", "name": "授权乡"}
    assert error_codes(await gql.execute(CREATE_UNIT, create, token=person.token)) == ["FORBIDDEN"]

    # when: made an admin, the same token now works
    granted = (
        await gql.data(
            GRANT, {"user": person.gid, "role": "TENANT_ADMIN"}, token=county.admin.token
        )
    )["grantRole"]
    allowed = await gql.data(CREATE_UNIT, create, token=person.token)

    # then
    assert granted["errors"] == []
    assert allowed["createOrgUnit"]["errors"] == []

    # when: revoked again
    revoked = (
        await gql.data(REVOKE, {"id": granted["membership"]["id"]}, token=county.admin.token)
    )["revokeRole"]
    before = await county_rows(owner_db, county.id)
    denied = await gql.execute(CREATE_UNIT, {**create, "name": "再授权乡"}, token=person.token)

    # then
    assert revoked["errors"] == [] and revoked["membership"]["role"] == "TENANT_ADMIN"
    assert error_codes(denied) == ["FORBIDDEN"]
    assert await county_rows(owner_db, county.id) == before


# --- revoking -------------------------------------------------------------------------------


async def test_the_last_county_wide_admin_cannot_be_revoked(server, gql, owner_db):
    # given
    county = await make_county(server)
    admin_membership = await membership_id(owner_db, county.admin.user_id, Role.TENANT_ADMIN)
    before = await county_rows(owner_db, county.id)

    # when
    result = (
        await gql.data(
            REVOKE, {"id": gid("Membership", admin_membership)}, token=county.admin.token
        )
    )["revokeRole"]

    # then
    assert result["membership"] is None
    assert field_codes(result) == [("membershipId", "LAST_ADMIN")]
    assert await county_rows(owner_db, county.id) == before


async def test_a_scoped_admin_does_not_count_as_the_last_county_wide_admin(server, gql, owner_db):
    # given: the county admin and a township admin
    county = await make_county(server)
    township = await make_unit(server, county, kind=OrgUnitKind.TOWNSHIP)
    await make_user(server, county, roles=[(Role.TENANT_ADMIN, township)])
    admin_membership = await membership_id(owner_db, county.admin.user_id, Role.TENANT_ADMIN)
    before = await county_rows(owner_db, county.id)

    # when
    result = (
        await gql.data(
            REVOKE, {"id": gid("Membership", admin_membership)}, token=county.admin.token
        )
    )["revokeRole"]

    # then
    assert field_codes(result) == [("membershipId", "LAST_ADMIN")]
    assert await county_rows(owner_db, county.id) == before


async def test_one_of_two_county_wide_admins_can_be_revoked(server, gql, owner_db):
    # given
    county = await make_county(server)
    second = await make_user(server, county, roles=[(Role.TENANT_ADMIN, None)])
    second_membership = await membership_id(owner_db, second.user_id, Role.TENANT_ADMIN)
    before = await county_rows(owner_db, county.id)

    # when
    result = (
        await gql.data(
            REVOKE, {"id": gid("Membership", second_membership)}, token=county.admin.token
        )
    )["revokeRole"]

    # then
    assert result["errors"] == []
    assert result["membership"] == {
        "id": gid("Membership", second_membership),
        "role": "TENANT_ADMIN",
    }
    after = await county_rows(owner_db, county.id)
    assert after["memberships"] == before["memberships"] - 1
    # and now the remaining one is the last
    mine = await membership_id(owner_db, county.admin.user_id, Role.TENANT_ADMIN)
    last = (await gql.data(REVOKE, {"id": gid("Membership", mine)}, token=county.admin.token))[
        "revokeRole"
    ]
    assert field_codes(last) == [("membershipId", "LAST_ADMIN")]


async def test_two_admins_revoking_each_other_at_once_leave_one_admin(server, gql, owner_db):
    # given
    county = await make_county(server)
    second = await make_user(server, county, roles=[(Role.TENANT_ADMIN, None)])
    first_m = await membership_id(owner_db, county.admin.user_id, Role.TENANT_ADMIN)
    second_m = await membership_id(owner_db, second.user_id, Role.TENANT_ADMIN)

    # when
    bodies = await asyncio.gather(
        gql.execute(REVOKE, {"id": gid("Membership", second_m)}, token=county.admin.token),
        gql.execute(REVOKE, {"id": gid("Membership", first_m)}, token=second.token),
    )

    # then: one succeeded; the other was stopped — as the last admin, or, when it started
    # after the first had committed, as no admin at all — and one admin remains
    outcomes = sorted(
        ("FORBIDDEN",)
        if "errors" in body
        else tuple(e["code"] for e in body["data"]["revokeRole"]["errors"])
        for body in bodies
    )
    assert outcomes in ([(), ("LAST_ADMIN",)], [(), ("FORBIDDEN",)])
    assert (
        await owner_db.fetchval(
            "SELECT count(*) FROM memberships WHERE tenant_id = $1 AND role = 'TENANT_ADMIN' "
            "AND org_unit_id IS NULL",
            county.id,
        )
        == 1
    )


async def test_revoking_a_membership_of_another_county_is_not_found(server, gql, owner_db):
    # given
    mine = await make_county(server)
    theirs = await make_county(server)
    second = await make_user(server, theirs, roles=[(Role.TENANT_ADMIN, None)])
    their_membership = await membership_id(owner_db, second.user_id, Role.TENANT_ADMIN)
    before_theirs = await county_rows(owner_db, theirs.id)

    # when
    result = (
        await gql.data(REVOKE, {"id": gid("Membership", their_membership)}, token=mine.admin.token)
    )["revokeRole"]

    # then
    assert field_codes(result) == [("membershipId", "NOT_FOUND")]
    assert await county_rows(owner_db, theirs.id) == before_theirs


# --- admins scoped to a township ----------------------------------------------------------------


async def test_a_township_admin_cannot_make_itself_county_wide_admin(server, gql, owner_db):
    # given
    county = await make_county(server)
    x = await make_unit(server, county, kind=OrgUnitKind.TOWNSHIP)
    y = await make_unit(server, county, kind=OrgUnitKind.TOWNSHIP)
    x_admin = await make_user(server, county, roles=[(Role.TENANT_ADMIN, x)])
    before = await county_rows(owner_db, county.id)

    # when
    bodies = [
        await gql.execute(
            GRANT, {"user": x_admin.gid, "role": "TENANT_ADMIN"}, token=x_admin.token
        ),
        await gql.execute(
            GRANT,
            {"user": x_admin.gid, "role": "TENANT_ADMIN", "unit": gid("OrgUnit", y)},
            token=x_admin.token,
        ),
        await gql.execute(
            GRANT,
            {"user": x_admin.gid, "role": "TENANT_ADMIN", "unit": county.root_gid},
            token=x_admin.token,
        ),
    ]

    # then
    for body in bodies:
        assert body["data"] is None
        assert error_codes(body) == ["FORBIDDEN"]
    assert await county_rows(owner_db, county.id) == before


async def test_a_township_admin_grants_roles_within_its_township(server, gql, owner_db):
    # given
    county = await make_county(server)
    x = await make_unit(server, county, kind=OrgUnitKind.TOWNSHIP)
    village = await make_unit(server, county, parent_id=x, kind=OrgUnitKind.VILLAGE)
    x_admin = await make_user(server, county, roles=[(Role.TENANT_ADMIN, x)])
    person = await make_user(server, county)

    # when
    result = (
        await gql.data(
            GRANT,
            {"user": person.gid, "role": "COLLECTOR", "unit": gid("OrgUnit", village)},
            token=x_admin.token,
        )
    )["grantRole"]

    # then
    assert result["errors"] == []
    assert result["membership"]["orgUnit"] == {"id": gid("OrgUnit", village)}


async def test_a_township_admin_cannot_revoke_roles_outside_its_township(server, gql, owner_db):
    # given: two county-wide admins (so LAST_ADMIN is not what stops it) and a township admin
    county = await make_county(server)
    x = await make_unit(server, county, kind=OrgUnitKind.TOWNSHIP)
    y = await make_unit(server, county, kind=OrgUnitKind.TOWNSHIP)
    await make_user(server, county, roles=[(Role.TENANT_ADMIN, None)])
    y_mediator = await make_user(server, county, roles=[(Role.MEDIATOR, y)])
    x_admin = await make_user(server, county, roles=[(Role.TENANT_ADMIN, x)])
    targets = [
        await membership_id(owner_db, county.admin.user_id, Role.TENANT_ADMIN),
        await membership_id(owner_db, y_mediator.user_id, Role.MEDIATOR),
    ]
    before = await county_rows(owner_db, county.id)

    # when
    bodies = [
        await gql.execute(REVOKE, {"id": gid("Membership", m)}, token=x_admin.token)
        for m in targets
    ]

    # then
    for body in bodies:
        assert body["data"] is None
        assert error_codes(body) == ["FORBIDDEN"]
    assert await county_rows(owner_db, county.id) == before


# --- creating accounts ---------------------------------------------------------------------------


async def test_create_user_with_roles(server, gql, owner_db):
    # given
    county = await make_county(server)
    township = await make_unit(server, county, kind=OrgUnitKind.TOWNSHIP)
    phone = next_phone()
    before = await county_rows(owner_db, county.id)

    # when
    result = (
        await gql.data(
            CREATE_USER,
            {
                "input": {
                    "displayName": "李承办",
                    "phone": phone,
                    "password": "long-enough-1",
                    "roles": [
                        {"role": "DEPARTMENT_STAFF", "orgUnitId": gid("OrgUnit", township)},
                        {"role": "EXPERT"},
                    ],
                }
            },
            token=county.admin.token,
        )
    )["createUser"]

    # then
    assert result["errors"] == []
    assert result["user"]["displayName"] == "李承办"
    assert result["user"]["phone"] == f"{phone[:3]}****{phone[-4:]}"
    assert result["user"]["memberships"] == [
        {"role": "DEPARTMENT_STAFF", "orgUnit": {"id": gid("OrgUnit", township)}},
        {"role": "EXPERT", "orgUnit": None},
    ]
    after = await county_rows(owner_db, county.id)
    assert after["users"] == before["users"] + 1
    assert after["memberships"] == before["memberships"] + 2
    assert after["audit_entries"] == before["audit_entries"] + 3


async def test_create_user_with_a_bad_role_scope_writes_no_user(server, gql, owner_db):
    # given
    mine = await make_county(server)
    theirs = await make_county(server)
    their_unit = await make_unit(server, theirs, kind=OrgUnitKind.TOWNSHIP)
    phone = next_phone()
    before = await county_rows(owner_db, mine.id)

    # when
    foreign = (
        await gql.data(
            CREATE_USER,
            {
                "input": {
                    "displayName": "越界",
                    "phone": phone,
                    "roles": [
                        {"role": "EXPERT"},
                        {"role": "MEDIATOR", "orgUnitId": gid("OrgUnit", their_unit)},
                    ],
                }
            },
            token=mine.admin.token,
        )
    )["createUser"]
    wrong_type = (
        await gql.data(
            CREATE_USER,
            {
                "input": {
                    "displayName": "越界",
                    "phone": phone,
                    "roles": [{"role": "MEDIATOR", "orgUnitId": mine.admin.gid}],
                }
            },
            token=mine.admin.token,
        )
    )["createUser"]

    # then
    assert foreign["user"] is None
    assert field_codes(foreign) == [("roles.orgUnitId", "ORG_UNIT_NOT_FOUND")]
    assert field_codes(wrong_type) == [("roles.orgUnitId", "ORG_UNIT_NOT_FOUND")]
    assert await county_rows(owner_db, mine.id) == before
    assert (
        await owner_db.fetchval("SELECT count(*) FROM users WHERE phone = $1", f"+86{phone}") == 0
    )


async def test_create_user_with_a_taken_phone_or_bad_input_is_refused(server, gql, owner_db):
    # given
    county = await make_county(server)
    existing = await make_user(server, county)
    before = await county_rows(owner_db, county.id)
    cases = [
        ({"displayName": "重号", "phone": existing.phone}, ("phone", "DUPLICATE_PHONE")),
        ({"displayName": "坏号", "phone": "110"}, ("phone", "INVALID_PHONE")),
        ({"displayName": "", "phone": next_phone()}, ("displayName", "INVALID")),
        ({"displayName": "名" * 51, "phone": next_phone()}, ("displayName", "INVALID")),
        (
            {"displayName": "弱密码", "phone": next_phone(), "password": "1234"},
            ("password", "WEAK_PASSWORD"),
        ),
    ]

    # when
    results = [
        (await gql.data(CREATE_USER, {"input": i}, token=county.admin.token))["createUser"]
        for i, _ in cases
    ]

    # then
    for (user_input, expected), result in zip(cases, results, strict=True):
        assert result["user"] is None, user_input
        assert field_codes(result) == [expected], user_input
    assert await county_rows(owner_db, county.id) == before


async def test_a_user_created_without_a_password_cannot_sign_in(server, gql, owner_db):
    # given
    county = await make_county(server)
    phone = next_phone()
    created = (
        await gql.data(
            CREATE_USER,
            {"input": {"displayName": "无密码", "phone": phone}},
            token=county.admin.token,
        )
    )["createUser"]
    assert created["errors"] == []

    # when
    result = (
        await gql.data(
            'mutation($p: String!) { login(input: {phone: $p, password: ""}) '
            "{ tokens { accessToken } errors { field code } } }",
            {"p": phone},
            tenant=county.slug,
        )
    )["login"]

    # then
    assert result == {
        "tokens": None,
        "errors": [{"field": "password", "code": "INVALID_CREDENTIALS"}],
    }


async def test_users_lists_the_countys_accounts_filtered_by_role(server, gql):
    # given
    county = await make_county(server)
    other = await make_county(server)
    await make_user(server, other, roles=[(Role.EXPERT, None)])
    expert = await make_user(server, county, roles=[(Role.EXPERT, None)], name="吴专家")
    await make_user(server, county, roles=[(Role.CITIZEN, None)], name="郑群众")

    # when
    everyone = await gql.data(
        "{ users(first: 100) { edges { node { id displayName } } } }", token=county.admin.token
    )
    experts = await gql.data(
        "{ users(role: EXPERT) { edges { node { id } } } }", token=county.admin.token
    )
    searched = await gql.data(
        '{ users(search: "群众") { edges { node { displayName } } } }', token=county.admin.token
    )
    wildcards = [
        (
            await gql.data(
                "query($s: String) { users(search: $s) { edges { cursor } } }",
                {"s": s},
                token=county.admin.token,
            )
        )["users"]["edges"]
        for s in ("%", "_", "\\")
    ]

    # then
    assert [e["node"]["displayName"] for e in everyone["users"]["edges"]] == [
        "管理员",
        "吴专家",
        "郑群众",
    ]
    assert experts["users"]["edges"] == [{"node": {"id": expert.gid}}]
    assert searched["users"]["edges"] == [{"node": {"displayName": "郑群众"}}]
    assert wildcards == [[], [], []]  # searched for literally, not as LIKE patterns


async def test_an_admin_of_a_township_lists_only_the_people_of_its_units(server, gql):
    # given: admins of 甲镇 (one county-wide, one scoped), people with roles in 甲镇, in a
    # village of 甲镇, in 乙镇, and county-wide
    county = await make_county(server)
    town_a = await make_unit(server, county, kind=OrgUnitKind.TOWNSHIP, name="甲镇")
    village = await make_unit(server, county, parent_id=town_a, kind=OrgUnitKind.VILLAGE)
    town_b = await make_unit(server, county, kind=OrgUnitKind.TOWNSHIP, name="乙镇")
    town_admin = await make_user(
        server, county, roles=[(Role.TENANT_ADMIN, town_a)], name="甲镇管理员"
    )
    await make_user(server, county, roles=[(Role.MEDIATOR, town_a)], name="甲镇解事员")
    await make_user(server, county, roles=[(Role.COLLECTOR, village)], name="网格员")
    await make_user(server, county, roles=[(Role.MEDIATOR, town_b)], name="乙镇解事员")
    await make_user(server, county, roles=[(Role.CITIZEN, None)], name="群众")

    # when
    scoped = await gql.data(
        "{ users(first: 100) { edges { node { displayName } } } }", token=town_admin.token
    )
    county_wide = await gql.data(
        "{ users(first: 100) { edges { node { displayName } } } }", token=county.admin.token
    )

    # then
    assert [e["node"]["displayName"] for e in scoped["users"]["edges"]] == [
        "甲镇管理员",
        "甲镇解事员",
        "网格员",
    ]
    assert len(county_wide["users"]["edges"]) == 6  # the county admin sees everyone
