"""The live subscription of a meeting (`meetingLive`), served by the socket (`realtime.ws`)."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Annotated, Any

import strawberry
from strawberry import relay

from backend.meetings.errors import MeetingErrorCode as Code
from backend.meetings.stream import stream_of
from backend.meetings.visibility import HOST_VIEW
from realtime.log import LoggedEvent
from realtime.ws import Plan, multiplexed
from schema.context import Context, Info
from schema.meetings.types import MeetingLiveEvent, live_data
from schema.realtime.api import _authorized, _check_after
from schema.relay import decode_id


async def plan_meeting_live(ctx: Context, args: dict[str, Any]) -> Plan:
    mid = decode_id(args["meetingId"], "Meeting", field="meetingId", code=Code.NOT_FOUND)
    stream = stream_of(mid)
    after = _check_after(args.get("after"))
    _, visibility = await _authorized(ctx, stream)
    principal = await ctx.principal()
    host = visibility == HOST_VIEW

    def to_root(event: LoggedEvent) -> MeetingLiveEvent | None:
        data = live_data(event, host=host)
        if data is None:
            return None
        return MeetingLiveEvent(
            seq=event.seq, at=event.created_at, type=event.type, hash=event.hash, data=data
        )

    return Plan(
        tenant_id=principal.require_tenant(),
        stream=stream,
        after=after,
        visibility=visibility,
        to_root=to_root,
    )


@strawberry.type
class MeetingSubscriptions:
    @strawberry.subscription(
        description="Everything a client needs to render a meeting live: "
        "state, attendance, timers and warnings, polls and live tallies, "
        "scoring, comments, the speaking queue, minutes. With `after`, "
        "replays what was missed first.",
        metadata=multiplexed(plan_meeting_live),  # realtime.ws.fields
    )
    async def meeting_live(
        self,
        info: Info,
        meeting_id: Annotated[relay.GlobalID, strawberry.argument(description="The meeting.")],
        after: Annotated[
            int | None, strawberry.argument(description="Resume after this seq.")
        ] = None,
    ) -> AsyncGenerator[MeetingLiveEvent, None]:
        from backend.core.errors import InvalidArgument

        raise InvalidArgument("请通过 /graphql 的 WebSocket（graphql-transport-ws）订阅")
        yield  # pragma: no cover
