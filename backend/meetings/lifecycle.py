"""A meeting's life: create (draft), announce, start, close and seal the record, publish
the record.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.core.clock import SYSTEM_CLOCK, Clock
from backend.core.errors import DomainError
from backend.core.security import Principal, Verification
from backend.core.validation import clean_text
from backend.meetings.access import (
    MANAGER_ROLES,
    get_meeting,
    require_host,
    require_state,
    unit_path,
)
from backend.meetings.agenda import set_timer
from backend.meetings.errors import MeetingErrorCode as Code
from backend.meetings.events import (
    MeetingCreated,
    MeetingEvent,
    MeetingStateChanged,
    MeetingVerificationChanged,
    RecordSealed,
)
from backend.meetings.materials import material_warnings
from backend.meetings.minutes import sha256_of
from backend.meetings.models import (
    AgendaItem,
    Meeting,
    MeetingKind,
    MeetingMode,
    MeetingState,
    Poll,
    PollState,
    ScoringSheet,
    ScoringState,
    TimerStatus,
)
from backend.meetings.polls import close_open_poll
from backend.meetings.stream import append_event, stream_of
from backend.record.chain import seal_head
from backend.record.seal import Sealer
from realtime import log as events
from tenants.models import Venue

if TYPE_CHECKING:
    from backend.meetings.scoring import BallotMixer


def meeting_snapshot(m: Meeting) -> MeetingCreated:
    snapshot: MeetingCreated = {
        "id": m.id,
        "title": m.title,
        "kind": m.kind.value,
        "mode": m.mode.value,
        "state": m.state.value,
        "startsAt": m.starts_at.isoformat(),
        "endsAt": m.ends_at.isoformat() if m.ends_at else None,
        "venueId": m.venue_id,
        "hostUnitId": m.host_unit_id,
        "capacity": m.capacity,
    }
    if m.required_verification is not Verification.UNVERIFIED:
        snapshot["requiredVerification"] = m.required_verification.value
    return snapshot


async def create_meeting(
    session: AsyncSession,
    principal: Principal,
    *,
    kind: MeetingKind,
    mode: MeetingMode,
    title: str,
    description: str | None,
    host_unit_id: int,
    venue_id: int | None,
    starts_at: datetime,
    ends_at: datetime | None,
    capacity: int | None,
    required_verification: Verification = Verification.UNVERIFIED,
) -> Meeting:
    """A draft meeting hosted by an org unit (admins or staff of that unit)."""
    tenant_id = principal.require_tenant()
    path = await unit_path(session, host_unit_id)
    if path is None:
        raise DomainError(Code.NOT_FOUND, "主办单位不存在", field="hostUnitId")
    principal.require(*MANAGER_ROLES, at_path=path)
    clean_title = clean_text(
        title, field="title", code=Code.INVALID, label="会议名称", max_length=200
    )
    clean_desc = clean_text(
        description,
        field="description",
        code=Code.INVALID,
        label="会议说明",
        max_length=5000,
        required=False,
    )
    if starts_at.tzinfo is None:
        raise DomainError(Code.INVALID, "开始时间须带时区", field="startsAt")
    if ends_at is not None and ends_at <= starts_at:
        raise DomainError(Code.INVALID, "结束时间须晚于开始时间", field="endsAt")
    if capacity is not None and not 1 <= capacity <= 100_000:
        raise DomainError(Code.INVALID, "容量须在 1 到 100000 之间", field="capacity")
    if venue_id is not None and await session.get(Venue, venue_id) is None:
        raise DomainError(Code.NOT_FOUND, "会议地点不存在", field="venueId")
    if mode is MeetingMode.IN_PERSON and venue_id is None and kind is not MeetingKind.VIDEO_MEETING:
        raise DomainError(Code.INVALID, "现场会议须指定地点", field="venueId")
    meeting = Meeting(
        tenant_id=tenant_id,
        kind=kind,
        mode=mode,
        state=MeetingState.DRAFT,
        title=clean_title,
        description=clean_desc,
        venue_id=venue_id,
        host_unit_id=host_unit_id,
        starts_at=starts_at,
        ends_at=ends_at,
        capacity=capacity,
        required_verification=required_verification,
        created_by=principal.user_id,
    )
    session.add(meeting)
    await session.flush()
    await append_event(
        session, principal, meeting, MeetingEvent.MEETING_CREATED, meeting_snapshot(meeting)
    )
    return meeting


async def set_required_verification(
    session: AsyncSession, principal: Principal, *, meeting_id: int, level: Verification
) -> Meeting:
    """Change the verification level (实名制) the meeting asks of those who register, check
    in, vote and score (hosts; until it closes). Those already registered or checked in
    stay; the next action of each is held to the new level."""
    meeting = await get_meeting(session, meeting_id, lock=True)
    await require_host(session, principal, meeting)
    require_state(
        meeting,
        MeetingState.DRAFT,
        MeetingState.ANNOUNCED,
        MeetingState.LIVE,
        action="变更实名要求",
    )
    if meeting.required_verification is level:
        return meeting
    meeting.required_verification = level
    await session.flush()
    await append_event(
        session,
        principal,
        meeting,
        MeetingEvent.MEETING_VERIFICATION_CHANGED,
        MeetingVerificationChanged(requiredVerification=level.value),
    )
    return meeting


_TRANSITIONS = {
    "announce": ((MeetingState.DRAFT,), MeetingState.ANNOUNCED, "公告"),
    "start": ((MeetingState.DRAFT, MeetingState.ANNOUNCED), MeetingState.LIVE, "开始"),
}


#: Checks run before a meeting starts, in the starting transaction (a domain above meetings,
#: e.g. decisions' 座谈 materials rule, registers one; meetings never import it). A check
#: raises `DomainError` to refuse the start.
StartHook = Callable[[AsyncSession, Meeting], Awaitable[None]]
_START_HOOKS: list[StartHook] = []


def on_start(hook: StartHook) -> StartHook:
    """Register `hook` (once) to run before every meeting start."""
    if hook not in _START_HOOKS:
        _START_HOOKS.append(hook)
    return hook


async def change_state(
    session: AsyncSession, principal: Principal, *, meeting_id: int, action: str
) -> tuple[Meeting, list[str]]:
    """announce / start. Returns the meeting and warnings for the host (e.g. materials
    sent too late for a 座谈会)."""
    meeting = await get_meeting(session, meeting_id, lock=True)
    await require_host(session, principal, meeting)
    allowed, target, label = _TRANSITIONS[action]
    require_state(meeting, *allowed, action=label)
    if action == "start":
        for hook in _START_HOOKS:
            await hook(session, meeting)
    meeting.state = target
    await session.flush()
    await append_event(
        session,
        principal,
        meeting,
        MeetingEvent.MEETING_STATE_CHANGED,
        MeetingStateChanged(state=target.value),
    )
    return meeting, await material_warnings(session, meeting)


async def close_meeting(
    session: AsyncSession,
    principal: Principal,
    *,
    meeting_id: int,
    sealer: Sealer | None = None,
    ballots: BallotMixer | None = None,
    clock: Clock = SYSTEM_CLOCK,
) -> Meeting:
    """End the meeting and seal its record: stop timers (at `clock`'s time), close open
    polls and scoring, append the final `record.sealed` event (with the digests of every
    section of the record); nothing can be appended afterwards. The county's `sealer` signs
    and timestamps the seal (unsigned without one); the ballots pending in `ballots` (the
    app's mixer) are the open sheets' last batches."""
    from backend.meetings import scoring

    meeting = await get_meeting(session, meeting_id, lock=True)
    await require_host(session, principal, meeting)
    require_state(meeting, MeetingState.LIVE, MeetingState.ANNOUNCED, action="结束")
    await events.lock_head(session, tenant_id=meeting.tenant_id, stream=stream_of(meeting.id))
    for item in (
        await session.scalars(
            select(AgendaItem).where(
                AgendaItem.meeting_id == meeting.id,
                AgendaItem.timer_status.in_([TimerStatus.RUNNING, TimerStatus.PAUSED]),
            )
        )
    ).all():
        await set_timer(session, principal, meeting, item, "stop", at=clock.now())
    for poll in (
        await session.scalars(
            select(Poll).where(Poll.meeting_id == meeting.id, Poll.state == PollState.OPEN)
        )
    ).all():
        await close_open_poll(session, principal, meeting, poll)
    for sheet in (
        await session.scalars(
            select(ScoringSheet).where(
                ScoringSheet.meeting_id == meeting.id, ScoringSheet.state == ScoringState.OPEN
            )
        )
    ).all():
        await scoring.close_sheet(session, principal, meeting, sheet, mixer=ballots)
    meeting.state = MeetingState.CLOSED
    await append_event(
        session,
        principal,
        meeting,
        MeetingEvent.MEETING_STATE_CHANGED,
        MeetingStateChanged(state="CLOSED"),
    )
    head = await events.lock_head(  # already ours: this reads where the stream now ends
        session, tenant_id=meeting.tenant_id, stream=stream_of(meeting.id)
    )
    from backend.meetings.record.build import sealed_content

    content = await sealed_content(session, meeting)
    sealed = await append_event(
        session,
        principal,
        meeting,
        MeetingEvent.RECORD_SEALED,
        RecordSealed(
            events=head.last_seq + 1,
            minutesSha256=sha256_of(meeting.minutes),
            content=content,
        ),
    )
    await seal_head(session, head=head, sealed=sealed, sealer=sealer)
    meeting.sealed_hash = sealed.hash
    meeting.sealed_at = sealed.created_at
    await session.flush()
    return meeting


async def publish_record(
    session: AsyncSession, principal: Principal, *, meeting_id: int
) -> Meeting:
    meeting = await get_meeting(session, meeting_id, lock=True)
    await require_host(session, principal, meeting)
    if meeting.state is not MeetingState.CLOSED:
        raise DomainError(Code.INVALID_STATE, "会议结束并封存记录后才能公开记录", field="meetingId")
    meeting.state = MeetingState.RECORD_PUBLISHED
    await session.flush()
    return meeting
