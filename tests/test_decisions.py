"""Major administrative decisions over HTTP: the project and its draft in paragraphs, the
five steps in order and the gate before 集体讨论决定, the comment period per the county's
rulebook, comments on paragraphs that survive a new version, opinions from every channel
answered one by one (the person told), the participation report (JSON, .docx) and the
sealed, verifiable record."""

from __future__ import annotations

import base64
import io
import json

from docx import Document

from backend.decisions.events import DecisionEvent
from tests.cases_world import make_world
from tests.conftest import county_rows
from tests.factories.decisions import (
    ADD_VERSION,
    ANSWER,
    COMMENT,
    COMPLETE,
    CREATE,
    DECISION,
    DOCUMENT,
    EVENTS,
    IMPORT,
    MY_OPINIONS,
    PERIOD,
    RECORD,
    RECORD_OPINION,
    REPORT,
    SEAL,
    START,
    VERIFY,
    act,
    add_version,
    finish_step,
    make_decision,
    open_consultation,
    period_input,
    refused,
)
from tests.factories.meetings import make_meeting
from tests.meetings_api import POST_COMMENT
from tests.statements import fewest_statements

STEPS = ["PUBLIC_PARTICIPATION", "EXPERT_REVIEW", "RISK_ASSESSMENT", "LEGALITY_REVIEW"]


async def _decision(gql, token, id_):
    return (await gql.data(DECISION, {"id": id_}, token=token))["decision"]


async def test_draft_is_split_into_numbered_articles_with_ids_and_counts(server, gql):
    w = await make_world(server)
    staff = w.department_staff.token
    d = await make_decision(gql, staff, w.unit(w.department))
    assert d["state"] == "DRAFTING" and d["currentStep"] is None
    version = await add_version(gql, staff, d["id"])
    assert version["number"] == 1
    assert [p["label"] for p in version["paragraphs"]] == [
        "第1段",
        "第一条",
        "第二条",
        "第三条",
        "第四条",
    ]
    assert [p["position"] for p in version["paragraphs"]] == [1, 2, 3, 4, 5]
    assert all(p["opinionCount"] == 0 and p["id"] for p in version["paragraphs"])
    # blank-line paragraphs when there are no articles
    v2 = await add_version(
        gql, staff, d["id"], text="一、总体要求\n\n二、主要任务\n续写\n\n三、保障措施"
    )
    assert [(p["label"], p["body"]) for p in v2["paragraphs"]] == [
        ("第1段", "一、总体要求"),
        ("第2段", "二、主要任务\n续写"),
        ("第3段", "三、保障措施"),
    ]
    # the public reads the decision and its paragraphs (X-Tenant only)
    public = (await gql.data(DECISION, {"id": d["id"]}, tenant=w.county.slug))["decision"]
    assert public["staffView"] is False and public["latestVersion"]["number"] == 2
    assert len(public["latestVersion"]["paragraphs"]) == 3


async def test_compared_alternatives_need_the_rulebook_minimum(server, gql, owner_db):
    w = await make_world(server)
    staff = w.department_staff.token
    d = await make_decision(gql, staff, w.unit(w.department), compare=True)
    before = await county_rows(owner_db, w.county.id)
    errors = await refused(
        gql,
        ADD_VERSION,
        {
            "i": {
                "decisionId": d["id"],
                "text": "第一条 总则。",
                "alternatives": [{"label": "方案一", "text": "第一条 甲"}],
            }
        },
        staff,
    )
    assert [e["code"] for e in errors] == ["TOO_FEW_ALTERNATIVES"]
    assert errors[0]["field"] == "alternatives" and "第四条" in errors[0]["message"]
    assert await county_rows(owner_db, w.county.id) == before
    version = await add_version(
        gql,
        staff,
        d["id"],
        text="第一条 总则。",
        alternatives=[
            {"label": "方案一", "text": "第一条 全天收费。"},
            {"label": "方案二", "text": "第一条 分时段收费。\n第二条 夜间免费。"},
        ],
    )
    assert version["alternatives"] == ["方案一", "方案二"]
    assert [(p["alternative"], p["label"]) for p in version["paragraphs"]] == [
        (None, "第一条"),
        ("方案一", "第一条"),
        ("方案二", "第一条"),
        ("方案二", "第二条"),
    ]


