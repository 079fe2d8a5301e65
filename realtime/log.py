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
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from backend.db import after_commit
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


async def lock_head(session: AsyncSession, *, tenant_id: int, stream: str) -> StreamHead:
    """The stream's head row, locked until the transaction ends (created on first use)."""
    await session.execute(
        insert(StreamHead)
        .values(tenant_id=tenant_id, stream=stream, last_seq=0, last_hash=GENESIS)
        .on_conflict_do_nothing(index_elements=["tenant_id", "stream"])
    )
    head = await session.scalar(
        select(StreamHead)
        .where(StreamHead.tenant_id == tenant_id, StreamHead.stream == stream)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    assert head is not None
    return head


async def append_locked(
    session: AsyncSession, head: StreamHead, drafts: Sequence[EventDraft]
) -> list[LoggedEvent]:
    """Append `drafts` after `head` (already locked in this transaction); publishes them
    on the hub once the transaction commits."""
    if head.sealed_at is not None:
        raise StreamSealed(head.stream)
    now = datetime.now(UTC)
    seq, prev = head.last_seq, head.last_hash
    logged: list[LoggedEvent] = []
    rows: list[dict[str, Any]] = []
    for draft in drafts:
        seq += 1
        digest = chain_hash(
            tenant_id=head.tenant_id,
            stream=head.stream,
            seq=seq,
            type=draft.type,
            payload=draft.payload,
            actor_user_id=draft.actor_user_id,
            created_at=now,
            prev_hash=prev,
        )
        event = LoggedEvent(
            tenant_id=head.tenant_id,
            stream=head.stream,
            seq=seq,
            type=draft.type,
            payload=draft.payload,
            actor_user_id=draft.actor_user_id,
            created_at=now,
            prev_hash=prev,
            hash=digest,
        )
        logged.append(event)
        rows.append(
            {
                "tenant_id": head.tenant_id,
                "stream": head.stream,
                "seq": seq,
                "type": draft.type,
                "payload": draft.payload,
                "actor_user_id": draft.actor_user_id,
                "created_at": now,
                "prev_hash": prev,
                "hash": digest,
            }
        )
        prev = digest
    if rows:
        await session.execute(insert(Event), rows)
        head.last_seq, head.last_hash = seq, prev
        await session.flush()
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
