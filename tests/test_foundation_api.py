"""The GraphQL endpoint itself: bad documents, limits on depth/aliases/size, GET requests,
GraphiQL, and a constant number of SQL statements whatever the page size."""

from __future__ import annotations

import base64
import hashlib
import re
import uuid

import httpx
from sqlalchemy import event

from tenants import service as tenants
from tenants.models import OrgUnitKind, VenueLevel
from tests.factories.tenants import county_admin_principal, make_county

VALID = "{ county { name } }"


def error_codes(body: dict) -> list[str]:
    return [e["extensions"]["code"] for e in body["errors"]]


async def post(http: httpx.AsyncClient, query: str, **headers: str) -> httpx.Response:
    return await http.post("/graphql", json={"query": query}, headers=headers)


async def assert_still_answers(gql, county) -> None:
    body = await gql.data(VALID, tenant=county.slug)
    assert body == {"county": {"name": county.name}}


# --- malformed documents --------------------------------------------------------------------


async def test_a_syntax_error_is_graphql_validation_failed(server, gql):
    # given
    county = await make_county(server)

    # when
    response = await post(gql.http, "{ county { name ", **{"X-Tenant": county.slug})

    # then: a GraphQL response (HTTP 200) whose error says what is wrong
    assert response.status_code == 200
    body = response.json()
    assert body["data"] is None
    assert error_codes(body) == ["GRAPHQL_VALIDATION_FAILED"]
    assert body["errors"][0]["message"] == "Syntax Error: Expected Name, found <EOF>."
    assert body["errors"][0]["locations"] == [{"line": 1, "column": 17}]
    await assert_still_answers(gql, county)


async def test_an_empty_or_missing_query_is_refused(server, gql):
    # given
    county = await make_county(server)

    # when
    empty = await post(gql.http, "", **{"X-Tenant": county.slug})
    missing = await gql.http.post("/graphql", json={"variables": {}})
    not_json = await gql.http.post(
        "/graphql", content=b"{not json", headers={"Content-Type": "application/json"}
    )

    # then
    assert empty.status_code == 400
    assert missing.status_code == 400
    assert not_json.status_code == 400
    await assert_still_answers(gql, county)


async def test_an_unknown_field_is_graphql_validation_failed(server, gql):
    # given
    county = await make_county(server)

    # when
    body = await gql.execute("{ county { name population } }", tenant=county.slug)

    # then
    assert body["data"] is None
    assert error_codes(body) == ["GRAPHQL_VALIDATION_FAILED"]
    assert "population" in body["errors"][0]["message"]
    await assert_still_answers(gql, county)


async def test_a_wrong_argument_type_is_graphql_validation_failed(server, gql):
    # given
    county = await make_county(server)

    # when
    literal = await gql.execute(
        '{ orgUnits(first: "ten") { edges { cursor } } }', tenant=county.slug
    )
    variable = await gql.execute(
        "query($n: Int) { orgUnits(first: $n) { edges { cursor } } }",
        {"n": "ten"},
        tenant=county.slug,
    )
    bad_enum = await gql.execute(
        "{ orgUnits(kinds: [CASTLE]) { edges { cursor } } }", tenant=county.slug
    )

    # then: literals are checked with the document; variables when they are applied
    for body in (literal, bad_enum):
        assert body["data"] is None
        assert error_codes(body) == ["GRAPHQL_VALIDATION_FAILED"]
    assert variable["data"] is None
    assert error_codes(variable) == ["BAD_USER_INPUT"]
    assert variable["errors"][0]["message"] == (
        "Variable '$n' has invalid value: Int cannot represent non-integer value: 'ten'"
    )
    await assert_still_answers(gql, county)


# --- limits -----------------------------------------------------------------------------------


def nested_parents(levels: int) -> str:
    """orgUnits → edges → node, then `levels` times parent."""
    inner = "name"
    for _ in range(levels):
        inner = f"parent {{ {inner} }}"
    return f"{{ orgUnits(first: 1) {{ edges {{ node {{ {inner} }} }} }} }}"


async def test_a_query_deeper_than_12_levels_is_refused(server, gql):
    # given
    county = await make_county(server)

    # when: orgUnits, edges, node, 10 × parent, name — depth 13 — is refused;
    # with 9 × parent (depth 12) it is fine
    too_deep = await gql.execute(nested_parents(10), tenant=county.slug)
    deepest = await gql.execute(nested_parents(9), tenant=county.slug)

    # then
    assert too_deep["data"] is None
    assert error_codes(too_deep) == ["GRAPHQL_VALIDATION_FAILED"]
    assert "exceeds maximum operation depth" in too_deep["errors"][0]["message"]
    assert "errors" not in deepest
    assert deepest["data"]["orgUnits"]["edges"][0]["node"] == {"parent": None}  # the root


async def test_more_than_30_aliases_are_refused(server, gql):
    # given
    county = await make_county(server)
    many = "{ " + " ".join(f"a{i}: county {{ name }}" for i in range(31)) + " }"
    enough = "{ " + " ".join(f"a{i}: county {{ name }}" for i in range(30)) + " }"

    # when
    refused = await gql.execute(many, tenant=county.slug)
    accepted = await gql.execute(enough, tenant=county.slug)

    # then
    assert refused["data"] is None
    assert error_codes(refused) == ["GRAPHQL_VALIDATION_FAILED"]
    assert "aliases" in refused["errors"][0]["message"]
    assert "errors" not in accepted and len(accepted["data"]) == 30


async def test_a_query_of_more_than_4000_tokens_is_refused(server, gql):
    # given
    county = await make_county(server)
    huge = "{ county { " + "name " * 4000 + "} }"

    # when
    body = await gql.execute(huge, tenant=county.slug)

    # then
    assert body["data"] is None
    assert error_codes(body) == ["GRAPHQL_VALIDATION_FAILED"]
    assert "token" in body["errors"][0]["message"].lower()
    await assert_still_answers(gql, county)


