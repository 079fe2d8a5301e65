"""Reading hearings with everything a page of them shows, in a constant number of
statements whatever their number (the hearings, then their witnesses, applications,
confirmations and report views, each in one statement)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.core.security import Principal
from backend.hearings.access import ORGANISER_ROLES, visible_to
from backend.hearings.models import (
    Hearing,
    HearingApplication,
    HearingView,
    HearingWitness,
    TranscriptConfirmation,
)
from tenants.models import OrgUnit


@dataclass(slots=True)
class HearingDetails:
    """A hearing as `principal` may read it; `organiser` decides what is shown of people."""

    hearing: Hearing
    organiser: bool
    witnesses: list[HearingWitness] = field(default_factory=list)
    applications: list[HearingApplication] = field(default_factory=list)
    confirmations: list[TranscriptConfirmation] = field(default_factory=list)
    views: list[HearingView] = field(default_factory=list)


async def details(
    session: AsyncSession, principal: Principal, hearing_ids: Sequence[int]
) -> dict[int, HearingDetails]:
    """The hearings among `hearing_ids` the caller may read, by id."""
    if not hearing_ids:
        return {}
    rows = (
        await session.execute(
            select(Hearing, OrgUnit.path)
            .join(OrgUnit, OrgUnit.id == Hearing.host_unit_id)
            .where(Hearing.id.in_(list(hearing_ids)), visible_to(principal))
        )
    ).all()
    out = {
        h.id: HearingDetails(
            hearing=h,
            organiser=principal.user_id is not None
            and principal.has(*ORGANISER_ROLES, at_path=path),
        )
        for h, path in rows
    }
    if not out:
        return {}
    ids = list(out)
    for w in (
        await session.scalars(
            select(HearingWitness)
            .where(HearingWitness.hearing_id.in_(ids))
            .order_by(HearingWitness.position)
        )
    ).all():
        out[w.hearing_id].witnesses.append(w)
    for a in (
        await session.scalars(
            select(HearingApplication)
            .where(HearingApplication.hearing_id.in_(ids))
            .order_by(HearingApplication.pseudonym)
        )
    ).all():
        out[a.hearing_id].applications.append(a)
    for c in (
        await session.scalars(
            select(TranscriptConfirmation)
            .where(TranscriptConfirmation.hearing_id.in_(ids))
            .order_by(TranscriptConfirmation.id)
        )
    ).all():
        out[c.hearing_id].confirmations.append(c)
    for v in (
        await session.scalars(
            select(HearingView)
            .where(HearingView.hearing_id.in_(ids))
            .order_by(HearingView.position)
        )
    ).all():
        out[v.hearing_id].views.append(v)
    return out


async def page(
    session: AsyncSession, principal: Principal, *, first: int, after: int | None
) -> list[HearingDetails]:
    """Hearings the caller may read, newest first: `first + 1` of them after `after`."""
    query = select(Hearing.id).where(visible_to(principal)).order_by(Hearing.id.desc())
    if after is not None:
        query = query.where(Hearing.id < after)
    ids = list((await session.scalars(query.limit(first + 1))).all())
    found = await details(session, principal, ids)
    return [found[i] for i in ids if i in found]
