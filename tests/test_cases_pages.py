"""The cases list page (schema/cases/pages.py): 50 cases with their accountable unit,
handler (the LEAD assignment's unit), deadline and last event cost the same statements as
5 (as tests/test_pages.py for meetings), and the page follows its cursor."""

from __future__ import annotations

from backend.cases import intake, routing
from backend.cases.models import AssignmentRole, CaseChannel, CaseKind
from backend.core.security import Principal
from backend.people import service as people
from tests.cases_world import make_world
from tests.statements import fewest_statements

CASE_PAGE = """
query Page($first: Int, $after: String, $f: CasesFilter) {
  cases(first: $first, after: $after, filter: $f) {
    edges { cursor node {
      id number state dueOn overdue view contactPhone stream
      accountableUnit { name } handler { name } lastEvent { type seq at }
      assignments { role state } replies { kind }
    } }
    pageInfo { hasNextPage endCursor }
  }
}"""


async def principal_of(server, county, user_id) -> Principal:
    async with server.services.db.transaction(tenant_id=county.id) as session:
        _, name, grants = await people.load_grants(session, user_id)
    return Principal(tenant_id=county.id, user_id=user_id, grants=grants, display_name=name)


async def seed_cases(server, w, count: int) -> None:
    """`count` cases raised at the community, dispatched to the department and signed
    (through the services: only the reads are under test)."""
    citizen = await principal_of(server, w.county, w.citizen.user_id)
    admin = await principal_of(server, w.county, w.admin.user_id)
    staff = await principal_of(server, w.county, w.department_staff.user_id)
    async with server.services.db.transaction(tenant_id=w.county.id, user_id=w.admin.user_id) as s:
        for i in range(count):
            case = await intake.raise_case(
                s,
                citizen,
                intake.CaseDraft(
                    channel=CaseChannel.ONLINE,
                    kind=CaseKind.DEMAND,
                    title=f"第{i + 1}件",
                    body="路面破损",
                    place_unit_id=w.village,
                    contact_phone="13812345678",
                ),
            )
            a = await routing.dispatch_case(
                s, admin, case_id=case.id, unit_id=w.department, role=AssignmentRole.LEAD
            )
            if i % 2 == 0:
                await routing.sign_assignment(s, staff, assignment_id=a.id)


async def test_a_cases_page_costs_the_same_statements_for_5_and_50(server, gql, owner_db):
    w = await make_world(server)
    await seed_cases(server, w, 50)
    token = w.department_staff.token
    await gql.data(CASE_PAGE, {"first": 1}, token=token)  # grants cached
    per_page, pages = await fewest_statements(
        server, (5, 50), lambda first: gql.data(CASE_PAGE, {"first": first}, token=token)
    )

    assert len(per_page[5]) == len(per_page[50]), (per_page[5], per_page[50])
    assert len(per_page[50]) <= 10, per_page[50]
    for first, body in pages.items():
        nodes = [e["node"] for e in body["cases"]["edges"]]
        assert len(nodes) == first
        for node in nodes:
            signed = int(node["number"].split("-")[1]) % 2 == 1  # 1st, 3rd… were signed
            assert node["view"] == "staff"
            assert node["handler"] == {"name": "县住建委"}
            assert node["accountableUnit"] == {"name": "县住建委" if signed else "北街社区"}
            assert node["lastEvent"]["type"] == ("case.signed" if signed else "case.dispatched")
            assert node["state"] == ("IN_PROGRESS" if signed else "DISPATCHED")
            assert node["assignments"] == [
                {"role": "LEAD", "state": "SIGNED" if signed else "PENDING"}
            ]
            # the department sees the phone in full only where it is accountable
            assert node["contactPhone"] == ("+8613812345678" if signed else "138****5678")
            assert node["stream"] == f"case:{node['id']}"


async def test_the_next_page_follows_the_cursor_and_filters(server, gql):
    w = await make_world(server)
    await seed_cases(server, w, 7)
    token = w.admin.token
    first = await gql.data(CASE_PAGE, {"first": 4}, token=token)
    assert first["cases"]["pageInfo"]["hasNextPage"] is True
    rest = await gql.data(
        CASE_PAGE, {"first": 4, "after": first["cases"]["pageInfo"]["endCursor"]}, token=token
    )
    numbers = [e["node"]["number"] for e in first["cases"]["edges"] + rest["cases"]["edges"]]
    assert numbers == sorted(numbers, reverse=True) and len(set(numbers)) == 7
    assert rest["cases"]["pageInfo"]["hasNextPage"] is False
    signed = await gql.data(CASE_PAGE, {"f": {"state": ["IN_PROGRESS"]}}, token=token)
    assert len(signed["cases"]["edges"]) == 4
    by_channel = await gql.data(
        CASE_PAGE, {"f": {"channel": "HOTLINE", "kind": "DEMAND"}}, token=token
    )
    assert by_channel["cases"]["edges"] == []
    unit = await gql.data(CASE_PAGE, {"f": {"unitId": w.unit(w.department)}}, token=token)
    assert len(unit["cases"]["edges"]) == 7
