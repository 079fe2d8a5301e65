"""Appending to and reading the event log; the hash chain and its verification.

Each event's hash is SHA-256 over a canonical JSON encoding of (tenant, stream, seq, type,
payload, actor, time, previous hash); the first event of a stream chains to GENESIS.
Appends to a stream lock its head row, so sequences are gap-free and ordered even with
several processes; `realtime.writer` batches many appends under one lock and one commit.

The encoding is versioned per stream (`event_streams.hash_version`, docs/realtime.md):
version 1 is orjson's sorted output of the payload as stored; version 2 (every new stream)
is RFC 8785 (JCS) with a "version" member, over the payload without people's display
names (`PERSON_LABELS`): names are kept beside the chain (looked up by id on read), so a
person can be anonymised without breaking any record.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import orjson
import rfc8785
from sqlalchemy import BigInteger, String, column, select, table
from sqlalchemy.ext.asyncio import AsyncSession

from backend.core.db import PUBLISHER, Publisher, after_commit, driver_connection
from realtime.models import Event, StreamHead

GENESIS = "0" * 64
CHAIN_VERSION = 2  # the encoding of new streams
HASH_VERSIONS = (1, 2)
SEALED_TYPE = "record.sealed"  # the last event of a sealed stream

# In a payload object, the member named by the value is the display name of the person whose
# id is the member named by the key: a label kept beside the chain (version 2), not in it.
PERSON_LABELS: dict[str, str] = {"userId": "name", "authorId": "authorName"}
#: Where the labels come from: the people domain's accounts, read by table name (as SQL
#: would) so the log, below the domains, imports none of them.
_PEOPLE = table("users", column("id", BigInteger), column("display_name", String))


def strip_labels(value: Any) -> Any:
    """`value` without person labels: in every object (at any depth) that has an id member
    of `PERSON_LABELS`, its label member is left out. What version 2 hashes and stores."""
    if isinstance(value, dict):
        drop = {label for id_key, label in PERSON_LABELS.items() if id_key in value}
        return {k: strip_labels(v) for k, v in value.items() if k not in drop}
    if isinstance(value, list):
        return [strip_labels(v) for v in value]
    return value


def _person_ids(value: Any, into: set[int]) -> None:
    if isinstance(value, dict):
        for id_key, label in PERSON_LABELS.items():
            uid = value.get(id_key)
            if isinstance(uid, int) and label not in value:
                into.add(uid)
        for v in value.values():
            _person_ids(v, into)
    elif isinstance(value, list):
        for v in value:
            _person_ids(v, into)


def _with_labels(value: Any, names: dict[int, str | None]) -> Any:
    if isinstance(value, dict):
        out = {k: _with_labels(v, names) for k, v in value.items()}
        for id_key, label in PERSON_LABELS.items():
            uid = value.get(id_key)
            if id_key in value and label not in value:
                out[label] = names.get(uid) if isinstance(uid, int) else None
        return out
    if isinstance(value, list):
        return [_with_labels(v, names) for v in value]
    return value


async def fill_labels(session: AsyncSession, payloads: Sequence[dict[str, Any]]) -> list[Any]:
    """The payloads with each missing person label filled in from the person's current
    display name (None for an unknown id); payloads that carry their labels (version 1)
    come back unchanged. One query for all of them."""
    ids: set[int] = set()
    for p in payloads:
        _person_ids(p, ids)
    if not ids:
        return list(payloads)
    rows = await session.execute(
        select(_PEOPLE.c.id, _PEOPLE.c.display_name).where(_PEOPLE.c.id.in_(ids))
    )
    names: dict[int, str | None] = {uid: name for uid, name in rows.all()}
    return [_with_labels(p, names) for p in payloads]


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
    version: int,
) -> str:
    """The SHA-256 (lowercase hex) of the event's canonical encoding in `version`."""
    return (
        hashlib.sha256(
            canonical_event(
                tenant_id=tenant_id,
                stream=stream,
                seq=seq,
                type=type,
                payload=payload,
                actor_user_id=actor_user_id,
                created_at=created_at,
                prev_hash=prev_hash,
                version=version,
            )
        )
        .digest()
        .hex()
    )


