"""What the meetings domain holds about a person, for their copy (PIPL 第四十五条); see
backend/people/personal_data.py.

Meetings keep no name or number of their own: rows point at the account, and names are
looked up when shown. So erasing the account (which blanks its name and number) leaves
nothing identifying here, and the sealed records keep verifying: this section has nothing
to erase. A 测评票 (scoring ballot) is secret: only that the person scored is kept, never
what (backend.meetings.scoring), and the copy says so.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.meetings.models import (
    Comment,
    Meeting,
    Participant,
    Poll,
    ScoringReceipt,
    ScoringSheet,
    SpeakingRequest,
    Vote,
    VotingCode,
)
from backend.people.models import User
from backend.people.personal_data import PersonalDataSection, register_section


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


async def collect(session: AsyncSession, user: User) -> dict[str, Any]:
    uid = user.id
    participations = (
        await session.execute(
            select(Meeting.id, Meeting.title, Participant.role, Participant.checked_in_at)
            .join(Meeting, Meeting.id == Participant.meeting_id)
            .where(Participant.user_id == uid)
            .order_by(Participant.id)
        )
    ).all()
    comments = (
        await session.execute(
            select(
                Comment.meeting_id,
                Comment.kind,
                Comment.body,
                Comment.created_at,
                Comment.hidden_at,
            )
            .where(Comment.author_user_id == uid)
            .order_by(Comment.id)
        )
    ).all()
    speaking = (
        await session.execute(
            select(
                SpeakingRequest.meeting_id,
                SpeakingRequest.topic,
                SpeakingRequest.state,
                SpeakingRequest.created_at,
            )
            .where(SpeakingRequest.user_id == uid)
            .order_by(SpeakingRequest.id)
        )
    ).all()
    votes = (
        await session.execute(
            select(Poll.meeting_id, Poll.question, Poll.options, Vote.choices, Vote.created_at)
            .join(Poll, Poll.id == Vote.poll_id)
            .where(Vote.user_id == uid)
            .order_by(Vote.id)
        )
    ).all()
    scored = (
        await session.execute(
            select(ScoringSheet.meeting_id, ScoringSheet.title, ScoringReceipt.counted_at)
            .join(ScoringSheet, ScoringSheet.id == ScoringReceipt.sheet_id)
            .where(ScoringReceipt.user_id == uid)
            .order_by(ScoringReceipt.id)
        )
    ).all()
    codes = (
        await session.execute(
            select(VotingCode.meeting_id, VotingCode.redeemed_at, VotingCode.revoked_at).where(
                VotingCode.user_id == uid
            )
        )
    ).all()
    return {
        "participations": [
            {"meetingId": m, "title": t, "role": r.value, "checkedInAt": _iso(c)}
            for m, t, r, c in participations
        ],
        "comments": [
            {"meetingId": m, "kind": k.value, "body": b, "at": _iso(a), "hidden": h is not None}
            for m, k, b, a, h in comments
        ],
        "speakingRequests": [
            {"meetingId": m, "topic": t, "state": s.value, "at": _iso(a)} for m, t, s, a in speaking
        ],
        "votes": [
            {"meetingId": m, "question": q, "choices": [options[i] for i in c], "at": _iso(a)}
            for m, q, options, c, a in votes
        ],
        "scoring": [
            {
                "meetingId": m,
                "sheet": t,
                "countedAt": _iso(c),
                "note": "测评票为无记名投票：系统只记录您参加了测评，不保存您的选择",
            }
            for m, t, c in scored
        ],
        "votingCodes": [
            {"meetingId": m, "redeemedAt": _iso(r), "revokedAt": _iso(v)} for m, r, v in codes
        ],
    }


SECTION = PersonalDataSection("meetings", "会议参与", collect)
register_section(SECTION)
