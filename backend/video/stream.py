"""A room's stream `video:<room id>`: appending one event in the caller's transaction."""

from __future__ import annotations

from typing import Any, TypeVar, cast

from sqlalchemy.ext.asyncio import AsyncSession

from backend.core.db import CHECK_EVENTS
from backend.core.security import Principal
from backend.video.events import VIDEO_EVENTS
from backend.video.models import VideoRoom
from realtime import log as events
from realtime.event_types import Logged
from realtime.log import EventDraft

P = TypeVar("P")


def stream_of(room_id: int) -> str:
    return f"video:{room_id}"


async def append_event(
    session: AsyncSession,
    principal: Principal | None,
    room: VideoRoom,
    type: Logged[P],
    payload: P,
) -> events.LoggedEvent:
    if session.info.get(CHECK_EVENTS):
        VIDEO_EVENTS.check(type, payload)
    (event,) = await events.append(
        session,
        tenant_id=room.tenant_id,
        stream=stream_of(room.id),
        drafts=[
            EventDraft(
                type=type.value,
                payload=cast(dict[str, Any], payload),
                actor_user_id=principal.user_id if principal is not None else None,
            )
        ],
    )
    return event
