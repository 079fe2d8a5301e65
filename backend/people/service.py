"""Accounts, roles and sign-in for a county."""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Concatenate, ParamSpec, TypeVar

import phonenumbers
from sqlalchemy import delete, exists, func, or_, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from backend.audit import service as audit
from backend.core.db import Database, refusing_duplicates
from backend.core.errors import DomainError
from backend.core.security import (
    Grant,
    Principal,
    Verification,
    encode_access_token,
    new_opaque_token,
    token_digest,
)
from backend.core.settings import Settings
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
from backend.people.passwords import Passwords
from tenants.models import OrgUnit

MIN_PASSWORD_LENGTH = 8


P = ParamSpec("P")
T = TypeVar("T")


def _in_a_turn(
    workflow: Callable[Concatenate[Database, Passwords, P], Awaitable[T]],
) -> Callable[Concatenate[Database, Passwords, P], Awaitable[T]]:
    """Run a password workflow in one of `Passwords.turns`: a storm of sign-ins waits there,
    holding nothing, instead of queueing 200 deep for database connections that a live
    meeting's writes then wait behind."""

    @functools.wraps(workflow)
    async def in_a_turn(db: Database, passwords: Passwords, *args: P.args, **kw: P.kwargs) -> T:
        async with passwords.turn():
            return await workflow(db, passwords, *args, **kw)

    return in_a_turn


def normalise_phone(raw: str, *, field: str = "phone") -> str:
    """E.164 form of a Chinese (or international, with +) phone number."""
    try:
        number = phonenumbers.parse((raw or "").strip(), "CN")
    except phonenumbers.NumberParseException as exc:
        raise DomainError(Code.INVALID_PHONE, "手机号码格式不正确", field=field) from exc
    if not phonenumbers.is_valid_number(number):
        raise DomainError(Code.INVALID_PHONE, "手机号码格式不正确", field=field)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def mask_phone(e164: str | None) -> str:
    """`+8613812345678` → `138****5678`: enough to recognise, not enough to call. An
    account without a number (a meeting's voting code) shows ""."""
    if not e164:
        return ""
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
    session: AsyncSession,
    *,
    tenant_id: int,
    display_name: str,
    phone: str | None,
    password: str | None,
    passwords: Passwords | None = None,
    password_hash: str | None = None,
) -> User:
    """Add an account to the county. Its password is either given in clear (`password`,
    checked against the policy and hashed in `passwords`' pool: the caller's transaction
    waits, so this is for administrators' low-volume paths) or already hashed
    (`password_hash`, from `new_password`, hashed before any transaction opened). An
    account without a number (`phone` None) is one an OpenID Connect provider vouches for
    (backend.people.oidc) or a meeting's voting code."""
    name = clean_text(
        display_name, field="displayName", code=Code.INVALID, label="姓名", max_length=50
    )
    e164 = normalise_phone(phone) if phone is not None else None
    if password is not None:
        _check_password(password)
    taken = select(exists().where(User.tenant_id == tenant_id, User.phone == e164))
    if e164 is not None and await session.scalar(taken):
        raise DomainError(Code.DUPLICATE_PHONE, "该手机号码已注册", field="phone")
    if password is not None:
        if passwords is None:
            raise TypeError("insert_user needs `passwords` to hash a password")
        password_hash = await passwords.hash(password)
    user = User(
        tenant_id=tenant_id,
        display_name=name,
        phone=e164,
        password_hash=password_hash,
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
    passwords: Passwords,
    roles: list[tuple[Role, int | None]] = (),  # type: ignore[assignment]
) -> User:
    """Create an account in the county, with optional initial roles. Tenant admins only
    (checked before the password is hashed, off the loop in `passwords`)."""
    principal.require(Role.TENANT_ADMIN)
    user = await insert_user(
        session,
        tenant_id=principal.require_tenant(),
        display_name=display_name,
        phone=phone,
        password=password,
        passwords=passwords,
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
    session: AsyncSession,
    principal: Principal,
    *,
    display_name: str,
    phone: str,
    password_hash: str,
) -> User:
    """Self-registration of a citizen (群众) in the county of the request, with a password
    hashed beforehand (`new_password`)."""
    tenant_id = principal.require_tenant()
    user = await insert_user(
        session,
        tenant_id=tenant_id,
        display_name=display_name,
        phone=phone,
        password=None,
        password_hash=password_hash,
    )
    session.add(Membership(tenant_id=tenant_id, user_id=user.id, role=Role.CITIZEN))
    await session.flush()
    return user


