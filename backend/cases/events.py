"""Every event type of a case's stream (`case:<id>`) and its payload: the one list the
producers (the workflow modules), the views (`backend.cases.visibility`) and the inbox
share (`realtime.event_types`).

No payload carries a person's name or phone number: people appear as ids only where the
view decides (`submitterId` is dropped outside staff views). Times are ISO 8601 strings,
dates `YYYY-MM-DD`. To add a type: a member here, its payload and label in `CASE_EVENTS`,
its view in `visibility.PUBLIC_VIEW`, and the case of `tests/test_cases_visibility.py`
must append it.
"""

from __future__ import annotations

import enum

from typing_extensions import TypedDict

from realtime.event_types import EventSpec, EventTypes, shape


class CaseEvent(enum.StrEnum):
    """The types of the case stream's events (`noun.pastTense`)."""

    CASE_RECEIVED = "case.received"
    CASE_CLASSIFIED = "case.classified"
    CASE_OUT_OF_SCOPE = "case.outOfScope"
    CASE_DISPATCHED = "case.dispatched"
    CASE_SIGNED = "case.signed"
    CASE_RETURNED = "case.returned"
    CASE_REDISPATCHED = "case.redispatched"
    CASE_ESCALATED = "case.escalated"
    CASE_REPLIED = "case.replied"
    CASE_SUPERVISED = "case.supervised"
    CASE_FOLLOWED_UP = "case.followedUp"
    CASE_ANSWERED = "case.answered"
    CASE_RATED = "case.rated"
    CASE_REOPENED = "case.reopened"
    CASE_CLOSED = "case.closed"
    CASE_MERGED = "case.merged"
    CASE_PUBLISHED = "case.published"
    CASE_DEADLINE_CHANGED = "case.deadlineChanged"
    CASE_REMINDED = "case.reminded"


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


E = CaseEvent
CASE_EVENTS = EventTypes(
    kind="case",
    names=CaseEvent,
    specs={
        E.CASE_RECEIVED: EventSpec(CaseReceived, "受理"),
        E.CASE_CLASSIFIED: EventSpec(CaseClassified, "分类定性"),
        E.CASE_OUT_OF_SCOPE: EventSpec(CaseOutOfScope, "不予受理"),
        E.CASE_DISPATCHED: EventSpec(CaseDispatched, "派单"),
        E.CASE_SIGNED: EventSpec(CaseSigned, "签收"),
        E.CASE_RETURNED: EventSpec(CaseReturned, "退单"),
        E.CASE_REDISPATCHED: EventSpec(CaseDispatched, "重派"),
        E.CASE_ESCALATED: EventSpec(CaseEscalated, "吹哨报到/上报下派"),
        E.CASE_REPLIED: EventSpec(CaseReplied, "答复"),
        E.CASE_SUPERVISED: EventSpec(CaseReplied, "督办"),
        E.CASE_FOLLOWED_UP: EventSpec(CaseFollowedUp, "回访"),
        E.CASE_ANSWERED: EventSpec(CaseReplied, "办结答复"),
        E.CASE_RATED: EventSpec(CaseRated, "满意度评价"),
        E.CASE_REOPENED: EventSpec(CaseReopened, "重新办理"),
        E.CASE_CLOSED: EventSpec(CaseClosed, "办结"),
        E.CASE_MERGED: EventSpec(CaseMerged, "合并"),
        E.CASE_PUBLISHED: EventSpec(CasePublished, "公开"),
        E.CASE_DEADLINE_CHANGED: EventSpec(CaseDeadlineChanged, "办理时限变更"),
        E.CASE_REMINDED: EventSpec(CaseReminded, "到期提醒"),
    },
)
del E


class InboxEvent(enum.StrEnum):
    """The types of a unit's inbox stream (`caseinbox:<unit>`): what reaches its staff."""

    RECEIVED = "inbox.received"  # a case raised at this unit (首接)
    DISPATCHED = "inbox.dispatched"  # a case dispatched to this unit (待签收)
    SIGNED = "inbox.signed"  # this unit signed for it
    RETURNED = "inbox.returned"  # a unit returned it (to the county office's inbox)
    ESCALATED = "inbox.escalated"  # asked for help (吹哨) or handed down
    SUPERVISED = "inbox.supervised"  # 督办
    REOPENED = "inbox.reopened"  # the submitter was not satisfied
    DUE_SOON = "inbox.dueSoon"
    OVERDUE = "inbox.overdue"


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


B = InboxEvent
INBOX_EVENTS = EventTypes(
    kind="caseinbox",
    names=InboxEvent,
    specs={
        B.RECEIVED: EventSpec(InboxItem, "新受理"),
        B.DISPATCHED: EventSpec(InboxItem, "新派单"),
        B.SIGNED: EventSpec(InboxItem, "已签收"),
        B.RETURNED: EventSpec(InboxItem, "退单待重派"),
        B.ESCALATED: EventSpec(InboxItem, "上报/下派"),
        B.SUPERVISED: EventSpec(InboxItem, "督办"),
        B.REOPENED: EventSpec(InboxItem, "不满意重办"),
        B.DUE_SOON: EventSpec(InboxItem, "临期提醒"),
        B.OVERDUE: EventSpec(InboxItem, "超期提醒"),
    },
)
del B
