"""Queries and mutations of counties, org units and venues."""

from __future__ import annotations

from typing import Annotated

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry import relay

from backend.core.errors import DomainError
from backend.core.security import Principal
from backend.people import counties
from schema.context import Info
from schema.mutations import mutate, user_errors
from schema.relay import (
    Connection,
    PageAfter,
    PageFirst,
    build_connection,
    decode_cursor,
    decode_id,
    decode_id_argument,
    page_size,
)
from schema.tenants.types import (
    County,
    OrgUnit,
    OrgUnitKind,
    TenantError,
    TenantErrorCode,
    Venue,
    VenueLevel,
)
from tenants import models, service
from tenants.errors import TenantErrorCode as Code


def _errors(errors: list[DomainError]) -> list[TenantError]:
    return user_errors(errors, TenantError, TenantErrorCode)


@strawberry.input(description="A county's first county-wide administrator.")
class AdminAccountInput:
    display_name: str = strawberry.field(description="The administrator's name.")
    phone: str = strawberry.field(description="Mobile number (login name).")
    password: str = strawberry.field(description="Initial password, 8+ characters.")


@strawberry.input(description="Register a county (platform operators only).")
class CreateCountyInput:
    name: str = strawberry.field(description="Official name, e.g. 城口县.")
    slug: str = strawberry.field(description="Lower-case identifier, e.g. chengkou.")
    division_code: str = strawberry.field(description="6-digit administrative division code.")
    timezone: str = strawberry.field(default="Asia/Shanghai", description="IANA time zone.")
    admin: AdminAccountInput | None = strawberry.field(
        default=None, description="Optionally, the county's first administrator."
    )


@strawberry.type(description="Result of createCounty.")
class CreateCountyPayload:
    county: County | None = strawberry.field(description="The new county, when created.")
    errors: list[TenantError] = strawberry.field(description="Why it was not created.")


@strawberry.input(description="Add a unit to the org tree.")
class CreateOrgUnitInput:
    parent_id: relay.GlobalID = strawberry.field(description="The unit to add it under.")
    kind: OrgUnitKind = strawberry.field(description="Level of the new unit.")
    name: str = strawberry.field(description="Name, up to 100 characters.")
    code: str | None = strawberry.field(default=None, description="Optional local code.")


@strawberry.input(description="Rename or recode an org unit.")
class UpdateOrgUnitInput:
    id: relay.GlobalID = strawberry.field(description="The unit to change.")
    name: str | None = strawberry.field(default=None, description="New name, if changing.")
    code: str | None = strawberry.field(default=None, description="New code, if changing.")


@strawberry.type(description="Result of an org-unit change.")
class OrgUnitPayload:
    org_unit: OrgUnit | None = strawberry.field(description="The unit after the change.")
    errors: list[TenantError] = strawberry.field(description="Why nothing changed.")


@strawberry.input(description="Attach a 说事 venue to an org unit.")
class CreateVenueInput:
    org_unit_id: relay.GlobalID = strawberry.field(description="Unit the venue belongs to.")
    level: VenueLevel = strawberry.field(description="Venue level; must fit the unit's level.")
    name: str = strawberry.field(description="Venue name, e.g. 北屏乡群众说事处.")
    address: str | None = strawberry.field(default=None, description="Street address.")


@strawberry.type(description="Result of createVenue.")
class VenuePayload:
    venue: Venue | None = strawberry.field(description="The new venue.")
    errors: list[TenantError] = strawberry.field(description="Why it was not created.")


