"""Failures of a dependency (PostgreSQL, a stream's owner) rather than of the request.

While PostgreSQL restarts or the worker owning a meeting's stream is being replaced, a
request fails for reasons that are neither the client's mistake nor a bug: the client
should try again in a moment. Such failures are recognised here (`is_outage`), told to
clients as `SERVICE_UNAVAILABLE` with a retry delay (HTTP 503 with `Retry-After`, a
socket operation's `error`, or a socket close 1013 "Try Again Later"), and logged as a
warning without a traceback, not as a bug (docs/operations.md, "What happens when…").
"""

from __future__ import annotations

import asyncpg
from sqlalchemy import exc as sa_exc

#: What clients are told, and how long they are asked to wait before trying again.
CODE = "SERVICE_UNAVAILABLE"
MESSAGE = "服务暂时不可用，请稍后重试"
RETRY_AFTER_SECONDS = 1
#: The websocket close code for a socket that cannot go on while a dependency is down
#: (RFC 6455's registry: 1013 Try Again Later).
CLOSE_TRY_AGAIN_LATER = 1013


class DependencyDown(Exception):
    """A dependency did not answer (e.g. no owner of a stream could be reached)."""


# asyncpg's own: the connection ended, or the server is shutting down, starting up or full.
_ASYNCPG_OUTAGES: tuple[type[BaseException], ...] = (
    asyncpg.exceptions.PostgresConnectionError,  # SQLSTATE class 08
    asyncpg.exceptions.ConnectionDoesNotExistError,
    asyncpg.exceptions.AdminShutdownError,  # 57P01: terminated by the server's shutdown
    asyncpg.exceptions.CrashShutdownError,  # 57P02
    asyncpg.exceptions.CannotConnectNowError,  # 57P03: starting up, shutting down
    asyncpg.exceptions.TooManyConnectionsError,  # 53300
)


#: asyncpg's refusal while its protocol consumes an error the server sent (PROTOCOL_ERROR_CONSUME).
_ERROR_CONSUME = "another operation (2) is in progress"


def is_outage(error: BaseException) -> bool:
    """Did `error` come from a dependency being unreachable (connection refused, reset or
    closed, the server shutting down or starting, a connect or pool timeout)? Looks
    through SQLAlchemy's wrapping and explicit causes (`raise … from`), not the context an
    error was raised in (a bug in an `except OSError` block is still a bug)."""
    seen: set[int] = set()
    todo: list[BaseException | None] = [error]
    while todo:
        e = todo.pop()
        if e is None or id(e) in seen or len(seen) > 20:
            continue
        seen.add(id(e))
        if isinstance(e, (DependencyDown, OSError, TimeoutError, *_ASYNCPG_OUTAGES)):
            return True  # OSError: refused, reset, unreachable (TimeoutError is one too)
        if isinstance(e, sa_exc.TimeoutError):  # no pooled connection came in time
            return True
        if isinstance(e, sa_exc.DBAPIError) and e.connection_invalidated:
            return True
        if isinstance(e, asyncpg.exceptions.InterfaceError) and "connection is closed" in str(e):
            return True
        if isinstance(e, asyncpg.exceptions.InternalClientError) and _ERROR_CONSUME in str(e):
            # The server's FATAL (a shutdown) arrived on an idle pooled connection, which
            # is then busy reading it until the socket closes: a statement started in
            # between is refused so (read transactions retry on a fresh connection first).
            return True
        todo.extend((getattr(e, "orig", None), e.__cause__))
    return False
