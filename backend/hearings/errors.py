"""Error codes of the hearings domain (messages are Chinese, for people)."""

import enum


class HearingErrorCode(enum.Enum):
    INVALID = "INVALID"
    RATE_LIMITED = "RATE_LIMITED"  # too many actions too fast (backend.core.limits)
    NOT_FOUND = "NOT_FOUND"
    INVALID_STATE = "INVALID_STATE"  # the hearing is not in a state the action needs
    UNKNOWN_UNIT = "UNKNOWN_UNIT"
    NOTICE_TOO_LATE = "NOTICE_TOO_LATE"  # 听证会举行10日前公告 (rulebook meeting.hearing_notice)
    TOO_FEW_SEATS = "TOO_FEW_SEATS"  # 代表不少于10人 (meeting.hearing_min_representatives)
    TOO_MANY_SEATS = "TOO_MANY_SEATS"  # 列席代表原则为35人 (decision.attending_representatives)
    UNKNOWN_CATEGORY = "UNKNOWN_CATEGORY"  # a category without a quota
    DUPLICATE = "DUPLICATE"  # applied twice, a category or witness given twice
    NO_COMMITMENTS = "NO_COMMITMENTS"  # a draw without witnesses' commitments
    COMMITMENTS_LATE = "COMMITMENTS_LATE"  # committed after applications opened
    REVEAL_MISMATCH = "REVEAL_MISMATCH"  # a reveal that does not hash to its commitment
    REVEALS_MISSING = "REVEALS_MISSING"  # a witness has not revealed
    PUBLIC_RANDOMNESS_REQUIRED = "PUBLIC_RANDOMNESS_REQUIRED"
    NOT_REPRESENTATIVE = "NOT_REPRESENTATIVE"  # only selected representatives confirm
    TRANSCRIPT_CHANGED = "TRANSCRIPT_CHANGED"  # confirming a version that is not the current
    ALREADY_CONFIRMED = "ALREADY_CONFIRMED"
    REASON_REQUIRED = "REASON_REQUIRED"  # a view not adopted without a reason
    VERIFICATION_REQUIRED = "VERIFICATION_REQUIRED"  # 实名制: the applicant's level is too low
