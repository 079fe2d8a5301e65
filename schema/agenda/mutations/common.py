"""What the agenda mutations share: typed payload errors, id decoding, payloads and the
fresh read of what changed."""

from __future__ import annotations

import strawberry
from strawberry import relay

from backend.agenda import reading
from backend.agenda.errors import AgendaErrorCode as Code
from backend.core.errors import DomainError
from schema.agenda.types import AgendaError, AgendaErrorCode, ConsultationCatalogue, LivelihoodRound
from schema.context import Info
from schema.mutations import user_errors
from schema.relay import decode_id


def payload_errors(errors: list[DomainError]) -> list[AgendaError]:
    return user_errors(errors, AgendaError, AgendaErrorCode)


def decode(value: relay.GlobalID, type_name: str, field: str) -> int:
    return decode_id(value, type_name, field=field, code=Code.NOT_FOUND)


def decode_unit(value: relay.GlobalID, field: str) -> int:
    return decode_id(value, "OrgUnit", field=field, code=Code.UNKNOWN_UNIT)


async def catalogue_after(info: Info, catalogue_id: int | None) -> ConsultationCatalogue | None:
    """The catalogue after the change, as the caller may see it (read after the commit)."""
    if catalogue_id is None:
        return None
    principal = await info.context.principal()
    view = await info.context.read(
        lambda s: reading.catalogue_view(s, principal, catalogue_id=catalogue_id)
    )
    return None if view is None else ConsultationCatalogue.from_view(view)


async def round_after(info: Info, round_id: int | None) -> LivelihoodRound | None:
    if round_id is None:
        return None
    principal = await info.context.principal()
    view = await info.context.read(lambda s: reading.round_view(s, principal, round_id=round_id))
    return None if view is None else LivelihoodRound.from_view(view, None)


def gid(type_name: str, db_id: int | None) -> strawberry.ID | None:
    from schema.relay import to_global_id

    return None if db_id is None else strawberry.ID(to_global_id(type_name, db_id))


@strawberry.type(description="Result of a change to a consultation catalogue or its items.")
class CataloguePayload:
    catalogue: ConsultationCatalogue | None = strawberry.field(
        description="The catalogue after the change."
    )
    item_id: strawberry.ID | None = strawberry.field(description="The item the change was about.")
    errors: list[AgendaError] = strawberry.field(description="Why it was refused.")


@strawberry.type(description="Result of a 民生实事 action.")
class LivelihoodPayload:
    round: LivelihoodRound | None = strawberry.field(description="The round after the change.")
    project_id: strawberry.ID | None = strawberry.field(
        description="The project the change was about."
    )
    errors: list[AgendaError] = strawberry.field(description="Why it was refused.")
