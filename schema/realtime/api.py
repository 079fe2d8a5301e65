"""The generic event API: read a stream's log, verify its chain, watch it live."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from datetime import datetime
from typing import Annotated, Any

import strawberry
from graphql import GraphQLError
from strawberry.scalars import JSON

from backend.core.errors import InvalidArgument
from realtime import streams
from realtime.log import LoggedEvent
from realtime.ws import Plan, multiplexed
from schema.context import Context, Info
from schema.realtime import verification
from schema.realtime.verification import ChainVerification
from schema.relay import MAX_PAGE, from_global_id


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
    actor_id: int | None = strawberry.field(
        description="Database id of the user who caused it; null for viewers who may not "
        "see who acted (e.g. the public of a meeting)."
    )
    payload: JSON = strawberry.field(
        description="Details of the event, as the caller may see them (a meeting's public "
        "gets no personal data and no hidden text; see docs/meetings.md)."
    )
    hash: str = strawberry.field(
        description="SHA-256 of the event as recorded, chained to the previous one; empty "
        "when the event was reduced for the caller's view (a meeting's public)."
    )

    @classmethod
    def from_logged(cls, e: LoggedEvent) -> StreamEvent:
        return cls(
            stream=e.stream,
            seq=e.seq,
            type=e.type,
            at=e.created_at,
            actor_id=e.actor_user_id,
            payload=JSON(e.payload),
            hash=e.hash,
        )


@strawberry.type(
    description="A page of a stream's events as the caller may see them, with where to go on."
)
class StreamEventPage:
    events: list[StreamEvent] = strawberry.field(
        description="Up to `first` events, oldest first. Fewer only at the end of the log, "
        "or when the read window held too few events visible to the caller (then "
        "`hasMore` is true)."
    )
    next_after: int = strawberry.field(
        description="Pass as `after` for the next page: the last event returned when the "
        "page is full, else the last position read (events in between are not visible "
        "to the caller)."
    )
    has_more: bool = strawberry.field(description="True when the log goes on after nextAfter.")
    head_seq: int = strawberry.field(description="The stream's last seq when read.")


#: Stream kinds whose ident a client may give as the global id of their row.
_KIND_TYPES = {
    "meeting": "Meeting",
    "case": "Case",
    "caseinbox": "OrgUnit",
    "decision": "Decision",
    "decisionreview": "Decision",
    "opinionanswers": "User",
    "inquirygroup": "InquiryGroup",
    "inquiry": "InquirySession",
    "opinions": "OpinionCollection",
    "catalogue": "ConsultationCatalogue",
    "livelihood": "LivelihoodRound",
    "publication": "Publication",
    "inforequest": "InformationRequest",
    "video": "VideoRoom",
    "opinionmap": "OpinionMap",
}


def internal_stream(stream: str) -> str:
    """The log's name of `stream`. Clients know their meeting by its global id (which does
    not show the row id), so `meeting:<global id of a Meeting>` names `meeting:<row id>`;
    any other name is passed on as it is, for `realtime.streams` to judge."""
    kind, sep, ident = stream.partition(":")
    type_name = _KIND_TYPES.get(kind)
    if not sep or type_name is None or not ident or ident.isdigit() or len(ident) > 80:
        return stream
    try:
        db_id = from_global_id(ident, type_name)
    except ValueError:
        return stream  # refused by realtime.streams with its own message
    return f"{kind}:{db_id}" if db_id is not None else f"{kind}:{2**63}"  # names no row


def _check_after(after: int | None) -> int | None:
    if after is not None and after < 0:
        raise InvalidArgument("参数 after 不能为负数")
    return after


def _check_first(first: int | None) -> int:
    limit = MAX_PAGE if first is None else first
    if limit < 1 or limit > MAX_PAGE:
        raise InvalidArgument(f"参数 first 必须在 1 到 {MAX_PAGE} 之间")
    return limit


async def _authorized(ctx: Context, stream: str) -> tuple[Any, Any]:
    """The stream's kind and the caller's view; a refused stream argument raises
    `StreamRefused` (a DomainError: the websocket endpoint reports its code and field)."""
    principal = await ctx.principal()
    return await streams.authorize_with(ctx.read, principal, stream)


def _refused(error: streams.StreamRefused) -> GraphQLError:
    """A refused stream argument as a top-level error over HTTP, with its code and field."""
    return GraphQLError(error.message, extensions={"code": error.code.value, "field": error.field})


async def _page(info: Info, stream: str, after: int | None, first: int | None) -> streams.Page:
    stream = internal_stream(stream)
    after = _check_after(after) or 0
    limit = _check_first(first)
    try:
        kind, view = await _authorized(info.context, stream)
    except streams.StreamRefused as error:
        raise _refused(error) from error
    return await info.context.read(
        lambda s: streams.read_page(s, kind, view, stream=stream, after=after, limit=limit)
    )


_STREAM = Annotated[
    str,
    strawberry.argument(
        description="Stream name, e.g. meeting:<the meeting's global id> (`Meeting.stream`)."
    ),
]
_AFTER = Annotated[int | None, strawberry.argument(description="Only events after this seq.")]
_FIRST = Annotated[int | None, strawberry.argument(description="At most this many (1–100).")]


@strawberry.type
class RealtimeQueries:
    @strawberry.field(
        description="Events of a stream from its log, oldest first, as the caller may see "
        "them (the same on every read path: this query, the `events` subscription, its "
        "replay and the export). A page is full unless the log ends (or, rarely, the read "
        "window of 50,000 positions held too few visible events: `streamEventPage` says "
        "so and gives the cursor)."
    )
    async def stream_events(
        self, info: Info, stream: _STREAM, after: _AFTER = None, first: _FIRST = None
    ) -> list[StreamEvent]:
        page = await _page(info, stream, after, first)
        return [StreamEvent.from_logged(e) for e in page.events]

    @strawberry.field(
        description="As streamEvents, with the cursor to go on (`nextAfter`) and whether "
        "the log goes on (`hasMore`)."
    )
    async def stream_event_page(
        self, info: Info, stream: _STREAM, after: _AFTER = None, first: _FIRST = None
    ) -> StreamEventPage:
        page = await _page(info, stream, after, first)
        return StreamEventPage(
            events=[StreamEvent.from_logged(e) for e in page.events],
            next_after=page.next_after,
            has_more=page.has_more,
            head_seq=page.head_seq,
        )

    @strawberry.field(
        description="Verify a stream as `yishi record verify` does: its hash chain and, "
        "for a sealed meeting, the county's SM2 signature, the RFC 3161 timestamp and every "
        "section of the record against the digests sealed in the chain (where a chain "
        "breaks and why only to viewers who see the whole stream). Hosts always recompute; "
        "others may get the verification of the same stream head made up to "
        "RECORD_VERIFY_CACHE_SECONDS ago."
    )
    async def verify_stream(
        self,
        info: Info,
        stream: Annotated[
            str, strawberry.argument(description="Stream name, e.g. `Meeting.stream`.")
        ],
        expect: Annotated[
            str | None,
            strawberry.argument(
                description="A head hash from outside, e.g. the 记录链哈希 printed in the "
                "record document: verification fails unless the chain ends there."
            ),
        ] = None,
    ) -> ChainVerification:
        stream = internal_stream(stream)
        try:
            kind, view = await _authorized(info.context, stream)
        except streams.StreamRefused as error:
            raise _refused(error) from error
        return await verification.verify(
            info.context, stream, full=kind.sees_chain(view), expect=expect
        )


async def plan_events(ctx: Context, args: dict[str, Any]) -> Plan:
    stream = internal_stream(args["stream"])
    after = _check_after(args.get("after"))
    _, view = await _authorized(ctx, stream)
    principal = await ctx.principal()

    def to_root(event: LoggedEvent) -> StreamEvent | None:
        # `event` is already projected for this view by the feed (realtime.feeds.Group).
        return StreamEvent.from_logged(event)

    return Plan(
        tenant_id=principal.require_tenant(),
        stream=stream,
        after=after,
        visibility=view,
        to_root=to_root,
    )


@strawberry.type(description="Live feeds over websockets (graphql-transport-ws or graphql-ws).")
class RealtimeSubscriptions:
    @strawberry.subscription(
        description="Every event of a stream as it is recorded. With "
        "`after`, first replays what was missed from the log; no gap, "
        "no duplicate.",
        metadata=multiplexed(plan_events),  # realtime.ws.fields
    )
    async def events(
        self,
        info: Info,
        stream: Annotated[
            str, strawberry.argument(description="Stream name, e.g. `Meeting.stream`.")
        ],
        after: Annotated[
            int | None,
            strawberry.argument(description="Resume after this seq (replays the log first)."),
        ] = None,
    ) -> AsyncGenerator[StreamEvent, None]:
        # Served by realtime.ws (multiplexed); this body is reached only by transports that
        # execute per client, and it says so rather than silently polling.
        raise InvalidArgument("请通过 /graphql 的 WebSocket（graphql-transport-ws）订阅")
        yield  # pragma: no cover  (makes this an async generator)
