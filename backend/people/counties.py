"""A county's registration with its first county-wide administrator.

The county itself (its root unit and online 说事处) is `tenants.service.create_tenant`; its
first account belongs to the people domain, which stands on tenants, so the two meet here."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from backend.core.errors import DomainError
from backend.core.security import Principal
from backend.people.models import Membership, Role
from backend.people.passwords import Passwords
from backend.people.service import insert_user
from tenants import service as tenants
from tenants.models import Tenant


@dataclass(frozen=True, slots=True)
class AdminAccount:
    display_name: str
    phone: str
    password: str


async def create_county(
    session: AsyncSession,
    principal: Principal,
    *,
    name: str,
    slug: str,
    division_code: str,
    timezone: str = "Asia/Shanghai",
    admin: AdminAccount | None = None,
    passwords: Passwords | None = None,
) -> Tenant:
    """Register a county (`tenants.service.create_tenant`) and, when given, its first
    county-wide admin (its password hashed in `passwords`' pool, off the event loop), in the
    caller's platform transaction. Operators only. An error of
    the admin's account names the nested input field (`admin.phone`, …)."""
    tenant = await tenants.create_tenant(
        session,
        principal,
        name=name,
        slug=slug,
        division_code=division_code,
        timezone=timezone,
    )
    if admin is not None:
        try:
            user = await insert_user(
                session,
                tenant_id=tenant.id,
                display_name=admin.display_name,
                phone=admin.phone,
                password=admin.password,
                passwords=passwords,
            )
        except DomainError as exc:
            exc.field = f"admin.{exc.field}" if exc.field else "admin"
            raise
        session.add(Membership(tenant_id=tenant.id, user_id=user.id, role=Role.TENANT_ADMIN))
    return tenant
