"""A person's own data (个人信息, PIPL 第四十五条 and 第四十七条): a copy of everything the
county holds about them, and erasure of their account.

Each domain declares what it holds about a person once, as a `PersonalDataSection`
registered with `register_section` (meetings in `backend/meetings/personal_data.py`, cases
in theirs): `collect` returns the section for the export, `erase` removes or blanks what
identifies the person in the domain's rows and returns how many rows it touched.

**Erasure keeps every record verifiable.** The consultation record's hash chain and the
sealed content digests never contain a person's name or number (backend.record.seal
`RECORD_LABELS`: names are looked up when a record is shown), so erasing an account —
blanking its name and number, dropping its password, roles and sessions — changes no hash:
a sealed record still verifies and shows "已注销用户" where the name was. What a person said
in a public consultation (a comment, a question) stays in the record it belongs to, as the
law on records asks; their name no longer appears beside it. Votes of named polls keep their
choices under the erased account; secret ballots (测评票) were never linked to anyone.

An erased account cannot sign in, be reactivated or be found by its number (the number is
gone); its id stays so the rows that point at it still hold together. The erasure is written
to the audit log (who erased whom, with the reason; the erased person's name is not kept).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from backend.audit import service as audit
from backend.core.db import Database
from backend.core.errors import DomainError
from backend.core.security import Principal, Role, Verification
from backend.core.validation import clean_text
from backend.people.errors import PeopleErrorCode as Code
from backend.people.models import (
    IdentityVerification,
    Membership,
    OidcIdentity,
    RefreshToken,
    SmsCode,
    User,
)
from backend.people.passwords import Passwords
from backend.people.service import SignInRules
from backend.people.sms import SmsRules, phone_hash, spend_code

#: The name an erased account shows wherever a name is looked up (records, lists).
ERASED_NAME = "已注销用户"

Collect = Callable[[AsyncSession, User], Awaitable[Any]]
Erase = Callable[[AsyncSession, User], Awaitable[int]]


@dataclass(frozen=True, slots=True)
class PersonalDataSection:
    """What one domain holds about a person: `key` names the section in the export,
    `title` is its heading for people (Chinese)."""

    key: str
    title: str
    collect: Collect
    erase: Erase | None = None


_SECTIONS: dict[str, PersonalDataSection] = {}


def register_section(section: PersonalDataSection) -> None:
    """Declare a domain's section; registering the same key twice is a bug."""
    if section.key in _SECTIONS and _SECTIONS[section.key] is not section:
        raise ValueError(f"personal data section {section.key!r} registered twice")
    _SECTIONS[section.key] = section


def sections() -> list[PersonalDataSection]:
    return list(_SECTIONS.values())


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


async def _account(session: AsyncSession, user: User) -> dict[str, Any]:
    roles = (
        await session.execute(
            select(Membership.role, Membership.org_unit_id, Membership.created_at)
            .where(Membership.user_id == user.id)
            .order_by(Membership.id)
        )
    ).all()
    return {
        "id": user.id,
        "displayName": user.display_name,
        "phone": user.phone,
        "isActive": user.is_active,
        "verification": user.verification.value,
        "createdAt": _iso(user.created_at),
        "erasedAt": _iso(user.erased_at),
        "roles": [
            {"role": r.value, "orgUnitId": unit, "since": _iso(since)} for r, unit, since in roles
        ],
    }


async def _sessions(session: AsyncSession, user: User) -> list[dict[str, Any]]:
    rows = (
        await session.execute(
            select(RefreshToken.created_at, RefreshToken.expires_at, RefreshToken.revoked_at)
            .where(RefreshToken.user_id == user.id)
            .order_by(RefreshToken.id)
        )
    ).all()
    return [{"signedInAt": _iso(c), "expiresAt": _iso(e), "revokedAt": _iso(r)} for c, e, r in rows]


