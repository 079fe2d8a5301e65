"""Who may use a socket, and how much: connection_init's credentials in the shapes
clients send, the close codes and reasons of a refusal, and the per-socket, per-account
and per-address limits (docs/realtime.md "Connecting and staying authorised", "Limits")."""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from backend.core.errors import AccessError
from backend.core.security import Credentials, CredentialsRefused

# Close codes besides graphql-transport-ws's own (docs/realtime.md lists them all):
CLOSE_BAD_REQUEST = 4400  # a malformed message or connection_init payload; the reason says
CLOSE_NEEDS_TOKEN = 4401  # the token no longer proves who you are: refresh or sign in
CLOSE_FORBIDDEN = 4403  # the account or county is refused: a new token will not help
CLOSE_TOO_MANY = 4429  # a limit: sockets per account/address, messages per second
CLOSE_TOO_BIG = 1009  # a message larger than WS_MAX_SIZE
PERMISSIONS_CHANGED = "PERMISSIONS_CHANGED"  # an operation ended: the roles it ran with changed
TOO_MANY_OPERATIONS = "TOO_MANY_OPERATIONS"


@dataclass(slots=True)
class SocketCounts:
    """Open sockets per client address and per account in this worker (the limits
    WS_MAX_SOCKETS_PER_ADDRESS and WS_MAX_SOCKETS_PER_USER)."""

    by_address: dict[str, int] = field(default_factory=dict)
    by_account: dict[tuple[int, int], int] = field(default_factory=dict)

    @staticmethod
    def take(counts: dict[Any, int], key: Any, limit: int) -> bool:
        if limit and counts.get(key, 0) >= limit:
            return False
        counts[key] = counts.get(key, 0) + 1
        return True

    @staticmethod
    def give_back(counts: dict[Any, int], key: Any) -> None:
        left = counts.get(key, 0) - 1
        if left > 0:
            counts[key] = left
        else:
            counts.pop(key, None)


class InitRefused(Exception):
    """A connection_init payload of a shape we do not read (closed with 4400 and this)."""


_TOKEN_KEYS = ("authorization", "Authorization")
_COUNTY_KEYS = ("tenant", "X-Tenant", "x-tenant")
_KNOWN_KEYS = frozenset((*_TOKEN_KEYS, *_COUNTY_KEYS, "token", "headers"))


def credentials_from_init(payload: dict[str, Any], fallback: Credentials) -> Credentials:
    """Credentials from a connection_init payload, in the shapes clients send:
    `{"authorization": "Bearer <token>"}` (or `Authorization`), `{"token": "<token>"}`
    (bare or with "Bearer "), `{"headers": {"Authorization": …, "X-Tenant": …}}`, and the
    county of an anonymous watcher as `tenant` (or `X-Tenant`), at the top or in `headers`.
    What the payload leaves out comes from the upgrade request's headers (`fallback`).
    Anything else is refused (InitRefused), never silently ignored."""
    unknown = sorted(k for k in payload if k not in _KNOWN_KEYS)
    if unknown:
        raise InitRefused(f"Unknown connection_init key: {unknown[0]}"[:120])
    headers = payload.get("headers", {})
    if not isinstance(headers, dict):
        raise InitRefused("connection_init headers must be an object")
    lowered = {str(k).lower(): v for k, v in headers.items()}
    authorization = _one(payload, _TOKEN_KEYS) or _string(lowered, "authorization", "headers.")
    token = _string(payload, "token")
    if token is not None and authorization is None:
        authorization = token if token.lower().startswith("bearer ") else f"Bearer {token}"
    county = _one(payload, _COUNTY_KEYS) or _string(lowered, "x-tenant", "headers.")
    return Credentials.parse(
        authorization if authorization is not None else _bearer(fallback.token),
        county if county is not None else fallback.county,
    )


def upgrade_credentials(scope: Mapping[str, Any]) -> Credentials:
    """The upgrade request's credentials, as `schema.context.credentials_from_headers`
    reads an HTTP request's (`Authorization`, `X-Tenant`, else `?tenant=`), from the raw
    ASGI scope: every joining socket asks, and building starlette's Headers and
    QueryParams for it cost more than the rest of connection_init. A malformed
    Authorization header is dropped here (the county alone remains), as before: the
    connection_init payload usually carries the token."""
    authorization = county = None
    for name, value in scope.get("headers") or ():
        if name == b"authorization" and authorization is None:
            authorization = value.decode("latin-1")
        elif name == b"x-tenant" and county is None:
            county = value.decode("latin-1")
    if not county:
        query = scope.get("query_string") or b""
        county = dict(parse_qsl(query.decode("latin-1"), keep_blank_values=True)).get("tenant")
    try:
        return Credentials.parse(authorization, county)
    except CredentialsRefused:
        return Credentials.parse(None, county)


def _string(source: dict[str, Any], key: str, prefix: str = "") -> str | None:
    value = source.get(key)
    if value is not None and not isinstance(value, str):
        raise InitRefused(f"connection_init {prefix}{key} must be a string")
    return value


def _one(payload: dict[str, Any], keys: tuple[str, ...]) -> str | None:
    for key in keys:
        value = _string(payload, key)
        if value is not None:
            return value
    return None


def _bearer(token: str | None) -> str | None:
    return f"Bearer {token}" if token else None


class TokenBucket:
    """`rate` messages a second on average, `burst` at once."""

    __slots__ = ("at", "burst", "rate", "tokens")

    def __init__(self, rate: float, burst: int) -> None:
        self.rate, self.burst = rate, float(burst)
        self.tokens, self.at = float(burst), time.monotonic()

    def take(self) -> bool:
        now = time.monotonic()
        self.tokens = min(self.burst, self.tokens + (now - self.at) * self.rate)
        self.at = now
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True


def refusal(error: AccessError) -> tuple[int, str]:
    """The close code and reason for credentials refused (docs/realtime.md): 4401 when a
    new token may help (expired, revoked, invalid), 4403 when the account or county is
    refused."""
    if isinstance(error, CredentialsRefused):
        code = CLOSE_NEEDS_TOKEN if error.needs_new_token else CLOSE_FORBIDDEN
        return code, error.reason
    return CLOSE_FORBIDDEN, "Forbidden"
