"""The platform's official calendar: an operator enters a year's table from the State
Council's notice (国务院办公厅关于某年部分节假日安排的通知) and publishes it.

Entering writes a draft revision (all days at once; a draft is edited in place until it is
published); publishing makes it the table every county counts on, appends
`calendarYear.published` to every county's `calendar` stream and runs the recompute hooks
(`backend.calendar.hooks`), all in the operator's one platform transaction. Only platform
operators write; everyone reads the published tables.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.calendar.errors import CalendarErrorCode as Code
from backend.calendar.events import CalendarEvent, YearPublished
from backend.calendar.hooks import calendar_changed
from backend.calendar.loading import bump_version, lock_calendar
from backend.calendar.models import CalendarDay, CalendarYear, DayKind, LocalClosure
from backend.calendar.stream import append_event
from backend.core.errors import DomainError, DomainErrors
from backend.core.security import Principal
from backend.core.validation import clean_text
from tenants.models import Tenant

#: The years a table may be entered for (the table's CHECK constraint).
FIRST_YEAR, LAST_YEAR = 1949, 2199
MAX_DAYS = 366


@dataclass(frozen=True, slots=True)
class DayEntry:
    """One day of a table as entered: ``kind`` a `DayKind` or its name."""

    day: date
    kind: DayKind | str
    name: str


def check_year(year: int, *, field: str = "year") -> int:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise DomainError(Code.INVALID, f"年份应在{FIRST_YEAR}年至{LAST_YEAR}年之间", field=field)
    return year


def _checked_days(year: int, entries: Sequence[DayEntry]) -> list[CalendarDay]:
    """The table's days, or every problem at once (DomainErrors), each naming its field
    (``days.3.date``)."""
    problems: list[DomainError] = []
    if not entries:
        problems.append(DomainError(Code.INVALID, "节假日安排至少应有一天", field="days"))
    if len(entries) > MAX_DAYS:
        problems.append(DomainError(Code.INVALID, f"一年的安排不能超过{MAX_DAYS}天", field="days"))
        raise DomainErrors(problems)
    seen: dict[date, int] = {}
    days: list[CalendarDay] = []
    for i, entry in enumerate(entries):
        at = f"days.{i}"
        kind: DayKind | None
        try:
            kind = entry.kind if isinstance(entry.kind, DayKind) else DayKind(entry.kind)
        except ValueError:
            kind = None
            problems.append(
                DomainError(
                    Code.UNKNOWN_KIND,
                    f"第{i + 1}天的类型“{entry.kind}”无效（应为 HOLIDAY 或 WORKDAY）",
                    field=f"{at}.kind",
                )
            )
        if entry.day.year != year:
            problems.append(
                DomainError(
                    Code.DATE_OUTSIDE_YEAR,
                    f"第{i + 1}天 {entry.day.isoformat()} 不在{year}年内",
                    field=f"{at}.date",
                )
            )
        elif entry.day in seen:
            problems.append(
                DomainError(
                    Code.DUPLICATE_DATE,
                    f"第{i + 1}天 {entry.day.isoformat()} 与第{seen[entry.day] + 1}天重复",
                    field=f"{at}.date",
                )
            )
        else:
            seen[entry.day] = i
        if kind is DayKind.WORKDAY and entry.day.weekday() < 5:
            problems.append(
                DomainError(
                    Code.WORKDAY_NOT_WEEKEND,
                    f"第{i + 1}天 {entry.day.isoformat()} 是周一至周五，调休上班日应为周六或周日",
                    field=f"{at}.date",
                )
            )
        try:
            name = clean_text(
                entry.name, field=f"{at}.name", code=Code.INVALID, label="节日名称", max_length=40
            )
        except DomainError as error:
            problems.append(error)
            continue
        if kind is not None:
            days.append(CalendarDay(day=entry.day, kind=kind, name=name))
    if problems:
        raise DomainErrors(problems)
    return sorted(days, key=lambda d: d.day)


async def latest_revision(session: AsyncSession, year: int) -> CalendarYear | None:
    return await session.scalar(
        select(CalendarYear)
        .where(CalendarYear.year == year)
        .order_by(CalendarYear.revision.desc())
        .limit(1)
    )


async def published_revision(session: AsyncSession, year: int) -> CalendarYear | None:
    return await session.scalar(
        select(CalendarYear)
        .where(CalendarYear.year == year, CalendarYear.published_at.is_not(None))
        .order_by(CalendarYear.revision.desc())
        .limit(1)
    )


async def days_of(session: AsyncSession, revision_id: int) -> list[CalendarDay]:
    return list(
        (
            await session.scalars(
                select(CalendarDay)
                .where(CalendarDay.calendar_year_id == revision_id)
                .order_by(CalendarDay.day)
            )
        ).all()
    )


async def set_calendar_year(
    session: AsyncSession,
    principal: Principal,
    *,
    year: int,
    source: str,
    days: Sequence[DayEntry],
) -> CalendarYear:
    """Enter ``year``'s whole table as a draft: the year's unpublished draft is replaced,
    else a new revision is made (the published one counts until it is published). Platform
    operators only. Every problem of the input comes back at once, nothing written."""
    operator_id = principal.require_operator()
    problems: list[DomainError] = []
    try:
        check_year(year)
    except DomainError as error:
        raise DomainErrors([error]) from None
    try:
        source = clean_text(
            source,
            field="source",
            code=Code.INVALID,
            label="依据（通知名称及文号）",
            max_length=300,
        )
    except DomainError as error:
        problems.append(error)
    try:
        rows = _checked_days(year, days)
    except DomainErrors as errors:
        problems += errors.errors
    if problems:
        raise DomainErrors(problems)
    # Edits and publications of the calendar take its version row first, one at a time:
    # two operators entering one year make revisions one after the other.
    await lock_calendar(session)
    now = datetime.now(UTC)
    revision = await latest_revision(session, year)
    if revision is not None and not revision.published:
        await session.execute(
            delete(CalendarDay).where(CalendarDay.calendar_year_id == revision.id)
        )
        revision.source, revision.entered_at = source, now
        revision.entered_by_operator_id = operator_id
    else:
        revision = CalendarYear(
            year=year,
            revision=(revision.revision + 1) if revision else 1,
            source=source,
            entered_by_operator_id=operator_id,
            entered_at=now,
        )
        session.add(revision)
    await session.flush()
    for row in rows:
        row.calendar_year_id = revision.id
    session.add_all(rows)
    await session.flush()
    return revision


async def publish_calendar_year(
    session: AsyncSession, principal: Principal, *, year: int
) -> CalendarYear:
    """Publish ``year``'s draft: from this transaction's commit every county counts on it.

    Appends `calendarYear.published` to every county's calendar stream and runs the
    recompute hooks with ``{year}``, in this (platform) transaction. Platform operators
    only; NOTHING_TO_PUBLISH when the year has no draft."""
    operator_id = principal.require_operator()
    check_year(year)
    # The version first: every calendar change takes this row before anything else (a
    # second publication of the year waits here, then finds nothing to publish), and
    # before any stream head, so a publication and a county's closure never wait on each
    # other in a cycle.
    await bump_version(session)
    revision = await latest_revision(session, year)
    if revision is None:
        raise DomainError(Code.NOT_FOUND, f"{year}年尚未录入节假日安排", field="year")
    if revision.published:
        raise DomainError(
            Code.NOTHING_TO_PUBLISH,
            f"{year}年的节假日安排（第{revision.revision}版）已发布，没有待发布的修订",
            field="year",
        )
    previous = await published_revision(session, year)
    revision.published_at = datetime.now(UTC)
    revision.published_by_operator_id = operator_id
    await session.flush()
    rows = await session.execute(
        select(CalendarDay.kind, func.count())
        .where(CalendarDay.calendar_year_id == revision.id)
        .group_by(CalendarDay.kind)
    )
    counts = {kind: int(n) for kind, n in rows}
    payload: YearPublished = {
        "year": year,
        "revision": revision.revision,
        "source": revision.source,
        "holidays": counts.get(DayKind.HOLIDAY, 0),
        "workdays": counts.get(DayKind.WORKDAY, 0),
        "replaces": previous.revision if previous else None,
    }
    for tenant_id in (await session.scalars(select(Tenant.id).order_by(Tenant.id))).all():
        await append_event(
            session,
            principal,
            tenant_id=tenant_id,
            type=CalendarEvent.YEAR_PUBLISHED,
            payload=payload,
        )
    await calendar_changed(session, frozenset({year}))
    return revision


@dataclass(frozen=True, slots=True)
class YearView:
    """What a caller sees of a year: its published table, its draft (operators only) and
    the caller's county's closures in it."""

    year: int
    official: tuple[CalendarYear, list[CalendarDay]] | None
    draft: tuple[CalendarYear, list[CalendarDay]] | None
    closures: list[LocalClosure]


async def read_year(session: AsyncSession, principal: Principal, *, year: int) -> YearView:
    """Anyone may read the published table; a draft only platform operators; closures
    are the session's county's (none without a county)."""
    check_year(year)
    published = await published_revision(session, year)
    official = (published, await days_of(session, published.id)) if published else None
    draft = None
    if principal.is_operator:
        latest = await latest_revision(session, year)
        if latest is not None and not latest.published:
            draft = (latest, await days_of(session, latest.id))
    closures: list[LocalClosure] = []
    if principal.tenant_id is not None:
        closures = list(
            (
                await session.scalars(
                    select(LocalClosure)
                    .where(
                        LocalClosure.tenant_id == principal.tenant_id,
                        LocalClosure.day >= date(year, 1, 1),
                        LocalClosure.day <= date(year, 12, 31),
                    )
                    .order_by(LocalClosure.day)
                )
            ).all()
        )
    return YearView(year=year, official=official, draft=draft, closures=closures)
