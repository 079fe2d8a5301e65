"""Shared checks of oversight.

- 民意观察员 are appointed by the county office (a county-wide tenant admin).
- 三评: 群众评议 by any signed-in member who may see the case; 专家评审 by an expert or the
  county office; 第三方评估 entered by the county office (the agency's report).
- The self-correction ledger: tenant admins and department staff whose scope covers the
  enforcing unit (the county office: every unit).
- Contact points: created and staffed by a tenant admin covering the unit; requests entered
  and followed by tenant admins and department staff covering it, and by the point's own
  staff with an account.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from backend.cases.replies import today
from backend.core.errors import DomainError
from backend.core.security import Principal, Role
from backend.oversight import personal_data as _personal_data  # noqa: F401  (its section)
from backend.oversight import stream as _stream  # noqa: F401  (the stream kind)
from backend.oversight.errors import OversightErrorCode as Code
from backend.people.service import normalise_phone
from tenants.models import OrgUnit

STAFF_ROLES = (Role.TENANT_ADMIN, Role.DEPARTMENT_STAFF)


def is_county_office(principal: Principal) -> bool:
    return any(g.role is Role.TENANT_ADMIN and g.org_path is None for g in principal.grants)


def is_staff(principal: Principal, path: str | None = None) -> bool:
    return principal.user_id is not None and principal.has(*STAFF_ROLES, at_path=path)


async def get_unit(session: AsyncSession, unit_id: int, *, field: str) -> OrgUnit:
    unit = await session.get(OrgUnit, unit_id) if unit_id else None
    if unit is None:
        raise DomainError(Code.UNKNOWN_UNIT, "单位不存在或不属于本县", field=field)
    return unit


def not_future(value: date, *, field: str, label: str) -> date:
    if value > today():
        raise DomainError(Code.FUTURE_DATE, f"{label}不能晚于今天", field=field)
    return value


def phone(raw: str | None, *, field: str) -> str | None:
    if raw is None or not raw.strip():
        return None
    return normalise_phone(raw, field=field)
