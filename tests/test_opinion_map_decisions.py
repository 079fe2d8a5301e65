"""The opinion map of a decision's comment period (征求意见期) over the GraphQL API: the lead
unit turns it on while the period is open, takes statements from the decision's opinions,
members of the county vote, watchers follow it live (graphql-transport-ws), and closing it
writes the result to the decision's record and participation report (JSON and .docx);
refusals write nothing. And the table of a concluded map in a meeting record's .docx."""

from __future__ import annotations

import base64
import contextlib
import io
import json
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import asyncpg
import httpx
import pytest
from docx import Document

from backend.core.limits import Action, Rate
from backend.decisions.stream import today
from backend.people.models import Role
from tests.cases_world import World, make_world
from tests.conftest import county_rows
from tests.factories.decisions import (
    ANSWER,
    COMMENT,
    EVENTS,
    RECORD,
    VERIFY,
    act,
    add_version,
    make_decision,
    open_consultation,
)
from tests.factories.meetings import make_meeting
from tests.factories.opinion_map import (
    ADD,
    CLOSE_MAP,
    DECISION_MAP,
    DECISION_WITH_MAP,
    LIVE,
    MODERATE,
    OPEN_DECISION_MAP,
    SUBMIT,
    VOTE,
    add_statement,
    make_map_world,
    ok,
)
from tests.factories.people import make_user
from tests.factories.tenants import Account, db_id, make_county
from tests.meetings_api import POST_COMMENT
from tests.realtime_client import GraphQLWS

TOPIC = "城区停车收费"
REPORT = (
    "mutation($d: ID!) { generateParticipationReport(decisionId: $d) {"
    " report { content docxBase64 } errors { field code message } } }"
)


async def consulting(server: Any, gql: Any) -> tuple[World, dict[str, Any]]:
    """A county, a decision of its 住建委 (the lead unit) in its open comment period."""
    w = await make_world(server)
    staff = w.department_staff.token
    decision = await make_decision(gql, staff, w.unit(w.department))
    await add_version(gql, staff, decision["id"])
    await open_consultation(gql, staff, decision["id"])
    return w, decision


async def open_map(gql: Any, decision: dict[str, Any], token: str) -> dict[str, Any]:
    payload = await ok(gql, OPEN_DECISION_MAP, {"d": decision["id"], "t": TOPIC}, token)
    return payload["opinionMap"]


async def citizens(server: Any, w: World, n: int) -> list[Account]:
    return [
        await make_user(server, w.county, roles=[(Role.CITIZEN, None)], name=f"居民{i}")
        for i in range(n)
    ]


async def two_camps(gql: Any, statements: list[str], voters: list[Account]) -> None:
    """Even voters agree with every statement, odd ones disagree."""
    for n, voter in enumerate(voters):
        for s in statements:
            await ok(gql, VOTE, {"s": s, "c": "AGREE" if n % 2 == 0 else "DISAGREE"}, voter.token)


def counts(result: dict[str, Any]) -> dict[str, tuple[int, int, int]]:
    return {
        s["statementId"]: (s["agree"], s["disagree"], s["passed"]) for s in result["statements"]
    }


def docx_text(content: bytes) -> tuple[str, list[list[list[str]]]]:
    """The paragraphs' text and every table as rows of cell texts."""
    document = Document(io.BytesIO(content))
    text = "\n".join(p.text for p in document.paragraphs)
    tables = [[[c.text for c in r.cells] for r in t.rows] for t in document.tables]
    return text, tables


def table_with(tables: list[list[list[str]]], header: list[str]) -> list[list[str]]:
    (found,) = [t for t in tables if t and t[0] == header]
    return found[1:]


