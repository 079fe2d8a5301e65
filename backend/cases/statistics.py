"""Case statistics of a county (办结率, 按期办结率, 接诉即办 measures) by unit, channel, kind or
month, and the monthly ranking of units.

The figures are those of the cases **received** in the period (the cohort a county reports:
seed 003's "征集建议1562条，办结率98.2%，按期办结率96.2%"), whatever has become of them
since. Merged cases (已合并) are not counted: the case they were merged into answers them.

- received (受理): cases received in the period; out of scope (不予受理) among them.
- closed (办结): those closed; 办结率 = closed / (received − out of scope).
- closed on time (按期办结): closed on or before `due_on` (county-local date; no deadline
  counts as on time); 按期办结率 = closed on time / closed.
- average handling time: mean of `closed_at − received_at` over the closed ones, in hours.
- satisfaction: the ratings; 满意率 = (满意 + 基本满意) / rated.
- 响应率: 转办件 (LEAD and CO assignments) signed for (签收) by their sign-for deadline /
  转办件 dispatched. By UNIT, an assignment counts for the unit it was sent to.
- 解决率: closed cases the person did not rate 不满意 (and that were not closed on a second
  不满意) / closed cases.

All in one statement over the cases of the period (index `(tenant_id, received_at)`,
row-level security adding the county); `bench/cases.py` times it over 100,000 cases.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from backend.cases.errors import CaseErrorCode
from backend.core.errors import DomainError
from backend.core.security import Principal, Role

#: The longest period one statistics query covers (a county's whole history is ~10 years).
MAX_PERIOD_DAYS = 366 * 10

#: Weights of the monthly ranking: 响应率 10%, 解决率 45%, 满意率 45%, as the 接诉即办
#: assessment weighs them (北京市《关于依托12345热线建立接诉即办机制的意见》考评办法).
RANKING_WEIGHTS = (0.10, 0.45, 0.45)
RANKING_SOURCE = "接诉即办“三率”考评：响应率10%、解决率45%、满意率45%"


class GroupBy(enum.Enum):
    UNIT = "UNIT"  # 承办单位 (the accountable unit)
    CHANNEL = "CHANNEL"  # 来源渠道
    KIND = "KIND"  # 咨询/建议/诉求
    MONTH = "MONTH"  # 受理月份


@dataclass
class Figures:
    """The counts of one group, and the rates computed from them (None: nothing to divide)."""

    key: str
    received: int = 0
    out_of_scope: int = 0
    closed: int = 0
    closed_on_time: int = 0
    handling_seconds: float = 0.0
    satisfied: int = 0
    basically_satisfied: int = 0
    dissatisfied: int = 0
    resolved: int = 0
    dispatched: int = 0
    signed_in_time: int = 0
    overdue_open: int = 0

    @property
    def rated(self) -> int:
        return self.satisfied + self.basically_satisfied + self.dissatisfied

    @property
    def closing_rate(self) -> float | None:
        """办结率."""
        return _rate(self.closed, self.received - self.out_of_scope)

    @property
    def on_time_rate(self) -> float | None:
        """按期办结率."""
        return _rate(self.closed_on_time, self.closed)

    @property
    def average_handling_hours(self) -> float | None:
        return round(self.handling_seconds / self.closed / 3600, 1) if self.closed else None

    @property
    def response_rate(self) -> float | None:
        """响应率."""
        return _rate(self.signed_in_time, self.dispatched)

    @property
    def resolution_rate(self) -> float | None:
        """解决率."""
        return _rate(self.resolved, self.closed)

    @property
    def satisfaction_rate(self) -> float | None:
        """满意率."""
        return _rate(self.satisfied + self.basically_satisfied, self.rated)

    def add(self, other: Figures) -> None:
        for name in COUNTS:
            setattr(self, name, getattr(self, name) + getattr(other, name))


COUNTS = (
    "received",
    "out_of_scope",
    "closed",
    "closed_on_time",
    "handling_seconds",
    "satisfied",
    "basically_satisfied",
    "dissatisfied",
    "resolved",
    "dispatched",
    "signed_in_time",
    "overdue_open",
)


def _rate(part: int, whole: int) -> float | None:
    """A rate in percent with one decimal, as counties print it (98.2)."""
    return round(100 * part / whole, 1) if whole > 0 else None


@dataclass
class Statistics:
    """The groups (in key order; by UNIT, largest first) and their total."""

    group_by: GroupBy
    start: date
    end: date
    groups: list[Figures]
    total: Figures
    unit_names: dict[str, str] = field(default_factory=dict)

    def label(self, key: str) -> str:
        """A group's key as people read it (a unit's name, 网上, 2026-03…)."""
        if self.group_by is GroupBy.UNIT:
            return self.unit_names.get(key, key)
        if self.group_by is GroupBy.CHANNEL:
            return CHANNEL_LABELS.get(key, key)
        if self.group_by is GroupBy.KIND:
            return KIND_LABELS.get(key, key)
        return key


CHANNEL_LABELS = {
    "ONLINE": "网上",
    "VENUE": "议事场所现场",
    "COLLECTOR": "民情收集员/网格员代录",
    "ONLINE_INQUIRY": "网络问政",
    "MEETING": "会议",
    "HOTLINE": "12345热线",
    "IMPORT": "台账导入",
}
KIND_LABELS = {"CONSULTATION": "咨询", "SUGGESTION": "建议", "DEMAND": "诉求"}

_CASE_KEY = {
    GroupBy.UNIT: "c.accountable_unit_id::text",
    GroupBy.CHANNEL: "c.channel",
    GroupBy.KIND: "c.kind",
    # A date (the month's first day), formatted YYYY-MM on the few result rows: to_char on
    # every case cost twice as much as date_trunc.
    GroupBy.MONTH: "date_trunc('month', c.received_at AT TIME ZONE :tz)::date",
}

# One statement: the cohort's counts per group, and its 转办件 per group (by the unit they
# were sent to when grouping by unit), joined on the key. Each part reads the period's
# cases itself: a CTE shared by both would be materialised (written to a temporary file
# over work_mem), which cost more than reading the cases twice from shared buffers
# (bench/cases.py: 2.6 s against 1.1 s over 100,000 cases on a loaded machine).
_PERIOD = "c.received_at >= :start AND c.received_at < :end AND c.state <> 'MERGED'"
_STATEMENT = """
WITH counts AS (
  SELECT {key} AS key,
    count(*) AS received,
    count(*) FILTER (WHERE c.state = 'OUT_OF_SCOPE') AS out_of_scope,
    count(*) FILTER (WHERE c.state = 'CLOSED') AS closed,
    count(*) FILTER (WHERE c.state = 'CLOSED'
      AND (c.due_on IS NULL OR (c.closed_at AT TIME ZONE :tz)::date <= c.due_on))
      AS closed_on_time,
    coalesce(sum(extract(epoch FROM c.closed_at - c.received_at))
      FILTER (WHERE c.state = 'CLOSED'), 0) AS handling_seconds,
    count(*) FILTER (WHERE c.state = 'CLOSED' AND c.satisfaction = 'SATISFIED') AS satisfied,
    count(*) FILTER (WHERE c.state = 'CLOSED' AND c.satisfaction = 'BASICALLY_SATISFIED')
      AS basically_satisfied,
    count(*) FILTER (WHERE c.state = 'CLOSED' AND c.satisfaction = 'DISSATISFIED')
      AS dissatisfied,
    count(*) FILTER (WHERE c.state = 'CLOSED'
      AND c.satisfaction IS DISTINCT FROM 'DISSATISFIED' AND NOT c.closed_dissatisfied)
      AS resolved,
    count(*) FILTER (WHERE c.state NOT IN ('CLOSED', 'OUT_OF_SCOPE') AND c.due_on < :today)
      AS overdue_open
  FROM cases c
  WHERE {period}
  GROUP BY 1
), dispatches AS (
  SELECT {assignment_key} AS key,
    count(*) AS dispatched,
    count(*) FILTER (WHERE a.signed_at IS NOT NULL
      AND (a.sign_due_at IS NULL OR a.signed_at <= a.sign_due_at)) AS signed_in_time
  FROM case_assignments a JOIN cases c ON c.id = a.case_id
  WHERE {period} AND a.role IN ('LEAD', 'CO')
  GROUP BY 1
)
SELECT coalesce(counts.key, dispatches.key) AS key, counts.received, counts.out_of_scope,
  counts.closed, counts.closed_on_time, counts.handling_seconds, counts.satisfied,
  counts.basically_satisfied, counts.dissatisfied, counts.resolved, counts.overdue_open,
  dispatches.dispatched, dispatches.signed_in_time
