"""What the 解事员 pool holds about a person with an account (their copy, PIPL 第四十五条,
and erasure; backend/people/personal_data.py).

A 解事员 row keeps the person's name and phone. Erasing the account blanks the phone, puts
"（已注销）" for the name, unlinks the account and takes them out of service (`active`
false); their training records, evaluations and the cases they were assigned to stay as the
county's record of the pool's work, no longer naming them. Events never carried the name or
phone (backend.mediators.events), so no stream changes.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from backend.mediators.models import Mediator, MediatorAward, MediatorTraining
from backend.people.models import User
from backend.people.personal_data import PersonalDataSection, register_section

ERASED_NAME = "（已注销）"


async def collect(session: AsyncSession, user: User) -> dict[str, Any]:
    rows = (
        await session.scalars(
            select(Mediator).where(Mediator.user_id == user.id).order_by(Mediator.id)
        )
    ).all()
    out: list[dict[str, Any]] = []
    for m in rows:
        trainings = (
            await session.scalars(
                select(MediatorTraining)
                .where(MediatorTraining.mediator_id == m.id)
                .order_by(MediatorTraining.id)
            )
        ).all()
        awards = (
            await session.scalars(
                select(MediatorAward)
                .where(MediatorAward.mediator_id == m.id)
                .order_by(MediatorAward.id)
            )
        ).all()
        out.append(
            {
                "name": m.name,
                "phone": m.phone,
                "level": m.level.value,
                "roles": list(m.roles),
                "skills": list(m.skills),
                "active": m.active,
                "trainings": [
                    {"course": t.course, "trainedOn": t.trained_on.isoformat(), "hours": t.hours}
                    for t in trainings
                ],
                "awards": [
                    {"title": a.title, "awardedOn": a.awarded_on.isoformat()} for a in awards
                ],
            }
        )
    return {"mediators": out}


async def erase(session: AsyncSession, user: User) -> int:
    result = await session.execute(
        update(Mediator)
        .where(Mediator.user_id == user.id)
        .values(name=ERASED_NAME, phone=None, user_id=None, active=False)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


SECTION = PersonalDataSection("mediators", "解事员信息", collect, erase)
register_section(SECTION)
