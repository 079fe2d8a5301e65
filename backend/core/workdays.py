"""Working days (工作日) on an editable official calendar: a pure, immutable snapshot.

A `WorkCalendar` is what a deadline is computed on: the platform's published tables of
holidays (法定节假日/休息日, days off even on a weekday) and 调休 working days (working days
even on a Saturday or Sunday), year by year, plus one county's local closures (a flood day:
no working day there, whatever the official table says). A year without a published table
is counted Monday to Friday, and every deadline that counted a day of such a year is
**provisional**: it will move when the year's table is published.

Counting conventions (《中华人民共和国民法典》第二百零一条: the day a period starts from is
not counted):

- forward periods ("自印发之日起20个工作日内"): the anchor day is not counted, the last day
  is; :meth:`WorkCalendar.working_days_between` counts working days ``d`` with
  ``start < d <= end`` and :meth:`WorkCalendar.add_working_days` gives the last day;
- lead times ("座谈会召开的3个工作日前"): the meeting day is not counted, the day of sending
  is; the latest allowed day is the n-th working day before the meeting,
  :meth:`WorkCalendar.subtract_working_days` (used by `backend.core.rules.lead_time_check`).

The snapshot lives in core because the rulebook's lead-time check (`backend.core.rules`)
counts on it and, like the rulebook, it is pure: no database, no clock. The tables, their
editing and loading a county's snapshot are `backend.calendar`. :func:`package_calendar`
builds the snapshot of the `chinese_calendar` package alone (2004–2026), which seeds the
platform's tables and serves pure tests.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from importlib import metadata
from types import MappingProxyType

import chinese_calendar

__all__ = [
    "CIVIL_CODE_COUNTING",
    "PACKAGE_SOURCE",
    "DayKind",
    "Deadline",
    "OfficialCalendar",
    "OfficialDay",
    "WorkCalendar",
    "package_calendar",
    "package_tables",
]

#: The counting rule every working-day period follows.
CIVIL_CODE_COUNTING = "《中华人民共和国民法典》第二百零一条（开始的当日不计入，自下一日开始计算）"

_ONE = timedelta(days=1)


class DayKind(enum.Enum):
    """What an official table says of a day."""

    HOLIDAY = "HOLIDAY"  # 法定节假日/休息日: not a working day, even Monday to Friday
    WORKDAY = "WORKDAY"  # 调休上班日: a working day, even on a Saturday or Sunday


DAY_KIND_LABELS: Mapping[DayKind, str] = MappingProxyType(
    {DayKind.HOLIDAY: "法定节假日/休息日", DayKind.WORKDAY: "调休上班日"}
)


@dataclass(frozen=True, slots=True)
class OfficialDay:
    """One day of a year's official table, e.g. (2027-02-06, HOLIDAY, 春节)."""

    day: date
    kind: DayKind
    name: str


def _frozen(mapping: Mapping[date, str] | None = None) -> Mapping[date, str]:
    return MappingProxyType(dict(mapping or {}))


@dataclass(frozen=True, slots=True, eq=False)
class OfficialCalendar:
    """The platform's published tables: their days by date and each published year's
    source (e.g. 《国务院办公厅关于2027年部分节假日安排的通知》). ``version`` is the
    platform calendar's version when it was read (`backend.calendar.loading`)."""

    days: Mapping[date, OfficialDay]
    sources: Mapping[int, str]
    version: int = 0

    @classmethod
    def of(
        cls, tables: Mapping[int, Iterable[OfficialDay]], sources: Mapping[int, str], version: int
    ) -> OfficialCalendar:
        """The snapshot of published tables by year (every year in ``sources`` is published,
        an empty table included)."""
        days = {d.day: d for year in sources for d in tables.get(year, ())}
        return cls(MappingProxyType(days), MappingProxyType(dict(sources)), version)

    @property
    def published_years(self) -> frozenset[int]:
        return frozenset(self.sources)


@dataclass(frozen=True, slots=True)
class Deadline:
    """The end of a period of ``days`` working days counted from ``start``.

    For a forward period ``due`` is the last day (``start`` not counted); for a lead time
    it is the latest day on which the thing may be done. ``provisional`` is true when a day
    counted lies in a year without a published table (``assumed_years``, counted Monday to
    Friday): the date moves once that year's table is published. ``closures`` are the
    county's local closures the count skipped.
    """

    start: date
    days: int
    due: date
    provisional: bool
    assumed_years: tuple[int, ...] = ()
    closures: tuple[date, ...] = ()


