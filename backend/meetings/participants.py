"""Participants: invitations, registration within capacity, check-in (签到), and who is
eligible to vote or score.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.core.errors import DomainError
from backend.core.security import Principal
from backend.meetings.access import (
    get_meeting,
    is_host,
    require_host,
    require_state,
    require_verification,
)
from backend.meetings.codes import require_meeting_scope
from backend.meetings.errors import MeetingErrorCode as Code
from backend.meetings.events import (
    MeetingEvent,
    ParticipantCheckedIn,
    ParticipantRegistered,
    ParticipantsInvited,
)
from backend.meetings.models import (
    Eligibility,
    MeetingMode,
    MeetingState,
    Participant,
    ParticipantRole,
)
from backend.meetings.stream import append_event, now
from backend.people.models import User


async def find_participant(
    session: AsyncSession, meeting_id: int, user_id: int
) -> Participant | None:
    return await session.scalar(
        select(Participant).where(
            Participant.meeting_id == meeting_id, Participant.user_id == user_id
        )
    )


async def invite(
    session: AsyncSession,
    principal: Principal,
    *,
    meeting_id: int,
    user_ids: Sequence[int],
    role: ParticipantRole,
) -> list[Participant]:
    """Invite people (代表委员, experts, speakers…); inviting again updates the role."""
    meeting = await get_meeting(session, meeting_id)
    await require_host(session, principal, meeting)
    require_state(
        meeting, MeetingState.DRAFT, MeetingState.ANNOUNCED, MeetingState.LIVE, action="邀请参会人"
    )
    users = {
        u.id: u for u in (await session.scalars(select(User).where(User.id.in_(user_ids)))).all()
    }
    missing = [i for i in user_ids if i not in users]
    if missing or not user_ids:
        raise DomainError(Code.NOT_FOUND, "被邀请的用户不存在或不属于本县", field="userIds")
    invited: list[Participant] = []
    for user_id in dict.fromkeys(user_ids):
        p = await find_participant(session, meeting.id, user_id)
        if p is None:
            p = Participant(
                tenant_id=meeting.tenant_id,
                meeting_id=meeting.id,
                user_id=user_id,
                role=role,
                invited=True,
            )
            session.add(p)
        else:
            p.role, p.invited = role, True
        invited.append(p)
    await session.flush()
    await append_event(
        session,
        principal,
        meeting,
        MeetingEvent.PARTICIPANT_INVITED,
        ParticipantsInvited(
            participants=[
                {"userId": p.user_id, "name": users[p.user_id].display_name, "role": role.value}
                for p in invited
            ]
        ),
    )
    return invited


async def register(session: AsyncSession, principal: Principal, *, meeting_id: int) -> Participant:
    """Sign up to attend, within the meeting's capacity."""
    user_id = principal.require_user()
    meeting = await get_meeting(session, meeting_id, lock=True)  # serialises capacity checks
    await require_meeting_scope(session, principal, meeting.id)
    require_state(meeting, MeetingState.ANNOUNCED, MeetingState.LIVE, action="报名")
    require_verification(principal.verification, meeting.required_verification, field="meetingId")
    if await find_participant(session, meeting.id, user_id) is not None:
        raise DomainError(
            Code.ALREADY_REGISTERED, "您已报名或已受邀参加本次会议", field="meetingId"
        )
    if meeting.capacity is not None:
        count = await session.scalar(
            select(func.count())
            .select_from(Participant)
            .where(Participant.meeting_id == meeting.id)
        )
        if (count or 0) >= meeting.capacity:
            raise DomainError(
                Code.MEETING_FULL, f"报名人数已满（{meeting.capacity}人）", field="meetingId"
            )
    p = Participant(
        tenant_id=meeting.tenant_id,
        meeting_id=meeting.id,
        user_id=user_id,
        role=ParticipantRole.ATTENDEE,
    )
    session.add(p)
    await session.flush()
    await append_event(
        session,
        principal,
        meeting,
        MeetingEvent.PARTICIPANT_REGISTERED,
        ParticipantRegistered(userId=user_id, name=principal.display_name),
    )
    return p


async def check_in(
    session: AsyncSession, principal: Principal, *, meeting_id: int, user_id: int | None
) -> Participant:
    """Attendance: staff check a person in at the venue (`user_id`), or a participant
    joins online themselves (`user_id` None)."""
    meeting = await get_meeting(session, meeting_id)
    require_state(meeting, MeetingState.ANNOUNCED, MeetingState.LIVE, action="签到")
    if user_id is None or (
        user_id == principal.user_id and not await is_host(session, principal, meeting)
    ):
        user_id = principal.require_user()
        if meeting.mode is MeetingMode.IN_PERSON:
            raise DomainError(Code.INVALID, "现场会议须由工作人员现场签到", field="meetingId")
        mode = "ONLINE"
        require_verification(
            principal.verification, meeting.required_verification, field="meetingId"
        )
    else:
        await require_host(session, principal, meeting)
        mode = "IN_PERSON"
        # Staff check a person in: the person's own level counts (a staff ID check at the
        # venue, recordRealNameCheck, raises it first).
        level = await session.scalar(select(User.verification).where(User.id == user_id))
        if level is not None:
            require_verification(level, meeting.required_verification, field="userId")
    p = await find_participant(session, meeting.id, user_id)
    if p is None:
        raise DomainError(Code.NOT_PARTICIPANT, "该用户未受邀也未报名本次会议", field="userId")
    if p.checked_in_at is None:
        p.checked_in_at, p.check_in_mode = now(), mode
        await session.flush()
        name = await session.scalar(select(User.display_name).where(User.id == user_id))
        await append_event(
            session,
            principal,
            meeting,
            MeetingEvent.PARTICIPANT_CHECKED_IN,
            ParticipantCheckedIn(userId=user_id, name=name, mode=mode, role=p.role.value),
        )
    return p


def is_eligible(eligibility: Eligibility, role: ParticipantRole, checked_in: bool) -> bool:
    """May a participant (of this role, checked in or not) vote in a poll open to…"""
    if eligibility is Eligibility.ATTENDEES:
        return checked_in
    if eligibility is Eligibility.REPRESENTATIVES:
        return role in (
            ParticipantRole.DEPUTY,
            ParticipantRole.REPRESENTATIVE,
            ParticipantRole.EXPERT,
        )
    return True
