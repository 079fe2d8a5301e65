"""Every event type of a meeting's stream (`meeting:<id>`), its payload and its label in the
record: the one list the producers (the workflow modules), the views of each viewer
(`backend.meetings.visibility`), the live view (`schema.meetings.types.live_data`) and the
record (`backend.meetings.record`) share (`realtime.event_types`).

Payloads are as appended: person labels (`name` beside `userId`, `authorName` beside
`authorId`) included. The log stores them without the labels and every read fills them
in again from the person's current name (None for an unknown id), hence `str | None`.
Times are ISO 8601 strings. To add a type: its payload here and one line in `MeetingEvent`
(`Logged`, `Live` or `Legacy`: its name, payload and label), its view in
`visibility.OUTSIDE_HOST`, its live member in `live_data` (or the list of types not shown
live), and the meeting of `tests/test_public_streams.py` must append it. Each member is an
`EventKey` of its payload (`realtime.event_types`): mypy refuses a payload of another shape
where it is appended (`backend.meetings.stream`).
"""

from __future__ import annotations

from typing import Any, NotRequired

from typing_extensions import TypedDict

from realtime.event_types import EventNames, EventTypes, Legacy, Live, Logged, shape
from realtime.log import SEALED_TYPE

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
    requiredVerification: NotRequired[str]  # 实名制 level needed, when not UNVERIFIED


@shape
class MeetingStateChanged(TypedDict):
    state: str


@shape
class MeetingVerificationChanged(TypedDict):
    requiredVerification: str  # 实名制 level now needed to register, check in, vote, score


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
    requiredVerification: NotRequired[str]  # a stricter level than the meeting's


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
class VideoRecordingStarted(TypedDict):
    recordingId: int
    roomId: int
    fileName: str


@shape
class VideoRecordingStopped(TypedDict):
    recordingId: int
    roomId: int
    fileName: str
    sha256: str
    bytes: int


@shape
class OpinionMapConcluded(TypedDict):
    """The final opinion map of the meeting (backend.opinion_map): groups, consensus and
    divisive statements, counts; never who voted what."""

    mapId: int
    topic: str
    result: dict[str, Any]


@shape
class RecordSealed(TypedDict):
    events: int
    minutesSha256: str | None
    content: dict[str, Any]


# -- the types ----------------------------------------------------------------------------


class MeetingEvent(EventNames):
    """The types of the meeting stream's events and live values (`noun.pastTense`): per
    type its name in the log, its payload and its label in the record."""

    MEETING_CREATED = Logged("meeting.created", MeetingCreated, "创建会议")
    MEETING_STATE_CHANGED = Logged("meeting.stateChanged", MeetingStateChanged, "会议状态变更")
    MEETING_VERIFICATION_CHANGED = Logged(
        "meeting.verificationChanged", MeetingVerificationChanged, "变更参会实名要求"
    )
    PARTICIPANT_INVITED = Logged("participant.invited", ParticipantsInvited, "邀请参会人")
    PARTICIPANT_REGISTERED = Logged("participant.registered", ParticipantRegistered, "报名参会")
    PARTICIPANT_CHECKED_IN = Logged("participant.checkedIn", ParticipantCheckedIn, "签到")
    MATERIAL_ADDED = Logged("material.added", MaterialAdded, "添加会议材料")
    AGENDA_ITEM_ADDED = Logged("agenda.itemAdded", AgendaItemAdded, "添加议程")
    TIMER_START = Logged("timer.start", TimerChanged, "开始计时")
    TIMER_PAUSE = Logged("timer.pause", TimerChanged, "暂停计时")
    TIMER_RESUME = Logged("timer.resume", TimerChanged, "继续计时")
    TIMER_STOP = Logged("timer.stop", TimerChanged, "停止计时")
    TIMER_ONE_MINUTE_LEFT = Logged("timer.oneMinuteLeft", TimerChanged, "剩余1分钟提醒")
    TIMER_TIME_UP = Logged("timer.timeUp", TimerChanged, "时间到提醒")
    POLL_CREATED = Logged("poll.created", PollChanged, "创建表决")
    POLL_OPENED = Logged("poll.opened", PollChanged, "开始表决")
    POLL_CLOSED = Logged("poll.closed", PollChanged, "结束表决")
    VOTE_CAST = Logged("vote.cast", VoteCast, "投票")
    POLL_TALLY = Live("poll.tally", PollTally, "表决实时计票")
    SCORING_OPENED = Logged("scoring.opened", ScoringChanged, "开始测评")
    SCORING_CLOSED = Logged("scoring.closed", ScoringChanged, "结束测评")
    SCORING_COUNTED = Logged("scoring.counted", ScoringCounted, "计入一批测评票")
    SCORING_TURNOUT = Live("scoring.turnout", ScoringTurnout, "测评实时进度")
    # records before mixing batches (migration 0009): one per ballot, never appended now
    SCORE_CAST = Legacy("score.cast", ScoreCast, "提交测评票")
    COMMENT_POSTED = Logged("comment.posted", CommentPosted, "发表留言")
    COMMENT_HIDDEN = Logged("comment.hidden", CommentHidden, "屏蔽留言")
    COMMENT_APPROVED = Logged("comment.approved", CommentRef, "留言审核通过")
    COMMENT_ANSWERED_LIVE = Logged("comment.answeredLive", CommentRef, "现场答复")
    COMMENT_HANDED_OVER = Logged("comment.handedOver", CommentHandedOver, "转交办理")
    QUEUE_CHANGED = Logged("queue.changed", QueueChanged, "发言排队变更")
    MINUTES_UPDATED = Logged("minutes.updated", MinutesUpdated, "更新会议纪要")
    # 云视频 recordings (backend/video/recording.py): the file and its sha256 in the record
    VIDEO_RECORDING_STARTED = Logged("videoRecording.started", VideoRecordingStarted, "开始录像")
    VIDEO_RECORDING_STOPPED = Logged("videoRecording.stopped", VideoRecordingStopped, "停止录像")
    OPINION_MAP_CONCLUDED = Logged("opinionMap.concluded", OpinionMapConcluded, "意见地图结果")
    RECORD_SEALED = Logged(SEALED_TYPE, RecordSealed, "封存记录")


#: The timer events a host's action appends (`agenda.set_timer`), by action.
TIMER_ACTIONS: dict[str, Logged[TimerChanged]] = {
    "start": MeetingEvent.TIMER_START,
    "pause": MeetingEvent.TIMER_PAUSE,
    "resume": MeetingEvent.TIMER_RESUME,
    "stop": MeetingEvent.TIMER_STOP,
}

MEETING_EVENTS = EventTypes("meeting", MeetingEvent)
