"""Every event type of the annual agenda's streams and its payload:

- `catalogue:<id>`: a year's consultation catalogue (协商目录) and its items;
- `livelihood:<id>`: a year's 民生实事 round, its projects, votes, progress and evaluation.

No payload names a person: proposers and voters appear only as the event's actor, which the
public view drops (backend.agenda.visibility).
"""

from __future__ import annotations

from typing_extensions import TypedDict

from realtime.event_types import EventNames, EventTypes, Logged, shape


@shape
class CatalogueCreated(TypedDict):
    id: int
    year: int
    title: str
    state: str


@shape
class CatalogueItemSnapshot(TypedDict):
    itemId: int
    topic: str
    proposingBody: str
    leadUnitId: int
    form: str
    plannedQuarter: int
    status: str
    meetingId: int | None


@shape
class CatalogueStateChanged(TypedDict):
    state: str
    items: int


@shape
class CatalogueItemAdjusted(TypedDict):
    itemId: int
    adjustmentId: int
    reason: str
    changes: dict[str, list[object]]
    status: str


@shape
class CatalogueItemLinked(TypedDict):
    itemId: int
    meetingId: int
    status: str


class CatalogueEvent(EventNames):
    """The types of a catalogue's stream (`catalogue:<id>`)."""

    CREATED = Logged("catalogue.created", CatalogueCreated, "拟定协商目录")
    ITEM_ADDED = Logged("catalogue.itemAdded", CatalogueItemSnapshot, "增加协商事项")
    APPROVED = Logged("catalogue.approved", CatalogueStateChanged, "审定")
    PUBLISHED = Logged("catalogue.published", CatalogueStateChanged, "公布")
    ITEM_ADJUSTED = Logged("catalogue.itemAdjusted", CatalogueItemAdjusted, "调整协商事项")
    ITEM_LINKED = Logged("catalogue.itemLinked", CatalogueItemLinked, "关联协商会议")


CATALOGUE_EVENTS = EventTypes("catalogue", CatalogueEvent)


@shape
class RoundOpened(TypedDict):
    id: int
    year: int
    title: str
    state: str


@shape
class ProjectProposed(TypedDict):
    projectId: int
    title: str
    description: str
    status: str


@shape
class ProjectReviewed(TypedDict):
    projectId: int
    status: str
    reason: str | None


@shape
class VotingOpened(TypedDict):
    state: str
    maxVotes: int
    closesAt: str
    shortlisted: int


@shape
class RoundStateChanged(TypedDict):
    state: str


@shape
class ProjectVoted(TypedDict):
    projectId: int
    voteCount: int


@shape
class ProjectsAdopted(TypedDict):
    state: str
    adopted: list[int]
    notAdopted: list[int]


@shape
class SubprojectAdded(TypedDict):
    projectId: int
    parentId: int
    title: str
    weight: str | None
    leadUnitId: int | None


@shape
class ProgressReported(TypedDict):
    projectId: int
    month: str
    percent: str
    milestones: list[str]
    note: str | None


@shape
class ProjectEvaluated(TypedDict):
    projectId: int
    satisfaction: str


class LivelihoodEvent(EventNames):
    """The types of a 民生实事 round's stream (`livelihood:<id>`)."""

    OPENED = Logged("livelihood.opened", RoundOpened, "开始征集")
    PROPOSED = Logged("livelihood.proposed", ProjectProposed, "群众开单")
    REVIEWED = Logged("livelihood.reviewed", ProjectReviewed, "筛选")
    VOTING_OPENED = Logged("livelihood.votingOpened", VotingOpened, "开始投票")
    VOTED = Logged("livelihood.voted", ProjectVoted, "投票")
    VOTING_CLOSED = Logged("livelihood.votingClosed", RoundStateChanged, "投票结束")
    ADOPTED = Logged("livelihood.adopted", ProjectsAdopted, "确定民生实事")
    SUBPROJECT_ADDED = Logged("livelihood.subprojectAdded", SubprojectAdded, "分解子项目")
    PROGRESS_REPORTED = Logged("livelihood.progressReported", ProgressReported, "月度进展")
    EVALUATION_OPENED = Logged("livelihood.evaluationOpened", RoundStateChanged, "开始年终评价")
    EVALUATED = Logged("livelihood.evaluated", ProjectEvaluated, "群众评价")


LIVELIHOOD_EVENTS = EventTypes("livelihood", LivelihoodEvent)
