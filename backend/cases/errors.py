"""Error codes of the cases domain (messages are Chinese, for people)."""

import enum


class CaseErrorCode(enum.Enum):
    INVALID = "INVALID"
    NOT_FOUND = "NOT_FOUND"
    INVALID_STATE = "INVALID_STATE"  # the case is not in a state the action needs
    UNKNOWN_UNIT = "UNKNOWN_UNIT"  # no such unit in this county
    EXCLUDED_TOPIC = "EXCLUDED_TOPIC"  # 议事内容清单: not a matter for this channel
    DEADLINE_NOT_CONFIGURED = "DEADLINE_NOT_CONFIGURED"  # no rule for this handling class
    NOT_SUBMITTER = "NOT_SUBMITTER"  # only the submitter may rate
    NOT_ANSWERED = "NOT_ANSWERED"  # rating a case that has no answer yet
    ATTACHMENT_TOO_LARGE = "ATTACHMENT_TOO_LARGE"
    IDEMPOTENCY_CONFLICT = "IDEMPOTENCY_CONFLICT"  # a replayed key with other content
    CONTACT_REQUIRED = "CONTACT_REQUIRED"  # anonymous intake without contact details
    ALREADY_ASSIGNED = "ALREADY_ASSIGNED"
    NOT_ASSIGNED = "NOT_ASSIGNED"  # the unit holds no such assignment
    PRIVATE_CASE = "PRIVATE_CASE"  # 点对点: never published
    RATE_LIMITED = "RATE_LIMITED"
