"""The opinion map live: opinionMapLive pushes the recomputed map, coalesced, ending on the
exact map after the last vote; resumes with `after`; what the public and hosts see."""

from __future__ import annotations

import asyncio
from typing import Any

from tests.factories.opinion_map import (
    LIVE,
    MODERATE,
    SUBMIT,
    VOTE,
    add_statement,
    make_map_world,
    ok,
)
from tests.factories.tenants import db_id
from tests.realtime_client import GraphQLWS


async def next_event(ws: GraphQLWS, op: str) -> dict[str, Any]:
    message = await ws.message(op)
    assert message["type"] == "next", message
    assert "errors" not in message["payload"], message
    return message["payload"]["data"]["opinionMapLive"]


async def until(ws: GraphQLWS, op: str, predicate: Any) -> list[dict[str, Any]]:
    seen: list[dict[str, Any]] = []
    while True:
        event = await next_event(ws, op)
        seen.append(event)
        if predicate(event):
            return seen


async def head(owner_db: Any, opinion_map: str) -> int:
    return await owner_db.fetchval(
        "SELECT coalesce(max(seq), 0) FROM events WHERE stream = $1",
        f"opinionmap:{db_id(opinion_map)}",
    )


def counts(result: dict[str, Any]) -> dict[str, tuple[int, int, int]]:
    return {
        s["statementId"]: (s["agree"], s["disagree"], s["passed"]) for s in result["statements"]
    }


async def test_watchers_get_the_recomputed_map_ending_on_the_exact_counts(server, gql, owner_db):
    w = await make_map_world(server, gql, voters=6)
    statements = [await add_statement(gql, w.county, w.opinion_map, f"观点{i}") for i in range(3)]
    choices = ["AGREE", "DISAGREE", "PASS"]
    expected: dict[str, list[int]] = {s: [0, 0, 0] for s in statements}

    async with GraphQLWS(server.ws_url) as ws:
        await ws.open(w.voters[0].token)
        op = await ws.subscribe(
            LIVE, {"o": w.opinion_map, "after": await head(owner_db, w.opinion_map)}
        )
        votes = []
        for n, voter in enumerate(w.voters):
            for i, s in enumerate(statements):
                choice = choices[(n + i) % 3]
                expected[s][(n + i) % 3] += 1
                votes.append(ok(gql, VOTE, {"s": s, "c": choice}, voter.token))
        await asyncio.gather(*votes)
        exact = {s: tuple(v) for s, v in expected.items()}
        seen = await until(
            ws, op, lambda e: e["type"] == "opinionMap.computed" and counts(e["result"]) == exact
        )

    computed = [e for e in seen if e["type"] == "opinionMap.computed"]
    assert computed[-1]["result"]["votes"] == 18
    assert computed[-1]["result"]["participants"] == 6
    versions = [e["result"]["version"] for e in computed]
    assert versions == sorted(versions)
    assert versions[-1] == 18 + 3, versions  # every vote written and every statement shown, once
    assert len(computed) < 18  # coalesced: not one map per vote


async def test_the_public_never_sees_a_pending_statement_and_hosts_do(server, gql, owner_db):
    w = await make_map_world(server, gql, voters=1)
    after = await head(owner_db, w.opinion_map)

    async with GraphQLWS(server.ws_url) as public, GraphQLWS(server.ws_url) as host:
        await public.open(w.voters[0].token)
        await host.open(w.host.token)
        public_op = await public.subscribe(LIVE, {"o": w.opinion_map, "after": after})
        host_op = await host.subscribe(LIVE, {"o": w.opinion_map, "after": after})
        submitted = (
            await ok(gql, SUBMIT, {"o": w.opinion_map, "b": "建议增设充电桩"}, w.voters[0].token)
        )["statement"]
        await ok(gql, MODERATE, {"s": submitted["id"], "show": True}, w.host.token)
        public_seen = await until(
            public, public_op, lambda e: e["type"] == "opinionStatement.shown"
        )
        host_seen = await until(host, host_op, lambda e: e["type"] == "opinionStatement.shown")

    assert [e["type"] for e in public_seen if e["type"] != "opinionMap.computed"] == [
        "opinionStatement.shown"
    ]
    assert [e["type"] for e in host_seen if e["type"] != "opinionMap.computed"] == [
        "opinionStatement.submitted",
        "opinionStatement.shown",
    ]
    assert host_seen[0]["statement"]["state"] == "PENDING"
    assert public_seen[-1]["statement"]["body"] == "建议增设充电桩"


async def test_a_watcher_resumes_with_after_without_gap_or_duplicate(server, gql, owner_db):
    w = await make_map_world(server, gql, voters=1)
    start = await head(owner_db, w.opinion_map)
    first = await add_statement(gql, w.county, w.opinion_map, "第一条")

    async with GraphQLWS(server.ws_url) as ws:
        await ws.open(w.voters[0].token)
        op = await ws.subscribe(LIVE, {"o": w.opinion_map, "after": start})
        seen = await until(ws, op, lambda e: e["type"] == "opinionStatement.shown")
    last_seq = seen[-1]["seq"]
    await add_statement(gql, w.county, w.opinion_map, "第二条")
    await add_statement(gql, w.county, w.opinion_map, "第三条")

    async with GraphQLWS(server.ws_url) as ws:
        await ws.open(w.voters[0].token)
        op = await ws.subscribe(LIVE, {"o": w.opinion_map, "after": last_seq})
        resumed = await until(
            ws,
            op,
            lambda e: e["type"] == "opinionStatement.shown" and e["statement"]["body"] == "第三条",
        )

    shown = [e for e in resumed if e["type"] == "opinionStatement.shown"]
    assert seen[-1]["statementId"] == first
    assert [e["statement"]["body"] for e in shown] == ["第二条", "第三条"]
    assert [e["seq"] for e in shown] == [last_seq + 1, last_seq + 2]
