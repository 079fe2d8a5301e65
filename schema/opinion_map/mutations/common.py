"""What the opinion map's mutations share: payloads, id decoding, errors."""

from __future__ import annotations

import strawberry
from strawberry import relay

from backend.core.errors import DomainError
from backend.opinion_map.errors import OpinionMapErrorCode as Code
from schema.mutations import user_errors
from schema.opinion_map.types import (
    OpinionMap,
    OpinionMapError,
    OpinionMapErrorCode,
    OpinionStatement,
    VoteChoice,
)
from schema.relay import decode_id


def errors_of(errors: list[DomainError]) -> list[OpinionMapError]:
    return user_errors(errors, OpinionMapError, OpinionMapErrorCode)


def decode(value: relay.GlobalID | str, type_name: str, field: str) -> int:
    return decode_id(value, type_name, field=field, code=Code.NOT_FOUND)


@strawberry.type(description="Result of turning an opinion map on or off.")
class OpinionMapPayload:
    opinion_map: OpinionMap | None = strawberry.field(description="The map as it is now.")
    errors: list[OpinionMapError] = strawberry.field(description="Why it was refused.")


@strawberry.type(description="Result of adding, submitting or moderating a statement.")
class OpinionStatementPayload:
    statement: OpinionStatement | None = strawberry.field(description="The statement now.")
    errors: list[OpinionMapError] = strawberry.field(description="Why it was refused.")


@strawberry.type(description="Result of a vote on a statement.")
class OpinionVotePayload:
    statement: OpinionStatement | None = strawberry.field(description="The statement.")
    choice: VoteChoice | None = strawberry.field(description="Your vote as it counts now.")
    first: bool = strawberry.field(description="Whether it is your first vote on it.")
    changed: bool = strawberry.field(
        description="Whether it replaced an earlier, different choice (recorded as a change)."
    )
    errors: list[OpinionMapError] = strawberry.field(description="Why it was refused.")
