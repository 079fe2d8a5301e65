"""Recording a room (录像): the host starts and stops it; both are events in the meeting's
record, the stop with the file's sha256 and size, so the record vouches for the file."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.core.errors import DomainError
from backend.core.security import Principal
from backend.meetings.access import require_host
from backend.meetings.events import MeetingEvent, VideoRecordingStarted, VideoRecordingStopped
from backend.meetings.models import MeetingState
from backend.meetings.stream import append_event as append_meeting_event
from backend.video.access import room_and_meeting
from backend.video.errors import VideoErrorCode as Code
from backend.video.models import VideoRecording

_SHA256 = re.compile(r"^[0-9a-f]{64}$")


async def current_recording(session: AsyncSession, room_id: int) -> VideoRecording | None:
    return await session.scalar(
        select(VideoRecording).where(
            VideoRecording.room_id == room_id, VideoRecording.stopped_at.is_(None)
        )
    )


async def start_recording(
    session: AsyncSession, principal: Principal, *, room_id: int
) -> VideoRecording:
    """Host: a new recording of a live meeting's room, named after the county, room and
    time (`<tenant>-room<id>-<UTC time>.webm`, in the storage folder)."""
    room, meeting = await room_and_meeting(session, room_id, lock=True)
    await require_host(session, principal, meeting)
    if meeting.state is not MeetingState.LIVE:
        raise DomainError(Code.MEETING_NOT_LIVE, "会议未在进行中，不能录像", field="roomId")
    if await current_recording(session, room.id) is not None:
        raise DomainError(Code.ALREADY_RECORDING, "该会议室正在录像", field="roomId")
    started = datetime.now(UTC)
    stamp = started.strftime("%Y%m%dT%H%M%S%fZ")
    recording = VideoRecording(
        tenant_id=room.tenant_id,
        room_id=room.id,
        file_name=f"{room.tenant_id}-room{room.id}-{stamp}.webm",
        started_by=principal.require_user(),
        created_at=started,
    )
    session.add(recording)
    await session.flush()
    await append_meeting_event(
        session,
        principal,
        meeting,
        MeetingEvent.VIDEO_RECORDING_STARTED,
        VideoRecordingStarted(
            recordingId=recording.id, roomId=room.id, fileName=recording.file_name
        ),
    )
    return recording


async def stop_recording(
    session: AsyncSession, principal: Principal, *, room_id: int
) -> VideoRecording:
    """Host: the room's current recording, to be stopped (NOT_RECORDING if none); the
    caller closes the file and then calls `recording_stopped` with its hash."""
    room, meeting = await room_and_meeting(session, room_id, lock=True)
    await require_host(session, principal, meeting)
    recording = await current_recording(session, room.id)
    if recording is None:
        raise DomainError(Code.NOT_RECORDING, "该会议室没有在录像", field="roomId")
    return recording


async def recording_stopped(
    session: AsyncSession,
    principal: Principal | None,
    *,
    recording_id: int,
    sha256: str,
    size: int,
) -> VideoRecording:
    """Record that a recording's file is closed, with its sha256 and size."""
    if not _SHA256.match(sha256) or size < 0:
        raise DomainError(Code.INVALID, "录像文件摘要无效", field="sha256")
    recording = await session.get(VideoRecording, recording_id, with_for_update=True)
    if recording is None or recording.stopped_at is not None:
        raise DomainError(Code.NOT_RECORDING, "该录像已结束", field="recordingId")
    room, meeting = await room_and_meeting(session, recording.room_id)
    recording.stopped_at = datetime.now(UTC)
    recording.sha256 = sha256
    recording.bytes = size
    await session.flush()
    if principal is None:
        principal = Principal(tenant_id=room.tenant_id)
    await append_meeting_event(
        session,
        principal,
        meeting,
        MeetingEvent.VIDEO_RECORDING_STOPPED,
        VideoRecordingStopped(
            recordingId=recording.id,
            roomId=room.id,
            fileName=recording.file_name,
            sha256=sha256,
            bytes=size,
        ),
    )
    return recording
