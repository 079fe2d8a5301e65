"""Mutations: registering representatives and linking them to places
(`backend.representatives.linkage`)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry
from strawberry import relay

from backend.core.errors import DomainError
from backend.representatives import linkage
from backend.representatives.errors import RepresentativeErrorCode as Code
from schema.context import Info
from schema.mutations import mutate
from schema.representatives.mutations.common import (
    RepresentativePayload,
    RepresentativePlacePayload,
    decode,
    payload_errors,
    representative_node,
)
from schema.representatives.types import DeputyLevel, RepresentativeKind, RepresentativePlace


@strawberry.input(description="A 人大代表 (with level) or 政协委员 (with 界别) to register.")
class RegisterRepresentativeInput:
    kind: RepresentativeKind = strawberry.field(description="人大代表 or 政协委员.")
    name: str = strawberry.field(description="Name.")
    level: DeputyLevel | None = strawberry.field(
        default=None, description="For a 人大代表: the congress (全国/省/市/县/乡)."
    )
    sector: str | None = strawberry.field(default=None, description="For a 政协委员: 界别.")
    unit: str | None = strawberry.field(default=None, description="工作单位及职务.")
    phone: str | None = strawberry.field(default=None, description="Phone (personal data).")
    user_id: relay.GlobalID | None = strawberry.field(
        default=None,
        description="Their account in this county, if any: it then sees their places.",
    )


@strawberry.input(description="A place a representative serves, with dates.")
class LinkRepresentativePlaceInput:
    representative_id: relay.GlobalID = strawberry.field(description="The representative.")
    place_id: relay.GlobalID = strawberry.field(
        description="A village/community (OrgUnit) or a 联系点 (Venue) of this county."
    )
    starts_on: date = strawberry.field(description="Serving from (inclusive).")
    ends_on: date | None = strawberry.field(
        default=None, description="Serving until (inclusive); null: open."
    )


def _place(place_id: relay.GlobalID) -> tuple[int | None, int | None]:
    if place_id.type_name == "Venue":
        return None, decode(place_id, "Venue", "placeId")
    if place_id.type_name == "OrgUnit":
        return decode(place_id, "OrgUnit", "placeId"), None
    raise DomainError(Code.NOT_FOUND, "联系的地点须是村（社区）或联系点", field="placeId")


@strawberry.type
class LinkageMutations:
    @strawberry.mutation(
        description="Register a 人大代表 or 政协委员 of the county (county office)."
    )
    async def register_representative(
        self,
        info: Info,
        input: Annotated[RegisterRepresentativeInput, strawberry.argument(description="Who.")],
    ) -> RepresentativePayload:
        rep, errors = await mutate(
            info,
            lambda s, p: linkage.register_representative(
                s,
                p,
                kind=input.kind,
                name=input.name,
                level=input.level,
                sector=input.sector,
                unit=input.unit,
                phone=input.phone,
                user_id=decode(input.user_id, "User", "userId") if input.user_id else None,
            ),
        )
        return RepresentativePayload(
            representative=await representative_node(info, rep.id if rep else None),
            errors=payload_errors(errors),
        )

    @strawberry.mutation(
        description="Link a representative to a village/community or 联系点 with dates "
        "(county office). Periods of the same representative and place may not overlap."
    )
    async def link_representative_place(
        self,
        info: Info,
        input: Annotated[
            LinkRepresentativePlaceInput, strawberry.argument(description="The linkage.")
        ],
    ) -> RepresentativePlacePayload:
        async def run(s, p):  # type: ignore[no-untyped-def]
            unit_id, venue_id = _place(input.place_id)
            return await linkage.link_place(
                s,
                p,
                representative_id=decode(
                    input.representative_id, "Representative", "representativeId"
                ),
                org_unit_id=unit_id,
                venue_id=venue_id,
                starts_on=input.starts_on,
                ends_on=input.ends_on,
            )

        link, errors = await mutate(info, run)
        return RepresentativePlacePayload(
            place=RepresentativePlace.from_model(link) if link else None,
            representative=await representative_node(
                info, link.representative_id if link else None
            ),
            errors=payload_errors(errors),
        )

    @strawberry.mutation(
        description="End a linkage on a day (inclusive; only earlier than its current end)."
    )
    async def end_representative_place(
        self,
        info: Info,
        link_id: Annotated[
            strawberry.ID, strawberry.argument(description="The linkage (RepresentativePlace id).")
        ],
        ends_on: Annotated[date, strawberry.argument(description="Last day served.")],
    ) -> RepresentativePlacePayload:
        link, errors = await mutate(
            info,
            lambda s, p: linkage.end_place(
                s, p, link_id=decode(link_id, "RepresentativePlace", "linkId"), ends_on=ends_on
            ),
        )
        return RepresentativePlacePayload(
            place=RepresentativePlace.from_model(link) if link else None,
            representative=await representative_node(
                info, link.representative_id if link else None
            ),
            errors=payload_errors(errors),
        )
