"""What each viewer of a decision's stream (`decision:<id>`) and of a person's answers
stream (`opinionanswers:<user id>`) may see.

Decision streams, two views (`authorize`, one query):

- STAFF: the county office and staff of the lead unit or a co-unit: every event as
  recorded.
- PUBLIC: anyone else of the county (signed in or only `X-Tenant`): a major decision is a
  public consultation, so its steps, versions, the comment period, the opinions and their
  answers are public, but not who gave an opinion (`authorId`), nor who is responsible for
  a step (user ids), nor the actor. Reduced events carry no hash (a recorded hash of a
  reduced event would let anyone test guesses of what was left out).

Answers streams have one view: the person themself; anyone else is refused.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import replace
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from backend.core.security import Principal
from backend.decisions.events import (
    ANSWER_EVENTS,
    DECISION_EVENTS,
    REVIEW_EVENTS,
    DecisionEvent,
    ReviewEvent,
)
from realtime import streams
from realtime.event_types import EventKey
from realtime.log import PERSON_LABELS, LoggedEvent

STAFF_VIEW = "staff"
PUBLIC_VIEW = "public"
OWNER_VIEW = "owner"


async def authorize(session: AsyncSession, principal: Principal, ident: str | None) -> Hashable:
    from backend.core.errors import DomainError
    from backend.decisions.access import get_decision, is_staff

    decision_id = streams.numeric_ident(ident, example="decision:<编号>")
    try:
        decision = await get_decision(session, decision_id)
    except DomainError as exc:
        raise streams.StreamRefused(streams.StreamErrorCode.NOT_FOUND, "决策事项不存在") from exc
    return STAFF_VIEW if await is_staff(session, principal, decision) else PUBLIC_VIEW


Shown = Callable[[dict[str, Any]], dict[str, Any]]


def _as_recorded(p: dict[str, Any]) -> dict[str, Any]:
    return p


def _without(*keys: str) -> Shown:
    """The payload without `keys`, and without the person label read beside each of them
    (`authorName` beside `authorId`, filled in on every read: realtime.log PERSON_LABELS),
    so a view that may not see who gave an opinion does not get their name instead."""
    dropped = set(keys) | {PERSON_LABELS[k] for k in keys if k in PERSON_LABELS}

    def shown(p: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in p.items() if k not in dropped}

    return shown


E = DecisionEvent
PUBLIC: dict[EventKey[Any], Shown | None] = {
    E.DECISION_CREATED: _as_recorded,
    E.VERSION_ADDED: _as_recorded,
    E.STEP_STARTED: _as_recorded,
    E.STEP_COMPLETED: _as_recorded,
    E.STEP_PEOPLE_SET: _without("userIds"),
    E.DOCUMENT_ADDED: _as_recorded,
    E.COMMENT_PERIOD_PUBLISHED: _as_recorded,
    E.OPINION_RECEIVED: _without("authorId"),
    E.OPINION_ANSWERED: _without("authorId"),
    E.REPORT_GENERATED: _as_recorded,
    E.DECISION_DECIDED: _as_recorded,
    # a draft questionnaire is the lead unit's until published; no survey event names a
    # respondent (answers append no event: who answered when is nobody's to watch)
    E.SURVEY_DRAFTED: None,
    E.SURVEY_OPENED: _as_recorded,
    E.SURVEY_CLOSED: _as_recorded,
    E.SURVEY_REPORTED: _as_recorded,
    E.SESSION_LINKED: _without("recipientIds"),
    E.OPINION_MAP_CONCLUDED: _as_recorded,  # counts and groups only, never who voted what
    E.RECORD_SEALED: _as_recorded,
}
del E
if set(PUBLIC) != set(DecisionEvent):  # pragma: no cover - a new type, undecided
    raise TypeError(f"undecided views: {sorted(set(DecisionEvent) - set(PUBLIC))}")
_PUBLIC_BY_NAME: dict[str, Shown] = {t.value: f for t, f in PUBLIC.items() if f is not None}
_PUBLIC_BY_NAME[streams.RESYNC_TYPE] = _as_recorded


def project(event: LoggedEvent, view: Hashable, state: Any) -> LoggedEvent | None:
    """Staff get the event as recorded; the public the payload `PUBLIC` allows, no actor,
    and no hash when anything was left out."""
    if view == STAFF_VIEW:
        return event
    shown = _PUBLIC_BY_NAME.get(event.type)
    if shown is None:
        return None
    payload = shown(event.payload)
    if payload == event.payload and event.actor_user_id is None:
        return event
    return replace(event, payload=payload, actor_user_id=None, prev_hash="", hash="")


streams.register_kind(
    "decision",
    authorize=authorize,
    project=project,
    sees_chain=lambda view: view == STAFF_VIEW,
    events=DECISION_EVENTS,
)


R = ReviewEvent
REVIEW_PUBLIC: dict[EventKey[Any], Shown | None] = {
    R.DECISION_PUBLISHED: _as_recorded,
    R.INTERPRETATION_SUBMITTED: _as_recorded,
    R.INTERPRETATION_DUE_CHANGED: _as_recorded,
    R.EVALUATION_SUBMITTED: _without("authorId"),
    R.POST_EVALUATION_OPENED: _as_recorded,
}
del R
if set(REVIEW_PUBLIC) != set(ReviewEvent):  # pragma: no cover - a new type, undecided
    raise TypeError(f"undecided views: {sorted(set(ReviewEvent) - set(REVIEW_PUBLIC))}")
_REVIEW_BY_NAME: dict[str, Shown] = {t.value: f for t, f in REVIEW_PUBLIC.items() if f is not None}
_REVIEW_BY_NAME[streams.RESYNC_TYPE] = _as_recorded


def project_review(event: LoggedEvent, view: Hashable, state: Any) -> LoggedEvent | None:
    """As `project`, with the review stream's table."""
    if view == STAFF_VIEW:
        return event
    shown = _REVIEW_BY_NAME.get(event.type)
    if shown is None:
        return None
    payload = shown(event.payload)
    if payload == event.payload and event.actor_user_id is None:
        return event
    return replace(event, payload=payload, actor_user_id=None, prev_hash="", hash="")


async def authorize_review(
    session: AsyncSession, principal: Principal, ident: str | None
) -> Hashable:
    return await authorize(session, principal, ident)


streams.register_kind(
    "decisionreview",
    authorize=authorize_review,
    project=project_review,
    sees_chain=lambda view: view == STAFF_VIEW,
    events=REVIEW_EVENTS,
)


def answers_view(principal: Principal, ident: str | None) -> Hashable:
    """Only the person whose answers they are."""
    user_id = streams.numeric_ident(ident, example="opinionanswers:<用户编号>")
    if principal.user_id is None or principal.user_id != user_id:
        raise streams.StreamRefused(streams.StreamErrorCode.FORBIDDEN, "只能查看本人意见的答复")
    return OWNER_VIEW


streams.register_kind(
    "opinionanswers",
    view_of=answers_view,
    sees_chain=lambda view: True,
    events=ANSWER_EVENTS,
)
