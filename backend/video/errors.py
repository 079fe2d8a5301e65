"""Error codes of 云视频 rooms."""

import enum


class VideoErrorCode(enum.Enum):
    INVALID = "INVALID"
    NOT_FOUND = "NOT_FOUND"
    ROOM_EXISTS = "ROOM_EXISTS"  # the meeting has its room already
    MEETING_NOT_LIVE = "MEETING_NOT_LIVE"  # joining a meeting that is not in progress
    ROOM_CLOSED = "ROOM_CLOSED"
    ROOM_FULL = "ROOM_FULL"  # the participant limit is reached
    NOT_PARTICIPANT = "NOT_PARTICIPANT"
    NOT_GRANTED = "NOT_GRANTED"  # publishing without the floor
    NOT_IN_ROOM = "NOT_IN_ROOM"
    INVALID_SDP = "INVALID_SDP"  # an SDP offer that cannot be parsed or answered
    ALREADY_RECORDING = "ALREADY_RECORDING"
    NOT_RECORDING = "NOT_RECORDING"
    MEDIA_UNAVAILABLE = "MEDIA_UNAVAILABLE"  # the media server is not running here
    RECORD_SEALED = "RECORD_SEALED"
    RATE_LIMITED = "RATE_LIMITED"  # too many SDP offers (Action.VIDEO_SIGNAL)
