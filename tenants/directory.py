"""slug → county id for every request that names its county (`X-Tenant`, a socket's
connection_init): a small cache in front of the registry."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from backend.core.db import Database
from backend.core.limits import SizedLRU
from tenants import service as tenants
from tenants.models import Tenant


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
