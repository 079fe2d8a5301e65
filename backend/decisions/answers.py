"""Every opinion answered one by one (逐条答复) by the lead unit: adopted (采纳), partly
adopted (部分采纳) or not adopted (不予采纳); partly and not adopted need the reason
(`REASON_REQUIRED`). The answer is an event of the decision's stream and, for an opinion
from a person of the county, an item of their answers stream (`opinionanswers:<id>`,
their inbox); `my_opinions` lists their opinions with the answers."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.core.errors import DomainError
from backend.core.security import Principal
from backend.core.validation import clean_text
from backend.decisions.access import get_decision, require_not_decided, require_runner
from backend.decisions.errors import DecisionErrorCode as Code
from backend.decisions.events import AnswerEvent, AnswerToPerson, DecisionEvent, OpinionAnswered
from backend.decisions.models import Decision, Opinion, OpinionOutcome
from backend.decisions.stream import append_event, now, tell_person

OUTCOME_LABELS = {
    OpinionOutcome.ADOPTED: "采纳",
    OpinionOutcome.PARTLY_ADOPTED: "部分采纳",
    OpinionOutcome.NOT_ADOPTED: "不予采纳",
}


async def answer_opinion(
    session: AsyncSession,
    principal: Principal,
    *,
    opinion_id: int,
    outcome: OpinionOutcome,
    reason: str | None,
) -> Opinion:
    opinion = await session.scalar(
        select(Opinion).where(Opinion.id == opinion_id).with_for_update()
    )
    if opinion is None:
        raise DomainError(Code.NOT_FOUND, "意见不存在", field="opinionId")
    decision = await get_decision(session, opinion.decision_id, lock=True)
    await require_runner(session, principal, decision)
    require_not_decided(decision)
    if opinion.outcome is not None:
        raise DomainError(Code.ALREADY_ANSWERED, "该意见已答复", field="opinionId")
    text = clean_text(
        reason, field="reason", code=Code.INVALID, label="理由", max_length=5000, required=False
    )
    if text is None and outcome is not OpinionOutcome.ADOPTED:
        raise DomainError(
            Code.REASON_REQUIRED,
            f"{OUTCOME_LABELS[outcome]}的意见须说明理由（对公众意见逐条答复并说明采纳情况及理由）",
            field="reason",
        )
    opinion.outcome = outcome
    opinion.answer = text
    opinion.answered_at = now()
    opinion.answered_by = principal.user_id
    await session.flush()
    await append_event(
        session,
        principal,
        decision,
        DecisionEvent.OPINION_ANSWERED,
        OpinionAnswered(
            opinionId=opinion.id,
            outcome=outcome.value,
            reason=text,
            authorId=opinion.author_user_id,
        ),
    )
    if opinion.author_user_id is not None:
        await tell_person(
            session,
            principal,
            tenant_id=decision.tenant_id,
            user_id=opinion.author_user_id,
            type=AnswerEvent.OPINION_ANSWERED,
            payload=AnswerToPerson(
                decisionId=decision.id,
                title=decision.title,
                opinionId=opinion.id,
                outcome=outcome.value,
                reason=text,
            ),
        )
    return opinion


async def my_opinions(
    session: AsyncSession, principal: Principal, *, limit: int, after: int | None
) -> list[tuple[Opinion, Decision]]:
    """The caller's own opinions, newest first, with their decisions."""
    user_id = principal.require_user()
    query = (
        select(Opinion, Decision)
        .join(Decision, Decision.id == Opinion.decision_id)
        .where(Opinion.author_user_id == user_id)
        .order_by(Opinion.id.desc())
        .limit(limit)
    )
    if after is not None:
        query = query.where(Opinion.id < after)
    return [(o, d) for o, d in (await session.execute(query)).all()]
