"""Mutations: the 网络问政 schedule (`backend.inquiries.schedule`)."""

from __future__ import annotations

from datetime import datetime, time
from typing import Annotated

import strawberry
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry import relay

from backend.core.errors import DomainError
from backend.core.security import Principal
from backend.inquiries import schedule
from backend.inquiries.errors import InquiryErrorCode as Code
from backend.inquiries.models import InquiryGroupUnit
from schema.context import Info
from schema.inquiries.mutations.common import (
    GenerateInquirySessionsPayload,
    InquiryGroupPayload,
    InquirySessionPayload,
    decode,
    decode_unit,
    payload_errors,
)
from schema.inquiries.types import Frequency, InquiryGroup, InquirySession
from schema.mutations import mutate

_SESSION = Annotated[relay.GlobalID, strawberry.argument(description="The session.")]


@strawberry.input(description="A department of a new schedule group.")
class InquiryGroupUnitInput:
    unit_id: relay.GlobalID = strawberry.field(description="The department (an OrgUnit).")
    leader_id: relay.GlobalID = strawberry.field(
        description="Its leader's account (首问负责人): staff of the department."
    )


@strawberry.input(description="A schedule group: its departments and its slot rule.")
class CreateInquiryGroupInput:
    name: str = strawberry.field(description="Name, e.g. 第一组（每周）.")
    frequency: Frequency = strawberry.field(description="How often its departments appear.")
    weekday: int = strawberry.field(description="Day of the week, 1 (Monday) to 5 (Friday).")
    start_time: str = strawberry.field(description="Start of the first slot, HH:MM county time.")
    duration_minutes: int = strawberry.field(description="Each department's slot, 10–480 min.")
    units: list[InquiryGroupUnitInput] = strawberry.field(
        description="Its departments, in the order they appear."
    )
    ordinal: int = strawberry.field(
        default=1, description="Which such weekday of the month, 1–4 (not for WEEKLY)."
    )
    month_in_period: int = strawberry.field(
        default=1, description="Which month of the quarter (1–3) or half-year (1–6)."
    )


def _time(value: str) -> time:
    try:
        parsed = time.fromisoformat(value.strip())
    except ValueError:
        parsed = None
    if parsed is None or parsed.tzinfo is not None or parsed.second or parsed.microsecond:
        raise DomainError(Code.INVALID, "开始时间格式应为 HH:MM", field="startTime")
    return parsed


@strawberry.type
class ScheduleMutations:
    @strawberry.mutation(
        description="Make a schedule group of departments with its slot rule (county office)."
    )
    async def create_inquiry_group(
        self,
        info: Info,
        input: Annotated[CreateInquiryGroupInput, strawberry.argument(description="The group.")],
    ) -> InquiryGroupPayload:
        async def run(session: AsyncSession, principal: Principal) -> InquiryGroup:
            draft = schedule.GroupDraft(
                name=input.name,
                frequency=input.frequency,
                weekday=input.weekday,
                ordinal=input.ordinal,
                month_in_period=input.month_in_period,
                start_time=_time(input.start_time),
                duration_minutes=input.duration_minutes,
                units=[
                    schedule.GroupUnitDraft(
                        unit_id=decode_unit(u.unit_id, f"units.{i}.unitId"),
                        leader_user_id=decode(u.leader_id, "User", f"units.{i}.leaderId"),
                    )
                    for i, u in enumerate(input.units)
                ],
            )
            group = await schedule.create_group(session, principal, draft)
            units = (
                await session.scalars(
                    select(InquiryGroupUnit)
                    .where(InquiryGroupUnit.group_id == group.id)
                    .order_by(InquiryGroupUnit.position)
                )
            ).all()
            return InquiryGroup.from_model(group, list(units), office=True)

        group, errors = await mutate(info, run)
        return InquiryGroupPayload(group=group, errors=payload_errors(errors))

    @strawberry.mutation(
        description="Generate the sessions of a year from the schedule groups (county "
        "office). Idempotent: a session that exists is left as it is; a slot on a day off "
        "moves to the next working day of the county calendar and says why."
    )
    async def generate_inquiry_sessions(
        self,
        info: Info,
        year: Annotated[int, strawberry.argument(description="The year of the plan.")],
        group_ids: Annotated[
            list[relay.GlobalID] | None,
            strawberry.argument(description="Only these groups (default: every group)."),
        ] = None,
    ) -> GenerateInquirySessionsPayload:
        result, errors = await mutate(
            info,
            lambda s, p: schedule.generate_year(
                s,
                p,
                year=year,
                group_ids=None
                if group_ids is None
                else [decode(g, "InquiryGroup", f"groupIds.{i}") for i, g in enumerate(group_ids)],
            ),
        )
        return GenerateInquirySessionsPayload(
            created=result.created if result else 0,
            existing=result.existing if result else 0,
            errors=payload_errors(errors),
        )

    @strawberry.mutation(
        description="Move a scheduled session to another working day and time, with a "
        "reason published with it (county office)."
    )
    async def reschedule_inquiry_session(
        self,
        info: Info,
        session_id: _SESSION,
        starts_at: Annotated[datetime, strawberry.argument(description="New start, with zone.")],
        reason: Annotated[str, strawberry.argument(description="Why (published).")],
    ) -> InquirySessionPayload:
        row, errors = await mutate(
            info,
            lambda s, p: schedule.reschedule_session(
                s,
                p,
                session_id=decode(session_id, "InquirySession", "sessionId"),
                starts_at=starts_at,
                reason=reason,
            ),
        )
        return InquirySessionPayload(
            session=InquirySession.from_model(row) if row else None,
            errors=payload_errors(errors),
        )

    @strawberry.mutation(
        description="Cancel a scheduled session, with a reason published with it (county office)."
    )
    async def cancel_inquiry_session(
        self,
        info: Info,
        session_id: _SESSION,
        reason: Annotated[str, strawberry.argument(description="Why (published).")],
    ) -> InquirySessionPayload:
        row, errors = await mutate(
            info,
            lambda s, p: schedule.cancel_session(
                s, p, session_id=decode(session_id, "InquirySession", "sessionId"), reason=reason
            ),
        )
        return InquirySessionPayload(
            session=InquirySession.from_model(row) if row else None,
            errors=payload_errors(errors),
        )