async def test_steps_go_in_order_and_skipping_is_refused(server, gql, owner_db):
    w = await make_world(server)
    staff = w.department_staff.token
    d = await make_decision(gql, staff, w.unit(w.department))
    before = await county_rows(owner_db, w.county.id)
    errors = await refused(gql, START, {"d": d["id"], "s": "RISK_ASSESSMENT"}, staff)
    assert [(e["code"], e["field"]) for e in errors] == [("STEP_SKIPPED", "step")]
    assert "公众参与" in errors[0]["message"] and "专家论证" in errors[0]["message"]
    assert await county_rows(owner_db, w.county.id) == before
    started = await act(gql, START, {"d": d["id"], "s": "PUBLIC_PARTICIPATION"}, staff)
    assert started["decision"] == {"state": "IN_PROGRESS", "currentStep": "PUBLIC_PARTICIPATION"}
    errors = await refused(gql, START, {"d": d["id"], "s": "PUBLIC_PARTICIPATION"}, staff)
    assert [e["code"] for e in errors] == ["INVALID_STATE"]
    # completing needs a responsible person, a document and (公众参与) the report: each named
    errors = await refused(gql, COMPLETE, {"d": d["id"], "s": "PUBLIC_PARTICIPATION"}, staff)
    assert [(e["code"], e["field"]) for e in errors] == [
        ("RESPONSIBLE_REQUIRED", "responsible"),
        ("DOCUMENT_REQUIRED", "documents"),
        ("REPORT_MISSING", "participationReport"),
    ]


async def test_comment_period_follows_the_county_rulebook(server, gql, owner_db):
    w = await make_world(server)
    staff = w.department_staff.token
    d = await make_decision(gql, staff, w.unit(w.department))
    await add_version(gql, staff, d["id"])
    await act(gql, START, {"d": d["id"], "s": "PUBLIC_PARTICIPATION"}, staff)
    before = await county_rows(owner_db, w.county.id)
    # national default: not less than 30 days (《重大行政决策程序暂行条例》第十五条)
    errors = await refused(gql, PERIOD, {"i": period_input(d["id"], 20)}, staff)
    assert [(e["code"], e["field"]) for e in errors] == [("COMMENT_PERIOD_TOO_SHORT", "closesOn")]
    assert "《重大行政决策程序暂行条例》（国务院令第713号）第十五条" in errors[0]["message"]
    assert "20日" in errors[0]["message"] and "30日" in errors[0]["message"]
    assert await county_rows(owner_db, w.county.id) == before
    # the county of seed 002 says 10 days (a county rule below the national one, with its reason)
    rule = {
        "decision.public_comment_period": {
            "value": 10,
            "source": "《某县重大行政决策公众参与制度》第九条",
            "reason": "本县制度规定征求意见期限不少于10日",
        }
    }
    await owner_db.execute(
        "UPDATE tenants SET settings = jsonb_set(coalesce(settings, '{}'::jsonb), '{rules}', $1::jsonb) WHERE id = $2",
        json.dumps(rule),
        w.county.id,
    )
    errors = await refused(gql, PERIOD, {"i": period_input(d["id"], 7)}, staff)
    assert [e["code"] for e in errors] == ["COMMENT_PERIOD_TOO_SHORT"]
    assert "《某县重大行政决策公众参与制度》第九条" in errors[0]["message"]
    published = await act(gql, PERIOD, {"i": period_input(d["id"], 12)}, staff)
    assert published["period"]["shorteningReason"] is None
    assert published["period"]["rule"].startswith(
        "依据《某县重大行政决策公众参与制度》第九条（10日"
    )


