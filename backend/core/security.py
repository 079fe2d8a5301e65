"""Who is acting (Principal, from the Credentials a client presents) and access tokens
(passwords: backend.people.passwords).

Every service function takes a `Principal` and checks it: authorisation lives in the
service layer, so a CLI command, a data-channel message and a mutation are held to the
same rules.
"""

from __future__ import annotations

import enum
import hashlib
import secrets
import time
from dataclasses import dataclass, field
from typing import Any

import jwt

from backend.core.errors import PermissionDenied, Unauthenticated

JWT_ALGORITHM = "HS256"


def new_opaque_token() -> tuple[str, str]:
    """A random token for the client and the SHA-256 hex we store."""
    token = secrets.token_urlsafe(32)
    return token, hashlib.sha256(token.encode()).hexdigest()


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Role(enum.Enum):
    """What a member may do in a county, optionally scoped to an org unit and its subtree."""

    TENANT_ADMIN = "TENANT_ADMIN"  # 县级管理员
    DEPARTMENT_STAFF = "DEPARTMENT_STAFF"  # 承办/责任单位工作人员
    MEDIATOR = "MEDIATOR"  # 解事员
    COLLECTOR = "COLLECTOR"  # 民情收集员/网格员
    NPC_DEPUTY = "NPC_DEPUTY"  # 人大代表
    CPPCC_MEMBER = "CPPCC_MEMBER"  # 政协委员
    OBSERVER = "OBSERVER"  # 民意观察员
    EXPERT = "EXPERT"  # 专家
    CITIZEN = "CITIZEN"  # 群众


class Verification(enum.Enum):
    """How surely a person's identity is known (实名制 levels), weakest first: a meeting,
    poll or hearing may require one (`at_least`)."""

    UNVERIFIED = "UNVERIFIED"  # 未验证
    PHONE_VERIFIED = "PHONE_VERIFIED"  # 手机号已验证 (an SMS code was answered)
    REAL_NAME_VERIFIED = "REAL_NAME_VERIFIED"  # 已实名 (OIDC provider or staff ID check)

    @property
    def rank(self) -> int:
        return _VERIFICATION_RANK[self]

    def at_least(self, required: Verification) -> bool:
        return self.rank >= required.rank


_VERIFICATION_RANK = {level: i for i, level in enumerate(Verification)}
VERIFICATION_LABELS: dict[Verification, str] = {
    Verification.UNVERIFIED: "未验证",
    Verification.PHONE_VERIFIED: "手机号验证",
    Verification.REAL_NAME_VERIFIED: "实名认证",
}


@dataclass(frozen=True, slots=True)
class Grant:
    """One role held, scoped to an org unit subtree (`org_path`), or county-wide when None."""

    role: Role
    org_unit_id: int | None = None
    org_path: str | None = None

    def covers(self, path: str | None) -> bool:
        if self.org_path is None:
            return True
        return path is not None and path.startswith(self.org_path)


@dataclass(frozen=True, slots=True)
class Principal:
    """The actor of a request: a county member, a platform operator, or anonymous."""

    tenant_id: int | None
    user_id: int | None = None
    grants: tuple[Grant, ...] = ()
    operator_id: int | None = None
    display_name: str | None = None
    request_id: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    # The account's verification level (实名制), resolved with its grants and cached with
    # them: checking a meeting's or poll's requirement costs no query.
    verification: Verification = Verification.UNVERIFIED

    @property
    def is_authenticated(self) -> bool:
        return self.user_id is not None or self.operator_id is not None

    @property
    def is_operator(self) -> bool:
        return self.operator_id is not None

    @property
    def label(self) -> str:
        if self.operator_id is not None:
            return f"operator:{self.operator_id}"
        if self.user_id is not None:
            return f"user:{self.user_id}:{self.display_name or ''}"[:80]
        return "anonymous"

    @property
    def roles(self) -> frozenset[Role]:
        return frozenset(g.role for g in self.grants)

    def has(self, *roles: Role, at_path: str | None = None) -> bool:
        """True if some grant of one of `roles` covers the org unit at `at_path`
        (any scope when `at_path` is None)."""
        return any(g.role in roles and (at_path is None or g.covers(at_path)) for g in self.grants)

    def require_tenant(self) -> int:
        if self.tenant_id is None:
            raise Unauthenticated("请先指定所属县（X-Tenant 请求头或登录令牌）")
        return self.tenant_id

    def require_user(self) -> int:
        self.require_tenant()
        if self.user_id is None:
            raise Unauthenticated("请先登录")
        return self.user_id

    def require(self, *roles: Role, at_path: str | None = None) -> None:
        """Raise unless the actor holds one of `roles` covering `at_path`.

        A tenant admin's county-wide grant covers everything in the county."""
        self.require_user()
        if self.has(Role.TENANT_ADMIN, *roles, at_path=at_path):
            return
        names = "、".join(ROLE_LABELS[r] for r in roles) or ROLE_LABELS[Role.TENANT_ADMIN]
        raise PermissionDenied(f"无权执行此操作：需要{names}角色")

    def require_county_admin(self) -> None:
        """Raise unless the actor is a county-wide tenant admin (not one scoped to a unit)."""
        self.require_user()
        if not any(g.role is Role.TENANT_ADMIN and g.org_path is None for g in self.grants):
            raise PermissionDenied("无权执行此操作：需要全县范围的县级管理员角色")

    def require_operator(self) -> int:
        if self.operator_id is None:
            raise PermissionDenied("仅平台运维人员可执行此操作")
        return self.operator_id


