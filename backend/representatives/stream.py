"""Appending one event to a stream of this domain in the caller's transaction, checked
against its declaration where the app checks events (`backend.representatives.events`)."""

from __future__ import annotations

from typing import Any, TypeVar, cast

from sqlalchemy.ext.asyncio import AsyncSession

from backend.core.db import CHECK_EVENTS
from backend.core.security import Principal
from realtime import log as events
from realtime.event_types import EventTypes, Logged
from realtime.log import EventDraft

P = TypeVar("P")


async def append_event(
    session: AsyncSession,
    principal: Principal | None,
    types: EventTypes,
    *,
    tenant_id: int,
    row_id: int,
    type: Logged[P],
    payload: P,
) -> events.LoggedEvent:
    """Append `type` to `<types.kind>:<row_id>`."""
    if session.info.get(CHECK_EVENTS):
        types.check(type, payload)
    (event,) = await events.append(
        session,
        tenant_id=tenant_id,
        stream=f"{types.kind}:{row_id}",
        drafts=[
            EventDraft(
                type=type.value,
                payload=cast(dict[str, Any], payload),
                actor_user_id=principal.user_id if principal else None,
            )
        ],
    )
    return event