async def test_shortened_period_needs_and_publishes_its_reason(server, gql):
    w = await make_world(server)
    staff = w.department_staff.token
    d = await make_decision(gql, staff, w.unit(w.department))
    await add_version(gql, staff, d["id"])
    await act(gql, START, {"d": d["id"], "s": "PUBLIC_PARTICIPATION"}, staff)
    published = await act(
        gql, PERIOD, {"i": period_input(d["id"], 7, shorteningReason="汛期临近，情况紧急")}, staff
    )
    assert published["period"]["shorteningReason"] == "汛期临近，情况紧急"
    assert "本次缩短为7日，理由：汛期临近，情况紧急" in published["period"]["rule"]
    public = (await gql.data(DECISION, {"id": d["id"]}, tenant=w.county.slug))["decision"]
    assert public["commentPeriods"][0]["shorteningReason"] == "汛期临近，情况紧急"
    assert public["commentPeriods"][0]["howToComment"].startswith("在本平台逐条发表意见")


async def test_paragraph_comments_survive_a_new_version(server, gql, owner_db):
    w = await make_world(server)
    staff = w.department_staff.token
    d = await make_decision(gql, staff, w.unit(w.department))
    v1 = await add_version(gql, staff, d["id"])
    await open_consultation(gql, staff, d["id"])
    para = {p["label"]: p["id"] for p in v1["paragraphs"]}
    on_scope = await act(
        gql,
        COMMENT,
        {"d": d["id"], "b": "适用范围应包括乡镇集镇", "p": para["第二条"]},
        w.citizen.token,
    )
    on_fees = await act(
        gql,
        COMMENT,
        {"d": d["id"], "b": "收费应听证", "p": para["第三条"], "c": "利害关系人"},
        w.other_citizen.token,
    )
    whole = await act(gql, COMMENT, {"d": d["id"], "b": "总体赞成"}, w.citizen.token)
    assert on_scope["opinion"]["anchorState"] == "ANCHORED"
    assert on_scope["opinion"]["currentParagraphLabel"] == "第二条"
    assert whole["opinion"]["anchorState"] == "WHOLE" and whole["opinion"]["paragraphId"] is None
    counts = {
        p["label"]: p["opinionCount"]
        for p in (await _decision(gql, staff, d["id"]))["latestVersion"]["paragraphs"]
    }
    assert counts == {"第1段": 0, "第一条": 0, "第二条": 1, "第三条": 1, "第四条": 0}
    # version 2: a new article is inserted before the scope, the fee article is removed
    v2_text = """某县城区停车管理办法（修改稿）
第一条 为规范城区机动车停放秩序，根据有关法律法规，结合本县实际，制定本办法。
第二条 县住建委负责城区停车管理工作。
第三条 本办法适用于本县城区及乡镇集镇范围内道路停车泊位的设置、使用和管理。
第四条 本办法自公布之日起施行。"""
    await act(
        gql, ADD_VERSION, {"i": {"decisionId": d["id"], "text": v2_text, "note": "吸收意见"}}, staff
    )
    after = await _decision(gql, staff, d["id"])
    by_id = {o["node"]["id"]: o["node"] for o in after["opinions"]["edges"]}
    carried = by_id[on_scope["opinion"]["id"]]
    assert carried["anchorState"] == "CARRIED" and carried["currentParagraphLabel"] == "第三条"
    assert carried["paragraphId"] == para["第二条"]  # where it was written stays
    removed = by_id[on_fees["opinion"]["id"]]
    assert removed["anchorState"] == "REMOVED" and removed["currentParagraphId"] is None
    assert by_id[whole["opinion"]["id"]]["anchorState"] == "WHOLE"
    counts = {p["label"]: p["opinionCount"] for p in after["latestVersion"]["paragraphs"]}
    assert counts == {"第1段": 0, "第一条": 0, "第二条": 0, "第三条": 1, "第四条": 0}
    # commenting on a paragraph of the old version is refused
    errors = await refused(
        gql, COMMENT, {"d": d["id"], "b": "再议", "p": para["第一条"]}, w.citizen.token
    )
    assert [(e["code"], e["field"]) for e in errors] == [("STALE_PARAGRAPH", "paragraphId")]
    events = await gql.data(EVENTS, {"s": d["stream"]}, token=staff)
    added = [e for e in events["streamEvents"] if e["type"] == "decision.versionAdded"]
    assert [
        (e["payload"]["number"], e["payload"]["carried"], e["payload"]["removed"]) for e in added
    ] == [(1, 0, 0), (2, 1, 1)]


