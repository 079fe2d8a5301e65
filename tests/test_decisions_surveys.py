"""民意调查 on a decision over HTTP (seed 002 第五条、第八条): the lead unit drafts and
publishes a questionnaire, members answer once each (a retry is harmless, a new answer
replaces the old one), every answer is checked against its question, results are counts
(free text for the lead unit only), the written report is needed before 集体讨论决定 and
joins the participation report; who answered what reaches nobody."""

from __future__ import annotations

import base64
import io
import json

from docx import Document

from backend.core.limits import Action, Rate
from tests.cases_world import make_world
from tests.conftest import county_rows
from tests.factories.decisions import (
    ANSWER,
    ANSWER_SURVEY,
    CLOSE_SURVEY,
    DECISION,
    EVENTS,
    PUBLISH_SURVEY,
    QUESTIONS,
    RECORD,
    RECORD_OPINION,
    REPORT,
    START,
    SURVEY,
    SURVEY_REPORT,
    UPDATE_SURVEY,
    act,
    add_version,
    finish_step,
    make_decision,
    make_survey,
    open_consultation,
    refused,
    sheet,
)
from tests.test_units_of_work import budgets

STEPS = ["PUBLIC_PARTICIPATION", "EXPERT_REVIEW", "RISK_ASSESSMENT", "LEGALITY_REVIEW"]


async def _survey(gql, token, survey_id, **kw):
    return (await gql.data(SURVEY, {"id": survey_id}, token=token, **kw))["decisionSurvey"]


