"""Mutations of the consultation catalogue (`backend.agenda.catalogue`)."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry import relay

from backend.agenda import catalogue
from schema.agenda.mutations.common import (
    CataloguePayload,
    catalogue_after,
    decode,
    decode_unit,
    gid,
    payload_errors,
)
from schema.agenda.types import ConsultationForm
from schema.context import Info
from schema.mutations import mutate

_CATALOGUE = Annotated[relay.GlobalID, strawberry.argument(description="The catalogue.")]
_ITEM = Annotated[relay.GlobalID, strawberry.argument(description="The catalogue item.")]


@strawberry.input(description="A topic of the consultation catalogue.")
class CatalogueItemInput:
    topic: str = strawberry.field(description="协商议题 (≤ 200 characters).")
    proposing_body: str = strawberry.field(description="提出单位, e.g. 县政协, 县发改委.")
    lead_unit_id: relay.GlobalID = strawberry.field(description="The lead unit (承办单位).")
    form: ConsultationForm = strawberry.field(description="The form of consultation.")
    planned_quarter: int = strawberry.field(description="Planned quarter, 1–4.")


@strawberry.type
class CatalogueMutations:
    @strawberry.mutation(
        description="Start a year's consultation catalogue and plan (county staff); one per year."
    )
    async def create_consultation_catalogue(
        self,
        info: Info,
        year: Annotated[int, strawberry.argument(description="The year.")],
        title: Annotated[str, strawberry.argument(description="Its title.")],
    ) -> CataloguePayload:
        row, errors = await mutate(
            info, lambda s, p: catalogue.create_catalogue(s, p, year=year, title=title)
        )
        return CataloguePayload(
            catalogue=await catalogue_after(info, row.id if row else None),
            item_id=None,
            errors=payload_errors(errors),
        )

    @strawberry.mutation(description="Add a topic to a draft catalogue (county staff).")
    async def add_catalogue_item(
        self,
        info: Info,
        catalogue_id: _CATALOGUE,
        input: Annotated[CatalogueItemInput, strawberry.argument(description="The topic.")],
    ) -> CataloguePayload:
        row, errors = await mutate(
            info,
            lambda s, p: catalogue.add_item(
                s,
                p,
                catalogue_id=decode(catalogue_id, "ConsultationCatalogue", "catalogueId"),
                topic=input.topic,
                proposing_body=input.proposing_body,
                lead_unit_id=decode_unit(input.lead_unit_id, "input.leadUnitId"),
                form=input.form,
                planned_quarter=input.planned_quarter,
            ),
        )
        return CataloguePayload(
            catalogue=await catalogue_after(info, row.catalogue_id if row else None),
            item_id=gid("CatalogueItem", row.id if row else None),
            errors=payload_errors(errors),
        )

    @strawberry.mutation(
        description="审定: approve a draft catalogue with at least one item (county office)."
    )
    async def approve_consultation_catalogue(
        self, info: Info, catalogue_id: _CATALOGUE
    ) -> CataloguePayload:
        row, errors = await mutate(
            info,
            lambda s, p: catalogue.approve_catalogue(
                s, p, catalogue_id=decode(catalogue_id, "ConsultationCatalogue", "catalogueId")
            ),
        )
        return CataloguePayload(
            catalogue=await catalogue_after(info, row.id if row else None),
            item_id=None,
            errors=payload_errors(errors),
        )

    @strawberry.mutation(
        description="公布: publish an approved catalogue; it becomes public (county office)."
    )
    async def publish_consultation_catalogue(
        self, info: Info, catalogue_id: _CATALOGUE
    ) -> CataloguePayload:
        row, errors = await mutate(
            info,
            lambda s, p: catalogue.publish_catalogue(
                s, p, catalogue_id=decode(catalogue_id, "ConsultationCatalogue", "catalogueId")
            ),
        )
        return CataloguePayload(
            catalogue=await catalogue_after(info, row.id if row else None),
            item_id=None,
            errors=payload_errors(errors),
        )

    @strawberry.mutation(
        description="调整: change an item of an approved catalogue (topic, lead unit, form, "
        "quarter) or cancel it, with a recorded reason (county staff). Null fields stay."
    )
    async def adjust_catalogue_item(
        self,
        info: Info,
        item_id: _ITEM,
        reason: Annotated[str, strawberry.argument(description="Why (required, public).")],
        topic: Annotated[str | None, strawberry.argument(description="New topic.")] = None,
        lead_unit_id: Annotated[
            relay.GlobalID | None, strawberry.argument(description="New lead unit.")
        ] = None,
        form: Annotated[
            ConsultationForm | None, strawberry.argument(description="New form.")
        ] = None,
        planned_quarter: Annotated[
            int | None, strawberry.argument(description="New quarter, 1–4.")
        ] = None,
        cancel: Annotated[bool, strawberry.argument(description="Cancel the item (取消).")] = False,
    ) -> CataloguePayload:
        row, errors = await mutate(
            info,
            lambda s, p: catalogue.adjust_item(
                s,
                p,
                item_id=decode(item_id, "CatalogueItem", "itemId"),
                reason=reason,
                topic=topic,
                lead_unit_id=decode_unit(lead_unit_id, "leadUnitId") if lead_unit_id else None,
                form=form,
                planned_quarter=planned_quarter,
                cancel=cancel,
            ),
        )
        return CataloguePayload(
            catalogue=await catalogue_after(info, row.catalogue_id if row else None),
            item_id=gid("CatalogueItem", row.id if row else None),
            errors=payload_errors(errors),
        )

    @strawberry.mutation(
        description="Link an item to the meeting where it is held: SCHEDULED until the "
        "meeting starts, HELD from then (link again to refresh). County staff."
    )
    async def link_catalogue_item_meeting(
        self,
        info: Info,
        item_id: _ITEM,
        meeting_id: Annotated[relay.GlobalID, strawberry.argument(description="The meeting.")],
    ) -> CataloguePayload:
        row, errors = await mutate(
            info,
            lambda s, p: catalogue.link_meeting(
                s,
                p,
                item_id=decode(item_id, "CatalogueItem", "itemId"),
                meeting_id=decode(meeting_id, "Meeting", "meetingId"),
            ),
        )
        return CataloguePayload(
            catalogue=await catalogue_after(info, row.catalogue_id if row else None),
            item_id=gid("CatalogueItem", row.id if row else None),
            errors=payload_errors(errors),
        )
