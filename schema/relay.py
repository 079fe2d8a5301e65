"""Relay plumbing: global ids, keyset cursors and connections (pages of at most 100).

Global ids do not show database ids: the node part of `Type:<n>` is the row's id passed
through a keyed 64-bit permutation (`IdCodec`), so ids look random and say nothing about how
many rows other counties have, yet decode exactly. Every global id is built by `to_global_id`
(or a Node type's `id`, which uses the same `encode_node_id`) and read by `from_global_id`
(or `decode_node_id` in `resolve_nodes`)."""

from __future__ import annotations

import base64
import enum
import functools
import hashlib
from collections.abc import Awaitable, Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Annotated, Any, Generic, TypeVar

import strawberry
from strawberry import relay

from backend.core.errors import DomainError, InvalidArgument

if TYPE_CHECKING:  # schema.context imports the loaders, which import this module
    from schema.context import Info

N = TypeVar("N")
R = TypeVar("R")
MAX_PAGE = 100
DEFAULT_PAGE = 20
MAX_DB_ID = 2**63 - 1  # ids are PostgreSQL bigints
MAX_NODES = 100  # ids per `nodes(ids:)` request
_HALF = 32
_MASK = (1 << _HALF) - 1
_ROUNDS = 6
_NODE_ID_DIGITS = len(str(2**64 - 1))


class IdCodec:
    """A keyed permutation of 64-bit integers: a balanced Feistel network of six rounds
    whose round function is keyed BLAKE2b (a MAC, RFC 7693) of the type name, the round and
    the half, cut to 32 bits (Luby-Rackoff: four rounds of a pseudo-random function already
    give a pseudo-random permutation). The type name is a tweak, so `Meeting` and `Poll`
    rows with the same id get unrelated global ids. Without the key the order and density
    of ids cannot be read; with it, `decode(encode(n)) == n` for every n in [0, 2**64)."""

    def __init__(self, key: bytes) -> None:
        # BLAKE2b takes keys of up to 64 bytes: a longer ID_KEY is hashed down first.
        self._key = key if len(key) <= 64 else hashlib.sha512(key).digest()
        # Pages and live events name the same rows again and again.
        self.encode = functools.lru_cache(maxsize=65536)(self._encode)
        self.decode = functools.lru_cache(maxsize=65536)(self._decode)
        self.global_id = functools.lru_cache(maxsize=65536)(self._global_id)

    def _f(self, tweak: bytes, half: int) -> int:
        digest = hashlib.blake2b(
            half.to_bytes(4, "big"), digest_size=4, key=self._key, person=tweak
        ).digest()
        return int.from_bytes(digest, "big")

    @staticmethod
    @functools.lru_cache(maxsize=64)
    def _tweaks(type_name: str) -> tuple[bytes, ...]:
        # BLAKE2b's personalisation (16 bytes): the round and the type name (hashed to fit)
        name = hashlib.blake2b(type_name.encode(), digest_size=15).digest()
        return tuple(bytes([i]) + name for i in range(_ROUNDS))

    def _encode(self, type_name: str, value: int) -> int:
        left, right = value >> _HALF, value & _MASK
        for tweak in self._tweaks(type_name):
            left, right = right, left ^ self._f(tweak, right)
        return (left << _HALF) | right

    def _global_id(self, type_name: str, db_id: int) -> str:
        return str(relay.GlobalID(type_name, str(self.encode(type_name, db_id))))

    def _decode(self, type_name: str, value: int) -> int:
        left, right = value >> _HALF, value & _MASK
        for tweak in reversed(self._tweaks(type_name)):
            left, right = right ^ self._f(tweak, left), left
        return (left << _HALF) | right


# Process-wide on purpose, unlike the hub or the ballot mixer (which belong to an app): a
# global id is a name clients keep (in URLs, caches, stream names), so every process of a
# deployment (workers, the CLI, a bench) must give a row the same id, and the codec is
# needed where no request context exists (types' `id` fields, live event rendering, the
# CLI). The key is configuration, set once from settings and never changed: installing a
# different key in a process that already has one is refused, so two apps in one process
# cannot silently give each other's clients ids that do not decode.
_codec: IdCodec | None = None
_codec_key: str | None = None


def install_id_key(key: str) -> None:
    """Use `key` (settings.id_key) for global ids in this process; the app does this when
    it is created. Until then the key of the process's settings is used. A second, different
    key is a RuntimeError (global ids are the deployment's, not an app's)."""
    global _codec, _codec_key
    if _codec_key == key:
        return
    if _codec_key is not None:
        raise RuntimeError("ID_KEY differs from the one this process already uses")
    _codec, _codec_key = IdCodec(key.encode()), key


def _id_codec() -> IdCodec:
    if _codec is None:
        from backend.core.settings import get_settings

        install_id_key(get_settings().id_key.get_secret_value())
    assert _codec is not None
    return _codec


