"""GraphQL documents and small helpers shared by the tests/test_meetings_*.py files.

Everything here drives the service the way a client does (GraphQL over HTTP and
websockets); `owner_db` is used only to look behind the service's back (row and event
counts), always filtered by the county's tenant_id.
"""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import asyncpg

from tests.factories.tenants import County
from tests.factories.tenants import db_id as factories_db_id
from tests.realtime_client import WAIT, GraphQLWS

CREATE_MEETING = """
mutation($input: CreateMeetingInput!) {
  createMeeting(input: $input) { meeting { id kind mode state title capacity } warnings errors { field code message } }
}"""

ANNOUNCE = "mutation($m: ID!) { announceMeeting(meetingId: $m) { meeting { state } warnings errors { field code message } } }"
START = "mutation($m: ID!) { startMeeting(meetingId: $m) { meeting { state } warnings errors { field code message } } }"
CLOSE = (
    "mutation($m: ID!) { closeMeeting(meetingId: $m) { meeting { state sealedHash sealedAt } "
    "warnings errors { field code message } } }"
)
PUBLISH = "mutation($m: ID!) { publishMeetingRecord(meetingId: $m) { meeting { state } warnings errors { field code message } } }"
INVITE = """
mutation($m: ID!, $u: [ID!]!, $r: ParticipantRole!) {
  inviteParticipants(meetingId: $m, userIds: $u, role: $r) {
    participants { userId role invited checkedInAt checkInMode } errors { field code message }
  }
}"""
REGISTER = """
mutation($m: ID!) { registerForMeeting(meetingId: $m) {
  participants { userId role invited checkedInAt checkInMode } errors { field code message } } }"""
CHECK_IN = """
mutation($m: ID!, $u: ID) { checkIn(meetingId: $m, userId: $u) {
  participants { userId role checkedInAt checkInMode } errors { field code message } } }"""
ADD_MATERIAL = """
mutation($m: ID!, $t: String!, $d: DateTime) {
  addMaterial(meetingId: $m, title: $t, distributedAt: $d) { meeting { id } warnings errors { field code message } }
}"""
MEETING = """
query($id: ID!) { node(id: $id) { ... on Meeting {
  id kind mode state title capacity attendance minutes sealedHash sealedAt
  materials { title distributedAt }
  agenda { id position title speakerName timer { status durationSeconds deadline remainingSeconds } }
  polls { id state counts totalVotes }
  scoringSheets { id state results }
  speakingQueue { id userId state topic }
  participants(first: 100) { edges { node { userId role invited checkedInAt checkInMode } } }
} } }"""

ADD_AGENDA = """
mutation($m: ID!, $t: String!, $s: String, $d: Int) {
  addAgendaItem(meetingId: $m, title: $t, speakerName: $s, durationSeconds: $d) {
    agendaItem { id position title speakerName timer { status durationSeconds deadline remainingSeconds } }
    errors { field code message }
  }
}"""
TIMER = """
mutation($a: ID!, $x: TimerAction!) {
  controlTimer(agendaItemId: $a, action: $x) {
    agendaItem { id timer { status durationSeconds deadline remainingSeconds } } errors { field code message }
  }
}"""

CREATE_POLL = """
mutation($m: ID!, $q: String!, $o: [String!]!, $k: PollKind, $n: Int, $e: Eligibility) {
  createPoll(meetingId: $m, question: $q, options: $o, kind: $k, maxChoices: $n, eligibility: $e) {
    poll { id state kind maxChoices eligibility counts totalVotes } errors { field code message }
  }
}"""
OPEN_POLL = "mutation($p: ID!) { openPoll(pollId: $p) { poll { id state counts totalVotes } errors { field code message } } }"
CLOSE_POLL = "mutation($p: ID!) { closePoll(pollId: $p) { poll { id state counts totalVotes } errors { field code message } } }"
VOTE = """
mutation($p: ID!, $c: [Int!]!, $k: String!) {
  castVote(pollId: $p, choices: $c, idempotencyKey: $k) { accepted duplicate errors { field code message } }
}"""
POLL = "query($id: ID!) { node(id: $id) { ... on Poll { id state counts totalVotes } } }"

