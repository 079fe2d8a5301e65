"""Error codes of the 解事员 pool (messages are Chinese, for people)."""

import enum


class MediatorErrorCode(enum.Enum):
    INVALID = "INVALID"
    NOT_FOUND = "NOT_FOUND"
    UNKNOWN_UNIT = "UNKNOWN_UNIT"  # no such unit in this county
    WRONG_LEVEL = "WRONG_LEVEL"  # the unit is not of the pool's level
    UNKNOWN_VENUE = "UNKNOWN_VENUE"
    INVALID_PHONE = "INVALID_PHONE"
    FUTURE_DATE = "FUTURE_DATE"  # a training, evaluation or award dated after today
    INACTIVE = "INACTIVE"  # assigning a 解事员 who no longer serves
    ALREADY_ASSIGNED = "ALREADY_ASSIGNED"
    INVALID_STATE = "INVALID_STATE"  # the case is not open
