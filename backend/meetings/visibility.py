"""What each viewer of a meeting's stream (`meeting:<id>`) may see (可见范围).

Three views, decided once when a viewer asks (`authorize`) and used by every read path
(the log query, the `events` and `meetingLive` subscriptions and their replays, the
record export for viewers who do not host):

- HOST: county admins, staff of the host unit (or above it), the meeting's HOSTs. Every
  event as recorded (except votes and ballots, which only the full record holds).
- PARTICIPANT: a person invited to or registered for the meeting. What the public sees,
  plus the display names of those who speak in the room (comment authors, the speaking
  queue): they hear them anyway.
- PUBLIC: anyone else of the county, signed in or not (X-Tenant only). No personal data:
  no user id, no name of a participant, no actor of an event; participant changes are
  counts by role; a hidden comment shows neither its text nor the reason, in any replay
  made after it was hidden.

Every type of `MeetingEvent` has an entry in `OUTSIDE_HOST`: what a participant and the
public see of it, or None (hosts only); a type missing there is an import error, so a new
type cannot reach a path before someone decided who sees what of it.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.core.security import Principal
from backend.meetings.events import MEETING_EVENTS, MeetingEvent
from backend.meetings.models import Comment, Meeting, MeetingState, Participant, ParticipantRole
from realtime import streams
from realtime.event_types import EventKey
from realtime.log import LoggedEvent
from tenants.models import OrgUnit

HOST_VIEW = "host"
PARTICIPANT_VIEW = "participant"
PUBLIC_VIEW = "public"
VIEWS = (HOST_VIEW, PARTICIPANT_VIEW, PUBLIC_VIEW)
# In the record only; tallies go live instead.
RECORD_ONLY: frozenset[str] = frozenset({MeetingEvent.VOTE_CAST, MeetingEvent.SCORE_CAST})


@dataclass(slots=True)
class MeetingStreamState:
    """What later events changed about earlier ones: the comments hidden so far."""

    hidden_comments: set[int] = field(default_factory=set)


async def authorize(session: AsyncSession, principal: Principal, ident: str | None) -> Hashable:
    """The caller's view of `meeting:<ident>`; NOT_FOUND alike for a meeting of another
    county (row-level security hides it) and one that does not exist."""
    meeting_id = streams.numeric_ident(ident, example="meeting:<编号>")
    view = (await views_of(session, principal, [meeting_id])).get(meeting_id)
    if view is None:
        raise streams.StreamRefused(streams.StreamErrorCode.NOT_FOUND, "会议不存在")
    return view


async def views_of(
    session: AsyncSession, principal: Principal, meeting_ids: Sequence[int]
) -> dict[int, Hashable]:
    """The caller's view of each meeting of this county among `meeting_ids` (absent: not
    found), in one query: a crowd joining a meeting, or a page of meetings, comes here."""
    from backend.meetings import access

    rows = (
        await session.execute(
            select(Meeting.id, OrgUnit.path, Participant.role, Meeting.state)
            .select_from(Meeting)
            .join(OrgUnit, OrgUnit.id == Meeting.host_unit_id)
            .outerjoin(
                Participant,
                (Participant.meeting_id == Meeting.id)
                & (Participant.user_id == (principal.user_id or 0)),
            )
            .where(Meeting.id.in_(list(meeting_ids)))
        )
    ).all()
    views: dict[int, Hashable] = {}
    for meeting_id, path, role, state in rows:
        if principal.user_id is None:
            view: Hashable = PUBLIC_VIEW
        elif access.hosts_by_role(principal, path) or role is ParticipantRole.HOST:
            view = HOST_VIEW
        else:
            view = PARTICIPANT_VIEW if role is not None else PUBLIC_VIEW
        if state is MeetingState.DRAFT and view is not HOST_VIEW and role is None:
            continue  # a draft is not public (`access.visible_to`): as if it did not exist
        views[meeting_id] = view
    return views


async def view_of(session: AsyncSession, principal: Principal, meeting_id: int) -> Hashable:
    """The caller's view of a meeting (for reads other than the stream, e.g. the export)."""
    return await authorize(session, principal, str(meeting_id))


async def load_state(session: AsyncSession, ident: str | None) -> MeetingStreamState:
    meeting_id = streams.numeric_ident(ident, example="meeting:<编号>")
    hidden = await session.scalars(
        select(Comment.id).where(Comment.meeting_id == meeting_id, Comment.hidden_at.is_not(None))
    )
    return MeetingStreamState(hidden_comments=set(hidden.all()))