OPEN_SCORING = """
mutation($m: ID!, $t: String!, $g: [String!]!, $s: ScoringScale, $e: Eligibility, $k: Int) {
  openScoring(meetingId: $m, title: $t, targets: $g, scale: $s, eligibility: $e, minBallots: $k) {
    sheet { id state results minBallots } accepted errors { field code message }
  }
}"""
CAST_BALLOT = """
mutation($s: ID!, $a: [String!]!) { castScoringBallot(sheetId: $s, answers: $a) { sheet { id } accepted status errors { field code message } } }
"""
CLOSE_SCORING = """
mutation($s: ID!) { closeScoring(sheetId: $s) { sheet { id state targets results } accepted errors { field code message } } }
"""
SHEET = "query($id: ID!) { node(id: $id) { ... on ScoringSheet { id state results } } }"

POST_COMMENT = """
mutation($m: ID!, $b: String!, $k: CommentKind, $p: ID) {
  postComment(meetingId: $m, body: $b, kind: $k, parentId: $p) {
    comment { id kind body parentId hidden hiddenReason answeredLive handedOverUnitId } errors { field code message }
  }
}"""
HIDE = """
mutation($c: ID!, $r: String!) { hideComment(commentId: $c, reason: $r) {
  comment { id body hidden hiddenReason } errors { field code message } } }"""
APPROVE = """
mutation($c: ID!) { approveComment(commentId: $c) {
  comment { id hidden approved } errors { field code message } } }"""
ANSWER = """
mutation($c: ID!, $u: ID) { answerQuestion(commentId: $c, unitId: $u) {
  comment { id answeredLive handedOverUnitId } errors { field code message } } }"""
COMMENTS = """
query($id: ID!) { node(id: $id) { ... on Meeting { comments(first: 100) { edges { node {
  id kind body parentId hidden hiddenReason answeredLive handedOverUnitId } } } } } }"""
RAISE_HAND = """
mutation($m: ID!, $t: String) { raiseHand(meetingId: $m, topic: $t) { requestId state errors { field code message } } }"""
UPDATE_REQUEST = """
mutation($r: ID!, $s: SpeakingState!) { updateSpeakingRequest(requestId: $r, state: $s) {
  requestId state errors { field code message } } }"""
SET_MINUTES = "mutation($m: ID!, $t: String!) { setMinutes(meetingId: $m, text: $t) { meeting { minutes } errors { field code message } } }"

RECORD = "query($m: ID!) { meetingRecord(meetingId: $m) }"
VERIFY = """
query($s: String!) { verifyStream(stream: $s) { stream events valid headHash firstBrokenSeq reason } }"""
STREAM_EVENTS = """
query($s: String!, $after: Int) { streamEvents(stream: $s, after: $after, first: 100) {
  seq type actorId payload hash } }"""

LIVE = """
subscription($m: ID!, $after: Int) {
  meetingLive(meetingId: $m, after: $after) {
    seq at type hash
    data {
      __typename
      ... on MeetingStateChanged { state }
      ... on ParticipantUpdate { change participants { userId name role mode } }
      ... on AgendaUpdate { agendaItemId title position speakerName durationSeconds }
      ... on TimerUpdate { agendaItemId status deadline remainingSeconds durationSeconds warning }
      ... on PollUpdate { change poll { id state counts totalVotes } }
      ... on PollTally { pollId counts totalVotes }
      ... on ScoringUpdate { change sheet { id state results } }
      ... on ScoringTurnout { sheetId counted pending ballots }
      ... on CommentUpdate { change commentId kind body authorName parentId hiddenReason unitName }
      ... on QueueUpdate { queue { requestId userId name state topic } }
      ... on MinutesUpdate { length sha256 }
      ... on MaterialUpdate { title distributedAt }
      ... on RecordSealed { events }
      ... on ResyncRequired { reason }
    }
  }
}"""


def db_id(global_id: str) -> int:
    return factories_db_id(global_id)


def stream_of(meeting_gid: str) -> str:
    return f"meeting:{db_id(meeting_gid)}"


def key() -> str:
    return uuid.uuid4().hex


