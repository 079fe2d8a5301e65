"""Routing (接诉即办, 12345): dispatch to units, sign-for (签收), return (退单) and the county
office's re-dispatch (重派), escalation up the tree or down to a unit below (吹哨报到),
supervision of an overdue case (督办) and follow-up visits (回访).

首接负责: the unit that received a case stays accountable until another unit signs for its
LEAD assignment. A case has at most one active LEAD (主办); CO units (协办, 联席会商) and
FOR_REFERENCE units (转阅件) may be added. Every assignment must be signed for within
`case.sign_for` working days (the deadline is the end of that day). Only a PENDING
assignment may be returned (签收后不得退单, this product's rule); each return counts a bounce
and puts the case in the county office's inbox to arbitrate and re-dispatch.
"""

from __future__ import annotations

import enum
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.cases.access import (
    ACTIVE_ASSIGNMENT,
    get_case,
    get_unit,
    handles,
    is_county_office,
    require_county_office,
    require_handler,
    require_open,
    staff_of,
)
from backend.cases.classification import county_rule
from backend.cases.deadlines import due_date
from backend.cases.errors import CaseErrorCode as Code
from backend.cases.events import CaseEvent, InboxEvent
from backend.cases.models import (
    AssignmentRole,
    AssignmentState,
    Case,
    CaseAssignment,
    CaseReply,
    CaseState,
    ReplyKind,
)
from backend.cases.stream import append_event, end_of_day, local_day, notify_inbox, now
from backend.core.errors import DomainError, PermissionDenied
from backend.core.security import Principal
from backend.core.validation import clean_text
from tenants.models import OrgUnit


class EscalationDirection(enum.Enum):
    UP = "UP"  # to the parent unit (吹哨)
    DOWN = "DOWN"  # to a unit below (下派)
    COUNTY = "COUNTY"  # to the county office, to arbitrate


async def _assignments(session: AsyncSession, case_id: int) -> list[CaseAssignment]:
    return list(
        (
            await session.scalars(
                select(CaseAssignment)
                .where(CaseAssignment.case_id == case_id)
                .order_by(CaseAssignment.id)
                .with_for_update()
            )
        ).all()
    )


def active_lead(assignments: list[CaseAssignment]) -> CaseAssignment | None:
    return next(
        (a for a in assignments if a.role is AssignmentRole.LEAD and a.state in ACTIVE_ASSIGNMENT),
        None,
    )


def dispatched_snapshot(case: Case, a: CaseAssignment) -> dict[str, Any]:
    return {
        "assignmentId": a.id,
        "unitId": a.unit_id,
        "role": a.role.value,
        "signDueAt": a.sign_due_at.isoformat() if a.sign_due_at else None,
        "dueOn": a.due_on.isoformat() if a.due_on else None,
        "state": case.state.value,
        "bounceCount": case.bounce_count,
    }


async def _assign(
    session: AsyncSession,
    principal: Principal,
    case: Case,
    unit: OrgUnit,
    role: AssignmentRole,
    existing: list[CaseAssignment],
) -> CaseAssignment:
    if any(a.unit_id == unit.id and a.state in ACTIVE_ASSIGNMENT for a in existing):
        raise DomainError(Code.ALREADY_ASSIGNED, "该单位已有此事项的待办", field="unitId")
    if role is AssignmentRole.LEAD and active_lead(existing) is not None:
        raise DomainError(
            Code.ALREADY_ASSIGNED, "此事项已有主办单位，请先撤回或等待退单", field="role"
        )
    days = await county_rule(session, case.tenant_id, "case.sign_for", field="unitId")
    sign_by, _ = await due_date(session, case.tenant_id, local_day(now()), days)
    assignment = CaseAssignment(
        tenant_id=case.tenant_id,
        case_id=case.id,
        unit_id=unit.id,
        role=role,
        state=AssignmentState.PENDING,
        sign_due_at=end_of_day(sign_by) if role is not AssignmentRole.FOR_REFERENCE else None,
        assigned_by=principal.user_id,
        due_on=case.due_on if role is not AssignmentRole.FOR_REFERENCE else None,
    )
    session.add(assignment)
    if role is AssignmentRole.LEAD and case.state is CaseState.RECEIVED:
        case.state = CaseState.DISPATCHED
    await session.flush()
    return assignment


