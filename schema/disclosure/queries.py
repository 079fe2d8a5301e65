"""Queries of 政务公开: the publications page (public), the staff's register of requests
(with the overdue list) and one's own requests. Each page is one statement compiled once
per shape (`backend.core.db.ReadStatement`, docs/architecture.md "List pages")."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Annotated, Any

import strawberry
from sqlalchemy import bindparam, or_, select

from backend.core.db import ReadStatement
from backend.core.errors import PermissionDenied
from backend.disclosure.access import is_county_staff
from backend.disclosure.models import InformationRequest as RequestRow
from backend.disclosure.models import Publication as PublicationRow
from backend.disclosure.requests import today
from schema.context import Info
from schema.disclosure.types import (
    InformationRequest,
    Publication,
    PublicationCategory,
    PublicationState,
    RequestState,
)
from schema.relay import (
    Connection,
    PageAfter,
    PageFirst,
    build_connection,
    decode_cursor,
    page_size,
)

_P = PublicationRow.__table__
_R = RequestRow.__table__
_P_NAMES = tuple(c.name for c in _P.c)
_R_NAMES = tuple(c.name for c in _R.c)


def _publication_row(*values: Any) -> Any:
    """A page's row as an object with the table's columns (the statement selects them all)."""
    return SimpleNamespace(**dict(zip(_P_NAMES, values, strict=True)))


def _request_row(*values: Any) -> Any:
    return SimpleNamespace(**dict(zip(_R_NAMES, values, strict=True)))


_PUBLIC_STATES = (PublicationState.PUBLISHED, PublicationState.WITHDRAWN)
_publication_pages: dict[tuple[Any, ...], ReadStatement] = {}
_request_pages: dict[tuple[Any, ...], ReadStatement] = {}


def _publication_statement(
    states: tuple[PublicationState, ...], category: PublicationCategory | None, after: bool
) -> ReadStatement:
    key = (states, category, after)
    found = _publication_pages.get(key)
    if found is None:
        query = (
            select(*_P.c)
            .where(or_(*(_P.c.state == s.value for s in states)))
            .order_by(_P.c.id.desc())
            .limit(bindparam("limit"))
        )
        if category is not None:
            query = query.where(_P.c.category == category.value)
        if after:
            query = query.where(_P.c.id < bindparam("after"))
        found = _publication_pages[key] = ReadStatement(query)
    return found


def _request_statement(
    overdue: bool | None, state: RequestState | None, mine: bool, after: bool
) -> ReadStatement:
    key = (overdue, state, mine, after)
    found = _request_pages.get(key)
    if found is None:
        query = select(*_R.c).order_by(_R.c.id.desc()).limit(bindparam("limit"))
        if mine:
            query = query.where(_R.c.requester_user_id == bindparam("user"))
        if state is not None:
            query = query.where(_R.c.state == state.value)
        if overdue is not None:
            due = _R.c.extended_due_on.is_(None) & (_R.c.due_on < bindparam("today")) | (
                _R.c.extended_due_on < bindparam("today")
            )
            late = (_R.c.state == RequestState.RECEIVED.value) & due
            query = query.where(late if overdue else ~late)
        if after:
            query = query.where(_R.c.id < bindparam("after"))
        found = _request_pages[key] = ReadStatement(query)
    return found


@strawberry.type
class DisclosureQueries:
    @strawberry.field(
        description="主动公开: published items (and withdrawn ones, with the reason), newest "
        "first; anyone of the county, anonymous too. County staff may also list drafts."
    )
    async def publications(
        self,
        info: Info,
        first: PageFirst = None,
        after: PageAfter = None,
        states: Annotated[
            list[PublicationState] | None,
            strawberry.argument(description="In these states (default: PUBLISHED)."),
        ] = None,
        category: Annotated[
            PublicationCategory | None, strawberry.argument(description="Of this category.")
        ] = None,
    ) -> Connection[Publication]:
        size, after_id = page_size(first), decode_cursor(after)
        principal = await info.context.principal()
        principal.require_tenant()
        wanted = tuple(dict.fromkeys(states or [PublicationState.PUBLISHED]))
        if not is_county_staff(principal):
            wanted = tuple(s for s in wanted if s in _PUBLIC_STATES)
        if not wanted:
            return build_connection([], first=size, to_node=Publication.from_row, key=lambda r: 0)
        params: dict[str, Any] = {"limit": size + 1}
        if after_id is not None:
            params["after"] = after_id
        rows = [
            _publication_row(*r)
            for r in await info.context.read_rows(
                _publication_statement(
                    tuple(sorted(wanted, key=lambda s: s.value)), category, after_id is not None
                ),
                params,
            )
        ]
        return build_connection(rows, first=size, to_node=Publication.from_row, key=lambda r: r.id)

    @strawberry.field(
        description="The register of 依申请公开 requests (county staff), newest first; "
        "`overdue: true` is the overdue list (unanswered past the due day, county time)."
    )
    async def information_requests(
        self,
        info: Info,
        first: PageFirst = None,
        after: PageAfter = None,
        overdue: Annotated[
            bool | None,
            strawberry.argument(description="True: overdue only; false: not overdue."),
        ] = None,
        state: Annotated[
            RequestState | None, strawberry.argument(description="In this state.")
        ] = None,
    ) -> Connection[InformationRequest]:
        size, after_id = page_size(first), decode_cursor(after)
        principal = await info.context.principal()
        principal.require_user()
        if not is_county_staff(principal):
            raise PermissionDenied("无权查看申请登记：需要政府信息公开工作人员（全县范围）")
        day = today()
        params: dict[str, Any] = {"limit": size + 1}
        if after_id is not None:
            params["after"] = after_id
        if overdue is not None:
            params["today"] = day
        rows = [
            _request_row(*r)
            for r in await info.context.read_rows(
                _request_statement(overdue, state, False, after_id is not None), params
            )
        ]
        return build_connection(
            rows,
            first=size,
            to_node=lambda r: InformationRequest.from_row(
                r, mine=r.requester_user_id == principal.user_id, today=day
            ),
            key=lambda r: r.id,
        )

    @strawberry.field(description="My 依申请公开 requests, newest first (signed in).")
    async def my_information_requests(
        self, info: Info, first: PageFirst = None, after: PageAfter = None
    ) -> Connection[InformationRequest]:
        size, after_id = page_size(first), decode_cursor(after)
        principal = await info.context.principal()
        user_id = principal.require_user()
        day = today()
        params: dict[str, Any] = {"limit": size + 1, "user": user_id}
        if after_id is not None:
            params["after"] = after_id
        rows = [
            _request_row(*r)
            for r in await info.context.read_rows(
                _request_statement(None, None, True, after_id is not None), params
            )
        ]
        return build_connection(
            rows,
            first=size,
            to_node=lambda r: InformationRequest.from_row(r, mine=True, today=day),
            key=lambda r: r.id,
        )
