"""Counties, org units and venues for tests (set up through the services, not the API)."""

from __future__ import annotations

import itertools
import uuid
from dataclasses import dataclass, field

from strawberry import relay

from backend.core.security import Principal
from backend.people.models import Role
from schema.relay import from_global_id, to_global_id
from tenants import service
from tenants.models import OrgUnitKind, VenueLevel
from tests.conftest import LiveServer

_division = itertools.count(100000 + (uuid.uuid4().int % 800000))


def next_division_code() -> str:
    """A 6-digit code no county of this test process has: every test that makes a county
    (through a factory or through `createCounty`) draws from this one counter."""
    return f"{next(_division) % 1000000:06d}"


def gid(type_name: str, db_id: int) -> str:
    """The global id the API shows for row `db_id` of `type_name`."""
    return to_global_id(type_name, db_id)


def db_id(global_id: str) -> int:
    """The row id behind a global id the API returned."""
    row_id = from_global_id(global_id, relay.GlobalID.from_id(global_id).type_name)
    assert row_id is not None, global_id
    return row_id


@dataclass
class County:
    id: int
    slug: str
    name: str
    root_id: int
    admin: Account = field(init=False)

    @property
    def root_gid(self) -> str:
        return gid("OrgUnit", self.root_id)


@dataclass
class Account:
    user_id: int
    token: str
    phone: str
    county: County

    @property
    def gid(self) -> str:
        return gid("User", self.user_id)


async def make_county(server: LiveServer, *, name: str = "测试县") -> County:
    """A county with its root unit and a county-wide admin (`county.admin`)."""
    from tests.factories.people import make_user

    slug = f"t{uuid.uuid4().hex[:12]}"
    async with server.services.db.platform_transaction() as session:
        tenant = await service.create_tenant(
            session,
            Principal(tenant_id=None, operator_id=0),
            name=name,
            slug=slug,
            division_code=next_division_code(),
        )
    async with server.services.db.transaction(tenant_id=tenant.id) as session:
        root = await service.root_unit(session)
    county = County(id=tenant.id, slug=slug, name=name, root_id=root.id)
    county.admin = await make_user(server, county, roles=[(Role.TENANT_ADMIN, None)], name="管理员")
    return county


async def make_unit(
    server: LiveServer,
    county: County,
    *,
    parent_id: int | None = None,
    kind: OrgUnitKind = OrgUnitKind.TOWNSHIP,
    name: str | None = None,
) -> int:
    principal = await county_admin_principal(server, county)
    async with server.services.db.transaction(
        tenant_id=county.id, user_id=county.admin.user_id
    ) as session:
        unit = await service.create_org_unit(
            session,
            principal,
            parent_id=parent_id or county.root_id,
            kind=kind,
            name=name or f"单元{uuid.uuid4().hex[:6]}",
        )
    return unit.id


async def make_venue(
    server: LiveServer, county: County, *, unit_id: int, level: VenueLevel, name: str | None = None
) -> int:
    principal = await county_admin_principal(server, county)
    async with server.services.db.transaction(
        tenant_id=county.id, user_id=county.admin.user_id
    ) as session:
        venue = await service.create_venue(
            session,
            principal,
            org_unit_id=unit_id,
            level=level,
            name=name or f"场所{uuid.uuid4().hex[:6]}",
        )
    return venue.id


async def county_admin_principal(server: LiveServer, county: County) -> Principal:
    from backend.people import service as people

    async with server.services.db.transaction(tenant_id=county.id) as session:
        _, name, grants = await people.load_grants(session, county.admin.user_id)
    return Principal(
        tenant_id=county.id, user_id=county.admin.user_id, grants=grants, display_name=name
    )
