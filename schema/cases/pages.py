"""The case list pages: `cases(filter:)` (staff inboxes and lists, own cases),
`myCases` and the public `publishedCases`, each one statement for the page with the
accountable unit, the handler (the LEAD assignment's unit), the deadline and the last
event of each case joined (docs/architecture.md, "List pages"): plain nodes with their
relations attached, so the page executor answers the page without resolver calls."""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import String as SAString
from sqlalchemy import and_, bindparam, cast, func, literal, or_, select, true
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession

from backend.cases import access, inbox, models, visibility
from backend.cases.publication import published
from backend.core.db import ReadStatement
from backend.core.limits import SizedLRU
from backend.core.security import Principal
from realtime.models import Event, StreamHead
from schema.cases.types import Case, CaseEventSummary, sees_contact
from schema.context import Info
from schema.pages import attach, selection
from schema.relay import Connection, build_connection, decode_cursor, page_size
from schema.tenants.types import OrgUnit
from tenants import models as tenant_models

_C = models.Case.__table__
_A = models.CaseAssignment.__table__
_U = tenant_models.OrgUnit.__table__
_ACC = _U.alias("acc")
_HANDLER = _U.alias("handler")
_PLACE = _U.alias("place")
_H = StreamHead.__table__
_E = Event.__table__
_UNIT_COLUMNS = ("id", "kind", "name", "code", "parent_id", "path")


@dataclass(frozen=True, slots=True)
class CaseFilter:
    """What a list asks for (each None: any)."""

    states: tuple[models.CaseState, ...] = ()
    unit_id: int | None = None
    channel: models.CaseChannel | None = None
    kind: models.CaseKind | None = None
    overdue: bool | None = None
    due_soon: bool = False
    mine: bool = False
    queue: inbox.InboxQueue | None = None  # with unit_id: one tab of its inbox (待办)


@dataclass(frozen=True, slots=True)
class _Page:
    """A page's statement, compiled once and run on the driver (`ReadStatement`), and the
    type its row tuples become: named like the columns, as `Case.from_model` reads them."""

    statement: ReadStatement
    row: Any


_statements: SizedLRU[tuple[Any, ...], _Page] = SizedLRU(max_entries=2048)
_OPEN = (models.CaseState.RECEIVED, models.CaseState.DISPATCHED, models.CaseState.IN_PROGRESS)


def _one_of(column: Any, values: Sequence[str]) -> Any:
    """`column IN (…)` with the values in the statement (a `ReadStatement` binds no list)."""
    return or_(*(column == v for v in values))


def _statement(principal: Principal, f: CaseFilter, *, public: bool, after: bool) -> _Page:
    key = (principal.tenant_id, principal.user_id, principal.grants, f, public, after)
    found = _statements.get(key)
    if found is not None:
        return found
    lead = (
        select(_A.c.unit_id)
        .where(
            _A.c.case_id == _C.c.id,
            _A.c.role == models.AssignmentRole.LEAD.value,
            _one_of(
                _A.c.state,
                [
                    models.AssignmentState.PENDING.value,
                    models.AssignmentState.SIGNED.value,
                    models.AssignmentState.DONE.value,
                ],
            ),
        )
        .order_by(_A.c.id.desc())
        .limit(1)
        .lateral("lead")
    )
    assigned = (
        select(func.coalesce(func.array_agg(_U.c.path), cast(literal([]), ARRAY(SAString))))
        .select_from(_A.join(_U, _U.c.id == _A.c.unit_id))
        .where(_A.c.case_id == _C.c.id, _A.c.state != models.AssignmentState.WITHDRAWN.value)
        .scalar_subquery()
    )
    columns: list[Any] = [*_C.c]
    columns += [_ACC.c[n].label(f"acc_{n}") for n in _UNIT_COLUMNS]
    columns += [_HANDLER.c[n].label(f"handler_{n}") for n in _UNIT_COLUMNS]
    columns += [
        _PLACE.c.path.label("place_path"),
        assigned.label("assigned_paths"),
        _E.c.seq.label("ev_seq"),
        _E.c.type.label("ev_type"),
        _E.c.created_at.label("ev_at"),
    ]
    source = (
        _C.join(_ACC, _ACC.c.id == _C.c.accountable_unit_id)
        .outerjoin(_PLACE, _PLACE.c.id == _C.c.place_unit_id)
        .outerjoin(lead, true())
        .outerjoin(_HANDLER, _HANDLER.c.id == lead.c.unit_id)
        .outerjoin(
            _H,
            and_(
                _H.c.tenant_id == _C.c.tenant_id,
                _H.c.stream == literal("case:") + cast(_C.c.id, SAString),
            ),
        )
        .outerjoin(
            _E,
            and_(
                _E.c.tenant_id == _H.c.tenant_id,
                _E.c.stream == _H.c.stream,
                _E.c.seq == _H.c.last_seq,
            ),
        )
    )
    query = select(*columns).select_from(source).order_by(_C.c.id.desc()).limit(bindparam("limit"))
    if public:
        query = query.where(published())
    else:
        query = query.where(access.visible_to(principal))
    if f.states:
        query = query.where(_one_of(_C.c.state, [s.value for s in f.states]))
    if f.unit_id is not None:
        query = query.where(
            inbox.queue_clause(f.queue, f.unit_id) if f.queue else inbox.in_unit(f.unit_id)
        )
    if f.channel is not None:
        query = query.where(_C.c.channel == f.channel.value)
    if f.kind is not None:
        query = query.where(_C.c.kind == f.kind.value)
    if f.overdue is not None:
        late = and_(_one_of(_C.c.state, [s.value for s in _OPEN]), _C.c.due_on < bindparam("today"))
        query = query.where(late if f.overdue else ~late)
    if f.due_soon:
        query = query.where(
            _one_of(_C.c.state, [s.value for s in _OPEN]),
            _C.c.due_on >= bindparam("today"),
            _C.c.due_on <= bindparam("horizon"),
        )
    if f.mine:
        query = query.where(
            or_(
                _C.c.submitter_user_id == principal.user_id,
                _C.c.entered_by_user_id == principal.user_id,
            )
        )
    if after:
        query = query.where(_C.c.id < bindparam("after"))
    names = [str(c.key) for c in query.selected_columns]
    found = _Page(ReadStatement(query), namedtuple("CaseRow", names))
    _statements.put(key, found)
    return found


