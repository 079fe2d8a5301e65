"""Mutations: the witnesses' reveals and the draw (`backend.hearings.drawing`)."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry import relay

from backend.hearings import drawing
from schema.context import Info
from schema.hearings.mutations.common import (
    HEARING_ARG,
    HearingPayload,
    HearingWitnessPayload,
    decode,
    hearing_node,
    payload_errors,
)
from schema.mutations import mutate


@strawberry.type
class HearingDrawMutations:
    @strawberry.mutation(
        description="A witness's secret, once the pool is frozen. A secret that does not "
        "hash to the published commitment is refused (REVEAL_MISMATCH)."
    )
    async def reveal_hearing_secret(
        self,
        info: Info,
        witness_id: Annotated[relay.GlobalID, strawberry.argument(description="The witness.")],
        secret: Annotated[str, strawberry.argument(description="The secret committed to.")],
    ) -> HearingWitnessPayload:
        witness, errors = await mutate(
            info,
            lambda s, p: drawing.reveal_secret(
                s, p, witness_id=decode(witness_id, "HearingWitness", "witnessId"), secret=secret
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
        description="Run the draw: the seed from the pool hash and the revealed secrets (and "
        "the public value named in advance), then per category a Fisher–Yates shuffle; "
        "publishes `drawPublication`."
    )
    async def draw_hearing_representatives(
        self,
        info: Info,
        hearing_id: HEARING_ARG,
        public_randomness: Annotated[
            str | None,
            strawberry.argument(description="The value of the public randomness named in advance."),
        ] = None,
    ) -> HearingPayload:
        hearing, errors = await mutate(
            info,
            lambda s, p: drawing.run_draw(
                s,
                p,
                hearing_id=decode(hearing_id, "Hearing", "hearingId"),
                public_randomness=public_randomness,
            ),
        )
        return HearingPayload(
            hearing=await hearing_node(info, hearing.id if hearing else None),
            errors=payload_errors(errors),
        )
