"""Queries of cases: the list pages, one's own cases, the published cases and the
议事内容清单 (a single case is `node(id:)`)."""

from __future__ import annotations

from typing import Annotated

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry import relay

from backend.cases import inbox, topics
from backend.core.errors import InvalidArgument
from schema.cases.pages import CaseFilter, cases_page
from schema.cases.types import Case, CaseChannel, CaseKind, CaseState, CaseTopicRule
from schema.context import Info
from schema.relay import Connection, PageAfter, PageFirst, decode_id_argument

CaseInboxQueue = inbox.InboxQueue
strawberry.enum(
    CaseInboxQueue,
    name="CaseInboxQueue",
    description=(
        "A tab of a unit's inbox (待办): NEW 新件 (received, never returned, the unit "
        "accountable), TO_SIGN 待签收 (open, a pending assignment of the unit), IN_HANDLING "
        "办理中 (in progress, the unit accountable or assigned, nothing left to sign), "
        "SENT_BACK 退回 (received again after a 退单: the unit accountable; for the county "
        "office every returned case), DUE_SOON 临期, OVERDUE 超期 (open, the unit accountable "
        "or assigned)."
    ),
)


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
    queue: CaseInboxQueue | None = strawberry.field(
        default=None,
        description="With unitId: one tab of the unit's inbox (待办), paged by the server. Only "
        "the unit's staff (or above it) and the county office; anyone else is refused "
        "(FORBIDDEN).",
    )


@strawberry.type(
    description="How many cases each tab of a unit's inbox (待办) lists: the lengths of "
    "`cases(filter: {unitId, queue})`."
)
class CaseInboxCounts:
    new: int = strawberry.field(description="新件 (NEW).")
    to_sign: int = strawberry.field(description="待签收 (TO_SIGN).")
    in_handling: int = strawberry.field(description="办理中 (IN_HANDLING).")
    sent_back: int = strawberry.field(description="退回 (SENT_BACK).")
    due_soon: int = strawberry.field(description="临期 (DUE_SOON).")
    overdue: int = strawberry.field(description="超期 (OVERDUE).")


def _filter(f: CasesFilter | None) -> CaseFilter:
    if f is None:
        return CaseFilter()
    if f.queue is not None and f.unit_id is None:
        raise InvalidArgument("参数 filter.queue 需要同时给出 filter.unitId（哪个单位的待办）")
    return CaseFilter(
        states=tuple(f.state or ()),
        unit_id=decode_id_argument(f.unit_id, "OrgUnit", field="filter.unitId")
        if f.unit_id is not None
        else None,
        queue=f.queue,
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

    @strawberry.field(
        description="How many cases each tab of a unit's inbox (待办) lists, in one query: "
        "the same cases as `cases(filter: {unitId, queue})`. Staff of the unit (or above it) "
        "and the county office; anyone else is refused (FORBIDDEN)."
    )
    async def case_inbox_counts(
        self,
        info: Info,
        unit_id: Annotated[relay.GlobalID, strawberry.argument(description="The unit.")],
    ) -> CaseInboxCounts:
        from backend.cases.replies import today

        unit = decode_id_argument(unit_id, "OrgUnit", field="unitId")
        principal = await info.context.principal()
        tenant_id = principal.require_tenant()
        day = today()

        async def count(session: AsyncSession) -> dict[inbox.InboxQueue, int]:
            await inbox.require_inbox_reader(session, principal, unit)
            horizon = await inbox.due_soon_horizon(session, tenant_id, day)
            return await inbox.inbox_counts(
                session, principal, unit_id=unit, today=day, horizon=horizon
            )

        n = await info.context.read(count)
        Q = inbox.InboxQueue
        return CaseInboxCounts(
            new=n[Q.NEW],
            to_sign=n[Q.TO_SIGN],
            in_handling=n[Q.IN_HANDLING],
            sent_back=n[Q.SENT_BACK],
            due_soon=n[Q.DUE_SOON],
            overdue=n[Q.OVERDUE],
        )

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
