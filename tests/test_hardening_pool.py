"""The request's read connection goes back to the pool whatever its fields do: a field
that fails while a sibling is still reading, a cancelled sibling, a failing node in
`nodes`. Found by an outside run: 40 such requests left every pooled connection "idle in
transaction" and the service down until restart."""

from __future__ import annotations

import asyncio
import itertools

from tenants.models import VenueLevel
from tests.factories.meetings import make_meeting
from tests.factories.tenants import gid, make_county, make_venue

SIBLINGS_ONE_FAILS = (
    "{ meetings(first: 1) { edges { node { id } } } users(first: 1) { edges { node { id } } } }"
)
NODES = "query($ids: [ID!]!) { nodes(ids: $ids) { id } }"
SUCCEEDS = "{ meetings(first: 5) { edges { node { id title } } } orgUnits(first: 5) { edges { node { id name } } } }"


async def stuck_connections(owner_db, database_url: str) -> list[str]:
    name = database_url.rsplit("/", 1)[1]
    rows = await owner_db.fetch(
        "SELECT state FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()"
        " AND state LIKE 'idle in transaction%'",
        name,
    )
    return [r["state"] for r in rows]


async def test_mixed_failing_multi_field_requests_leave_no_connection_in_transaction(
    server, gql, owner_db, database_url
):
    # given: a county with a meeting, a venue and an admin whose actions write audit entries
    county = await make_county(server)
    venue = await make_venue(server, county, unit_id=county.root_id, level=VenueLevel.CENTER)
    meeting = await make_meeting(gql, county)
    ids = [
        gid("Venue", venue),
        gid("AuditEntry", 1),
        county.root_gid,
        meeting,
    ]
    shapes = itertools.cycle(
        [
            (SIBLINGS_ONE_FAILS, None),
            (NODES, {"ids": ids}),
            (SUCCEEDS, None),
            (NODES, {"ids": list(reversed(ids)) * 5}),
        ]
    )

    # when: 2,000 requests, 40 at a time, every shape anonymous with the county given
    async def one(query: str, variables: dict | None) -> dict:
        return await gql.execute(query, variables, tenant=county.slug)

    bodies: list[dict] = []
    for _ in range(50):
        batch = [one(*next(shapes)) for _ in range(40)]
        bodies.extend(await asyncio.gather(*batch))

    # then: no answer is an internal error, no connection is left in a transaction ...
    codes = {e.get("extensions", {}).get("code") for body in bodies for e in body.get("errors", [])}
    assert "INTERNAL_SERVER_ERROR" not in codes, codes
    await asyncio.sleep(0.2)
    assert await stuck_connections(owner_db, database_url) == []
    # ... and the service answers normally
    data = await gql.data(SUCCEEDS, tenant=county.slug)
    assert [e["node"]["id"] for e in data["meetings"]["edges"]] == [meeting]
    ready = await gql.http.get("/readyz")
    assert ready.status_code == 200


async def test_a_pool_that_loses_a_connection_heals(server, gql, owner_db, database_url):
    # given: the service's connections are killed behind its back
    county = await make_county(server)
    await gql.data(SUCCEEDS, tenant=county.slug)
    name = database_url.rsplit("/", 1)[1]
    await owner_db.execute(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
        " WHERE datname = $1 AND application_name = 'yishi' AND pid <> pg_backend_pid()",
        name,
    )

    # when: requests arrive afterwards
    responses = [
        await gql.http.post("/graphql", json={"query": SUCCEEDS}, headers={"X-Tenant": county.slug})
        for _ in range(15)
    ]

    # then: a request that met a lost connection was told to retry (503, SERVICE_UNAVAILABLE,
    # Retry-After), not given an internal error; after at most the connections that were
    # lost, every answer is normal again
    for response in responses:
        if response.status_code != 200:
            codes = {e["extensions"]["code"] for e in response.json()["errors"]}
            assert (response.status_code, codes) == (503, {"SERVICE_UNAVAILABLE"}), response.text
            assert response.headers["Retry-After"] == "1"
    assert all(r.status_code == 200 and "errors" not in r.json() for r in responses[-3:])
    assert (await gql.http.get("/readyz")).status_code == 200
