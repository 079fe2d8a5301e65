"""After the decision, over HTTP: publication, the 政策解读 due 20 working days later on the
county calendar with its overdue list, the 群众评议表 once per person, and the 后评估 that
opens by itself when the county's dissatisfaction threshold is reached."""

from __future__ import annotations

from backend.people.models import Role
from tests.cases_world import make_world
from tests.conftest import county_rows
from tests.factories.decisions import (
    DECISION,
    EVALUATE,
    EVENTS,
    INTERPRET,
    OVERDUE,
    POST_EVALUATIONS,
    PUBLISH,
    SEAL,
    act,
    decided_decision,
    make_decision,
    refused,
)
from tests.factories.people import make_user
from tests.factories.tenants import db_id


def form(decision: str, satisfaction: str, **extra: str) -> dict:
    return {
        "i": {
            "decisionId": decision,
            "effect": "FAIR",
            "satisfaction": satisfaction,
            "operability": "GOOD",
            "reasonableness": "FAIR",
            **extra,
        }
    }


async def test_publication_sets_the_interpretation_due_date_and_the_overdue_list(
    server, gql, owner_db
):
    w = await make_world(server)
    staff = w.department_staff.token
    d = await decided_decision(gql, staff, w.unit(w.department), w.department_staff.gid)
    undecided = (await make_decision(gql, staff, w.unit(w.department)))["id"]
    errors = await refused(gql, PUBLISH, {"d": undecided}, staff)
    assert [e["code"] for e in errors] == ["INVALID_STATE"]
    # the record of the decision may be sealed before publication: what follows goes to
    # the review stream
    await act(gql, SEAL, {"d": d}, staff)
    # given a decision decided on 2026-10-30 and published on Monday 2026-11-02
    await owner_db.execute(
        "UPDATE decisions SET decided_at = '2026-10-30T10:00:00+08' WHERE id = $1", db_id(d)
    )
    errors = await refused(gql, PUBLISH, {"d": d, "on": "2026-10-29"}, staff)
    assert [(e["code"], e["field"]) for e in errors] == [("INVALID", "publishedOn")]
    published = (
        await act(gql, PUBLISH, {"d": d, "on": "2026-11-02", "n": "某府发〔2026〕12号"}, staff)
    )["decision"]
    # 20 working days after 11-02 (not counted): 11-03 … 11-30 (no holiday in November)
    assert published == {
        "publishedOn": "2026-11-02",
        "documentNumber": "某府发〔2026〕12号",
        "interpretationDueOn": "2026-11-30",
        "interpretationDueProvisional": False,
        "interpretationOverdue": True,
    }
    errors = await refused(gql, PUBLISH, {"d": d}, staff)
    assert [e["code"] for e in errors] == ["INVALID_STATE"]
    overdue = (await gql.data(OVERDUE, token=staff))["overdueInterpretations"]
    assert [(o["id"], o["interpretationDueOn"]) for o in overdue] == [(d, "2026-11-30")]
    assert (await gql.data(OVERDUE, token=w.admin.token))["overdueInterpretations"][0]["id"] == d
    assert (await gql.data(OVERDUE, token=w.township_staff.token))["overdueInterpretations"] == []
    # only the drafting unit interprets (谁起草、谁解读)
    body = await gql.execute(
        INTERPRET, {"d": d, "t": "解读", "b": "内容"}, token=w.township_staff.token
    )
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    done = (
        await act(
            gql,
            INTERPRET,
            {"d": d, "t": "《城区停车管理办法》政策解读", "b": "一、制定背景……"},
            staff,
        )
    )["decision"]
    assert done["interpretedAt"] and done["interpretationOverdue"] is False
    assert (await gql.data(OVERDUE, token=staff))["overdueInterpretations"] == []
    review = (
        await gql.data(
            DECISION.replace("stream\n", "stream reviewStream\n"), {"id": d}, token=staff
        )
    )["decision"]
    events = (await gql.data(EVENTS, {"s": review["reviewStream"]}, token=staff))["streamEvents"]
    assert [e["type"] for e in events] == ["decision.published", "interpretation.submitted"]
    assert events[1]["payload"]["late"] is True


