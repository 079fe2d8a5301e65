"""Accounts, roles and sign-in for a county."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import phonenumbers
from sqlalchemy import delete, exists, func, or_, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from backend.audit import service as audit
from backend.core.errors import DomainError
from backend.core.security import (
    Grant,
    Principal,
    encode_access_token,
    hash_password,
    new_opaque_token,
    token_digest,
    verify_password,
)
from backend.core.validation import clean_text
from backend.people.errors import PeopleErrorCode as Code
from backend.people.models import (
    LoginThrottle,
    Membership,
    PlatformOperator,
    RefreshToken,
    Role,
    User,
)
from tenants.models import OrgUnit

MIN_PASSWORD_LENGTH = 8


@asynccontextmanager
async def refusing_duplicates(
    session: AsyncSession, errors: dict[str, DomainError]
) -> AsyncIterator[None]:
    """Run the block (an insert) in a savepoint. The existence checks before an insert
    cannot see a concurrent request's uncommitted row, so two requests may both pass them;
    the loser then breaks a unique constraint, which becomes the DomainError named for it
    in `errors` instead of a server error."""
    try:
        async with session.begin_nested():
            yield
    except IntegrityError as exc:
        for constraint, error in errors.items():
            if constraint in str(exc.orig):
                raise error from None
        raise


def normalise_phone(raw: str, *, field: str = "phone") -> str:
    """E.164 form of a Chinese (or international, with +) phone number."""
    try:
        number = phonenumbers.parse((raw or "").strip(), "CN")
    except phonenumbers.NumberParseException as exc:
        raise DomainError(Code.INVALID_PHONE, "手机号码格式不正确", field=field) from exc
    if not phonenumbers.is_valid_number(number):
        raise DomainError(Code.INVALID_PHONE, "手机号码格式不正确", field=field)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def mask_phone(e164: str) -> str:
    """`+8613812345678` → `138****5678`: enough to recognise, not enough to call."""
    national = e164[3:] if e164.startswith("+86") else e164.lstrip("+")
    if len(national) < 7:
        return "*" * len(national)
    return f"{national[:3]}****{national[-4:]}"


def _check_password(password: str, *, field: str = "password") -> None:
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise DomainError(
            Code.WEAK_PASSWORD, f"密码至少需要{MIN_PASSWORD_LENGTH}个字符", field=field
        )


def user_snapshot(u: User) -> dict[str, object]:
    return {"displayName": u.display_name, "phone": mask_phone(u.phone), "isActive": u.is_active}


async def insert_user(
    session: AsyncSession, *, tenant_id: int, display_name: str, phone: str, password: str | None
) -> User:
    name = clean_text(
        display_name, field="displayName", code=Code.INVALID, label="姓名", max_length=50
    )
    e164 = normalise_phone(phone)
    if password is not None:
        _check_password(password)
    taken = select(exists().where(User.tenant_id == tenant_id, User.phone == e164))
    if await session.scalar(taken):
        raise DomainError(Code.DUPLICATE_PHONE, "该手机号码已注册", field="phone")
    user = User(
        tenant_id=tenant_id,
        display_name=name,
        phone=e164,
        password_hash=hash_password(password) if password else None,
    )
    async with refusing_duplicates(
        session,
        {
            "uq_users_tenant_id_phone": DomainError(
                Code.DUPLICATE_PHONE, "该手机号码已注册", field="phone"
            )
        },
    ):
        session.add(user)
        await session.flush()
    return user


async def create_user(
    session: AsyncSession,
    principal: Principal,
    *,
    display_name: str,
    phone: str,
    password: str | None,
    roles: list[tuple[Role, int | None]] = (),  # type: ignore[assignment]
) -> User:
    """Create an account in the county, with optional initial roles. Tenant admins only."""
    principal.require(Role.TENANT_ADMIN)
    user = await insert_user(
        session,
        tenant_id=principal.require_tenant(),
        display_name=display_name,
        phone=phone,
        password=password,
    )
    await audit.record(
        session,
        principal,
        action="user.create",
        target_type="User",
        target_id=user.id,
        after=user_snapshot(user),
    )
    for role, unit_id in roles:
        try:
            await grant_role(session, principal, user_id=user.id, role=role, org_unit_id=unit_id)
        except DomainError as exc:  # name the nested input field: roles.orgUnitId, …
            exc.field = f"roles.{exc.field}" if exc.field else "roles"
            raise
    return user


async def register_citizen(
    session: AsyncSession, principal: Principal, *, display_name: str, phone: str, password: str
) -> User:
    """Self-registration of a citizen (群众) in the county of the request."""
    tenant_id = principal.require_tenant()
    user = await insert_user(
        session, tenant_id=tenant_id, display_name=display_name, phone=phone, password=password
    )
    session.add(Membership(tenant_id=tenant_id, user_id=user.id, role=Role.CITIZEN))
    await session.flush()
    return user


async def get_user(session: AsyncSession, user_id: int, *, field: str = "userId") -> User:
    user = await session.get(User, user_id)
    if user is None:
        raise DomainError(Code.NOT_FOUND, "用户不存在", field=field)
    return user


async def _scope_path(session: AsyncSession, org_unit_id: int | None) -> str | None:
    """The org path a role scoped to `org_unit_id` covers: the unit's, or the county root's
    for a county-wide role (so only a county-wide admin covers it). None: no such unit."""
    if org_unit_id is None:
        return await session.scalar(select(OrgUnit.path).where(OrgUnit.parent_id.is_(None)))
    unit = await session.get(OrgUnit, org_unit_id)
    return unit.path if unit is not None else None


async def grant_role(
    session: AsyncSession,
    principal: Principal,
    *,
    user_id: int,
    role: Role,
    org_unit_id: int | None,
) -> Membership:
    """Give `user_id` a role, scoped to an org unit of this county (or county-wide).

    The granting admin's own scope must cover the role's: a township admin grants roles
    within its township, only a county-wide admin grants county-wide roles."""
    tenant_id = principal.require_tenant()
    scope_path = await _scope_path(session, org_unit_id)
    if scope_path is None:
        raise DomainError(Code.ORG_UNIT_NOT_FOUND, "组织单元不存在或不属于本县", field="orgUnitId")
    principal.require(Role.TENANT_ADMIN, at_path=scope_path)
    user = await get_user(session, user_id)
    duplicate = await session.scalar(
        select(
            exists().where(
                Membership.user_id == user.id,
                Membership.role == role,
                (Membership.org_unit_id == org_unit_id)
                if org_unit_id is not None
                else Membership.org_unit_id.is_(None),
            )
        )
    )
    if duplicate:
        raise DomainError(Code.DUPLICATE_MEMBERSHIP, "该用户已拥有此角色", field="role")
    membership = Membership(
        tenant_id=tenant_id, user_id=user.id, role=role, org_unit_id=org_unit_id
    )
    async with refusing_duplicates(
        session,
        {
            "uq_memberships_user_role_unit": DomainError(
                Code.DUPLICATE_MEMBERSHIP, "该用户已拥有此角色", field="role"
            )
        },
    ):
        session.add(membership)
        await session.flush()
    await audit.record(
        session,
        principal,
        action="membership.grant",
        target_type="Membership",
        target_id=membership.id,
        after={"userId": user.id, "role": role.value, "orgUnitId": org_unit_id},
    )
    return membership


async def revoke_role(
    session: AsyncSession, principal: Principal, *, membership_id: int
) -> Membership:
    """Remove a role; the county's last county-wide admin cannot be removed.

    As with granting, the revoking admin's scope must cover the role's."""
    principal.require(Role.TENANT_ADMIN)
    membership = await session.get(Membership, membership_id)
    if membership is None:
        raise DomainError(Code.NOT_FOUND, "角色记录不存在", field="membershipId")
    principal.require(
        Role.TENANT_ADMIN, at_path=await _scope_path(session, membership.org_unit_id) or ""
    )
    if membership.role is Role.TENANT_ADMIN and membership.org_unit_id is None:
        # Lock the county-wide admin rows: two admins revoking each other at once must not
        # both see "another admin remains" (the second waits and then sees one row).
        admins = (
            await session.scalars(
                select(Membership.id)
                .where(Membership.role == Role.TENANT_ADMIN, Membership.org_unit_id.is_(None))
                .order_by(Membership.id)
                .with_for_update()
            )
        ).all()
        if len(admins) <= 1:
            raise DomainError(
                Code.LAST_ADMIN, "不能移除本县最后一名县级管理员", field="membershipId"
            )
    await session.delete(membership)
    await session.flush()
    await audit.record(
        session,
        principal,
        action="membership.revoke",
        target_type="Membership",
        target_id=membership_id,
        before={
            "userId": membership.user_id,
            "role": membership.role.value,
            "orgUnitId": membership.org_unit_id,
        },
    )
    return membership


@dataclass(frozen=True, slots=True)
class Account:
    """What a member's principal is made of, as stored: whether the account may act, its
    name and grants, the credentials version (bumped by any change of these, migration
    0007) and the session epoch (bumped by a password change)."""

    active: bool
    display_name: str
    grants: tuple[Grant, ...]
    credentials_version: int
    session_epoch: int


async def load_account(session: AsyncSession, user_id: int) -> Account | None:
    """The account of the current county with its grants and their org paths, in one
    query (None: no such account): what a principal is resolved from."""
    rows = (
        await session.execute(
            select(
                User.is_active,
                User.display_name,
                User.credentials_version,
                User.session_epoch,
                Membership.role,
                Membership.org_unit_id,
                OrgUnit.path,
            )
            .select_from(User)
            .outerjoin(Membership, Membership.user_id == User.id)
            .outerjoin(OrgUnit, OrgUnit.id == Membership.org_unit_id)
            .where(User.id == user_id)
        )
    ).all()
    if not rows:
        return None
    grants = tuple(
        Grant(role=role, org_unit_id=unit, org_path=path)
        for *_, role, unit, path in rows
        if role is not None
    )
    first = rows[0]
    return Account(
        active=first.is_active,
        display_name=first.display_name,
        grants=grants,
        credentials_version=first.credentials_version,
        session_epoch=first.session_epoch,
    )


async def load_grants(session: AsyncSession, user_id: int) -> tuple[bool, str, tuple[Grant, ...]]:
    """(active, display name, grants with their org paths) for a user of the current county
    (`load_account`, for callers that build a principal of their own: demo, tests)."""
    account = await load_account(session, user_id)
    if account is None:
        return False, "", ()
    return account.active, account.display_name, account.grants


@dataclass(frozen=True, slots=True)
class Tokens:
    access_token: str
    access_expires_at: datetime
    refresh_token: str
    user: User | None = None
    operator: PlatformOperator | None = None


async def _issue(
    session: AsyncSession,
    *,
    tenant_id: int,
    user: User,
    secret: str,
    access_ttl: int,
    refresh_ttl: int,
) -> Tokens:
    access, exp = encode_access_token(
        secret=secret,
        ttl_seconds=access_ttl,
        tenant_id=tenant_id,
        user_id=user.id,
        session_epoch=user.session_epoch,
    )
    raw, digest = new_opaque_token()
    session.add(
        RefreshToken(
            tenant_id=tenant_id,
            user_id=user.id,
            token_hash=digest,
            expires_at=datetime.now(UTC) + timedelta(seconds=refresh_ttl),
        )
    )
    await session.flush()
    # The county id travels in the refresh token so refreshing needs no other header.
    return Tokens(
        access_token=access,
        access_expires_at=datetime.fromtimestamp(exp, UTC),
        refresh_token=f"{tenant_id}.{raw}",
        user=user,
    )


async def login(
    session: AsyncSession,
    *,
    tenant_id: int,
    phone: str,
    password: str,
    secret: str,
    access_ttl: int,
    refresh_ttl: int,
) -> Tokens:
    """Tokens for a county account; one message for every failure (no account probing).

    A phone number locked by too many wrong passwords (`record_login_failure`) is refused
    before its password is even checked; a successful sign-in clears its failures."""
    failure = DomainError(Code.INVALID_CREDENTIALS, "手机号码或密码错误", field="password")
    key = login_key(phone)
    locked_until = await session.scalar(
        select(LoginThrottle.locked_until).where(LoginThrottle.key_hash == key)
    )
    if locked_until is not None:
        _refuse_if_locked(locked_until, field="phone")
    try:
        e164 = normalise_phone(phone)
    except DomainError:
        verify_password(None, password)
        raise failure from None
    user = await session.scalar(select(User).where(User.phone == e164))
    if not verify_password(user.password_hash if user else None, password) or user is None:
        raise failure
    if not user.is_active:
        raise DomainError(Code.INVALID_CREDENTIALS, "该账号已停用", field="phone")
    await session.execute(delete(LoginThrottle).where(LoginThrottle.key_hash == key))
    return await _issue(
        session,
        tenant_id=tenant_id,
        user=user,
        secret=secret,
        access_ttl=access_ttl,
        refresh_ttl=refresh_ttl,
    )


def _refuse_if_locked(locked_until: datetime, *, field: str) -> None:
    now = datetime.now(UTC)
    if locked_until > now:
        minutes = max(1, -int(-(locked_until - now).total_seconds() // 60))
        raise DomainError(
            Code.TOO_MANY_ATTEMPTS, f"密码错误次数过多，请{minutes}分钟后再试", field=field
        )


_RECORD_OPERATOR_FAILURE = text("""
UPDATE platform_operators SET
  failed_logins = CASE
    WHEN failures_since IS NULL OR failures_since < now() - CAST(:window AS interval) THEN 1
    ELSE failed_logins + 1 END,
  failures_since = CASE
    WHEN failures_since IS NULL OR failures_since < now() - CAST(:window AS interval) THEN now()
    ELSE failures_since END,
  locked_until = CASE
    WHEN (CASE
            WHEN failures_since IS NULL OR failures_since < now() - CAST(:window AS interval)
            THEN 1 ELSE failed_logins + 1 END) >= :max
    THEN now() + CAST(:window AS interval)
    ELSE locked_until END
