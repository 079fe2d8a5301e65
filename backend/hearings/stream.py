"""A hearing's stream `hearing:<id>` (its record): appending one event in the caller's
transaction, checked against its declaration where the app checks events."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, TypeVar, cast

from sqlalchemy.ext.asyncio import AsyncSession

from backend.core.db import CHECK_EVENTS
from backend.core.errors import DomainError
from backend.core.security import Principal
from backend.hearings.errors import HearingErrorCode as Code
from backend.hearings.events import HEARING_EVENTS
from backend.hearings.models import Hearing
from realtime import log as events
from realtime.event_types import Logged
from realtime.log import EventDraft, StreamSealed

P = TypeVar("P")


def stream_of(hearing_id: int) -> str:
    return f"hearing:{hearing_id}"


def now() -> datetime:
    return datetime.now(UTC)


async def append_event(
    session: AsyncSession,
    principal: Principal,
    hearing: Hearing,
    type: Logged[P],
    payload: P,
) -> events.LoggedEvent:
    if session.info.get(CHECK_EVENTS):
        HEARING_EVENTS.check(type, payload)
    try:
        (event,) = await events.append(
            session,
            tenant_id=hearing.tenant_id,
            stream=stream_of(hearing.id),
            drafts=[
                EventDraft(
                    type=type.value,
                    payload=cast(dict[str, Any], payload),
                    actor_user_id=principal.user_id,
                )
            ],
        )
    except StreamSealed as exc:
        raise DomainError(Code.INVALID_STATE, "听证记录已封存", field="hearingId") from exc
    return event
