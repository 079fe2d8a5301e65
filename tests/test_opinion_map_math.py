"""The opinion map's mathematics against conversations whose groups are known by construction."""

from __future__ import annotations

import random

from backend.opinion_map.math import (
    AGREE,
    DISAGREE,
    PASS,
    VoteMatrix,
    choose_next,
    compute_map,
)

STATEMENTS = [f"s{i}" for i in range(12)]

# Three camps by construction. s0-s3: A agrees, B and C disagree; s4-s7: the reverse of
# A and B, C disagrees; s8, s9: everyone agrees (consensus); s10: A and B agree, C passes;
# s11: everyone disagrees.
CAMPS = {
    "A": [AGREE] * 4 + [DISAGREE] * 4 + [AGREE, AGREE, AGREE, DISAGREE],
    "B": [DISAGREE] * 4 + [AGREE] * 4 + [AGREE, AGREE, AGREE, DISAGREE],
    "C": [DISAGREE] * 8 + [AGREE, AGREE, PASS, DISAGREE],
}


def conversation(
    per_camp: int = 20, missing: float = 0.2, noise: float = 0.05, seed: int = 7
) -> tuple[list[tuple[str, str, int]], dict[str, str]]:
    rng = random.Random(seed)
    votes: list[tuple[str, str, int]] = []
    camp_of: dict[str, str] = {}
    for camp, stance in CAMPS.items():
        for n in range(per_camp):
            who = f"{camp}{n}"
            camp_of[who] = camp
            for i, (statement, value) in enumerate(zip(STATEMENTS, stance, strict=True)):
                if i % 3 and rng.random() < missing:  # everyone votes on s0, s3, s6, s9
                    continue
                if rng.random() < noise:
                    value = rng.choice([AGREE, DISAGREE, PASS])
                votes.append((who, statement, value))
    return votes, camp_of


def test_three_camps_are_found_as_three_groups_with_their_members() -> None:
    votes, camp_of = conversation(noise=0.0)

    result = compute_map(VoteMatrix.from_votes(votes, STATEMENTS))

    assert result.participants == 60
    assert result.placed == 60
    assert len(result.groups) == 3
    assert sorted(g.size for g in result.groups) == [20, 20, 20]
    found: dict[str, set[int]] = {}
    for who, (_, _, group) in result.positions.items():
        found.setdefault(camp_of[who], set()).add(group)
    assert all(len(groups) == 1 for groups in found.values())
    assert len({next(iter(g)) for g in found.values()}) == 3


def test_with_noisy_votes_nearly_everyone_is_grouped_with_their_camp() -> None:
    votes, camp_of = conversation(noise=0.05)

    result = compute_map(VoteMatrix.from_votes(votes, STATEMENTS))

    assert len(result.groups) == 3
    by_group: dict[int, list[str]] = {}
    for who, (_, _, group) in result.positions.items():
        by_group.setdefault(group, []).append(camp_of[who])
    majority = {g: max(set(c), key=c.count) for g, c in by_group.items()}
    assert sorted(majority.values()) == ["A", "B", "C"]
    wrong = sum(c != majority[g] for g, camps in by_group.items() for c in camps)
    assert wrong <= 2


def test_consensus_is_what_every_group_agrees_with_and_divisive_what_splits_them() -> None:
    votes, _ = conversation()

    result = compute_map(VoteMatrix.from_votes(votes, STATEMENTS))

    assert {c.statement for c in result.consensus} == {"s8", "s9"}
    divisive = [d.statement for d in result.divisive]
    assert len(divisive) == 5
    assert set(divisive) <= {f"s{i}" for i in range(8)} | {"s10"}
    assert "s11" not in divisive and "s8" not in divisive


