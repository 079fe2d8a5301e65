"""What the decisions domain holds about a person (PIPL 第四十五条): the opinions (意见)
they gave on major decisions, with the answers. Erasing the account blanks the name that
a written opinion may carry (`author_label`); what was said stays in the decision's
record (the consultation record of a public matter), no longer named. Events carry ids,
never names, so no chain changes."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from backend.decisions.models import Decision, Opinion
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
        ]
    }


async def erase(session: AsyncSession, user: User) -> int:
    result = await session.execute(
        update(Opinion)
        .where(Opinion.author_user_id == user.id, Opinion.author_label.is_not(None))
        .values(author_label=None)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


SECTION = PersonalDataSection("decisions", "重大行政决策意见", collect, erase)
register_section(SECTION)
