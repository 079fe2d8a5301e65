"""Bringing the drawn representatives to the meeting where they sit: a hearing's
representatives to the meeting that holds the hearing (会议 of kind 听证会), a 列席
selection's members to the government meeting that decides (seed 002 第十八条: 列席会议人员
名单…会议召开前确定). The selected (not the alternates) are invited to the meeting as
REPRESENTATIVEs through the meetings domain, which appends its own event; the hearing's
stream records which meeting and how many."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from backend.core.errors import DomainError
from backend.core.security import Principal
from backend.hearings.access import get_hearing, require_organiser, require_state
from backend.hearings.applications import applicants_of
from backend.hearings.errors import HearingErrorCode as Code
from backend.hearings.events import HearingEvent, InvitedToMeeting
from backend.hearings.models import DrawOutcome, Hearing, HearingState
from backend.hearings.stream import append_event
from backend.meetings.models import ParticipantRole
from backend.meetings.participants import invite


async def invite_selected(
    session: AsyncSession, principal: Principal, *, hearing_id: int, meeting_id: int
) -> tuple[Hearing, int]:
    """Invite every SELECTED person of the draw to `meeting_id`; returns how many. The
    caller must organise the hearing and host the meeting."""
    hearing = await get_hearing(session, hearing_id, lock=True)
    await require_organiser(session, principal, hearing)
    require_state(hearing, HearingState.DRAWN, HearingState.REPORTED, action="邀请代表参会")
    selected = [
        a for a in await applicants_of(session, hearing.id) if a.outcome is DrawOutcome.SELECTED
    ]
    if not selected:
        raise DomainError(Code.INVALID_STATE, "抽选结果中没有选中的代表", field="hearingId")
    await invite(
        session,
        principal,
        meeting_id=meeting_id,
        user_ids=[a.user_id for a in selected],
        role=ParticipantRole.REPRESENTATIVE,
    )
    await append_event(
        session,
        principal,
        hearing,
        HearingEvent.INVITED_TO_MEETING,
        InvitedToMeeting(meetingId=meeting_id, poolIds=sorted(a.pseudonym for a in selected)),
    )
    return hearing, len(selected)
