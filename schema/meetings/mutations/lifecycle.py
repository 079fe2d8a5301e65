"""Mutations: A meeting's life: schedule, announce, start, close (seal) and publish its record
(`backend.meetings.lifecycle`)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry import relay

from backend.core.errors import DomainError
from backend.core.security import Principal
from backend.meetings import lifecycle, models
from schema.context import Info
from schema.meetings.mutations.common import decode, payload_errors
from schema.meetings.types import Meeting, MeetingError, MeetingKind, MeetingMode
from schema.mutations import mutate
from schema.people.types import Verification


@strawberry.input(description="Schedule a meeting (as a draft).")
class CreateMeetingInput:
    kind: MeetingKind = strawberry.field(description="Kind of meeting.")
    mode: MeetingMode = strawberry.field(description="In person, online or both.")
    title: str = strawberry.field(description="Title, up to 200 characters.")
    description: str | None = strawberry.field(default=None, description="Purpose, arrangements.")
    host_unit_id: relay.GlobalID = strawberry.field(description="Host unit (主办单位).")
    venue_id: relay.GlobalID | None = strawberry.field(
        default=None, description="Venue (说事场所)."
    )
    starts_at: datetime = strawberry.field(description="Start, with time zone.")
    ends_at: datetime | None = strawberry.field(default=None, description="End, with time zone.")
    capacity: int | None = strawberry.field(default=None, description="Registration limit.")
    required_verification: Verification = strawberry.field(
        default=Verification.UNVERIFIED,
        description="The verification level (实名制) a person needs to register, check in "
        "and vote (听证会 often require REAL_NAME_VERIFIED).",
    )


@strawberry.type(description="Result of a meeting change.")
class MeetingPayload:
    meeting: Meeting | None = strawberry.field(description="The meeting after the change.")
    warnings: list[str] = strawberry.field(
        description="Things the host should know (e.g. "
        "座谈会 materials sent late), citing the rule."
    )
    errors: list[MeetingError] = strawberry.field(description="Why nothing changed.")


def meeting_payload(
    m: models.Meeting | None, errors: list[DomainError], warnings: list[str] | None = None
) -> MeetingPayload:
    return MeetingPayload(
        meeting=Meeting.from_model(m) if m else None,
        warnings=warnings or [],
        errors=payload_errors(errors),
    )


@strawberry.type
class LifecycleMutations:
    @strawberry.mutation(
        description="Schedule a meeting as a draft. Admins or staff of the host unit."
    )
    async def create_meeting(
        self,
        info: Info,
        input: Annotated[CreateMeetingInput, strawberry.argument(description="The meeting.")],
    ) -> MeetingPayload:
        async def run(s: AsyncSession, p: Principal) -> models.Meeting:
            return await lifecycle.create_meeting(
                s,
                p,
                kind=input.kind,
                mode=input.mode,
                title=input.title,
                description=input.description,
                host_unit_id=decode(input.host_unit_id, "OrgUnit", "hostUnitId"),
                venue_id=decode(input.venue_id, "Venue", "venueId") if input.venue_id else None,
                starts_at=input.starts_at,
                ends_at=input.ends_at,
                capacity=input.capacity,
                required_verification=input.required_verification,
            )

        meeting, errors = await mutate(info, run)
        return meeting_payload(meeting, errors)

    @strawberry.mutation(
        description="Announce (公告) a draft meeting; returns warnings such as "
        "座谈会 materials not sent early enough."
    )
    async def announce_meeting(
        self,
        info: Info,
        meeting_id: Annotated[relay.GlobalID, strawberry.argument(description="The meeting.")],
    ) -> MeetingPayload:
        return await _transition(info, meeting_id, "announce")

    @strawberry.mutation(
        description="Change the verification level (实名制) the meeting asks of those who "
        "register, check in, vote and score. Hosts; until the meeting closes."
    )
    async def set_meeting_verification(
        self,
        info: Info,
        meeting_id: Annotated[relay.GlobalID, strawberry.argument(description="The meeting.")],
        required_verification: Annotated[
            Verification, strawberry.argument(description="The level now needed.")
        ],
    ) -> MeetingPayload:
        meeting, errors = await mutate(
            info,
            lambda s, p: lifecycle.set_required_verification(
                s,
                p,
                meeting_id=decode(meeting_id, "Meeting", "meetingId"),
                level=required_verification,
            ),
        )
        return meeting_payload(meeting, errors)

    @strawberry.mutation(description="Start the meeting (LIVE): polls, comments and timers work.")
    async def start_meeting(
        self,
        info: Info,
        meeting_id: Annotated[relay.GlobalID, strawberry.argument(description="The meeting.")],
    ) -> MeetingPayload:
        return await _transition(info, meeting_id, "start")

    @strawberry.mutation(
        description="End the meeting and seal its record (final hash): open "
        "polls and scoring close, timers stop, nothing more is recorded."
    )
    async def close_meeting(
        self,
        info: Info,
        meeting_id: Annotated[relay.GlobalID, strawberry.argument(description="The meeting.")],
    ) -> MeetingPayload:
        meeting, errors = await mutate(
            info,
            lambda s, p: lifecycle.close_meeting(
                s,
                p,
                meeting_id=decode(meeting_id, "Meeting", "meetingId"),
                sealer=info.context.services.sealer,
                ballots=info.context.services.ballots,
                clock=info.context.services.clock,
            ),
        )
        return meeting_payload(meeting, errors)

    @strawberry.mutation(description="Publish the sealed record to everyone in the county.")
    async def publish_meeting_record(
        self,
        info: Info,
        meeting_id: Annotated[relay.GlobalID, strawberry.argument(description="The meeting.")],
    ) -> MeetingPayload:
        meeting, errors = await mutate(
            info,
            lambda s, p: lifecycle.publish_record(
                s, p, meeting_id=decode(meeting_id, "Meeting", "meetingId")
            ),
        )
        return meeting_payload(meeting, errors)


async def _transition(info: Info, meeting_id: relay.GlobalID, action: str) -> MeetingPayload:
    result, errors = await mutate(
        info,
        lambda s, p: lifecycle.change_state(
            s, p, meeting_id=decode(meeting_id, "Meeting", "meetingId"), action=action
        ),
    )
    return meeting_payload(result[0] if result else None, errors, result[1] if result else None)
