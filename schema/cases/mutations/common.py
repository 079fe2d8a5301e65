"""What the case mutations share: typed payload errors, global-id decoding, payloads."""

from __future__ import annotations

import strawberry
from strawberry import relay

from backend.cases.errors import CaseErrorCode as Code
from backend.core.errors import DomainError
from schema.cases.types import Case, CaseAssignment, CaseError, CaseErrorCode, CaseReply, case_nodes
from schema.context import Info
from schema.mutations import user_errors
from schema.relay import decode_id


def payload_errors(errors: list[DomainError]) -> list[CaseError]:
    return user_errors(errors, CaseError, CaseErrorCode)


def decode(value: relay.GlobalID, type_name: str, field: str) -> int:
    return decode_id(value, type_name, field=field, code=Code.NOT_FOUND)


def decode_unit(value: relay.GlobalID, field: str) -> int:
    return decode_id(value, "OrgUnit", field=field, code=Code.UNKNOWN_UNIT)


async def case_node(info: Info, case_id: int | None) -> Case | None:
    """The case after the change, as the caller may see it (read after the commit)."""
    if case_id is None:
        return None
    info.context.fresh_loaders()
    (node,) = await case_nodes(info, [case_id])
    return node


@strawberry.type(description="Result of a case action.")
class CasePayload:
    case: Case | None = strawberry.field(description="The case after the change.")
    errors: list[CaseError] = strawberry.field(description="Why it was refused.")


@strawberry.type(description="Result of a dispatch, sign-for or return.")
class CaseAssignmentPayload:
    assignment: CaseAssignment | None = strawberry.field(description="The assignment.")
    case: Case | None = strawberry.field(description="The case after the change.")
    errors: list[CaseError] = strawberry.field(description="Why it was refused.")


@strawberry.type(description="Result of a reply, 回访 or 督办.")
class CaseReplyPayload:
    reply: CaseReply | None = strawberry.field(description="The reply written.")
    case: Case | None = strawberry.field(description="The case after the change.")
    errors: list[CaseError] = strawberry.field(description="Why it was refused.")
