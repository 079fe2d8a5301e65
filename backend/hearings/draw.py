"""The verifiable stratified draw (随机选取) of hearing representatives and of 列席 members.

Pure: no database, no clock, no randomness of its own. The service and `yishi draw verify`
call the same functions, so whoever holds the published JSON reproduces the result. The
exact specification (for an outsider re-implementing the verifier) is in docs/hearings.md,
"The draw"; in short:

- a witness's commitment is ``sha256(frame(COMMIT_TAG) ‖ frame(hearing id) ‖ frame(secret))``;
- the pool is ``{"format", "hearing", "applicants": [{"id", "category"}…]}`` sorted by id,
  its hash the SHA-256 of its RFC 8785 (JCS) encoding;
- the seed is ``sha256(frame(SEED_TAG) ‖ frame(hearing id) ‖ frame(pool hash) ‖ frame(secret
  1) ‖ … ‖ frame(secret n) [‖ frame(public randomness)])``, secrets in commitment order;
- per category (in the order of the published quotas): its pool ids sorted, shuffled by a
  Fisher–Yates driven by ``HMAC-SHA256(seed, frame(category) ‖ counter as 8 bytes)`` with
  rejection sampling (no modulo bias); the first ``seats`` are selected, the next
  ``alternates`` the ordered alternates.

``frame(s)`` is the 4-byte big-endian length of the UTF-8 bytes of ``s`` followed by them,
so no two different field lists hash the same.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import rfc8785

ALGORITHM = "yishi-stratified-fisher-yates-hmac-sha256"
ALGORITHM_VERSION = "1"
FORMAT = "yishi.hearing-draw/1"
POOL_FORMAT = "yishi.hearing-pool/1"
COMMIT_TAG = "yishi.hearing-draw/v1/commit"
SEED_TAG = "yishi.hearing-draw/v1/seed"
MIN_SECRET_LENGTH = 16

__all__ = [
    "ALGORITHM",
    "ALGORITHM_VERSION",
    "FORMAT",
    "Applicant",
    "CategoryResult",
    "Quota",
    "commitment",
    "draw",
    "pool_document",
    "pool_hash",
    "publication",
    "seed",
    "verify_publication",
]


@dataclass(frozen=True, slots=True)
class Quota:
    """Seats and ordered alternates of one category (名额/候补)."""

    category: str
    seats: int
    alternates: int


@dataclass(frozen=True, slots=True)
class Applicant:
    """An applicant as the pool shows them: a pseudonymous id and a category."""

    id: str
    category: str


@dataclass(frozen=True, slots=True)
class CategoryResult:
    """The outcome of one category: who is selected, the ordered alternates, and the
    chance every applicant of it had (``min(1, seats / applicants)``, exact)."""

    category: str
    applicants: int
    seats: int
    alternates_wanted: int
    selected: tuple[str, ...]
    alternates: tuple[str, ...]

    @property
    def probability(self) -> Fraction:
        if self.applicants == 0:
            return Fraction(0)
        return min(Fraction(1), Fraction(self.seats, self.applicants))

    def as_json(self) -> dict[str, Any]:
        p = self.probability
        return {
            "category": self.category,
            "applicants": self.applicants,
            "seats": self.seats,
            "alternatesWanted": self.alternates_wanted,
            "probability": f"{p.numerator}/{p.denominator}",
            "selected": list(self.selected),
            "alternates": list(self.alternates),
            "unfilledSeats": max(0, self.seats - len(self.selected)),
        }


def frame(value: str) -> bytes:
    data = value.encode("utf-8")
    return len(data).to_bytes(4, "big") + data


def commitment(hearing_id: int, secret: str) -> str:
    """The hex commitment a witness publishes for `secret` before applications open."""
    return hashlib.sha256(frame(COMMIT_TAG) + frame(str(hearing_id)) + frame(secret)).hexdigest()


def pool_document(hearing_id: int, applicants: Sequence[Applicant]) -> dict[str, Any]:
    """The frozen pool as published: applicants sorted by id."""
    return {
        "format": POOL_FORMAT,
        "hearing": hearing_id,
        "applicants": [
            {"id": a.id, "category": a.category} for a in sorted(applicants, key=lambda a: a.id)
        ],
    }


def pool_hash(hearing_id: int, applicants: Sequence[Applicant]) -> str:
    return hashlib.sha256(rfc8785.dumps(pool_document(hearing_id, applicants))).hexdigest()


def seed(
    hearing_id: int, pool: str, secrets: Sequence[str], public_randomness: str | None = None
) -> bytes:
    """The draw's seed: revealed `secrets` in commitment order, then the public value."""
    data = frame(SEED_TAG) + frame(str(hearing_id)) + frame(pool)
    for s in secrets:
        data += frame(s)
    if public_randomness is not None:
        data += frame(public_randomness)
    return hashlib.sha256(data).digest()


class _Stream:
    """Uniform integers from HMAC-SHA256(seed, frame(category) ‖ counter)."""

    def __init__(self, key: bytes, category: str) -> None:
        self.key = key
        self.prefix = frame(category)
        self.counter = 0

    def _next64(self) -> int:
        block = hmac.new(
            self.key, self.prefix + self.counter.to_bytes(8, "big"), hashlib.sha256
        ).digest()
        self.counter += 1
        return int.from_bytes(block[:8], "big")

    def below(self, n: int) -> int:
        """Uniform in [0, n): values at or above the largest multiple of n are rejected."""
        limit = (1 << 64) - ((1 << 64) % n)
        while True:
            x = self._next64()
            if x < limit:
                return x % n