# --- GET and GraphiQL -------------------------------------------------------------------------


async def test_a_query_via_get_works(server, gql):
    # given
    county = await make_county(server, name="城口测试县")

    # when
    response = await gql.http.get(
        "/graphql", params={"query": "{county{name}}"}, headers={"X-Tenant": county.slug}
    )

    # then
    assert response.status_code == 200
    assert response.json() == {"data": {"county": {"name": "城口测试县"}}}
    # the county may also be named in the URL (links, EventSource-like clients)
    by_param = await gql.http.get(
        "/graphql", params={"query": "{county{name}}", "tenant": county.slug}
    )
    assert by_param.json() == {"data": {"county": {"name": "城口测试县"}}}


async def test_a_mutation_via_get_is_refused(server, gql, owner_db):
    # given
    county = await make_county(server)
    name = f"GET乡{uuid.uuid4().hex[:6]}"
    mutation = (
        f'mutation {{ createOrgUnit(input: {{parentId: "{county.root_gid}", '
        f'kind: TOWNSHIP, name: "{name}"}}) {{ errors {{ code }} }} }}'
    )
    before = await owner_db.fetchval(
        "SELECT count(*) FROM org_units WHERE tenant_id = $1", county.id
    )

    # when
    response = await gql.http.get(
        "/graphql",
        params={"query": mutation},
        headers={"Authorization": f"Bearer {county.admin.token}"},
    )

    # then
    assert response.status_code == 400
    assert response.json() == {
        "data": None,
        "errors": [
            {
                "message": "GET 请求不能执行变更（mutation），请使用 POST",
                "extensions": {
                    "code": "BAD_REQUEST",
                    "reason": "mutations are not allowed when using GET",
                },
            }
        ],
    }
    assert (
        await owner_db.fetchval("SELECT count(*) FROM org_units WHERE tenant_id = $1", county.id)
        == before
    )


async def test_graphiql_is_served_to_browsers(server, gql):
    # when
    response = await gql.http.get("/graphql", headers={"Accept": "text/html"})
    home = await gql.http.get("/")

    # then
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "graphiql" in response.text.lower()
    assert home.status_code in (302, 307) and home.headers["location"] == "/graphql"


# --- SQL statements per request -----------------------------------------------------------------

TREE_PAGE = """
query($first: Int!) {
  orgUnits(first: $first) {
    edges { node { name parent { name } venues { name } children { name } } }
  }
}"""


async def make_townships_with_venues(server, county, n: int) -> None:
    """`n` townships, each with a venue and a village, in one transaction (fast setup)."""
    principal = await county_admin_principal(server, county)
    async with server.services.db.transaction(
        tenant_id=county.id, user_id=county.admin.user_id
    ) as session:
        for i in range(n):
            unit = await tenants.create_org_unit(
                session,
                principal,
                parent_id=county.root_id,
                kind=OrgUnitKind.TOWNSHIP,
                name=f"乡{i:02d}",
            )
            await tenants.create_venue(
                session,
                principal,
                org_unit_id=unit.id,
                level=VenueLevel.OFFICE,
                name=f"乡{i:02d}说事处",
            )
            await tenants.create_org_unit(
                session,
                principal,
                parent_id=unit.id,
                kind=OrgUnitKind.VILLAGE,
                name=f"乡{i:02d}一村",
            )


async def test_the_number_of_sql_statements_does_not_grow_with_the_page(server, gql):
    # given
    county = await make_county(server)
    await make_townships_with_venues(server, county, 50)
    # The admin's grants are read once, then cached (backend.people.principals).
    await gql.data("{ viewer { roles } }", token=county.admin.token)
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        statements.append(statement)

    engine = server.services.db.app_engine.sync_engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        # when
        per_page = {}
        for first in (5, 50):
            # the fewest of three tries: the listener also hears the service's background
            # work on the same engine, which only adds statements
            for _ in range(3):
                statements.clear()
                body = await gql.data(TREE_PAGE, {"first": first}, token=county.admin.token)
                if first not in per_page or len(statements) < len(per_page[first]):
                    per_page[first] = list(statements)
            edges = body["orgUnits"]["edges"]
            assert len(edges) == first
            assert edges[1]["node"]["venues"] == [{"name": "乡00说事处"}]
            assert edges[1]["node"]["children"] == [{"name": "乡00一村"}]
            assert edges[1]["node"]["parent"] == {"name": county.name}
    finally:
        event.remove(engine, "before_cursor_execute", count)

    # then
    assert len(per_page[5]) == len(per_page[50]), (per_page[5], per_page[50])
    assert len(per_page[50]) <= 10, per_page[50]


async def test_graphiql_loads_every_asset_from_the_service_itself(server, gql):
    # given: the page a browser gets (county intranets reach no CDN)
    page = (await gql.http.get("/graphql", headers={"Accept": "text/html"})).text

    # when: every script and stylesheet it names is fetched
    assets = re.findall(
        r"""(?:src|href)=["']([^"']+)["'][^>]*?integrity=["']([^"']+)""", page, re.S
    )
    outside = re.findall(r"""(?:src|href)=["'](https?://[^"']+)""", page)

    # then: none is outside, each is served, and each matches the page's integrity hash
    assert outside == []
    assert len(assets) == 7, assets
    for path, integrity in assets:
        response = await gql.http.get(path)
        assert response.status_code == 200, path
        algorithm, _, expected = integrity.partition("-")
        digest = base64.b64encode(hashlib.new(algorithm, response.content).digest()).decode()
        assert digest == expected, path
