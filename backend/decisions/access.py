"""Loading decisions and deciding who may do what with them.

- County office (a county-wide TENANT_ADMIN) and staff of the lead unit (承办单位: a
  DEPARTMENT_STAFF or TENANT_ADMIN whose grant covers it) run the decision: versions,
  steps, documents, the comment period, recording and answering opinions, the report.
- Staff of a co-unit (协办单位) see everything (the staff view) but do not run it.
- Any member of the county comments during an open period and reads the decision and its
  draft; the public view hides who wrote which opinion.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.core.errors import DomainError, PermissionDenied
from backend.core.security import Principal, Role
from backend.decisions.errors import DecisionErrorCode as Code
from backend.decisions.models import Decision, DecisionState
from tenants.models import OrgUnit

STAFF_ROLES = (Role.TENANT_ADMIN, Role.DEPARTMENT_STAFF)


def is_county_office(principal: Principal) -> bool:
    return any(g.role is Role.TENANT_ADMIN and g.org_path is None for g in principal.grants)


def staff_of(principal: Principal, path: str | None) -> bool:
    return path is not None and principal.has(*STAFF_ROLES, at_path=path)


async def get_decision(session: AsyncSession, decision_id: int, *, lock: bool = False) -> Decision:
    query = select(Decision).where(Decision.id == decision_id)
    if lock:
        query = query.with_for_update()
    decision = await session.scalar(query)
    if decision is None:
        raise DomainError(Code.NOT_FOUND, "决策事项不存在", field="decisionId")
    return decision


async def get_unit(session: AsyncSession, unit_id: int | None, *, field: str) -> OrgUnit:
    """A unit of this county (RLS hides other counties' units: a foreign unit is unknown)."""
    unit = await session.get(OrgUnit, unit_id) if unit_id else None
    if unit is None:
        raise DomainError(Code.UNKNOWN_UNIT, "单位不存在或不属于本县", field=field)
    return unit


async def _paths(session: AsyncSession, unit_ids: list[int]) -> list[str]:
    if not unit_ids:
        return []
    return list((await session.scalars(select(OrgUnit.path).where(OrgUnit.id.in_(unit_ids)))).all())


async def runs(session: AsyncSession, principal: Principal, decision: Decision) -> bool:
    """The county office or staff of the lead unit."""
    if principal.user_id is None:
        return False
    if is_county_office(principal):
        return True
    return any(staff_of(principal, p) for p in await _paths(session, [decision.lead_unit_id]))


async def is_staff(session: AsyncSession, principal: Principal, decision: Decision) -> bool:
    """Who sees the staff view: those who run it and staff of its co-units."""
    if await runs(session, principal, decision):
        return True
    if principal.user_id is None:
        return False
    return any(staff_of(principal, p) for p in await _paths(session, list(decision.co_unit_ids)))


async def require_runner(session: AsyncSession, principal: Principal, decision: Decision) -> None:
    principal.require_user()
    if not await runs(session, principal, decision):
        raise PermissionDenied("无权办理此决策事项：需要承办单位工作人员或县级管理员")


def require_not_decided(decision: Decision) -> None:
    if decision.state is DecisionState.DECIDED:
        raise DomainError(Code.INVALID_STATE, "决策事项已集体讨论决定", field="decisionId")


# The `decision` and `opinionanswers` stream kinds are registered by
# backend.decisions.visibility; importing access (which every workflow does) registers them.
from backend.decisions import aftermath as _aftermath  # noqa: E402,F401  (its calendar hook)
from backend.decisions import personal_data as _personal_data  # noqa: E402,F401
from backend.decisions import sessions as _sessions  # noqa: E402,F401  (its meeting start hook)
from backend.decisions import visibility  # noqa: E402,F401
