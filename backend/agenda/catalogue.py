"""The consultation catalogue and plan (年度协商目录及协商计划, seed 004 "每年年初…制定政府专题
协商计划"): staff draft a year's catalogue and its items (topic, proposing body, lead unit,
form, planned quarter); the county office approves (审定) and then publishes (公布) it.
After approval an item changes only by an adjustment (调整) with a recorded reason; when
the consultation is held, the item is linked to its meeting (status SCHEDULED, or HELD
once the meeting has taken place)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.agenda.access import (
    check_year,
    get_row,
    require_county_office,
    require_county_staff,
    require_unit,
)
from backend.agenda.errors import AgendaErrorCode as Code
from backend.agenda.events import (
    CatalogueCreated,
    CatalogueEvent,
    CatalogueItemAdjusted,
    CatalogueItemLinked,
    CatalogueItemSnapshot,
    CatalogueStateChanged,
)
from backend.agenda.models import (
    CatalogueAdjustment,
    CatalogueItem,
    CatalogueItemStatus,
    CatalogueState,
    ConsultationCatalogue,
    ConsultationForm,
)
from backend.agenda.stream import on_catalogue
from backend.core.errors import DomainError
from backend.core.security import Principal
from backend.core.validation import clean_text
from backend.meetings.models import Meeting, MeetingState

STATE_LABELS = {
    CatalogueState.DRAFT: "草拟中",
    CatalogueState.APPROVED: "已审定",
    CatalogueState.PUBLISHED: "已公布",
}
HELD_MEETING_STATES = (MeetingState.LIVE, MeetingState.CLOSED, MeetingState.RECORD_PUBLISHED)


def item_snapshot(item: CatalogueItem) -> CatalogueItemSnapshot:
    return {
        "itemId": item.id,
        "topic": item.topic,
        "proposingBody": item.proposing_body,
        "leadUnitId": item.lead_unit_id,
        "form": item.form.value,
        "plannedQuarter": item.planned_quarter,
        "status": item.status.value,
        "meetingId": item.meeting_id,
    }


def _quarter(value: int, field: str = "plannedQuarter") -> int:
    if value not in (1, 2, 3, 4):
        raise DomainError(Code.INVALID, "计划季度应为1至4", field=field)
    return value


async def create_catalogue(
    session: AsyncSession, principal: Principal, *, year: int, title: str
) -> ConsultationCatalogue:
    require_county_staff(principal)
    check_year(year)
    title = clean_text(title, field="title", code=Code.INVALID, label="目录名称", max_length=200)
    exists = await session.scalar(
        select(ConsultationCatalogue.id).where(ConsultationCatalogue.year == year)
    )
    if exists is not None:
        raise DomainError(Code.DUPLICATE_YEAR, f"{year}年度协商目录已存在", field="year")
    catalogue = ConsultationCatalogue(
        tenant_id=principal.require_tenant(), year=year, title=title, state=CatalogueState.DRAFT
    )
    session.add(catalogue)
    await session.flush()
    await on_catalogue(
        session,
        principal,
        catalogue,
        CatalogueEvent.CREATED,
        CatalogueCreated(id=catalogue.id, year=year, title=title, state=catalogue.state.value),
    )
    return catalogue


async def add_item(
    session: AsyncSession,
    principal: Principal,
    *,
    catalogue_id: int,
    topic: str,
    proposing_body: str,
    lead_unit_id: int,
    form: ConsultationForm,
    planned_quarter: int,
) -> CatalogueItem:
    require_county_staff(principal)
    catalogue = await get_row(
        session,
        ConsultationCatalogue,
        catalogue_id,
        field="catalogueId",
        what="协商目录",
        lock=True,
    )
    if catalogue.state is not CatalogueState.DRAFT:
        raise DomainError(
            Code.INVALID_STATE,
            f"协商目录{STATE_LABELS[catalogue.state]}，不能再增加事项；请以调整方式变更",
            field="catalogueId",
        )
    item = CatalogueItem(
        tenant_id=catalogue.tenant_id,
        catalogue_id=catalogue.id,
        topic=clean_text(topic, field="topic", code=Code.INVALID, label="协商议题", max_length=200),
        proposing_body=clean_text(
            proposing_body,
            field="proposingBody",
            code=Code.INVALID,
            label="提出单位",
            max_length=100,
        ),
        lead_unit_id=(await require_unit(session, lead_unit_id, field="leadUnitId")).id,
        form=form,
        planned_quarter=_quarter(planned_quarter),
        status=CatalogueItemStatus.PLANNED,
    )
    session.add(item)
    await session.flush()
    await on_catalogue(
        session, principal, catalogue, CatalogueEvent.ITEM_ADDED, item_snapshot(item)
    )
    return item


async def _count_items(session: AsyncSession, catalogue_id: int) -> int:
    return int(
        await session.scalar(
            select(func.count())
            .select_from(CatalogueItem)
            .where(CatalogueItem.catalogue_id == catalogue_id)
        )
        or 0
    )


async def approve_catalogue(
    session: AsyncSession, principal: Principal, *, catalogue_id: int
) -> ConsultationCatalogue:
    """审定: the county office approves a draft with at least one item."""
    require_county_office(principal)
    catalogue = await get_row(
        session,
        ConsultationCatalogue,
        catalogue_id,
        field="catalogueId",
        what="协商目录",
        lock=True,
    )
    if catalogue.state is not CatalogueState.DRAFT:
        raise DomainError(
            Code.INVALID_STATE, f"协商目录{STATE_LABELS[catalogue.state]}", field="catalogueId"
        )
    items = await _count_items(session, catalogue.id)
    if items == 0:
        raise DomainError(
            Code.EMPTY_CATALOGUE, "协商目录没有任何事项，不能审定", field="catalogueId"
        )
    catalogue.state = CatalogueState.APPROVED
    catalogue.approved_by_user_id = principal.user_id
    catalogue.approved_at = datetime.now(UTC)
    await on_catalogue(
        session,
        principal,
        catalogue,
        CatalogueEvent.APPROVED,
        CatalogueStateChanged(state=catalogue.state.value, items=items),
    )
    return catalogue


async def publish_catalogue(
    session: AsyncSession, principal: Principal, *, catalogue_id: int
) -> ConsultationCatalogue:
    """公布: only an approved catalogue goes out."""
    require_county_office(principal)
    catalogue = await get_row(
        session,
        ConsultationCatalogue,
        catalogue_id,
        field="catalogueId",
        what="协商目录",
        lock=True,
    )
    if catalogue.state is not CatalogueState.APPROVED:
        raise DomainError(
            Code.INVALID_STATE,
            f"协商目录{STATE_LABELS[catalogue.state]}，须经审定后方可公布（且只公布一次）",
            field="catalogueId",
        )
    catalogue.state = CatalogueState.PUBLISHED
    catalogue.published_at = datetime.now(UTC)
    await on_catalogue(
        session,
        principal,
        catalogue,
        CatalogueEvent.PUBLISHED,
        CatalogueStateChanged(
            state=catalogue.state.value, items=await _count_items(session, catalogue.id)
        ),
    )
    return catalogue


async def adjust_item(
    session: AsyncSession,
    principal: Principal,
    *,
    item_id: int,
    reason: str | None,
    topic: str | None = None,
    lead_unit_id: int | None = None,
    form: ConsultationForm | None = None,
    planned_quarter: int | None = None,
    cancel: bool = False,
) -> CatalogueItem:
    """调整: change an item of an approved catalogue, with a reason kept beside the change
    (before → after per field). A draft is edited freely; nothing changes without a reason."""
    require_county_staff(principal)
    item = await get_row(
        session, CatalogueItem, item_id, field="itemId", what="协商事项", lock=True
    )
    catalogue = await get_row(
        session, ConsultationCatalogue, item.catalogue_id, field="itemId", what="协商目录"
    )
    if catalogue.state is CatalogueState.DRAFT:
        raise DomainError(
            Code.INVALID_STATE, "协商目录尚未审定：草拟中的事项无需调整", field="itemId"
        )
    if item.status is CatalogueItemStatus.CANCELLED:
        raise DomainError(Code.INVALID_STATE, "该协商事项已取消", field="itemId")
    why = clean_text(
        reason, field="reason", code=Code.REASON_REQUIRED, label="调整理由", max_length=1000
    )
    changes: dict[str, list[Any]] = {}

    def change(name: str, before: Any, after: Any) -> None:
        if after is not None and after != before:
            changes[name] = [before, after]

    if topic is not None:
        change(
            "topic",
            item.topic,
            clean_text(topic, field="topic", code=Code.INVALID, label="协商议题", max_length=200),
        )
    if lead_unit_id is not None:
        change(
            "leadUnitId",
            item.lead_unit_id,
            (await require_unit(session, lead_unit_id, field="leadUnitId")).id,
        )
    if form is not None:
        change("form", item.form.value, form.value)
    if planned_quarter is not None:
        change("plannedQuarter", item.planned_quarter, _quarter(planned_quarter))
    if cancel:
        change("status", item.status.value, CatalogueItemStatus.CANCELLED.value)
    if not changes:
        raise DomainError(Code.INVALID, "调整没有改变任何内容", field="itemId")
    if "topic" in changes:
        item.topic = changes["topic"][1]
    if "leadUnitId" in changes:
        item.lead_unit_id = changes["leadUnitId"][1]
    if "form" in changes:
        item.form = ConsultationForm(changes["form"][1])
    if "plannedQuarter" in changes:
        item.planned_quarter = changes["plannedQuarter"][1]
    if cancel:
        item.status = CatalogueItemStatus.CANCELLED
    adjustment = CatalogueAdjustment(
        tenant_id=item.tenant_id,
        item_id=item.id,
        reason=why,
        changes=changes,
        by_user_id=principal.user_id,
    )
    session.add(adjustment)
    await session.flush()
    await on_catalogue(
        session,
        principal,
        catalogue,
        CatalogueEvent.ITEM_ADJUSTED,
        CatalogueItemAdjusted(
            itemId=item.id,
            adjustmentId=adjustment.id,
            reason=why,
            changes=changes,
            status=item.status.value,
        ),
    )
    return item


async def link_meeting(
    session: AsyncSession, principal: Principal, *, item_id: int, meeting_id: int
) -> CatalogueItem:
    """The consultation of an item of an approved catalogue takes place at `meeting_id`:
    SCHEDULED until the meeting has started, HELD from then (linking again refreshes it)."""
    require_county_staff(principal)
    item = await get_row(
        session, CatalogueItem, item_id, field="itemId", what="协商事项", lock=True
    )
    catalogue = await get_row(
        session, ConsultationCatalogue, item.catalogue_id, field="itemId", what="协商目录"
    )
    if catalogue.state is CatalogueState.DRAFT:
        raise DomainError(Code.INVALID_STATE, "协商目录尚未审定", field="itemId")
    if item.status is CatalogueItemStatus.CANCELLED:
        raise DomainError(Code.INVALID_STATE, "该协商事项已取消", field="itemId")
    meeting = await get_row(session, Meeting, meeting_id, field="meetingId", what="会议")
    item.meeting_id = meeting.id
    item.status = (
        CatalogueItemStatus.HELD
        if meeting.state in HELD_MEETING_STATES
        else CatalogueItemStatus.SCHEDULED
    )
    await session.flush()
    await on_catalogue(
        session,
        principal,
        catalogue,
        CatalogueEvent.ITEM_LINKED,
        CatalogueItemLinked(itemId=item.id, meetingId=meeting.id, status=item.status.value),
    )
    return item