async def test_dissatisfaction_opens_a_post_evaluation(server, gql, owner_db):
    w = await make_world(server)
    staff = w.department_staff.token
    d = await decided_decision(gql, staff, w.unit(w.department), w.department_staff.gid)
    errors = await refused(gql, EVALUATE, form(d, "POOR"), w.citizen.token)
    assert [e["code"] for e in errors] == ["INVALID_STATE"]  # not published yet
    await act(gql, PUBLISH, {"d": d}, staff)
    people = [await make_user(server, w.county, roles=[(Role.CITIZEN, None)]) for _ in range(10)]
    # three 不满意 of nine forms (33%) but fewer than 10 forms: nothing opens
    for i, person in enumerate(people[:9]):
        done = await act(
            gql,
            EVALUATE,
            form(d, "POOR" if i < 3 else "GOOD", shortcomings="泊位不足"),
            person.token,
        )
        assert done["decision"]["postEvaluation"] is None
    assert done["decision"]["evaluationSummary"] == {"evaluations": 9, "dissatisfied": 3}
    before = await county_rows(owner_db, w.county.id)
    errors = await refused(gql, EVALUATE, form(d, "GOOD"), people[0].token)
    assert [e["code"] for e in errors] == ["ALREADY_EVALUATED"]
    assert await county_rows(owner_db, w.county.id) == before
    # the tenth form: 3 of 10 = 30%, the default threshold (seed 000 三（五）3)
    done = await act(gql, EVALUATE, form(d, "GOOD", suggestions="增设夜间泊位"), people[9].token)
    post = done["decision"]["postEvaluation"]
    assert (post["evaluations"], post["dissatisfied"], post["unitId"]) == (
        10,
        3,
        w.unit(w.department),
    )
    assert "30%" in post["reason"] and "三（五）3" in post["reason"]
    after = await county_rows(owner_db, w.county.id)
    assert after["decision_post_evaluations"] - before["decision_post_evaluations"] == 1
    # the lead unit's task list
    tasks = (await gql.data(POST_EVALUATIONS, token=staff))["postEvaluations"]
    assert [(t["decisionId"], t["evaluations"]) for t in tasks] == [(d, 10)]
    assert (await gql.data(POST_EVALUATIONS, token=w.township_staff.token))["postEvaluations"] == []
    # one more form opens nothing new
    late = await make_user(server, w.county, roles=[(Role.CITIZEN, None)])
    await act(gql, EVALUATE, form(d, "POOR"), late.token)
    assert len((await gql.data(POST_EVALUATIONS, token=staff))["postEvaluations"]) == 1
    # the review stream: public without the evaluators' ids
    stream = f"decisionreview:{d}"
    public = (await gql.data(EVENTS, {"s": stream}, tenant=w.county.slug))["streamEvents"]
    types = [e["type"] for e in public]
    assert types.count("evaluation.submitted") == 11 and types.count("postEvaluation.opened") == 1
    assert all(
        "authorId" not in e["payload"] for e in public if e["type"] == "evaluation.submitted"
    )
    staff_events = (await gql.data(EVENTS, {"s": stream}, token=staff))["streamEvents"]
    assert {e["type"] for e in staff_events} == {
        "decision.published",
        "evaluation.submitted",
        "postEvaluation.opened",
    }


async def test_a_provisional_interpretation_due_date_moves_with_the_calendar(server, gql, owner_db):
    w = await make_world(server)
    staff = w.department_staff.token
    d = await decided_decision(gql, staff, w.unit(w.department), w.department_staff.gid)
    await owner_db.execute(
        "UPDATE decisions SET decided_at = '2026-10-30T10:00:00+08' WHERE id = $1", db_id(d)
    )
    await act(gql, PUBLISH, {"d": d, "on": "2026-11-02"}, staff)
    # as if counted before the year's table was published (Monday–Friday assumed)
    await owner_db.execute(
        "UPDATE decisions SET interpretation_due_provisional = true WHERE id = $1", db_id(d)
    )
    closed = await gql.data(
        'mutation { addLocalClosure(input: {date: "2026-11-16", reason: "防汛"}) { errors { code } } }',
        token=w.admin.token,
    )
    assert closed["addLocalClosure"]["errors"] == []
    data = (await gql.data(DECISION, {"id": d}, token=staff))["decision"]
    assert data is not None
    moved = await gql.data(
        "query($id: ID!) { decision(id: $id) { interpretationDueOn interpretationDueProvisional } }",
        {"id": d},
        token=staff,
    )
    assert moved["decision"] == {
        "interpretationDueOn": "2026-12-01",
        "interpretationDueProvisional": False,
    }
    events = (await gql.data(EVENTS, {"s": f"decisionreview:{d}"}, token=staff))["streamEvents"]
    assert [(e["type"], e["payload"].get("interpretationDueOn")) for e in events] == [
        ("decision.published", "2026-11-30"),
        ("interpretation.dueChanged", "2026-12-01"),
    ]
