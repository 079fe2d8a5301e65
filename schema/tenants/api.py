"""Queries and mutations of counties, org units and venues."""

from __future__ import annotations

from typing import Annotated

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry import relay

from backend.core import rules
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
from tenants import models, rulebook, service
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


@strawberry.input(description="Rename a 说事 venue or change its address.")
class UpdateVenueInput:
    id: relay.GlobalID = strawberry.field(description="The venue to change.")
    name: str | None = strawberry.field(default=None, description="New name, if changing.")
    address: str | None = strawberry.field(
        default=None, description="New street address, if changing (empty: none)."
    )


@strawberry.type(description="Result of createVenue or updateVenue.")
class VenuePayload:
    venue: Venue | None = strawberry.field(description="The new venue.")
    errors: list[TenantError] = strawberry.field(description="Why it was not created.")


RuleUnit = rules.RuleUnit
strawberry.enum(
    RuleUnit,
    description="What a rule's value counts: CALENDAR_DAYS 日（自然日）, "
    "WORKING_DAYS 工作日（含调休）, SECONDS 秒, COUNT 人数/个数, CHARACTERS 字数.",
)


@strawberry.type(
    name="CountyRule",
    description="A rule of the county's rulebook (议事规则): its value here, the default and "
    "the legal source each comes from.",
)
class CountyRule:
    key: str = strawberry.field(description="The rule's key, e.g. decision.public_comment_period.")
    title: str = strawberry.field(description="What the rule is, in Chinese.")
    value: int = strawberry.field(description="The value that applies in the county.")
    unit: RuleUnit = strawberry.field(description="What the value counts.")
    amount: str = strawberry.field(description="The value with its Chinese unit, e.g. 30日.")
    source: str = strawberry.field(description="The document and article the value comes from.")
    overridden: bool = strawberry.field(description="True when the county set its own value.")
    reason: str | None = strawberry.field(
        description="Why the county went below a binding minimum (published with the rule)."
    )
    binding_minimum: bool = strawberry.field(
        description="The default is a national floor: below it only with a reason."
    )
    below_binding_minimum: bool = strawberry.field(
        description="The county's value is below the binding minimum (with its reason)."
    )
    default_value: int = strawberry.field(description="The default value.")
    default_unit: RuleUnit = strawberry.field(description="The default's unit.")
    default_amount: str = strawberry.field(description="The default with its Chinese unit.")
    default_source: str = strawberry.field(description="Where the default comes from.")
    note: str | None = strawberry.field(description="What else the source says, if anything.")
    citation: str = strawberry.field(description="How messages cite the rule (依据…).")

    @classmethod
    def of(cls, r: rules.RuleValue) -> CountyRule:
        d = r.default
        return cls(
            key=r.key,
            title=r.title,
            value=r.value,
            unit=r.unit,
            amount=rules.format_amount(r.value, r.unit, r.noun),
            source=r.source,
            overridden=r.overridden,
            reason=r.reason,
            binding_minimum=r.binding_minimum,
            below_binding_minimum=r.below_binding_minimum,
            default_value=d.value,
            default_unit=d.unit,
            default_amount=rules.format_amount(d.value, d.unit, d.noun),
            default_source=d.source,
            note=d.note or None,
            citation=rules.cite(r),
        )


@strawberry.input(description="Set the county's own value of a rule.")
class SetCountyRuleInput:
    key: str = strawberry.field(description="The rule's key.")
    value: int = strawberry.field(description="The county's value, a positive integer.")
    unit: RuleUnit | None = strawberry.field(
        default=None,
        description="Calendar or working days for a day rule; null: the default's unit.",
    )
    source: str = strawberry.field(
        description="The document and article it comes from, up to 200 characters."
    )
    reason: str | None = strawberry.field(
        default=None,
        description="Why, up to 500 characters; required below a binding minimum (published).",
    )


@strawberry.type(description="Result of setCountyRule or resetCountyRule.")
class CountyRulePayload:
    rule: CountyRule | None = strawberry.field(description="The rule as it now applies.")
    errors: list[TenantError] = strawberry.field(description="Why nothing changed.")


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

    @strawberry.field(
        description="The county's rulebook (议事规则): every deadline, minimum and quota as it "
        "applies here, with its default and legal source (signed-in county members)."
    )
    async def county_rules(self, info: Info) -> list[CountyRule]:
        principal = await info.context.principal()
        rows = await info.context.read(lambda s: rulebook.county_rulebook(s, principal))
        return [CountyRule.of(r) for r in rows]

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

    @strawberry.mutation(
        description="Rename a 说事 venue or change its address (its unit and level stay). "
        "Tenant admins of its unit. Audited."
    )
    async def update_venue(
        self,
        info: Info,
        input: Annotated[
            UpdateVenueInput, strawberry.argument(description="The venue and what to change.")
        ],
    ) -> VenuePayload:
        async def run(s: AsyncSession, p: Principal) -> models.Venue:
            venue_id = decode_id(input.id, "Venue", field="id", code=Code.NOT_FOUND)
            return await service.update_venue(
                s, p, venue_id=venue_id, name=input.name, address=input.address
            )

        venue, errors = await mutate(info, run)
        return VenuePayload(
            venue=Venue.from_model(venue) if venue else None, errors=_errors(errors)
        )

    @strawberry.mutation(
        description="Set the county's own value of a rule with its legal source (county-wide "
        "administrators); below a binding minimum (e.g. the national 30-day comment period) "
        "only with a reason, refused otherwise naming the rule and its source. Audited."
    )
    async def set_county_rule(
        self,
        info: Info,
        input: Annotated[
            SetCountyRuleInput, strawberry.argument(description="The rule and its new value.")
        ],
    ) -> CountyRulePayload:
        rule, errors = await mutate(
            info,
            lambda s, p: rulebook.set_county_rule(
                s,
                p,
                key=input.key,
                value=input.value,
                unit=input.unit,
                source=input.source,
                reason=input.reason,
            ),
        )
        return CountyRulePayload(rule=CountyRule.of(rule) if rule else None, errors=_errors(errors))

    @strawberry.mutation(
        description="Drop the county's own value of a rule: the default applies again "
        "(county-wide administrators). Audited."
    )
    async def reset_county_rule(
        self,
        info: Info,
        key: Annotated[str, strawberry.argument(description="The rule's key.")],
    ) -> CountyRulePayload:
        rule, errors = await mutate(info, lambda s, p: rulebook.reset_county_rule(s, p, key=key))
        return CountyRulePayload(rule=CountyRule.of(rule) if rule else None, errors=_errors(errors))
