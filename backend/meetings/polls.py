"""Polls (表决) and votes: create, open, close, and the durable vote path through the meeting
stream's group-commit writer (`realtime.writer`), where thousands of votes arrive at once.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy.ext.asyncio import AsyncSession

from backend.core.db import driver_connection
from backend.core.errors import DomainError
from backend.core.limits import Action, RateLimited, RateLimits
from backend.core.security import Principal, Verification
from backend.core.validation import clean_text
from backend.meetings.access import (
    get_meeting,
    poll_requirement,
    require_host,
    require_state,
    require_verification,
)
from backend.meetings.errors import MeetingErrorCode as Code
from backend.meetings.events import MeetingEvent, PollChanged, PollTally, VoteCast
from backend.meetings.models import (
    Eligibility,
    Meeting,
    MeetingState,
    ParticipantRole,
    Poll,
    PollKind,
    PollState,
)
from backend.meetings.participants import is_eligible
from backend.meetings.stream import append_event, draft, now, publish_live, stream_of
from realtime import log as events
from realtime.log import EventDraft
from realtime.writer import StreamWriter


def poll_snapshot(p: Poll) -> PollChanged:
    snapshot: PollChanged = {
        "id": p.id,
        "question": p.question,
        "kind": p.kind.value,
        "options": p.options,
        "maxChoices": p.max_choices,
        "eligibility": p.eligibility.value,
        "state": p.state.value,
        "counts": p.counts,
        "totalVotes": p.total_votes,
    }
    if p.required_verification is not None:
        snapshot["requiredVerification"] = p.required_verification.value
    return snapshot


async def create_poll(
    session: AsyncSession,
    principal: Principal,
    *,
    meeting_id: int,
    question: str,
    kind: PollKind,
    options: list[str],
    max_choices: int | None,
    eligibility: Eligibility,
    required_verification: Verification | None = None,
) -> Poll:
    meeting = await get_meeting(session, meeting_id)
    await require_host(session, principal, meeting)
    require_state(
        meeting, MeetingState.DRAFT, MeetingState.ANNOUNCED, MeetingState.LIVE, action="创建表决"
    )
    clean_q = clean_text(
        question, field="question", code=Code.INVALID, label="表决事项", max_length=300
    )
    clean_options = [o.strip() for o in options]
    if not 2 <= len(clean_options) <= 20 or any(not o or len(o) > 100 for o in clean_options):
        raise DomainError(Code.INVALID, "选项须为2到20个，每项1到100个字", field="options")
    if len(set(clean_options)) != len(clean_options):
        raise DomainError(Code.INVALID, "选项不能重复", field="options")
    choices = 1 if kind is PollKind.SINGLE else (max_choices or len(clean_options))
    if not 1 <= choices <= len(clean_options):
        raise DomainError(Code.INVALID, "最多可选项数须在1到选项数之间", field="maxChoices")
    poll = Poll(
        tenant_id=meeting.tenant_id,
        meeting_id=meeting.id,
        question=clean_q,
        kind=kind,
        options=clean_options,
        max_choices=choices,
        eligibility=eligibility,
        state=PollState.DRAFT,
        counts=[0] * len(clean_options),
        total_votes=0,
        required_verification=required_verification,
    )
    session.add(poll)
    await session.flush()
    await append_event(session, principal, meeting, MeetingEvent.POLL_CREATED, poll_snapshot(poll))
    return poll


async def _poll_for_host(
    session: AsyncSession, principal: Principal, poll_id: int
) -> tuple[Poll, Meeting]:
    poll = await session.get(Poll, poll_id)
    if poll is None:
        raise DomainError(Code.NOT_FOUND, "表决不存在", field="pollId")
    meeting = await get_meeting(session, poll.meeting_id)
    await require_host(session, principal, meeting)
    return poll, meeting


async def open_poll(session: AsyncSession, principal: Principal, *, poll_id: int) -> Poll:
    poll, meeting = await _poll_for_host(session, principal, poll_id)
    require_state(meeting, MeetingState.LIVE, action="开始表决")
    await events.lock_head(session, tenant_id=meeting.tenant_id, stream=stream_of(meeting.id))
    await session.refresh(poll)
    if poll.state is not PollState.DRAFT:
        raise DomainError(Code.INVALID_STATE, "表决已开始或已结束", field="pollId")
    poll.state, poll.opened_at = PollState.OPEN, now()
    await session.flush()
    await append_event(session, principal, meeting, MeetingEvent.POLL_OPENED, poll_snapshot(poll))
    return poll


async def close_poll(session: AsyncSession, principal: Principal, *, poll_id: int) -> Poll:
    """Close a poll; its exact final counts go into the record (`poll.closed`)."""
    poll, meeting = await _poll_for_host(session, principal, poll_id)
    # Serialise with the vote writer: the head lock is the one votes commit under.
    await events.lock_head(session, tenant_id=meeting.tenant_id, stream=stream_of(meeting.id))
    await session.refresh(poll)
    if poll.state is not PollState.OPEN:
        raise DomainError(Code.POLL_NOT_OPEN, "表决未在进行中", field="pollId")
    await close_open_poll(session, principal, meeting, poll)
    return poll


async def close_open_poll(
    session: AsyncSession, principal: Principal, meeting: Meeting, poll: Poll
) -> None:
    poll.state, poll.closed_at = PollState.CLOSED, now()
    await session.flush()
    await append_event(session, principal, meeting, MeetingEvent.POLL_CLOSED, poll_snapshot(poll))


@dataclass
class VoteOutcome:
    vote_id: int | None = None
    duplicate: bool = False
    error: DomainError | None = None

    def to_wire(self) -> dict[str, Any]:
        """As JSON, for the worker that handed the vote to the stream's owner."""
        e = self.error
        wire: dict[str, Any] = {
            "id": self.vote_id,
            "dup": self.duplicate,
            "err": None if e is None else [e.code.value, e.message, e.field],
        }
        if isinstance(e, RateLimited):  # refused by the owner's budgets: when to come back
            wire["retry"] = e.retry_after
        return wire

    @classmethod
    def from_wire(cls, wire: dict[str, Any]) -> VoteOutcome:
        err = wire["err"]
        error: DomainError | None = None
        if "retry" in wire:
            error = RateLimited(wire["retry"])
        elif err is not None:
            error = DomainError(Code(err[0]), err[1], field=err[2])
        return cls(vote_id=wire["id"], duplicate=wire["dup"], error=error)


