"""Cases for tests, raised and moved through the GraphQL API as the apps would."""

from __future__ import annotations

import uuid
from typing import Any

from tests.factories.tenants import County

CASE_FIELDS = """
  id number view channel kind matterClass handlingClass title body isPrivate state
  contactName contactPhone submitterId dueOn dueProvisional satisfaction ratingText
  reopenCount bounceCount closedDissatisfied outOfScope outOfScopeReason publishedAt adopted
  overdue stream meetingId
  accountableUnit { id name } handler { id name }
"""
RAISE = """
mutation($input: RaiseCaseInput!) {
  raiseCase(input: $input) { number clientKey case { FIELDS } errors { field code message } }
}""".replace("FIELDS", CASE_FIELDS)
INTAKE_BATCH = """
mutation($input: [RaiseCaseInput!]!) {
  intakeCases(input: $input) { number clientKey case { id number } errors { field code message } }
}"""
CASE = """
query($id: ID!) { node(id: $id) { ... on Case { FIELDS
  assignments { id role state unit { id } returnReason signDueAt }
  replies { kind body followUpResult }
  attachments { fileName sizeBytes sha256 }
  mergedInto { id state }
  lastEvent { type }
} } }""".replace("FIELDS", CASE_FIELDS)
CLASSIFY = """
mutation($c: ID!, $k: CaseKind!, $m: MatterClass!, $h: HandlingClass!, $p: Boolean) {
  classifyCase(caseId: $c, kind: $k, matterClass: $m, handlingClass: $h, isPrivate: $p) {
    case { id dueOn isPrivate matterClass handlingClass kind } errors { field code message } } }"""
OUT_OF_SCOPE = """
mutation($c: ID!, $f: OutOfScope!, $r: String!) {
  markCaseOutOfScope(caseId: $c, flag: $f, reason: $r) { case { id state outOfScope outOfScopeReason } errors { field code message } } }"""
DISPATCH = """
mutation($c: ID!, $u: ID!, $r: AssignmentRole) {
  dispatchCase(caseId: $c, unitId: $u, role: $r) {
    assignment { id role state signDueAt dueOn } case { id state accountableUnit { id } }
    errors { field code message } } }"""
SIGN = """
mutation($a: ID!) { signCaseAssignment(assignmentId: $a) {
  assignment { id state } case { id state accountableUnit { id } handler { id } } errors { field code message } } }"""
RETURN = """
mutation($a: ID!, $r: String!) { returnCaseAssignment(assignmentId: $a, reason: $r) {
  assignment { id state returnReason } case { id state bounceCount } errors { field code message } } }"""
REDISPATCH = """
mutation($c: ID!, $u: ID!) { redispatchCase(caseId: $c, unitId: $u) {
  assignment { id state role } case { id state bounceCount } errors { field code message } } }"""
ESCALATE = """
mutation($c: ID!, $d: EscalationDirection!, $u: ID, $r: String) {
  escalateCase(caseId: $c, direction: $d, unitId: $u, reason: $r) {
    case { id state assignments { role state unit { id } } } errors { field code message } } }"""
SUPERVISE = """
mutation($c: ID!, $b: String!) { superviseCase(caseId: $c, body: $b) {
  reply { kind body } errors { field code message } } }"""
FOLLOW_UP = """
mutation($c: ID!, $r: String!, $b: String!) { followUpCase(caseId: $c, result: $r, body: $b) {
  reply { kind followUpResult } errors { field code message } } }"""
REPLY = """
mutation($c: ID!, $k: ReplyKind!, $b: String!, $a: Boolean) {
  replyCase(caseId: $c, kind: $k, body: $b, adopted: $a) {
    reply { kind body } case { id state adopted } errors { field code message } } }"""
RATE = """
mutation($c: ID!, $s: Satisfaction!, $t: String) { rateCase(caseId: $c, satisfaction: $s, text: $t) {
  case { id state satisfaction reopenCount closedDissatisfied } errors { field code message } } }"""
CLOSE = """
mutation($c: ID!) { closeCase(caseId: $c) { case { id state } errors { field code message } } }"""
MERGE = """
mutation($p: ID!, $c: [ID!]!) { mergeCases(primaryId: $p, caseIds: $c) {
  case { id state } errors { field code message } } }"""
PUBLISH = """
mutation($c: ID!) { publishCase(caseId: $c) { case { id publishedAt } errors { field code message } } }"""
SAVE_TOPIC = """
mutation($input: CaseTopicRuleInput!, $id: ID) { saveCaseTopicRule(input: $input, ruleId: $id) {
  rule { id included topic keywords redirect orgUnitId } errors { field code message } } }"""
DELETE_TOPIC = """
mutation($id: ID!) { deleteCaseTopicRule(ruleId: $id) { deletedId errors { field code message } } }"""
CASES = """
query($f: CasesFilter, $first: Int, $after: String) {
  cases(filter: $f, first: $first, after: $after) {
    edges { node { id number state dueOn overdue view contactPhone
      accountableUnit { id name } handler { id name } lastEvent { type seq } } }
    pageInfo { hasNextPage endCursor } } }"""
MY_CASES = """
query { myCases(first: 50) { edges { node { id number state view replies { kind body } } } } }"""
PUBLISHED = """
query { publishedCases(first: 50) { edges { node { id title body view contactName contactPhone
  submitterId ratingText replies { kind body } } } } }"""


def online(
    title: str = "村口路灯不亮", body: str = "村口的路灯坏了一个月，晚上出行不便。", **extra: Any
) -> dict[str, Any]:
    return {"channel": "ONLINE", "kind": "DEMAND", "title": title, "body": body, **extra}


async def raise_case(
    gql: Any, token: str | None, input: dict[str, Any], *, county: County | None = None
) -> dict[str, Any]:
    """A case that must be received; returns the payload (`number`, `case`)."""
    data = await gql.data(
        RAISE,
        {"input": input},
        token=token,
        tenant=None if token else county.slug,  # type: ignore[union-attr]
    )
    payload = data["raiseCase"]
    assert payload["errors"] == [], payload
    return payload


async def act(gql: Any, query: str, variables: dict[str, Any], token: str) -> dict[str, Any]:
    """The one payload of a case mutation that must succeed."""
    data = await gql.data(query, variables, token=token)
    (payload,) = data.values()
    assert payload["errors"] == [], payload
    return payload


async def refused(
    gql: Any, query: str, variables: dict[str, Any], token: str | None, **kw: Any
) -> dict[str, Any]:
    """The one typed error of a case mutation that must be refused."""
    data = await gql.data(query, variables, token=token, **kw)
    (payload,) = data.values()
    assert len(payload["errors"]) == 1, payload
    return payload["errors"][0]


async def case_node(gql: Any, case_gid: str, token: str | None, **kw: Any) -> dict[str, Any] | None:
    return (await gql.data(CASE, {"id": case_gid}, token=token, **kw))["node"]


def key() -> str:
    return uuid.uuid4().hex


async def case_events(owner_db: Any, county: County, case_db_id: int) -> list[str]:
    rows = await owner_db.fetch(
        "SELECT type FROM events WHERE tenant_id = $1 AND stream = $2 ORDER BY seq",
        county.id,
        f"case:{case_db_id}",
    )
    return [r["type"] for r in rows]


def official_due(day, n: int):
    """The due day `n` working days after `day` on the official tables the migration seeds
    (no county closure; Monday to Friday in years without a table)."""
    from backend.core.workdays import package_calendar

    return package_calendar().add_working_days(day, n).due
