"""Decisions for tests, driven through the GraphQL API as the lead unit's app would."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from backend.decisions.stream import today

ERR = "errors { field code message }"
CREATE = f"""
mutation($i: CreateDecisionInput!) {{
  createDecision(input: $i) {{ decision {{ id title state currentStep stream }} {ERR} }}
}}"""
ADD_VERSION = f"""
mutation($i: AddDecisionVersionInput!) {{
  addDecisionVersion(input: $i) {{
    version {{ id number alternatives paragraphs {{ id alternative position label body opinionCount }} }}
    {ERR}
  }}
}}"""
START = f"""
mutation($d: ID!, $s: DecisionStep!) {{
  startDecisionStep(decisionId: $d, step: $s) {{ decision {{ state currentStep }} {ERR} }}
}}"""
COMPLETE = f"""
mutation($d: ID!, $s: DecisionStep!) {{
  completeDecisionStep(decisionId: $d, step: $s) {{ decision {{ state decidedAt }} {ERR} }}
}}"""
PEOPLE = f"""
mutation($d: ID!, $s: DecisionStep!, $u: [ID!]!) {{
  setDecisionStepPeople(decisionId: $d, step: $s, userIds: $u) {{ decision {{ id }} {ERR} }}
}}"""
DOCUMENT = f"""
mutation($i: AddDecisionDocumentInput!) {{
  addDecisionDocument(input: $i) {{ document {{ id name sha256 size storage }} {ERR} }}
}}"""
PERIOD = f"""
mutation($i: PublishCommentPeriodInput!) {{
  publishCommentPeriod(input: $i) {{ period {{ id opensOn closesOn shorteningReason rule }} {ERR} }}
}}"""
OPINION_FIELDS = (
    "id channel category body authorId paragraphId currentParagraphId currentParagraphLabel "
    "anchorState outcome answer decisionTitle"
)
COMMENT = f"""
mutation($d: ID!, $b: String!, $p: ID, $c: String) {{
  commentOnDecision(decisionId: $d, body: $b, paragraphId: $p, category: $c) {{
    opinion {{ {OPINION_FIELDS} }} {ERR}
  }}
}}"""
RECORD_OPINION = f"""
mutation($i: RecordOpinionInput!) {{
  recordDecisionOpinion(input: $i) {{ opinion {{ {OPINION_FIELDS} }} {ERR} }}
}}"""
IMPORT = f"""
mutation($d: ID!, $m: ID!, $c: String) {{
  importMeetingOpinions(decisionId: $d, meetingId: $m, category: $c) {{ imported {ERR} }}
}}"""
ANSWER = f"""
mutation($o: ID!, $x: OpinionOutcome!, $r: String) {{
  answerOpinion(opinionId: $o, outcome: $x, reason: $r) {{ opinion {{ {OPINION_FIELDS} }} {ERR} }}
}}"""
REPORT = f"""
mutation($d: ID!) {{
  generateParticipationReport(decisionId: $d) {{ report {{ id sha256 opinions content }} {ERR} }}
}}"""
SEAL = f"""
mutation($d: ID!) {{ sealDecisionRecord(decisionId: $d) {{ decision {{ sealedHash state }} {ERR} }} }}"""
DECISION = f"""
query($id: ID!) {{
  decision(id: $id) {{
    id title state currentStep staffView stream
    latestVersion {{ number paragraphs {{ id label body opinionCount alternative }} }}
    versions {{ number }}
    steps {{ step startedAt completedAt responsibleIds documents {{ name sha256 }} }}
    commentPeriods {{ opensOn closesOn rule shorteningReason basis reasons howToComment }}
    opinions(first: 50) {{ edges {{ node {{ {OPINION_FIELDS} }} }} }}
    participationReport {{ sha256 opinions }}
    missingForDecision {{ field code message }}
  }}
}}"""
MY_OPINIONS = f"""
query {{ myOpinions(first: 20) {{ edges {{ node {{ {OPINION_FIELDS} answeredAt }} }} }} }}"""
RECORD = "query($d: ID!) { decisionRecord(decisionId: $d) }"
VERIFY = """
query($s: String!) { verifyStream(stream: $s) { valid sealed signed contentDiffers problems } }"""
EVENTS = "query($s: String!) { streamEvents(stream: $s, first: 100) { seq type payload } }"

DRAFT = """某县城区停车管理办法（征求意见稿）
第一条 为规范城区机动车停放秩序，根据有关法律法规，结合本县实际，制定本办法。
第二条 本办法适用于本县城区范围内道路停车泊位的设置、使用和管理。
第三条 道路停车泊位实行分时段收费，收费标准由县发展改革委会同有关部门制定。
第四条 本办法自公布之日起施行。"""


async def act(gql: Any, query: str, variables: dict[str, Any], token: str | None) -> dict[str, Any]:
    """The payload of a call that must succeed."""
    data = await gql.data(query, variables, token=token)
    (payload,) = data.values()
    assert payload["errors"] == [], payload
    return payload


async def refused(
    gql: Any, query: str, variables: dict[str, Any], token: str | None
) -> list[dict[str, Any]]:
    """The payload errors of a call that must be refused."""
    data = await gql.data(query, variables, token=token)
    (payload,) = data.values()
    assert payload["errors"], payload
    return payload["errors"]


async def make_decision(
    gql: Any, token: str, lead_unit: str, *, compare: bool = False, co: list[str] | None = None
) -> dict[str, Any]:
    payload = await act(
        gql,
        CREATE,
        {
            "i": {
                "title": "城区停车管理办法",
                "leadUnitId": lead_unit,
                "coUnitIds": co or [],
                "compareAlternatives": compare,
            }
        },
        token,
    )
    return payload["decision"]


async def add_version(
    gql: Any, token: str, decision: str, text: str = DRAFT, **extra: Any
) -> dict[str, Any]:
    payload = await act(
        gql, ADD_VERSION, {"i": {"decisionId": decision, "text": text, **extra}}, token
    )
    return payload["version"]


def period_input(decision: str, days: int, **extra: Any) -> dict[str, Any]:
    opens: date = today()
    return {
        "decisionId": decision,
        "opensOn": opens.isoformat(),
        "closesOn": (opens + timedelta(days=days)).isoformat(),
        "basis": "《中华人民共和国道路交通安全法》",
        "reasons": "城区停车难，需规范泊位设置和收费",
        "howToComment": "在本平台逐条发表意见，或来信寄县住建委",
        **extra,
    }


async def open_consultation(gql: Any, token: str, decision: str, days: int = 30) -> None:
    """Start 公众参与 and publish a comment period of `days` days on the newest version."""
    await act(gql, START, {"d": decision, "s": "PUBLIC_PARTICIPATION"}, token)
    await act(gql, PERIOD, {"i": period_input(decision, days)}, token)


async def finish_step(gql: Any, token: str, decision: str, step: str, person: str) -> None:
    """Give a started step its responsible person and a document, then complete it."""
    await act(gql, PEOPLE, {"d": decision, "s": step, "u": [person]}, token)
    await act(
        gql,
        DOCUMENT,
        {
            "i": {
                "decisionId": decision,
                "step": step,
                "name": f"{step}.pdf",
                "contentBase64": "JVBERi0xLjQK",
            }
        },
        token,
    )
    await act(gql, COMPLETE, {"d": decision, "s": step}, token)


PUBLISH = f"""
mutation($d: ID!, $on: Date, $n: String) {{
  publishDecision(decisionId: $d, publishedOn: $on, documentNumber: $n) {{
    decision {{ publishedOn documentNumber interpretationDueOn interpretationDueProvisional interpretationOverdue }}
    {ERR}
  }}
}}"""
INTERPRET = f"""
mutation($d: ID!, $t: String!, $b: String!) {{
  submitInterpretation(decisionId: $d, title: $t, body: $b) {{ decision {{ interpretedAt interpretationOverdue }} {ERR} }}
}}"""
EVALUATE = f"""
mutation($i: EvaluateDecisionInput!) {{
  evaluateDecision(input: $i) {{
    evaluationId
    decision {{ evaluationSummary {{ evaluations dissatisfied }} postEvaluation {{ reason evaluations dissatisfied unitId }} }}
    {ERR}
  }}
}}"""
OVERDUE = "query { overdueInterpretations { id title interpretationDueOn interpretationOverdue } }"
POST_EVALUATIONS = "query { postEvaluations { decisionId unitId reason evaluations dissatisfied } }"


async def decided_decision(gql: Any, token: str, lead_unit: str, person: str) -> str:
    """A decision taken through the five steps to DECIDED (one answered opinion)."""
    decision = (await make_decision(gql, token, lead_unit))["id"]
    await add_version(gql, token, decision)
    await open_consultation(gql, token, decision)
    given = await act(
        gql,
        RECORD_OPINION,
        {"i": {"decisionId": decision, "channel": "WRITTEN", "body": "来信"}},
        token,
    )
    await act(gql, ANSWER, {"o": given["opinion"]["id"], "x": "ADOPTED"}, token)
    await act(gql, REPORT, {"d": decision}, token)
    for step in (
        "PUBLIC_PARTICIPATION",
        "EXPERT_REVIEW",
        "RISK_ASSESSMENT",
        "LEGALITY_REVIEW",
        "COLLECTIVE_DECISION",
    ):
        if step != "PUBLIC_PARTICIPATION":
            await act(gql, START, {"d": decision, "s": step}, token)
        await finish_step(gql, token, decision, step, person)
    return decision


# -- 民意调查 (surveys) and 座谈 sessions ------------------------------------------------------

SURVEY_FIELDS = (
    "id state title allowAnonymous opensOn closesOn acceptingAnswers "
    "questions { id position kind prompt options maxChoices required } "
    "report { summary adoption } "
    "results { respondents questions { position answered counts mean "
    "textAnswers(first: 50) { edges { node { text } } } } }"
)
CREATE_SURVEY = f"""
mutation($i: CreateDecisionSurveyInput!) {{
  createDecisionSurvey(input: $i) {{ survey {{ {SURVEY_FIELDS} }} {ERR} }}
}}"""
UPDATE_SURVEY = f"""
mutation($i: UpdateDecisionSurveyInput!) {{
  updateDecisionSurvey(input: $i) {{ survey {{ {SURVEY_FIELDS} }} {ERR} }}
}}"""
PUBLISH_SURVEY = f"""
mutation($s: ID!, $o: Date!, $c: Date!) {{
  publishDecisionSurvey(surveyId: $s, opensOn: $o, closesOn: $c) {{ survey {{ {SURVEY_FIELDS} }} {ERR} }}
}}"""
CLOSE_SURVEY = f"""
mutation($s: ID!) {{ closeDecisionSurvey(surveyId: $s) {{ survey {{ {SURVEY_FIELDS} }} {ERR} }} }}"""
ANSWER_SURVEY = f"""
mutation($i: AnswerDecisionSurveyInput!) {{
  answerDecisionSurvey(input: $i) {{ accepted revision replaced {ERR} }}
}}"""
SURVEY_REPORT = f"""
mutation($s: ID!, $m: String!, $a: String!) {{
  submitDecisionSurveyReport(surveyId: $s, summary: $m, adoption: $a) {{ survey {{ {SURVEY_FIELDS} }} {ERR} }}
}}"""
SURVEY = f"query($id: ID!) {{ decisionSurvey(id: $id) {{ {SURVEY_FIELDS} }} }}"
LINK_SESSION = f"""
mutation($i: LinkDecisionSessionInput!) {{
  linkDecisionSession(input: $i) {{
    session {{ id meetingId versionId explanation materialsSentAt recipients recipientIds recipientRoles rule }}
    {ERR}
  }}
}}"""
SESSIONS = """
query($id: ID!) { decision(id: $id) { sessions { meetingId recipients recipientIds recipientRoles rule } } }"""

QUESTIONS: list[dict[str, Any]] = [
    {
        "kind": "SINGLE_CHOICE",
        "prompt": "您是否赞成道路停车分时段收费？",
        "options": ["赞成", "反对", "无所谓"],
        "required": True,
    },
    {
        "kind": "MULTIPLE_CHOICE",
        "prompt": "您最关心哪些方面？（最多选两项）",
        "options": ["收费标准", "泊位数量", "夜间停车", "残疾人车位"],
        "maxChoices": 2,
    },
    {"kind": "SCALE", "prompt": "您对现行停车秩序的满意程度（1至5分）", "required": True},
    {"kind": "TEXT", "prompt": "其他意见和建议"},
]


async def make_survey(
    gql: Any,
    token: str,
    decision: str,
    *,
    anonymous: bool = False,
    publish: bool = True,
    questions: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """A questionnaire on the decision, published from today for 10 days unless not."""
    survey = (
        await act(
            gql,
            CREATE_SURVEY,
            {
                "i": {
                    "decisionId": decision,
                    "title": "城区停车管理民意调查",
                    "intro": "本次调查不记名，结果将作为决策参考。",
                    "allowAnonymous": anonymous,
                    "questions": questions or QUESTIONS,
                }
            },
            token,
        )
    )["survey"]
    if publish:
        opens = today()
        survey = (
            await act(
                gql,
                PUBLISH_SURVEY,
                {
                    "s": survey["id"],
                    "o": opens.isoformat(),
                    "c": (opens + timedelta(days=10)).isoformat(),
                },
                token,
            )
        )["survey"]
    return survey


def sheet(survey: dict[str, Any], key: str, *values: Any) -> dict[str, Any]:
    """An answer sheet giving `values` to the questions in order (None: left out): a list
    for a choice question, an int for a scale, a str for text."""
    answers = []
    for q, v in zip(survey["questions"], values, strict=False):
        if v is None:
            continue
        if isinstance(v, list):
            answers.append({"questionId": q["id"], "choices": v})
        elif isinstance(v, int):
            answers.append({"questionId": q["id"], "scale": v})
        else:
            answers.append({"questionId": q["id"], "text": v})
    return {"i": {"surveyId": survey["id"], "idempotencyKey": key, "answers": answers}}
