"""Engines, sessions and the unit of work.

Two pools over the same database:
- the *app* pool runs as a role that owns nothing (`yishi_app`), so PostgreSQL row-level
  security applies to every statement; the county is set per transaction with
  `set_config('app.tenant_id', …, true)`.
- the *platform* pool runs as `yishi_platform`, for operators who manage counties.

Services never commit: `Database.transaction()` opens one transaction, and runs the
after-commit callbacks (event publication) only once it has committed.

Reads of a request take a `ReadTransaction` (`Database.begin_read`): a pooled connection in
a read-only transaction whose county scope is set in the same round trip as its BEGIN, and
Core SELECTs compiled once (`ReadStatement`) run on the driver without SQLAlchemy's
per-execution work; an ORM session on the same transaction is there for the reads that
need one (docs/performance.md, "List pages").

The app's `Publisher` (the realtime hub) is given to the Database when the app starts, and
every session the Database opens carries it in `session.info` (`PUBLISHER`), with the
app's choice of checking event payloads (`CHECK_EVENTS`): the event log publishes after
commit through the session it appended in, so no module holds a "current hub" and two
apps in one process never publish on each other's hub. A Database without a publisher
(the CLI, a bench) publishes nothing: subscribers catch up from the log.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any, Protocol, TypeVar
from urllib.parse import urlsplit

import asyncpg
from sqlalchemy import Select, text
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.pool import PoolProxiedConnection
from sqlalchemy.util import greenlet_spawn

from backend.core.errors import DomainError

log = logging.getLogger(__name__)

AfterCommit = Callable[[], Awaitable[None]]
T = TypeVar("T")
#: `session.info` keys of every session a Database opens (see `Database.session_info`).
PUBLISHER = "publisher"
CHECK_EVENTS = "check_events"


class Publisher(Protocol):
    """Where committed events and live values go (realtime.hub.Hub in the app)."""

    async def publish_events(self, events: list[Any]) -> None:
        """Publish committed events (`realtime.log.LoggedEvent`s)."""

    async def publish_live(
        self,
        tenant_id: int,
        stream: str,
        *,
        type: str,
        key: str,
        version: int,
        value: dict[str, Any],
    ) -> None:
        """Publish a derived live value (a poll's tally): not logged, newest version wins."""


_SET_SCOPE = text(
    "SELECT set_config('app.tenant_id', :tenant, true), set_config('app.user_id', :user, true)"
)


def async_url(url: str) -> str:
    """The SQLAlchemy asyncpg form of a libpq-style PostgreSQL URL."""
    scheme, _, rest = url.partition("://")
    if scheme in ("postgresql", "postgres"):
        return f"postgresql+asyncpg://{rest}"
    return url


def describe_url(url: str) -> str:
    """A URL without its password, for logs."""
    parts = urlsplit(url)
    host = parts.hostname or parts.query
    return f"{parts.scheme}://{parts.username or ''}@{host}{parts.path}"


#: How long opening a connection may take before the request fails (asyncpg's default is
#: 60 s): an unreachable server must fail requests fast, not hold them (docs/operations.md).
CONNECT_TIMEOUT_SECONDS = 5.0


def make_engine(
    url: str, *, role: str | None = None, pool_size: int = 10, pre_ping: bool = False
) -> AsyncEngine:
    """An asyncpg engine; `role` becomes the session's role at connection start.

    `pre_ping` tests each connection as it is checked out (a round trip), so a connection
    the server dropped (restart, terminated backend) is replaced before it fails a request.
    Without it the first request on a dropped connection fails and the pool then replaces
    every connection older than the failure."""
    server_settings = {"application_name": "yishi", "jit": "off"}
    if role:
        server_settings["role"] = role
    return create_async_engine(
        async_url(url),
        pool_size=pool_size,
        max_overflow=pool_size,
        pool_pre_ping=pre_ping,
        connect_args={"server_settings": server_settings, "timeout": CONNECT_TIMEOUT_SECONDS},
    )


class Database:
    """The service's database access: app and platform pools, transactions with a scope."""

    def __init__(
        self,
        *,
        owner_url: str,
        app_url: str | None = None,
        app_role: str = "yishi_app",
        platform_role: str = "yishi_platform",
        pool_size: int = 10,
        publisher: Publisher | None = None,
        check_events: bool = False,
    ) -> None:
        self.owner_url = owner_url
        #: The app's publisher (set when the app starts: the hub needs this Database first).
        self.publisher = publisher
        #: Whether domains check each event's payload against its declaration
        #: (`realtime.event_types`): on in development and tests.
        self.check_events = check_events
        # With a dedicated login URL the role comes from the login itself.
        self.app_engine = make_engine(
            app_url or owner_url, role=None if app_url else app_role, pool_size=pool_size
        )
        # Rarely used (operators, the timer scheduler's scan), so the ping costs little.
        self.platform_engine = make_engine(
            owner_url, role=platform_role, pool_size=2, pre_ping=True
        )
        self._app_sessions = async_sessionmaker(self.app_engine, expire_on_commit=False)
        self._platform_sessions = async_sessionmaker(self.platform_engine, expire_on_commit=False)
        # Work that `complete` keeps running after its caller was cancelled.
        self._detached: set[asyncio.Future[Any]] = set()

    async def dispose(self) -> None:
        if self._detached:
            await asyncio.wait(set(self._detached), timeout=10)
        await self.app_engine.dispose()
        await self.platform_engine.dispose()

    async def complete(self, work: Awaitable[T]) -> T:
        """Await `work` (which uses a connection) so that it runs to its end even when the
        awaiting task is cancelled.

        A statement cut off in the middle leaves its asyncpg connection busy ("another
        operation is in progress"): the rollback that should end the transaction then fails
        and the connection stays checked out, idle in transaction, for good. graphql-core
        cancels a field's siblings when it fails, and a websocket client may stop an
        operation at any moment, so every unit of work goes through here. The caller still
        sees its cancellation at once; the work finishes (and its transaction ends) in the
        background, kept by the database until `dispose`."""
        future = asyncio.ensure_future(work)
        if future.done():
            return future.result()
        self._detached.add(future)
        future.add_done_callback(self._settled)
        return await asyncio.shield(future)

    def _settled(self, future: asyncio.Future[Any]) -> None:
        self._detached.discard(future)
        if not future.cancelled() and future.exception() is not None:
            # Retrieved here so that a failure whose caller went away is not reported as
            # "never retrieved"; the caller, if still there, gets it through the shield.
            log.debug("database work ended with %r", future.exception())

    async def run(
        self,
        fn: Callable[[AsyncSession], Awaitable[T]],
        *,
        tenant_id: int | None,
        user_id: int | None = None,
        read_only: bool = False,
    ) -> T:
        """`fn` in its own transaction (see `transaction`), run to completion (`complete`)."""

        async def unit() -> T:
            async with self.transaction(
                tenant_id=tenant_id, user_id=user_id, read_only=read_only
            ) as session:
                return await fn(session)

        return await self.complete(unit())

    async def run_platform(self, fn: Callable[[AsyncSession], Awaitable[T]]) -> T:
        """`fn` in a platform transaction, run to completion (`complete`)."""

        async def unit() -> T:
            async with self.platform_transaction() as session:
                return await fn(session)

        return await self.complete(unit())

    @asynccontextmanager
    async def transaction(
        self, *, tenant_id: int | None, user_id: int | None = None, read_only: bool = False
    ) -> AsyncIterator[AsyncSession]:
        """One transaction scoped to a county (RLS) and an acting user.

        Commits when the block exits normally, rolls back on any exception, and runs the
        callbacks registered with `after_commit` only after a successful commit.
        """
        async with self._app_sessions(info=self.session_info()) as session:
            async with session.begin():
                if read_only:
                    await session.connection(execution_options={"postgresql_readonly": True})
                await set_scope(session, tenant_id=tenant_id, user_id=user_id)
                yield session
            await run_after_commit(session)

    async def begin_read(self, *, tenant_id: int | None, user_id: int | None) -> ReadTransaction:
        """A read-only transaction scoped to a county and user on a pooled connection; the
        caller ends it with `ReadTransaction.end` (through `complete`, so that it ends even
        if the caller is cancelled)."""
        for attempt in (1, 2):
            read = ReadTransaction(self, await self.app_engine.raw_connection())
            try:
                await read.begin(tenant_id=tenant_id, user_id=user_id)
            except asyncpg.exceptions.InternalClientError:
                # The connection was busy before this transaction's first statement: the
                # server was telling it something while it idled in the pool (the FATAL of a
                # shutdown, seen while PostgreSQL restarts: "cannot switch to state 15;
                # another operation (2) is in progress"). Nothing was sent: discard it and
                # try a fresh one, which then reads or fails as an outage (refused).
                await read.discard()
                if attempt == 2:
                    raise
                continue
            except BaseException:
                await read.end()
                raise
            return read
        raise AssertionError("unreachable")

    async def read_rows(
        self,
        statement: ReadStatement,
        params: dict[str, Any],
        *,
        tenant_id: int | None,
        user_id: int | None,
    ) -> list[tuple[Any, ...]]:
        """`statement`'s rows in a read transaction of their own, run to completion."""

        async def unit() -> list[tuple[Any, ...]]:
            read = await self.begin_read(tenant_id=tenant_id, user_id=user_id)
            try:
                return await read.rows(statement, params)
            finally:
                await read.end()

        return await self.complete(unit())

    @asynccontextmanager
    async def platform_transaction(self) -> AsyncIterator[AsyncSession]:
        """A transaction as the platform operator role (across counties)."""
        async with self._platform_sessions(info=self.session_info()) as session:
            async with session.begin():
                yield session
            await run_after_commit(session)

    def app_session(self) -> AsyncSession:
        """A bare app-role session; the caller owns its transactions (long-lived readers)."""
        return self._app_sessions(info=self.session_info())

    def session_info(self) -> dict[str, Any]:
        """What each session of this Database carries in `session.info`: the app's
        publisher and whether event payloads are checked."""
        return {PUBLISHER: self.publisher, CHECK_EVENTS: self.check_events}


def scope_sql(tenant_id: int | None, user_id: int | None) -> str:
    """`set_config` of the county and user for the current transaction, as literal SQL
    (for a simple-query batch: one round trip with its BEGIN). Only integers reach it."""
    tenant = "" if tenant_id is None else str(int(tenant_id))
    user = "" if user_id is None else str(int(user_id))
    return (
        f"SELECT set_config('app.tenant_id', '{tenant}', true), "
        f"set_config('app.user_id', '{user}', true)"
    )


class ReadStatement:
    """A Core SELECT, compiled once per dialect for `ReadTransaction.rows`: its SQL, where
    each bound parameter goes, their bind processors and the columns' result processors
    (the values are what SQLAlchemy would give: enum members, not their strings). The
    statement's own bound values are fixed at compile time; the caller gives the others
    by name (`bindparam("limit")`). Expanding parameters (`in_()` of a bound list) render
    per execution and are refused: bind the values in the statement instead."""

    __slots__ = ("_compiled", "statement")

    def __init__(self, statement: Select[Any]) -> None:
        self.statement = statement
        self._compiled: _Compiled | None = None

    def compiled(self, dialect: Dialect) -> _Compiled:
        found = self._compiled
        if found is None or found.dialect is not dialect:
            found = self._compiled = _Compiled(self.statement, dialect)
        return found


class _Compiled:
    __slots__ = ("dialect", "fixed", "given", "processors", "sql")

    def __init__(self, statement: Select[Any], dialect: Dialect) -> None:
        compiled = statement.compile(dialect=dialect)
        if compiled.post_compile_params or compiled.literal_execute_params:
            raise ValueError("a ReadStatement cannot have expanding or literal parameters")
        self.dialect = dialect
        self.sql = compiled.string
        # Per position: the caller's parameter (position, name, bind processor), or the
        # statement's own value, processed once.
        self.given: list[tuple[int, str, Any]] = []
        fixed: list[Any] = []
        for i, name in enumerate(compiled.positiontup or ()):
            bind = compiled.binds[name]
            process = bind.type.dialect_impl(dialect).bind_processor(dialect)
            fixed.append(None)
            if bind.required:
                self.given.append((i, bind.key, process))
            else:
                value = bind.effective_value
                fixed[i] = process(value) if process is not None else value
        self.fixed = tuple(fixed)
        self.processors = [
            (i, process)
            for i, column in enumerate(statement.selected_columns)
            if (process := column.type.dialect_impl(dialect).result_processor(dialect, None))
            is not None
        ]

    def arguments(self, params: dict[str, Any]) -> list[Any]:
        args = list(self.fixed)
        for i, name, process in self.given:
            value = params[name]
            args[i] = process(value) if process is not None else value
        return args

    def rows(self, records: list[Any]) -> list[tuple[Any, ...]]:
        if not self.processors:
            return [tuple(r) for r in records]
        out = []
        for record in records:
            row = list(record)
            for i, process in self.processors:
                row[i] = process(row[i])
            out.append(tuple(row))
        return out


class ReadTransaction:
    """One read-only transaction on a pooled connection (`Database.begin_read`).

    BEGIN and the county scope go in one simple-query round trip, so no statement of the
    transaction runs before its county is set (row-level security); `rows` runs a
    `ReadStatement` on the driver (one round trip, a prepared statement after the first);
    `session()` is an ORM session on the same transaction, made when first asked for (the
    connection's SQLAlchemy adapter is in autocommit meanwhile, so it begins no transaction
    of its own inside this one); `end` rolls back and gives the connection back, or
    invalidates it if it cannot be rolled back, so a connection never goes back to the
    pool inside a transaction.

    Statements run on the driver are reported to the engine's `before_cursor_execute`
    listeners (cursor and context None) when it has any, so statement counts see them."""

    def __init__(self, db: Database, fairy: PoolProxiedConnection) -> None:
        self._db = db
        self._fairy = fairy
        self._adapted: Any = fairy.dbapi_connection
        self._raw: Any = fairy.driver_connection
        self._engine = db.app_engine
        self._dialect = db.app_engine.dialect
        self._connection: AsyncConnection | None = None
        self._session: AsyncSession | None = None

    def _report(self, sql: str, args: Any) -> None:
        listeners = self._engine.sync_engine.dispatch.before_cursor_execute
        if listeners:
            sync = self._connection.sync_connection if self._connection is not None else None
            listeners(sync, None, sql, args, None, False)

    async def begin(self, *, tenant_id: int | None, user_id: int | None) -> None:
        raw = self._raw
        if raw is None or raw.is_in_transaction():
            # Never expected (every end rolls back or invalidates): refuse the connection
            # rather than read in a transaction that is not this one.
            raise RuntimeError("a pooled connection was handed out inside a transaction")
        self._adapted.autocommit = True
        sql = f"BEGIN READ ONLY; {scope_sql(tenant_id, user_id)}"
        self._report(sql, ())
        await raw.execute(sql)

    async def rescope(self, *, tenant_id: int | None, user_id: int | None) -> None:
        """Another county or user for the rest of the transaction."""
        sql = scope_sql(tenant_id, user_id)
        self._report(sql, ())
        await self._raw.execute(sql)

    async def rows(self, statement: ReadStatement, params: dict[str, Any]) -> list[tuple[Any, ...]]:
        """The rows of `statement` (values processed as SQLAlchemy would), as tuples."""
        compiled = statement.compiled(self._dialect)
        args = compiled.arguments(params)
        self._report(compiled.sql, args)
        return compiled.rows(await self._raw.fetch(compiled.sql, *args))

    def session(self) -> AsyncSession:
        """An ORM session in this transaction (it never commits: reads only)."""
        if self._session is None:
            if self._connection is None:
                sync = Connection(self._engine.sync_engine, connection=self._fairy)
                self._connection = AsyncConnection(self._engine, sync)
            self._session = AsyncSession(
                bind=self._connection, info=self._db.session_info(), expire_on_commit=False
            )
        return self._session

    async def discard(self) -> None:
        """Close the connection instead of giving it back: the pool replaces it."""
        try:
            await greenlet_spawn(self._fairy.invalidate)
        except Exception:
            log.warning("read connection could not be invalidated", exc_info=True)
        finally:
            await greenlet_spawn(self._fairy.close)

    async def end(self) -> None:
        """Roll back and give the connection back to the pool; a connection that cannot be
        rolled back (broken, or lost by the server) is invalidated, so the pool replaces it
        instead of handing it out inside a transaction."""
        session, self._session = self._session, None
        try:
            if session is not None:
                await session.close()
            raw = self._raw
            if raw is None or raw.is_closed():
                await greenlet_spawn(self._fairy.invalidate)
            elif raw.is_in_transaction():
                await raw.execute("ROLLBACK")
            self._adapted.autocommit = False
        except Exception:
            log.warning("read connection could not be reset; discarding it", exc_info=True)
            try:
                await greenlet_spawn(self._fairy.invalidate)
            except Exception:
                log.warning("read connection could not be invalidated", exc_info=True)
        finally:
            if self._connection is not None:
                await self._connection.close()  # gives the pooled connection back
            else:
                await greenlet_spawn(self._fairy.close)


async def driver_connection(session: AsyncSession) -> Any:
    """The asyncpg connection under `session`, inside the session's open transaction (the
    county scope is set on it, so RLS applies as to any statement of the session). Pending
    ORM changes are flushed first, as SQLAlchemy's autoflush would before a statement."""
    await session.flush()
    connection = await session.connection()
    raw = (await connection.get_raw_connection()).driver_connection
    # Outside a transaction, a statement here would run and commit on its own.
    if raw is None or not raw.is_in_transaction():
        raise RuntimeError("driver_connection needs a transaction that has begun")
    return raw


def after_commit(session: AsyncSession, callback: AfterCommit) -> None:
    """Run `callback` once the session's transaction has committed (never if it rolls back)."""
    session.info.setdefault("after_commit", []).append(callback)


async def run_after_commit(session: AsyncSession) -> None:
    callbacks: list[AfterCommit] = session.info.pop("after_commit", [])
    for callback in callbacks:
        try:
            await callback()
        except Exception:  # a failed publication must not fail a committed change
            log.exception("after-commit callback failed")


async def set_scope(session: AsyncSession, *, tenant_id: int | None, user_id: int | None) -> None:
    """Apply the county and user to the session's current transaction."""
    # On the session's connection (Core), not through the ORM session: nothing is pending
    # here, and every request pays this statement (a page's read costs ~40 µs less).
    connection = await session.connection()
    await connection.execute(
        _SET_SCOPE,
        {
            "tenant": "" if tenant_id is None else str(tenant_id),
            "user": "" if user_id is None else str(user_id),
        },
    )


@asynccontextmanager
async def refusing_duplicates(
    session: AsyncSession, errors: dict[str, DomainError]
) -> AsyncIterator[None]:
    """Run the block (an insert) in a savepoint. The existence checks before an insert
    cannot see a concurrent request's uncommitted row, so two requests may both pass them;
    the loser then breaks a unique constraint, which becomes the DomainError named for it
    in `errors` instead of a server error."""
    try:
        async with session.begin_nested():
            yield
    except IntegrityError as exc:
        for constraint, error in errors.items():
            if constraint in str(exc.orig):
                raise error from None
        raise
