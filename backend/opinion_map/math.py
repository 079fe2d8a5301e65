"""The opinion map's mathematics (意见地图): Pol.is's pipeline over a sparse vote matrix.

Pure functions over numpy arrays; no database, no event loop. `compute_map` is CPU work
(≈ 1 s at 10,000 participants × 500 statements, bench/opinion_map.py) and is run in a
thread by the caller (`backend.opinion_map.compute`): numpy's and scikit-learn's inner
loops release the GIL.

The algorithm follows Pol.is (Small et al., "Polis: Scaling deliberation by mapping
high dimensional opinion spaces", Recerca 2021; the reference implementation is
compdemocracy/polis `math/src/polismath/math/{pca,clusters,repness}.clj`, reproduced in
Python by the `red-dwarf` package, whose pipeline this module mirrors with numpy and
scikit-learn directly):

1. **Vote matrix.** Participants × statements; agree = +1, disagree = −1, pass = 0,
   not voted = missing. Only participants with at least `min_votes` votes (Pol.is: 7, or
   every statement when there are fewer) are placed on the map ("in conversation").
2. **PCA with missing votes.** A missing vote is filled with the statement's mean vote
   among those placed (Pol.is imputes the column mean), the matrix is centred and
   projected on its first two principal components (scikit-learn's randomized SVD, fixed
   seed). Each projection is then scaled by sqrt(statements / statements voted on) so
   that someone who voted on little is not pulled to the centre by the imputed means
   (Pol.is's sparsity-aware scaling).
3. **Groups.** k-means (k-means++, fixed seed) on the 2-D projection for k = 2 … 5
   (never more than participants − 1); the k with the best silhouette coefficient wins
   (Pol.is chooses k the same way, over base clusters). k is chosen on a fixed-seed
   sample of at most `SILHOUETTE_SAMPLE` positions (the silhouette is quadratic in
   points), then fitted on everyone from the sample's centres.
4. **Representative statements (代表性观点) of a group.** For each group g and statement s,
   with n_agree, n_disagree, n_votes counted inside g and outside g (Pol.is's repness):
   p_agree = (n_agree + 1) / (n_votes + 2) (Laplace smoothing), r_agree = p_agree(g) /
   p_agree(others), a one-proportion z-test that p_agree(g) > 1/2 and a two-proportion
   z-test that p_agree(g) > p_agree(others); likewise for disagree. A statement
   represents the group in the direction (agree or disagree) with the larger
   r × p, when both tests pass at 90 % (z > 1.2816); the group's list is the top
   `REPRESENTATIVE_PER_GROUP` by r × p.
5. **Group-informed consensus (共识观点).** For each statement, the product over groups of
   p_agree(g) (Pol.is's group-aware consensus): high only if every group tends to agree.
   A statement is a consensus statement when every group's p_agree > 1/2; listed by that
   product, at most `CONSENSUS_LISTED`.
6. **Divisive statements (分歧观点).** The spread between the groups' p_agree (highest
   minus lowest), where at least two groups voted on it; listed by spread, at most
   `DIVISIVE_LISTED`.
7. **Routing (which statement to show next).** Pol.is's comment priority:
   importance = (1 − p_pass) × (extremity + 1) × p_agree with p = (n + 1) / (votes + 2)
   and extremity the length of the statement's loading on the two components; priority
   = (importance × (1 + 8 × 2^(−votes / 5)))². A statement with few votes or a divisive
   one comes first; a participant is shown one of the statements they have not voted on,
   drawn with probability proportional to its priority (`choose_next`).

The result holds counts and group-level figures only; participant positions are keyed
by the caller's opaque participant keys (pseudonyms), never by a person.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

AGREE = 1
DISAGREE = -1
PASS = 0

MIN_VOTES = 7
MIN_GROUPS = 2
MAX_GROUPS = 5
SILHOUETTE_SAMPLE = 2000
REPRESENTATIVE_PER_GROUP = 5
CONSENSUS_LISTED = 5
DIVISIVE_LISTED = 5
Z_90 = 1.2816
SEED = 0


@dataclass(frozen=True)
class StatementFigures:
    """Counts of one statement, over everyone who voted on it."""

    statement: Hashable
    agree: int
    disagree: int
    passed: int
    priority: float

    @property
    def votes(self) -> int:
        return self.agree + self.disagree + self.passed


@dataclass(frozen=True)
class Representative:
    statement: Hashable
    direction: str  # "agree" or "disagree"
    share: float  # the group's smoothed probability of that direction
    ratio: float  # that probability inside the group over outside it


@dataclass(frozen=True)
class Group:
    """A group of participants who vote alike (观点群组): its size, centre and the
    statements that set it apart."""

    index: int
    size: int
    center: tuple[float, float]
    representative: tuple[Representative, ...]
    agree_share: dict[Hashable, float] = field(repr=False)  # smoothed p_agree per statement


@dataclass(frozen=True)
class Ranked:
    statement: Hashable
    score: float


@dataclass(frozen=True)
class OpinionMapResult:
    """The computed map: groups, consensus and divisive statements, per-statement counts,
    and each placed participant's position (keyed by the caller's participant keys)."""

    participants: int  # everyone who voted at all
    placed: int  # those with enough votes to be grouped
    votes: int
    groups: tuple[Group, ...]
    consensus: tuple[Ranked, ...]
    divisive: tuple[Ranked, ...]
    statements: tuple[StatementFigures, ...]
    positions: dict[Hashable, tuple[float, float, int]] = field(repr=False)
    silhouette: float | None = None

    def summary(self) -> dict[str, Any]:
        """The result without positions (what the record and the public map show)."""
        return {
            "participants": self.participants,
            "placed": self.placed,
            "votes": self.votes,
            "groups": [
                {
                    "index": g.index,
                    "size": g.size,
                    "representative": [
                        {
                            "statement": r.statement,
                            "direction": r.direction,
                            "share": round(r.share, 4),
                        }
                        for r in g.representative
                    ],
                }
                for g in self.groups
            ],
            "consensus": [
                {"statement": c.statement, "score": round(c.score, 4)} for c in self.consensus
            ],
            "divisive": [
                {"statement": d.statement, "score": round(d.score, 4)} for d in self.divisive
            ],
            "statements": [
                {
                    "statement": s.statement,
                    "agree": s.agree,
                    "disagree": s.disagree,
                    "pass": s.passed,
                }
                for s in self.statements
            ],
        }


@dataclass
class VoteMatrix:
    """Votes as three parallel arrays (participant row, statement column, value), the
    sparse form the database hands over; `participants` and `statements` name the rows
    and columns."""

    participants: Sequence[Hashable]
    statements: Sequence[Hashable]
    rows: NDArray[np.int32]
    cols: NDArray[np.int32]
    values: NDArray[np.int8]

    @classmethod
    def from_votes(
        cls,
        votes: Sequence[tuple[Hashable, Hashable, int]],
        statements: Sequence[Hashable],
    ) -> VoteMatrix:
        """From (participant, statement, value) triples; votes on statements not listed
        are ignored (a hidden statement)."""
        column = {s: i for i, s in enumerate(statements)}
        row: dict[Hashable, int] = {}
        rows, cols, values = [], [], []
        for who, statement, value in votes:
            c = column.get(statement)
            if c is None:
                continue
            rows.append(row.setdefault(who, len(row)))
            cols.append(c)
            values.append(value)
        return cls(
            participants=list(row),
            statements=list(statements),
            rows=np.asarray(rows, dtype=np.int32),
            cols=np.asarray(cols, dtype=np.int32),
            values=np.asarray(values, dtype=np.int8),
        )


def _smoothed(count: NDArray[Any], total: NDArray[Any]) -> NDArray[np.float64]:
    return np.asarray((count + 1.0) / (total + 2.0), dtype=np.float64)


def _counts(
    rows: NDArray[np.int32],
    cols: NDArray[np.int32],
    values: NDArray[np.int8],
    n_statements: int,
    weights: NDArray[np.bool_] | None = None,
) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.int64]]:
    """(agree, disagree, votes) per statement, of the votes selected by `weights`."""
    mask = np.ones(len(values), dtype=bool) if weights is None else weights
    agree = np.bincount(cols[mask & (values == AGREE)], minlength=n_statements)
    disagree = np.bincount(cols[mask & (values == DISAGREE)], minlength=n_statements)
    votes = np.bincount(cols[mask], minlength=n_statements)
    return agree.astype(np.int64), disagree.astype(np.int64), votes.astype(np.int64)


def _project(
    rows: NDArray[np.int32],
    cols: NDArray[np.int32],
    values: NDArray[np.int8],
    placed: NDArray[np.int64],
    n_statements: int,
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Positions (placed × 2) and statement loadings (statements × 2): steps 1 and 2."""
    from sklearn.decomposition import PCA

    index = np.full(int(rows.max()) + 1 if len(rows) else 0, -1, dtype=np.int64)
    index[placed] = np.arange(len(placed))
    keep = index[rows] >= 0
    r, c, v = index[rows[keep]], cols[keep], values[keep].astype(np.float32)
    sums = np.bincount(c, weights=v, minlength=n_statements)
    seen = np.bincount(c, minlength=n_statements)
    means = np.divide(sums, seen, out=np.zeros(n_statements), where=seen > 0)
    dense = np.tile(means.astype(np.float32), (len(placed), 1))
    dense[r, c] = v
    n_components = min(2, len(placed), n_statements)
    pca = PCA(n_components=n_components, svd_solver="randomized", random_state=SEED)
    # Everyone voting alike leaves no variance: sklearn then divides 0 by 0 for the explained
    # variance ratio (unused here); the positions are all 0 and the map has one group.
    with np.errstate(invalid="ignore", divide="ignore"):
        coords = pca.fit_transform(dense).astype(np.float64)
    loadings = pca.components_.T.astype(np.float64)
    if n_components < 2:  # a degenerate map: one statement or one participant
        coords = np.hstack([coords, np.zeros((len(placed), 2 - n_components))])
        loadings = np.hstack([loadings, np.zeros((n_statements, 2 - n_components))])
    voted = np.bincount(r, minlength=len(placed)).astype(np.float64)
    coords *= np.sqrt(n_statements / np.maximum(voted, 1.0))[:, None]
    return coords, loadings


