"""What 政务公开 holds about a person (backend/people/personal_data.py): their 依申请公开
requests, with the name and phone given with each. Erasing the account blanks those copies;
the request itself (what was asked, the reply) stays in the county's register of requests,
no longer beside a name. Events never carried the name or phone."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from backend.disclosure.models import InformationRequest
from backend.people.models import User
from backend.people.personal_data import PersonalDataSection, register_section


async def collect(session: AsyncSession, user: User) -> dict[str, Any]:
    requests = (
        await session.scalars(
            select(InformationRequest)
            .where(InformationRequest.requester_user_id == user.id)
            .order_by(InformationRequest.id)
        )
    ).all()
    return {
        "requests": [
            {
                "number": r.number,
                "name": r.requester_name,
                "phone": r.requester_phone,
                "description": r.description,
                "receivedOn": r.received_on.isoformat(),
                "state": r.state.value,
                "replyType": r.reply_type.value if r.reply_type else None,
                "replyText": r.reply_text,
            }
            for r in requests
        ]
    }


async def erase(session: AsyncSession, user: User) -> int:
    result = await session.execute(
        update(InformationRequest)
        .where(InformationRequest.requester_user_id == user.id)
        .where(
            InformationRequest.requester_name.is_not(None)
            | InformationRequest.requester_phone.is_not(None)
        )
        .values(requester_name=None, requester_phone=None)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


SECTION = PersonalDataSection("disclosure", "政府信息公开申请", collect, erase)
register_section(SECTION)
