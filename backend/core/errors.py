"""Exceptions shared by every domain.

`DomainError` is an expected failure: the schema layer turns it into a typed error in a
mutation payload. `PermissionDenied` and `Unauthenticated` become top-level GraphQL errors
with an extension code. Anything else is a bug and is masked from clients.
"""

from __future__ import annotations

import enum


class DomainError(Exception):
    """An expected, user-facing failure. `message` is Chinese, for people."""

    def __init__(self, code: enum.Enum, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field


class DomainErrors(Exception):
    """Several user-facing failures at once (e.g. validating every field of an input)."""

    def __init__(self, errors: list[DomainError]) -> None:
        super().__init__("; ".join(e.message for e in errors))
        self.errors = errors


class AccessError(Exception):
    code = "FORBIDDEN"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class PermissionDenied(AccessError):
    code = "FORBIDDEN"


class Unauthenticated(AccessError):
    code = "UNAUTHENTICATED"


class InvalidArgument(AccessError):
    """A malformed argument outside any payload (a cursor, a page size, a global id)."""

    code = "BAD_USER_INPUT"
