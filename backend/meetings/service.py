"""Meetings: lifecycle, attendance, agenda and timers, polls, anonymous scoring, comments,
the speaking queue, minutes and the sealed record.

Every change appends an event to the meeting's stream `meeting:<id>` in the same
transaction (the consultation record). Votes and 测评票 go through the stream's
group-commit writer (`realtime.writer`) because thousands arrive at once.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import orjson
from sqlalchemy import ColumnElement, exists, func, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db import driver_connection
from backend.errors import DomainError
from backend.meetings.errors import MeetingErrorCode as Code
from backend.meetings.models import (
    AgendaItem,
    Comment,
    CommentKind,
    Eligibility,
    Material,
    Meeting,
    MeetingKind,
    MeetingMode,
    MeetingState,
    Participant,
    ParticipantRole,
    Poll,
    PollKind,
    PollState,
    ScoringSheet,
    ScoringState,
    SpeakingRequest,
    SpeakingState,
    TimerStatus,
)
from backend.people.models import Role, User
from backend.record.seal import Sealer
from backend.security import Principal
from backend.validation import clean_text
from realtime import log as events
from realtime.log import EventDraft, StreamSealed
from realtime.writer import StreamWriter
from tenants.models import OrgUnit, Tenant, Venue

WORK_REPORT_SPEECH_SECONDS = 600  # seed 001: 述职时间不超过10分钟
SPEECH_WARNING_SECONDS = 60  # seed 001: 剩余1分钟时提醒一次
COMMENT_MAX_LENGTH = 500
MANAGER_ROLES = (Role.TENANT_ADMIN, Role.DEPARTMENT_STAFF)


def stream_of(meeting_id: int) -> str:
    return f"meeting:{meeting_id}"


def now() -> datetime:
    return datetime.now(UTC)


# -- loading and permissions -------------------------------------------------------------


async def get_meeting(session: AsyncSession, meeting_id: int, *, lock: bool = False) -> Meeting:
    query = select(Meeting).where(Meeting.id == meeting_id)
    if lock:
        query = query.with_for_update()
    meeting = await session.scalar(query)
    if meeting is None:
        raise DomainError(Code.NOT_FOUND, "会议不存在", field="meetingId")
    return meeting


async def _unit_path(session: AsyncSession, unit_id: int) -> str | None:
    return await session.scalar(select(OrgUnit.path).where(OrgUnit.id == unit_id))


async def is_host(session: AsyncSession, principal: Principal, meeting: Meeting) -> bool:
    """Tenant admins, staff of the host unit (or above it), and the meeting's HOSTs."""
    if principal.user_id is None:
        return False
    path = await _unit_path(session, meeting.host_unit_id)
    if _hosts_by_role(principal, path):
        return True
    role = await session.scalar(
        select(Participant.role).where(
            Participant.meeting_id == meeting.id, Participant.user_id == principal.user_id
        )
    )
    return role is ParticipantRole.HOST


def visible_to(principal: Principal) -> ColumnElement[bool]:
    """The meetings `principal` may see: every meeting once announced; a DRAFT only for
    those who may host it (tenant admins and department staff whose scope covers the host
    unit) and for its participants (a HOST, or someone already invited). Anonymous callers
    and other members of the county never see drafts, not even their titles."""
    public = Meeting.state != MeetingState.DRAFT
    if principal.user_id is None:
        return public
    paths = [g.org_path for g in principal.grants if g.role in MANAGER_ROLES]
    if None in paths:
        return true()
    allowed: list[ColumnElement[bool]] = [
        public,
        exists().where(
            Participant.meeting_id == Meeting.id, Participant.user_id == principal.user_id
        ),
    ]
    if paths:
        allowed.append(
            Meeting.host_unit_id.in_(
                select(OrgUnit.id).where(
                    or_(*(OrgUnit.path.startswith(p, autoescape=True) for p in paths if p))
                )
            )
        )
    return or_(*allowed)


def _hosts_by_role(principal: Principal, host_unit_path: str | None) -> bool:
    return principal.has(Role.TENANT_ADMIN, at_path=host_unit_path) or principal.has(
        Role.DEPARTMENT_STAFF, at_path=host_unit_path
    )


async def require_host(session: AsyncSession, principal: Principal, meeting: Meeting) -> None:
    principal.require_user()
    if not await is_host(session, principal, meeting):
        from backend.errors import PermissionDenied

        raise PermissionDenied("无权管理此会议：需要县级管理员、主办单位工作人员或会议主持人")


async def _append(
    session: AsyncSession,
    principal: Principal,
    meeting: Meeting,
    type: str,
    payload: dict[str, Any],
) -> events.LoggedEvent:
    try:
        (event,) = await events.append(
            session,
            tenant_id=meeting.tenant_id,
            stream=stream_of(meeting.id),
            drafts=[EventDraft(type=type, payload=payload, actor_user_id=principal.user_id)],
        )
    except StreamSealed as exc:
        raise DomainError(
            Code.RECORD_SEALED, "会议记录已封存，不能再记录", field="meetingId"
        ) from exc
    return event


async def require_record_access(
    session: AsyncSession, principal: Principal, meeting: Meeting
) -> None:
    """Hosts may read a record at any time; everyone in the county once it is published."""
    principal.require_tenant()
    if meeting.state is not MeetingState.RECORD_PUBLISHED:
        await require_host(session, principal, meeting)


