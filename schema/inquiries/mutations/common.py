"""What the 网络问政 and opinion mutations share: payload errors, id decoding, payloads."""

from __future__ import annotations

import strawberry
from strawberry import relay

from backend.core.errors import DomainError
from backend.inquiries.errors import InquiryErrorCode as Code
from schema.inquiries.types import (
    InquiryError,
    InquiryErrorCode,
    InquiryGroup,
    InquiryQuestion,
    InquirySession,
    OpinionCollection,
    ReportOpinion,
)
from schema.mutations import user_errors
from schema.relay import decode_id


def payload_errors(errors: list[DomainError]) -> list[InquiryError]:
    return user_errors(errors, InquiryError, InquiryErrorCode)


def decode(value: relay.GlobalID | strawberry.ID, type_name: str, field: str) -> int:
    return decode_id(value, type_name, field=field, code=Code.NOT_FOUND)


def decode_unit(value: relay.GlobalID | strawberry.ID, field: str) -> int:
    return decode_id(value, "OrgUnit", field=field, code=Code.UNKNOWN_UNIT)


@strawberry.type(description="Result of making a schedule group.")
class InquiryGroupPayload:
    group: InquiryGroup | None = strawberry.field(description="The group made.")
    errors: list[InquiryError] = strawberry.field(description="Why it was refused.")


@strawberry.type(description="Result of generating a year's sessions.")
class GenerateInquirySessionsPayload:
    created: int = strawberry.field(description="Sessions made by this call.")
    existing: int = strawberry.field(
        description="Sessions that already existed (left as they were)."
    )
    errors: list[InquiryError] = strawberry.field(description="Why it was refused.")


@strawberry.type(description="Result of a session action.")
class InquirySessionPayload:
    session: InquirySession | None = strawberry.field(description="The session after the change.")
    errors: list[InquiryError] = strawberry.field(description="Why it was refused.")


@strawberry.type(description="Result of a question action.")
class InquiryQuestionPayload:
    question: InquiryQuestion | None = strawberry.field(
        description="The question after the change."
    )
    errors: list[InquiryError] = strawberry.field(description="Why it was refused.")


@strawberry.type(description="Result of opening an opinion collection.")
class OpinionCollectionPayload:
    collection: OpinionCollection | None = strawberry.field(description="The collection opened.")
    errors: list[InquiryError] = strawberry.field(description="Why it was refused.")


@strawberry.type(description="Result of an opinion action.")
class ReportOpinionPayload:
    opinion: ReportOpinion | None = strawberry.field(description="The opinion after the change.")
    errors: list[InquiryError] = strawberry.field(description="Why it was refused.")
