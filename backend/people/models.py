"""User accounts, role memberships, refresh tokens and platform operators.

Accounts are per county: a person's phone number, name and roles never leave the county
that holds them (PIPL), so a person active in two counties has an account in each.
"""

from __future__ import annotations

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
