"""Every event type of a meeting's stream (`meeting:<id>`), its payload and its label in the
record: the one list the producers (the workflow modules), the views of each viewer
(`backend.meetings.visibility`), the live view (`schema.meetings.types.live_data`) and the
record (`backend.meetings.record`) share (`realtime.event_types`).

Payloads are as appended: person labels (`name` beside `userId`, `authorName` beside
`authorId`) included. The log stores them without the labels and every read fills them
in again from the person's current name (None for an unknown id), hence `str | None`.
Times are ISO 8601 strings. To add a type: a member here, its payload and label in
`MEETING_EVENTS`, its view in `visibility.OUTSIDE_HOST`, its live member in `live_data`
(or the list of types not shown live), and the meeting of `tests/test_public_streams.py`
must append it.
"""

from __future__ import annotations

import enum
from typing import Any, NotRequired

from typing_extensions import TypedDict

from realtime.event_types import EventSpec, EventTypes, shape
from realtime.log import SEALED_TYPE


class MeetingEvent(enum.StrEnum):
    """The types of the meeting stream's events and live values (`noun.pastTense`)."""

    MEETING_CREATED = "meeting.created"
    MEETING_STATE_CHANGED = "meeting.stateChanged"
    PARTICIPANT_INVITED = "participant.invited"
    PARTICIPANT_REGISTERED = "participant.registered"
    PARTICIPANT_CHECKED_IN = "participant.checkedIn"
    MATERIAL_ADDED = "material.added"
    AGENDA_ITEM_ADDED = "agenda.itemAdded"
    TIMER_START = "timer.start"
    TIMER_PAUSE = "timer.pause"
    TIMER_RESUME = "timer.resume"
    TIMER_STOP = "timer.stop"
    TIMER_ONE_MINUTE_LEFT = "timer.oneMinuteLeft"
    TIMER_TIME_UP = "timer.timeUp"
    POLL_CREATED = "poll.created"
    POLL_OPENED = "poll.opened"
    POLL_CLOSED = "poll.closed"
    VOTE_CAST = "vote.cast"
    POLL_TALLY = "poll.tally"
    SCORING_OPENED = "scoring.opened"
    SCORING_CLOSED = "scoring.closed"
    SCORING_COUNTED = "scoring.counted"
    SCORING_TURNOUT = "scoring.turnout"
    SCORE_CAST = "score.cast"
    COMMENT_POSTED = "comment.posted"
    COMMENT_HIDDEN = "comment.hidden"
    COMMENT_ANSWERED_LIVE = "comment.answeredLive"
    COMMENT_HANDED_OVER = "comment.handedOver"
    QUEUE_CHANGED = "queue.changed"
    MINUTES_UPDATED = "minutes.updated"
    RECORD_SEALED = SEALED_TYPE


#: The timer events a host's action appends (`agenda.set_timer`), by action.
TIMER_ACTIONS: dict[str, MeetingEvent] = {
    "start": MeetingEvent.TIMER_START,
    "pause": MeetingEvent.TIMER_PAUSE,
    "resume": MeetingEvent.TIMER_RESUME,
    "stop": MeetingEvent.TIMER_STOP,
}


# -- payloads ------------------------------------------------------------------------------


@shape
class MeetingCreated(TypedDict):
    id: int
    title: str
    kind: str
    mode: str
    state: str
    startsAt: str
    endsAt: str | None
    venueId: int | None
    hostUnitId: int
    capacity: int | None


@shape
class MeetingStateChanged(TypedDict):
    state: str


@shape
class InvitedPerson(TypedDict):
    userId: int
    name: str | None
    role: str


@shape
class ParticipantsInvited(TypedDict):
    participants: list[InvitedPerson]
    votingCodes: NotRequired[bool]  # invited with one-time voting codes (backend/meetings/codes)


@shape
class ParticipantRegistered(TypedDict):
    userId: int
    name: str | None


@shape
class ParticipantCheckedIn(TypedDict):
    userId: int
    name: str | None
    mode: str
    role: str


@shape
class MaterialAdded(TypedDict):
    id: int
    title: str
    distributedAt: str | None


@shape
class AgendaItemAdded(TypedDict):
    id: int
    position: int
    title: str
    speakerName: str | None
    durationSeconds: int


@shape
class TimerChanged(TypedDict):
    agendaItemId: int
    status: str
    durationSeconds: int
    deadline: str | None
    remainingSeconds: float | None


@shape
class PollChanged(TypedDict):
    id: int
    question: str
    kind: str
    options: list[str]
    maxChoices: int
    eligibility: str
    state: str
    counts: list[int]
    totalVotes: int


@shape
class VoteCast(TypedDict):
    pollId: int
    voteId: int
    choices: list[int]


