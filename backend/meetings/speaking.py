"""The speaking queue (发言排队): raising a hand, and the host giving or ending the floor."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.core.errors import DomainError
from backend.core.security import Principal
from backend.core.validation import clean_text
from backend.meetings.access import get_meeting, require_host
from backend.meetings.errors import MeetingErrorCode as Code
from backend.meetings.events import MeetingEvent, QueueChanged, QueueEntry
from backend.meetings.models import MeetingState, SpeakingRequest, SpeakingState
from backend.meetings.participants import find_participant
from backend.meetings.stream import append_event
from backend.people.models import User


async def _queue_snapshot(session: AsyncSession, meeting_id: int) -> list[QueueEntry]:
    rows = (
        await session.execute(
            select(SpeakingRequest, User.display_name)
            .join(User, User.id == SpeakingRequest.user_id)
            .where(
                SpeakingRequest.meeting_id == meeting_id,
                SpeakingRequest.state.in_([SpeakingState.WAITING, SpeakingState.SPEAKING]),
            )
            .order_by(SpeakingRequest.id)
        )
    ).all()
    return [
        {"id": r.id, "userId": r.user_id, "name": name, "state": r.state.value, "topic": r.topic}
        for r, name in rows
    ]


async def raise_hand(
    session: AsyncSession, principal: Principal, *, meeting_id: int, topic: str | None
) -> SpeakingRequest:
    user_id = principal.require_user()
    meeting = await get_meeting(session, meeting_id)
    if meeting.state is not MeetingState.LIVE:
        raise DomainError(Code.MEETING_NOT_LIVE, "会议未在进行中", field="meetingId")
    if await find_participant(session, meeting.id, user_id) is None:
        raise DomainError(Code.NOT_PARTICIPANT, "请先报名或签到", field="meetingId")
    existing = await session.scalar(
        select(SpeakingRequest).where(
            SpeakingRequest.meeting_id == meeting.id,
            SpeakingRequest.user_id == user_id,
            SpeakingRequest.state.in_([SpeakingState.WAITING, SpeakingState.SPEAKING]),
        )
    )
    if existing is not None:
        return existing
    request = SpeakingRequest(
        tenant_id=meeting.tenant_id,
        meeting_id=meeting.id,
        user_id=user_id,
        state=SpeakingState.WAITING,
        topic=clean_text(
            topic,
            field="topic",
            code=Code.INVALID,
            label="发言主题",
            max_length=200,
            required=False,
        ),
    )
    session.add(request)
    await session.flush()
    await append_event(
        session,
        principal,
        meeting,
        MeetingEvent.QUEUE_CHANGED,
        QueueChanged(
            queue=await _queue_snapshot(session, meeting.id),
            change="raised",
            requestId=request.id,
        ),
    )
    return request


async def manage_queue(
    session: AsyncSession, principal: Principal, *, request_id: int, state: SpeakingState
) -> SpeakingRequest:
    """Host: give the floor (SPEAKING), finish (DONE) or drop (WITHDRAWN); the requester
    may withdraw their own hand."""
    request = await session.get(SpeakingRequest, request_id)
    if request is None:
        raise DomainError(Code.NOT_FOUND, "发言申请不存在", field="requestId")
    meeting = await get_meeting(session, request.meeting_id)
    own_withdrawal = state is SpeakingState.WITHDRAWN and request.user_id == principal.user_id
    if not own_withdrawal:
        await require_host(session, principal, meeting)
    if request.state in (SpeakingState.DONE, SpeakingState.WITHDRAWN):
        raise DomainError(Code.INVALID_STATE, "该发言申请已结束", field="requestId")
    request.state = state
    await session.flush()
    await append_event(
        session,
        principal,
        meeting,
        MeetingEvent.QUEUE_CHANGED,
        QueueChanged(
            queue=await _queue_snapshot(session, meeting.id),
            change=state.value.lower(),
            requestId=request.id,
        ),
    )
    return request
