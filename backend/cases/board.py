"""The hot-topic board (民情晴雨表/民意热度表) and the 金点子 bank, and the county's own
vocabulary (synonyms and stop words) they count with.

The board counts the cases received in a period by keyword (`cases.keywords`, folded through
the county's vocabulary: a synonym added today folds the old cases too), by kind (咨询/建议/
诉求), by matter class and by place (the village or community), each against the period of
the same length just before it (the trend).

Who sees what: the county's staff (管理员, 承办单位, 民意观察员) count every case. Anyone
else (citizens, the public) counts only cases that are not private (点对点), and a keyword or
place that fewer than `PUBLIC_MIN_COUNT` cases share is not shown, so the board never points
at one person's matter.
"""

from __future__ import annotations

import enum
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import delete, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from backend.cases.errors import CaseErrorCode
from backend.cases.statistics import bounds, check_period, county_timezone
from backend.cases.text import MAX_KEYWORD_CHARS, Vocabulary, normalise, vocabulary_from
from backend.core.errors import DomainError
from backend.core.security import Principal, Role

#: What the public board leaves out: keywords and places of fewer cases than this.
PUBLIC_MIN_COUNT = 3
#: At most this many keywords on the board.
MAX_BOARD_KEYWORDS = 50
#: A county's vocabulary has at most this many terms.
MAX_TERMS = 2000

STAFF_ROLES = (Role.TENANT_ADMIN, Role.DEPARTMENT_STAFF, Role.OBSERVER)


class Trend(enum.Enum):
    NEW = "NEW"  # none in the previous period
    UP = "UP"
    DOWN = "DOWN"
    FLAT = "FLAT"


@dataclass(frozen=True)
class Count:
    """One line of the board: how many cases this period and the one before."""

    key: str
    label: str
    count: int
    previous: int

    @property
    def trend(self) -> Trend:
        if self.previous == 0:
            return Trend.NEW if self.count else Trend.FLAT
        if self.count > self.previous:
            return Trend.UP
        if self.count < self.previous:
            return Trend.DOWN
        return Trend.FLAT

    @property
    def change_percent(self) -> float | None:
        """(this − previous) / previous in percent; None when there was none before."""
        if self.previous == 0:
            return None
        return round(100 * (self.count - self.previous) / self.previous, 1)


@dataclass(frozen=True)
class Board:
    start: date
    end: date
    previous_start: date
    previous_end: date
    total: int
    previous_total: int
    keywords: list[Count]
    kinds: list[Count]
    matter_classes: list[Count]
    places: list[Count]
    public_view: bool


KIND_LABELS = {"CONSULTATION": "咨询", "SUGGESTION": "建议", "DEMAND": "诉求"}
MATTER_LABELS = {
    "PERSONAL": "个人事项",
    "PUBLIC_INTEREST": "公益事项",
    "ADMINISTRATIVE": "行政管理事项",
    "": "未分类",
}


def is_staff(principal: Principal) -> bool:
    return principal.has(*STAFF_ROLES)


async def county_vocabulary(session: AsyncSession) -> Vocabulary:
    """The county's synonyms and stop words (table `case_terms`, RLS-scoped)."""
    from backend.cases.models import CaseTerm

    rows = await session.execute(select(CaseTerm.term, CaseTerm.canonical, CaseTerm.stop))
    return vocabulary_from(rows)


# The cases of both periods in one pass: per keyword (unnested), kind, class and place, how
# many of this period (cur) and of the previous one (prev).
_BOARD = """
WITH c AS (
  SELECT c.id, c.keywords, c.kind, coalesce(c.matter_class, '') AS matter_class,
         c.place_unit_id, c.received_at >= :start AS cur
  FROM cases c
  WHERE c.received_at >= :prev_start AND c.received_at < :end AND c.state <> 'MERGED'
    AND (:all_cases OR NOT c.is_private)
)
SELECT 'total' AS dim, '' AS key, count(*) FILTER (WHERE cur) AS cur,
       count(*) FILTER (WHERE NOT cur) AS prev FROM c
UNION ALL
SELECT 'kind', kind, count(*) FILTER (WHERE cur), count(*) FILTER (WHERE NOT cur)
  FROM c GROUP BY kind
UNION ALL
SELECT 'class', matter_class, count(*) FILTER (WHERE cur), count(*) FILTER (WHERE NOT cur)
  FROM c GROUP BY matter_class
UNION ALL
SELECT 'place', place_unit_id::text, count(*) FILTER (WHERE cur), count(*) FILTER (WHERE NOT cur)
  FROM c WHERE place_unit_id IS NOT NULL GROUP BY place_unit_id
UNION ALL
SELECT 'keyword', coalesce(s.canonical, k), count(DISTINCT id) FILTER (WHERE cur),
       count(DISTINCT id) FILTER (WHERE NOT cur)
  FROM c CROSS JOIN LATERAL unnest(c.keywords) AS k
  LEFT JOIN unnest(CAST(:variants AS text[]), CAST(:canonicals AS text[])) AS s(variant, canonical)
    ON s.variant = k
  GROUP BY 2
"""


