"""Queries and mutations of the working-day calendar: the official tables (platform
operators write, everyone reads), a county's local closures (its admins), and the
working-day deadline helper."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from backend.calendar import closures, load_calendar, official
from backend.calendar.models import CalendarDay as CalendarDayRow
from backend.calendar.models import CalendarYear as CalendarYearRow
from backend.core.errors import DomainError, InvalidArgument
from backend.core.security import Principal
from schema.calendar.types import (
    CalendarDayKind,
    CalendarError,
    CalendarErrorCode,
    CalendarYear,
    LocalClosure,
    WorkCalendarYear,
    WorkingDeadline,
)
from schema.context import Info
from schema.mutations import mutate, user_errors

#: The longest period the deadline helper counts (a year of working days is about 250).
MAX_DEADLINE_DAYS = 366


def _errors(errors: list[DomainError]) -> list[CalendarError]:
    return user_errors(errors, CalendarError, CalendarErrorCode)


@strawberry.input(description="A day of a year's official table.")
class CalendarDayInput:
    date: date = strawberry.field(description="The day, in the table's year.")
    kind: CalendarDayKind = strawberry.field(
        description="HOLIDAY (法定节假日/休息日) or WORKDAY (调休上班日, Saturday or Sunday only)."
    )
    name: str = strawberry.field(description="The holiday it belongs to, e.g. 春节 (≤ 40).")


@strawberry.input(description="A year's whole official table, from the State Council's notice.")
class SetCalendarYearInput:
    year: int = strawberry.field(description="The year (1949–2199).")
    source: str = strawberry.field(
        description="The notice's title and number, e.g. 《国务院办公厅关于2027年部分节假日"
        "安排的通知》（国办发明电〔2026〕N号） (≤ 300)."
    )
    days: list[CalendarDayInput] = strawberry.field(
        description="Every holiday (weekend days inside a holiday period included) and every "
        "调休 working day of the year, each date once; any day not listed is a working day "
        "Monday–Friday and a rest day on Saturday and Sunday."
    )


@strawberry.type(description="Result of setCalendarYear and publishCalendarYear.")
class CalendarYearPayload:
    calendar_year: CalendarYear | None = strawberry.field(
        description="The revision entered or published, when done."
    )
    errors: list[CalendarError] = strawberry.field(description="Why nothing was done.")


@strawberry.input(description="A day the county's offices close.")
class AddLocalClosureInput:
    date: date = strawberry.field(description="The day.")
    reason: str = strawberry.field(description="Why, as announced, e.g. 防汛 (≤ 200).")


@strawberry.type(description="Result of addLocalClosure and removeLocalClosure.")
class LocalClosurePayload:
    local_closure: LocalClosure | None = strawberry.field(
        description="The closure added, or the one removed, when done."
    )
    errors: list[CalendarError] = strawberry.field(description="Why nothing was done.")


async def _revision_payload(
    s: AsyncSession, revision: CalendarYearRow
) -> tuple[CalendarYearRow, list[CalendarDayRow]]:
    return revision, await official.days_of(s, revision.id)


def _year_payload(
    result: tuple[CalendarYearRow, list[CalendarDayRow]] | None, errors: list[DomainError]
) -> CalendarYearPayload:
    return CalendarYearPayload(
        calendar_year=CalendarYear.from_model(*result) if result else None,
        errors=_errors(errors),
    )


@strawberry.type
class CalendarQueries:
    @strawberry.field(
        description="A year's working-day calendar: its published official table (anyone), "
        "its draft (platform operators) and the caller's county's closures."
    )
    async def work_calendar(
        self,
        info: Info,
        year: Annotated[int, strawberry.argument(description="The year, e.g. 2027.")],
    ) -> WorkCalendarYear:
        principal = await info.context.principal()
        try:
            official.check_year(year)
        except DomainError as error:
            raise InvalidArgument(error.message) from error
        view = await info.context.read(lambda s: official.read_year(s, principal, year=year))
        published = CalendarYear.from_model(*view.official) if view.official else None
        return WorkCalendarYear(
            year=year,
            published=published is not None,
            source=published.source if published else None,
            official=published,
            draft=CalendarYear.from_model(*view.draft) if view.draft else None,
            local_closures=[LocalClosure.from_model(c) for c in view.closures],
        )

    @strawberry.field(
        description="The last day of a period of `days` working days from `from` (民法典第二百"
        "零一条: `from` is not counted), on the caller's county's calendar (the official "
        "tables with 调休 and its local closures; the official tables alone without a "
        "county). Provisional when it counts a day of a year with no published table."
    )
    async def working_deadline(
        self,
        info: Info,
        from_: Annotated[
            date, strawberry.argument(name="from", description="The anchor day (not counted).")
        ],
        days: Annotated[
            int,
            strawberry.argument(description=f"Working days, 0–{MAX_DEADLINE_DAYS}."),
        ],
    ) -> WorkingDeadline:
        if not 0 <= days <= MAX_DEADLINE_DAYS:
            raise InvalidArgument(f"参数 days 应在0至{MAX_DEADLINE_DAYS}之间")
        try:
            official.check_year(from_.year, field="from")
        except DomainError as error:
            raise InvalidArgument(error.message) from error
        principal = await info.context.principal()
        calendar = await info.context.read(lambda s: load_calendar(s, principal.tenant_id))
        return WorkingDeadline.of(calendar, calendar.add_working_days(from_, days))


@strawberry.type
class CalendarMutations:
    @strawberry.mutation(
        description="Enter a year's whole official table as a draft (replacing the year's "
        "unpublished draft, else as a new revision; the published table counts until this is "
        "published). Platform operators only."
    )
    async def set_calendar_year(
        self,
        info: Info,
        input: Annotated[
            SetCalendarYearInput, strawberry.argument(description="The year and its table.")
        ],
    ) -> CalendarYearPayload:
        entries = [official.DayEntry(day=d.date, kind=d.kind, name=d.name) for d in input.days]

        async def run(
            s: AsyncSession, p: Principal
        ) -> tuple[CalendarYearRow, list[CalendarDayRow]]:
            revision = await official.set_calendar_year(
                s, p, year=input.year, source=input.source, days=entries
            )
            return await _revision_payload(s, revision)

        result, errors = await mutate(info, run, platform=True)
        return _year_payload(result, errors)

    @strawberry.mutation(
        description="Publish a year's draft: every county counts on it from now on; each "
        "county's `calendar` stream gets `calendarYear.published` and the domains recompute "
        "their provisional deadlines. Platform operators only."
    )
    async def publish_calendar_year(
        self,
        info: Info,
        year: Annotated[int, strawberry.argument(description="The year whose draft to publish.")],
    ) -> CalendarYearPayload:
        async def run(
            s: AsyncSession, p: Principal
        ) -> tuple[CalendarYearRow, list[CalendarDayRow]]:
            revision = await official.publish_calendar_year(s, p, year=year)
            return await _revision_payload(s, revision)

        result, errors = await mutate(info, run, platform=True)
        return _year_payload(result, errors)

    @strawberry.mutation(
        description="Close the county's offices on a day (no working day in this county). "
        "County-wide tenant admins."
    )
    async def add_local_closure(
        self,
        info: Info,
        input: Annotated[AddLocalClosureInput, strawberry.argument(description="The closure.")],
    ) -> LocalClosurePayload:
        closure, errors = await mutate(
            info,
            lambda s, p: closures.add_local_closure(s, p, day=input.date, reason=input.reason),
        )
        return LocalClosurePayload(
            local_closure=LocalClosure.from_model(closure) if closure else None,
            errors=_errors(errors),
        )

    @strawberry.mutation(
        description="Reopen a day closed by addLocalClosure. County-wide tenant admins."
    )
    async def remove_local_closure(
        self,
        info: Info,
        date: Annotated[date, strawberry.argument(description="The closed day to reopen.")],
    ) -> LocalClosurePayload:
        closure, errors = await mutate(
            info, lambda s, p: closures.remove_local_closure(s, p, day=date)
        )
        return LocalClosurePayload(
            local_closure=LocalClosure.from_model(closure) if closure else None,
            errors=_errors(errors),
        )
