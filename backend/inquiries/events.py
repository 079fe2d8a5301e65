"""Every event type of the domain's three stream kinds and their payloads
(`realtime.event_types`):

- `inquirygroup:<id>`: a schedule group made (its departments and slot rule);
- `inquiry:<session id>`: the session's life (scheduled, rescheduled, cancelled, started,
  ended) and its questions (asked, assigned, answered live, turned into a case): the live
  feed of the session;
- `opinions:<collection id>`: the collection opened and each opinion's handling.

No payload carries a name or phone number: people appear as account ids only, which the
public views drop (`backend.inquiries.visibility`).
"""

from __future__ import annotations

from typing_extensions import TypedDict

from realtime.event_types import EventNames, EventTypes, Logged, shape


@shape
class GroupUnitShape(TypedDict):
    unitId: int
    leaderId: int
    position: int


@shape
class GroupCreated(TypedDict):
    id: int
    name: str
    frequency: str
    weekday: int
    ordinal: int
    monthInPeriod: int
    startTime: str
    durationMinutes: int
    units: list[GroupUnitShape]


class GroupEvent(EventNames):
    GROUP_CREATED = Logged("inquiryGroup.created", GroupCreated, "设立问政上线组别")


GROUP_EVENTS = EventTypes("inquirygroup", GroupEvent)


@shape
class SessionScheduled(TypedDict):
    id: int
    groupId: int
    unitId: int
    year: int
    period: int
    plannedOn: str
    scheduledOn: str
    startsAt: str
    endsAt: str
    movedReason: str | None
    provisional: bool
    state: str


@shape
class SessionRescheduled(TypedDict):
    scheduledOn: str
    startsAt: str
    endsAt: str
    reason: str
    state: str


@shape
class SessionCancelled(TypedDict):
    reason: str
    state: str


@shape
class SessionStateChanged(TypedDict):
    state: str


@shape
class QuestionAsked(TypedDict):
    id: int
    body: str
    askerId: int | None
    enteredById: int | None
    responderId: int
    state: str


@shape
class QuestionAssigned(TypedDict):
    id: int
    responderId: int


@shape
class QuestionAnswered(TypedDict):
    id: int
    answer: str
    state: str


@shape
class QuestionTurnedIntoCase(TypedDict):
    id: int
    caseId: int
    caseNumber: str
    kind: str
    initialReply: str | None
    state: str


class SessionEvent(EventNames):
    SCHEDULED = Logged("inquirySession.scheduled", SessionScheduled, "排定问政场次")
    RESCHEDULED = Logged("inquirySession.rescheduled", SessionRescheduled, "调整问政时间")
    CANCELLED = Logged("inquirySession.cancelled", SessionCancelled, "取消问政场次")
    STARTED = Logged("inquirySession.started", SessionStateChanged, "问政开始")
    ENDED = Logged("inquirySession.ended", SessionStateChanged, "问政结束")
    QUESTION_ASKED = Logged("inquiryQuestion.asked", QuestionAsked, "网民提问")
    QUESTION_ASSIGNED = Logged("inquiryQuestion.assigned", QuestionAssigned, "指定答复人")
    QUESTION_ANSWERED = Logged("inquiryQuestion.answered", QuestionAnswered, "现场答复")
    QUESTION_TURNED_INTO_CASE = Logged(
        "inquiryQuestion.turnedIntoCase", QuestionTurnedIntoCase, "转为事项办理"
    )


SESSION_EVENTS = EventTypes("inquiry", SessionEvent)


@shape
class CollectionOpened(TypedDict):
    id: int
    meetingId: int
    title: str
    unitIds: list[int]
    openedAt: str
    closesAt: str


@shape
class OpinionEntered(TypedDict):
    id: int
    unitId: int
    source: str
    body: str
    giverId: int | None
    state: str


@shape
class OpinionReviewed(TypedDict):
    id: int
    accepted: bool
    reason: str | None
    state: str


@shape
class OpinionDispatched(TypedDict):
    id: int
    unitId: int
    handling: str
    state: str


@shape
class ReportOpinionAnswered(TypedDict):
    id: int
    unitId: int
    answer: str
    state: str


@shape
class OpinionRated(TypedDict):
    id: int
    satisfaction: str
    state: str


class OpinionEvent(EventNames):
    COLLECTION_OPENED = Logged("opinionCollection.opened", CollectionOpened, "开通意见建议征集")
    ENTERED = Logged("opinion.entered", OpinionEntered, "集中录入")
    REVIEWED = Logged("opinion.reviewed", OpinionReviewed, "审核")
    DISPATCHED = Logged("opinion.dispatched", OpinionDispatched, "分办")
    ANSWERED = Logged("opinion.answered", ReportOpinionAnswered, "归口答复")
    RATED = Logged("opinion.rated", OpinionRated, "满意度评价")


OPINION_EVENTS = EventTypes("opinions", OpinionEvent)