async def test_comment_outside_a_period_is_refused(server, gql, owner_db):
    w = await make_world(server)
    staff = w.department_staff.token
    d = await make_decision(gql, staff, w.unit(w.department))
    await add_version(gql, staff, d["id"])
    before = await county_rows(owner_db, w.county.id)
    errors = await refused(gql, COMMENT, {"d": d["id"], "b": "意见"}, w.citizen.token)
    assert [e["code"] for e in errors] == ["COMMENT_PERIOD_CLOSED"]
    assert await county_rows(owner_db, w.county.id) == before
    body = await gql.execute(COMMENT, {"d": d["id"], "b": "意见"}, tenant=w.county.slug)
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_every_opinion_is_answered_and_the_person_is_told(server, gql, owner_db):
    w = await make_world(server)
    staff = w.department_staff.token
    d = await make_decision(gql, staff, w.unit(w.department))
    await add_version(gql, staff, d["id"])
    await open_consultation(gql, staff, d["id"])
    given = await act(gql, COMMENT, {"d": d["id"], "b": "夜间应免费停车"}, w.citizen.token)
    opinion = given["opinion"]["id"]
    before = await county_rows(owner_db, w.county.id)
    errors = await refused(gql, ANSWER, {"o": opinion, "x": "NOT_ADOPTED"}, staff)
    assert [(e["code"], e["field"]) for e in errors] == [("REASON_REQUIRED", "reason")]
    errors = await refused(gql, ANSWER, {"o": opinion, "x": "PARTLY_ADOPTED", "r": "  "}, staff)
    assert [e["code"] for e in errors] == ["REASON_REQUIRED"]
    assert await county_rows(owner_db, w.county.id) == before
    # only the lead unit answers
    body = await gql.execute(ANSWER, {"o": opinion, "x": "ADOPTED"}, token=w.township_staff.token)
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert await county_rows(owner_db, w.county.id) == before
    answered = await act(
        gql, ANSWER, {"o": opinion, "x": "NOT_ADOPTED", "r": "夜间泊位周转需要收费调节"}, staff
    )
    assert answered["opinion"]["outcome"] == "NOT_ADOPTED"
    errors = await refused(gql, ANSWER, {"o": opinion, "x": "ADOPTED"}, staff)
    assert [e["code"] for e in errors] == ["ALREADY_ANSWERED"]
    mine = (await gql.data(MY_OPINIONS, token=w.citizen.token))["myOpinions"]["edges"]
    assert [
        (m["node"]["body"], m["node"]["outcome"], m["node"]["answer"], m["node"]["decisionTitle"])
        for m in mine
    ] == [("夜间应免费停车", "NOT_ADOPTED", "夜间泊位周转需要收费调节", "城区停车管理办法")]
    assert (await gql.data(MY_OPINIONS, token=w.other_citizen.token))["myOpinions"]["edges"] == []
    # the answer reaches the person's own stream, and nobody else's eyes
    inbox = f"opinionanswers:{w.citizen.gid}"
    told = (await gql.data(EVENTS, {"s": inbox}, token=w.citizen.token))["streamEvents"]
    assert [(e["type"], e["payload"]["outcome"], e["payload"]["reason"]) for e in told] == [
        ("opinion.answeredToYou", "NOT_ADOPTED", "夜间泊位周转需要收费调节")
    ]
    body = await gql.execute(EVENTS, {"s": inbox}, token=w.other_citizen.token)
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    # the public sees the opinion and its answer, not who gave it
    public = (await gql.data(DECISION, {"id": d["id"]}, tenant=w.county.slug))["decision"]
    (node,) = [e["node"] for e in public["opinions"]["edges"]]
    assert node["authorId"] is None and node["answer"] == "夜间泊位周转需要收费调节"
    staff_view = await _decision(gql, staff, d["id"])
    assert staff_view["opinions"]["edges"][0]["node"]["authorId"] == w.citizen.gid
    public_events = (await gql.data(EVENTS, {"s": d["stream"]}, tenant=w.county.slug))[
        "streamEvents"
    ]
    received = [e for e in public_events if e["type"] == "opinion.received"]
    assert len(received) == 1 and "authorId" not in received[0]["payload"]


