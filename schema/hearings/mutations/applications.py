"""Mutations: applications, a 列席 selection's eligible people, the close of applications
(`backend.hearings.applications`)."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Annotated

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry import relay

from backend.core.limits import Action
from backend.core.security import Principal
from backend.hearings import applications
from backend.hearings.models import HearingApplication as HearingApplicationRow
from schema.context import Info
from schema.hearings.mutations.common import (
    HEARING_ARG,
    AttendanceCandidatesPayload,
    HearingApplicationPayload,
    HearingPayload,
    decode,
    hearing_node,
    payload_errors,
)
from schema.hearings.types import HearingApplication, HearingCategory
from schema.mutations import mutate


@strawberry.type
class HearingApplicationMutations:
    @strawberry.mutation(
        description="Apply to a hearing in a category while applications are open (one "
        "application per person)."
    )
    async def apply_to_hearing(
        self,
        info: Info,
        hearing_id: HEARING_ARG,
        category: Annotated[HearingCategory, strawberry.argument(description="Category.")],
        statement: Annotated[
            str,
            strawberry.argument(description="Who I am and what I would say (报名说明, ≤ 2000)."),
        ],
    ) -> HearingApplicationPayload:
        application, errors = await mutate(
            info,
            lambda s, p: applications.apply(
                s,
                p,
                hearing_id=decode(hearing_id, "Hearing", "hearingId"),
                category=category,
                statement=statement,
            ),
            limit=Action.HEARING_APPLICATION,
        )
        return HearingApplicationPayload(
            application=HearingApplication.from_model(application) if application else None,
            hearing=await hearing_node(info, application.hearing_id if application else None),
            errors=payload_errors(errors),
        )

    @strawberry.mutation(
        description="Put forward the eligible people of a 列席 selection (seed 002 第十八条: "
        "those who took part earlier): the applicants of an earlier hearing and/or listed "
        "people. People already in the pool are skipped."
    )
    async def add_attendance_candidates(
        self,
        info: Info,
        hearing_id: HEARING_ARG,
        category: Annotated[HearingCategory, strawberry.argument(description="Their category.")],
        user_ids: Annotated[
            list[relay.GlobalID] | None, strawberry.argument(description="People, by account.")
        ] = None,
        from_hearing_id: Annotated[
            relay.GlobalID | None,
            strawberry.argument(description="An earlier hearing whose applicants are added."),
        ] = None,
    ) -> AttendanceCandidatesPayload:
        def run(s: AsyncSession, p: Principal) -> Awaitable[list[HearingApplicationRow]]:
            return applications.add_candidates(
                s,
                p,
                hearing_id=decode(hearing_id, "Hearing", "hearingId"),
                category=category,
                user_ids=[decode(u, "User", f"userIds.{i}") for i, u in enumerate(user_ids or [])],
                from_hearing_id=decode(from_hearing_id, "Hearing", "fromHearingId")
                if from_hearing_id is not None
                else None,
            )

        added, errors = await mutate(info, run)
        return AttendanceCandidatesPayload(
            added=len(added or []),
            hearing=await hearing_node(
                info, decode(hearing_id, "Hearing", "hearingId") if not errors else None
            ),
            errors=payload_errors(errors),
        )

    @strawberry.mutation(
        description="Close applications: the pool (pool ids and categories) is frozen and its "
        "hash published."
    )
    async def close_hearing_applications(
        self, info: Info, hearing_id: HEARING_ARG
    ) -> HearingPayload:
        hearing, errors = await mutate(
            info,
            lambda s, p: applications.close_applications(
                s, p, hearing_id=decode(hearing_id, "Hearing", "hearingId")
            ),
        )
        return HearingPayload(
            hearing=await hearing_node(info, hearing.id if hearing else None),
            errors=payload_errors(errors),
        )
