"""The county's `calendar` stream: appending its events, and who may watch it (anyone of
the county: holidays and closures are public notices)."""

from __future__ import annotations

from typing import Any, TypeVar, cast

from sqlalchemy.ext.asyncio import AsyncSession

from backend.calendar.events import CALENDAR_EVENTS
from backend.core.db import CHECK_EVENTS
from backend.core.errors import DomainError
from backend.core.security import Principal
from realtime import log as events
from realtime import streams
from realtime.event_types import Logged

CALENDAR_STREAM = "calendar"
P = TypeVar("P")


async def append_event(
    session: AsyncSession,
    principal: Principal,
    *,
    tenant_id: int,
    type: Logged[P],
    payload: P,
) -> None:
    """Append one event to the county's calendar stream in the caller's transaction (the
    payload typed by its type: `backend.calendar.events`)."""
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