FROM counts FULL JOIN dispatches ON dispatches.key = counts.key
ORDER BY 1
"""


def statement(group_by: GroupBy) -> str:
    """The SQL of the statistics query for `group_by` (`bench/cases.py` EXPLAINs it)."""
    key = _CASE_KEY[group_by]
    assignment_key = "a.unit_id::text" if group_by is GroupBy.UNIT else key
    return _STATEMENT.format(key=key, assignment_key=assignment_key, period=_PERIOD)


def bounds(start: date, end: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """The period [start, end] (county-local dates, both included) as instants."""
    return (
        datetime.combine(start, time.min, tzinfo=tz),
        datetime.combine(end + timedelta(days=1), time.min, tzinfo=tz),
    )


def require_statistics_reader(principal: Principal) -> None:
    """Statistics are read by the county office, the units' staff and the 民意观察员."""
    principal.require(Role.DEPARTMENT_STAFF, Role.OBSERVER)


#: Periods are of dates between these years (cases are of this century).
YEARS = (2000, 2100)


def check_period(start: date, end: date) -> None:
    for name, day in (("period.from", start), ("period.to", end)):
        if not YEARS[0] <= day.year <= YEARS[1]:
            raise DomainError(
                CaseErrorCode.INVALID,
                f"统计日期须在{YEARS[0]}年至{YEARS[1]}年之间",
                field=name,
            )
    if end < start:
        raise DomainError(CaseErrorCode.INVALID, "统计结束日期不能早于开始日期", field="period.to")
    if (end - start).days > MAX_PERIOD_DAYS:
        raise DomainError(CaseErrorCode.INVALID, "统计时段不能超过十年", field="period.to")


