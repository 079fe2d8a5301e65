"""GraphQL types of 云视频 rooms."""

from __future__ import annotations

from datetime import datetime

import strawberry
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.people.models import User
from backend.video import models, rooms
from backend.video.errors import VideoErrorCode as _Code
from backend.video.recording import current_recording
from schema.errors import UserError
from schema.relay import to_global_id

VideoErrorCode = _Code
strawberry.enum(
    VideoErrorCode,
    description=(
        "Why a video action was refused: INVALID, NOT_FOUND, ROOM_EXISTS, MEETING_NOT_LIVE "
        "(the meeting is not in progress), ROOM_CLOSED, ROOM_FULL (the participant limit), "
        "NOT_PARTICIPANT, NOT_GRANTED (publishing without the floor), NOT_IN_ROOM, "
        "INVALID_SDP (an offer that cannot be parsed or answered), ALREADY_RECORDING, "
        "NOT_RECORDING, MEDIA_UNAVAILABLE (no media server in this process), RECORD_SEALED, "
        "RATE_LIMITED (too many offers: retry after the number of seconds in the message)."
    ),
)


def gid(type_name: str, db_id: int) -> strawberry.ID:
    return strawberry.ID(to_global_id(type_name, db_id))


@strawberry.type(description="A refused video action: the field and the reason.")
class VideoError(UserError):
    code: VideoErrorCode = strawberry.field(description="Machine-readable reason.")


@strawberry.type(description="Someone in a 云视频 room now.")
class VideoParticipant:
    user_id: strawberry.ID = strawberry.field(description="The person (User global id).")
    name: str | None = strawberry.field(description="Their display name.")
    publishing: bool = strawberry.field(description="Whether they send camera and microphone.")
    joined_at: datetime = strawberry.field(description="When they joined.")


@strawberry.type(description="A recording (录像) of a room, in the storage folder.")
class VideoRecording:
    id: strawberry.ID = strawberry.field(description="The recording (global id).")
    file_name: str = strawberry.field(description="The file's name in the storage folder.")
    started_at: datetime = strawberry.field(description="When it started.")
    stopped_at: datetime | None = strawberry.field(description="When it stopped (null: running).")
    sha256: str | None = strawberry.field(description="The file's SHA-256 once stopped.")
    bytes: int | None = strawberry.field(description="The file's size once stopped.")

    @classmethod
    def from_model(cls, r: models.VideoRecording) -> VideoRecording:
        return cls(
            id=gid("VideoRecording", r.id),
            file_name=r.file_name,
            started_at=r.created_at,
            stopped_at=r.stopped_at,
            sha256=r.sha256,
            bytes=r.bytes,
        )


@strawberry.type(description="The 云视频 room (视频会议室) of a meeting.")
class VideoRoom:
    id: strawberry.ID = strawberry.field(description="The room (global id).")
    meeting_id: strawberry.ID = strawberry.field(description="Its meeting (global id).")
    participant_limit: int = strawberry.field(description="At most this many people at once.")
    is_open: bool = strawberry.field(description="Whether people may join.")
    participants: list[VideoParticipant] = strawberry.field(
        description="Who is in the room now, in the order they joined."
    )
    recording: VideoRecording | None = strawberry.field(
        description="The recording running now, if any."
    )

    @strawberry.field(
        description="Its event stream for the `events` subscription: who joined, left, "
        "has the floor (`video:<this room's global id>`)."
    )
    def stream(self) -> str:
        return f"video:{self.id}"


async def load_room(session: AsyncSession, room: models.VideoRoom) -> VideoRoom:
    """The room with who is in it and its running recording (three reads)."""
    present = await rooms.present(session, room.id)
    names = dict(
        (
            await session.execute(
                select(User.id, User.display_name).where(
                    User.id.in_([a.user_id for a in present] or [0])
                )
            )
        ).all()
    )
    recording = await current_recording(session, room.id)
    return VideoRoom(
        id=gid("VideoRoom", room.id),
        meeting_id=gid("Meeting", room.meeting_id),
        participant_limit=room.participant_limit,
        is_open=room.is_open,
        participants=[
            VideoParticipant(
                user_id=gid("User", a.user_id),
                name=names.get(a.user_id),
                publishing=a.publishing,
                joined_at=a.created_at,
            )
            for a in present
        ],
        recording=VideoRecording.from_model(recording) if recording else None,
    )


@strawberry.type(description="Whose track a receiving m-line (mid) of the answer carries.")
class VideoSlot:
    mid: str = strawberry.field(description="The m-line's mid in the SDP.")
    user_id: strawberry.ID = strawberry.field(description="Whose camera or microphone.")
    kind: str = strawberry.field(description="audio or video.")
