"""Relay plumbing: global ids, keyset cursors and connections (pages of at most 100)."""

from __future__ import annotations

import base64
import enum
from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import Any, Generic, TypeVar

import strawberry
from strawberry import relay

from backend.errors import DomainError, InvalidArgument

N = TypeVar("N")
R = TypeVar("R")
MAX_PAGE = 100
DEFAULT_PAGE = 20
MAX_DB_ID = 2**63 - 1  # ids are PostgreSQL bigints


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
        digits = raw.removeprefix("-")
        if prefix != "k" or not (digits.isascii() and digits.isdigit()):
            raise ValueError(cursor)
        key = int(raw)
        if abs(key) > MAX_DB_ID:
            raise ValueError(cursor)
        return key
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


def parse_db_id(raw: str) -> int | None:
    """The database id a global id's node part names, or None when it cannot be one."""
    if not (raw.isascii() and raw.isdigit()):
        return None
    value = int(raw)
    return value if value <= MAX_DB_ID else None


def _db_id(gid: relay.GlobalID | strawberry.ID | str, type_name: str) -> int:
    parsed = gid if isinstance(gid, relay.GlobalID) else relay.GlobalID.from_id(str(gid))
    db_id = parse_db_id(parsed.node_id) if parsed.type_name == type_name else None
    if db_id is None:
        raise ValueError(gid)
    return db_id


def decode_id(
    gid: relay.GlobalID | strawberry.ID | str, type_name: str, *, field: str, code: enum.Enum
) -> int:
    """The database id in a global id of `type_name`, or a DomainError naming `field`
    (for mutation inputs: the error becomes payload data)."""
    try:
        return _db_id(gid, type_name)
    except (ValueError, relay.GlobalIDValueError) as exc:
        raise DomainError(code, f"{field} 不是有效的 {type_name} 标识", field=field) from exc


def decode_id_argument(
    gid: relay.GlobalID | strawberry.ID | str, type_name: str, *, field: str
) -> int:
    """The database id in a global id of `type_name` given as a query argument, or a
    BAD_USER_INPUT error naming the argument (queries have no payload for errors)."""
    try:
        return _db_id(gid, type_name)
    except (ValueError, relay.GlobalIDValueError) as exc:
        raise InvalidArgument(f"参数 {field} 不是有效的 {type_name} 标识") from exc


async def resolve_by_ids(
    load_many: Callable[[list[int]], Awaitable[Sequence[R | None]]],
    node_ids: Iterable[Any],
    to_node: Callable[[R], N],
) -> list[N | None]:
    """Nodes for `node(id:)`/`nodes(ids:)` in the order asked; an id that cannot be a
    database id, or names no row of this county, is null."""
    ids = [parse_db_id(str(i)) for i in node_ids]
    valid = [i for i in ids if i is not None]
    rows = dict(zip(valid, await load_many(valid), strict=True)) if valid else {}
    return [
        to_node(row) if i is not None and (row := rows.get(i)) is not None else None for i in ids
    ]