async def county_timezone(session: AsyncSession) -> ZoneInfo:
    tz = await session.scalar(text("SELECT timezone FROM tenants WHERE id = app_tenant_id()"))
    try:
        return ZoneInfo(tz or "Asia/Shanghai")
    except (KeyError, ValueError):
        return ZoneInfo("Asia/Shanghai")


async def case_statistics(
    session: AsyncSession,
    principal: Principal,
    *,
    start: date,
    end: date,
    group_by: GroupBy,
    today: date | None = None,
) -> Statistics:
    """The figures of the cases received from `start` to `end` (both included, county-local
    dates), by `group_by`, with their total."""
    require_statistics_reader(principal)
    check_period(start, end)
    tz = await county_timezone(session)
    lo, hi = bounds(start, end, tz)
    rows = await session.execute(
        text(statement(group_by)),
        {
            "start": lo,
            "end": hi,
            "tz": tz.key,
            "today": today or datetime.now(tz).date(),
        },
    )
    groups = [_figures(row._mapping) for row in rows]
    if group_by is GroupBy.MONTH:
        for g in groups:
            g.key = g.key[:7]  # 2026-03-01 → 2026-03
    total = Figures(key="合计")
    for g in groups:
        total.add(g)
    stats = Statistics(group_by=group_by, start=start, end=end, groups=groups, total=total)
    if group_by is GroupBy.UNIT:
        ids = [int(g.key) for g in groups if g.key.isdigit()]
        names = await session.execute(
            text("SELECT id::text, name FROM org_units WHERE id = ANY(:ids)"), {"ids": ids}
        )
        stats.unit_names = {k: v for k, v in names}
        groups.sort(key=lambda g: (-g.received, stats.label(g.key)))
    return stats


def _figures(row: Any) -> Figures:
    f = Figures(key=str(row["key"]))
    for name in COUNTS:
        value = row.get(name)
        if value is not None:
            setattr(f, name, float(value) if name == "handling_seconds" else int(value))
    return f


@dataclass(frozen=True)
class RankedUnit:
    """A unit's place in a month's ranking, with its score (0–100) and its figures."""

    rank: int
    unit_id: int
    name: str
    score: float | None
    figures: Figures


def ranking_score(f: Figures) -> float | None:
    """0.1 × 响应率 + 0.45 × 解决率 + 0.45 × 满意率; a rate with nothing to count (no 转办件,
    no rated case) takes its weight off the total instead of counting as zero."""
    parts = [
        (w, r)
        for w, r in zip(
            RANKING_WEIGHTS,
            (f.response_rate, f.resolution_rate, f.satisfaction_rate),
            strict=True,
        )
        if r is not None
    ]
    if not parts:
        return None
    weight = sum(w for w, _ in parts)
    return round(sum(w * r for w, r in parts) / weight, 1)


async def unit_ranking(
    session: AsyncSession, principal: Principal, *, month: date, today: date | None = None
) -> list[RankedUnit]:
    """The units ranked for the cases received in `month` (any day of it), best first; units
    with nothing to score come last, by name."""
    start = month.replace(day=1)
    check_period(start, start)
    end = (start + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    stats = await case_statistics(
        session, principal, start=start, end=end, group_by=GroupBy.UNIT, today=today
    )
    scored = [(ranking_score(g), g) for g in stats.groups if g.key.isdigit()]
    scored.sort(
        key=lambda sg: (sg[0] is None, -(sg[0] or 0), -sg[1].received, stats.label(sg[1].key))
    )
    return [
        RankedUnit(rank=i, unit_id=int(g.key), name=stats.label(g.key), score=s, figures=g)
        for i, (s, g) in enumerate(scored, start=1)
    ]
