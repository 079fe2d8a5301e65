"""The annual agenda and 政务公开 for tests, driven through the GraphQL API as the apps
would: documents, and helpers that bring a catalogue or a 民生实事 round to a state."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from tests.factories.cases import act
from tests.factories.tenants import County

ERR = "errors { field code message }"
ITEM_FIELDS = """id topic proposingBody leadUnitId leadUnitName form plannedQuarter status
  meetingId adjustments { reason changes { field before after } }"""
CATALOGUE_FIELDS = f"id year title state approvedAt publishedAt stream items {{ {ITEM_FIELDS} }}"
CATALOGUE = f"query($y: Int!) {{ consultationCatalogue(year: $y) {{ {CATALOGUE_FIELDS} }} }}"
CREATE_CATALOGUE = f"""
mutation($y: Int!, $t: String!) {{ createConsultationCatalogue(year: $y, title: $t) {{
  catalogue {{ {CATALOGUE_FIELDS} }} itemId {ERR} }} }}"""
ADD_ITEM = f"""
mutation($c: ID!, $i: CatalogueItemInput!) {{ addCatalogueItem(catalogueId: $c, input: $i) {{
  catalogue {{ {CATALOGUE_FIELDS} }} itemId {ERR} }} }}"""
APPROVE_CATALOGUE = f"""
mutation($c: ID!) {{ approveConsultationCatalogue(catalogueId: $c) {{
  catalogue {{ {CATALOGUE_FIELDS} }} {ERR} }} }}"""
PUBLISH_CATALOGUE = f"""
mutation($c: ID!) {{ publishConsultationCatalogue(catalogueId: $c) {{
  catalogue {{ {CATALOGUE_FIELDS} }} {ERR} }} }}"""
ADJUST_ITEM = f"""
mutation($i: ID!, $r: String!, $t: String, $u: ID, $f: ConsultationForm, $q: Int,
         $x: Boolean! = false) {{
  adjustCatalogueItem(itemId: $i, reason: $r, topic: $t, leadUnitId: $u, form: $f,
                      plannedQuarter: $q, cancel: $x) {{
    catalogue {{ {CATALOGUE_FIELDS} }} itemId {ERR} }} }}"""
LINK_MEETING = f"""
mutation($i: ID!, $m: ID!) {{ linkCatalogueItemMeeting(itemId: $i, meetingId: $m) {{
  catalogue {{ {CATALOGUE_FIELDS} }} itemId {ERR} }} }}"""

PROJECT_FIELDS = """id title description status reviewReason voteCount votedByMe weight
  leadUnitId progress derived parentId depth reports { month percent milestones note }
  evaluation { satisfied basicallySatisfied dissatisfied total satisfactionRate }"""
ROUND_FIELDS = f"id year title state maxVotes voteOpensAt voteClosesAt myVotes asOf stream projects {{ {PROJECT_FIELDS} }}"
ROUND = f"query($y: Int!, $m: String) {{ livelihoodRound(year: $y, asOfMonth: $m) {{ {ROUND_FIELDS} }} }}"
OPEN_ROUND = f"""
mutation($y: Int!, $t: String!) {{ openLivelihoodRound(year: $y, title: $t) {{
  round {{ {ROUND_FIELDS} }} projectId {ERR} }} }}"""
PROPOSE = f"""
mutation($r: ID!, $t: String!, $d: String!) {{
  proposeLivelihoodProject(roundId: $r, title: $t, description: $d) {{
    round {{ id state }} projectId {ERR} }} }}"""
REVIEW = f"""
mutation($p: ID!, $s: Boolean!, $r: String) {{
  reviewLivelihoodProposal(projectId: $p, shortlisted: $s, reason: $r) {{
    round {{ id projects {{ id status reviewReason }} }} projectId {ERR} }} }}"""
OPEN_VOTING = f"""
mutation($r: ID!, $c: DateTime!) {{ openLivelihoodVoting(roundId: $r, closesAt: $c) {{
  round {{ id state maxVotes voteClosesAt }} {ERR} }} }}"""
VOTE = f"""
mutation($p: ID!) {{ voteLivelihoodProject(projectId: $p) {{
  round {{ id myVotes projects {{ id voteCount votedByMe }} }} projectId {ERR} }} }}"""
CLOSE_VOTING = f"""
mutation($r: ID!) {{ closeLivelihoodVoting(roundId: $r) {{ round {{ id state }} {ERR} }} }}"""
ADOPT = f"""
mutation($r: ID!, $p: [ID!]!) {{ adoptLivelihoodProjects(roundId: $r, projectIds: $p) {{
  round {{ id state projects {{ id status }} }} {ERR} }} }}"""
ADD_SUB = f"""
mutation($p: ID!, $t: String!, $w: String, $u: ID) {{
  addLivelihoodSubproject(parentId: $p, title: $t, weight: $w, leadUnitId: $u) {{
    round {{ id }} projectId {ERR} }} }}"""
REPORT = f"""
mutation($p: ID!, $m: String!, $c: String!, $s: [String!]!, $n: String) {{
  reportLivelihoodProgress(projectId: $p, month: $m, percent: $c, milestones: $s, note: $n) {{
    round {{ id }} projectId {ERR} }} }}"""
OPEN_EVALUATION = f"""
mutation($r: ID!) {{ openLivelihoodEvaluation(roundId: $r) {{ round {{ id state }} {ERR} }} }}"""
EVALUATE = f"""
mutation($p: ID!, $s: LivelihoodSatisfaction!, $c: String) {{
  evaluateLivelihoodProject(projectId: $p, satisfaction: $s, comment: $c) {{
    round {{ id }} projectId {ERR} }} }}"""

PUBLICATION_FIELDS = "id title body category state publishedAt withdrawnAt withdrawnReason stream"
DRAFT = f"""
mutation($t: String!, $b: String!, $c: PublicationCategory!) {{
  draftPublication(title: $t, body: $b, category: $c) {{
    publication {{ {PUBLICATION_FIELDS} }} {ERR} }} }}"""
APPROVE = f"""
mutation($p: ID!) {{ approvePublication(publicationId: $p) {{
  publication {{ {PUBLICATION_FIELDS} }} {ERR} }} }}"""
WITHDRAW = f"""
mutation($p: ID!, $r: String!) {{ withdrawPublication(publicationId: $p, reason: $r) {{
  publication {{ {PUBLICATION_FIELDS} }} {ERR} }} }}"""
PUBLICATIONS = f"""
query($s: [PublicationState!], $first: Int, $after: String) {{
  publications(states: $s, first: $first, after: $after) {{
    edges {{ node {{ {PUBLICATION_FIELDS} }} cursor }} pageInfo {{ hasNextPage endCursor }} }} }}"""

REQUEST_FIELDS = """id number requesterName requesterPhone description receivedOn dueOn
  dueProvisional extensionDays extensionReason extendedDueOn effectiveDueOn state replyType
  replyText answeredOn overdue stream"""
FILE_REQUEST = f"""
mutation($i: InformationRequestInput!) {{ fileInformationRequest(input: $i) {{
  request {{ {REQUEST_FIELDS} }} {ERR} }} }}"""
EXTEND = f"""
mutation($r: ID!, $d: Int!, $why: String!) {{
  extendInformationRequest(requestId: $r, workingDays: $d, reason: $why) {{
    request {{ {REQUEST_FIELDS} }} {ERR} }} }}"""
ANSWER = f"""
mutation($r: ID!, $t: ReplyType!, $x: String!) {{
  answerInformationRequest(requestId: $r, replyType: $t, text: $x) {{
    request {{ {REQUEST_FIELDS} }} {ERR} }} }}"""
REQUESTS = f"""
query($o: Boolean, $first: Int) {{ informationRequests(overdue: $o, first: $first) {{
  edges {{ node {{ {REQUEST_FIELDS} }} }} pageInfo {{ hasNextPage }} }} }}"""
MY_REQUESTS = f"""
query {{ myInformationRequests {{ edges {{ node {{ {REQUEST_FIELDS} }} }} }} }}"""


def item_input(unit_gid: str, **over: Any) -> dict[str, Any]:
    return {
        "topic": "城区停车难问题专题协商",
        "proposingBody": "县政协",
        "leadUnitId": unit_gid,
        "form": "THEMATIC",
        "plannedQuarter": 2,
        **over,
    }


async def approved_catalogue(
    gql: Any, county: County, *, year: int = 2027, publish: bool = False
) -> dict[str, Any]:
    """A catalogue with one item, approved (and published when asked)."""
    token = county.admin.token
    made = await act(gql, CREATE_CATALOGUE, {"y": year, "t": f"{year}年度协商目录"}, token)
    c = made["catalogue"]["id"]
    await act(gql, ADD_ITEM, {"c": c, "i": item_input(county.root_gid)}, token)
    out = await act(gql, APPROVE_CATALOGUE, {"c": c}, token)
    if publish:
        out = await act(gql, PUBLISH_CATALOGUE, {"c": c}, token)
    return out["catalogue"]


def later(seconds: int = 3600) -> str:
    return (datetime.now(UTC) + timedelta(seconds=seconds)).isoformat()


async def round_with_shortlist(
    gql: Any, county: County, proposer_token: str, *, titles: tuple[str, ...] = ("甲", "乙")
) -> tuple[str, list[str]]:
    """A round collecting, with one shortlisted proposal per title (by `proposer_token`)."""
    token = county.admin.token
    opened = await act(gql, OPEN_ROUND, {"y": 2027, "t": "2027年民生实事"}, token)
    r = opened["round"]["id"]
    projects = []
    for title in titles:
        p = await act(
            gql, PROPOSE, {"r": r, "t": f"{title}：老旧小区加装电梯", "d": "群众开单"},
            proposer_token,
        )  # fmt: skip
        await act(gql, REVIEW, {"p": p["projectId"], "s": True}, token)
        projects.append(p["projectId"])
    return r, projects


async def adopted_round(
    gql: Any, county: County, proposer_token: str, *, titles: tuple[str, ...] = ("甲",)
) -> tuple[str, list[str]]:
    """A round whose shortlist was voted on (no votes) and adopted in full."""
    token = county.admin.token
    r, projects = await round_with_shortlist(gql, county, proposer_token, titles=titles)
    await act(gql, OPEN_VOTING, {"r": r, "c": later()}, token)
    await act(gql, CLOSE_VOTING, {"r": r}, token)
    await act(gql, ADOPT, {"r": r, "p": projects}, token)
    return r, projects
