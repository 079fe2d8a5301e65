"""The closed loop (闭环): replies, the result, the submitter's rating, reopening, closing,
and deadline reminders.

- An initial reply (初步答复, owed to a 诉求 within `case.initial_reply` working days) and
  internal notes (内部备注) by the handling units; the result (办理结果) answers the case
  (→ ANSWERED) and completes the LEAD assignment.
- Only the submitter rates, only an ANSWERED case: 满意 / 基本满意 close it; 不满意 (with a
  reason) reopens it once (→ IN_PROGRESS, the accountable unit's inbox told); a second
  不满意 closes it, flagged `closed_dissatisfied`.
- The county office closes an answered case nobody can rate (anonymous, or entered by a
  collector for someone without an account).
- Reminders: `sweep_reminders` tells each accountable unit once when a case falls due soon
  (`case.due_soon` working days before) and once when it is overdue (`case.reminded`).

Replies and state changes of a primary case are mirrored to the cases merged into it
(`merging`): the answer reaches every submitter.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.cases.access import (
    get_case,
    require_county_office,
    require_handler,
    require_open,
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
    CaseKind,
    CaseReply,
    CaseState,
    ReplyKind,
    Satisfaction,
)
from backend.cases.stream import append_event, local_day, notify_inbox, now
from backend.core.errors import DomainError
from backend.core.security import Principal
from backend.core.validation import clean_text
from realtime.event_types import Logged

REPLY_KINDS = (ReplyKind.INITIAL, ReplyKind.RESULT, ReplyKind.NOTE)


async def merged_into(session: AsyncSession, case: Case) -> list[Case]:
    """The cases merged into `case` (they mirror its answer and state)."""
    return list(
        (
            await session.scalars(
                select(Case).where(Case.merged_into_id == case.id).order_by(Case.id)
            )
        ).all()
    )


async def _mirror(
    session: AsyncSession,
    principal: Principal | None,
    case: Case,
    type: Logged[Any],
    payload: dict[str, Any],
) -> None:
    await append_event(session, principal, case, type, payload)
    for merged in await merged_into(session, case):
        await append_event(session, principal, merged, type, payload)


def reply_snapshot(case: Case, reply: CaseReply) -> dict[str, Any]:
    return {
        "replyId": reply.id,
        "kind": reply.kind.value,
        "unitId": reply.unit_id,
        "body": reply.body,
        "state": case.state.value,
    }


async def reply_case(
    session: AsyncSession,
    principal: Principal,
    *,
    case_id: int,
    kind: ReplyKind,
    body: str,
    adopted: bool | None = None,
) -> CaseReply:
    """An initial reply, an internal note, or the result (→ ANSWERED)."""
    if kind not in REPLY_KINDS:
        raise DomainError(Code.INVALID, "回访与督办请使用专门的操作", field="kind")
    case = await get_case(session, case_id, lock=True)
    await require_handler(session, principal, case)
    require_open(case, action="答复")
    text = clean_text(body, field="body", code=Code.INVALID, label="答复内容", max_length=5000)
    if kind is ReplyKind.RESULT and case.state is CaseState.DISPATCHED:
        raise DomainError(
            Code.INVALID_STATE, "派单尚未签收：由签收的主办单位答复办理结果", field="caseId"
        )
    if adopted is not None and case.kind is not CaseKind.SUGGESTION:
        raise DomainError(Code.INVALID, "只有建议类事项可标记是否采纳", field="adopted")
    at = now()
    reply = CaseReply(
        tenant_id=case.tenant_id,
        case_id=case.id,
        kind=kind,
        unit_id=case.accountable_unit_id,
        author_user_id=principal.user_id,
        body=text,
        created_at=at,
    )
    session.add(reply)
    if kind is not ReplyKind.NOTE and case.first_reply_at is None:
        case.first_reply_at = at
    if kind is ReplyKind.RESULT:
        case.state = CaseState.ANSWERED
        if adopted is not None:
            case.adopted = adopted
        for assignment in (
            await session.scalars(
                select(CaseAssignment).where(
                    CaseAssignment.case_id == case.id,
                    CaseAssignment.state == AssignmentState.SIGNED,
                    CaseAssignment.role != AssignmentRole.FOR_REFERENCE,
                )
            )
        ).all():
            assignment.state, assignment.done_at = AssignmentState.DONE, at
    await session.flush()
    snapshot = reply_snapshot(case, reply)
    if kind is ReplyKind.NOTE:
        await append_event(session, principal, case, CaseEvent.CASE_REPLIED, snapshot)
    elif kind is ReplyKind.RESULT:
        await _mirror(session, principal, case, CaseEvent.CASE_ANSWERED, snapshot)
    else:
        await _mirror(session, principal, case, CaseEvent.CASE_REPLIED, snapshot)
    return reply


async def rate_case(
    session: AsyncSession,
    principal: Principal,
    *,
    case_id: int,
    satisfaction: Satisfaction,
    text: str | None,
) -> Case:
    """The submitter's 满意度评价 of the answer."""
    user_id = principal.require_user()
    case = await get_case(session, case_id, lock=True)
    if case.submitter_user_id != user_id:
        raise DomainError(Code.NOT_SUBMITTER, "只有提出人可以评价此事项", field="caseId")
    if case.state is not CaseState.ANSWERED:
        raise DomainError(Code.NOT_ANSWERED, "事项答复后才能评价", field="caseId")
    words = clean_text(
        text,
        field="text",
        code=Code.INVALID,
        label="评价内容",
        max_length=1000,
        required=satisfaction is Satisfaction.DISSATISFIED,
    )
    at = now()
    case.satisfaction, case.rating_text, case.rated_at = satisfaction, words, at
    reopen = satisfaction is Satisfaction.DISSATISFIED and case.reopen_count == 0
    if reopen:
        case.reopen_count += 1
        case.state = CaseState.IN_PROGRESS
        for assignment in (
            await session.scalars(
                select(CaseAssignment).where(
                    CaseAssignment.case_id == case.id,
                    CaseAssignment.state == AssignmentState.DONE,
                    CaseAssignment.role == AssignmentRole.LEAD,
                )
            )
        ).all():
            assignment.state, assignment.done_at = AssignmentState.SIGNED, None
    else:
        case.state, case.closed_at = CaseState.CLOSED, at
        case.closed_dissatisfied = satisfaction is Satisfaction.DISSATISFIED
    await session.flush()
    await append_event(
        session,
        principal,
        case,
        CaseEvent.CASE_RATED,
        {"satisfaction": satisfaction.value, "text": words, "state": case.state.value},
    )
    if reopen:
        assert words is not None
        await append_event(
            session,
            principal,
            case,
            CaseEvent.CASE_REOPENED,
            {"reason": words, "reopenCount": case.reopen_count, "state": case.state.value},
        )
        await notify_inbox(
            session, principal, case, case.accountable_unit_id, InboxEvent.REOPENED, note=words
        )
    else:
        await _closed(session, principal, case)
    return case


