"""What the cases domain holds about a person, for their copy (PIPL 第四十五条) and for
erasing their account; see backend/people/personal_data.py.

A case keeps the contact name and phone number given with it (a copy, beside the account
or for anonymous intake without one), so erasing the account blanks them on the cases the
person raised. What the case is about (its title, text and the answers) stays: it is the
county's record of a public matter, as the law on records asks; the person is no longer
named beside it. Events never carried the contact details (backend.cases.events), so no
stream changes.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from backend.cases.models import Case, CaseReply, ReplyKind
from backend.people.models import User
from backend.people.personal_data import PersonalDataSection, register_section

#: Replies the submitter sees (internal notes and 督办 are the county's working papers).
_THEIRS = (ReplyKind.INITIAL, ReplyKind.RESULT, ReplyKind.FOLLOW_UP)


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


async def collect(session: AsyncSession, user: User) -> dict[str, Any]:
    cases = (
        await session.scalars(
            select(Case).where(Case.submitter_user_id == user.id).order_by(Case.id)
        )
    ).all()
    replies: dict[int, list[dict[str, Any]]] = {}
    ids = [c.merged_into_id or c.id for c in cases]
    if ids:
        for r in (
            await session.scalars(
                select(CaseReply)
                .where(CaseReply.case_id.in_(ids), CaseReply.kind.in_(_THEIRS))
                .order_by(CaseReply.id)
            )
        ).all():
            replies.setdefault(r.case_id, []).append(
                {"kind": r.kind.value, "body": r.body, "at": _iso(r.created_at)}
            )
    entered = (
        await session.execute(
            select(Case.number, Case.received_at)
            .where(Case.entered_by_user_id == user.id)
            .order_by(Case.id)
        )
    ).all()
    return {
        "cases": [
            {
                "number": c.number,
                "channel": c.channel.value,
                "kind": c.kind.value,
                "title": c.title,
                "body": c.body,
                "state": c.state.value,
                "contactName": c.contact_name,
                "contactPhone": c.contact_phone,
                "receivedAt": _iso(c.received_at),
                "satisfaction": c.satisfaction.value if c.satisfaction else None,
                "ratingText": c.rating_text,
                "replies": replies.get(c.merged_into_id or c.id, []),
            }
            for c in cases
        ],
        "enteredForOthers": [{"number": n, "receivedAt": _iso(at)} for n, at in entered],
    }


async def erase(session: AsyncSession, user: User) -> int:
    """Blank the contact details copied onto the person's cases."""
    result = await session.execute(
        update(Case)
        .where(Case.submitter_user_id == user.id)
        .where((Case.contact_name.is_not(None)) | (Case.contact_phone.is_not(None)))
        .values(contact_name=None, contact_phone=None)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


SECTION = PersonalDataSection("cases", "诉求与建议", collect, erase)
register_section(SECTION)