async def dispatch_case(
    session: AsyncSession,
    principal: Principal,
    *,
    case_id: int,
    unit_id: int,
    role: AssignmentRole,
) -> CaseAssignment:
    """派单: the county office, or staff of the accountable unit, sends the case to a unit
    as LEAD (主办), CO (协办) or FOR_REFERENCE (转阅件)."""
    case = await get_case(session, case_id, lock=True)
    await require_handler(session, principal, case)
    require_open(case, action="派单")
    unit = await get_unit(session, unit_id, field="unitId")
    existing = await _assignments(session, case.id)
    assignment = await _assign(session, principal, case, unit, role, existing)
    await append_event(
        session, principal, case, CaseEvent.CASE_DISPATCHED, dispatched_snapshot(case, assignment)
    )
    await notify_inbox(
        session,
        principal,
        case,
        unit.id,
        InboxEvent.DISPATCHED,
        assignment_id=assignment.id,
        role=role.value,
    )
    return assignment


async def _assignment_for_staff(
    session: AsyncSession, principal: Principal, assignment_id: int
) -> tuple[CaseAssignment, Case]:
    assignment = await session.scalar(
        select(CaseAssignment).where(CaseAssignment.id == assignment_id).with_for_update()
    )
    if assignment is None:
        raise DomainError(Code.NOT_FOUND, "派单不存在", field="assignmentId")
    principal.require_user()
    unit = await get_unit(session, assignment.unit_id, field="assignmentId")
    if not (is_county_office(principal) or staff_of(principal, unit.path)):
        raise PermissionDenied("只有该单位工作人员可以签收或退单")
    case = await get_case(session, assignment.case_id, lock=True)
    return assignment, case


async def sign_assignment(
    session: AsyncSession, principal: Principal, *, assignment_id: int
) -> CaseAssignment:
    """签收: the unit takes the assignment; signing a LEAD makes it the accountable unit."""
    assignment, case = await _assignment_for_staff(session, principal, assignment_id)
    if assignment.state is not AssignmentState.PENDING:
        raise DomainError(Code.INVALID_STATE, "该派单不是待签收状态", field="assignmentId")
    require_open(case, action="签收")
    assignment.state, assignment.signed_at, assignment.signed_by = (
        AssignmentState.SIGNED,
        now(),
        principal.user_id,
    )
    if assignment.role is AssignmentRole.LEAD:
        case.accountable_unit_id = assignment.unit_id
        case.state = CaseState.IN_PROGRESS
    await session.flush()
    await append_event(
        session,
        principal,
        case,
        CaseEvent.CASE_SIGNED,
        {
            "assignmentId": assignment.id,
            "unitId": assignment.unit_id,
            "accountableUnitId": case.accountable_unit_id,
            "state": case.state.value,
        },
    )
    await notify_inbox(
        session,
        principal,
        case,
        assignment.unit_id,
        InboxEvent.SIGNED,
        assignment_id=assignment.id,
        role=assignment.role.value,
    )
    return assignment


async def _root_id(session: AsyncSession) -> int:
    root = await session.scalar(select(OrgUnit.id).where(OrgUnit.parent_id.is_(None)))
    assert root is not None
    return root


