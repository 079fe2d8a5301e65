"""The county's `calendar` stream: appending its events, and who may watch it (anyone of
the county: holidays and closures are public notices)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

from sqlalchemy.ext.asyncio import AsyncSession

from backend.calendar.events import CALENDAR_EVENTS, CalendarEvent
from backend.core.db import CHECK_EVENTS
from backend.core.errors import DomainError
from backend.core.security import Principal
from realtime import log as events
from realtime import streams

CALENDAR_STREAM = "calendar"


async def append_event(
    session: AsyncSession,
    principal: Principal,
    *,
    tenant_id: int,
    type: CalendarEvent,
    payload: Mapping[str, Any],
) -> None:
    """Append one event to the county's calendar stream in the caller's transaction."""
    if session.info.get(CHECK_EVENTS):
        CALENDAR_EVENTS.check(type, payload)
    await events.append(
        session,
        tenant_id=tenant_id,
        stream=CALENDAR_STREAM,
        drafts=[
            events.EventDraft(
                type=type.value,
                payload=cast(dict[str, Any], payload),
                actor_user_id=principal.user_id,
            )
        ],
    )


def _calendar_view(principal: Principal, ident: str | None) -> str:
    """Everyone of the county may watch it; the grants decide, no read needed."""
    if ident is not None:
        raise DomainError(
            streams.StreamErrorCode.UNKNOWN_STREAM, "calendar 流没有子标识", field="stream"
        )
    principal.require_tenant()
    return "public"


streams.register_kind(CALENDAR_STREAM, view_of=_calendar_view, events=CALENDAR_EVENTS)
