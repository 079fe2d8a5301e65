"""A unit's inbox tabs on the server (backend/cases/inbox.py): `cases(filter: {unitId,
queue})` lists exactly each tab's cases across pages (more than 50 where it matters),
`caseInboxCounts(unitId)` gives each tab's length, a tab of a unit one does not work for is
refused, and the tab page costs the same statements for 5 and 50."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from backend.cases import intake, routing
from backend.cases.models import AssignmentRole, CaseChannel, CaseKind
from backend.cases.replies import today
from tests.cases_world import World, make_world
from tests.factories.cases import official_due
from tests.factories.tenants import db_id, gid, make_county
from tests.statements import fewest_statements
from tests.test_cases_pages import principal_of

TAB = """
query Tab($f: CasesFilter, $first: Int, $after: String) {
  cases(filter: $f, first: $first, after: $after) {
    edges { node { id number state } }
    pageInfo { hasNextPage endCursor }
  }
}"""

COUNTS = """
query Counts($u: ID!) {
  caseInboxCounts(unitId: $u) { new toSign inHandling sentBack dueSoon overdue }
}"""

QUEUES = {
    "NEW": "new",
    "TO_SIGN": "toSign",
    "IN_HANDLING": "inHandling",
    "SENT_BACK": "sentBack",
    "DUE_SOON": "dueSoon",
    "OVERDUE": "overdue",
}


async def seed(server, w: World, owner_db) -> dict[str, list[int]]:  # type: ignore[no-untyped-def]
    """Cases raised at the village (its 首接), in groups by what was done with them:
    `pending` 52 dispatched to the department, `signed` 6 signed by it, `co` 1 signed by it
    with a 协办 still pending at the township, `returned` 3 sent back by it, `fresh` 4 never
    dispatched. Due dates: 2 `signed` overdue and 1 due soon, 1 `pending` and 1 `fresh`
    overdue (the rest have none)."""
    citizen = await principal_of(server, w.county, w.citizen.user_id)
    admin = await principal_of(server, w.county, w.admin.user_id)
    staff = await principal_of(server, w.county, w.department_staff.user_id)
    groups: dict[str, list[int]] = {k: [] for k in ("pending", "signed", "co", "returned", "fresh")}
    plan = ["pending"] * 52 + ["signed"] * 6 + ["co"] + ["returned"] * 3 + ["fresh"] * 4
    async with server.services.db.transaction(tenant_id=w.county.id, user_id=w.admin.user_id) as s:
        for i, group in enumerate(plan):
            case = await intake.raise_case(
                s,
                citizen,
                intake.CaseDraft(
                    channel=CaseChannel.ONLINE,
                    kind=CaseKind.DEMAND,
                    title=f"第{i + 1}件",
                    body="路面破损",
                    place_unit_id=w.village,
                ),
            )
            groups[group].append(case.id)
            if group == "fresh":
                continue
            lead = await routing.dispatch_case(
                s, admin, case_id=case.id, unit_id=w.department, role=AssignmentRole.LEAD
            )
            if group in ("signed", "co"):
                await routing.sign_assignment(s, staff, assignment_id=lead.id)
            if group == "co":
                await routing.dispatch_case(
                    s, admin, case_id=case.id, unit_id=w.township, role=AssignmentRole.CO
                )
            if group == "returned":
                await routing.return_assignment(
                    s, staff, assignment_id=lead.id, reason="非本单位职责"
                )
    day = today()
    for case_id, due in (
        (groups["signed"][0], day - timedelta(days=3)),
        (groups["signed"][1], day - timedelta(days=1)),
        (groups["signed"][2], official_due(day, 1)),
        (groups["pending"][7], day - timedelta(days=2)),
        (groups["fresh"][0], day - timedelta(days=5)),
    ):
        await owner_db.execute("UPDATE cases SET due_on = $2 WHERE id = $1", case_id, due)
    for case_id in groups["signed"][3:]:
        await owner_db.execute(
            "UPDATE cases SET due_on = $2 WHERE id = $1", case_id, official_due(day, 20)
        )
    return groups


async def whole_tab(gql, unit: str, queue: str, token: str, first: int) -> list[int]:  # type: ignore[no-untyped-def]
    """Every case of the tab, page by page (newest first), as row ids."""
    ids: list[int] = []
    after = None
    while True:
        body = await gql.data(
            TAB,
            {"f": {"unitId": unit, "queue": queue}, "first": first, "after": after},
            token=token,
        )
        page = body["cases"]
        assert len(page["edges"]) <= first
        ids += [db_id(e["node"]["id"]) for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            return ids
        after = page["pageInfo"]["endCursor"]


async def test_each_tab_lists_exactly_its_cases_across_pages_and_the_counts_match(
    server, gql, owner_db
):
    w = await make_world(server)
    g = await seed(server, w, owner_db)
    signed, pending = g["signed"], g["pending"]
    expected: dict[tuple[int, str], list[int]] = {
        (w.department, "NEW"): [],
        (w.department, "TO_SIGN"): pending,
        (w.department, "IN_HANDLING"): signed + g["co"],
        (w.department, "SENT_BACK"): [],
        (w.department, "DUE_SOON"): [signed[2]],
        (w.department, "OVERDUE"): [signed[0], signed[1], pending[7]],
        (w.village, "NEW"): g["fresh"],  # never the returned ones
        (w.village, "TO_SIGN"): [],
        (w.village, "IN_HANDLING"): [],
        (w.village, "SENT_BACK"): g["returned"],
        (w.village, "DUE_SOON"): [],
        (w.village, "OVERDUE"): [pending[7], g["fresh"][0]],
        (w.township, "TO_SIGN"): g["co"],  # the 协办 to sign, so not 办理中 there
        (w.township, "IN_HANDLING"): [],
        (w.township, "NEW"): [],
        (w.township, "SENT_BACK"): [],
        (w.township, "DUE_SOON"): [],
        (w.township, "OVERDUE"): [],
        (w.county.root_id, "SENT_BACK"): g["returned"],  # the county office re-dispatches
        (w.county.root_id, "NEW"): [],
        (w.county.root_id, "TO_SIGN"): [],
        (w.county.root_id, "IN_HANDLING"): [],
        (w.county.root_id, "DUE_SOON"): [],
        (w.county.root_id, "OVERDUE"): [],
    }
    reader = {
        w.department: w.department_staff.token,
        w.village: w.township_staff.token,  # staff above the unit
        w.township: w.township_staff.token,
        w.county.root_id: w.admin.token,
    }
    for unit, token in reader.items():
        counts = (await gql.data(COUNTS, {"u": gid("OrgUnit", unit)}, token=token))[
            "caseInboxCounts"
        ]
        for queue, field in QUEUES.items():
            want = sorted(expected[(unit, queue)], reverse=True)
            got = await whole_tab(gql, gid("OrgUnit", unit), queue, token, first=20)
            assert got == want, (unit, queue)
            assert counts[field] == len(want), (unit, queue, counts)

    # the 52 to sign: a page of 50 holds 50 of them, the next the last 2
    unit = gid("OrgUnit", w.department)
    first = await gql.data(
        TAB, {"f": {"unitId": unit, "queue": "TO_SIGN"}, "first": 50}, token=w.admin.token
    )
    assert len(first["cases"]["edges"]) == 50 and first["cases"]["pageInfo"]["hasNextPage"]
    assert {e["node"]["state"] for e in first["cases"]["edges"]} == {"DISPATCHED"}
    rest = await gql.data(
        TAB,
        {
            "f": {"unitId": unit, "queue": "TO_SIGN"},
            "first": 50,
            "after": first["cases"]["pageInfo"]["endCursor"],
        },
        token=w.admin.token,
    )
    assert [db_id(e["node"]["id"]) for e in rest["cases"]["edges"]] == sorted(pending)[:2][::-1]
    assert rest["cases"]["pageInfo"]["hasNextPage"] is False
    # a queue narrows with the other filters
    hotline = await gql.data(
        TAB,
        {"f": {"unitId": unit, "queue": "TO_SIGN", "channel": "HOTLINE"}},
        token=w.admin.token,
    )
    assert hotline["cases"]["edges"] == []


async def test_a_tab_of_a_unit_one_does_not_work_for_is_refused(server, gql):
    w = await make_world(server)
    other = await make_county(server, name="邻县")
    department = gid("OrgUnit", w.department)

    async def tab_errors(variables: dict[str, Any], token: str | None) -> list[Any]:
        body = await gql.execute(
            TAB, variables, token=token, tenant=None if token else w.county.slug
        )
        return [(e["extensions"]["code"], e["message"]) for e in body.get("errors", [])]

    async def count_errors(unit: str, token: str | None) -> list[Any]:
        body = await gql.execute(
            COUNTS, {"u": unit}, token=token, tenant=None if token else w.county.slug
        )
        assert body.get("data") is None, body
        return [e["extensions"]["code"] for e in body.get("errors", [])]

    forbidden = "无权查看该单位的待办：需要该单位工作人员或县级管理员"
    for token in (w.township_staff.token, w.citizen.token, w.mediator.token, None):
        assert await tab_errors({"f": {"unitId": department, "queue": "NEW"}}, token) == [
            ("FORBIDDEN", forbidden)
        ], token
        assert await count_errors(department, token) == ["FORBIDDEN"], token
    # the department's staff may not read the village's tabs (neither above nor of it)
    assert await tab_errors(
        {"f": {"unitId": gid("OrgUnit", w.village), "queue": "SENT_BACK"}},
        w.department_staff.token,
    ) == [("FORBIDDEN", forbidden)]
    # another county's unit names no row here
    foreign = other.root_gid
    assert await tab_errors({"f": {"unitId": foreign, "queue": "NEW"}}, w.admin.token) == [
        ("BAD_USER_INPUT", "参数 unitId 指向的单位不存在或不属于本县")
    ]
    assert await count_errors(foreign, w.admin.token) == ["BAD_USER_INPUT"]
    # a queue needs its unit
    assert await tab_errors({"f": {"queue": "NEW"}}, w.admin.token) == [
        ("BAD_USER_INPUT", "参数 filter.queue 需要同时给出 filter.unitId（哪个单位的待办）")
    ]


async def test_a_tab_page_costs_the_same_statements_for_5_and_50(server, gql, owner_db):
    w = await make_world(server)
    g = await seed(server, w, owner_db)
    token = w.department_staff.token
    f = {"unitId": gid("OrgUnit", w.department), "queue": "TO_SIGN"}
    await gql.data(TAB, {"f": f, "first": 1}, token=token)  # grants cached
    per_page, bodies = await fewest_statements(
        server, (5, 50), lambda first: gql.data(TAB, {"f": f, "first": first}, token=token)
    )
    assert {first: len(body["cases"]["edges"]) for first, body in bodies.items()} == {5: 5, 50: 50}
    assert len(per_page[5]) == len(per_page[50]), (per_page[5], per_page[50])
    assert sum("FROM cases" in s for s in per_page[50]) == 1, per_page[50]
    assert len(g["pending"]) == 52
