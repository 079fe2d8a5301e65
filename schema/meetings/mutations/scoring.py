"""Mutations: Anonymous evaluations (测评票, `backend.meetings.scoring`)."""

from __future__ import annotations

from typing import Annotated

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry import relay

from backend.core.limits import Action
from backend.meetings import models, scoring
from schema.context import Info
from schema.meetings.mutations.common import decode, payload_errors
from schema.meetings.types import (
    BallotStatus,
    Eligibility,
    MeetingError,
    ScoringScale,
    ScoringSheet,
)
from schema.mutations import StreamUnit, mutate, mutate_on_stream


@strawberry.type(description="Result of a scoring change or ballot.")
class ScoringPayload:
    sheet: ScoringSheet | None = strawberry.field(description="The sheet (null for a ballot).")
    accepted: bool = strawberry.field(
        description="True when the change is recorded, or the ballot accepted (see status)."
    )
    status: BallotStatus | None = strawberry.field(
        default=None,
        description="For a ballot: PENDING, it waits for its mixing batch (ScoringSheet."
        "myBallot says when it is COUNTED). Null for sheet changes and refusals.",
    )
    errors: list[MeetingError] = strawberry.field(description="Why it was refused.")


@strawberry.type
class ScoringMutations:
    @strawberry.mutation(description="Open an anonymous evaluation (测评票).")
    async def open_scoring(
        self,
        info: Info,
        meeting_id: Annotated[relay.GlobalID, strawberry.argument(description="The meeting.")],
        title: Annotated[str, strawberry.argument(description="What is evaluated.")],
        targets: Annotated[
            list[str],
            strawberry.argument(description="Units or officials, in order, each once."),
        ],
        scale: Annotated[
            ScoringScale, strawberry.argument(description="满意度 or 0–100.")
        ] = models.ScoringScale.SATISFACTION,
        eligibility: Annotated[
            Eligibility, strawberry.argument(description="Who may score.")
        ] = models.Eligibility.ATTENDEES,
        min_ballots: Annotated[
            int,
            strawberry.argument(
                description="k, 3–1000: ballots are written only in shuffled batches of at "
                "least k (a voter's ballot is PENDING until then) and results are withheld "
                "when fewer than k score."
            ),
        ] = scoring.DEFAULT_MIN_BALLOTS,
    ) -> ScoringPayload:
        sheet, errors = await mutate(
            info,
            lambda s, p: scoring.open_scoring(
                s,
                p,
                meeting_id=decode(meeting_id, "Meeting", "meetingId"),
                title=title,
                scale=scale,
                targets=targets,
                eligibility=eligibility,
                min_ballots=min_ballots,
            ),
        )
        return ScoringPayload(
            sheet=ScoringSheet.from_model(sheet) if sheet else None,
            accepted=sheet is not None,
            errors=payload_errors(errors),
        )

    @strawberry.mutation(
        description="Cast your secret 测评票: one answer per target. Nothing is written "
        "yet: the ballot is PENDING in the server's memory until a batch of at least k "
        "ballots is written together with its receipts, shuffled (the sheet's close writes "
        "the last one). Who scored is stored apart from what; nothing links them."
    )
    async def cast_scoring_ballot(
        self,
        info: Info,
        sheet_id: Annotated[relay.GlobalID, strawberry.argument(description="The evaluation.")],
        answers: Annotated[
            list[str],
            strawberry.argument(description="满意/基本满意/不满意, or 0–100, per target."),
        ],
    ) -> ScoringPayload:
        async def work(unit: StreamUnit) -> scoring.BallotStatus:
            sid = decode(sheet_id, "ScoringSheet", "sheetId")
            tenant_id = unit.principal.require_tenant()
            directory = unit.services.meetings
            mixer = unit.services.ballots

            async def run(s: AsyncSession) -> scoring.BallotStatus:
                meeting_id = await directory.sheet_meeting(s, tenant_id, sid)
                return await scoring.cast_ballot(
                    s, mixer, unit.principal, meeting_id=meeting_id, sheet_id=sid, answers=answers
                )

            return await unit.read(run)

        status, errors = await mutate_on_stream(
            info.context, work, action=Action.VOTE, operator_refusal="只有县内用户可以参加测评"
        )
        if status is None:
            return ScoringPayload(sheet=None, accepted=False, errors=payload_errors(errors))
        return ScoringPayload(sheet=None, accepted=True, status=status, errors=[])

    @strawberry.mutation(
        description="Close an evaluation: the ballots still pending are written as the "
        "last batch, then the results are published (withheld when fewer than k scored)."
    )
    async def close_scoring(
        self,
        info: Info,
        sheet_id: Annotated[relay.GlobalID, strawberry.argument(description="The evaluation.")],
    ) -> ScoringPayload:
        sheet, errors = await mutate(
            info,
            lambda s, p: scoring.close_scoring(
                s,
                p,
                sheet_id=decode(sheet_id, "ScoringSheet", "sheetId"),
                mixer=info.context.services.ballots,
            ),
        )
        return ScoringPayload(
            sheet=ScoringSheet.from_model(sheet) if sheet else None,
            accepted=sheet is not None,
            errors=payload_errors(errors),
        )
