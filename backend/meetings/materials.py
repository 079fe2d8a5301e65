"""Meeting materials (会议材料) and the lead-time warnings for a 座谈会."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.core.security import Principal
from backend.core.validation import clean_text
from backend.meetings.access import get_meeting, require_host, require_state
from backend.meetings.errors import MeetingErrorCode as Code
from backend.meetings.events import MaterialAdded, MeetingEvent
from backend.meetings.models import Material, Meeting, MeetingKind, MeetingState
from backend.meetings.stream import append_event
from tenants.models import Tenant


async def add_material(
    session: AsyncSession,
    principal: Principal,
    *,
    meeting_id: int,
    title: str,
    url: str | None,
    distributed_at: datetime | None,
) -> tuple[Material, list[str]]:
    meeting = await get_meeting(session, meeting_id)
    await require_host(session, principal, meeting)
    require_state(
        meeting, MeetingState.DRAFT, MeetingState.ANNOUNCED, MeetingState.LIVE, action="添加材料"
    )
    material = Material(
        tenant_id=meeting.tenant_id,
        meeting_id=meeting.id,
        title=clean_text(title, field="title", code=Code.INVALID, label="材料名称", max_length=200),
        url=clean_text(
            url, field="url", code=Code.INVALID, label="链接", max_length=500, required=False
        ),
        distributed_at=distributed_at,
    )
    session.add(material)
    await session.flush()
    await append_event(
        session,
        principal,
        meeting,
        MeetingEvent.MATERIAL_ADDED,
        MaterialAdded(
            id=material.id,
            title=material.title,
            distributedAt=distributed_at.isoformat() if distributed_at else None,
        ),
    )
    return material, await material_warnings(session, meeting)


async def material_warnings(session: AsyncSession, meeting: Meeting) -> list[str]:
    """For a 座谈会: materials must reach participants N working days before (county rule,
    default 3 working days, seed 002 第七条), on the official calendar with 调休."""
    if meeting.kind is not MeetingKind.FORUM:
        return []
    from backend.core import rules

    settings = await session.scalar(select(Tenant.settings).where(Tenant.id == meeting.tenant_id))
    timezone = await session.scalar(select(Tenant.timezone).where(Tenant.id == meeting.tenant_id))
    rule = rules.effective_rule(settings or {}, "meeting.forum_materials_lead")
    materials = (
        await session.scalars(select(Material).where(Material.meeting_id == meeting.id))
    ).all()
    if not materials:
        return [f"尚未向与会代表送达会议材料（{rules.cite(rule)}）"]
    warnings = []
    for m in materials:
        if m.distributed_at is None:
            warnings.append(f"材料“{m.title}”尚未送达与会代表（{rules.cite(rule)}）")
            continue
        check = rules.lead_time_check(
            m.distributed_at, meeting.starts_at, rule, timezone or "Asia/Shanghai"
        )
        if not check.ok:
            warnings.append(f"材料“{m.title}”：{check.message}")
    return warnings
