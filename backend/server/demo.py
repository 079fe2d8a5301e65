"""A demo county modelled on 城口县, seeded idempotently (`yishi demo`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.core.db import Database
from backend.core.security import Principal
from backend.people import counties
from backend.people import service as people
from backend.people.models import Membership, Role, User
from backend.people.passwords import Passwords
from backend.server.demo_agenda import seed_agenda
from backend.server.demo_cases import DEPARTMENTS, seed_cases
from backend.server.demo_decisions import seed_decisions
from backend.server.demo_inquiries import seed_inquiries
from backend.server.demo_mediators import seed_mediators
from backend.server.demo_representatives import seed_representatives
from tenants import service as tenants
from tenants.models import OrgUnit, OrgUnitKind, Tenant, Venue, VenueLevel

DEMO_SLUG = "chengkou"
DEMO_PASSWORD = "yishi-demo-2026"
OPERATOR = ("operator", DEMO_PASSWORD)

# (parent name or None for the county root, kind, name)
UNITS: list[tuple[str | None, OrgUnitKind, str]] = [
    (None, OrgUnitKind.DEPARTMENT, "县政府办公室"),
    (None, OrgUnitKind.DEPARTMENT, "县司法局"),
    (None, OrgUnitKind.DEPARTMENT, "县住房城乡建委"),
    (None, OrgUnitKind.SUBDISTRICT, "葛城街道"),
    (None, OrgUnitKind.TOWNSHIP, "北屏乡"),
    ("葛城街道", OrgUnitKind.COMMUNITY, "南大街社区"),
    ("葛城街道", OrgUnitKind.COMMUNITY, "东大街社区"),
    ("北屏乡", OrgUnitKind.VILLAGE, "苍坪村"),
    ("北屏乡", OrgUnitKind.VILLAGE, "安乐村"),
    ("南大街社区", OrgUnitKind.GRID, "南大街社区第一网格"),
    ("苍坪村", OrgUnitKind.GRID, "苍坪村第一网格"),
    ("苍坪村", OrgUnitKind.GRID, "苍坪村第二网格"),
    # The departments that handle the demo cases (backend/server/demo_cases.py).
    *((None, OrgUnitKind.DEPARTMENT, name) for name in DEPARTMENTS),
]

VENUES: list[tuple[str | None, VenueLevel, str]] = [
    (None, VenueLevel.CENTER, "城口县说事中心"),
    ("葛城街道", VenueLevel.OFFICE, "葛城街道群众说事处"),
    ("北屏乡", VenueLevel.OFFICE, "北屏乡群众说事处"),
    ("南大街社区", VenueLevel.STATION, "南大街社区群众说事站"),
    ("苍坪村", VenueLevel.STATION, "苍坪村群众说事站"),
    ("苍坪村第一网格", VenueLevel.POINT, "苍坪村第一网格说事点"),
]

# (name, phone, role, scope unit name or None)
PEOPLE: list[tuple[str, str, Role, str | None]] = [
    ("王县管", "13800000001", Role.TENANT_ADMIN, None),
    ("李承办", "13800000002", Role.DEPARTMENT_STAFF, "县住房城乡建委"),
    ("张解事", "13800000003", Role.MEDIATOR, "北屏乡"),
    ("赵网格", "13800000004", Role.COLLECTOR, "苍坪村第一网格"),
    ("刘代表", "13800000005", Role.NPC_DEPUTY, "苍坪村"),
    ("陈委员", "13800000006", Role.CPPCC_MEMBER, "南大街社区"),
    ("周观察", "13800000007", Role.OBSERVER, None),
    ("吴专家", "13800000008", Role.EXPERT, None),
    ("郑群众", "13800000009", Role.CITIZEN, None),
]


@dataclass(frozen=True)
class DemoLogin:
    name: str
    phone: str
    role: Role


async def seed(db: Database, passwords: Passwords | None = None) -> list[DemoLogin]:
    """Create what is missing of the demo county; running it again changes nothing.
    Passwords are hashed in `passwords`' pool (one of its own for the command if None)."""
    own = passwords is None
    pool = passwords or Passwords(threads=1)
    try:
        return await _seed(db, pool)
    finally:
        if own:
            pool.close()


