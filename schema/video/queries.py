"""Queries of 云视频 rooms."""

from __future__ import annotations

from typing import Annotated

import strawberry
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry import relay

from backend.meetings.access import visible_to
from backend.meetings.models import Meeting
from backend.video import rooms
from schema.context import Info
from schema.relay import decode_id_argument
from schema.video.types import VideoRoom, load_room


@strawberry.type
class VideoQueries:
    @strawberry.field(description="The 云视频 room of a meeting you can see (null: it has none).")
    async def video_room(
        self,
        info: Info,
        meeting_id: Annotated[relay.GlobalID, strawberry.argument(description="The meeting.")],
    ) -> VideoRoom | None:
        mid = decode_id_argument(meeting_id, "Meeting", field="meetingId")
        principal = await info.context.principal()

        async def run(s: AsyncSession) -> VideoRoom | None:
            visible = await s.scalar(
                select(Meeting.id).where(Meeting.id == mid, visible_to(principal))
            )
            room = await rooms.room_of_meeting(s, mid) if visible else None
            return await load_room(s, room) if room is not None else None

        return await info.context.read(run)
