"""The meeting's stream `meeting:<id>` (the consultation record): its name, the clock its
events are stamped with, appending one event to it in the caller's transaction, and the
live values published once that transaction commits.

Types are `MeetingEvent` members (backend/meetings/events.py), never bare strings, and each
carries its payload's shape: `draft` and `append_event` take a `Logged[P]` and a `P`,
`publish_live` a `Live[P]` and a `P`, so mypy refuses a payload of another shape, a live
value appended as an event (or the reverse) and a bare string. Build a payload with its
snapshot function or its TypedDict (`CommentRef(id=comment.id)`): a bare dict literal has
no shape for mypy to infer (`Cannot infer value of type parameter "P"`). Where the app
checks events (`Database.check_events`: development and tests) each payload is also
checked against its declaration at run time before it is appended or published.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, TypeVar, cast

from sqlalchemy.ext.asyncio import AsyncSession

from backend.core.db import CHECK_EVENTS
from backend.core.errors import DomainError
from backend.core.security import Principal
from backend.meetings.errors import MeetingErrorCode as Code
from backend.meetings.events import MEETING_EVENTS
from backend.meetings.models import Meeting
from realtime import log as events
from realtime.event_types import Live, Logged
from realtime.log import EventDraft, StreamSealed

#: The payload of the type given (a TypedDict of backend/meetings/events.py).
P = TypeVar("P")


def stream_of(meeting_id: int) -> str:
    return f"meeting:{meeting_id}"


def now() -> datetime:
    return datetime.now(UTC)


def draft(
    session: AsyncSession,
    type: Logged[P],
    payload: P,
    *,
    actor_user_id: int | None = None,
) -> EventDraft:
    """An event of the meeting stream to append (checked where the app checks events)."""
    if session.info.get(CHECK_EVENTS):
        MEETING_EVENTS.check(type, payload)
    # A TypedDict is a dict at run time: no copy on the vote path.
    return EventDraft(
        type=type.value, payload=cast(dict[str, Any], payload), actor_user_id=actor_user_id
    )


async def append_event(
    session: AsyncSession,
    principal: Principal,
    meeting: Meeting,
    type: Logged[P],
    payload: P,
) -> events.LoggedEvent:
    try:
        (event,) = await events.append(
            session,
            tenant_id=meeting.tenant_id,
            stream=stream_of(meeting.id),
            drafts=[draft(session, type, payload, actor_user_id=principal.user_id)],
        )
    except StreamSealed as exc:
        raise DomainError(
            Code.RECORD_SEALED, "会议记录已封存，不能再记录", field="meetingId"
        ) from exc
    return event


def publish_live(
    session: AsyncSession,
    *,
    tenant_id: int,
    meeting_id: int,
    type: Live[P],
    key: str,
    version: int,
    value: P,
) -> None:
    """Once the session's transaction commits, a live value of the meeting (a tally)
    goes to its watchers, coalesced (`realtime.log.publish_live_after_commit`)."""
    if session.info.get(CHECK_EVENTS):
        MEETING_EVENTS.check(type, value, live=True)
    events.publish_live_after_commit(
        session,
        tenant_id=tenant_id,
        stream=stream_of(meeting_id),
        type=type.value,
        key=key,
        version=version,
        value=cast(dict[str, Any], value),
    )
