"""What the websocket endpoint needs from the app that serves it, declared here and handed
in from above: realtime stands under the schema layer and imports nothing of it.

- `SocketGraphQL`, per schema (the schema layer builds it with the schema,
  `schema.schema.build_schema(...).socket`): the strawberry schema whose fields declare
  their socket paths (`realtime.ws.fields`), the context factory, the error policy, the
  query-text limit, the bounded document cache, the limits' validation rules and the
  input checks, so that an operation over the socket is refused and reported exactly as
  over HTTP (tests/test_socket_extensions.py pins the two together).
- `SocketServices`, per app (the app's `AppServices` is one, checked by mypy where the app
  hands it to `websocket_endpoint`): the settings, the principal resolver, the hub and the
  socket counts.

Everything here is looked up once per socket (the context factory is called when the
socket opens and when its principal changes), never per frame.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from graphql import DocumentNode, GraphQLError
from starlette.websockets import WebSocket

from backend.core.limits import SizedLRU
from backend.core.security import Credentials, Principal, Resolved
from backend.core.settings import Settings
from realtime.hub import Hub
from realtime.ws.admission import SocketCounts


class SocketContext(Protocol):
    """The GraphQL context of a socket as the socket uses it; the app's own context class
    (`schema.context.Context`) is one, and its resolvers and field handlers get it."""

    @property
    def request_id(self) -> str: ...

    def for_operation(self) -> SocketContext:
        """A context for one operation: the same principal, its own loaders and reads."""
        ...

    def fresh_loaders(self) -> None:
        """Forget the loaders (per pushed event: cached ones would serve stale rows)."""
        ...


class ContextFactory(Protocol):
    """Makes the context of a socket: before connection_init (no credentials yet) and each
    time the socket adopts a principal (at init, after a re-check)."""

    def __call__(
        self,
        websocket: WebSocket,
        *,
        request_id: str,
        credentials: Credentials | None,
        principal: Principal | None,
    ) -> SocketContext: ...


#: The error policy: an execution error, classified and masked as over HTTP, given the
#: request id an unexpected error is logged with.
ClassifyError = Callable[[GraphQLError, str | None], GraphQLError]

#: A check of an operation before it runs: (query, document, operationName, variables);
#: raises a GraphQLError with a code to refuse it.
OperationCheck = Callable[[str, DocumentNode, str | None, dict[str, Any]], None]

#: The refusal of a query text before it is parsed (too long), or None.
TextCheck = Callable[[str], GraphQLError | None]


class DocumentStore(Protocol):
    """The schema's bounded cache of parsed documents and their validation errors, shared
    with the HTTP path (`schema.limits.DocumentCache` is one)."""

    @property
    def documents(self) -> SizedLRU[tuple[str, Any], DocumentNode]: ...

    @property
    def validations(self) -> SizedLRU[tuple[str, Any], list[GraphQLError]]: ...


@dataclass(frozen=True, eq=False, slots=True)
class SocketGraphQL:
    """What the socket needs of the GraphQL side, for one schema. Hashed by identity: it
    keys the socket's caches of plans (`realtime.ws.direct`)."""

    #: The strawberry.Schema: its graphql-core schema, argument converters, the field
    #: metadata of direct mutations and multiplexed subscriptions, plain subscriptions.
    schema: Any
    new_context: ContextFactory
    classify_error: ClassifyError
    #: The query-text limit, applied before parsing (as over HTTP).
    check_text: TextCheck
    documents: DocumentStore
    #: Validation rules of the limits (depth, aliases, list lengths), beside graphql-core's.
    limit_rules: tuple[Any, ...]
    #: What the input-checking extensions refuse over HTTP.
    operation_checks: tuple[OperationCheck, ...]


class Principals(Protocol):
    """Who a socket's credentials are, kept true while it is open."""

    @property
    def changes(self) -> int:
        """How many account changes were heard of so far (one that moved while a socket
        resolved may have made its principal stale)."""
        ...

    async def resolve(self, credentials: Credentials, *, request_id: str | None) -> Resolved:
        """The principal of `credentials`, or an AccessError saying why not."""
        ...

    def watch(
        self, tenant_id: int, user_id: int, watcher: Callable[[int | None], None]
    ) -> Callable[[], None]:
        """Call `watcher(version)` when the account changes; returns the unwatch."""
        ...


class SocketServices(Protocol):
    """The app's long-lived objects a socket uses."""

    @property
    def settings(self) -> Settings: ...

    @property
    def principals(self) -> Principals: ...

    @property
    def hub(self) -> Hub: ...

    @property
    def ws_sockets(self) -> SocketCounts: ...