async def test_a_questionnaire_is_edited_only_as_a_draft_then_published(server, gql, owner_db):
    w = await make_world(server)
    staff = w.department_staff.token
    d = await make_decision(gql, staff, w.unit(w.department))
    draft = await make_survey(gql, staff, d["id"], publish=False)
    assert draft["state"] == "DRAFT" and draft["acceptingAnswers"] is False
    assert [(q["position"], q["kind"], q["required"]) for q in draft["questions"]] == [
        (1, "SINGLE_CHOICE", True),
        (2, "MULTIPLE_CHOICE", False),
        (3, "SCALE", True),
        (4, "TEXT", False),
    ]
    assert draft["questions"][1]["maxChoices"] == 2
    # a draft is the lead unit's: the public does not see it
    assert await _survey(gql, None, draft["id"], tenant=w.county.slug) is None
    public = (await gql.data(DECISION, {"id": d["id"]}, tenant=w.county.slug))["decision"]
    assert public is not None
    # bad questions: every problem named at once, nothing written
    before = await county_rows(owner_db, w.county.id)
    errors = await refused(
        gql,
        UPDATE_SURVEY,
        {
            "i": {
                "surveyId": draft["id"],
                "title": "城区停车管理民意调查",
                "questions": [
                    {"kind": "SINGLE_CHOICE", "prompt": "只有一个选项", "options": ["是"]},
                    {"kind": "SCALE", "prompt": "评分", "options": ["1"]},
                    {
                        "kind": "MULTIPLE_CHOICE",
                        "prompt": "多选",
                        "options": ["甲", "乙"],
                        "maxChoices": 3,
                    },
                    {"kind": "TEXT", "prompt": "  "},
                ],
            }
        },
        staff,
    )
    assert [(e["code"], e["field"]) for e in errors] == [
        ("INVALID", "questions.0.options"),
        ("INVALID", "questions.1.options"),
        ("INVALID", "questions.2.maxChoices"),
        ("INVALID", "questions.3.prompt"),
    ]
    assert await county_rows(owner_db, w.county.id) == before
    edited = (
        await act(
            gql,
            UPDATE_SURVEY,
            {"i": {"surveyId": draft["id"], "title": "停车调查", "questions": QUESTIONS[:2]}},
            staff,
        )
    )["survey"]
    assert edited["title"] == "停车调查" and len(edited["questions"]) == 2
    # publishing: not before today, closing not before opening
    errors = await refused(
        gql, PUBLISH_SURVEY, {"s": draft["id"], "o": "2020-01-01", "c": "2020-01-02"}, staff
    )
    assert [(e["code"], e["field"]) for e in errors] == [("INVALID", "opensOn")]
    opened = await make_survey(gql, staff, d["id"])
    assert opened["state"] == "OPEN" and opened["acceptingAnswers"] is True
    # once published it can no longer be edited
    errors = await refused(
        gql,
        UPDATE_SURVEY,
        {"i": {"surveyId": opened["id"], "title": "改", "questions": QUESTIONS}},
        staff,
    )
    assert [e["code"] for e in errors] == ["INVALID_STATE"]
    # a citizen may not draft one
    body = await gql.execute(
        UPDATE_SURVEY,
        {"i": {"surveyId": draft["id"], "title": "改", "questions": QUESTIONS}},
        token=w.citizen.token,
    )
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_every_answer_is_checked_against_its_question(server, gql, owner_db):
    w = await make_world(server)
    staff = w.department_staff.token
    d = await make_decision(gql, staff, w.unit(w.department))
    s = await make_survey(gql, staff, d["id"])
    other = await make_survey(gql, staff, d["id"])
    citizen = w.citizen.token
    before = await county_rows(owner_db, w.county.id)
    q = s["questions"]
    cases = [
        # an option the question does not have
        ({"questionId": q[0]["id"], "choices": [3]}, "CHOICE_OUT_OF_RANGE"),
        # three choices where two are allowed
        ({"questionId": q[1]["id"], "choices": [0, 1, 2]}, "TOO_MANY_CHOICES"),
        ({"questionId": q[2]["id"], "scale": 6}, "SCALE_OUT_OF_RANGE"),
        ({"questionId": q[3]["id"], "text": "长" * 1001}, "TEXT_TOO_LONG"),
        # a question of another questionnaire
        ({"questionId": other["questions"][0]["id"], "choices": [0]}, "UNKNOWN_QUESTION"),
    ]
    errors = await refused(
        gql,
        ANSWER_SURVEY,
        {"i": {"surveyId": s["id"], "idempotencyKey": "k1", "answers": [a for a, _ in cases]}},
        citizen,
    )
    assert [(e["code"], e["field"]) for e in errors] == [
        (code, f"answers.{i}") for i, (_, code) in enumerate(cases)
    ]
    assert "第1题只有3个选项" in errors[0]["message"]
    assert "最多可选2项" in errors[1]["message"]
    # required questions left out: named by their index in the questionnaire
    errors = await refused(gql, ANSWER_SURVEY, sheet(s, "k2", None, [0], None, "意见"), citizen)
    assert [(e["code"], e["field"]) for e in errors] == [
        ("ANSWER_REQUIRED", "answers.0"),
        ("ANSWER_REQUIRED", "answers.2"),
    ]
    assert "第1题为必答题" in errors[0]["message"]
    errors = await refused(gql, ANSWER_SURVEY, sheet(s, "k3", [0, 1], None, 3), citizen)
    assert [(e["code"], e["field"]) for e in errors] == [("TOO_MANY_CHOICES", "answers.0")]
    errors = await refused(
        gql,
        ANSWER_SURVEY,
        {
            "i": {
                "surveyId": s["id"],
                "idempotencyKey": "k4",
                "answers": [
                    {"questionId": q[0]["id"], "text": "赞成"},
                ],
            }
        },
        citizen,
    )
    assert [(e["code"], e["field"]) for e in errors] == [
        ("INVALID", "answers.0"),  # text for a choice question
        ("ANSWER_REQUIRED", "answers.2"),
    ]
    assert await county_rows(owner_db, w.county.id) == before
    # a closed survey takes no answers
    await act(gql, CLOSE_SURVEY, {"s": other["id"]}, staff)
    errors = await refused(gql, ANSWER_SURVEY, sheet(other, "k5", [0], None, 4), citizen)
    assert [(e["code"], e["field"]) for e in errors] == [("SURVEY_CLOSED", "surveyId")]


