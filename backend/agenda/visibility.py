"""What each viewer of the agenda's streams sees.

- `catalogue:<id>`: county staff see every event as recorded (with its actor). Anyone else
  of the county sees the stream once the catalogue is published (公布: the whole history
  then is public, without actors); before that the catalogue is NOT_FOUND to them.
- `livelihood:<id>`: the round is public from the start (群众开单 is done in the open):
  county staff see every event with its actor, everyone else the same events without the
  actor (who proposed or voted for what is not shown).
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import replace
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.agenda.events import (
    CATALOGUE_EVENTS,
    LIVELIHOOD_EVENTS,
    CatalogueEvent,
    LivelihoodEvent,
)
from backend.agenda.models import CatalogueState, ConsultationCatalogue
from backend.core.security import Principal, Role
from realtime import streams
from realtime.event_types import EventKey
from realtime.log import LoggedEvent

STAFF_VIEW = "staff"
PUBLIC_VIEW = "public"


def _staff(principal: Principal) -> bool:
    return principal.user_id is not None and any(
        g.role in (Role.TENANT_ADMIN, Role.DEPARTMENT_STAFF) and g.org_path is None
        for g in principal.grants
    )


#: Every type, whether the public view shows it (without its actor). All are shown: the
#: table exists so that a new type is a decision, not an accident.
CATALOGUE_PUBLIC: dict[EventKey[Any], bool] = {t: True for t in CatalogueEvent}
LIVELIHOOD_PUBLIC: dict[EventKey[Any], bool] = {
    LivelihoodEvent.OPENED: True,
    LivelihoodEvent.PROPOSED: True,
    LivelihoodEvent.REVIEWED: True,  # reasons for not shortlisting are published
    LivelihoodEvent.VOTING_OPENED: True,
    LivelihoodEvent.VOTED: True,  # the new count, never the voter
    LivelihoodEvent.VOTING_CLOSED: True,
    LivelihoodEvent.ADOPTED: True,
    LivelihoodEvent.SUBPROJECT_ADDED: True,
    LivelihoodEvent.PROGRESS_REPORTED: True,
    LivelihoodEvent.EVALUATION_OPENED: True,
    LivelihoodEvent.EVALUATED: True,  # the satisfaction, never the person
}
for _table, _kind in ((CATALOGUE_PUBLIC, CatalogueEvent), (LIVELIHOOD_PUBLIC, LivelihoodEvent)):
    if set(_table) != set(_kind):  # pragma: no cover - a new type, undecided
        raise TypeError(f"undecided views: {sorted(set(_kind) - set(_table))}")
_SHOWN = {str(t) for t, shown in (CATALOGUE_PUBLIC | LIVELIHOOD_PUBLIC).items() if shown}
_SHOWN.add(streams.RESYNC_TYPE)


def project(event: LoggedEvent, view: Hashable, state: Any) -> LoggedEvent | None:
    """Staff get the event as recorded; the public the same payload without its actor (and
    without the hash when the actor was dropped)."""
    if view == STAFF_VIEW:
        return event
    if event.type not in _SHOWN:
        return None
    if event.actor_user_id is None:
        return event
    return replace(event, actor_user_id=None, prev_hash="", hash="")


async def authorize_catalogue(
    session: AsyncSession, principal: Principal, ident: str | None
) -> Hashable:
    catalogue_id = streams.numeric_ident(ident, example="catalogue:<编号>")
    if _staff(principal):
        return STAFF_VIEW
    state = await session.scalar(
        select(ConsultationCatalogue.state).where(ConsultationCatalogue.id == catalogue_id)
    )
    if state is not CatalogueState.PUBLISHED:
        raise streams.StreamRefused(streams.StreamErrorCode.NOT_FOUND, "协商目录不存在或未公布")
    return PUBLIC_VIEW


def livelihood_view(principal: Principal, ident: str | None) -> Hashable:
    streams.numeric_ident(ident, example="livelihood:<编号>")
    return STAFF_VIEW if _staff(principal) else PUBLIC_VIEW


streams.register_kind(
    "catalogue",
    authorize=authorize_catalogue,
    project=project,
    sees_chain=lambda view: view == STAFF_VIEW,
    events=CATALOGUE_EVENTS,
)
streams.register_kind(
    "livelihood",
    view_of=livelihood_view,
    project=project,
    sees_chain=lambda view: view == STAFF_VIEW,
    events=LIVELIHOOD_EVENTS,
)
