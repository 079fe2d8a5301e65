"""Queries of 两代表一委员: representatives (paged, filtered), a place's representatives,
what a representative reaches through their places (cases, meetings), proposals and their
figures, participation for the yearly report, written and counterpart consultations."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

import strawberry
from strawberry import relay

from backend.cases import visibility as case_visibility
from backend.representatives import access, consultations, linkage, places, proposals, statistics
from backend.representatives.proposals import units_of
from schema.cases.types import Case
from schema.context import Info
from schema.meetings.types import Meeting
from schema.relay import (
    Connection,
    PageAfter,
    PageFirst,
    build_connection,
    decode_cursor,
    decode_id_argument,
    page_size,
)
from schema.representatives.types import (
    CounterpartSession,
    DeputyLevel,
    Proposal,
    ProposalKind,
    ProposalState,
    ProposalUnitFigures,
    Representative,
    RepresentativeKind,
    RepresentativeParticipation,
    RepresentativePlace,
    WrittenConsultation,
    gid,
)


def _place(place_id: relay.GlobalID | None, field: str) -> tuple[int | None, int | None]:
    """(org unit id, venue id) of a place argument: an OrgUnit or a Venue id."""
    if place_id is None:
        return None, None
    if place_id.type_name == "Venue":
        return None, decode_id_argument(place_id, "Venue", field=field)
    return decode_id_argument(place_id, "OrgUnit", field=field), None


@strawberry.input(description="Which representatives a list shows (every field optional).")
class RepresentativesFilter:
    kind: RepresentativeKind | None = strawberry.field(
        default=None, description="人大代表 or 政协委员."
    )
    level: DeputyLevel | None = strawberry.field(default=None, description="人大代表's level.")
    place_id: relay.GlobalID | None = strawberry.field(
        default=None,
        description="Serving this place today: an OrgUnit (village/community) or Venue (联系点).",
    )


@strawberry.input(description="Which proposals a list shows (every field optional).")
class ProposalsFilter:
    kind: ProposalKind | None = strawberry.field(default=None, description="建议 or 提案.")
    state: ProposalState | None = strawberry.field(default=None, description="In this state.")
    unit_id: relay.GlobalID | None = strawberry.field(
        default=None, description="Assigned to this unit (lead or co)."
    )
    representative_id: relay.GlobalID | None = strawberry.field(
        default=None, description="Filed by this representative."
    )


@strawberry.type
class RepresentativeQueries:
    @strawberry.field(
        description="Representatives of the county by registration order (signed-in members)."
    )
    async def representatives(
        self,
        info: Info,
        first: PageFirst = None,
        after: PageAfter = None,
        filter: Annotated[
            RepresentativesFilter | None, strawberry.argument(description="What to list.")
        ] = None,
    ) -> Connection[Representative]:
        size = page_size(first)
        after_id = decode_cursor(after)
        f = filter or RepresentativesFilter()
        unit_id, venue_id = _place(f.place_id, "filter.placeId")
        principal = await info.context.principal()

        async def load(session: Any) -> tuple[Any, Any]:
            rows = await linkage.list_representatives(
                session,
                principal,
                kind=f.kind,
                level=f.level,
                place_unit_id=unit_id,
                place_venue_id=venue_id,
                after_id=after_id,
                limit=size + 1,
            )
            return rows, await linkage.places_of(session, [r.id for r in rows])

        rows, links = await info.context.read(load)
        full = access.is_county_office(principal)
        return build_connection(
            rows,
            first=size,
            to_node=lambda r: Representative.from_model(r, links[r.id], full_phone=full),
            key=lambda r: r.id,
        )

    @strawberry.field(
        description="The representatives serving a place on a day (today by default): a "
        "village/community (OrgUnit) or a 联系点 (Venue)."
    )
    async def place_representatives(
        self,
        info: Info,
        place_id: Annotated[
            relay.GlobalID, strawberry.argument(description="An OrgUnit or Venue id.")
        ],
        on: Annotated[
            date | None, strawberry.argument(description="The day (county date); today if null.")
        ] = None,
    ) -> list[Representative]:
        unit_id, venue_id = _place(place_id, "placeId")
        principal = await info.context.principal()

        async def load(session: Any) -> tuple[Any, Any]:
            pairs = await linkage.place_representatives(
                session, principal, org_unit_id=unit_id, venue_id=venue_id, on=on
            )
            ids = list(dict.fromkeys(r.id for r, _ in pairs))
            return pairs, await linkage.places_of(session, ids)

        pairs, links = await info.context.read(load)
        full = access.is_county_office(principal)
        seen: dict[int, Representative] = {}
        for rep, _ in pairs:
            seen.setdefault(rep.id, Representative.from_model(rep, links[rep.id], full_phone=full))
        return list(seen.values())

    @strawberry.field(description="The places I serve today, as a representative.")
    async def my_representative_places(self, info: Info) -> list[RepresentativePlace]:
        principal = await info.context.principal()

        async def load(session: Any) -> Any:
            reps = await access.representatives_of(session, principal.require_user())
            links = await linkage.places_of(session, [r.id for r in reps])
            return [p for r in reps for p in links[r.id]]

        rows = await info.context.read(load)
        return [RepresentativePlace.from_model(p) for p in rows if p]

    @strawberry.field(
        description="Cases raised at the places I serve today (as a representative), newest "
        "first: shown as the public sees a published case (masked), private cases left out."
    )
    async def cases_of_my_places(
        self, info: Info, first: PageFirst = None, after: PageAfter = None
    ) -> Connection[Case]:
        size = page_size(first)
        after_id = decode_cursor(after)
        principal = await info.context.principal()
        rows = await info.context.read(
            lambda s: places.cases_of_my_places(s, principal, after_id=after_id, limit=size + 1)
        )
        return build_connection(
            rows,
            first=size,
            to_node=lambda c: Case.from_model(c, view=case_visibility.PUBLIC_VIEW, contact=False),
            key=lambda c: c.id,
        )

    @strawberry.field(
        description="Meetings held at (or hosted by) the places I serve today, newest first."
    )
    async def meetings_of_my_places(
        self, info: Info, first: PageFirst = None, after: PageAfter = None
    ) -> Connection[Meeting]:
        size = page_size(first)
        after_id = decode_cursor(after)
        principal = await info.context.principal()
        rows = await info.context.read(
            lambda s: places.meetings_of_my_places(s, principal, after_id=after_id, limit=size + 1)
        )
        return build_connection(rows, first=size, to_node=Meeting.from_model, key=lambda m: m.id)

    @strawberry.field(
        description="Suggestions and proposals, newest first (county office, staff and "
        "representatives)."
    )
    async def proposals(
        self,
        info: Info,
        first: PageFirst = None,
        after: PageAfter = None,
        filter: Annotated[
            ProposalsFilter | None, strawberry.argument(description="What to list.")
        ] = None,
    ) -> Connection[Proposal]:
        size = page_size(first)
        after_id = decode_cursor(after)
        f = filter or ProposalsFilter()
        unit_id = (
            decode_id_argument(f.unit_id, "OrgUnit", field="filter.unitId") if f.unit_id else None
        )
        rep_id = (
            decode_id_argument(
                f.representative_id, "Representative", field="filter.representativeId"
            )
            if f.representative_id
            else None
        )
        principal = await info.context.principal()

        async def load(session: Any) -> tuple[Any, Any, Any, Any]:
            rows = await proposals.list_proposals(
                session,
                principal,
                kind=f.kind,
                state=f.state,
                unit_id=unit_id,
                representative_id=rep_id,
                after_id=after_id,
                limit=size + 1,
            )
            rep_ids = sorted({r.representative_id for r in rows})
            return (
                rows,
                await units_of(session, [r.id for r in rows]),
                await linkage.representatives_by_ids(session, rep_ids),
                await linkage.places_of(session, rep_ids),
            )

        rows, units, reps, links = await info.context.read(load)
        full = access.is_county_office(principal)
        nodes = {
            i: Representative.from_model(r, links.get(i, []), full_phone=full)
            for i, r in reps.items()
        }
        return build_connection(
            rows,
            first=size,
            to_node=lambda p: Proposal.from_model(p, units[p.id], nodes.get(p.representative_id)),
            key=lambda p: p.id,
        )

    @strawberry.field(
        description="Per unit: proposals assigned, replied, on time, overdue and their ratings "
        "(of proposals registered in `year`, or all)."
    )
    async def proposal_statistics(
        self,
        info: Info,
        year: Annotated[
            int | None, strawberry.argument(description="County year of registration.")
        ] = None,
    ) -> list[ProposalUnitFigures]:
        principal = await info.context.principal()
        rows = await info.context.read(lambda s: statistics.unit_figures(s, principal, year=year))
        return [
            ProposalUnitFigures(
                assigned=r.assigned,
                co_assigned=r.co_assigned,
                replied=r.replied,
                on_time=r.on_time,
                overdue=r.overdue,
                satisfied=r.satisfied,
                basically_satisfied=r.basically_satisfied,
                dissatisfied=r.dissatisfied,
                unit_db_id=r.unit_id,
            )
            for r in rows
        ]

    @strawberry.field(
        description="Participation of representatives in a year, for their yearly report: "
        "staff read anyone's, a representative their own."
    )
    async def representative_participation(
        self,
        info: Info,
        year: Annotated[int, strawberry.argument(description="County year.")],
        representative_ids: Annotated[
            list[relay.GlobalID] | None,
            strawberry.argument(description="Whose (≤ 100); null: mine."),
        ] = None,
    ) -> list[RepresentativeParticipation]:
        principal = await info.context.principal()
        ids = [
            decode_id_argument(i, "Representative", field="representativeIds")
            for i in (representative_ids or [])[:100]
        ]

        async def load(session: Any) -> Any:
            wanted = ids or [
                r.id for r in await access.representatives_of(session, principal.user_id)
            ]
            return await statistics.participation(
                session, principal, representative_ids=wanted, year=year
            )

        rows = await info.context.read(load)
        return [
            RepresentativeParticipation(
                representative_id=gid("Representative", r.representative_id),  # type: ignore[arg-type]
                year=r.year,
                meetings_attended=r.meetings_attended,
                opinions_given=r.opinions_given,
                proposals_filed=r.proposals_filed,
                consultations_answered=r.consultations_answered,
                counterpart_sessions=r.counterpart_sessions,
            )
            for r in rows
        ]

    @strawberry.field(description="Written consultations (书面征询), newest first.")
    async def written_consultations(
        self,
        info: Info,
        first: PageFirst = None,
        after: PageAfter = None,
        overdue: Annotated[
            bool | None,
            strawberry.argument(
                description="True: past the deadline with a recipient that has not replied."
            ),
        ] = None,
    ) -> Connection[WrittenConsultation]:
        size = page_size(first)
        after_id = decode_cursor(after)
        principal = await info.context.principal()

        async def load(session: Any) -> tuple[Any, Any]:
            rows = await consultations.list_written_consultations(
                session, principal, overdue=overdue, after_id=after_id, limit=size + 1
            )
            return rows, await consultations.recipients_of(session, [r.id for r in rows])

        rows, recipients = await info.context.read(load)
        return build_connection(
            rows,
            first=size,
            to_node=lambda c: WrittenConsultation.from_model(c, recipients[c.id]),
            key=lambda c: c.id,
        )

    @strawberry.field(description="对口协商 sessions recorded, newest first.")
    async def counterpart_sessions(
        self,
        info: Info,
        first: PageFirst = None,
        after: PageAfter = None,
        department_id: Annotated[
            relay.GlobalID | None, strawberry.argument(description="Of this department only.")
        ] = None,
    ) -> Connection[CounterpartSession]:
        size = page_size(first)
        after_id = decode_cursor(after)
        dept = (
            decode_id_argument(department_id, "OrgUnit", field="departmentId")
            if department_id
            else None
        )
        principal = await info.context.principal()
        rows = await info.context.read(
            lambda s: consultations.list_counterpart_sessions(
                s, principal, department_unit_id=dept, after_id=after_id, limit=size + 1
            )
        )
        return build_connection(
            rows, first=size, to_node=CounterpartSession.from_model, key=lambda c: c.id
        )
