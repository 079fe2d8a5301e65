"""Appending one event to an agenda stream in the caller's transaction, checked against
its declaration where the app checks events (`backend.agenda.events`)."""

from __future__ import annotations

from typing import Any, TypeVar, cast

from sqlalchemy.ext.asyncio import AsyncSession

from backend.agenda.events import CATALOGUE_EVENTS, LIVELIHOOD_EVENTS
from backend.agenda.models import ConsultationCatalogue, LivelihoodRound
from backend.core.db import CHECK_EVENTS
from backend.core.security import Principal
from realtime import log as events
from realtime.event_types import Logged
from realtime.log import EventDraft

P = TypeVar("P")


def catalogue_stream(catalogue_id: int) -> str:
    return f"catalogue:{catalogue_id}"


def livelihood_stream(round_id: int) -> str:
    return f"livelihood:{round_id}"


async def _append(
    session: AsyncSession,
    principal: Principal | None,
    tenant_id: int,
    stream: str,
    type: str,
    payload: Any,
) -> events.LoggedEvent:
    (event,) = await events.append(
        session,
        tenant_id=tenant_id,
        stream=stream,
        drafts=[
            EventDraft(
                type=type,
                payload=cast(dict[str, Any], payload),
                actor_user_id=principal.user_id if principal else None,
            )
        ],
    )
    return event


async def on_catalogue(
    session: AsyncSession,
    principal: Principal | None,
    catalogue: ConsultationCatalogue,
    type: Logged[P],
    payload: P,
) -> events.LoggedEvent:
    if session.info.get(CHECK_EVENTS):
        CATALOGUE_EVENTS.check(type, cast(dict[str, Any], payload))
    return await _append(
        session,
        principal,
        catalogue.tenant_id,
        catalogue_stream(catalogue.id),
        type.value,
        payload,
    )


async def on_round(
    session: AsyncSession,
    principal: Principal | None,
    round: LivelihoodRound,
    type: Logged[P],
    payload: P,
) -> events.LoggedEvent:
    if session.info.get(CHECK_EVENTS):
        LIVELIHOOD_EVENTS.check(type, cast(dict[str, Any], payload))
    return await _append(
        session, principal, round.tenant_id, livelihood_stream(round.id), type.value, payload
    )
