"""The minutes (会议纪要): written and replaced by a host until the meeting closes; the record
keeps their digest (`minutes.updated`, and `record.sealed` at the close).
"""

from __future__ import annotations

import hashlib

from sqlalchemy.ext.asyncio import AsyncSession

from backend.core.security import Principal
from backend.core.validation import clean_text
from backend.meetings.access import get_meeting, require_host, require_state
from backend.meetings.errors import MeetingErrorCode as Code
from backend.meetings.events import MeetingEvent, MinutesUpdated
from backend.meetings.models import Meeting, MeetingState
from backend.meetings.stream import append_event


async def set_minutes(
    session: AsyncSession, principal: Principal, *, meeting_id: int, text: str
) -> Meeting:
    meeting = await get_meeting(session, meeting_id, lock=True)
    await require_host(session, principal, meeting)
    require_state(meeting, MeetingState.ANNOUNCED, MeetingState.LIVE, action="编辑纪要")
    meeting.minutes = clean_text(
        text, field="text", code=Code.INVALID, label="会议纪要", max_length=100_000
    )
    await session.flush()
    await append_event(
        session,
        principal,
        meeting,
        MeetingEvent.MINUTES_UPDATED,
        MinutesUpdated(length=len(meeting.minutes or ""), sha256=sha256_of(meeting.minutes)),
    )
    return meeting


def sha256_of(text: str | None) -> str | None:
    return hashlib.sha256(text.encode()).hexdigest() if text else None
