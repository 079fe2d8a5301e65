"""Queries of meetings: the list page and the consultation record."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry import relay
from strawberry.scalars import JSON

from backend.core.errors import DomainError
from backend.meetings import access, visibility
from schema.context import Info
from schema.meetings.types import Meeting, MeetingState
from schema.relay import Connection, PageAfter, PageFirst, decode_id_argument


@strawberry.type
class MeetingQueries:
    @strawberry.field(description="Meetings of the county, newest first.")
    async def meetings(
        self,
        info: Info,
        states: Annotated[
            list[MeetingState] | None, strawberry.argument(description="Only these states.")
        ] = None,
        first: PageFirst = None,
        after: PageAfter = None,
    ) -> Connection[Meeting]:
        from schema.meetings.pages import meetings_page

        return await meetings_page(info, states=states, first=first, after=after)

    @strawberry.field(
        description="The consultation record of a meeting (JSON export: meeting, "
        "agenda, results, comments, minutes, every event and the chain check). "
        "A Word version is at /meetings/<id>/record.docx."
    )
    async def meeting_record(
        self,
        info: Info,
        meeting_id: Annotated[relay.GlobalID, strawberry.argument(description="The meeting.")],
    ) -> strawberry.scalars.JSON:
        from backend.meetings.record.build import build_record

        mid = decode_id_argument(meeting_id, "Meeting", field="meetingId")
        principal = await info.context.principal()

        async def run(s: AsyncSession) -> dict[str, Any]:
            await access.require_record_access(s, principal, await access.get_meeting(s, mid))
            view = await visibility.view_of(s, principal, mid)
            return visibility.record_for(await build_record(s, mid), view)

        try:
            return JSON(await info.context.read(run))
        except DomainError as error:
            from backend.core.errors import InvalidArgument

            raise InvalidArgument(error.message) from error
