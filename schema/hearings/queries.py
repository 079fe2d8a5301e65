"""Queries of hearings: the list (a single hearing is `node(id:)`) and the record."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry import relay
from strawberry.scalars import JSON

from backend.core.errors import DomainError, InvalidArgument
from backend.hearings import reading
from schema.context import Info
from schema.hearings.types import Hearing
from schema.relay import (
    Connection,
    PageAfter,
    PageFirst,
    build_connection,
    decode_cursor,
    decode_id_argument,
    page_size,
)


@strawberry.type
class HearingQueries:
    @strawberry.field(
        description="Hearings and 列席 selections the caller may read (published ones; drafts "
        "for organisers), newest first, each with its pool, draw and report."
    )
    async def hearings(
        self, info: Info, first: PageFirst = None, after: PageAfter = None
    ) -> Connection[Hearing]:
        size = page_size(first)
        key = decode_cursor(after)
        principal = await info.context.principal()
        rows = await info.context.read(lambda s: reading.page(s, principal, first=size, after=key))
        return build_connection(
            rows,
            first=size,
            to_node=lambda d: Hearing.from_details(d, user_id=principal.user_id),
            key=lambda d: d.hearing.id,
        )

    @strawberry.field(
        description="The record of a hearing (听证记录) as JSON: its sections (notice and "
        "quotas, witnesses, pool by pool id, the published draw, transcript, confirmations, "
        "report), every event, the chain check and the county's seal; `yishi record "
        "verify-export` checks it alone. Organisers at any time; anyone signed in to the "
        "county once it is sealed. A Word version is at /hearings/<id>/record.docx."
    )
    async def hearing_record(
        self,
        info: Info,
        hearing_id: Annotated[relay.GlobalID, strawberry.argument(description="The hearing.")],
    ) -> JSON:
        from backend.hearings.record import readable_record

        hid = decode_id_argument(hearing_id, "Hearing", field="hearingId")
        principal = await info.context.principal()

        async def run(s: AsyncSession) -> dict[str, Any]:
            record, _hearing = await readable_record(s, principal, hearing_id=hid)
            return record

        try:
            return JSON(await info.context.read(run))
        except DomainError as error:
            raise InvalidArgument(error.message) from error