async def test_each_member_answers_once_a_retry_is_harmless_and_a_new_answer_replaces(
    server, gql, owner_db
):
    w = await make_world(server)
    staff = w.department_staff.token
    d = await make_decision(gql, staff, w.unit(w.department))
    s = await make_survey(gql, staff, d["id"])
    first = await act(
        gql, ANSWER_SURVEY, sheet(s, "a-1", [0], [0, 1], 4, "多设泊位"), w.citizen.token
    )
    assert (first["accepted"], first["revision"], first["replaced"]) == (True, 1, False)
    # the same sheet again (a retry after a lost reply): nothing changes
    rows = await county_rows(owner_db, w.county.id)
    again = await act(
        gql, ANSWER_SURVEY, sheet(s, "a-1", [0], [0, 1], 4, "多设泊位"), w.citizen.token
    )
    assert (again["revision"], again["replaced"]) == (1, False)
    assert await county_rows(owner_db, w.county.id) == rows
    # answering again replaces the earlier answers: still one respondent, a change recorded
    changed = await act(gql, ANSWER_SURVEY, sheet(s, "a-2", [1], None, 2), w.citizen.token)
    assert (changed["revision"], changed["replaced"]) == (2, True)
    assert await county_rows(owner_db, w.county.id) == rows
    await act(gql, ANSWER_SURVEY, sheet(s, "b-1", [1], [1], 3), w.other_citizen.token)
    # someone else's key is not theirs to reuse
    errors = await refused(gql, ANSWER_SURVEY, sheet(s, "b-1", [0], None, 5), w.citizen.token)
    assert [(e["code"], e["field"]) for e in errors] == [("IDEMPOTENCY_CONFLICT", "idempotencyKey")]
    results = (await _survey(gql, staff, s["id"]))["results"]
    assert results["respondents"] == 2
    assert [r["counts"] for r in results["questions"]] == [
        [0, 2, 0],  # the replaced answer no longer counts
        [0, 1, 0, 0],
        [0, 1, 1, 0, 0],
        [],
    ]
    assert results["questions"][2]["mean"] == 2.5
    # the free text of the replaced sheet is gone too
    assert results["questions"][3]["textAnswers"]["edges"] == []
    stored = await owner_db.fetch(
        "SELECT revision, changed_at IS NOT NULL AS changed FROM decision_survey_responses "
        "WHERE tenant_id = $1 ORDER BY id",
        w.county.id,
    )
    assert [(r["revision"], r["changed"]) for r in stored] == [(2, True), (1, False)]


async def test_anonymous_answers_only_where_allowed_and_limited_per_address(server, gql, owner_db):
    w = await make_world(server)
    staff = w.department_staff.token
    d = await make_decision(gql, staff, w.unit(w.department))
    closed_to_anonymous = await make_survey(gql, staff, d["id"])
    before = await county_rows(owner_db, w.county.id)
    body = await gql.execute(
        ANSWER_SURVEY, sheet(closed_to_anonymous, "anon-0", [0], None, 3), tenant=w.county.slug
    )
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert await county_rows(owner_db, w.county.id) == before
    open_survey = await make_survey(gql, staff, d["id"], anonymous=True)
    with budgets(server, Action.SURVEY_ANSWER, per_user=None, per_address=Rate(2, 3600)):
        for key in ("anon-1", "anon-2"):
            done = (
                await gql.data(
                    ANSWER_SURVEY, sheet(open_survey, key, [2], None, 1), tenant=w.county.slug
                )
            )["answerDecisionSurvey"]
            assert done["accepted"] is True and done["errors"] == []
        rows = await county_rows(owner_db, w.county.id)
        limited = (
            await gql.data(
                ANSWER_SURVEY, sheet(open_survey, "anon-3", [2], None, 1), tenant=w.county.slug
            )
        )["answerDecisionSurvey"]
        assert limited["accepted"] is False
        assert [e["code"] for e in limited["errors"]] == ["RATE_LIMITED"]
        assert await county_rows(owner_db, w.county.id) == rows
    # an anonymous respondent replaces their own answers with their key
    again = (
        await gql.data(
            ANSWER_SURVEY, sheet(open_survey, "anon-1", [0], None, 5), tenant=w.county.slug
        )
    )["answerDecisionSurvey"]
    assert (again["revision"], again["replaced"]) == (2, True)
    results = (await _survey(gql, staff, open_survey["id"]))["results"]
    assert results["respondents"] == 2 and results["questions"][0]["counts"] == [1, 0, 1]


async def test_results_are_counts_and_free_text_is_for_the_lead_unit_only(server, gql):
    w = await make_world(server)
    staff = w.department_staff.token
    d = await make_decision(gql, staff, w.unit(w.department), co=[w.unit(w.township)])
    s = await make_survey(gql, staff, d["id"])
    await act(gql, ANSWER_SURVEY, sheet(s, "1", [0], [0, 2], 5, "增加夜间泊位"), w.citizen.token)
    await act(gql, ANSWER_SURVEY, sheet(s, "2", [1], [2], 2), w.other_citizen.token)
    await act(gql, ANSWER_SURVEY, sheet(s, "3", [0], [], 4, "错时共享"), w.collector.token)
    lead = (await _survey(gql, staff, s["id"]))["results"]
    assert lead["respondents"] == 3
    assert [(r["answered"], r["counts"], r["mean"]) for r in lead["questions"]] == [
        (3, [2, 1, 0], None),
        (2, [1, 0, 2, 0], None),
        (3, [0, 1, 0, 1, 1], 3.67),
        (2, [], None),
    ]
    texts = [e["node"]["text"] for e in lead["questions"][3]["textAnswers"]["edges"]]
    assert texts == ["增加夜间泊位", "错时共享"]
    # a co-unit's staff see the counts but not the free text; nobody sees who wrote what
    co = (await _survey(gql, w.township_staff.token, s["id"]))["results"]
    assert co["respondents"] == 3 and co["questions"][3]["textAnswers"] is None
    # the public sees no results while it is open, the counts once it ended, never the text
    assert (await _survey(gql, w.citizen.token, s["id"]))["results"] is None
    await act(gql, CLOSE_SURVEY, {"s": s["id"]}, staff)
    public = (await _survey(gql, None, s["id"], tenant=w.county.slug))["results"]
    assert [r["counts"] for r in public["questions"]] == [r["counts"] for r in lead["questions"]]
    assert public["questions"][3]["textAnswers"] is None
    body = json.dumps(await gql.data(SURVEY, {"id": s["id"]}, tenant=w.county.slug))
    assert w.citizen.gid not in body and "增加夜间泊位" not in body


