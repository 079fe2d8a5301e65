"""The one place a mutation's transaction is opened, committed, and its failures mapped."""

from __future__ import annotations

import enum
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.types import Info

from backend.core.errors import DomainError, DomainErrors
from backend.core.security import Principal

T = TypeVar("T")
E = TypeVar("E")


async def mutate(
    info: Info,
    fn: Callable[[AsyncSession, Principal], Awaitable[T]],
    *,
    platform: bool = False,
    tenant_id: int | None = None,
) -> tuple[T | None, list[DomainError]]:
    """Run `fn` in its own transaction as the caller.

    Commits when `fn` returns; on a DomainError everything it wrote is rolled back and the
    errors are returned as data. Access errors and bugs propagate (top-level errors).
    `tenant_id` scopes an anonymous transaction to a county named by the input itself
    (refresh tokens carry their county)."""
    ctx = info.context
    principal = (
        Principal(tenant_id=tenant_id, request_id=ctx.request_id)
        if tenant_id is not None
        else await ctx.principal()
    )
    await ctx.release_reader()
    db = ctx.services.db
    try:
        if platform:
            return await db.run_platform(lambda session: fn(session, principal)), []
        return await db.run(
            lambda session: fn(session, principal),
            tenant_id=principal.tenant_id,
            user_id=principal.user_id,
        ), []
    except DomainError as error:
        return None, [error]
    except DomainErrors as errors:
        return None, errors.errors


def user_errors(
    errors: list[DomainError], error_type: type[E], code_enum: type[enum.Enum]
) -> list[E]:
    """Domain errors as `error_type` items; a code from another domain keeps its name when
    `code_enum` has it, else becomes INVALID."""
    out: list[Any] = []
    for error in errors:
        code = code_enum.__members__.get(error.code.name) or code_enum["INVALID"]
        out.append(error_type(field=error.field, code=code, message=error.message))  # type: ignore[call-arg]
    return out
