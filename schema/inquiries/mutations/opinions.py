"""Mutations: the opinions collected before a 述职报告会 (`backend.inquiries.opinions`)."""

from __future__ import annotations

from typing import Annotated

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry import relay

from backend.core.security import Principal
from backend.inquiries import models, opinions
from schema.cases.types import Satisfaction
from schema.context import Info
from schema.inquiries.mutations.common import (
    OpinionCollectionPayload,
    ReportOpinionPayload,
    decode,
    decode_unit,
    payload_errors,
)
from schema.inquiries.types import OpinionCollection, OpinionHandling, OpinionSource, ReportOpinion
from schema.mutations import mutate

_OPINION = Annotated[relay.GlobalID, strawberry.argument(description="The opinion.")]


@strawberry.input(description="An opinion collection for a 述职报告会.")
class OpenOpinionCollectionInput:
    meeting_id: relay.GlobalID = strawberry.field(
        description="The 述职报告会 (a Meeting of kind WORK_REPORT)."
    )
    unit_ids: list[relay.GlobalID] = strawberry.field(description="The reporting units.")
    title: str = strawberry.field(description="Title, e.g. 2026年度述职报告会意见建议征集.")


@strawberry.input(description="An opinion entered centrally (集中录入).")
class EnterOpinionInput:
    collection_id: relay.GlobalID = strawberry.field(description="The collection.")
    unit_id: relay.GlobalID = strawberry.field(description="The reporting unit it is about.")
    source: OpinionSource = strawberry.field(description="The channel it came by.")
    body: str = strawberry.field(description="What was said.")
    giver_id: relay.GlobalID | None = strawberry.field(
        default=None, description="The giver's account (they then rate the handling online)."
    )
    giver_name: str | None = strawberry.field(
        default=None, description="The giver's name (required without an account)."
    )
    giver_phone: str | None = strawberry.field(
        default=None, description="The giver's phone (required without an account)."
    )


def _staff(o: models.ReportOpinion | None) -> ReportOpinion | None:
    return ReportOpinion.from_model(o, staff=True, viewer=None) if o else None


@strawberry.type
class OpinionMutations:
    @strawberry.mutation(
        description="Open the opinion collection of a 述职报告会 for its reporting units "
        "(county office), at least one month before the meeting (seed 001); it closes when "
        "the meeting starts."
    )
    async def open_opinion_collection(
        self,
        info: Info,
        input: Annotated[
            OpenOpinionCollectionInput, strawberry.argument(description="The collection.")
        ],
    ) -> OpinionCollectionPayload:
        async def run(session: AsyncSession, principal: Principal) -> OpinionCollection:
            unit_ids = [decode_unit(u, f"unitIds.{i}") for i, u in enumerate(input.unit_ids)]
            collection = await opinions.open_collection(
                session,
                principal,
                meeting_id=decode(input.meeting_id, "Meeting", "meetingId"),
                unit_ids=unit_ids,
                title=input.title,
            )
            return OpinionCollection.from_model(collection, unit_ids)

        collection, errors = await mutate(info, run)
        return OpinionCollectionPayload(collection=collection, errors=payload_errors(errors))

    @strawberry.mutation(description="Enter an opinion centrally (集中录入, county office).")
    async def enter_report_opinion(
        self,
        info: Info,
        input: Annotated[EnterOpinionInput, strawberry.argument(description="The opinion.")],
    ) -> ReportOpinionPayload:
        row, errors = await mutate(
            info,
            lambda s, p: opinions.enter_opinion(
                s,
                p,
                collection_id=decode(input.collection_id, "OpinionCollection", "collectionId"),
                draft=opinions.OpinionDraft(
                    unit_id=decode_unit(input.unit_id, "unitId"),
                    source=input.source,
                    body=input.body,
                    giver_user_id=decode(input.giver_id, "User", "giverId")
                    if input.giver_id is not None
                    else None,
                    giver_name=input.giver_name,
                    giver_phone=input.giver_phone,
                ),
            ),
        )
        return ReportOpinionPayload(opinion=_staff(row), errors=payload_errors(errors))

    @strawberry.mutation(
        description="Review an opinion (审核, county office): accepted, or rejected with a reason."
    )
    async def review_report_opinion(
        self,
        info: Info,
        opinion_id: _OPINION,
        accepted: Annotated[bool, strawberry.argument(description="Accepted?")],
        reason: Annotated[
            str | None, strawberry.argument(description="Why not (required to reject).")
        ] = None,
    ) -> ReportOpinionPayload:
        row, errors = await mutate(
            info,
            lambda s, p: opinions.review_opinion(
                s,
                p,
                opinion_id=decode(opinion_id, "ReportOpinion", "opinionId"),
                accepted=accepted,
                reason=reason,
            ),
        )
        return ReportOpinionPayload(opinion=_staff(row), errors=payload_errors(errors))

    @strawberry.mutation(
        description="Dispatch an accepted opinion (分办, county office) to its unit or "
        "another, as 转办件 or 转阅件."
    )
    async def dispatch_report_opinion(
        self,
        info: Info,
        opinion_id: _OPINION,
        handling: Annotated[
            OpinionHandling, strawberry.argument(description="TO_HANDLE or FOR_REFERENCE.")
        ],
        unit_id: Annotated[
            relay.GlobalID | None,
            strawberry.argument(description="The unit (default: the reporting unit)."),
        ] = None,
    ) -> ReportOpinionPayload:
        row, errors = await mutate(
            info,
            lambda s, p: opinions.dispatch_opinion(
                s,
                p,
                opinion_id=decode(opinion_id, "ReportOpinion", "opinionId"),
                handling=handling,
                unit_id=decode_unit(unit_id, "unitId") if unit_id is not None else None,
            ),
        )
        return ReportOpinionPayload(opinion=_staff(row), errors=payload_errors(errors))

    @strawberry.mutation(
        description="Answer a dispatched opinion (归口答复, staff of the unit it went to)."
    )
    async def answer_report_opinion(
        self,
        info: Info,
        opinion_id: _OPINION,
        answer: Annotated[str, strawberry.argument(description="The answer.")],
    ) -> ReportOpinionPayload:
        row, errors = await mutate(
            info,
            lambda s, p: opinions.answer_opinion(
                s, p, opinion_id=decode(opinion_id, "ReportOpinion", "opinionId"), answer=answer
            ),
        )
        return ReportOpinionPayload(opinion=_staff(row), errors=payload_errors(errors))

    @strawberry.mutation(
        description="Rate the handling of one's own opinion online (满意/基本满意/不满意), "
        "once, after it was answered."
    )
    async def rate_report_opinion(
        self,
        info: Info,
        opinion_id: _OPINION,
        satisfaction: Annotated[Satisfaction, strawberry.argument(description="The rating.")],
    ) -> ReportOpinionPayload:
        row, errors = await mutate(
            info,
            lambda s, p: opinions.rate_opinion(
                s,
                p,
                opinion_id=decode(opinion_id, "ReportOpinion", "opinionId"),
                satisfaction=satisfaction,
            ),
        )
        return ReportOpinionPayload(
            opinion=ReportOpinion.from_model(row, staff=False, viewer=None, mine=True)
            if row
            else None,
            errors=payload_errors(errors),
        )
