"""The consultation record (协商记录) of a meeting as a JSON document, and the sealed content
whose digests the closing `record.sealed` event carries (`record.docx` renders it in Word).

The record is the hash chain of the meeting's events (stream ``meeting:<id>``) plus what
the meeting produced: agenda, attendance, poll and scoring results, comments (hidden ones
included, with the reason: moderation hides a comment from the audience, not from the
record), speaking requests and the minutes.

What it leaves out, deliberately: phone numbers and every other personal detail of the
participants (only the names of speakers are listed; counts for everyone else), and the
individual 测评票 (``scoring_ballots``) and who cast them (``scoring_receipts``) — only the
published results of a closed scoring sheet appear. Event payloads and what people wrote
(comments, minutes) are exported exactly as recorded, since altering them would make the
exported chain unverifiable.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.meetings.access import get_meeting
from backend.meetings.events import MeetingEvent
from backend.meetings.models import (
    AgendaItem,
    Comment,
    Material,
    Meeting,
    Participant,
    ParticipantRole,
    Poll,
    PollState,
    ScoringSheet,
    ScoringState,
    SpeakingRequest,
)
from backend.meetings.stream import stream_of
from backend.people.models import User
from backend.record.chain import export_record
from backend.record.seal import content_digests
from realtime.models import Event
from tenants.models import OrgUnit, Tenant, Venue

FORMAT = "yishi.consultation-record/1"
DEFAULT_TIMEZONE = "Asia/Shanghai"


# -- building the record -----------------------------------------------------------------


def _iso(value: datetime | None) -> str | None:
    # UTC, so the same instant always reads the same (the sealed content digests rely on it).
    return value.astimezone(UTC).isoformat() if value is not None else None


async def _names(session: AsyncSession, user_ids: set[int]) -> dict[int, str]:
    """Display names only (never phone numbers) of the given users of this county."""
    if not user_ids:
        return {}
    rows = await session.execute(select(User.id, User.display_name).where(User.id.in_(user_ids)))
    return {uid: name for uid, name in rows.all()}


async def _unit_names(session: AsyncSession, unit_ids: set[int]) -> dict[int, str]:
    if not unit_ids:
        return {}
    rows = await session.execute(select(OrgUnit.id, OrgUnit.name).where(OrgUnit.id.in_(unit_ids)))
    return {uid: name for uid, name in rows.all()}


async def build_record(session: AsyncSession, meeting_id: int) -> dict[str, Any]:
    """The consultation record of a meeting of the session's county, as JSON-ready data.

    Reads through the caller's tenant-scoped session, so row-level security applies: a
    meeting of another county is not found (``DomainError`` NOT_FOUND). Guarantees: the
    result is JSON-serialisable (``orjson``/``json`` without custom encoders); it holds
    no phone number, no individual 测评票 and no link between a person and a ballot;
    hidden comments keep their text and hiding reason; ``events`` are exactly the events
    that ``chain`` verified (the chain is verified first and the events read up to its
    last verified sequence, so appends during the export do not make the two disagree).
    ``seal`` is the county's signed, timestamped seal (``backend.record.seal``); ``chain``
    says whether every section still matches the digests sealed in the chain
    (``content_matches``, ``content_differs``). With the county's public key, the record
    verifies on its own (``backend.record.seal.verify_export``, ``yishi record
    verify-export``). For one consistent snapshot of the other sections as well, run it in a
    REPEATABLE READ transaction — or export after the record is sealed.
    """
    meeting: Meeting = await get_meeting(session, meeting_id)
    return await export_record(
        session,
        format=FORMAT,
        tenant_id=meeting.tenant_id,
        stream=stream_of(meeting.id),
        sections=lambda: record_sections(session, meeting),
        row=meeting,
    )


async def sealed_content(session: AsyncSession, meeting: Meeting) -> dict[str, Any]:
    """The digests of the record's sections now (for the `record.sealed` payload): what
    `build_record` will show later must hash the same, or verification names the section."""
    await session.flush()
    return content_digests(await record_sections(session, meeting))


async def record_sections(session: AsyncSession, meeting: Meeting) -> dict[str, Any]:
    """Every section of the record besides the events and the chain, read from the
    database as it is now (objects of the session are refreshed from their rows)."""
    fresh = {"populate_existing": True}
    meeting = (
        await session.scalars(
            select(Meeting).where(Meeting.id == meeting.id).execution_options(**fresh)
        )
    ).one()
    tenant = await session.get(Tenant, meeting.tenant_id)
    venue = await session.get(Venue, meeting.venue_id) if meeting.venue_id is not None else None

    agenda = (
        await session.scalars(
            select(AgendaItem)
            .where(AgendaItem.meeting_id == meeting.id)
            .order_by(AgendaItem.position, AgendaItem.id)
            .execution_options(**fresh)
        )
    ).all()
    participants = (
        await session.scalars(
            select(Participant)
            .where(Participant.meeting_id == meeting.id)
            .order_by(Participant.id)
            .execution_options(**fresh)
        )
    ).all()
    polls = (
        await session.scalars(
            select(Poll)
            .where(Poll.meeting_id == meeting.id)
            .order_by(Poll.id)
            .execution_options(**fresh)
        )
    ).all()
    sheets = (
        await session.scalars(
            select(ScoringSheet)
            .where(ScoringSheet.meeting_id == meeting.id)
            .order_by(ScoringSheet.id)
            .execution_options(**fresh)
        )
    ).all()
    comments = (
        await session.scalars(
            select(Comment)
            .where(Comment.meeting_id == meeting.id)
            .order_by(Comment.id)
            .execution_options(**fresh)
        )
    ).all()
    requests = (
        await session.scalars(
            select(SpeakingRequest)
            .where(SpeakingRequest.meeting_id == meeting.id)
            .order_by(SpeakingRequest.id)
            .execution_options(**fresh)
        )
    ).all()
    materials = (
        await session.scalars(
            select(Material)
            .where(Material.meeting_id == meeting.id)
            .order_by(Material.id)
            .execution_options(**fresh)
        )
    ).all()

    speaker_ids = {p.user_id for p in participants if p.role is ParticipantRole.SPEAKER}
    named_ids = (
        speaker_ids
        | {a.speaker_user_id for a in agenda if a.speaker_user_id is not None}
        | {c.author_user_id for c in comments}
        | {r.user_id for r in requests}
    )
    names = await _names(session, named_ids)
    units = await _unit_names(
        session,
        {meeting.host_unit_id}
        | {a.speaker_unit_id for a in agenda if a.speaker_unit_id is not None}
        | {c.handed_over_unit_id for c in comments if c.handed_over_unit_id is not None},
    )

    by_role: dict[str, dict[str, int]] = {
        role.value: {"registered": 0, "checked_in": 0} for role in ParticipantRole
    }
    by_mode: dict[str, int] = {}
    for p in participants:
        by_role[p.role.value]["registered"] += 1
        if p.checked_in_at is not None:
            by_role[p.role.value]["checked_in"] += 1
            mode = p.check_in_mode or "UNKNOWN"
            by_mode[mode] = by_mode.get(mode, 0) + 1

    minutes_updated_at = await session.scalar(
        select(Event.created_at)
        .where(
            Event.stream == stream_of(meeting.id), Event.type == MeetingEvent.MINUTES_UPDATED.value
        )
        .order_by(Event.seq.desc())
        .limit(1)
    )
    return {
        "county": {
            "id": meeting.tenant_id,
            "name": tenant.name if tenant is not None else None,
            "timezone": tenant.timezone if tenant is not None else DEFAULT_TIMEZONE,
        },
        "meeting": {
            "id": meeting.id,
            "title": meeting.title,
            "kind": meeting.kind.value,
            "mode": meeting.mode.value,
            "state": meeting.state.value,
            "description": meeting.description,
            "starts_at": _iso(meeting.starts_at),
            "ends_at": _iso(meeting.ends_at),
            "capacity": meeting.capacity,
            "created_at": _iso(meeting.created_at),
            "created_by": meeting.created_by,
            "host_unit": {"id": meeting.host_unit_id, "name": units.get(meeting.host_unit_id)},
            "venue": (
                {"id": venue.id, "name": venue.name, "address": venue.address}
                if venue is not None
                else None
            ),
        },
        "agenda": [
            {
                "id": a.id,
                "position": a.position,
                "title": a.title,
                "speaker_user_id": a.speaker_user_id,
                "speaker_name": a.speaker_name
                or (names.get(a.speaker_user_id) if a.speaker_user_id is not None else None),
                "speaker_unit": (
                    {"id": a.speaker_unit_id, "name": units.get(a.speaker_unit_id)}
                    if a.speaker_unit_id is not None
                    else None
                ),
                "duration_seconds": a.duration_seconds,
                "timer_status": a.timer_status.value,
            }
            for a in agenda
        ],
        "attendance": {
            "registered": len(participants),
            "checked_in": sum(1 for p in participants if p.checked_in_at is not None),
            "invited": sum(1 for p in participants if p.invited),
            "by_role": by_role,
            "by_check_in_mode": by_mode,
            "speakers": [{"user_id": uid, "name": names.get(uid)} for uid in sorted(speaker_ids)],
        },
        "materials": [
            {"id": m.id, "title": m.title, "url": m.url, "distributed_at": _iso(m.distributed_at)}
            for m in materials
        ],
        "polls": [
            {
                "id": p.id,
                "question": p.question,
                "kind": p.kind.value,
                "eligibility": p.eligibility.value,
                "state": p.state.value,
                "final": p.state is PollState.CLOSED,
                "options": list(p.options),
                "counts": list(p.counts),
                "total_votes": p.total_votes,
                "opened_at": _iso(p.opened_at),
                "closed_at": _iso(p.closed_at),
            }
            for p in polls
        ],
        "scoring": [
            {
                "id": s.id,
                "title": s.title,
                "scale": s.scale.value,
                "eligibility": s.eligibility.value,
                "targets": list(s.targets),
                "state": s.state.value,
                "published": s.state is ScoringState.CLOSED and s.results is not None,
                # Only the published tally of a closed sheet; never a ballot.
                "results": s.results if s.state is ScoringState.CLOSED else None,
                "closed_at": _iso(s.closed_at),
            }
            for s in sheets
        ],
        "comments": [
            {
                "id": c.id,
                "kind": c.kind.value,
                "parent_id": c.parent_id,
                "author_user_id": c.author_user_id,
                "author_name": names.get(c.author_user_id),
                "body": c.body,
                "created_at": _iso(c.created_at),
                "hidden": c.hidden_at is not None,
                "hidden_at": _iso(c.hidden_at),
                "hidden_reason": c.hidden_reason,
                "hidden_by": c.hidden_by,
                "answered_live_at": _iso(c.answered_live_at),
                "handed_over_unit": (
                    {"id": c.handed_over_unit_id, "name": units.get(c.handed_over_unit_id)}
                    if c.handed_over_unit_id is not None
                    else None
                ),
                "handed_over_at": _iso(c.handed_over_at),
            }
            for c in comments
        ],
        "speaking_requests": [
            {
                "id": r.id,
                "user_id": r.user_id,
                "name": names.get(r.user_id),
                "state": r.state.value,
                "topic": r.topic,
                "created_at": _iso(r.created_at),
            }
            for r in requests
        ],
        "minutes": {
            "text": meeting.minutes,
            "updated_at": _iso(minutes_updated_at),
        },
    }


#: The record builders by stream kind, for `backend.record.verify.verify_record`.
RECORD_BUILDERS = {"meeting": build_record}
