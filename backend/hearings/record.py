"""A hearing's record (听证记录): its stream `hearing:<id>` sealed as a meeting's is — the
final `record.sealed` event carries the digests of every section of the record, the county
signs (SM2) and timestamps (RFC 3161) the seal (`backend.record.seal`) — and the record
rebuilt from the rows, which `verifyStream` and `yishi record verify` check against the
sealed digests (`RECORD_BUILDERS`).

Sections: `county`, `hearing` (notice, quotas, algorithm, pool hash, seed), `witnesses`
(commitments and reveals), `pool` (pool ids, categories, outcomes; no person),
`publication` (the published draw, verbatim), `transcript` (text, version, hash),
`confirmations` (pool id, version, hash) and `report` (conclusion, views).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.core.security import Principal
from backend.hearings.access import (
    get_hearing,
    require_organiser,
    require_record_access,
    require_state,
)
from backend.hearings.events import HearingEvent, RecordSealed
from backend.hearings.models import (
    Hearing,
    HearingApplication,
    HearingState,
    HearingView,
    HearingWitness,
    TranscriptConfirmation,
)
from backend.hearings.stream import append_event, stream_of
from backend.record.chain import export_record, seal_head
from backend.record.seal import Sealer, content_digests
from realtime import log as events
from tenants.models import Tenant

FORMAT = "yishi.hearing-record/1"


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


async def record_sections(session: AsyncSession, hearing_id: int) -> dict[str, Any]:
    """Every section besides the events and the chain, read from the rows as they are."""
    fresh = {"populate_existing": True}
    h = (
        await session.scalars(
            select(Hearing).where(Hearing.id == hearing_id).execution_options(**fresh)
        )
    ).one()
    tenant = await session.get(Tenant, h.tenant_id)
    witnesses = (
        await session.scalars(
            select(HearingWitness)
            .where(HearingWitness.hearing_id == h.id)
            .order_by(HearingWitness.position)
            .execution_options(**fresh)
        )
    ).all()
    applications = (
        await session.scalars(
            select(HearingApplication)
            .where(HearingApplication.hearing_id == h.id)
            .order_by(HearingApplication.pseudonym)
            .execution_options(**fresh)
        )
    ).all()
    pseudonyms = {a.user_id: a.pseudonym for a in applications}
    confirmations = (
        await session.scalars(
            select(TranscriptConfirmation)
            .where(TranscriptConfirmation.hearing_id == h.id)
            .order_by(TranscriptConfirmation.id)
            .execution_options(**fresh)
        )
    ).all()
    views = (
        await session.scalars(
            select(HearingView)
            .where(HearingView.hearing_id == h.id)
            .order_by(HearingView.position)
            .execution_options(**fresh)
        )
    ).all()
    return {
        "county": {
            "id": h.tenant_id,
            "name": tenant.name if tenant else None,
            "timezone": tenant.timezone if tenant else None,
        },
        "hearing": {
            "hearing": h.id,
            "kind": h.kind.value,
            "decision_id": h.decision_id,
            "host_unit_id": h.host_unit_id,
            "title": h.title,
            "matter": h.matter,
            "place": h.place,
            "starts_at": _iso(h.starts_at),
            "how_to_apply": h.how_to_apply,
            "selection_method": h.selection_method,
            "quotas": h.quotas,
            "algorithm": h.algorithm,
            "algorithm_version": h.algorithm_version,
            "public_randomness_source": h.public_randomness_source,
            "public_randomness": h.public_randomness,
            "notice_published_at": _iso(h.notice_published_at),
            "applications_opened_at": _iso(h.applications_opened_at),
            "pool_frozen_at": _iso(h.pool_frozen_at),
            "pool_hash": h.pool_hash,
            "seed": h.seed,
            "drawn_at": _iso(h.drawn_at),
        },
        "witnesses": [
            {
                "position": w.position,
                "witness": w.name,
                "commitment": w.commitment,
                "committed_at": _iso(w.committed_at),
                "secret": w.secret,
                "revealed_at": _iso(w.revealed_at),
            }
            for w in witnesses
        ],
        "pool": [
            {
                "pool_id": a.pseudonym,
                "category": a.category.value,
                "outcome": a.outcome.value if a.outcome else None,
                "alternate_rank": a.alternate_rank,
            }
            for a in applications
        ],
        "publication": h.publication,
        "transcript": {
            "text": h.transcript,
            "version": h.transcript_version,
            "sha256": h.transcript_sha256,
        },
        "confirmations": [
            {
                "pool_id": pseudonyms.get(c.user_id),
                "version": c.transcript_version,
                "sha256": c.transcript_sha256,
                "confirmed_at": _iso(c.confirmed_at),
            }
            for c in confirmations
        ],
        "report": {
            "conclusion": h.report_conclusion,
            "reported_at": _iso(h.reported_at),
            "views": [
                {
                    "position": v.position,
                    "summary": v.summary,
                    "adopted": v.adopted,
                    "reason": v.reason,
                }
                for v in views
            ],
        },
    }


async def seal_record(
    session: AsyncSession, principal: Principal, *, hearing_id: int, sealer: Sealer | None = None
) -> Hearing:
    """Seal the hearing's record once its report is recorded: the `record.sealed` event with
    the digests of every section, the county's seal on the head; nothing can be appended
    afterwards."""
    hearing = await get_hearing(session, hearing_id, lock=True)
    await require_organiser(session, principal, hearing)
    require_state(hearing, HearingState.REPORTED, action="封存听证记录")
    stream = stream_of(hearing.id)
    head = await events.lock_head(session, tenant_id=hearing.tenant_id, stream=stream)
    await session.flush()
    content = content_digests(await record_sections(session, hearing.id))
    sealed = await append_event(
        session,
        principal,
        hearing,
        HearingEvent.RECORD_SEALED,
        RecordSealed(events=head.last_seq + 1, content=content),
    )
    await seal_head(session, head=head, sealed=sealed, sealer=sealer)
    hearing.sealed_hash = sealed.hash
    hearing.sealed_at = sealed.created_at
    await session.flush()
    return hearing


#: The chain members a hearing's export has never had (a meeting's and a decision's have):
#: left out so the exports stay as they were. Where the chain breaks is in `verifyStream`.
CHAIN_OMITS = ("first_broken_seq", "reason", "sealed_at")


async def build_record(session: AsyncSession, hearing_id: int) -> dict[str, Any]:
    """The hearing's record as JSON-ready data, in the shape `verify_export` checks (as a
    meeting's `build_record`): its sections, every event the chain verified, the chain
    check and the seal (`backend.record.chain.export_record`)."""
    hearing = await get_hearing(session, hearing_id)
    return await export_record(
        session,
        format=FORMAT,
        tenant_id=hearing.tenant_id,
        stream=stream_of(hearing.id),
        sections=lambda: record_sections(session, hearing.id),
        row=hearing,
        omit=CHAIN_OMITS,
    )


async def readable_record(
    session: AsyncSession, principal: Principal, *, hearing_id: int
) -> tuple[dict[str, Any], Hearing]:
    """The record as the caller may read it, with its hearing (the `hearingRecord` query and
    GET /hearings/<id>/record.docx): organisers whole at any time; anyone signed in to the
    county once sealed, each event as the stream shows it to them (`access.
    require_record_access`, `visibility.record_for`)."""
    from backend.hearings import visibility

    hearing = await get_hearing(session, hearing_id)
    organiser = await require_record_access(session, principal, hearing)
    view = visibility.ORGANISER_VIEW if organiser else visibility.PUBLIC_VIEW
    return visibility.record_for(await build_record(session, hearing_id), view), hearing


#: The record builders of this domain by stream kind, for `backend.record.verify`.
RECORD_BUILDERS = {"hearing": build_record}
