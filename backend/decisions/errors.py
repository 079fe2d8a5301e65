"""Error codes of the decisions domain (messages are Chinese, for people)."""

import enum


class DecisionErrorCode(enum.Enum):
    INVALID = "INVALID"
    RATE_LIMITED = "RATE_LIMITED"  # comments or survey answers too fast (backend.core.limits)
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
    # 民意调查 (surveys): the questionnaire and its answers
    SURVEY_CLOSED = "SURVEY_CLOSED"  # not open for answers (before, after or closed)
    UNKNOWN_QUESTION = "UNKNOWN_QUESTION"  # an answer to no question of this questionnaire
    ANSWER_REQUIRED = "ANSWER_REQUIRED"  # a required question left unanswered
    CHOICE_OUT_OF_RANGE = "CHOICE_OUT_OF_RANGE"  # an option number the question does not have
    TOO_MANY_CHOICES = "TOO_MANY_CHOICES"  # more choices than the question allows
    SCALE_OUT_OF_RANGE = "SCALE_OUT_OF_RANGE"  # a scale answer outside 1–5
    TEXT_TOO_LONG = "TEXT_TOO_LONG"  # a free-text answer over the limit
    IDEMPOTENCY_CONFLICT = "IDEMPOTENCY_CONFLICT"  # the key names someone else's answers
    SURVEY_REPORT_MISSING = "SURVEY_REPORT_MISSING"  # the gate: 民意调查报告 not written (第八条)
    # 座谈/协商 materials (第七条)
    MATERIALS_TOO_LATE = "MATERIALS_TOO_LATE"  # 决策方案及起草说明 sent < 3 working days before