async def _identity(session: AsyncSession, user: User) -> dict[str, Any]:
    """实名制: every verification, and the provider identities linked to the account."""
    checks = (
        await session.scalars(
            select(IdentityVerification)
            .where(IdentityVerification.user_id == user.id)
            .order_by(IdentityVerification.id)
        )
    ).all()
    links = (
        await session.execute(
            select(OidcIdentity.issuer, OidcIdentity.subject, OidcIdentity.created_at)
            .where(OidcIdentity.user_id == user.id)
            .order_by(OidcIdentity.id)
        )
    ).all()
    return {
        "level": user.verification.value,
        "verifiedAt": _iso(user.verified_at),
        "verifications": [
            {
                "level": c.level.value,
                "method": c.method.value,
                "source": c.source,
                "venueId": c.venue_id,
                "verifiedBy": c.verified_by,
                "note": c.note,
                "at": _iso(c.verified_at),
            }
            for c in checks
        ],
        "providerAccounts": [
            {"issuer": issuer, "subject": subject, "linkedAt": _iso(at)}
            for issuer, subject, at in links
        ],
    }


async def _erase_identity(session: AsyncSession, user: User) -> int:
    """Drop the verifications, the provider links and any SMS code sent to the number; the
    account's level goes back to UNVERIFIED (with the number gone, nothing is verified)."""
    touched = 0
    for table, where in (
        (IdentityVerification, IdentityVerification.user_id == user.id),
        (OidcIdentity, OidcIdentity.user_id == user.id),
    ):
        result = await session.execute(delete(table).where(where))
        touched += result.rowcount or 0  # type: ignore[attr-defined]
    if user.phone:
        result = await session.execute(
            delete(SmsCode).where(SmsCode.phone_hash == phone_hash(user.phone))
        )
        touched += result.rowcount or 0  # type: ignore[attr-defined]
    await session.execute(
        update(User)
        .where(User.id == user.id)
        .values(verification=Verification.UNVERIFIED, verified_at=None, verification_method=None)
    )
    return touched


register_section(PersonalDataSection("account", "账户与角色", _account))
register_section(PersonalDataSection("sessions", "登录会话", _sessions))
register_section(PersonalDataSection("identity", "实名认证", _identity, _erase_identity))


def _may_see(principal: Principal, user_id: int) -> None:
    """The person themself, or a county-wide administrator (who answers such requests)."""
    principal.require_user()
    if principal.user_id != user_id:
        principal.require_county_admin()


async def _user(session: AsyncSession, user_id: int, *, lock: bool = False) -> User:
    query = select(User).where(User.id == user_id)
    if lock:
        query = query.with_for_update()
    user = (await session.scalars(query)).one_or_none()
    if user is None:
        raise DomainError(Code.NOT_FOUND, "用户不存在", field="userId")
    return user


async def export_personal_data(
    session: AsyncSession, principal: Principal, *, user_id: int
) -> dict[str, Any]:
    """Everything the county holds about the person, one entry per registered section."""
    _may_see(principal, user_id)
    user = await _user(session, user_id)
    data: dict[str, Any] = {
        "format": "yishi.personal-data/1",
        "generatedAt": datetime.now(UTC).isoformat(),
        "countyId": user.tenant_id,
        "sections": [],
    }
    for section in sections():
        data["sections"].append(
            {
                "key": section.key,
                "title": section.title,
                "data": await section.collect(session, user),
            }
        )
    if principal.user_id != user_id:
        await audit.record(
            session,
            principal,
            action="person.export",
            target_type="User",
            target_id=user_id,
        )
    return data