@dataclass
class _PendingVote:
    user_id: int
    choices: list[int]
    key: str
    outcome: VoteOutcome
    verification: Verification = Verification.UNVERIFIED


@dataclass(frozen=True, slots=True)
class _PollRow:
    """What a vote batch needs of its poll, read once per batch under the stream's lock
    (poll state changes take the same lock, so it cannot change under the batch)."""

    state: PollState
    options: list[str]
    max_choices: int
    eligibility: Eligibility
    required: Verification = Verification.UNVERIFIED


def validate_choices(poll: Poll | _PollRow, choices: Sequence[int]) -> None:
    if not choices or len(set(choices)) != len(choices):
        raise DomainError(Code.INVALID_CHOICE, "请选择选项且不能重复", field="choices")
    if any(c < 0 or c >= len(poll.options) for c in choices):
        raise DomainError(Code.INVALID_CHOICE, "选项不存在", field="choices")
    if len(choices) > poll.max_choices:
        raise DomainError(Code.INVALID_CHOICE, f"最多可选{poll.max_choices}项", field="choices")


VOTE_OPERATION = "meetings.vote"  # run by the meeting stream's owner (realtime.owners)


async def cast_vote(
    writer: StreamWriter,
    meeting_id: int,
    principal: Principal,
    *,
    poll_id: int,
    choices: list[int],
    idempotency_key: str,
    address: str | None = None,
) -> VoteOutcome:
    """One durable vote, written by the group-commit writer of the meeting stream's owner
    (this worker's, or the one another worker hands it to: `run_vote` there). The owner
    spends the vote budgets it holds for the voter and their `address` (the client's) first.

    The database's unique (poll, user) makes a second vote impossible; a retry with the
    same idempotency key returns the first vote's outcome instead of an error (which is
    also what makes a vote safe to send again to a new owner when one dies). Within a
    batch the votes of a poll are checked and written together (`_write_votes`): a few
    statements per batch rather than per vote, since batches serialise on the stream."""
    user_id = principal.require_user()
    tenant_id = principal.require_tenant()
    key = (idempotency_key or "").strip()
    if not 1 <= len(key) <= 64:
        raise DomainError(Code.INVALID, "幂等键须为1到64个字符", field="idempotencyKey")
    result = await writer.call(
        tenant_id=tenant_id,
        stream=stream_of(meeting_id),
        kind=VOTE_OPERATION,
        # The voter's verification level travels with the vote (from the principal, cached
        # with its grants): the batch checks the poll's requirement without a query per vote.
        payload=[
            tenant_id,
            meeting_id,
            poll_id,
            user_id,
            list(choices),
            key,
            principal.verification.value,
            address,
        ],
    )
    return VoteOutcome.from_wire(result)


