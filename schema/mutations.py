"""The one place a mutation's unit of work is opened, committed, and its failures mapped.

Three shapes, one sequence of steps (principal, release of the request's read connection,
the work, `DomainError` → payload errors):
- `mutate`: the work runs in one transaction as the caller (almost every mutation);
- `mutate_workflow`: the work opens its own transactions (sign-in, registration, password
  change: argon2 runs between them with no connection held, and a failed sign-in is
  counted although the sign-in is refused);
- `mutate_on_stream`: a hot mutation whose write joins a stream's group-commit batch
  (castVote, castScoringBallot), over HTTP and over the meeting socket; it also refuses
  operators and spends the action's rate limit before anything is read.
"""

from __future__ import annotations

import enum
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from backend.core.db import Database
from backend.core.errors import DomainError, DomainErrors, PermissionDenied
from backend.core.limits import Action, RateLimited, client_address
from backend.core.security import Principal
from realtime.writer import StreamWriter
from schema.context import Context, Info
from schema.limits import refuse_if_rate_limited

T = TypeVar("T")
E = TypeVar("E")


async def mutate(
    info: Info,
    fn: Callable[[AsyncSession, Principal], Awaitable[T]],
    *,
    platform: bool = False,
    tenant_id: int | None = None,
    limit: Action | None = None,
) -> tuple[T | None, list[DomainError]]:
    """Run `fn` in its own transaction as the caller.

    Commits when `fn` returns; on a DomainError everything it wrote is rolled back and the
    errors are returned as data. Access errors and bugs propagate (top-level errors).
    `tenant_id` scopes an anonymous transaction to a county named by the input itself
    (refresh tokens carry their county). `limit`: a public write spends one token of that
    action for the caller and the client's address first; over the budget nothing is read
    or written and the refusal (RATE_LIMITED, `Retry-After`) comes back as data."""

    async def unit(db: Database, principal: Principal) -> T:
        if platform:
            return await db.run_platform(lambda session: fn(session, principal))
        return await db.run(
            lambda session: fn(session, principal),
            tenant_id=principal.tenant_id,
            user_id=principal.user_id,
        )

    return await mutate_workflow(info, unit, tenant_id=tenant_id, limit=limit)


async def mutate_workflow(
    info: Info,
    fn: Callable[[Database, Principal], Awaitable[T]],
    *,
    tenant_id: int | None = None,
    limit: Action | None = None,
) -> tuple[T | None, list[DomainError]]:
    """Run `fn`, a workflow that opens its own transactions (`Database.run`), as the caller.

    For the few services that must not do their work in one transaction (people.service
    `sign_in`, `register`, `change_password`, `operator_sign_in`). The request's read
    connection is given back first; a DomainError becomes data, as in `mutate` (whatever
    the workflow committed before it stays committed: that is why it owns them)."""
    ctx: Context = info.context
    principal = (
        Principal(tenant_id=tenant_id, request_id=ctx.request_id)
        if tenant_id is not None
        else await ctx.principal()
    )
    if limit is not None:
        refused = await refuse_if_rate_limited(
            ctx, limit, user=(principal.tenant_id, principal.user_id)
        )
        if refused is not None:
            return None, [refused]
    await ctx.release_reader()
    try:
        return await fn(ctx.services.db, principal), []
    except DomainError as error:
        return None, [error]
    except DomainErrors as errors:
        return None, errors.errors


@dataclass(frozen=True, slots=True)
class StreamUnit:
    """What the work of a batched mutation (`mutate_on_stream`) is given: the caller, short
    reads that give their connection back, and the stream writer to submit to."""

    principal: Principal
    writer: StreamWriter
    _ctx: Context

    @property
    def services(self) -> Any:
        return self._ctx.services

    @property
    def address(self) -> str | None:
        """The client's address (for the budgets a stream's owner holds per address)."""
        return client_address(self._ctx.request.scope)

    async def read(self, fn: Callable[[AsyncSession], Awaitable[T]]) -> T:
        """`fn` in a read of the caller's county; the read connection goes back to the pool
        before this returns, so the work never holds one while it waits for the writer
        (held by every queued vote, they would take the whole pool and the writer could
        never get a connection to commit them)."""
        try:
            return await self._ctx.reader.run(
                fn, tenant_id=self.principal.tenant_id, user_id=self.principal.user_id
            )
        finally:
            await self._ctx.release_reader()


async def mutate_on_stream(
    ctx: Context,
    fn: Callable[[StreamUnit], Awaitable[T]],
    *,
    action: Action,
    operator_refusal: str,
    owner_limited: bool = False,
) -> tuple[T | None, list[DomainError]]:
    """The unit of work of a hot mutation written by a stream's group-commit writer.

    Takes the Context, not Info, so the meeting socket's direct operations (realtime.ws,
    no graphql-core executor) go through it as the HTTP resolvers do. In order:
    1. the principal (resolved once per request or socket); a platform operator is refused
       (PermissionDenied, `operator_refusal`: a top-level FORBIDDEN, nothing done);
    2. `action`'s rate limit for the caller and the client's address, before anything is
       read: a flood costs next to nothing (RATE_LIMITED in the payload, `Retry-After`);
       with Redis, the shared budget is spent behind the operation while this worker
       knows there is room (`backend.core.limits.SharedBuckets`); with `owner_limited`
       (votes) only this worker's own buckets, as a gate: the stream's owner holds the
       budgets that count and spends them when the operation reaches it
       (`RateLimits.check_as_owner`; its refusal comes back as RATE_LIMITED too);
    3. the request's read connection goes back to the pool;
    4. `fn(unit)`: it reads through `unit.read` (each read released at once) and writes by
       `unit.writer.submit` (one transaction, one head lock and one commit for the whole
       batch; the service builds the operation, e.g. meetings.service.cast_vote);
    5. a DomainError it raises (a refusal an operation returned is raised by `fn`) comes
       back as data, to be mapped to payload errors (`user_errors`).
    Access errors and bugs propagate (top-level errors)."""
    principal = await ctx.principal()
    if principal.is_operator:
        raise PermissionDenied(operator_refusal)
    refused = await refuse_if_rate_limited(
        ctx,
        action,
        user=(principal.tenant_id, principal.user_id),
        behind=True,
        here=owner_limited,
    )
    if refused is not None:
        return None, [refused]
    await ctx.release_reader()
    unit = StreamUnit(principal=principal, writer=ctx.services.writer, _ctx=ctx)
    try:
        return await fn(unit), []
    except RateLimited as error:  # the owner's budgets
        if ctx.response is not None:
            ctx.response.headers["Retry-After"] = str(error.retry_after)
        return None, [error]
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
