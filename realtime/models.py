"""The event log: one append-only table of events, and one head row per stream."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, DateTime, SmallInteger, String, UniqueConstraint
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from backend.core.base import Base, TenantOwned, id_column


class Event(TenantOwned, Base):
    """A state change someone may watch, chained to its stream's previous event by hash.

    Updates and deletes are refused by a trigger, for every role."""

    __tablename__ = "events"
    # The unique constraint's index serves reads of a stream in order.
    __table_args__ = (UniqueConstraint("tenant_id", "stream", "seq"),)

    id: Mapped[int] = id_column()
    stream: Mapped[str] = mapped_column(String(80))
    seq: Mapped[int] = mapped_column(BigInteger)
    type: Mapped[str] = mapped_column(String(60))
    payload: Mapped[dict[str, Any]] = mapped_column(JSONB)
    actor_user_id: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class StreamHead(TenantOwned, Base):
    """The last sequence number and hash of a stream: appends serialise on this row."""

    __tablename__ = "event_streams"
    __table_args__ = (UniqueConstraint("tenant_id", "stream"),)

    id: Mapped[int] = id_column()
    stream: Mapped[str] = mapped_column(String(80))
    last_seq: Mapped[int] = mapped_column(BigInteger, default=0)
    last_hash: Mapped[str] = mapped_column(String(64))
    sealed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # The chain's encoding (realtime.log.canonical_event): 1 for streams begun before it was
    # pinned, 2 (RFC 8785) since.
    hash_version: Mapped[int] = mapped_column(SmallInteger, default=2, server_default="2")
    # The county's signed, timestamped seal of the sealed head (backend.record.seal).
    seal: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
