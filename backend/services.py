"""The long-lived objects the app owns for its lifetime (created in the lifespan)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from backend.db import Database
from backend.limits import RateLimits, SizedLRU
from backend.settings import Settings
from tenants import service as tenants
from tenants.models import Tenant

if TYPE_CHECKING:
    from backend.meetings.scoring import BallotMixer
    from backend.meetings.service import MeetingDirectory
    from backend.meetings.timers import TimerScheduler
    from backend.people.principals import PrincipalResolver
    from backend.record.seal import Sealer
    from realtime.hub import Hub
    from realtime.writer import StreamWriter
    from realtime.ws.admission import SocketCounts


@dataclass(slots=True)
class TenantDirectory:
    """slug → county id, cached for `ttl` seconds (the registry changes rarely).

    Bounded, because anyone can send any slug: at most `max_entries` slugs are kept (least
    recently used first out), a slug no county has is remembered only `negative_ttl`
    seconds, and a text that cannot be a slug (tenants.service.SLUG_RE: 2-40 lower-case
    letters, digits and hyphens) is answered None without a lookup and never kept."""

    db: Database
    ttl: float = 60.0
    negative_ttl: float = 10.0
    max_entries: int = 10_000
    _by_slug: SizedLRU[str, tuple[float, int | None]] = field(init=False)

    def __post_init__(self) -> None:
        self._by_slug = SizedLRU(max_entries=self.max_entries)

    def __len__(self) -> int:
        return len(self._by_slug)

    @staticmethod
    def valid(slug: str) -> bool:
        """Whether `slug` could name a county (cheap; no lookup)."""
        return len(slug) <= 40 and tenants.SLUG_RE.fullmatch(slug) is not None

    async def resolve(self, slug: str) -> int | None:
        if not self.valid(slug):
            return None
        now = time.monotonic()
        hit = self._by_slug.get(slug)
        if hit and hit[0] > now:
            return hit[1]
        async with self.db.transaction(tenant_id=None, read_only=True) as session:
            tenant: Tenant | None = await tenants.tenant_by_slug(session, slug)
        tenant_id = tenant.id if tenant else None
        expires = now + (self.ttl if tenant_id is not None else self.negative_ttl)
        self._by_slug.put(slug, (expires, tenant_id))
        return tenant_id


@dataclass(slots=True)
class AppServices:
    """What a request, a socket or a command reaches beyond its own transaction: built once
    by the app's lifespan (`backend.app.create_app`), stopped when it ends."""

    settings: Settings
    db: Database
    tenants: TenantDirectory
    #: Who a token or a county name is (cached accounts and grants, kept fresh by NOTIFY).
    principals: PrincipalResolver
    #: Pub/sub of committed events to this process's feeds (realtime.hub).
    hub: Hub
    #: Group commit of appended events, one batch per stream at a time (realtime.writer).
    writer: StreamWriter
    #: Pending 测评票 of this process, committed in shuffled batches of at least k.
    ballots: BallotMixer
    #: Poll/sheet → meeting, cached (that link never changes).
    meetings: MeetingDirectory
    #: Signs and timestamps seals of records (unsigned for a county without a key).
    sealer: Sealer
    #: Speech timers' warnings and ends, from their server-side deadlines.
    timers: TimerScheduler
    #: Open websockets per client address and per account (the socket limits).
    ws_sockets: SocketCounts
    #: Rate limits of votes, comments, sign-in and registration (this process's budgets).
    limits: RateLimits = field(init=False)

    def __post_init__(self) -> None:
        self.limits = RateLimits.from_settings(self.settings)
