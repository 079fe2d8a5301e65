"""Rooms (云视频会议室): opening one for a meeting, admitting people, leaving, and the
host giving or taking back the floor (发言权).

Admission is decided and written here; the media (the SDP answer, the forwarding) is the
caller's business (`schema.video` asks `realtime.video` within the same unit of work, so a
refused or malformed offer leaves nothing written).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.core.errors import DomainError
from backend.core.security import Principal
from backend.meetings.access import get_meeting, is_host, require_host
from backend.meetings.models import Meeting, MeetingState, Participant, SpeakingRequest
from backend.people.models import User
from backend.video.access import active_grant, may_publish, room_and_meeting
from backend.video.errors import VideoErrorCode as Code
from backend.video.events import (
    VideoEvent,
    VideoFloorChanged,
    VideoParticipantJoined,
    VideoParticipantLeft,
    VideoRoomOpened,
)
from backend.video.models import VideoAttendance, VideoGrant, VideoRoom
from backend.video.stream import append_event

#: The largest room one process forwards (docs/video.md: beyond it, a dedicated SFU).
MAX_PARTICIPANT_LIMIT = 50
#: Why a person left, as the record says it.
LEAVE_REASONS = frozenset({"left", "failed", "timeout", "shutdown", "replaced", "closed"})


@dataclass(frozen=True, slots=True)
class Admission:
    """Who was let in: the room, the meeting, the person and whether they publish."""

    room: VideoRoom
    meeting: Meeting
    user_id: int
    publishing: bool
    attendance_id: int


async def _name(session: AsyncSession, user_id: int) -> str | None:
    return await session.scalar(select(User.display_name).where(User.id == user_id))


async def open_room(
    session: AsyncSession, principal: Principal, *, meeting_id: int, participant_limit: int
) -> VideoRoom:
    """Host: the meeting's room, with at most `participant_limit` people in it at once."""
    meeting = await get_meeting(session, meeting_id, lock=True)
    await require_host(session, principal, meeting)
    if meeting.state in (MeetingState.CLOSED, MeetingState.RECORD_PUBLISHED):
        raise DomainError(
            Code.MEETING_NOT_LIVE, "会议已结束，不能开通视频会议室", field="meetingId"
        )
    if not 2 <= participant_limit <= MAX_PARTICIPANT_LIMIT:
        raise DomainError(
            Code.INVALID,
            f"人数上限应在 2 到 {MAX_PARTICIPANT_LIMIT} 之间",
            field="participantLimit",
        )
    if await session.scalar(select(VideoRoom.id).where(VideoRoom.meeting_id == meeting.id)):
        raise DomainError(Code.ROOM_EXISTS, "该会议已开通视频会议室", field="meetingId")
    room = VideoRoom(
        tenant_id=meeting.tenant_id,
        meeting_id=meeting.id,
        participant_limit=participant_limit,
        is_open=True,
        created_by=principal.require_user(),
    )
    session.add(room)
    await session.flush()
    await append_event(
        session,
        principal,
        room,
        VideoEvent.ROOM_OPENED,
        VideoRoomOpened(id=room.id, meetingId=meeting.id, participantLimit=participant_limit),
    )
    return room


async def present(session: AsyncSession, room_id: int) -> list[VideoAttendance]:
    """Who is in the room now, in the order they joined."""
    return list(
        (
            await session.scalars(
                select(VideoAttendance)
                .where(VideoAttendance.room_id == room_id, VideoAttendance.left_at.is_(None))
                .order_by(VideoAttendance.id)
            )
        ).all()
    )


