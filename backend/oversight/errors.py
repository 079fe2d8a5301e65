"""Error codes of oversight (messages are Chinese, for people)."""

import enum


class OversightErrorCode(enum.Enum):
    INVALID = "INVALID"
    NOT_FOUND = "NOT_FOUND"
    UNKNOWN_UNIT = "UNKNOWN_UNIT"
    UNKNOWN_VENUE = "UNKNOWN_VENUE"
    WRONG_UNIT_KIND = "WRONG_UNIT_KIND"  # a contact point outside a township or village
    INVALID_PHONE = "INVALID_PHONE"
    FUTURE_DATE = "FUTURE_DATE"
    BAD_DATES = "BAD_DATES"  # an end before its start
    CASE_NOT_CLOSED = "CASE_NOT_CLOSED"  # 三评 of a matter not yet handled
    ALREADY_EVALUATED = "ALREADY_EVALUATED"  # a second 群众评议 of one case by one person
    ALREADY_CONCLUDED = "ALREADY_CONCLUDED"
