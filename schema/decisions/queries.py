"""Queries of major administrative decisions: a decision (any member of the county or the
public of it), the county's decisions, one's own opinions with their answers, and the
decision's record (JSON export, like `meetingRecord`)."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry import relay
from strawberry.scalars import JSON

from backend.core.errors import DomainError, InvalidArgument
from backend.decisions import answers, models, reads
from schema.context import Info
from schema.decisions.types import (
    Decision,
    Opinion,
    PostEvaluation,
    decision_node,
    decision_nodes,
)
from schema.relay import (
    Connection,
    PageAfter,
    PageFirst,
    build_connection,
    decode_cursor,
    decode_id_argument,
    page_size,
)


@strawberry.type
class DecisionQueries:
    @strawberry.field(description="A decision of the county (null: none with this id).")
    async def decision(
        self,
        info: Info,
        id: Annotated[relay.GlobalID, strawberry.argument(description="The decision.")],
    ) -> Decision | None:
        (await info.context.principal()).require_tenant()
        return await decision_node(info, decode_id_argument(id, "Decision", field="id"))

    @strawberry.field(description="The county's decisions, newest first.")
    async def decisions(
        self, info: Info, first: PageFirst = None, after: PageAfter = None
    ) -> Connection[Decision]:
        principal = await info.context.principal()
        principal.require_tenant()
        size = page_size(first)
        key = decode_cursor(after)

        async def run(s: AsyncSession) -> list[int]:
            query = select(models.Decision.id).order_by(models.Decision.id.desc()).limit(size + 1)
            if key is not None:
                query = query.where(models.Decision.id < key)
            return list((await s.scalars(query)).all())

        ids = await info.context.read(run)
        nodes = [n for n in await decision_nodes(info, ids) if n is not None]
        return build_connection(nodes, first=size, to_node=lambda d: d, key=lambda d: d.id)

    @strawberry.field(description="The caller's own opinions with their answers, newest first.")
    async def my_opinions(
        self, info: Info, first: PageFirst = None, after: PageAfter = None
    ) -> Connection[Opinion]:
        principal = await info.context.principal()
        principal.require_user()
        size = page_size(first)
        key = decode_cursor(after)

        async def run(s: AsyncSession) -> tuple[list[Any], dict[int, str]]:
            rows = await answers.my_opinions(s, principal, limit=size + 1, after=key)
            labels = await reads.paragraph_labels(
                s, [o.current_paragraph_id for o, _ in rows if o.current_paragraph_id]
            )
            return rows, labels

        rows, labels = await info.context.read(run)
        return build_connection(
            rows,
            first=size,
            to_node=lambda r: Opinion.from_model(
                r[0], names_shown=True, labels=labels, title=r[1].title
            ),
            key=lambda r: r[0].id,
        )

    @strawberry.field(
        description="Published decisions whose 政策解读 is past due and missing, of the units "
        "the caller works for (the county office: all), soonest due first."
    )
    async def overdue_interpretations(self, info: Info) -> list[Decision]:
        from backend.decisions.aftermath import overdue_interpretations

        principal = await info.context.principal()
        principal.require_user()

        async def run(s: AsyncSession) -> list[Decision]:
            rows = await overdue_interpretations(s, principal)
            return [Decision.from_model(d, staff=True) for d in rows]

        return await info.context.read(run)

    @strawberry.field(
        description="The 后评估 tasks of the units the caller works for (the county office: "
        "all), newest first."
    )
    async def post_evaluations(self, info: Info) -> list[PostEvaluation]:
        from backend.decisions.aftermath import post_evaluations

        principal = await info.context.principal()
        principal.require_user()
        rows = await info.context.read(lambda s: post_evaluations(s, principal))
        return [PostEvaluation.from_model(p) for p in rows]

    @strawberry.field(
        description="The decision's record as JSON (its sections, every event and the chain "
        "check; after sealing, the county's seal): the lead unit's and co-units' staff and "
        "the county office."
    )
    async def decision_record(
        self,
        info: Info,
        decision_id: Annotated[relay.GlobalID, strawberry.argument(description="The decision.")],
    ) -> JSON:
        from backend.core.errors import PermissionDenied
        from backend.decisions.access import get_decision, is_staff
        from backend.decisions.record import build_record

        did = decode_id_argument(decision_id, "Decision", field="decisionId")
        principal = await info.context.principal()
        principal.require_user()

        async def run(s: AsyncSession) -> dict[str, Any]:
            decision = await get_decision(s, did)
            if not await is_staff(s, principal, decision):
                raise PermissionDenied("无权导出决策记录：需要承办、协办单位工作人员或县级管理员")
            return await build_record(s, did)

        try:
            return JSON(await info.context.read(run))
        except DomainError as error:
            raise InvalidArgument(error.message) from error
