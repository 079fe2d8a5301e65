"""One owner per hot stream across workers (realtime.owners): two `yishi serve` processes
on one database and a private redis-server. Votes cast on both count exactly once, written
by the owner's writer; a sheet closed on one worker counts the 测评票 pending on the other;
when the owner is killed, the other worker takes the stream over and no vote that was
acknowledged is lost."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
import redis.asyncio as aioredis

from backend.people.models import Role
from tests.factories.meetings import attend, make_meeting
from tests.factories.people import make_user
from tests.factories.tenants import make_county
from tests.meetings_api import (
    CAST_BALLOT,
    CLOSE_POLL,
    CLOSE_SCORING,
    CREATE_POLL,
    OPEN_POLL,
    OPEN_SCORING,
    VOTE,
    db_id,
    node,
    ok,
)
from tests.test_realtime_cluster import REDIS_SERVER, RedisProcess, YishiProcess

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not REDIS_SERVER, reason="starts its own redis-server"),
]

MY_BALLOT = "query($id: ID!) { node(id: $id) { ... on ScoringSheet { myBallot } } }"
TURNOUT = "query($id: ID!) { node(id: $id) { ... on ScoringSheet { turnout { pending } } } }"


@contextlib.asynccontextmanager
async def cluster(
    database_url: str,
    log_dir: Path,
    heard: list[bytes] | None = None,
    hub_heard: list[bytes] | None = None,
) -> AsyncIterator[tuple[YishiProcess, ...]]:
    """Redis and two workers, each its own process, on the test database; with `heard`,
    every message published on the owner relay's channels is kept there as Redis saw it
    (with `hub_heard`, every other message: the hub's events and live values)."""
    redis = RedisProcess(log_dir)
    await redis.start()
    listener = aioredis.Redis.from_url(redis.url)
    sniffer = listener.pubsub()
    await sniffer.psubscribe("*")

    async def sniff() -> None:
        async for message in sniffer.listen():
            if message["type"] != "pmessage":
                continue
            relay = b":owner" in message["channel"]
            kept = heard if relay else hub_heard
            if kept is not None:
                kept.append(message["data"])

    sniffing = asyncio.create_task(sniff())
    workers = (
        YishiProcess(database_url, redis.url, log_dir),
        YishiProcess(database_url, redis.url, log_dir),
    )
    try:
        await asyncio.gather(*(w.ready() for w in workers))
        yield workers
    finally:
        for w in workers:
            w.stop()
        sniffing.cancel()
        with contextlib.suppress(BaseException):
            await sniffing
        await sniffer.aclose()
        await listener.aclose()
        redis.stop()


async def voters_of(server, gql, county, meeting, n):
    voters = [await make_user(server, county, roles=[(Role.CITIZEN, None)]) for _ in range(n)]
    await attend(gql, county, meeting, [v.gid for v in voters])
    return voters


async def open_poll(gql, county, meeting) -> str:
    created = await ok(
        gql,
        CREATE_POLL,
        {"m": meeting, "q": "是否同意", "o": ["同意", "不同意"]},
        county.admin.token,
    )
    poll = created["poll"]["id"]
    await ok(gql, OPEN_POLL, {"p": poll}, county.admin.token)
    return poll


async def cast_vote(http: httpx.AsyncClient, voter, poll: str, idem: str) -> dict:
    response = await http.post(
        "/graphql",
        json={"query": VOTE, "variables": {"p": poll, "c": [voter.user_id % 2], "k": idem}},
        headers={"Authorization": f"Bearer {voter.token}"},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body
    return body["data"]["castVote"]


async def cast_ballot(http: httpx.AsyncClient, voter, sheet: str) -> dict:
    response = await http.post(
        "/graphql",
        json={"query": CAST_BALLOT, "variables": {"s": sheet, "a": ["满意", "不满意"]}},
        headers={"Authorization": f"Bearer {voter.token}"},
    )
    body = response.json()
    assert "errors" not in body, body
    return body["data"]["castScoringBallot"]


async def stored_votes(owner_db, county, poll) -> dict[int, str]:
    rows = await owner_db.fetch(
        "SELECT user_id, idempotency_key FROM votes WHERE tenant_id = $1 AND poll_id = $2",
        county.id,
        db_id(poll),
    )
    return {r["user_id"]: r["idempotency_key"] for r in rows}


async def poll_counts(owner_db, poll) -> tuple[list[int], int]:
    row = await owner_db.fetchrow(
        "SELECT counts::text AS counts, total_votes FROM polls WHERE id = $1", db_id(poll)
    )
    import json

    return json.loads(row["counts"]), row["total_votes"]


async def test_votes_on_two_workers_count_once_and_a_close_on_one_counts_ballots_pending_on_the_other(
    server, gql, owner_db, database_url, tmp_path
):
    # given: a live meeting with a poll, 20 voters and a scoring sheet (k = 3)
    county = await make_county(server)
    meeting = await make_meeting(gql, county)
    voters = await voters_of(server, gql, county, meeting, 20)
    poll = await open_poll(gql, county, meeting)
    opened = await ok(
        gql,
        OPEN_SCORING,
        {"m": meeting, "t": "满意度测评", "g": ["县住建委", "县交通局"], "k": 3},
        county.admin.token,
    )
    sheet = opened["sheet"]["id"]
    heard: list[bytes] = []
    hub_heard: list[bytes] = []

    async with (
        cluster(database_url, tmp_path, heard, hub_heard) as (a, b),
        httpx.AsyncClient(base_url=a.base_url, timeout=60) as on_a,
        httpx.AsyncClient(base_url=b.base_url, timeout=60) as on_b,
    ):
        # when: the first vote reaches A (A takes the stream), then the others arrive at
        # both workers at once, and every voter sends the same vote again (a retry)
        first = voters[0]
        assert (await cast_vote(on_a, first, poll, "k-0"))["accepted"] is True
        others = [
            cast_vote(on_a if i % 2 else on_b, v, poll, f"k-{i}")
            for i, v in enumerate(voters[1:], 1)
        ]
        answers = await asyncio.gather(*others)
        retries = await asyncio.gather(
            *(cast_vote(on_b, v, poll, f"k-{i}") for i, v in enumerate(voters))
        )

        # and: three 测评票 cast on A, two on B (handed to A's pool; five is fewer than 2k,
        # so all stay pending), then B closes the sheet
        ballots = [await cast_ballot(on_a, v, sheet) for v in voters[:3]]
        ballots += [await cast_ballot(on_b, v, sheet) for v in voters[3:5]]
        seen_on_b = [
            (await node_on(on_b, MY_BALLOT, sheet, v.token))["myBallot"] for v in voters[:5]
        ]
        pending_on_b = (await node_on(on_b, TURNOUT, sheet, county.admin.token))["turnout"]
        closed = await gql_on(on_b, CLOSE_SCORING, {"s": sheet}, county.admin.token)
        closed_poll = await gql_on(on_b, CLOSE_POLL, {"p": poll}, county.admin.token)

    # then: every vote is stored once, under its first key; retries were duplicates
    assert [x["accepted"] for x in answers] == [True] * 19
    assert [(x["accepted"], x["duplicate"]) for x in retries] == [(True, True)] * 20
    stored = await stored_votes(owner_db, county, poll)
    assert stored == {v.user_id: f"k-{i}" for i, v in enumerate(voters)}
    counts, total = await poll_counts(owner_db, poll)
    assert total == 20 and sum(counts) == 20
    assert closed_poll["closePoll"]["poll"]["totalVotes"] == 20
    # and: B saw the ballots pending in A's pool, and its close counted all five
    assert [x["status"] for x in ballots] == ["PENDING"] * 5
    assert seen_on_b == ["PENDING"] * 5
    assert pending_on_b == {"pending": 5}
    assert closed["closeScoring"]["errors"] == []
    assert closed["closeScoring"]["sheet"]["results"]["ballots"] == 5
    assert [await my_ballot(gql, v, sheet) for v in voters[:5]] == ["COUNTED"] * 5
    receipts = await owner_db.fetchval(
        "SELECT count(*) FROM scoring_receipts WHERE sheet_id = $1", db_id(sheet)
    )
    assert receipts == 5
    # and: Redis carried the votes and ballots B handed to A, sealed: a reader of Redis
    # finds no answer, no operation name, no voter id in them
    assert len(heard) >= 4
    plain = [b"\xe6\xbb\xa1\xe6\x84\x8f", b"scoring.add", b"meetings.vote", b"k-1"]
    assert [m for m in heard if any(p in m for p in plain)] == []
    # and: the hub told both workers of every vote by its sequence number alone (a
    # record-only event): no vote.cast, voter or choice crossed Redis in the clear
    assert any(b"poll.tally" in m for m in hub_heard)
    assert [m for m in hub_heard if b"vote.cast" in m or b"voteId" in m] == []


async def test_when_the_owner_dies_the_other_worker_takes_over_and_loses_no_acknowledged_vote(
    server, gql, owner_db, database_url, tmp_path
):
    # given: two workers; A owns the meeting's stream (it wrote first)
    county = await make_county(server)
    meeting = await make_meeting(gql, county)
    voters = await voters_of(server, gql, county, meeting, 40)
    poll = await open_poll(gql, county, meeting)
    opened = await ok(
        gql,
        OPEN_SCORING,
        {"m": meeting, "t": "满意度测评", "g": ["县住建委", "县交通局"], "k": 3},
        county.admin.token,
    )
    sheet = opened["sheet"]["id"]
    acknowledged: dict[int, str] = {}

    async def try_vote(http, i, voter) -> None:
        with contextlib.suppress(httpx.HTTPError):
            answer = await cast_vote(http, voter, poll, f"k-{i}")
            if answer["accepted"]:
                acknowledged[voter.user_id] = f"k-{i}"

    async with (
        cluster(database_url, tmp_path) as (a, b),
        httpx.AsyncClient(base_url=a.base_url, timeout=60) as on_a,
        httpx.AsyncClient(base_url=b.base_url, timeout=60) as on_b,
    ):
        await try_vote(on_a, 0, voters[0])
        # 测评票 pending in A's pool: lost with A (their voters were only told PENDING)
        lost_ballots = [await cast_ballot(on_b, v, sheet) for v in voters[1:3]]

        # when: votes arrive at both workers while A is killed (kill -9)
        before = [try_vote(on_a if i % 2 else on_b, i, v) for i, v in enumerate(voters[3:20], 3)]
        during = asyncio.gather(*before)
        a.proc.kill()
        a.proc.wait(timeout=10)
        await during
        after = [try_vote(on_b, i, v) for i, v in enumerate(voters[20:], 20)]
        await asyncio.gather(*after)
        status_after = [
            (await node_on(on_b, MY_BALLOT, sheet, v.token))["myBallot"] for v in voters[1:3]
        ]
        again = [await cast_ballot(on_b, v, sheet) for v in voters[1:3]]

    # then: every acknowledged vote is stored, under its key, once
    stored = await stored_votes(owner_db, county, poll)
    assert {u: stored.get(u) for u in acknowledged} == acknowledged
    counts, total = await poll_counts(owner_db, poll)
    assert total == len(stored) == sum(counts)
    # and: B took the stream over: every vote sent to B after the kill was acknowledged
    assert all(v.user_id in acknowledged for v in voters[20:])
    # and: the ballots pending on A are gone; their voters may cast again, on the new owner
    assert [x["status"] for x in lost_ballots] == ["PENDING"] * 2
    assert status_after == ["NOT_CAST"] * 2
    assert [x["status"] for x in again] == ["PENDING"] * 2


async def gql_on(http: httpx.AsyncClient, query: str, variables: dict, token: str) -> dict:
    response = await http.post(
        "/graphql",
        json={"query": query, "variables": variables},
        headers={"Authorization": f"Bearer {token}"},
    )
    body = response.json()
    assert "errors" not in body, body
    return body["data"]


async def node_on(http: httpx.AsyncClient, query: str, global_id: str, token: str) -> dict:
    return (await gql_on(http, query, {"id": global_id}, token))["node"]


async def my_ballot(gql, voter, sheet) -> str:
    return (await node(gql, MY_BALLOT, sheet, voter.token))["myBallot"]


async def test_owners_in_one_process_meet_through_the_memory_relay_and_a_lost_lease_moves_the_stream(
    server, owner_db
):
    """Two apps in one process (BROADCAST_URL memory://) find each other's streams through
    the in-process relay; when the owner's lease connection ends (its worker died, or the
    database dropped it), the owner stops answering and the next caller takes over."""
    from realtime.owners import MemoryRelay, StreamOwners

    namespace = f"owners-test-{uuid.uuid4().hex[:8]}"
    ran: dict[str, list[int]] = {"a": [], "b": []}

    def make(name: str) -> StreamOwners:
        owners = StreamOwners(
            server.owner_url, MemoryRelay(), namespace=namespace, request_timeout=0.5
        )

        async def echo(payload: int) -> list:
            ran[name].append(payload)
            return [name, payload]

        owners.register("echo", echo)
        return owners

    a, b = make("a"), make("b")
    await a.start()
    await b.start()
    try:
        # given: a writes first and owns the stream; b hands its call to a
        assert await a.call(1, "meeting:1", "echo", 1) == ["a", 1]
        assert await b.call(1, "meeting:1", "echo", 2) == ["a", 2]
        # and: a read of a stream nobody owns takes nothing and answers the default
        assert await b.call(1, "meeting:2", "echo", 3, acquire=False, default="none") == "none"
        assert not b.owns(1, "meeting:2")

        # when: a's lease connection is ended by the database
        pid = a._lease.get_server_pid()
        await owner_db.execute("SELECT pg_terminate_backend($1)", pid)
        for _ in range(200):
            if not a.owns(1, "meeting:1"):
                break
            await asyncio.sleep(0.01)

        # then: a no longer answers for the stream; b takes it, and a hands its calls to b
        assert not a.owns(1, "meeting:1")
        assert await b.call(1, "meeting:1", "echo", 4) == ["b", 4]
        assert await a.call(1, "meeting:1", "echo", 5) == ["b", 5]
        assert ran == {"a": [1, 2], "b": [4, 5]}
    finally:
        await a.stop()
        await b.stop()
