"""The meetings list page: one statement for the page with the relations it selects.

`meetings(first: 50) { edges { node { … venue { name } hostUnit { name } } } }` reads the
meetings, their venues and host units in one statement (joined only when selected), built
once per caller's visibility and kept (`_statement`), and hands `schema.pages` plain
objects: the venue and host unit are attached to each node, so the page executor answers
the whole page without a resolver call (docs/architecture.md, "List pages")."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.types import Info

from backend.limits import SizedLRU
from backend.meetings import models, service
from backend.security import Principal
from schema.meetings.types import Meeting
from schema.pages import attach, selection
from schema.relay import Connection, build_connection, decode_cursor, page_size
from schema.tenants.types import OrgUnit, Venue
from tenants import models as tenant_models

_M = models.Meeting.__table__
_V = tenant_models.Venue.__table__
_U = tenant_models.OrgUnit.__table__
_VENUE = {"id": _V.c.id, "level": _V.c.level, "name": _V.c.name, "address": _V.c.address}
_VENUE["org_unit_id"] = _V.c.org_unit_id
_UNIT = {"id": _U.c.id, "kind": _U.c.kind, "name": _U.c.name, "code": _U.c.code}
_UNIT["parent_id"] = _U.c.parent_id

# Statements by (visibility, states, cursor?, joins): a caller's page is built once.
_statements: SizedLRU[tuple[Any, ...], Select[Any]] = SizedLRU(max_entries=2048)


def _statement(
    principal: Principal,
    states: tuple[models.MeetingState, ...],
    after: bool,
    venue: bool,
    unit: bool,
) -> Select[Any]:
    """As `service.list_meetings` selects (its visibility, states, cursor and order), with
    the venue and host unit joined when the page shows them; `:after` and `:limit` bound."""
    key = (principal.tenant_id, principal.user_id, principal.grants, states, after, venue, unit)
    found = _statements.get(key)
    if found is not None:
        return found
    columns: list[Any] = list(_M.c)
    source: Any = _M
    if venue:
        columns += [c.label(f"v_{name}") for name, c in _VENUE.items()]
        source = source.outerjoin(_V, _V.c.id == _M.c.venue_id)
    if unit:
        columns += [c.label(f"u_{name}") for name, c in _UNIT.items()]
        source = source.join(_U, _U.c.id == _M.c.host_unit_id)
    query = (
        select(*columns)
        .select_from(source)
        .where(service.visible_to(principal))
        .order_by(_M.c.id.desc())
        .limit(bindparam("limit"))
    )
    if states:
        query = query.where(_M.c.state.in_(states))
    if after:
        query = query.where(_M.c.id < bindparam("after"))
    _statements.put(key, query)
    return query


def _node(row: Any, venue: bool, unit: bool) -> Meeting:
    node = Meeting.from_model(row)
    if venue:
        attach(
            node,
            "venue",
            None
            if row.v_id is None
            else Venue(
                id=row.v_id,
                level=row.v_level,
                name=row.v_name,
                address=row.v_address,
                org_unit_db_id=row.v_org_unit_id,
            ),
        )
    if unit:
        attach(
            node,
            "hostUnit",
            OrgUnit(
                id=row.u_id,
                kind=row.u_kind,
                name=row.u_name,
                code=row.u_code,
                parent_db_id=row.u_parent_id,
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

    async def run(session: AsyncSession) -> list[Any]:
        return list((await session.execute(query, params)).all())

    rows = await info.context.read(run)
    return build_connection(
        rows, first=size, to_node=lambda r: _node(r, venue, unit), key=lambda r: r.id
    )
