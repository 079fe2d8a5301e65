"""The generic event API: read a stream's log, verify its chain, watch it live."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from datetime import datetime
from typing import Annotated, Any

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from backend.errors import InvalidArgument
from realtime import log as event_log
from realtime import streams
from realtime.log import LoggedEvent
from realtime.ws import Plan, multiplexed
from schema.context import Context
from schema.relay import MAX_PAGE


@strawberry.type(description="An event of a stream: one recorded state change.")
class StreamEvent:
    stream: str = strawberry.field(description="The stream, e.g. meeting:42.")
    seq: int = strawberry.field(
        description="Position in the stream (1, 2, 3, … without gaps "
        "in the log; a watcher may skip events it may not see). "
        "Resume with `after: seq`."
    )
    type: str = strawberry.field(
        description="What happened, e.g. orgUnit.created. "
        "`stream.resync` means: reload the state and resubscribe."
    )
    at: datetime = strawberry.field(description="When it was recorded.")
    actor_id: int | None = strawberry.field(description="Database id of the user who caused it.")
    payload: JSON = strawberry.field(description="Details of the event.")
    hash: str = strawberry.field(description="SHA-256 of the event, chained to the previous one.")

    @classmethod
    def from_logged(cls, e: LoggedEvent) -> StreamEvent:
        return cls(
            stream=e.stream,
            seq=e.seq,
            type=e.type,
            at=e.created_at,
            actor_id=e.actor_user_id,
            payload=e.payload,
            hash=e.hash,
        )


@strawberry.type(description="Result of recomputing a stream's hash chain.")
class ChainVerification:
    stream: str = strawberry.field(description="The stream checked.")
    events: int = strawberry.field(description="Events checked.")
    valid: bool = strawberry.field(description="True when every link holds.")
    head_hash: str = strawberry.field(description="Hash of the last valid event.")
    first_broken_seq: int | None = strawberry.field(description="First event that fails, if any.")
    reason: str | None = strawberry.field(description="Why it fails, in Chinese.")


def _check_after(after: int | None) -> int | None:
    if after is not None and after < 0:
        raise InvalidArgument("参数 after 不能为负数")
    return after


async def _authorized(ctx: Context, stream: str) -> tuple[Any, Any]:
    principal = await ctx.principal()
    return await ctx.read(lambda s: streams.authorize(s, principal, stream))


@strawberry.type
class RealtimeQueries:
    @strawberry.field(description="Events of a stream from its log, oldest first.")
    async def stream_events(
        self,
        info: Info,
        stream: Annotated[str, strawberry.argument(description="Stream name, e.g. meeting:42.")],
        after: Annotated[
            int | None, strawberry.argument(description="Only events after this seq.")
        ] = None,
        first: Annotated[
            int | None, strawberry.argument(description="At most this many (1–100).")
        ] = None,
    ) -> list[StreamEvent]:
        after = _check_after(after) or 0
        limit = first or MAX_PAGE
        if limit < 1 or limit > MAX_PAGE:
            raise InvalidArgument(f"参数 first 必须在 1 到 {MAX_PAGE} 之间")
        kind, visibility = await _authorized(info.context, stream)
        rows = await info.context.read(
            lambda s: event_log.read_after(s, stream=stream, after=after, limit=limit)
        )
        return [StreamEvent.from_logged(e) for e in rows if kind.visible(e, visibility)]

    @strawberry.field(
        description="Recompute a stream's hash chain and report the first broken link."
    )
    async def verify_stream(
        self,
        info: Info,
        stream: Annotated[str, strawberry.argument(description="Stream name.")],
    ) -> ChainVerification:
        await _authorized(info.context, stream)
        result = await info.context.read(lambda s: event_log.verify_stream(s, stream=stream))
        return ChainVerification(
            stream=result.stream,
            events=result.events,
            valid=result.valid,
            head_hash=result.head_hash,
            first_broken_seq=result.first_broken_seq,
            reason=result.reason,
        )


@multiplexed("events")
async def plan_events(ctx: Context, args: dict[str, Any]) -> Plan:
    stream = args["stream"]
    after = _check_after(args.get("after"))
    kind, visibility = await _authorized(ctx, stream)
    principal = await ctx.principal()

    def to_root(event: LoggedEvent) -> StreamEvent | None:
        if event.type != "stream.resync" and not kind.visible(event, visibility):
            return None
        return StreamEvent.from_logged(event)

    return Plan(
        tenant_id=principal.require_tenant(),
        stream=stream,
        after=after,
        visibility=visibility,
        to_root=to_root,
    )


@strawberry.type(description="Live feeds over websockets (graphql-transport-ws or graphql-ws).")
class RealtimeSubscriptions:
    @strawberry.subscription(
        description="Every event of a stream as it is recorded. With "
        "`after`, first replays what was missed from the log; no gap, "
        "no duplicate."
    )
    async def events(
        self,
        info: Info,
        stream: Annotated[str, strawberry.argument(description="Stream name, e.g. meeting:42.")],
        after: Annotated[
            int | None,
            strawberry.argument(description="Resume after this seq (replays the log first)."),
        ] = None,
    ) -> AsyncGenerator[StreamEvent, None]:
        # Served by realtime.ws (multiplexed); this body is reached only by transports that
        # execute per client, and it says so rather than silently polling.
        raise InvalidArgument("请通过 /graphql 的 WebSocket（graphql-transport-ws）订阅")
        yield  # pragma: no cover  (makes this an async generator)