async def test_the_lead_unit_turns_the_map_on_and_members_vote_on_statements_from_opinions(
    server, gql, owner_db
):
    w, d = await consulting(server, gql)
    staff = w.department_staff.token
    opened = await open_map(gql, d, staff)
    opinion = (await act(gql, COMMENT, {"d": d["id"], "b": "夜间应免费停车"}, w.citizen.token))[
        "opinion"
    ]["id"]

    taken = (await ok(gql, ADD, {"o": opened["id"], "c": opinion}, staff))["statement"]
    entered = await add_statement(gql, w.county, opened["id"], "应增加路边临时泊位")
    await ok(gql, VOTE, {"s": taken["id"], "c": "AGREE"}, w.citizen.token)
    await ok(gql, VOTE, {"s": entered, "c": "DISAGREE"}, w.citizen.token)
    await ok(gql, VOTE, {"s": taken["id"], "c": "AGREE"}, w.other_citizen.token)
    shown = (await gql.data(DECISION_MAP, {"d": d["id"]}, token=w.citizen.token))[
        "decisionOpinionMap"
    ]
    on_decision = (await gql.data(DECISION_WITH_MAP, {"d": d["id"]}, token=w.other_citizen.token))[
        "decision"
    ]["opinionMap"]

    assert (opened["decisionId"], opened["meetingId"], opened["isOpen"]) == (d["id"], None, True)
    assert (taken["body"], taken["source"], taken["state"]) == (
        "夜间应免费停车",
        "COMMENT",
        "SHOWN",
    )
    assert shown["id"] == on_decision["id"] == opened["id"] and shown["topic"] == TOPIC
    assert counts(shown["result"]) == {taken["id"]: (2, 0, 0), entered: (0, 1, 0)}
    assert sorted((v["statementId"], v["choice"]) for v in shown["myVotes"]) == sorted(
        [(taken["id"], "AGREE"), (entered, "DISAGREE")]
    )
    assert [v["choice"] for v in on_decision["myVotes"]] == ["AGREE"]
    rows = await owner_db.fetch(
        "SELECT * FROM opinion_votes WHERE map_id = $1", db_id(opened["id"])
    )
    assert len(rows) == 3 and "user_id" not in rows[0].keys()
    assert not {str(a.user_id) for a in (w.citizen, w.other_citizen)} & {r["voter"] for r in rows}
    statement_row = await owner_db.fetchrow(
        "SELECT opinion_id, comment_id FROM opinion_statements WHERE id = $1", db_id(taken["id"])
    )
    assert (statement_row["opinion_id"], statement_row["comment_id"]) == (db_id(opinion), None)


