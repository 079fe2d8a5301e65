"""Queries of cases: the list pages, one's own cases, the published cases and the
议事内容清单 (a single case is `node(id:)`)."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry import relay

from backend.cases import topics
from schema.cases.pages import CaseFilter, cases_page
from schema.cases.types import Case, CaseChannel, CaseKind, CaseState, CaseTopicRule
from schema.context import Info
from schema.relay import Connection, PageAfter, PageFirst, decode_id_argument


@strawberry.input(description="Which cases a list shows (every field optional: any).")
class CasesFilter:
    state: list[CaseState] | None = strawberry.field(default=None, description="In these states.")
    unit_id: relay.GlobalID | None = strawberry.field(
        default=None,
        description="A unit's inbox: cases it is accountable for or holds an active "
        "assignment of (待签收 or 已签收).",
    )
    channel: CaseChannel | None = strawberry.field(default=None, description="Came in this way.")
    kind: CaseKind | None = strawberry.field(default=None, description="咨询, 建议 or 诉求.")
    overdue: bool | None = strawberry.field(
        default=None, description="True: open and past the deadline (超期); false: not overdue."
    )
    due_soon: bool | None = strawberry.field(
        default=None,
        description="True: open, due within the county's warning window (`case.due_soon`).",
    )
    mine: bool | None = strawberry.field(
        default=None, description="Only the cases I raised or entered for someone."
    )


def _filter(f: CasesFilter | None) -> CaseFilter:
    if f is None:
        return CaseFilter()
    return CaseFilter(
        states=tuple(f.state or ()),
        unit_id=decode_id_argument(f.unit_id, "OrgUnit", field="filter.unitId")
        if f.unit_id is not None
        else None,
        channel=f.channel,
        kind=f.kind,
        overdue=f.overdue,
        due_soon=bool(f.due_soon),
        mine=bool(f.mine),
    )


@strawberry.type
class CaseQueries:
    @strawberry.field(
        description="Cases the caller may see (staff: their units' cases; the county office: "
        "all; everyone: their own), newest first. Each with its accountable unit, handler, "
        "deadline and last event."
    )
    async def cases(
        self,
        info: Info,
        first: PageFirst = None,
        after: PageAfter = None,
        filter: Annotated[
            CasesFilter | None, strawberry.argument(description="What to list.")
        ] = None,
    ) -> Connection[Case]:
        return await cases_page(info, f=_filter(filter), first=first, after=after)

    @strawberry.field(description="The cases I raised (or entered for someone), newest first.")
    async def my_cases(
        self, info: Info, first: PageFirst = None, after: PageAfter = None
    ) -> Connection[Case]:
        return await cases_page(info, f=CaseFilter(mine=True), first=first, after=after)

    @strawberry.field(
        description="Published cases (政务村务公开): what was asked and answered, personal "
        "data masked. Anyone of the county (X-Tenant)."
    )
    async def published_cases(
        self, info: Info, first: PageFirst = None, after: PageAfter = None
    ) -> Connection[Case]:
        return await cases_page(info, f=CaseFilter(), first=first, after=after, public=True)

    @strawberry.field(description="The 议事内容清单 of the county, in order.")
    async def case_topic_rules(self, info: Info) -> list[CaseTopicRule]:
        principal = await info.context.principal()
        rows = await info.context.read(lambda s: topics.list_rules(s, principal))
        return [CaseTopicRule.from_model(r) for r in rows]
