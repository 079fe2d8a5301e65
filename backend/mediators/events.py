"""Every event type of the county's `mediators` stream (the 解事员 pool) and its payload.

No payload carries a name or a phone number: people appear as ids, and the public view of
the stream (`backend.mediators.stream`) drops the types that tie a 解事员 to a case or to
their evaluation. Dates are `YYYY-MM-DD`.
"""

from __future__ import annotations

from typing_extensions import TypedDict

from realtime.event_types import EventNames, EventTypes, Logged, shape


@shape
class MediatorChanged(TypedDict):
    id: int
    level: str
    orgUnitId: int
    roles: list[str]
    skills: list[str]
    venueIds: list[int]
    active: bool


@shape
class MediatorTrained(TypedDict):
    mediatorId: int
    trainingId: int
    course: str
    trainedOn: str
    hours: float


@shape
class MediatorEvaluated(TypedDict):
    mediatorId: int
    evaluationId: int
    period: str
    grade: str
    score: int | None


@shape
class MediatorAwarded(TypedDict):
    mediatorId: int
    awardId: int
    title: str
    awardedOn: str


@shape
class MediatorAssigned(TypedDict):
    mediatorId: int
    assignmentId: int
    caseId: int


class MediatorEvent(EventNames):
    """The types of the `mediators` stream (`noun.pastTense`): name, payload, label."""

    MEDIATOR_REGISTERED = Logged("mediator.registered", MediatorChanged, "解事员入库")
    MEDIATOR_UPDATED = Logged("mediator.updated", MediatorChanged, "解事员信息变更")
    MEDIATOR_TRAINED = Logged("mediator.trained", MediatorTrained, "解事员培训")
    MEDIATOR_EVALUATED = Logged("mediator.evaluated", MediatorEvaluated, "解事员考评")
    MEDIATOR_AWARDED = Logged("mediator.awarded", MediatorAwarded, "解事员评选表彰")
    MEDIATOR_ASSIGNED = Logged("mediator.assigned", MediatorAssigned, "选派解事员")


MEDIATOR_EVENTS = EventTypes("mediators", MediatorEvent)
