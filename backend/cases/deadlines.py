"""The one place cases compute deadlines (办理时限, 签收时限).

Until the county's editable working-day calendar lands (`backend.calendar`), a deadline is
counted on the official calendar (`backend.core.rules.add_working_days`) and is never
provisional. Everything that sets `due_on` or `sign_due_at` calls `due_date`.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from backend.core import rules


async def due_date(
    session: AsyncSession, tenant_id: int, start: date, working_days: int
) -> tuple[date, bool]:
    """The last day of a period of `working_days` working days from `start` (not counted)
    in the county's calendar, and whether that calendar is provisional."""
    del session, tenant_id  # the county calendar will read them
    return rules.add_working_days(start, working_days), False
