"""The demo county's 网络问政 plan: a monthly group with the housing department (its
leader 李承办, 首问负责人) and its sessions of this year, generated on the county calendar.
Running the seed again changes nothing (the group exists; generation is idempotent)."""

from __future__ import annotations

from datetime import UTC, datetime, time

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.core.security import Principal
from backend.inquiries import schedule
from backend.inquiries.models import Frequency, InquiryGroup
from backend.people import service as people
from backend.people.models import User
from tenants.models import OrgUnit

GROUP = "第二组（每月）"


async def seed_inquiries(session: AsyncSession, admin: Principal) -> None:
    if await session.scalar(select(InquiryGroup.id).where(InquiryGroup.name == GROUP)) is None:
        unit = await session.scalar(select(OrgUnit).where(OrgUnit.name == "县住房城乡建委"))
        leader = await session.scalar(
            select(User.id).where(User.phone == people.normalise_phone("13800000002"))
        )
        assert unit is not None and leader is not None  # made by the demo seed before
        await schedule.create_group(
            session,
            admin,
            schedule.GroupDraft(
                name=GROUP,
                frequency=Frequency.MONTHLY,
                weekday=3,
                ordinal=2,
                start_time=time(15, 0),
                duration_minutes=90,
                units=[schedule.GroupUnitDraft(unit_id=unit.id, leader_user_id=leader)],
            ),
        )
    await schedule.generate_year(session, admin, year=datetime.now(UTC).year, group_ids=None)
