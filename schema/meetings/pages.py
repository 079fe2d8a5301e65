"""The meetings list page: one statement for the page with the relations it selects.

`meetings(first: 50) { edges { node { … venue { name } hostUnit { name } } } }` reads the
meetings, their venues and host units in one statement (joined only when selected), built
once per caller's visibility and kept (`_statement`), and hands `schema.pages` plain
objects: the venue and host unit are attached to each node, so the page executor answers
the whole page without a resolver call (docs/architecture.md, "List pages")."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import bindparam, or_, select
from strawberry.types import Info

from backend.core.db import ReadStatement
from backend.core.limits import SizedLRU
from backend.core.security import Principal
from backend.meetings import access, models
from schema.meetings.types import Meeting
from schema.pages import attach, selection
from schema.relay import Connection, build_connection, decode_cursor, page_size
from schema.tenants.types import OrgUnit, Venue
from tenants import models as tenant_models

_M = models.Meeting.__table__
_V = tenant_models.Venue.__table__
_U = tenant_models.OrgUnit.__table__
# Columns in a fixed order: nodes are built from row tuples by position (a SQLAlchemy
# Row's attribute access costs ~0.5 µs, 50 rows × 24 columns of it a third of the page).
_MEETING = [
    _M.c[name]
    for name in (
        "id kind mode state title description starts_at ends_at capacity minutes "
        "sealed_hash sealed_at venue_id host_unit_id required_verification"
    ).split()
]
_VENUE = [_V.c[name] for name in "id level name address org_unit_id".split()]
_UNIT = [_U.c[name] for name in "id kind name code parent_id".split()]

# Statements by (visibility, states, cursor?, joins): a caller's page is built once.
_statements: SizedLRU[tuple[Any, ...], ReadStatement] = SizedLRU(max_entries=2048)


def _statement(
    principal: Principal,
    states: tuple[models.MeetingState, ...],
    after: bool,
    venue: bool,
    unit: bool,
) -> ReadStatement:
    """As `access.list_meetings` selects (its visibility, states, cursor and order), with
    the venue and host unit joined when the page shows them; `:after` and `:limit` bound,
    the rest fixed in the statement (the states too: it is built per set of states), so it
    is compiled once and run on the driver (`backend.core.db.ReadStatement`)."""
    key = (principal.tenant_id, principal.user_id, principal.grants, states, after, venue, unit)
    found = _statements.get(key)
    if found is not None:
        return found
    columns: list[Any] = list(_MEETING)
    source: Any = _M
    if venue:
        columns += [c.label(f"v_{c.name}") for c in _VENUE]
        source = source.outerjoin(_V, _V.c.id == _M.c.venue_id)
    if unit:
        columns += [c.label(f"u_{c.name}") for c in _UNIT]
        source = source.join(_U, _U.c.id == _M.c.host_unit_id)
    query = (
        select(*columns)
        .select_from(source)
        .where(access.visible_to(principal))
        .order_by(_M.c.id.desc())
        .limit(bindparam("limit"))
    )
    if states:
        query = query.where(or_(*(_M.c.state == state for state in states)))
    if after:
        query = query.where(_M.c.id < bindparam("after"))
    found = ReadStatement(query)
    _statements.put(key, found)
    return found


def _node(t: tuple[Any, ...], venue: bool, unit: bool) -> Meeting:
    """A page's node from a row tuple (`_MEETING`, then `_VENUE` if joined, then `_UNIT`
    if joined): the fields `Meeting.from_model` gives, and the relations attached."""
    node = Meeting(
        id=t[0],
        kind=t[1],
        mode=t[2],
        state=t[3],
        title=t[4],
        description=t[5],
        starts_at=t[6],
        ends_at=t[7],
        capacity=t[8],
        minutes=t[9],
        sealed_hash=t[10],
        sealed_at=t[11],
        venue_db_id=t[12],
        host_unit_db_id=t[13],
        required_verification=t[14],
    )
    at = 15
    if venue:
        attach(
            node,
            "venue",
            None
            if t[at] is None
            else Venue(
                id=t[at],
                level=t[at + 1],
                name=t[at + 2],
                address=t[at + 3],
                org_unit_db_id=t[at + 4],
            ),
        )
        at += 5
    if unit:
        attach(
            node,
            "hostUnit",
            OrgUnit(
                id=t[at], kind=t[at + 1], name=t[at + 2], code=t[at + 3], parent_db_id=t[at + 4]
            ),
        )
    return node


async def meetings_page(
    info: Info,
    *,
    states: Sequence[models.MeetingState] | None,
    first: int | None,
    after: str | None,
) -> Connection[Meeting]:
    """The `meetings` connection: newest first, what the caller may see."""
    size, after_id = page_size(first), decode_cursor(after)
    principal = await info.context.principal()
    principal.require_tenant()
    wanted = selection(info, "edges", "node")
    venue, unit = "venue" in wanted, "hostUnit" in wanted
    query = _statement(principal, tuple(states or ()), after_id is not None, venue, unit)
    params = {"limit": size + 1, **({"after": after_id} if after_id is not None else {})}

    rows = await info.context.read_rows(query, params)
    return build_connection(
        rows, first=size, to_node=lambda t: _node(t, venue, unit), key=lambda t: t[0]
    )
