"""Loading rooms and deciding who may join, publish and manage them."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.core.errors import DomainError
from backend.core.security import Principal
from backend.meetings.access import get_meeting, is_host
from backend.meetings.models import Meeting, Participant, ParticipantRole
from backend.video import personal_data as _personal_data  # noqa: F401  (registers the section)
from backend.video import visibility as _visibility  # noqa: F401  (registers the kind)
from backend.video.errors import VideoErrorCode as Code
from backend.video.models import VideoGrant, VideoRoom

#: Participants who publish camera and microphone without being given the floor: the
#: host, speakers (述职/发言人), deputies and committee members (代表/委员), experts and
#: representatives (群众代表, 听证代表). Invited citizens may too; other attendees watch.
PUBLISHING_ROLES = frozenset(
    {
        ParticipantRole.HOST,
        ParticipantRole.SPEAKER,
        ParticipantRole.DEPUTY,
        ParticipantRole.EXPERT,
        ParticipantRole.REPRESENTATIVE,
    }
)


async def get_room(session: AsyncSession, room_id: int, *, lock: bool = False) -> VideoRoom:
    """The room of this county (another county's is NOT_FOUND, as one that does not exist:
    row-level security hides it)."""
    query = select(VideoRoom).where(VideoRoom.id == room_id)
    if lock:
        query = query.with_for_update()
    room = await session.scalar(query)
    if room is None:
        raise DomainError(Code.NOT_FOUND, "视频会议室不存在", field="roomId")
    return room


async def room_and_meeting(
    session: AsyncSession, room_id: int, *, lock: bool = False
) -> tuple[VideoRoom, Meeting]:
    room = await get_room(session, room_id, lock=lock)
    return room, await get_meeting(session, room.meeting_id)


async def active_grant(session: AsyncSession, room_id: int, user_id: int) -> VideoGrant | None:
    return await session.scalar(
        select(VideoGrant).where(
            VideoGrant.room_id == room_id,
            VideoGrant.user_id == user_id,
            VideoGrant.revoked_at.is_(None),
        )
    )


async def may_publish(
    session: AsyncSession, principal: Principal, room: VideoRoom, meeting: Meeting
) -> bool:
    """Whether the caller may send camera and microphone in the room now."""
    if principal.user_id is None:
        return False
    if await is_host(session, principal, meeting):
        return True
    participant = await session.scalar(
        select(Participant).where(
            Participant.meeting_id == meeting.id, Participant.user_id == principal.user_id
        )
    )
    if participant is not None and (participant.role in PUBLISHING_ROLES or participant.invited):
        return True
    return await active_grant(session, room.id, principal.user_id) is not None
