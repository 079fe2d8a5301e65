"""How long a 测评 voter's ballot stays PENDING before its mixing batch is written.

For 5, 50 and 500 scorers arriving at random over a window (default 30 s, as people in a
room fill in the sheet), each ballot goes the way castScoringBallot sends it
(`scoring.cast_ballot` in a read transaction, then the process's BallotMixer and the
meeting's stream writer); the host closes the sheet one second after the window. The wait
of a voter is from the cast being accepted to its batch committing (or the close, for the
k held back). Prints the figures and writes JSON under bench/results/.

    .venv/bin/python bench/scoring_batches.py [--window 30] [--k 5] [--scorers 5,50,500]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import time
from typing import Any

from realtime_common import RESULTS, FreshDatabase, log, pg_dsn, seed_county

from backend.core.db import Database
from backend.core.security import Principal
from backend.meetings import scoring
from backend.meetings.models import ScoringSheet
from realtime import log as events
from realtime.writer import StreamWriter


class TimedMixer(scoring.BallotMixer):
    """Notes when each voter's batch committed."""

    def __init__(self, writer: StreamWriter) -> None:
        super().__init__(writer)
        self.counted_at: dict[int, float] = {}

    def _settle(self, pool: Any, batch: Any, outcome: tuple[str, Any]) -> None:
        if outcome[0] == "counted":
            now = time.perf_counter()
            for ballot in batch.ballots:
                self.counted_at[ballot.user_id] = now
        super()._settle(pool, batch, outcome)


async def seed_sheet(url: str, n: int, k: int) -> tuple[int, int, int, int, list[int]]:
    import asyncpg

    county = await seed_county(url)
    conn = await asyncpg.connect(pg_dsn(url))
    try:
        meeting = await conn.fetchval(
            "INSERT INTO meetings (tenant_id, kind, mode, state, title, host_unit_id, "
            "starts_at, created_by) VALUES ($1, 'WORK_REPORT', 'IN_PERSON', 'LIVE', "
            "'述职报告会', $2, now(), $3) RETURNING id",
            county.tenant_id,
            county.root_id,
            county.admin_id,
        )
        users = [
            r["id"]
            for r in await conn.fetch(
                "INSERT INTO users (tenant_id, display_name, phone) "
                "SELECT $1, '测评人' || i, '139' || lpad(i::text, 8, '0') "
                "FROM generate_series(1, $2) AS i RETURNING id",
                county.tenant_id,
                n,
            )
        ]
        await conn.execute(
            "INSERT INTO meeting_participants (tenant_id, meeting_id, user_id, role, invited, "
            "checked_in_at) SELECT $1, $2, u, 'DEPUTY', true, now() FROM unnest($3::bigint[]) u",
            county.tenant_id,
            meeting,
            users,
        )
        sheet = await conn.fetchval(
            "INSERT INTO scoring_sheets (tenant_id, meeting_id, title, scale, targets, "
            "eligibility, state, min_ballots) VALUES ($1, $2, '部门述职满意度测评', "
            "'SATISFACTION', '[\"县住建委\", \"县交通局\"]', 'ATTENDEES', 'OPEN', $3) "
            "RETURNING id",
            county.tenant_id,
            meeting,
            k,
        )
    finally:
        await conn.close()
    return county.tenant_id, county.admin_id, meeting, sheet, users


async def run(url: str, n: int, k: int, window: float) -> dict[str, Any]:
    tenant_id, admin_id, meeting_id, sheet_id, users = await seed_sheet(url, n, k)
    db = Database(owner_url=url, pool_size=10)
    writer = StreamWriter(db)
    mixer = TimedMixer(writer)
    scoring.install_mixer(mixer)
    accepted: dict[int, float] = {}
    rng = random.Random(n)
    start = time.perf_counter()

    async def voter(user_id: int, at: float) -> None:
        await asyncio.sleep(max(0.0, start + at - time.perf_counter()))
        principal = Principal(tenant_id=tenant_id, user_id=user_id)
        answers = [rng.choice(scoring.SATISFACTION_LEVELS) for _ in range(2)]
        async with db.transaction(tenant_id=tenant_id, user_id=user_id, read_only=True) as s:
            await scoring.cast_ballot(
                s, mixer, principal, meeting_id=meeting_id, sheet_id=sheet_id, answers=answers
            )
        accepted[user_id] = time.perf_counter()

    try:
        await asyncio.gather(*(voter(u, rng.uniform(0, window)) for u in users))
        await asyncio.sleep(max(0.0, start + window + 1.0 - time.perf_counter()))
        host = Principal(tenant_id=tenant_id, user_id=admin_id)
        async with db.transaction(tenant_id=tenant_id, user_id=admin_id) as s:
            from backend.meetings import access

            meeting = await access.get_meeting(s, meeting_id)
            await events.lock_head(s, tenant_id=tenant_id, stream=f"meeting:{meeting_id}")
            sheet = await s.get(ScoringSheet, sheet_id)
            await scoring.close_sheet(s, host, meeting, sheet)
            results = sheet.results
        closed = time.perf_counter()
    finally:
        scoring.install_mixer(None)
        await writer.close()
        await db.dispose()
    waits = sorted(mixer.counted_at.get(u, closed) - accepted[u] for u in users)
    at_close = sum(1 for u in users if u not in mixer.counted_at)
    return {
        "scorers": n,
        "k": k,
        "window_seconds": window,
        "batches_during": len(mixer.batch_sizes) - (1 if at_close >= k else 0),
        "batch_sizes": mixer.batch_sizes,
        "counted_at_close": at_close,
        "wait_p50_s": round(statistics.median(waits), 3),
        "wait_p90_s": round(waits[int(0.9 * (len(waits) - 1))], 3),
        "wait_max_s": round(waits[-1], 3),
        "wait_p50_excluding_close_s": round(
            statistics.median([mixer.counted_at[u] - accepted[u] for u in mixer.counted_at]), 3
        )
        if mixer.counted_at
        else None,
        "results_ballots": results["ballots"] if results else None,
    }


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--window", type=float, default=30.0)
    parser.add_argument("--k", type=int, default=scoring.DEFAULT_MIN_BALLOTS)
    parser.add_argument("--scorers", default="5,50,500")
    args = parser.parse_args()
    figures = []
    async with FreshDatabase() as fresh:
        log(f"database on {fresh.where}")
        for n in [int(x) for x in args.scorers.split(",")]:
            figure = await run(fresh.url, n, args.k, args.window)
            log(json.dumps(figure, ensure_ascii=False))
            figures.append(figure)
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"scoring-batches-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps({"window": args.window, "k": args.k, "runs": figures}, indent=2))
    print(f"{'scorers':>8} {'batches':>8} {'at close':>9} {'p50 s':>7} {'p90 s':>7} {'max s':>7}")
    for f in figures:
        print(
            f"{f['scorers']:>8} {f['batches_during']:>8} {f['counted_at_close']:>9} "
            f"{f['wait_p50_s']:>7} {f['wait_p90_s']:>7} {f['wait_max_s']:>7}"
        )
    print(f"wrote {path}")


if __name__ == "__main__":
    asyncio.run(main())
