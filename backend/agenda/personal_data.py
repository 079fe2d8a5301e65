"""What the annual agenda holds about a person (backend/people/personal_data.py): the 民生实事
they proposed, the projects they voted for and their year-end evaluations. Nothing is
erased here: proposals point at the account by id only, and erasing the account blanks its
name and number; votes and evaluations never pointed at it (a keyed pseudonym per round or
project, backend.core.pseudonyms). The proposals, the counted votes and the satisfaction
stay in the year's public record, beside no name."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.agenda.models import (
    EVALUATION_PURPOSE,
    VOTE_PURPOSE,
    LivelihoodEvaluation,
    LivelihoodProject,
    LivelihoodRound,
    LivelihoodVote,
)
from backend.core.pseudonyms import pseudonym
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
    # Votes and evaluations carry the person's pseudonym per round / project, not their id
    # (backend.core.pseudonyms): found by computing it for each of the county's.
    rounds = (
        await session.scalars(
            select(LivelihoodRound.id).where(LivelihoodRound.tenant_id == user.tenant_id)
        )
    ).all()
    voters = [pseudonym(VOTE_PURPOSE, user.tenant_id, r, user.id) for r in rounds]
    voted = (
        (
            await session.execute(
                select(LivelihoodProject.title, LivelihoodVote.created_at)
                .join(LivelihoodProject, LivelihoodProject.id == LivelihoodVote.project_id)
                .where(LivelihoodVote.voter.in_(voters))
                .order_by(LivelihoodVote.id)
            )
        ).all()
        if voters
        else []
    )
    rated = (
        await session.scalars(
            select(LivelihoodEvaluation.project_id)
            .where(LivelihoodEvaluation.tenant_id == user.tenant_id)
            .distinct()
        )
    ).all()
    evaluators = [pseudonym(EVALUATION_PURPOSE, user.tenant_id, p, user.id) for p in rated]
    evaluated = (
        (
            await session.execute(
                select(
                    LivelihoodProject.title,
                    LivelihoodEvaluation.satisfaction,
                    LivelihoodEvaluation.comment,
                )
                .join(LivelihoodProject, LivelihoodProject.id == LivelihoodEvaluation.project_id)
                .where(LivelihoodEvaluation.evaluator.in_(evaluators))
                .order_by(LivelihoodEvaluation.id)
            )
        ).all()
        if evaluators
        else []
    )
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
