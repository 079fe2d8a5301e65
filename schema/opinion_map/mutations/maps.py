"""Turning a meeting's opinion map on and off (backend.opinion_map.maps)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry import relay

from backend.core.security import Principal
from backend.opinion_map import maps, models
from schema.context import Info
from schema.mutations import mutate
from schema.opinion_map.loading import computer_of, key_of, load_map
from schema.opinion_map.mutations.common import OpinionMapPayload, decode, errors_of
from schema.opinion_map.types import OpinionMap


async def _open(
    info: Info, opening: Callable[[AsyncSession, Principal], Awaitable[models.OpinionMap]]
) -> OpinionMapPayload:
    """Open a map on its host (the service call `opening`), read it back as the caller
    sees it, and warm the process's math for its first computation."""
    key, computer = key_of(info), computer_of(info)

    async def run(s: AsyncSession, p: Principal) -> OpinionMap:
        return await load_map(s, p, await opening(s, p), key=key, computer=computer)

    result, errors = await mutate(info, run)
    if result is not None and computer is not None:
        computer.warm()
    return OpinionMapPayload(opinion_map=result, errors=errors_of(errors))


@strawberry.type
class MapMutations:
    @strawberry.mutation(
        description="Host: turn the opinion map on in a meeting in progress (one per meeting)."
    )
    async def open_opinion_map(
        self,
        info: Info,
        meeting_id: Annotated[relay.GlobalID, strawberry.argument(description="The meeting.")],
        topic: Annotated[str, strawberry.argument(description="What the map is about.")],
    ) -> OpinionMapPayload:
        return await _open(
            info,
            lambda s, p: maps.open_map(
                s, p, meeting_id=decode(meeting_id, "Meeting", "meetingId"), topic=topic
            ),
        )

    @strawberry.mutation(
        description="Lead unit (承办单位) or county office: turn the opinion map on in the "
        "decision's open comment period (征求意见期; one per period)."
    )
    async def open_decision_opinion_map(
        self,
        info: Info,
        decision_id: Annotated[relay.GlobalID, strawberry.argument(description="The decision.")],
        topic: Annotated[str, strawberry.argument(description="What the map is about.")],
    ) -> OpinionMapPayload:
        return await _open(
            info,
            lambda s, p: maps.open_decision_map(
                s, p, decision_id=decode(decision_id, "Decision", "decisionId"), topic=topic
            ),
        )

    @strawberry.mutation(
        description="Host: turn the opinion map off; its exact final result (groups, "
        "consensus, counts) goes to the record of the meeting or the decision."
    )
    async def close_opinion_map(
        self,
        info: Info,
        map_id: Annotated[relay.GlobalID, strawberry.argument(description="The opinion map.")],
    ) -> OpinionMapPayload:
        key = key_of(info)

        async def run(s: AsyncSession, p: Principal) -> OpinionMap:
            found = await maps.close_map(s, p, map_id=decode(map_id, "OpinionMap", "mapId"))
            return await load_map(s, p, found, key=key, computer=None)

        result, errors = await mutate(info, run)
        return OpinionMapPayload(opinion_map=result, errors=errors_of(errors))