@shape
class PollTally(TypedDict):
    pollId: int
    counts: list[int]
    totalVotes: int


@shape
class ScoringChanged(TypedDict):
    id: int
    title: str
    scale: str
    targets: list[str]
    state: str
    minBallots: int
    results: dict[str, Any] | None


@shape
class ScoringCounted(TypedDict):
    sheetId: int
    ballots: int
    counted: int


@shape
class ScoringTurnout(TypedDict):
    sheetId: int
    pending: int
    counted: NotRequired[int]


@shape
class ScoreCast(TypedDict):
    sheetId: int


@shape
class CommentPosted(TypedDict):
    id: int
    kind: str
    body: str
    authorId: int | None
    authorName: str | None
    parentId: int | None
    at: str
    hidden: bool
    hiddenReason: str | None
    answeredLive: bool
    handedOverUnitId: int | None


@shape
class CommentHidden(TypedDict):
    id: int
    reason: str
    by: int | None


@shape
class CommentRef(TypedDict):
    id: int


@shape
class CommentHandedOver(TypedDict):
    id: int
    unitId: int
    unitName: str
    caseId: int | None


@shape
class QueueEntry(TypedDict):
    id: int
    userId: int
    name: str | None
    state: str
    topic: str | None


@shape
class QueueChanged(TypedDict):
    queue: list[QueueEntry]
    change: str
    requestId: int


@shape
class MinutesUpdated(TypedDict):
    length: int
    sha256: str | None


@shape
class RecordSealed(TypedDict):
    events: int
    minutesSha256: str | None
    content: dict[str, Any]


E = MeetingEvent
MEETING_EVENTS = EventTypes(
    kind="meeting",
    names=MeetingEvent,
    specs={
        E.MEETING_CREATED: EventSpec(MeetingCreated, "创建会议"),
        E.MEETING_STATE_CHANGED: EventSpec(MeetingStateChanged, "会议状态变更"),
        E.PARTICIPANT_INVITED: EventSpec(ParticipantsInvited, "邀请参会人"),
        E.PARTICIPANT_REGISTERED: EventSpec(ParticipantRegistered, "报名参会"),
        E.PARTICIPANT_CHECKED_IN: EventSpec(ParticipantCheckedIn, "签到"),
        E.MATERIAL_ADDED: EventSpec(MaterialAdded, "添加会议材料"),
        E.AGENDA_ITEM_ADDED: EventSpec(AgendaItemAdded, "添加议程"),
        E.TIMER_START: EventSpec(TimerChanged, "开始计时"),
        E.TIMER_PAUSE: EventSpec(TimerChanged, "暂停计时"),
        E.TIMER_RESUME: EventSpec(TimerChanged, "继续计时"),
        E.TIMER_STOP: EventSpec(TimerChanged, "停止计时"),
        E.TIMER_ONE_MINUTE_LEFT: EventSpec(TimerChanged, "剩余1分钟提醒"),
        E.TIMER_TIME_UP: EventSpec(TimerChanged, "时间到提醒"),
        E.POLL_CREATED: EventSpec(PollChanged, "创建表决"),
        E.POLL_OPENED: EventSpec(PollChanged, "开始表决"),
        E.POLL_CLOSED: EventSpec(PollChanged, "结束表决"),
        E.VOTE_CAST: EventSpec(VoteCast, "投票"),
        E.POLL_TALLY: EventSpec(PollTally, "表决实时计票", live=True),
        E.SCORING_OPENED: EventSpec(ScoringChanged, "开始测评"),
        E.SCORING_CLOSED: EventSpec(ScoringChanged, "结束测评"),
        E.SCORING_COUNTED: EventSpec(ScoringCounted, "计入一批测评票"),
        E.SCORING_TURNOUT: EventSpec(ScoringTurnout, "测评实时进度", live=True),
        # records before mixing batches (migration 0009): one per ballot, never appended now
        E.SCORE_CAST: EventSpec(ScoreCast, "提交测评票", legacy=True),
        E.COMMENT_POSTED: EventSpec(CommentPosted, "发表留言"),
        E.COMMENT_HIDDEN: EventSpec(CommentHidden, "屏蔽留言"),
        E.COMMENT_ANSWERED_LIVE: EventSpec(CommentRef, "现场答复"),
        E.COMMENT_HANDED_OVER: EventSpec(CommentHandedOver, "转交办理"),
        E.QUEUE_CHANGED: EventSpec(QueueChanged, "发言排队变更"),
        E.MINUTES_UPDATED: EventSpec(MinutesUpdated, "更新会议纪要"),
        E.RECORD_SEALED: EventSpec(RecordSealed, "封存记录"),
    },
)
del E
