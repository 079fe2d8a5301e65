"""An opinion map as the caller sees it (statements, result, own votes and position)."""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.core.security import Principal
from backend.opinion_map import models
from backend.opinion_map.access import voter_key, voter_pseudonym
from backend.opinion_map.compute import (
    MapComputer,
    compute_now,
    current_version,
    participant_key,
)
from backend.opinion_map.hosts import host_of
from backend.opinion_map.voting import my_votes
from schema.context import Info
from schema.opinion_map.types import (
    OpinionMap,
    OpinionMapResult,
    OpinionOwnVote,
    OpinionStatement,
    gid,
    position_of,
)


def key_of(info: Info) -> bytes:
    return voter_key(info.context.services.settings.id_key.get_secret_value())


def computer_of(info: Info) -> MapComputer | None:
    return info.context.services.opinion_maps


async def load_map(
    session: AsyncSession,
    principal: Principal,
    opinion_map: models.OpinionMap,
    *,
    key: bytes,
    computer: MapComputer | None,
) -> OpinionMap:
    """The map with its statements (hosts: every state), its result as of now (this
    process's last computation when it includes every change, waiting for the one running;
    else computed now), and the caller's own votes and place."""
    host = await (await host_of(session, opinion_map)).manages(session, principal)
    query = select(models.OpinionStatement).where(models.OpinionStatement.map_id == opinion_map.id)
    if not host:
        query = query.where(models.OpinionStatement.state == models.StatementState.SHOWN)
    statements = (await session.scalars(query.order_by(models.OpinionStatement.id))).all()
    latest = None
    if computer is not None:
        version = await current_version(session, opinion_map.id)
        latest = computer.latest(opinion_map.tenant_id, opinion_map.id)
        if latest is None or latest.figures["version"] < version:
            latest = await computer.settled(opinion_map.tenant_id, opinion_map.id)
        if latest is not None and latest.figures["version"] < version:
            latest = None  # not computed here since: compute it now
    if latest is not None:
        figures: dict[str, Any] = cast(dict[str, Any], latest.figures)
        positions = latest.positions
    else:
        computed = await compute_now(session, opinion_map)
        figures = cast(dict[str, Any], computed.figures)
        positions = computed.positions
    own: list[OpinionOwnVote] = []
    position = None
    if principal.user_id is not None:
        votes = await my_votes(session, principal, map_id=opinion_map.id, key=key)
        own = [
            OpinionOwnVote(statement_id=gid("OpinionStatement", sid), choice=choice)
            for sid, choice in sorted(votes.items())
        ]
        voter = voter_pseudonym(
            key,
            tenant_id=opinion_map.tenant_id,
            map_id=opinion_map.id,
            user_id=principal.user_id,
        )
        position = position_of(positions, participant_key(voter))
    return OpinionMap(
        id=gid("OpinionMap", opinion_map.id),
        meeting_id=gid("Meeting", opinion_map.meeting_id) if opinion_map.meeting_id else None,
        decision_id=gid("Decision", opinion_map.decision_id) if opinion_map.decision_id else None,
        topic=opinion_map.topic,
        is_open=opinion_map.closed_at is None,
        statements=[OpinionStatement.from_model(s) for s in statements],
        result=OpinionMapResult.from_figures(figures),
        my_position=position,
        my_votes=own,
    )
