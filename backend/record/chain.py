"""The part of every record (记录) that is the same whatever keeps it: the events the chain
verified, the `chain` section (the chain check, the sealed hash, whether each section still
matches the digests sealed in the chain, the seal's problems) and the seal; and sealing a
stream's head with the county's signature (`seal_head`).

A domain that keeps a record (meetings, hearings, decisions; cases and opinion maps next)
writes only its own sections: `export_record(..., sections=...)` builds the rest, in the
shape `backend.record.seal.verify_export` checks, and `seal_head` signs what its
`record.sealed` event ended.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection
from datetime import UTC, datetime
from typing import Any, Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from backend.record import sm2
from backend.record.seal import Sealer, content_differences, verify_seal
from realtime import log as events
from realtime.log import SEALED_TYPE, LoggedEvent, Verification
from tenants.models import Tenant

#: Members of an export's `chain` section, in the order they are written.
CHAIN_FIELDS = (
    "stream",
    "hash_version",
    "valid",
    "events",
    "head_hash",
    "first_broken_seq",
    "reason",
    "sealed_hash",
    "sealed_at",
    "sealed_hash_matches",
    "content_matches",
    "content_differs",
    "seal_problems",
)

_PAGE = 5000  # events read per statement


class SealedRow(Protocol):
    """The row a record belongs to (a meeting, a hearing, a decision): where its seal is kept."""

    @property
    def sealed_hash(self) -> str | None: ...

    @property
    def sealed_at(self) -> datetime | None: ...


def _iso(value: datetime | None) -> str | None:
    return value.astimezone(UTC).isoformat() if value is not None else None


def event_dict(e: LoggedEvent) -> dict[str, Any]:
    """One event as the export lists it (what `verify_export` recomputes the chain from)."""
    return {
        "seq": e.seq,
        "type": e.type,
        "at": e.created_at.isoformat(),
        "actor_user_id": e.actor_user_id,
        "payload": e.payload,
        "prev_hash": e.prev_hash,
        "hash": e.hash,
    }


async def read_events(session: AsyncSession, stream: str, until: int | None) -> list[LoggedEvent]:
    """Every event of the stream in order, up to `until` (inclusive) when given."""
    out: list[LoggedEvent] = []
    while True:
        after = out[-1].seq if out else 0
        batch = await events.read_after(
            session, stream=stream, after=after, limit=_PAGE, until=until
        )
        if not batch:
            return out
        out.extend(batch)


def embedded_key(seal: dict[str, Any] | None) -> sm2.PublicKey | None:
    """The public key the seal carries (None when absent or unreadable)."""
    if not seal or not seal.get("public_key"):
        return None
    try:
        return sm2.PublicKey.from_pem(seal["public_key"])
    except ValueError:
        return None


def chain_section(
    record: dict[str, Any],
    *,
    tenant_id: int,
    stream: str,
    verification: Verification,
    logged: list[LoggedEvent],
    seal: dict[str, Any] | None,
    sealed_hash: str | None,
    sealed_at: datetime | None,
    omit: Collection[str] = (),
) -> dict[str, Any]:
    """The `chain` section of `record` (its sections and events already in it).

    `content_matches` is None until the chain ends with a `record.sealed` event carrying
    content digests; `seal_problems` come from checking the seal against the key it embeds,
    which proves the seal whole, not whose it is (the document prints the key's fingerprint
    to compare with the county's published key; `verify_export` with that key proves it).
    `omit` leaves members out (of `CHAIN_FIELDS`)."""
    sealed_event = logged[-1] if logged and logged[-1].type == SEALED_TYPE else None
    differs: list[str] | None = None
    if sealed_event is not None and "content" in sealed_event.payload:
        differs = content_differences(record, sealed_event.payload["content"])
    seal_check = (
        verify_seal(
            seal,
            tenant_id=tenant_id,
            stream=stream,
            seq=verification.events,
            head_hash=verification.head_hash,
            hash_version=verification.hash_version,
            public_key=embedded_key(seal),
        )
        if seal is not None and verification.valid
        else None
    )
    chain: dict[str, Any] = {
        "stream": stream,
        "hash_version": verification.hash_version,
        "valid": verification.valid,
        "events": verification.events,
        "head_hash": verification.head_hash,
        "first_broken_seq": verification.first_broken_seq,
        "reason": verification.reason,
        "sealed_hash": sealed_hash,
        "sealed_at": _iso(sealed_at),
        "sealed_hash_matches": (
            sealed_hash == verification.head_hash if sealed_hash is not None else None
        ),
        "content_matches": (not differs) if differs is not None else None,
        "content_differs": differs or [],
        "seal_problems": seal_check.problems if seal_check is not None else [],
    }
    return {k: v for k, v in chain.items() if k not in omit}


async def export_record(
    session: AsyncSession,
    *,
    format: str,
    tenant_id: int,
    stream: str,
    sections: Callable[[], Awaitable[dict[str, Any]]],
    row: SealedRow,
    omit: Collection[str] = (),
) -> dict[str, Any]:
    """A record as JSON-ready data: `format`, `generated_at`, the domain's `sections()`, the
    events, `chain` (`chain_section`) and `seal` (the county's seal on the head, or None).

    Guarantees: the chain is verified first and the events read up to its last verified
    sequence, so `events` are exactly the events `chain` verified, whatever is appended
    during the export; `sections()` is read after them. Reads through the caller's
    tenant-scoped session. For one consistent snapshot of the sections as well, run it in a
    REPEATABLE READ transaction, or export after the record is sealed."""
    head = await events.head_of(session, stream=stream)
    verification = await events.verify_stream(session, stream=stream)
    logged = await read_events(session, stream, verification.events if verification.valid else None)
    record: dict[str, Any] = {
        "format": format,
        "generated_at": datetime.now(UTC).isoformat(),
        **await sections(),
        "events": [event_dict(e) for e in logged],
    }
    seal = head.seal if head is not None else None
    record["chain"] = chain_section(
        record,
        tenant_id=tenant_id,
        stream=stream,
        verification=verification,
        logged=logged,
        seal=seal,
        sealed_hash=row.sealed_hash,
        sealed_at=row.sealed_at,
        omit=omit,
    )
    record["seal"] = seal
    return record


async def seal_head(
    session: AsyncSession,
    *,
    head: events.Head,
    sealed: LoggedEvent,
    sealer: Sealer | None,
) -> dict[str, Any]:
    """Seal the (locked) stream at its `record.sealed` event `sealed` and keep the county's
    seal on its head row: nothing can be appended afterwards. Returns the seal (unsigned
    when the county has no key; without a TSA, untimestamped: `yishi record seal` adds
    either later)."""
    await events.seal(session, head, sealed.created_at)
    tenant = await session.get(Tenant, head.tenant_id)
    seal = await (sealer or Sealer(None)).seal(
        tenant_id=head.tenant_id,
        county_slug=tenant.slug if tenant is not None else str(head.tenant_id),
        stream=head.stream,
        seq=sealed.seq,
        head_hash=sealed.hash,
        hash_version=head.hash_version,
        sealed_at=sealed.created_at,
    )
    await events.store_seal(session, head, seal)
    return seal
