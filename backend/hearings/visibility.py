"""What each viewer of a hearing's stream (`hearing:<id>`) sees.

Two views, decided with one read of the hearing: ORGANISER (the county office and staff of
the host unit) gets every event as recorded; PUBLIC (anyone else of the county, anonymous
callers included, once the notice is out: 听证会公开举行) gets every event without its
actor. No payload carries a person (applicants are pool pseudonyms), so the public sees the
whole draw and can re-run it. A draft is NOT_FOUND to the public.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import replace
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.core.security import Principal
from backend.hearings.events import HEARING_EVENTS, HearingEvent
from backend.hearings.models import Hearing, HearingState
from realtime import streams
from realtime.log import LoggedEvent
from tenants.models import OrgUnit

ORGANISER_VIEW = "organiser"
PUBLIC_VIEW = "public"

#: Every type is public (without its actor); a member missing here is an import error.
PUBLIC: dict[str, bool] = {t.value: True for t in HearingEvent}


async def authorize(session: AsyncSession, principal: Principal, ident: str | None) -> Hashable:
    from backend.hearings.access import organises_at

    hearing_id = streams.numeric_ident(ident, example="hearing:<听证会编号>")
    row = (
        await session.execute(
            select(Hearing.state, OrgUnit.path)
            .join(OrgUnit, OrgUnit.id == Hearing.host_unit_id)
            .where(Hearing.id == hearing_id)
        )
    ).first()
    if row is None:
        raise streams.StreamRefused(streams.StreamErrorCode.NOT_FOUND, "听证会不存在")
    state, path = row
    if organises_at(principal, path):
        return ORGANISER_VIEW
    if state is HearingState.DRAFT:
        raise streams.StreamRefused(streams.StreamErrorCode.NOT_FOUND, "听证会不存在")
    return PUBLIC_VIEW


def project(event: LoggedEvent, view: Hashable, state: Any) -> LoggedEvent | None:
    if view == ORGANISER_VIEW or event.actor_user_id is None:
        return event
    if event.type != streams.RESYNC_TYPE and not PUBLIC.get(event.type, False):
        return None
    return replace(event, actor_user_id=None, prev_hash="", hash="")


def record_for(record: dict[str, Any], view: Hashable) -> dict[str, Any]:
    """The exported record (`record.build_record`) as `view` may see it: organisers get it
    whole; anyone else gets each event as `project` shows it (no actor; an event that had
    one loses its hashes, as on the stream). The sections name no person (pool ids only)
    and the chain figures stay."""
    if view == ORGANISER_VIEW:
        return record
    events = [
        e
        if e.get("actor_user_id") is None
        else {**e, "actor_user_id": None, "prev_hash": "", "hash": ""}
        for e in record.get("events") or []
    ]
    return {**record, "events": events}


streams.register_kind(
    "hearing",
    authorize=authorize,
    project=project,
    sees_chain=lambda view: view == ORGANISER_VIEW,
    events=HEARING_EVENTS,
)
