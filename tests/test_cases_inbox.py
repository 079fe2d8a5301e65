"""A unit's live inbox (`caseInbox`, multiplexed over graphql-transport-ws): new cases,
dispatches, signs and returns reach the unit's staff as they commit, replay with `after`,
and are refused to anyone else."""

from __future__ import annotations

from tests.cases_world import make_world
from tests.factories.cases import DISPATCH, RETURN, SIGN, act, online, raise_case
from tests.realtime_client import GraphQLWS

INBOX = """
subscription($u: ID!, $after: Int) {
  caseInbox(unitId: $u, after: $after) { seq type caseId number title state assignmentId role dueOn note }
}"""


async def next_item(ws, op):
    message = await ws.message(op)
    assert message["type"] == "next", message
    assert "errors" not in message["payload"], message
    return message["payload"]["data"]["caseInbox"]


async def test_a_units_inbox_updates_live_and_replays(server, gql):
    w = await make_world(server)
    unit = w.unit(w.department)
    async with GraphQLWS(server.ws_url) as ws:
        await ws.open(w.department_staff.token)
        op = await ws.subscribe(INBOX, {"u": unit})
        case = (await raise_case(gql, w.citizen.token, online(placeUnitId=w.unit(w.village))))[
            "case"
        ]
        sent = await act(gql, DISPATCH, {"c": case["id"], "u": unit}, w.township_staff.token)
        item = await next_item(ws, op)
        assert (item["type"], item["caseId"], item["number"], item["role"]) == (
            "inbox.dispatched",
            case["id"],
            case["number"],
            "LEAD",
        )
        assert item["assignmentId"] == sent["assignment"]["id"]
        await act(gql, SIGN, {"a": sent["assignment"]["id"]}, w.department_staff.token)
        signed = await next_item(ws, op)
        assert signed["type"] == "inbox.signed" and signed["state"] == "IN_PROGRESS"
        other = (await raise_case(gql, w.citizen.token, online(title="第二件")))["case"]
        second = await act(gql, DISPATCH, {"c": other["id"], "u": unit}, w.admin.token)
        assert (await next_item(ws, op))["caseId"] == other["id"]
        await act(
            gql,
            RETURN,
            {"a": second["assignment"]["id"], "r": "非本单位职责"},
            w.department_staff.token,
        )
        # the return goes to the county office's inbox, not this one's
    async with GraphQLWS(server.ws_url) as ws:
        await ws.open(w.admin.token)
        op = await ws.subscribe(INBOX, {"u": w.county.root_gid, "after": 0})
        replayed = [await next_item(ws, op) for _ in range(2)]
        assert [r["type"] for r in replayed] == ["inbox.received", "inbox.returned"]
        assert replayed[1]["note"] == "非本单位职责"
    async with GraphQLWS(server.ws_url) as ws:
        await ws.open(w.department_staff.token)
        op = await ws.subscribe(INBOX, {"u": unit, "after": 0})
        assert [(await next_item(ws, op))["type"] for _ in range(3)] == [
            "inbox.dispatched",
            "inbox.signed",
            "inbox.dispatched",
        ]


async def test_the_inbox_is_refused_outside_the_unit(server, gql):
    w = await make_world(server)
    for token in (w.citizen.token, w.township_staff.token):
        async with GraphQLWS(server.ws_url) as ws:
            await ws.open(token)
            op = await ws.subscribe(INBOX, {"u": w.unit(w.department)})
            message = await ws.message(op)
            assert message["type"] == "error", message
            assert message["payload"][0]["extensions"]["code"] == "FORBIDDEN", message
