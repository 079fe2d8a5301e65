"""Which root fields the socket serves its own way, declared on the fields themselves.

A schema field says so in its strawberry metadata, and the socket reads the schema:

    @strawberry.mutation(description=…, metadata=direct_mutation(cast_vote_direct))
    async def cast_vote(self, info, …) -> VotePayload: …

    @strawberry.subscription(description=…, metadata=multiplexed(plan_meeting_live))
    async def meeting_live(self, info, …) -> AsyncGenerator[MeetingLiveEvent, None]: …

- `direct_mutation(handler)`: a hot mutation run without graphql-core's executor when its
  selection is plain (`realtime.ws.direct`); `handler(context, arguments)` gets the
  socket's context (the app's, made by its factory: `realtime.ws.wiring`) and the
  arguments as strawberry gives them to the resolver (Python names and types) and returns
  the payload object. It must do exactly what the resolver does (share the code).
- `multiplexed(prepare)`: a subscription whose watchers share one execution per event
  (`realtime.feeds.Group`); `prepare(context, arguments)` authorises the watcher and says
  where it reads from and what it may see (`Plan`). Arguments are graphql-core's (GraphQL
  names, values as coerced).

Nothing is registered by name: renaming a field keeps its socket path, and a field that
loses its metadata loses it visibly (tests/test_socket_fields.py lists the fields).
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable, Hashable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, TypeVar

from realtime.log import LoggedEvent
from realtime.ws.wiring import SocketContext

#: Keys of the strawberry field metadata the socket reads.
DIRECT_METADATA = "yishi.ws.direct_mutation"
MULTIPLEXED_METADATA = "yishi.ws.multiplexed"

#: The app's context class (`SocketContext` is what the socket needs of it): a handler
#: or a planner is declared with the app's own, and mypy checks that class fits.
C = TypeVar("C", bound=SocketContext)

#: A direct mutation's handler, as the socket calls it: (context, arguments) → payload.
DirectHandler = Callable[[Any, dict[str, Any]], Awaitable[Any]]


@dataclass(frozen=True, slots=True)
class Plan:
    """Where a multiplexed subscription reads from and what its watcher may see."""

    tenant_id: int
    stream: str
    after: int | None
    visibility: Hashable
    to_root: Callable[[LoggedEvent], Any | None]  # event → root object (None: skip)


#: A multiplexed subscription's planner, as the socket calls it: (context, arguments) → Plan.
Prepare = Callable[[Any, dict[str, Any]], Awaitable[Plan]]


def direct_mutation(handler: Callable[[C, dict[str, Any]], Awaitable[Any]]) -> Mapping[str, Any]:
    """Field metadata for a mutation the socket runs without graphql-core's executor."""
    if not callable(handler):
        raise TypeError(f"direct_mutation takes the field's handler, not {handler!r}")
    return {DIRECT_METADATA: handler}


def multiplexed(prepare: Callable[[C, dict[str, Any]], Awaitable[Plan]]) -> Mapping[str, Any]:
    """Field metadata for a subscription the socket multiplexes."""
    if not callable(prepare):
        raise TypeError(f"multiplexed takes the field's planner, not {prepare!r}")
    return {MULTIPLEXED_METADATA: prepare}


@dataclass(frozen=True, slots=True)
class SocketFields:
    """The root fields of one schema that the socket serves its own way, by GraphQL name."""

    direct: Mapping[str, DirectHandler]
    multiplexed: Mapping[str, Prepare]


@functools.lru_cache(maxsize=8)
def socket_fields(schema: Any) -> SocketFields:
    """What the fields of `schema` (a strawberry.Schema) declare in their metadata. A
    declaration on a field of the wrong root type (direct on a query, multiplexed on a
    mutation) is a programming error: TypeError, not a field silently served as usual."""
    gql = schema._schema
    where = {DIRECT_METADATA: gql.mutation_type, MULTIPLEXED_METADATA: gql.subscription_type}
    found: dict[str, dict[str, Any]] = {DIRECT_METADATA: {}, MULTIPLEXED_METADATA: {}}
    for root in (gql.query_type, gql.mutation_type, gql.subscription_type):
        if root is None:
            continue
        for name, field in root.fields.items():
            definition = (field.extensions or {}).get("strawberry-definition")
            metadata = getattr(definition, "metadata", None) or {}
            for key, fields in found.items():
                if key not in metadata:
                    continue
                if root is not where[key]:
                    belongs = getattr(where[key], "name", "missing root type")
                    raise TypeError(f"{root.name}.{name}: {key} belongs on a {belongs} field")
                fields[name] = metadata[key]
    return SocketFields(
        direct=MappingProxyType(found[DIRECT_METADATA]),
        multiplexed=MappingProxyType(found[MULTIPLEXED_METADATA]),
    )
