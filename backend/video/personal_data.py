"""What 云视频 rooms hold about a person, for their copy (PIPL 第四十五条); see
backend/people/personal_data.py.

When they were in which room (and why they left), the floor they were given, and the
recordings they started. None of it is erased with the account: attendance is part of the
consultation record, and the events name the person by id only (names are filled in on
read, so an erased account is no longer named).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.people.models import User
from backend.people.personal_data import PersonalDataSection, register_section
from backend.video.models import VideoAttendance, VideoGrant, VideoRecording, VideoRoom


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


async def collect(session: AsyncSession, user: User) -> dict[str, Any]:
    attendance = (
        await session.execute(
            select(VideoAttendance, VideoRoom.meeting_id)
            .join(VideoRoom, VideoRoom.id == VideoAttendance.room_id)
            .where(VideoAttendance.user_id == user.id)
            .order_by(VideoAttendance.id)
        )
    ).all()
    grants = (
        await session.scalars(
            select(VideoGrant).where(VideoGrant.user_id == user.id).order_by(VideoGrant.id)
        )
    ).all()
    recordings = (
        await session.scalars(
            select(VideoRecording)
            .where(VideoRecording.started_by == user.id)
            .order_by(VideoRecording.id)
        )
    ).all()
    return {
        "rooms": [
            {
                "meetingId": meeting_id,
                "joinedAt": _iso(a.created_at),
                "leftAt": _iso(a.left_at),
                "leftReason": a.left_reason,
                "publishing": a.publishing,
            }
            for a, meeting_id in attendance
        ],
        "floor": [
            {"roomId": g.room_id, "grantedAt": _iso(g.created_at), "revokedAt": _iso(g.revoked_at)}
            for g in grants
        ],
        "recordingsStarted": [
            {"fileName": r.file_name, "startedAt": _iso(r.created_at), "sha256": r.sha256}
            for r in recordings
        ],
    }


SECTION = PersonalDataSection("video", "云视频会议", collect)
register_section(SECTION)
