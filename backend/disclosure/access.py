"""Who may do what in 政务公开.

- County staff (a county-wide TENANT_ADMIN or DEPARTMENT_STAFF, the 政府信息公开工作机构)
  draft publications and answer requests.
- A reviewer (审核人: a county-wide TENANT_ADMIN, seed 002 "经过本单位分管领导审核签字同意")
  approves a publication someone else wrote, withdraws one, and agrees to an extension
  (第三十三条: "经政府信息公开工作机构负责人同意").
- Any signed-in member files a request (staff may enter a paper request for someone, with
  its date of receipt); the requester sees their own.
- Published items are public (anonymous callers of the county too).
"""

from __future__ import annotations

from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.core.base import Base
from backend.core.errors import DomainError, PermissionDenied
from backend.core.security import Principal, Role
from backend.disclosure.errors import DisclosureErrorCode as Code

T = TypeVar("T", bound=Base)


def is_county_staff(principal: Principal) -> bool:
    return principal.user_id is not None and any(
        g.role in (Role.TENANT_ADMIN, Role.DEPARTMENT_STAFF) and g.org_path is None
        for g in principal.grants
    )


def require_county_staff(principal: Principal) -> None:
    principal.require_user()
    if not is_county_staff(principal):
        raise PermissionDenied("无权执行此操作：需要政府信息公开工作人员（全县范围）")


def require_reviewer(principal: Principal) -> None:
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


from backend.disclosure import personal_data as _personal_data  # noqa: E402,F401
from backend.disclosure import visibility  # noqa: E402,F401
