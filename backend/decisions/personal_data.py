"""What the decisions domain holds about a person (PIPL 第四十五条): the opinions (意见)
they gave on major decisions, with the answers, and their answers to 民意调查
questionnaires. Erasing the account blanks the name that a written opinion may carry
(`author_label`); what was said stays in the decision's record (the consultation record of
a public matter), no longer named. A survey answer is unlinked from the person (its
respondent and the client's key are cleared): it still counts in the results, as an
anonymous answer would, and nothing leads back to them. Events carry ids, never names,
and no event names a respondent, so no chain changes."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from backend.decisions.models import (
    Decision,
    Opinion,
    Survey,
    SurveyQuestion,
    SurveyResponse,
)
from backend.people.models import User
from backend.people.personal_data import PersonalDataSection, register_section


async def collect(session: AsyncSession, user: User) -> dict[str, Any]:
    rows = (
        await session.execute(
            select(Opinion, Decision.title)
            .join(Decision, Decision.id == Opinion.decision_id)
            .where(Opinion.author_user_id == user.id)
            .order_by(Opinion.id)
        )
    ).all()
    return {
        "opinions": [
            {
                "decision": title,
                "channel": o.channel.value,
                "body": o.body,
                "givenAt": o.created_at.isoformat() if o.created_at else None,
                "outcome": o.outcome.value if o.outcome else None,
                "answer": o.answer,
            }
            for o, title in rows
        ],
        "surveys": await _survey_answers(session, user),
    }


async def _survey_answers(session: AsyncSession, user: User) -> list[dict[str, Any]]:
    rows = (
        await session.execute(
            select(SurveyResponse, Survey.title, Decision.title)
            .join(Survey, Survey.id == SurveyResponse.survey_id)
            .join(Decision, Decision.id == Survey.decision_id)
            .where(SurveyResponse.respondent_user_id == user.id)
            .order_by(SurveyResponse.id)
        )
    ).all()
    if not rows:
        return []
    questions = {
        q.id: q
        for q in (
            await session.scalars(
                select(SurveyQuestion).where(
                    SurveyQuestion.survey_id.in_({r.survey_id for r, _, _ in rows})
                )
            )
        ).all()
    }
    out = []
    for response, survey_title, decision_title in rows:
        answers = []
        for key, value in sorted(response.answers.items(), key=lambda kv: int(kv[0])):
            q = questions.get(int(key))
            if q is None:
                continue
            shown = [q.options[c] for c in value] if isinstance(value, list) else value
            answers.append({"position": q.position, "question": q.prompt, "answer": shown})
        answers.sort(key=lambda a: a["position"])
        out.append(
            {
                "decision": decision_title,
                "survey": survey_title,
                "answers": answers,
                "revision": response.revision,
                "givenAt": response.created_at.isoformat() if response.created_at else None,
                "changedAt": response.changed_at.isoformat() if response.changed_at else None,
            }
        )
    return out


async def erase(session: AsyncSession, user: User) -> int:
    result = await session.execute(
        update(Opinion)
        .where(Opinion.author_user_id == user.id, Opinion.author_label.is_not(None))
        .values(author_label=None)
    )
    unlinked = 0
    for response in (
        await session.scalars(
            select(SurveyResponse).where(SurveyResponse.respondent_user_id == user.id)
        )
    ).all():
        response.respondent_user_id = None
        response.idempotency_key = f"erased:{uuid.uuid4().hex}"
        unlinked += 1
    await session.flush()
    return int(result.rowcount or 0) + unlinked  # type: ignore[attr-defined]


SECTION = PersonalDataSection("decisions", "重大行政决策意见", collect, erase)
register_section(SECTION)
