"""Error codes of the 网络问政 and opinion-collection domain (messages are Chinese)."""

import enum


class InquiryErrorCode(enum.Enum):
    INVALID = "INVALID"
    RATE_LIMITED = "RATE_LIMITED"  # too many actions too fast (backend.core.limits)
    NOT_FOUND = "NOT_FOUND"
    INVALID_STATE = "INVALID_STATE"  # the session, question or opinion is not in that state
    UNKNOWN_UNIT = "UNKNOWN_UNIT"  # no such unit in this county
    ALREADY_GROUPED = "ALREADY_GROUPED"  # a department is in one schedule group at most
    NOT_LEADER = "NOT_LEADER"  # the leader account holds no staff role of the department
    NOT_WORKING_DAY = "NOT_WORKING_DAY"  # rescheduled onto a day off
    REASON_REQUIRED = "REASON_REQUIRED"  # rescheduling, cancelling, rejecting need a reason
    CONTACT_REQUIRED = "CONTACT_REQUIRED"  # a caller's question without name or phone
    WRONG_MEETING_KIND = "WRONG_MEETING_KIND"  # collections belong to a 述职报告会
    TOO_LATE = "TOO_LATE"  # opened less than the rule's lead time before the meeting
    ALREADY_OPEN = "ALREADY_OPEN"  # the meeting already has a collection
    CLOSED = "CLOSED"  # the collection closed when the meeting started
    NOT_REPORTING_UNIT = "NOT_REPORTING_UNIT"  # the unit does not report at that meeting
    NOT_GIVER = "NOT_GIVER"  # only the person who gave the opinion rates its handling
    NOT_ANSWERED = "NOT_ANSWERED"  # rating an opinion that has no answer yet
    ALREADY_RATED = "ALREADY_RATED"
    EXCLUDED_TOPIC = "EXCLUDED_TOPIC"  # 议事内容清单 (cases): not a matter to take up as a case
