"""A decision's stream `decision:<id>` (its record) and a person's answers stream
`opinionanswers:<user id>`: appending one event in the caller's transaction, checked
against its declaration where the app checks events (`backend.decisions.events`)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any, TypeVar, cast

from sqlalchemy.ext.asyncio import AsyncSession

from backend.core.db import CHECK_EVENTS
from backend.core.errors import DomainError
from backend.core.security import Principal
from backend.decisions.errors import DecisionErrorCode as Code
from backend.decisions.events import ANSWER_EVENTS, DECISION_EVENTS, REVIEW_EVENTS, AnswerToPerson
from backend.decisions.models import Decision
from realtime import log as events
from realtime.event_types import Logged
from realtime.log import EventDraft, StreamSealed

P = TypeVar("P")

#: County dates (comment periods) are China Standard Time.
CHINA = timezone(timedelta(hours=8), "CST")


def stream_of(decision_id: int) -> str:
    return f"decision:{decision_id}"


def review_of(decision_id: int) -> str:
    return f"decisionreview:{decision_id}"


def answers_of(user_id: int) -> str:
    return f"opinionanswers:{user_id}"


def now() -> datetime:
    return datetime.now(UTC)


def today() -> date:
    return now().astimezone(CHINA).date()


async def append_event(
    session: AsyncSession,
    principal: Principal | None,
    decision: Decision,
    type: Logged[P],
    payload: P,
) -> events.LoggedEvent:
    if session.info.get(CHECK_EVENTS):
        DECISION_EVENTS.check(type, payload)
    try:
        (event,) = await events.append(
            session,
            tenant_id=decision.tenant_id,
            stream=stream_of(decision.id),
            drafts=[
                EventDraft(
                    type=type.value,
                    payload=cast(dict[str, Any], payload),
                    actor_user_id=principal.user_id if principal else None,
                )
            ],
        )
    except StreamSealed as exc:
        raise DomainError(
            Code.RECORD_SEALED, "决策记录已封存，不能再记录", field="decisionId"
        ) from exc
    return event


async def tell_person(
    session: AsyncSession,
    principal: Principal | None,
    *,
    tenant_id: int,
    user_id: int,
    type: Logged[AnswerToPerson],
    payload: AnswerToPerson,
) -> None:
    """An item in the person's own answers stream (their inbox of answers)."""
    if session.info.get(CHECK_EVENTS):
        ANSWER_EVENTS.check(type, payload)
    await events.append(
        session,
        tenant_id=tenant_id,
        stream=answers_of(user_id),
        drafts=[
            EventDraft(
                type=type.value,
                payload=cast(dict[str, Any], payload),
                actor_user_id=principal.user_id if principal else None,
            )
        ],
    )


async def append_review(
    session: AsyncSession,
    principal: Principal | None,
    decision: Decision,
    type: Logged[P],
    payload: P,
) -> events.LoggedEvent:
    """An event of the decision's review stream (after the decision)."""
    if session.info.get(CHECK_EVENTS):
        REVIEW_EVENTS.check(type, payload)
    (event,) = await events.append(
        session,
        tenant_id=decision.tenant_id,
        stream=review_of(decision.id),
        drafts=[
            EventDraft(
                type=type.value,
                payload=cast(dict[str, Any], payload),
                actor_user_id=principal.user_id if principal else None,
            )
        ],
    )
    return event
