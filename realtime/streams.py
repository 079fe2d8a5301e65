"""Which streams exist, who may watch them, and what each watcher may see.

A stream is named `<kind>` or `<kind>:<id>` (e.g. `org`, `meeting:42`) inside a county.
Each domain registers its kinds at import; every read path asks here first.

- `authorize` gives the caller's *view* (visibility class: host, participant, public…) or
  refuses with a client error (`StreamRefused`: BAD_USER_INPUT for a name that cannot be a
  stream, NOT_FOUND for one that is not in this county — the same answer whether it
  exists elsewhere or nowhere, so existence does not leak). A kind whose view follows
  from the principal's grants alone (the county's `org` stream) registers `view_of`
  instead, and `authorize_with` decides it without a transaction: ten thousand watchers
  joining cost no database round trip for it.
- `project` turns a logged event into the event as that view may see it (or None). It is
  the one place that decides, and every path uses it: a query of the log (`read_page`), a
  subscription and its replay (`realtime.feeds` projects before a group renders), an
  export. The view is part of the fan-out key, so the work is one projection per view
  class, never per watcher.
- A projection may depend on what came later in the stream (a comment hidden after it was
  posted must not show its text in a replay): `load_state` reads that once (per query,
  per feed), `observe` keeps it current as events pass, and returns True when projections
  already made may have become stale (the feed then drops its render caches).
- `events` is the kind's registry of event types (`realtime.event_types.EventTypes`):
  every type its domain appends or publishes live, with its payload shape and its label
  in the record. Tests check that each has a projection for every view.

`_KINDS` is module state on purpose: a declaration made once at import by the domain
that owns the kind, never changed afterwards, the same for every app in the process
(like the schema itself); nothing per app or per request is kept here.
"""

from __future__ import annotations

import enum
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.core.errors import DomainError
from backend.core.security import Principal
from realtime.event_types import EventTypes
from realtime.log import LoggedEvent, fill_labels, head_of
from realtime.models import Event

MAX_STREAM_NAME = 80  # the log's column: a longer name cannot be a stream
MAX_IDENT = 2**63 - 1  # database ids are int64
#: A synthetic event a socket sends a watcher too far behind (any kind, any view).
RESYNC_TYPE = "stream.resync"


class StreamErrorCode(enum.Enum):
    BAD_USER_INPUT = "BAD_USER_INPUT"
    NOT_FOUND = "NOT_FOUND"
    FORBIDDEN = "FORBIDDEN"
    # Older names, kept so domains that raise them keep working (aliases of the above).
    INVALID = "BAD_USER_INPUT"
    UNKNOWN_STREAM = "BAD_USER_INPUT"


class StreamRefused(DomainError):
    """A stream argument the caller cannot use; `code` is the client-facing code."""

    def __init__(self, code: StreamErrorCode, message: str) -> None:
        super().__init__(code, message, field="stream")


Authorize = Callable[[AsyncSession, Principal, str | None], Awaitable[Hashable]]
ViewOf = Callable[[Principal, str | None], Hashable]  # a view from the grants alone
Project = Callable[[LoggedEvent, Hashable, Any], LoggedEvent | None]
LoadState = Callable[[AsyncSession, str | None], Awaitable[Any]]
Observe = Callable[[Any, LoggedEvent], bool]


async def _no_state(session: AsyncSession, ident: str | None) -> None:
    return None


@dataclass(frozen=True, slots=True)
class StreamKind:
    name: str
    authorize: Authorize
    project: Project
    load_state: LoadState
    observe: Observe
    # Types no read path of the stream shows to anyone (they are in the full record only);
    # reads skip them in SQL so a page is not spent on them, and the hub carries them as
    # their sequence number alone (`realtime.hub`: live feeds neither render nor observe
    # them, so `observe` must not depend on them).
    record_only: frozenset[str]
    # Whether a view may see everything about the stream's chain (where a verification
    # failed and why); other views learn the head hash and the count only.
    sees_chain: Callable[[Hashable], bool]
    # Set when the view follows from the principal alone (no read needed to decide it).
    view_of: ViewOf | None = None
    # The kind's event types (None: undeclared, e.g. a kind made up by a test).
    events: EventTypes | None = None


_KINDS: dict[str, StreamKind] = {}


def register_kind(
    name: str,
    *,
    authorize: Authorize | None = None,
    view_of: ViewOf | None = None,
    project: Project = lambda event, view, state: event,
    load_state: LoadState = _no_state,
    observe: Observe = lambda state, event: False,
    record_only: frozenset[str] = frozenset(),
    sees_chain: Callable[[Hashable], bool] = lambda view: True,
    events: EventTypes | None = None,
) -> None:
    """Declare a stream kind (done once, at import, by the domain that owns it): with
    `authorize` when deciding a watcher's view reads the database, with `view_of` when the
    principal's grants alone decide it."""
    if (authorize is None) == (view_of is None):
        raise TypeError("register_kind takes one of authorize and view_of")
    if view_of is not None:
        decide = view_of

        async def by_grants(session: AsyncSession, principal: Principal, ident: str | None) -> Any:
            return decide(principal, ident)

        authorize = by_grants
    assert authorize is not None
    _KINDS[name] = StreamKind(
        name=name,
        authorize=authorize,
        view_of=view_of,
        project=project,
        load_state=load_state,
        observe=observe,
        record_only=record_only,
        sees_chain=sees_chain,
        events=events,
    )


