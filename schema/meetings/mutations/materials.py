"""Mutations: Meeting materials and their lead-time warnings (`backend.meetings.materials`)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry import relay

from backend.core.security import Principal
from backend.meetings import access, materials, models
from schema.context import Info
from schema.meetings.mutations.common import decode
from schema.meetings.mutations.lifecycle import MeetingPayload, meeting_payload
from schema.mutations import mutate


@strawberry.type
class MaterialMutations:
    @strawberry.mutation(
        description="Attach a material; for a 座谈会 returns a warning when it "
        "reached participants later than the county's rule (3 working days)."
    )
    async def add_material(
        self,
        info: Info,
        meeting_id: Annotated[relay.GlobalID, strawberry.argument(description="The meeting.")],
        title: Annotated[str, strawberry.argument(description="Title.")],
        url: Annotated[str | None, strawberry.argument(description="Where to read it.")] = None,
        distributed_at: Annotated[
            datetime | None, strawberry.argument(description="When it reached participants.")
        ] = None,
    ) -> MeetingPayload:
        async def run(s: AsyncSession, p: Principal) -> tuple[models.Meeting, list[str]]:
            mid = decode(meeting_id, "Meeting", "meetingId")
            _, warnings = await materials.add_material(
                s, p, meeting_id=mid, title=title, url=url, distributed_at=distributed_at
            )
            return await access.get_meeting(s, mid), warnings

        result, errors = await mutate(info, run)
        return meeting_payload(result[0] if result else None, errors, result[1] if result else None)
