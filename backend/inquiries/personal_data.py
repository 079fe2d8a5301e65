"""What 网络问政 and the opinion collections hold about a person, for their copy (PIPL
第四十五条) and for erasing their account; see backend/people/personal_data.py.

A question keeps who asked it (the account) and, for a caller's question entered by staff,
the caller's name and phone; an opinion keeps its giver (the account, or a name and phone)
and the giver's rating. Erasing the account blanks the names and phones copied beside the
person's own questions and opinions; what was asked and answered stays on the county's
record. Events never carried names or phones (backend.inquiries.events).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from backend.inquiries.models import InquiryQuestion, ReportOpinion
from backend.people.models import User
from backend.people.personal_data import PersonalDataSection, register_section


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


async def collect(session: AsyncSession, user: User) -> dict[str, Any]:
    questions = (
        await session.scalars(
            select(InquiryQuestion)
            .where(InquiryQuestion.asker_user_id == user.id)
            .order_by(InquiryQuestion.id)
        )
    ).all()
    opinions = (
        await session.scalars(
            select(ReportOpinion)
            .where(ReportOpinion.giver_user_id == user.id)
            .order_by(ReportOpinion.id)
        )
    ).all()
    return {
        "questions": [
            {
                "body": q.body,
                "state": q.state.value,
                "answer": q.answer,
                "askedAt": _iso(q.created_at),
                "caseId": q.case_id,
            }
            for q in questions
        ],
        "opinions": [
            {
                "body": o.body,
                "source": o.source.value,
                "state": o.state.value,
                "giverName": o.giver_name,
                "giverPhone": o.giver_phone,
                "answer": o.answer,
                "satisfaction": o.satisfaction.value if o.satisfaction else None,
                "enteredAt": _iso(o.created_at),
            }
            for o in opinions
        ],
    }


async def erase(session: AsyncSession, user: User) -> int:
    """Blank the names and phones copied beside the person's questions and opinions."""
    questions = await session.execute(
        update(InquiryQuestion)
        .where(InquiryQuestion.asker_user_id == user.id)
        .where(InquiryQuestion.caller_name.is_not(None) | InquiryQuestion.caller_phone.is_not(None))
        .values(caller_name=None, caller_phone=None)
    )
    opinions = await session.execute(
        update(ReportOpinion)
        .where(ReportOpinion.giver_user_id == user.id)
        .where(ReportOpinion.giver_name.is_not(None) | ReportOpinion.giver_phone.is_not(None))
        .values(giver_name=None, giver_phone=None)
    )
    return int(questions.rowcount or 0) + int(opinions.rowcount or 0)  # type: ignore[attr-defined]


SECTION = PersonalDataSection("inquiries", "网络问政与意见建议", collect, erase)
register_section(SECTION)