async def test_opinions_from_meetings_and_written_channels(server, gql, owner_db):
    w = await make_world(server)
    staff = w.department_staff.token
    d = await make_decision(gql, staff, w.unit(w.department))
    await add_version(gql, staff, d["id"])
    await open_consultation(gql, staff, d["id"])
    meeting = await make_meeting(gql, w.county, kind="FORUM")
    for text in ("停车位太少", "希望增加充电桩"):
        posted = await gql.data(
            POST_COMMENT, {"m": meeting, "b": text, "k": "COMMENT"}, token=w.citizen.token
        )
        assert posted["postComment"]["errors"] == [], posted
    first = await act(gql, IMPORT, {"d": d["id"], "m": meeting, "c": "座谈会代表"}, staff)
    assert first["imported"] == 2
    again = await act(gql, IMPORT, {"d": d["id"], "m": meeting}, staff)
    assert again["imported"] == 0
    errors = await refused(
        gql,
        RECORD_OPINION,
        {"i": {"decisionId": d["id"], "channel": "UNIT_CONSULTATION", "body": "同意"}},
        staff,
    )
    assert [(e["code"], e["field"]) for e in errors] == [("UNKNOWN_UNIT", "sourceUnitId")]
    await act(
        gql,
        RECORD_OPINION,
        {
            "i": {
                "decisionId": d["id"],
                "channel": "UNIT_CONSULTATION",
                "body": "建议明确执法主体",
                "sourceUnitId": w.unit(w.township),
            }
        },
        staff,
    )
    await act(
        gql,
        RECORD_OPINION,
        {
            "i": {
                "decisionId": d["id"],
                "channel": "WRITTEN",
                "body": "来信：收费过高",
                "authorLabel": "市民来信",
                "category": "普通公众",
            }
        },
        staff,
    )
    view = await _decision(gql, staff, d["id"])
    channels = [e["node"]["channel"] for e in view["opinions"]["edges"]]
    assert channels == ["MEETING", "MEETING", "UNIT_CONSULTATION", "WRITTEN"]


