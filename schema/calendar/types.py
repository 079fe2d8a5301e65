"""GraphQL types of the working-day calendar."""

from __future__ import annotations

from datetime import date, datetime

import strawberry

from backend.calendar import models
from backend.calendar.errors import CalendarErrorCode as _CalendarErrorCode
from backend.core.workdays import Deadline, WorkCalendar
from schema.errors import UserError

CalendarDayKind = models.DayKind
strawberry.enum(
    CalendarDayKind,
    name="CalendarDayKind",
    description="What an official table says of a day: HOLIDAY (法定节假日/休息日) or "
    "WORKDAY (调休上班日).",
)

CalendarErrorCode = _CalendarErrorCode
strawberry.enum(CalendarErrorCode, description="Why a calendar change failed.")


@strawberry.type(description="A failure of a calendar change.")
class CalendarError(UserError):
    code: CalendarErrorCode = strawberry.field(description="Machine-readable reason.")


@strawberry.type(description="A day of an official table.")
class CalendarDay:
    date: date = strawberry.field(description="The day.")
    kind: CalendarDayKind = strawberry.field(
        description="HOLIDAY: 法定节假日/休息日, not a working day even Monday–Friday; "
        "WORKDAY: 调休上班日, a working day on a Saturday or Sunday."
    )
    name: str = strawberry.field(description="The holiday it belongs to, e.g. 春节.")

    @classmethod
    def from_model(cls, d: models.CalendarDay) -> CalendarDay:
        return cls(date=d.day, kind=d.kind, name=d.name)


@strawberry.type(description="One revision of a year's official table (国务院办公厅通知).")
class CalendarYear:
    year: int = strawberry.field(description="The year.")
    revision: int = strawberry.field(description="1 for the year's first table, then 2, …")
    source: str = strawberry.field(
        description="Where the table comes from, e.g. 《国务院办公厅关于2027年部分节假日安排"
        "的通知》（国办发明电〔2026〕N号）."
    )
    published: bool = strawberry.field(
        description="Whether it was published (else a draft that counts for nobody yet)."
    )
    entered_at: datetime = strawberry.field(description="When it was entered.")
    published_at: datetime | None = strawberry.field(description="When it was published.")
    days: list[CalendarDay] = strawberry.field(
        description="Its holidays and 调休 working days, by date; any other day is a working "
        "day Monday–Friday and a rest day on Saturday and Sunday."
    )

    @classmethod
    def from_model(cls, y: models.CalendarYear, days: list[models.CalendarDay]) -> CalendarYear:
        return cls(
            year=y.year,
            revision=y.revision,
            source=y.source,
            published=y.published,
            entered_at=y.entered_at,
            published_at=y.published_at,
            days=[CalendarDay.from_model(d) for d in days],
        )


@strawberry.type(description="A day the county's offices are closed (e.g. 防汛停工日).")
class LocalClosure:
    date: date = strawberry.field(description="The day: no working day in this county.")
    reason: str = strawberry.field(description="Why, as announced.")
    created_at: datetime = strawberry.field(description="When it was entered.")

    @classmethod
    def from_model(cls, c: models.LocalClosure) -> LocalClosure:
        return cls(date=c.day, reason=c.reason, created_at=c.created_at)


@strawberry.type(
    description="The working-day calendar of one year, as the caller's county counts it."
)
class WorkCalendarYear:
    year: int = strawberry.field(description="The year.")
    published: bool = strawberry.field(
        description="Whether the year has a published official table. If not, Monday–Friday "
        "are counted as working days and every deadline counting a day of it is provisional."
    )
    source: str | None = strawberry.field(description="The published table's source.")
    official: CalendarYear | None = strawberry.field(
        description="The published table (its newest published revision), null when none."
    )
    draft: CalendarYear | None = strawberry.field(
        description="Platform operators only: the revision entered and not yet published."
    )
    local_closures: list[LocalClosure] = strawberry.field(
        description="The caller's county's closures in the year (none without a county)."
    )


@strawberry.type(description="The last day of a period of working days (工作日).")
class WorkingDeadline:
    from_: date = strawberry.field(name="from", description="The anchor day (not counted).")
    days: int = strawberry.field(description="The number of working days.")
    due: date = strawberry.field(
        description="The n-th working day after `from`: the last day of the period."
    )
    provisional: bool = strawberry.field(
        description="True when a day counted lies in a year without a published official "
        "table (counted Monday–Friday): the date may move when that table is published."
    )
    assumed_years: list[int] = strawberry.field(
        description="The years counted Monday–Friday for want of a published table."
    )
    closures: list[date] = strawberry.field(
        description="The county's local closures the count skipped."
    )
    rule: str = strawberry.field(
        description="The rule applied, in Chinese: 民法典第二百零一条, the tables counted on, "
        "the closures skipped, and why the date is provisional."
    )

    @classmethod
    def of(cls, calendar: WorkCalendar, deadline: Deadline) -> WorkingDeadline:
        return cls(
            from_=deadline.start,
            days=deadline.days,
            due=deadline.due,
            provisional=deadline.provisional,
            assumed_years=list(deadline.assumed_years),
            closures=list(deadline.closures),
            rule=calendar.cite(deadline),
        )