def _cluster(coords: NDArray[np.float64]) -> tuple[NDArray[np.int64], float | None]:
    """Group labels by k-means, k from 2 to 5 chosen by silhouette: step 3.

    k is chosen on a fixed-seed sample of at most `SILHOUETTE_SAMPLE` positions (k-means
    and the silhouette on the sample); the chosen k is then fitted on everyone, started
    from the sample's centres, so the cost grows linearly with participants."""
    from sklearn.cluster import KMeans
    from sklearn.metrics import pairwise_distances, silhouette_score

    n = len(coords)
    if n > SILHOUETTE_SAMPLE:
        pick = np.random.default_rng(SEED).choice(n, SILHOUETTE_SAMPLE, replace=False)
        sample = coords[np.sort(pick)]
    else:
        sample = coords
    distinct = len(np.unique(np.round(sample, 9), axis=0))
    # The sample's distances once for every k (the silhouette would compute them per k:
    # most of the math's time at 2,000 positions).
    distances = pairwise_distances(sample)
    best: tuple[float, int, NDArray[np.float64]] | None = None
    for k in range(MIN_GROUPS, min(MAX_GROUPS, len(sample) - 1, distinct) + 1):
        fitted = KMeans(n_clusters=k, n_init=3, random_state=SEED).fit(sample)
        labels = fitted.labels_
        if len(np.unique(labels)) < 2:
            continue
        score = float(silhouette_score(distances, labels, metric="precomputed"))
        if best is None or score > best[0] + 1e-9:
            best = (score, k, np.asarray(fitted.cluster_centers_, dtype=np.float64))
    if best is None:
        return np.zeros(n, dtype=np.int64), None
    score, k, centres = best
    labels = KMeans(n_clusters=k, init=centres, n_init=1).fit_predict(coords)
    labels = labels.astype(np.int64)
    # Groups numbered by size, largest first, so the same votes give the same numbering.
    sizes = np.bincount(labels, minlength=k)
    order = sorted(range(k), key=lambda g: (-sizes[g], g))
    renumber = np.empty(k, dtype=np.int64)
    renumber[order] = np.arange(k)
    return renumber[labels], score


