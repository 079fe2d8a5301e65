"""The meeting's stream `meeting:<id>` (the consultation record): its name, the clock its
events are stamped with, and appending one event to it in the caller's transaction.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from backend.core.errors import DomainError
from backend.core.security import Principal
from backend.meetings.errors import MeetingErrorCode as Code
from backend.meetings.models import Meeting
from realtime import log as events
from realtime.log import EventDraft, StreamSealed


def stream_of(meeting_id: int) -> str:
    return f"meeting:{meeting_id}"


def now() -> datetime:
    return datetime.now(UTC)


async def append_event(
    session: AsyncSession,
    principal: Principal,
    meeting: Meeting,
    type: str,
    payload: dict[str, Any],
) -> events.LoggedEvent:
    try:
        (event,) = await events.append(
            session,
            tenant_id=meeting.tenant_id,
            stream=stream_of(meeting.id),
            drafts=[EventDraft(type=type, payload=payload, actor_user_id=principal.user_id)],
        )
    except StreamSealed as exc:
        raise DomainError(
            Code.RECORD_SEALED, "会议记录已封存，不能再记录", field="meetingId"
        ) from exc
    return event
