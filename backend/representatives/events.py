"""Every event type of the representatives domain's streams and its payload
(`realtime.event_types`):

- `representative:<id>`: registration and the places served (linked, ended);
- `proposal:<id>`: a suggestion's or proposal's whole handling (建议提案办理);
- `wconsultation:<id>`: a written consultation sent and each reply;
- `counterpart:<id>`: a 对口协商 session recorded.

No payload carries a phone number; people appear by id (representatives by their
representative id, staff as the event's actor).
"""

from __future__ import annotations

from typing_extensions import TypedDict

from realtime.event_types import EventNames, EventTypes, Logged, shape


@shape
class RepresentativeRegistered(TypedDict):
    id: int
    kind: str
    level: str | None
    sector: str | None
    name: str
    hasAccount: bool


@shape
class PlaceLinked(TypedDict):
    linkId: int
    orgUnitId: int | None
    venueId: int | None
    startsOn: str
    endsOn: str | None


class RepresentativeEvent(EventNames):
    REGISTERED = Logged("representative.registered", RepresentativeRegistered, "登记代表委员")
    PLACE_LINKED = Logged("representative.placeLinked", PlaceLinked, "联系村社/联系点")
    PLACE_ENDED = Logged("representative.placeEnded", PlaceLinked, "结束联系")


REPRESENTATIVE_EVENTS = EventTypes("representative", RepresentativeEvent)


@shape
class ProposalRegistered(TypedDict):
    id: int
    number: str
    kind: str
    title: str
    representativeId: int
    state: str


@shape
class ProposalAssigned(TypedDict):
    leadUnitId: int
    coUnitIds: list[int]
    assignedOn: str
    dueOn: str | None
    dueProvisional: bool
    state: str


@shape
class ProposalTaken(TypedDict):
    leaderUserId: int
    note: str | None


@shape
class ProposalMeetingLinked(TypedDict):
    meetingId: int


@shape
class ProposalReplied(TypedDict):
    body: str
    repliedOn: str
    onTime: bool | None
    state: str


@shape
class ProposalRated(TypedDict):
    satisfaction: str
    text: str | None
    state: str


@shape
class DeadlineChanged(TypedDict):
    dueOn: str
    dueProvisional: bool


class ProposalEvent(EventNames):
    REGISTERED = Logged("proposal.registered", ProposalRegistered, "登记")
    ASSIGNED = Logged("proposal.assigned", ProposalAssigned, "交办")
    TAKEN = Logged("proposal.taken", ProposalTaken, "领导领办")
    MEETING_LINKED = Logged("proposal.meetingLinked", ProposalMeetingLinked, "面对面办理")
    REPLIED = Logged("proposal.replied", ProposalReplied, "答复")
    RATED = Logged("proposal.rated", ProposalRated, "满意度评价")
    DEADLINE_CHANGED = Logged("proposal.deadlineChanged", DeadlineChanged, "答复时限变更")


PROPOSAL_EVENTS = EventTypes("proposal", ProposalEvent)


@shape
class ConsultationSent(TypedDict):
    id: int
    title: str
    senderUnitId: int
    dueOn: str
    dueProvisional: bool
    recipients: list[int]


@shape
class ConsultationReplied(TypedDict):
    recipientId: int
    body: str
    onTime: bool


class ConsultationEvent(EventNames):
    SENT = Logged("wconsultation.sent", ConsultationSent, "书面征询")
    REPLIED = Logged("wconsultation.replied", ConsultationReplied, "书面反馈")
    DEADLINE_CHANGED = Logged("wconsultation.deadlineChanged", DeadlineChanged, "反馈时限变更")


CONSULTATION_EVENTS = EventTypes("wconsultation", ConsultationEvent)


@shape
class CounterpartRecorded(TypedDict):
    id: int
    departmentUnitId: int
    committee: str
    title: str
    heldOn: str
    topics: list[str]
    participants: int


class CounterpartEvent(EventNames):
    RECORDED = Logged("counterpart.recorded", CounterpartRecorded, "对口协商记录")


COUNTERPART_EVENTS = EventTypes("counterpart", CounterpartEvent)