async def ok(gql: Any, query: str, variables: dict[str, Any], token: str) -> dict[str, Any]:
    """The single payload of a mutation that must succeed (no typed errors)."""
    data = await gql.data(query, variables, token=token)
    (payload,) = data.values()
    assert payload["errors"] == [], payload
    return payload


async def refused(gql: Any, query: str, variables: dict[str, Any], token: str) -> dict[str, Any]:
    """The single payload of a mutation that must be refused with exactly one typed error."""
    data = await gql.data(query, variables, token=token)
    (payload,) = data.values()
    assert len(payload["errors"]) == 1, payload
    return payload


async def node(gql: Any, query: str, global_id: str, token: str) -> dict[str, Any]:
    return (await gql.data(query, {"id": global_id}, token=token))["node"]


# -- looking behind the service's back --------------------------------------------------


async def event_count(owner_db: asyncpg.Connection, county: County, meeting_gid: str) -> int:
    return await owner_db.fetchval(
        "SELECT count(*) FROM events WHERE tenant_id = $1 AND stream = $2",
        county.id,
        stream_of(meeting_gid),
    )


async def event_types(owner_db: asyncpg.Connection, county: County, meeting_gid: str) -> list[str]:
    rows = await owner_db.fetch(
        "SELECT type FROM events WHERE tenant_id = $1 AND stream = $2 ORDER BY seq",
        county.id,
        stream_of(meeting_gid),
    )
    return [r["type"] for r in rows]


async def row_count(owner_db: asyncpg.Connection, table: str, county: County) -> int:
    return await owner_db.fetchval(f"SELECT count(*) FROM {table} WHERE tenant_id = $1", county.id)


async def snapshot(
    owner_db: asyncpg.Connection, county: County, meeting_gid: str
) -> dict[str, Any]:
    """Everything a refused action could have changed: the meeting's events and the
    county's rows of every meetings table (with their content)."""
    tables = (
        "meetings",
        "meeting_participants",
        "meeting_materials",
        "agenda_items",
        "polls",
        "votes",
        "scoring_sheets",
        "scoring_receipts",
        "scoring_ballots",
        "meeting_comments",
        "speaking_requests",
    )
    out: dict[str, Any] = {"events": await event_count(owner_db, county, meeting_gid)}
    for table in tables:
        rows = await owner_db.fetch(f"SELECT * FROM {table} WHERE tenant_id = $1", county.id)
        out[table] = sorted(
            (tuple(sorted(dict(r).items(), key=lambda kv: kv[0])) for r in rows), key=repr
        )
    return out


# -- the live view -----------------------------------------------------------------------


async def live_event(ws: GraphQLWS, op: str) -> dict[str, Any]:
    message = await ws.message(op)
    assert message["type"] == "next", message
    assert "errors" not in message["payload"], message
    return message["payload"]["data"]["meetingLive"]


async def collect_until(ws: GraphQLWS, op: str, predicate: Any) -> list[dict[str, Any]]:
    """Live events until (and including) the first one for which `predicate` holds."""
    seen: list[dict[str, Any]] = []
    while True:
        event = await live_event(ws, op)
        seen.append(event)
        if predicate(event):
            return seen


async def drain(ws: GraphQLWS, op: str, quiet: float = 0.5) -> list[dict[str, Any]]:
    """Whatever arrives until nothing has come for `quiet` seconds (used only to make sure
    that nothing *more* arrives after a known final event; never to wait for something)."""
    seen: list[dict[str, Any]] = []
    while True:
        try:
            message = await asyncio.wait_for(ws.queue(op).get(), quiet)
        except TimeoutError:
            return seen
        seen.append(message["payload"]["data"]["meetingLive"])


async def wait_for_db(predicate: Any, what: str, limit: float = WAIT) -> None:
    """Poll an async condition until it holds (bounded by `limit`; never a speed assertion)."""

    async def poll() -> None:
        while not await predicate():  # noqa: ASYNC110 - the database has no event to wait on
            await asyncio.sleep(0.05)

    try:
        await asyncio.wait_for(poll(), limit)
    except TimeoutError:
        raise AssertionError(f"never happened: {what}") from None
