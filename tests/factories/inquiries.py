"""网络问政 and opinion collection for tests: a county with two departments and their
leaders, and the GraphQL documents the tests send (through the API, as the apps do)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from backend.people.models import Role
from tenants.models import OrgUnitKind
from tests.factories.people import make_user
from tests.factories.tenants import Account, County, gid, make_county, make_unit

GROUP_FIELDS = (
    "id name frequency weekday ordinal monthInPeriod startTime durationMinutes stream "
    "units { unitId position leaderId unit { name } }"
)
SESSION_FIELDS = (
    "id groupId unitId year period plannedOn scheduledOn startsAt endsAt movedReason "
    "provisional state rescheduledReason cancelledReason stream unit { name }"
)
QUESTION_FIELDS = (
    "id sessionId body state answer answeredAt caseId mine askerId callerName callerPhone "
    "responderId"
)
OPINION_FIELDS = (
    "id collectionId unitId source body state reviewReason handling dispatchedUnitId answer "
    "satisfaction mine giverId giverName giverPhone"
)
ERRORS = "errors { field code message }"

CREATE_GROUP = f"""
mutation($i: CreateInquiryGroupInput!) {{
  createInquiryGroup(input: $i) {{ group {{ {GROUP_FIELDS} }} {ERRORS} }}
}}"""
GENERATE = f"""
mutation($y: Int!, $g: [ID!]) {{
  generateInquirySessions(year: $y, groupIds: $g) {{ created existing {ERRORS} }}
}}"""
SESSIONS = f"""
query($y: Int!, $m: Int, $u: ID) {{
  inquirySessions(year: $y, month: $m, unitId: $u) {{ {SESSION_FIELDS} }}
}}"""
GROUPS = f"query {{ inquiryGroups {{ {GROUP_FIELDS} }} }}"
RESCHEDULE = f"""
mutation($s: ID!, $t: DateTime!, $r: String!) {{
  rescheduleInquirySession(sessionId: $s, startsAt: $t, reason: $r) {{
    session {{ {SESSION_FIELDS} }} {ERRORS} }}
}}"""
CANCEL = f"""
mutation($s: ID!, $r: String!) {{
  cancelInquirySession(sessionId: $s, reason: $r) {{ session {{ {SESSION_FIELDS} }} {ERRORS} }}
}}"""
START = f"""
mutation($s: ID!) {{ startInquirySession(sessionId: $s) {{ session {{ state }} {ERRORS} }} }}"""
END = f"""
mutation($s: ID!) {{ endInquirySession(sessionId: $s) {{ session {{ state }} {ERRORS} }} }}"""
ASK = f"""
mutation($s: ID!, $b: String!) {{
  askInquiryQuestion(sessionId: $s, body: $b) {{ question {{ {QUESTION_FIELDS} }} {ERRORS} }}
}}"""
ENTER = f"""
mutation($s: ID!, $b: String!, $n: String!, $p: String!) {{
  enterInquiryQuestion(sessionId: $s, body: $b, callerName: $n, callerPhone: $p) {{
    question {{ {QUESTION_FIELDS} }} {ERRORS} }}
}}"""
ASSIGN = f"""
mutation($q: ID!, $u: ID!) {{
  assignInquiryQuestion(questionId: $q, responderId: $u) {{
    question {{ {QUESTION_FIELDS} }} {ERRORS} }}
}}"""
ANSWER = f"""
mutation($q: ID!, $a: String!) {{
  answerInquiryQuestion(questionId: $q, answer: $a) {{ question {{ {QUESTION_FIELDS} }} {ERRORS} }}
}}"""
TO_CASE = f"""
mutation($q: ID!, $k: CaseKind!, $t: String!, $r: String) {{
  turnInquiryQuestionIntoCase(questionId: $q, kind: $k, title: $t, initialReply: $r) {{
    question {{ {QUESTION_FIELDS} }} {ERRORS} }}
}}"""
QUESTIONS = f"""
query($s: ID!, $first: Int, $after: String) {{
  inquiryQuestions(sessionId: $s, first: $first, after: $after) {{
    edges {{ node {{ {QUESTION_FIELDS} }} cursor }} pageInfo {{ hasNextPage endCursor }} }}
}}"""
OPEN_COLLECTION = f"""
mutation($i: OpenOpinionCollectionInput!) {{
  openOpinionCollection(input: $i) {{
    collection {{ id meetingId title openedAt closesAt unitIds stream }} {ERRORS} }}
}}"""
ENTER_OPINION = f"""
mutation($i: EnterOpinionInput!) {{
  enterReportOpinion(input: $i) {{ opinion {{ {OPINION_FIELDS} }} {ERRORS} }}
}}"""
REVIEW = f"""
mutation($o: ID!, $a: Boolean!, $r: String) {{
  reviewReportOpinion(opinionId: $o, accepted: $a, reason: $r) {{
    opinion {{ {OPINION_FIELDS} }} {ERRORS} }}
}}"""
DISPATCH = f"""
mutation($o: ID!, $h: OpinionHandling!, $u: ID) {{
  dispatchReportOpinion(opinionId: $o, handling: $h, unitId: $u) {{
    opinion {{ {OPINION_FIELDS} }} {ERRORS} }}
}}"""
ANSWER_OPINION = f"""
mutation($o: ID!, $a: String!) {{
  answerReportOpinion(opinionId: $o, answer: $a) {{ opinion {{ {OPINION_FIELDS} }} {ERRORS} }}
}}"""
RATE = f"""
mutation($o: ID!, $s: Satisfaction!) {{
  rateReportOpinion(opinionId: $o, satisfaction: $s) {{ opinion {{ {OPINION_FIELDS} }} {ERRORS} }}
}}"""
OPINIONS = f"""
query($c: ID!, $u: ID, $first: Int, $after: String) {{
  reportOpinions(collectionId: $c, unitId: $u, first: $first, after: $after) {{
    edges {{ node {{ {OPINION_FIELDS} }} }} pageInfo {{ hasNextPage endCursor }} }}
}}"""
COUNTS = """
query($c: ID!) { reportOpinionCounts(collectionId: $c) {
  unitId total pendingReview accepted rejected dispatched answered satisfied
  basicallySatisfied dissatisfied } }"""
STREAM = """
query($s: String!) { streamEvents(stream: $s) { type payload actorId } }"""


def nodes(connection: dict[str, Any]) -> list[dict[str, Any]]:
    return [edge["node"] for edge in connection["edges"]]


@dataclass
class InquiryWorld:
    county: County
    housing: int  # 县住建委
    transport: int  # 县交通局
    township: int
    housing_leader: Account
    housing_staff: Account
    transport_leader: Account
    citizen: Account
    other_citizen: Account

    @property
    def admin(self) -> Account:
        return self.county.admin

    def unit(self, unit_id: int) -> str:
        return gid("OrgUnit", unit_id)


async def make_inquiry_world(server: Any) -> InquiryWorld:
    county = await make_county(server)
    housing = await make_unit(server, county, kind=OrgUnitKind.DEPARTMENT, name="县住建委")
    transport = await make_unit(server, county, kind=OrgUnitKind.DEPARTMENT, name="县交通局")
    township = await make_unit(server, county, kind=OrgUnitKind.TOWNSHIP, name="城关镇")

    async def person(name: str, *roles: tuple[Role, int | None]) -> Account:
        return await make_user(server, county, roles=list(roles), name=name)

    return InquiryWorld(
        county=county,
        housing=housing,
        transport=transport,
        township=township,
        housing_leader=await person("住建委张局长", (Role.DEPARTMENT_STAFF, housing)),
        housing_staff=await person("住建委小陈", (Role.DEPARTMENT_STAFF, housing)),
        transport_leader=await person("交通局李局长", (Role.DEPARTMENT_STAFF, transport)),
        citizen=await person("王大姐", (Role.CITIZEN, None)),
        other_citizen=await person("李大爷", (Role.CITIZEN, None)),
    )


def group_input(w: InquiryWorld, **extra: Any) -> dict[str, Any]:
    """A weekly group: 住建委 then 交通局, Thursdays from 14:00, an hour each."""
    return {
        "name": "第一组（每周）",
        "frequency": "WEEKLY",
        "weekday": 4,
        "startTime": "14:00",
        "durationMinutes": 60,
        "units": [
            {"unitId": w.unit(w.housing), "leaderId": w.housing_leader.gid},
            {"unitId": w.unit(w.transport), "leaderId": w.transport_leader.gid},
        ],
        **extra,
    }


async def call(gql: Any, query: str, variables: dict[str, Any], token: str) -> dict[str, Any]:
    """The payload of a mutation (its only field), top-level errors refused."""
    data = await gql.data(query, variables, token=token)
    (payload,) = data.values()
    return payload


async def ok(gql: Any, query: str, variables: dict[str, Any], token: str) -> dict[str, Any]:
    payload = await call(gql, query, variables, token)
    assert payload["errors"] == [], payload
    return payload


async def make_group(gql: Any, w: InquiryWorld, **extra: Any) -> dict[str, Any]:
    return (await ok(gql, CREATE_GROUP, {"i": group_input(w, **extra)}, w.admin.token))["group"]


async def live_session(gql: Any, w: InquiryWorld, year: int = 2026) -> str:
    """住建委's first session of a weekly group's `year`, started (LIVE)."""
    await make_group(gql, w)
    await ok(gql, GENERATE, {"y": year}, w.admin.token)
    sessions = (
        await gql.data(SESSIONS, {"y": year, "m": 1, "u": w.unit(w.housing)}, token=w.admin.token)
    )["inquirySessions"]
    session = sessions[0]["id"]
    await ok(gql, START, {"s": session}, w.housing_leader.token)
    return session
