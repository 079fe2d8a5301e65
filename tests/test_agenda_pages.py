"""The agenda's and 政务公开's list reads cost the same statements whatever their size:
the publications page and the register of requests (one ReadStatement each), and a
民生实事 round with its whole project tree, reports and evaluations."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event

from backend.people.models import Role
from tests.factories.agenda import PUBLICATIONS, REPORT, REQUESTS, ROUND, adopted_round
from tests.factories.cases import act
from tests.factories.people import make_user
from tests.factories.tenants import make_county

#: What the reads under test touch: other statements on the shared engine (timers, stream
#: writers of other tests' meetings) are not this request's.
_OURS = ("BEGIN", "publications", "information_requests", "livelihood_", "tenants", "memberships")


async def _count(server: Any, call: Any) -> tuple[list[str], Any]:
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        if any(word in statement for word in _OURS) and "FROM events" not in statement:
            statements.append(statement)

    engine = server.services.db.app_engine.sync_engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        result = await call()
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return statements, result


async def _seed_register(owner_db, county_id: int, n: int) -> None:
    await owner_db.execute(
        "INSERT INTO publications (tenant_id, title, body, category, state, author_user_id, "
        "published_at) SELECT $1, '公告' || i, '正文', 'NEWS', 'PUBLISHED', "
        "(SELECT id FROM users WHERE tenant_id = $1 LIMIT 1), now() FROM generate_series(1, $2) i",
        county_id,
        n,
    )
    await owner_db.execute(
        "INSERT INTO information_requests (tenant_id, number, requester_name, description, "
        "received_on, due_on, state) SELECT $1, '2026-' || lpad(i::text, 5, '0'), '王五', '申请', "
        "date '2026-09-01', date '2026-09-29', 'RECEIVED' FROM generate_series(1, $2) i",
        county_id,
        n,
    )


async def test_the_publications_page_and_the_register_cost_the_same_for_5_and_50(
    server, gql, owner_db
):
    county = await make_county(server)
    await _seed_register(owner_db, county.id, 60)
    staff = await make_user(server, county, roles=[(Role.DEPARTMENT_STAFF, None)])
    for query, variables, kw, root in (
        (PUBLICATIONS, {}, {"tenant": county.slug}, "publications"),
        (REQUESTS, {"o": True}, {"token": staff.token}, "informationRequests"),
    ):
        await gql.data(query, {**variables, "first": 1}, **kw)  # the county and grants cached
        per_page = {}
        for first in (5, 50):
            statements, body = await _count(
                server,
                lambda q=query, v=variables, f=first, k=kw: gql.data(q, {**v, "first": f}, **k),
            )
            assert len(body[root]["edges"]) == first
            per_page[first] = statements
        assert len(per_page[5]) == len(per_page[50]), (root, per_page)
        assert len(per_page[50]) <= 6, (root, per_page[50])


async def test_a_round_costs_the_same_statements_for_1_and_12_projects(server, gql, owner_db):
    sizes = {}
    for n in (1, 12):
        county = await make_county(server)
        titles = tuple(f"项目{i}" for i in range(n))
        _, projects = await adopted_round(gql, county, county.admin.token, titles=titles)
        for p in projects:
            await act(
                gql,
                REPORT,
                {"p": p, "m": "2027-03", "c": "10", "s": ["开工"]},
                county.admin.token,
            )
        statements, body = await _count(
            server, lambda c=county: gql.data(ROUND, {"y": 2027}, tenant=c.slug)
        )
        assert len(body["livelihoodRound"]["projects"]) == n
        assert {p["progress"] for p in body["livelihoodRound"]["projects"]} == {"10.00"}
        sizes[n] = statements
    assert len(sizes[1]) == len(sizes[12]), sizes
