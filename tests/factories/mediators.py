"""The 解事员 pool and oversight for tests, driven through the GraphQL API as the apps would."""

from __future__ import annotations

from typing import Any

from tests.factories.cases import RATE, REPLY, act, online, raise_case
from tests.factories.tenants import Account, County

MEDIATOR_FIELDS = """
  id name level roles skills active phone note userId trainingHours
  orgUnit { id name } venues { id name }
  trainings { id course trainedOn hours provider }
  evaluations { id period grade score comment evaluatedOn }
  awards { id title awardedOn awardedBy }
"""
ERRORS = "errors { field code message }"
REGISTER = (
    "mutation($input: RegisterMediatorInput!) { registerMediator(input: $input) "
    "{ mediator { FIELDS } ERRORS } }".replace("FIELDS", MEDIATOR_FIELDS).replace("ERRORS", ERRORS)
)
UPDATE = (
    "mutation($input: UpdateMediatorInput!) { updateMediator(input: $input) "
    "{ mediator { FIELDS } ERRORS } }".replace("FIELDS", MEDIATOR_FIELDS).replace("ERRORS", ERRORS)
)
TRAIN = (
    "mutation($input: MediatorTrainingInput!) { recordMediatorTraining(input: $input) "
    "{ training { id course trainedOn hours } mediator { id trainingHours } ERRORS } }"
).replace("ERRORS", ERRORS)
EVALUATE = (
    "mutation($input: MediatorEvaluationInput!) { recordMediatorEvaluation(input: $input) "
    "{ evaluation { id period grade score } mediator { id } ERRORS } }"
).replace("ERRORS", ERRORS)
AWARD = (
    "mutation($input: MediatorAwardInput!) { grantMediatorAward(input: $input) "
    "{ award { id title awardedOn } mediator { id } ERRORS } }"
).replace("ERRORS", ERRORS)
ASSIGN = (
    "mutation($c: ID!, $m: [ID!]!, $n: String) { assignMediators(caseId: $c, mediatorIds: $m, "
    "note: $n) { assignments { id caseId note mediator { id name } } ERRORS } }"
).replace("ERRORS", ERRORS)
MEDIATORS = """
query($f: MediatorsFilter, $first: Int, $after: String) {
  mediators(filter: $f, first: $first, after: $after) {
    edges { node { FIELDS } cursor } pageInfo { hasNextPage endCursor } } }""".replace(
    "FIELDS", MEDIATOR_FIELDS
)
AVAILABLE = """
query($c: ID!, $r: MediatorRole, $first: Int) {
  availableMediators(caseId: $c, role: $r, first: $first) {
    distance sameVenue matchedSkills mediator { id name level } } }"""
CASE_MEDIATORS = """
query($c: ID!) { caseMediators(caseId: $c) { id caseId note mediator { id name } } }"""
STREAM = """
query($s: String!) { streamEvents(stream: $s, first: 100) { seq type payload actorId hash } }"""

APPOINT = (
    "mutation($input: AppointObserverInput!) { appointObserver(input: $input) "
    "{ observer { id name phone area termStart termEnd orgUnit { id } } ERRORS } }"
).replace("ERRORS", ERRORS)
OBSERVERS = """
query($f: ObserversFilter, $first: Int, $after: String) {
  observers(filter: $f, first: $first, after: $after) {
    edges { node { id name phone area termStart termEnd orgUnit { id } } }
    pageInfo { hasNextPage endCursor } } }"""
EVALUATE_CASE = (
    "mutation($input: EvaluateCaseInput!) { evaluateCase(input: $input) "
    "{ evaluation { id kind grade score text evaluator } ERRORS } }"
).replace("ERRORS", ERRORS)
CASE_EVALUATIONS = """
query($c: ID!) { caseEvaluations(caseId: $c) { caseId closed
  public { kind count averageScore items { kind grade score text evaluator } }
  expert { kind count averageScore items { kind grade score text evaluator } }
  thirdParty { kind count averageScore items { kind grade score text evaluator } } } }"""
RECORD_CORRECTION = (
    "mutation($input: RecordCorrectionInput!) { recordCorrection(input: $input) "
    "{ entry { id direction matter caseId receivedOn startedOn concludedOn outcome outcomeNote "
    "unit { id } } ERRORS } }"
).replace("ERRORS", ERRORS)
CONCLUDE_CORRECTION = (
    "mutation($input: ConcludeCorrectionInput!) { concludeCorrection(input: $input) "
    "{ entry { id outcome concludedOn outcomeNote } ERRORS } }"
).replace("ERRORS", ERRORS)
CORRECTIONS = """
query($f: CorrectionsFilter, $first: Int, $after: String) {
  corrections(filter: $f, first: $first, after: $after) {
    edges { node { id direction matter outcome receivedOn unit { id } } }
    pageInfo { hasNextPage endCursor } } }"""
CORRECTION_COUNTS = """
query($y: Int!) { correctionCounts(year: $y) {
  unitId unitName upward downward total corrected noError investigation pending } }"""
CREATE_POINT = (
    "mutation($input: CreateReviewPointInput!) { createReviewPoint(input: $input) "
    "{ point { id name address orgUnit { id } venue { id } staff { id name position phone } } "
    "ERRORS } }"
).replace("ERRORS", ERRORS)
ADD_STAFF = (
    "mutation($input: ReviewPointStaffInput!) { addReviewPointStaff(input: $input) "
    "{ point { id staff { id name position phone } } ERRORS } }"
).replace("ERRORS", ERRORS)
RECORD_REQUEST = (
    "mutation($input: RecordReviewRequestInput!) { recordReviewRequest(input: $input) "
    "{ request { id pointId receivedOn applicantName applicantPhone matter forwardedTo "
    "forwardedOn outcome } ERRORS } }"
).replace("ERRORS", ERRORS)
SET_OUTCOME = (
    "mutation($r: ID!, $o: ReviewOutcome!, $n: String) { setReviewRequestOutcome(requestId: $r, "
    "outcome: $o, note: $n) { request { id outcome outcomeNote applicantName } ERRORS } }"
).replace("ERRORS", ERRORS)
POINTS = """
query($u: ID) { reviewPoints(orgUnitId: $u) { id name staff { name position phone } } }"""
REQUESTS = """
query($f: ReviewRequestsFilter, $first: Int) { reviewRequests(filter: $f, first: $first) {
  edges { node { id applicantName applicantPhone matter outcome } } pageInfo { hasNextPage } } }"""


async def register(gql: Any, token: str, **input: Any) -> dict[str, Any]:
    """A 解事员 that must be entered; returns the node."""
    payload = await act(gql, REGISTER, {"input": {"roles": ["PEOPLES_MEDIATOR"], **input}}, token)
    return payload["mediator"]


async def closed_case(gql: Any, county: County, citizen: Account, **raise_input: Any) -> str:
    """A case raised by `citizen`, answered by the county office and closed by the citizen's
    rating (满意); its global id."""
    case = (await raise_case(gql, citizen.token, online(**raise_input)))["case"]
    await act(gql, REPLY, {"c": case["id"], "k": "RESULT", "b": "已修复"}, county.admin.token)
    closed = await act(gql, RATE, {"c": case["id"], "s": "SATISFIED"}, citizen.token)
    assert closed["case"]["state"] == "CLOSED", closed
    return case["id"]


async def stream(gql: Any, name: str, token: str | None, county: County) -> list[dict[str, Any]]:
    data = await gql.data(STREAM, {"s": name}, token=token, tenant=None if token else county.slug)
    return data["streamEvents"]
