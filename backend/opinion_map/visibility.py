"""Who may watch a map's stream (`opinionmap:<map id>`) and what they see.

Two views: HOST (the meeting's hosts; on a decision's map, those who run the decision)
sees every event as recorded, pending statements and hiding reasons included; PUBLIC
(everyone else who may see the meeting or the decision, signed in or not) sees shown
statements and the computed map, never a pending statement nor why one was hidden. No
event carries a voter or an author, so neither view can link a vote or a statement to a
person; the host view shows counts only, as the public one.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import replace
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.core.security import Principal
from backend.opinion_map.events import OPINION_MAP_EVENTS, OpinionMapEvent
from backend.opinion_map.hosts import host_of, may_see
from backend.opinion_map.models import OpinionMap
from backend.opinion_map.stream import KIND
from realtime import streams
from realtime.event_types import EventKey
from realtime.log import LoggedEvent

HOST_VIEW = "host"
PUBLIC_VIEW = "public"


def _as_recorded(p: dict[str, Any]) -> dict[str, Any] | None:
    return p


def _not_shown(p: dict[str, Any]) -> dict[str, Any] | None:
    return None


def _no_reason(p: dict[str, Any]) -> dict[str, Any] | None:
    return {"id": p["id"], "reason": None}


E = OpinionMapEvent
#: What the PUBLIC view sees of each type (every type decided, checked at import).
PUBLIC: dict[EventKey[Any], Callable[[dict[str, Any]], dict[str, Any] | None]] = {
    E.MAP_OPENED: _as_recorded,
    E.MAP_CLOSED: _as_recorded,
    E.STATEMENT_SUBMITTED: _not_shown,
    E.STATEMENT_SHOWN: _as_recorded,
    E.STATEMENT_HIDDEN: _no_reason,
    E.MAP_COMPUTED: _as_recorded,
}
del E
if set(PUBLIC) != set(OpinionMapEvent):  # pragma: no cover - a new type, undecided
    raise TypeError(f"undecided views: {sorted(set(OpinionMapEvent) - set(PUBLIC))}")
_PUBLIC = {t.value: f for t, f in PUBLIC.items()}
_PUBLIC[streams.RESYNC_TYPE] = _as_recorded


async def authorize(session: AsyncSession, principal: Principal, ident: str | None) -> Hashable:
    map_id = streams.numeric_ident(ident, example=f"{KIND}:<编号>")
    opinion_map = await session.scalar(select(OpinionMap).where(OpinionMap.id == map_id))
    if opinion_map is None or not await may_see(session, principal, opinion_map):
        raise streams.StreamRefused(streams.StreamErrorCode.NOT_FOUND, "意见地图不存在")
    host = await host_of(session, opinion_map)
    return HOST_VIEW if await host.manages(session, principal) else PUBLIC_VIEW


def project(event: LoggedEvent, view: Hashable, state: Any) -> LoggedEvent | None:
    if view == HOST_VIEW:
        return event
    shown = _PUBLIC.get(event.type)
    if shown is None:
        return None
    payload = shown(event.payload)
    if payload is None:
        return None
    if payload == event.payload:
        return event
    return replace(event, payload=payload, prev_hash="", hash="")


streams.register_kind(KIND, authorize=authorize, project=project, events=OPINION_MAP_EVENTS)
