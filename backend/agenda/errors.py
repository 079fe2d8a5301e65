"""Error codes of the annual agenda (messages are Chinese, for people)."""

import enum


class AgendaErrorCode(enum.Enum):
    INVALID = "INVALID"
    RATE_LIMITED = "RATE_LIMITED"  # too many actions too fast (backend.core.limits)
    NOT_FOUND = "NOT_FOUND"
    INVALID_STATE = "INVALID_STATE"  # the catalogue, round or project is not in the needed state
    UNKNOWN_UNIT = "UNKNOWN_UNIT"
    DUPLICATE_YEAR = "DUPLICATE_YEAR"  # one catalogue / one round per county and year
    REASON_REQUIRED = "REASON_REQUIRED"  # an adjustment, a proposal not shortlisted
    EMPTY_CATALOGUE = "EMPTY_CATALOGUE"  # approving a catalogue without items
    VOTING_CLOSED = "VOTING_CLOSED"  # outside the voting window
    ALREADY_VOTED = "ALREADY_VOTED"  # one vote per person per project
    VOTE_LIMIT = "VOTE_LIMIT"  # more projects than the rulebook's livelihood.max_votes
    DERIVED_PROGRESS = "DERIVED_PROGRESS"  # a parent's progress comes from its children
    ALREADY_EVALUATED = "ALREADY_EVALUATED"
