"""Error codes of the decisions domain (messages are Chinese, for people)."""

import enum


class DecisionErrorCode(enum.Enum):
    INVALID = "INVALID"
    RATE_LIMITED = "RATE_LIMITED"  # too many actions too fast (backend.core.limits)
    NOT_FOUND = "NOT_FOUND"
    INVALID_STATE = "INVALID_STATE"  # the decision or step is not in a state the action needs
    UNKNOWN_UNIT = "UNKNOWN_UNIT"
    UNKNOWN_USER = "UNKNOWN_USER"
    EMPTY_DRAFT = "EMPTY_DRAFT"  # a version with no paragraph
    TOO_FEW_ALTERNATIVES = "TOO_FEW_ALTERNATIVES"  # 需比较方案时少于规定的方案数
    STEP_SKIPPED = "STEP_SKIPPED"  # 跳过了前一步骤
    STEP_INCOMPLETE = "STEP_INCOMPLETE"  # the gate: an earlier step is not completed
    REPORT_MISSING = "REPORT_MISSING"  # the gate: no participation report
    REPORT_OUTDATED = "REPORT_OUTDATED"  # the gate: opinions changed after the report
    OPINIONS_UNANSWERED = "OPINIONS_UNANSWERED"  # 意见未逐条答复
    DOCUMENT_REQUIRED = "DOCUMENT_REQUIRED"  # a step completed without a document
    RESPONSIBLE_REQUIRED = "RESPONSIBLE_REQUIRED"  # a step completed without its 负责人
    COMMENT_PERIOD_TOO_SHORT = "COMMENT_PERIOD_TOO_SHORT"  # shorter than the rulebook's period
    COMMENT_PERIOD_CLOSED = "COMMENT_PERIOD_CLOSED"  # no open comment period
    COMMENT_PERIOD_OPEN = "COMMENT_PERIOD_OPEN"  # the period has not ended yet
    REASON_REQUIRED = "REASON_REQUIRED"  # 不予采纳/部分采纳 without a reason
    ALREADY_ANSWERED = "ALREADY_ANSWERED"
    STALE_PARAGRAPH = "STALE_PARAGRAPH"  # a paragraph of an older version
    MEETING_NOT_FOUND = "MEETING_NOT_FOUND"
    DOCUMENT_TOO_LARGE = "DOCUMENT_TOO_LARGE"
    RECORD_SEALED = "RECORD_SEALED"
    ALREADY_EVALUATED = "ALREADY_EVALUATED"  # one 群众评议表 per person
