"""Error codes of the representatives domain (messages are Chinese, for people)."""

import enum


class RepresentativeErrorCode(enum.Enum):
    INVALID = "INVALID"
    NOT_FOUND = "NOT_FOUND"
    OVERLAPPING_DATES = "OVERLAPPING_DATES"  # the same representative and place, overlapping
    UNKNOWN_UNIT = "UNKNOWN_UNIT"  # no such unit in this county
    INVALID_STATE = "INVALID_STATE"  # the proposal is not in a state the action needs
    NOT_REPLIED = "NOT_REPLIED"  # rating a proposal that has no reply yet
    NOT_PROPOSER = "NOT_PROPOSER"  # only the proposer rates
    ALREADY_REPLIED = "ALREADY_REPLIED"
    DEADLINE_NOT_CONFIGURED = "DEADLINE_NOT_CONFIGURED"
