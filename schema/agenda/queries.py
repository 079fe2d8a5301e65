"""Queries of the annual agenda: a year's consultation catalogue and a year's 民生实事."""

from __future__ import annotations

from typing import Annotated

import strawberry

from backend.agenda import reading
from backend.agenda.livelihood import parse_month
from backend.core.errors import DomainError, InvalidArgument
from schema.agenda.types import ConsultationCatalogue, LivelihoodRound
from schema.context import Info

_YEAR = Annotated[int, strawberry.argument(description="The year, e.g. 2026.")]


@strawberry.type
class AgendaQueries:
    @strawberry.field(
        description="The county's consultation catalogue and plan of a year (协商目录): county "
        "staff see it while drafted; anyone of the county once published (null before)."
    )
    async def consultation_catalogue(self, info: Info, year: _YEAR) -> ConsultationCatalogue | None:
        principal = await info.context.principal()
        principal.require_tenant()
        view = await info.context.read(lambda s: reading.catalogue_view(s, principal, year=year))
        return None if view is None else ConsultationCatalogue.from_view(view)

    @strawberry.field(
        description="The county's 民生实事 of a year: every proposal and project with its "
        "votes, status, monthly progress (a parent's derived from its sub-projects) and "
        "year-end satisfaction. Public (anyone of the county)."
    )
    async def livelihood_round(
        self,
        info: Info,
        year: _YEAR,
        as_of_month: Annotated[
            str | None,
            strawberry.argument(
                description="Show progress as of this month (YYYY-MM); null: the latest."
            ),
        ] = None,
    ) -> LivelihoodRound | None:
        principal = await info.context.principal()
        principal.require_tenant()
        try:
            as_of = parse_month(as_of_month) if as_of_month is not None else None
        except DomainError as exc:
            raise InvalidArgument("参数 asOfMonth 格式应为 YYYY-MM") from exc
        view = await info.context.read(
            lambda s: reading.round_view(s, principal, year=year, as_of=as_of)
        )
        return None if view is None else LivelihoodRound.from_view(view, as_of)
