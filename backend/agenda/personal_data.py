"""What the annual agenda holds about a person (backend/people/personal_data.py): the 民生实事
they proposed, the projects they voted for and their year-end evaluations. Nothing is
erased here: the rows point at the account by id only, and erasing the account blanks its
name and number; the proposals, the counted votes and the satisfaction stay in the year's
public record, no longer beside a name."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.agenda.models import LivelihoodEvaluation, LivelihoodProject, LivelihoodVote
from backend.people.models import User
from backend.people.personal_data import PersonalDataSection, register_section


async def collect(session: AsyncSession, user: User) -> dict[str, Any]:
    proposed = (
        await session.scalars(
            select(LivelihoodProject)
            .where(LivelihoodProject.proposer_user_id == user.id)
            .order_by(LivelihoodProject.id)
        )
    ).all()
    voted = (
        await session.execute(
            select(LivelihoodProject.title, LivelihoodVote.created_at)
            .join(LivelihoodProject, LivelihoodProject.id == LivelihoodVote.project_id)
            .where(LivelihoodVote.user_id == user.id)
            .order_by(LivelihoodVote.id)
        )
    ).all()
    evaluated = (
        await session.execute(
            select(
                LivelihoodProject.title,
                LivelihoodEvaluation.satisfaction,
                LivelihoodEvaluation.comment,
            )
            .join(LivelihoodProject, LivelihoodProject.id == LivelihoodEvaluation.project_id)
            .where(LivelihoodEvaluation.user_id == user.id)
            .order_by(LivelihoodEvaluation.id)
        )
    ).all()
    return {
        "proposals": [
            {"title": p.title, "description": p.description, "status": p.status.value}
            for p in proposed
        ],
        "votes": [{"project": t, "at": at.isoformat()} for t, at in voted],
        "evaluations": [
            {"project": t, "satisfaction": s.value, "comment": c} for t, s, c in evaluated
        ],
    }


SECTION = PersonalDataSection("livelihood", "民生实事（开单、投票、评价）", collect, None)
register_section(SECTION)
