"""The long-lived objects the app owns for its lifetime (created in the lifespan)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from backend.db import Database
from backend.settings import Settings
from tenants import service as tenants
from tenants.models import Tenant


@dataclass(slots=True)
class TenantDirectory:
    """slug → county id, cached for `ttl` seconds (the registry changes rarely)."""

    db: Database
    ttl: float = 60.0
    _by_slug: dict[str, tuple[float, int | None]] = field(default_factory=dict)

    async def resolve(self, slug: str) -> int | None:
        now = time.monotonic()
        hit = self._by_slug.get(slug)
        if hit and hit[0] > now:
            return hit[1]
        async with self.db.transaction(tenant_id=None, read_only=True) as session:
            tenant: Tenant | None = await tenants.tenant_by_slug(session, slug)
        tenant_id = tenant.id if tenant else None
        self._by_slug[slug] = (now + self.ttl, tenant_id)
        return tenant_id


@dataclass(slots=True)
class AppServices:
    settings: Settings
    db: Database
    tenants: TenantDirectory
    extras: dict[str, Any] = field(default_factory=dict)