async def test_the_gate_lists_what_is_missing_then_the_decision_is_sealed(server, gql, owner_db):
    w = await make_world(server)
    staff = w.department_staff.token
    person = w.department_staff.gid
    d = await make_decision(gql, staff, w.unit(w.department), co=[w.unit(w.township)])
    await add_version(gql, staff, d["id"])
    await open_consultation(gql, staff, d["id"])
    given = await act(gql, COMMENT, {"d": d["id"], "b": "建议增设错时共享停车"}, w.citizen.token)
    await act(gql, COMMENT, {"d": d["id"], "b": "收费标准应公示"}, w.other_citizen.token)
    for step in STEPS[1:]:
        await act(gql, START, {"d": d["id"], "s": step}, staff)
    before = await county_rows(owner_db, w.county.id)
    errors = await refused(gql, START, {"d": d["id"], "s": "COLLECTIVE_DECISION"}, staff)
    assert [(e["code"], e["field"]) for e in errors] == [
        ("STEP_INCOMPLETE", "steps.PUBLIC_PARTICIPATION"),
        ("STEP_INCOMPLETE", "steps.EXPERT_REVIEW"),
        ("STEP_INCOMPLETE", "steps.RISK_ASSESSMENT"),
        ("STEP_INCOMPLETE", "steps.LEGALITY_REVIEW"),
        ("OPINIONS_UNANSWERED", "opinions"),
        ("REPORT_MISSING", "participationReport"),
    ]
    assert "尚有2条意见未逐条答复" in errors[4]["message"]
    assert await county_rows(owner_db, w.county.id) == before
    # the report needs every opinion answered
    errors = await refused(gql, REPORT, {"d": d["id"]}, staff)
    assert [e["code"] for e in errors] == ["OPINIONS_UNANSWERED"]
    view = await _decision(gql, staff, d["id"])
    for edge in view["opinions"]["edges"]:
        await act(
            gql, ANSWER, {"o": edge["node"]["id"], "x": "PARTLY_ADOPTED", "r": "部分吸收"}, staff
        )
    report = (await act(gql, REPORT, {"d": d["id"]}, staff))["report"]
    assert report["opinions"] == 2
    assert report["content"]["by_channel"] == {
        "ONLINE": 2,
        "MEETING": 0,
        "WRITTEN": 0,
        "UNIT_CONSULTATION": 0,
    }
    assert report["content"]["totals"] == {
        "opinions": 2,
        "unanswered": 0,
        "ADOPTED": 0,
        "PARTLY_ADOPTED": 2,
        "NOT_ADOPTED": 0,
    }
    assert [o["reason"] for o in report["content"]["opinions"]] == ["部分吸收", "部分吸收"]
    for step in STEPS:
        await finish_step(gql, staff, d["id"], step, person)
    # a written opinion arriving after the report makes it outdated
    await act(
        gql,
        RECORD_OPINION,
        {"i": {"decisionId": d["id"], "channel": "WRITTEN", "body": "迟到的意见"}},
        staff,
    )
    missing = (await _decision(gql, staff, d["id"]))["missingForDecision"]
    assert [(m["code"], m["field"]) for m in missing] == [
        ("OPINIONS_UNANSWERED", "opinions"),
        ("REPORT_OUTDATED", "participationReport"),
    ]
    late = [
        e["node"]
        for e in (await _decision(gql, staff, d["id"]))["opinions"]["edges"]
        if e["node"]["outcome"] is None
    ]
    await act(gql, ANSWER, {"o": late[0]["id"], "x": "ADOPTED"}, staff)
    await act(gql, REPORT, {"d": d["id"]}, staff)
    assert (await _decision(gql, staff, d["id"]))["missingForDecision"] == []
    await act(gql, START, {"d": d["id"], "s": "COLLECTIVE_DECISION"}, staff)
    errors = await refused(gql, SEAL, {"d": d["id"]}, staff)
    assert [e["code"] for e in errors] == ["INVALID_STATE"]
    await finish_step(gql, staff, d["id"], "COLLECTIVE_DECISION", person)
    decided = await _decision(gql, staff, d["id"])
    assert decided["state"] == "DECIDED"
    assert all(s["completedAt"] for s in decided["steps"])
    sealed = (await act(gql, SEAL, {"d": d["id"]}, staff))["decision"]
    assert sealed["sealedHash"]
    # the record: sections, the report inside, the chain ending with the seal; it verifies
    record = (await gql.data(RECORD, {"d": d["id"]}, token=staff))["decisionRecord"]
    assert record["format"] == "yishi.decision-record/1"
    assert record["chain"]["valid"] is True and record["chain"]["content_matches"] is True
    assert record["events"][-1]["type"] == "record.sealed"
    assert len(record["participation_reports"]) == 2 and len(record["opinions"]) == 3
    types = {e["type"] for e in record["events"]}
    # every type but those of surveys, sessions and opinion maps, which
    # tests/test_decisions_surveys.py, tests/test_decisions_sessions.py and
    # tests/test_opinion_map_decisions.py append
    assert types == {t.value for t in DecisionEvent} - {
        t.value for t in DecisionEvent if t.value.startswith("survey.")
    } - {DecisionEvent.SESSION_LINKED.value, DecisionEvent.OPINION_MAP_CONCLUDED.value}
    verified = (await gql.data(VERIFY, {"s": d["stream"]}, token=staff))["verifyStream"]
    assert (
        verified["valid"] is True
        and verified["sealed"] is True
        and verified["contentDiffers"] == []
    )
    # nothing can be appended once sealed
    errors = await refused(gql, ANSWER, {"o": given["opinion"]["id"], "x": "ADOPTED"}, staff)
    assert [e["code"] for e in errors] == ["INVALID_STATE"]
    # the co-unit's staff may export the record, a citizen may not
    assert (await gql.data(RECORD, {"d": d["id"]}, token=w.township_staff.token))["decisionRecord"][
        "chain"
    ]["valid"]
    body = await gql.execute(RECORD, {"d": d["id"]}, token=w.citizen.token)
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    # a row edited behind the service's back is named by the verification
    await owner_db.execute(
        "UPDATE decision_opinions SET answer = '篡改' WHERE decision_id = (SELECT id FROM decisions WHERE tenant_id = $1)",
        w.county.id,
    )
    verified = (await gql.data(VERIFY, {"s": d["stream"]}, token=staff))["verifyStream"]
    assert verified["valid"] is False and "opinions" in verified["contentDiffers"]