async def erase_person(
    session: AsyncSession, principal: Principal, *, user_id: int, reason: str
) -> User:
    """Erase an account (the person's request, or an administrator acting on one): blank its
    name and number, drop its password, roles and sessions, and let every domain erase what
    identifies the person in its rows. Idempotent: erasing an erased account is refused."""
    _may_see(principal, user_id)
    reason = clean_text(reason, field="reason", code=Code.INVALID, label="注销原因", max_length=500)
    user = await _user(session, user_id, lock=True)
    if user.erased_at is not None:
        raise DomainError(Code.INVALID, "该账户已注销", field="userId")
    county_admin = await session.scalar(
        select(func.count())
        .select_from(Membership)
        .where(Membership.user_id == user_id, Membership.role == Role.TENANT_ADMIN)
        .where(Membership.org_unit_id.is_(None))
    )
    if county_admin:
        others = await session.scalar(
            select(func.count())
            .select_from(Membership)
            .where(Membership.role == Role.TENANT_ADMIN, Membership.org_unit_id.is_(None))
            .where(Membership.user_id != user_id)
        )
        if not others:
            raise DomainError(Code.LAST_ADMIN, "不能注销本县最后一名县级管理员", field="userId")
    touched: dict[str, int] = {}
    for section in sections():
        if section.erase is not None:
            touched[section.key] = await section.erase(session, user)
    await session.execute(delete(Membership).where(Membership.user_id == user_id))
    await session.execute(
        update(RefreshToken)
        .where(RefreshToken.user_id == user_id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=func.now())
    )
    # The trigger of migration 0007 bumps credentials_version: open sockets of the account
    # lose their rights at once (people.principals), as on deactivation.
    await session.execute(
        update(User)
        .where(User.id == user_id)
        .values(
            display_name=ERASED_NAME,
            phone=None,
            password_hash=None,
            is_active=False,
            session_epoch=User.session_epoch + 1,
            erased_at=func.now(),
        )
    )
    await session.flush()
    await session.refresh(user)
    await audit.record(
        session,
        principal,
        action="person.erase",
        target_type="User",
        target_id=user_id,
        after={"reason": reason, "bySelf": principal.user_id == user_id, "rows": touched},
    )
    return user


async def erase_own_account(
    db: Database,
    passwords: Passwords,
    principal: Principal,
    *,
    password: str | None,
    reason: str,
    sms_code: str | None = None,
    sms: tuple[SignInRules, SmsRules] | None = None,
) -> None:
    """The person erases their own account, confirming with their password (checked off the
    event loop with no connection held, as sign-in does) or with an SMS code sent to their
    number (`requestSmsCode`: an account made by SMS or OpenID Connect sign-in has no
    password), then `erase_person` in one transaction. A wrong password or code erases
    nothing (a wrong code is counted, as at sign-in)."""
    user_id = principal.require_user()
    tenant_id = principal.require_tenant()
    if sms_code is not None and password is None:
        if sms is None:
            raise TypeError("erase_own_account needs the sign-in and SMS rules for a code")
        sign_in_rules, sms_rules = sms

        async def erase_with_code(session: AsyncSession) -> DomainError | None:
            user = await _user(session, user_id, lock=True)
            if user.phone is None or not await spend_code(
                session,
                tenant_id=tenant_id,
                e164=user.phone,
                answer=sms_code.strip(),
                sign_in=sign_in_rules,
                rules=sms_rules,
            ):
                return DomainError(Code.INVALID_SMS_CODE, "验证码错误或已过期", field="smsCode")
            await erase_person(session, principal, user_id=user_id, reason=reason)
            return None

        refused = await db.run(erase_with_code, tenant_id=tenant_id, user_id=user_id)
        if refused is not None:
            raise refused
        return
    if password is None:
        raise DomainError(Code.INVALID, "请输入密码或短信验证码", field="password")

    async def read_hash(session: AsyncSession) -> str | None:
        return (await _user(session, user_id)).password_hash

    stored = await db.run(read_hash, tenant_id=tenant_id, user_id=user_id, read_only=True)
    if not await passwords.check(stored, password):
        raise DomainError(Code.INVALID_CREDENTIALS, "密码错误", field="password")

    async def erase(session: AsyncSession) -> None:
        await erase_person(session, principal, user_id=user_id, reason=reason)

    await db.run(erase, tenant_id=tenant_id, user_id=user_id)
