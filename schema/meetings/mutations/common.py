"""What the meeting mutations share: typed payload errors and global-id decoding."""

from __future__ import annotations

from strawberry import relay

from backend.core.errors import DomainError
from backend.meetings.errors import MeetingErrorCode as Code
from schema.meetings.types import MeetingError, MeetingErrorCode
from schema.mutations import user_errors
from schema.relay import decode_id


def payload_errors(errors: list[DomainError]) -> list[MeetingError]:
    return user_errors(errors, MeetingError, MeetingErrorCode)


def decode(value: relay.GlobalID, type_name: str, field: str) -> int:
    return decode_id(value, type_name, field=field, code=Code.NOT_FOUND)