async def admit(
    session: AsyncSession, principal: Principal, *, room_id: int, publish: bool
) -> Admission:
    """Let the caller into the room, publishing if `publish` (then they must be allowed
    to). Someone already in the room is let in again (their previous connection ends,
    recorded as `replaced`) without counting twice against the limit."""
    user_id = principal.require_user()
    room, meeting = await room_and_meeting(session, room_id, lock=True)
    if meeting.state is not MeetingState.LIVE:
        raise DomainError(Code.MEETING_NOT_LIVE, "会议未在进行中，不能进入视频会议", field="roomId")
    if not room.is_open:
        raise DomainError(Code.ROOM_CLOSED, "视频会议室已关闭", field="roomId")
    host = await is_host(session, principal, meeting)
    if not host and (
        await session.scalar(
            select(Participant.id).where(
                Participant.meeting_id == meeting.id, Participant.user_id == user_id
            )
        )
        is None
    ):
        raise DomainError(Code.NOT_PARTICIPANT, "请先报名或受邀参加本次会议", field="roomId")
    if publish and not await may_publish(session, principal, room, meeting):
        raise DomainError(
            Code.NOT_GRANTED, "您暂无发言权，请举手申请或以观看方式进入", field="publish"
        )
    previous = await session.scalar(
        select(VideoAttendance).where(
            VideoAttendance.room_id == room.id,
            VideoAttendance.user_id == user_id,
            VideoAttendance.left_at.is_(None),
        )
    )
    if previous is None:
        inside = await session.scalar(
            select(func.count())
            .select_from(VideoAttendance)
            .where(VideoAttendance.room_id == room.id, VideoAttendance.left_at.is_(None))
        )
        if (inside or 0) >= room.participant_limit:
            raise DomainError(
                Code.ROOM_FULL,
                f"视频会议室已满（上限 {room.participant_limit} 人）",
                field="roomId",
            )
    else:
        await _record_left(session, principal, room, previous, "replaced")
    attendance = VideoAttendance(
        tenant_id=room.tenant_id,
        room_id=room.id,
        user_id=user_id,
        publishing=publish,
        created_at=datetime.now(UTC),
    )
    session.add(attendance)
    await session.flush()
    await append_event(
        session,
        principal,
        room,
        VideoEvent.PARTICIPANT_JOINED,
        VideoParticipantJoined(
            userId=user_id, name=await _name(session, user_id), publishing=publish
        ),
    )
    return Admission(
        room=room,
        meeting=meeting,
        user_id=user_id,
        publishing=publish,
        attendance_id=attendance.id,
    )


async def check_publishing(
    session: AsyncSession, principal: Principal, *, room_id: int, publish: bool
) -> VideoAttendance:
    """For a renegotiation: the caller is in the room, and may publish if they ask to."""
    user_id = principal.require_user()
    room, meeting = await room_and_meeting(session, room_id)
    attendance = await session.scalar(
        select(VideoAttendance).where(
            VideoAttendance.room_id == room.id,
            VideoAttendance.user_id == user_id,
            VideoAttendance.left_at.is_(None),
        )
    )
    if attendance is None:
        raise DomainError(Code.NOT_IN_ROOM, "您不在该视频会议室中", field="roomId")
    if publish and not await may_publish(session, principal, room, meeting):
        raise DomainError(Code.NOT_GRANTED, "您暂无发言权", field="publish")
    attendance.publishing = publish
    await session.flush()
    return attendance


async def _record_left(
    session: AsyncSession,
    principal: Principal | None,
    room: VideoRoom,
    attendance: VideoAttendance,
    reason: str,
) -> None:
    attendance.left_at = datetime.now(UTC)
    attendance.left_reason = reason
    await session.flush()
    await append_event(
        session,
        principal,
        room,
        VideoEvent.PARTICIPANT_LEFT,
        VideoParticipantLeft(
            userId=attendance.user_id, name=await _name(session, attendance.user_id), reason=reason
        ),
    )


