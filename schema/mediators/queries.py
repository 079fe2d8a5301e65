"""Queries of the 解事员 pool: the pool (paged, with filters), the 解事员 available for a
case (ranked) and those assigned to it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry import relay

from backend.cases import visibility as case_visibility
from backend.core.errors import DomainError
from backend.core.security import Principal
from backend.mediators import matching, models, pool
from backend.mediators.errors import MediatorErrorCode as Code
from schema.context import Info
from schema.mediators.types import (
    Mediator,
    MediatorAssignment,
    MediatorLevel,
    MediatorMatch,
    MediatorRole,
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


@strawberry.input(description="Which 解事员 a list shows (every field optional: any).")
class MediatorsFilter:
    level: MediatorLevel | None = strawberry.field(default=None, description="Of this pool.")
    org_unit_id: relay.GlobalID | None = strawberry.field(
        default=None, description="Belonging to this unit or a unit under it."
    )
    role: MediatorRole | None = strawberry.field(default=None, description="With this role.")
    skill: str | None = strawberry.field(default=None, description="With this skill tag.")
    venue_id: relay.GlobalID | None = strawberry.field(
        default=None, description="Serving this venue."
    )
    active: bool | None = strawberry.field(
        default=None, description="True: in service; false: out of service."
    )


def _filter(f: MediatorsFilter | None) -> pool.MediatorFilter:
    if f is None:
        return pool.MediatorFilter()
    return pool.MediatorFilter(
        level=f.level,
        org_unit_id=decode_id_argument(f.org_unit_id, "OrgUnit", field="filter.orgUnitId")
        if f.org_unit_id is not None
        else None,
        role=f.role,
        skill=f.skill,
        venue_id=decode_id_argument(f.venue_id, "Venue", field="filter.venueId")
        if f.venue_id is not None
        else None,
        active=f.active,
    )


async def mediator_nodes(
    session: AsyncSession, principal: Principal, rows: Sequence[tuple[models.Mediator, str]]
) -> list[Mediator]:
    """Nodes for `(row, unit path)` pairs, their records read in three statements."""
    records = await pool.records_of(session, [m.id for m, _ in rows])
    return [Mediator.from_model(m, path, principal, records) for m, path in rows]


@strawberry.type
class MediatorQueries:
    @strawberry.field(
        description="The county's 解事员 pool, oldest entry first, with their unit, venues, "
        "trainings, evaluations (staff only) and awards. Anyone of the county."
    )
    async def mediators(
        self,
        info: Info,
        first: PageFirst = None,
        after: PageAfter = None,
        filter: Annotated[
            MediatorsFilter | None, strawberry.argument(description="What to list.")
        ] = None,
    ) -> Connection[Mediator]:
        size, after_id = page_size(first), decode_cursor(after)
        f = _filter(filter)
        principal = await info.context.principal()

        async def run(session: AsyncSession) -> list[tuple[int, Mediator]]:
            rows = await pool.list_mediators(
                session, principal, f=f, after=after_id, limit=size + 1
            )
            nodes = await mediator_nodes(session, principal, rows)
            return [(m.id, n) for (m, _), n in zip(rows, nodes, strict=True)]

        pairs = await info.context.read(run)
        return build_connection(pairs, first=size, to_node=lambda t: t[1], key=lambda t: t[0])

    @strawberry.field(
        description="The 解事员 available for a case, best first: those of the case's place "
        "and the units above it (village, then township, then county) and of its venue, in "
        "service and not yet assigned; the nearest first, then the most skills the case "
        "names. For whoever may handle the case."
    )
    async def available_mediators(
        self,
        info: Info,
        case_id: Annotated[relay.GlobalID, strawberry.argument(description="The case.")],
        role: Annotated[
            MediatorRole | None, strawberry.argument(description="Only with this role.")
        ] = None,
        first: Annotated[
            int | None, strawberry.argument(description="How many, 1–100 (20).")
        ] = None,
    ) -> list[MediatorMatch]:
        size = page_size(first)
        case_db_id = decode_id_argument(case_id, "Case", field="caseId")
        principal = await info.context.principal()

        async def run(session: AsyncSession) -> list[MediatorMatch]:
            found = await matching.find_for_case(
                session, principal, case_id=case_db_id, role=role, limit=size
            )
            nodes = await mediator_nodes(
                session, principal, [(m.mediator, m.unit_path) for m in found]
            )
            return [
                MediatorMatch(
                    mediator=node,
                    distance=m.distance,
                    same_venue=m.same_venue,
                    matched_skills=m.matched_skills,
                )
                for m, node in zip(found, nodes, strict=True)
            ]

        return await info.context.read(run)

    @strawberry.field(
        description="The 解事员 assigned to a case, in order (staff of the case and its "
        "place's 解事员)."
    )
    async def case_mediators(
        self,
        info: Info,
        case_id: Annotated[relay.GlobalID, strawberry.argument(description="The case.")],
    ) -> list[MediatorAssignment]:
        case_db_id = decode_id_argument(case_id, "Case", field="caseId")
        principal = await info.context.principal()

        async def run(session: AsyncSession) -> list[MediatorAssignment]:
            views = await case_visibility.views_of(session, principal, [case_db_id])
            if views.get(case_db_id) != case_visibility.STAFF_VIEW:
                raise DomainError(Code.NOT_FOUND, "事项不存在", field="caseId")
            rows = await matching.assignments_of(session, case_db_id)
            nodes = await mediator_nodes(session, principal, [(m, p) for _, m, p in rows])
            return [
                MediatorAssignment(
                    id=strawberry.ID(to_global_id("MediatorAssignment", a.id)),
                    case_id=strawberry.ID(to_global_id("Case", a.case_id)),
                    mediator=node,
                    note=a.note,
                    assigned_at=a.created_at,
                )
                for (a, _, _), node in zip(rows, nodes, strict=True)
            ]

        return await info.context.read(run)