def observe(state: MeetingStreamState, event: LoggedEvent) -> bool:
    if event.type == MeetingEvent.COMMENT_HIDDEN:
        comment_id = event.payload.get("id")
        if isinstance(comment_id, int) and comment_id not in state.hidden_comments:
            state.hidden_comments.add(comment_id)
            return True
    return False


# -- per event type: the payload outside the host view ------------------------------------

Shown = Callable[[dict[str, Any], Hashable, MeetingStreamState], dict[str, Any] | None]


def _as_recorded(p: dict[str, Any], view: Hashable, state: MeetingStreamState) -> dict[str, Any]:
    return p


def _only(*keys: str) -> Shown:
    def shown(p: dict[str, Any], view: Hashable, state: MeetingStreamState) -> dict[str, Any]:
        return {k: p[k] for k in keys if k in p}

    return shown


def _participants(p: dict[str, Any], view: Hashable, state: MeetingStreamState) -> dict[str, Any]:
    people = p.get("participants") or [p]
    return {
        "participants": [
            {k: person[k] for k in ("role", "mode") if k in person} for person in people
        ]
    }


def _comment_posted(p: dict[str, Any], view: Hashable, state: MeetingStreamState) -> dict[str, Any]:
    hidden = bool(p.get("hidden")) or p.get("id") in state.hidden_comments
    out = {
        k: p.get(k) for k in ("id", "kind", "parentId", "at", "answeredLive", "handedOverUnitId")
    }
    out["hidden"] = hidden
    out["body"] = None if hidden else p.get("body")
    if view == PARTICIPANT_VIEW and not hidden:
        out["authorName"] = p.get("authorName")
    return out


def _queue(p: dict[str, Any], view: Hashable, state: MeetingStreamState) -> dict[str, Any]:
    keys = ("id", "state", "topic") + (("name",) if view == PARTICIPANT_VIEW else ())
    return {
        "queue": [{k: q.get(k) for k in keys} for q in p.get("queue") or []],
        "change": p.get("change"),
        "requestId": p.get("requestId"),
    }


_MEETING_FIELDS = (
    "id", "title", "kind", "mode", "state", "startsAt", "endsAt", "venueId", "hostUnitId",
    "capacity", "requiredVerification",
)  # fmt: skip
E = MeetingEvent
#: What a viewer outside the host view (participant, public) sees of each type: the payload
#: reduced, or None (hosts only). Every type is decided (checked below, at import).
OUTSIDE_HOST: dict[EventKey[Any], Shown | None] = {
    E.MEETING_CREATED: _only(*_MEETING_FIELDS),
    E.MEETING_STATE_CHANGED: _as_recorded,
    E.MEETING_VERIFICATION_CHANGED: _as_recorded,  # a public condition of taking part
    E.PARTICIPANT_INVITED: _participants,
    E.PARTICIPANT_REGISTERED: _participants,
    E.PARTICIPANT_CHECKED_IN: _participants,
    E.MATERIAL_ADDED: _as_recorded,
    E.AGENDA_ITEM_ADDED: _as_recorded,  # the speaker of an item is named in the agenda
    E.TIMER_START: _as_recorded,
    E.TIMER_PAUSE: _as_recorded,
    E.TIMER_RESUME: _as_recorded,
    E.TIMER_STOP: _as_recorded,
    E.TIMER_ONE_MINUTE_LEFT: _as_recorded,
    E.TIMER_TIME_UP: _as_recorded,
    E.POLL_CREATED: _as_recorded,
    E.POLL_OPENED: _as_recorded,
    E.POLL_CLOSED: _as_recorded,
    E.VOTE_CAST: None,  # record only
    E.POLL_TALLY: _as_recorded,
    E.SCORING_OPENED: _as_recorded,
    E.SCORING_CLOSED: _as_recorded,
    E.SCORING_COUNTED: _as_recorded,  # a mixing batch: how many ballots, never whose
    E.SCORING_TURNOUT: None,  # hosts follow who is pending (`ScoringSheet.turnout`)
    E.SCORE_CAST: None,  # record only
    E.COMMENT_POSTED: _comment_posted,
    E.COMMENT_HIDDEN: _only("id"),
    E.COMMENT_APPROVED: _only("id"),
    E.COMMENT_ANSWERED_LIVE: _only("id"),
    E.COMMENT_HANDED_OVER: _only("id", "unitId", "unitName", "caseId"),
    E.QUEUE_CHANGED: _queue,
    E.MINUTES_UPDATED: _only("length", "sha256"),
    E.VIDEO_RECORDING_STARTED: _as_recorded,
    E.VIDEO_RECORDING_STOPPED: _as_recorded,
    E.OPINION_MAP_CONCLUDED: _as_recorded,
    E.RECORD_SEALED: _as_recorded,
}
del E
if set(OUTSIDE_HOST) != set(MeetingEvent):  # pragma: no cover - a new type, undecided
    raise TypeError(f"undecided views: {sorted(set(MeetingEvent) - set(OUTSIDE_HOST))}")
