"""What the agenda's queries read: a year's catalogue (for staff, or for anyone once
published) and a year's 民生实事 round with every project, its reports and evaluations, in
a constant number of statements whatever their number."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from fractions import Fraction

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.agenda import progress
from backend.agenda.access import is_county_staff
from backend.agenda.models import (
    VOTE_PURPOSE,
    CatalogueAdjustment,
    CatalogueItem,
    CatalogueState,
    ConsultationCatalogue,
    LivelihoodEvaluation,
    LivelihoodProgress,
    LivelihoodProject,
    LivelihoodRound,
    LivelihoodVote,
    Satisfaction,
)
from backend.core.pseudonyms import pseudonym
from backend.core.security import Principal
from tenants.models import OrgUnit


@dataclass
class CatalogueView:
    catalogue: ConsultationCatalogue
    items: list[tuple[CatalogueItem, str]]  # with the lead unit's name
    adjustments: dict[int, list[CatalogueAdjustment]]


async def catalogue_view(
    session: AsyncSession,
    principal: Principal,
    *,
    year: int | None = None,
    catalogue_id: int | None = None,
) -> CatalogueView | None:
    """A catalogue (of `year`, or by id) as the caller may see it: staff always, anyone
    else once it is published (None before: as if there were none)."""
    catalogue = await session.scalar(
        select(ConsultationCatalogue).where(
            ConsultationCatalogue.year == year
            if catalogue_id is None
            else ConsultationCatalogue.id == catalogue_id
        )
    )
    if catalogue is None:
        return None
    if catalogue.state is not CatalogueState.PUBLISHED and not is_county_staff(principal):
        return None
    items = [
        (item, name)
        for item, name in (
            await session.execute(
                select(CatalogueItem, OrgUnit.name)
                .join(OrgUnit, OrgUnit.id == CatalogueItem.lead_unit_id)
                .where(CatalogueItem.catalogue_id == catalogue.id)
                .order_by(CatalogueItem.planned_quarter, CatalogueItem.id)
            )
        ).all()
    ]
    adjustments: dict[int, list[CatalogueAdjustment]] = {}
    for adj in (
        await session.scalars(
            select(CatalogueAdjustment)
            .join(CatalogueItem, CatalogueItem.id == CatalogueAdjustment.item_id)
            .where(CatalogueItem.catalogue_id == catalogue.id)
            .order_by(CatalogueAdjustment.id)
        )
    ).all():
        adjustments.setdefault(adj.item_id, []).append(adj)
    return CatalogueView(catalogue, items, adjustments)


@dataclass
class ProjectView:
    project: LivelihoodProject
    progress: Decimal  # derived for a parent, reported for a leaf, two decimals
    reports: list[LivelihoodProgress]
    children: list[ProjectView] = field(default_factory=list)
    satisfaction: dict[Satisfaction, int] = field(default_factory=dict)
    voted_by_me: bool = False


@dataclass
class RoundView:
    round: LivelihoodRound
    projects: list[ProjectView]  # top level, in order
    my_votes: int


def _progress_as_of(
    projects: Sequence[LivelihoodProject],
    reports: dict[int, list[LivelihoodProgress]],
    as_of: date | None,
) -> dict[int, Fraction]:
    nodes = [progress.Node(p.id, p.parent_id, p.weight) for p in projects]
    reported = {
        pid: progress.latest_percent(((r.month, r.percent) for r in rs), as_of)
        for pid, rs in reports.items()
    }
    return progress.derive(nodes, reported)


async def round_view(
    session: AsyncSession,
    principal: Principal,
    *,
    year: int | None = None,
    round_id: int | None = None,
    as_of: date | None = None,
) -> RoundView | None:
    """A round (of `year`, or by id) with its project tree; each project's progress as of
    the month `as_of` (its first day; None: the latest reports)."""
    round = await session.scalar(
        select(LivelihoodRound).where(
            LivelihoodRound.year == year if round_id is None else LivelihoodRound.id == round_id
        )
    )
    if round is None:
        return None
    projects = (
        await session.scalars(
            select(LivelihoodProject)
            .where(LivelihoodProject.round_id == round.id)
            .order_by(LivelihoodProject.vote_count.desc(), LivelihoodProject.id)
        )
    ).all()
    reports: dict[int, list[LivelihoodProgress]] = {}
    for r in (
        await session.scalars(
            select(LivelihoodProgress)
            .join(LivelihoodProject, LivelihoodProject.id == LivelihoodProgress.project_id)
            .where(LivelihoodProject.round_id == round.id)
            .order_by(LivelihoodProgress.month)
        )
    ).all():
        reports.setdefault(r.project_id, []).append(r)
    counts: dict[int, dict[Satisfaction, int]] = {}
    for pid, sat, n in (
        await session.execute(
            select(
                LivelihoodEvaluation.project_id,
                LivelihoodEvaluation.satisfaction,
                func.count(),
            )
            .join(LivelihoodProject, LivelihoodProject.id == LivelihoodEvaluation.project_id)
            .where(LivelihoodProject.round_id == round.id)
            .group_by(LivelihoodEvaluation.project_id, LivelihoodEvaluation.satisfaction)
        )
    ).all():
        counts.setdefault(pid, {})[sat] = int(n)
    mine: set[int] = set()
    if principal.user_id is not None:
        mine = set(
            (
                await session.scalars(
                    select(LivelihoodVote.project_id).where(
                        LivelihoodVote.round_id == round.id,
                        LivelihoodVote.voter
                        == pseudonym(VOTE_PURPOSE, round.tenant_id, round.id, principal.user_id),
                    )
                )
            ).all()
        )
    derived = _progress_as_of(projects, reports, as_of)
    views = {
        p.id: ProjectView(
            project=p,
            progress=progress.shown(derived[p.id]),
            reports=[r for r in reports.get(p.id, []) if as_of is None or r.month <= as_of],
            satisfaction=counts.get(p.id, {}),
            voted_by_me=p.id in mine,
        )
        for p in projects
    }
    for p in sorted(projects, key=lambda p: p.id):
        if p.parent_id is not None:
            views[p.parent_id].children.append(views[p.id])
    top = [views[p.id] for p in projects if p.parent_id is None]
    return RoundView(round=round, projects=top, my_votes=len(mine))
