"""Turning an opinion map on and off, in a meeting or a decision's comment period.

A host of a meeting in progress (民意恳谈会, 专题协商会, 网络问政 …) turns the map on with a
topic, as does the lead unit of a decision (承办单位, or the county office) while its comment
period (征求意见期) is open; turning it off computes the final map from every vote (exact,
not coalesced) and writes the result — groups, consensus and divisive statements, counts,
never who voted what — to the map's stream and to the host's record
(`opinionMap.concluded` on the meeting's or the decision's stream), which the host's seal
then covers. Generating a decision's participation report closes its open map first
(`close_open_maps_of`, a hook of backend.decisions.report), so the report always holds the
map's final result.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.core.errors import DomainError
from backend.core.security import Principal
from backend.core.validation import clean_text
from backend.decisions import report as decision_report
from backend.decisions.access import get_decision, require_not_decided, require_runner
from backend.decisions.consultation import open_period
from backend.decisions.models import Decision
from backend.meetings import stream as meeting_stream
from backend.meetings.access import get_meeting, require_host
from backend.meetings.models import MeetingState
from backend.opinion_map.access import map_and_host, map_of_meeting, require_open
from backend.opinion_map.compute import compute_now
from backend.opinion_map.errors import OpinionMapErrorCode as Code
from backend.opinion_map.events import OpinionMapClosed, OpinionMapEvent, OpinionMapOpened
from backend.opinion_map.hosts import Host, host_of
from backend.opinion_map.models import OpinionMap
from backend.opinion_map.stream import append_event


def _topic(topic: str) -> str:
    return clean_text(topic, field="topic", code=Code.INVALID, label="议题", max_length=200)


async def open_map(
    session: AsyncSession, principal: Principal, *, meeting_id: int, topic: str
) -> OpinionMap:
    """A host turns the map on in a meeting in progress (one map per meeting)."""
    meeting = await get_meeting(session, meeting_id, lock=True)
    await require_host(session, principal, meeting)
    clean_topic = _topic(topic)
    if meeting.sealed_at is not None:
        raise DomainError(Code.RECORD_SEALED, "会议记录已封存", field="meetingId")
    if meeting.state is not MeetingState.LIVE:
        raise DomainError(
            Code.MEETING_NOT_LIVE, "会议未在进行中，不能开启意见地图", field="meetingId"
        )
    if await map_of_meeting(session, meeting.id) is not None:
        raise DomainError(Code.MAP_EXISTS, "本次会议已开启意见地图", field="meetingId")
    return await _opened(
        session,
        principal,
        OpinionMap(tenant_id=meeting.tenant_id, meeting_id=meeting.id, topic=clean_topic),
        OpinionMapOpened(id=0, meetingId=meeting.id, topic=clean_topic),
    )


async def _opened(
    session: AsyncSession, principal: Principal, opinion_map: OpinionMap, event: OpinionMapOpened
) -> OpinionMap:
    """Store a new map (its host and topic already set) and append `opinionMap.opened`
    with its id."""
    opinion_map.opened_by = principal.require_user()
    opinion_map.created_at = meeting_stream.now()
    session.add(opinion_map)
    await session.flush()
    event["id"] = opinion_map.id
    await append_event(session, principal, opinion_map, OpinionMapEvent.MAP_OPENED, event)
    return opinion_map


async def open_decision_map(
    session: AsyncSession, principal: Principal, *, decision_id: int, topic: str
) -> OpinionMap:
    """The lead unit turns the map on in the decision's open comment period (one map per
    period); another county's decision is NOT_FOUND (row-level security hides it)."""
    decision = await get_decision(session, decision_id, lock=True)
    await require_runner(session, principal, decision)
    clean_topic = _topic(topic)
    if decision.sealed_at is not None:
        raise DomainError(Code.RECORD_SEALED, "决策记录已封存", field="decisionId")
    require_not_decided(decision)
    period = await open_period(session, decision.id)
    if period is None:
        raise DomainError(
            Code.PERIOD_NOT_OPEN, "当前不在征求意见期内，不能开启意见地图", field="decisionId"
        )
    taken = await session.scalar(
        select(OpinionMap.id).where(OpinionMap.comment_period_id == period.id)
    )
    if taken is not None:
        raise DomainError(Code.MAP_EXISTS, "本次征求意见已开启意见地图", field="decisionId")
    return await _opened(
        session,
        principal,
        OpinionMap(
            tenant_id=decision.tenant_id,
            decision_id=decision.id,
            comment_period_id=period.id,
            topic=clean_topic,
        ),
        OpinionMapOpened(id=0, decisionId=decision.id, periodId=period.id, topic=clean_topic),
    )


async def _close(
    session: AsyncSession, principal: Principal, opinion_map: OpinionMap, host: Host
) -> None:
    figures = (await compute_now(session, opinion_map)).figures
    opinion_map.closed_at = meeting_stream.now()
    await session.flush()
    await append_event(
        session,
        principal,
        opinion_map,
        OpinionMapEvent.MAP_CLOSED,
        OpinionMapClosed(id=opinion_map.id, result=figures),
    )
    result: dict[str, Any] = dict(figures)
    await host.conclude(session, principal, opinion_map, result)


async def close_map(session: AsyncSession, principal: Principal, *, map_id: int) -> OpinionMap:
    """A host turns the map off: its exact final result goes to the map's stream and to
    the host's record, in this transaction."""
    opinion_map, host = await map_and_host(session, map_id, lock=True)
    await host.require_manager(session, principal)
    require_open(opinion_map)
    await _close(session, principal, opinion_map, host)
    return opinion_map


async def close_open_maps_of(
    session: AsyncSession, principal: Principal, decision: Decision
) -> None:
    """Before a participation report is built (its caller runs the decision): the
    decision's open maps are closed, their final results appended to its record."""
    maps = (
        await session.scalars(
            select(OpinionMap)
            .where(OpinionMap.decision_id == decision.id, OpinionMap.closed_at.is_(None))
            .order_by(OpinionMap.id)
            .with_for_update()
        )
    ).all()
    for opinion_map in maps:
        await _close(session, principal, opinion_map, await host_of(session, opinion_map))


decision_report.before_report(close_open_maps_of)
