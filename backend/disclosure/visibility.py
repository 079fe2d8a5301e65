"""What each viewer of 政务公开's streams sees.

- `publication:<id>`: county staff see every event; anyone else of the county sees a
  publication's stream once it has been published (its draft title included), and a
  never-published draft is NOT_FOUND to them. The withdrawal and its reason are public.
- `inforequest:<id>`: county staff and the requester see every event (the payloads carry
  no name or phone); anyone else gets NOT_FOUND.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import replace
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.core.security import Principal, Role
from backend.disclosure.events import (
    PUBLICATION_EVENTS,
    REQUEST_EVENTS,
    PublicationEvent,
    RequestEvent,
)
from backend.disclosure.models import InformationRequest, Publication
from realtime import streams
from realtime.event_types import EventKey
from realtime.log import LoggedEvent

STAFF_VIEW = "staff"
REQUESTER_VIEW = "requester"
PUBLIC_VIEW = "public"


def _staff(principal: Principal) -> bool:
    return principal.user_id is not None and any(
        g.role in (Role.TENANT_ADMIN, Role.DEPARTMENT_STAFF) and g.org_path is None
        for g in principal.grants
    )


#: Whether the public view of a published item shows each type (without its actor).
PUBLICATION_PUBLIC: dict[EventKey[Any], bool] = {
    PublicationEvent.DRAFTED: True,
    PublicationEvent.APPROVED: True,
    PublicationEvent.WITHDRAWN: True,
}
#: What the requester sees of their request: everything (no personal data is logged).
REQUESTER_SEES: dict[EventKey[Any], bool] = {t: True for t in RequestEvent}
if set(PUBLICATION_PUBLIC) != set(PublicationEvent):  # pragma: no cover
    raise TypeError("undecided publication views")


def project(event: LoggedEvent, view: Hashable, state: Any) -> LoggedEvent | None:
    """Staff (and the requester, for a request) get the event as recorded; the public the
    same payload without its actor."""
    if view in (STAFF_VIEW, REQUESTER_VIEW):
        return event
    if event.actor_user_id is None:
        return event
    return replace(event, actor_user_id=None, prev_hash="", hash="")


async def authorize_publication(
    session: AsyncSession, principal: Principal, ident: str | None
) -> Hashable:
    publication_id = streams.numeric_ident(ident, example="publication:<编号>")
    if _staff(principal):
        return STAFF_VIEW
    published = await session.scalar(
        select(Publication.published_at).where(Publication.id == publication_id)
    )
    if published is None:
        raise streams.StreamRefused(streams.StreamErrorCode.NOT_FOUND, "公开信息不存在")
    return PUBLIC_VIEW


async def authorize_request(
    session: AsyncSession, principal: Principal, ident: str | None
) -> Hashable:
    request_id = streams.numeric_ident(ident, example="inforequest:<编号>")
    if _staff(principal):
        return STAFF_VIEW
    requester = await session.scalar(
        select(InformationRequest.requester_user_id).where(InformationRequest.id == request_id)
    )
    if principal.user_id is None or requester != principal.user_id:
        raise streams.StreamRefused(streams.StreamErrorCode.NOT_FOUND, "申请不存在")
    return REQUESTER_VIEW


streams.register_kind(
    "publication",
    authorize=authorize_publication,
    project=project,
    sees_chain=lambda view: view == STAFF_VIEW,
    events=PUBLICATION_EVENTS,
)
streams.register_kind(
    "inforequest",
    authorize=authorize_request,
    project=project,
    sees_chain=lambda view: True,
    events=REQUEST_EVENTS,
)