def shuffle(key: bytes, category: str, ids: Sequence[str]) -> list[str]:
    """The category's ids sorted, then Fisher–Yates from the last position down."""
    items = sorted(ids)
    stream = _Stream(key, category)
    for i in range(len(items) - 1, 0, -1):
        j = stream.below(i + 1)
        items[i], items[j] = items[j], items[i]
    return items


def draw(
    key: bytes, quotas: Sequence[Quota], applicants: Sequence[Applicant]
) -> list[CategoryResult]:
    """Every category's result, in quota order. An applicant of a category without a quota
    takes part in nothing (the service refuses such applications)."""
    out = []
    for q in quotas:
        ids = [a.id for a in applicants if a.category == q.category]
        order = shuffle(key, q.category, ids)
        out.append(
            CategoryResult(
                category=q.category,
                applicants=len(ids),
                seats=q.seats,
                alternates_wanted=q.alternates,
                selected=tuple(order[: q.seats]),
                alternates=tuple(order[q.seats : q.seats + q.alternates]),
            )
        )
    return out


def publication(
    *,
    hearing_id: int,
    kind: str,
    quotas: Sequence[Quota],
    commitments: Sequence[Mapping[str, Any]],
    public_randomness_source: str | None,
    applicants: Sequence[Applicant],
    reveals: Sequence[str],
    public_randomness: str | None,
) -> dict[str, Any]:
    """The published draw: everything `verify_publication` needs, and the result.

    `commitments` are `{"position", "witness", "commitment"}` in commitment order."""
    pool = pool_hash(hearing_id, applicants)
    key = seed(hearing_id, pool, reveals, public_randomness)
    results = draw(key, quotas, applicants)
    return {
        "format": FORMAT,
        "algorithm": ALGORITHM,
        "algorithmVersion": ALGORITHM_VERSION,
        "hearing": hearing_id,
        "kind": kind,
        "quotas": [
            {"category": q.category, "seats": q.seats, "alternates": q.alternates} for q in quotas
        ],
        "commitments": [dict(c) for c in commitments],
        "publicRandomnessSource": public_randomness_source,
        "pool": pool_document(hearing_id, applicants),
        "poolHash": pool,
        "reveals": list(reveals),
        "publicRandomness": public_randomness,
        "seed": key.hex(),
        "results": [r.as_json() for r in results],
    }


def dumps(document: Mapping[str, Any]) -> str:
    """The published text: RFC 8785 (JCS), so the bytes are the same wherever made."""
    return rfc8785.dumps(dict(document)).decode("utf-8")


def verify_publication(document: Any) -> list[str]:
    """Every way `document` (a parsed published draw) fails to reproduce; empty when the
    commitments, the pool hash, the seed and every category's result all recompute."""
    problems: list[str] = []
    try:
        if document.get("format") != FORMAT:
            return [f"unknown format {document.get('format')!r}"]
        if (document.get("algorithm"), document.get("algorithmVersion")) != (
            ALGORITHM,
            ALGORITHM_VERSION,
        ):
            return [
                f"unknown algorithm {document.get('algorithm')!r} "
                f"version {document.get('algorithmVersion')!r}"
            ]
        hearing_id = int(document["hearing"])
        quotas = [
            Quota(str(q["category"]), int(q["seats"]), int(q["alternates"]))
            for q in document["quotas"]
        ]
        pool = document["pool"]
        if pool.get("format") != POOL_FORMAT or int(pool.get("hearing")) != hearing_id:
            problems.append("pool: format or hearing differs")
        applicants = [Applicant(str(a["id"]), str(a["category"])) for a in pool["applicants"]]
        if len({a.id for a in applicants}) != len(applicants):
            problems.append("pool: an applicant id appears twice")
        commitments = sorted(document["commitments"], key=lambda c: int(c["position"]))
        reveals = [str(r) for r in document["reveals"]]
        if len(reveals) != len(commitments):
            problems.append(f"reveals: {len(reveals)} for {len(commitments)} commitments")
        for c, secret in zip(commitments, reveals, strict=False):
            if commitment(hearing_id, secret) != str(c["commitment"]).lower():
                problems.append(f"reveal of witness {c['position']} does not match its commitment")
        public = document.get("publicRandomness")
        if (document.get("publicRandomnessSource") is None) != (public is None):
            problems.append("public randomness: named in advance but missing, or not named")
        recomputed_pool = pool_hash(hearing_id, applicants)
        if recomputed_pool != document["poolHash"]:
            problems.append("poolHash does not match the pool")
        key = seed(hearing_id, recomputed_pool, reveals, public)
        if key.hex() != document["seed"]:
            problems.append("seed does not match")
        expected = [r.as_json() for r in draw(key, quotas, applicants)]
        if expected != document["results"]:
            for want, got in zip(expected, document["results"], strict=False):
                if want != got:
                    problems.append(f"results of {want['category']} differ")
            if len(expected) != len(document["results"]):
                problems.append("results: number of categories differs")
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        problems.append(f"malformed document: {exc!r}")
    return problems


def loads(text: str) -> Any:
    return json.loads(text)
