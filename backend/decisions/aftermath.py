"""After the decision (决策后, DESIGN §4 and seed 000 三（五）): publication, 政策解读 by the
drafting unit, the 群众评议表 and the 后评估 it may open. Events go to the decision's review
stream `decisionreview:<id>` (the decision's own record may already be sealed).

- `publish_decision`: a DECIDED decision is published (公布) on a day (today or a day
  already past: a publication being recorded) with its document number (文号). The
  interpretation (政策解读) is due `policy.interpretation_deadline` working days after it
  (20 in seed 000 三（五）2: "起草部门应当自政策性文件印发之日起20个工作日内进行政策解读"),
  counted on the county's calendar; a due date counted over a year without a published
  official table is provisional and is recounted when the table is published
  (`recompute_provisional`, a calendar hook).
- `submit_interpretation`: by the lead unit ("谁起草、谁解读"); one late is marked `late`.
  `overdue_interpretations` lists the published decisions whose interpretation is due
  and missing.
- `evaluate_decision`: any member of the county fills in the 群众评议表 once per decision
  (实施效果, 满意度, 可操作性, 合理性 on a three-point scale; 不足, 风险, 改进建议 in words).
  When at least `decision.post_evaluation_min_evaluations` forms are in and the share
  rated 不满意 reaches `decision.post_evaluation_dissatisfaction` percent, a 后评估 opens at
  once (`postEvaluation.opened`), a task of the lead unit (`post_evaluations`).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.calendar import load_calendar, on_calendar_changed
from backend.core import rules
from backend.core.errors import DomainError
from backend.core.security import Principal
from backend.core.validation import clean_text
from backend.decisions.access import get_decision, is_county_office, require_runner, runs
from backend.decisions.drafts import county_rule
from backend.decisions.errors import DecisionErrorCode as Code
from backend.decisions.events import (
    DecisionPublished,
    EvaluationSubmitted,
    InterpretationDueChanged,
    InterpretationSubmitted,
    PostEvaluationOpened,
    ReviewEvent,
)
from backend.decisions.models import (
    Decision,
    DecisionState,
    Evaluation,
    Interpretation,
    PostEvaluation,
    Rating,
)
from backend.decisions.stream import CHINA, append_review, now, today

MAX_TEXT = 5000


async def publish_decision(
    session: AsyncSession,
    principal: Principal,
    *,
    decision_id: int,
    published_on: date | None = None,
    document_number: str | None = None,
) -> Decision:
    decision = await get_decision(session, decision_id, lock=True)
    await require_runner(session, principal, decision)
    if decision.state is not DecisionState.DECIDED:
        raise DomainError(Code.INVALID_STATE, "集体讨论决定后才能公布", field="decisionId")
    if decision.published_on is not None:
        raise DomainError(Code.INVALID_STATE, "决策已公布", field="decisionId")
    day = published_on or today()
    if day > today():
        raise DomainError(Code.INVALID, "公布日期不能晚于今天", field="publishedOn")
    if decision.decided_at is not None and day < decision.decided_at.astimezone(CHINA).date():
        raise DomainError(Code.INVALID, "公布日期不能早于集体讨论决定之日", field="publishedOn")
    number = clean_text(
        document_number,
        field="documentNumber",
        code=Code.INVALID,
        label="文号",
        max_length=100,
        required=False,
    )
    rule = await county_rule(session, decision.tenant_id, "policy.interpretation_deadline")
    due, provisional = await _due(session, decision.tenant_id, day, rule)
    decision.published_on = day
    decision.document_number = number
    decision.interpretation_due_on = due
    decision.interpretation_due_provisional = provisional
    await session.flush()
    await append_review(
        session,
        principal,
        decision,
        ReviewEvent.DECISION_PUBLISHED,
        DecisionPublished(
            publishedOn=day.isoformat(),
            documentNumber=number,
            interpretationDueOn=due.isoformat(),
            interpretationDueProvisional=provisional,
        ),
    )
    return decision


async def _due(
    session: AsyncSession, tenant_id: int, start: date, rule: rules.RuleValue
) -> tuple[date, bool]:
    if rule.unit is rules.RuleUnit.WORKING_DAYS:
        deadline = (await load_calendar(session, tenant_id)).add_working_days(start, rule.value)
        return deadline.due, deadline.provisional
    from datetime import timedelta

    return start + timedelta(days=rule.value), False


async def submit_interpretation(
    session: AsyncSession,
    principal: Principal,
    *,
    decision_id: int,
    title: str,
    body: str,
) -> Interpretation:
    """The drafting unit's 政策解读 of a published decision."""
    decision = await get_decision(session, decision_id, lock=True)
    await require_runner(session, principal, decision)
    if decision.published_on is None:
        raise DomainError(Code.INVALID_STATE, "决策公布后才能进行政策解读", field="decisionId")
    name = clean_text(title, field="title", code=Code.INVALID, label="解读标题", max_length=200)
    text = clean_text(body, field="body", code=Code.INVALID, label="解读内容", max_length=50_000)
    late = decision.interpretation_due_on is not None and today() > decision.interpretation_due_on
    interpretation = Interpretation(
        tenant_id=decision.tenant_id,
        decision_id=decision.id,
        unit_id=decision.lead_unit_id,
        title=name,
        body=text,
        late=late,
        submitted_by=principal.user_id,
    )
    session.add(interpretation)
    if decision.interpreted_at is None:
        decision.interpreted_at = now()
    await session.flush()
    await append_review(
        session,
        principal,
        decision,
        ReviewEvent.INTERPRETATION_SUBMITTED,
        InterpretationSubmitted(
            interpretationId=interpretation.id,
            unitId=interpretation.unit_id,
            title=name,
            late=late,
        ),
    )
    return interpretation