async def test_report_exports_as_docx(server, gql):
    w = await make_world(server)
    staff = w.department_staff.token
    d = await make_decision(gql, staff, w.unit(w.department))
    await add_version(gql, staff, d["id"])
    await open_consultation(gql, staff, d["id"])
    given = await act(
        gql, COMMENT, {"d": d["id"], "b": "建议分时段收费", "c": "普通公众"}, w.citizen.token
    )
    await act(gql, ANSWER, {"o": given["opinion"]["id"], "x": "ADOPTED"}, staff)
    await act(gql, REPORT, {"d": d["id"]}, staff)
    data = await gql.data(
        "query($id: ID!) { decision(id: $id) { participationReport { sha256 docxBase64 content } } }",
        {"id": d["id"]},
        token=staff,
    )
    report = data["decision"]["participationReport"]
    doc = Document(io.BytesIO(base64.b64decode(report["docxBase64"])))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "意见收集和采纳情况" in text and report["sha256"] in text
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    assert "建议分时段收费" in cells and "采纳" in cells and "普通公众" in cells
    assert report["content"]["by_category"] == {"普通公众": 1}


async def test_who_may_run_a_decision(server, gql, owner_db):
    w = await make_world(server)
    before = await county_rows(owner_db, w.county.id)
    for token in (w.citizen.token, w.township_staff.token, w.mediator.token):
        body = await gql.execute(
            CREATE, {"i": {"title": "办法", "leadUnitId": w.unit(w.department)}}, token=token
        )
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN", body
    body = await gql.execute(
        CREATE, {"i": {"title": "办法", "leadUnitId": w.unit(w.department)}}, tenant=w.county.slug
    )
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert await county_rows(owner_db, w.county.id) == before
    d = await make_decision(gql, w.admin.token, w.unit(w.department))  # the county office may
    before = await county_rows(owner_db, w.county.id)
    for query, variables in (
        (ADD_VERSION, {"i": {"decisionId": d["id"], "text": "第一条 甲。"}}),
        (START, {"d": d["id"], "s": "PUBLIC_PARTICIPATION"}),
        (COMPLETE, {"d": d["id"], "s": "PUBLIC_PARTICIPATION"}),
        (
            DOCUMENT,
            {
                "i": {
                    "decisionId": d["id"],
                    "step": "PUBLIC_PARTICIPATION",
                    "name": "a",
                    "contentBase64": "YQ==",
                }
            },
        ),
        (PERIOD, {"i": period_input(d["id"], 30)}),
        (RECORD_OPINION, {"i": {"decisionId": d["id"], "channel": "WRITTEN", "body": "x"}}),
        (REPORT, {"d": d["id"]}),
        (SEAL, {"d": d["id"]}),
    ):
        body = await gql.execute(query, variables, token=w.township_staff.token)
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN", (query, body)
        body = await gql.execute(query, variables, tenant=w.county.slug)
        assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED", (query, body)
    assert await county_rows(owner_db, w.county.id) == before


