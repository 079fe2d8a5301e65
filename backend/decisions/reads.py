"""Reading decisions for the API: one call per question, constant statements whatever the
size of the draft (a version's paragraphs come with their opinion counts in one query)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.core.security import Principal
from backend.decisions.access import is_county_office, is_staff, staff_of
from backend.decisions.models import (
    CommentPeriod,
    Decision,
    DecisionDocument,
    DecisionParagraph,
    DecisionStepRow,
    DecisionVersion,
    Opinion,
    ParticipationReport,
)
from tenants.models import OrgUnit


@dataclass(frozen=True, slots=True)
class VersionRead:
    version: DecisionVersion
    paragraphs: list[tuple[DecisionParagraph, int]]  # with the opinions anchored now


async def staff_view(session: AsyncSession, principal: Principal, decision_id: int) -> bool | None:
    """None: no such decision in this county; else whether the caller sees the staff view."""
    decision = await session.get(Decision, decision_id)
    if decision is None:
        return None
    return await is_staff(session, principal, decision)


async def versions(session: AsyncSession, decision_id: int) -> list[VersionRead]:
    rows = (
        await session.scalars(
            select(DecisionVersion)
            .where(DecisionVersion.decision_id == decision_id)
            .order_by(DecisionVersion.number)
        )
    ).all()
    counts = dict(
        (
            await session.execute(
                select(Opinion.current_paragraph_id, func.count())
                .where(
                    Opinion.decision_id == decision_id, Opinion.current_paragraph_id.is_not(None)
                )
                .group_by(Opinion.current_paragraph_id)
            )
        ).all()
    )
    paragraphs = (
        await session.scalars(
            select(DecisionParagraph)
            .where(DecisionParagraph.decision_id == decision_id)
            .order_by(DecisionParagraph.alternative, DecisionParagraph.position)
        )
    ).all()
    by_version: dict[int, list[tuple[DecisionParagraph, int]]] = {}
    for p in paragraphs:
        by_version.setdefault(p.version_id, []).append((p, int(counts.get(p.id, 0))))
    return [VersionRead(v, by_version.get(v.id, [])) for v in rows]


async def steps(
    session: AsyncSession, decision_id: int
) -> tuple[list[DecisionStepRow], list[DecisionDocument]]:
    step_rows = (
        await session.scalars(
            select(DecisionStepRow)
            .where(DecisionStepRow.decision_id == decision_id)
            .order_by(DecisionStepRow.id)
        )
    ).all()
    documents = (
        await session.scalars(
            select(DecisionDocument)
            .where(DecisionDocument.decision_id == decision_id)
            .order_by(DecisionDocument.id)
        )
    ).all()
    return list(step_rows), list(documents)


async def periods(session: AsyncSession, decision_id: int) -> list[CommentPeriod]:
    return list(
        (
            await session.scalars(
                select(CommentPeriod)
                .where(CommentPeriod.decision_id == decision_id)
                .order_by(CommentPeriod.id)
            )
        ).all()
    )


async def opinions(
    session: AsyncSession,
    decision_id: int,
    *,
    limit: int,
    after: int | None,
    paragraph_id: int | None = None,
) -> list[Opinion]:
    query = (
        select(Opinion).where(Opinion.decision_id == decision_id).order_by(Opinion.id).limit(limit)
    )
    if after is not None:
        query = query.where(Opinion.id > after)
    if paragraph_id is not None:
        query = query.where(Opinion.current_paragraph_id == paragraph_id)
    return list((await session.scalars(query)).all())


async def paragraph_labels(session: AsyncSession, ids: Sequence[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = await session.execute(
        select(DecisionParagraph.id, DecisionParagraph.label).where(
            DecisionParagraph.id.in_(list(ids))
        )
    )
    return {i: label for i, label in rows.all()}


async def reports(session: AsyncSession, decision_id: int) -> list[ParticipationReport]:
    return list(
        (
            await session.scalars(
                select(ParticipationReport)
                .where(ParticipationReport.decision_id == decision_id)
                .order_by(ParticipationReport.id)
            )
        ).all()
    )


async def staff_views(
    session: AsyncSession, principal: Principal, decision_ids: Sequence[int]
) -> dict[int, bool]:
    """Whether the caller sees each decision's staff view (lead or co-unit staff, the county
    office), in two statements whatever their number; absent: not in this county."""
    if not decision_ids:
        return {}
    rows = (
        await session.execute(
            select(Decision.id, Decision.lead_unit_id, Decision.co_unit_ids).where(
                Decision.id.in_(list(decision_ids))
            )
        )
    ).all()
    if principal.user_id is None:
        return {i: False for i, _, _ in rows}
    if is_county_office(principal):
        return {i: True for i, _, _ in rows}
    unit_ids = {u for _, lead, co in rows for u in (lead, *co)}
    paths = dict(
        (
            await session.execute(select(OrgUnit.id, OrgUnit.path).where(OrgUnit.id.in_(unit_ids)))
        ).all()
    )
    return {i: any(staff_of(principal, paths.get(u)) for u in (lead, *co)) for i, lead, co in rows}