async def hot_topics(
    session: AsyncSession,
    principal: Principal,
    *,
    start: date,
    end: date,
    limit: int = 20,
) -> Board:
    """The board for the cases received from `start` to `end` (county-local dates, both
    included), against the same number of days before `start`."""
    principal.require_tenant()
    check_period(start, end)
    if not 1 <= limit <= MAX_BOARD_KEYWORDS:
        raise DomainError(
            CaseErrorCode.INVALID, f"关键词个数须在1到{MAX_BOARD_KEYWORDS}之间", field="limit"
        )
    staff = is_staff(principal)
    days = (end - start).days + 1
    prev_start, prev_end = start - timedelta(days=days), start - timedelta(days=1)
    tz = await county_timezone(session)
    lo, hi = bounds(start, end, tz)
    prev_lo, _ = bounds(prev_start, prev_end, tz)
    vocabulary = await county_vocabulary(session)
    variants = sorted(vocabulary.synonyms)
    rows = await session.execute(
        text(_BOARD),
        {
            "start": lo,
            "end": hi,
            "prev_start": prev_lo,
            "all_cases": staff,
            "variants": variants,
            "canonicals": [vocabulary.synonyms[v] for v in variants],
        },
    )
    total = previous_total = 0
    dims: dict[str, list[tuple[str, int, int]]] = {"kind": [], "class": [], "place": []}
    words_cur: Counter[str] = Counter()
    words_prev: Counter[str] = Counter()
    for dim, key, cur, prev in rows:
        if dim == "total":
            total, previous_total = cur, prev
        elif dim == "keyword":
            # Synonyms are folded in the statement (a case that says both 装电梯 and 加装电梯
            # counts once); stop words are dropped here.
            if vocabulary.fold(key) is not None:
                words_cur[key] += cur
                words_prev[key] += prev
        else:
            dims[dim].append((key, cur, prev))
    minimum = 1 if staff else PUBLIC_MIN_COUNT
    keywords = sorted(
        (
            Count(key=w, label=w, count=n, previous=words_prev[w])
            for w, n in words_cur.items()
            if n >= minimum
        ),
        key=lambda c: (-c.count, -c.previous, c.key),
    )[:limit]
    place_names: dict[str, str] = {}
    place_ids = [int(k) for k, _, _ in dims["place"]]
    if place_ids:
        names = await session.execute(
            text("SELECT id::text, name FROM org_units WHERE id = ANY(:ids)"), {"ids": place_ids}
        )
        place_names = {k: v for k, v in names}

    def counts(dim: str, labels: dict[str, str], floor: int = 1) -> list[Count]:
        return sorted(
            (
                Count(key=k, label=labels.get(k, k), count=cur, previous=prev)
                for k, cur, prev in dims[dim]
                if cur >= floor or (staff and prev)
            ),
            key=lambda c: (-c.count, -c.previous, c.label),
        )

    return Board(
        start=start,
        end=end,
        previous_start=prev_start,
        previous_end=prev_end,
        total=total,
        previous_total=previous_total,
        keywords=keywords,
        kinds=counts("kind", KIND_LABELS),
        matter_classes=counts("class", MATTER_LABELS),
        places=counts("place", place_names, floor=minimum),
        public_view=not staff,
    )


@dataclass(frozen=True)
class SynonymGroup:
    """A canonical word and the variants counted as it."""

    canonical: str
    variants: list[str]


def _term(raw: str, field: str) -> str:
    word = normalise(raw).strip()
    if not word:
        raise DomainError(CaseErrorCode.INVALID, "词语不能为空", field=field)
    if len(word) > MAX_KEYWORD_CHARS or any(ch.isspace() for ch in word):
        raise DomainError(
            CaseErrorCode.INVALID,
            f"词语“{word[:30]}”不能含空格或超过{MAX_KEYWORD_CHARS}个字",
            field=field,
        )
    return word


