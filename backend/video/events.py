"""Event types of a 云视频 room's stream (`video:<room id>`): who joined, who left, who
has the floor. Recording start and stop are in the meeting's own record
(`backend.meetings.events.MeetingEvent.VIDEO_RECORDING_*`), since they belong to the
consultation record and its seal.

Each payload carries `name` beside `userId` as appended; the log keeps the id only and
fills the name in on every read (realtime.log.PERSON_LABELS).
"""

from __future__ import annotations

from typing_extensions import TypedDict

from realtime.event_types import EventNames, EventTypes, Logged, shape


@shape
class VideoRoomOpened(TypedDict):
    id: int
    meetingId: int
    participantLimit: int


@shape
class VideoRoomClosed(TypedDict):
    id: int


@shape
class VideoParticipantJoined(TypedDict):
    userId: int
    name: str | None
    publishing: bool


@shape
class VideoParticipantLeft(TypedDict):
    userId: int
    name: str | None
    reason: str  # "left", "failed", "timeout", "shutdown", "closed"


@shape
class VideoFloorChanged(TypedDict):
    userId: int
    name: str | None
    requestId: int | None


class VideoEvent(EventNames):
    """The types of a room's stream (`noun.pastTense`)."""

    ROOM_OPENED = Logged("videoRoom.opened", VideoRoomOpened, "开通云视频会议室")
    ROOM_CLOSED = Logged("videoRoom.closed", VideoRoomClosed, "关闭云视频会议室")
    PARTICIPANT_JOINED = Logged("videoParticipant.joined", VideoParticipantJoined, "进入视频会议")
    PARTICIPANT_LEFT = Logged("videoParticipant.left", VideoParticipantLeft, "离开视频会议")
    FLOOR_GRANTED = Logged("videoFloor.granted", VideoFloorChanged, "授予发言权")
    FLOOR_REVOKED = Logged("videoFloor.revoked", VideoFloorChanged, "收回发言权")


VIDEO_EVENTS = EventTypes("video", VideoEvent)
