"""The demo county's annual agenda and 政务公开 (docs/agenda.md): next year's consultation
catalogue (approved and published), a 民生实事 round open for proposals with two
shortlisted, a published notice and a 依申请公开 request in progress. Idempotent: nothing
is added when next year's catalogue exists."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.agenda import catalogue, livelihood
from backend.agenda.models import ConsultationCatalogue, ConsultationForm
from backend.core.security import Principal
from backend.disclosure import publications, requests
from backend.disclosure.models import PublicationCategory
from tenants.models import OrgUnit


async def seed_agenda(session: AsyncSession, admin: Principal, units: dict[str, OrgUnit]) -> None:
    year = datetime.now(UTC).year + 1
    if await session.scalar(
        select(ConsultationCatalogue.id).where(ConsultationCatalogue.year == year)
    ):
        return
    made = await catalogue.create_catalogue(
        session, admin, year=year, title=f"{year}年度县政府协商目录及协商计划"
    )
    for topic, body, unit, form, quarter in (
        ("老旧小区加装电梯专题协商", "县政协", "县住房城乡建委", ConsultationForm.THEMATIC, 1),
        ("人大代表建议办理面对面协商", "县人大常委会", "县司法局", ConsultationForm.PROPOSAL, 2),
    ):
        await catalogue.add_item(
            session,
            admin,
            catalogue_id=made.id,
            topic=topic,
            proposing_body=body,
            lead_unit_id=units[unit].id,
            form=form,
            planned_quarter=quarter,
        )
    await catalogue.approve_catalogue(session, admin, catalogue_id=made.id)
    await catalogue.publish_catalogue(session, admin, catalogue_id=made.id)
    round = await livelihood.open_round(session, admin, year=year, title=f"{year}年民生实事征集")
    for title, description in (
        ("城区增设公共停车位", "葛城街道周边停车难，建议利用闲置地块增设停车位。"),
        ("乡镇卫生院增配救护车", "偏远乡镇急救转运时间长。"),
    ):
        project = await livelihood.propose(
            session, admin, round_id=round.id, title=title, description=description
        )
        await livelihood.review(
            session, admin, project_id=project.id, shortlisted=True, reason=None
        )
    notice = await publications.draft(
        session,
        admin,
        title=f"关于征集{year}年民生实事项目的公告",
        body="欢迎群众通过说事平台“开单”，提出您最关心的民生实事。",
        category=PublicationCategory.PUBLIC_INTEREST,
    )
    del notice  # awaits another reviewer's approval (the author may not approve it)
    await requests.file_request(
        session,
        admin,
        name="城口县居民",
        phone=None,
        description="本县2026年老旧小区改造资金使用情况",
        received_on=None,
    )
