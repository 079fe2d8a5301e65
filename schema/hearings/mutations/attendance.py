"""Mutation: inviting the drawn representatives to their meeting
(`backend.hearings.attendance`)."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry import relay

from backend.hearings import attendance
from schema.context import Info
from schema.hearings.mutations.common import HEARING_ARG, decode, hearing_node, payload_errors
from schema.hearings.types import Hearing, HearingError
from schema.mutations import mutate


@strawberry.type(description="Result of inviting the drawn representatives to a meeting.")
class HearingInvitationPayload:
    invited: int = strawberry.field(description="People invited (the SELECTED of the draw).")
    hearing: Hearing | None = strawberry.field(description="The hearing after the change.")
    errors: list[HearingError] = strawberry.field(description="Why it was refused.")


@strawberry.type
class HearingAttendanceMutations:
    @strawberry.mutation(
        description="Invite the SELECTED of the draw to the meeting where they sit (the "
        "meeting holding the hearing, or for a 列席 selection the government meeting that "
        "decides) as REPRESENTATIVEs. The caller organises the hearing and hosts the meeting."
    )
    async def invite_drawn_to_meeting(
        self,
        info: Info,
        hearing_id: HEARING_ARG,
        meeting_id: Annotated[relay.GlobalID, strawberry.argument(description="The meeting.")],
    ) -> HearingInvitationPayload:
        result, errors = await mutate(
            info,
            lambda s, p: attendance.invite_selected(
                s,
                p,
                hearing_id=decode(hearing_id, "Hearing", "hearingId"),
                meeting_id=decode(meeting_id, "Meeting", "meetingId"),
            ),
        )
        return HearingInvitationPayload(
            invited=result[1] if result else 0,
            hearing=await hearing_node(info, result[0].id if result else None),
            errors=payload_errors(errors),
        )
