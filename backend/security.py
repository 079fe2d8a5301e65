"""Who is acting (Principal), password hashing and access tokens.

Every service function takes a `Principal` and checks it: authorisation lives in the
service layer, so a CLI command, a data-channel message and a mutation are held to the
same rules.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass, field
from typing import Any

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from backend.errors import PermissionDenied, Unauthenticated
from backend.people.models import Role

_hasher = PasswordHasher()
_DUMMY_HASH = _hasher.hash("yishi-timing-equaliser")
JWT_ALGORITHM = "HS256"


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Constant-ish time: a missing account still costs one argon2 verification."""
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def new_opaque_token() -> tuple[str, str]:
    """A random token for the client and the SHA-256 hex we store."""
    token = secrets.token_urlsafe(32)
    return token, hashlib.sha256(token.encode()).hexdigest()


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


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
) -> tuple[str, int]:
    """A signed short-lived access token and its expiry (unix seconds)."""
    now = int(time.time())
    exp = now + ttl_seconds
    claims: dict[str, Any] = {"iat": now, "exp": exp, "typ": "access"}
    if operator_id is not None:
        claims["sub"] = f"op:{operator_id}"
    else:
        claims["sub"] = f"user:{user_id}"
        claims["tid"] = tenant_id
    return jwt.encode(claims, secret, algorithm=JWT_ALGORITHM), exp


@dataclass(frozen=True, slots=True)
class TokenClaims:
    tenant_id: int | None
    user_id: int | None
    operator_id: int | None


def decode_access_token(token: str, *, secret: str) -> TokenClaims:
    """Verified claims, or Unauthenticated with a reason people can act on."""
    try:
        claims = jwt.decode(
            token, secret, algorithms=[JWT_ALGORITHM], options={"require": ["exp", "sub"]}
        )
    except jwt.ExpiredSignatureError as exc:
        raise Unauthenticated("登录已过期，请刷新令牌或重新登录") from exc
    except jwt.PyJWTError as exc:
        raise Unauthenticated("登录令牌无效") from exc
    sub = str(claims.get("sub", ""))
    kind, _, raw_id = sub.partition(":")
    if claims.get("typ") != "access" or not raw_id.isdigit() or kind not in ("user", "op"):
        raise Unauthenticated("登录令牌无效")
    if kind == "op":
        return TokenClaims(tenant_id=None, user_id=None, operator_id=int(raw_id))
    tenant_id = claims.get("tid")
    if not isinstance(tenant_id, int):
        raise Unauthenticated("登录令牌无效")
    return TokenClaims(tenant_id=tenant_id, user_id=int(raw_id), operator_id=None)
