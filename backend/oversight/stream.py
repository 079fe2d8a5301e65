"""The county's `oversight` stream: appending its events in the caller's transaction, and
who sees what of it.

Two views, decided by the grants alone (`view_of`):
- STAFF: tenant admins and department staff (any scope): every event as recorded;
- PUBLIC: anyone else of the county: observers appointed, 三评 grades, contact points and
  their staff's positions; not the self-correction ledger (internal enforcement files) nor
  review requests (a person's dispute with the administration).
No event carries personal data (`backend.oversight.events`).
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import replace
from typing import Any, TypeVar, cast

from sqlalchemy.ext.asyncio import AsyncSession

from backend.core.db import CHECK_EVENTS
from backend.core.errors import DomainError
from backend.core.security import Principal, Role
from backend.oversight.events import OVERSIGHT_EVENTS, OversightEvent
from realtime import log as events
from realtime import streams
from realtime.event_types import EventKey, Logged
from realtime.log import LoggedEvent

OVERSIGHT_STREAM = "oversight"
STAFF_VIEW = "staff"
PUBLIC_VIEW = "public"
P = TypeVar("P")


async def append_event(
    session: AsyncSession, principal: Principal, type: Logged[P], payload: P
) -> None:
    if session.info.get(CHECK_EVENTS):
        OVERSIGHT_EVENTS.check(type, payload)
    await events.append(
        session,
        tenant_id=principal.require_tenant(),
        stream=OVERSIGHT_STREAM,
        drafts=[
            events.EventDraft(
                type=type.value,
                payload=cast(dict[str, Any], payload),
                actor_user_id=principal.user_id,
            )
        ],
    )


def _view(principal: Principal, ident: str | None) -> str:
    if ident is not None:
        raise DomainError(
            streams.StreamErrorCode.UNKNOWN_STREAM, "oversight 流没有子标识", field="stream"
        )
    principal.require_tenant()
    if principal.user_id is not None and principal.has(Role.TENANT_ADMIN, Role.DEPARTMENT_STAFF):
        return STAFF_VIEW
    return PUBLIC_VIEW


E = OversightEvent
#: Per event type: shown to the public as recorded, without the actor (True), or not at all.
PUBLIC: dict[EventKey[Any], bool] = {
    E.OBSERVER_APPOINTED: True,
    E.CASE_EVALUATED: True,
    E.CORRECTION_RECORDED: False,
    E.CORRECTION_CONCLUDED: False,
    E.REVIEW_POINT_CREATED: True,
    E.REVIEW_POINT_STAFF_ADDED: True,
    E.REVIEW_REQUEST_RECORDED: False,
    E.REVIEW_REQUEST_OUTCOME_SET: False,
}
del E
if set(PUBLIC) != set(OversightEvent):  # pragma: no cover - a new type, undecided
    raise TypeError(f"undecided views: {sorted(set(OversightEvent) - set(PUBLIC))}")
_PUBLIC_TYPES = frozenset({t.value for t, shown in PUBLIC.items() if shown} | {streams.RESYNC_TYPE})


def project(event: LoggedEvent, view: Hashable, state: Any) -> LoggedEvent | None:
    if view == STAFF_VIEW:
        return event
    if event.type not in _PUBLIC_TYPES:
        return None
    if event.actor_user_id is None:
        return event
    return replace(event, actor_user_id=None, prev_hash="", hash="")


streams.register_kind(
    OVERSIGHT_STREAM,
    view_of=_view,
    project=project,
    sees_chain=lambda view: view == STAFF_VIEW,
    events=OVERSIGHT_EVENTS,
)
