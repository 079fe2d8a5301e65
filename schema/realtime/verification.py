"""`verifyStream`: the checks of `yishi record verify` (backend.record.verify), served from
a cache for viewers who are not hosts so an anonymous request is not a full recompute."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

import strawberry
from cryptography import x509

from backend.hearings.record import RECORD_BUILDERS as HEARING_RECORD_BUILDERS
from backend.meetings.record.build import RECORD_BUILDERS as MEETING_RECORD_BUILDERS
from backend.record import sm2
from backend.record.seal import SealError, load_key
from backend.record.verify import RecordCheck, VerificationCache, verify_record
from realtime import log as event_log
from schema.context import Context

log = logging.getLogger(__name__)

#: Record builders by stream kind: a meeting's and a hearing's record verify alike.
RECORD_BUILDERS = {**MEETING_RECORD_BUILDERS, **HEARING_RECORD_BUILDERS}


@strawberry.type(
    description="Result of verifying a stream: its hash chain and, for a sealed meeting, "
    "the county's signed and timestamped seal and every section of the record against the "
    "digests sealed in the chain (what `yishi record verify` checks)."
)
class ChainVerification:
    stream: str = strawberry.field(description="The stream checked.")
    events: int = strawberry.field(description="Events checked.")
    valid: bool = strawberry.field(
        description="True when every check that applies holds: the chain, and for a sealed "
        "meeting the seal (signature, timestamp) and the record's content."
    )
    head_hash: str = strawberry.field(description="Hash of the last valid event.")
    first_broken_seq: int | None = strawberry.field(
        description="First event that fails, if any (for viewers who see the whole stream, "
        "e.g. a meeting's hosts; null for others)."
    )
    reason: str | None = strawberry.field(
        description="Why the chain fails, in Chinese (same viewers as firstBrokenSeq)."
    )
    sealed: bool = strawberry.field(description="The stream is sealed (ends with its seal).")
    signed: bool = strawberry.field(
        description="The seal's SM2 signature verifies with the county's public key. False "
        "for an unsigned seal: then `valid` is false too if the county has a key."
    )
    timestamp: datetime | None = strawberry.field(
        description="The RFC 3161 timestamp's time, when its token covers the signature."
    )
    timestamp_trusted: bool = strawberry.field(
        description="The timestamp chains to a TSA root the service trusts (RECORD_TSA_CERTS)."
    )
    content_differs: list[str] = strawberry.field(
        description="Sections of the record whose rows no longer match the digests sealed "
        "in the chain (e.g. minutes, scoring, polls); empty when all match."
    )
    problems: list[str] = strawberry.field(
        description="Every failed check, in Chinese, naming what failed (a broken chain is "
        "named without where or why for viewers who do not see the whole stream)."
    )
    checked_at: datetime = strawberry.field(
        description="When this verification ran (viewers who are not hosts may get one up "
        "to RECORD_VERIFY_CACHE_SECONDS old, for the same stream head)."
    )


EXPECT_MISMATCH = "记录链哈希与给定的哈希不一致"


def to_type(check: RecordCheck, *, full: bool, expect: str | None = None) -> ChainVerification:
    """The verification as `full` viewers (or others) see it; with `expect`, the chain must
    end at that hash (checked here: the cached verification does not depend on it)."""
    chain = check.chain
    problems = check.problems(full=full)
    mismatch = expect is not None and expect.strip().lower() != chain.head_hash
    if mismatch:
        problems.append(EXPECT_MISMATCH)
    return ChainVerification(
        stream=chain.stream,
        events=chain.events,
        valid=check.valid and not mismatch,
        head_hash=chain.head_hash,
        first_broken_seq=chain.first_broken_seq if full else None,
        reason=chain.reason if full else None,
        sealed=check.sealed,
        signed=check.signed,
        timestamp=check.timestamp,
        timestamp_trusted=check.timestamp_trusted,
        content_differs=check.content_differs,
        problems=problems,
        checked_at=check.checked_at,
    )


def cache_of(ctx: Context) -> VerificationCache:
    return ctx.services.verifications


def _public_key(ctx: Context, slug: str) -> sm2.PublicKey | None:
    keys_dir = ctx.services.sealer.keys_dir or ctx.services.settings.record_keys_dir
    if keys_dir is None:
        return None
    try:
        key = load_key(keys_dir, slug)
    except (OSError, ValueError, SealError) as exc:
        log.warning("county seal key of %s unreadable for verification: %s", slug, exc)
        return None
    return key.public if key is not None else None


def _tsa_roots(ctx: Context) -> list[x509.Certificate]:
    path = ctx.services.settings.record_tsa_certs
    if path is None:
        return []
    try:
        return x509.load_pem_x509_certificates(path.read_bytes())
    except (OSError, ValueError) as exc:
        log.warning("RECORD_TSA_CERTS unreadable: %s", exc)
        return []


async def verify(
    ctx: Context, stream: str, *, full: bool, expect: str | None = None
) -> ChainVerification:
    """Verify `stream` (already authorised) as the caller may see it: hosts (`full`) always
    recompute; others get the cached verification of the same head while it is fresh."""
    principal = await ctx.principal()
    tenant_id = principal.require_tenant()
    county = await ctx.loaders.tenant.load(tenant_id)
    slug = county.slug if county is not None else ""
    cache = cache_of(ctx)

    async def run(session: Any) -> RecordCheck:
        head = await event_log.head_of(session, stream=stream)
        key = (tenant_id, stream, head.last_seq if head else 0, head.last_hash if head else "")

        async def compute() -> RecordCheck:
            public_key = _public_key(ctx, slug)
            return await verify_record(
                session,
                stream=stream,
                public_key=public_key,
                tsa_roots=_tsa_roots(ctx),
                require_signature=public_key is not None,
                builders=RECORD_BUILDERS,
            )

        return await cache.verify(key, compute, fresh=full)

    return to_type(await ctx.read(run), full=full, expect=expect)