async def _closed(session: AsyncSession, principal: Principal | None, case: Case) -> None:
    await _mirror(
        session,
        principal,
        case,
        CaseEvent.CASE_CLOSED,
        {"state": case.state.value, "closedDissatisfied": case.closed_dissatisfied},
    )


async def close_case(session: AsyncSession, principal: Principal, *, case_id: int) -> Case:
    """The county office closes an answered case that has no submitter account to rate it."""
    require_county_office(principal)
    case = await get_case(session, case_id, lock=True)
    if case.state is not CaseState.ANSWERED:
        raise DomainError(Code.NOT_ANSWERED, "只有已答复的事项可以办结", field="caseId")
    if case.submitter_user_id is not None:
        raise DomainError(Code.INVALID_STATE, "请由提出人评价后办结", field="caseId")
    case.state, case.closed_at = CaseState.CLOSED, now()
    await session.flush()
    await _closed(session, principal, case)
    return case


SOON, OVERDUE = 1, 2
OPEN_FOR_REMINDERS = (CaseState.RECEIVED, CaseState.DISPATCHED, CaseState.IN_PROGRESS)


async def sweep_reminders(session: AsyncSession, *, tenant_id: int, today: date) -> int:
    """Remind the accountable unit of each open case falling due soon or overdue, once per
    level (`reminded_level`); run in the county's transaction by the app's periodic sweep
    (or a test). Returns the reminders sent."""
    days = await county_rule(session, tenant_id, "case.due_soon", field="dueOn")
    horizon, _ = await due_date(session, tenant_id, today, days)
    cases = (
        await session.scalars(
            select(Case)
            .where(
                Case.state.in_(OPEN_FOR_REMINDERS),
                Case.due_on.is_not(None),
                Case.due_on <= horizon,
                Case.reminded_level < OVERDUE,
            )
            .order_by(Case.id)
            .with_for_update(skip_locked=True)
        )
    ).all()
    sent = 0
    for case in cases:
        assert case.due_on is not None
        level = OVERDUE if case.due_on < today else SOON
        if level <= case.reminded_level:
            continue
        case.reminded_level = level
        name = "OVERDUE" if level == OVERDUE else "SOON_DUE"
        await session.flush()
        await append_event(
            session,
            None,
            case,
            CaseEvent.CASE_REMINDED,
            {"level": name, "unitId": case.accountable_unit_id, "dueOn": case.due_on.isoformat()},
        )
        await notify_inbox(
            session,
            None,
            case,
            case.accountable_unit_id,
            InboxEvent.OVERDUE if level == OVERDUE else InboxEvent.DUE_SOON,
        )
        sent += 1
    return sent


def today() -> date:
    return local_day(now())
