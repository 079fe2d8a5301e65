"""Appending to and reading the event log; the hash chain and its verification.

Each event's hash is SHA-256 over a canonical JSON encoding of (tenant, stream, seq, type,
payload, actor, time, previous hash); the first event of a stream chains to GENESIS.
Appends to a stream lock its head row, so sequences are gap-free and ordered even with
several processes; `realtime.writer` batches many appends under one lock and one commit.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import orjson
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db import after_commit, driver_connection
from realtime.models import Event, StreamHead

GENESIS = "0" * 64


@dataclass(frozen=True, slots=True)
class EventDraft:
    """An event to append: what happened and who did it."""

    type: str
    payload: dict[str, Any]
    actor_user_id: int | None = None


@dataclass(frozen=True, slots=True)
class LoggedEvent:
    """An event as stored and as published on the hub."""

    tenant_id: int
    stream: str
    seq: int
    type: str
    payload: dict[str, Any]
    actor_user_id: int | None
    created_at: datetime
    prev_hash: str
    hash: str

    def to_message(self) -> bytes:
        return orjson.dumps(
            {
                "t": self.tenant_id,
                "s": self.stream,
                "q": self.seq,
                "y": self.type,
                "p": self.payload,
                "a": self.actor_user_id,
                "at": self.created_at.isoformat(),
                "ph": self.prev_hash,
                "h": self.hash,
            }
        )

    @classmethod
    def from_message(cls, raw: str | bytes) -> LoggedEvent:
        return cls.from_dict(orjson.loads(raw))

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> LoggedEvent:
        return cls(
            tenant_id=d["t"],
            stream=d["s"],
            seq=d["q"],
            type=d["y"],
            payload=d["p"],
            actor_user_id=d["a"],
            created_at=datetime.fromisoformat(d["at"]),
            prev_hash=d["ph"],
            hash=d["h"],
        )

    @classmethod
    def from_row(cls, e: Event) -> LoggedEvent:
        return cls(
            tenant_id=e.tenant_id,
            stream=e.stream,
            seq=e.seq,
            type=e.type,
            payload=e.payload,
            actor_user_id=e.actor_user_id,
            created_at=e.created_at,
            prev_hash=e.prev_hash,
            hash=e.hash,
        )


def chain_hash(
    *,
    tenant_id: int,
    stream: str,
    seq: int,
    type: str,
    payload: dict[str, Any],
    actor_user_id: int | None,
    created_at: datetime,
    prev_hash: str,
) -> str:
    """The SHA-256 of the event's canonical encoding (sorted keys, UTC microseconds)."""
    canonical = orjson.dumps(
        {
            "tenant": tenant_id,
            "stream": stream,
            "seq": seq,
            "type": type,
            "payload": payload,
            "actor": actor_user_id,
            "at": created_at.astimezone(UTC).isoformat(timespec="microseconds"),
            "prev": prev_hash,
        },
        option=orjson.OPT_SORT_KEYS,
    )
    return hashlib.sha256(canonical).hexdigest()


class StreamSealed(Exception):
    """The stream's record is sealed: nothing more may be appended."""


@dataclass(slots=True)
class Head:
    """A stream's head row as locked by `lock_head`: where the next append goes."""

    tenant_id: int
    stream: str
    last_seq: int
    last_hash: str
    sealed_at: datetime | None


# The hot path of every append (a batch of votes appends hundreds of events a second) runs
# as plain SQL on the session's own connection and transaction: building SQLAlchemy
# statements cost more CPU than the database spent on them (bench/live_vote.py).
_LOCK_HEAD = (
    "SELECT last_seq, last_hash, sealed_at FROM event_streams "
    "WHERE tenant_id = $1 AND stream = $2 FOR UPDATE"
)
_CREATE_HEAD = (
    "INSERT INTO event_streams (tenant_id, stream, last_seq, last_hash) VALUES ($1, $2, 0, $3) "
    "ON CONFLICT (tenant_id, stream) DO NOTHING"
)
_APPEND = """WITH added AS (
  INSERT INTO events (tenant_id, stream, seq, type, payload, actor_user_id, created_at,
                      prev_hash, hash)
  SELECT $1, $2, e.seq, e.type, e.payload::jsonb, e.actor, $3, e.prev, e.hash
  FROM unnest($4::bigint[], $5::text[], $6::text[], $7::bigint[], $8::text[], $9::text[])
       AS e(seq, type, payload, actor, prev, hash)
)
UPDATE event_streams SET last_seq = $10, last_hash = $11 WHERE tenant_id = $1 AND stream = $2"""
_SEAL = "UPDATE event_streams SET sealed_at = $3 WHERE tenant_id = $1 AND stream = $2"


async def lock_head(session: AsyncSession, *, tenant_id: int, stream: str) -> Head:
    """The stream's head row, locked until the transaction ends (created on first use)."""
    conn = await driver_connection(session)
    row = await conn.fetchrow(_LOCK_HEAD, tenant_id, stream)
    if row is None:
        await conn.execute(_CREATE_HEAD, tenant_id, stream, GENESIS)
        row = await conn.fetchrow(_LOCK_HEAD, tenant_id, stream)
    return Head(tenant_id, stream, row["last_seq"], row["last_hash"], row["sealed_at"])


