"""A unit's inbox (待办) as queues: 新件, 待签收, 办理中, 退回, 临期 and 超期, each a SQL
clause the list page (`cases(filter: {unitId, queue})`) and the per-queue counts
(`caseInboxCounts`) share, so a tab's count is the length of its list.

- NEW (新件): received, never returned, the unit accountable (首接负责) — to classify and
  dispatch.
- TO_SIGN (待签收): open, with a PENDING assignment of the unit.
- IN_HANDLING (办理中): in progress, the unit accountable or holding an active assignment,
  none of them still to sign.
- SENT_BACK (退回): received again after a 退单 (`bounce_count` > 0), the unit accountable;
  every returned case for the county office (the root unit), which alone re-dispatches.
- DUE_SOON (临期) / OVERDUE (超期): open, the unit accountable or holding an active
  assignment, due within the county's window (`case.due_soon` working days) / past it.

The clauses name the values `:today` and `:horizon` (the last day of the 临期 window) as
bound parameters, fixed per request; everything else is in the statement (a
`ReadStatement` binds no list)."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, and_, bindparam, exists, func, not_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.cases import access
from backend.cases.models import AssignmentState, Case, CaseAssignment, CaseState
from backend.core.errors import InvalidArgument, PermissionDenied
from backend.core.security import Principal
from tenants.models import OrgUnit

_C = Case.__table__
_A = CaseAssignment.__table__
_U = OrgUnit.__table__


class InboxQueue(enum.Enum):
    """One tab of a unit's inbox (待办)."""

    NEW = "NEW"
    TO_SIGN = "TO_SIGN"
    IN_HANDLING = "IN_HANDLING"
    SENT_BACK = "SENT_BACK"
    DUE_SOON = "DUE_SOON"
    OVERDUE = "OVERDUE"


_DATED = (InboxQueue.DUE_SOON, InboxQueue.OVERDUE)


def _one_of(column: Any, values: Sequence[enum.Enum]) -> ColumnElement[bool]:
    return or_(*(column == v.value for v in values))


def _open() -> ColumnElement[bool]:
    return _one_of(_C.c.state, access.OPEN_STATES)


def _assignment_of(unit_id: int, states: Sequence[AssignmentState]) -> ColumnElement[bool]:
    return exists().where(
        _A.c.case_id == _C.c.id, _A.c.unit_id == unit_id, _one_of(_A.c.state, states)
    )


def in_unit(unit_id: int) -> ColumnElement[bool]:
    """The unit is accountable for the case or holds an active (待签收 or 已签收)
    assignment of it: the `unitId` filter."""
    return or_(
        _C.c.accountable_unit_id == unit_id,
        _assignment_of(unit_id, access.ACTIVE_ASSIGNMENT),
    )


def needs_dates(queue: InboxQueue | None) -> bool:
    """Whether the queue's clause reads `:today` and `:horizon`."""
    return queue in _DATED


def queue_clause(queue: InboxQueue, unit_id: int) -> ColumnElement[bool]:
    """The cases in `queue` of the unit (visibility is the caller's `visible_to`)."""
    if queue is InboxQueue.NEW:
        return and_(
            _C.c.state == CaseState.RECEIVED.value,
            _C.c.bounce_count == 0,
            _C.c.accountable_unit_id == unit_id,
        )
    if queue is InboxQueue.TO_SIGN:
        return and_(_open(), _assignment_of(unit_id, (AssignmentState.PENDING,)))
    if queue is InboxQueue.IN_HANDLING:
        return and_(
            _C.c.state == CaseState.IN_PROGRESS.value,
            in_unit(unit_id),
            not_(_assignment_of(unit_id, (AssignmentState.PENDING,))),
        )
    if queue is InboxQueue.SENT_BACK:
        is_root = exists().where(_U.c.id == unit_id, _U.c.parent_id.is_(None))
        return and_(
            _C.c.state == CaseState.RECEIVED.value,
            _C.c.bounce_count > 0,
            or_(_C.c.accountable_unit_id == unit_id, is_root),
        )
    if queue is InboxQueue.DUE_SOON:
        return and_(
            _open(),
            in_unit(unit_id),
            _C.c.due_on >= bindparam("today", type_=_C.c.due_on.type),
            _C.c.due_on <= bindparam("horizon", type_=_C.c.due_on.type),
        )
    return and_(_open(), in_unit(unit_id), _C.c.due_on < bindparam("today", type_=_C.c.due_on.type))


async def require_inbox_reader(session: AsyncSession, principal: Principal, unit_id: int) -> None:
    """Staff of the unit (or above it) and the county office read its inbox, as they
    watch `caseInbox`; a unit of no row here (another county's: row-level security) is a
    bad argument, a unit of someone else is refused."""
    path = await access.unit_path(session, unit_id)
    if path is None:
        raise InvalidArgument("参数 unitId 指向的单位不存在或不属于本县")
    if principal.user_id is None or not (
        access.is_county_office(principal) or access.staff_of(principal, path)
    ):
        raise PermissionDenied("无权查看该单位的待办：需要该单位工作人员或县级管理员")


async def due_soon_horizon(session: AsyncSession, tenant_id: int, today: date) -> date:
    """The last day of the county's 临期 window: `case.due_soon` working days from today
    (its rule and calendar)."""
    from backend.cases.classification import county_rule
    from backend.cases.deadlines import due_date

    days = await county_rule(session, tenant_id, "case.due_soon", field="filter")
    return (await due_date(session, tenant_id, today, days))[0]


async def inbox_counts(
    session: AsyncSession, principal: Principal, *, unit_id: int, today: date, horizon: date
) -> dict[InboxQueue, int]:
    """How many cases each queue of the unit lists for `principal`, in one statement (the
    same clauses and visibility as the list page)."""
    counts = [
        func.count().filter(queue_clause(q, unit_id)).label(q.value.lower()) for q in InboxQueue
    ]
    # every queue but the county office's 退回 lies within the unit's cases: read only those
    among = or_(in_unit(unit_id), queue_clause(InboxQueue.SENT_BACK, unit_id))
    query = select(*counts).select_from(_C).where(access.visible_to(principal), among)
    row = (await session.execute(query, {"today": today, "horizon": horizon})).one()
    return {q: int(n) for q, n in zip(InboxQueue, row, strict=True)}