def encode_node_id(type_name: str, db_id: int) -> str:
    """The node part of the global id of row `db_id` of `type_name`."""
    if not (isinstance(db_id, int) and 0 <= db_id < 2**64):
        raise ValueError(f"no global id for row {db_id!r}")
    return str(_id_codec().encode(type_name, db_id))


def decode_node_id(type_name: str, node_id: str) -> int | None:
    """The row id a node part names; None when it is well formed but can name no row.
    A node part that is not one of ours is a BAD_USER_INPUT error."""
    if not (
        0 < len(node_id) <= _NODE_ID_DIGITS
        and node_id.isascii()
        and node_id.isdigit()
        and (node_id == "0" or node_id[0] != "0")
        and int(node_id) < 2**64
    ):
        raise InvalidArgument("标识无效：不是本系统生成的全局标识")
    db_id = _id_codec().decode(type_name, int(node_id))
    return db_id if 0 < db_id <= MAX_DB_ID else None


def to_global_id(type_name: str, db_id: int) -> str:
    """The global id of row `db_id` of `type_name` (as a Node type's `id` shows it)."""
    if not (isinstance(db_id, int) and 0 <= db_id < 2**64):
        raise ValueError(f"no global id for row {db_id!r}")
    return _id_codec().global_id(type_name, db_id)


def from_global_id(gid: relay.GlobalID | strawberry.ID | str, type_name: str) -> int | None:
    """The row id in a global id of `type_name`; None when it names no row that can exist.
    Raises ValueError when it is not a global id of `type_name`."""
    try:
        parsed = gid if isinstance(gid, relay.GlobalID) else relay.GlobalID.from_id(str(gid))
    except relay.GlobalIDValueError as exc:
        raise ValueError(gid) from exc
    if parsed.type_name != type_name:
        raise ValueError(gid)
    try:
        return decode_node_id(type_name, parsed.node_id)
    except InvalidArgument as exc:
        raise ValueError(gid) from exc


class DatabaseNode:
    """Mixin for Node types whose `id` is a row id: shows it through `encode_node_id`.
    List it before `relay.Node`: `class Meeting(DatabaseNode, relay.Node)`.

    Their `resolve_nodes` return `list[X | None]` whatever `required` says: an id naming no
    row of this county is null (never an error telling that the row exists), which
    strawberry's overloads, narrowing the result by `required`, do not allow; hence their
    `type: ignore[override]`."""

    @classmethod
    def resolve_id(cls, root: Any, *, info: Info) -> str:
        return encode_node_id(cls.__strawberry_definition__.name, root.id)  # type: ignore[attr-defined]


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


#: A connection's `first` and `after` arguments, the same on every list field.
PageFirst = Annotated[int | None, strawberry.argument(description="Page size, 1–100 (20).")]
PageAfter = Annotated[str | None, strawberry.argument(description="Cursor to start after.")]


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


def _db_id(gid: relay.GlobalID | strawberry.ID | str, type_name: str) -> int:
    db_id = from_global_id(gid, type_name)
    # A well-formed id that can name no row is looked up as 0, which names none either:
    # the caller answers NOT_FOUND as for any missing row.
    return 0 if db_id is None else db_id


def decode_id(
    gid: relay.GlobalID | strawberry.ID | str, type_name: str, *, field: str, code: enum.Enum
) -> int:
    """The database id in a global id of `type_name`, or a DomainError naming `field`
    (for mutation inputs: the error becomes payload data)."""
    try:
        return _db_id(gid, type_name)
    except ValueError as exc:
        raise DomainError(code, f"{field} 不是有效的 {type_name} 标识", field=field) from exc


def decode_id_argument(
    gid: relay.GlobalID | strawberry.ID | str, type_name: str, *, field: str
) -> int:
    """The database id in a global id of `type_name` given as a query argument, or a
    BAD_USER_INPUT error naming the argument (queries have no payload for errors)."""
    try:
        return _db_id(gid, type_name)
    except ValueError as exc:
        raise InvalidArgument(f"参数 {field} 不是有效的 {type_name} 标识") from exc


def decode_node_ids(type_name: str, node_ids: Iterable[Any]) -> list[int | None]:
    """Row ids for the node parts `resolve_nodes` receives (None: names no row)."""
    return [decode_node_id(type_name, str(i)) for i in node_ids]


async def resolve_by_ids(
    type_name: str,
    load_many: Callable[[list[int]], Awaitable[Sequence[R | None]]],
    node_ids: Iterable[Any],
    to_node: Callable[[R], N],
) -> list[N | None]:
    """Nodes for `node(id:)`/`nodes(ids:)` in the order asked; an id that names no row of
    this county is null, one that is not ours a BAD_USER_INPUT error."""
    ids = decode_node_ids(type_name, node_ids)
    valid = sorted({i for i in ids if i is not None})
    rows = dict(zip(valid, await load_many(valid), strict=True)) if valid else {}
    return [
        to_node(row) if i is not None and (row := rows.get(i)) is not None else None for i in ids
    ]
