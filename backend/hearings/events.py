"""Every event type of a hearing's stream (`hearing:<id>`) and its payload.

No payload names a person: applicants appear by their pseudonymous pool id only, and the
secrets of witnesses only once revealed (when they are public by design). Times are ISO
8601 strings. A new type needs its entry in `visibility.PUBLIC`.
"""

from __future__ import annotations

from typing import Any, NotRequired

from typing_extensions import TypedDict

from realtime.event_types import EventNames, EventTypes, Logged, shape
from realtime.log import SEALED_TYPE


@shape
class QuotaPayload(TypedDict):
    category: str
    seats: int
    alternates: int


@shape
class HearingCreated(TypedDict):
    id: int
    kind: str
    title: str
    matter: str
    place: str
    startsAt: str
    decisionId: int | None
    hostUnitId: int
    quotas: list[QuotaPayload]
    state: str
    requiredVerification: NotRequired[str]  # 实名制 level needed to apply, when not UNVERIFIED


@shape
class WitnessAdded(TypedDict):
    witnessId: int
    position: int
    name: str
    commitment: str
    committedAt: str


@shape
class NoticePublished(TypedDict):
    publishedAt: str
    startsAt: str
    place: str
    matter: str
    howToApply: str
    selectionMethod: str
    quotas: list[QuotaPayload]
    algorithm: str
    algorithmVersion: str
    publicRandomnessSource: str | None
    commitments: list[str]
    rule: str
    state: str


@shape
class StateChanged(TypedDict):
    state: str
    at: str


@shape
class Applied(TypedDict):
    poolId: str
    category: str
    count: int


@shape
class PoolFrozen(TypedDict):
    poolHash: str
    applicants: int
    frozenAt: str
    state: str


@shape
class SecretRevealed(TypedDict):
    witnessId: int
    position: int
    secret: str


@shape
class Drawn(TypedDict):
    seed: str
    poolHash: str
    publicRandomness: str | None
    publicationSha256: str
    selected: list[str]
    alternates: list[str]
    state: str


@shape
class TranscriptSet(TypedDict):
    version: int
    sha256: str


@shape
class TranscriptConfirmed(TypedDict):
    poolId: str
    version: int
    sha256: str
    confirmedAt: str


@shape
class ReportViewPayload(TypedDict):
    position: int
    summary: str
    adopted: bool
    reason: str | None


@shape
class ReportRecorded(TypedDict):
    conclusion: str
    views: list[ReportViewPayload]
    state: str


@shape
class InvitedToMeeting(TypedDict):
    meetingId: int
    poolIds: list[str]


@shape
class RecordSealed(TypedDict):
    events: int
    content: dict[str, Any]


class HearingEvent(EventNames):
    """The types of `hearing:<id>`."""

    CREATED = Logged("hearing.created", HearingCreated, "创建听证")
    WITNESS_ADDED = Logged("hearing.witnessAdded", WitnessAdded, "登记见证人承诺")
    NOTICE_PUBLISHED = Logged("hearing.noticePublished", NoticePublished, "发布听证公告")
    APPLICATIONS_OPENED = Logged("hearing.applicationsOpened", StateChanged, "开始报名")
    APPLIED = Logged("hearing.applied", Applied, "报名")
    POOL_FROZEN = Logged("hearing.poolFrozen", PoolFrozen, "报名截止并冻结名单")
    SECRET_REVEALED = Logged("hearing.secretRevealed", SecretRevealed, "见证人公开秘密")
    DRAWN = Logged("hearing.drawn", Drawn, "随机抽选")
    TRANSCRIPT_SET = Logged("hearing.transcriptSet", TranscriptSet, "形成听证笔录")
    TRANSCRIPT_CONFIRMED = Logged(
        "hearing.transcriptConfirmed", TranscriptConfirmed, "代表确认笔录"
    )
    REPORT_RECORDED = Logged("hearing.reportRecorded", ReportRecorded, "形成听证报告")
    INVITED_TO_MEETING = Logged("hearing.invitedToMeeting", InvitedToMeeting, "邀请代表参会")
    RECORD_SEALED = Logged(SEALED_TYPE, RecordSealed, "封存听证记录")


HEARING_EVENTS = EventTypes("hearing", HearingEvent)
