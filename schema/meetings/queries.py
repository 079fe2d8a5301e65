"""Queries of meetings: the list page and the consultation record."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry import relay
from strawberry.types import Info

from backend.core.errors import DomainError
from backend.meetings import access, visibility
from schema.meetings.types import Meeting, MeetingState
from schema.relay import Connection, build_connection, decode_cursor, decode_id_argument, page_size


@strawberry.type
class MeetingQueries:
    @strawberry.field(description="Meetings of the county, newest first.")
    async def meetings(
        self,
        info: Info,
        states: Annotated[
            list[MeetingState] | None, strawberry.argument(description="Only these states.")
        ] = None,
        first: Annotated[
            int | None, strawberry.argument(description="Page size, 1–100 (20).")
        ] = None,
        after: Annotated[
            str | None, strawberry.argument(description="Cursor to start after.")
        ] = None,
    ) -> Connection[Meeting]:
        size, after_id = page_size(first), decode_cursor(after)
        principal = await info.context.principal()
        principal.require_tenant()
        rows = await info.context.read(
            lambda s: access.list_meetings(
                s, principal, states=states, after_id=after_id, limit=size + 1
            )
        )
        return build_connection(rows, first=size, to_node=Meeting.from_model, key=lambda r: r.id)

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

        async def run(s):  # type: ignore[no-untyped-def]
            await access.require_record_access(s, principal, await access.get_meeting(s, mid))
            view = await visibility.view_of(s, principal, mid)
            return visibility.record_for(await build_record(s, mid), view)

        try:
            return await info.context.read(run)
        except DomainError as error:
            from backend.core.errors import InvalidArgument

            raise InvalidArgument(error.message) from error
