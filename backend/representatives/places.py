"""What a representative reaches through their places (seed 000 三（六）1; seed 004 一(一)
列席): the cases raised at the villages, communities and 联系点 they serve today, the
meetings held there, and their invitation to those meetings (列席), which goes through the
meetings' own invitation (`backend.meetings.participants.invite`, role DEPUTY).

The read is scoped by the linkage in force today, not by a role: a representative who
stops serving a place stops seeing its cases. Cases are shown as the public would see a
published case (personal data masked, no submitter, no internal notes), and cases kept
private (点对点, personal matters) are left out: a representative supervises the handling
of the place's public matters, not a person's private one.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, false, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.cases.models import Case
from backend.core.errors import DomainError
from backend.core.security import Principal
from backend.meetings import participants
from backend.meetings.access import get_meeting, require_host
from backend.meetings.models import Meeting, MeetingState, Participant, ParticipantRole
from backend.representatives import access
from backend.representatives.errors import RepresentativeErrorCode as Code
from backend.representatives.linkage import today
from backend.representatives.models import Representative, RepresentativePlace
from tenants.models import OrgUnit, Venue


@dataclass(frozen=True, slots=True)
class PlaceScope:
    """The places a caller serves today: unit paths (their subtrees) and venue ids."""

    unit_ids: tuple[int, ...]
    unit_paths: tuple[str, ...]
    venue_ids: tuple[int, ...]

    @property
    def empty(self) -> bool:
        return not self.unit_paths and not self.venue_ids


async def my_scope(session: AsyncSession, principal: Principal) -> PlaceScope:
    user_id = principal.require_user()
    rows = (
        await session.execute(
            select(RepresentativePlace.org_unit_id, RepresentativePlace.venue_id, OrgUnit.path)
            .join(Representative, Representative.id == RepresentativePlace.representative_id)
            .outerjoin(OrgUnit, OrgUnit.id == RepresentativePlace.org_unit_id)
            .where(Representative.user_id == user_id, access.active_on(today()))
            .order_by(RepresentativePlace.id)
        )
    ).all()
    units = tuple(dict.fromkeys(u for u, _, _ in rows if u is not None))
    paths = tuple(dict.fromkeys(p for _, _, p in rows if p is not None))
    venues = tuple(dict.fromkeys(v for _, v, _ in rows if v is not None))
    return PlaceScope(unit_ids=units, unit_paths=paths, venue_ids=venues)


def _units_under(paths: tuple[str, ...]) -> ColumnElement[bool]:
    return or_(*(OrgUnit.path.startswith(p, autoescape=True) for p in paths))


def _case_at(scope: PlaceScope) -> ColumnElement[bool]:
    clauses: list[ColumnElement[bool]] = []
    if scope.unit_paths:
        units = select(OrgUnit.id).where(_units_under(scope.unit_paths))
        clauses.append(Case.place_unit_id.in_(units))
        clauses.append(Case.venue_id.in_(select(Venue.id).where(Venue.org_unit_id.in_(units))))
    if scope.venue_ids:
        clauses.append(Case.venue_id.in_(list(scope.venue_ids)))
    return or_(*clauses) if clauses else false()


def _meeting_at(scope: PlaceScope) -> ColumnElement[bool]:
    clauses: list[ColumnElement[bool]] = []
    if scope.unit_paths:
        units = select(OrgUnit.id).where(_units_under(scope.unit_paths))
        clauses.append(Meeting.venue_id.in_(select(Venue.id).where(Venue.org_unit_id.in_(units))))
        clauses.append(Meeting.host_unit_id.in_(units))
    if scope.venue_ids:
        clauses.append(Meeting.venue_id.in_(list(scope.venue_ids)))
    return or_(*clauses) if clauses else false()


async def cases_of_my_places(
    session: AsyncSession, principal: Principal, *, after_id: int | None, limit: int
) -> list[Case]:
    """Non-private cases raised at the caller's places today, newest first."""
    scope = await my_scope(session, principal)
    if scope.empty:
        return []
    query = (
        select(Case)
        .where(_case_at(scope), Case.is_private.is_(False))
        .order_by(Case.id.desc())
        .limit(limit)
    )
    if after_id is not None:
        query = query.where(Case.id < after_id)
    return list((await session.scalars(query)).all())


async def meetings_of_my_places(
    session: AsyncSession, principal: Principal, *, after_id: int | None, limit: int
) -> list[Meeting]:
    """Meetings held at (or hosted by) the caller's places, newest first: announced ones,
    and drafts they are already invited to."""
    scope = await my_scope(session, principal)
    if scope.empty:
        return []
    invited = Meeting.id.in_(
        select(Participant.meeting_id).where(Participant.user_id == principal.user_id)
    )
    query = (
        select(Meeting)
        .where(_meeting_at(scope), or_(Meeting.state != MeetingState.DRAFT, invited))
        .order_by(Meeting.id.desc())
        .limit(limit)
    )
    if after_id is not None:
        query = query.where(Meeting.id < after_id)
    return list((await session.scalars(query)).all())


async def invite_representatives(
    session: AsyncSession, principal: Principal, *, meeting_id: int
) -> list[Participant]:
    """Invite (列席) every representative with an account who serves, today, the place of
    the meeting: its venue (or the venue's village/community and the units above it up to
    the township), else its host unit."""
    meeting = await get_meeting(session, meeting_id)
    await require_host(session, principal, meeting)
    if meeting.venue_id is not None:
        venue = await session.get(Venue, meeting.venue_id)
        place_unit_id = venue.org_unit_id if venue else meeting.host_unit_id
    else:
        place_unit_id = meeting.host_unit_id
    path = await access.unit_path(session, place_unit_id) or ""
    # The units whose subtree holds the meeting's place: the ids on its path.
    ancestors = [int(p) for p in path.strip("/").split("/") if p]
    place: list[ColumnElement[bool]] = (
        [RepresentativePlace.org_unit_id.in_(ancestors)] if ancestors else []
    )
    if meeting.venue_id is not None:
        place.append(RepresentativePlace.venue_id == meeting.venue_id)
    user_ids = list(
        (
            await session.scalars(
                select(Representative.user_id)
                .join(
                    RepresentativePlace,
                    RepresentativePlace.representative_id == Representative.id,
                )
                .where(
                    Representative.user_id.is_not(None),
                    or_(*place) if place else false(),
                    access.active_on(today()),
                )
                .distinct()
            )
        ).all()
    )
    ids = sorted(u for u in user_ids if u is not None)
    if not ids:
        raise DomainError(
            Code.NOT_FOUND, "会议所在地没有（有账号的）联系代表委员", field="meetingId"
        )
    return await participants.invite(
        session, principal, meeting_id=meeting.id, user_ids=ids, role=ParticipantRole.DEPUTY
    )