def _z_one(p: NDArray[np.float64], n: NDArray[np.int64]) -> NDArray[np.float64]:
    """One-proportion z statistic of p > 1/2 with n trials (Pol.is `prop-test`)."""
    return np.asarray(2.0 * np.sqrt(n + 1.0) * (p - 0.5), dtype=np.float64)


def _z_two(
    p1: NDArray[np.float64], n1: NDArray[np.int64], p2: NDArray[np.float64], n2: NDArray[np.int64]
) -> NDArray[np.float64]:
    """Two-proportion z statistic of p1 > p2 (Pol.is `two-prop-test`, smoothed counts)."""
    a1, a2 = n1 + 2.0, n2 + 2.0
    pooled = (p1 * a1 + p2 * a2) / (a1 + a2)
    spread = np.sqrt(pooled * (1 - pooled) * (1 / a1 + 1 / a2))
    return np.asarray(
        np.divide(p1 - p2, spread, out=np.zeros_like(p1), where=spread > 0), dtype=np.float64
    )


def priorities(
    agree: NDArray[np.int64],
    disagree: NDArray[np.int64],
    votes: NDArray[np.int64],
    extremity: NDArray[np.float64],
) -> NDArray[np.float64]:
    """Pol.is's comment priority (step 7): few votes and divisive statements first."""
    passed = votes - agree - disagree
    p_agree = _smoothed(agree, votes)
    p_pass = _smoothed(passed, votes)
    importance = (1.0 - p_pass) * (extremity + 1.0) * p_agree
    return np.asarray((importance * (1.0 + 8.0 * np.power(2.0, -votes / 5.0))) ** 2)


