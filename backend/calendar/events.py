"""The event types of a county's `calendar` stream: what changed the working days its
deadlines are counted on. The platform's publications are appended to every county's
stream (the log is county-owned: each county's chain records the table it counts on), a
local closure to its county's only."""

from __future__ import annotations

from typing_extensions import TypedDict

from realtime.event_types import EventNames, EventTypes, Logged, shape


@shape
class YearPublished(TypedDict):
    year: int
    revision: int
    source: str
    holidays: int  # days off in the table
    workdays: int  # 调休 working days in the table
    replaces: int | None  # the revision published before, None for the year's first table


@shape
class ClosureChanged(TypedDict):
    date: str  # ISO 8601 date
    reason: str


class CalendarEvent(EventNames):
    YEAR_PUBLISHED = Logged("calendarYear.published", YearPublished, "发布年度节假日安排")
    CLOSURE_ADDED = Logged("localClosure.added", ClosureChanged, "新增本县停止办公日")
    CLOSURE_REMOVED = Logged("localClosure.removed", ClosureChanged, "撤销本县停止办公日")


CALENDAR_EVENTS = EventTypes("calendar", CalendarEvent)
