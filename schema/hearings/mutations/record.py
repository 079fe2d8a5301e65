"""Mutation: sealing a hearing's record (`backend.hearings.record`)."""

from __future__ import annotations

import strawberry

from backend.hearings import record
from schema.context import Info
from schema.hearings.mutations.common import (
    HEARING_ARG,
    HearingPayload,
    decode,
    hearing_node,
    payload_errors,
)
from schema.mutations import mutate


@strawberry.type
class HearingRecordMutations:
    @strawberry.mutation(
        description="Seal the hearing's record once the report is recorded: the final "
        "`record.sealed` event with the digests of every section (notice, witnesses, pool, "
        "the published draw, transcript, confirmations, report) and the county's SM2 seal, as "
        "a meeting's record is sealed; nothing can be appended afterwards."
    )
    async def seal_hearing_record(self, info: Info, hearing_id: HEARING_ARG) -> HearingPayload:
        hearing, errors = await mutate(
            info,
            lambda s, p: record.seal_record(
                s,
                p,
                hearing_id=decode(hearing_id, "Hearing", "hearingId"),
                sealer=info.context.services.sealer,
            ),
        )
        return HearingPayload(
            hearing=await hearing_node(info, hearing.id if hearing else None),
            errors=payload_errors(errors),
        )