def _require_state(meeting: Meeting, *states: MeetingState, action: str) -> None:
    if meeting.state not in states:
        if meeting.sealed_at is not None:
            raise DomainError(Code.RECORD_SEALED, "会议记录已封存", field="meetingId")
        raise DomainError(
            Code.INVALID_STATE,
            f"会议当前状态（{STATE_LABELS[meeting.state]}）不能{action}",
            field="meetingId",
        )


STATE_LABELS = {
    MeetingState.DRAFT: "草稿",
    MeetingState.ANNOUNCED: "已公告",
    MeetingState.LIVE: "进行中",
    MeetingState.CLOSED: "已结束",
    MeetingState.RECORD_PUBLISHED: "记录已公开",
}


def meeting_snapshot(m: Meeting) -> dict[str, Any]:
    return {
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


# -- lifecycle ---------------------------------------------------------------------------


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
) -> Meeting:
    """A draft meeting hosted by an org unit (admins or staff of that unit)."""
    tenant_id = principal.require_tenant()
    path = await _unit_path(session, host_unit_id)
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
        created_by=principal.user_id,
    )
    session.add(meeting)
    await session.flush()
    await _append(session, principal, meeting, "meeting.created", meeting_snapshot(meeting))
    return meeting


_TRANSITIONS = {
    "announce": ((MeetingState.DRAFT,), MeetingState.ANNOUNCED, "公告"),
    "start": ((MeetingState.DRAFT, MeetingState.ANNOUNCED), MeetingState.LIVE, "开始"),
}


async def change_state(
    session: AsyncSession, principal: Principal, *, meeting_id: int, action: str
) -> tuple[Meeting, list[str]]:
    """announce / start. Returns the meeting and warnings for the host (e.g. materials
    sent too late for a 座谈会)."""
    meeting = await get_meeting(session, meeting_id, lock=True)
    await require_host(session, principal, meeting)
    allowed, target, label = _TRANSITIONS[action]
    _require_state(meeting, *allowed, action=label)
    meeting.state = target
    await session.flush()
    await _append(session, principal, meeting, "meeting.stateChanged", {"state": target.value})
    return meeting, await material_warnings(session, meeting)


async def close_meeting(
    session: AsyncSession,
    principal: Principal,
    *,
    meeting_id: int,
    sealer: Sealer | None = None,
) -> Meeting:
    """End the meeting and seal its record: stop timers, close open polls and scoring,
    append the final `record.sealed` event (with the digests of every section of the
    record); nothing can be appended afterwards. The county's `sealer` signs and timestamps
    the seal (unsigned without one)."""
    from backend.meetings import scoring

    meeting = await get_meeting(session, meeting_id, lock=True)
    await require_host(session, principal, meeting)
    _require_state(meeting, MeetingState.LIVE, MeetingState.ANNOUNCED, action="结束")
    await events.lock_head(session, tenant_id=meeting.tenant_id, stream=stream_of(meeting.id))
    for item in (
        await session.scalars(
            select(AgendaItem).where(
                AgendaItem.meeting_id == meeting.id,
                AgendaItem.timer_status.in_([TimerStatus.RUNNING, TimerStatus.PAUSED]),
            )
        )
    ).all():
        await _set_timer(session, principal, meeting, item, "stop")
    for poll in (
        await session.scalars(
            select(Poll).where(Poll.meeting_id == meeting.id, Poll.state == PollState.OPEN)
        )
    ).all():
        await _close_poll(session, principal, meeting, poll)
    for sheet in (
        await session.scalars(
            select(ScoringSheet).where(
                ScoringSheet.meeting_id == meeting.id, ScoringSheet.state == ScoringState.OPEN
            )
        )
    ).all():
        await scoring.close_sheet(session, principal, meeting, sheet)
    meeting.state = MeetingState.CLOSED
    await _append(session, principal, meeting, "meeting.stateChanged", {"state": "CLOSED"})
    head = await events.lock_head(  # already ours: this reads where the stream now ends
        session, tenant_id=meeting.tenant_id, stream=stream_of(meeting.id)
    )
    from backend.meetings.export import sealed_content

    content = await sealed_content(session, meeting)
    sealed = await _append(
        session,
        principal,
        meeting,
        "record.sealed",
        {"events": head.last_seq + 1, "minutesSha256": _sha(meeting.minutes), "content": content},
    )
    await events.seal(session, head, sealed.created_at)
    tenant = await session.get(Tenant, meeting.tenant_id)
    seal = await (sealer or Sealer(None)).seal(
        tenant_id=meeting.tenant_id,
        county_slug=tenant.slug if tenant is not None else str(meeting.tenant_id),
        stream=head.stream,
        seq=sealed.seq,
        head_hash=sealed.hash,
        hash_version=head.hash_version,
        sealed_at=sealed.created_at,
    )
    await events.store_seal(session, head, seal)
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


def _sha(text: str | None) -> str | None:
    return hashlib.sha256(text.encode()).hexdigest() if text else None


# -- participants and materials ----------------------------------------------------------


