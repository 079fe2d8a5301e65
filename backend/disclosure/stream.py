"""Appending one event to a 政务公开 stream in the caller's transaction, checked against its
declaration where the app checks events (`backend.disclosure.events`)."""

from __future__ import annotations

from typing import Any, TypeVar, cast

from sqlalchemy.ext.asyncio import AsyncSession

from backend.core.db import CHECK_EVENTS
from backend.core.security import Principal
from backend.disclosure.events import PUBLICATION_EVENTS, REQUEST_EVENTS
from backend.disclosure.models import InformationRequest, Publication
from realtime import log as events
from realtime.event_types import EventTypes, Logged
from realtime.log import EventDraft

P = TypeVar("P")


def publication_stream(publication_id: int) -> str:
    return f"publication:{publication_id}"


def request_stream(request_id: int) -> str:
    return f"inforequest:{request_id}"


async def _append(
    session: AsyncSession,
    principal: Principal | None,
    kinds: EventTypes,
    tenant_id: int,
    stream: str,
    type: Logged[Any],
    payload: Any,
) -> events.LoggedEvent:
    if session.info.get(CHECK_EVENTS):
        kinds.check(type, payload)
    (event,) = await events.append(
        session,
        tenant_id=tenant_id,
        stream=stream,
        drafts=[
            EventDraft(
                type=type.value,
                payload=cast(dict[str, Any], payload),
                actor_user_id=principal.user_id if principal else None,
            )
        ],
    )
    return event


async def on_publication(
    session: AsyncSession,
    principal: Principal | None,
    publication: Publication,
    type: Logged[P],
    payload: P,
) -> events.LoggedEvent:
    return await _append(
        session,
        principal,
        PUBLICATION_EVENTS,
        publication.tenant_id,
        publication_stream(publication.id),
        type,
        payload,
    )


async def on_request(
    session: AsyncSession,
    principal: Principal | None,
    request: InformationRequest,
    type: Logged[P],
    payload: P,
) -> events.LoggedEvent:
    return await _append(
        session,
        principal,
        REQUEST_EVENTS,
        request.tenant_id,
        request_stream(request.id),
        type,
        payload,
    )
