"""三评 (seed 003, "三评"机制: 群众评议+专家评审+第三方评估): evaluations of a handled matter —
a closed case — by the public, experts and a third party, kept side by side."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.cases import access as case_access
from backend.cases import visibility as case_visibility
from backend.cases.models import Case, CaseState
from backend.core.errors import DomainError, PermissionDenied
from backend.core.security import Principal, Role
from backend.core.validation import clean_text
from backend.oversight import access
from backend.oversight.errors import OversightErrorCode as Code
from backend.oversight.events import CaseEvaluated, OversightEvent
from backend.oversight.models import CaseEvaluation, EvaluationKind, Grade
from backend.oversight.stream import append_event

KIND_LABELS = {
    EvaluationKind.PUBLIC: "群众评议",
    EvaluationKind.EXPERT: "专家评审",
    EvaluationKind.THIRD_PARTY: "第三方评估",
}


async def _visible_case(
    session: AsyncSession, principal: Principal, case_id: int, *, lock: bool = False
) -> Case:
    """The case, if the caller may see it (the county office and experts see every case
    for 三评; anyone else as the cases domain decides); else NOT_FOUND."""
    case = await case_access.get_case(session, case_id, lock=lock)
    if access.is_county_office(principal) or principal.has(Role.EXPERT):
        return case
    views = await case_visibility.views_of(session, principal, [case.id])
    if case.id not in views:
        raise DomainError(Code.NOT_FOUND, "事项不存在", field="caseId")
    return case


async def evaluate_case(
    session: AsyncSession,
    principal: Principal,
    *,
    case_id: int,
    kind: EvaluationKind,
    grade: Grade,
    text: str,
    score: int | None = None,
    evaluator: str | None = None,
) -> CaseEvaluation:
    """One evaluation of a closed case: 群众评议 by any member who may see it (once per
    person and case), 专家评审 by an expert or the county office, 第三方评估 by the county
    office (entering the agency's report; `evaluator` names the agency)."""
    principal.require_user()
    if kind is EvaluationKind.EXPERT and not (
        access.is_county_office(principal) or principal.has(Role.EXPERT)
    ):
        raise PermissionDenied("无权执行此操作：专家评审需要专家或县级管理员")
    if kind is EvaluationKind.THIRD_PARTY and not access.is_county_office(principal):
        raise PermissionDenied("无权执行此操作：第三方评估由县级管理员录入")
    case = await _visible_case(session, principal, case_id, lock=True)
    if case.state is not CaseState.CLOSED:
        raise DomainError(
            Code.CASE_NOT_CLOSED,
            f"事项尚未办结（{case_access.STATE_LABELS[case.state]}），不能{KIND_LABELS[kind]}",
            field="caseId",
        )
    if score is not None and not 0 <= score <= 100:
        raise DomainError(Code.INVALID, "分数须在0到100之间", field="score")
    if kind is EvaluationKind.PUBLIC and await session.scalar(
        select(CaseEvaluation.id).where(
            CaseEvaluation.case_id == case.id,
            CaseEvaluation.kind == EvaluationKind.PUBLIC,
            CaseEvaluation.author_user_id == principal.user_id,
        )
    ):
        raise DomainError(Code.ALREADY_EVALUATED, "您已对该事项作过群众评议", field="caseId")
    name = clean_text(
        evaluator,
        field="evaluator",
        code=Code.INVALID,
        label="评价机构或专家",
        max_length=100,
        required=kind is EvaluationKind.THIRD_PARTY,
    )
    evaluation = CaseEvaluation(
        tenant_id=case.tenant_id,
        case_id=case.id,
        kind=kind,
        grade=grade,
        score=score,
        text=clean_text(text, field="text", code=Code.INVALID, label="评价意见", max_length=2000),
        evaluator=name,
        author_user_id=principal.user_id,
    )
    session.add(evaluation)
    await session.flush()
    await append_event(
        session,
        principal,
        OversightEvent.CASE_EVALUATED,
        CaseEvaluated(
            id=evaluation.id, caseId=case.id, kind=kind.value, grade=grade.value, score=score
        ),
    )
    return evaluation


async def evaluations_of(
    session: AsyncSession, principal: Principal, *, case_id: int
) -> tuple[Case, list[CaseEvaluation]]:
    """A case's evaluations, oldest first, for whoever may see the case."""
    principal.require_tenant()
    case = await _visible_case(session, principal, case_id)
    rows = (
        await session.scalars(
            select(CaseEvaluation)
            .where(CaseEvaluation.case_id == case.id)
            .order_by(CaseEvaluation.id)
        )
    ).all()
    return case, list(rows)
