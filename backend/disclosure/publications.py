"""主动公开 publications (seed 002 一、二): staff write a draft; a reviewer who is not its
author approves it ("凡未经审核的信息严禁上网发布"), and it is published the day it is
approved ("经审核后的信息，于信息审核通过当日发布"); a published item may be withdrawn with
a public reason."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from backend.core.errors import DomainError
from backend.core.security import Principal
from backend.core.validation import clean_text
from backend.disclosure.access import get_row, require_county_staff, require_reviewer
from backend.disclosure.errors import DisclosureErrorCode as Code
from backend.disclosure.events import (
    PublicationApproved,
    PublicationDrafted,
    PublicationEvent,
    PublicationWithdrawn,
)
from backend.disclosure.models import Publication, PublicationCategory, PublicationState
from backend.disclosure.stream import on_publication

STATE_LABELS = {
    PublicationState.DRAFT: "待审核",
    PublicationState.PUBLISHED: "已发布",
    PublicationState.WITHDRAWN: "已撤回",
}


async def draft(
    session: AsyncSession,
    principal: Principal,
    *,
    title: str,
    body: str,
    category: PublicationCategory,
) -> Publication:
    require_county_staff(principal)
    publication = Publication(
        tenant_id=principal.require_tenant(),
        title=clean_text(title, field="title", code=Code.INVALID, label="标题", max_length=200),
        body=clean_text(body, field="body", code=Code.INVALID, label="正文", max_length=50000),
        category=category,
        state=PublicationState.DRAFT,
        author_user_id=principal.require_user(),
    )
    session.add(publication)
    await session.flush()
    await on_publication(
        session,
        principal,
        publication,
        PublicationEvent.DRAFTED,
        PublicationDrafted(
            id=publication.id,
            title=publication.title,
            category=category.value,
            state=publication.state.value,
        ),
    )
    return publication


async def approve(
    session: AsyncSession, principal: Principal, *, publication_id: int
) -> Publication:
    """审核通过: a reviewer other than the author; publishes at once."""
    require_reviewer(principal)
    publication = await get_row(
        session, Publication, publication_id, field="publicationId", what="公开信息", lock=True
    )
    if publication.state is not PublicationState.DRAFT:
        raise DomainError(
            Code.INVALID_STATE,
            f"该信息{STATE_LABELS[publication.state]}，不能再审核",
            field="publicationId",
        )
    if publication.author_user_id == principal.user_id:
        raise DomainError(
            Code.SELF_APPROVAL,
            "不能审核本人撰写的信息：须经本单位分管领导等其他审核人审核同意"
            "（《政府信息公开制度》二、信息审核）",
            field="publicationId",
        )
    now = datetime.now(UTC)
    publication.state = PublicationState.PUBLISHED
    publication.reviewer_user_id = principal.user_id
    publication.published_at = now
    await session.flush()
    await on_publication(
        session,
        principal,
        publication,
        PublicationEvent.APPROVED,
        PublicationApproved(
            title=publication.title,
            body=publication.body,
            category=publication.category.value,
            state=publication.state.value,
            publishedAt=now.isoformat(),
        ),
    )
    return publication


async def withdraw(
    session: AsyncSession, principal: Principal, *, publication_id: int, reason: str | None
) -> Publication:
    require_reviewer(principal)
    publication = await get_row(
        session, Publication, publication_id, field="publicationId", what="公开信息", lock=True
    )
    if publication.state is not PublicationState.PUBLISHED:
        raise DomainError(
            Code.INVALID_STATE,
            f"该信息{STATE_LABELS[publication.state]}，只有已发布的信息可以撤回",
            field="publicationId",
        )
    why = clean_text(
        reason, field="reason", code=Code.REASON_REQUIRED, label="撤回理由", max_length=1000
    )
    publication.state = PublicationState.WITHDRAWN
    publication.withdrawn_at = datetime.now(UTC)
    publication.withdrawn_reason = why
    await session.flush()
    await on_publication(
        session,
        principal,
        publication,
        PublicationEvent.WITHDRAWN,
        PublicationWithdrawn(state=publication.state.value, reason=why),
    )
    return publication