def run_vote(
    writer: StreamWriter, limits: RateLimits | None, wire: list[Any]
) -> asyncio.Future[dict[str, Any]]:
    """On the stream's owner: spend the voter's vote budgets the owner holds (`limits`,
    `RateLimits.check_as_owner`: every vote of the meeting comes to this process, so they
    are exact without Redis), then queue the vote (as `cast_vote` sent it) for the writer's
    next batch; the future is answered (the outcome as JSON) once that batch has committed,
    or at once if the budget refused it. A future, not a coroutine: a vote handed over from
    another worker costs the owner no task (`realtime.owners` answers from the future)."""
    tenant_id, meeting_id, poll_id, user_id, choices, key = wire[:6]
    # (a vote handed over by a worker of the previous release carries no level, no address)
    level = wire[6] if len(wire) > 6 else Verification.UNVERIFIED.value
    address = wire[7] if len(wire) > 7 else None
    if limits is not None:
        try:
            limits.check_as_owner(Action.VOTE, user=(tenant_id, user_id), address=address)
        except RateLimited as refused:
            done: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
            done.set_result(VoteOutcome(error=refused).to_wire())
            return done

    async def op(session: AsyncSession) -> tuple[list[EventDraft], VoteOutcome]:
        # Queued only: the batch's votes on this poll are checked and written together,
        # just before the batch commits (`_write_votes`).
        polls: dict[int, list[_PendingVote]] = session.info.setdefault("poll_votes", {})
        if poll_id not in polls:
            pending = polls[poll_id] = []
            session.info.setdefault("before_commit", {})[f"poll:{poll_id}"] = lambda: _write_votes(
                session, tenant_id, meeting_id, poll_id, pending
            )
        outcome = VoteOutcome()  # filled in by _write_votes before the batch commits
        polls[poll_id].append(
            _PendingVote(
                user_id=user_id,
                choices=list(choices),
                key=key,
                outcome=outcome,
                verification=Verification(level),
            )
        )
        return [], outcome

    return writer.enqueue(
        tenant_id=tenant_id, stream=stream_of(meeting_id), op=op, then=VoteOutcome.to_wire
    )


