"""Queries of hearings: the list (a single hearing is `node(id:)`)."""

from __future__ import annotations

import strawberry

from backend.hearings import reading
from schema.context import Info
from schema.hearings.types import Hearing
from schema.relay import (
    Connection,
    PageAfter,
    PageFirst,
    build_connection,
    decode_cursor,
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
