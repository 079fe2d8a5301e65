"""Verification levels of a person (实名制): UNVERIFIED, PHONE_VERIFIED, REAL_NAME_VERIFIED.

A level is raised by an answered SMS code (`backend.people.sms`, PHONE_VERIFIED), by an
OpenID Connect provider that vouches for the person's real name (`backend.people.oidc`), or
by staff who check an ID document at a venue (`record_real_name_check`). Every verification
is kept (`IdentityVerification`: when, how, by what, by whom); the account keeps the highest
level reached (`users.verification`), which the principal carries (`people.principals`:
a change bumps the account's credentials version, so every worker reloads it) and which
meetings and polls check (`backend.meetings.access.require_verification`).
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.audit import service as audit
from backend.core.errors import DomainError
from backend.core.security import Principal, Role, Verification
from backend.core.validation import clean_text
from backend.people.errors import PeopleErrorCode as Code
from backend.people.models import IdentityVerification, User, VerificationMethod
from tenants.models import Venue

#: Who may record a staff ID check: county staff (any unit) and administrators.
CHECKER_ROLES = (Role.TENANT_ADMIN, Role.DEPARTMENT_STAFF)


async def raise_verification(
    session: AsyncSession,
    user: User,
    *,
    level: Verification,
    method: VerificationMethod,
    source: str | None = None,
    venue_id: int | None = None,
    verified_by: int | None = None,
    note: str | None = None,
    always_record: bool = False,
) -> IdentityVerification | None:
    """Record that `user` proved `level` by `method`; the account's level rises to it if
    it is higher. A verification that proves nothing new (a second SMS sign-in) is not
    recorded again unless `always_record` (a staff check is always kept)."""
    higher = not user.verification.at_least(level)
    if not higher and not always_record:
        return None
    entry = IdentityVerification(
        tenant_id=user.tenant_id,
        user_id=user.id,
        level=level,
        method=method,
        source=source,
        venue_id=venue_id,
        verified_by=verified_by,
        note=note,
    )
    session.add(entry)
    if higher:
        user.verification = level
        user.verified_at = datetime.now(UTC)
        user.verification_method = method
    await session.flush()
    return entry


async def record_real_name_check(
    session: AsyncSession,
    principal: Principal,
    *,
    user_id: int,
    venue_id: int | None,
    note: str | None,
) -> User:
    """Staff checked the person's ID document (身份证件) in person, at a venue of the county
    when given: the account becomes REAL_NAME_VERIFIED. County staff and administrators."""
    principal.require(*CHECKER_ROLES)
    clean_note = clean_text(
        note, field="note", code=Code.INVALID, label="核验说明", max_length=200, required=False
    )
    user = await session.scalar(select(User).where(User.id == user_id).with_for_update())
    if user is None:
        raise DomainError(Code.NOT_FOUND, "用户不存在", field="userId")
    if user.erased_at is not None or not user.is_active:
        raise DomainError(Code.INVALID, "该账号已停用或已注销", field="userId")
    source = None
    if venue_id is not None:
        venue = await session.get(Venue, venue_id)
        if venue is None:
            raise DomainError(Code.NOT_FOUND, "说事场所不存在或不属于本县", field="venueId")
        source = venue.name
    before = user.verification
    await raise_verification(
        session,
        user,
        level=Verification.REAL_NAME_VERIFIED,
        method=VerificationMethod.STAFF_CHECK,
        source=source,
        venue_id=venue_id,
        verified_by=principal.user_id,
        note=clean_note,
        always_record=True,
    )
    await audit.record(
        session,
        principal,
        action="identity.staff_check",
        target_type="User",
        target_id=user.id,
        before={"verification": before.value},
        after={"verification": user.verification.value, "venueId": venue_id},
    )
    return user


async def list_verifications(
    session: AsyncSession, principal: Principal, *, user_id: int
) -> list[IdentityVerification]:
    """A person's verifications, newest first: to the person and to county staff."""
    principal.require_user()
    if principal.user_id != user_id:
        principal.require(*CHECKER_ROLES)
    return list(
        (
            await session.scalars(
                select(IdentityVerification)
                .where(IdentityVerification.user_id == user_id)
                .order_by(IdentityVerification.id.desc())
            )
        ).all()
    )
