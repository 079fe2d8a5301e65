"""Mutations of 主动公开 publications (`backend.disclosure.publications`)."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry import relay

from backend.disclosure import publications
from schema.context import Info
from schema.disclosure.mutations.common import PublicationPayload, decode, payload_errors
from schema.disclosure.types import Publication, PublicationCategory
from schema.mutations import mutate

_PUBLICATION = Annotated[relay.GlobalID, strawberry.argument(description="The publication.")]


@strawberry.type
class PublicationMutations:
    @strawberry.mutation(
        description="Write a publication; it waits for a reviewer's approval (county staff)."
    )
    async def draft_publication(
        self,
        info: Info,
        title: Annotated[str, strawberry.argument(description="标题 (≤ 200).")],
        body: Annotated[str, strawberry.argument(description="正文.")],
        category: Annotated[PublicationCategory, strawberry.argument(description="公开类别.")],
    ) -> PublicationPayload:
        row, errors = await mutate(
            info,
            lambda s, p: publications.draft(s, p, title=title, body=body, category=category),
        )
        return PublicationPayload(
            publication=Publication.from_row(row) if row else None, errors=payload_errors(errors)
        )

    @strawberry.mutation(
        description="审核通过: approve and publish a draft the caller did not write (a "
        "county-wide administrator; SELF_APPROVAL for one's own)."
    )
    async def approve_publication(
        self, info: Info, publication_id: _PUBLICATION
    ) -> PublicationPayload:
        row, errors = await mutate(
            info,
            lambda s, p: publications.approve(
                s, p, publication_id=decode(publication_id, "Publication", "publicationId")
            ),
        )
        return PublicationPayload(
            publication=Publication.from_row(row) if row else None, errors=payload_errors(errors)
        )

    @strawberry.mutation(
        description="Withdraw a published item with a public reason (a county-wide administrator)."
    )
    async def withdraw_publication(
        self,
        info: Info,
        publication_id: _PUBLICATION,
        reason: Annotated[str, strawberry.argument(description="Why (public).")],
    ) -> PublicationPayload:
        row, errors = await mutate(
            info,
            lambda s, p: publications.withdraw(
                s,
                p,
                publication_id=decode(publication_id, "Publication", "publicationId"),
                reason=reason,
            ),
        )
        return PublicationPayload(
            publication=Publication.from_row(row) if row else None, errors=payload_errors(errors)
        )