async def get_user(session: AsyncSession, user_id: int, *, field: str = "userId") -> User:
    user = await session.get(User, user_id)
    if user is None:
        raise DomainError(Code.NOT_FOUND, "用户不存在", field=field)
    return user


async def set_user_active(
    session: AsyncSession, principal: Principal, *, user_id: int, active: bool
) -> User:
    """Disable (停用) or re-enable an account: county-wide administrators. A disabled
    account cannot sign in, its refresh tokens are revoked, and its access tokens stop
    working at once (the credentials version moves: migration 0007). Nobody disables
    themself, nor the county's last county-wide admin."""
    principal.require_county_admin()
    user = await get_user(session, user_id)
    if user.is_active == active:
        raise DomainError(
            Code.INVALID, "该账号已是启用状态" if active else "该账号已停用", field="userId"
        )
    if not active and user.id == principal.user_id:
        raise DomainError(Code.INVALID, "不能停用自己的账号", field="userId")
    if not active:
        admins = (
            await session.scalars(
                select(Membership.user_id)
                .join(User, User.id == Membership.user_id)
                .where(
                    Membership.role == Role.TENANT_ADMIN,
                    Membership.org_unit_id.is_(None),
                    User.is_active.is_(True),
                )
                .order_by(Membership.id)
                .with_for_update()
            )
        ).all()
        if user.id in admins and len(set(admins)) <= 1:
            raise DomainError(Code.LAST_ADMIN, "不能停用本县最后一名县级管理员", field="userId")
    before = user_snapshot(user)
    user.is_active = active
    if not active:
        await session.execute(
            update(RefreshToken)
            .where(RefreshToken.user_id == user.id, RefreshToken.revoked_at.is_(None))
            .values(revoked_at=func.now())
        )
    await session.flush()
    await audit.record(
        session,
        principal,
        action="user.activate" if active else "user.deactivate",
        target_type="User",
        target_id=user.id,
        before=before,
        after=user_snapshot(user),
    )
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
    verification: Verification = Verification.UNVERIFIED


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
                User.verification,
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
        verification=first.verification,
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


@dataclass(frozen=True, slots=True)
class SignInRules:
    """What signing in takes from the settings: the token secret and lifetimes, and the
    lockout (`max_failures` wrong passwords within `lock_seconds` lock for `lock_seconds`)."""

    secret: str
    access_ttl: int
    refresh_ttl: int
    max_failures: int
    lock_seconds: int

    @classmethod
    def from_settings(cls, settings: Settings) -> SignInRules:
        return cls(
            secret=settings.jwt_secret.get_secret_value(),
            access_ttl=settings.jwt_access_ttl_seconds,
            refresh_ttl=settings.jwt_refresh_ttl_seconds,
            max_failures=settings.login_max_failures,
            lock_seconds=settings.login_lock_seconds,
        )


def login_key(phone: str) -> str:
    """The throttle key of a phone number as typed: its E.164 form when it has one (so
    "138…" and "+86 138…" count together), hashed; nothing about the account."""
    try:
        number = normalise_phone(phone)
    except DomainError:
        number = (phone or "").strip()
    return hashlib.sha256(number.encode()).hexdigest()


