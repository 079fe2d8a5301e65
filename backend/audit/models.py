"""AuditEntry: who did what to which record, with the state before and after."""

from __future__ import annotations

from typing import Any

from sqlalchemy import BigInteger, String
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from backend.core.base import Base, TenantOwned, Timestamped, id_column


class AuditEntry(TenantOwned, Timestamped, Base):
    __tablename__ = "audit_entries"

    id: Mapped[int] = id_column()
    actor_user_id: Mapped[int | None] = mapped_column(BigInteger)  # no FK: entries outlive users
    actor_label: Mapped[str] = mapped_column(String(80))
    action: Mapped[str] = mapped_column(String(60), index=True)
    target_type: Mapped[str] = mapped_column(String(40))
    target_id: Mapped[int | None] = mapped_column(BigInteger)
    before: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
    request_id: Mapped[str | None] = mapped_column(String(64))