async def test_the_written_report_opens_the_gate_and_joins_the_participation_report(
    server, gql, owner_db
):
    w = await make_world(server)
    staff = w.department_staff.token
    person = w.department_staff.gid
    d = await make_decision(gql, staff, w.unit(w.department))
    await add_version(gql, staff, d["id"])
    await open_consultation(gql, staff, d["id"])
    s = await make_survey(gql, staff, d["id"])
    await act(gql, ANSWER_SURVEY, sheet(s, "1", [0], [1], 4, "多设泊位"), w.citizen.token)
    await act(gql, ANSWER_SURVEY, sheet(s, "2", [1], None, 2), w.other_citizen.token)
    given = await act(
        gql,
        RECORD_OPINION,
        {"i": {"decisionId": d["id"], "channel": "WRITTEN", "body": "来信"}},
        staff,
    )
    await act(gql, ANSWER, {"o": given["opinion"]["id"], "x": "ADOPTED"}, staff)
    for step in STEPS[1:]:
        await act(gql, START, {"d": d["id"], "s": step}, staff)
    # a report cannot be written while the survey is open
    errors = await refused(gql, SURVEY_REPORT, {"s": s["id"], "m": "结论", "a": "采纳"}, staff)
    assert [(e["code"], e["field"]) for e in errors] == [("INVALID_STATE", "surveyId")]
    await act(gql, REPORT, {"d": d["id"]}, staff)
    for step in STEPS:
        await finish_step(gql, staff, d["id"], step, person)
    # the gate: a published survey without its written report (第八条)
    before = await county_rows(owner_db, w.county.id)
    errors = await refused(gql, START, {"d": d["id"], "s": "COLLECTIVE_DECISION"}, staff)
    assert [(e["code"], e["field"]) for e in errors] == [("SURVEY_REPORT_MISSING", "surveys")]
    assert "第八条" in errors[0]["message"] and "城区停车管理民意调查" in errors[0]["message"]
    assert await county_rows(owner_db, w.county.id) == before
    await act(gql, CLOSE_SURVEY, {"s": s["id"]}, staff)
    reported = (
        await act(
            gql,
            SURVEY_REPORT,
            {"s": s["id"], "m": "半数受访者赞成分时段收费", "a": "采纳：增设夜间免费时段"},
            staff,
        )
    )["survey"]
    assert reported["report"] == {
        "summary": "半数受访者赞成分时段收费",
        "adoption": "采纳：增设夜间免费时段",
    }
    errors = await refused(gql, SURVEY_REPORT, {"s": s["id"], "m": "又", "a": "又"}, staff)
    assert [e["code"] for e in errors] == ["INVALID_STATE"]
    # the participation report generated before no longer matches: generate it again
    missing = (await gql.data(DECISION, {"id": d["id"]}, token=staff))["decision"]
    assert [(m["code"], m["field"]) for m in missing["missingForDecision"]] == [
        ("REPORT_OUTDATED", "participationReport")
    ]
    report = (await act(gql, REPORT, {"d": d["id"]}, staff))["report"]
    content = report["content"]
    assert content["by_channel"]["SURVEY"] == 2 and content["by_channel"]["WRITTEN"] == 1
    (section,) = content["surveys"]
    assert section["respondents"] == 2 and "第八条" in section["rule"]
    assert [q["counts"] for q in section["questions"]] == [
        [1, 1, 0],
        [0, 1, 0, 0],
        [0, 1, 0, 1, 0],
        [],
    ]
    assert section["report"]["adoption"] == "采纳：增设夜间免费时段"
    assert "多设泊位" not in json.dumps(content, ensure_ascii=False)  # no free text
    docx_b64 = (
        await gql.data(
            "query($id: ID!) { decision(id: $id) { participationReport { docxBase64 } } }",
            {"id": d["id"]},
            token=staff,
        )
    )["decision"]["participationReport"]["docxBase64"]
    text = "\n".join(p.text for p in Document(io.BytesIO(base64.b64decode(docx_b64))).paragraphs)
    assert "民意调查" in text and "有效答卷2份" in text and "采纳：增设夜间免费时段" in text
    await act(gql, START, {"d": d["id"], "s": "COLLECTIVE_DECISION"}, staff)
    # once decided, no answers and no new survey
    errors = await refused(gql, ANSWER_SURVEY, sheet(s, "3", [0], None, 3), w.collector.token)
    assert [e["code"] for e in errors] == ["SURVEY_CLOSED"]
    await finish_step(gql, staff, d["id"], "COLLECTIVE_DECISION", person)
    record = (await gql.data(RECORD, {"d": d["id"]}, token=staff))["decisionRecord"]
    assert record["surveys"][0]["report"]["summary"] == "半数受访者赞成分时段收费"
    assert record["surveys"][0]["respondents"] == 2