@dataclass(frozen=True, slots=True, eq=False)
class WorkCalendar:
    """The working days of one county: the official tables plus its local closures.

    Immutable, so one snapshot may serve any number of requests until the calendar changes.
    A local closure is never a working day (even a 调休 Saturday); outside the published
    years Monday to Friday are working days.
    """

    official: OfficialCalendar
    closures: Mapping[date, str] = field(default_factory=_frozen)
    tenant_id: int | None = None

    @property
    def version(self) -> int:
        return self.official.version

    def is_published(self, year: int) -> bool:
        """Whether ``year`` has a published official table."""
        return year in self.official.sources

    def source(self, year: int) -> str | None:
        """The published table's source for ``year``, None when unpublished."""
        return self.official.sources.get(year)

    def is_working_day(self, d: date) -> bool:
        """Whether ``d`` is a working day in this county: not a local closure, and by the
        official table with 调休 (a 调休 Saturday or Sunday is one, a weekday holiday is
        not); Monday to Friday in a year without a published table."""
        if d in self.closures:
            return False
        official = self.official.days.get(d)
        if official is not None:
            return official.kind is DayKind.WORKDAY
        return d.weekday() < 5

    def assumed_years(self, first: date, last: date) -> tuple[int, ...]:
        """The years of the days ``first..last`` (inclusive, in either order) that have no
        published table, in order."""
        lo, hi = sorted((first.year, last.year))
        return tuple(y for y in range(lo, hi + 1) if y not in self.official.sources)

    def working_days_between(self, start: date, end: date) -> int:
        """The number of working days strictly after ``start`` up to and including ``end``
        (the anchor day is not counted, 民法典第二百零一条).

        ``working_days_between(d, d) == 0``; antisymmetric: ``(end, start)`` gives the
        negative. E.g. from Friday 2025-09-26 to Thursday 2025-10-09 it is 4: Saturday 09-27
        is a rest day, Sunday 09-28 a 调休 working day, 09-29 and 09-30 working days,
        10-01..10-08 the National Day holidays, and 10-09 counts.
        """
        if end < start:
            return -self.working_days_between(end, start)
        return sum(1 for d in _days(start + _ONE, end) if self.is_working_day(d))

    def add_working_days(self, start: date, n: int) -> Deadline:
        """The n-th working day after ``start`` (``start`` not counted): the last day of a
        period of n working days from ``start``. Guarantees
        ``working_days_between(start, due) == n`` and, for n ≥ 1, that ``due`` is a working
        day. ``n == 0`` gives ``start`` (nothing counted, never provisional)."""
        due = self._step(start, n, +1)
        if due == start:
            return Deadline(start=start, days=n, due=due, provisional=False)
        return self._deadline(start, n, due, start + _ONE, due)

    def subtract_working_days(self, start: date, n: int) -> Deadline:
        """The n-th working day before ``start`` (``start`` not counted): the latest day on
        which something due "n个工作日前" of ``start`` may be done.

        Guarantees, for n ≥ 1: ``due`` is a working day and exactly n working days lie in
        ``[due, start)``. ``n == 0`` gives ``start``. E.g. 3 working days before Thursday
        2025-10-09 is Sunday 2025-09-28 (a 调休 working day), since 10-01..10-08 are
        holidays.
        """
        due = self._step(start, n, -1)
        if due == start:
            return Deadline(start=start, days=n, due=due, provisional=False)
        return self._deadline(start, n, due, due, start - _ONE)

    def _step(self, d: date, n: int, step: int) -> date:
        if n < 0:
            raise ValueError("n 不能为负数")
        delta = timedelta(days=step)
        remaining = n
        while remaining > 0:
            d += delta
            if self.is_working_day(d):
                remaining -= 1
        return d

    def _deadline(self, start: date, n: int, due: date, first: date, last: date) -> Deadline:
        assumed = self.assumed_years(first, last)
        closures = tuple(
            sorted(c for c in self.closures if first <= c <= last and self._officially_working(c))
        )
        return Deadline(
            start=start,
            days=n,
            due=due,
            provisional=bool(assumed),
            assumed_years=assumed,
            closures=closures,
        )

    def _officially_working(self, d: date) -> bool:
        official = self.official.days.get(d)
        return official.kind is DayKind.WORKDAY if official else d.weekday() < 5

    def cite(self, deadline: Deadline) -> str:
        """The rule a deadline followed, in Chinese: the counting rule, the tables it
        counted on, the local closures it skipped and, when provisional, why."""
        first, last = sorted((deadline.start, deadline.due))
        sources = sorted(
            {
                source
                for year in range(first.year, last.year + 1)
                if (source := self.official.sources.get(year))
            }
        )
        text = f"依据{CIVIL_CODE_COUNTING}"
        if sources:
            text += f"；工作日按{'、'.join(sources)}计算"
        if deadline.closures:
            days = "、".join(
                f"{_chinese_date(d)}（{self.closures.get(d, '')}）" for d in deadline.closures
            )
            text += f"；已扣除本县停止办公日{days}"
        if deadline.provisional:
            years = "、".join(f"{y}年" for y in deadline.assumed_years)
            text += f"；{years}的法定节假日安排尚未发布，暂按周一至周五计算，期限为暂定"
        return text + "。"

    def with_closures(self, closures: Mapping[date, str], tenant_id: int | None) -> WorkCalendar:
        """The same official tables with a county's local closures."""
        return WorkCalendar(self.official, _frozen(closures), tenant_id)


def _chinese_date(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def _days(first: date, last: date) -> Iterator[date]:
    d = first
    while d <= last:
        yield d
        d += _ONE


# ---------------------------------------------------------------------------------------
# The chinese_calendar package (2004–2026): the seed of the platform's tables


#: The source recorded for the years seeded from the package.
PACKAGE_SOURCE = f"chinese_calendar {metadata.version('chinesecalendar')} (国务院办公厅通知)"


def _chinese_name(english: str) -> str:
    try:
        return str(chinese_calendar.Holiday(english).chinese)
    except ValueError:
        return english


def package_tables() -> dict[int, list[OfficialDay]]:
    """Every year the `chinese_calendar` package covers, as official tables (by date)."""
    tables: dict[int, list[OfficialDay]] = {}
    entries = [(d, DayKind.HOLIDAY, n) for d, n in chinese_calendar.holidays.items()]
    entries += [(d, DayKind.WORKDAY, n) for d, n in chinese_calendar.workdays.items()]
    for d, kind, name in sorted(entries, key=lambda e: e[0]):
        tables.setdefault(d.year, []).append(OfficialDay(d, kind, _chinese_name(name)))
    return tables


def package_calendar() -> WorkCalendar:
    """The snapshot of the package's years alone, all published, with no local closure."""
    tables = package_tables()
    return WorkCalendar(
        OfficialCalendar.of(tables, {year: PACKAGE_SOURCE for year in tables}, version=0)
    )