async def leave(
    session: AsyncSession,
    principal: Principal | None,
    *,
    room_id: int,
    user_id: int,
    reason: str,
    attendance_id: int | None = None,
) -> bool:
    """Record that `user_id` left the room (`reason` in LEAVE_REASONS). With
    `attendance_id`, only that presence ends (a connection that failed after its owner
    joined again leaves the newer presence alone). False when they were not in it.

    `principal` is None when the media server ends a connection itself (failure,
    timeout, shutdown): then nobody acted, and the event has no actor."""
    if reason not in LEAVE_REASONS:
        raise DomainError(Code.INVALID, "离开原因无效", field="reason")
    room, _meeting = await room_and_meeting(session, room_id)
    query = select(VideoAttendance).where(
        VideoAttendance.room_id == room.id,
        VideoAttendance.user_id == user_id,
        VideoAttendance.left_at.is_(None),
    )
    if attendance_id is not None:
        query = query.where(VideoAttendance.id == attendance_id)
    attendance = await session.scalar(query.with_for_update())
    if attendance is None:
        return False
    await _record_left(session, principal, room, attendance, reason)
    return True


async def leave_room(session: AsyncSession, principal: Principal, *, room_id: int) -> VideoRoom:
    """The caller leaves the room (NOT_IN_ROOM if they were not in it)."""
    user_id = principal.require_user()
    if not await leave(session, principal, room_id=room_id, user_id=user_id, reason="left"):
        raise DomainError(Code.NOT_IN_ROOM, "您不在该视频会议室中", field="roomId")
    room, _meeting = await room_and_meeting(session, room_id)
    return room


async def grant_floor(
    session: AsyncSession,
    principal: Principal,
    *,
    room_id: int,
    user_id: int | None = None,
    speaking_request_id: int | None = None,
) -> VideoGrant:
    """Host: give `user_id` (or the person of a raised hand, `speaking_request_id`) the
    floor: they may publish until it is revoked."""
    room, meeting = await room_and_meeting(session, room_id)
    await require_host(session, principal, meeting)
    if speaking_request_id is not None:
        request = await session.get(SpeakingRequest, speaking_request_id)
        if request is None or request.meeting_id != meeting.id:
            raise DomainError(Code.NOT_FOUND, "发言申请不存在", field="speakingRequestId")
        user_id = request.user_id
    if user_id is None:
        raise DomainError(Code.INVALID, "请指定发言人", field="userId")
    if (
        await session.scalar(
            select(Participant.id).where(
                Participant.meeting_id == meeting.id, Participant.user_id == user_id
            )
        )
        is None
    ):
        raise DomainError(Code.NOT_PARTICIPANT, "该用户不是本次会议的参会人", field="userId")
    grant = await active_grant(session, room.id, user_id)
    if grant is not None:
        return grant
    grant = VideoGrant(
        tenant_id=room.tenant_id,
        room_id=room.id,
        user_id=user_id,
        granted_by=principal.require_user(),
        speaking_request_id=speaking_request_id,
    )
    session.add(grant)
    await session.flush()
    await append_event(
        session,
        principal,
        room,
        VideoEvent.FLOOR_GRANTED,
        VideoFloorChanged(
            userId=user_id, name=await _name(session, user_id), requestId=speaking_request_id
        ),
    )
    return grant


async def revoke_floor(
    session: AsyncSession, principal: Principal, *, room_id: int, user_id: int
) -> VideoGrant:
    """Host: take the floor back; the media server stops forwarding what they send."""
    room, meeting = await room_and_meeting(session, room_id)
    await require_host(session, principal, meeting)
    grant = await active_grant(session, room.id, user_id)
    if grant is None:
        raise DomainError(Code.NOT_GRANTED, "该用户没有发言权", field="userId")
    grant.revoked_at = datetime.now(UTC)
    await session.flush()
    await append_event(
        session,
        principal,
        room,
        VideoEvent.FLOOR_REVOKED,
        VideoFloorChanged(
            userId=user_id, name=await _name(session, user_id), requestId=grant.speaking_request_id
        ),
    )
    return grant


async def room_of_meeting(session: AsyncSession, meeting_id: int) -> VideoRoom | None:
    return await session.scalar(select(VideoRoom).where(VideoRoom.meeting_id == meeting_id))
