"""GraphQL types of counties, org units and venues."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated

import strawberry
from strawberry import relay

from schema.context import Info
from schema.errors import UserError
from schema.relay import DatabaseNode, resolve_by_ids
from tenants import models
from tenants.errors import TenantErrorCode as _TenantErrorCode

# The domain's enums, marked as GraphQL enums in place (strawberry.enum returns the class
# it is given): the names stay plain aliases, so annotations using them are types to mypy.
OrgUnitKind = models.OrgUnitKind
strawberry.enum(
    OrgUnitKind,
    description="Level of an org unit: 县/区 COUNTY, 乡镇 TOWNSHIP, 街道 SUBDISTRICT, 村 VILLAGE, "
    "社区 COMMUNITY, 网格 GRID, or a government DEPARTMENT/unit (部门/单位).",
)
VenueLevel = models.VenueLevel
strawberry.enum(
    VenueLevel,
    description="说事 venue level: 说事中心 CENTER (县), 说事处 OFFICE (乡镇/街道), 说事站 STATION "
    "(村/社区), 说事点 POINT (网格), 线上说事处 ONLINE.",
)
TenantErrorCode = _TenantErrorCode
strawberry.enum(TenantErrorCode, description="Why a county/org change failed.")


@strawberry.type(description="A failure of a county, org-unit or venue change.")
class TenantError(UserError):
    code: TenantErrorCode = strawberry.field(description="Machine-readable reason.")


@strawberry.type(name="County", description="A county government (县/区) using Yishi: one tenant.")
class County(DatabaseNode, relay.Node):
    id: relay.NodeID[int]
    name: str = strawberry.field(description="Official name, e.g. 城口县.")
    slug: str = strawberry.field(description="Short identifier used in the X-Tenant header.")
    division_code: str = strawberry.field(description="Administrative division code, e.g. 500229.")
    timezone: str = strawberry.field(description="IANA time zone, Asia/Shanghai by default.")

    @classmethod
    def from_model(cls, t: models.Tenant) -> County:
        return cls(
            id=t.id, name=t.name, slug=t.slug, division_code=t.division_code, timezone=t.timezone
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]  # null for ids naming no row: DatabaseNode
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[County | None]:
        """Only the caller's own county (platform operators: any): another county's id,
        even a real one, names nothing here, as for every other type."""
        principal = await info.context.principal()

        async def load_many(ids: list[int]) -> list[models.Tenant | None]:
            if principal.is_operator:
                return list(await info.context.loaders.tenant.load_many(ids))
            own = principal.tenant_id
            rows = await info.context.loaders.tenant.load_many([own] if own in ids else [])
            return [rows[0] if i == own else None for i in ids]

        return await resolve_by_ids("County", load_many, node_ids, cls.from_model)


@strawberry.type(
    name="OrgUnit",
    description="A node of the county's org tree "
    "(县 → 乡镇/街道 → 村/社区 → 网格, and departments).",
)
class OrgUnit(DatabaseNode, relay.Node):
    id: relay.NodeID[int]
    kind: OrgUnitKind = strawberry.field(description="Level in the tree.")
    name: str = strawberry.field(description="Name, e.g. 葛城街道.")
    code: str | None = strawberry.field(description="Optional local code.")
    parent_db_id: strawberry.Private[int | None]

    @strawberry.field(description="The unit above this one; null for the county itself.")
    async def parent(self, info: Info) -> OrgUnit | None:
        if self.parent_db_id is None:
            return None
        row = await info.context.loaders.org_unit.load(self.parent_db_id)
        return OrgUnit.from_model(row) if row else None

    @strawberry.field(description="Units directly below this one, in creation order.")
    async def children(self, info: Info) -> list[OrgUnit]:
        rows = await info.context.loaders.children_by_unit.load(self.id)
        return [OrgUnit.from_model(r) for r in rows]

    @strawberry.field(description="说事 venues attached to this unit.")
    async def venues(
        self, info: Info
    ) -> list[Annotated[Venue, strawberry.lazy("schema.tenants.types")]]:
        rows = await info.context.loaders.venues_by_unit.load(self.id)
        return [Venue.from_model(r) for r in rows]

    @classmethod
    def from_model(cls, u: models.OrgUnit) -> OrgUnit:
        return cls(id=u.id, kind=u.kind, name=u.name, code=u.code, parent_db_id=u.parent_id)

    @classmethod
    async def resolve_nodes(  # type: ignore[override]  # null for ids naming no row: DatabaseNode
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[OrgUnit | None]:
        return await resolve_by_ids(
            "OrgUnit", info.context.loaders.org_unit.load_many, node_ids, cls.from_model
        )


@strawberry.type(name="Venue", description="A 说事 venue where people raise and discuss matters.")
class Venue(DatabaseNode, relay.Node):
    id: relay.NodeID[int]
    level: VenueLevel = strawberry.field(
        description="Venue level (说事中心/说事处/说事站/说事点/线上)."
    )
    name: str = strawberry.field(description="Venue name.")
    address: str | None = strawberry.field(description="Street address, if any.")
    org_unit_db_id: strawberry.Private[int]

    @strawberry.field(description="The org unit the venue belongs to.")
    async def org_unit(self, info: Info) -> OrgUnit:
        unit = await info.context.loaders.org_unit.load(self.org_unit_db_id)
        assert unit is not None, "a venue's org unit exists (foreign key, same county)"
        return OrgUnit.from_model(unit)

    @classmethod
    def from_model(cls, v: models.Venue) -> Venue:
        return cls(
            id=v.id, level=v.level, name=v.name, address=v.address, org_unit_db_id=v.org_unit_id
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]  # null for ids naming no row: DatabaseNode
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Venue | None]:
        return await resolve_by_ids(
            "Venue", info.context.loaders.venue.load_many, node_ids, cls.from_model
        )
