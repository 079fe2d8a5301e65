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
from backend.record.chain import export_record, seal_head
from backend.record.seal import Sealer, content_digests
from realtime import log as events
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


async def build_record(session: AsyncSession, decision_id: int) -> dict[str, Any]:
    """The decision's record as JSON-ready data (see the meetings record for the
    guarantees: the events are exactly those the chain check verified; `chain` says
    whether every section still matches the digests sealed in the chain)."""
    decision = await get_decision(session, decision_id)
    return await export_record(
        session,
        format=FORMAT,
        tenant_id=decision.tenant_id,
        stream=stream_of(decision.id),
        sections=lambda: record_sections(session, decision),
        row=decision,
    )


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
    await seal_head(session, head=head, sealed=sealed, sealer=sealer)
    decision.sealed_hash = sealed.hash
    decision.sealed_at = sealed.created_at
    await session.flush()
    return decision


#: The record builders by stream kind, for `backend.record.verify.verify_record`.
RECORD_BUILDERS = {"decision": build_record}
