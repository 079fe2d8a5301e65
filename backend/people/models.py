"""User accounts, role memberships, refresh tokens and platform operators.

Accounts are per county: a person's phone number, name and roles never leave the county
that holds them (PIPL), so a person active in two counties has an account in each.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from backend.core.base import Base, TenantOwned, Timestamped, enum_column, id_column

# Roles are checked by every layer (backend.core.security's Principal); memberships store them.
from backend.core.security import Role as Role
from backend.core.security import Verification as Verification


class VerificationMethod(enum.Enum):
    """How a verification level was reached (实名制)."""

    SMS = "SMS"  # an SMS code sent to the account's number was answered
    OIDC = "OIDC"  # an OpenID Connect provider (政务服务 account) vouched for the person
    STAFF_CHECK = "STAFF_CHECK"  # staff checked an ID document at a venue (现场核验身份证件)


class User(TenantOwned, Timestamped, Base):
    __tablename__ = "users"
    __table_args__ = (
        UniqueConstraint("tenant_id", "phone"),
        CheckConstraint(
            "erased_at IS NULL OR (phone IS NULL AND password_hash IS NULL AND NOT is_active)",
            name="erased_stays_blank",
        ),
    )

    id: Mapped[int] = id_column()
    display_name: Mapped[str] = mapped_column(String(50))
    # E.164, e.g. +8613800000000; None for an account made for one meeting's voting code.
    phone: Mapped[str | None] = mapped_column(String(20))
    password_hash: Mapped[str | None] = mapped_column(String(200))
    is_active: Mapped[bool] = mapped_column(Boolean, server_default=text("true"))
    # Bumped by a trigger (migration 0007) when the password, the active flag, the session
    # epoch or a role changes; the change is announced to every worker (people.principals).
    credentials_version: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    # Bumped by a password change: access tokens of an older epoch are refused.
    session_epoch: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    # Set when the account is erased at the person's request (backend.people.personal_data):
    # its name and number are blanked and it can never sign in or be reactivated again.
    erased_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # 实名制: the level reached so far and how (the full history: IdentityVerification).
    # A change bumps credentials_version (trigger of migration 0018): principals carry it.
    verification: Mapped[Verification] = mapped_column(
        enum_column(Verification), server_default=text("'UNVERIFIED'")
    )
    verified_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    verification_method: Mapped[VerificationMethod | None] = mapped_column(
        enum_column(VerificationMethod)
    )


class IdentityVerification(TenantOwned, Base):
    """One verification of a person's identity: the level it proved, how (`method`), by
    what (`source`: the OIDC issuer, or the venue of a staff check) and by whom (the staff
    member, for a staff check). Personal data: exported and erased with the account."""

    __tablename__ = "identity_verifications"

    id: Mapped[int] = id_column()
    user_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    level: Mapped[Verification] = mapped_column(enum_column(Verification))
    method: Mapped[VerificationMethod] = mapped_column(enum_column(VerificationMethod))
    source: Mapped[str | None] = mapped_column(String(300))
    venue_id: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("venues.id"))
    verified_by: Mapped[int | None] = mapped_column(BigInteger, ForeignKey("users.id"))
    note: Mapped[str | None] = mapped_column(String(200))
    verified_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=text("now()")
    )


class SmsCode(TenantOwned, Base):
    """A sign-in code sent by SMS (短信验证码): only its keyed hash is stored, with the
    number's hash; valid for `SMS_CODE_TTL`, single use, `attempts` wrong answers allowed."""

    __tablename__ = "sms_codes"

    id: Mapped[int] = id_column()
    phone_hash: Mapped[str] = mapped_column(String(64), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    attempts: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=text("now()")
    )


class OidcProvider(TenantOwned, Timestamped, Base):
    """A county's OpenID Connect provider (a province's 政务服务 account): one per county.
    The client secret is write-only through the API."""

    __tablename__ = "oidc_providers"
    __table_args__ = (UniqueConstraint("tenant_id"),)

    id: Mapped[int] = id_column()
    name: Mapped[str] = mapped_column(String(100))
    issuer: Mapped[str] = mapped_column(String(300))
    client_id: Mapped[str] = mapped_column(String(200))
    client_secret: Mapped[str] = mapped_column(String(500))
    redirect_uri: Mapped[str] = mapped_column(String(500))
    scopes: Mapped[str] = mapped_column(String(200), server_default=text("'openid'"))
    # The ID token claim that says the provider checked the person's real name (e.g.
    # "real_name_verified": true); None: the provider does not say.
    real_name_claim: Mapped[str | None] = mapped_column(String(100))
    enabled: Mapped[bool] = mapped_column(Boolean, server_default=text("true"))


class OidcLogin(TenantOwned, Base):
    """A sign-in in progress with the county's provider: its `state`'s hash, the nonce and
    the PKCE verifier, for `OIDC_LOGIN_TTL`; used once."""

    __tablename__ = "oidc_logins"

    id: Mapped[int] = id_column()
    state_hash: Mapped[str] = mapped_column(String(64), unique=True)
    nonce: Mapped[str] = mapped_column(String(100))
    code_verifier: Mapped[str] = mapped_column(String(200))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class OidcIdentity(TenantOwned, Timestamped, Base):
    """An account's identity at the county's provider (issuer + subject), so the next
    sign-in through it finds the same account."""

    __tablename__ = "oidc_identities"
    __table_args__ = (UniqueConstraint("tenant_id", "issuer", "subject"),)

    id: Mapped[int] = id_column()
    user_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    issuer: Mapped[str] = mapped_column(String(300))
    subject: Mapped[str] = mapped_column(String(200))


class Membership(TenantOwned, Timestamped, Base):
    """A role a user holds in the county, scoped to an org unit (and everything under it)."""

    __tablename__ = "memberships"
    __table_args__ = (
        Index(
            "uq_memberships_user_role_unit",
            "user_id",
            "role",
            text("coalesce(org_unit_id, 0)"),
            unique=True,
        ),
    )

    id: Mapped[int] = id_column()
    user_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[Role] = mapped_column(enum_column(Role))
    org_unit_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("org_units.id", ondelete="RESTRICT"), index=True
    )


class RefreshToken(TenantOwned, Timestamped, Base):
    """A rotating refresh token; only its SHA-256 is stored."""

    __tablename__ = "refresh_tokens"

    id: Mapped[int] = id_column()
    user_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class LoginThrottle(TenantOwned, Base):
    """Failed sign-ins for one phone number of a county (known account or not, so a lock
    reveals nothing): after `LOGIN_MAX_FAILURES` within `LOGIN_LOCK_SECONDS`, sign-in with
    that number is refused until `locked_until`. Only the number's SHA-256 is stored."""

    __tablename__ = "login_throttles"
    __table_args__ = (UniqueConstraint("tenant_id", "key_hash"),)

    id: Mapped[int] = id_column()
    key_hash: Mapped[str] = mapped_column(String(64))
    failures: Mapped[int] = mapped_column(Integer)
    window_started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class PlatformOperator(Timestamped, Base):
    """An operator of the Yishi platform who manages counties (not county-owned)."""

    __tablename__ = "platform_operators"

    id: Mapped[int] = id_column()
    username: Mapped[str] = mapped_column(String(50), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    # Sign-in lockout, as for county accounts (people.service.record_operator_failure).
    failed_logins: Mapped[int] = mapped_column(Integer, server_default=text("0"))
    failures_since: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
