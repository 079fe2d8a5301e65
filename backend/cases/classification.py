"""Classification (分类定性) by staff: kind (咨询/建议/诉求), matter class (个人事项/公益
事项/行政管理事项) and handling class (即可办/限期办/研究办), which sets the deadline in
working days from the county rulebook (`case.immediate`, `case.time_limited`,
`case.research`), counted from the day the case was received; a 诉求 also owes an
initial reply within `case.initial_reply`. A personal matter (个人事项) is private
(点对点): it is never published. Out-of-scope flags (涉诉/信访/涉密/恶意) end a case with
the reason told to the person.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.cases.access import get_case, require_handler, require_open
from backend.cases.deadlines import due_date
from backend.cases.errors import CaseErrorCode as Code
from backend.cases.events import CaseEvent
from backend.cases.models import Case, CaseKind, CaseState, HandlingClass, MatterClass, OutOfScope
from backend.cases.stream import append_event, local_day, now
from backend.core import rules
from backend.core.errors import DomainError
from backend.core.security import Principal
from backend.core.validation import clean_text
from tenants.models import Tenant

#: The rule of each handling class's deadline (working days).
HANDLING_RULES: dict[HandlingClass, str] = {
    HandlingClass.IMMEDIATE: "case.immediate",
    HandlingClass.TIME_LIMITED: "case.time_limited",
    HandlingClass.RESEARCH: "case.research",
}


async def county_rule(session: AsyncSession, tenant_id: int, key: str, *, field: str) -> int:
    """The county's value of rule `key` in working days; a county whose rule is broken or
    not in working days gets DEADLINE_NOT_CONFIGURED naming `field`."""
    settings = await session.scalar(select(Tenant.settings).where(Tenant.id == tenant_id))
    try:
        rule = rules.effective_rule(settings or {}, key)
    except (KeyError, ValueError) as exc:
        raise DomainError(
            Code.DEADLINE_NOT_CONFIGURED, f"本县未正确配置“{key}”办理时限：{exc}", field=field
        ) from exc
    if rule.unit is not rules.RuleUnit.WORKING_DAYS:
        raise DomainError(Code.DEADLINE_NOT_CONFIGURED, f"“{rule.title}”应以工作日计", field=field)
    return rule.value


async def deadline_for(
    session: AsyncSession, case: Case, handling: HandlingClass | None
) -> tuple[Any, bool]:
    if handling is None:
        return None, False
    key = HANDLING_RULES.get(handling)
    if key is None:  # pragma: no cover - every class has its rule
        raise DomainError(
            Code.DEADLINE_NOT_CONFIGURED, "该办理类别未配置时限", field="handlingClass"
        )
    days = await county_rule(session, case.tenant_id, key, field="handlingClass")
    return await due_date(session, case.tenant_id, local_day(case.received_at), days)


def classified_snapshot(case: Case) -> dict[str, Any]:
    return {
        "kind": case.kind.value,
        "matterClass": case.matter_class.value if case.matter_class else None,
        "handlingClass": case.handling_class.value if case.handling_class else None,
        "isPrivate": case.is_private,
        "dueOn": case.due_on.isoformat() if case.due_on else None,
        "dueProvisional": case.due_provisional,
    }


async def classify_case(
    session: AsyncSession,
    principal: Principal,
    *,
    case_id: int,
    kind: CaseKind,
    matter_class: MatterClass,
    handling_class: HandlingClass,
    is_private: bool | None = None,
) -> Case:
    """Confirm or change the classes; the deadline follows the handling class."""
    case = await get_case(session, case_id, lock=True)
    await require_handler(session, principal, case)
    require_open(case, action="分类定性")
    due_on, provisional = await deadline_for(session, case, handling_class)
    previous = (case.due_on, case.due_provisional)
    case.kind, case.matter_class, case.handling_class = kind, matter_class, handling_class
    if is_private is not None:
        case.is_private = is_private
    if matter_class is MatterClass.PERSONAL:
        case.is_private = True  # 个人事项: 点对点 answer, never published
    case.due_on, case.due_provisional = due_on, provisional
    await session.flush()
    await append_event(
        session, principal, case, CaseEvent.CASE_CLASSIFIED, classified_snapshot(case)
    )
    if previous[0] is not None and previous != (due_on, provisional):
        await deadline_changed(session, principal, case)
    return case


async def deadline_changed(session: AsyncSession, principal: Principal | None, case: Case) -> None:
    """`case.deadlineChanged`: a reclassification (or, later, the county calendar) moved it."""
    await append_event(
        session,
        principal,
        case,
        CaseEvent.CASE_DEADLINE_CHANGED,
        {
            "dueOn": case.due_on.isoformat() if case.due_on else None,
            "dueProvisional": case.due_provisional,
        },
    )


async def mark_out_of_scope(
    session: AsyncSession, principal: Principal, *, case_id: int, flag: OutOfScope, reason: str
) -> Case:
    """不予受理: the case ends here, with the reason (and where it belongs) for the person."""
    case = await get_case(session, case_id, lock=True)
    await require_handler(session, principal, case)
    require_open(case, action="标记为不予受理")
    text = clean_text(reason, field="reason", code=Code.INVALID, label="理由", max_length=500)
    case.out_of_scope, case.out_of_scope_reason = flag, text
    case.state, case.closed_at = CaseState.OUT_OF_SCOPE, now()
    await session.flush()
    await append_event(
        session,
        principal,
        case,
        CaseEvent.CASE_OUT_OF_SCOPE,
        {"flag": flag.value, "reason": text, "state": case.state.value},
    )
    return case
