"""The working-day calendar every domain counts deadlines on (docs/calendar.md).

- `load_calendar(session, tenant_id)`: the county's `WorkCalendar` (cached per process,
  checked against the database's calendar version), whose `add_working_days` /
  `subtract_working_days` give a `Deadline` (``due``, ``provisional``…);
- `on_calendar_changed(callback)`: ``callback(session, years_changed)`` runs in the
  transaction that publishes a year or changes a county's closures;
- the workflows: `official` (operators enter and publish a year's table), `closures`
  (county admins' local closures).
"""

from backend.calendar.hooks import CalendarHook, on_calendar_changed
from backend.calendar.loading import load_calendar
from backend.core.workdays import CIVIL_CODE_COUNTING, DayKind, Deadline, WorkCalendar

__all__ = [
    "CIVIL_CODE_COUNTING",
    "CalendarHook",
    "DayKind",
    "Deadline",
    "WorkCalendar",
    "load_calendar",
    "on_calendar_changed",
]
