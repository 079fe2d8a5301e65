"""Every event type of the county's `oversight` stream and its payload: observers, 三评,
the self-correction ledger and the review contact points.

No payload carries a name, a phone number, an applicant or the words of a matter or an
evaluation: those stay in the tables, shown by the schema as the caller may see them.
Dates are `YYYY-MM-DD`.
"""

from __future__ import annotations

from typing_extensions import TypedDict

from realtime.event_types import EventNames, EventTypes, Logged, shape


@shape
class ObserverAppointed(TypedDict):
    id: int
    orgUnitId: int
    area: str | None
    termStart: str
    termEnd: str | None


@shape
class CaseEvaluated(TypedDict):
    id: int
    caseId: int
    kind: str
    grade: str
    score: int | None


@shape
class CorrectionRecorded(TypedDict):
    id: int
    direction: str
    unitId: int
    caseId: int | None
    receivedOn: str
    startedOn: str | None
    outcome: str


@shape
class CorrectionConcluded(TypedDict):
    id: int
    concludedOn: str
    outcome: str


@shape
class ReviewPointCreated(TypedDict):
    id: int
    orgUnitId: int
    venueId: int | None
    name: str


@shape
class ReviewPointStaffAdded(TypedDict):
    pointId: int
    staffId: int
    position: str | None


@shape
class ReviewRequestRecorded(TypedDict):
    id: int
    pointId: int
    receivedOn: str
    forwardedTo: str
    forwardedOn: str | None
    outcome: str


@shape
class ReviewRequestOutcomeSet(TypedDict):
    id: int
    pointId: int
    outcome: str


class OversightEvent(EventNames):
    """The types of the `oversight` stream (`noun.pastTense`): name, payload, label."""

    OBSERVER_APPOINTED = Logged("observer.appointed", ObserverAppointed, "聘请民意观察员")
    CASE_EVALUATED = Logged("evaluation.recorded", CaseEvaluated, "三评")
    CORRECTION_RECORDED = Logged("correction.recorded", CorrectionRecorded, "执法自我纠错登记")
    CORRECTION_CONCLUDED = Logged("correction.concluded", CorrectionConcluded, "执法自我纠错办结")
    REVIEW_POINT_CREATED = Logged(
        "reviewPoint.created", ReviewPointCreated, "设立行政复议便民联系点"
    )
    REVIEW_POINT_STAFF_ADDED = Logged(
        "reviewPoint.staffAdded", ReviewPointStaffAdded, "联系点工作人员"
    )
    REVIEW_REQUEST_RECORDED = Logged(
        "reviewRequest.recorded", ReviewRequestRecorded, "接收转交行政复议申请"
    )
    REVIEW_REQUEST_OUTCOME_SET = Logged(
        "reviewRequest.outcomeSet", ReviewRequestOutcomeSet, "行政复议申请办理结果"
    )


OVERSIGHT_EVENTS = EventTypes("oversight", OversightEvent)
