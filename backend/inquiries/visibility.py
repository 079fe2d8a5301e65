"""Who may watch the domain's streams and what each view sees of each event.

- `inquirygroup:<id>`: anyone of the county (the schedule is a public notice); the county
  office (STAFF) sees it as recorded, everyone else without the leaders' account ids.
- `inquiry:<session id>`: anyone of the county (the session is public, 网络问政); STAFF
  (the county office, staff covering the session's department) sees every event as
  recorded; the PUBLIC sees the schedule, the questions' text (phone and ID numbers
  masked) and the answers, without who asked, who entered or who answers (account ids).
- `opinions:<collection id>`: STAFF (the county office, staff covering one of the
  reporting units) sees everything; the PUBLIC sees that the collection opened and the
  progress of each opinion (unit, state, rating) but never its text, the review's reason,
  the answer or who gave it.

Every member of each kind's events has an entry in its PUBLIC table (a projection or None:
staff only); a type missing there is an import error.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import replace
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.cases.masking import mask_text
from backend.core.security import Principal, Role
from backend.inquiries.events import (
    GROUP_EVENTS,
    OPINION_EVENTS,
    SESSION_EVENTS,
    GroupEvent,
    OpinionEvent,
    SessionEvent,
)
from backend.inquiries.models import InquirySession, OpinionCollection, OpinionCollectionUnit
from backend.inquiries.stream import GROUP_KIND, OPINION_KIND, SESSION_KIND
from realtime import streams
from realtime.event_types import EventKey
from realtime.log import LoggedEvent
from tenants.models import OrgUnit

STAFF_VIEW = "staff"
PUBLIC_VIEW = "public"

Shown = Callable[[dict[str, Any]], dict[str, Any] | None]


def is_office(principal: Principal) -> bool:
    return any(g.role is Role.TENANT_ADMIN and g.org_path is None for g in principal.grants)


def is_staff_of(principal: Principal, path: str | None) -> bool:
    return path is not None and principal.has(
        Role.TENANT_ADMIN, Role.DEPARTMENT_STAFF, at_path=path
    )


def _as_recorded(p: dict[str, Any]) -> dict[str, Any]:
    return p


def _without(*keys: str) -> Shown:
    def shown(p: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in p.items() if k not in keys}

    return shown


def _only(*keys: str) -> Shown:
    def shown(p: dict[str, Any]) -> dict[str, Any]:
        return {k: p.get(k) for k in keys}

    return shown


def _group_public(p: dict[str, Any]) -> dict[str, Any]:
    out = dict(p)
    out["units"] = [{"unitId": u["unitId"], "position": u["position"]} for u in p["units"]]
    return out


def _question_public(p: dict[str, Any]) -> dict[str, Any]:
    return {"id": p["id"], "body": mask_text(p["body"]), "state": p["state"]}


def _answer_public(p: dict[str, Any]) -> dict[str, Any]:
    return {**p, "answer": mask_text(p["answer"])}


def _case_public(p: dict[str, Any]) -> dict[str, Any]:
    return {**p, "initialReply": mask_text(p.get("initialReply"))}


GROUP_PUBLIC: dict[EventKey[Any], Shown | None] = {GroupEvent.GROUP_CREATED: _group_public}
S = SessionEvent
SESSION_PUBLIC: dict[EventKey[Any], Shown | None] = {
    S.SCHEDULED: _as_recorded,
    S.RESCHEDULED: _as_recorded,  # a public notice, with its reason
    S.CANCELLED: _as_recorded,
    S.STARTED: _as_recorded,
    S.ENDED: _as_recorded,
    S.QUESTION_ASKED: _question_public,
    S.QUESTION_ASSIGNED: None,  # who answers inside the department is internal
    S.QUESTION_ANSWERED: _answer_public,
    S.QUESTION_TURNED_INTO_CASE: _case_public,
}
OE = OpinionEvent
OPINION_PUBLIC: dict[EventKey[Any], Shown | None] = {
    OE.COLLECTION_OPENED: _as_recorded,
    OE.ENTERED: _only("id", "unitId", "source", "state"),
    OE.REVIEWED: _only("id", "accepted", "state"),
    OE.DISPATCHED: _only("id", "unitId", "handling", "state"),
    OE.ANSWERED: _only("id", "unitId", "state"),
    OE.RATED: _as_recorded,
}
del S, OE
for _table, _members in (
    (GROUP_PUBLIC, GroupEvent),
    (SESSION_PUBLIC, SessionEvent),
    (OPINION_PUBLIC, OpinionEvent),
):  # pragma: no branch
    if set(_table) != set(_members):  # pragma: no cover - a new type, undecided
        raise TypeError(f"undecided views: {sorted(set(_members) - set(_table))}")


def _projector(table: dict[EventKey[Any], Shown | None]) -> Any:
    public: dict[str, Shown] = {t.value: f for t, f in table.items() if f is not None}
    public[streams.RESYNC_TYPE] = _as_recorded

    def project(event: LoggedEvent, view: Hashable, state: Any) -> LoggedEvent | None:
        """Staff get the event as recorded; the public the payload its table allows, no
        actor, and no hash when anything was left out."""
        if view == STAFF_VIEW:
            return event
        shown = public.get(event.type)
        if shown is None:
            return None
        payload = shown(event.payload)
        if payload is None:
            return None
        if payload == event.payload and event.actor_user_id is None:
            return event
        return replace(event, payload=payload, actor_user_id=None, prev_hash="", hash="")

    return project


project_group = _projector(GROUP_PUBLIC)
project_session = _projector(SESSION_PUBLIC)
project_opinions = _projector(OPINION_PUBLIC)


def _group_view(principal: Principal, ident: str | None) -> str:
    streams.numeric_ident(ident, example="inquirygroup:<组别编号>")
    principal.require_tenant()
    return STAFF_VIEW if is_office(principal) else PUBLIC_VIEW


async def session_view(session: AsyncSession, principal: Principal, ident: str | None) -> str:
    """STAFF for the county office and staff of the session's department, else PUBLIC;
    a session of no county of the caller is NOT_FOUND."""
    session_id = streams.numeric_ident(ident, example="inquiry:<场次编号>")
    path = await session.scalar(
        select(OrgUnit.path)
        .join(InquirySession, InquirySession.org_unit_id == OrgUnit.id)
        .where(InquirySession.id == session_id)
    )
    if path is None:
        raise streams.StreamRefused(streams.StreamErrorCode.NOT_FOUND, "问政场次不存在")
    return STAFF_VIEW if is_office(principal) or is_staff_of(principal, path) else PUBLIC_VIEW


async def collection_view(session: AsyncSession, principal: Principal, ident: str | None) -> str:
    """STAFF for the county office and staff of a reporting unit, else PUBLIC."""
    collection_id = streams.numeric_ident(ident, example="opinions:<征集编号>")
    found = await session.scalar(
        select(OpinionCollection.id).where(OpinionCollection.id == collection_id)
    )
    if found is None:
        raise streams.StreamRefused(streams.StreamErrorCode.NOT_FOUND, "意见征集不存在")
    if is_office(principal):
        return STAFF_VIEW
    paths = (
        await session.scalars(
            select(OrgUnit.path)
            .join(OpinionCollectionUnit, OpinionCollectionUnit.org_unit_id == OrgUnit.id)
            .where(OpinionCollectionUnit.collection_id == collection_id)
        )
    ).all()
    return STAFF_VIEW if any(is_staff_of(principal, p) for p in paths) else PUBLIC_VIEW


streams.register_kind(
    GROUP_KIND,
    view_of=_group_view,
    project=project_group,
    sees_chain=lambda view: view == STAFF_VIEW,
    events=GROUP_EVENTS,
)
streams.register_kind(
    SESSION_KIND,
    authorize=session_view,
    project=project_session,
    sees_chain=lambda view: view == STAFF_VIEW,
    events=SESSION_EVENTS,
)
streams.register_kind(
    OPINION_KIND,
    authorize=collection_view,
    project=project_opinions,
    sees_chain=lambda view: view == STAFF_VIEW,
    events=OPINION_EVENTS,
)