PAGE = """
query {
  decisions(first: FIRST) {
    edges { node {
      id title staffView
      latestVersion { number paragraphs { id label opinionCount } }
      steps { step startedAt responsibleIds documents { name } }
      commentPeriods { closesOn }
      opinions(first: 5) { edges { node { body authorId currentParagraphLabel } } pageInfo { hasNextPage } }
      participationReport { sha256 }
    } }
  }
}"""


async def test_a_page_of_decisions_costs_the_same_statements_for_3_and_12(server, gql):

    w = await make_world(server)
    staff = w.department_staff.token
    for i in range(12):
        d = await make_decision(gql, staff, w.unit(w.department))
        v = await add_version(gql, staff, d["id"])
        await open_consultation(gql, staff, d["id"])
        await act(
            gql,
            COMMENT,
            {"d": d["id"], "b": f"意见{i}", "p": v["paragraphs"][2]["id"]},
            w.citizen.token,
        )
    await gql.data(PAGE.replace("FIRST", "1"), token=staff)
    counted, pages = await fewest_statements(
        server, (3, 12), lambda first: gql.data(PAGE.replace("FIRST", str(first)), token=staff)
    )
    per_page = {first: len(s) for first, s in counted.items()}
    assert per_page[3] == per_page[12] <= 14, counted
    nodes = [e["node"] for e in pages[12]["decisions"]["edges"]]
    assert len(nodes) == 12 and all(n["staffView"] for n in nodes)
    assert [n["opinions"]["edges"][0]["node"]["body"] for n in nodes] == [
        f"意见{i}" for i in reversed(range(12))
    ]
    assert all(n["latestVersion"]["paragraphs"][2]["opinionCount"] == 1 for n in nodes)
    assert all(
        n["opinions"]["edges"][0]["node"]["currentParagraphLabel"] == "第二条" for n in nodes
    )
    assert all(n["opinions"]["edges"][0]["node"]["authorId"] == w.citizen.gid for n in nodes)


async def test_a_persons_copy_lists_their_opinions_with_the_answers(server, gql):
    w = await make_world(server)
    staff = w.department_staff.token
    d = await make_decision(gql, staff, w.unit(w.department))
    await add_version(gql, staff, d["id"])
    await open_consultation(gql, staff, d["id"])
    given = await act(gql, COMMENT, {"d": d["id"], "b": "建议夜间免费"}, w.citizen.token)
    await act(
        gql, ANSWER, {"o": given["opinion"]["id"], "x": "NOT_ADOPTED", "r": "需收费调节"}, staff
    )
    export = await gql.data(
        "mutation { exportPersonalData { data errors { code } } }", token=w.citizen.token
    )
    sections = {s["key"]: s["data"] for s in export["exportPersonalData"]["data"]["sections"]}
    assert [
        (o["decision"], o["channel"], o["body"], o["outcome"], o["answer"])
        for o in sections["decisions"]["opinions"]
    ] == [("城区停车管理办法", "ONLINE", "建议夜间免费", "NOT_ADOPTED", "需收费调节")]
