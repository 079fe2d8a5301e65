"""A map's stream `opinionmap:<map id>`: appending one event in the caller's transaction."""

from __future__ import annotations

from typing import Any, TypeVar, cast

from sqlalchemy.ext.asyncio import AsyncSession

from backend.core.db import CHECK_EVENTS
from backend.core.errors import DomainError
from backend.core.security import Principal
from backend.opinion_map.errors import OpinionMapErrorCode as Code
from backend.opinion_map.events import OPINION_MAP_EVENTS
from backend.opinion_map.models import OpinionMap
from realtime import log as events
from realtime.event_types import Logged
from realtime.log import EventDraft, StreamSealed

P = TypeVar("P")

KIND = "opinionmap"


def stream_of(map_id: int) -> str:
    return f"{KIND}:{map_id}"


async def append_event(
    session: AsyncSession,
    principal: Principal | None,
    opinion_map: OpinionMap,
    type: Logged[P],
    payload: P,
) -> events.LoggedEvent:
    if session.info.get(CHECK_EVENTS):
        OPINION_MAP_EVENTS.check(type, payload)
    try:
        (event,) = await events.append(
            session,
            tenant_id=opinion_map.tenant_id,
            stream=stream_of(opinion_map.id),
            drafts=[
                EventDraft(
                    type=type.value,
                    payload=cast(dict[str, Any], payload),
                    # Statements are anonymous in the map: no actor on its stream.
                    actor_user_id=None,
                )
            ],
        )
    except StreamSealed as exc:
        raise DomainError(Code.RECORD_SEALED, "意见地图记录已封存", field="mapId") from exc
    return event
