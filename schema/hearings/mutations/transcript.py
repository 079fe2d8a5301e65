"""Mutations: the transcript, its confirmations and the hearing report
(`backend.hearings.transcript`)."""

from __future__ import annotations

from typing import Annotated

import strawberry

from backend.hearings import transcript
from schema.context import Info
from schema.hearings.mutations.common import (
    HEARING_ARG,
    HearingPayload,
    TranscriptConfirmationPayload,
    decode,
    hearing_node,
    payload_errors,
)
from schema.hearings.types import TranscriptConfirmation
from schema.mutations import mutate


@strawberry.input(description="A view in the hearing report.")
class HearingViewInput:
    summary: str = strawberry.field(description="The view (代表意见).")
    adopted: bool = strawberry.field(description="Adopted (采纳)?")
    reason: str | None = strawberry.field(
        default=None, description="Why; required when not adopted (不予采纳的，应当说明理由)."
    )


@strawberry.type
class HearingTranscriptMutations:
    @strawberry.mutation(
        description="Write a new version of the transcript (听证笔录); earlier confirmations "
        "do not count for it."
    )
    async def set_hearing_transcript(
        self,
        info: Info,
        hearing_id: HEARING_ARG,
        text: Annotated[str, strawberry.argument(description="The transcript's text.")],
    ) -> HearingPayload:
        hearing, errors = await mutate(
            info,
            lambda s, p: transcript.set_transcript(
                s, p, hearing_id=decode(hearing_id, "Hearing", "hearingId"), text=text
            ),
        )
        return HearingPayload(
            hearing=await hearing_node(info, hearing.id if hearing else None),
            errors=payload_errors(errors),
        )

    @strawberry.mutation(
        description="A selected representative confirms (signs) the transcript version whose "
        "SHA-256 they name (签字确认)."
    )
    async def confirm_hearing_transcript(
        self,
        info: Info,
        hearing_id: HEARING_ARG,
        sha256: Annotated[
            str, strawberry.argument(description="`transcriptSha256` of the version read.")
        ],
    ) -> TranscriptConfirmationPayload:
        confirmation, errors = await mutate(
            info,
            lambda s, p: transcript.confirm_transcript(
                s, p, hearing_id=decode(hearing_id, "Hearing", "hearingId"), sha256=sha256
            ),
        )
        node = await hearing_node(info, confirmation.hearing_id if confirmation else None)
        return TranscriptConfirmationPayload(
            confirmation=next(
                (
                    c
                    for c in node.confirmations
                    if confirmation and c.confirmed_at == confirmation.confirmed_at
                ),
                None,
            )
            if node
            else None,
            hearing=node,
            errors=payload_errors(errors),
        )

    @strawberry.mutation(
        description="Record the hearing report (听证报告): the conclusion and every view, "
        "adopted or not with the reason."
    )
    async def record_hearing_report(
        self,
        info: Info,
        hearing_id: HEARING_ARG,
        conclusion: Annotated[str, strawberry.argument(description="结论性建议意见.")],
        views: Annotated[list[HearingViewInput], strawberry.argument(description="The views.")],
    ) -> HearingPayload:
        hearing, errors = await mutate(
            info,
            lambda s, p: transcript.record_report(
                s,
                p,
                hearing_id=decode(hearing_id, "Hearing", "hearingId"),
                conclusion=conclusion,
                views=[transcript.ViewInput(v.summary, v.adopted, v.reason) for v in views],
            ),
        )
        return HearingPayload(
            hearing=await hearing_node(info, hearing.id if hearing else None),
            errors=payload_errors(errors),
        )


__all__ = ["HearingTranscriptMutations", "TranscriptConfirmation"]
