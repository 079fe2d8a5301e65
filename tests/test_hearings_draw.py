"""The draw itself (backend.hearings.draw) and `yishi draw verify`, without a database: the
specification's hashes recomputed by hand, golden vectors, equal chances per category,
and the verifier's answers to a faithful, a changed-applicant and a changed-secret file."""

from __future__ import annotations

import hashlib
import hmac
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import rfc8785

from backend.hearings import draw

YISHI = str(Path(sys.executable).with_name("yishi"))

QUOTAS = [draw.Quota("STAKEHOLDER", 2, 1), draw.Quota("PUBLIC", 1, 1)]
POOL = [draw.Applicant(f"{i:016x}", "STAKEHOLDER") for i in range(5)] + [
    draw.Applicant(f"{100 + i:016x}", "PUBLIC") for i in range(3)
]
SECRETS = ["notary-secret-0123456789", "observer-secret-abcdefghij"]
COMMITMENTS = [
    {"position": i + 1, "witness": w, "commitment": draw.commitment(7, s)}
    for i, (w, s) in enumerate(zip(["县公证处", "县人大观察员"], SECRETS, strict=True))
]


def published(**overrides: object) -> dict:
    args: dict = {
        "hearing_id": 7,
        "kind": "HEARING",
        "quotas": QUOTAS,
        "commitments": COMMITMENTS,
        "public_randomness_source": None,
        "applicants": POOL,
        "reveals": SECRETS,
        "public_randomness": None,
    }
    args.update(overrides)
    return draw.publication(**args)


def frame(s: str) -> bytes:
    b = s.encode()
    return len(b).to_bytes(4, "big") + b


def test_the_commitment_pool_hash_and_seed_are_the_documented_hashes():
    assert (
        draw.commitment(7, "abc")
        == hashlib.sha256(
            frame("yishi.hearing-draw/v1/commit") + frame("7") + frame("abc")
        ).hexdigest()
    )
    pool = {
        "format": "yishi.hearing-pool/1",
        "hearing": 7,
        "applicants": [
            {"id": a.id, "category": a.category} for a in sorted(POOL, key=lambda a: a.id)
        ],
    }
    pool_hash = hashlib.sha256(rfc8785.dumps(pool)).hexdigest()
    assert draw.pool_hash(7, list(reversed(POOL))) == pool_hash
    seed = hashlib.sha256(
        frame("yishi.hearing-draw/v1/seed") + frame("7") + frame(pool_hash)
        + frame(SECRETS[0]) + frame(SECRETS[1]) + frame("07 12 19 23 28 31 + 09")
    ).digest()  # fmt: skip
    assert draw.seed(7, pool_hash, SECRETS, "07 12 19 23 28 31 + 09") == seed


def test_the_shuffle_is_the_documented_fisher_yates_over_hmac_sha256():
    key = bytes(range(32))
    ids = ["c", "a", "d", "b"]
    items = sorted(ids)
    counter = 0
    for i in range(len(items) - 1, 0, -1):
        while True:
            block = hmac.new(key, frame("PUBLIC") + counter.to_bytes(8, "big"), "sha256").digest()
            counter += 1
            x = int.from_bytes(block[:8], "big")
            n = i + 1
            if x < (1 << 64) - (1 << 64) % n:
                break
        j = x % n
        items[i], items[j] = items[j], items[i]
    assert draw.shuffle(key, "PUBLIC", ids) == items


def test_golden_vector_of_version_1():
    """Pinned: a change of these values is a new algorithm version."""
    doc = published()
    assert doc["poolHash"] == draw.pool_hash(7, POOL)
    assert doc["seed"] == GOLDEN_SEED
    assert [(r["selected"], r["alternates"]) for r in doc["results"]] == GOLDEN_RESULT
    assert [r["probability"] for r in doc["results"]] == ["2/5", "1/3"]


GOLDEN_SEED = "b221fccd960deb8ed45a0c488bee52b3d9baef5138f1aa3078dc4014589e0bb6"
GOLDEN_RESULT = [
    (["0000000000000003", "0000000000000000"], ["0000000000000002"]),
    (["0000000000000066"], ["0000000000000065"]),
]


