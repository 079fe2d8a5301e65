"""Per-request dataloaders: one query per kind of thing per request, whatever the page size."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.dataloader import DataLoader

from backend.people.models import Membership, User
from tenants.models import OrgUnit, Tenant, Venue

if TYPE_CHECKING:
    from schema.context import Context


def _all(query: Any) -> Any:
    async def run(session: AsyncSession) -> list[Any]:
        return list((await session.scalars(query)).all())

    return run


class Loaders:
    def __init__(self, ctx: Context) -> None:
        self._ctx = ctx
        self.org_unit = DataLoader(self._by_id(OrgUnit))
        self.user = DataLoader(self._by_id(User))
        self.tenant = DataLoader(self._by_id(Tenant))
        self.venue = DataLoader(self._by_id(Venue))
        self.membership = DataLoader(self._by_id(Membership))
        self.venues_by_unit = DataLoader(self._grouped(Venue, Venue.org_unit_id, Venue.id))
        self.children_by_unit = DataLoader(self._grouped(OrgUnit, OrgUnit.parent_id, OrgUnit.id))
        self.memberships_by_user = DataLoader(
            self._grouped(Membership, Membership.user_id, Membership.id)
        )

    def _by_id(self, model: Any) -> Any:
        async def load(ids: Sequence[int]) -> list[Any]:
            rows = await self._ctx.read(_all(select(model).where(model.id.in_(ids))))
            found = {row.id: row for row in rows}
            return [found.get(i) for i in ids]

        return load

    def _grouped(self, model: Any, column: Any, order: Any) -> Any:
        async def load(keys: Sequence[int]) -> list[list[Any]]:
            rows = await self._ctx.read(_all(select(model).where(column.in_(keys)).order_by(order)))
            groups: dict[int, list[Any]] = defaultdict(list)
            for row in rows:
                groups[getattr(row, column.key)].append(row)
            return [groups.get(k, []) for k in keys]

        return load