_SAFE_INT = 2**53 - 1


def _orjson_is_jcs(value: Any) -> bool:
    """True if orjson's sorted output of `value` is byte for byte its RFC 8785 form: no
    floats (number formats differ), integers within JCS's safe range, and no key with a
    character beyond U+FFFF (JCS sorts by UTF-16 code units, orjson by code points; the two
    orders agree inside the Basic Multilingual Plane). Strings escape alike in both."""
    if isinstance(value, dict):
        for k, v in value.items():
            if not (k.isascii() or max(k) <= "\uffff") or not _orjson_is_jcs(v):
                return False
        return True
    if isinstance(value, list):
        return all(_orjson_is_jcs(v) for v in value)
    if isinstance(value, int) and not isinstance(value, bool):
        return -_SAFE_INT <= value <= _SAFE_INT
    return not isinstance(value, float)


def jcs(value: Any) -> bytes:
    """RFC 8785 canonical JSON of `value`; orjson where its output is identical (about 20
    times faster than the pure-Python `rfc8785` on the append path; tests compare both)."""
    if _orjson_is_jcs(value):
        return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)
    return bytes(rfc8785.dumps(value))


def canonical_event(
    *,
    tenant_id: int,
    stream: str,
    seq: int,
    type: str,
    payload: dict[str, Any],
    actor_user_id: int | None,
    created_at: datetime,
    prev_hash: str,
    version: int,
) -> bytes:
    """The bytes an event's hash is taken over (docs/realtime.md, "The chain's encoding").

    Version 1: orjson with sorted keys (the payload as stored, names included). Version 2:
    RFC 8785 JSON Canonicalization Scheme over the same members plus ``"version": 2``, with
    the payload's person labels left out (`strip_labels`). Both write the time as UTC ISO
    8601 with microseconds (``2026-12-01T09:00:00.123456+00:00``)."""
    fields: dict[str, Any] = {
        "tenant": tenant_id,
        "stream": stream,
        "seq": seq,
        "type": type,
        "payload": payload,
        "actor": actor_user_id,
        "at": created_at.astimezone(UTC).isoformat(timespec="microseconds"),
        "prev": prev_hash,
    }
    if version == 1:
        return orjson.dumps(fields, option=orjson.OPT_SORT_KEYS)
    if version == 2:
        fields["payload"] = strip_labels(payload)
        fields["version"] = 2
        return jcs(fields)
    raise ValueError(f"unknown hash version {version}")


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
    hash_version: int = CHAIN_VERSION


