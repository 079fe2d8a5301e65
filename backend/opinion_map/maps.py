"""Turning a meeting's opinion map on and off.

A host of a meeting in progress (民意恳谈会, 专题协商会, 网络问政 …) turns the map on with a
topic; turning it off computes the final map from every vote (exact, not coalesced) and
writes the result — groups, consensus and divisive statements, counts, never who voted
what — to the map's stream and to the meeting's record (`opinionMap.concluded`), which
the meeting's seal then covers.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from backend.core.errors import DomainError
from backend.core.security import Principal
from backend.core.validation import clean_text
from backend.meetings import stream as meeting_stream
from backend.meetings.access import get_meeting, require_host
from backend.meetings.events import MeetingEvent, OpinionMapConcluded
from backend.meetings.models import MeetingState
from backend.opinion_map.access import map_and_meeting, map_of_meeting, require_open
from backend.opinion_map.compute import compute_now
from backend.opinion_map.errors import OpinionMapErrorCode as Code
from backend.opinion_map.events import OpinionMapClosed, OpinionMapEvent, OpinionMapOpened
from backend.opinion_map.models import OpinionMap
from backend.opinion_map.stream import append_event


async def open_map(
    session: AsyncSession, principal: Principal, *, meeting_id: int, topic: str
) -> OpinionMap:
    """A host turns the map on in a meeting in progress (one map per meeting)."""
    meeting = await get_meeting(session, meeting_id, lock=True)
    await require_host(session, principal, meeting)
    clean_topic = clean_text(topic, field="topic", code=Code.INVALID, label="议题", max_length=200)
    if meeting.sealed_at is not None:
        raise DomainError(Code.RECORD_SEALED, "会议记录已封存", field="meetingId")
    if meeting.state is not MeetingState.LIVE:
        raise DomainError(
            Code.MEETING_NOT_LIVE, "会议未在进行中，不能开启意见地图", field="meetingId"
        )
    if await map_of_meeting(session, meeting.id) is not None:
        raise DomainError(Code.MAP_EXISTS, "本次会议已开启意见地图", field="meetingId")
    opinion_map = OpinionMap(
        tenant_id=meeting.tenant_id,
        meeting_id=meeting.id,
        topic=clean_topic,
        opened_by=principal.require_user(),
        created_at=meeting_stream.now(),
    )
    session.add(opinion_map)
    await session.flush()
    await append_event(
        session,
        principal,
        opinion_map,
        OpinionMapEvent.MAP_OPENED,
        OpinionMapOpened(id=opinion_map.id, meetingId=meeting.id, topic=clean_topic),
    )
    return opinion_map


async def close_map(session: AsyncSession, principal: Principal, *, map_id: int) -> OpinionMap:
    """A host turns the map off: its exact final result goes to the map's stream and to
    the meeting's record, in this transaction."""
    opinion_map, meeting = await map_and_meeting(session, map_id, lock=True)
    await require_host(session, principal, meeting)
    require_open(opinion_map)
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
    await meeting_stream.append_event(
        session,
        principal,
        meeting,
        MeetingEvent.OPINION_MAP_CONCLUDED,
        OpinionMapConcluded(mapId=opinion_map.id, topic=opinion_map.topic, result=dict(figures)),
    )
    return opinion_map
