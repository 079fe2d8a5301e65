"""Queries of 网络问政 (the schedule, a session's questions) and of the opinions collected
before a 述职报告会 (a collection, its opinions, its counts per unit). A session's questions
and a collection's opinions are pages (`first` ≤ 100, `after`), in id order; sessions are a
year's (or a month's) list in time order, at most `MAX_SESSIONS`."""

from __future__ import annotations

from typing import Annotated

import strawberry
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry import relay

from backend.core.errors import InvalidArgument
from backend.core.security import Principal
from backend.inquiries import live, opinions, schedule
from backend.inquiries.models import InquiryGroup as GroupRow
from backend.inquiries.models import InquiryGroupUnit
from backend.inquiries.models import OpinionCollection as CollectionRow
from backend.inquiries.visibility import is_office, is_staff_of
from schema.context import Info
from schema.inquiries.types import (
    InquiryGroup,
    InquiryQuestion,
    InquirySession,
    OpinionCollection,
    OpinionUnitCounts,
    ReportOpinion,
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
from tenants.models import OrgUnit

MAX_SESSIONS = 1000


@strawberry.type
class InquiryQueries:
    @strawberry.field(description="The county's schedule groups (上线频次组别), in order made.")
    async def inquiry_groups(self, info: Info) -> list[InquiryGroup]:
        principal = await info.context.principal()

        async def run(session: AsyncSession) -> list[InquiryGroup]:
            principal.require_tenant()
            groups = (await session.scalars(select(GroupRow).order_by(GroupRow.id))).all()
            units = (
                await session.scalars(
                    select(InquiryGroupUnit).order_by(
                        InquiryGroupUnit.group_id, InquiryGroupUnit.position
                    )
                )
            ).all()
            office = is_office(principal)
            return [
                InquiryGroup.from_model(g, [u for u in units if u.group_id == g.id], office=office)
                for g in groups
            ]

        return await info.context.read(run)

    @strawberry.field(
        description=f"Sessions of a year (and month, and department), in time order; at "
        f"most {MAX_SESSIONS}. Anyone of the county: the schedule is published."
    )
    async def inquiry_sessions(
        self,
        info: Info,
        year: Annotated[int, strawberry.argument(description="The year.")],
        month: Annotated[int | None, strawberry.argument(description="The month, 1–12.")] = None,
        unit_id: Annotated[
            relay.GlobalID | None, strawberry.argument(description="Only this department.")
        ] = None,
    ) -> list[InquirySession]:
        if month is not None and not 1 <= month <= 12:
            raise InvalidArgument("参数 month 必须在 1 到 12 之间")
        if not 2000 <= year <= 2100:
            raise InvalidArgument("参数 year 必须在 2000 到 2100 之间")
        unit = decode_id_argument(unit_id, "OrgUnit", field="unitId") if unit_id else None
        principal = await info.context.principal()
        rows = await info.context.read(
            lambda s: schedule.list_sessions(
                s, principal, year=year, month=month, unit_id=unit, limit=MAX_SESSIONS
            )
        )
        return [InquirySession.from_model(r) for r in rows]

    @strawberry.field(
        description="A session's questions, oldest first; staff of its department see who "
        "asked and the caller's contact."
    )
    async def inquiry_questions(
        self,
        info: Info,
        session_id: Annotated[relay.GlobalID, strawberry.argument(description="The session.")],
        first: PageFirst = None,
        after: PageAfter = None,
    ) -> Connection[InquiryQuestion]:
        row_id = decode_id_argument(session_id, "InquirySession", field="sessionId")
        size, after_id = page_size(first), decode_cursor(after)
        principal = await info.context.principal()

        async def run(session: AsyncSession) -> list[InquiryQuestion]:
            row, questions = await live.list_questions(
                session, principal, session_id=row_id, limit=size + 1, after=after_id
            )
            path = await session.scalar(select(OrgUnit.path).where(OrgUnit.id == row.org_unit_id))
            staff = is_office(principal) or is_staff_of(principal, path)
            return [
                InquiryQuestion.from_model(q, staff=staff, viewer=principal.user_id)
                for q in questions
            ]

        nodes = await info.context.read(run)
        return build_connection(nodes, first=size, to_node=lambda n: n, key=lambda n: n.db_id)

    @strawberry.field(description="The opinion collection of a 述职报告会, if it was opened.")
    async def opinion_collection(
        self,
        info: Info,
        meeting_id: Annotated[relay.GlobalID, strawberry.argument(description="The meeting.")],
    ) -> OpinionCollection | None:
        row_id = decode_id_argument(meeting_id, "Meeting", field="meetingId")
        principal = await info.context.principal()

        async def run(session: AsyncSession) -> OpinionCollection | None:
            principal.require_tenant()
            c = await session.scalar(
                select(CollectionRow).where(CollectionRow.meeting_id == row_id)
            )
            if c is None:
                return None
            return OpinionCollection.from_model(c, await opinions.collection_units(session, c.id))

        return await info.context.read(run)

    @strawberry.field(
        description="Opinions of a collection, oldest first: the county office sees all, a "
        "unit's staff those for their unit or dispatched to it, a giver their own."
    )
    async def report_opinions(
        self,
        info: Info,
        collection_id: Annotated[
            relay.GlobalID, strawberry.argument(description="The collection.")
        ],
        unit_id: Annotated[
            relay.GlobalID | None, strawberry.argument(description="Only this unit's.")
        ] = None,
        first: PageFirst = None,
        after: PageAfter = None,
    ) -> Connection[ReportOpinion]:
        row_id = decode_id_argument(collection_id, "OpinionCollection", field="collectionId")
        size, after_id = page_size(first), decode_cursor(after)
        unit = decode_id_argument(unit_id, "OrgUnit", field="unitId") if unit_id else None
        principal = await info.context.principal()

        async def run(session: AsyncSession) -> list[ReportOpinion]:
            rows = await opinions.list_opinions(
                session,
                principal,
                collection_id=row_id,
                unit_id=unit,
                limit=size + 1,
                after=after_id,
            )
            ids = {u for o in rows for u in (o.unit_id, o.dispatched_unit_id) if u is not None}
            found = await session.execute(
                select(OrgUnit.id, OrgUnit.path).where(OrgUnit.id.in_(ids))
            )
            paths: dict[int, str] = {unit_id: path for unit_id, path in found}
            phone = await opinions.proven_phone(session, principal)
            return [
                ReportOpinion.from_model(
                    o,
                    staff=opinions.staff_sees(principal, o, paths),
                    viewer=principal.user_id,
                    mine=opinions.given_by(o, principal.user_id, phone),
                )
                for o in rows
            ]

        nodes = await info.context.read(run)
        return build_connection(nodes, first=size, to_node=lambda n: n, key=lambda n: n.db_id)

    @strawberry.field(
        description="Counts per reporting unit of a collection (anyone of the county)."
    )
    async def report_opinion_counts(
        self,
        info: Info,
        collection_id: Annotated[
            relay.GlobalID, strawberry.argument(description="The collection.")
        ],
    ) -> list[OpinionUnitCounts]:
        row_id = decode_id_argument(collection_id, "OpinionCollection", field="collectionId")
        principal: Principal = await info.context.principal()
        counts = await info.context.read(
            lambda s: opinions.counts_per_unit(s, principal, collection_id=row_id)
        )
        return [OpinionUnitCounts.from_counts(c) for c in counts]
