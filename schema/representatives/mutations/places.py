"""Mutation: inviting a meeting's place's representatives (列席,
`backend.representatives.places`)."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry import relay

from backend.representatives import places
from schema.context import Info
from schema.meetings.types import Participant, gid
from schema.mutations import mutate
from schema.representatives.mutations.common import decode, payload_errors
from schema.representatives.types import RepresentativeError


@strawberry.type(description="Result of inviting the representatives of a meeting's place.")
class InviteRepresentativesPayload:
    participants: list[Participant] = strawberry.field(description="The invited participants.")
    errors: list[RepresentativeError] = strawberry.field(description="Why nothing changed.")


@strawberry.type
class PlaceMutations:
    @strawberry.mutation(
        description="Invite (列席) every representative with an account who serves the "
        "meeting's place today (its venue, the venue's village/community or a unit above "
        "it), as DEPUTY participants (meeting hosts)."
    )
    async def invite_representatives(
        self,
        info: Info,
        meeting_id: Annotated[relay.GlobalID, strawberry.argument(description="The meeting.")],
    ) -> InviteRepresentativesPayload:
        rows, errors = await mutate(
            info,
            lambda s, p: places.invite_representatives(
                s, p, meeting_id=decode(meeting_id, "Meeting", "meetingId")
            ),
        )
        return InviteRepresentativesPayload(
            participants=[
                Participant(
                    user_id=gid("User", r.user_id),
                    role=r.role,
                    invited=r.invited,
                    checked_in_at=r.checked_in_at,
                    check_in_mode=r.check_in_mode,
                )
                for r in rows or []
            ],
            errors=payload_errors(errors),
        )
