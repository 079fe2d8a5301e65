"""What the representatives domain holds about a person with an account, for their copy
(PIPL 第四十五条) and for erasing their account (backend/people/personal_data.py).

A representative's record keeps their name, unit and phone number. Erasing the account
blanks the phone number and unlinks the account; the name, the places served and the
proposals stay: being a 人大代表 or 政协委员 is a public office and its record is the
county's (the proposals are records of a public matter). Events never carried the phone.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from backend.people.models import User
from backend.people.personal_data import PersonalDataSection, register_section
from backend.representatives.models import Proposal, Representative, RepresentativePlace


async def collect(session: AsyncSession, user: User) -> dict[str, Any]:
    reps = (
        await session.scalars(
            select(Representative)
            .where(Representative.user_id == user.id)
            .order_by(Representative.id)
        )
    ).all()
    out: list[dict[str, Any]] = []
    for rep in reps:
        places = (
            await session.scalars(
                select(RepresentativePlace)
                .where(RepresentativePlace.representative_id == rep.id)
                .order_by(RepresentativePlace.id)
            )
        ).all()
        proposals = (
            await session.execute(
                select(Proposal.number, Proposal.title, Proposal.state)
                .where(Proposal.representative_id == rep.id)
                .order_by(Proposal.id)
            )
        ).all()
        out.append(
            {
                "kind": rep.kind.value,
                "level": rep.level.value if rep.level else None,
                "sector": rep.sector,
                "name": rep.name,
                "unit": rep.unit,
                "phone": rep.phone,
                "places": [
                    {
                        "orgUnitId": p.org_unit_id,
                        "venueId": p.venue_id,
                        "startsOn": p.starts_on.isoformat(),
                        "endsOn": p.ends_on.isoformat() if p.ends_on else None,
                    }
                    for p in places
                ],
                "proposals": [{"number": n, "title": t, "state": s.value} for n, t, s in proposals],
            }
        )
    return {"representatives": out}


async def erase(session: AsyncSession, user: User) -> int:
    """Blank the phone number and unlink the account."""
    result = await session.execute(
        update(Representative)
        .where(Representative.user_id == user.id)
        .values(phone=None, user_id=None)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


SECTION = PersonalDataSection("representatives", "代表委员履职", collect, erase)
register_section(SECTION)
