"""The demo county's 解事员 pool and oversight: 解事员 at the three levels (with trainings,
an evaluation and an award), a 民意观察员, a line of the 执法自我纠错台账 and a 行政复议便民联系点
with its staff, entered through the services. Seeded once (when the county has no
解事员)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.core.security import Principal
from backend.mediators import access as _mediators  # noqa: F401  (the stream kind)
from backend.mediators import pool
from backend.mediators.models import EvaluationGrade, Mediator, MediatorLevel, MediatorRole
from backend.oversight import access as _oversight  # noqa: F401  (the stream kind)
from backend.oversight import corrections, observers, review
from backend.oversight.models import CorrectionDirection
from tenants.models import OrgUnit, Venue

#: (name, level, unit name or None for the county, roles, skills, venue name or None)
MEDIATORS: list[
    tuple[str, MediatorLevel, str | None, list[MediatorRole], list[str], str | None]
] = [
    ("何法官", MediatorLevel.COUNTY, None, [MediatorRole.JUDGE], ["土地纠纷", "婚姻家庭"], None),
    (
        "孙律师",
        MediatorLevel.COUNTY,
        None,
        [MediatorRole.LEGAL_ADVISER],
        ["合同", "征收补偿"],
        None,
    ),
    (
        "钱民警",
        MediatorLevel.TOWNSHIP,
        "北屏乡",
        [MediatorRole.POLICE],
        ["治安", "邻里纠纷"],
        "北屏乡群众说事处",
    ),
    (
        "冯调解",
        MediatorLevel.TOWNSHIP,
        "葛城街道",
        [MediatorRole.PEOPLES_MEDIATOR],
        ["物业", "邻里纠纷"],
        "葛城街道群众说事处",
    ),
    (
        "老杨",
        MediatorLevel.VILLAGE,
        "苍坪村",
        [MediatorRole.FIVE_ELDERS, MediatorRole.NEW_GENTRY],
        ["土地纠纷", "路灯"],
        "苍坪村群众说事站",
    ),
    (
        "黄院落长",
        MediatorLevel.VILLAGE,
        "南大街社区",
        [MediatorRole.COURTYARD_HEAD],
        ["加装电梯", "停车"],
        "南大街社区群众说事站",
    ),
]


async def seed_mediators(session: AsyncSession, admin: Principal) -> None:
    if await session.scalar(select(Mediator.id).limit(1)) is not None:
        return
    units = {u.name: u for u in (await session.scalars(select(OrgUnit))).all()}
    root = next(u for u in units.values() if u.parent_id is None)
    venues = {v.name: v.id for v in (await session.scalars(select(Venue))).all()}
    for i, (name, level, unit_name, roles, skills, venue) in enumerate(MEDIATORS):
        unit = units[unit_name] if unit_name else root
        m = await pool.register_mediator(
            session,
            admin,
            name=name,
            level=level,
            org_unit_id=unit.id,
            roles=roles,
            skills=skills,
            venue_ids=[venues[venue]] if venue else [],
            phone=f"1370000{i:04d}",
        )
        await pool.record_training(
            session,
            admin,
            mediator_id=m.id,
            course="解事员集中轮训：政策解读与人民调解",
            trained_on=date(2026, 3, 15),
            hours=8,
            provider="县司法局",
        )
        if i % 2 == 0:
            await pool.record_evaluation(
                session,
                admin,
                mediator_id=m.id,
                period="2026上半年",
                grade=EvaluationGrade.EXCELLENT,
                score=92,
                evaluated_on=date(2026, 7, 1),
            )
    first = await session.scalar(select(Mediator).order_by(Mediator.id).limit(1))
    assert first is not None
    await pool.grant_award(
        session,
        admin,
        mediator_id=first.id,
        title="优秀解事员",
        awarded_on=date(2026, 7, 10),
        awarded_by="城口县人民政府",
    )
    await observers.appoint_observer(
        session,
        admin,
        name="邓观察",
        org_unit_id=units["葛城街道"].id,
        term_start=date(2026, 1, 1),
        term_end=date(2027, 12, 31),
        area="老旧小区加装电梯",
    )
    await corrections.record_correction(
        session,
        admin,
        direction=CorrectionDirection.UPWARD,
        matter="群众反映违停处罚告知不到位",
        unit_id=units["县司法局"].id,
        received_on=date(2026, 4, 8),
        started_on=date(2026, 4, 9),
    )
    point = await review.create_point(
        session,
        admin,
        org_unit_id=units["北屏乡"].id,
        name="北屏乡行政复议便民联系点",
        venue_id=venues.get("北屏乡群众说事处"),
        address="北屏乡群众说事处",
    )
    await review.add_staff(
        session,
        admin,
        point_id=point.id,
        name="罗所长",
        position="北屏乡司法所所长",
        phone="13700009999",
    )