async def _seed(db: Database, passwords: Passwords) -> list[DemoLogin]:
    async with db.platform_transaction() as session:
        operator = await people.ensure_operator(
            session, passwords, username=OPERATOR[0], password=OPERATOR[1]
        )
        tenant = await session.scalar(select(Tenant).where(Tenant.slug == DEMO_SLUG))
        if tenant is None:
            admin_name, admin_phone, _, _ = PEOPLE[0]
            tenant = await counties.create_county(
                session,
                Principal(tenant_id=None, operator_id=operator.id),
                name="城口县",
                slug=DEMO_SLUG,
                division_code="500229",
                admin=counties.AdminAccount(
                    display_name=admin_name, phone=admin_phone, password=DEMO_PASSWORD
                ),
                passwords=passwords,
            )
    tenant_id = tenant.id
    async with db.transaction(tenant_id=tenant_id) as session:
        admin_id = await session.scalar(
            select(User.id).where(User.phone == people.normalise_phone(PEOPLE[0][1]))
        )
        assert admin_id is not None  # created with the county above
        _, name, grants = await people.load_grants(session, admin_id)
        admin = Principal(tenant_id=tenant_id, user_id=admin_id, grants=grants, display_name=name)
        units = {u.name: u for u in (await session.scalars(select(OrgUnit))).all()}
        root = await tenants.root_unit(session)
        for parent_name, kind, unit_name in UNITS:
            if unit_name not in units:
                parent = units[parent_name] if parent_name else root
                units[unit_name] = await tenants.create_org_unit(
                    session, admin, parent_id=parent.id, kind=kind, name=unit_name
                )
        venue_names = set((await session.scalars(select(Venue.name))).all())
        for venue_unit, level, venue_name in VENUES:
            if venue_name not in venue_names:
                unit = units[venue_unit] if venue_unit else root
                await tenants.create_venue(
                    session, admin, org_unit_id=unit.id, level=level, name=venue_name
                )
        existing = {u.phone: u for u in (await session.scalars(select(User))).all()}
        for person, phone, role, scope in PEOPLE[1:]:
            e164 = people.normalise_phone(phone)
            if e164 in existing:
                continue
            roles = [(role, units[scope].id if scope else None)]
            await people.create_user(
                session,
                admin,
                display_name=person,
                phone=phone,
                password=DEMO_PASSWORD,
                passwords=passwords,
                roles=roles,
            )
        assert await session.scalar(select(Membership.id).limit(1)) is not None
        await _seed_meeting(session, admin, units)
        await seed_cases(session, admin)
        await seed_inquiries(session, admin)
        await seed_agenda(session, admin, units)
        await seed_mediators(session, admin)
        await seed_representatives(session, admin, units)
        await seed_decisions(session, admin, units)
    return [DemoLogin(name=n, phone=p, role=r) for n, p, r, _ in PEOPLE]


DEMO_MEETING = "2026年度县级部门“三民”述职报告会"


async def _seed_meeting(session: AsyncSession, admin: Principal, units: dict[str, OrgUnit]) -> None:
    """An announced 述职报告会 with speakers, invited 代表委员 and a draft poll, so the live
    features can be tried at once (start it with startMeeting)."""
    from backend.meetings import agenda, lifecycle, participants, polls
    from backend.meetings.models import (
        Eligibility,
        Meeting,
        MeetingKind,
        MeetingMode,
        ParticipantRole,
        PollKind,
    )

    if await session.scalar(select(Meeting.id).where(Meeting.title == DEMO_MEETING)):
        return
    root = await tenants.root_unit(session)
    center = await session.scalar(select(Venue.id).where(Venue.level == VenueLevel.CENTER))
    meeting = await lifecycle.create_meeting(
        session,
        admin,
        kind=MeetingKind.WORK_REPORT,
        mode=MeetingMode.HYBRID,
        title=DEMO_MEETING,
        description="县政府部门向群众报告工作、听取意见、接受评议。",
        host_unit_id=root.id,
        venue_id=center,
        starts_at=datetime.now(UTC) + timedelta(days=3),
        ends_at=None,
        capacity=500,
    )
    for unit_name, speaker in (("县住房城乡建委", "住建委主任"), ("县司法局", "司法局局长")):
        await agenda.add_agenda_item(
            session,
            admin,
            meeting_id=meeting.id,
            title=f"{unit_name}述职",
            speaker_user_id=None,
            speaker_name=speaker,
            speaker_unit_id=units[unit_name].id,
            duration_seconds=None,
        )
    guests = (
        await session.scalars(
            select(User.id).where(
                User.phone.in_(
                    [
                        people.normalise_phone(p)
                        for _, p, r, _ in PEOPLE
                        if r in (Role.NPC_DEPUTY, Role.CPPCC_MEMBER)
                    ]
                )
            )
        )
    ).all()
    await participants.invite(
        session, admin, meeting_id=meeting.id, user_ids=list(guests), role=ParticipantRole.DEPUTY
    )
    await polls.create_poll(
        session,
        admin,
        meeting_id=meeting.id,
        question="是否同意将老旧小区加装电梯列入明年民生实事？",
        kind=PollKind.SINGLE,
        options=["同意", "不同意", "弃权"],
        max_choices=None,
        eligibility=Eligibility.REGISTERED,
    )
    await lifecycle.change_state(session, admin, meeting_id=meeting.id, action="announce")