def compute_map(matrix: VoteMatrix, *, min_votes: int = MIN_VOTES) -> OpinionMapResult:
    """The opinion map of these votes (steps 1–6, and the routing priorities of step 7).

    Deterministic: the same votes give the same result (fixed seeds, groups numbered by
    size). With fewer than 3 placed participants there are no groups, only counts.
    """
    n_statements = len(matrix.statements)
    rows, cols, values = matrix.rows, matrix.cols, matrix.values
    agree, disagree, votes = _counts(rows, cols, values, n_statements)
    per_participant = np.bincount(rows, minlength=len(matrix.participants))
    threshold = min(min_votes, max(n_statements, 1))
    placed = np.flatnonzero(per_participant >= threshold)
    extremity = np.zeros(n_statements)
    groups: list[Group] = []
    consensus: list[Ranked] = []
    divisive: list[Ranked] = []
    positions: dict[Hashable, tuple[float, float, int]] = {}
    silhouette: float | None = None
    if len(placed) >= 3 and n_statements >= 2:
        coords, loadings = _project(rows, cols, values, placed, n_statements)
        extremity = np.linalg.norm(loadings, axis=1)
        labels, silhouette = _cluster(coords)
        row_group = np.full(len(matrix.participants), -1, dtype=np.int64)
        row_group[placed] = labels
        vote_group = row_group[rows]
        n_groups = int(labels.max()) + 1
        shares = []
        for g in range(n_groups):
            inside = vote_group == g
            outside = (vote_group >= 0) & ~inside
            a_in, d_in, n_in = _counts(rows, cols, values, n_statements, inside)
            a_out, d_out, n_out = _counts(rows, cols, values, n_statements, outside)
            reps: list[tuple[float, Representative]] = []
            for direction, c_in, c_out in (("agree", a_in, a_out), ("disagree", d_in, d_out)):
                p_in, p_out = _smoothed(c_in, n_in), _smoothed(c_out, n_out)
                ratio = p_in / p_out
                passes = (_z_one(p_in, n_in) > Z_90) & (_z_two(p_in, n_in, p_out, n_out) > Z_90)
                for s in np.flatnonzero(passes & (n_in > 0)).tolist():
                    reps.append(
                        (
                            float(ratio[s] * p_in[s]),
                            Representative(
                                matrix.statements[s], direction, float(p_in[s]), float(ratio[s])
                            ),
                        )
                    )
            best: dict[Hashable, tuple[float, Representative]] = {}
            for score, rep in reps:  # one direction per statement: the stronger
                if rep.statement not in best or score > best[rep.statement][0]:
                    best[rep.statement] = (score, rep)
            chosen = sorted(best.values(), key=lambda x: (-x[0], str(x[1].statement)))
            share = _smoothed(a_in, n_in)
            shares.append((share, n_in))
            members = coords[labels == g]
            groups.append(
                Group(
                    index=g,
                    size=len(members),
                    center=(float(members[:, 0].mean()), float(members[:, 1].mean())),
                    representative=tuple(r for _, r in chosen[:REPRESENTATIVE_PER_GROUP]),
                    agree_share={
                        matrix.statements[s]: float(share[s]) for s in range(n_statements)
                    },
                )
            )
        p = np.vstack([s for s, _ in shares])  # groups × statements
        voted_by = np.vstack([n for _, n in shares]) > 0
        gic = np.prod(p, axis=0)
        agreed_everywhere = np.all(p > 0.5, axis=0) & np.all(voted_by, axis=0)
        for s in sorted(np.flatnonzero(agreed_everywhere).tolist(), key=lambda s: -gic[s])[
            :CONSENSUS_LISTED
        ]:
            consensus.append(Ranked(matrix.statements[s], float(gic[s])))
        several = voted_by.sum(axis=0) >= 2
        highest = np.where(voted_by, p, -np.inf).max(axis=0)
        lowest = np.where(voted_by, p, np.inf).min(axis=0)
        spread = np.where(several, highest - lowest, 0.0)
        for s in sorted(np.flatnonzero(several & (spread > 0)).tolist(), key=lambda s: -spread[s])[
            :DIVISIVE_LISTED
        ]:
            divisive.append(Ranked(matrix.statements[s], float(spread[s])))
        for i, who in enumerate(placed.tolist()):
            positions[matrix.participants[who]] = (
                float(coords[i, 0]),
                float(coords[i, 1]),
                int(labels[i]),
            )
    priority = priorities(agree, disagree, votes, extremity)
    figures = tuple(
        StatementFigures(
            statement=matrix.statements[s],
            agree=int(agree[s]),
            disagree=int(disagree[s]),
            passed=int(votes[s] - agree[s] - disagree[s]),
            priority=float(priority[s]),
        )
        for s in range(n_statements)
    )
    return OpinionMapResult(
        participants=int(np.count_nonzero(per_participant)),
        placed=len(placed),
        votes=len(values),
        groups=tuple(groups),
        consensus=tuple(consensus),
        divisive=tuple(divisive),
        statements=figures,
        positions=positions,
        silhouette=silhouette,
    )


def choose_next(candidates: Sequence[tuple[Hashable, float]], *, draw: float) -> Hashable | None:
    """The statement to show next among (statement, priority) pairs the participant has
    not voted on: drawn with probability proportional to priority, `draw` uniform in
    [0, 1) (Pol.is's weighted random routing; the caller passes the random number so
    tests can fix it)."""
    if not candidates:
        return None
    total = sum(max(p, 0.0) for _, p in candidates)
    if total <= 0 or not math.isfinite(total):
        return candidates[0][0]
    target = draw * total
    for statement, p in candidates:
        target -= max(p, 0.0)
        if target < 0:
            return statement
    return candidates[-1][0]
