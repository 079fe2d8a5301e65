"""The county's `mediators` stream: appending its events in the caller's transaction, and
who sees what of it.

Two views, decided by the grants alone (`view_of`):
- STAFF: tenant admins, department staff and 解事员 (any scope): every event as recorded;
- PUBLIC: anyone else of the county: who joined the pool and changed, trainings and awards;
  not evaluations (a person's appraisal) nor case assignments (who handles whose matter).
No event carries a name or phone number (`backend.mediators.events`).
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import replace
from typing import Any, TypeVar, cast

from sqlalchemy.ext.asyncio import AsyncSession

from backend.core.db import CHECK_EVENTS
from backend.core.errors import DomainError
from backend.core.security import Principal, Role
from backend.mediators.events import MEDIATOR_EVENTS, MediatorEvent
from realtime import log as events
from realtime import streams
from realtime.event_types import EventKey, Logged
from realtime.log import LoggedEvent

MEDIATORS_STREAM = "mediators"
STAFF_VIEW = "staff"
PUBLIC_VIEW = "public"
P = TypeVar("P")


async def append_event(
    session: AsyncSession, principal: Principal, type: Logged[P], payload: P
) -> None:
    if session.info.get(CHECK_EVENTS):
        MEDIATOR_EVENTS.check(type, payload)
    await events.append(
        session,
        tenant_id=principal.require_tenant(),
        stream=MEDIATORS_STREAM,
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
            streams.StreamErrorCode.UNKNOWN_STREAM, "mediators 流没有子标识", field="stream"
        )
    principal.require_tenant()
    if principal.user_id is not None and principal.has(
        Role.TENANT_ADMIN, Role.DEPARTMENT_STAFF, Role.MEDIATOR
    ):
        return STAFF_VIEW
    return PUBLIC_VIEW


E = MediatorEvent
#: Per event type: shown to the public as recorded (True) or not at all (False).
PUBLIC: dict[EventKey[Any], bool] = {
    E.MEDIATOR_REGISTERED: True,
    E.MEDIATOR_UPDATED: True,
    E.MEDIATOR_TRAINED: True,
    E.MEDIATOR_EVALUATED: False,
    E.MEDIATOR_AWARDED: True,
    E.MEDIATOR_ASSIGNED: False,
}
del E
if set(PUBLIC) != set(MediatorEvent):  # pragma: no cover - a new type, undecided
    raise TypeError(f"undecided views: {sorted(set(MediatorEvent) - set(PUBLIC))}")
_PUBLIC_TYPES = frozenset({t.value for t, shown in PUBLIC.items() if shown} | {streams.RESYNC_TYPE})


def project(event: LoggedEvent, view: Hashable, state: Any) -> LoggedEvent | None:
    """Staff get every event as recorded; the public the types `PUBLIC` allows, without
    the actor (and so without the hash, which covers it)."""
    if view == STAFF_VIEW:
        return event
    if event.type not in _PUBLIC_TYPES:
        return None
    if event.actor_user_id is None:
        return event
    return replace(event, actor_user_id=None, prev_hash="", hash="")


streams.register_kind(
    MEDIATORS_STREAM,
    view_of=_view,
    project=project,
    sees_chain=lambda view: view == STAFF_VIEW,
    events=MEDIATOR_EVENTS,
)
