"""Every event type of a case's stream (`case:<id>`) and its payload: the one list the
producers (the workflow modules), the views (`backend.cases.visibility`) and the inbox
share (`realtime.event_types`).

No payload carries a person's name or phone number: people appear as ids only where the
view decides (`submitterId` is dropped outside staff views). Times are ISO 8601 strings,
dates `YYYY-MM-DD`. To add a type: a `Logged` member of `CaseEvent` (name, payload, label),
its view in `visibility.PUBLIC_VIEW`, and the case of `tests/test_cases_visibility.py`
must append it.
"""

from __future__ import annotations

from typing_extensions import TypedDict

from realtime.event_types import EventNames, EventTypes, Logged, shape

# -- payloads ------------------------------------------------------------------------------


@shape
class CaseReceived(TypedDict):
    id: int
    number: str
    channel: str
    kind: str
    title: str
    state: str
    isPrivate: bool
    accountableUnitId: int
    placeUnitId: int | None
    submitterId: int | None
    meetingId: int | None
    meetingCommentId: int | None


@shape
class CaseClassified(TypedDict):
    kind: str
    matterClass: str | None
    handlingClass: str | None
    isPrivate: bool
    dueOn: str | None
    dueProvisional: bool


@shape
class CaseOutOfScope(TypedDict):
    flag: str
    reason: str
    state: str


@shape
class CaseDispatched(TypedDict):
    assignmentId: int
    unitId: int
    role: str
    signDueAt: str | None
    dueOn: str | None
    state: str
    bounceCount: int


@shape
class CaseSigned(TypedDict):
    assignmentId: int
    unitId: int
    accountableUnitId: int
    state: str


@shape
class CaseReturned(TypedDict):
    assignmentId: int
    unitId: int
    reason: str
    bounceCount: int
    accountableUnitId: int
    state: str


@shape
class CaseEscalated(TypedDict):
    fromUnitId: int
    toUnitId: int
    direction: str  # UP (to the parent unit), DOWN (to a unit below), COUNTY (county office)
    reason: str | None


@shape
class CaseReplied(TypedDict):
    replyId: int
    kind: str
    unitId: int | None
    body: str
    state: str


@shape
class CaseFollowedUp(TypedDict):
    replyId: int
    result: str
    body: str


@shape
class CaseRated(TypedDict):
    satisfaction: str
    text: str | None
    state: str


@shape
class CaseReopened(TypedDict):
    reason: str
    reopenCount: int
    state: str


@shape
class CaseClosed(TypedDict):
    state: str
    closedDissatisfied: bool


@shape
class CaseMerged(TypedDict):
    primaryId: int
    mergedIds: list[int]


@shape
class CasePublished(TypedDict):
    publishedAt: str


@shape
class CaseDeadlineChanged(TypedDict):
    dueOn: str | None
    dueProvisional: bool


@shape
class CaseReminded(TypedDict):
    level: str  # SOON_DUE (due within the warning window) or OVERDUE
    unitId: int
    dueOn: str


@shape
class InboxItem(TypedDict):
    caseId: int
    number: str
    title: str
    state: str
    assignmentId: int | None
    role: str | None
    dueOn: str | None
    note: str | None


class CaseEvent(EventNames):
    """The types of the case stream's events (`noun.pastTense`): name, payload, label."""

    CASE_RECEIVED = Logged("case.received", CaseReceived, "受理")
    CASE_CLASSIFIED = Logged("case.classified", CaseClassified, "分类定性")
    CASE_OUT_OF_SCOPE = Logged("case.outOfScope", CaseOutOfScope, "不予受理")
    CASE_DISPATCHED = Logged("case.dispatched", CaseDispatched, "派单")
    CASE_SIGNED = Logged("case.signed", CaseSigned, "签收")
    CASE_RETURNED = Logged("case.returned", CaseReturned, "退单")
    CASE_REDISPATCHED = Logged("case.redispatched", CaseDispatched, "重派")
    CASE_ESCALATED = Logged("case.escalated", CaseEscalated, "吹哨报到/上报下派")
    CASE_REPLIED = Logged("case.replied", CaseReplied, "答复")
    CASE_SUPERVISED = Logged("case.supervised", CaseReplied, "督办")
    CASE_FOLLOWED_UP = Logged("case.followedUp", CaseFollowedUp, "回访")
    CASE_ANSWERED = Logged("case.answered", CaseReplied, "办结答复")
    CASE_RATED = Logged("case.rated", CaseRated, "满意度评价")
    CASE_REOPENED = Logged("case.reopened", CaseReopened, "重新办理")
    CASE_CLOSED = Logged("case.closed", CaseClosed, "办结")
    CASE_MERGED = Logged("case.merged", CaseMerged, "合并")
    CASE_PUBLISHED = Logged("case.published", CasePublished, "公开")
    CASE_DEADLINE_CHANGED = Logged("case.deadlineChanged", CaseDeadlineChanged, "办理时限变更")
    CASE_REMINDED = Logged("case.reminded", CaseReminded, "到期提醒")


CASE_EVENTS = EventTypes("case", CaseEvent)


class InboxEvent(EventNames):
    """The types of a unit's inbox stream (`caseinbox:<unit>`): what reaches its staff."""

    RECEIVED = Logged("inbox.received", InboxItem, "新受理")
    DISPATCHED = Logged("inbox.dispatched", InboxItem, "新派单")
    SIGNED = Logged("inbox.signed", InboxItem, "已签收")
    RETURNED = Logged("inbox.returned", InboxItem, "退单待重派")
    ESCALATED = Logged("inbox.escalated", InboxItem, "上报/下派")
    SUPERVISED = Logged("inbox.supervised", InboxItem, "督办")
    REOPENED = Logged("inbox.reopened", InboxItem, "不满意重办")
    DUE_SOON = Logged("inbox.dueSoon", InboxItem, "临期提醒")
    OVERDUE = Logged("inbox.overdue", InboxItem, "超期提醒")


INBOX_EVENTS = EventTypes("caseinbox", InboxEvent)
