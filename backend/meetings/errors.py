"""Error codes of the meetings domain."""

import enum


class MeetingErrorCode(enum.Enum):
    INVALID = "INVALID"
    NOT_FOUND = "NOT_FOUND"
    INVALID_STATE = "INVALID_STATE"
    MEETING_NOT_LIVE = "MEETING_NOT_LIVE"
    MEETING_FULL = "MEETING_FULL"
    ALREADY_REGISTERED = "ALREADY_REGISTERED"
    NOT_PARTICIPANT = "NOT_PARTICIPANT"
    TIMER_BUSY = "TIMER_BUSY"
    INVALID_TIMER_STATE = "INVALID_TIMER_STATE"
    POLL_NOT_OPEN = "POLL_NOT_OPEN"
    NOT_ELIGIBLE = "NOT_ELIGIBLE"
    ALREADY_VOTED = "ALREADY_VOTED"
    INVALID_CHOICE = "INVALID_CHOICE"
    SCORING_CLOSED = "SCORING_CLOSED"
    ALREADY_SCORED = "ALREADY_SCORED"
    INVALID_SCORE = "INVALID_SCORE"
    DUPLICATE_TARGET = "DUPLICATE_TARGET"
    NOT_CHECKED_IN = "NOT_CHECKED_IN"
    COMMENT_TOO_LONG = "COMMENT_TOO_LONG"
    ALREADY_HIDDEN = "ALREADY_HIDDEN"
    ALREADY_APPROVED = "ALREADY_APPROVED"  # a comment a host already reviewed (审核通过)
    RECORD_SEALED = "RECORD_SEALED"
    INVALID_CODE = "INVALID_CODE"  # a voting code that is unknown, used or revoked
    # 实名制: the person's verification level is below what the meeting or poll requires;
    # the message names the level needed.
    VERIFICATION_REQUIRED = "VERIFICATION_REQUIRED"
    RATE_LIMITED = "RATE_LIMITED"  # too many actions too fast (backend.core.limits)
    # a 座谈/协商 session of a decision started before its materials could be on time
    MATERIALS_TOO_LATE = "MATERIALS_TOO_LATE"
