"""Error codes of 政务公开 (messages are Chinese, for people)."""

import enum


class DisclosureErrorCode(enum.Enum):
    INVALID = "INVALID"
    RATE_LIMITED = "RATE_LIMITED"  # too many actions too fast (backend.core.limits)
    NOT_FOUND = "NOT_FOUND"
    INVALID_STATE = "INVALID_STATE"
    SELF_APPROVAL = "SELF_APPROVAL"  # the author cannot approve their own publication
    REASON_REQUIRED = "REASON_REQUIRED"  # a withdrawal, an extension, a partial/refused reply
    EXTENSION_ALREADY_USED = "EXTENSION_ALREADY_USED"  # 第三十三条: one extension only
    EXTENSION_TOO_LONG = "EXTENSION_TOO_LONG"  # 第三十三条: at most 20 working days
    DEADLINE_NOT_CONFIGURED = "DEADLINE_NOT_CONFIGURED"
