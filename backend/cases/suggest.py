"""The classification suggester: which kind (咨询/建议/诉求) and which responsible unit a new
case most likely is, learnt from the county's own closed cases. Staff confirm or change it.

A multinomial naive Bayes over the cases' keywords (`backend.cases.text`, folded through the
county's vocabulary), with Laplace smoothing, one model per target (kind, unit). Small and
exact enough for a few thousand cases; written here (a dozen lines) rather than bringing in
scikit-learn and numpy for it.

Each county's model is kept in `case_suggesters` (one row: the counts as JSON), so every
worker uses the same model without training it; it is trained again when the county has
closed `RETRAIN_AFTER` more cases (or a tenth more) than it was trained on.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.core.errors import DomainError, PermissionDenied
from backend.core.security import Principal, Role

#: No suggestion from fewer closed cases than this.
MIN_TRAINING_CASES = 5
#: Train again after this many more closed cases (or a tenth more, whichever is larger).
RETRAIN_AFTER = 20
#: How many suggestions per target.
TOP = 3


@dataclass
class NaiveBayes:
    """Counts of a multinomial naive Bayes: documents and tokens per class."""

    docs: Counter[str] = field(default_factory=Counter)
    tokens: dict[str, Counter[str]] = field(default_factory=dict)
    totals: Counter[str] = field(default_factory=Counter)
    vocabulary: set[str] = field(default_factory=set)

    def learn(self, words: Sequence[str], label: str) -> None:
        self.docs[label] += 1
        counts = self.tokens.setdefault(label, Counter())
        for w in words:
            counts[w] += 1
            self.totals[label] += 1
            self.vocabulary.add(w)

    def rank(self, words: Sequence[str], top: int = TOP) -> list[tuple[str, float]]:
        """The `top` likeliest labels with their posterior probability (0–1, summing to 1
        over all labels), likeliest first. Words never seen in training are ignored."""
        n_docs = sum(self.docs.values())
        if not n_docs:
            return []
        known = [w for w in words if w in self.vocabulary]
        v = len(self.vocabulary) or 1
        logs: dict[str, float] = {}
        for label, d in self.docs.items():
            counts = self.tokens.get(label, Counter())
            denominator = self.totals[label] + v
            score = math.log(d / n_docs)
            for w in known:
                score += math.log((counts[w] + 1) / denominator)
            logs[label] = score
        peak = max(logs.values())
        weights = {label: math.exp(s - peak) for label, s in logs.items()}
        total = sum(weights.values())
        ranked = sorted(weights.items(), key=lambda kv: (-kv[1], kv[0]))
        return [(label, w / total) for label, w in ranked[:top]]

    def to_json(self) -> dict[str, Any]:
        return {"docs": dict(self.docs), "tokens": {k: dict(v) for k, v in self.tokens.items()}}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> NaiveBayes:
        model = cls()
        model.docs = Counter(data.get("docs", {}))
        for label, counts in data.get("tokens", {}).items():
            model.tokens[label] = Counter(counts)
            model.totals[label] = sum(counts.values())
            model.vocabulary.update(counts)
        return model


@dataclass
class Suggester:
    """The two models of a county and how many closed cases they learnt from."""

    kind: NaiveBayes
    unit: NaiveBayes
    trained_on: int

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind.to_json(), "unit": self.unit.to_json()}

    @classmethod
    def from_json(cls, data: dict[str, Any], trained_on: int) -> Suggester:
        return cls(
            kind=NaiveBayes.from_json(data.get("kind", {})),
            unit=NaiveBayes.from_json(data.get("unit", {})),
            trained_on=trained_on,
        )


def train(examples: Iterable[tuple[Sequence[str], str, int]]) -> Suggester:
    """A suggester from (words, kind, unit id) of closed cases."""
    kind, unit = NaiveBayes(), NaiveBayes()
    n = 0
    for words, k, u in examples:
        kind.learn(words, k)
        unit.learn(words, str(u))
        n += 1
    return Suggester(kind=kind, unit=unit, trained_on=n)


def needs_training(trained_on: int | None, closed_now: int) -> bool:
    """True when the stored model is missing or `closed_now` has outgrown it."""
    if closed_now < MIN_TRAINING_CASES:
        return False
    if trained_on is None:
        return True
    return closed_now - trained_on >= max(RETRAIN_AFTER, trained_on // 10)


@dataclass(frozen=True)
class Suggestion:
    """Ranked guesses for one case: kinds (CaseKind values) and unit ids, each with its
    probability under the county's model."""

    kinds: list[tuple[str, float]]
    units: list[tuple[int, float]]
    trained_on: int


