"""Loading maps (with their host, backend.opinion_map.hosts) and statements, and the
voter's pseudonym."""

from __future__ import annotations

import hashlib
import hmac

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.core.errors import DomainError
from backend.opinion_map import personal_data as _personal_data  # noqa: F401  (the section)
from backend.opinion_map import visibility as _visibility  # noqa: F401  (registers the kind)
from backend.opinion_map.errors import OpinionMapErrorCode as Code
from backend.opinion_map.hosts import Host, host_of
from backend.opinion_map.models import OpinionMap, OpinionStatement

STATEMENT_MAX_LENGTH = 140  # Pol.is keeps statements to one idea: 140 characters


def voter_key(secret: str) -> bytes:
    """The HMAC key of voter pseudonyms, derived from ID_KEY (kept out of the database, so
    its rows alone link no vote to a person; ID_KEY never changes in a deployment, as
    backend.core.pseudonyms explains, so a person's votes stay theirs: a rotated
    JWT_SECRET must not let everyone vote again)."""
    return hmac.new(secret.encode(), b"yishi/opinion-map-voters/v1", hashlib.sha256).digest()


def voter_pseudonym(key: bytes, *, tenant_id: int, map_id: int, user_id: int) -> str:
    """The person's stable pseudonym in one map (HMAC-SHA-256, hex): one vote per
    statement per person, not comparable across maps."""
    return hmac.new(key, f"{tenant_id}:{map_id}:{user_id}".encode(), hashlib.sha256).hexdigest()


async def get_map(session: AsyncSession, map_id: int, *, lock: bool = False) -> OpinionMap:
    """The map of this county (another county's is NOT_FOUND: row-level security hides it)."""
    query = select(OpinionMap).where(OpinionMap.id == map_id)
    if lock:
        query = query.with_for_update()
    found = await session.scalar(query)
    if found is None:
        raise DomainError(Code.NOT_FOUND, "意见地图不存在", field="mapId")
    return found


async def map_and_host(
    session: AsyncSession, map_id: int, *, lock: bool = False
) -> tuple[OpinionMap, Host]:
    found = await get_map(session, map_id, lock=lock)
    return found, await host_of(session, found)


async def map_of_meeting(session: AsyncSession, meeting_id: int) -> OpinionMap | None:
    return await session.scalar(select(OpinionMap).where(OpinionMap.meeting_id == meeting_id))


async def map_of_decision(session: AsyncSession, decision_id: int) -> OpinionMap | None:
    """The map of the decision's latest comment period that has one."""
    return await session.scalar(
        select(OpinionMap)
        .where(OpinionMap.decision_id == decision_id)
        .order_by(OpinionMap.comment_period_id.desc())
        .limit(1)
    )


async def get_statement(
    session: AsyncSession, statement_id: int, *, field: str = "statementId"
) -> OpinionStatement:
    found = await session.scalar(
        select(OpinionStatement).where(OpinionStatement.id == statement_id)
    )
    if found is None:
        raise DomainError(Code.NOT_FOUND, "观点不存在", field=field)
    return found


def require_open(opinion_map: OpinionMap) -> None:
    if opinion_map.closed_at is not None:
        raise DomainError(Code.MAP_CLOSED, "意见地图已关闭", field="mapId")
