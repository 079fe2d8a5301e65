"""What oversight holds about a person with an account (their copy, PIPL 第四十五条, and
erasure; backend/people/personal_data.py): their appointment as a 民意观察员, their service at
a 行政复议便民联系点, the review requests they made, and the 三评 they wrote.

Erasing blanks the name ("（已注销）") and phone and unlinks the account on the observer,
staff and request rows; the matters and evaluations stay as the county's record, no longer
naming them. Events never carried names, phones or applicants (backend.oversight.events).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from backend.oversight.models import CaseEvaluation, Observer, ReviewPointStaff, ReviewRequest
from backend.people.models import User
from backend.people.personal_data import PersonalDataSection, register_section

ERASED_NAME = "（已注销）"


async def collect(session: AsyncSession, user: User) -> dict[str, Any]:
    observers = (
        await session.scalars(
            select(Observer).where(Observer.user_id == user.id).order_by(Observer.id)
        )
    ).all()
    staff = (
        await session.scalars(
            select(ReviewPointStaff)
            .where(ReviewPointStaff.user_id == user.id)
            .order_by(ReviewPointStaff.id)
        )
    ).all()
    requests = (
        await session.scalars(
            select(ReviewRequest)
            .where(ReviewRequest.applicant_user_id == user.id)
            .order_by(ReviewRequest.id)
        )
    ).all()
    evaluations = (
        await session.scalars(
            select(CaseEvaluation)
            .where(CaseEvaluation.author_user_id == user.id)
            .order_by(CaseEvaluation.id)
        )
    ).all()
    return {
        "observers": [
            {
                "name": o.name,
                "phone": o.phone,
                "area": o.area,
                "termStart": o.term_start.isoformat(),
                "termEnd": o.term_end.isoformat() if o.term_end else None,
            }
            for o in observers
        ],
        "reviewPointStaff": [
            {"name": s.name, "position": s.position, "phone": s.phone} for s in staff
        ],
        "reviewRequests": [
            {
                "applicantName": r.applicant_name,
                "applicantPhone": r.applicant_phone,
                "receivedOn": r.received_on.isoformat(),
                "matter": r.matter,
                "forwardedTo": r.forwarded_to,
                "outcome": r.outcome.value,
            }
            for r in requests
        ],
        "caseEvaluations": [
            {"kind": e.kind.value, "grade": e.grade.value, "score": e.score, "text": e.text}
            for e in evaluations
        ],
    }


async def erase(session: AsyncSession, user: User) -> int:
    changed = 0
    for statement in (
        update(Observer)
        .where(Observer.user_id == user.id)
        .values(name=ERASED_NAME, phone=None, user_id=None),
        update(ReviewPointStaff)
        .where(ReviewPointStaff.user_id == user.id)
        .values(name=ERASED_NAME, phone=None, user_id=None),
        update(ReviewRequest)
        .where(ReviewRequest.applicant_user_id == user.id)
        .values(applicant_name=ERASED_NAME, applicant_phone=None, applicant_user_id=None),
        update(CaseEvaluation)
        .where(CaseEvaluation.author_user_id == user.id)
        .values(author_user_id=None),
    ):
        result = await session.execute(statement)
        changed += int(result.rowcount or 0)  # type: ignore[attr-defined]
    return changed


SECTION = PersonalDataSection("oversight", "民意观察员、三评与行政复议联系点", collect, erase)
register_section(SECTION)
