"""What the representatives mutations share: typed payload errors, id decoding, payloads."""

from __future__ import annotations

import strawberry
from strawberry import relay

from backend.core.errors import DomainError
from backend.representatives.errors import RepresentativeErrorCode as Code
from schema.context import Info
from schema.mutations import user_errors
from schema.relay import decode_id
from schema.representatives.types import (
    Proposal,
    Representative,
    RepresentativeError,
    RepresentativeErrorCode,
    RepresentativePlace,
    proposal_nodes,
    representative_nodes,
)


def payload_errors(errors: list[DomainError]) -> list[RepresentativeError]:
    return user_errors(errors, RepresentativeError, RepresentativeErrorCode)


def decode(value: relay.GlobalID | strawberry.ID | str, type_name: str, field: str) -> int:
    return decode_id(value, type_name, field=field, code=Code.NOT_FOUND)


def decode_unit(value: relay.GlobalID, field: str) -> int:
    return decode_id(value, "OrgUnit", field=field, code=Code.UNKNOWN_UNIT)


async def representative_node(info: Info, rep_id: int | None) -> Representative | None:
    if rep_id is None:
        return None
    info.context.fresh_loaders()
    (node,) = await representative_nodes(info, [rep_id])
    return node


async def proposal_node(info: Info, proposal_id: int | None) -> Proposal | None:
    if proposal_id is None:
        return None
    info.context.fresh_loaders()
    (node,) = await proposal_nodes(info, [proposal_id])
    return node


@strawberry.type(description="Result of registering a representative.")
class RepresentativePayload:
    representative: Representative | None = strawberry.field(description="The representative.")
    errors: list[RepresentativeError] = strawberry.field(description="Why it was refused.")


@strawberry.type(description="Result of linking a representative to a place or ending it.")
class RepresentativePlacePayload:
    place: RepresentativePlace | None = strawberry.field(description="The linkage.")
    representative: Representative | None = strawberry.field(
        description="The representative after the change."
    )
    errors: list[RepresentativeError] = strawberry.field(description="Why it was refused.")


@strawberry.type(description="Result of a proposal action.")
class ProposalPayload:
    proposal: Proposal | None = strawberry.field(description="The proposal after the change.")
    errors: list[RepresentativeError] = strawberry.field(description="Why it was refused.")