def test_each_group_is_represented_by_the_statements_that_set_its_camp_apart() -> None:
    votes, camp_of = conversation()

    result = compute_map(VoteMatrix.from_votes(votes, STATEMENTS))

    group_of_camp = {camp_of[who]: g for who, (_, _, g) in result.positions.items()}
    a = result.groups[group_of_camp["A"]]
    c = result.groups[group_of_camp["C"]]
    a_reps = {(r.statement, r.direction) for r in a.representative}
    assert a_reps and a_reps <= {(f"s{i}", "agree") for i in range(4)} | {
        (f"s{i}", "disagree") for i in range(4, 8)
    }
    assert {(r.statement, r.direction) for r in c.representative} >= {
        (f"s{i}", "disagree") for i in range(4, 8)
    }
    assert all(r.share > 0.5 and r.ratio > 1 for g in result.groups for r in g.representative)


def test_two_camps_give_two_groups() -> None:
    rng = random.Random(3)
    votes = []
    for n in range(30):
        camp = n % 2
        for i, s in enumerate(STATEMENTS):
            if n >= 2 and rng.random() < 0.2:
                continue
            votes.append((f"p{n}", s, AGREE if (i % 2 == camp) else DISAGREE))
    per_camp: dict[int, list[str]] = {0: [], 1: []}
    for n in range(30):
        if sum(1 for who, _, _ in votes if who == f"p{n}") >= 7:
            per_camp[n % 2].append(f"p{n}")

    result = compute_map(VoteMatrix.from_votes(votes, STATEMENTS))

    assert sorted(g.size for g in result.groups) == sorted(len(c) for c in per_camp.values())
    for members in per_camp.values():
        assert len({result.positions[who][2] for who in members}) == 1
    assert result.consensus == ()


def test_participants_with_too_few_votes_are_counted_but_not_placed() -> None:
    votes, _ = conversation()
    votes += [("late", "s0", AGREE), ("late", "s1", AGREE)]

    result = compute_map(VoteMatrix.from_votes(votes, STATEMENTS))

    assert result.participants == 61
    assert result.placed == 60
    assert "late" not in result.positions
    s0 = result.statements[0]
    assert s0.votes == sum(1 for _, s, _ in votes if s == "s0")
    assert s0.agree == sum(1 for _, s, v in votes if s == "s0" and v == AGREE)


def test_the_same_votes_give_the_same_map() -> None:
    votes, _ = conversation(noise=0.0)
    shuffled = list(votes)
    random.Random(1).shuffle(shuffled)

    first = compute_map(VoteMatrix.from_votes(votes, STATEMENTS)).summary()
    again = compute_map(VoteMatrix.from_votes(votes, STATEMENTS)).summary()

    assert first == again
    reordered = compute_map(VoteMatrix.from_votes(shuffled, STATEMENTS)).summary()
    assert sorted(g["size"] for g in reordered["groups"]) == [20, 20, 20]
    assert reordered["consensus"] == first["consensus"]
    assert reordered["statements"] == first["statements"]


def test_a_tiny_conversation_has_counts_and_no_groups() -> None:
    votes = [("a", "s0", AGREE), ("b", "s0", DISAGREE), ("b", "s1", PASS)]

    result = compute_map(VoteMatrix.from_votes(votes, STATEMENTS[:2]), min_votes=1)

    assert result.groups == ()
    assert [(s.agree, s.disagree, s.passed) for s in result.statements] == [(1, 1, 0), (0, 0, 1)]
    assert result.votes == 3


def test_votes_on_unlisted_statements_are_ignored() -> None:
    votes = [("a", "s0", AGREE), ("a", "hidden", AGREE)]

    matrix = VoteMatrix.from_votes(votes, ["s0"])

    assert len(matrix.values) == 1


def test_statements_with_few_votes_come_first_in_routing() -> None:
    votes, _ = conversation()
    votes = [v for v in votes if v[1] != "s11"] + [("A0", "s11", DISAGREE)]

    result = compute_map(VoteMatrix.from_votes(votes, STATEMENTS))

    by_priority = sorted(result.statements, key=lambda s: -s.priority)
    assert by_priority[0].statement == "s11"
    candidates = [(s.statement, s.priority) for s in result.statements]
    share = sum(choose_next(candidates, draw=i / 1000) == "s11" for i in range(1000)) / 1000
    assert share > 1 / 12
    assert choose_next([], draw=0.5) is None
    assert choose_next([("x", 0.0), ("y", 0.0)], draw=0.9) == "x"
