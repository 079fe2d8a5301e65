"""Mutations: Polls and votes (`backend.meetings.polls`); castVote also runs over the meeting socket
(`cast_vote_direct`)."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry import relay

from backend.core.limits import Action
from backend.meetings import models, polls
from realtime.ws import direct_mutation
from schema.context import Context, Info
from schema.meetings.mutations.common import decode, payload_errors
from schema.meetings.types import Eligibility, MeetingError, Poll, PollKind
from schema.mutations import StreamUnit, mutate, mutate_on_stream
from schema.people.types import Verification


@strawberry.type(description="Result of a poll change.")
class PollPayload:
    poll: Poll | None = strawberry.field(description="The poll after the change.")
    errors: list[MeetingError] = strawberry.field(description="Why nothing changed.")


@strawberry.type(description="Result of castVote.")
class VotePayload:
    accepted: bool = strawberry.field(
        description="True when the vote is recorded (now or by an "
        "earlier request with the same idempotency key)."
    )
    duplicate: bool = strawberry.field(description="True when this was a retry of a recorded vote.")
    errors: list[MeetingError] = strawberry.field(description="Why the vote was refused.")


async def _cast_vote(
    ctx: Context, poll_id: relay.GlobalID, choices: list[int], idempotency_key: str
) -> VotePayload:
    """castVote, over HTTP (the resolver) and over the meeting socket (`cast_vote_direct`)."""

    async def work(unit: StreamUnit) -> polls.VoteOutcome:
        pid = decode(poll_id, "Poll", "pollId")
        tenant_id = unit.principal.require_tenant()
        directory = ctx.services.meetings
        meeting_id = directory.cached_poll_meeting(tenant_id, pid)
        if meeting_id is None:
            meeting_id = await unit.read(lambda s: directory.poll_meeting(s, tenant_id, pid))
        outcome = await polls.cast_vote(
            unit.writer,
            meeting_id,
            unit.principal,
            poll_id=pid,
            choices=choices,
            idempotency_key=idempotency_key,
            address=unit.address,
        )
        if outcome.error is not None:
            raise outcome.error
        return outcome

    outcome, errors = await mutate_on_stream(
        ctx, work, action=Action.VOTE, operator_refusal="只有县内用户可以投票", owner_limited=True
    )
    if outcome is None:
        return VotePayload(accepted=False, duplicate=False, errors=payload_errors(errors))
    return VotePayload(accepted=True, duplicate=outcome.duplicate, errors=[])


async def cast_vote_direct(ctx: Context, args: dict[str, Any]) -> VotePayload:
    """castVote sent over the socket, run without graphql-core's executor (realtime.ws)."""
    return await _cast_vote(ctx, **args)


@strawberry.type
class PollMutations:
    @strawberry.mutation(description="Create a poll (draft).")
    async def create_poll(
        self,
        info: Info,
        meeting_id: Annotated[relay.GlobalID, strawberry.argument(description="The meeting.")],
        question: Annotated[str, strawberry.argument(description="What is voted on.")],
        options: Annotated[list[str], strawberry.argument(description="2–20 options.")],
        kind: Annotated[
            PollKind, strawberry.argument(description="Single or multiple choice.")
        ] = models.PollKind.SINGLE,
        max_choices: Annotated[
            int | None, strawberry.argument(description="For MULTIPLE: how many may be picked.")
        ] = None,
        eligibility: Annotated[
            Eligibility, strawberry.argument(description="Who may vote.")
        ] = models.Eligibility.ATTENDEES,
        required_verification: Annotated[
            Verification | None,
            strawberry.argument(
                description="A stricter verification level (实名制) than the meeting's for "
                "this poll's voters; null: the meeting's."
            ),
        ] = None,
    ) -> PollPayload:
        poll, errors = await mutate(
            info,
            lambda s, p: polls.create_poll(
                s,
                p,
                meeting_id=decode(meeting_id, "Meeting", "meetingId"),
                question=question,
                kind=kind,
                options=options,
                max_choices=max_choices,
                eligibility=eligibility,
                required_verification=required_verification,
            ),
        )
        return PollPayload(
            poll=Poll.from_model(poll) if poll else None, errors=payload_errors(errors)
        )

    @strawberry.mutation(description="Open a poll for voting (meeting must be LIVE).")
    async def open_poll(
        self,
        info: Info,
        poll_id: Annotated[relay.GlobalID, strawberry.argument(description="The poll.")],
    ) -> PollPayload:
        poll, errors = await mutate(
            info, lambda s, p: polls.open_poll(s, p, poll_id=decode(poll_id, "Poll", "pollId"))
        )
        return PollPayload(
            poll=Poll.from_model(poll) if poll else None, errors=payload_errors(errors)
        )

    @strawberry.mutation(description="Close a poll; its exact final result goes into the record.")
    async def close_poll(
        self,
        info: Info,
        poll_id: Annotated[relay.GlobalID, strawberry.argument(description="The poll.")],
    ) -> PollPayload:
        poll, errors = await mutate(
            info, lambda s, p: polls.close_poll(s, p, poll_id=decode(poll_id, "Poll", "pollId"))
        )
        return PollPayload(
            poll=Poll.from_model(poll) if poll else None, errors=payload_errors(errors)
        )

    @strawberry.mutation(
        description="Vote. One vote per person per poll (enforced by the "
        "database); retrying with the same idempotencyKey is harmless.",
        metadata=direct_mutation(cast_vote_direct),  # over the socket: realtime.ws.fields
    )
    async def cast_vote(
        self,
        info: Info,
        poll_id: Annotated[relay.GlobalID, strawberry.argument(description="The poll.")],
        choices: Annotated[
            list[int], strawberry.argument(description="Indexes of the chosen options.")
        ],
        idempotency_key: Annotated[
            str, strawberry.argument(description="A client-made key, the same on retries.")
        ],
    ) -> VotePayload:
        return await _cast_vote(info.context, poll_id, choices, idempotency_key)
