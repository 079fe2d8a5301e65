"""The demo county's 两代表一委员: 刘代表 (县人大代表) serving 苍坪村 and 陈委员 (县政协委员,
农业界) serving 南大街社区 and the 苍坪村 说事站, each with a proposal (one assigned to
县住房城乡建委 with 县司法局 co-handling). Idempotent: nothing is added once the county has
representatives."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.core.security import Principal
from backend.people.models import User
from backend.representatives import linkage, proposals
from backend.representatives.models import DeputyLevel, Representative, RepresentativeKind
from tenants.models import OrgUnit, Venue


async def seed_representatives(
    session: AsyncSession, admin: Principal, units: dict[str, OrgUnit]
) -> None:
    if await session.scalar(select(Representative.id).limit(1)) is not None:
        return
    users = {u.display_name: u.id for u in (await session.scalars(select(User))).all()}
    station = await session.scalar(select(Venue).where(Venue.name == "苍坪村群众说事站"))
    deputy = await linkage.register_representative(
        session,
        admin,
        kind=RepresentativeKind.NPC_DEPUTY,
        level=DeputyLevel.COUNTY,
        name="刘代表",
        unit="北屏乡苍坪村党支部书记",
        phone="13800000005",
        user_id=users.get("刘代表"),
    )
    member = await linkage.register_representative(
        session,
        admin,
        kind=RepresentativeKind.CPPCC_MEMBER,
        sector="农业界",
        name="陈委员",
        unit="县农业技术推广站",
        phone="13800000006",
        user_id=users.get("陈委员"),
    )
    start = date(2026, 1, 1)
    await linkage.link_place(
        session, admin, representative_id=deputy.id, org_unit_id=units["苍坪村"].id, starts_on=start
    )
    await linkage.link_place(
        session,
        admin,
        representative_id=member.id,
        org_unit_id=units["南大街社区"].id,
        starts_on=start,
    )
    if station is not None:
        await linkage.link_place(
            session, admin, representative_id=member.id, venue_id=station.id, starts_on=start
        )
    suggestion = await proposals.register_proposal(
        session,
        admin,
        representative_id=deputy.id,
        title="关于苍坪村危旧房改造的建议",
        body="苍坪村仍有部分土坯房存在安全隐患，建议纳入年度危旧房改造计划，并简化补助申请流程。",
    )
    await proposals.assign_proposal(
        session,
        admin,
        proposal_id=suggestion.id,
        lead_unit_id=units["县住房城乡建委"].id,
        co_unit_ids=[units["县司法局"].id],
    )
    await proposals.register_proposal(
        session,
        admin,
        representative_id=member.id,
        title="关于完善南大街社区农贸市场管理的提案",
        body="建议规范摊位设置，增设公平秤和农残快检点，方便群众放心购买。",
    )