async def county_suggester(session: AsyncSession, tenant_id: int) -> Suggester | None:
    """The county's model, trained again first if it is missing or out of date; None while
    the county has fewer than MIN_TRAINING_CASES closed cases. Trains in the caller's
    transaction; concurrent trainers both write the same row (last one wins: same data)."""
    from sqlalchemy.dialects.postgresql import insert

    from backend.cases.models import Case, CaseState, CaseSuggester
    from backend.cases.text import Vocabulary

    closed = (
        await session.scalar(
            select(func.count()).select_from(Case).where(Case.state == CaseState.CLOSED)
        )
        or 0
    )
    stored = await session.scalar(select(CaseSuggester))
    if not needs_training(stored.trained_on if stored else None, closed):
        if stored is None:
            return None
        return Suggester.from_json(stored.model, stored.trained_on)
    from backend.cases.board import county_vocabulary

    vocabulary: Vocabulary = await county_vocabulary(session)
    rows = await session.execute(
        select(Case.keywords, Case.kind, Case.accountable_unit_id).where(
            Case.state == CaseState.CLOSED
        )
    )
    model = train((vocabulary.fold_all(kw or []), k.value, u) for kw, k, u in rows.all())
    values = {
        "tenant_id": tenant_id,
        "trained_on": model.trained_on,
        "trained_at": datetime.now(UTC),
        "model": model.to_json(),
    }
    await session.execute(
        insert(CaseSuggester)
        .values(**values)
        .on_conflict_do_update(
            index_elements=[CaseSuggester.tenant_id],
            set_={k: v for k, v in values.items() if k != "tenant_id"},
        )
    )
    return model


def suggest(model: Suggester, words: Sequence[str]) -> Suggestion:
    return Suggestion(
        kinds=model.kind.rank(words),
        units=[(int(u), p) for u, p in model.unit.rank(words)],
        trained_on=model.trained_on,
    )


async def suggest_for_case(
    session: AsyncSession, principal: Principal, *, case_id: int
) -> Suggestion | None:
    """Suggest a kind and a responsible unit for a case (staff who handle cases: the county
    office, the units' staff, collectors), and keep the best of each on the case
    (`suggested_kind`, `suggested_unit_id`) for the staff who confirm it. None while the
    county has too few closed cases to learn from."""
    from backend.cases.access import handles
    from backend.cases.board import county_vocabulary
    from backend.cases.errors import CaseErrorCode
    from backend.cases.models import Case, CaseKind

    principal.require(Role.DEPARTMENT_STAFF, Role.COLLECTOR)
    tenant_id = principal.require_tenant()
    case = await session.get(Case, case_id)
    if case is None:
        raise DomainError(CaseErrorCode.NOT_FOUND, "未找到该事项", field="caseId")
    # The suggestion is kept on the case: only those who handle it, or the collector who
    # entered it, may ask (a township's staff may not for a county department's case).
    if case.entered_by_user_id != principal.user_id and not await handles(session, principal, case):
        raise PermissionDenied("无权为此事项生成建议：需要承办单位工作人员或录入该事项的民情收集员")
    model = await county_suggester(session, tenant_id)
    if model is None:
        return None
    vocabulary = await county_vocabulary(session)
    words = vocabulary.fold_all(case.keywords or [])
    suggestion = suggest(model, words)
    # Units that no longer exist are not suggested.
    if suggestion.units:
        from tenants.models import OrgUnit

        alive = set(
            (
                await session.scalars(
                    select(OrgUnit.id).where(OrgUnit.id.in_([u for u, _ in suggestion.units]))
                )
            ).all()
        )
        suggestion = Suggestion(
            kinds=suggestion.kinds,
            units=[(u, p) for u, p in suggestion.units if u in alive],
            trained_on=suggestion.trained_on,
        )
    case.suggested_kind = CaseKind(suggestion.kinds[0][0]) if suggestion.kinds else None
    case.suggested_unit_id = suggestion.units[0][0] if suggestion.units else None
    await session.flush()
    return suggestion
