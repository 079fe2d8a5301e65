"""Loading hearings and deciding who may manage them.

Organisers (承办单位): county-wide tenant admins and tenant admins or department staff
whose grant covers the hearing's host unit. Anyone of the county reads a hearing once its
notice is out (听证会公开举行); applicants apply for themselves; selected representatives
confirm the transcript.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from backend.core.errors import DomainError, PermissionDenied
from backend.core.security import Principal, Role
from backend.hearings.errors import HearingErrorCode as Code
from backend.hearings.models import Hearing, HearingState
from tenants.models import OrgUnit

ORGANISER_ROLES = (Role.TENANT_ADMIN, Role.DEPARTMENT_STAFF)

STATE_LABELS = {
    HearingState.DRAFT: "草稿",
    HearingState.NOTICED: "已公告",
    HearingState.APPLICATIONS_OPEN: "报名中",
    HearingState.POOL_FROZEN: "报名已截止",
    HearingState.DRAWN: "已抽选",
    HearingState.REPORTED: "已形成听证报告",
}


async def get_hearing(session: AsyncSession, hearing_id: int, *, lock: bool = False) -> Hearing:
    query = select(Hearing).where(Hearing.id == hearing_id)
    if lock:
        query = query.with_for_update()
    hearing = await session.scalar(query)
    if hearing is None:
        raise DomainError(Code.NOT_FOUND, "听证会不存在", field="hearingId")
    return hearing


async def unit_path(session: AsyncSession, unit_id: int | None) -> str | None:
    if unit_id is None:
        return None
    return await session.scalar(select(OrgUnit.path).where(OrgUnit.id == unit_id))


def organises_at(principal: Principal, path: str | None) -> bool:
    return (
        principal.user_id is not None
        and path is not None
        and principal.has(*ORGANISER_ROLES, at_path=path)
    )


async def is_organiser(session: AsyncSession, principal: Principal, hearing: Hearing) -> bool:
    return organises_at(principal, await unit_path(session, hearing.host_unit_id))


async def require_organiser(session: AsyncSession, principal: Principal, hearing: Hearing) -> None:
    principal.require_user()
    if not await is_organiser(session, principal, hearing):
        raise PermissionDenied("无权管理此听证会：需要县级管理员或承办单位工作人员")


async def require_record_access(
    session: AsyncSession, principal: Principal, hearing: Hearing
) -> bool:
    """Organisers may export a hearing's record at any time; anyone signed in to the county
    once it is sealed (听证会公开举行: the sealed record is the public's). True for an
    organiser (who sees the record whole, `visibility.record_for`)."""
    principal.require_user()
    if await is_organiser(session, principal, hearing):
        return True
    if hearing.sealed_at is None:
        raise PermissionDenied("听证记录封存前只有承办单位可以导出")
    return False


def require_state(hearing: Hearing, *states: HearingState, action: str) -> None:
    if hearing.state not in states:
        raise DomainError(
            Code.INVALID_STATE,
            f"听证会当前状态（{STATE_LABELS[hearing.state]}）不能{action}",
            field="hearingId",
        )


def visible_to(principal: Principal) -> ColumnElement[bool]:
    """Hearings `principal` may read: every published one; drafts for organisers."""
    published = Hearing.state != HearingState.DRAFT
    paths = [g.org_path for g in principal.grants if g.role in ORGANISER_ROLES]
    if principal.user_id is None or not paths:
        return published
    if None in paths:
        return true()
    units = select(OrgUnit.id).where(
        or_(*(OrgUnit.path.startswith(p, autoescape=True) for p in paths if p))
    )
    return or_(published, Hearing.host_unit_id.in_(units))


# The `hearing` stream kind and the personal-data section register on import.
from backend.hearings import personal_data as _personal_data  # noqa: E402,F401
from backend.hearings import visibility  # noqa: E402,F401
