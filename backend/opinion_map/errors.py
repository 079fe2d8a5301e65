"""Error codes of the opinion map."""

import enum


class OpinionMapErrorCode(enum.Enum):
    INVALID = "INVALID"
    RATE_LIMITED = "RATE_LIMITED"  # votes or submissions too fast (backend.core.limits)
    NOT_FOUND = "NOT_FOUND"
    MAP_EXISTS = "MAP_EXISTS"  # the meeting or comment period has its opinion map already
    MAP_CLOSED = "MAP_CLOSED"  # voting or submitting on a map that was turned off
    MEETING_NOT_LIVE = "MEETING_NOT_LIVE"  # turning a map on in a meeting not in progress
    PERIOD_NOT_OPEN = "PERIOD_NOT_OPEN"  # a decision's map outside its open comment period
    STATEMENT_NOT_SHOWN = "STATEMENT_NOT_SHOWN"  # voting on a pending or hidden statement
    TOO_LONG = "TOO_LONG"  # a statement over the length limit
    NOT_PENDING = "NOT_PENDING"  # moderating a statement already decided
    RECORD_SEALED = "RECORD_SEALED"
