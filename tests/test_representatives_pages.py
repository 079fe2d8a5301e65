"""The representatives' list pages cost a constant number of statements whatever their
size: the representatives page with each one's places (and each place's unit and venue),
the proposals page with each proposal's units and representative."""

from __future__ import annotations

from typing import Any

from tests.cases_world import make_world
from tests.factories.representatives import (
    ASSIGN,
    REGISTER_PROPOSAL,
    deputy,
    link,
    ok,
    register,
)
from tests.factories.tenants import gid
from tests.statements import fewest_statements

REPS_PAGE = """
query($first: Int) { representatives(first: $first) { edges { node {
  id name places { id active orgUnit { id name } venue { id name } } } } } }"""
PROPOSALS_PAGE = """
query($first: Int) { proposals(first: $first) { edges { node {
  id number units { role unit { id name } } representative { id name places { id } } } } } }"""


async def _counted(server, gql, query: str, token: str) -> dict[int, tuple[list[str], Any]]:  # type: ignore[no-untyped-def]
    await gql.data(query, {"first": 1}, token=token)  # grants cached
    counted, bodies = await fewest_statements(
        server, (2, 8), lambda first: gql.data(query, {"first": first}, token=token)
    )
    return {first: (counted[first], bodies[first]) for first in counted}


async def test_the_pages_cost_the_same_statements_for_2_and_8(server, gql):
    w = await make_world(server)
    for i in range(8):
        rep = await register(gql, w.county, deputy(f"代表{i}"))
        await link(gql, w.county, rep["id"], w.unit(w.village), "2020-01-01")
        await link(gql, w.county, rep["id"], gid("Venue", w.venue), "2020-01-01")
        proposal = await ok(
            gql, REGISTER_PROPOSAL, {"r": rep["id"], "t": f"建议{i}", "b": "内容"}, w.admin.token
        )
        await ok(
            gql,
            ASSIGN,
            {"p": proposal["proposal"]["id"], "l": w.unit(w.department), "c": [w.unit(w.township)]},
            w.admin.token,
        )

    for query, field in ((REPS_PAGE, "representatives"), (PROPOSALS_PAGE, "proposals")):
        counted = await _counted(server, gql, query, w.admin.token)
        (small, small_body), (large, large_body) = counted[2], counted[8]
        assert len(small) == len(large), (field, small, large)
        assert len(large) <= 8, (field, large)
        assert len(small_body[field]["edges"]) == 2
        nodes = [e["node"] for e in large_body[field]["edges"]]
        assert len(nodes) == 8
        if field == "representatives":
            assert all(len(n["places"]) == 2 for n in nodes)
            assert {p["orgUnit"]["name"] for n in nodes for p in n["places"] if p["orgUnit"]} == {
                "北街社区"
            }
        else:
            assert all([u["role"] for u in n["units"]] == ["LEAD", "CO"] for n in nodes)
            assert all(len(n["representative"]["places"]) == 2 for n in nodes)