def test_every_applicant_of_a_category_has_the_same_chance():
    """Over 3,000 seeds each of 5 applicants for 2 seats is selected about 2/5 of the time
    and is first alternate about 1/5 of the time (±0.04: over 6 standard deviations)."""
    selected: Counter[str] = Counter()
    first_alternate: Counter[str] = Counter()
    runs = 3000
    for n in range(runs):
        (result,) = draw.draw(hashlib.sha256(str(n).encode()).digest(), QUOTAS[:1], POOL[:5])
        selected.update(result.selected)
        first_alternate.update(result.alternates[:1])
    for a in POOL[:5]:
        assert abs(selected[a.id] / runs - 0.4) < 0.04, selected
        assert abs(first_alternate[a.id] / runs - 0.2) < 0.04, first_alternate


def test_a_category_with_fewer_applicants_than_seats_selects_them_all():
    (result,) = draw.draw(b"k" * 32, [draw.Quota("EXPERT", 3, 2)], [draw.Applicant("x", "EXPERT")])
    assert result.selected == ("x",)
    assert result.alternates == ()
    assert result.as_json()["probability"] == "1/1"
    assert result.as_json()["unfilledSeats"] == 2


def test_a_faithful_publication_verifies():
    assert draw.verify_publication(json.loads(draw.dumps(published()))) == []


def test_changing_one_applicant_changes_the_result_and_fails_verification():
    doc = published()
    changed = [*POOL[:-1], draw.Applicant("ffffffffffffffff", "PUBLIC")]
    redone = published(applicants=changed)
    assert redone["poolHash"] != doc["poolHash"]
    assert redone["seed"] != doc["seed"]
    tampered = json.loads(draw.dumps(doc))
    tampered["pool"]["applicants"][-1]["id"] = "ffffffffffffffff"
    assert draw.verify_publication(tampered) == [
        "poolHash does not match the pool",
        "seed does not match",
        *[f"results of {c} differ" for c in _differing(doc, redone)],
    ]


def _differing(a: dict, b: dict) -> list[str]:
    return [x["category"] for x, y in zip(a["results"], b["results"], strict=True) if x != y]


def test_changing_one_secret_changes_the_result_and_its_commitment_fails():
    doc = published()
    other = published(reveals=[SECRETS[0], "observer-secret-ABCDEFGHIJ"])
    assert other["seed"] != doc["seed"]
    assert other["results"] != doc["results"]
    tampered = json.loads(draw.dumps(doc))
    tampered["reveals"][1] = "observer-secret-ABCDEFGHIJ"
    problems = draw.verify_publication(tampered)
    assert problems[0] == "reveal of witness 2 does not match its commitment"
    assert "seed does not match" in problems


def test_public_randomness_named_in_advance_is_part_of_the_seed():
    named = published(public_randomness_source="双色球2026150期", public_randomness="01 02 03")
    assert draw.verify_publication(json.loads(draw.dumps(named))) == []
    assert named["seed"] != published()["seed"]
    missing = json.loads(draw.dumps(named))
    missing["publicRandomness"] = None
    assert "public randomness: named in advance but missing, or not named" in (
        draw.verify_publication(missing)
    )


def run_verify(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [YISHI, "draw", "verify", str(path)], capture_output=True, text=True, timeout=60
    )


def test_yishi_draw_verify_prints_match_or_mismatch(tmp_path):
    good = tmp_path / "draw.json"
    good.write_text(draw.dumps(published()), encoding="utf-8")
    result = run_verify(good)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("MATCH hearing 7: seed ")

    doc = json.loads(good.read_text())
    doc["results"][0]["selected"].reverse()
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(doc), encoding="utf-8")
    result = run_verify(bad)
    assert result.returncode == 1
    assert result.stdout.splitlines()[0] == f"MISMATCH {bad}:"
    assert "  - results of STAKEHOLDER differ" in result.stdout.splitlines()


def test_yishi_draw_commit_prints_a_secret_and_its_commitment():
    given = subprocess.run(
        [YISHI, "draw", "commit", "7", "--secret", SECRETS[0]],
        capture_output=True,
        text=True,
        timeout=60,
    )
    fresh = subprocess.run(
        [YISHI, "draw", "commit", "7"], capture_output=True, text=True, timeout=60
    )
    short = subprocess.run(
        [YISHI, "draw", "commit", "7", "--secret", "short"],
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert given.stdout.splitlines() == [
        f"secret {SECRETS[0]}",
        f"commitment {COMMITMENTS[0]['commitment']}",
    ]
    secret_line, commitment_line = fresh.stdout.splitlines()
    secret = secret_line.removeprefix("secret ")
    assert len(secret) == 32
    assert commitment_line == f"commitment {draw.commitment(7, secret)}"
    assert short.returncode == 2