async def test_the_stream_says_a_survey_opened_closed_and_was_reported_never_who_answered(
    server, gql
):
    w = await make_world(server)
    staff = w.department_staff.token
    d = await make_decision(gql, staff, w.unit(w.department))
    s = await make_survey(gql, staff, d["id"])
    await act(gql, ANSWER_SURVEY, sheet(s, "1", [0], None, 4, "建议"), w.citizen.token)
    await act(gql, ANSWER_SURVEY, sheet(s, "2", [2], None, 1), w.other_citizen.token)
    await act(gql, CLOSE_SURVEY, {"s": s["id"]}, staff)
    await act(gql, SURVEY_REPORT, {"s": s["id"], "m": "结论", "a": "采纳情况"}, staff)
    staff_events = (await gql.data(EVENTS, {"s": d["stream"]}, token=staff))["streamEvents"]
    public_events = (await gql.data(EVENTS, {"s": d["stream"]}, tenant=w.county.slug))[
        "streamEvents"
    ]
    assert [e["type"] for e in staff_events] == [
        "decision.created",
        "survey.drafted",
        "survey.opened",
        "survey.closed",
        "survey.reported",
    ]
    # the public sees the survey from its publication on; no event per answer for anyone
    assert [e["type"] for e in public_events] == [
        "decision.created",
        "survey.opened",
        "survey.closed",
        "survey.reported",
    ]
    closed = next(e for e in public_events if e["type"] == "survey.closed")
    assert closed["payload"]["respondents"] == 2
    for events in (staff_events, public_events):
        dumped = json.dumps(events, ensure_ascii=False)
        assert str(w.citizen.user_id) not in [str(v) for e in events for v in e["payload"].values()]
        assert "建议" not in dumped


async def test_survey_answers_join_the_persons_copy_and_erasure(server, gql, owner_db):
    w = await make_world(server)
    staff = w.department_staff.token
    d = await make_decision(gql, staff, w.unit(w.department))
    s = await make_survey(gql, staff, d["id"])
    await act(gql, ANSWER_SURVEY, sheet(s, "mine", [0], [1, 3], 5, "多设充电桩"), w.citizen.token)
    export = await gql.data(
        "mutation { exportPersonalData { data errors { code } } }", token=w.citizen.token
    )
    sections = {s["key"]: s["data"] for s in export["exportPersonalData"]["data"]["sections"]}
    (mine,) = sections["decisions"]["surveys"]
    assert mine["survey"] == "城区停车管理民意调查" and mine["revision"] == 1
    assert [(a["position"], a["answer"]) for a in mine["answers"]] == [
        (1, ["赞成"]),
        (2, ["泊位数量", "残疾人车位"]),
        (3, 5),
        (4, "多设充电桩"),
    ]
    erased = await gql.data(
        'mutation($u: ID!) { erasePerson(userId: $u, reason: "本人申请") { errors { code } } }',
        {"u": w.citizen.gid},
        token=w.admin.token,
    )
    assert erased["erasePerson"]["errors"] == []
    row = await owner_db.fetchrow(
        "SELECT respondent_user_id, idempotency_key FROM decision_survey_responses "
        "WHERE tenant_id = $1",
        w.county.id,
    )
    assert row["respondent_user_id"] is None and row["idempotency_key"].startswith("erased:")
    # still counted, as an anonymous answer would be
    assert (await _survey(gql, staff, s["id"]))["results"]["respondents"] == 1
