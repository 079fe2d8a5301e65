"""Queries of case analytics: statistics and the unit ranking (`backend.cases.statistics`),
the hot-topic board, the 金点子 bank and the county's vocabulary (`backend.cases.board`)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated
from urllib.parse import urlencode

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from backend.cases import board, statistics
from backend.cases.text import Vocabulary
from backend.core.errors import DomainError, InvalidArgument
from schema.context import Info
from schema.relay import (
    Connection,
    PageAfter,
    PageFirst,
    build_connection,
    decode_cursor,
    page_size,
    to_global_id,
)

GroupBy = statistics.GroupBy
strawberry.enum(GroupBy, description="How case statistics are grouped.")
Trend = board.Trend
strawberry.enum(Trend, description="A count against the previous period of the same length.")


@strawberry.input(description="A period of county-local dates, both included.")
class PeriodInput:
    from_: dt.date = strawberry.field(name="from", description="First day.")
    to: dt.date = strawberry.field(description="Last day (included).")


@strawberry.type(description="The case figures of one group (or of all: the total).")
class CaseFigures:
    key: str = strawberry.field(
        description="The group: a unit's global id, a CaseChannel, a CaseKind, or a month "
        "(YYYY-MM); 合计 for the total."
    )
    label: str = strawberry.field(description="The group as people read it (单位名称, 网上…).")
    received: int = strawberry.field(description="Cases received (受理) in the period.")
    out_of_scope: int = strawberry.field(description="Of those, not accepted (不予受理).")
    closed: int = strawberry.field(description="Of those, closed (办结) by now.")
    closing_rate: float | None = strawberry.field(
        description="办结率 in percent: closed / (received − out of scope)."
    )
    closed_on_time: int = strawberry.field(description="Closed on or before the deadline.")
    on_time_rate: float | None = strawberry.field(
        description="按期办结率 in percent: closed on time / closed."
    )
    average_handling_hours: float | None = strawberry.field(
        description="Mean hours from receipt to closing, over the closed cases."
    )
    satisfied: int = strawberry.field(description="Rated 满意.")
    basically_satisfied: int = strawberry.field(description="Rated 基本满意.")
    dissatisfied: int = strawberry.field(description="Rated 不满意.")
    satisfaction_rate: float | None = strawberry.field(
        description="满意率 in percent: (满意 + 基本满意) / rated."
    )
    dispatched: int = strawberry.field(description="转办件 (lead and co-handling assignments).")
    signed_in_time: int = strawberry.field(
        description="转办件 signed for (签收) within their sign-for deadline."
    )
    response_rate: float | None = strawberry.field(
        description="响应率 in percent: signed in time / dispatched."
    )
    resolution_rate: float | None = strawberry.field(
        description="解决率 in percent: closed cases not rated 不满意 / closed cases."
    )
    overdue_open: int = strawberry.field(description="Not closed and past their deadline today.")

    @classmethod
    def of(cls, f: statistics.Figures, stats: statistics.Statistics | None) -> CaseFigures:
        is_unit = stats is not None and stats.group_by is GroupBy.UNIT and f.key.isdigit()
        return cls(
            key=to_global_id("OrgUnit", int(f.key)) if is_unit else f.key,
            label=stats.label(f.key) if stats is not None else f.key,
            received=f.received,
            out_of_scope=f.out_of_scope,
            closed=f.closed,
            closing_rate=f.closing_rate,
            closed_on_time=f.closed_on_time,
            on_time_rate=f.on_time_rate,
            average_handling_hours=f.average_handling_hours,
            satisfied=f.satisfied,
            basically_satisfied=f.basically_satisfied,
            dissatisfied=f.dissatisfied,
            satisfaction_rate=f.satisfaction_rate,
            dispatched=f.dispatched,
            signed_in_time=f.signed_in_time,
            response_rate=f.response_rate,
            resolution_rate=f.resolution_rate,
            overdue_open=f.overdue_open,
        )


@strawberry.type(description="Case statistics of a period, by group, with the total.")
class CaseStatistics:
    group_by: GroupBy = strawberry.field(description="How the groups are made.")
    period_from: dt.date = strawberry.field(description="First day of the period.")
    period_to: dt.date = strawberry.field(description="Last day of the period.")
    groups: list[CaseFigures] = strawberry.field(
        description="One line per group (units: most received first; others: by key)."
    )
    total: CaseFigures = strawberry.field(description="All groups together (合计).")
    export_url: str = strawberry.field(
        description="Where the same table is downloaded as .xlsx (GET, with the same "
        "Authorization and X-Tenant headers)."
    )


@strawberry.type(description="A unit's place in a month's ranking (接诉即办“三率”).")
class CaseUnitRank:
    rank: int = strawberry.field(description="1 is best.")
    unit_id: strawberry.ID = strawberry.field(description="The unit's global id.")
    name: str = strawberry.field(description="The unit's name.")
    score: float | None = strawberry.field(
        description=f"0–100: {statistics.RANKING_SOURCE}; a rate with nothing to count gives "
        "its weight to the others; null when the unit has nothing to score."
    )
    figures: CaseFigures = strawberry.field(description="The unit's figures of the month.")


@strawberry.type(description="One line of the hot-topic board.")
class HotTopicCount:
    key: str = strawberry.field(
        description="The keyword, CaseKind, MatterClass (empty: not yet classified) or the "
        "place's global id."
    )
    label: str = strawberry.field(description="As people read it.")
    count: int = strawberry.field(description="Cases of this period.")
    previous: int = strawberry.field(description="Cases of the previous period.")
    trend: Trend = strawberry.field(description="Against the previous period.")
    change_percent: float | None = strawberry.field(
        description="(this − previous) / previous, in percent; null when previous is 0."
    )

    @classmethod
    def of(cls, c: board.Count, *, place: bool = False) -> HotTopicCount:
        return cls(
            key=to_global_id("OrgUnit", int(c.key)) if place else c.key,
            label=c.label,
            count=c.count,
            previous=c.previous,
            trend=c.trend,
            change_percent=c.change_percent,
        )


@strawberry.type(description="The hot-topic board (民情晴雨表/民意热度表) of a period.")
class HotTopicBoard:
    period_from: dt.date = strawberry.field(description="First day of the period.")
    period_to: dt.date = strawberry.field(description="Last day of the period.")
    previous_from: dt.date = strawberry.field(description="First day of the previous period.")
    previous_to: dt.date = strawberry.field(description="Last day of the previous period.")
    total: int = strawberry.field(description="Cases received in the period.")
    previous_total: int = strawberry.field(description="Cases received in the previous period.")
    keywords: list[HotTopicCount] = strawberry.field(
        description="The most frequent keywords (synonyms folded, stop words dropped)."
    )
    kinds: list[HotTopicCount] = strawberry.field(description="By kind (咨询/建议/诉求).")
    matter_classes: list[HotTopicCount] = strawberry.field(
        description="By matter class (个人/公益/行政管理事项)."
    )
    places: list[HotTopicCount] = strawberry.field(
        description="By place (the village or community of the matter)."
    )
    public_view: bool = strawberry.field(
        description=f"True for the public board: private (点对点) cases are not counted and "
        f"lines of fewer than {board.PUBLIC_MIN_COUNT} cases are left out."
    )


@strawberry.type(description="A word and the variants counted as it on the board.")
class CaseSynonymGroup:
    canonical: str = strawberry.field(description="The word the board shows.")
    variants: list[str] = strawberry.field(description="Words counted as it.")


@strawberry.type(description="The county's own words for the board and the suggester.")
class CaseVocabulary:
    synonyms: list[CaseSynonymGroup] = strawberry.field(description="Synonym groups.")
    stop_words: list[str] = strawberry.field(
        description="The county's stop words (besides the shipped ones)."
    )


@strawberry.type(description="An adopted suggestion (金点子) in the bank; no contact details.")
class GoldenIdea:
    case_id: strawberry.ID = strawberry.field(description="The case's global id.")
    number: str = strawberry.field(description="受理编号.")
    title: str = strawberry.field(description="The suggestion's title.")
    body: str = strawberry.field(description="What was suggested.")
    received_at: dt.datetime = strawberry.field(description="When it was received.")
    closed_at: dt.datetime | None = strawberry.field(description="When it was closed.")
    unit_id: strawberry.ID = strawberry.field(description="The unit that adopted it.")
    unit_name: str = strawberry.field(description="That unit's name.")
    place_name: str | None = strawberry.field(description="The village or community it is about.")
    keywords: list[str] = strawberry.field(description="Its keywords.")
    published: bool = strawberry.field(description="True once published (政务村务公开).")

    @classmethod
    def of(cls, g: board.GoldenIdea) -> GoldenIdea:
        return cls(
            case_id=strawberry.ID(to_global_id("Case", g.case_id)),
            number=g.number,
            title=g.title,
            body=g.body,
            received_at=g.received_at,
            closed_at=g.closed_at,
            unit_id=strawberry.ID(to_global_id("OrgUnit", g.unit_id)),
            unit_name=g.unit_name,
            place_name=g.place_name,
            keywords=g.keywords,
            published=g.published,
        )


def vocabulary_type(vocabulary: Vocabulary) -> CaseVocabulary:
    return CaseVocabulary(
        synonyms=[
            CaseSynonymGroup(canonical=g.canonical, variants=g.variants)
            for g in board.synonym_groups(vocabulary)
        ],
        stop_words=sorted(vocabulary.stop),
    )


def _period(period: PeriodInput) -> tuple[dt.date, dt.date]:
    try:
        statistics.check_period(period.from_, period.to)
    except DomainError as error:
        raise InvalidArgument(error.message) from error
    return period.from_, period.to


def export_url(start: dt.date, end: dt.date, group_by: GroupBy) -> str:
    query = urlencode({"from": start.isoformat(), "to": end.isoformat(), "groupBy": group_by.value})
    return f"/exports/case-statistics.xlsx?{query}"


@strawberry.type
class CaseAnalyticsQueries:
    @strawberry.field(
        description="Case figures (办结率, 按期办结率, 响应率, 解决率, 满意率…) of the cases "
        "received in the period, by unit, channel, kind or month. County staff and 民意观察员."
    )
    async def case_statistics(
        self,
        info: Info,
        period: Annotated[PeriodInput, strawberry.argument(description="Cases received then.")],
        group_by: Annotated[GroupBy, strawberry.argument(description="How to group.")],
    ) -> CaseStatistics:
        start, end = _period(period)
        principal = await info.context.principal()

        async def run(s: AsyncSession) -> statistics.Statistics:
            return await statistics.case_statistics(
                s, principal, start=start, end=end, group_by=group_by
            )

        try:
            stats = await info.context.read(run)
        except DomainError as error:
            raise InvalidArgument(error.message) from error
        return CaseStatistics(
            group_by=group_by,
            period_from=start,
            period_to=end,
            groups=[CaseFigures.of(g, stats) for g in stats.groups],
            total=CaseFigures.of(stats.total, stats),
            export_url=export_url(start, end, group_by),
        )

    @strawberry.field(
        description="The units ranked for the cases received in a month (接诉即办“三率”: "
        "响应率 10%, 解决率 45%, 满意率 45%), best first."
    )
    async def case_unit_ranking(
        self,
        info: Info,
        month: Annotated[dt.date, strawberry.argument(description="Any day of the month.")],
    ) -> list[CaseUnitRank]:
        principal = await info.context.principal()

        async def run(s: AsyncSession) -> list[statistics.RankedUnit]:
            return await statistics.unit_ranking(s, principal, month=month)

        try:
            ranked = await info.context.read(run)
        except DomainError as error:
            raise InvalidArgument(error.message) from error
        return [
            CaseUnitRank(
                rank=r.rank,
                unit_id=strawberry.ID(to_global_id("OrgUnit", r.unit_id)),
                name=r.name,
                score=r.score,
                figures=CaseFigures.of(r.figures, None),
            )
            for r in ranked
        ]

    @strawberry.field(
        description="The hot-topic board (民情晴雨表): keywords, kinds, classes and places "
        "with counts and trend. Anyone in the county; the public view counts public cases only."
    )
    async def case_hot_topics(
        self,
        info: Info,
        period: Annotated[PeriodInput, strawberry.argument(description="Cases received then.")],
        limit: Annotated[
            int, strawberry.argument(description=f"Keywords, 1–{board.MAX_BOARD_KEYWORDS}.")
        ] = 20,
    ) -> HotTopicBoard:
        start, end = _period(period)
        principal = await info.context.principal()

        async def run(s: AsyncSession) -> board.Board:
            return await board.hot_topics(s, principal, start=start, end=end, limit=limit)

        try:
            b = await info.context.read(run)
        except DomainError as error:
            raise InvalidArgument(error.message) from error
        return HotTopicBoard(
            period_from=b.start,
            period_to=b.end,
            previous_from=b.previous_start,
            previous_to=b.previous_end,
            total=b.total,
            previous_total=b.previous_total,
            keywords=[HotTopicCount.of(c) for c in b.keywords],
            kinds=[HotTopicCount.of(c) for c in b.kinds],
            matter_classes=[HotTopicCount.of(c) for c in b.matter_classes],
            places=[HotTopicCount.of(c, place=True) for c in b.places],
            public_view=b.public_view,
        )

    @strawberry.field(description="The county's synonyms and stop words. County staff.")
    async def case_vocabulary(self, info: Info) -> CaseVocabulary:
        principal = await info.context.principal()
        statistics.require_statistics_reader(principal)
        vocabulary = await info.context.read(board.county_vocabulary)
        return vocabulary_type(vocabulary)

    @strawberry.field(
        description="The 金点子 bank: adopted suggestions, newest first. County staff see "
        "all; anyone else those published and not private."
    )
    async def golden_ideas(
        self, info: Info, first: PageFirst = None, after: PageAfter = None
    ) -> Connection[GoldenIdea]:
        size = page_size(first)
        key = decode_cursor(after)
        principal = await info.context.principal()

        async def run(s: AsyncSession) -> list[board.GoldenIdea]:
            return await board.golden_ideas(s, principal, after=key, limit=size + 1)

        rows = await info.context.read(run)
        return build_connection(rows, first=size, to_node=GoldenIdea.of, key=lambda g: g.case_id)
