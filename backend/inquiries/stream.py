"""The domain's streams and the one helper that appends to them, in the caller's
transaction, checked against the declarations (`backend.inquiries.events`) where the app
checks events."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, TypeVar, cast

from sqlalchemy.ext.asyncio import AsyncSession

from backend.core.db import CHECK_EVENTS
from backend.core.security import Principal
from backend.inquiries.events import GROUP_EVENTS, OPINION_EVENTS, SESSION_EVENTS
from realtime import log as events
from realtime.event_types import EventTypes, Logged

P = TypeVar("P")

GROUP_KIND = "inquirygroup"
SESSION_KIND = "inquiry"
OPINION_KIND = "opinions"
_REGISTRIES: dict[str, EventTypes] = {
    GROUP_KIND: GROUP_EVENTS,
    SESSION_KIND: SESSION_EVENTS,
    OPINION_KIND: OPINION_EVENTS,
}


def group_stream(group_id: int) -> str:
    return f"{GROUP_KIND}:{group_id}"


def session_stream(session_id: int) -> str:
    return f"{SESSION_KIND}:{session_id}"


def opinion_stream(collection_id: int) -> str:
    return f"{OPINION_KIND}:{collection_id}"


def now() -> datetime:
    return datetime.now(UTC)


async def append_event(
    session: AsyncSession,
    principal: Principal | None,
    *,
    tenant_id: int,
    stream: str,
    type: Logged[P],
    payload: P,
) -> None:
    """Append one event to `stream` (one of this domain's kinds) in the caller's
    transaction; published after commit."""
    if session.info.get(CHECK_EVENTS):
        _REGISTRIES[stream.partition(":")[0]].check(type, payload)
    await events.append(
        session,
        tenant_id=tenant_id,
        stream=stream,
        drafts=[
            events.EventDraft(
                type=type.value,
                payload=cast(dict[str, Any], payload),
                actor_user_id=principal.user_id if principal else None,
            )
        ],
    )
