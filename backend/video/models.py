"""Tables of 云视频 rooms: a room per meeting, the floor grants, the recordings."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, DateTime, ForeignKey, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column

from backend.core.base import Base, TenantOwned, Timestamped, id_column


class VideoRoom(TenantOwned, Timestamped, Base):
    """The 云视频 room of a meeting (one per meeting): its participant limit and whether
    it is open for joining."""

    __tablename__ = "video_rooms"

    id: Mapped[int] = id_column()
    meeting_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("meetings.id"), unique=True, index=True
    )
    participant_limit: Mapped[int] = mapped_column(Integer)
    is_open: Mapped[bool] = mapped_column(Boolean, server_default=text("true"))
    created_by: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id"))


class VideoGrant(TenantOwned, Timestamped, Base):
    """The floor (发言权) given by a host to someone who may otherwise only watch;
    `revoked_at` ends it."""

    __tablename__ = "video_grants"

    id: Mapped[int] = id_column()
    room_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("video_rooms.id"), index=True)
    user_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id"), index=True)
    granted_by: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id"))
    speaking_request_id: Mapped[int | None] = mapped_column(
        BigInteger, ForeignKey("speaking_requests.id")
    )
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class VideoRecording(TenantOwned, Timestamped, Base):
    """A recording (录像) of a room to a file in the storage folder; `sha256` and `bytes`
    are set when it stops."""

    __tablename__ = "video_recordings"

    id: Mapped[int] = id_column()
    room_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("video_rooms.id"), index=True)
    file_name: Mapped[str] = mapped_column(String(200))
    started_by: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id"))
    stopped_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    sha256: Mapped[str | None] = mapped_column(String(64))
    bytes: Mapped[int | None] = mapped_column(BigInteger)


class VideoAttendance(TenantOwned, Timestamped, Base):
    """A person's presence in a room, from joining (`created_at`) to leaving (`left_at`):
    the rows still open are who is in the room, what the participant limit counts."""

    __tablename__ = "video_attendance"

    id: Mapped[int] = id_column()
    room_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("video_rooms.id"), index=True)
    user_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("users.id"), index=True)
    publishing: Mapped[bool] = mapped_column(Boolean)
    left_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    left_reason: Mapped[str | None] = mapped_column(String(16))
