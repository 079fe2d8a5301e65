"""Mutations: The minutes (会议纪要, `backend.meetings.minutes`)."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry import relay

from backend.meetings import minutes
from schema.context import Info
from schema.meetings.mutations.common import decode
from schema.meetings.mutations.lifecycle import MeetingPayload, meeting_payload
from schema.mutations import mutate


@strawberry.type
class MinutesMutations:
    @strawberry.mutation(description="Write or replace the minutes (会议纪要), before closing.")
    async def set_minutes(
        self,
        info: Info,
        meeting_id: Annotated[relay.GlobalID, strawberry.argument(description="The meeting.")],
        text: Annotated[str, strawberry.argument(description="The minutes.")],
    ) -> MeetingPayload:
        meeting, errors = await mutate(
            info,
            lambda s, p: minutes.set_minutes(
                s, p, meeting_id=decode(meeting_id, "Meeting", "meetingId"), text=text
            ),
        )
        return meeting_payload(meeting, errors)