async def _participant(session: AsyncSession, meeting_id: int, user_id: int) -> Participant | None:
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
    _require_state(
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
        p = await _participant(session, meeting.id, user_id)
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
    await _append(
        session,
        principal,
        meeting,
        "participant.invited",
        {
            "participants": [
                {"userId": p.user_id, "name": users[p.user_id].display_name, "role": role.value}
                for p in invited
            ]
        },
    )
    return invited


async def register(session: AsyncSession, principal: Principal, *, meeting_id: int) -> Participant:
    """Sign up to attend, within the meeting's capacity."""
    user_id = principal.require_user()
    meeting = await get_meeting(session, meeting_id, lock=True)  # serialises capacity checks
    _require_state(meeting, MeetingState.ANNOUNCED, MeetingState.LIVE, action="报名")
    if await _participant(session, meeting.id, user_id) is not None:
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
    await _append(
        session,
        principal,
        meeting,
        "participant.registered",
        {"userId": user_id, "name": principal.display_name},
    )
    return p


async def check_in(
    session: AsyncSession, principal: Principal, *, meeting_id: int, user_id: int | None
) -> Participant:
    """Attendance: staff check a person in at the venue (`user_id`), or a participant
    joins online themselves (`user_id` None)."""
    meeting = await get_meeting(session, meeting_id)
    _require_state(meeting, MeetingState.ANNOUNCED, MeetingState.LIVE, action="签到")
    if user_id is None or (
        user_id == principal.user_id and not await is_host(session, principal, meeting)
    ):
        user_id = principal.require_user()
        if meeting.mode is MeetingMode.IN_PERSON:
            raise DomainError(Code.INVALID, "现场会议须由工作人员现场签到", field="meetingId")
        mode = "ONLINE"
    else:
        await require_host(session, principal, meeting)
        mode = "IN_PERSON"
    p = await _participant(session, meeting.id, user_id)
    if p is None:
        raise DomainError(Code.NOT_PARTICIPANT, "该用户未受邀也未报名本次会议", field="userId")
    if p.checked_in_at is None:
        p.checked_in_at, p.check_in_mode = now(), mode
        await session.flush()
        name = await session.scalar(select(User.display_name).where(User.id == user_id))
        await _append(
            session,
            principal,
            meeting,
            "participant.checkedIn",
            {"userId": user_id, "name": name, "mode": mode, "role": p.role.value},
        )
    return p


async def add_material(
    session: AsyncSession,
    principal: Principal,
    *,
    meeting_id: int,
    title: str,
    url: str | None,
    distributed_at: datetime | None,
) -> tuple[Material, list[str]]:
    meeting = await get_meeting(session, meeting_id)
    await require_host(session, principal, meeting)
    _require_state(
        meeting, MeetingState.DRAFT, MeetingState.ANNOUNCED, MeetingState.LIVE, action="添加材料"
    )
    material = Material(
        tenant_id=meeting.tenant_id,
        meeting_id=meeting.id,
        title=clean_text(title, field="title", code=Code.INVALID, label="材料名称", max_length=200),
        url=clean_text(
            url, field="url", code=Code.INVALID, label="链接", max_length=500, required=False
        ),
        distributed_at=distributed_at,
    )
    session.add(material)
    await session.flush()
    await _append(
        session,
        principal,
        meeting,
        "material.added",
        {
            "id": material.id,
            "title": material.title,
            "distributedAt": distributed_at.isoformat() if distributed_at else None,
        },
    )
    return material, await material_warnings(session, meeting)


async def material_warnings(session: AsyncSession, meeting: Meeting) -> list[str]:
    """For a 座谈会: materials must reach participants N working days before (county rule,
    default 3 working days, seed 002 第七条), on the official calendar with 调休."""
    if meeting.kind is not MeetingKind.FORUM:
        return []
    from backend import rules

    settings = await session.scalar(select(Tenant.settings).where(Tenant.id == meeting.tenant_id))
    timezone = await session.scalar(select(Tenant.timezone).where(Tenant.id == meeting.tenant_id))
    rule = rules.effective_rule(settings or {}, "meeting.forum_materials_lead")
    materials = (
        await session.scalars(select(Material).where(Material.meeting_id == meeting.id))
    ).all()
    if not materials:
        return [f"尚未向与会代表送达会议材料（{rules.cite(rule)}）"]
    warnings = []
    for m in materials:
        if m.distributed_at is None:
            warnings.append(f"材料“{m.title}”尚未送达与会代表（{rules.cite(rule)}）")
            continue
        check = rules.lead_time_check(
            m.distributed_at, meeting.starts_at, rule, timezone or "Asia/Shanghai"
        )
        if not check.ok:
            warnings.append(f"材料“{m.title}”：{check.message}")
    return warnings


# -- agenda and the speech timer ---------------------------------------------------------


def timer_snapshot(item: AgendaItem) -> dict[str, Any]:
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
    _require_state(
        meeting, MeetingState.DRAFT, MeetingState.ANNOUNCED, MeetingState.LIVE, action="修改议程"
    )
    if duration_seconds is None:
        from backend import rules

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
    await _append(
        session,
        principal,
        meeting,
        "agenda.itemAdded",
        {
            "id": item.id,
            "position": position,
            "title": item.title,
            "speakerName": item.speaker_name,
            "durationSeconds": duration_seconds,
        },
    )
    return item


async def timer_action(
    session: AsyncSession, principal: Principal, *, agenda_item_id: int, action: str
) -> AgendaItem:
    """start / pause / resume / stop the speech timer of an agenda item."""
    item = await session.scalar(
        select(AgendaItem).where(AgendaItem.id == agenda_item_id).with_for_update()
    )
    if item is None:
        raise DomainError(Code.NOT_FOUND, "议程不存在", field="agendaItemId")
    meeting = await get_meeting(session, item.meeting_id)
    await require_host(session, principal, meeting)
    _require_state(meeting, MeetingState.LIVE, action="计时")
    await _set_timer(session, principal, meeting, item, action)
    return item


async def _set_timer(
    session: AsyncSession, principal: Principal, meeting: Meeting, item: AgendaItem, action: str
) -> None:
    t = now()
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
    await _append(session, principal, meeting, f"timer.{action}", timer_snapshot(item))


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
        await _append(
            session,
            system,
            meeting,
            "timer.oneMinuteLeft",
            {
                **timer_snapshot(item),
                "remainingSeconds": max(0.0, (item.deadline - at).total_seconds()),
            },
        )
        fired = True
    if not item.warned_time_up and at >= item.deadline:
        item.warned_time_up = True
        item.timer_status = TimerStatus.STOPPED
        item.remaining_seconds = 0.0
        item.deadline = None
        await _append(session, system, meeting, "timer.timeUp", timer_snapshot(item))
        fired = True
    await session.flush()
    return fired


# -- polls and votes ---------------------------------------------------------------------


def poll_snapshot(p: Poll) -> dict[str, Any]:
    return {
        "id": p.id,
        "question": p.question,
        "kind": p.kind.value,
        "options": p.options,
        "maxChoices": p.max_choices,
        "eligibility": p.eligibility.value,
        "state": p.state.value,
        "counts": p.counts,
        "totalVotes": p.total_votes,
    }


async def create_poll(
    session: AsyncSession,
    principal: Principal,
    *,
    meeting_id: int,
    question: str,
    kind: PollKind,
    options: list[str],
    max_choices: int | None,
    eligibility: Eligibility,
) -> Poll:
    meeting = await get_meeting(session, meeting_id)
    await require_host(session, principal, meeting)
    _require_state(
        meeting, MeetingState.DRAFT, MeetingState.ANNOUNCED, MeetingState.LIVE, action="创建表决"
    )
    clean_q = clean_text(
        question, field="question", code=Code.INVALID, label="表决事项", max_length=300
    )
    clean_options = [o.strip() for o in options]
    if not 2 <= len(clean_options) <= 20 or any(not o or len(o) > 100 for o in clean_options):
        raise DomainError(Code.INVALID, "选项须为2到20个，每项1到100个字", field="options")
    if len(set(clean_options)) != len(clean_options):
        raise DomainError(Code.INVALID, "选项不能重复", field="options")
    choices = 1 if kind is PollKind.SINGLE else (max_choices or len(clean_options))
    if not 1 <= choices <= len(clean_options):
        raise DomainError(Code.INVALID, "最多可选项数须在1到选项数之间", field="maxChoices")
    poll = Poll(
        tenant_id=meeting.tenant_id,
        meeting_id=meeting.id,
        question=clean_q,
        kind=kind,
        options=clean_options,
        max_choices=choices,
        eligibility=eligibility,
        state=PollState.DRAFT,
        counts=[0] * len(clean_options),
        total_votes=0,
    )
    session.add(poll)
    await session.flush()
    await _append(session, principal, meeting, "poll.created", poll_snapshot(poll))
    return poll


async def _poll_for_host(
    session: AsyncSession, principal: Principal, poll_id: int
) -> tuple[Poll, Meeting]:
    poll = await session.get(Poll, poll_id)
    if poll is None:
        raise DomainError(Code.NOT_FOUND, "表决不存在", field="pollId")
    meeting = await get_meeting(session, poll.meeting_id)
    await require_host(session, principal, meeting)
    return poll, meeting


async def open_poll(session: AsyncSession, principal: Principal, *, poll_id: int) -> Poll:
    poll, meeting = await _poll_for_host(session, principal, poll_id)
    _require_state(meeting, MeetingState.LIVE, action="开始表决")
    await events.lock_head(session, tenant_id=meeting.tenant_id, stream=stream_of(meeting.id))
    await session.refresh(poll)
    if poll.state is not PollState.DRAFT:
        raise DomainError(Code.INVALID_STATE, "表决已开始或已结束", field="pollId")
    poll.state, poll.opened_at = PollState.OPEN, now()
    await session.flush()
    await _append(session, principal, meeting, "poll.opened", poll_snapshot(poll))
    return poll


async def close_poll(session: AsyncSession, principal: Principal, *, poll_id: int) -> Poll:
    """Close a poll; its exact final counts go into the record (`poll.closed`)."""
    poll, meeting = await _poll_for_host(session, principal, poll_id)
    # Serialise with the vote writer: the head lock is the one votes commit under.
    await events.lock_head(session, tenant_id=meeting.tenant_id, stream=stream_of(meeting.id))
    await session.refresh(poll)
    if poll.state is not PollState.OPEN:
        raise DomainError(Code.POLL_NOT_OPEN, "表决未在进行中", field="pollId")
    await _close_poll(session, principal, meeting, poll)
    return poll


async def _close_poll(
    session: AsyncSession, principal: Principal, meeting: Meeting, poll: Poll
) -> None:
    poll.state, poll.closed_at = PollState.CLOSED, now()
    await session.flush()
    await _append(session, principal, meeting, "poll.closed", poll_snapshot(poll))


@dataclass
class VoteOutcome:
    vote_id: int | None = None
    duplicate: bool = False
    error: DomainError | None = None

    def to_wire(self) -> dict[str, Any]:
        """As JSON, for the worker that handed the vote to the stream's owner."""
        e = self.error
        return {
            "id": self.vote_id,
            "dup": self.duplicate,
            "err": None if e is None else [e.code.value, e.message, e.field],
        }

    @classmethod
    def from_wire(cls, wire: dict[str, Any]) -> VoteOutcome:
        err = wire["err"]
        return cls(
            vote_id=wire["id"],
            duplicate=wire["dup"],
            error=None if err is None else DomainError(Code(err[0]), err[1], field=err[2]),
        )


@dataclass
class _PendingVote:
    user_id: int
    choices: list[int]
    key: str
    outcome: VoteOutcome


@dataclass(frozen=True, slots=True)
class _PollRow:
    """What a vote batch needs of its poll, read once per batch under the stream's lock
    (poll state changes take the same lock, so it cannot change under the batch)."""

    state: PollState
    options: list[str]
    max_choices: int
    eligibility: Eligibility


def validate_choices(poll: Poll | _PollRow, choices: Sequence[int]) -> None:
    if not choices or len(set(choices)) != len(choices):
        raise DomainError(Code.INVALID_CHOICE, "请选择选项且不能重复", field="choices")
    if any(c < 0 or c >= len(poll.options) for c in choices):
        raise DomainError(Code.INVALID_CHOICE, "选项不存在", field="choices")
    if len(choices) > poll.max_choices:
        raise DomainError(Code.INVALID_CHOICE, f"最多可选{poll.max_choices}项", field="choices")


async def _eligible(
    session: AsyncSession, eligibility: Eligibility, meeting_id: int, user_id: int
) -> bool:
    p = await session.scalar(
        select(Participant).where(
            Participant.meeting_id == meeting_id, Participant.user_id == user_id
        )
    )
    return p is not None and _is_eligible(eligibility, p.role, p.checked_in_at is not None)


class MeetingDirectory:
    """poll/sheet → meeting, cached per process (that link never changes)."""

    def __init__(self) -> None:
        self._poll_meeting: dict[tuple[int, int], int] = {}
        self._sheet_meeting: dict[tuple[int, int], int] = {}

    def cached_poll_meeting(self, tenant_id: int, poll_id: int) -> int | None:
        return self._poll_meeting.get((tenant_id, poll_id))

    async def poll_meeting(self, session: AsyncSession, tenant_id: int, poll_id: int) -> int:
        key = (tenant_id, poll_id)
        if key not in self._poll_meeting:
            meeting_id = await session.scalar(select(Poll.meeting_id).where(Poll.id == poll_id))
            if meeting_id is None:
                raise DomainError(Code.NOT_FOUND, "表决不存在", field="pollId")
            self._poll_meeting[key] = meeting_id
        return self._poll_meeting[key]

    async def sheet_meeting(self, session: AsyncSession, tenant_id: int, sheet_id: int) -> int:
        key = (tenant_id, sheet_id)
        if key not in self._sheet_meeting:
            meeting_id = await session.scalar(
                select(ScoringSheet.meeting_id).where(ScoringSheet.id == sheet_id)
            )
            if meeting_id is None:
                raise DomainError(Code.NOT_FOUND, "测评不存在", field="sheetId")
            self._sheet_meeting[key] = meeting_id
        return self._sheet_meeting[key]


VOTE_OPERATION = "meetings.vote"  # run by the meeting stream's owner (realtime.owners)


async def cast_vote(
    writer: StreamWriter,
    meeting_id: int,
    principal: Principal,
    *,
    poll_id: int,
    choices: list[int],
    idempotency_key: str,
) -> VoteOutcome:
    """One durable vote, written by the group-commit writer of the meeting stream's owner
    (this worker's, or the one another worker hands it to: `run_vote` there).

    The database's unique (poll, user) makes a second vote impossible; a retry with the
    same idempotency key returns the first vote's outcome instead of an error (which is
    also what makes a vote safe to send again to a new owner when one dies). Within a
    batch the votes of a poll are checked and written together (`_write_votes`): a few
    statements per batch rather than per vote, since batches serialise on the stream."""
    user_id = principal.require_user()
    tenant_id = principal.require_tenant()
    key = (idempotency_key or "").strip()
    if not 1 <= len(key) <= 64:
        raise DomainError(Code.INVALID, "幂等键须为1到64个字符", field="idempotencyKey")
    result = await writer.call(
        tenant_id=tenant_id,
        stream=stream_of(meeting_id),
        kind=VOTE_OPERATION,
        payload=[tenant_id, meeting_id, poll_id, user_id, list(choices), key],
    )
    return VoteOutcome.from_wire(result)


async def run_vote(writer: StreamWriter, wire: list[Any]) -> dict[str, Any]:
    """On the stream's owner: queue one vote (as `cast_vote` sent it) for the writer's next
    batch; answers once that batch has committed."""
    tenant_id, meeting_id, poll_id, user_id, choices, key = wire

    async def op(session: AsyncSession) -> tuple[list[EventDraft], VoteOutcome]:
        # Queued only: the batch's votes on this poll are checked and written together,
        # just before the batch commits (`_write_votes`).
        polls: dict[int, list[_PendingVote]] = session.info.setdefault("poll_votes", {})
        if poll_id not in polls:
            pending = polls[poll_id] = []
            session.info.setdefault("before_commit", {})[f"poll:{poll_id}"] = lambda: _write_votes(
                session, tenant_id, meeting_id, poll_id, pending
            )
        outcome = VoteOutcome()  # filled in by _write_votes before the batch commits
        polls[poll_id].append(
            _PendingVote(user_id=user_id, choices=list(choices), key=key, outcome=outcome)
        )
        return [], outcome

    outcome: VoteOutcome = await writer.submit(
        tenant_id=tenant_id, stream=stream_of(meeting_id), op=op
    )
    return outcome.to_wire()


def _is_eligible(eligibility: Eligibility, role: ParticipantRole, checked_in: bool) -> bool:
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


# The vote batch's statements, as plain SQL on the batch's connection (see
# backend.db.driver_connection): a few thousand votes a second go through them, and
# while the batch runs the stream is locked, so it makes two round trips, not one per step.
_POLL_AND_VOTERS = """
SELECT p.meeting_id, p.state, p.options::text AS options, p.max_choices, p.eligibility,
       v.user_id, v.role, v.checked_in, v.is_active
FROM polls p
LEFT JOIN LATERAL (
  SELECT mp.user_id, mp.role, mp.checked_in_at IS NOT NULL AS checked_in, u.is_active
  FROM meeting_participants mp JOIN users u ON u.id = mp.user_id
  WHERE mp.meeting_id = $2 AND mp.user_id = ANY($3::bigint[])
) v ON true
WHERE p.id = $1"""
# Insert the votes (a conflict on (poll, user) inserts nothing) and add what was inserted
# to the poll's counts, in one statement; returns the new votes with the new counts.
_INSERT_AND_COUNT = """
WITH ins AS (
  INSERT INTO votes (tenant_id, poll_id, user_id, choices, idempotency_key)
  SELECT $1, $2, v.user_id, v.choices::int[], v.key
  FROM unnest($3::bigint[], $4::text[], $5::text[]) AS v(user_id, choices, key)
  ON CONFLICT (poll_id, user_id) DO NOTHING
  RETURNING user_id, id, choices
), added AS (
  SELECT o, count(*) AS n FROM ins, unnest(ins.choices) AS o GROUP BY o
), tally AS (
  UPDATE polls SET
    counts = (SELECT jsonb_agg(c.n::int + coalesce(a.n, 0) ORDER BY c.i)
              FROM jsonb_array_elements_text(polls.counts) WITH ORDINALITY AS c(n, i)
              LEFT JOIN added a ON a.o = c.i - 1),
    total_votes = total_votes + (SELECT count(*) FROM ins)
  WHERE id = $2
  RETURNING counts::text AS counts, total_votes
)
SELECT ins.user_id, ins.id, tally.counts, tally.total_votes FROM tally LEFT JOIN ins ON true"""
_EXISTING_VOTES = (
    "SELECT user_id, id, idempotency_key FROM votes WHERE poll_id = $1 "
    "AND user_id = ANY($2::bigint[])"
)


async def _write_votes(
    session: AsyncSession,
    tenant_id: int,
    meeting_id: int,
    poll_id: int,
    pending: list[_PendingVote],
) -> list[EventDraft]:
    """Check and write a batch's votes on one poll: one query for the poll and who may
    vote, one statement inserting the votes (ON CONFLICT DO NOTHING) and adding them to
    the poll's counts, and only if some conflicted, one query for why (a retry with the
    same idempotency key is a duplicate, any other an ALREADY_VOTED). Fills in every
    vote's outcome; returns the `vote.cast` events in the order the votes arrived."""
    conn = await driver_connection(session)
    user_ids = list({vote.user_id for vote in pending})
    rows = await conn.fetch(_POLL_AND_VOTERS, poll_id, meeting_id, user_ids)
    if not rows or rows[0]["meeting_id"] != meeting_id:
        return _refuse_all(pending, DomainError(Code.NOT_FOUND, "表决不存在", field="pollId"))
    poll = _PollRow(
        state=PollState(rows[0]["state"]),
        options=orjson.loads(rows[0]["options"]),
        max_choices=rows[0]["max_choices"],
        eligibility=Eligibility(rows[0]["eligibility"]),
    )
    if poll.state is not PollState.OPEN:
        return _refuse_all(
            pending, DomainError(Code.POLL_NOT_OPEN, "表决未在进行中", field="pollId")
        )
    # Voters are known by their signed token only (schema: castVote loads no principal):
    # the account must still be active, checked here in the vote's own transaction.
    voters = {r["user_id"]: r for r in rows if r["user_id"] is not None}
    first: dict[int, _PendingVote] = {}  # per voter, the first valid vote of the batch
    for vote in pending:
        try:
            validate_choices(poll, vote.choices)
        except DomainError as error:
            vote.outcome.error = error
            continue
        first.setdefault(vote.user_id, vote)
    refused: dict[int, DomainError] = {}
    candidates = []
    for vote in first.values():
        voter = voters.get(vote.user_id)
        if voter is not None and not voter["is_active"]:
            refused[vote.user_id] = DomainError(
                Code.NOT_ELIGIBLE, "账号已停用，不能投票", field="pollId"
            )
        elif voter is not None and _is_eligible(
            poll.eligibility, ParticipantRole(voter["role"]), voter["checked_in"]
        ):
            candidates.append(vote)
        else:
            refused[vote.user_id] = DomainError(
                Code.NOT_ELIGIBLE, "您不在本次表决的投票范围内", field="pollId"
            )
    inserted: dict[int, int] = {}
    if candidates:
        rows = await conn.fetch(
            _INSERT_AND_COUNT,
            tenant_id,
            poll_id,
            [v.user_id for v in candidates],
            ["{" + ",".join(map(str, v.choices)) + "}" for v in candidates],
            [v.key for v in candidates],
        )
        inserted = {r["user_id"]: r["id"] for r in rows if r["user_id"] is not None}
        if inserted:
            _publish_tally(
                session,
                tenant_id,
                meeting_id,
                {
                    "pollId": poll_id,
                    "counts": orjson.loads(rows[0]["counts"]),
                    "totalVotes": rows[0]["total_votes"],
                },
            )
    conflicted = [v.user_id for v in candidates if v.user_id not in inserted]
    existing: dict[int, tuple[int, str]] = {}
    if conflicted:
        rows = await conn.fetch(_EXISTING_VOTES, poll_id, conflicted)
        existing = {r["user_id"]: (r["id"], r["idempotency_key"]) for r in rows}
    drafts: list[EventDraft] = []
    for vote in pending:
        if vote.outcome.error is not None:
            continue
        if vote.user_id in refused:
            vote.outcome.error = refused[vote.user_id]
            continue
        head = first[vote.user_id]
        if vote is head and vote.user_id in inserted:
            vote.outcome.vote_id = inserted[vote.user_id]
            drafts.append(
                EventDraft(
                    "vote.cast",
                    {"pollId": poll_id, "voteId": vote.outcome.vote_id, "choices": vote.choices},
                    actor_user_id=vote.user_id,
                )
            )
            continue
        recorded = (
            (inserted[vote.user_id], head.key)
            if vote.user_id in inserted
            else existing[vote.user_id]
        )
        if recorded[1] == vote.key:
            vote.outcome.vote_id, vote.outcome.duplicate = recorded[0], True
        else:
            vote.outcome.error = DomainError(Code.ALREADY_VOTED, "您已投过票", field="pollId")
    return drafts


def _refuse_all(pending: list[_PendingVote], error: DomainError) -> list[EventDraft]:
    for vote in pending:
        vote.outcome.error = error
    return []


def _publish_tally(
    session: AsyncSession, tenant_id: int, meeting_id: int, tally: dict[str, Any]
) -> None:
    """Once the batch has committed, the poll's new counts go live (coalesced)."""

    async def publish() -> None:
        from realtime.hub import current_hub

        hub = current_hub()
        if hub is not None:
            await hub.publish_live(
                tenant_id,
                stream_of(meeting_id),
                type="poll.tally",
                key=str(tally["pollId"]),
                version=tally["totalVotes"],
                value=tally,
            )

    from backend.db import after_commit

    after_commit(session, publish)


# -- anonymous scoring (测评票): backend.meetings.scoring -----------------------------------


# -- comments, questions, the speaking queue, minutes --------------------------------------


def comment_snapshot(c: Comment, author: str | None) -> dict[str, Any]:
    return {
        "id": c.id,
        "kind": c.kind.value,
        "body": c.body,
        "authorId": c.author_user_id,
        "authorName": author,
        "parentId": c.parent_id,
        "at": c.created_at.isoformat(),
        "hidden": c.hidden_at is not None,
        "hiddenReason": c.hidden_reason,
        "answeredLive": c.answered_live_at is not None,
        "handedOverUnitId": c.handed_over_unit_id,
    }


async def post_comment(
    session: AsyncSession,
    principal: Principal,
    *,
    meeting_id: int,
    body: str,
    kind: CommentKind,
    parent_id: int | None,
) -> Comment:
    user_id = principal.require_user()
    meeting = await get_meeting(session, meeting_id)
    if meeting.sealed_at is not None:
        raise DomainError(
            Code.RECORD_SEALED, "会议已结束，记录已封存，不能再留言", field="meetingId"
        )
    if meeting.state is not MeetingState.LIVE:
        raise DomainError(Code.MEETING_NOT_LIVE, "会议未在进行中，不能发言", field="meetingId")
    from backend import rules

    settings = await session.scalar(select(Tenant.settings).where(Tenant.id == meeting.tenant_id))
    limit = int(rules.effective_rule(settings or {}, "meeting.comment_max_length").value)
    text = (body or "").strip()
    if not text:
        raise DomainError(Code.INVALID, "内容不能为空", field="body")
    if len(text) > limit:
        raise DomainError(
            Code.COMMENT_TOO_LONG, f"内容不能超过{limit}个字（当前{len(text)}个字）", field="body"
        )
    if parent_id is not None:
        parent = await session.get(Comment, parent_id)
        if parent is None or parent.meeting_id != meeting.id:
            raise DomainError(Code.NOT_FOUND, "回复的留言不存在", field="parentId")
    comment = Comment(
        tenant_id=meeting.tenant_id,
        meeting_id=meeting.id,
        author_user_id=user_id,
        parent_id=parent_id,
        kind=kind,
        body=text,
        created_at=now(),
    )
    session.add(comment)
    await session.flush()
    await _append(
        session,
        principal,
        meeting,
        "comment.posted",
        comment_snapshot(comment, principal.display_name),
    )
    return comment


async def _comment_for_host(
    session: AsyncSession, principal: Principal, comment_id: int
) -> tuple[Comment, Meeting]:
    comment = await session.scalar(
        select(Comment).where(Comment.id == comment_id).with_for_update()
    )
    if comment is None:
        raise DomainError(Code.NOT_FOUND, "留言不存在", field="commentId")
    meeting = await get_meeting(session, comment.meeting_id)
    await require_host(session, principal, meeting)
    return comment, meeting


async def hide_comment(
    session: AsyncSession, principal: Principal, *, comment_id: int, reason: str
) -> Comment:
    """Moderation: hidden from the audience, kept (text and reason) in the record."""
    comment, meeting = await _comment_for_host(session, principal, comment_id)
    clean_reason = clean_text(
        reason, field="reason", code=Code.INVALID, label="屏蔽理由", max_length=200
    )
    if comment.hidden_at is not None:
        raise DomainError(Code.ALREADY_HIDDEN, "该留言已被屏蔽", field="commentId")
    comment.hidden_at, comment.hidden_reason, comment.hidden_by = (
        now(),
        clean_reason,
        principal.user_id,
    )
    await session.flush()
    await _append(
        session,
        principal,
        meeting,
        "comment.hidden",
        {"id": comment.id, "reason": clean_reason, "by": principal.user_id},
    )
    return comment


async def answer_comment(
    session: AsyncSession, principal: Principal, *, comment_id: int, hand_over_unit_id: int | None
) -> Comment:
    """Mark a question answered live, or hand it to the responsible unit (recorded as an
    event until the cases capability links it to a case)."""
    comment, meeting = await _comment_for_host(session, principal, comment_id)
    if hand_over_unit_id is None:
        comment.answered_live_at = now()
        await session.flush()
        await _append(session, principal, meeting, "comment.answeredLive", {"id": comment.id})
        return comment
    unit = await session.get(OrgUnit, hand_over_unit_id)
    if unit is None:
        raise DomainError(Code.NOT_FOUND, "责任单位不存在", field="unitId")
    comment.handed_over_unit_id, comment.handed_over_at = unit.id, now()
    await session.flush()
    await _append(
        session,
        principal,
        meeting,
        "comment.handedOver",
        {"id": comment.id, "unitId": unit.id, "unitName": unit.name, "caseId": None},
    )
    return comment


async def _queue_snapshot(session: AsyncSession, meeting_id: int) -> list[dict[str, Any]]:
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
    if await _participant(session, meeting.id, user_id) is None:
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
    await _append(
        session,
        principal,
        meeting,
        "queue.changed",
        {
            "queue": await _queue_snapshot(session, meeting.id),
            "change": "raised",
            "requestId": request.id,
        },
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
    await _append(
        session,
        principal,
        meeting,
        "queue.changed",
        {
            "queue": await _queue_snapshot(session, meeting.id),
            "change": state.value.lower(),
            "requestId": request.id,
        },
    )
    return request


async def set_minutes(
    session: AsyncSession, principal: Principal, *, meeting_id: int, text: str
) -> Meeting:
    meeting = await get_meeting(session, meeting_id, lock=True)
    await require_host(session, principal, meeting)
    _require_state(meeting, MeetingState.ANNOUNCED, MeetingState.LIVE, action="编辑纪要")
    meeting.minutes = clean_text(
        text, field="text", code=Code.INVALID, label="会议纪要", max_length=100_000
    )
    await session.flush()
    await _append(
        session,
        principal,
        meeting,
        "minutes.updated",
        {"length": len(meeting.minutes or ""), "sha256": _sha(meeting.minutes)},
    )
    return meeting


# -- reading ---------------------------------------------------------------------------


async def list_meetings(
    session: AsyncSession,
    principal: Principal,
    *,
    states: Sequence[MeetingState] | None,
    after_id: int | None,
    limit: int,
) -> list[Meeting]:
    """The meetings `principal` may see (`visible_to`), newest first."""
    query = select(Meeting).where(visible_to(principal)).order_by(Meeting.id.desc()).limit(limit)
    if states:
        query = query.where(Meeting.state.in_(states))
    if after_id is not None:
        query = query.where(Meeting.id < after_id)
    return list((await session.scalars(query)).all())


# -- the meeting stream: who may watch, what each sees ------------------------------------
# Decided in backend.meetings.visibility (which registers the `meeting` stream kind).

from backend.meetings.visibility import HOST_VIEW, PUBLIC_VIEW, RECORD_ONLY  # noqa: E402,F401
