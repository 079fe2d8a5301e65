"""What the opinion map holds about a person, for their copy (PIPL 第四十五条); see
backend/people/personal_data.py.

The statements they entered or submitted (text, state, when; the meeting or decision).
Their votes are stored under a pseudonym made with a key the database does not hold
(backend.opinion_map.access), so this section, which reads the database only, cannot find
them: the person sees their own votes in the map itself (`opinionMap.myVotes`). Nothing is
erased with the account: a shown statement is part of the consultation record, and no
event names its author.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.opinion_map.models import OpinionMap, OpinionStatement
from backend.people.models import User
from backend.people.personal_data import PersonalDataSection, register_section


async def collect(session: AsyncSession, user: User) -> dict[str, Any]:
    rows = (
        await session.execute(
            select(OpinionStatement, OpinionMap.meeting_id, OpinionMap.decision_id)
            .join(OpinionMap, OpinionMap.id == OpinionStatement.map_id)
            .where(OpinionStatement.submitted_by == user.id)
            .order_by(OpinionStatement.id)
        )
    ).all()
    return {
        "statements": [
            {
                "meetingId": meeting_id,
                "decisionId": decision_id,
                "body": s.body,
                "state": s.state.value,
                "source": s.source.value,
                "at": s.created_at.isoformat(),
            }
            for s, meeting_id, decision_id in rows
        ]
    }


SECTION = PersonalDataSection("opinionMap", "意见地图", collect)
register_section(SECTION)
