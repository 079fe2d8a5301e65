"""Mutations: The speaking queue (`backend.meetings.speaking`)."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry import relay

from backend.meetings import speaking
from schema.context import Info
from schema.meetings.mutations.common import decode, payload_errors
from schema.meetings.types import MeetingError, SpeakingState, gid
from schema.mutations import mutate


@strawberry.type(description="Result of a speaking-queue action.")
class SpeakingPayload:
    request_id: strawberry.ID | None = strawberry.field(description="The request.")
    state: SpeakingState | None = strawberry.field(description="Its state now.")
    errors: list[MeetingError] = strawberry.field(description="Why it was refused.")


@strawberry.type
class SpeakingMutations:
    @strawberry.mutation(description="Raise your hand to speak (join the speaking queue).")
    async def raise_hand(
        self,
        info: Info,
        meeting_id: Annotated[relay.GlobalID, strawberry.argument(description="The meeting.")],
        topic: Annotated[str | None, strawberry.argument(description="About what.")] = None,
    ) -> SpeakingPayload:
        req, errors = await mutate(
            info,
            lambda s, p: speaking.raise_hand(
                s, p, meeting_id=decode(meeting_id, "Meeting", "meetingId"), topic=topic
            ),
        )
        return SpeakingPayload(
            request_id=gid("SpeakingRequest", req.id) if req else None,
            state=req.state if req else None,
            errors=payload_errors(errors),
        )

    @strawberry.mutation(
        description="Host: give the floor, finish or drop a request; anyone: withdraw your own."
    )
    async def update_speaking_request(
        self,
        info: Info,
        request_id: Annotated[relay.GlobalID, strawberry.argument(description="The request.")],
        state: Annotated[
            SpeakingState, strawberry.argument(description="SPEAKING, DONE or WITHDRAWN.")
        ],
    ) -> SpeakingPayload:
        req, errors = await mutate(
            info,
            lambda s, p: speaking.manage_queue(
                s, p, request_id=decode(request_id, "SpeakingRequest", "requestId"), state=state
            ),
        )
        return SpeakingPayload(
            request_id=gid("SpeakingRequest", req.id) if req else None,
            state=req.state if req else None,
            errors=payload_errors(errors),
        )
