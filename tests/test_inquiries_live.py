"""A live 网络问政 session (seed 001, 首问负责制): questions asked by signed-in people or
entered by staff for a caller, assigned to the department's leader by default, answered
live (咨询) or turned into a case of the department (建议 → 研究办; 诉求 with an initial
reply) through the cases intake, linked both ways; the session's stream as the live feed,
with who asked hidden from the public."""

from __future__ import annotations

from tests.conftest import county_rows
from tests.factories.cases import CASE, MY_CASES
from tests.factories.cases import RATE as RATE_CASE
from tests.factories.cases import REPLY as REPLY_CASE
from tests.factories.inquiries import (
    ANSWER,
    ASK,
    ASSIGN,
    END,
    ENTER,
    GENERATE,
    QUESTIONS,
    SESSIONS,
    START,
    STREAM,
    TO_CASE,
    call,
    live_session,
    make_group,
    make_inquiry_world,
    nodes,
    ok,
)


def codes(payload):
    return [(e["field"], e["code"]) for e in payload["errors"]]


async def test_a_question_goes_to_the_departments_leader_and_is_answered_live(server, gql):
    w = await make_inquiry_world(server)
    session = await live_session(gql, w)

    asked = await ok(
        gql, ASK, {"s": session, "b": "老旧小区加装电梯怎么申请？电话13812345678"}, w.citizen.token
    )
    question = asked["question"]
    answered = await ok(
        gql,
        ANSWER,
        {"q": question["id"], "a": "向街道提交申请，住建委统一审核。"},
        w.housing_leader.token,
    )

    assert (question["state"], question["mine"], question["responderId"]) == ("ASKED", True, None)
    staff_view = answered["question"]
    assert staff_view["responderId"] == w.housing_leader.gid  # 首问负责制
    assert staff_view["askerId"] == w.citizen.gid
    assert (staff_view["state"], staff_view["answer"]) == (
        "ANSWERED",
        "向街道提交申请，住建委统一审核。",
    )
    public = nodes(
        (await gql.data(QUESTIONS, {"s": session}, token=w.other_citizen.token))["inquiryQuestions"]
    )
    assert [(q["body"], q["askerId"], q["mine"], q["state"]) for q in public] == [
        ("老旧小区加装电梯怎么申请？电话138****5678", None, False, "ANSWERED")
    ]
    again = await call(gql, ANSWER, {"q": question["id"], "a": "再答一次"}, w.housing_leader.token)
    assert codes(again) == [("questionId", "INVALID_STATE")]


