"""A case's stream `case:<id>` (its history) and a unit's inbox stream `caseinbox:<unit>`:
appending one event in the caller's transaction, checked against its declaration where
the app checks events (`backend.cases.events`)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any, cast

from sqlalchemy.ext.asyncio import AsyncSession

from backend.cases.events import CASE_EVENTS, INBOX_EVENTS
from backend.cases.models import Case
from backend.core.db import CHECK_EVENTS
from backend.core.security import Principal
from realtime import log as events
from realtime.event_types import Logged
from realtime.log import EventDraft

#: Dates of cases (received day, deadlines) are county dates: China Standard Time.
CHINA = timezone(timedelta(hours=8), "CST")


def stream_of(case_id: int) -> str:
    return f"case:{case_id}"


def inbox_of(unit_id: int) -> str:
    return f"caseinbox:{unit_id}"


def now() -> datetime:
    return datetime.now(UTC)


def local_day(at: datetime) -> date:
    return at.astimezone(CHINA).date()


def end_of_day(d: date) -> datetime:
    """The last second of county date `d` (a sign-for deadline falls due then)."""
    return datetime(d.year, d.month, d.day, 23, 59, 59, tzinfo=CHINA).astimezone(UTC)


async def append_event(
    session: AsyncSession,
    principal: Principal | None,
    case: Case,
    type: Logged[Any],
    payload: Mapping[str, Any],
) -> events.LoggedEvent:
    if session.info.get(CHECK_EVENTS):
        CASE_EVENTS.check(type, payload)
    (event,) = await events.append(
        session,
        tenant_id=case.tenant_id,
        stream=stream_of(case.id),
        drafts=[
            EventDraft(
                type=type.value,
                payload=cast(dict[str, Any], payload),
                actor_user_id=principal.user_id if principal else None,
            )
        ],
    )
    return event


async def notify_inbox(
    session: AsyncSession,
    principal: Principal | None,
    case: Case,
    unit_id: int,
    type: Logged[Any],
    *,
    assignment_id: int | None = None,
    role: str | None = None,
    note: str | None = None,
) -> None:
    """An item in the inbox of `unit_id` about `case` (a dispatch, a sign, a return, a
    deadline): what the unit's staff see live (`caseInbox`)."""
    payload = {
        "caseId": case.id,
        "number": case.number,
        "title": case.title,
        "state": case.state.value,
        "assignmentId": assignment_id,
        "role": role,
        "dueOn": case.due_on.isoformat() if case.due_on else None,
        "note": note,
    }
    if session.info.get(CHECK_EVENTS):
        INBOX_EVENTS.check(type, payload)
    await events.append(
        session,
        tenant_id=case.tenant_id,
        stream=inbox_of(unit_id),
        drafts=[
            EventDraft(
                type=type.value,
                payload=payload,
                actor_user_id=principal.user_id if principal else None,
            )
        ],
    )