async def seal(session: AsyncSession, head: Head, at: datetime) -> None:
    """Mark the (locked) stream sealed: `append_locked` refuses to append from now on."""
    conn = await driver_connection(session)
    await conn.execute(_SEAL, head.tenant_id, head.stream, at)
    head.sealed_at = at


async def append_locked(
    session: AsyncSession, head: Head, drafts: Sequence[EventDraft]
) -> list[LoggedEvent]:
    """Append `drafts` after `head` (already locked in this transaction), in one statement;
    publishes them on the hub once the transaction commits."""
    if head.sealed_at is not None:
        raise StreamSealed(head.stream)
    if not drafts:
        return []
    now = datetime.now(UTC)
    seq, prev = head.last_seq, head.last_hash
    logged: list[LoggedEvent] = []
    columns: tuple[list[Any], ...] = ([], [], [], [], [], [])
    seqs, types, payloads, actors, prevs, hashes = columns
    for draft in drafts:
        seq += 1
        fields: dict[str, Any] = {
            "tenant_id": head.tenant_id,
            "stream": head.stream,
            "seq": seq,
            "type": draft.type,
            "payload": draft.payload,
            "actor_user_id": draft.actor_user_id,
            "created_at": now,
            "prev_hash": prev,
        }
        digest = chain_hash(**fields)
        logged.append(LoggedEvent(**fields, hash=digest))
        seqs.append(seq)
        types.append(draft.type)
        payloads.append(orjson.dumps(draft.payload).decode())
        actors.append(draft.actor_user_id)
        prevs.append(prev)
        hashes.append(digest)
        prev = digest
    conn = await driver_connection(session)
    await conn.execute(_APPEND, head.tenant_id, head.stream, now, *columns, seq, prev)
    head.last_seq, head.last_hash = seq, prev
    _publish_after_commit(session, logged)
    return logged


async def append(
    session: AsyncSession, *, tenant_id: int, stream: str, drafts: Sequence[EventDraft]
) -> list[LoggedEvent]:
    """Append events in the caller's transaction (the state change commits with them)."""
    head = await lock_head(session, tenant_id=tenant_id, stream=stream)
    return await append_locked(session, head, drafts)


def _publish_after_commit(session: AsyncSession, events: list[LoggedEvent]) -> None:
    pending: list[LoggedEvent] | None = session.info.get("pending_events")
    if pending is not None:
        pending.extend(events)
        return
    pending = session.info["pending_events"] = list(events)

    async def publish() -> None:
        from realtime.hub import current_hub

        batch = session.info.pop("pending_events", [])
        hub = current_hub()
        if hub is not None:
            await hub.publish_events(batch)

    after_commit(session, publish)


async def read_after(
    session: AsyncSession,
    *,
    stream: str,
    after: int,
    limit: int = 1000,
    until: int | None = None,
) -> list[LoggedEvent]:
    """Events of the stream (current county) with seq > after, in order."""
    query = select(Event).where(Event.stream == stream, Event.seq > after).order_by(Event.seq)
    if until is not None:
        query = query.where(Event.seq <= until)
    rows = (await session.scalars(query.limit(limit))).all()
    return [LoggedEvent.from_row(r) for r in rows]


async def head_of(session: AsyncSession, *, stream: str) -> StreamHead | None:
    return await session.scalar(select(StreamHead).where(StreamHead.stream == stream))


@dataclass(frozen=True, slots=True)
class Verification:
    """Result of recomputing a stream's chain."""

    stream: str
    events: int
    valid: bool
    head_hash: str
    first_broken_seq: int | None = None
    reason: str | None = None


async def verify_stream(session: AsyncSession, *, stream: str) -> Verification:
    """Recompute every hash of the stream in order; report the first broken link."""
    prev, expected_seq, count = GENESIS, 1, 0
    last = 0
    while True:
        batch = await read_after(session, stream=stream, after=last, limit=5000)
        if not batch:
            break
        for e in batch:
            count += 1
            if e.seq != expected_seq:
                # The missing seq is the first broken link (as for a deleted tail event).
                return Verification(
                    stream, count, False, prev, expected_seq, f"缺少序号 {expected_seq}"
                )
            if e.prev_hash != prev:
                return Verification(stream, count, False, prev, e.seq, "前序哈希不匹配")
            digest = chain_hash(
                tenant_id=e.tenant_id,
                stream=e.stream,
                seq=e.seq,
                type=e.type,
                payload=e.payload,
                actor_user_id=e.actor_user_id,
                created_at=e.created_at,
                prev_hash=e.prev_hash,
            )
            if digest != e.hash:
                return Verification(
                    stream, count, False, prev, e.seq, "事件内容与哈希不符（记录被改动）"
                )
            prev, expected_seq = e.hash, expected_seq + 1
        last = batch[-1].seq
    head = await head_of(session, stream=stream)
    if head is not None and (head.last_seq != expected_seq - 1 or head.last_hash != prev):
        return Verification(
            stream, count, False, prev, expected_seq, "流头与事件链不一致（末尾事件被删除？）"
        )
    return Verification(stream, count, True, prev)


APPEND_ONLY_TRIGGER = [
    """CREATE OR REPLACE FUNCTION events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'events are append-only (% refused)', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END $$""",
    "CREATE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON events "
    "FOR EACH ROW EXECUTE FUNCTION events_append_only()",
    "CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events "
    "FOR EACH STATEMENT EXECUTE FUNCTION events_append_only()",
]