def _unit(row: Any, prefix: str) -> OrgUnit | None:
    unit_id = getattr(row, f"{prefix}_id")
    if unit_id is None:
        return None
    return OrgUnit(
        id=unit_id,
        kind=getattr(row, f"{prefix}_kind"),
        name=getattr(row, f"{prefix}_name"),
        code=getattr(row, f"{prefix}_code"),
        parent_db_id=getattr(row, f"{prefix}_parent_id"),
    )


def _node(row: Any, principal: Principal, *, public: bool) -> Case | None:
    view = (
        visibility.PUBLIC_VIEW
        if public
        else visibility.view_from(
            principal,
            submitter=row.submitter_user_id,
            entered_by=row.entered_by_user_id,
            private=row.is_private,
            published=row.published_at is not None,
            accountable_path=row.acc_path,
            place_path=row.place_path,
            assigned_paths=row.assigned_paths or (),
        )
    )
    if view is None:  # pragma: no cover - the statement's visibility is the same
        return None
    contact = not public and sees_contact(principal, row.acc_path, row.submitter_user_id)
    node = Case.from_model(row, view=view, contact=contact)
    attach(node, "accountableUnit", _unit(row, "acc"))
    attach(node, "handler", _unit(row, "handler"))
    attach(
        node,
        "lastEvent",
        None
        if public or row.ev_seq is None
        else CaseEventSummary(seq=row.ev_seq, type=row.ev_type, at=row.ev_at),
    )
    return node


async def cases_page(
    info: Info,
    *,
    f: CaseFilter,
    first: int | None,
    after: str | None,
    public: bool = False,
) -> Connection[Case]:
    from backend.cases.replies import today

    size, after_id = page_size(first), decode_cursor(after)
    principal = await info.context.principal()
    tenant_id = principal.require_tenant()
    if f.mine:
        principal.require_user()
    selection(info, "edges", "node")  # the relations are cheap: always joined
    page = _statement(principal, f, public=public, after=after_id is not None)
    day = today()
    params: dict[str, Any] = {"limit": size + 1}
    if after_id is not None:
        params["after"] = after_id
    dated = f.due_soon or inbox.needs_dates(f.queue)
    if f.overdue is not None or dated:
        params["today"] = day
    if f.queue is not None or dated:  # who may read the tab, the county's horizon first

        async def prepare(session: AsyncSession) -> date | None:
            if f.queue is not None:
                assert f.unit_id is not None  # checked with the filter
                await inbox.require_inbox_reader(session, principal, f.unit_id)
            return await inbox.due_soon_horizon(session, tenant_id, day) if dated else None

        horizon = await info.context.read(prepare)
        if horizon is not None:
            params["horizon"] = horizon
    make = page.row._make
    rows = [make(t) for t in await info.context.read_rows(page.statement, params)]
    nodes = [(r.id, _node(r, principal, public=public)) for r in rows]
    return build_connection(
        [(i, n) for i, n in nodes if n is not None],
        first=size,
        to_node=lambda t: t[1],
        key=lambda t: t[0],
    )


async def last_events(
    session: AsyncSession, case_ids: Sequence[int]
) -> dict[int, CaseEventSummary]:
    """The head event of each case's stream, in one statement."""
    streams = [f"case:{i}" for i in case_ids]
    rows = (
        await session.execute(
            select(_H.c.stream, _E.c.seq, _E.c.type, _E.c.created_at)
            .select_from(
                _H.join(
                    _E,
                    and_(
                        _E.c.tenant_id == _H.c.tenant_id,
                        _E.c.stream == _H.c.stream,
                        _E.c.seq == _H.c.last_seq,
                    ),
                )
            )
            .where(_H.c.stream.in_(streams))
        )
    ).all()
    return {
        int(stream.removeprefix("case:")): CaseEventSummary(seq=seq, type=type_, at=at)
        for stream, seq, type_, at in rows
    }


__all__ = ["CaseFilter", "cases_page", "date", "last_events"]