# The vote batch's statements, as plain SQL on the batch's connection (see
# backend.core.db.driver_connection): a few thousand votes a second go through them, and
# while the batch runs the stream is locked, so it makes two round trips, not one per step.
_POLL_AND_VOTERS = """
SELECT p.meeting_id, p.state, p.options::text AS options, p.max_choices, p.eligibility,
       p.required_verification,
       (SELECT m.required_verification FROM meetings m WHERE m.id = p.meeting_id) AS meeting_rv,
       v.user_id, v.role, v.checked_in, v.is_active
FROM polls p
LEFT JOIN LATERAL (
  SELECT mp.user_id, mp.role, mp.checked_in_at IS NOT NULL AS checked_in, u.is_active
  FROM meeting_participants mp JOIN users u ON u.id = mp.user_id
  WHERE mp.meeting_id = $2 AND mp.user_id = ANY($3::bigint[])
) v ON true
WHERE p.id = $1"""


# Insert the votes (a conflict on (poll, user) inserts nothing) and add what was inserted
# to the poll's counts, in one statement; returns the new votes with the new counts.
_INSERT_AND_COUNT = """
WITH ins AS (
  INSERT INTO votes (tenant_id, poll_id, user_id, choices, idempotency_key)
  SELECT $1, $2, v.user_id, v.choices::int[], v.key
  FROM unnest($3::bigint[], $4::text[], $5::text[]) AS v(user_id, choices, key)
  ON CONFLICT (poll_id, user_id) DO NOTHING
  RETURNING user_id, id, choices
), added AS (
  SELECT o, count(*) AS n FROM ins, unnest(ins.choices) AS o GROUP BY o
), tally AS (
  UPDATE polls SET
    counts = (SELECT jsonb_agg(c.n::int + coalesce(a.n, 0) ORDER BY c.i)
              FROM jsonb_array_elements_text(polls.counts) WITH ORDINALITY AS c(n, i)
              LEFT JOIN added a ON a.o = c.i - 1),
    total_votes = total_votes + (SELECT count(*) FROM ins)
  WHERE id = $2
  RETURNING counts::text AS counts, total_votes
)
SELECT ins.user_id, ins.id, tally.counts, tally.total_votes FROM tally LEFT JOIN ins ON true"""


_EXISTING_VOTES = (
    "SELECT user_id, id, idempotency_key FROM votes WHERE poll_id = $1 "
    "AND user_id = ANY($2::bigint[])"
)


