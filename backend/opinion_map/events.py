"""Event types of an opinion map's stream (`opinionmap:<map id>`) and the live map.

Statements and their moderation are logged; the computed map is a live value
(`opinionMap.computed`: coalesced, never logged), and its final result at closing is
logged here and in the host's own record (`MeetingEvent.OPINION_MAP_CONCLUDED`,
`DecisionEvent.OPINION_MAP_CONCLUDED`). No
payload names a voter or a statement's author; no payload says who voted what.
"""

from __future__ import annotations

from typing import NotRequired

from typing_extensions import TypedDict

from realtime.event_types import EventNames, EventTypes, Live, Logged, shape


@shape
class OpinionMapOpened(TypedDict):
    """The map turned on in a meeting (`meetingId`) or a decision's comment period
    (`decisionId`, `periodId`)."""

    id: int
    meetingId: NotRequired[int]
    decisionId: NotRequired[int]
    periodId: NotRequired[int]
    topic: str


@shape
class RepresentativeFigure(TypedDict):
    statementId: int
    direction: str  # "agree" or "disagree"
    share: float


@shape
class GroupFigure(TypedDict):
    index: int
    size: int
    x: float
    y: float
    representative: list[RepresentativeFigure]


@shape
class RankedFigure(TypedDict):
    statementId: int
    score: float


@shape
class StatementCounts(TypedDict):
    statementId: int
    body: str
    agree: int
    disagree: int
    passed: int


@shape
class OpinionMapFigures(TypedDict):
    """The map as computed: counts and group-level figures only."""

    mapId: int
    version: int  # how many changes (votes written, statements shown or hidden) it includes
    participants: int
    placed: int
    votes: int
    groups: list[GroupFigure]
    consensus: list[RankedFigure]
    divisive: list[RankedFigure]
    statements: list[StatementCounts]


@shape
class OpinionMapClosed(TypedDict):
    id: int
    result: OpinionMapFigures


@shape
class OpinionStatementChanged(TypedDict):
    id: int
    body: str
    source: str
    state: str


@shape
class OpinionStatementHidden(TypedDict):
    id: int
    reason: str | None


class OpinionMapEvent(EventNames):
    """The types of a map's stream (`noun.pastTense`)."""

    MAP_OPENED = Logged("opinionMap.opened", OpinionMapOpened, "开启意见地图")
    MAP_CLOSED = Logged("opinionMap.closed", OpinionMapClosed, "关闭意见地图")
    STATEMENT_SUBMITTED = Logged(
        "opinionStatement.submitted", OpinionStatementChanged, "提交观点（待审核）"
    )
    STATEMENT_SHOWN = Logged("opinionStatement.shown", OpinionStatementChanged, "展示观点")
    STATEMENT_HIDDEN = Logged("opinionStatement.hidden", OpinionStatementHidden, "屏蔽观点")
    MAP_COMPUTED = Live("opinionMap.computed", OpinionMapFigures, "意见地图实时结果")


OPINION_MAP_EVENTS = EventTypes("opinionmap", OpinionMapEvent)
