"""Writing and reading the audit log."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.audit.models import AuditEntry
from backend.core.security import Principal


async def record(
    session: AsyncSession,
    principal: Principal,
    *,
    action: str,
    target_type: str,
    target_id: int | None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    tenant_id: int | None = None,
) -> None:
    """Append an audit entry in the caller's transaction (so it commits with the change)."""
    session.add(
        AuditEntry(
            tenant_id=tenant_id if tenant_id is not None else principal.require_tenant(),
            actor_user_id=principal.user_id,
            actor_label=principal.label,
            action=action,
            target_type=target_type,
            target_id=target_id,
            before=before,
            after=after,
            request_id=principal.request_id,
        )
    )
    await session.flush()


async def list_entries(
    session: AsyncSession,
    principal: Principal,
    *,
    after_id: int | None,
    limit: int,
    action: str | None = None,
    actor: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> list[AuditEntry]:
    """Newest first; county-wide tenant admins only (the log spans the whole county).
    `actor` matches part of the actor's label (its name or id), `since` ≤ when < `until`."""
    principal.require_county_admin()
    query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
    if after_id is not None:
        query = query.where(AuditEntry.id < after_id)
    if action:
        query = query.where(AuditEntry.action == action)
    if actor and actor.strip():
        pattern = actor.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = query.where(AuditEntry.actor_label.ilike(f"%{pattern}%", escape="\\"))
    if since is not None:
        query = query.where(AuditEntry.created_at >= since)
    if until is not None:
        query = query.where(AuditEntry.created_at < until)
    return list((await session.scalars(query)).all())


async def get_entries(
    session: AsyncSession, principal: Principal, *, ids: set[int]
) -> list[AuditEntry]:
    principal.require_county_admin()
    return list((await session.scalars(select(AuditEntry).where(AuditEntry.id.in_(ids)))).all())


#: The shortest retention the database allows (migration 0011's trigger): six months.
MIN_RETENTION_DAYS = 183


async def purge(session: AsyncSession, *, retention_days: int, dry_run: bool = False) -> int:
    """Delete the entries of every county older than `retention_days` (≥ 183); the number
    deleted (or that would be, with `dry_run`). Runs in a platform transaction (CLI)."""
    if retention_days < MIN_RETENTION_DAYS:
        raise ValueError(f"retention below {MIN_RETENTION_DAYS} days")
    cutoff = func.now() - timedelta(days=retention_days)
    if dry_run:
        return int(
            await session.scalar(
                select(func.count()).select_from(AuditEntry).where(AuditEntry.created_at < cutoff)
            )
            or 0
        )
    result = await session.execute(delete(AuditEntry).where(AuditEntry.created_at < cutoff))
    return int(getattr(result, "rowcount", 0) or 0)


async def entries_between(
    session: AsyncSession, *, since: datetime | None, until: datetime | None
) -> list[AuditEntry]:
    """The county's entries in [since, until), oldest first (the CSV export)."""
    query = select(AuditEntry).order_by(AuditEntry.id)
    if since is not None:
        query = query.where(AuditEntry.created_at >= since)
    if until is not None:
        query = query.where(AuditEntry.created_at < until)
    return list((await session.scalars(query)).all())
