"""Error codes of the calendar domain."""

import enum


class CalendarErrorCode(enum.Enum):
    INVALID = "INVALID"
    NOT_FOUND = "NOT_FOUND"
    DATE_OUTSIDE_YEAR = "DATE_OUTSIDE_YEAR"  # a day of a year's table in another year
    DUPLICATE_DATE = "DUPLICATE_DATE"  # a date twice in one table, or a second closure
    UNKNOWN_KIND = "UNKNOWN_KIND"
    WORKDAY_NOT_WEEKEND = "WORKDAY_NOT_WEEKEND"  # a 调休 working day on Monday–Friday
    NOTHING_TO_PUBLISH = "NOTHING_TO_PUBLISH"  # no draft: the newest revision is published
