"""GraphQL over websockets (graphql-transport-ws, and legacy graphql-ws), multiplexed.

strawberry's own websocket handler executes every subscription once per watcher per
event; with thousands of watchers that is the bottleneck (see DESIGN §3). This endpoint
speaks both protocols itself and, for subscription fields declared *multiplexed* in their
metadata (`realtime.ws.fields`), joins each watcher to a `realtime.feeds.Group`: the event
is executed once per group and every member gets the same pre-encoded payload. Queries
and mutations over the socket (a vote cast from the live view) are executed directly by
graphql-core on the cached document with the connection's principal: far cheaper than an
HTTP request each. Other subscriptions go through strawberry as usual.

What it needs of the schema layer above (the context, the error policy, the limits and
the document cache) and of the app (its services) is handed in by the app through the
Protocols of `realtime.ws.wiring`; nothing here imports the schema.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import orjson
from graphql import (
    DocumentNode,
    ExecutionResult,
    GraphQLError,
    OperationDefinitionNode,
    OperationType,
    execute,
    is_non_null_type,
    located_error,
)
from graphql.execution.values import get_argument_values, get_variable_values
from starlette.websockets import WebSocket, WebSocketDisconnect, WebSocketState
from strawberry.types.arguments import convert_arguments

from backend.core.errors import AccessError, DomainError, InvalidArgument
from backend.core.security import Credentials, Resolved
from realtime.feeds import Member
from realtime.log import LoggedEvent
from realtime.streams import RESYNC_TYPE
from realtime.ws.admission import (
    CLOSE_BAD_REQUEST,
    CLOSE_NEEDS_TOKEN,
    CLOSE_TOO_BIG,
    CLOSE_TOO_MANY,
    PERMISSIONS_CHANGED,
    TOO_MANY_OPERATIONS,
    InitRefused,
    TokenBucket,
    credentials_from_init,
    refusal,
    upgrade_credentials,
)
from realtime.ws.direct import (
    DIRECT_MAX_CHARS,
    _direct_plan,
    _DirectPlan,
    _formatted,
    _operation,
    _parse_and_validate,
)
from realtime.ws.fields import Plan, socket_fields
from realtime.ws.frames import direct_frame_writer, socket_buffer_size
from realtime.ws.joining import subscription_arguments
from realtime.ws.wiring import SocketContext, SocketGraphQL, SocketServices

log = logging.getLogger(__name__)

TRANSPORT_WS = "graphql-transport-ws"
LEGACY_WS = "graphql-ws"
INIT_TIMEOUT_SECONDS = 10


def _error_payload(error: GraphQLError | Exception, code: str | None = None) -> dict[str, Any]:
    if isinstance(error, GraphQLError):
        formatted = error.formatted
        if code:
            # a code the error carries (BAD_USER_INPUT of an input check) is kept
            formatted["extensions"] = {"code": code, **(formatted.get("extensions") or {})}
        return dict(formatted)
    return {"message": str(error), "extensions": {"code": code or "INTERNAL_SERVER_ERROR"}}


class GraphQLWebSocket:
    """One websocket connection, speaking `protocol`."""

    def __init__(
        self,
        websocket: WebSocket,
        services: SocketServices,
        graphql: SocketGraphQL,
        protocol: str,
    ) -> None:
        self.ws = websocket
        self.services = services
        self.graphql = graphql
        self.schema = graphql.schema  # strawberry.Schema
        self.fields = socket_fields(self.schema)  # direct and multiplexed fields (metadata)
        self.protocol = protocol
        self.legacy = protocol == LEGACY_WS
        self.request_id: str = websocket.scope.get("state", {}).get("request_id", "-")
        self._credentials: Credentials | None = None  # from connection_init
        self.ctx: SocketContext = graphql.new_context(
            websocket, request_id=self.request_id, credentials=None, principal=None
        )
        self.acked = False
        self.init_received = False
        self.operations: dict[str, asyncio.Task[None]] = {}
        self.members: dict[str, Member] = {}
        self._send_lock = asyncio.Lock()
        self._write_frame = direct_frame_writer(websocket)
        settings = services.settings
        self._limits = (settings.max_tokens, settings.max_query_depth, settings.max_aliases)
        self._max_size = settings.ws_max_size
        self._max_operations = settings.ws_max_operations
        self._bucket = TokenBucket(settings.ws_message_rate, settings.ws_message_burst)
        # The principal, and what keeps it true for the socket's lifetime (on_init):
        self.resolved: Resolved | None = None
        self._expiry: asyncio.TimerHandle | None = None
        self._unwatch: Callable[[], None] | None = None
        self._account: tuple[int, int] | None = None
        self._recheck: asyncio.Task[None] | None = None
        # A change heard of while re-checking: its version (None: unknown), or False.
        self._recheck_again: int | bool | None = False
        self._closer: asyncio.Future[None] | None = None
        self.closing = False

    # -- transport ---------------------------------------------------------------------

    async def send(self, message: dict[str, Any]) -> None:
        await self.send_text(orjson.dumps(message).decode())

    async def send_text(self, text: str) -> None:
        if self.ws.application_state != WebSocketState.CONNECTED:
            raise WebSocketDisconnect(1006)
        if self._write_frame is not None and self._write_frame(text.encode()):
            return
        await self.ws.send_text(text)

    async def close(self, code: int, reason: str) -> None:
        self.closing = True
        if self.ws.application_state == WebSocketState.CONNECTED:
            with contextlib.suppress(Exception):
                await self.ws.close(code=code, reason=reason)

    async def run(self) -> None:
        timeout = asyncio.get_running_loop().call_later(
            INIT_TIMEOUT_SECONDS, lambda: asyncio.ensure_future(self._init_timeout())
        )
        try:
            while True:
                try:
                    raw = await self.ws.receive_text()
                except (WebSocketDisconnect, RuntimeError, KeyError):
                    return
                if len(raw) > self._max_size:  # a server that does not enforce ws_max_size
                    await self.close(CLOSE_TOO_BIG, "Message too big")
                    return
                if not self._bucket.take():
                    await self.close(CLOSE_TOO_MANY, "Too many messages")
                    return
                try:
                    message = orjson.loads(raw)
                    if not isinstance(message, dict) or not isinstance(message.get("type"), str):
                        raise ValueError("message must be an object with a type")
                except ValueError:
                    await self.close(4400, "Invalid message")
                    return
                try:
                    if not await self.dispatch(message):
                        return
                except (WebSocketDisconnect, asyncio.CancelledError):
                    raise
                except Exception:  # a bug or a lost database: a clear close, not a drop
                    log.exception("websocket message %r failed", message.get("type"))
                    await self.close(1011, "Internal error")
                    return
        finally:
            timeout.cancel()
            await self.cleanup()

    async def _init_timeout(self) -> None:
        if not self.init_received:
            await self.close(4408, "Connection initialisation timeout")

    async def cleanup(self) -> None:
        self.closing = True
        if self._expiry is not None:
            self._expiry.cancel()
        if self._unwatch is not None:
            self._unwatch()
        counts = self.services.ws_sockets
        if self._account is not None:
            counts.give_back(counts.by_account, self._account)
            self._account = None
        if self._recheck is not None:
            self._recheck.cancel()
        for op_id in list(self.operations):
            await self.stop(op_id)

    # -- protocol ------------------------------------------------------------------------

    async def dispatch(self, message: dict[str, Any]) -> bool:
        """Handle one client message; False ends the connection."""
        kind = message["type"]
        if kind == "connection_init":
            return await self.on_init(message.get("payload"))
        if kind == "ping" and not self.legacy:
            await self.send({"type": "pong"})
            return True
        if kind == "pong" and not self.legacy:
            return True
        if kind == ("start" if self.legacy else "subscribe"):
            return await self.on_subscribe(message)
        if kind == ("stop" if self.legacy else "complete"):
            await self.stop(str(message.get("id")))
            return True
        if kind == "connection_terminate" and self.legacy:
            await self.close(1000, "Terminated")
            return False
        await self.close(4400, f"Unknown message type: {kind}")
        return False

    async def on_init(self, payload: Any) -> bool:
        if self.init_received:
            await self.close(4429, "Too many initialisation requests")
            return False
        self.init_received = True
        if payload is not None and not isinstance(payload, dict):
            await self.close(CLOSE_BAD_REQUEST, "Invalid connection init payload")
            return False
        resolver = self.services.principals
        changes = resolver.changes
        try:
            credentials = credentials_from_init(payload or {}, self._header_credentials())
            self._credentials = credentials
            resolved = await resolver.resolve(credentials, request_id=self.request_id)
        except InitRefused as exc:
            await self.close(CLOSE_BAD_REQUEST, str(exc))
            return False
        except AccessError as exc:
            if self.legacy:
                await self.send({"type": "connection_error", "payload": {"message": exc.message}})
            await self.close(*refusal(exc))
            return False
        principal = resolved.principal
        if principal.user_id is not None:
            assert principal.tenant_id is not None
            account = (principal.tenant_id, principal.user_id)
            counts = self.services.ws_sockets
            limit = self.services.settings.ws_max_sockets_per_user
            if not counts.take(counts.by_account, account, limit):
                await self.close(CLOSE_TOO_MANY, "Too many sockets for this account")
                return False
            self._account = account
            self._unwatch = resolver.watch(*account, self._credentials_changed)
        self._adopt(resolved)
        if self._unwatch is not None and resolver.changes != changes:
            self._credentials_changed(None)  # a change heard of while resolving: check again
        if resolved.expires_at is not None:
            loop = asyncio.get_running_loop()
            delay = max(0.0, resolved.expires_at - time.time())
            self._expiry = loop.call_later(delay, self._token_expired)
        self.acked = True
        # Nothing internal (ids) in the ack; when the token expires, the socket closes.
        expires = resolved.expires_at
        await self.send(
            {
                "type": "connection_ack",
                "payload": {
                    "expiresAt": None
                    if expires is None
                    else datetime.fromtimestamp(expires, UTC).isoformat()
                },
            }
        )
        if self.legacy:
            await self.send({"type": "ka"})
        return True

    def _header_credentials(self) -> Credentials:
        return upgrade_credentials(self.ws.scope)

    def _adopt(self, resolved: Resolved) -> None:
        """Operations from now on run as `resolved`. A new context, not the old one
        changed: groups keep rendering with the context they were made with."""
        self.resolved = resolved
        self.ctx = self.graphql.new_context(
            self.ws,
            request_id=self.request_id,
            credentials=self._credentials,
            principal=resolved.principal,
        )

    # -- keeping the principal true ------------------------------------------------------

    def _token_expired(self) -> None:
        self._expiry = None
        if not self.closing:
            self._closer = asyncio.ensure_future(self.close(CLOSE_NEEDS_TOKEN, "Token expired"))

    def _credentials_changed(self, version: int | None) -> None:
        """The account changed (a password, a role, its active flag), or may have."""
        current = self.resolved.credentials_version if self.resolved else None
        if version is not None and current is not None and version <= current:
            return  # already re-checked at this version or later
        if self._recheck is not None and not self._recheck.done():
            pending = self._recheck_again
            if pending is False or version is None:
                self._recheck_again = version
            elif pending is not None and not isinstance(pending, bool):
                self._recheck_again = max(pending, version)
            return
        self._recheck = asyncio.ensure_future(self._check_again())

    async def _check_again(self) -> None:
        """Resolve the socket's credentials again: refused → the socket closes with the
        reason; roles changed → its subscriptions end with PERMISSIONS_CHANGED (they were
        authorised with the old roles; the client subscribes again)."""
        while not self.closing:
            credentials = self._credentials
            assert credentials is not None  # set by connection_init, before any re-check
            try:
                resolved = await self.services.principals.resolve(
                    credentials, request_id=self.request_id
                )
            except AccessError as exc:
                await self.close(*refusal(exc))
                return
            except Exception:
                log.exception("re-checking a socket's principal failed")
                await self.close(1011, "Internal error")
                return
            before = self.resolved.principal if self.resolved else None
            self._adopt(resolved)
            if before is not None and before.grants != resolved.principal.grants:
                await self._end_subscriptions()
            again, self._recheck_again = self._recheck_again, False
            if again is False:
                return
            adopted = resolved.credentials_version
            if again is not None and adopted is not None and again <= adopted:
                return  # what we just read already includes that change

    async def _end_subscriptions(self) -> None:
        error = {
            "message": "权限已变更，请重新订阅",
            "extensions": {"code": PERMISSIONS_CHANGED},
        }
        for op_id in list(self.members):
            await self.stop(op_id)
            await self._safe(self.send_error(op_id, [error]))
        for op_id, task in list(self.operations.items()):
            if not task.done():  # a plain subscription still streaming
                await self.stop(op_id)
                await self._safe(self.send_error(op_id, [error]))

    async def on_subscribe(self, message: dict[str, Any]) -> bool:
        if not self.acked:
            await self.close(4401, "Unauthorized")
            return False
        op_id = message.get("id")
        payload = message.get("payload")
        if not isinstance(op_id, str) or not isinstance(payload, dict):
            await self.close(4400, "Invalid subscribe message")
            return False
        if op_id in self.operations:
            if self.legacy:
                await self.stop(op_id)
            else:
                await self.close(4409, f"Subscriber for {op_id} already exists"[:120])
                return False
        if self._recheck is not None and not self._recheck.done():
            # The account changed: nothing runs until the socket knows who it is now.
            await asyncio.shield(self._recheck)
            if self.closing:
                return False
        expires = self.resolved.expires_at if self.resolved else None
        if expires is not None and time.time() >= expires:  # before the timer fires
            await self.close(CLOSE_NEEDS_TOKEN, "Token expired")
            return False
        if len(self.operations) >= self._max_operations:
            await self.send_error(
                op_id,
                [
                    {
                        "message": f"每个连接最多同时进行{self._max_operations}个操作",
                        "extensions": {"code": TOO_MANY_OPERATIONS},
                    }
                ],
            )
            return True
        task = asyncio.create_task(self.run_operation(op_id, payload))
        self.operations[op_id] = task
        task.add_done_callback(functools.partial(self._forget, op_id))
        return True

    def _forget(self, op_id: str, task: asyncio.Task[None]) -> None:
        if self.operations.get(op_id) is task and op_id not in self.members:
            del self.operations[op_id]

    async def stop(self, op_id: str) -> None:
        member = self.members.pop(op_id, None)
        if member is not None:
            await member.leave()
        task = self.operations.pop(op_id, None)
        if task is not None and not task.done():
            task.cancel()
            with contextlib.suppress(BaseException):
                await task

    async def send_next(self, op_id: str, payload: dict[str, Any]) -> None:
        await self.send(
            {"id": op_id, "type": "data" if self.legacy else "next", "payload": payload}
        )

    async def send_error(self, op_id: str, errors: list[dict[str, Any]]) -> None:
        if self.legacy:
            await self.send({"id": op_id, "type": "error", "payload": errors[0]})
        else:
            await self.send({"id": op_id, "type": "error", "payload": errors})

    async def send_complete(self, op_id: str) -> None:
        await self.send({"id": op_id, "type": "complete"})

    # -- operations ----------------------------------------------------------------------

    async def run_operation(self, op_id: str, payload: dict[str, Any]) -> None:
        query = payload.get("query")
        variables = payload.get("variables") or {}
        operation_name = payload.get("operationName")
        try:
            if not isinstance(query, str) or not isinstance(variables, dict):
                raise GraphQLError("query must be a string and variables an object")
            too_long = self.graphql.check_text(query)  # as over HTTP, before parsing
            if too_long is not None:
                raise too_long
            document = self.parse_and_validate(query)
            for check in self.graphql.operation_checks:
                check(query, document, operation_name, variables)  # as over HTTP
            operation = _operation(document, operation_name)
            if operation.operation is not OperationType.SUBSCRIPTION:
                plan = (
                    _direct_plan(self.graphql, query, operation_name, *self._limits)
                    if len(query) <= DIRECT_MAX_CHARS
                    else None
                )
                if plan is not None:
                    result = await self.execute_direct(plan, operation, variables)
                else:
                    result = await self.execute_once(document, operation, variables)
                await self.send_text(self._next_head(op_id) + orjson.dumps(result).decode() + "}")
                await self.send_complete(op_id)
                return
            field = operation.selection_set.selections[0]
            name = field.name.value  # type: ignore[attr-defined]
            if name in self.fields.multiplexed:
                await self.join_group(op_id, query, document, operation, variables, name)
                return
            await self.run_plain_subscription(op_id, query, variables, operation_name)
        except GraphQLError as error:
            await self._safe(
                self.send_error(op_id, [_error_payload(error, "GRAPHQL_VALIDATION_FAILED")])
            )
        except AccessError as error:
            await self._safe(
                self.send_error(
                    op_id, [{"message": error.message, "extensions": {"code": error.code}}]
                )
            )
        except DomainError as error:
            await self._safe(
                self.send_error(
                    op_id,
                    [
                        {
                            "message": error.message,
                            "extensions": {"code": error.code.value, "field": error.field},
                        }
                    ],
                )
            )
        except asyncio.CancelledError:
            raise
        except (WebSocketDisconnect, RuntimeError):
            return
        except Exception:
            log.exception("websocket operation %s failed", op_id)
            await self._safe(
                self.send_error(
                    op_id,
                    [
                        {
                            "message": "服务器内部错误，请稍后重试",
                            "extensions": {
                                "code": "INTERNAL_SERVER_ERROR",
                                "requestId": self.request_id,
                            },
                        }
                    ],
                )
            )

    async def execute_once(
        self,
        document: DocumentNode,
        operation: OperationDefinitionNode,
        variables: dict[str, Any],
    ) -> dict[str, Any]:
        """A query or mutation sent over the socket (e.g. a vote from the live view).

        Executed by graphql-core on the document already parsed and validated (cached per
        query text), with the principal resolved at connection_init: no HTTP request, no
        token check, no per-request extension hooks; errors get the same classification and
        masking as over HTTP (`ErrorPolicy`). Each operation has its own context (loaders,
        reads), sharing only the connection's principal."""
        ctx = self.ctx.for_operation()
        result = execute(
            self.schema._schema,
            document,
            context_value=ctx,
            variable_values=variables,
            operation_name=operation.name.value if operation.name else None,
        )
        if isinstance(result, Awaitable):
            result = await result
        if result.errors:
            classify = self.graphql.classify_error
            result.errors = [classify(e, ctx.request_id) for e in result.errors]
        return _formatted(result)

    async def execute_direct(
        self, plan: _DirectPlan, operation: OperationDefinitionNode, variables: dict[str, Any]
    ) -> dict[str, Any]:
        """A registered hot mutation (a vote): the same variable and argument coercion as
        graphql-core, the field's handler, then its payload projected onto the selection.
        graphql-core's executor leaves a few dozen objects in reference cycles per
        execution, whose collection paused the loop under live voting."""
        ctx = self.ctx.for_operation()
        gql_schema = self.schema._schema
        coerced = get_variable_values(gql_schema, operation.variable_definitions or (), variables)
        if isinstance(coerced, list):  # variables that do not fit their definitions
            classify = self.graphql.classify_error
            errors = [classify(e, ctx.request_id).formatted for e in coerced]
            return {"data": None, "errors": errors}
        try:
            args = get_argument_values(plan.field_def, plan.node, coerced)
            # As strawberry hands them to the resolver: Python names and types (GlobalID…)
            kwargs = convert_arguments(
                args,
                plan.arguments,
                scalar_registry=self.schema.schema_converter.scalar_registry,
                config=self.schema.config,
            )
            value = plan.project(await plan.handler(ctx, kwargs))
        except Exception as exc:  # as graphql-core reports a failing root field
            error = self.graphql.classify_error(
                located_error(exc, [plan.node], [plan.key]), ctx.request_id
            )
            data = None if is_non_null_type(plan.field_def.type) else {plan.key: None}
            return {"data": data, "errors": [error.formatted]}
        return {"data": {plan.key: value}}

    def _next_head(self, op_id: str) -> str:
        kind = "data" if self.legacy else "next"
        return '{"id":' + orjson.dumps(op_id).decode() + ',"type":"' + kind + '","payload":'

    async def _safe(self, coro: Awaitable[None]) -> None:
        with contextlib.suppress(WebSocketDisconnect, RuntimeError):
            await coro

    def parse_and_validate(self, query: str) -> DocumentNode:
        return _parse_and_validate(self.graphql, query, *self._limits)

    async def run_plain_subscription(
        self, op_id: str, query: str, variables: dict[str, Any], operation_name: str | None
    ) -> None:
        result = await self.schema.subscribe(
            query, variable_values=variables, context_value=self.ctx, operation_name=operation_name
        )
        if isinstance(result, ExecutionResult):
            await self.send_error(op_id, [dict(e.formatted) for e in result.errors or []])
            return
        async for item in result:
            await self.send_next(op_id, _formatted(item))
        await self.send_complete(op_id)

    async def join_group(
        self,
        op_id: str,
        query: str,
        document: DocumentNode,
        operation: OperationDefinitionNode,
        variables: dict[str, Any],
        field_name: str,
    ) -> None:
        args = subscription_arguments(self.schema._schema, query, operation, variables, field_name)
        plan = await self.fields.multiplexed[field_name](self.ctx, args)
        hub = self.services.hub
        feed = await hub.feed(plan.tenant_id, plan.stream)
        if plan.after is not None and plan.after > feed.last_seq:
            raise InvalidArgument(f"参数 after 超出了流的最新序号 {feed.last_seq}")
        # The group is shared by watchers with the same document, variables (except the
        # resume point) and visibility class.
        shared_vars = {k: v for k, v in variables.items() if k != "after"}
        key = (query, orjson.dumps(shared_vars, option=orjson.OPT_SORT_KEYS), plan.visibility)
        group = feed.groups.get(key) or feed.group(
            key, self._renderer(document, shared_vars, variables, plan), view=plan.visibility
        )
        head_text = self._next_head(op_id)

        async def send(seq: int, rendered: str) -> None:
            await self.send_text(head_text + rendered + "}")

        async def resync(seq: int) -> None:
            synthetic = LoggedEvent(
                tenant_id=plan.tenant_id,
                stream=plan.stream,
                seq=seq,
                type=RESYNC_TYPE,
                payload={"reason": "too_far_behind"},
                actor_user_id=None,
                created_at=datetime.now(UTC),
                prev_hash="",
                hash="",
            )
            rendered = await group._render(synthetic)
            if rendered is not None:
                await send(seq, rendered)

        member = Member(
            group, send, after=plan.after, on_resync=resync, buffered=socket_buffer_size(self.ws)
        )
        self.members[op_id] = member
        member.start()

    def _renderer(
        self,
        document: DocumentNode,
        shared_vars: dict[str, Any],
        variables: dict[str, Any],
        plan: Plan,
    ) -> Callable[[LoggedEvent], Awaitable[str | None]]:
        gql_schema = self.schema._schema
        ctx = self.ctx
        # `after` only matters when joining; the shared execution sees the group's variables.
        exec_vars = {**shared_vars, **({"after": None} if "after" in variables else {})}

        async def render(event: LoggedEvent) -> str | None:
            root = plan.to_root(event)
            if root is None:
                return None
            ctx.fresh_loaders()  # per event: a cached loader would serve stale rows
            result = execute(
                gql_schema, document, root_value=root, context_value=ctx, variable_values=exec_vars
            )
            if asyncio.iscoroutine(result) or isinstance(result, Awaitable):
                result = await result
            return orjson.dumps(_formatted(result)).decode()

        return render


async def websocket_endpoint(
    websocket: WebSocket, graphql: SocketGraphQL, services: SocketServices
) -> None:
    """One websocket at /graphql: what the socket needs of the schema (`graphql`) and of
    the app (`services`) is handed in by the app (`realtime.ws.wiring`)."""
    offered = websocket.scope.get("subprotocols") or []
    protocol = (
        TRANSPORT_WS if TRANSPORT_WS in offered else LEGACY_WS if LEGACY_WS in offered else None
    )
    if protocol is None:
        await websocket.close(code=4406, reason="Subprotocol not acceptable")
        return
    await websocket.accept(subprotocol=protocol)
    counts = services.ws_sockets
    address = websocket.client.host if websocket.client else ""
    if not counts.take(counts.by_address, address, services.settings.ws_max_sockets_per_address):
        await websocket.close(code=CLOSE_TOO_MANY, reason="Too many sockets from this address")
        return
    try:
        connection = GraphQLWebSocket(websocket, services, graphql, protocol)
        await connection.run()
    finally:
        counts.give_back(counts.by_address, address)
