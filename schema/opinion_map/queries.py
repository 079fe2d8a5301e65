"""Queries of the opinion map."""

from __future__ import annotations

from typing import Annotated

import strawberry
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry import relay

from backend.meetings.access import visible_to
from backend.meetings.models import Meeting
from backend.opinion_map import voting
from backend.opinion_map.access import map_of_decision, map_of_meeting
from backend.opinion_map.hosts import may_see
from backend.opinion_map.models import OpinionMap as OpinionMapRow
from schema.context import Info
from schema.opinion_map.loading import computer_of, key_of, load_map
from schema.opinion_map.types import OpinionMap, OpinionStatement
from schema.relay import decode_id_argument


@strawberry.type
class OpinionMapQueries:
    @strawberry.field(description="The opinion map of a meeting you can see (null: it has none).")
    async def opinion_map(
        self,
        info: Info,
        meeting_id: Annotated[relay.GlobalID, strawberry.argument(description="The meeting.")],
    ) -> OpinionMap | None:
        mid = decode_id_argument(meeting_id, "Meeting", field="meetingId")
        principal = await info.context.principal()
        key, computer = key_of(info), computer_of(info)

        async def run(s: AsyncSession) -> OpinionMap | None:
            visible = await s.scalar(
                select(Meeting.id).where(Meeting.id == mid, visible_to(principal))
            )
            found = await map_of_meeting(s, mid) if visible else None
            if found is None:
                return None
            return await load_map(s, principal, found, key=key, computer=computer)

        return await info.context.read(run)

    @strawberry.field(
        description="The opinion map of a decision's comment period (征求意见期; the latest "
        "period that has one; null: none). Also `Decision.opinionMap`."
    )
    async def decision_opinion_map(
        self,
        info: Info,
        decision_id: Annotated[relay.GlobalID, strawberry.argument(description="The decision.")],
    ) -> OpinionMap | None:
        did = decode_id_argument(decision_id, "Decision", field="decisionId")
        return await decision_map(info, did)

    @strawberry.field(
        description="The statement to vote on next (null: you voted on every shown one): "
        "statements with few votes and divisive ones first, as Pol.is routes them."
    )
    async def next_opinion_statement(
        self,
        info: Info,
        map_id: Annotated[relay.GlobalID, strawberry.argument(description="The opinion map.")],
    ) -> OpinionStatement | None:
        oid = decode_id_argument(map_id, "OpinionMap", field="mapId")
        principal = await info.context.principal()
        principal.require_user()
        key, computer = key_of(info), computer_of(info)

        async def run(s: AsyncSession) -> OpinionStatement | None:
            found = await s.scalar(select(OpinionMapRow).where(OpinionMapRow.id == oid))
            if found is None or not await may_see(s, principal, found):
                return None
            chosen = await voting.next_statement(
                s, principal, map_id=oid, key=key, computer=computer
            )
            return OpinionStatement.from_model(chosen) if chosen is not None else None

        return await info.context.read(run)


async def decision_map(info: Info, decision_id: int) -> OpinionMap | None:
    """The decision's map as the caller sees it (another county's decision: none)."""
    principal = await info.context.principal()
    key, computer = key_of(info), computer_of(info)

    async def run(s: AsyncSession) -> OpinionMap | None:
        found = await map_of_decision(s, decision_id)
        if found is None:
            return None
        return await load_map(s, principal, found, key=key, computer=computer)

    return await info.context.read(run)
