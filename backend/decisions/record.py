"""The decision's record (决策记录): the hash chain of `decision:<id>` plus what the decision
produced (versions and paragraphs, steps, documents, comment periods, opinions with their
answers, participation reports), sealed and signed as a meeting's record is
(`backend.record.seal`, docs/meetings.md "The consultation record"): `seal_record`
appends `record.sealed` carrying the digests of every section, seals the stream and has
the county sign and timestamp it; `build_record` exports it (JSON), and
`backend.record.verify.verify_record` checks it through `RECORD_BUILDERS`."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.core.errors import DomainError
from backend.core.security import Principal
from backend.decisions.access import get_decision, require_runner
from backend.decisions.errors import DecisionErrorCode as Code
from backend.decisions.events import DecisionEvent, DecisionRecordSealed
from backend.decisions.models import (
    CommentPeriod,
    Decision,
    DecisionDocument,
    DecisionParagraph,
    DecisionState,
    DecisionStepRow,
    DecisionVersion,
    Opinion,
    ParticipationReport,
)
from backend.decisions.stream import append_event, stream_of
from backend.record import sm2
from backend.record.seal import Sealer, content_differences, content_digests, verify_seal
from realtime import log as events
from realtime.log import SEALED_TYPE, LoggedEvent, head_of, read_after, verify_stream
from tenants.models import Tenant

FORMAT = "yishi.decision-record/1"


def _iso(value: datetime | None) -> str | None:
    return value.astimezone(UTC).isoformat() if value is not None else None


async def record_sections(session: AsyncSession, decision: Decision) -> dict[str, Any]:
    """Every section besides the events and the chain, read from the rows as they are."""
    fresh = {"populate_existing": True}

    async def rows(model: Any, order: Any) -> list[Any]:
        return list(
            (
                await session.scalars(
                    select(model)
                    .where(model.decision_id == decision.id)
                    .order_by(*order)
                    .execution_options(**fresh)
                )
            ).all()
        )

    d = (
        await session.scalars(
            select(Decision).where(Decision.id == decision.id).execution_options(**fresh)
        )
    ).one()
    tenant = await session.get(Tenant, d.tenant_id)
    versions = await rows(DecisionVersion, (DecisionVersion.number,))
    paragraphs = await rows(
        DecisionParagraph,
        (DecisionParagraph.version_id, DecisionParagraph.alternative, DecisionParagraph.position),
    )
    steps = await rows(DecisionStepRow, (DecisionStepRow.id,))
    documents = await rows(DecisionDocument, (DecisionDocument.id,))
    periods = await rows(CommentPeriod, (CommentPeriod.id,))
    opinions = await rows(Opinion, (Opinion.id,))
    reports = await rows(ParticipationReport, (ParticipationReport.id,))
    extra = await _surveys_and_sessions(session, d)
    return {
        "county": {"id": d.tenant_id, "name": tenant.name if tenant else None},
        "decision": {
            "id": d.id,
            "title": d.title,
            "summary": d.summary,
            "lead_unit_id": d.lead_unit_id,
            "co_unit_ids": list(d.co_unit_ids),
            "compare_alternatives": d.compare_alternatives,
            "created_at": _iso(d.created_at),
            "decided_at": _iso(d.decided_at),
        },
        "versions": [
            {
                "id": v.id,
                "number": v.number,
                "note": v.note,
                "alternatives": list(v.alternatives),
                "paragraphs": [
                    {
                        "id": p.id,
                        "alternative": p.alternative,
                        "position": p.position,
                        "label": p.label,
                        "body": p.body,
                    }
                    for p in paragraphs
                    if p.version_id == v.id
                ],
            }
            for v in versions
        ],
        "steps": [
            {
                "step": s.step.value,
                "responsible_user_ids": list(s.responsible_user_ids),
                "started_at": _iso(s.started_at),
                "completed_at": _iso(s.completed_at),
                "note": s.note,
            }
            for s in steps
        ],
        "documents": [
            {
                "id": doc.id,
                "step": doc.step.value,
                "title": doc.name,
                "sha256": doc.sha256,
                "size": doc.size,
                "storage": doc.storage,
            }
            for doc in documents
        ],
        "comment_periods": [
            {
                "id": p.id,
                "version_id": p.version_id,
                "opens_on": p.opens_on.isoformat(),
                "closes_on": p.closes_on.isoformat(),
                "basis": p.basis,
                "reasons": p.reasons,
                "how_to_comment": p.how_to_comment,
                "shortening_reason": p.shortening_reason,
                "rule": p.rule_cited,
            }
            for p in periods
        ],
        "opinions": [
            {
                "id": o.id,
                "channel": o.channel.value,
                "category": o.category,
                "body": o.body,
                "author_user_id": o.author_user_id,
                "source_unit_id": o.source_unit_id,
                "meeting_id": o.meeting_id,
                "version_id": o.version_id,
                "paragraph_id": o.paragraph_id,
                "current_paragraph_id": o.current_paragraph_id,
                "anchor_state": o.anchor_state.value,
                "outcome": o.outcome.value if o.outcome else None,
                "answer": o.answer,
                "answered_at": _iso(o.answered_at),
            }
            for o in opinions
        ],
        "participation_reports": [
            {"id": r.id, "sha256": r.sha256, "opinions": r.opinions, "content": r.content}
            for r in reports
        ],
        **extra,
    }


async def _surveys_and_sessions(session: AsyncSession, decision: Decision) -> dict[str, Any]:
    """The 民意调查 (their results as counts, never who answered) and the 座谈 sessions with
    their materials record: sections present only for a decision that has them, so that
    records sealed before they existed still verify."""
    from backend.decisions.sessions import sessions_of
    from backend.decisions.surveys import result_content, results, surveys_of

    out: dict[str, Any] = {}
    published = await surveys_of(session, decision.id, drafts=False)
    if published:
        out["surveys"] = [
            {
                **result_content(s, await results(session, s)),
                "reported_at": _iso(s.reported_at),
                "closed_at": _iso(s.closed_at),
            }
            for s in published
        ]
    linked = await sessions_of(session, decision.id)
    if linked:
        out["sessions"] = [
            {
                "id": x.id,
                "meeting_id": x.meeting_id,
                "version_id": x.version_id,
                "explanation": x.explanation,
                "materials_sent_at": _iso(x.materials_sent_at),
                "recipients": list(x.recipients),
                "rule": x.rule_cited,
            }
            for x in linked
        ]
    return out


def _event_dict(e: LoggedEvent) -> dict[str, Any]:
    return {
        "seq": e.seq,
        "type": e.type,
        "at": e.created_at.isoformat(),
        "actor_user_id": e.actor_user_id,
        "payload": e.payload,
        "prev_hash": e.prev_hash,
        "hash": e.hash,
    }


async def _events(session: AsyncSession, stream: str, until: int | None) -> list[LoggedEvent]:
    out: list[LoggedEvent] = []
    while True:
        after = out[-1].seq if out else 0
        batch = await read_after(session, stream=stream, after=after, limit=5000, until=until)
        if not batch:
            return out
        out.extend(batch)


async def build_record(session: AsyncSession, decision_id: int) -> dict[str, Any]:
    """The decision's record as JSON-ready data (see the meetings record for the
    guarantees: the events are exactly those the chain check verified; `chain` says
    whether every section still matches the digests sealed in the chain)."""
    decision = await get_decision(session, decision_id)
    stream = stream_of(decision.id)
    head = await head_of(session, stream=stream)
    verification = await verify_stream(session, stream=stream)
    logged = await _events(session, stream, verification.events if verification.valid else None)
    record: dict[str, Any] = {
        "format": FORMAT,
        "generated_at": datetime.now(UTC).isoformat(),
        **await record_sections(session, decision),
        "events": [_event_dict(e) for e in logged],
    }
    seal = head.seal if head is not None else None
    sealed_event = logged[-1] if logged and logged[-1].type == SEALED_TYPE else None
    differs: list[str] | None = None
    if sealed_event is not None and "content" in sealed_event.payload:
        differs = content_differences(record, sealed_event.payload["content"])
    embedded_key = None
    if seal and seal.get("public_key"):
        try:
            embedded_key = sm2.PublicKey.from_pem(seal["public_key"])
        except ValueError:
            embedded_key = None
    seal_check = (
        verify_seal(
            seal,
            tenant_id=decision.tenant_id,
            stream=stream,
            seq=verification.events,
            head_hash=verification.head_hash,
            hash_version=verification.hash_version,
            public_key=embedded_key,
        )
        if seal is not None and verification.valid
        else None
    )
    record["chain"] = {
        "stream": stream,
        "hash_version": verification.hash_version,
        "valid": verification.valid,
        "events": verification.events,
        "head_hash": verification.head_hash,
        "first_broken_seq": verification.first_broken_seq,
        "reason": verification.reason,
        "sealed_hash": decision.sealed_hash,
        "sealed_at": _iso(decision.sealed_at),
        "sealed_hash_matches": (
            decision.sealed_hash == verification.head_hash
            if decision.sealed_hash is not None
            else None
        ),
        "content_matches": (not differs) if differs is not None else None,
        "content_differs": differs or [],
        "seal_problems": seal_check.problems if seal_check is not None else [],
    }
    record["seal"] = seal
    return record


async def seal_record(
    session: AsyncSession,
    principal: Principal,
    *,
    decision_id: int,
    sealer: Sealer | None = None,
) -> Decision:
    """Seal a decided decision's record: nothing can be appended afterwards."""
    decision = await get_decision(session, decision_id, lock=True)
    await require_runner(session, principal, decision)
    if decision.state is not DecisionState.DECIDED:
        raise DomainError(Code.INVALID_STATE, "集体讨论决定后才能封存决策记录", field="decisionId")
    if decision.sealed_hash is not None:
        raise DomainError(Code.RECORD_SEALED, "决策记录已封存", field="decisionId")
    head = await events.lock_head(
        session, tenant_id=decision.tenant_id, stream=stream_of(decision.id)
    )
    await session.flush()
    content = content_digests(await record_sections(session, decision))
    sealed = await append_event(
        session,
        principal,
        decision,
        DecisionEvent.RECORD_SEALED,
        DecisionRecordSealed(events=head.last_seq + 1, content=content),
    )
    await events.seal(session, head, sealed.created_at)
    tenant = await session.get(Tenant, decision.tenant_id)
    seal = await (sealer or Sealer(None)).seal(
        tenant_id=decision.tenant_id,
        county_slug=tenant.slug if tenant is not None else str(decision.tenant_id),
        stream=head.stream,
        seq=sealed.seq,
        head_hash=sealed.hash,
        hash_version=head.hash_version,
        sealed_at=sealed.created_at,
    )
    await events.store_seal(session, head, seal)
    decision.sealed_hash = sealed.hash
    decision.sealed_at = sealed.created_at
    await session.flush()
    return decision


#: The record builders by stream kind, for `backend.record.verify.verify_record`.
RECORD_BUILDERS = {"decision": build_record}