def _refuse_if_locked(locked_until: datetime | None, *, field: str) -> None:
    now = datetime.now(UTC)
    if locked_until is not None and locked_until > now:
        minutes = max(1, -int(-(locked_until - now).total_seconds() // 60))
        raise DomainError(
            Code.TOO_MANY_ATTEMPTS, f"密码错误次数过多，请{minutes}分钟后再试", field=field
        )


# Count a sign-in attempt against a number before its password is checked; returns nothing
# when the number is locked (the attempt is then refused, and not counted). The attempt
# that reaches `max` sets the lock at once: it is still checked, and a right password
# (`_CLEAR_ATTEMPTS`) lifts it. Counting first means concurrent guesses cannot all pass a
# lock check that the earlier failures have not yet written.
_COUNT_ATTEMPT = text("""
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
    THEN now() + CAST(:window AS interval) END
WHERE t.locked_until IS NULL OR t.locked_until <= now()
RETURNING t.failures""")


async def _count_attempt(
    session: AsyncSession, *, tenant_id: int, key: str, rules: SignInRules
) -> None:
    """Count one attempt for the number `key`, or refuse it (TOO_MANY_ATTEMPTS) if the
    number is locked."""
    counted = await session.scalar(
        _COUNT_ATTEMPT,
        {
            "tenant": tenant_id,
            "key": key,
            "max": rules.max_failures,
            "window": timedelta(seconds=rules.lock_seconds),
        },
    )
    if counted is None:
        _refuse_if_locked(
            await session.scalar(
                select(LoginThrottle.locked_until).where(LoginThrottle.key_hash == key)
            ),
            field="phone",
        )


@_in_a_turn
async def sign_in(
    db: Database,
    passwords: Passwords,
    *,
    tenant_id: int,
    phone: str,
    password: str,
    rules: SignInRules,
) -> Tokens:
    """Tokens for a county account; one message for every failure (no account probing).

    The one place sign-in is throttled, whoever calls it (a mutation, the CLI, a data
    channel). It owns its transactions, so that no connection is held while argon2 runs:
    (1) the attempt is counted against the number (refused at once while the number is
    locked: `_COUNT_ATTEMPT`) and the account's hash fetched; (2) the password is checked
    in `passwords`' pool, off the event loop; (3) a right one clears the number's count and
    issues tokens, a wrong one stays counted (the `max_failures`-th locked the number for
    `lock_seconds`)."""
    failure = DomainError(Code.INVALID_CREDENTIALS, "手机号码或密码错误", field="password")
    key = login_key(phone)
    try:
        e164: str | None = normalise_phone(phone)
    except DomainError:
        e164 = None

    async def attempt(session: AsyncSession) -> tuple[int | None, str | None]:
        await _count_attempt(session, tenant_id=tenant_id, key=key, rules=rules)
        if e164 is None:
            return None, None
        row = (
            await session.execute(select(User.id, User.password_hash).where(User.phone == e164))
        ).first()
        return (row.id, row.password_hash) if row is not None else (None, None)

    user_id, stored = await db.run(attempt, tenant_id=tenant_id)
    if not await passwords.check(stored, password) or user_id is None:
        raise failure  # counted in step 1

    async def succeed(session: AsyncSession) -> Tokens | DomainError:
        user = await session.get(User, user_id)
        if user is None or user.password_hash != stored:
            return failure  # the password changed (or the account went) while checked
        await session.execute(delete(LoginThrottle).where(LoginThrottle.key_hash == key))
        if not user.is_active:  # the right password: no failure, but no tokens either
            return DomainError(Code.INVALID_CREDENTIALS, "该账号已停用", field="phone")
        return await _issue(
            session,
            tenant_id=tenant_id,
            user=user,
            secret=rules.secret,
            access_ttl=rules.access_ttl,
            refresh_ttl=rules.refresh_ttl,
        )

    outcome = await db.run(succeed, tenant_id=tenant_id, user_id=user_id)
    if isinstance(outcome, DomainError):
        raise outcome
    return outcome


async def new_password(passwords: Passwords, password: str, *, field: str = "password") -> str:
    """The argon2 hash of a new password that meets the policy (WEAK_PASSWORD otherwise),
    hashed in `passwords`' pool: call it before opening the transaction that stores it."""
    _check_password(password, field=field)
    return await passwords.hash(password)


@_in_a_turn
async def register(
    db: Database,
    passwords: Passwords,
    principal: Principal,
    *,
    display_name: str,
    phone: str,
    password: str,
    rules: SignInRules,
) -> Tokens:
    """Create a citizen (群众) account in the county of the request and sign it in. The
    password is hashed before the transaction opens (no connection waits for argon2)."""
    tenant_id = principal.require_tenant()
    password_hash = await new_password(passwords, password)

    async def run(session: AsyncSession) -> Tokens:
        user = await register_citizen(
            session, principal, display_name=display_name, phone=phone, password_hash=password_hash
        )
        return await _issue(
            session,
            tenant_id=tenant_id,
            user=user,
            secret=rules.secret,
            access_ttl=rules.access_ttl,
            refresh_ttl=rules.refresh_ttl,
        )

    return await db.run(run, tenant_id=tenant_id, user_id=principal.user_id)


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


@_in_a_turn
async def change_password(
    db: Database,
    passwords: Passwords,
    principal: Principal,
    *,
    old_password: str,
    new_password: str,
    rules: SignInRules,
) -> Tokens:
    """Set a new password and end every other session of the account: its refresh tokens
    are revoked and its session epoch bumped, so every access token issued before (on any
    device) is refused from the commit on, over HTTP and on open sockets
    (people.principals). The session that changed it goes on with the new tokens returned
    (issued in the new epoch).

    Owns its transactions, as `sign_in` does: the stored hash is read, the old password
    checked and the new one hashed with no connection held, then the change is written
    only if the stored hash is still the one checked (a concurrent change wins, and this
    one is refused as a wrong old password)."""
    user_id = principal.require_user()
    tenant_id = principal.require_tenant()

    async def read_hash(session: AsyncSession) -> str | None:
        return (await get_user(session, user_id)).password_hash

    stored = await db.run(read_hash, tenant_id=tenant_id, user_id=user_id, read_only=True)
    wrong = DomainError(Code.INVALID_CREDENTIALS, "原密码错误", field="oldPassword")
    if not await passwords.check(stored, old_password):
        raise wrong
    _check_password(new_password, field="newPassword")
    new_hash = await passwords.hash(new_password)

    async def write(session: AsyncSession) -> Tokens:
        # Only while the hash is still the one checked: of two changes at once, one wins and
        # the other is refused (the epoch in SQL, so it moves on from the stored value).
        changed = await session.scalar(
            update(User)
            .where(User.id == user_id, User.password_hash == stored)
            .values(password_hash=new_hash, session_epoch=User.session_epoch + 1)
            .returning(User.id)
        )
        if changed is None:
            raise wrong
        await session.execute(
            update(RefreshToken)
            .where(RefreshToken.user_id == user_id, RefreshToken.revoked_at.is_(None))
            .values(revoked_at=func.now())
        )
        user = await get_user(session, user_id)  # this session's first load: the new epoch
        return await _issue(
            session,
            tenant_id=tenant_id,
            user=user,
            secret=rules.secret,
            access_ttl=rules.access_ttl,
            refresh_ttl=rules.refresh_ttl,
        )

    return await db.run(write, tenant_id=tenant_id, user_id=user_id)


# As `_COUNT_ATTEMPT`, for an operator (platform_operators keeps the count in its row):
# returns the operator's id and hash, or nothing when the name is unknown or locked.
_COUNT_OPERATOR_ATTEMPT = text("""
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
    THEN now() + CAST(:window AS interval) END
WHERE username = :username AND (locked_until IS NULL OR locked_until <= now())
RETURNING id, password_hash""")


@_in_a_turn
async def operator_sign_in(
    db: Database, passwords: Passwords, *, username: str, password: str, rules: SignInRules
) -> Tokens:
    """Access token for a platform operator. Throttled and checked as `sign_in` is (the
    attempt counted in the operator's row first, the password checked with no connection
    held, a right one clearing the count), in platform transactions."""
    name = (username or "").strip()
    failure = DomainError(Code.INVALID_CREDENTIALS, "用户名或密码错误", field="password")

    async def attempt(session: AsyncSession) -> tuple[int | None, str | None]:
        row = (
            await session.execute(
                _COUNT_OPERATOR_ATTEMPT,
                {
                    "username": name,
                    "max": rules.max_failures,
                    "window": timedelta(seconds=rules.lock_seconds),
                },
            )
        ).first()
        if row is not None:
            return row.id, row.password_hash
        _refuse_if_locked(
            await session.scalar(
                select(PlatformOperator.locked_until).where(PlatformOperator.username == name)
            ),
            field="username",
        )
        return None, None  # no such operator

    operator_id, stored = await db.run_platform(attempt)
    if not await passwords.check(stored, password) or operator_id is None:
        raise failure

    async def succeed(session: AsyncSession) -> PlatformOperator | None:
        operator = await session.get(PlatformOperator, operator_id)
        if operator is None or operator.password_hash != stored:
            return None
        operator.failed_logins, operator.failures_since, operator.locked_until = 0, None, None
        return operator

    operator = await db.run_platform(succeed)
    if operator is None:
        raise failure
    access, exp = encode_access_token(
        secret=rules.secret, ttl_seconds=rules.access_ttl, tenant_id=None, operator_id=operator.id
    )
    return Tokens(
        access_token=access,
        access_expires_at=datetime.fromtimestamp(exp, UTC),
        refresh_token="",
        operator=operator,
    )


async def ensure_operator(
    session: AsyncSession, passwords: Passwords, *, username: str, password: str
) -> PlatformOperator:
    """Create or reset a platform operator (CLI; platform transaction)."""
    operator = await session.scalar(
        select(PlatformOperator).where(PlatformOperator.username == username)
    )
    password_hash = await new_password(passwords, password)
    if operator is None:
        operator = PlatformOperator(username=username, password_hash=password_hash)
        session.add(operator)
    else:
        operator.password_hash = password_hash
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


# The sign-in machinery other ways of signing in share (backend.people.sms, .oidc): one
# throttle per number, one way of issuing tokens.
count_sign_in_attempt = _count_attempt
issue_tokens = _issue
