"""The agenda and each item's speech timer (发言计时); `timers` schedules the due warnings."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.core.clock import SYSTEM_CLOCK, Clock
from backend.core.errors import DomainError
from backend.core.security import Principal
from backend.core.validation import clean_text
from backend.meetings.access import get_meeting, require_host, require_state
from backend.meetings.errors import MeetingErrorCode as Code
from backend.meetings.events import TIMER_ACTIONS, AgendaItemAdded, MeetingEvent, TimerChanged
from backend.meetings.models import AgendaItem, Meeting, MeetingState, TimerStatus
from backend.meetings.stream import append_event
from backend.people.models import User
from tenants.models import OrgUnit, Tenant

WORK_REPORT_SPEECH_SECONDS = 600  # seed 001: 述职时间不超过10分钟


SPEECH_WARNING_SECONDS = 60  # seed 001: 剩余1分钟时提醒一次


def timer_snapshot(item: AgendaItem) -> TimerChanged:
    return {
        "agendaItemId": item.id,
        "status": item.timer_status.value,
        "durationSeconds": item.duration_seconds,
        "deadline": item.deadline.isoformat() if item.deadline else None,
        "remainingSeconds": item.remaining_seconds,
    }


async def add_agenda_item(
    session: AsyncSession,
    principal: Principal,
    *,
    meeting_id: int,
    title: str,
    speaker_user_id: int | None,
    speaker_name: str | None,
    speaker_unit_id: int | None,
    duration_seconds: int | None,
) -> AgendaItem:
    meeting = await get_meeting(session, meeting_id)
    await require_host(session, principal, meeting)
    require_state(
        meeting, MeetingState.DRAFT, MeetingState.ANNOUNCED, MeetingState.LIVE, action="修改议程"
    )
    if duration_seconds is None:
        from backend.core import rules

        settings = await session.scalar(
            select(Tenant.settings).where(Tenant.id == meeting.tenant_id)
        )
        duration_seconds = int(
            rules.effective_rule(settings or {}, "meeting.work_report_speech").value
        )
    if not 5 <= duration_seconds <= 4 * 3600:
        raise DomainError(Code.INVALID, "发言时长须在5秒到4小时之间", field="durationSeconds")
    if speaker_user_id is not None and await session.get(User, speaker_user_id) is None:
        raise DomainError(Code.NOT_FOUND, "发言人不存在", field="speakerUserId")
    if speaker_unit_id is not None and await session.get(OrgUnit, speaker_unit_id) is None:
        raise DomainError(Code.NOT_FOUND, "发言单位不存在", field="speakerUnitId")
    position = (
        await session.scalar(
            select(func.coalesce(func.max(AgendaItem.position), 0)).where(
                AgendaItem.meeting_id == meeting.id
            )
        )
        or 0  # coalesce: never None, but scalar() cannot know it
    ) + 1
    item = AgendaItem(
        tenant_id=meeting.tenant_id,
        meeting_id=meeting.id,
        position=position,
        title=clean_text(title, field="title", code=Code.INVALID, label="议程名称", max_length=200),
        speaker_user_id=speaker_user_id,
        speaker_name=clean_text(
            speaker_name,
            field="speakerName",
            code=Code.INVALID,
            label="发言人",
            max_length=100,
            required=False,
        ),
        speaker_unit_id=speaker_unit_id,
        duration_seconds=duration_seconds,
        timer_status=TimerStatus.IDLE,
    )
    session.add(item)
    await session.flush()
    await append_event(
        session,
        principal,
        meeting,
        MeetingEvent.AGENDA_ITEM_ADDED,
        AgendaItemAdded(
            id=item.id,
            position=position,
            title=item.title,
            speakerName=item.speaker_name,
            durationSeconds=duration_seconds,
        ),
    )
    return item


async def timer_action(
    session: AsyncSession,
    principal: Principal,
    *,
    agenda_item_id: int,
    action: str,
    clock: Clock = SYSTEM_CLOCK,
) -> AgendaItem:
    """start / pause / resume / stop the speech timer of an agenda item, at `clock`'s time
    (the app's clock, which the timer scheduler also reads)."""
    item = await session.scalar(
        select(AgendaItem).where(AgendaItem.id == agenda_item_id).with_for_update()
    )
    if item is None:
        raise DomainError(Code.NOT_FOUND, "议程不存在", field="agendaItemId")
    meeting = await get_meeting(session, item.meeting_id)
    await require_host(session, principal, meeting)
    require_state(meeting, MeetingState.LIVE, action="计时")
    await set_timer(session, principal, meeting, item, action, at=clock.now())
    return item


async def set_timer(
    session: AsyncSession,
    principal: Principal,
    meeting: Meeting,
    item: AgendaItem,
    action: str,
    *,
    at: datetime,
) -> None:
    t = at
    status = item.timer_status
    if action == "start":
        if status not in (TimerStatus.IDLE, TimerStatus.STOPPED):
            raise DomainError(
                Code.INVALID_TIMER_STATE, "计时器已在运行或暂停中", field="agendaItemId"
            )
        running = await session.scalar(
            select(AgendaItem.id).where(
                AgendaItem.meeting_id == meeting.id,
                AgendaItem.timer_status == TimerStatus.RUNNING,
                AgendaItem.id != item.id,
            )
        )
        if running is not None:
            raise DomainError(Code.TIMER_BUSY, "另一项议程正在计时，请先停止", field="agendaItemId")
        item.deadline = t + timedelta(seconds=item.duration_seconds)
        item.remaining_seconds = float(item.duration_seconds)
        item.warned_one_minute = item.duration_seconds <= SPEECH_WARNING_SECONDS
        item.warned_time_up = False
        item.timer_status = TimerStatus.RUNNING
    elif action == "pause":
        if status is not TimerStatus.RUNNING:
            raise DomainError(Code.INVALID_TIMER_STATE, "计时器未在运行", field="agendaItemId")
        assert item.deadline is not None
        item.remaining_seconds = max(0.0, (item.deadline - t).total_seconds())
        item.deadline = None
        item.timer_status = TimerStatus.PAUSED
    elif action == "resume":
        if status is not TimerStatus.PAUSED:
            raise DomainError(Code.INVALID_TIMER_STATE, "计时器未暂停", field="agendaItemId")
        item.deadline = t + timedelta(seconds=item.remaining_seconds or 0)
        item.timer_status = TimerStatus.RUNNING
    elif action == "stop":
        if status not in (TimerStatus.RUNNING, TimerStatus.PAUSED):
            raise DomainError(Code.INVALID_TIMER_STATE, "计时器未在运行", field="agendaItemId")
        if item.deadline is not None:
            item.remaining_seconds = max(0.0, (item.deadline - t).total_seconds())
        item.deadline = None
        item.timer_status = TimerStatus.STOPPED
    else:  # pragma: no cover - the schema only offers the four actions
        raise ValueError(action)
    await session.flush()
    await append_event(session, principal, meeting, TIMER_ACTIONS[action], timer_snapshot(item))


async def fire_due_warnings(session: AsyncSession, *, item_id: int, at: datetime) -> bool:
    """Called by the timer scheduler in a county transaction: claims the item (SKIP LOCKED,
    so one worker wins) and appends `timer.oneMinuteLeft` / `timer.timeUp` if due.
    Time up stops the timer (超时叫停)."""
    item = await session.scalar(
        select(AgendaItem)
        .where(AgendaItem.id == item_id, AgendaItem.timer_status == TimerStatus.RUNNING)
        .with_for_update(skip_locked=True)
    )
    if item is None or item.deadline is None:
        return False
    meeting = await get_meeting(session, item.meeting_id)
    system = Principal(tenant_id=meeting.tenant_id)
    fired = False
    if not item.warned_one_minute and at >= item.deadline - timedelta(
        seconds=SPEECH_WARNING_SECONDS
    ):
        item.warned_one_minute = True
        warning: TimerChanged = {
            **timer_snapshot(item),
            "remainingSeconds": max(0.0, (item.deadline - at).total_seconds()),
        }
        await append_event(session, system, meeting, MeetingEvent.TIMER_ONE_MINUTE_LEFT, warning)
        fired = True
    if not item.warned_time_up and at >= item.deadline:
        item.warned_time_up = True
        item.timer_status = TimerStatus.STOPPED
        item.remaining_seconds = 0.0
        item.deadline = None
        await append_event(
            session, system, meeting, MeetingEvent.TIMER_TIME_UP, timer_snapshot(item)
        )
        fired = True
    await session.flush()
    return fired
