"""The demo county's cases: a few hundred over the last six months, across channels, units
and states, so caseStatistics, caseUnitRanking, caseHotTopics and goldenIdeas mean
something in GraphiQL. Generated from templates with a fixed seed; written as a ledger
import writes them (`backend.cases.ledger_import.write_case`), with their 转办件, deadlines,
ratings and adopted 金点子. Seeded once (client keys `demo:<n>`)."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.cases import access  # noqa: F401  (first: intake imports it, and it intake)
from backend.cases.intake import next_number
from backend.cases.ledger_import import LedgerRow, write_case
from backend.cases.models import (
    AssignmentRole,
    AssignmentState,
    Case,
    CaseAssignment,
    CaseChannel,
    CaseKind,
    CaseState,
    CaseTerm,
    HandlingClass,
    MatterClass,
    Satisfaction,
)
from backend.core.security import Principal
from backend.core.workdays import package_calendar
from tenants.models import OrgUnit

DEMO_CASES = 240
#: Demo deadlines are counted on the package's official tables (no county closures).
_CALENDAR = package_calendar()
CHINA = ZoneInfo("Asia/Shanghai")

#: Departments the demo cases are handled by, beside those of the demo's org tree.
DEPARTMENTS = [
    "县交通运输局",
    "县民政局",
    "县人力社保局",
    "县生态环境局",
    "县城市管理局",
    "县水利局",
    "县教委",
    "县卫生健康委",
]

PLACES = ["南大街社区", "东大街社区", "苍坪村", "安乐村"]

# (kind, handling unit, matter class, title, body); {p} is the place.
TEMPLATES: list[tuple[CaseKind, str, MatterClass, str, str]] = [
    (
        CaseKind.DEMAND,
        "县城市管理局",
        MatterClass.PUBLIC_INTEREST,
        "{p}路灯不亮",
        "{p}主路有三盏路灯坏了半个多月，晚上出行很不安全，希望尽快维修。",
    ),
    (
        CaseKind.DEMAND,
        "县城市管理局",
        MatterClass.PUBLIC_INTEREST,
        "{p}垃圾清运不及时",
        "{p}垃圾收集点的生活垃圾两三天才清运一次，天热发臭，请增加清运频次。",
    ),
    (
        CaseKind.DEMAND,
        "县城市管理局",
        MatterClass.ADMINISTRATIVE,
        "占道经营影响通行",
        "{p}菜市场门口占道经营严重，早高峰车辆和行人都过不去。",
    ),
    (
        CaseKind.DEMAND,
        "县生态环境局",
        MatterClass.PUBLIC_INTEREST,
        "夜间施工噪音扰民",
        "{p}附近工地晚上十一点后还在施工，噪音扰民，老人孩子休息不好。",
    ),
    (
        CaseKind.DEMAND,
        "县生态环境局",
        MatterClass.PUBLIC_INTEREST,
        "生活污水直排河道",
        "{p}有生活污水直接排进河道，河水发黑发臭，希望治理。",
    ),
    (
        CaseKind.DEMAND,
        "县水利局",
        MatterClass.PUBLIC_INTEREST,
        "{p}停水没有提前通知",
        "{p}这周连续两天停水，事先没有通知，居民生活很不方便。",
    ),
    (
        CaseKind.DEMAND,
        "县水利局",
        MatterClass.PUBLIC_INTEREST,
        "河道淤堵汛期有隐患",
        "{p}旁边的河道淤积严重，汛期容易漫水，请安排河道清淤。",
    ),
    (
        CaseKind.DEMAND,
        "县交通运输局",
        MatterClass.PUBLIC_INTEREST,
        "通村公路路面破损",
        "{p}通村公路有多处坑洼，下雨积水，车辆和摩托车经常打滑。",
    ),
    (
        CaseKind.DEMAND,
        "县住房城乡建委",
        MatterClass.PUBLIC_INTEREST,
        "老旧小区屋顶漏水",
        "{p}老旧小区楼顶防水层老化，一下雨顶楼就漏水，希望纳入改造。",
    ),
    (
        CaseKind.DEMAND,
        "县人力社保局",
        MatterClass.PERSONAL,
        "农民工工资被拖欠",
        "在{p}附近工地干了三个月，包工头拖欠工资一万二，多次讨要未果。",
    ),
    (
        CaseKind.DEMAND,
        "县民政局",
        MatterClass.PERSONAL,
        "低保待遇停发",
        "{p}村民反映低保待遇这两个月没有到账，不知道是什么原因。",
    ),
    (
        CaseKind.DEMAND,
        "北屏乡",
        MatterClass.PERSONAL,
        "宅基地边界纠纷",
        "{p}两户村民因宅基地边界起纠纷，希望乡里派人调解。",
    ),
    (
        CaseKind.DEMAND,
        "葛城街道",
        MatterClass.PUBLIC_INTEREST,
        "小区停车位不足乱停乱放",
        "{p}小区停车位严重不足，乱停乱放堵住消防通道。",
    ),
    (
        CaseKind.CONSULTATION,
        "县民政局",
        MatterClass.PERSONAL,
        "低保申请需要什么材料",
        "想咨询一下申请低保需要准备哪些材料，在哪里办理。",
    ),
    (
        CaseKind.CONSULTATION,
        "县人力社保局",
        MatterClass.PERSONAL,
        "城乡居民养老保险怎么缴费",
        "咨询城乡居民养老保险的缴费档次和缴费方式。",
    ),
    (
        CaseKind.CONSULTATION,
        "县卫生健康委",
        MatterClass.PERSONAL,
        "医保异地就医备案",
        "家人在外地住院，医保异地就医备案怎么办理？",
    ),
    (
        CaseKind.CONSULTATION,
        "县教委",
        MatterClass.PERSONAL,
        "孩子入学学位咨询",
        "孩子明年上小学，户口在{p}，想咨询学位划片的政策。",
    ),
    (
        CaseKind.CONSULTATION,
        "县住房城乡建委",
        MatterClass.ADMINISTRATIVE,
        "加装电梯补贴政策",
        "{p}小区想加装电梯，咨询补贴标准和申请流程。",
    ),
    (
        CaseKind.CONSULTATION,
        "县司法局",
        MatterClass.PERSONAL,
        "法律援助怎么申请",
        "邻里纠纷想请律师，咨询法律援助的申请条件。",
    ),
    (
        CaseKind.SUGGESTION,
        "县交通运输局",
        MatterClass.PUBLIC_INTEREST,
        "建议增开城乡公交线路",
        "{p}到县城只有早晚两班公交，建议增开中午班次，方便老人看病赶集。",
    ),
    (
        CaseKind.SUGGESTION,
        "县住房城乡建委",
        MatterClass.PUBLIC_INTEREST,
        "建议老旧小区加装电梯",
        "{p}老旧小区老人多，上下楼困难，建议统一规划加装电梯。",
    ),
    (
        CaseKind.SUGGESTION,
        "县城市管理局",
        MatterClass.PUBLIC_INTEREST,
        "建议增设充电桩",
        "{p}电动车越来越多，飞线充电有火灾隐患，建议增设集中充电桩。",
    ),
    (
        CaseKind.SUGGESTION,
        "北屏乡",
        MatterClass.PUBLIC_INTEREST,
        "建议发展乡村旅游",
        "{p}风景好，建议规划农家乐和乡村旅游线路，带动村民增收。",
    ),
    (
        CaseKind.SUGGESTION,
        "县教委",
        MatterClass.PUBLIC_INTEREST,
        "建议开设课后托管",
        "{p}双职工家庭多，建议学校开设课后托管服务。",
    ),
    (
        CaseKind.SUGGESTION,
        "县卫生健康委",
        MatterClass.PUBLIC_INTEREST,
        "建议卫生室配备常用药",
        "{p}卫生室常用药不全，老人买药要跑县城，建议补齐常用药品。",
    ),
    (
        CaseKind.SUGGESTION,
        "县政府办公室",
        MatterClass.ADMINISTRATIVE,
        "建议便民服务事项下沉",
        "建议把社保卡补办等便民服务事项下沉到{p}便民服务站办理。",
    ),
]

CHANNELS = [
    (CaseChannel.ONLINE, 30),
    (CaseChannel.HOTLINE, 25),
    (CaseChannel.COLLECTOR, 20),
    (CaseChannel.VENUE, 15),
    (CaseChannel.ONLINE_INQUIRY, 7),
    (CaseChannel.MEETING, 3),
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐"
GIVEN = ["建国", "秀英", "桂兰", "志强", "海燕", "明", "丽", "军", "德华", "春梅", "国庆", "小红"]
HANDLING_DAYS = {
    HandlingClass.IMMEDIATE: 1,
    HandlingClass.TIME_LIMITED: 10,
    HandlingClass.RESEARCH: 20,
}

#: The demo county's own words for the hot-topic board.
SYNONYMS = {"装电梯": "加装电梯", "电梯加装": "加装电梯", "路灯坏": "路灯", "公交车": "公交"}
#: Place names are the board's places, not its keywords.
STOP_WORDS = ["东大街", "南大街", "苍坪村", "安乐村"]


async def seed_cases(session: AsyncSession, admin: Principal, now: datetime | None = None) -> int:
    """Create the demo cases unless they exist; returns how many were created."""
    if await session.scalar(select(Case.id).where(Case.client_key == "demo:0")):
        return 0
    tenant_id = admin.require_tenant()
    now = now or datetime.now(UTC)
    units = {u.name: u for u in (await session.scalars(select(OrgUnit))).all()}
    rng = random.Random(2026)
    channels = [c for c, _ in CHANNELS]
    weights = [w for _, w in CHANNELS]
    for variant, canonical in SYNONYMS.items():
        session.add(CaseTerm(tenant_id=tenant_id, term=variant, canonical=canonical, stop=False))
    for word in STOP_WORDS:
        session.add(CaseTerm(tenant_id=tenant_id, term=word, canonical=None, stop=True))
    numbers = _Numbers(session, tenant_id)
    for n in range(DEMO_CASES):
        kind, unit_name, matter, title, body = rng.choice(TEMPLATES)
        place = rng.choice(PLACES)
        # More recent months have more cases (the board's trend goes up).
        age_days = int(180 * rng.random() ** 1.4)
        received = (now - timedelta(days=age_days, hours=rng.randint(0, 10))).astimezone(CHINA)
        received = received.replace(hour=rng.randint(8, 18), minute=rng.randint(0, 59))
        if received > now:
            received = now - timedelta(hours=1)
        handling = (
            HandlingClass.IMMEDIATE
            if kind is CaseKind.CONSULTATION
            else rng.choice([HandlingClass.TIME_LIMITED] * 4 + [HandlingClass.RESEARCH])
        )
        due = _CALENDAR.add_working_days(received.date(), HANDLING_DAYS[handling]).due
        state, closed_at, satisfaction = _outcome(rng, received, due, age_days, now)
        row = LedgerRow(
            line=n,
            received_at=received,
            channel=rng.choices(channels, weights)[0],
            kind=kind,
            title=title.format(p=place),
            body=body.format(p=place),
            contact_name=rng.choice(SURNAMES) + rng.choice(GIVEN),
            contact_phone=f"13{rng.randint(0, 9)}{rng.randint(10_000_000, 99_999_999)}",
            place_name=place,
            unit_name=unit_name,
            state=state,
            closed_at=closed_at,
            satisfaction=satisfaction,
            is_private=matter is MatterClass.PERSONAL and rng.random() < 0.5,
            number=None,
        )
        unit = units[unit_name]
        case = await write_case(
            session,
            admin,
            tenant_id=tenant_id,
            number=await numbers.next(received.year),
            row=row,
            unit_id=unit.id,
            place_id=units[place].id,
            client_key=f"demo:{n}",
            adopted=kind is CaseKind.SUGGESTION
            and state is CaseState.CLOSED
            and rng.random() < 0.6,
        )
        case.matter_class = matter
        case.handling_class = handling
        case.due_on = due
        if state is not CaseState.RECEIVED:
            sign_due = received + timedelta(hours=24)
            signed = received + timedelta(hours=rng.choice([1, 2, 3, 5, 8, 20, 30]))
            case.first_reply_at = min(signed + timedelta(hours=4), closed_at or now)
            session.add(
                CaseAssignment(
                    tenant_id=tenant_id,
                    case_id=case.id,
                    unit_id=unit.id,
                    role=AssignmentRole.LEAD,
                    state=AssignmentState.PENDING
                    if state is CaseState.DISPATCHED
                    else AssignmentState.DONE
                    if state is CaseState.CLOSED
                    else AssignmentState.SIGNED,
                    sign_due_at=sign_due,
                    signed_at=None if state is CaseState.DISPATCHED else signed,
                    assigned_by=admin.user_id,
                    due_on=due,
                    done_at=closed_at,
                )
            )
        if case.adopted and not case.is_private:
            case.published_at = closed_at
    await session.flush()
    return DEMO_CASES


class _Numbers:
    """受理编号 for the demo's cases: intake's next number of each year once, then counted
    on here (the seed holds intake's lock for the county until it commits)."""

    def __init__(self, session: AsyncSession, tenant_id: int) -> None:
        self._session, self._tenant_id = session, tenant_id
        self._last: dict[int, int] = {}

    async def next(self, year: int) -> str:
        if year not in self._last:
            first = await next_number(self._session, self._tenant_id, year)
            self._last[year] = int(first.split("-")[1]) - 1
        self._last[year] += 1
        return f"{year}-{self._last[year]:06d}"


def _outcome(
    rng: random.Random, received: datetime, due: object, age_days: int, now: datetime
) -> tuple[CaseState, datetime | None, Satisfaction | None]:
    """Older cases are mostly closed (some late, a few rated 不满意); recent ones are still
    being handled."""
    if age_days > 20 or rng.random() < 0.35:
        if rng.random() < 0.02:
            return CaseState.OUT_OF_SCOPE, None, None
        hours = rng.choice([3, 6, 20, 30, 50, 80, 120, 200, 260, 400])
        closed = min(received + timedelta(hours=hours), now - timedelta(minutes=5))
        r = rng.random()
        satisfaction = (
            Satisfaction.SATISFIED
            if r < 0.76
            else Satisfaction.BASICALLY_SATISFIED
            if r < 0.94
            else Satisfaction.DISSATISFIED
        )
        return CaseState.CLOSED, closed, satisfaction if rng.random() < 0.85 else None
    return (
        rng.choice(
            [
                CaseState.RECEIVED,
                CaseState.DISPATCHED,
                CaseState.IN_PROGRESS,
                CaseState.IN_PROGRESS,
                CaseState.ANSWERED,
            ]
        ),
        None,
        None,
    )