async def test_turning_the_map_on_is_refused_outside_the_period_to_other_units_and_counties(
    server, gql, owner_db
):
    w, d = await consulting(server, gql)
    staff = w.department_staff.token
    no_period = await make_decision(gql, staff, w.unit(w.department))
    await add_version(gql, staff, no_period["id"])
    other = await make_county(server, name="邻县")
    before = await county_rows(owner_db, w.county.id)
    other_before = await county_rows(owner_db, other.id)

    not_open = (await gql.data(OPEN_DECISION_MAP, {"d": no_period["id"], "t": TOPIC}, token=staff))[
        "openDecisionOpinionMap"
    ]
    not_lead = await gql.execute(
        OPEN_DECISION_MAP, {"d": d["id"], "t": TOPIC}, token=w.township_staff.token
    )
    citizen = await gql.execute(
        OPEN_DECISION_MAP, {"d": d["id"], "t": TOPIC}, token=w.citizen.token
    )
    foreign = (
        await gql.data(OPEN_DECISION_MAP, {"d": d["id"], "t": TOPIC}, token=other.admin.token)
    )["openDecisionOpinionMap"]
    foreign_read = await gql.data(DECISION_MAP, {"d": d["id"]}, token=other.admin.token)

    assert [(e["field"], e["code"]) for e in not_open["errors"]] == [
        ("decisionId", "PERIOD_NOT_OPEN")
    ]
    assert not_lead["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert citizen["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert [(e["field"], e["code"]) for e in foreign["errors"]] == [("decisionId", "NOT_FOUND")]
    assert foreign_read == {"decisionOpinionMap": None}
    assert await county_rows(owner_db, w.county.id) == before
    assert await county_rows(owner_db, other.id) == other_before

    await open_map(gql, d, staff)
    twice = (await gql.data(OPEN_DECISION_MAP, {"d": d["id"], "t": "再开"}, token=staff))[
        "openDecisionOpinionMap"
    ]
    assert [(e["field"], e["code"]) for e in twice["errors"]] == [("decisionId", "MAP_EXISTS")]


async def test_statements_come_from_this_decisions_opinions_only(server, gql, owner_db):
    w, d = await consulting(server, gql)
    staff = w.department_staff.token
    opened = await open_map(gql, d, staff)
    other_decision = await make_decision(gql, staff, w.unit(w.department))
    await add_version(gql, staff, other_decision["id"])
    await open_consultation(gql, staff, other_decision["id"])
    elsewhere = (
        await act(gql, COMMENT, {"d": other_decision["id"], "b": "别的事项"}, w.citizen.token)
    )["opinion"]["id"]
    before = await county_rows(owner_db, w.county.id)

    refused = (await gql.data(ADD, {"o": opened["id"], "c": elsewhere}, token=staff))[
        "addOpinionStatement"
    ]

    assert [(e["field"], e["code"]) for e in refused["errors"]] == [("commentId", "NOT_FOUND")]
    assert await county_rows(owner_db, w.county.id) == before


async def test_votes_and_submissions_after_the_period_are_refused_and_write_nothing(
    server, gql, owner_db
):
    w, d = await consulting(server, gql)
    staff = w.department_staff.token
    opened = await open_map(gql, d, staff)
    s = await add_statement(gql, w.county, opened["id"], "应增加路边临时泊位")
    submitted = (
        await ok(gql, SUBMIT, {"o": opened["id"], "b": "建议错时共享单位车位"}, w.citizen.token)
    )["statement"]
    await owner_db.execute(
        "UPDATE decision_comment_periods SET opens_on = $2, closes_on = $3 WHERE decision_id = $1",
        db_id(d["id"]),
        today() - timedelta(days=31),
        today() - timedelta(days=1),
    )
    before = await county_rows(owner_db, w.county.id)

    vote = (await gql.data(VOTE, {"s": s, "c": "AGREE"}, token=w.citizen.token))["voteOnStatement"]
    late = (
        await gql.data(SUBMIT, {"o": opened["id"], "b": "晚到的观点"}, token=w.other_citizen.token)
    )["submitOpinionStatement"]

    assert submitted["state"] == "PENDING"
    assert [(e["field"], e["code"]) for e in vote["errors"]] == [("mapId", "PERIOD_NOT_OPEN")]
    assert [(e["field"], e["code"]) for e in late["errors"]] == [("mapId", "PERIOD_NOT_OPEN")]
    assert await county_rows(owner_db, w.county.id) == before
    # the host still closes it: the result as the period ended
    closed = (await ok(gql, CLOSE_MAP, {"o": opened["id"]}, staff))["opinionMap"]
    assert closed["isOpen"] is False and counts(closed["result"]) == {s: (0, 0, 0)}


async def test_watchers_follow_a_decisions_map_live_and_the_public_never_sees_a_pending_one(
    server, gql, owner_db
):
    w, d = await consulting(server, gql)
    staff = w.department_staff.token
    opened = await open_map(gql, d, staff)
    statements = [await add_statement(gql, w.county, opened["id"], f"观点{i}") for i in range(2)]
    after = await owner_db.fetchval(
        "SELECT max(seq) FROM events WHERE stream = $1", f"opinionmap:{db_id(opened['id'])}"
    )

    async with GraphQLWS(server.ws_url) as public, GraphQLWS(server.ws_url) as host:
        await public.open(w.citizen.token)
        await host.open(staff)
        public_op = await public.subscribe(LIVE, {"o": opened["id"], "after": after})
        host_op = await host.subscribe(LIVE, {"o": opened["id"], "after": after})
        pending = (
            await ok(
                gql, SUBMIT, {"o": opened["id"], "b": "建议错时共享车位"}, w.other_citizen.token
            )
        )["statement"]
        for voter, choice in ((w.citizen, "AGREE"), (w.other_citizen, "DISAGREE")):
            for s in statements:
                await ok(gql, VOTE, {"s": s, "c": choice}, voter.token)
        exact = {s: (1, 1, 0) for s in statements}
        public_seen = await until(public, public_op, exact)
        host_seen = await until(host, host_op, exact)

    assert "opinionStatement.submitted" not in [e["type"] for e in public_seen]
    assert pending["id"] not in json.dumps(public_seen)
    submitted = [e for e in host_seen if e["type"] == "opinionStatement.submitted"]
    assert [e["statement"]["body"] for e in submitted] == ["建议错时共享车位"]
    assert public_seen[-1]["result"]["participants"] == 2


async def until(ws: GraphQLWS, op: str, exact: dict[str, tuple[int, int, int]]) -> list[Any]:
    """Events until the computed map has exactly these counts."""
    seen: list[dict[str, Any]] = []
    while True:
        message = await ws.message(op)
        assert message["type"] == "next" and "errors" not in message["payload"], message
        event = message["payload"]["data"]["opinionMapLive"]
        seen.append(event)
        if event["type"] == "opinionMap.computed" and counts(event["result"]) == exact:
            return seen


async def test_closing_writes_the_result_to_the_decisions_record_and_report_without_voters(
    server, gql, owner_db
):
    w, d = await consulting(server, gql)
    staff = w.department_staff.token
    voters = await citizens(server, w, 8)  # two camps of 4: enough for representative statements
    opened = await open_map(gql, d, staff)
    statements = [
        await add_statement(gql, w.county, opened["id"], body)
        for body in ("夜间应免费停车", "应增加路边临时泊位", "收费标准应分时段")
    ]
    await two_camps(gql, statements, voters)
    opinion = (await act(gql, COMMENT, {"d": d["id"], "b": "请公开测算依据"}, w.citizen.token))[
        "opinion"
    ]["id"]

    closed = (await ok(gql, CLOSE_MAP, {"o": opened["id"]}, staff))["opinionMap"]
    late = (await gql.data(VOTE, {"s": statements[0], "c": "PASS"}, token=voters[0].token))[
        "voteOnStatement"
    ]
    await act(gql, ANSWER, {"o": opinion, "x": "ADOPTED", "r": "将公开"}, staff)
    report = (await gql.data(REPORT, {"d": d["id"]}, token=staff))["generateParticipationReport"]

    assert closed["isOpen"] is False
    assert sorted(g["size"] for g in closed["result"]["groups"]) == [4, 4]
    assert [e["code"] for e in late["errors"]] == ["MAP_CLOSED"]
    # the decision's stream (its record) holds the exact result, and no voter
    row = await owner_db.fetchrow(
        "SELECT payload, actor_user_id FROM events WHERE stream = $1"
        " AND type = 'opinionMap.concluded'",
        f"decision:{db_id(d['id'])}",
    )
    payload = json.loads(row["payload"])
    assert (payload["mapId"], payload["topic"]) == (db_id(opened["id"]), TOPIC)
    assert payload["result"]["votes"] == 24 and payload["result"]["participants"] == 8
    assert "voter" not in row["payload"]
    # the public sees it on the decision's stream as recorded; the chain still verifies
    public = (await gql.data(EVENTS, {"s": d["stream"]}, token=w.other_citizen.token))[
        "streamEvents"
    ]
    (seen,) = [e for e in public if e["type"] == "opinionMap.concluded"]
    assert seen["payload"]["result"]["statements"] == payload["result"]["statements"]
    verified = (await gql.data(VERIFY, {"s": d["stream"]}, token=staff))["verifyStream"]
    assert verified["valid"] is True
    record = (await gql.data(RECORD, {"d": d["id"]}, token=staff))["decisionRecord"]
    record = json.loads(record) if isinstance(record, str) else record
    assert "opinionMap.concluded" in {e["type"] for e in record["events"]}
    # the participation report: JSON and .docx
    assert report["errors"] == [], report
    (section,) = report["report"]["content"]["opinion_maps"]
    assert section["topic"] == TOPIC and section["result"] == payload["result"]
    assert "period_id" in section and "meeting_id" not in section
    assert "voter" not in json.dumps(section)
    text, tables = docx_text(base64.b64decode(report["report"]["docxBase64"]))
    assert f"意见地图：{TOPIC}（本次征求意见）" in text
    assert "参与表态8人、表态24次" in text
    groups = table_with(tables, ["观点群组", "人数", "代表性观点"])
    assert sorted(g[1] for g in groups) == ["4", "4"]
    assert all(g[2] != "无" for g in groups)
    per_statement = table_with(tables, ["观点", "赞同", "反对", "跳过"])
    assert ["夜间应免费停车", "4", "4", "0"] in per_statement


async def test_generating_the_report_closes_the_open_map_and_a_refused_report_does_not(
    server, gql, owner_db
):
    w, d = await consulting(server, gql)
    staff = w.department_staff.token
    opened = await open_map(gql, d, staff)
    s = await add_statement(gql, w.county, opened["id"], "夜间应免费停车")
    await ok(gql, VOTE, {"s": s, "c": "AGREE"}, w.citizen.token)
    opinion = (await act(gql, COMMENT, {"d": d["id"], "b": "请公开测算依据"}, w.citizen.token))[
        "opinion"
    ]["id"]
    before = await county_rows(owner_db, w.county.id)

    unanswered = (await gql.data(REPORT, {"d": d["id"]}, token=staff))[
        "generateParticipationReport"
    ]
    still = (await gql.data(DECISION_MAP, {"d": d["id"]}, token=staff))["decisionOpinionMap"]
    after_refusal = await county_rows(owner_db, w.county.id)
    await act(gql, ANSWER, {"o": opinion, "x": "ADOPTED", "r": "将公开"}, staff)
    report = (await gql.data(REPORT, {"d": d["id"]}, token=staff))["generateParticipationReport"]
    now = (await gql.data(DECISION_MAP, {"d": d["id"]}, token=staff))["decisionOpinionMap"]

    assert [e["code"] for e in unanswered["errors"]] == ["OPINIONS_UNANSWERED"]
    assert still["isOpen"] is True and after_refusal == before
    assert report["errors"] == [], report
    assert now["isOpen"] is False
    (section,) = report["report"]["content"]["opinion_maps"]
    assert [(x["statementId"], x["agree"]) for x in section["result"]["statements"]] == [
        (db_id(s), 1)
    ]
    concluded = await owner_db.fetchval(
        "SELECT count(*) FROM events WHERE stream = $1 AND type = 'opinionMap.concluded'",
        f"decision:{db_id(d['id'])}",
    )
    assert concluded == 1


async def test_the_meeting_records_docx_has_a_table_of_the_concluded_map(server, gql, owner_db):
    w = await make_map_world(server, gql, voters=8)  # two camps of 4
    statements = [
        await add_statement(gql, w.county, w.opinion_map, body)
        for body in ("小区应当加装电梯", "停车位应优先分配给本小区居民", "应当增设社区食堂")
    ]
    await two_camps(gql, statements, w.voters)
    pending = (await ok(gql, SUBMIT, {"o": w.opinion_map, "b": "待审核"}, w.voters[0].token))[
        "statement"
    ]
    await ok(gql, MODERATE, {"s": pending["id"], "show": False, "r": "重复"}, w.host.token)
    await ok(gql, POST_COMMENT, {"m": w.meeting, "b": "请公开预算"}, w.voters[0].token)
    await ok(gql, CLOSE_MAP, {"o": w.opinion_map}, w.host.token)

    async with httpx.AsyncClient(base_url=server.base_url, timeout=30) as http:
        response = await http.get(
            f"/meetings/{w.meeting}/record.docx",
            headers={"Authorization": f"Bearer {w.host.token}"},
        )
    assert response.status_code == 200, response.text
    text, tables = docx_text(response.content)

    assert "、意见地图" in text and "1. 老旧小区改造" in text
    assert "参与表态8人、表态24次" in text
    groups = table_with(tables, ["观点群组", "人数", "代表性观点"])
    assert sorted(g[1] for g in groups) == ["4", "4"]
    assert any("小区应当加装电梯" in g[2] for g in groups)
    per_statement = table_with(tables, ["观点", "赞同", "反对", "跳过"])
    assert per_statement == [
        ["小区应当加装电梯", "4", "4", "0"],
        ["停车位应优先分配给本小区居民", "4", "4", "0"],
        ["应当增设社区食堂", "4", "4", "0"],
    ]
    divisive = table_with(tables, ["观点", "分歧度"])
    assert {row[0] for row in divisive} <= set(
        ["小区应当加装电梯", "停车位应优先分配给本小区居民", "应当增设社区食堂"]
    )
    assert "待审核" not in [row[0] for row in per_statement]


@contextlib.contextmanager
def budgets(server: Any, action: Action, *, per_user: Rate | None) -> Iterator[None]:
    """Another per-person budget for `action` during the block (full buckets)."""
    limits = server.services.limits
    old_user, old_address = limits.budgets(action)
    limits.replace(action, per_user=per_user, per_address=old_address)
    try:
        yield
    finally:
        limits.replace(action, per_user=old_user, per_address=old_address)


async def test_votes_and_submissions_spend_the_public_write_budgets(server, gql, owner_db):
    w, d = await consulting(server, gql)
    opened = await open_map(gql, d, w.department_staff.token)
    first, second = [
        await add_statement(gql, w.county, opened["id"], body) for body in ("观点一", "观点二")
    ]

    with budgets(server, Action.VOTE, per_user=Rate(1, 3600)):
        await ok(gql, VOTE, {"s": first, "c": "AGREE"}, w.citizen.token)
        before = await county_rows(owner_db, w.county.id)
        over = (await gql.data(VOTE, {"s": second, "c": "AGREE"}, token=w.citizen.token))[
            "voteOnStatement"
        ]
        assert await county_rows(owner_db, w.county.id) == before
    with budgets(server, Action.COMMENT, per_user=Rate(1, 3600)):
        await ok(gql, SUBMIT, {"o": opened["id"], "b": "观点三"}, w.citizen.token)
        before = await county_rows(owner_db, w.county.id)
        too_many = (
            await gql.data(SUBMIT, {"o": opened["id"], "b": "观点四"}, token=w.citizen.token)
        )["submitOpinionStatement"]
        assert await county_rows(owner_db, w.county.id) == before

    assert [e["code"] for e in over["errors"]] == ["RATE_LIMITED"]
    assert [e["code"] for e in too_many["errors"]] == ["RATE_LIMITED"]


async def test_the_table_holds_exactly_one_host_per_map(server, gql, owner_db):
    w, d = await consulting(server, gql)
    opened = await open_map(gql, d, w.department_staff.token)
    row = await owner_db.fetchrow("SELECT * FROM opinion_maps WHERE id = $1", db_id(opened["id"]))
    meeting = db_id(await make_meeting(gql, w.county, kind="FORUM", live=False))

    for meeting_id, decision_id, period_id in (
        (meeting, row["decision_id"], row["comment_period_id"]),  # two hosts
        (None, None, None),  # none
        (None, None, row["comment_period_id"]),  # a period without its decision
    ):
        with pytest.raises(asyncpg.CheckViolationError):
            await owner_db.execute(
                "INSERT INTO opinion_maps (tenant_id, meeting_id, decision_id, comment_period_id,"
                " topic, opened_by) VALUES ($1, $2, $3, $4, 't', $5)",
                row["tenant_id"],
                meeting_id,
                decision_id,
                period_id,
                row["opened_by"],
            )
    with pytest.raises(asyncpg.UniqueViolationError):  # one map per period
        await owner_db.execute(
            "INSERT INTO opinion_maps (tenant_id, decision_id, comment_period_id, topic,"
            " opened_by) VALUES ($1, $2, $3, 't', $4)",
            row["tenant_id"],
            row["decision_id"],
            row["comment_period_id"],
            row["opened_by"],
        )