async def return_assignment(
    session: AsyncSession, principal: Principal, *, assignment_id: int, reason: str
) -> CaseAssignment:
    """退单: a unit refuses a pending assignment with a reason; the case waits for the
    county office to re-dispatch it (its inbox is told), and the bounce is counted."""
    assignment, case = await _assignment_for_staff(session, principal, assignment_id)
    text = clean_text(reason, field="reason", code=Code.INVALID, label="退单理由", max_length=500)
    if assignment.state is not AssignmentState.PENDING:
        raise DomainError(
            Code.INVALID_STATE, "只有待签收的派单可以退单（签收后不得退单）", field="assignmentId"
        )
    require_open(case, action="退单")
    assignment.state, assignment.returned_at, assignment.return_reason = (
        AssignmentState.RETURNED,
        now(),
        text,
    )
    if assignment.role is AssignmentRole.LEAD:
        case.bounce_count += 1
        case.state = CaseState.RECEIVED
    await session.flush()
    await append_event(
        session,
        principal,
        case,
        CaseEvent.CASE_RETURNED,
        {
            "assignmentId": assignment.id,
            "unitId": assignment.unit_id,
            "reason": text,
            "bounceCount": case.bounce_count,
            "accountableUnitId": case.accountable_unit_id,
            "state": case.state.value,
        },
    )
    await notify_inbox(
        session,
        principal,
        case,
        await _root_id(session),
        InboxEvent.RETURNED,
        assignment_id=assignment.id,
        role=assignment.role.value,
        note=text,
    )
    return assignment


async def redispatch_case(
    session: AsyncSession, principal: Principal, *, case_id: int, unit_id: int
) -> CaseAssignment:
    """重派: the county office arbitrates a returned case and names the LEAD unit."""
    require_county_office(principal)
    case = await get_case(session, case_id, lock=True)
    require_open(case, action="重派")
    unit = await get_unit(session, unit_id, field="unitId")
    existing = await _assignments(session, case.id)
    if not any(
        a.role is AssignmentRole.LEAD and a.state is AssignmentState.RETURNED for a in existing
    ):
        raise DomainError(Code.INVALID_STATE, "此事项没有被退回的派单，无需重派", field="caseId")
    assignment = await _assign(session, principal, case, unit, AssignmentRole.LEAD, existing)
    await append_event(
        session,
        principal,
        case,
        CaseEvent.CASE_REDISPATCHED,
        dispatched_snapshot(case, assignment),
    )
    await notify_inbox(
        session,
        principal,
        case,
        unit.id,
        InboxEvent.DISPATCHED,
        assignment_id=assignment.id,
        role=AssignmentRole.LEAD.value,
        note=f"重派（第{case.bounce_count}次退单后）",
    )
    return assignment


async def escalate_case(
    session: AsyncSession,
    principal: Principal,
    *,
    case_id: int,
    direction: EscalationDirection,
    unit_id: int | None,
    reason: str | None,
) -> Case:
    """吹哨报到: the accountable unit hands the case UP to its parent unit or DOWN to a unit
    of its subtree (a new LEAD to sign; the current LEAD is withdrawn), or asks the
    COUNTY office to arbitrate (the case waits in its inbox, as after a return)."""
    case = await get_case(session, case_id, lock=True)
    await require_handler(session, principal, case)
    require_open(case, action="上报或下派")
    text = clean_text(
        reason, field="reason", code=Code.INVALID, label="理由", max_length=500, required=False
    )
    current = await get_unit(session, case.accountable_unit_id, field="caseId")
    existing = await _assignments(session, case.id)
    lead = active_lead(existing)
    from_unit = lead.unit_id if lead is not None else current.id
    source = await get_unit(session, from_unit, field="caseId")
    if direction is EscalationDirection.COUNTY:
        target_id = await _root_id(session)
        if lead is not None:
            lead.state = AssignmentState.WITHDRAWN
        case.state = CaseState.RECEIVED
        await session.flush()
        await append_event(
            session,
            principal,
            case,
            CaseEvent.CASE_ESCALATED,
            {
                "fromUnitId": source.id,
                "toUnitId": target_id,
                "direction": direction.value,
                "reason": text,
            },
        )
        await notify_inbox(session, principal, case, target_id, InboxEvent.ESCALATED, note=text)
        return case
    if direction is EscalationDirection.UP:
        if source.parent_id is None:
            raise DomainError(Code.INVALID, "本单位没有上级单位，请提请县级协调", field="direction")
        target = await get_unit(session, source.parent_id, field="direction")
    else:
        target = await get_unit(session, unit_id, field="unitId")
        if target.id == source.id or not target.path.startswith(source.path):
            raise DomainError(Code.UNKNOWN_UNIT, "只能下派给本单位下属的单位", field="unitId")
    if lead is not None:
        lead.state = AssignmentState.WITHDRAWN
        await session.flush()
        existing = [a for a in existing if a is not lead]
    assignment = await _assign(session, principal, case, target, AssignmentRole.LEAD, existing)
    if case.state is CaseState.IN_PROGRESS:
        case.state = CaseState.DISPATCHED
    await session.flush()
    await append_event(
        session,
        principal,
        case,
        CaseEvent.CASE_ESCALATED,
        {
            "fromUnitId": source.id,
            "toUnitId": target.id,
            "direction": direction.value,
            "reason": text,
        },
    )
    await notify_inbox(
        session,
        principal,
        case,
        target.id,
        InboxEvent.ESCALATED,
        assignment_id=assignment.id,
        role=AssignmentRole.LEAD.value,
        note=text,
    )
    return case


