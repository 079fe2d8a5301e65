"""A county's `WorkCalendar`, cached per process and checked against the database's
calendar version on every load.

Every change of what a snapshot shows (a publication, a county's closure) sets
`calendar_state.version` to a fresh value of a sequence in the changing transaction
(`bump_version`). A load reads that version first (one short statement) and uses its
cached snapshot only when the snapshot was read at that version; otherwise it reads the
published tables (and the county's closures) again. So a change committed by any worker is
seen by every worker's next load, with no message between them. Sequence values are never
given out twice, even by a transaction that rolled back, so a snapshot read inside a
transaction that then rolled back is never taken for the committed calendar.

Reading the version before the rows keeps it safe under READ COMMITTED: rows read after
the version are at least as new as it (a snapshot may be newer than its version says,
which only costs one reload).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from backend.core.workdays import DayKind, OfficialCalendar, OfficialDay, WorkCalendar
from tenants.rls import PLATFORM_ROLE

_STATE = text(
    "SELECT version, app_tenant_id() AS scope, current_user AS role "
    "FROM calendar_state WHERE id = 1"
)
_BUMP = text(
    "UPDATE calendar_state SET version = nextval('calendar_version') WHERE id = 1 RETURNING version"
)
_LOCK = text("SELECT version FROM calendar_state WHERE id = 1 FOR UPDATE")
# The newest published revision of every year, with its days (none for an empty table).
_PUBLISHED = text(
    """SELECT y.year, y.source, d.day, d.kind, d.name
FROM (SELECT DISTINCT ON (year) id, year, source FROM calendar_years
      WHERE published_at IS NOT NULL ORDER BY year, revision DESC) AS y
LEFT JOIN calendar_days d ON d.calendar_year_id = y.id
ORDER BY d.day"""
)
_CLOSURES = text("SELECT day, reason FROM local_closures WHERE tenant_id = :tenant ORDER BY day")


@dataclass(slots=True)
class _DatabaseCache:
    official: OfficialCalendar | None = None
    counties: dict[int | None, WorkCalendar] = field(default_factory=dict)


# Per database (host, port, name): one process may serve several (tests do). Holds
# immutable snapshots only, replaced whole, so concurrent loads need no lock.
_CACHES: dict[tuple[str | None, int | None, str | None], _DatabaseCache] = {}


def _cache_of(session: AsyncSession) -> _DatabaseCache:
    bind = session.get_bind()
    url = bind.engine.url
    return _CACHES.setdefault((url.host, url.port, url.database), _DatabaseCache())


async def load_calendar(session: AsyncSession, tenant_id: int | None) -> WorkCalendar:
    """The working days of county ``tenant_id`` (official tables and its local closures;
    None: the official tables alone), as of this transaction.

    Costs one statement when nothing changed since this process last read it. The session
    must be able to see the county's closures: scoped to that county, or a platform
    transaction; anything else is a bug (RuntimeError), not an empty list of closures."""
    state = (await session.execute(_STATE)).one()
    version = int(state.version)
    if tenant_id is not None and state.role != PLATFORM_ROLE and state.scope != tenant_id:
        raise RuntimeError(
            f"load_calendar: the session is scoped to county {state.scope}, not {tenant_id}"
        )
    cache = _cache_of(session)
    official = cache.official
    if official is None or official.version != version:
        official = await _read_official(session, version)
        cache.official, cache.counties = official, {}
    calendar = cache.counties.get(tenant_id)
    if calendar is None or calendar.official is not official:
        closures: dict[date, str] = {}
        if tenant_id is not None:
            rows = await session.execute(_CLOSURES, {"tenant": tenant_id})
            closures = {r.day: r.reason for r in rows}
        calendar = WorkCalendar(official).with_closures(closures, tenant_id)
        cache.counties[tenant_id] = calendar
    return calendar


async def _read_official(session: AsyncSession, version: int) -> OfficialCalendar:
    tables: dict[int, list[OfficialDay]] = {}
    sources: dict[int, str] = {}
    for row in await session.execute(_PUBLISHED):
        sources[row.year] = row.source
        if row.day is not None:
            tables.setdefault(row.year, []).append(
                OfficialDay(row.day, DayKind(row.kind), row.name)
            )
    return OfficialCalendar.of(tables, sources, version)


async def bump_version(session: AsyncSession) -> int:
    """Mark the calendar changed, in the caller's transaction: every process reloads its
    snapshots at its next load after this commits."""
    return int((await session.execute(_BUMP)).scalar_one())


async def lock_calendar(session: AsyncSession) -> None:
    """Take the version row without changing it (an edit that no snapshot shows yet):
    calendar changes then run one after the other."""
    await session.execute(_LOCK)


def clear_cache() -> None:
    """Forget every cached snapshot (tests that count statements start cold with it)."""
    _CACHES.clear()
