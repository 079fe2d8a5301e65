"""Per-request GraphQL context: who is asking, in which county, and DB access for reads.

Sibling fields resolve concurrently but an AsyncSession is not safe for concurrent use, so
every read in a request goes through `Context.read`, which serialises on one read-only
transaction (HTTP) or opens a short transaction per call (websockets, whose connections
live long). Mutations never use it: each owns its transaction (`schema.mutations.mutate`).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeAlias, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket
from strawberry.types import Info as StrawberryInfo

from backend.core.db import set_scope
from backend.core.security import Credentials, Principal, Resolved
from backend.people.principals import Loader
from schema.services import AppServices

if TYPE_CHECKING:
    # The loaders stand on the page machinery, which stands on the relay types, which name
    # this module's Info: imported when first used, not at import time.
    from schema.loaders import Loaders

T = TypeVar("T")
log = logging.getLogger(__name__)


class Reader:
    """Serialised read access for one request.

    HTTP requests share one read-only transaction, taken on the first read and ended by
    `release` (before a mutation waits for its own) or `close` (when the response is done).
    Each read runs to completion even if its field is cancelled (`Database.complete`), and
    `close` waits for the read in progress, so the connection always goes back to the pool
    at a statement boundary; reads after `close` (a sibling field still finishing) get a
    short transaction of their own."""

    def __init__(self, services: AppServices, *, persistent: bool) -> None:
        self._services = services
        self._persistent = persistent
        self._closed = False
        self._lock = asyncio.Lock()
        self._session: AsyncSession | None = None
        self._scope: tuple[int | None, int | None] = (None, None)

    async def run(
        self,
        fn: Callable[[AsyncSession], Awaitable[T]],
        *,
        tenant_id: int | None,
        user_id: int | None,
    ) -> T:
        db = self._services.db
        if not self._persistent:
            return await db.run(fn, tenant_id=tenant_id, user_id=user_id, read_only=True)
        return await db.complete(self._shared(fn, tenant_id=tenant_id, user_id=user_id))

    async def _shared(
        self,
        fn: Callable[[AsyncSession], Awaitable[T]],
        *,
        tenant_id: int | None,
        user_id: int | None,
    ) -> T:
        async with self._lock:
            if self._closed and self._session is None:
                # A read still finishing after the request ended (a cancelled sibling's): a
                # transaction of its own, so no connection is taken that nobody releases.
                # While the request's transaction is still open it is used: waiting for a
                # second connection while holding one would deadlock a busy pool.
                return await self._services.db.run(
                    fn, tenant_id=tenant_id, user_id=user_id, read_only=True
                )
            if self._session is None:
                session = self._services.db.app_session()
                try:
                    await session.begin()
                    await set_scope(session, tenant_id=tenant_id, user_id=user_id)
                except BaseException:
                    await _discard(session)
                    raise
                self._session = session
                self._scope = (tenant_id, user_id)
            elif self._scope != (tenant_id, user_id):
                await set_scope(self._session, tenant_id=tenant_id, user_id=user_id)
                self._scope = (tenant_id, user_id)
            return await fn(self._session)

    async def release(self) -> None:
        """End the read transaction and return its connection to the pool once the read in
        progress (if any) is done; a later read opens a new one."""
        async with self._lock:
            if self._session is not None:
                session, self._session = self._session, None
                await _discard(session)

    async def close(self) -> None:
        """`release`, for good: the request is over."""
        self._closed = True
        await self.release()


async def _discard(session: AsyncSession) -> None:
    """Roll back and close `session`; a connection that cannot be rolled back (broken, or
    lost by the server) is invalidated, so the pool replaces it instead of losing it."""
    try:
        await session.rollback()
        await session.close()
    except Exception:
        log.warning("read connection could not be reset; discarding it", exc_info=True)
        try:
            await session.invalidate()
        except Exception:
            log.warning("read connection could not be invalidated", exc_info=True)


@dataclass
class Context:
    services: AppServices
    request: Request | WebSocket
    response: Response | None
    request_id: str
    _credentials: Credentials | None = None
    _principal: Principal | None = None
    _reader: Reader | None = None
    _loaders: Loaders | None = None

    def for_operation(self) -> Context:
        """A context for one operation on a long-lived connection: the same services,
        request and resolved principal; its own loaders and reads."""
        return Context(
            services=self.services,
            request=self.request,
            response=self.response,
            request_id=self.request_id,
            _credentials=self._credentials,
            _principal=self._principal,
        )

    @property
    def is_websocket(self) -> bool:
        return isinstance(self.request, WebSocket)

    @property
    def reader(self) -> Reader:
        if self._reader is None:
            self._reader = Reader(self.services, persistent=not self.is_websocket)
        return self._reader

    async def read(self, fn: Callable[[AsyncSession], Awaitable[T]]) -> T:
        """Run `fn` with a read session scoped to the caller's county (RLS)."""
        principal = await self.principal()
        return await self.reader.run(fn, tenant_id=principal.tenant_id, user_id=principal.user_id)

    async def release_reader(self) -> None:
        """Give the read connection back before waiting on other work (a mutation's own
        transaction, a group-commit batch): a request must never hold two connections."""
        if self._reader is not None:
            await self._reader.release()

    async def close(self) -> None:
        """The request is over: its read connection goes back to the pool (after the read in
        progress, if a cancelled field's read is still running)."""
        if self._reader is not None:
            await self._reader.close()

    @property
    def loaders(self) -> Loaders:
        """This request's (this pushed event's) dataloaders, made on first use."""
        if self._loaders is None:
            from schema.loaders import Loaders

            self._loaders = Loaders(self)
        return self._loaders

    def fresh_loaders(self) -> None:
        """Forget the loaders, e.g. per pushed subscription event (cached ones would serve
        stale rows); new ones are made only if a resolver asks."""
        self._loaders = None

    def credentials(self) -> Credentials:
        """What the client presented: the websocket's (from its connection_init, given by
        `realtime.ws` to `socket_context`), else the request's headers (`Authorization`,
        `X-Tenant` or `?tenant=`)."""
        if self._credentials is None:
            self._credentials = credentials_from_headers(self.request)
        return self._credentials

    async def principal(self) -> Principal:
        """The actor, resolved once per request (per connection for websockets)."""
        if self._principal is None:
            resolved = await resolve_principal(
                self.services,
                self.credentials(),
                request_id=self.request_id,
                load=self._load_in_request,
            )
            self._principal = resolved.principal
        return self._principal

    async def _load_in_request(
        self, fn: Callable[[AsyncSession], Awaitable[T]], tenant_id: int, user_id: int
    ) -> T:
        return await self.reader.run(fn, tenant_id=tenant_id, user_id=user_id)