async def overdue_interpretations(session: AsyncSession, principal: Principal) -> list[Decision]:
    """Published decisions whose 政策解读 is past due and missing, that the caller runs
    (the county office sees all), soonest due first."""
    principal.require_user()
    rows = (
        await session.scalars(
            select(Decision)
            .where(
                Decision.published_on.is_not(None),
                Decision.interpreted_at.is_(None),
                Decision.interpretation_due_on < today(),
            )
            .order_by(Decision.interpretation_due_on, Decision.id)
        )
    ).all()
    if is_county_office(principal):
        return list(rows)
    return [d for d in rows if await runs(session, principal, d)]


def _rating(value: Rating, field: str) -> Rating:
    if not isinstance(value, Rating):  # pragma: no cover - the schema gives enum members
        raise DomainError(Code.INVALID, "评议等级无效", field=field)
    return value


async def evaluate_decision(
    session: AsyncSession,
    principal: Principal,
    *,
    decision_id: int,
    effect: Rating,
    satisfaction: Rating,
    operability: Rating,
    reasonableness: Rating,
    shortcomings: str | None = None,
    risks: str | None = None,
    suggestions: str | None = None,
) -> Evaluation:
    """One person's 群众评议表; may open the 后评估 (see the module docstring)."""
    user_id = principal.require_user()
    decision = await get_decision(session, decision_id, lock=True)
    if decision.published_on is None:
        raise DomainError(Code.INVALID_STATE, "决策公布实施后才能评议", field="decisionId")
    texts = {
        name: clean_text(
            value, field=name, code=Code.INVALID, label=label, max_length=MAX_TEXT, required=False
        )
        for name, label, value in (
            ("shortcomings", "存在的不足", shortcomings),
            ("risks", "存在的风险", risks),
            ("suggestions", "改进建议", suggestions),
        )
    }
    already = await session.scalar(
        select(Evaluation.id).where(
            Evaluation.decision_id == decision.id, Evaluation.author_user_id == user_id
        )
    )
    if already is not None:
        raise DomainError(
            Code.ALREADY_EVALUATED, "您已填写过该决策的群众评议表", field="decisionId"
        )
    evaluation = Evaluation(
        tenant_id=decision.tenant_id,
        decision_id=decision.id,
        author_user_id=user_id,
        effect=_rating(effect, "effect"),
        satisfaction=_rating(satisfaction, "satisfaction"),
        operability=_rating(operability, "operability"),
        reasonableness=_rating(reasonableness, "reasonableness"),
        **texts,
    )
    session.add(evaluation)
    await session.flush()
    total, dissatisfied = await evaluation_counts(session, decision.id)
    await append_review(
        session,
        principal,
        decision,
        ReviewEvent.EVALUATION_SUBMITTED,
        EvaluationSubmitted(
            evaluationId=evaluation.id,
            authorId=user_id,
            effect=evaluation.effect.value,
            satisfaction=evaluation.satisfaction.value,
            operability=evaluation.operability.value,
            reasonableness=evaluation.reasonableness.value,
            evaluations=total,
            dissatisfied=dissatisfied,
        ),
    )
    await _maybe_open_post_evaluation(session, principal, decision, total, dissatisfied)
    return evaluation