async def set_vocabulary(
    session: AsyncSession,
    principal: Principal,
    *,
    synonyms: Sequence[SynonymGroup],
    stop_words: Sequence[str],
) -> Vocabulary:
    """Replace the county's vocabulary (county-wide admins only). A word is in one role only: a
    variant of one canonical word, or a stop word; a canonical word is nobody's variant."""
    from backend.cases.models import CaseTerm

    principal.require_county_admin()
    tenant_id = principal.require_tenant()
    rows: dict[str, tuple[str | None, bool]] = {}
    canonicals: set[str] = set()

    def put(word: str, canonical: str | None, stop: bool, field: str) -> None:
        if word in rows:
            raise DomainError(CaseErrorCode.INVALID, f"词语“{word}”出现了不止一次", field=field)
        rows[word] = (canonical, stop)

    for i, group in enumerate(synonyms):
        canonical = _term(group.canonical, f"synonyms.{i}.canonical")
        canonicals.add(canonical)
        if not group.variants:
            raise DomainError(
                CaseErrorCode.INVALID, "同义词组至少要有一个同义词", field=f"synonyms.{i}.variants"
            )
        for j, variant in enumerate(group.variants):
            word = _term(variant, f"synonyms.{i}.variants.{j}")
            if word == canonical:
                continue
            put(word, canonical, False, f"synonyms.{i}.variants.{j}")
    for i, raw in enumerate(stop_words):
        put(_term(raw, f"stopWords.{i}"), None, True, f"stopWords.{i}")
    for word, (of, _) in rows.items():
        if of is not None and word in canonicals:
            raise DomainError(
                CaseErrorCode.INVALID,
                f"“{word}”已是标准词，不能再作为其他词的同义词",
                field="synonyms",
            )
    if len(rows) > MAX_TERMS:
        raise DomainError(CaseErrorCode.INVALID, f"词表不能超过{MAX_TERMS}个词", field="synonyms")
    await session.execute(delete(CaseTerm))
    session.add_all(
        CaseTerm(tenant_id=tenant_id, term=w, canonical=c, stop=s) for w, (c, s) in rows.items()
    )
    await session.flush()
    return vocabulary_from((w, c, s) for w, (c, s) in rows.items())


def synonym_groups(vocabulary: Vocabulary) -> list[SynonymGroup]:
    groups: dict[str, list[str]] = {}
    for variant, canonical in sorted(vocabulary.synonyms.items()):
        groups.setdefault(canonical, []).append(variant)
    return [SynonymGroup(canonical=c, variants=v) for c, v in sorted(groups.items())]


@dataclass(frozen=True)
class GoldenIdea:
    """An adopted suggestion (金点子) as the bank lists it: no contact details."""

    case_id: int
    number: str
    title: str
    body: str
    received_at: datetime
    closed_at: datetime | None
    unit_id: int
    unit_name: str
    place_name: str | None
    keywords: list[str]
    published: bool


_GOLDEN = """
SELECT c.id, c.number, c.title, c.body, c.received_at, c.closed_at, c.accountable_unit_id,
       u.name AS unit_name, p.name AS place_name, c.keywords, c.published_at IS NOT NULL
FROM cases c
JOIN org_units u ON u.id = c.accountable_unit_id
LEFT JOIN org_units p ON p.id = c.place_unit_id
WHERE c.adopted AND c.kind = 'SUGGESTION' AND c.state <> 'MERGED'
  AND (:all_cases OR (NOT c.is_private AND c.published_at IS NOT NULL))
  AND (CAST(:after AS bigint) IS NULL OR c.id < :after)
ORDER BY c.id DESC
LIMIT :limit
"""


async def golden_ideas(
    session: AsyncSession, principal: Principal, *, after: int | None, limit: int
) -> list[GoldenIdea]:
    """The 金点子 bank: adopted suggestions, newest first, `limit` of them after the case id
    `after`. Staff see every adopted suggestion; anyone else those published and not
    private (点对点)."""
    principal.require_tenant()
    rows = await session.execute(
        text(_GOLDEN), {"all_cases": is_staff(principal), "after": after, "limit": limit}
    )
    return [
        GoldenIdea(
            case_id=r[0],
            number=r[1],
            title=r[2],
            body=r[3],
            received_at=r[4],
            closed_at=r[5],
            unit_id=r[6],
            unit_name=r[7],
            place_name=r[8],
            keywords=list(r[9] or []),
            published=bool(r[10]),
        )
        for r in rows
    ]
