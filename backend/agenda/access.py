"""Who may do what with the annual agenda, and loading its rows.

- County staff (县级工作人员: a county-wide TENANT_ADMIN or DEPARTMENT_STAFF) draft the
  catalogue, run the 民生实事 round (shortlist, voting window, sub-projects, monthly
  progress) and adjust items.
- The county office (a county-wide TENANT_ADMIN) approves and publishes the catalogue and
  adopts the 民生实事 list.
- Any signed-in member of the county proposes (群众开单), votes and evaluates.
- Anyone of the county (anonymous too) reads a published catalogue and the round.
"""

from __future__ import annotations

from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.agenda.errors import AgendaErrorCode as Code
from backend.core.base import Base
from backend.core.errors import DomainError, PermissionDenied
from backend.core.security import Principal, Role
from tenants.models import OrgUnit

T = TypeVar("T", bound=Base)
STAFF_ROLES = (Role.TENANT_ADMIN, Role.DEPARTMENT_STAFF)


def is_county_staff(principal: Principal) -> bool:
    return principal.user_id is not None and any(
        g.role in STAFF_ROLES and g.org_path is None for g in principal.grants
    )


def require_county_staff(principal: Principal) -> None:
    principal.require_user()
    if not is_county_staff(principal):
        raise PermissionDenied("无权执行此操作：需要县级工作人员（全县范围）")


def require_county_office(principal: Principal) -> None:
    principal.require_county_admin()


async def get_row(
    session: AsyncSession, model: type[T], row_id: int, *, field: str, what: str, lock: bool = False
) -> T:
    query = select(model).where(model.id == row_id)  # type: ignore[attr-defined]
    if lock:
        query = query.with_for_update()
    row = await session.scalar(query)
    if row is None:
        raise DomainError(Code.NOT_FOUND, f"{what}不存在", field=field)
    return row


async def require_unit(session: AsyncSession, unit_id: int, *, field: str) -> OrgUnit:
    """A unit of this county (RLS hides other counties' units: a foreign one is unknown)."""
    unit = await session.get(OrgUnit, unit_id) if unit_id else None
    if unit is None:
        raise DomainError(Code.UNKNOWN_UNIT, "单位不存在或不属于本县", field=field)
    return unit


def check_year(year: int) -> None:
    if not 2000 <= year <= 2100:
        raise DomainError(Code.INVALID, "年度应在2000至2100之间", field="year")


# The stream kinds are registered by backend.agenda.visibility; importing access (which
# every workflow does) registers them.
from backend.agenda import personal_data as _personal_data  # noqa: E402,F401
from backend.agenda import visibility  # noqa: E402,F401
