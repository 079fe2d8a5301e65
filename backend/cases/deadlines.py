"""The one place cases compute deadlines (办理时限, 签收时限), on the county's working-day
calendar (`backend.calendar`: the official tables with 调休, and the county's local
closures). A deadline counted over a year whose official table is not yet published is
**provisional** (Monday–Friday assumed); when the year's table is published, or a closure
changes, `recompute_provisional` moves every open provisional deadline and appends
`case.deadlineChanged` to the case's stream.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.calendar import load_calendar, on_calendar_changed


async def due_date(
    session: AsyncSession, tenant_id: int, start: date, working_days: int
) -> tuple[date, bool]:
    """The last day of a period of `working_days` working days from `start` (not counted)
    in the county's calendar, and whether it is provisional."""
    deadline = (await load_calendar(session, tenant_id)).add_working_days(start, working_days)
    return deadline.due, deadline.provisional


async def recompute_provisional(session: AsyncSession, years: frozenset[int]) -> None:
    """Recount every open case whose deadline was provisional (the calendar hook). Runs in
    the changing transaction: a publication's (every county) or a closure's (one county)."""
    from backend.cases import stream
    from backend.cases.classification import deadline_for
    from backend.cases.events import CaseDeadlineChanged, CaseEvent
    from backend.cases.models import Case, CaseState

    if not years:
        return
    open_states = (CaseState.CLOSED, CaseState.OUT_OF_SCOPE, CaseState.MERGED)
    # A count from its start to its deadline consults only the days up to that deadline, so
    # a deadline before the first changed year cannot move: only the rest are read (and
    # locked), not every provisional case of every county.
    first_changed = date(min(years), 1, 1)
    cases = (
        await session.scalars(
            select(Case)
            .where(
                Case.due_provisional.is_(True),
                Case.state.not_in(open_states),
                Case.due_on >= first_changed,
            )
            .order_by(Case.tenant_id, Case.id)
            .with_for_update()
        )
    ).all()
    for case in cases:
        due, provisional = await deadline_for(session, case, case.handling_class)
        if (due, provisional) == (case.due_on, case.due_provisional):
            continue
        case.due_on, case.due_provisional = due, provisional
        payload: CaseDeadlineChanged = {
            "dueOn": due.isoformat() if due else None,
            "dueProvisional": provisional,
        }
        await stream.append_event(session, None, case, CaseEvent.CASE_DEADLINE_CHANGED, payload)
    await session.flush()


on_calendar_changed(recompute_provisional)
