"""Mutations: Invitations, registration and check-in (`backend.meetings.participants`)."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry import relay

from backend.core.errors import DomainError
from backend.meetings import models, participants
from schema.context import Info
from schema.meetings.mutations.common import decode, payload_errors
from schema.meetings.types import MeetingError, Participant, ParticipantRole, gid
from schema.mutations import mutate


@strawberry.type(description="Result of inviting, registering or checking in.")
class ParticipantsPayload:
    participants: list[Participant] = strawberry.field(description="The participants changed.")
    errors: list[MeetingError] = strawberry.field(description="Why nothing changed.")


def _participants(
    rows: list[models.Participant] | None, errors: list[DomainError]
) -> ParticipantsPayload:
    return ParticipantsPayload(
        errors=payload_errors(errors),
        participants=[
            Participant(
                user_id=gid("User", p.user_id),
                role=p.role,
                invited=p.invited,
                checked_in_at=p.checked_in_at,
                check_in_mode=p.check_in_mode,
            )
            for p in rows or []
        ],
    )


@strawberry.type
class ParticipantMutations:
    @strawberry.mutation(description="Invite people (代表委员, experts, speakers, hosts).")
    async def invite_participants(
        self,
        info: Info,
        meeting_id: Annotated[relay.GlobalID, strawberry.argument(description="The meeting.")],
        user_ids: Annotated[
            list[relay.GlobalID], strawberry.argument(description="Users to invite.")
        ],
        role: Annotated[ParticipantRole, strawberry.argument(description="Their role.")],
    ) -> ParticipantsPayload:
        rows, errors = await mutate(
            info,
            lambda s, p: participants.invite(
                s,
                p,
                meeting_id=decode(meeting_id, "Meeting", "meetingId"),
                user_ids=[decode(u, "User", "userIds") for u in user_ids],
                role=role,
            ),
        )
        return _participants(rows, errors)

    @strawberry.mutation(description="Register yourself for a meeting (within capacity).")
    async def register_for_meeting(
        self,
        info: Info,
        meeting_id: Annotated[relay.GlobalID, strawberry.argument(description="The meeting.")],
    ) -> ParticipantsPayload:
        row, errors = await mutate(
            info,
            lambda s, p: participants.register(
                s, p, meeting_id=decode(meeting_id, "Meeting", "meetingId")
            ),
        )
        return _participants([row] if row else None, errors)

    @strawberry.mutation(
        description="Attendance: staff check someone in at the venue "
        "(userId), or you join an online meeting yourself (no userId)."
    )
    async def check_in(
        self,
        info: Info,
        meeting_id: Annotated[relay.GlobalID, strawberry.argument(description="The meeting.")],
        user_id: Annotated[
            relay.GlobalID | None, strawberry.argument(description="Who (staff only).")
        ] = None,
    ) -> ParticipantsPayload:
        row, errors = await mutate(
            info,
            lambda s, p: participants.check_in(
                s,
                p,
                meeting_id=decode(meeting_id, "Meeting", "meetingId"),
                user_id=decode(user_id, "User", "userId") if user_id else None,
            ),
        )
        return _participants([row] if row else None, errors)
