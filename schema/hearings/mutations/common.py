"""What the hearing mutations share: payload errors, id decoding, the payloads."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry import relay

from backend.core.errors import DomainError
from backend.hearings.errors import HearingErrorCode as Code
from schema.context import Info
from schema.hearings.types import (
    Hearing,
    HearingApplication,
    HearingError,
    HearingErrorCode,
    HearingWitness,
    TranscriptConfirmation,
    hearing_nodes,
)
from schema.mutations import user_errors
from schema.relay import decode_id

HEARING_ARG = Annotated[relay.GlobalID, strawberry.argument(description="The hearing.")]


def payload_errors(errors: list[DomainError]) -> list[HearingError]:
    return user_errors(errors, HearingError, HearingErrorCode)


def decode(value: relay.GlobalID, type_name: str, field: str) -> int:
    return decode_id(value, type_name, field=field, code=Code.NOT_FOUND)


async def hearing_node(info: Info, hearing_id: int | None) -> Hearing | None:
    """The hearing after the change, as the caller may see it (read after the commit)."""
    if hearing_id is None:
        return None
    info.context.fresh_loaders()
    (node,) = await hearing_nodes(info, [hearing_id])
    return node


@strawberry.type(description="Result of a hearing action.")
class HearingPayload:
    hearing: Hearing | None = strawberry.field(description="The hearing after the change.")
    errors: list[HearingError] = strawberry.field(description="Why it was refused.")


@strawberry.type(description="Result of registering a witness or a reveal.")
class HearingWitnessPayload:
    witness: HearingWitness | None = strawberry.field(description="The witness.")
    hearing: Hearing | None = strawberry.field(description="The hearing after the change.")
    errors: list[HearingError] = strawberry.field(description="Why it was refused.")


@strawberry.type(description="Result of an application.")
class HearingApplicationPayload:
    application: HearingApplication | None = strawberry.field(description="The application.")
    hearing: Hearing | None = strawberry.field(description="The hearing after the change.")
    errors: list[HearingError] = strawberry.field(description="Why it was refused.")


@strawberry.type(description="Result of putting forward the eligible people of a 列席 selection.")
class AttendanceCandidatesPayload:
    added: int = strawberry.field(description="People added to the pool (others were in it).")
    hearing: Hearing | None = strawberry.field(description="The selection after the change.")
    errors: list[HearingError] = strawberry.field(description="Why it was refused.")


@strawberry.type(description="Result of a transcript confirmation.")
class TranscriptConfirmationPayload:
    confirmation: TranscriptConfirmation | None = strawberry.field(description="The confirmation.")
    hearing: Hearing | None = strawberry.field(description="The hearing after the change.")
    errors: list[HearingError] = strawberry.field(description="Why it was refused.")
