"""Queries of oversight: observers, a case's 三评, the self-correction ledger with its
yearly count per unit, the contact points and their review requests."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry
from strawberry import relay

from backend.cases.models import CaseState
from backend.oversight import corrections, evaluations, observers, review
from backend.oversight.models import EvaluationKind as Kind
from schema.context import Info
from schema.oversight.types import (
    CaseEvaluations,
    CorrectionDirection,
    CorrectionEntry,
    CorrectionOutcome,
    CorrectionYearCount,
    Observer,
    ReviewOutcome,
    ReviewPoint,
    ReviewRequest,
    evaluation_group,
)
from schema.relay import (
    Connection,
    PageAfter,
    PageFirst,
    build_connection,
    decode_cursor,
    decode_id_argument,
    page_size,
    to_global_id,
)


@strawberry.input(description="Which observers a list shows (every field optional: any).")
class ObserversFilter:
    org_unit_id: relay.GlobalID | None = strawberry.field(
        default=None, description="Of this unit or a unit under it."
    )
    serving_on: date | None = strawberry.field(
        default=None, description="Whose term covers this day."
    )


@strawberry.input(description="Which ledger entries a list shows (every field optional: any).")
class CorrectionsFilter:
    direction: CorrectionDirection | None = strawberry.field(
        default=None, description="向上转办 or 向下监督."
    )
    unit_id: relay.GlobalID | None = strawberry.field(
        default=None, description="Of this enforcing unit."
    )
    outcome: CorrectionOutcome | None = strawberry.field(
        default=None, description="With this outcome."
    )
    year: int | None = strawberry.field(default=None, description="Received in this year.")


@strawberry.input(description="Which review requests a list shows (every field optional: any).")
class ReviewRequestsFilter:
    point_id: relay.GlobalID | None = strawberry.field(
        default=None, description="Received at this point."
    )
    outcome: ReviewOutcome | None = strawberry.field(default=None, description="With this outcome.")


def _unit(value: relay.GlobalID | None, field: str) -> int | None:
    return None if value is None else decode_id_argument(value, "OrgUnit", field=field)


@strawberry.type
class OversightQueries:
    @strawberry.field(
        description="The county's 民意观察员, oldest appointment first (anyone of the county)."
    )
    async def observers(
        self,
        info: Info,
        first: PageFirst = None,
        after: PageAfter = None,
        filter: Annotated[
            ObserversFilter | None, strawberry.argument(description="What to list.")
        ] = None,
    ) -> Connection[Observer]:
        size, after_id = page_size(first), decode_cursor(after)
        f = observers.ObserverFilter(
            org_unit_id=_unit(filter.org_unit_id, "filter.orgUnitId") if filter else None,
            serving_on=filter.serving_on if filter else None,
        )
        principal = await info.context.principal()
        rows = await info.context.read(
            lambda s: observers.list_observers(s, principal, f=f, after=after_id, limit=size + 1)
        )
        return build_connection(
            rows,
            first=size,
            to_node=lambda r: Observer.from_model(r[0], r[1], principal),
            key=lambda r: r[0].id,
        )

    @strawberry.field(
        description="三评 of a case side by side (群众评议, 专家评审, 第三方评估), each with its "
        "count and mean score; for whoever may see the case."
    )
    async def case_evaluations(
        self,
        info: Info,
        case_id: Annotated[relay.GlobalID, strawberry.argument(description="The case.")],
    ) -> CaseEvaluations:
        case_db_id = decode_id_argument(case_id, "Case", field="caseId")
        principal = await info.context.principal()
        case, rows = await info.context.read(
            lambda s: evaluations.evaluations_of(s, principal, case_id=case_db_id)
        )
        return CaseEvaluations(
            case_id=strawberry.ID(to_global_id("Case", case.id)),
            closed=case.state is CaseState.CLOSED,
            public=evaluation_group(Kind.PUBLIC, rows),
            expert=evaluation_group(Kind.EXPERT, rows),
            third_party=evaluation_group(Kind.THIRD_PARTY, rows),
        )

    @strawberry.field(
        description="The 执法自我纠错台账, newest first (tenant admins and department staff: "
        "the entries of the units they cover)."
    )
    async def corrections(
        self,
        info: Info,
        first: PageFirst = None,
        after: PageAfter = None,
        filter: Annotated[
            CorrectionsFilter | None, strawberry.argument(description="What to list.")
        ] = None,
    ) -> Connection[CorrectionEntry]:
        size, after_id = page_size(first), decode_cursor(after)
        f = corrections.CorrectionFilter(
            direction=filter.direction if filter else None,
            unit_id=_unit(filter.unit_id, "filter.unitId") if filter else None,
            outcome=filter.outcome if filter else None,
            year=filter.year if filter else None,
        )
        principal = await info.context.principal()
        rows = await info.context.read(
            lambda s: corrections.list_corrections(
                s, principal, f=f, after=after_id, limit=size + 1
            )
        )
        return build_connection(
            rows, first=size, to_node=CorrectionEntry.from_model, key=lambda r: r.id
        )

    @strawberry.field(
        description="Per enforcing unit, the ledger's entries received in a year: 向上转办, "
        "向下监督 and their outcomes (the units the caller covers; units without entries "
        "left out)."
    )
    async def correction_counts(
        self,
        info: Info,
        year: Annotated[int, strawberry.argument(description="The year, e.g. 2026.")],
    ) -> list[CorrectionYearCount]:
        principal = await info.context.principal()
        rows = await info.context.read(lambda s: corrections.yearly_counts(s, principal, year=year))
        return [
            CorrectionYearCount(
                unit_id=strawberry.ID(to_global_id("OrgUnit", r.unit_id)),
                unit_name=r.unit_name,
                upward=r.upward,
                downward=r.downward,
                total=r.total,
                corrected=r.corrected,
                no_error=r.no_error,
                investigation=r.investigation,
                pending=r.pending,
            )
            for r in rows
        ]

    @strawberry.field(
        description="The 行政复议便民联系点 of the county (or under a unit), with their staff "
        "(anyone of the county: phones as the caller may see them)."
    )
    async def review_points(
        self,
        info: Info,
        org_unit_id: Annotated[
            relay.GlobalID | None,
            strawberry.argument(description="Only in this unit or under it."),
        ] = None,
    ) -> list[ReviewPoint]:
        unit = _unit(org_unit_id, "orgUnitId")
        principal = await info.context.principal()
        rows = await info.context.read(lambda s: review.list_points(s, principal, org_unit_id=unit))
        return [ReviewPoint.from_model(p, path, staff, principal) for p, path, staff in rows]

    @strawberry.field(
        description="Review requests received at contact points, newest first (staff "
        "covering the point and the point's own staff)."
    )
    async def review_requests(
        self,
        info: Info,
        first: PageFirst = None,
        after: PageAfter = None,
        filter: Annotated[
            ReviewRequestsFilter | None, strawberry.argument(description="What to list.")
        ] = None,
    ) -> Connection[ReviewRequest]:
        size, after_id = page_size(first), decode_cursor(after)
        f = review.RequestFilter(
            point_id=decode_id_argument(filter.point_id, "ReviewPoint", field="filter.pointId")
            if filter and filter.point_id is not None
            else None,
            outcome=filter.outcome if filter else None,
        )
        principal = await info.context.principal()

        rows = await info.context.read(
            lambda s: review.list_requests(s, principal, f=f, after=after_id, limit=size + 1)
        )
        return build_connection(
            rows,
            first=size,
            to_node=lambda r: ReviewRequest.from_model(r[0], r[1], principal),
            key=lambda r: r[0].id,
        )
