"""The secret 测评票 against whoever holds the database (issue 11, finding 2).

Driven as the finder did: people score through the API, then a superuser reads the tables,
the transaction ids (xmin) of ballots and receipts, the write-ahead log (pg_walinspect,
what a replica or a WAL archive holds), the exported record and the service's log. None of
them may link a person to a ballot beyond the batch of at least k they were counted in.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
import re

import pytest

from backend.meetings.record.build import build_record
from tests.meetings_api import CLOSE, CLOSE_SCORING, db_id, ok, snapshot
from tests.test_meetings_scoring import PENDING, cast, counted, my_ballot, rows, scored_meeting

K = 5
SEED = 20261201  # any seed whose first shuffle of 5 is not the identity (asserted below)
_HEAP_INSERT = re.compile(r"off (\d+)")
_BLOCK = re.compile(r"rel \d+/\d+/(\d+) fork main blk (\d+)")


def batch_order(seed: int, n: int) -> list[int]:
    """The permutation the mixer's seeded shuffle gives a batch of n (FIFO casting order)."""
    order = list(range(n))
    random.Random(seed).shuffle(order)
    return order


async def heap_inserts(owner_db, start: int, end: int, table: str) -> list[tuple[str, str]]:
    """(xid, ctid) of every heap insert into `table` in the WAL between two LSNs, in WAL
    order: what a replica or an archived WAL segment shows."""
    if end <= start:  # nothing at all was written to the WAL (of any database) meanwhile
        return []
    # pg_get_wal_records_info reads only what is flushed; the insert position may run ahead
    # of it (other databases' writes on a shared server), so wait for the flush to catch up.
    for _ in range(100):
        if await owner_db.fetchval("SELECT pg_current_wal_flush_lsn() >= $1::pg_lsn", end):
            break
        await asyncio.sleep(0.05)
    filenode = str(await owner_db.fetchval("SELECT pg_relation_filenode($1::regclass)", table))
    records = await owner_db.fetch(
        "SELECT xid::text AS xid, description, block_ref FROM pg_get_wal_records_info($1, $2) "
        "WHERE resource_manager = 'Heap' AND record_type LIKE 'INSERT%' ORDER BY start_lsn",
        start,
        end,
    )
    found = []
    for r in records:
        block = _BLOCK.search(r["block_ref"] or "")
        if block and block.group(1) == filenode:
            offset = _HEAP_INSERT.search(r["description"]).group(1)
            found.append((r["xid"], f"({block.group(2)},{offset})"))
    return found


async def wal_lsn(owner_db) -> int:
    return await owner_db.fetchval("SELECT pg_current_wal_insert_lsn()")


async def test_the_wal_shows_each_batch_as_one_transaction_in_shuffled_order(server, gql, owner_db):
    available = await owner_db.fetchval(
        "SELECT count(*) FROM pg_available_extensions WHERE name = 'pg_walinspect'"
    )
    if not available:
        # The embedded pgserver build ships without it; CI runs this against the machine's
        # PostgreSQL (TEST_DATABASE_URL), which has it.
        pytest.skip("pg_walinspect is not installed in this PostgreSQL")
    await owner_db.execute("CREATE EXTENSION IF NOT EXISTS pg_walinspect")
    mixer = server.services.ballots
    order = batch_order(SEED, K)
    assert order != list(range(K))
    county, voters, _meeting, sheet = await scored_meeting(
        server, gql, 2 * K, scale="SCORE_100", k=K
    )
    # Voter i scores (i, 100 - i): each ballot says who cast it, to us who know the answers.
    scores = [[i, 100 - i] for i in range(2 * K)]
    answers = [[str(x) for x in score] for score in scores]
    mixer.rng = random.Random(SEED)
    try:
        start = await wal_lsn(owner_db)
        for voter, a in zip(voters[: 2 * K - 1], answers, strict=False):
            assert await cast(gql, voter, sheet, a) == PENDING
        pending_end = await wal_lsn(owner_db)
        assert await cast(gql, voters[-1], sheet, answers[-1]) == PENDING
        await counted(gql, voters[0], sheet)
        end = await wal_lsn(owner_db)
    finally:
        mixer.rng = random.SystemRandom()

    # While pending, not one ballot or receipt reached the WAL.
    assert await heap_inserts(owner_db, start, pending_end, "scoring_ballots") == []
    assert await heap_inserts(owner_db, start, pending_end, "scoring_receipts") == []
    # The batch: k receipts and k ballots, all in one transaction.
    ballot_records = await heap_inserts(owner_db, pending_end, end, "scoring_ballots")
    receipt_records = await heap_inserts(owner_db, pending_end, end, "scoring_receipts")
    assert len(ballot_records) == len(receipt_records) == K
    assert len({xid for xid, _ in ballot_records + receipt_records}) == 1
    by_ctid = {
        str(r["ctid"]): json.loads(r["answers"])
        for r in await owner_db.fetch(
            "SELECT ctid::text AS ctid, answers FROM scoring_ballots WHERE sheet_id = $1",
            db_id(sheet),
        )
    }
    # Ballots follow the shuffle, not the order of casting…
    wal_ballots = [by_ctid[ctid] for _, ctid in ballot_records]
    assert wal_ballots == [scores[i] for i in order]
    assert wal_ballots != scores[:K]
    # …and receipts follow user ids, whatever the order of casting.
    receipt_users = {
        str(r["ctid"]): r["user_id"]
        for r in await owner_db.fetch(
            "SELECT ctid::text AS ctid, user_id FROM scoring_receipts WHERE sheet_id = $1",
            db_id(sheet),
        )
    }
    assert [receipt_users[ctid] for _, ctid in receipt_records] == sorted(
        v.user_id for v in voters[:K]
    )
    await ok(gql, CLOSE_SCORING, {"s": sheet}, county.admin.token)


