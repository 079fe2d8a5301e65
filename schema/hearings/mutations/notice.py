"""Mutations: creating a hearing, the witnesses' commitments, the notice, opening
applications (`backend.hearings.notice`)."""

from __future__ import annotations

from collections.abc import Awaitable
from datetime import datetime
from typing import Annotated

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry import relay

from backend.core.security import Principal
from backend.hearings import notice
from backend.hearings.errors import HearingErrorCode as Code
from backend.hearings.models import Hearing
from schema.context import Info
from schema.hearings.mutations.common import (
    HEARING_ARG,
    HearingPayload,
    HearingWitnessPayload,
    decode,
    hearing_node,
    payload_errors,
)
from schema.hearings.types import HearingCategory, HearingKind, HearingWitness
from schema.mutations import mutate
from schema.people.types import Verification
from schema.relay import decode_id


@strawberry.input(description="Seats and alternates of one category.")
class HearingQuotaInput:
    category: HearingCategory = strawberry.field(description="The category.")
    seats: int = strawberry.field(description="Representatives of this category (≥ 1).")
    alternates: int = strawberry.field(default=0, description="Ordered alternates (≥ 0).")


@strawberry.input(description="A new hearing or 列席 selection (DRAFT until its notice).")
class CreateHearingInput:
    host_unit_id: relay.GlobalID = strawberry.field(description="The organising unit (承办单位).")
    title: str = strawberry.field(description="Title.")
    matter: str = strawberry.field(description="The matter: content, reasons, basis (第十二条).")
    place: str = strawberry.field(description="Where it is held.")
    starts_at: datetime = strawberry.field(description="When it is held (with time zone).")
    how_to_apply: str = strawberry.field(description="How and when to apply.")
    selection_method: str = strawberry.field(description="How the seats are filled.")
    quotas: list[HearingQuotaInput] = strawberry.field(
        description="Seats per category; a hearing needs the county's minimum in all "
        "(meeting.hearing_min_representatives, 10), a 列席 selection at most its maximum "
        "(decision.attending_representatives, 35)."
    )
    kind: HearingKind = strawberry.field(
        default=HearingKind.HEARING, description="HEARING (default) or ATTENDANCE (列席)."
    )
    decision_id: relay.GlobalID | None = strawberry.field(
        default=None, description="The decision project (重大行政决策) it belongs to, if any."
    )
    public_randomness_source: str | None = strawberry.field(
        default=None,
        description="A public random value named in advance and mixed into the seed, e.g. "
        "'中国福利彩票双色球2026年12月20日开奖号码'; its value is then required at the draw.",
    )
    required_verification: Verification = strawberry.field(
        default=Verification.UNVERIFIED,
        description="实名制: the verification level a person needs to apply (报名) or be put "
        "forward for a 列席 selection; below it the call is refused with "
        "VERIFICATION_REQUIRED (default UNVERIFIED).",
    )


@strawberry.type
class HearingNoticeMutations:
    @strawberry.mutation(description="Create a hearing or a 列席 selection (DRAFT).")
    async def create_hearing(
        self,
        info: Info,
        input: Annotated[CreateHearingInput, strawberry.argument(description="The hearing.")],
    ) -> HearingPayload:
        def run(s: AsyncSession, p: Principal) -> Awaitable[Hearing]:
            return notice.create_hearing(
                s,
                p,
                kind=input.kind,
                host_unit_id=decode_id(
                    input.host_unit_id, "OrgUnit", field="hostUnitId", code=Code.UNKNOWN_UNIT
                ),
                title=input.title,
                matter=input.matter,
                place=input.place,
                starts_at=input.starts_at,
                how_to_apply=input.how_to_apply,
                selection_method=input.selection_method,
                quotas=[notice.QuotaInput(q.category, q.seats, q.alternates) for q in input.quotas],
                decision_id=None
                if input.decision_id is None
                else decode_id(
                    input.decision_id, "Decision", field="decisionId", code=Code.INVALID
                ),
                public_randomness_source=input.public_randomness_source,
                required_verification=input.required_verification,
            )

        hearing, errors = await mutate(info, run)
        return HearingPayload(
            hearing=await hearing_node(info, hearing.id if hearing else None),
            errors=payload_errors(errors),
        )

    @strawberry.mutation(
        description="Register a witness's commitment (sha256 of tag, hearing id and their "
        "secret: docs/hearings.md). Must come before applications open for the draw to run."
    )
    async def add_hearing_witness(
        self,
        info: Info,
        hearing_id: HEARING_ARG,
        name: Annotated[str, strawberry.argument(description="Who, e.g. 县公证处.")],
        commitment: Annotated[str, strawberry.argument(description="64 hex digits.")],
    ) -> HearingWitnessPayload:
        witness, errors = await mutate(
            info,
            lambda s, p: notice.add_witness(
                s,
                p,
                hearing_id=decode(hearing_id, "Hearing", "hearingId"),
                name=name,
                commitment=commitment,
            ),
        )
        node = await hearing_node(info, witness.hearing_id if witness else None)
        return HearingWitnessPayload(
            witness=next(
                (w for w in node.witnesses if witness and w.position == witness.position), None
            )
            if node
            else None,
            hearing=node,
            errors=payload_errors(errors),
        )

    @strawberry.mutation(
        description="Publish the notice (听证公告): time, place, matter, how to apply, seats "
        "and how they are filled, the algorithm and the commitments. At least the county's "
        "lead time before the hearing (meeting.hearing_notice, 10 days, 第十二条)."
    )
    async def publish_hearing_notice(self, info: Info, hearing_id: HEARING_ARG) -> HearingPayload:
        hearing, errors = await mutate(
            info,
            lambda s, p: notice.publish_notice(
                s, p, hearing_id=decode(hearing_id, "Hearing", "hearingId")
            ),
        )
        return HearingPayload(
            hearing=await hearing_node(info, hearing.id if hearing else None),
            errors=payload_errors(errors),
        )

    @strawberry.mutation(description="Open applications (报名): commitments after this are late.")
    async def open_hearing_applications(
        self, info: Info, hearing_id: HEARING_ARG
    ) -> HearingPayload:
        hearing, errors = await mutate(
            info,
            lambda s, p: notice.open_applications(
                s, p, hearing_id=decode(hearing_id, "Hearing", "hearingId")
            ),
        )
        return HearingPayload(
            hearing=await hearing_node(info, hearing.id if hearing else None),
            errors=payload_errors(errors),
        )


__all__ = ["HearingNoticeMutations", "HearingWitness"]
