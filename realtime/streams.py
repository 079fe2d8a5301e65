"""Which streams exist, who may watch them, and what each watcher may see.

A stream is named `<kind>` or `<kind>:<id>` (e.g. `org`, `meeting:42`) inside a county.
Each domain registers its kinds at import; the subscription layer asks here before a
watcher joins, and the answer's `visibility` is part of the multiplexing key, so
watchers who may see different things never share a rendered event.
"""

from __future__ import annotations

import enum
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from backend.errors import DomainError
from backend.security import Principal
from realtime.log import LoggedEvent


class StreamErrorCode(enum.Enum):
    INVALID = "INVALID"
    UNKNOWN_STREAM = "UNKNOWN_STREAM"
    NOT_FOUND = "NOT_FOUND"


Authorize = Callable[[AsyncSession, Principal, str | None], Awaitable[Hashable]]
Visible = Callable[[LoggedEvent, Hashable], bool]


@dataclass(frozen=True, slots=True)
class StreamKind:
    name: str
    authorize: Authorize
    visible: Visible


_KINDS: dict[str, StreamKind] = {}


def register_kind(
    name: str, *, authorize: Authorize, visible: Visible = lambda event, visibility: True
) -> None:
    """Declare a stream kind (done once, at import, by the domain that owns it)."""
    _KINDS[name] = StreamKind(name=name, authorize=authorize, visible=visible)


def parse_stream(stream: str) -> tuple[StreamKind, str | None]:
    kind_name, sep, ident = (stream or "").partition(":")
    kind = _KINDS.get(kind_name)
    if kind is None or (sep and not ident):
        raise DomainError(StreamErrorCode.UNKNOWN_STREAM, f"未知的流：{stream}", field="stream")
    return kind, ident or None


async def authorize(
    session: AsyncSession, principal: Principal, stream: str
) -> tuple[StreamKind, Hashable]:
    """The stream's kind and the watcher's visibility class, or an error (unknown stream,
    not found in this county, or not permitted)."""
    principal.require_tenant()
    kind, ident = parse_stream(stream)
    visibility = await kind.authorize(session, principal, ident)
    return kind, visibility
