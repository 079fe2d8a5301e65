"""Relay plumbing: global ids, keyset cursors and connections (pages of at most 100)."""

from __future__ import annotations

import base64
import enum
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

import strawberry
from strawberry import relay

from backend.errors import DomainError, InvalidArgument

N = TypeVar("N")
R = TypeVar("R")
MAX_PAGE = 100
DEFAULT_PAGE = 20


@strawberry.type(description="Where a page sits in the whole list.")
class PageInfo:
    has_next_page: bool = strawberry.field(description="True when more items follow this page.")
    has_previous_page: bool = strawberry.field(
        description="Always false: lists are paged forward with `after`."
    )
    start_cursor: str | None = strawberry.field(description="Cursor of the first item.")
    end_cursor: str | None = strawberry.field(
        description="Cursor of the last item; pass it as `after` for the next page."
    )


@strawberry.type(description="An item of a page with its cursor.")
class Edge(Generic[N]):
    node: N = strawberry.field(description="The item.")
    cursor: str = strawberry.field(description="Opaque position of this item in the list.")


@strawberry.type(description="A page of items (Relay cursor connection).")
class Connection(Generic[N]):
    edges: list[Edge[N]] = strawberry.field(description="The items of this page, in order.")
    page_info: PageInfo = strawberry.field(description="Paging information.")


def encode_cursor(key: int) -> str:
    return base64.urlsafe_b64encode(f"k:{key}".encode()).decode()


def decode_cursor(cursor: str | None) -> int | None:
    """The key in a cursor; a malformed cursor is a GraphQL error naming the argument."""
    if cursor is None:
        return None
    try:
        text = base64.urlsafe_b64decode(cursor.encode()).decode()
        prefix, _, raw = text.partition(":")
        if prefix != "k" or not raw.lstrip("-").isdigit():
            raise ValueError(cursor)
        return int(raw)
    except ValueError as exc:
        raise InvalidArgument("参数 after 不是有效的游标") from exc


def page_size(first: int | None) -> int:
    if first is None:
        return DEFAULT_PAGE
    if first < 1 or first > MAX_PAGE:
        raise InvalidArgument(f"参数 first 必须在 1 到 {MAX_PAGE} 之间")
    return first


def build_connection(
    rows: Sequence[R], *, first: int, to_node: Callable[[R], N], key: Callable[[R], int]
) -> Connection[N]:
    """A page from `first + 1` fetched rows (the extra row only says a next page exists)."""
    visible = rows[:first]
    edges = [Edge(node=to_node(r), cursor=encode_cursor(key(r))) for r in visible]
    return Connection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=len(rows) > first,
            has_previous_page=False,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
    )


def decode_id(
    gid: relay.GlobalID | strawberry.ID | str, type_name: str, *, field: str, code: enum.Enum
) -> int:
    """The database id in a global id of `type_name`, or a DomainError naming `field`."""
    try:
        parsed = gid if isinstance(gid, relay.GlobalID) else relay.GlobalID.from_id(str(gid))
        if parsed.type_name != type_name or not parsed.node_id.isdigit():
            raise ValueError(gid)
        return int(parsed.node_id)
    except (ValueError, relay.GlobalIDValueError) as exc:
        raise DomainError(code, f"{field} 不是有效的 {type_name} 标识", field=field) from exc
