"""What the hearings domain holds about a person (PIPL 第四十五条): their applications to
hearings and 列席 selections (category, statement, outcome) and their confirmations of
transcripts. Erasing the account blanks the statements; the application itself stays
(its pseudonym is in the published, frozen pool, and removing it would break the draw
anyone can re-run), no longer tied to words of the person."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from backend.hearings.models import Hearing, HearingApplication, TranscriptConfirmation
from backend.people.models import User
from backend.people.personal_data import PersonalDataSection, register_section


async def collect(session: AsyncSession, user: User) -> dict[str, Any]:
    rows = (
        await session.execute(
            select(HearingApplication, Hearing.title)
            .join(Hearing, Hearing.id == HearingApplication.hearing_id)
            .where(HearingApplication.user_id == user.id)
            .order_by(HearingApplication.id)
        )
    ).all()
    confirmations = (
        await session.scalars(
            select(TranscriptConfirmation)
            .where(TranscriptConfirmation.user_id == user.id)
            .order_by(TranscriptConfirmation.id)
        )
    ).all()
    return {
        "applications": [
            {
                "hearing": title,
                "category": a.category.value,
                "statement": a.statement,
                "poolId": a.pseudonym,
                "outcome": a.outcome.value if a.outcome else None,
                "alternateRank": a.alternate_rank,
                "at": a.created_at.isoformat(),
            }
            for a, title in rows
        ],
        "transcriptConfirmations": [
            {
                "hearingId": c.hearing_id,
                "version": c.transcript_version,
                "sha256": c.transcript_sha256,
                "at": c.confirmed_at.isoformat(),
            }
            for c in confirmations
        ],
    }


async def erase(session: AsyncSession, user: User) -> int:
    result = await session.execute(
        update(HearingApplication)
        .where(HearingApplication.user_id == user.id, HearingApplication.statement != "")
        .values(statement="")
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


SECTION = PersonalDataSection("hearings", "听证会报名", collect, erase)
register_section(SECTION)
