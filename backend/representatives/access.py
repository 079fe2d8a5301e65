"""Loading this domain's rows and deciding who may do what.

- The county office (a county-wide TENANT_ADMIN: the 人大/政协 liaison work is the
  county's) registers representatives and their places, registers and assigns proposals
  (交办), records 领办 and 面对面 handling.
- Staff of a proposal's lead unit (or above it) reply; the county office may too.
- The proposer (the representative's own account) rates the reply; a representative may
  also register their own proposal.
- Written consultations and 对口协商: the sending or holding unit's staff, or the county
  office; a recipient unit's staff (or the representative addressed) replies.
- Reading: any signed-in member of the county sees the representatives and their places
  (names and units are public duties); phone numbers only the county office (masking).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.core.errors import DomainError, PermissionDenied
from backend.core.security import Principal, Role
from backend.representatives.errors import RepresentativeErrorCode as Code
from backend.representatives.models import (
    Proposal,
    Representative,
    RepresentativePlace,
)
from tenants.models import OrgUnit, Venue

STAFF_ROLES = (Role.TENANT_ADMIN, Role.DEPARTMENT_STAFF)
READER_ROLES = (*STAFF_ROLES, Role.NPC_DEPUTY, Role.CPPCC_MEMBER)


def is_county_office(principal: Principal) -> bool:
    return any(g.role is Role.TENANT_ADMIN and g.org_path is None for g in principal.grants)


def require_county_office(principal: Principal) -> None:
    principal.require_user()
    if not is_county_office(principal):
        raise PermissionDenied("无权执行此操作：需要县级管理员（人大、政协联络工作）")


def require_member(principal: Principal) -> int:
    return principal.require_user()


def require_working_reader(principal: Principal) -> None:
    """Proposals and consultations are the county's working records: the county office,
    staff and the county's representatives read them (`visibility.ROLES`)."""
    principal.require_user()
    if not principal.has(*READER_ROLES):
        raise PermissionDenied("无权查看：需要县级管理员、部门工作人员或人大代表、政协委员")


def staff_of(principal: Principal, unit_path: str | None) -> bool:
    return unit_path is not None and principal.has(*STAFF_ROLES, at_path=unit_path)


async def unit_path(session: AsyncSession, unit_id: int | None) -> str | None:
    if unit_id is None:
        return None
    return await session.scalar(select(OrgUnit.path).where(OrgUnit.id == unit_id))


async def get_unit(session: AsyncSession, unit_id: int | None, *, field: str) -> OrgUnit:
    """A unit of this county (RLS hides other counties' units: they read as unknown)."""
    unit = await session.get(OrgUnit, unit_id) if unit_id else None
    if unit is None:
        raise DomainError(Code.UNKNOWN_UNIT, "单位不存在或不属于本县", field=field)
    return unit


async def get_venue(session: AsyncSession, venue_id: int, *, field: str) -> Venue:
    venue = await session.get(Venue, venue_id)
    if venue is None:
        raise DomainError(Code.NOT_FOUND, "联系点不存在或不属于本县", field=field)
    return venue


async def get_representative(
    session: AsyncSession, representative_id: int, *, lock: bool = False, field: str
) -> Representative:
    query = select(Representative).where(Representative.id == representative_id)
    if lock:
        query = query.with_for_update()
    rep = await session.scalar(query)
    if rep is None:
        raise DomainError(Code.NOT_FOUND, "代表委员不存在", field=field)
    return rep


async def get_proposal(session: AsyncSession, proposal_id: int, *, lock: bool = False) -> Proposal:
    query = select(Proposal).where(Proposal.id == proposal_id)
    if lock:
        query = query.with_for_update()
    proposal = await session.scalar(query)
    if proposal is None:
        raise DomainError(Code.NOT_FOUND, "建议提案不存在", field="proposalId")
    return proposal


async def representatives_of(session: AsyncSession, user_id: int | None) -> list[Representative]:
    """The representative records of an account (one per kind at most)."""
    if user_id is None:
        return []
    return list(
        (
            await session.scalars(
                select(Representative)
                .where(Representative.user_id == user_id)
                .order_by(Representative.id)
            )
        ).all()
    )


def active_on(day: date) -> ColumnElement[bool]:
    """Linkages in force on `day` (both ends inclusive)."""
    return and_(
        RepresentativePlace.starts_on <= day,
        or_(RepresentativePlace.ends_on.is_(None), RepresentativePlace.ends_on >= day),
    )


# The stream kinds, the personal-data section and the calendar hook are registered on
# import.
from backend.representatives import deadlines as _deadlines  # noqa: E402,F401
from backend.representatives import personal_data as _personal_data  # noqa: E402,F401
from backend.representatives import visibility as _visibility  # noqa: E402,F401