async def evaluation_counts(session: AsyncSession, decision_id: int) -> tuple[int, int]:
    """(forms, forms rated 不满意) of a decision."""
    row = (
        await session.execute(
            select(
                func.count(),
                func.count().filter(Evaluation.satisfaction == Rating.POOR),
            ).where(Evaluation.decision_id == decision_id)
        )
    ).one()
    return int(row[0]), int(row[1])


async def _maybe_open_post_evaluation(
    session: AsyncSession,
    principal: Principal,
    decision: Decision,
    total: int,
    dissatisfied: int,
) -> None:
    minimum = await county_rule(
        session, decision.tenant_id, "decision.post_evaluation_min_evaluations"
    )
    share = await county_rule(
        session, decision.tenant_id, "decision.post_evaluation_dissatisfaction"
    )
    if total < minimum.value or dissatisfied * 100 < share.value * total:
        return
    opened = await session.scalar(
        select(PostEvaluation.id).where(PostEvaluation.decision_id == decision.id)
    )
    if opened is not None:
        return
    percent = dissatisfied * 100 // total
    cited = f"{rules.cite(share)}；{rules.cite(minimum)}"
    reason = (
        f"群众评议表{total}份，其中不满意{dissatisfied}份（{percent}%），"
        f"达到启动实施后评估的比例（{cited}）"
    )
    post = PostEvaluation(
        tenant_id=decision.tenant_id,
        decision_id=decision.id,
        unit_id=decision.lead_unit_id,
        reason=reason,
        evaluations=total,
        dissatisfied=dissatisfied,
    )
    session.add(post)
    await session.flush()
    await append_review(
        session,
        principal,
        decision,
        ReviewEvent.POST_EVALUATION_OPENED,
        PostEvaluationOpened(
            postEvaluationId=post.id,
            unitId=post.unit_id,
            reason=reason,
            evaluations=total,
            dissatisfied=dissatisfied,
            rule=cited,
        ),
    )


async def post_evaluations(session: AsyncSession, principal: Principal) -> list[PostEvaluation]:
    """The 后评估 tasks of the units the caller works for (the county office: all)."""
    principal.require_user()
    rows = (await session.scalars(select(PostEvaluation).order_by(PostEvaluation.id.desc()))).all()
    if is_county_office(principal):
        return list(rows)
    out = []
    for p in rows:
        decision = await session.get(Decision, p.decision_id)
        if decision is not None and await runs(session, principal, decision):
            out.append(p)
    return out


async def recompute_provisional(session: AsyncSession, years: frozenset[int]) -> None:
    """Recount every provisional 政策解读 due date not yet met (the calendar hook)."""
    if not years:
        return
    # Days after a due date are never counted for it: one before the first changed year
    # cannot move, so only the others are read and locked.
    first_changed = date(min(years), 1, 1)
    decisions = (
        await session.scalars(
            select(Decision)
            .where(
                Decision.interpretation_due_provisional.is_(True),
                Decision.interpreted_at.is_(None),
                Decision.published_on.is_not(None),
                Decision.interpretation_due_on >= first_changed,
            )
            .order_by(Decision.tenant_id, Decision.id)
            .with_for_update()
        )
    ).all()
    for decision in decisions:
        assert decision.published_on is not None
        rule = await county_rule(session, decision.tenant_id, "policy.interpretation_deadline")
        due, provisional = await _due(session, decision.tenant_id, decision.published_on, rule)
        if (due, provisional) == (
            decision.interpretation_due_on,
            decision.interpretation_due_provisional,
        ):
            continue
        decision.interpretation_due_on, decision.interpretation_due_provisional = due, provisional
        await append_review(
            session,
            None,
            decision,
            ReviewEvent.INTERPRETATION_DUE_CHANGED,
            InterpretationDueChanged(
                interpretationDueOn=due.isoformat(), interpretationDueProvisional=provisional
            ),
        )
    await session.flush()


on_calendar_changed(recompute_provisional)
