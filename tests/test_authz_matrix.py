"""Every mutation × every actor (tests/authz_matrix.py): the allowed succeed with exactly
their effects; everyone else is refused as the table says and changes nothing at all."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import asyncpg
import pytest

from backend.core.security import encode_access_token
from backend.people import service as people
from backend.people.models import Role
from schema.schema import build_schema
from tests.authz_matrix import (
    ACTORS,
    ANONYMOUS,
    MATRIX,
    OPERATOR,
    OTHER_COUNTY,
    PENDING,
    ROLES,
    TOWNSHIP_ADMIN,
    World,
)
from tests.conftest import COUNTY_TABLES
from tests.factories.people import make_user
from tests.factories.tenants import make_county, make_unit

INTROSPECT_MUTATIONS = "{ __schema { mutationType { fields { name } } } }"

#: Tables of the platform (no county), counted too: a refused call adds nothing there.
PLATFORM_TABLES = ("tenants", "platform_operators")


async def county_state(owner_db: asyncpg.Connection, tenant_id: int) -> dict[str, Any]:
    """Per county-owned table: its rows of the county, counted and hashed (contents, not
    just counts: an update shows), the county's own row, and the platform tables' counts."""
    columns = [f"(SELECT count(*) FROM {t} WHERE tenant_id = $1) AS {t}" for t in COUNTY_TABLES] + [
        f"(SELECT md5(coalesce(string_agg(x::text, '|' ORDER BY x::text), '')) FROM {t} x "
        f"WHERE tenant_id = $1) AS {t}__contents"
        for t in COUNTY_TABLES
    ]
    columns += [f'(SELECT count(*) FROM {t}) AS "platform.{t}"' for t in PLATFORM_TABLES]
    columns.append("(SELECT md5(x::text) FROM tenants x WHERE id = $1) AS tenant__contents")
    return dict(await owner_db.fetchrow("SELECT " + ", ".join(columns), tenant_id))


def counts_changed(before: dict[str, Any], after: dict[str, Any]) -> dict[str, int]:
    return {
        k: after[k] - before[k]
        for k in before
        if not k.endswith("__contents") and after[k] != before[k]
    }


def document(mutation: str, arguments: dict[str, Any]) -> str:
    """The mutation with each argument a variable of the schema's type, selecting the
    payload's errors (every payload has them)."""
    schema = build_schema_for_documents()
    field = schema._schema.mutation_type.fields[mutation]
    definitions = ", ".join(f"${a}: {field.args[a].type}" for a in arguments)
    passed = ", ".join(f"{a}: ${a}" for a in arguments)
    return (
        f"mutation({definitions}) {{ {mutation}({passed}) "
        "{ __typename errors { field code } } }"
    )


_schema: list[Any] = []


def build_schema_for_documents() -> Any:
    if not _schema:
        from backend.core.settings import Settings

        _schema.append(build_schema(Settings(environment="test", database_url="postgresql://x/y")))
    return _schema[0]


@pytest.fixture(scope="session")
async def operator_token(server) -> str:
    async with server.services.db.platform_transaction() as session:
        operator = await people.ensure_operator(
            session, server.services.passwords, username="matrix-operator", password="op-pass-1234"
        )
    secret = server.services.settings.jwt_secret.get_secret_value()
    return encode_access_token(
        secret=secret, ttl_seconds=3600, tenant_id=None, operator_id=operator.id
    )[0]


async def test_every_mutation_of_the_schema_has_a_row_in_the_matrix(gql):
    # given: the mutations the running service says it has
    data = await gql.data(INTROSPECT_MUTATIONS)
    names = {f["name"] for f in data["__schema"]["mutationType"]["fields"]}

    # then
    assert names - set(MATRIX) - set(PENDING) == set(), "add a row to tests/authz_matrix.py"
    assert set(MATRIX) - names == set(), "rows for mutations the schema no longer has"
    assert set(PENDING) - names == set(), "pending mutations the schema no longer has"
    assert set(PENDING) & set(MATRIX) == set(), "a mutation with a row is no longer pending"
    tests = Path(__file__).parent
    for name, (file, marker) in PENDING.items():
        assert marker in (tests / file).read_text(encoding="utf-8"), (name, file)


def payload_errors(payload: dict[str, Any] | list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The typed errors of a payload, or of each payload of a batch (intakeCases)."""
    items = payload if isinstance(payload, list) else [payload]
    return [e for item in items for e in item["errors"]]


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("mutation", sorted(MATRIX))
async def test_the_matrix(server, gql, owner_db, operator_token, mutation, actor):
    # given: county A, the actor, and what the call needs
    row = MATRIX[mutation]
    county = await make_county(server)
    member = None
    other = None
    if actor in ROLES:
        member = await make_user(server, county, roles=[(Role(actor), None)])
        auth: dict[str, Any] = {"token": member.token}
    elif actor == TOWNSHIP_ADMIN:
        township = await make_unit(server, county)
        grants = [(Role.TENANT_ADMIN, township), (Role.DEPARTMENT_STAFF, township)]
        member = await make_user(server, county, roles=grants)
        auth = {"token": member.token}
    elif actor == ANONYMOUS:
        auth = {"tenant": county.slug}
    elif actor == OTHER_COUNTY:
        other = await make_county(server, name="邻县")
        auth = {"token": other.admin.token}
    else:
        assert actor == OPERATOR
        auth = {"token": operator_token, "tenant": county.slug}
    world = World(server, gql, owner_db, county, actor, member, operator_token=operator_token)
    arguments = await row.build(world)
    query = document(mutation, arguments)
    before = await county_state(owner_db, county.id)
    before_other = await county_state(owner_db, other.id) if other else None

    # when
    body = await gql.execute(query, arguments, **auth)

    # then
    after = await county_state(owner_db, county.id)
    expected = row.expected(actor)
    judged_at_home = expected.startswith("own:")
    expected = expected.removeprefix("own:")
    if expected == "allowed":
        assert "errors" not in body, body
        assert payload_errors(body["data"][mutation]) == [], body
        if not judged_at_home:
            assert counts_changed(before, after) == row.actor_effects.get(actor, row.effects)
            return
    elif expected.startswith("top:"):
        assert body["data"] is None, body
        assert [e["extensions"]["code"] for e in body["errors"]] == [expected[4:]], body
        assert body["errors"][0]["path"] == [mutation]
    else:
        assert expected.startswith("payload:"), expected
        assert "errors" not in body, body
        codes = [e["code"] for e in payload_errors(body["data"][mutation])]
        assert codes == [expected[8:]], body
    # nothing changed in county A, nor in the other county unless judged there
    assert after == before
    if other is not None and not judged_at_home:
        assert await county_state(owner_db, other.id) == before_other
