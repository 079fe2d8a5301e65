"""The event types of a county's `calendar` stream: what changed the working days its
deadlines are counted on. The platform's publications are appended to every county's
stream (the log is county-owned: each county's chain records the table it counts on), a
local closure to its county's only."""

from __future__ import annotations

import enum

from typing_extensions import TypedDict

from realtime.event_types import EventSpec, EventTypes, shape


class CalendarEvent(enum.StrEnum):
    YEAR_PUBLISHED = "calendarYear.published"
    CLOSURE_ADDED = "localClosure.added"
    CLOSURE_REMOVED = "localClosure.removed"


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


CALENDAR_EVENTS = EventTypes(
    kind="calendar",
    names=CalendarEvent,
    specs={
        CalendarEvent.YEAR_PUBLISHED: EventSpec(YearPublished, "发布年度节假日安排"),
        CalendarEvent.CLOSURE_ADDED: EventSpec(ClosureChanged, "新增本县停止办公日"),
        CalendarEvent.CLOSURE_REMOVED: EventSpec(ClosureChanged, "撤销本县停止办公日"),
    },
)
