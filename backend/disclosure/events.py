"""Every event type of 政务公开's streams and its payload:

- `publication:<id>`: a publication's drafting, approval (publishing) and withdrawal;
- `inforequest:<id>`: a 依申请公开 request's receipt, extension and reply.

Requests' payloads never carry the requester's name or phone (personal data).
"""

from __future__ import annotations

from typing_extensions import TypedDict

from realtime.event_types import EventNames, EventTypes, Logged, shape


@shape
class PublicationDrafted(TypedDict):
    id: int
    title: str
    category: str
    state: str


@shape
class PublicationApproved(TypedDict):
    title: str
    body: str
    category: str
    state: str
    publishedAt: str


@shape
class PublicationWithdrawn(TypedDict):
    state: str
    reason: str


class PublicationEvent(EventNames):
    DRAFTED = Logged("publication.drafted", PublicationDrafted, "拟稿")
    APPROVED = Logged("publication.approved", PublicationApproved, "审核通过并发布")
    WITHDRAWN = Logged("publication.withdrawn", PublicationWithdrawn, "撤回")


PUBLICATION_EVENTS = EventTypes("publication", PublicationEvent)


@shape
class RequestReceived(TypedDict):
    id: int
    number: str
    receivedOn: str
    dueOn: str
    dueProvisional: bool
    state: str


@shape
class RequestExtended(TypedDict):
    workingDays: int
    reason: str
    dueOn: str
    dueProvisional: bool


@shape
class RequestAnswered(TypedDict):
    replyType: str
    text: str
    answeredOn: str
    late: bool
    state: str


@shape
class RequestDeadlineChanged(TypedDict):
    dueOn: str
    dueProvisional: bool
    extendedDueOn: str | None
    extendedProvisional: bool


class RequestEvent(EventNames):
    RECEIVED = Logged("inforequest.received", RequestReceived, "收到申请")
    EXTENDED = Logged("inforequest.extended", RequestExtended, "延长答复期限")
    ANSWERED = Logged("inforequest.answered", RequestAnswered, "答复")
    DEADLINE_CHANGED = Logged(
        "inforequest.deadlineChanged", RequestDeadlineChanged, "答复期限重算（日历公布）"
    )


REQUEST_EVENTS = EventTypes("inforequest", RequestEvent)