async def test_transaction_ids_link_each_receipt_to_a_whole_batch_only(server, gql, owner_db):
    """The finder matched 5 of 5 by xmin when people scored seconds apart."""
    county, voters, _meeting, sheet = await scored_meeting(server, gql, K, k=K)
    for voter in voters:
        assert await cast(gql, voter, sheet, ["满意", "不满意"]) == PENDING
    receipts, ballots = await rows(owner_db, county, sheet)
    assert (receipts, ballots) == ([], [])

    await ok(gql, CLOSE_SCORING, {"s": sheet}, county.admin.token)

    pairs = await owner_db.fetch(
        "SELECT r.user_id, count(b.id) AS ballots FROM scoring_receipts r "
        "JOIN scoring_ballots b ON b.xmin = r.xmin AND b.sheet_id = r.sheet_id "
        "WHERE r.sheet_id = $1 GROUP BY r.user_id",
        db_id(sheet),
    )
    assert sorted(p["user_id"] for p in pairs) == sorted(v.user_id for v in voters)
    assert {p["ballots"] for p in pairs} == {K}  # every receipt "matches" all k ballots
    receipts, _ = await rows(owner_db, county, sheet)
    assert len({r["counted_at"] for r in receipts}) == 1  # one time for all


async def test_the_record_and_the_log_hold_no_ballot_and_no_time_per_ballot(
    server, gql, owner_db, caplog
):
    caplog.set_level(logging.DEBUG)
    county, voters, meeting, sheet = await scored_meeting(server, gql, 2 * K, k=K)
    for voter in voters:
        assert await cast(gql, voter, sheet, ["基本满意", "不满意"]) == PENDING
    await counted(gql, voters[0], sheet)
    await ok(gql, CLOSE, {"m": meeting}, county.admin.token)

    async with server.services.db.transaction(tenant_id=county.id, read_only=True) as s:
        record = await build_record(s, db_id(meeting))

    scoring_events = [e for e in record["events"] if "scor" in e["type"]]
    assert [e["type"] for e in scoring_events] == [
        "scoring.opened",
        "scoring.counted",
        "scoring.counted",  # the k held back, written at the close
        "scoring.closed",
    ]
    assert scoring_events[1]["payload"] == {"sheetId": db_id(sheet), "ballots": K, "counted": K}
    text = json.dumps(record, ensure_ascii=False)
    assert "score.cast" not in text and "receipt" not in text
    assert scoring_events[2]["payload"] == {"sheetId": db_id(sheet), "ballots": K, "counted": 2 * K}
    assert scoring_events[1]["actor_user_id"] is None
    assert scoring_events[2]["actor_user_id"] is None
    assert not {e["actor_user_id"] for e in record["events"]} & {v.user_id for v in voters}
    # The service's log (any level) never carries an answer.
    assert not [r for r in caplog.records if "满意" in r.getMessage()]
    assert [await my_ballot(gql, v, sheet) for v in voters] == ["COUNTED"] * (2 * K)
    assert (await snapshot(owner_db, county, meeting))["scoring_ballots"]
