"""Loading 解事员 and deciding who may do what with the pool.

- Managing the pool (入库, changes, training records, evaluations, awards): tenant admins
  whose scope covers the 解事员's unit (a township's admin keeps its township's pool).
- Seeing contact details: the same admins in full, and the person themselves; staff and
  other 解事员 masked (138****1234); anyone else none.
- Evaluations are seen by staff (tenant admins, department staff) and 解事员; the public
  of the county sees who serves where, with their roles, skills, trainings and awards.
- Finding and assigning 解事员 for a case: whoever may handle the case
  (`backend.cases.access.require_handler`).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.core.errors import DomainError
from backend.core.security import Principal, Role
from backend.mediators import personal_data as _personal_data  # noqa: F401  (its section)
from backend.mediators import stream as _stream  # noqa: F401  (the stream kind)
from backend.mediators.errors import MediatorErrorCode as Code
from backend.mediators.models import Mediator
from tenants.models import OrgUnit

STAFF_ROLES = (Role.TENANT_ADMIN, Role.DEPARTMENT_STAFF, Role.MEDIATOR)


async def get_mediator(
    session: AsyncSession, mediator_id: int, *, field: str = "mediatorId", lock: bool = False
) -> Mediator:
    query = select(Mediator).where(Mediator.id == mediator_id)
    if lock:
        query = query.with_for_update()
    found = await session.scalar(query)
    if found is None:
        raise DomainError(Code.NOT_FOUND, "解事员不存在", field=field)
    return found


async def get_unit(session: AsyncSession, unit_id: int, *, field: str) -> OrgUnit:
    unit = await session.get(OrgUnit, unit_id) if unit_id else None
    if unit is None:
        raise DomainError(Code.UNKNOWN_UNIT, "单位不存在或不属于本县", field=field)
    return unit


async def require_manager(session: AsyncSession, principal: Principal, mediator: Mediator) -> None:
    """A tenant admin whose scope covers the 解事员's unit."""
    unit = await get_unit(session, mediator.org_unit_id, field="mediatorId")
    principal.require(Role.TENANT_ADMIN, at_path=unit.path)


def sees_evaluations(principal: Principal) -> bool:
    return principal.user_id is not None and principal.has(*STAFF_ROLES)


def sees_contact(principal: Principal, mediator_user_id: int | None, unit_path: str) -> str:
    """How the caller sees a 解事员's phone: "full", "masked" or "none"."""
    if principal.user_id is None:
        return "none"
    if mediator_user_id is not None and mediator_user_id == principal.user_id:
        return "full"
    if principal.has(Role.TENANT_ADMIN, at_path=unit_path):
        return "full"
    if principal.has(*STAFF_ROLES):
        return "masked"
    return "none"
