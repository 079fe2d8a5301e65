"""The live subscription of an opinion map (`opinionMapLive`), served by the socket."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Annotated, Any

import strawberry
from strawberry import relay

from backend.opinion_map.errors import OpinionMapErrorCode as Code
from backend.opinion_map.stream import stream_of
from realtime.log import LoggedEvent
from realtime.ws import Plan, multiplexed
from schema.context import Context, Info
from schema.opinion_map.types import OpinionMapLiveEvent, live_event
from schema.realtime.api import _authorized, _check_after
from schema.relay import decode_id


async def plan_opinion_map_live(ctx: Context, args: dict[str, Any]) -> Plan:
    oid = decode_id(args["mapId"], "OpinionMap", field="mapId", code=Code.NOT_FOUND)
    stream = stream_of(oid)
    after = _check_after(args.get("after"))
    _, visibility = await _authorized(ctx, stream)
    principal = await ctx.principal()
    if (computer := ctx.services.opinion_maps) is not None:
        computer.prepare(principal.require_tenant(), oid)  # the votes into memory, once

    def to_root(event: LoggedEvent) -> OpinionMapLiveEvent | None:
        return live_event(event.seq, event.created_at, event.type, event.payload)

    return Plan(
        tenant_id=principal.require_tenant(),
        stream=stream,
        after=after,
        visibility=visibility,
        to_root=to_root,
    )


@strawberry.type
class OpinionMapSubscriptions:
    @strawberry.subscription(
        description="An opinion map live: statements shown (and, for hosts, submitted), "
        "and the recomputed map (groups, representative and consensus statements, counts), "
        "coalesced to about one a second and always ending on the exact map after the "
        "last vote. With `after`, replays what was missed first. Your own place on the "
        "map is `opinionMap.myPosition`.",
        metadata=multiplexed(plan_opinion_map_live),  # realtime.ws.fields
    )
    async def opinion_map_live(
        self,
        info: Info,
        map_id: Annotated[relay.GlobalID, strawberry.argument(description="The opinion map.")],
        after: Annotated[
            int | None, strawberry.argument(description="Resume after this seq.")
        ] = None,
    ) -> AsyncGenerator[OpinionMapLiveEvent, None]:
        from backend.core.errors import InvalidArgument

        raise InvalidArgument("请通过 /graphql 的 WebSocket（graphql-transport-ws）订阅")
        yield  # pragma: no cover