# The hot path of every append (a batch of votes appends hundreds of events a second) runs
# as plain SQL on the session's own connection and transaction: building SQLAlchemy
# statements cost more CPU than the database spent on them (bench/live_vote.py).
_LOCK_HEAD = (
    "SELECT last_seq, last_hash, sealed_at, hash_version FROM event_streams "
    "WHERE tenant_id = $1 AND stream = $2 FOR UPDATE"
)
_CREATE_HEAD = (
    "INSERT INTO event_streams (tenant_id, stream, last_seq, last_hash, hash_version) "
    "VALUES ($1, $2, 0, $3, $4) ON CONFLICT (tenant_id, stream) DO NOTHING"
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
_STORE_SEAL = "UPDATE event_streams SET seal = $3::jsonb WHERE tenant_id = $1 AND stream = $2"


async def lock_head(session: AsyncSession, *, tenant_id: int, stream: str) -> Head:
    """The stream's head row, locked until the transaction ends (created on first use)."""
    conn = await driver_connection(session)
    row = await conn.fetchrow(_LOCK_HEAD, tenant_id, stream)
    if row is None:
        await conn.execute(_CREATE_HEAD, tenant_id, stream, GENESIS, CHAIN_VERSION)
        row = await conn.fetchrow(_LOCK_HEAD, tenant_id, stream)
    return Head(
        tenant_id, stream, row["last_seq"], row["last_hash"], row["sealed_at"], row["hash_version"]
    )


async def seal(session: AsyncSession, head: Head, at: datetime) -> None:
    """Mark the (locked) stream sealed: `append_locked` refuses to append from now on."""
    conn = await driver_connection(session)
    await conn.execute(_SEAL, head.tenant_id, head.stream, at)
    head.sealed_at = at


async def store_seal(session: AsyncSession, head: Head, seal: dict[str, Any]) -> None:
    """Keep the county's signed seal (`backend.record.seal`) on the stream's head row."""
    conn = await driver_connection(session)
    await conn.execute(_STORE_SEAL, head.tenant_id, head.stream, orjson.dumps(seal).decode())


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
        digest = chain_hash(**fields, version=head.hash_version)
        # Published with its labels (names); stored as hashed (version 2: without them).
        logged.append(LoggedEvent(**fields, hash=digest))
        stored = draft.payload if head.hash_version == 1 else strip_labels(draft.payload)
        seqs.append(seq)
        types.append(draft.type)
        payloads.append(orjson.dumps(stored).decode())
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
    """Once the session's transaction commits, publish `events` on the publisher the
    session carries (its Database's: `backend.core.db.PUBLISHER`); none, none published."""
    pending: list[LoggedEvent] | None = session.info.get("pending_events")
    if pending is not None:
        pending.extend(events)
        return
    pending = session.info["pending_events"] = list(events)
    publisher: Publisher | None = session.info.get(PUBLISHER)

    async def publish() -> None:
        batch = session.info.pop("pending_events", [])
        if publisher is not None:
            await publisher.publish_events(batch)

    after_commit(session, publish)


def publish_live_after_commit(
    session: AsyncSession,
    *,
    tenant_id: int,
    stream: str,
    type: str,
    key: str,
    version: int,
    value: dict[str, Any],
) -> None:
    """Once the session's transaction commits, publish a live value (a derived value such
    as a poll's tally: not logged, coalesced by each process's feed, newest `version` of
    `key` wins) on the publisher the session carries. Nothing if it rolls back."""
    publisher: Publisher | None = session.info.get(PUBLISHER)
    if publisher is None:
        return

    async def publish() -> None:
        await publisher.publish_live(
            tenant_id, stream, type=type, key=key, version=version, value=value
        )

    after_commit(session, publish)


async def read_after(
    session: AsyncSession,
    *,
    stream: str,
    after: int,
    limit: int = 1000,
    until: int | None = None,
) -> list[LoggedEvent]:
    """Events of the stream (current county) with seq > after, in order; person labels
    (names) are filled in beside the chain (`fill_labels`)."""
    rows = await _read_rows(session, stream=stream, after=after, limit=limit, until=until)
    payloads = await fill_labels(session, [r.payload for r in rows])
    return [dataclasses.replace(r, payload=p) for r, p in zip(rows, payloads, strict=True)]


async def _read_rows(
    session: AsyncSession, *, stream: str, after: int, limit: int, until: int | None
) -> list[LoggedEvent]:
    """Events as stored (what the chain hashed), without labels."""
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
    hash_version: int = CHAIN_VERSION
    sealed: bool = False


class ChainCheck:
    """Recomputes a chain fed event by event, in order; stops at the first broken link.

    Used on the database (`verify_stream`) and on an exported record
    (`backend.record.seal.verify_export`), so both check exactly the same things."""

    def __init__(self, stream: str, version: int) -> None:
        self.stream, self.version = stream, version
        self.prev, self.next_seq, self.count = GENESIS, 1, 0
        self.last: LoggedEvent | None = None
        self.broken: Verification | None = None

    def fail(self, seq: int | None, reason: str) -> bool:
        self.broken = Verification(
            self.stream, self.count, False, self.prev, seq, reason, self.version
        )
        return False

    def feed(self, e: LoggedEvent) -> bool:
        """False once the chain is broken (the event is the first broken link)."""
        if self.broken is not None:
            return False
        if self.version not in HASH_VERSIONS:
            return self.fail(1, f"未知的哈希版本 {self.version}")
        self.count += 1
        if e.seq != self.next_seq:
            # The missing seq is the first broken link (as for a deleted tail event).
            return self.fail(self.next_seq, f"缺少序号 {self.next_seq}")
        if self.last is not None and self.last.type == SEALED_TYPE:
            return self.fail(e.seq, "封存之后又有事件")
        if e.prev_hash != self.prev:
            return self.fail(e.seq, "前序哈希不匹配")
        digest = chain_hash(
            tenant_id=e.tenant_id,
            stream=e.stream,
            seq=e.seq,
            type=e.type,
            payload=e.payload,
            actor_user_id=e.actor_user_id,
            created_at=e.created_at,
            prev_hash=e.prev_hash,
            version=self.version,
        )
        if digest != e.hash or e.stream != self.stream:
            return self.fail(e.seq, "事件内容与哈希不符（记录被改动）")
        self.prev, self.next_seq, self.last = e.hash, self.next_seq + 1, e
        return True

    def finish(
        self,
        *,
        head_seq: int | None,
        head_hash: str | None,
        sealed: bool,
        expect: str | None = None,
    ) -> Verification:
        """The verdict once every event was fed: the chain must end where the stream's
        head row says (`head_seq`/`head_hash`; None for an export, which has none); a sealed
        stream must end with its `record.sealed` event (counting itself); `expect` (a hash
        from outside, e.g. printed in the document) must be the head."""
        if self.broken is not None:
            return self.broken
        last_seq = self.next_seq - 1
        if head_seq is not None and (head_seq != last_seq or head_hash != self.prev):
            self.fail(self.next_seq, "流头与事件链不一致（末尾事件被删除？）")
        elif sealed and (
            self.last is None
            or self.last.type != SEALED_TYPE
            or self.last.payload.get("events") != last_seq
        ):
            self.fail(self.next_seq, "记录已封存，但事件链不以封存事件结束（末尾事件被删除？）")
        elif expect is not None and expect.strip().lower() != self.prev:
            self.fail(None, "记录链哈希与给定的哈希不一致")
        if self.broken is not None:
            return self.broken
        return Verification(
            self.stream, self.count, True, self.prev, hash_version=self.version, sealed=sealed
        )


async def verify_stream(
    session: AsyncSession, *, stream: str, expect: str | None = None
) -> Verification:
    """Recompute every hash of the stream in order (in the stream's encoding version) and
    report the first broken link; a sealed stream must end with its seal event; `expect`,
    when given, must be the head hash."""
    head = await head_of(session, stream=stream)
    check = ChainCheck(stream, head.hash_version if head is not None else CHAIN_VERSION)
    # Up to the head as read first: events appended meanwhile are the next verification's.
    until = head.last_seq if head is not None else None
    last = 0
    while check.broken is None:
        batch = await _read_rows(session, stream=stream, after=last, limit=5000, until=until)
        if not batch:
            break
        for e in batch:
            if not check.feed(e):
                break
        last = batch[-1].seq
    if check.broken is None and head is not None:
        beyond = await _read_rows(session, stream=stream, after=head.last_seq, limit=1, until=None)
        if beyond:
            now = await session.scalar(
                select(StreamHead)
                .where(StreamHead.stream == stream)
                .execution_options(populate_existing=True)
            )
            if now is None or now.last_seq < beyond[0].seq:
                check.count += 1
                check.fail(beyond[0].seq, "流头之后还有事件（事件被插入？）")
    return check.finish(
        head_seq=head.last_seq if head is not None else None,
        head_hash=head.last_hash if head is not None else None,
        sealed=head is not None and head.sealed_at is not None,
        expect=expect,
    )


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
