"""Who may watch a room's stream (`video:<room id>`) and what they see.

Two views: PARTICIPANT (signed-in members of the county) sees every event as recorded,
names included (they see each other in the room anyway); PUBLIC (anonymous watchers of a
public meeting) sees the same events without names or actors. A room of a meeting still
in draft is NOT_FOUND to anyone who may not see the draft.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import replace
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.core.security import Principal
from backend.meetings.access import visible_to
from backend.meetings.models import Meeting
from backend.video.events import VIDEO_EVENTS, VideoEvent
from backend.video.models import VideoRoom
from realtime import streams
from realtime.event_types import EventKey
from realtime.log import LoggedEvent

PARTICIPANT_VIEW = "participant"
PUBLIC_VIEW = "public"


def _no_names(p: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in p.items() if k != "name"}


def _as_recorded(p: dict[str, Any]) -> dict[str, Any]:
    return p


E = VideoEvent
#: What the PUBLIC view sees of each type (every type decided, checked at import).
PUBLIC: dict[EventKey[Any], Callable[[dict[str, Any]], dict[str, Any]]] = {
    E.ROOM_OPENED: _as_recorded,
    E.ROOM_CLOSED: _as_recorded,
    E.PARTICIPANT_JOINED: _no_names,
    E.PARTICIPANT_LEFT: _no_names,
    E.FLOOR_GRANTED: _no_names,
    E.FLOOR_REVOKED: _no_names,
}
del E
if set(PUBLIC) != set(VideoEvent):  # pragma: no cover - a new type, undecided
    raise TypeError(f"undecided views: {sorted(set(VideoEvent) - set(PUBLIC))}")
_PUBLIC = {t.value: f for t, f in PUBLIC.items()}
_PUBLIC[streams.RESYNC_TYPE] = _as_recorded


async def authorize(session: AsyncSession, principal: Principal, ident: str | None) -> Hashable:
    room_id = streams.numeric_ident(ident, example="video:<编号>")
    found = await session.scalar(
        select(VideoRoom.id)
        .join(Meeting, Meeting.id == VideoRoom.meeting_id)
        .where(VideoRoom.id == room_id, visible_to(principal))
    )
    if found is None:
        raise streams.StreamRefused(streams.StreamErrorCode.NOT_FOUND, "视频会议室不存在")
    return PARTICIPANT_VIEW if principal.user_id is not None else PUBLIC_VIEW


def project(event: LoggedEvent, view: Hashable, state: Any) -> LoggedEvent | None:
    if view == PARTICIPANT_VIEW:
        return event
    shown = _PUBLIC.get(event.type)
    if shown is None:
        return None
    payload = shown(event.payload)
    if payload == event.payload and event.actor_user_id is None:
        return event
    return replace(event, payload=payload, actor_user_id=None, prev_hash="", hash="")


streams.register_kind("video", authorize=authorize, project=project, events=VIDEO_EVENTS)