@strawberry.type
class TenantQueries:
    @strawberry.field(description="The county of the request (from the token or X-Tenant).")
    async def county(self, info: Info) -> County | None:
        principal = await info.context.principal()
        if principal.tenant_id is None:
            return None
        row = await info.context.loaders.tenant.load(principal.tenant_id)
        return County.from_model(row) if row else None

    @strawberry.field(description="Org units of the county, in creation order.")
    async def org_units(
        self,
        info: Info,
        parent_id: Annotated[
            relay.GlobalID | None,
            strawberry.argument(description="Only the units directly under this one."),
        ] = None,
        kinds: Annotated[
            list[OrgUnitKind] | None, strawberry.argument(description="Only units of these levels.")
        ] = None,
        first: PageFirst = None,
        after: PageAfter = None,
    ) -> Connection[OrgUnit]:
        size = page_size(first)
        after_id = decode_cursor(after)
        parent = decode_id_argument(parent_id, "OrgUnit", field="parentId") if parent_id else None
        rows = await info.context.read(
            lambda s: service.list_org_units(
                s, parent_id=parent, kinds=kinds, after_id=after_id, limit=size + 1
            )
        )
        return build_connection(rows, first=size, to_node=OrgUnit.from_model, key=lambda r: r.id)

    @strawberry.field(description="说事 venues of the county, in creation order.")
    async def venues(
        self,
        info: Info,
        org_unit_id: Annotated[
            relay.GlobalID | None, strawberry.argument(description="Only venues of this unit.")
        ] = None,
        first: PageFirst = None,
        after: PageAfter = None,
    ) -> Connection[Venue]:
        size = page_size(first)
        after_id = decode_cursor(after)
        unit = (
            decode_id_argument(org_unit_id, "OrgUnit", field="orgUnitId") if org_unit_id else None
        )
        rows = await info.context.read(
            lambda s: service.list_venues(s, org_unit_id=unit, after_id=after_id, limit=size + 1)
        )
        return build_connection(rows, first=size, to_node=Venue.from_model, key=lambda r: r.id)

    @strawberry.field(description="All counties (platform operators only).")
    async def counties(
        self,
        info: Info,
        first: PageFirst = None,
        after: PageAfter = None,
    ) -> Connection[County]:
        size = page_size(first)
        after_id = decode_cursor(after)
        principal = await info.context.principal()
        service.require_operator(principal)

        async def run(session: AsyncSession) -> list[models.Tenant]:
            return await service.list_tenants(session, principal, after_id=after_id, limit=size + 1)

        async with info.context.services.db.platform_transaction() as session:
            rows = await run(session)
        return build_connection(rows, first=size, to_node=County.from_model, key=lambda r: r.id)


@strawberry.type
class TenantMutations:
    @strawberry.mutation(
        description="Register a county with its root unit, an online 说事处 "
        "and optionally its first administrator. Platform operators only."
    )
    async def create_county(
        self,
        info: Info,
        input: Annotated[
            CreateCountyInput, strawberry.argument(description="The county to register.")
        ],
    ) -> CreateCountyPayload:
        admin = (
            counties.AdminAccount(
                display_name=input.admin.display_name,
                phone=input.admin.phone,
                password=input.admin.password,
            )
            if input.admin
            else None
        )
        tenant, errors = await mutate(
            info,
            lambda s, p: counties.create_county(
                s,
                p,
                name=input.name,
                slug=input.slug,
                division_code=input.division_code,
                timezone=input.timezone,
                admin=admin,
                passwords=info.context.services.passwords,
            ),
            platform=True,
        )
        return CreateCountyPayload(
            county=County.from_model(tenant) if tenant else None, errors=_errors(errors)
        )

    @strawberry.mutation(
        description="Add a unit under another (乡镇 under 县, 村 under 乡镇, …). "
        "Tenant admins (of the parent's subtree)."
    )
    async def create_org_unit(
        self,
        info: Info,
        input: Annotated[CreateOrgUnitInput, strawberry.argument(description="The unit to add.")],
    ) -> OrgUnitPayload:
        async def run(s: AsyncSession, p: Principal) -> models.OrgUnit:
            parent = decode_id(input.parent_id, "OrgUnit", field="parentId", code=Code.INVALID)
            return await service.create_org_unit(
                s, p, parent_id=parent, kind=input.kind, name=input.name, code=input.code
            )

        unit, errors = await mutate(info, run)
        return OrgUnitPayload(
            org_unit=OrgUnit.from_model(unit) if unit else None, errors=_errors(errors)
        )

    @strawberry.mutation(description="Rename or recode an org unit. Tenant admins.")
    async def update_org_unit(
        self,
        info: Info,
        input: Annotated[
            UpdateOrgUnitInput, strawberry.argument(description="The unit and what to change.")
        ],
    ) -> OrgUnitPayload:
        async def run(s: AsyncSession, p: Principal) -> models.OrgUnit:
            unit_id = decode_id(input.id, "OrgUnit", field="id", code=Code.INVALID)
            return await service.update_org_unit(
                s, p, unit_id=unit_id, name=input.name, code=input.code
            )

        unit, errors = await mutate(info, run)
        return OrgUnitPayload(
            org_unit=OrgUnit.from_model(unit) if unit else None, errors=_errors(errors)
        )

    @strawberry.mutation(description="Attach a 说事 venue to an org unit. Tenant admins.")
    async def create_venue(
        self,
        info: Info,
        input: Annotated[CreateVenueInput, strawberry.argument(description="The venue to attach.")],
    ) -> VenuePayload:
        async def run(s: AsyncSession, p: Principal) -> models.Venue:
            unit_id = decode_id(input.org_unit_id, "OrgUnit", field="orgUnitId", code=Code.INVALID)
            return await service.create_venue(
                s, p, org_unit_id=unit_id, level=input.level, name=input.name, address=input.address
            )

        venue, errors = await mutate(info, run)
        return VenuePayload(
            venue=Venue.from_model(venue) if venue else None, errors=_errors(errors)
        )