async def _write_votes(
    session: AsyncSession,
    tenant_id: int,
    meeting_id: int,
    poll_id: int,
    pending: list[_PendingVote],
) -> list[EventDraft]:
    """Check and write a batch's votes on one poll: one query for the poll and who may
    vote, one statement inserting the votes (ON CONFLICT DO NOTHING) and adding them to
    the poll's counts, and only if some conflicted, one query for why (a retry with the
    same idempotency key is a duplicate, any other an ALREADY_VOTED). Fills in every
    vote's outcome; returns the `vote.cast` events in the order the votes arrived."""
    conn = await driver_connection(session)
    user_ids = list({vote.user_id for vote in pending})
    rows = await conn.fetch(_POLL_AND_VOTERS, poll_id, meeting_id, user_ids)
    if not rows or rows[0]["meeting_id"] != meeting_id:
        return _refuse_all(pending, DomainError(Code.NOT_FOUND, "表决不存在", field="pollId"))
    poll = _PollRow(
        state=PollState(rows[0]["state"]),
        options=orjson.loads(rows[0]["options"]),
        max_choices=rows[0]["max_choices"],
        eligibility=Eligibility(rows[0]["eligibility"]),
        required=poll_requirement(
            Verification(rows[0]["meeting_rv"]),
            Verification(rows[0]["required_verification"])
            if rows[0]["required_verification"]
            else None,
        ),
    )
    if poll.state is not PollState.OPEN:
        return _refuse_all(
            pending, DomainError(Code.POLL_NOT_OPEN, "表决未在进行中", field="pollId")
        )
    # Voters are known by their signed token only (schema: castVote loads no principal):
    # the account must still be active, checked here in the vote's own transaction.
    voters = {r["user_id"]: r for r in rows if r["user_id"] is not None}
    first: dict[int, _PendingVote] = {}  # per voter, the first valid vote of the batch
    for vote in pending:
        try:
            validate_choices(poll, vote.choices)
        except DomainError as error:
            vote.outcome.error = error
            continue
        first.setdefault(vote.user_id, vote)
    refused: dict[int, DomainError] = {}
    candidates = []
    for vote in first.values():
        voter = voters.get(vote.user_id)
        if voter is not None and not voter["is_active"]:
            refused[vote.user_id] = DomainError(
                Code.NOT_ELIGIBLE, "账号已停用，不能投票", field="pollId"
            )
        elif not vote.verification.at_least(poll.required):
            try:
                require_verification(
                    vote.verification, poll.required, field="pollId", what="参加本次表决"
                )
            except DomainError as error:
                refused[vote.user_id] = error
        elif voter is not None and is_eligible(
            poll.eligibility, ParticipantRole(voter["role"]), voter["checked_in"]
        ):
            candidates.append(vote)
        else:
            refused[vote.user_id] = DomainError(
                Code.NOT_ELIGIBLE, "您不在本次表决的投票范围内", field="pollId"
            )
    inserted: dict[int, int] = {}
    if candidates:
        rows = await conn.fetch(
            _INSERT_AND_COUNT,
            tenant_id,
            poll_id,
            [v.user_id for v in candidates],
            ["{" + ",".join(map(str, v.choices)) + "}" for v in candidates],
            [v.key for v in candidates],
        )
        inserted = {r["user_id"]: r["id"] for r in rows if r["user_id"] is not None}
        if inserted:
            _publish_tally(
                session,
                tenant_id,
                meeting_id,
                {
                    "pollId": poll_id,
                    "counts": orjson.loads(rows[0]["counts"]),
                    "totalVotes": rows[0]["total_votes"],
                },
            )
    conflicted = [v.user_id for v in candidates if v.user_id not in inserted]
    existing: dict[int, tuple[int, str]] = {}
    if conflicted:
        rows = await conn.fetch(_EXISTING_VOTES, poll_id, conflicted)
        existing = {r["user_id"]: (r["id"], r["idempotency_key"]) for r in rows}
    drafts: list[EventDraft] = []
    for vote in pending:
        if vote.outcome.error is not None:
            continue
        if vote.user_id in refused:
            vote.outcome.error = refused[vote.user_id]
            continue
        head = first[vote.user_id]
        if vote is head and vote.user_id in inserted:
            vote.outcome.vote_id = inserted[vote.user_id]
            payload: VoteCast = {
                "pollId": poll_id,
                "voteId": vote.outcome.vote_id,
                "choices": vote.choices,
            }
            drafts.append(
                draft(session, MeetingEvent.VOTE_CAST, payload, actor_user_id=vote.user_id)
            )
            continue
        recorded = (
            (inserted[vote.user_id], head.key)
            if vote.user_id in inserted
            else existing[vote.user_id]
        )
        if recorded[1] == vote.key:
            vote.outcome.vote_id, vote.outcome.duplicate = recorded[0], True
        else:
            vote.outcome.error = DomainError(Code.ALREADY_VOTED, "您已投过票", field="pollId")
    return drafts


def _refuse_all(pending: list[_PendingVote], error: DomainError) -> list[EventDraft]:
    for vote in pending:
        vote.outcome.error = error
    return []


def _publish_tally(
    session: AsyncSession, tenant_id: int, meeting_id: int, tally: PollTally
) -> None:
    """Once the batch has committed, the poll's new counts go live (coalesced)."""
    publish_live(
        session,
        tenant_id=tenant_id,
        meeting_id=meeting_id,
        type=MeetingEvent.POLL_TALLY,
        key=str(tally["pollId"]),
        version=tally["totalVotes"],
        value=tally,
    )
