"""What each viewer of a case's stream (`case:<id>`) and of a unit's inbox
(`caseinbox:<unit>`) may see.

Case streams, three views decided when a viewer asks (`authorize`, one query):

- STAFF: the county office, staff of a unit handling the case (accountable now or holding
  an assignment that was not withdrawn) and mediators (解事员) of its place: every event
  as recorded.
- SUBMITTER: the person who raised it (or the collector who entered it for someone): its
  progress and the answers, without internal notes, 督办 opinions, return reasons or
  reminders.
- PUBLIC: anyone else of the county, and only once the case is published (政务村务公开)
  and not private (点对点): what was asked and answered, personal data masked, no
  submitter, no actor. A private or unpublished case is NOT_FOUND to them.

Inbox streams have one view (STAFF): staff of the unit (or above it) and the county
office; anyone else is refused.

Every `CaseEvent` has an entry in `SUBMITTER` and `PUBLIC` (a projection or None: staff
only); a type missing there is an import error.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import replace
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.cases.events import CASE_EVENTS, INBOX_EVENTS, CaseEvent
from backend.cases.masking import mask_text
from backend.cases.models import AssignmentState, Case, CaseAssignment
from backend.core.security import Principal, Role
from realtime import streams
from realtime.event_types import EventKey
from realtime.log import LoggedEvent
from tenants.models import OrgUnit

STAFF_VIEW = "staff"
SUBMITTER_VIEW = "submitter"
PUBLIC_VIEW = "public"
VIEWS = (STAFF_VIEW, SUBMITTER_VIEW, PUBLIC_VIEW)


def _is_office(principal: Principal) -> bool:
    return any(g.role is Role.TENANT_ADMIN and g.org_path is None for g in principal.grants)


def _staff(principal: Principal, path: str | None) -> bool:
    return path is not None and principal.has(
        Role.TENANT_ADMIN, Role.DEPARTMENT_STAFF, at_path=path
    )


async def views_of(
    session: AsyncSession, principal: Principal, case_ids: Sequence[int]
) -> dict[int, Hashable]:
    """The caller's view of each case of this county among `case_ids` (absent: not
    found, or not visible to them at all), in two queries whatever their number."""
    if not case_ids:
        return {}
    place = OrgUnit.__table__.alias("place")
    accountable = OrgUnit.__table__.alias("accountable")
    rows = (
        await session.execute(
            select(
                Case.id,
                Case.submitter_user_id,
                Case.entered_by_user_id,
                Case.is_private,
                Case.published_at,
                accountable.c.path,
                place.c.path,
            )
            .select_from(Case)
            .join(accountable, accountable.c.id == Case.accountable_unit_id)
            .outerjoin(place, place.c.id == Case.place_unit_id)
            .where(Case.id.in_(list(case_ids)))
        )
    ).all()
    assigned: dict[int, list[str]] = {}
    if principal.user_id is not None and not _is_office(principal):
        for case_id, path in (
            await session.execute(
                select(CaseAssignment.case_id, OrgUnit.path)
                .join(OrgUnit, OrgUnit.id == CaseAssignment.unit_id)
                .where(
                    CaseAssignment.case_id.in_(list(case_ids)),
                    CaseAssignment.state != AssignmentState.WITHDRAWN,
                )
            )
        ).all():
            assigned.setdefault(case_id, []).append(path)
    views: dict[int, Hashable] = {}
    for case_id, submitter, entered_by, private, published, acc_path, place_path in rows:
        view = view_from(
            principal,
            submitter=submitter,
            entered_by=entered_by,
            private=private,
            published=published is not None,
            accountable_path=acc_path,
            place_path=place_path,
            assigned_paths=assigned.get(case_id, ()),
        )
        if view is not None:
            views[case_id] = view
    return views


def view_from(
    principal: Principal,
    *,
    submitter: int | None,
    entered_by: int | None,
    private: bool,
    published: bool,
    accountable_path: str | None,
    place_path: str | None,
    assigned_paths: Sequence[str],
) -> str | None:
    """The view of one case from what decides it (None: the caller may not see it)."""
    uid = principal.user_id
    if uid is not None and (
        _is_office(principal)
        or _staff(principal, accountable_path)
        or any(_staff(principal, p) for p in assigned_paths)
        or (place_path is not None and principal.has(Role.MEDIATOR, at_path=place_path))
    ):
        return STAFF_VIEW
    if uid is not None and uid in (submitter, entered_by):
        return SUBMITTER_VIEW
    if published and not private:
        return PUBLIC_VIEW
    return None


async def authorize(session: AsyncSession, principal: Principal, ident: str | None) -> Hashable:
    case_id = streams.numeric_ident(ident, example="case:<编号>")
    view = (await views_of(session, principal, [case_id])).get(case_id)
    if view is None:
        raise streams.StreamRefused(streams.StreamErrorCode.NOT_FOUND, "事项不存在")
    return view


# -- per event type: what the submitter and the public see --------------------------------

Shown = Callable[[dict[str, Any]], dict[str, Any] | None]


def _as_recorded(p: dict[str, Any]) -> dict[str, Any]:
    return p


def _only(*keys: str) -> Shown:
    def shown(p: dict[str, Any]) -> dict[str, Any]:
        return {k: p[k] for k in keys if k in p}

    return shown


def _reply(*, public: bool) -> Shown:
    def shown(p: dict[str, Any]) -> dict[str, Any] | None:
        if p.get("kind") in ("NOTE", "SUPERVISION"):
            return None  # internal
        if public and p.get("kind") != "RESULT":
            return None
        out = dict(p)
        if public:
            out["body"] = mask_text(p.get("body"))
        return out

    return shown


_RECEIVED_PUBLIC = ("id", "number", "channel", "kind", "title", "state", "isPrivate")
E = CaseEvent
SUBMITTER: dict[EventKey[Any], Shown | None] = {
    E.CASE_RECEIVED: _as_recorded,
    E.CASE_CLASSIFIED: _as_recorded,
    E.CASE_OUT_OF_SCOPE: _as_recorded,  # the reason is told to the person
    E.CASE_DISPATCHED: _only("unitId", "role", "state", "dueOn"),
    E.CASE_SIGNED: _only("unitId", "accountableUnitId", "state"),
    E.CASE_RETURNED: _only("state"),  # which unit refused it and why is internal
    E.CASE_REDISPATCHED: _only("unitId", "role", "state", "dueOn"),
    E.CASE_ESCALATED: None,
    E.CASE_REPLIED: _reply(public=False),
    E.CASE_SUPERVISED: None,
    E.CASE_FOLLOWED_UP: _as_recorded,
    E.CASE_ANSWERED: _reply(public=False),
    E.CASE_RATED: _as_recorded,
    E.CASE_REOPENED: _as_recorded,
    E.CASE_CLOSED: _as_recorded,
    E.CASE_MERGED: _only("primaryId"),
    E.CASE_PUBLISHED: _as_recorded,
    E.CASE_DEADLINE_CHANGED: _as_recorded,
    E.CASE_REMINDED: None,
}
PUBLIC: dict[EventKey[Any], Shown | None] = {
    E.CASE_RECEIVED: _only(*_RECEIVED_PUBLIC),
    E.CASE_CLASSIFIED: _only("kind", "matterClass", "handlingClass", "dueOn"),
    E.CASE_OUT_OF_SCOPE: None,
    E.CASE_DISPATCHED: _only("unitId", "role", "state"),
    E.CASE_SIGNED: _only("unitId", "state"),
    E.CASE_RETURNED: None,
    E.CASE_REDISPATCHED: _only("unitId", "role", "state"),
    E.CASE_ESCALATED: None,
    E.CASE_REPLIED: _reply(public=True),
    E.CASE_SUPERVISED: None,
    E.CASE_FOLLOWED_UP: None,
    E.CASE_ANSWERED: _reply(public=True),
    E.CASE_RATED: _only("satisfaction", "state"),  # not the person's words
    E.CASE_REOPENED: _only("reopenCount", "state"),
    E.CASE_CLOSED: _only("state"),
    E.CASE_MERGED: _only("primaryId"),
    E.CASE_PUBLISHED: _as_recorded,
    E.CASE_DEADLINE_CHANGED: _only("dueOn"),
    E.CASE_REMINDED: None,
}
del E
for _table in (SUBMITTER, PUBLIC):  # pragma: no branch
    if set(_table) != set(CaseEvent):  # pragma: no cover - a new type, undecided
        raise TypeError(f"undecided views: {sorted(set(CaseEvent) - set(_table))}")
_BY_VIEW: dict[str, dict[str, Shown]] = {
    SUBMITTER_VIEW: {t.value: f for t, f in SUBMITTER.items() if f is not None},
    PUBLIC_VIEW: {t.value: f for t, f in PUBLIC.items() if f is not None},
}
for _shown in _BY_VIEW.values():
    _shown[streams.RESYNC_TYPE] = _as_recorded


def project(event: LoggedEvent, view: Hashable, state: Any) -> LoggedEvent | None:
    """The event as `view` may see it, or None. Staff get it as recorded; the others the
    payload their table allows, no actor, and no hash when anything was left out."""
    if view == STAFF_VIEW:
        return event
    shown = _BY_VIEW.get(str(view), _BY_VIEW[PUBLIC_VIEW]).get(event.type)
    if shown is None:
        return None
    payload = shown(event.payload)
    if payload is None:
        return None
    if payload == event.payload and event.actor_user_id is None:
        return event
    return replace(event, payload=payload, actor_user_id=None, prev_hash="", hash="")


streams.register_kind(
    "case",
    authorize=authorize,
    project=project,
    sees_chain=lambda view: view == STAFF_VIEW,
    events=CASE_EVENTS,
)


async def authorize_inbox(
    session: AsyncSession, principal: Principal, ident: str | None
) -> Hashable:
    """Staff of the unit (or above it) and the county office watch a unit's inbox."""
    unit_id = streams.numeric_ident(ident, example="caseinbox:<单位编号>")
    path = await session.scalar(select(OrgUnit.path).where(OrgUnit.id == unit_id))
    if path is None:
        raise streams.StreamRefused(streams.StreamErrorCode.NOT_FOUND, "单位不存在")
    if principal.user_id is None or not (_is_office(principal) or _staff(principal, path)):
        raise streams.StreamRefused(
            streams.StreamErrorCode.FORBIDDEN, "无权查看该单位的待办：需要该单位工作人员"
        )
    return STAFF_VIEW


streams.register_kind(
    "caseinbox",
    authorize=authorize_inbox,
    sees_chain=lambda view: True,
    events=INBOX_EVENTS,
)