async def test_questions_only_while_live_and_answers_only_by_the_department(server, gql, owner_db):
    w = await make_inquiry_world(server)
    await make_group(gql, w)
    await ok(gql, GENERATE, {"y": 2026}, w.admin.token)
    sessions = (
        await gql.data(SESSIONS, {"y": 2026, "m": 2, "u": w.unit(w.housing)}, token=w.admin.token)
    )["inquirySessions"]
    scheduled = sessions[0]["id"]
    early = await call(gql, ASK, {"s": scheduled, "b": "能提前问吗"}, w.citizen.token)
    refused = await gql.execute(START, {"s": scheduled}, token=w.transport_leader.token)
    await ok(gql, START, {"s": scheduled}, w.housing_staff.token)
    asked = await ok(gql, ASK, {"s": scheduled, "b": "物业费标准？"}, w.citizen.token)
    before = await county_rows(owner_db, w.county.id)

    by_citizen = await gql.execute(
        ANSWER, {"q": asked["question"]["id"], "a": "我来答"}, token=w.other_citizen.token
    )
    by_other_department = await gql.execute(
        ANSWER, {"q": asked["question"]["id"], "a": "我来答"}, token=w.transport_leader.token
    )
    anonymous = await gql.execute(ASK, {"s": scheduled, "b": "匿名提问"}, tenant=w.county.slug)

    assert codes(early) == [("sessionId", "INVALID_STATE")]
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert by_citizen["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert by_other_department["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert anonymous["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert await county_rows(owner_db, w.county.id) == before
    await ok(gql, END, {"s": scheduled}, w.housing_leader.token)
    late = await call(gql, ASK, {"s": scheduled, "b": "结束了还能问吗"}, w.citizen.token)
    assert codes(late) == [("sessionId", "INVALID_STATE")]
    after = await ok(
        gql, ANSWER, {"q": asked["question"]["id"], "a": "会后答复"}, w.housing_leader.token
    )
    assert after["question"]["state"] == "ANSWERED"


async def test_staff_enter_a_callers_question_with_name_and_phone(server, gql, owner_db):
    w = await make_inquiry_world(server)
    session = await live_session(gql, w)
    before = await county_rows(owner_db, w.county.id)

    no_phone = await call(
        gql, ENTER, {"s": session, "b": "楼道灯坏了", "n": "赵先生", "p": ""}, w.housing_staff.token
    )
    bad_phone = await call(
        gql,
        ENTER,
        {"s": session, "b": "楼道灯坏了", "n": "赵先生", "p": "123"},
        w.housing_staff.token,
    )
    no_name = await call(
        gql,
        ENTER,
        {"s": session, "b": "楼道灯坏了", "n": " ", "p": "13912345678"},
        w.housing_staff.token,
    )
    by_citizen = await gql.execute(
        ENTER,
        {"s": session, "b": "楼道灯坏了", "n": "赵先生", "p": "13912345678"},
        token=w.citizen.token,
    )
    assert await county_rows(owner_db, w.county.id) == before
    entered = await ok(
        gql,
        ENTER,
        {"s": session, "b": "楼道灯坏了", "n": "赵先生", "p": "13912345678"},
        w.housing_staff.token,
    )

    assert codes(no_phone) == [("callerPhone", "CONTACT_REQUIRED")]
    assert codes(bad_phone) == [("callerPhone", "INVALID")]
    assert codes(no_name) == [("callerName", "CONTACT_REQUIRED")]
    assert by_citizen["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    q = entered["question"]
    assert (q["callerName"], q["callerPhone"], q["askerId"]) == ("赵先生", "139****5678", None)
    assert q["responderId"] == w.housing_leader.gid
    public = nodes(
        (await gql.data(QUESTIONS, {"s": session}, token=w.citizen.token))["inquiryQuestions"]
    )
    assert [(x["callerName"], x["callerPhone"]) for x in public] == [(None, None)]


async def test_a_question_is_reassigned_within_the_department_only(server, gql):
    w = await make_inquiry_world(server)
    session = await live_session(gql, w)
    asked = await ok(gql, ASK, {"s": session, "b": "保障房怎么申请"}, w.citizen.token)
    question = asked["question"]["id"]

    outside = await call(
        gql, ASSIGN, {"q": question, "u": w.transport_leader.gid}, w.housing_leader.token
    )
    moved = await ok(gql, ASSIGN, {"q": question, "u": w.housing_staff.gid}, w.housing_leader.token)
    answered = await ok(
        gql, ANSWER, {"q": question, "a": "到政务大厅住建窗口申请"}, w.housing_staff.token
    )

    assert codes(outside) == [("responderId", "NOT_LEADER")]
    assert moved["question"]["responderId"] == w.housing_staff.gid
    assert answered["question"]["state"] == "ANSWERED"


async def test_a_demand_becomes_a_case_with_its_initial_reply_linked_both_ways(server, gql):
    w = await make_inquiry_world(server)
    session = await live_session(gql, w)
    asked = await ok(gql, ASK, {"s": session, "b": "小区地下车库漏水多年无人管"}, w.citizen.token)
    question = asked["question"]["id"]

    missing = await call(
        gql, TO_CASE, {"q": question, "k": "DEMAND", "t": "地下车库漏水"}, w.housing_leader.token
    )
    consultation = await call(
        gql,
        TO_CASE,
        {"q": question, "k": "CONSULTATION", "t": "地下车库漏水"},
        w.housing_leader.token,
    )
    turned = await ok(
        gql,
        TO_CASE,
        {"q": question, "k": "DEMAND", "t": "地下车库漏水", "r": "已记录，三日内派人查看"},
        w.housing_leader.token,
    )

    assert codes(missing) == [("initialReply", "INVALID")]
    assert codes(consultation) == [("kind", "INVALID")]
    q = turned["question"]
    assert q["state"] == "CASE"
    case = (await gql.data(CASE, {"id": q["caseId"]}, token=w.housing_leader.token))["node"]
    assert (case["channel"], case["kind"], case["state"], case["title"]) == (
        "ONLINE_INQUIRY",
        "DEMAND",
        "RECEIVED",
        "地下车库漏水",
    )
    assert case["body"] == "小区地下车库漏水多年无人管"
    assert case["accountableUnit"]["name"] == "县住建委"
    assert case["submitterId"] == w.citizen.gid
    assert [(r["kind"], r["body"]) for r in case["replies"]] == [
        ("INITIAL", "已记录，三日内派人查看")
    ]
    mine = (await gql.data(MY_CASES, token=w.citizen.token))["myCases"]["edges"]
    assert [e["node"]["id"] for e in mine] == [q["caseId"]]
    events = (await gql.data(STREAM, {"s": case["stream"]}, token=w.admin.token))["streamEvents"]
    assert [e["type"] for e in events] == ["case.received", "case.replied"]
    again = await call(
        gql,
        TO_CASE,
        {"q": question, "k": "DEMAND", "t": "再转一次", "r": "x"},
        w.housing_leader.token,
    )
    assert codes(again) == [("questionId", "INVALID_STATE")]

    # then handled offline through the cases workflow: the department's result reply, the
    # asker's rating closes it
    result = await ok(
        gql,
        REPLY_CASE,
        {"c": q["caseId"], "k": "RESULT", "b": "已维修防水层，经回访不再漏水"},
        w.housing_leader.token,
    )
    assert result["reply"]["kind"] == "RESULT"
    closed = await ok(gql, RATE_CASE, {"c": q["caseId"], "s": "SATISFIED"}, w.citizen.token)
    assert closed["case"]["state"] == "CLOSED"
    case = (await gql.data(CASE, {"id": q["caseId"]}, token=w.housing_leader.token))["node"]
    assert [r["kind"] for r in case["replies"]] == ["INITIAL", "RESULT"]


async def test_a_suggestion_becomes_a_case_for_feasibility_study(server, gql):
    w = await make_inquiry_world(server)
    session = await live_session(gql, w)
    entered = await ok(
        gql,
        ENTER,
        {"s": session, "b": "建议在老城区增设口袋公园", "n": "钱女士", "p": "13712345678"},
        w.housing_staff.token,
    )

    turned = await ok(
        gql,
        TO_CASE,
        {"q": entered["question"]["id"], "k": "SUGGESTION", "t": "老城区增设口袋公园"},
        w.housing_leader.token,
    )

    case = (await gql.data(CASE, {"id": turned["question"]["caseId"]}, token=w.admin.token))["node"]
    assert (case["kind"], case["handlingClass"], case["matterClass"]) == (
        "SUGGESTION",
        "RESEARCH",
        "PUBLIC_INTEREST",
    )
    assert case["dueOn"] is not None
    assert (case["contactName"], case["contactPhone"], case["submitterId"]) == (
        "钱女士",
        "+8613712345678",
        None,
    )


async def test_the_session_stream_is_its_live_feed_and_hides_who_asked_from_the_public(server, gql):
    w = await make_inquiry_world(server)
    session = await live_session(gql, w)
    asked = await ok(gql, ASK, {"s": session, "b": "电话13812345678，问加装电梯"}, w.citizen.token)
    await ok(
        gql,
        ASSIGN,
        {"q": asked["question"]["id"], "u": w.housing_staff.gid},
        w.housing_leader.token,
    )
    await ok(
        gql, ANSWER, {"q": asked["question"]["id"], "a": "可以申请补贴"}, w.housing_staff.token
    )
    stream = f"inquiry:{session}"

    staff = (await gql.data(STREAM, {"s": stream}, token=w.housing_leader.token))["streamEvents"]
    public = (await gql.data(STREAM, {"s": stream}, token=w.other_citizen.token))["streamEvents"]
    anonymous = (await gql.data(STREAM, {"s": stream}, tenant=w.county.slug))["streamEvents"]

    assert [e["type"] for e in staff] == [
        "inquirySession.scheduled",
        "inquirySession.started",
        "inquiryQuestion.asked",
        "inquiryQuestion.assigned",
        "inquiryQuestion.answered",
    ]
    assert staff[2]["payload"]["askerId"] == w.citizen.user_id
    assert [e["type"] for e in public] == [
        "inquirySession.scheduled",
        "inquirySession.started",
        "inquiryQuestion.asked",
        "inquiryQuestion.answered",
    ]
    assert public[2]["payload"] == {
        "id": asked["question"]["id"] and staff[2]["payload"]["id"],
        "body": "电话138****5678，问加装电梯",
        "state": "ASKED",
    }
    assert all(e["actorId"] is None for e in public)
    assert anonymous == public


EVENTS = """
subscription($s: String!, $after: Int) {
  events(stream: $s, after: $after) { seq type payload actorId }
}"""


async def next_event(ws, op):
    message = await ws.message(op)
    assert message["type"] == "next", message
    assert "errors" not in message["payload"], message
    return message["payload"]["data"]["events"]


async def test_watchers_follow_the_session_live_each_with_their_view(server, gql):
    from tests.realtime_client import GraphQLWS

    w = await make_inquiry_world(server)
    session = await live_session(gql, w)
    stream = f"inquiry:{session}"
    async with GraphQLWS(server.ws_url) as public, GraphQLWS(server.ws_url) as staff:
        await public.open(w.other_citizen.token)
        await staff.open(w.housing_leader.token)
        seen = await public.subscribe(EVENTS, {"s": stream, "after": 2})
        handled = await staff.subscribe(EVENTS, {"s": stream, "after": 2})
        asked = await ok(gql, ASK, {"s": session, "b": "电话13812345678，问电梯"}, w.citizen.token)
        await ok(gql, ANSWER, {"q": asked["question"]["id"], "a": "可以"}, w.housing_leader.token)

        public_events = [await next_event(public, seen) for _ in range(2)]
        staff_events = [await next_event(staff, handled) for _ in range(2)]

    assert [(e["seq"], e["type"]) for e in staff_events] == [
        (3, "inquiryQuestion.asked"),
        (4, "inquiryQuestion.answered"),
    ]
    assert staff_events[0]["payload"]["askerId"] == w.citizen.user_id
    assert [e["type"] for e in public_events] == [e["type"] for e in staff_events]
    assert public_events[0]["payload"] == {
        "id": staff_events[0]["payload"]["id"],
        "body": "电话138****5678，问电梯",
        "state": "ASKED",
    }
    assert [e["actorId"] for e in public_events] == [None, None]