_PUBLIC: dict[str, Shown] = {t.value: f for t, f in OUTSIDE_HOST.items() if f is not None}
_PUBLIC[streams.RESYNC_TYPE] = _as_recorded  # sent by realtime.ws itself, to every view
SHOWN_TYPES = frozenset(_PUBLIC)  # every type a viewer outside the host view may get


def project(event: LoggedEvent, view: Hashable, state: Any) -> LoggedEvent | None:
    """The event as `view` may see it, or None. Hosts get it as recorded; anyone else
    gets the payload `_PUBLIC` allows and no actor, and no hash when anything was left
    out. Any view other than HOST and PARTICIPANT is treated as PUBLIC."""
    if event.type in RECORD_ONLY:
        return None
    if view == HOST_VIEW:
        return event
    shown = _PUBLIC.get(event.type)
    if shown is None:
        return None
    payload = shown(event.payload, view, state or MeetingStreamState())
    if payload is None:
        return None
    if payload == event.payload and event.actor_user_id is None:
        return event
    # Reduced: the recorded hash would let anyone test guesses of what was left out (a
    # user id, a name from the county's roster), so it goes too.
    return replace(event, payload=payload, actor_user_id=None, prev_hash="", hash="")


streams.register_kind(
    "meeting",
    authorize=authorize,
    project=project,
    load_state=load_state,
    observe=observe,
    record_only=RECORD_ONLY,
    sees_chain=lambda view: view == HOST_VIEW,
    events=MEETING_EVENTS,
)


# -- the record export, for viewers who do not host -----------------------------------------


def record_for(record: dict[str, Any], view: Hashable) -> dict[str, Any]:
    """The exported record (`record.build.build_record`) as `view` may see it: hosts get it
    whole; anyone else (the record is readable by the county once published) gets the
    events through `project` and the other sections without user ids, hidden text, hiding
    reasons or the names of people other than the agenda's speakers (and, for
    participants, those who spoke in the room). Chain figures stay (count, head and
    sealed hash); where a broken chain breaks is for hosts. A reduced event has
    no hash (as in `project`): the full, verifiable record is the host's export."""
    if view == HOST_VIEW:
        return record
    participant = view == PARTICIPANT_VIEW
    state = MeetingStreamState(
        hidden_comments={c["id"] for c in record.get("comments") or [] if c.get("hidden")}
    )
    out = dict(record)
    out["meeting"] = {k: v for k, v in (record.get("meeting") or {}).items() if k != "created_by"}
    out["agenda"] = [
        {k: v for k, v in a.items() if k != "speaker_user_id"} for a in record.get("agenda") or []
    ]
    attendance = dict(record.get("attendance") or {})
    attendance["speakers"] = [{"name": s.get("name")} for s in attendance.get("speakers") or []]
    out["attendance"] = attendance
    out["comments"] = [
        {
            **{
                k: v
                for k, v in c.items()
                if k not in ("author_user_id", "author_name", "hidden_reason", "hidden_by")
            },
            "body": None if c.get("hidden") else c.get("body"),
            # The .docx prints the reason of a hidden comment; say that it is not public.
            "hidden_reason": "不公开" if c.get("hidden") else None,
            "author_name": c.get("author_name") if participant and not c.get("hidden") else None,
        }
        for c in record.get("comments") or []
    ]
    out["speaking_requests"] = [
        {
            **{k: v for k, v in r.items() if k not in ("user_id", "name")},
            "name": r.get("name") if participant else None,
        }
        for r in record.get("speaking_requests") or []
    ]
    events = []
    for e in record.get("events") or []:
        shown = _PUBLIC.get(e.get("type")) if e.get("type") not in RECORD_ONLY else None
        if shown is None:
            continue
        payload = shown(e.get("payload") or {}, view, state)
        if payload is None:
            continue
        if payload == e.get("payload") and e.get("actor_user_id") is None:
            events.append(e)
        else:
            events.append(
                {**e, "payload": payload, "actor_user_id": None, "prev_hash": "", "hash": ""}
            )
    out["events"] = events
    chain = dict(record.get("chain") or {})
    chain["first_broken_seq"] = None
    chain["reason"] = None
    out["chain"] = chain
    return out