#: What a resolver's `info` is here: `info.context` is a Context (typed, so are its loaders).
Info: TypeAlias = StrawberryInfo[Context, None]


def socket_context(
    websocket: WebSocket,
    *,
    request_id: str,
    credentials: Credentials | None,
    principal: Principal | None,
) -> Context:
    """The context of a websocket (`realtime.ws.wiring.ContextFactory`, handed to the socket
    with the schema): the app's services, as over HTTP, the credentials of its
    connection_init and, once resolved, its principal."""
    return Context(
        services=websocket.app.state.services,
        request=websocket,
        response=None,
        request_id=request_id,
        _credentials=credentials,
        _principal=principal,
    )


def credentials_from_headers(request: Request | WebSocket) -> Credentials:
    """Credentials from HTTP headers: `Authorization: Bearer <token>` and the county in
    `X-Tenant` (or the `tenant` query parameter)."""
    headers = request.headers
    county = headers.get("x-tenant") or request.query_params.get("tenant")
    return Credentials.parse(headers.get("authorization"), county)


async def resolve_principal(
    services: AppServices,
    credentials: Credentials,
    *,
    request_id: str | None,
    load: Loader[Any] | None = None,
) -> Resolved:
    """The one way a principal is made, for /graphql, websockets and plain HTTP routes."""
    return await services.principals.resolve(credentials, request_id=request_id, load=load)
