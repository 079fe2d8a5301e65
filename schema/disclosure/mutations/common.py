"""What the 政务公开 mutations share: typed payload errors, id decoding, payloads."""

from __future__ import annotations

import strawberry
from strawberry import relay

from backend.core.errors import DomainError
from backend.disclosure.errors import DisclosureErrorCode as Code
from schema.disclosure.types import (
    DisclosureError,
    DisclosureErrorCode,
    InformationRequest,
    Publication,
)
from schema.mutations import user_errors
from schema.relay import decode_id


def payload_errors(errors: list[DomainError]) -> list[DisclosureError]:
    return user_errors(errors, DisclosureError, DisclosureErrorCode)


def decode(value: relay.GlobalID, type_name: str, field: str) -> int:
    return decode_id(value, type_name, field=field, code=Code.NOT_FOUND)


@strawberry.type(description="Result of a publication action.")
class PublicationPayload:
    publication: Publication | None = strawberry.field(description="The item after the change.")
    errors: list[DisclosureError] = strawberry.field(description="Why it was refused.")


@strawberry.type(description="Result of a 依申请公开 action.")
class InformationRequestPayload:
    request: InformationRequest | None = strawberry.field(
        description="The request after the change."
    )
    errors: list[DisclosureError] = strawberry.field(description="Why it was refused.")
