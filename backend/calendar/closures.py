"""A county's local closures (本县停止办公日, e.g. a flood day): days that are no working day
in that county whatever the official table says. County-wide tenant admins add and remove
them; each change is audited, appended to the county's `calendar` stream and runs the
recompute hooks in the county's transaction."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.audit import service as audit
from backend.calendar.errors import CalendarErrorCode as Code
from backend.calendar.events import CalendarEvent, ClosureChanged
from backend.calendar.hooks import calendar_changed
from backend.calendar.loading import bump_version
from backend.calendar.models import LocalClosure
from backend.calendar.official import check_year
from backend.calendar.stream import append_event
from backend.core.db import refusing_duplicates
from backend.core.errors import DomainError
from backend.core.security import Principal
from backend.core.validation import clean_text


def closure_snapshot(closure: LocalClosure) -> ClosureChanged:
    return {"date": closure.day.isoformat(), "reason": closure.reason}


async def add_local_closure(
    session: AsyncSession, principal: Principal, *, day: date, reason: str
) -> LocalClosure:
    """Close the county's offices on ``day``. County-wide tenant admins; DUPLICATE_DATE when
    the day is already closed."""
    principal.require_county_admin()
    tenant_id = principal.require_tenant()
    check_year(day.year, field="date")
    reason = clean_text(
        reason, field="reason", code=Code.INVALID, label="停止办公原因", max_length=200
    )
    duplicate = DomainError(
        Code.DUPLICATE_DATE, f"{day.isoformat()} 已是本县停止办公日", field="date"
    )
    if await session.scalar(select(LocalClosure.id).where(LocalClosure.day == day)):
        raise duplicate
    await bump_version(session)
    closure = LocalClosure(
        tenant_id=tenant_id, day=day, reason=reason, entered_by_user_id=principal.user_id
    )
    async with refusing_duplicates(session, {"uq_local_closures_tenant_id_day": duplicate}):
        session.add(closure)
        await session.flush()
    snapshot = closure_snapshot(closure)
    await audit.record(
        session,
        principal,
        action="calendar.closure.add",
        target_type="LocalClosure",
        target_id=closure.id,
        after=dict(snapshot),
    )
    await append_event(
        session, principal, tenant_id=tenant_id, type=CalendarEvent.CLOSURE_ADDED, payload=snapshot
    )
    await calendar_changed(session, frozenset({day.year}))
    return closure


async def remove_local_closure(
    session: AsyncSession, principal: Principal, *, day: date
) -> LocalClosure:
    """Reopen ``day``. County-wide tenant admins; NOT_FOUND when the day is not closed.
    Returns the closure as it was."""
    principal.require_county_admin()
    tenant_id = principal.require_tenant()
    closure = await session.scalar(select(LocalClosure).where(LocalClosure.day == day))
    if closure is None:
        raise DomainError(Code.NOT_FOUND, f"{day.isoformat()} 不是本县停止办公日", field="date")
    await bump_version(session)
    snapshot = closure_snapshot(closure)
    await session.delete(closure)
    await session.flush()
    await audit.record(
        session,
        principal,
        action="calendar.closure.remove",
        target_type="LocalClosure",
        target_id=closure.id,
        before=dict(snapshot),
    )
    await append_event(
        session,
        principal,
        tenant_id=tenant_id,
        type=CalendarEvent.CLOSURE_REMOVED,
        payload=snapshot,
    )
    await calendar_changed(session, frozenset({day.year}))
    return closure
