"""The 网络问政 schedule (年度上线计划): groups of departments by how often they appear
(seed 001: 将部门分为不同上线频次的组别，分别以周、月、季度、半年为周期), a year's sessions
generated from them, and moving or cancelling one session with a reason.

A group's slot rule: WEEKLY on every `weekday`; MONTHLY on the `ordinal`-th `weekday` of
each month; QUARTERLY / HALF_YEARLY on the `ordinal`-th `weekday` of the period's
`month_in_period`-th month. Its departments appear one after another from `start_time`,
`duration_minutes` each, in their order. A slot on a day off (法定节假日, a weekend, a
county closure) moves to the next working day of the county calendar (`backend.calendar`,
with 调休) and the session says why (`moved_reason`); a session in a year whose official
table is not yet published is `provisional` (Monday–Friday assumed).

Generating is idempotent: a session is unique per group, department, year and period, so
generating twice, or again after a department joined, makes each session once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.calendar import WorkCalendar, load_calendar, on_calendar_changed
from backend.cases.stream import CHINA
from backend.core.errors import DomainError
from backend.core.security import Principal, Role
from backend.core.validation import clean_text
from backend.inquiries import stream
from backend.inquiries.access import get_group, get_session, get_unit, require_county_office
from backend.inquiries.errors import InquiryErrorCode as Code
from backend.inquiries.events import (
    GroupCreated,
    GroupEvent,
    SessionCancelled,
    SessionEvent,
    SessionRescheduled,
    SessionScheduled,
)
from backend.inquiries.models import (
    Frequency,
    InquiryGroup,
    InquiryGroupUnit,
    InquirySession,
    SessionState,
)
from backend.people.models import Membership, User
from tenants.models import OrgUnit, OrgUnitKind

MAX_UNITS = 50
WEEKDAY_NAMES = ("", "周一", "周二", "周三", "周四", "周五", "周六", "周日")
#: Months of a period, by frequency (WEEKLY: none, every week).
PERIOD_MONTHS = {Frequency.MONTHLY: 1, Frequency.QUARTERLY: 3, Frequency.HALF_YEARLY: 6}


@dataclass(frozen=True, slots=True)
class GroupUnitDraft:
    unit_id: int
    leader_user_id: int


@dataclass(frozen=True, slots=True)
class GroupDraft:
    name: str
    frequency: Frequency
    weekday: int
    start_time: time
    duration_minutes: int
    units: Sequence[GroupUnitDraft]
    ordinal: int = 1
    month_in_period: int = 1


async def _check_leader(session: AsyncSession, *, user_id: int, unit_path: str, field: str) -> None:
    """The leader's account is of this county and holds a staff role covering the unit
    (首问负责人 answer for their department)."""
    user = await session.get(User, user_id)
    if user is None or not user.is_active:
        raise DomainError(Code.NOT_FOUND, "负责人账号不存在", field=field)
    rows = (
        await session.execute(
            select(Membership.role, Membership.org_unit_id).where(Membership.user_id == user_id)
        )
    ).all()
    for role, org_unit_id in rows:
        if role not in (Role.DEPARTMENT_STAFF, Role.TENANT_ADMIN):
            continue
        if org_unit_id is None:
            return
        path = await session.scalar(select(OrgUnit.path).where(OrgUnit.id == org_unit_id))
        if path is not None and unit_path.startswith(path):
            return
    raise DomainError(
        Code.NOT_LEADER, "负责人须为该部门的工作人员（承办单位工作人员角色）", field=field
    )


def group_snapshot(group: InquiryGroup, units: Sequence[InquiryGroupUnit]) -> GroupCreated:
    return {
        "id": group.id,
        "name": group.name,
        "frequency": group.frequency.value,
        "weekday": group.weekday,
        "ordinal": group.ordinal,
        "monthInPeriod": group.month_in_period,
        "startTime": group.start_time.isoformat(timespec="minutes"),
        "durationMinutes": group.duration_minutes,
        "units": [
            {"unitId": u.org_unit_id, "leaderId": u.leader_user_id, "position": u.position}
            for u in units
        ],
    }


async def create_group(
    session: AsyncSession, principal: Principal, draft: GroupDraft
) -> InquiryGroup:
    """A schedule group with its departments (each in one group at most) and slot rule."""
    require_county_office(principal)
    tenant_id = principal.require_tenant()
    name = clean_text(draft.name, field="name", code=Code.INVALID, label="组别名称", max_length=100)
    if not 1 <= draft.weekday <= 5:
        raise DomainError(Code.INVALID, "上线日须为周一至周五（1–5）", field="weekday")
    if not 1 <= draft.ordinal <= 4:
        raise DomainError(Code.INVALID, "第几个上线日须为1–4", field="ordinal")
    months = PERIOD_MONTHS.get(draft.frequency, 1)
    if not 1 <= draft.month_in_period <= months:
        raise DomainError(Code.INVALID, f"周期内的月份须为1–{months}", field="monthInPeriod")
    if not 10 <= draft.duration_minutes <= 480:
        raise DomainError(Code.INVALID, "每场时长须为10–480分钟", field="durationMinutes")
    if not draft.units:
        raise DomainError(Code.INVALID, "组别至少包含一个部门", field="units")
    if len(draft.units) > MAX_UNITS:
        raise DomainError(Code.INVALID, f"一个组别最多{MAX_UNITS}个部门", field="units")
    day_end = datetime.combine(date(2000, 1, 1), draft.start_time) + timedelta(
        minutes=draft.duration_minutes * len(draft.units)
    )
    if day_end.date() != date(2000, 1, 1):
        raise DomainError(Code.INVALID, "各部门依次上线须在当日内结束", field="startTime")
    if await session.scalar(select(InquiryGroup.id).where(InquiryGroup.name == name)):
        raise DomainError(Code.INVALID, "已有同名组别", field="name")
    seen: set[int] = set()
    for i, u in enumerate(draft.units):
        field = f"units.{i}"
        unit = await get_unit(session, u.unit_id, field=f"{field}.unitId")
        if unit.kind is not OrgUnitKind.DEPARTMENT:
            raise DomainError(Code.INVALID, "上线单位须为政府部门", field=f"{field}.unitId")
        if u.unit_id in seen:
            raise DomainError(Code.INVALID, "部门重复", field=f"{field}.unitId")
        seen.add(u.unit_id)
        grouped = await session.scalar(
            select(InquiryGroup.name)
            .join(InquiryGroupUnit, InquiryGroupUnit.group_id == InquiryGroup.id)
            .where(InquiryGroupUnit.org_unit_id == u.unit_id)
        )
        if grouped is not None:
            raise DomainError(
                Code.ALREADY_GROUPED,
                f"“{unit.name}”已在组别“{grouped}”中",
                field=f"{field}.unitId",
            )
        await _check_leader(
            session, user_id=u.leader_user_id, unit_path=unit.path, field=f"{field}.leaderId"
        )
    group = InquiryGroup(
        tenant_id=tenant_id,
        name=name,
        frequency=draft.frequency,
        weekday=draft.weekday,
        ordinal=draft.ordinal,
        month_in_period=draft.month_in_period,
        start_time=draft.start_time,
        duration_minutes=draft.duration_minutes,
    )
    session.add(group)
    await session.flush()
    members = [
        InquiryGroupUnit(
            tenant_id=tenant_id,
            group_id=group.id,
            org_unit_id=u.unit_id,
            leader_user_id=u.leader_user_id,
            position=i,
        )
        for i, u in enumerate(draft.units)
    ]
    session.add_all(members)
    await session.flush()
    await stream.append_event(
        session,
        principal,
        tenant_id=tenant_id,
        stream=stream.group_stream(group.id),
        type=GroupEvent.GROUP_CREATED,
        payload=group_snapshot(group, members),
    )
    return group


def _nth_weekday(year: int, month: int, weekday: int, ordinal: int) -> date:
    first = date(year, month, 1)
    offset = (weekday - first.isoweekday()) % 7
    return first + timedelta(days=offset + 7 * (ordinal - 1))


def planned_days(group: InquiryGroup, year: int) -> list[tuple[int, date]]:
    """The rule's days of `year`, numbered by period (1…)."""
    if group.frequency is Frequency.WEEKLY:
        first = date(year, 1, 1)
        d = first + timedelta(days=(group.weekday - first.isoweekday()) % 7)
        days: list[tuple[int, date]] = []
        while d.year == year:
            days.append((len(days) + 1, d))
            d += timedelta(days=7)
        return days
    months = PERIOD_MONTHS[group.frequency]
    return [
        (
            period,
            _nth_weekday(
                year, (period - 1) * months + group.month_in_period, group.weekday, group.ordinal
            ),
        )
        for period in range(1, 12 // months + 1)
    ]


def day_off_reason(calendar: WorkCalendar, d: date) -> str:
    """Why `d` is no working day, in Chinese (the holiday's name, the closure's reason)."""
    if d in calendar.closures:
        return f"本县停止办公（{calendar.closures[d]}）"
    official = calendar.official.days.get(d)
    if official is not None:
        return f"{official.name}放假"
    return "休息日"


def next_working_day(calendar: WorkCalendar, d: date) -> date:
    while not calendar.is_working_day(d):
        d += timedelta(days=1)
    return d


def _chinese(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def session_snapshot(s: InquirySession) -> SessionScheduled:
    return {
        "id": s.id,
        "groupId": s.group_id,
        "unitId": s.org_unit_id,
        "year": s.year,
        "period": s.period,
        "plannedOn": s.planned_on.isoformat(),
        "scheduledOn": s.scheduled_on.isoformat(),
        "startsAt": s.starts_at.isoformat(),
        "endsAt": s.ends_at.isoformat(),
        "movedReason": s.moved_reason,
        "provisional": s.provisional,
        "state": s.state.value,
    }


@dataclass(frozen=True, slots=True)
class Generated:
    created: int
    existing: int


async def generate_year(
    session: AsyncSession, principal: Principal, *, year: int, group_ids: Sequence[int] | None
) -> Generated:
    """Make the missing sessions of `year` for every group (or those of `group_ids`), one
    per department and period, each with its `inquirySession.scheduled` event."""
    require_county_office(principal)
    tenant_id = principal.require_tenant()
    if not 2000 <= year <= 2100:
        raise DomainError(Code.INVALID, "年份须在2000–2100之间", field="year")
    if group_ids is not None:
        groups = [await get_group(session, g, lock=True) for g in dict.fromkeys(group_ids)]
    else:
        groups = list(
            (
                await session.scalars(
                    select(InquiryGroup).order_by(InquiryGroup.id).with_for_update()
                )
            ).all()
        )
    calendar = await load_calendar(session, tenant_id)
    created = existing = 0
    for group in groups:
        members = (
            await session.scalars(
                select(InquiryGroupUnit)
                .where(InquiryGroupUnit.group_id == group.id)
                .order_by(InquiryGroupUnit.position)
            )
        ).all()
        have = set(
            (
                await session.execute(
                    select(InquirySession.org_unit_id, InquirySession.period).where(
                        InquirySession.group_id == group.id, InquirySession.year == year
                    )
                )
            ).all()
        )
        new: list[InquirySession] = []
        for period, planned in planned_days(group, year):
            day = next_working_day(calendar, planned)
            moved = None
            if day != planned:
                moved = (
                    f"{_chinese(planned)}（{WEEKDAY_NAMES[planned.isoweekday()]}）"
                    f"{day_off_reason(calendar, planned)}，顺延至下一个工作日{_chinese(day)}"
                )
            for member in members:
                if (member.org_unit_id, period) in have:
                    existing += 1
                    continue
                starts = datetime.combine(day, group.start_time, tzinfo=CHINA) + timedelta(
                    minutes=group.duration_minutes * member.position
                )
                new.append(
                    InquirySession(
                        tenant_id=tenant_id,
                        group_id=group.id,
                        org_unit_id=member.org_unit_id,
                        leader_user_id=member.leader_user_id,
                        year=year,
                        period=period,
                        planned_on=planned,
                        scheduled_on=day,
                        starts_at=starts,
                        ends_at=starts + timedelta(minutes=group.duration_minutes),
                        moved_reason=moved,
                        provisional=not calendar.is_published(day.year),
                        state=SessionState.SCHEDULED,
                    )
                )
        session.add_all(new)
        await session.flush()
        for s in new:
            await stream.append_event(
                session,
                principal,
                tenant_id=tenant_id,
                stream=stream.session_stream(s.id),
                type=SessionEvent.SCHEDULED,
                payload=session_snapshot(s),
            )
        created += len(new)
    return Generated(created=created, existing=existing)


async def reschedule_session(
    session: AsyncSession,
    principal: Principal,
    *,
    session_id: int,
    starts_at: datetime,
    reason: str,
) -> InquirySession:
    """Move a scheduled session to another working day and time (same length), with a
    reason that is published with it."""
    principal.require_user()
    row = await get_session(session, session_id, lock=True)
    require_county_office(principal)
    text = clean_text(
        reason, field="reason", code=Code.REASON_REQUIRED, label="调整原因", max_length=500
    )
    if row.state is not SessionState.SCHEDULED:
        raise DomainError(Code.INVALID_STATE, "只能调整尚未开始的场次", field="sessionId")
    if starts_at.tzinfo is None:
        raise DomainError(Code.INVALID, "时间须带时区", field="startsAt")
    day = starts_at.astimezone(CHINA).date()
    calendar = await load_calendar(session, row.tenant_id)
    if not calendar.is_working_day(day):
        raise DomainError(
            Code.NOT_WORKING_DAY,
            f"{_chinese(day)}为{day_off_reason(calendar, day)}，请改在工作日",
            field="startsAt",
        )
    starts_at = starts_at.astimezone(UTC)
    length = row.ends_at - row.starts_at
    row.starts_at, row.ends_at, row.scheduled_on = starts_at, starts_at + length, day
    row.provisional = not calendar.is_published(day.year)
    row.rescheduled_reason = text
    await session.flush()
    await stream.append_event(
        session,
        principal,
        tenant_id=row.tenant_id,
        stream=stream.session_stream(row.id),
        type=SessionEvent.RESCHEDULED,
        payload=SessionRescheduled(
            scheduledOn=day.isoformat(),
            startsAt=row.starts_at.isoformat(),
            endsAt=row.ends_at.isoformat(),
            reason=text,
            state=row.state.value,
        ),
    )
    return row


async def cancel_session(
    session: AsyncSession, principal: Principal, *, session_id: int, reason: str
) -> InquirySession:
    """Cancel a scheduled session, with a reason that is published with it."""
    principal.require_user()
    row = await get_session(session, session_id, lock=True)
    require_county_office(principal)
    text = clean_text(
        reason, field="reason", code=Code.REASON_REQUIRED, label="取消原因", max_length=500
    )
    if row.state is not SessionState.SCHEDULED:
        raise DomainError(Code.INVALID_STATE, "只能取消尚未开始的场次", field="sessionId")
    row.state = SessionState.CANCELLED
    row.cancelled_reason = text
    await session.flush()
    await stream.append_event(
        session,
        principal,
        tenant_id=row.tenant_id,
        stream=stream.session_stream(row.id),
        type=SessionEvent.CANCELLED,
        payload=SessionCancelled(reason=text, state=row.state.value),
    )
    return row


async def list_sessions(
    session: AsyncSession,
    principal: Principal,
    *,
    year: int,
    month: int | None,
    unit_id: int | None,
    limit: int,
) -> list[InquirySession]:
    """Sessions of `year` (and `month`, and the department), in time order (public: the
    schedule is published)."""
    principal.require_tenant()
    query = select(InquirySession).where(InquirySession.year == year)
    if month is not None:
        first = date(year, month, 1)
        last = date(year + (month == 12), month % 12 + 1, 1)
        query = query.where(
            InquirySession.scheduled_on >= first, InquirySession.scheduled_on < last
        )
    if unit_id is not None:
        query = query.where(InquirySession.org_unit_id == unit_id)
    query = query.order_by(InquirySession.starts_at, InquirySession.id).limit(limit)
    return list((await session.scalars(query)).all())


async def recompute_provisional(session: AsyncSession, years: frozenset[int]) -> None:
    """Recount every scheduled, provisional session of `years` not moved by hand (the
    calendar hook, in the transaction that publishes a year or changes a closure): its day
    follows the new table, and a move appends `inquirySession.rescheduled` saying why."""
    rows = (
        await session.scalars(
            select(InquirySession)
            .where(
                InquirySession.state == SessionState.SCHEDULED,
                InquirySession.provisional.is_(True),
                InquirySession.rescheduled_reason.is_(None),
                InquirySession.year.in_(sorted(years)),
            )
            .order_by(InquirySession.tenant_id, InquirySession.id)
            .with_for_update()
        )
    ).all()
    calendars: dict[int, WorkCalendar] = {}
    for row in rows:
        if row.tenant_id not in calendars:
            calendars[row.tenant_id] = await load_calendar(session, row.tenant_id)
        calendar = calendars[row.tenant_id]
        day = next_working_day(calendar, row.planned_on)
        provisional = not calendar.is_published(day.year)
        if (day, provisional) == (row.scheduled_on, row.provisional):
            continue
        shift = timedelta(days=(day - row.scheduled_on).days)
        row.scheduled_on, row.provisional = day, provisional
        row.starts_at, row.ends_at = row.starts_at + shift, row.ends_at + shift
        row.moved_reason = (
            None
            if day == row.planned_on
            else (
                f"{_chinese(row.planned_on)}（{WEEKDAY_NAMES[row.planned_on.isoweekday()]}）"
                f"{day_off_reason(calendar, row.planned_on)}，顺延至下一个工作日{_chinese(day)}"
            )
        )
        await stream.append_event(
            session,
            None,
            tenant_id=row.tenant_id,
            stream=stream.session_stream(row.id),
            type=SessionEvent.RESCHEDULED,
            payload=SessionRescheduled(
                scheduledOn=day.isoformat(),
                startsAt=row.starts_at.isoformat(),
                endsAt=row.ends_at.isoformat(),
                reason=row.moved_reason or f"{day.year}年法定节假日安排已发布，按工作日确认",
                state=row.state.value,
            ),
        )
    await session.flush()


on_calendar_changed(recompute_provisional)
