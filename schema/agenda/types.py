"""GraphQL types of the annual agenda: plain dataclasses built from what
`backend.agenda.reading` loads (no resolver reads anything)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime

import strawberry

from backend.agenda import models
from backend.agenda.errors import AgendaErrorCode as _Code
from backend.agenda.reading import CatalogueView, ProjectView, RoundView
from schema.errors import UserError
from schema.relay import to_global_id

ConsultationForm = models.ConsultationForm
strawberry.enum(
    ConsultationForm,
    description=(
        "THEMATIC 专题协商, COUNTERPART 对口协商, SECTOR 界别协商, PROPOSAL 提案办理协商, "
        "ONLINE 网络问政协商, WRITTEN 书面征询."
    ),
)
CatalogueState = models.CatalogueState
strawberry.enum(CatalogueState, description="DRAFT 草拟中 → APPROVED 已审定 → PUBLISHED 已公布.")
CatalogueItemStatus = models.CatalogueItemStatus
strawberry.enum(
    CatalogueItemStatus,
    description=(
        "PLANNED 计划中, SCHEDULED 已安排会议, HELD 已开展, CANCELLED 已取消 (by an adjustment)."
    ),
)
RoundState = models.RoundState
strawberry.enum(
    RoundState,
    description=(
        "COLLECTING 群众开单 → VOTING 公开投票 → VOTE_CLOSED 投票结束 → ADOPTED 已确定实施 "
        "→ EVALUATING 年终评价."
    ),
)
ProjectStatus = models.ProjectStatus
strawberry.enum(
    ProjectStatus,
    description=(
        "PROPOSED 群众开单, SHORTLISTED 入围, NOT_SHORTLISTED 未入围 (with a reason), "
        "ADOPTED 确定实施, NOT_ADOPTED 未确定."
    ),
)
LivelihoodSatisfaction = models.Satisfaction
strawberry.enum(
    LivelihoodSatisfaction,
    name="LivelihoodSatisfaction",
    description="SATISFIED 满意, BASICALLY_SATISFIED 基本满意, DISSATISFIED 不满意.",
)
AgendaErrorCode = _Code
strawberry.enum(AgendaErrorCode, description="Why an agenda action was refused.")


@strawberry.type(description="A failure of an agenda action (协商目录, 民生实事).")
class AgendaError(UserError):
    code: AgendaErrorCode = strawberry.field(description="Machine-readable reason.")


def _gid(type_name: str, db_id: int | None) -> strawberry.ID | None:
    return None if db_id is None else strawberry.ID(to_global_id(type_name, db_id))


@strawberry.type(description="One field an adjustment changed.")
class AdjustmentChange:
    field: str = strawberry.field(description="The field (topic, leadUnitId, form, …).")
    before: str | None = strawberry.field(description="Its value before.")
    after: str | None = strawberry.field(description="Its value after.")


@strawberry.type(description="An adjustment (调整) of a catalogue item after approval.")
class CatalogueAdjustment:
    id: strawberry.ID = strawberry.field(description="Global id.")
    reason: str = strawberry.field(description="Why it was adjusted (recorded and public).")
    changes: list[AdjustmentChange] = strawberry.field(description="What changed.")
    at: datetime = strawberry.field(description="When.")


def _text(value: object) -> str | None:
    return None if value is None else str(value)


@strawberry.type(description="A topic of the consultation catalogue (协商事项).")
class CatalogueItem:
    id: strawberry.ID = strawberry.field(description="Global id (CatalogueItem).")
    topic: str = strawberry.field(description="协商议题.")
    proposing_body: str = strawberry.field(description="提出单位 (who proposed the topic).")
    lead_unit_id: strawberry.ID = strawberry.field(description="The lead unit (承办单位).")
    lead_unit_name: str = strawberry.field(description="Its name.")
    form: ConsultationForm = strawberry.field(description="The form of consultation.")
    planned_quarter: int = strawberry.field(description="Planned quarter, 1–4.")
    status: CatalogueItemStatus = strawberry.field(description="Where it stands.")
    meeting_id: strawberry.ID | None = strawberry.field(
        description="The meeting where it is (or was) held."
    )
    adjustments: list[CatalogueAdjustment] = strawberry.field(
        description="Its adjustments since approval, oldest first."
    )


@strawberry.type(description="A year's consultation catalogue and plan (年度协商目录).")
class ConsultationCatalogue:
    id: strawberry.ID = strawberry.field(description="Global id (ConsultationCatalogue).")
    year: int = strawberry.field(description="The year.")
    title: str = strawberry.field(description="Its title.")
    state: CatalogueState = strawberry.field(description="DRAFT, APPROVED or PUBLISHED.")
    approved_at: datetime | None = strawberry.field(description="When it was approved (审定).")
    published_at: datetime | None = strawberry.field(description="When it was published.")
    items: list[CatalogueItem] = strawberry.field(description="Its items, by quarter.")
    stream: str = strawberry.field(
        description="Its stream for `streamEvents` and `events`: catalogue:<its global id>."
    )

    @classmethod
    def from_view(cls, view: CatalogueView) -> ConsultationCatalogue:
        c = view.catalogue
        return cls(
            id=strawberry.ID(to_global_id("ConsultationCatalogue", c.id)),
            year=c.year,
            title=c.title,
            state=c.state,
            approved_at=c.approved_at,
            published_at=c.published_at,
            items=[
                CatalogueItem(
                    id=strawberry.ID(to_global_id("CatalogueItem", item.id)),
                    topic=item.topic,
                    proposing_body=item.proposing_body,
                    lead_unit_id=strawberry.ID(to_global_id("OrgUnit", item.lead_unit_id)),
                    lead_unit_name=name,
                    form=item.form,
                    planned_quarter=item.planned_quarter,
                    status=item.status,
                    meeting_id=_gid("Meeting", item.meeting_id),
                    adjustments=[
                        CatalogueAdjustment(
                            id=strawberry.ID(to_global_id("CatalogueAdjustment", a.id)),
                            reason=a.reason,
                            changes=[
                                AdjustmentChange(field=k, before=_text(v[0]), after=_text(v[1]))
                                for k, v in a.changes.items()
                            ],
                            at=a.created_at,
                        )
                        for a in view.adjustments.get(item.id, [])
                    ],
                )
                for item, name in view.items
            ],
            stream=f"catalogue:{to_global_id('ConsultationCatalogue', c.id)}",
        )


@strawberry.type(description="A month's published progress of a project (月度进展).")
class ProgressReport:
    month: str = strawberry.field(description="The month, YYYY-MM.")
    percent: str = strawberry.field(description="Percentage complete, 0–100 (decimal string).")
    milestones: list[str] = strawberry.field(description="Milestones reached (节点).")
    note: str | None = strawberry.field(description="A remark.")


@strawberry.type(description="Year-end satisfaction of the public with a project (群众评价).")
class LivelihoodEvaluationSummary:
    satisfied: int = strawberry.field(description="满意.")
    basically_satisfied: int = strawberry.field(description="基本满意.")
    dissatisfied: int = strawberry.field(description="不满意.")
    total: int = strawberry.field(description="Evaluations in all.")
    satisfaction_rate: str | None = strawberry.field(
        description="(满意 + 基本满意) / total as a percentage with two decimals; null: none yet."
    )


@strawberry.type(description="A 民生实事 project (or a sub-project of one).")
class LivelihoodProject:
    id: strawberry.ID = strawberry.field(description="Global id (LivelihoodProject).")
    title: str = strawberry.field(description="Its title.")
    description: str = strawberry.field(description="What is proposed.")
    status: ProjectStatus = strawberry.field(description="Where it stands.")
    review_reason: str | None = strawberry.field(
        description="Why it was not shortlisted (published), or the shortlisting note."
    )
    vote_count: int = strawberry.field(description="Votes received.")
    voted_by_me: bool = strawberry.field(description="Whether the caller voted for it.")
    weight: str | None = strawberry.field(
        description="Its declared weight among its siblings (any positive number; null: "
        "the mean of its siblings' declared weights, equal shares when none declares one)."
    )
    lead_unit_id: strawberry.ID | None = strawberry.field(description="The responsible unit.")
    progress: str = strawberry.field(
        description="Percentage complete (two decimals): a leaf's latest report (0 without "
        "one); a parent's weighted mean of its children's, recursively."
    )
    derived: bool = strawberry.field(description="True when progress comes from children.")
    reports: list[ProgressReport] = strawberry.field(
        description="Its own monthly reports, oldest first (a parent's stop counting once "
        "it has children)."
    )
    parent_id: strawberry.ID | None = strawberry.field(
        description="The project it is a sub-project of (null: a top-level project)."
    )
    depth: int = strawberry.field(description="0 for a top-level project, 1 below it, …")
    evaluation: LivelihoodEvaluationSummary = strawberry.field(description="Year-end satisfaction.")

    @classmethod
    def from_view(cls, view: ProjectView, depth: int = 0) -> LivelihoodProject:
        p = view.project
        sat = view.satisfaction
        good = sat.get(models.Satisfaction.SATISFIED, 0)
        fair = sat.get(models.Satisfaction.BASICALLY_SATISFIED, 0)
        bad = sat.get(models.Satisfaction.DISSATISFIED, 0)
        total = good + fair + bad
        return cls(
            id=strawberry.ID(to_global_id("LivelihoodProject", p.id)),
            title=p.title,
            description=p.description,
            status=p.status,
            review_reason=p.review_reason,
            vote_count=p.vote_count,
            voted_by_me=view.voted_by_me,
            weight=None if p.weight is None else format(p.weight.normalize(), "f"),
            lead_unit_id=_gid("OrgUnit", p.lead_unit_id),
            progress=str(view.progress),
            derived=bool(view.children),
            reports=[
                ProgressReport(
                    month=f"{r.month.year:04d}-{r.month.month:02d}",
                    percent=str(r.percent),
                    milestones=list(r.milestones),
                    note=r.note,
                )
                for r in view.reports
            ],
            parent_id=_gid("LivelihoodProject", p.parent_id),
            depth=depth,
            evaluation=LivelihoodEvaluationSummary(
                satisfied=good,
                basically_satisfied=fair,
                dissatisfied=bad,
                total=total,
                satisfaction_rate=(
                    None if total == 0 else f"{round((good + fair) * 10000 / total) / 100:.2f}"
                ),
            ),
        )


def _tree(views: list[ProjectView], depth: int) -> Iterator[LivelihoodProject]:
    for view in views:
        yield LivelihoodProject.from_view(view, depth)
        yield from _tree(sorted(view.children, key=lambda c: c.project.id), depth + 1)


@strawberry.type(description="A year's 民生实事 (people's livelihood projects, 群众开单).")
class LivelihoodRound:
    id: strawberry.ID = strawberry.field(description="Global id (LivelihoodRound).")
    year: int = strawberry.field(description="The year.")
    title: str = strawberry.field(description="Its title.")
    state: RoundState = strawberry.field(description="Where the round stands.")
    max_votes: int | None = strawberry.field(
        description="How many projects one person may vote for (rulebook livelihood.max_votes, "
        "fixed when voting opened)."
    )
    vote_opens_at: datetime | None = strawberry.field(description="Voting window start.")
    vote_closes_at: datetime | None = strawberry.field(description="Voting window end.")
    my_votes: int = strawberry.field(description="How many projects the caller voted for.")
    projects: list[LivelihoodProject] = strawberry.field(
        description="Every project in tree order: each top-level project (most votes first) "
        "followed by its sub-projects, depth first (`parentId`, `depth`)."
    )
    as_of: date | None = strawberry.field(
        description="The month progress is shown as of (null: the latest reports)."
    )
    stream: str = strawberry.field(
        description="Its stream for `streamEvents` and `events`: livelihood:<its global id>."
    )

    @classmethod
    def from_view(cls, view: RoundView, as_of: date | None) -> LivelihoodRound:
        r = view.round
        return cls(
            id=strawberry.ID(to_global_id("LivelihoodRound", r.id)),
            year=r.year,
            title=r.title,
            state=r.state,
            max_votes=r.max_votes,
            vote_opens_at=r.vote_opens_at,
            vote_closes_at=r.vote_closes_at,
            my_votes=view.my_votes,
            projects=list(_tree(view.projects, 0)),
            as_of=as_of,
            stream=f"livelihood:{to_global_id('LivelihoodRound', r.id)}",
        )
