"""A project's progress (进度) from its monthly reports and its sub-projects: the one place
it is computed, pure (no database), exact (fractions; rounded only when shown).

- A project without sub-projects has the percentage of its latest report (on or before the
  month asked for), 0 when it has none.
- A project with sub-projects has their weighted mean, Σ wᵢ·pᵢ / Σ wᵢ, recursively: its own
  reports no longer count. Weights are normalised among siblings, so they need not sum to 1
  (or 100): weights 2 and 6 mean ¼ and ¾. A sub-project without a declared weight counts as
  much as the mean declared weight of its siblings, so when none declares one every child
  counts equally, and adding an unweighted child never silently counts it as nothing.

Decidim's accountability module multiplied each child's progress by its weight and summed
the products, which is right only when the weights sum to exactly 1; here any positive
weights give a mean between the lowest and the highest child.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction


@dataclass(frozen=True, slots=True)
class Node:
    id: int
    parent_id: int | None
    weight: Decimal | None


def latest_percent(
    reports: Iterable[tuple[date, Decimal]], as_of: date | None = None
) -> Decimal | None:
    """The percentage of the latest report on or before `as_of` (any month when None)."""
    best: tuple[date, Decimal] | None = None
    for month, percent in reports:
        if as_of is not None and month > as_of:
            continue
        if best is None or month > best[0]:
            best = (month, percent)
    return None if best is None else best[1]


def derive(nodes: Iterable[Node], reported: Mapping[int, Decimal | None]) -> dict[int, Fraction]:
    """Every node's progress (0–100, exact) from the reported percentages of the nodes
    (`reported[id]`: the leaf's latest percentage, or None)."""
    by_id = {n.id: n for n in nodes}
    children: dict[int, list[Node]] = {}
    for n in by_id.values():
        if n.parent_id is not None and n.parent_id in by_id:
            children.setdefault(n.parent_id, []).append(n)
    result: dict[int, Fraction] = {}

    def of(node: Node, depth: int = 0) -> Fraction:
        if node.id in result:
            return result[node.id]
        if depth > 64:  # pragma: no cover - the tree is built parent first, so no cycle
            raise ValueError("project tree too deep or cyclic")
        kids = children.get(node.id, [])
        if not kids:
            value = Fraction(reported.get(node.id) or 0)
        else:
            declared = [Fraction(k.weight) for k in kids if k.weight is not None]
            default = sum(declared, Fraction(0)) / len(declared) if declared else Fraction(1)
            weights = [Fraction(k.weight) if k.weight is not None else default for k in kids]
            total = sum(weights, Fraction(0))
            value = (
                sum((w * of(k, depth + 1) for w, k in zip(weights, kids, strict=True)), Fraction(0))
                / total
            )
        result[node.id] = value
        return value

    for n in by_id.values():
        of(n)
    return result


def shown(value: Fraction) -> Decimal:
    """A progress as shown: two decimals, half up."""
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP
    )