def kinds() -> dict[str, StreamKind]:
    """Every kind declared so far (the domains imported), by name."""
    return dict(_KINDS)


def parse_stream(stream: Any) -> tuple[StreamKind, str | None]:
    """The kind and the identifier part of a stream name, or BAD_USER_INPUT."""
    if not isinstance(stream, str) or not stream:
        raise StreamRefused(StreamErrorCode.BAD_USER_INPUT, "参数 stream 不能为空")
    if len(stream) > MAX_STREAM_NAME or not stream.isprintable():
        raise StreamRefused(
            StreamErrorCode.BAD_USER_INPUT,
            f"参数 stream 无效：流名称须为不超过{MAX_STREAM_NAME}个可见字符",
        )
    kind_name, sep, ident = stream.partition(":")
    kind = _KINDS.get(kind_name)
    if kind is None:
        raise StreamRefused(StreamErrorCode.BAD_USER_INPUT, f"未知的流：{stream}")
    if sep and not ident:
        raise StreamRefused(StreamErrorCode.BAD_USER_INPUT, f"流名称缺少编号：{stream}")
    return kind, ident or None


def numeric_ident(ident: str | None, *, example: str) -> int:
    """An identifier that must be a database id: decimal digits within int64, written
    as the stream is named (no leading zero: `meeting:07` would name no stream's log)."""
    if ident is None or not (ident.isascii() and ident.isdigit()) or str(int(ident)) != ident:
        raise StreamRefused(StreamErrorCode.BAD_USER_INPUT, f"流名称须为 {example}")
    value = int(ident)
    if value > MAX_IDENT:
        raise StreamRefused(StreamErrorCode.NOT_FOUND, "流不存在")
    return value


async def authorize(
    session: AsyncSession, principal: Principal, stream: str
) -> tuple[StreamKind, Hashable]:
    """The stream's kind and the watcher's view, or an error (malformed or unknown name,
    not found in this county, or not permitted)."""
    principal.require_tenant()
    kind, ident = parse_stream(stream)
    view = await kind.authorize(session, principal, ident)
    return kind, view


Read = Callable[[Callable[[AsyncSession], Awaitable[Any]]], Awaitable[Any]]


async def authorize_with(
    read: Read, principal: Principal, stream: str
) -> tuple[StreamKind, Hashable]:
    """`authorize`, in a session from `read` (the caller's read transaction) only when the
    kind needs one: a kind registered with `view_of` is decided from the principal alone."""
    principal.require_tenant()
    kind, ident = parse_stream(stream)
    if kind.view_of is not None:
        return kind, kind.view_of(principal, ident)
    decided: tuple[StreamKind, Hashable] = await read(
        lambda session: authorize(session, principal, stream)
    )
    return decided


async def load_state(session: AsyncSession, kind: StreamKind, stream: str) -> Any:
    return await kind.load_state(session, parse_stream(stream)[1])


@dataclass(frozen=True, slots=True)
class Page:
    """A page of a stream as one view sees it.

    `events` holds up to the requested number; `next_after` is where to go on (the last
    event returned when the page is full, else the last position read); `has_more` says
    whether the log goes on after `next_after`. A short page with `has_more` happens
    only when the read window (`SCAN_WINDOW` positions) held too few visible events."""

    events: list[LoggedEvent]
    next_after: int
    has_more: bool
    head_seq: int


SCAN_WINDOW = 50_000  # log positions one page request may pass over (bounded work)
_CHUNK = 1000


async def read_page(
    session: AsyncSession,
    kind: StreamKind,
    view: Hashable,
    *,
    stream: str,
    after: int,
    limit: int,
) -> Page:
    """Read forward from `after` until `limit` events visible to `view` are found, the log
    ends, or `SCAN_WINDOW` positions have been passed."""
    head = await head_of(session, stream=stream)
    head_seq = head.last_seq if head is not None else 0
    window_end = min(head_seq, after + SCAN_WINDOW)
    state = await load_state(session, kind, stream)
    page: list[LoggedEvent] = []
    position = after
    while len(page) < limit and position < window_end:
        query = (
            select(Event)
            .where(Event.stream == stream, Event.seq > position, Event.seq <= window_end)
            .order_by(Event.seq)
            .limit(min(_CHUNK, max(limit - len(page), 64)))
        )
        if kind.record_only:
            query = query.where(Event.type.not_in(kind.record_only))
        rows = [LoggedEvent.from_row(r) for r in (await session.scalars(query)).all()]
        # Names are kept beside the chain (realtime.log `fill_labels`), as every read shows them.
        labelled = await fill_labels(session, [r.payload for r in rows])
        rows = [replace(r, payload=p) for r, p in zip(rows, labelled, strict=True)]
        if not rows:
            position = window_end
            break
        for event in rows:  # retractions read in this chunk apply to all of it
            kind.observe(state, event)
        for event in rows:
            position = event.seq
            shown = kind.project(event, view, state)
            if shown is not None:
                page.append(shown)
                if len(page) == limit:
                    break
    return Page(events=page, next_after=position, has_more=position < head_seq, head_seq=head_seq)