WHERE username = :username""")


async def record_operator_failure(
    session: AsyncSession, *, username: str, max_failures: int, window_seconds: int
) -> None:
    """Count a wrong password for an operator (platform transaction of its own)."""
    await session.execute(
        _RECORD_OPERATOR_FAILURE,
        {
            "username": (username or "").strip(),
            "max": max_failures,
            "window": timedelta(seconds=window_seconds),
        },
    )


def login_key(phone: str) -> str:
    """The throttle key of a phone number as typed: its E.164 form when it has one (so
    "138…" and "+86 138…" count together), hashed; nothing about the account."""
    try:
        number = normalise_phone(phone)
    except DomainError:
        number = (phone or "").strip()
    return hashlib.sha256(number.encode()).hexdigest()


_RECORD_FAILURE = text("""
INSERT INTO login_throttles AS t (tenant_id, key_hash, failures, window_started_at, locked_until)
VALUES (:tenant, :key, 1, now(),
        CASE WHEN :max <= 1 THEN now() + CAST(:window AS interval) END)
ON CONFLICT (tenant_id, key_hash) DO UPDATE SET
  failures = CASE
    WHEN t.window_started_at < now() - CAST(:window AS interval) THEN 1
    ELSE t.failures + 1 END,
  window_started_at = CASE
    WHEN t.window_started_at < now() - CAST(:window AS interval) THEN now()
    ELSE t.window_started_at END,
  locked_until = CASE
    WHEN (CASE
            WHEN t.window_started_at < now() - CAST(:window AS interval) THEN 1
            ELSE t.failures + 1 END) >= :max
    THEN now() + CAST(:window AS interval)
    ELSE t.locked_until END""")


async def record_login_failure(
    session: AsyncSession, *, tenant_id: int, phone: str, max_failures: int, window_seconds: int
) -> None:
    """Count a wrong password for this number (in its own transaction: the sign-in's was
    rolled back); the `max_failures`-th within the window locks the number for a window."""
    await session.execute(
        _RECORD_FAILURE,
        {
            "tenant": tenant_id,
            "key": login_key(phone),
            "max": max_failures,
            "window": timedelta(seconds=window_seconds),
        },
    )


MAX_DB_ID = 2**63 - 1  # PostgreSQL bigint


def refresh_token_tenant(token: str) -> int | None:
    """The county id a refresh token starts with, or None when it cannot be one."""
    head, _, rest = (token or "").partition(".")
    if not (rest and head.isascii() and head.isdigit()):
        return None
    tenant_id = int(head)
    return tenant_id if 0 < tenant_id <= MAX_DB_ID else None


async def refresh(
    session: AsyncSession,
    *,
    tenant_id: int,
    refresh_token: str,
    secret: str,
    access_ttl: int,
    refresh_ttl: int,
) -> Tokens:
    """Rotate a refresh token: the old one is revoked, a new pair issued."""
    _, _, raw = refresh_token.partition(".")
    stored = await session.scalar(
        select(RefreshToken).where(RefreshToken.token_hash == token_digest(raw)).with_for_update()
    )
    now = datetime.now(UTC)
    if stored is None or stored.revoked_at is not None or stored.expires_at <= now:
        raise DomainError(
            Code.INVALID_REFRESH_TOKEN, "刷新令牌无效或已过期，请重新登录", field="refreshToken"
        )
    user = await session.get(User, stored.user_id)
    if user is None or not user.is_active:
        raise DomainError(Code.INVALID_REFRESH_TOKEN, "账号不可用", field="refreshToken")
    stored.revoked_at = now
    return await _issue(
        session,
        tenant_id=tenant_id,
        user=user,
        secret=secret,
        access_ttl=access_ttl,
        refresh_ttl=refresh_ttl,
    )


async def logout(session: AsyncSession, *, refresh_token: str) -> None:
    _, _, raw = refresh_token.partition(".")
    await session.execute(
        update(RefreshToken)
        .where(RefreshToken.token_hash == token_digest(raw), RefreshToken.revoked_at.is_(None))
        .values(revoked_at=func.now())
    )


async def change_password(
    session: AsyncSession,
    principal: Principal,
    *,
    old_password: str,
    new_password: str,
    secret: str,
    access_ttl: int,
    refresh_ttl: int,
) -> Tokens:
    """Set a new password and end every other session of the account: its refresh tokens
    are revoked and its session epoch bumped, so every access token issued before (on any
    device) is refused from the commit on, over HTTP and on open sockets
    (people.principals). The session that changed it goes on with the new tokens returned
    (issued in the new epoch)."""
    user = await get_user(session, principal.require_user())
    if not verify_password(user.password_hash, old_password):
        raise DomainError(Code.INVALID_CREDENTIALS, "原密码错误", field="oldPassword")
    _check_password(new_password, field="newPassword")
    user.password_hash = hash_password(new_password)
    # In SQL, not `user.session_epoch + 1`: two changes at once must both count.
    user.session_epoch = User.session_epoch + 1
    await session.execute(
        update(RefreshToken)
        .where(RefreshToken.user_id == user.id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=func.now())
    )
    await session.flush()
    await session.refresh(user, ["session_epoch"])
    return await _issue(
        session,
        tenant_id=user.tenant_id,
        user=user,
        secret=secret,
        access_ttl=access_ttl,
        refresh_ttl=refresh_ttl,
    )


async def operator_login(
    session: AsyncSession, *, username: str, password: str, secret: str, access_ttl: int
) -> Tokens:
    """Access token for a platform operator (platform transaction). Locked, like a county
    account, by too many wrong passwords (`record_operator_failure`)."""
    operator = await session.scalar(
        select(PlatformOperator).where(PlatformOperator.username == (username or "").strip())
    )
    if operator is not None and operator.locked_until is not None:
        _refuse_if_locked(operator.locked_until, field="username")
    if not verify_password(operator.password_hash if operator else None, password) or not operator:
        raise DomainError(Code.INVALID_CREDENTIALS, "用户名或密码错误", field="password")
    operator.failed_logins, operator.failures_since, operator.locked_until = 0, None, None
    access, exp = encode_access_token(
        secret=secret, ttl_seconds=access_ttl, tenant_id=None, operator_id=operator.id
    )
    return Tokens(
        access_token=access,
        access_expires_at=datetime.fromtimestamp(exp, UTC),
        refresh_token="",
        operator=operator,
    )


async def ensure_operator(
    session: AsyncSession, *, username: str, password: str
) -> PlatformOperator:
    """Create or reset a platform operator (CLI; platform transaction)."""
    operator = await session.scalar(
        select(PlatformOperator).where(PlatformOperator.username == username)
    )
    _check_password(password)
    if operator is None:
        operator = PlatformOperator(username=username, password_hash=hash_password(password))
        session.add(operator)
    else:
        operator.password_hash = hash_password(password)
    await session.flush()
    return operator


async def list_users(
    session: AsyncSession,
    principal: Principal,
    *,
    role: Role | None,
    after_id: int | None,
    limit: int,
    search: str | None = None,
) -> list[User]:
    """Accounts of the county for tenant admins: all of them for a county-wide admin; for
    an admin scoped to org units, the people who hold a role in those units or below
    (PIPL: an office sees the accounts it works with, not the whole county's)."""
    principal.require(Role.TENANT_ADMIN)
    query = select(User).order_by(User.id).limit(limit)
    admin_scopes = [g.org_path for g in principal.grants if g.role is Role.TENANT_ADMIN]
    if None not in admin_scopes:
        query = query.where(
            exists().where(
                Membership.user_id == User.id,
                Membership.org_unit_id == OrgUnit.id,
                or_(*(OrgUnit.path.startswith(path, autoescape=True) for path in admin_scopes)),
            )
        )
    if role is not None:
        query = query.where(exists().where(Membership.user_id == User.id, Membership.role == role))
    if search:
        query = query.where(User.display_name.contains(search.strip(), autoescape=True))
    if after_id is not None:
        query = query.where(User.id > after_id)
    return list((await session.scalars(query)).all())