async def supervise_case(
    session: AsyncSession, principal: Principal, *, case_id: int, body: str
) -> CaseReply:
    """督办: the county office presses the accountable unit on an overdue case."""
    require_county_office(principal)
    case = await get_case(session, case_id, lock=True)
    require_open(case, action="督办")
    text = clean_text(body, field="body", code=Code.INVALID, label="督办意见", max_length=2000)
    if case.due_on is None or case.due_on >= local_day(now()):
        raise DomainError(Code.INVALID_STATE, "此事项未超期，无需督办", field="caseId")
    reply = CaseReply(
        tenant_id=case.tenant_id,
        case_id=case.id,
        kind=ReplyKind.SUPERVISION,
        unit_id=None,
        author_user_id=principal.user_id,
        body=text,
        created_at=now(),
    )
    session.add(reply)
    await session.flush()
    await append_event(
        session,
        principal,
        case,
        CaseEvent.CASE_SUPERVISED,
        {
            "replyId": reply.id,
            "kind": reply.kind.value,
            "unitId": None,
            "body": text,
            "state": case.state.value,
        },
    )
    await notify_inbox(
        session, principal, case, case.accountable_unit_id, InboxEvent.SUPERVISED, note=text
    )
    return reply


async def follow_up_case(
    session: AsyncSession, principal: Principal, *, case_id: int, result: str, body: str
) -> CaseReply:
    """回访: staff record a follow-up visit or call and its result, after the answer."""
    case = await get_case(session, case_id, lock=True)
    await require_handler(session, principal, case)
    if case.state not in (CaseState.ANSWERED, CaseState.CLOSED):
        raise DomainError(Code.INVALID_STATE, "答复后才能回访", field="caseId")
    outcome = clean_text(result, field="result", code=Code.INVALID, label="回访结果", max_length=50)
    text = clean_text(body, field="body", code=Code.INVALID, label="回访情况", max_length=2000)
    reply = CaseReply(
        tenant_id=case.tenant_id,
        case_id=case.id,
        kind=ReplyKind.FOLLOW_UP,
        unit_id=case.accountable_unit_id,
        author_user_id=principal.user_id,
        body=text,
        follow_up_result=outcome,
        created_at=now(),
    )
    session.add(reply)
    await session.flush()
    await append_event(
        session,
        principal,
        case,
        CaseEvent.CASE_FOLLOWED_UP,
        {"replyId": reply.id, "result": outcome, "body": text},
    )
    return reply


__all__ = [
    "EscalationDirection",
    "dispatch_case",
    "escalate_case",
    "follow_up_case",
    "handles",
    "redispatch_case",
    "return_assignment",
    "sign_assignment",
    "supervise_case",
]
