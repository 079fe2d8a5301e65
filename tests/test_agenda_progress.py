"""The progress calculation itself (backend/agenda/progress.py), exact, beside the API
tests of tests/test_agenda_livelihood.py: weighted means that do not depend on the weights
summing to 1, equal shares without weights, the mean weight for an unweighted child,
nesting, and the month a report counts from."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction

from backend.agenda.progress import Node, derive, latest_percent, shown


def test_a_project_without_children_has_its_report_or_nothing():
    assert derive([Node(1, None, None)], {1: Decimal("42.5")}) == {1: Fraction(85, 2)}
    assert derive([Node(1, None, None)], {}) == {1: Fraction(0)}
    assert derive([], {}) == {}


def test_weights_are_normalised_so_their_sum_does_not_matter():
    for scale in (Decimal("1"), Decimal("0.25"), Decimal("100"), Decimal("7")):
        nodes = [Node(1, None, None), Node(2, 1, 1 * scale), Node(3, 1, 3 * scale)]
        assert derive(nodes, {2: Decimal(20), 3: Decimal(60)})[1] == 50
    # (Decidim's Σ weight × progress would give 200 for weights 1 and 3, and 50 only for
    # weights that sum to 1)


def test_no_weights_mean_equal_shares_and_a_missing_weight_is_the_mean_of_the_others():
    equal = [Node(1, None, None), Node(2, 1, None), Node(3, 1, None), Node(4, 1, None)]
    assert derive(equal, {2: Decimal(100)})[1] == Fraction(100, 3)
    mixed = [Node(1, None, None), Node(2, 1, Decimal(1)), Node(3, 1, Decimal(3)), Node(4, 1, None)]
    # weights 1, 3 and 2: (0 + 3·100 + 2·50) / 6
    assert derive(mixed, {3: Decimal(100), 4: Decimal(50)})[1] == Fraction(400, 6)


def test_nesting_recurses_and_a_parents_own_report_no_longer_counts():
    nodes = [
        Node(1, None, None),
        Node(2, 1, Decimal(1)),
        Node(3, 1, Decimal(1)),
        Node(4, 3, Decimal("0.3")),
        Node(5, 3, Decimal("0.1")),
    ]
    result = derive(nodes, {1: Decimal(99), 2: Decimal(50), 3: Decimal(99), 4: Decimal(100)})
    assert result[3] == 75
    assert result[1] == Fraction(125, 2)
    assert shown(Fraction(152, 3)) == Decimal("50.67")
    assert shown(Fraction(1, 200)) == Decimal("0.01")  # half up


def test_the_latest_report_up_to_a_month():
    reports = [(date(2027, 3, 1), Decimal(10)), (date(2027, 5, 1), Decimal(40))]
    assert latest_percent(reports) == 40
    assert latest_percent(reports, date(2027, 4, 1)) == 10
    assert latest_percent(reports, date(2027, 2, 1)) is None