ROLE_LABELS: dict[Role, str] = {
    Role.TENANT_ADMIN: "县级管理员",
    Role.DEPARTMENT_STAFF: "承办单位工作人员",
    Role.MEDIATOR: "解事员",
    Role.COLLECTOR: "民情收集员/网格员",
    Role.NPC_DEPUTY: "人大代表",
    Role.CPPCC_MEMBER: "政协委员",
    Role.OBSERVER: "民意观察员",
    Role.EXPERT: "专家",
    Role.CITIZEN: "群众",
}


def encode_access_token(
    *,
    secret: str,
    ttl_seconds: int,
    tenant_id: int | None,
    user_id: int | None = None,
    operator_id: int | None = None,
    session_epoch: int = 0,
) -> tuple[str, int]:
    """A signed short-lived access token and its expiry (unix seconds). A member's token
    carries the account's session epoch (`ep`): a password change bumps the epoch, and
    every token of an older one is refused from then on (`people.principals`)."""
    now = int(time.time())
    exp = now + ttl_seconds
    claims: dict[str, Any] = {"iat": now, "exp": exp, "typ": "access"}
    if operator_id is not None:
        claims["sub"] = f"op:{operator_id}"
    else:
        claims["sub"] = f"user:{user_id}"
        claims["tid"] = tenant_id
        if session_epoch:
            claims["ep"] = session_epoch
    return jwt.encode(claims, secret, algorithm=JWT_ALGORITHM), exp


# Why credentials were refused, in words a websocket close frame can carry (≤ 123 bytes);
# docs/realtime.md lists them with their close codes.
TOKEN_EXPIRED = "Token expired"  # refresh the access token
TOKEN_INVALID = "Invalid token"  # not a token of this service: sign in again
TOKEN_REVOKED = "Token revoked"  # the password changed since it was issued: sign in again
BAD_AUTHORIZATION = "Invalid authorization"  # not "Bearer <token>"
ACCOUNT_DISABLED = "Account deactivated"  # the account may no longer act
UNKNOWN_COUNTY = "Unknown county"
COUNTY_MISMATCH = "Token of another county"
NEEDS_NEW_TOKEN = frozenset({TOKEN_EXPIRED, TOKEN_INVALID, TOKEN_REVOKED, BAD_AUTHORIZATION})


class CredentialsRefused(Unauthenticated):
    """Unauthenticated (a top-level UNAUTHENTICATED error over HTTP), with `reason`: one of
    the constants above, which a websocket turns into its close code and reason."""

    def __init__(self, message: str, *, reason: str) -> None:
        super().__init__(message)
        self.reason = reason

    @property
    def needs_new_token(self) -> bool:
        """True when a new access token (refreshed, or from signing in) may succeed; False
        when the account or the county is what is refused."""
        return self.reason in NEEDS_NEW_TOKEN


@dataclass(frozen=True, slots=True)
class TokenClaims:
    tenant_id: int | None
    user_id: int | None
    operator_id: int | None
    expires_at: int = 0  # unix seconds
    session_epoch: int = 0  # the account's epoch when issued (absent: 0)


def token_expired() -> CredentialsRefused:
    """The refusal of an access token past its `exp` (the client refreshes it)."""
    return CredentialsRefused("登录已过期，请刷新令牌或重新登录", reason=TOKEN_EXPIRED)


def decode_access_token(token: str, *, secret: str) -> TokenClaims:
    """Verified claims, or Unauthenticated with a reason people can act on."""
    try:
        claims = jwt.decode(
            token, secret, algorithms=[JWT_ALGORITHM], options={"require": ["exp", "sub"]}
        )
    except jwt.ExpiredSignatureError as exc:
        raise token_expired() from exc
    except jwt.PyJWTError as exc:
        raise CredentialsRefused("登录令牌无效", reason=TOKEN_INVALID) from exc
    sub = str(claims.get("sub", ""))
    kind, _, raw_id = sub.partition(":")
    if claims.get("typ") != "access" or not raw_id.isdigit() or kind not in ("user", "op"):
        raise CredentialsRefused("登录令牌无效", reason=TOKEN_INVALID)
    expires_at = claims["exp"]
    if not isinstance(expires_at, int):
        raise CredentialsRefused("登录令牌无效", reason=TOKEN_INVALID)
    if kind == "op":
        return TokenClaims(
            tenant_id=None, user_id=None, operator_id=int(raw_id), expires_at=expires_at
        )
    tenant_id = claims.get("tid")
    epoch = claims.get("ep", 0)
    if not isinstance(tenant_id, int) or not isinstance(epoch, int) or isinstance(epoch, bool):
        raise CredentialsRefused("登录令牌无效", reason=TOKEN_INVALID)
    return TokenClaims(
        tenant_id=tenant_id,
        user_id=int(raw_id),
        operator_id=None,
        expires_at=expires_at,
        session_epoch=epoch,
    )


@dataclass(frozen=True, slots=True)
class Credentials:
    """What a client presented: a bearer token and/or a county slug (both optional)."""

    token: str | None = None
    county: str | None = None

    @classmethod
    def parse(cls, authorization: str | None, county: str | None) -> Credentials:
        """From an `Authorization` value ("Bearer <token>"; a bare token is refused, as
        any other scheme) and a county slug (trimmed, lower-cased)."""
        token: str | None = None
        if authorization:
            scheme, _, value = authorization.strip().partition(" ")
            if scheme.lower() != "bearer" or not value.strip():
                raise CredentialsRefused(
                    "Authorization 应为 “Bearer <令牌>”", reason=BAD_AUTHORIZATION
                )
            token = value.strip()
        slug = county.strip().lower() if county and county.strip() else None
        return cls(token=token, county=slug)


@dataclass(frozen=True, slots=True)
class Resolved:
    """A principal with what a long-lived connection needs to keep checking it."""

    principal: Principal
    expires_at: int | None = None  # unix seconds; None: anonymous, nothing expires
    credentials_version: int | None = None  # a member's, when resolved
