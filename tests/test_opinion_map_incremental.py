"""The votes a process keeps in memory per map (compute.MapVotes): each recomputation reads
only the votes written since, and its map is exactly the one a full read of the table
gives, after new votes, changed votes and a hidden statement, when a vote becomes visible
late (two votes racing), and with two app instances taking votes for the same map; a
watcher joining loads the votes, so the first vote after reads only the new ones."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import asyncpg
import httpx

from backend.core.db import async_url
from backend.core.settings import Settings
from backend.opinion_map.compute import Computed, MapComputer, compute_now
from backend.opinion_map.models import OpinionMap
from backend.server.app import create_app
from tests.conftest import GraphQLClient, asyncpg_dsn
from tests.factories.opinion_map import (
    CLOSE_MAP,
    LIVE,
    MAP,
    MODERATE,
    VOTE,
    MapWorld,
    add_statement,
    make_map_world,
    ok,
)
from tests.factories.tenants import db_id
from tests.realtime_client import GraphQLWS, wait_until

CHOICES = ("AGREE", "DISAGREE", "PASS")


async def full_read(server: Any, w: MapWorld) -> Computed:
    """The map computed from a full read of the table (as closing the map does)."""
    async with server.services.db.transaction(tenant_id=w.county.id, read_only=True) as session:
        opinion_map = await session.get(OpinionMap, db_id(w.opinion_map))
        assert opinion_map is not None
        return await compute_now(session, opinion_map)


async def settled(computer: MapComputer, w: MapWorld) -> Computed:
    await computer.idle()
    latest = computer.latest(w.county.id, db_id(w.opinion_map))
    assert latest is not None
    return latest


def assert_same(kept: Computed, full: Computed) -> None:
    assert kept.figures == full.figures
    assert kept.positions == full.positions
    assert kept.priorities == full.priorities


async def vote_all(gql: Any, votes: list[tuple[str, str, str]]) -> None:
    """(statement, choice, token) votes, concurrently (their seqs race)."""
    await asyncio.gather(*(ok(gql, VOTE, {"s": s, "c": c}, t) for s, c, t in votes))


async def test_the_map_kept_in_memory_is_the_one_a_full_read_gives(server, gql, owner_db):
    w = await make_map_world(server, gql, voters=8)
    computer = server.services.opinion_maps
    statements = [await add_statement(gql, w.county, w.opinion_map, f"观点{i}") for i in range(5)]
    await vote_all(
        gql,
        [
            (s, CHOICES[(n * 7 + i * 3) % 3 if n % 2 else i % 2], v.token)
            for n, v in enumerate(w.voters)
            for i, s in enumerate(statements)
        ],
    )
    first = await settled(computer, w)
    assert first.figures["votes"] == 40 and first.figures["placed"] == 8
    assert first.figures["groups"], "a map with groups"
    assert_same(first, await full_read(server, w))
    votes = computer.votes(w.county.id, db_id(w.opinion_map))
    assert votes is not None and votes.full_reads == 0

    # New statements and votes on them, and changed votes: read since the last read only.
    later = [await add_statement(gql, w.county, w.opinion_map, f"新观点{i}") for i in range(2)]
    await vote_all(
        gql,
        [(s, CHOICES[n % 3], v.token) for n, v in enumerate(w.voters[:5]) for s in later]
        + [
            (statements[0], "DISAGREE" if n % 2 else "PASS", v.token)
            for n, v in enumerate(w.voters[:4])
        ],
    )
    second = await settled(computer, w)
    assert second.figures["votes"] == 50
    assert_same(second, await full_read(server, w))
    rows = await owner_db.fetchval(
        "SELECT count(*) FROM opinion_votes WHERE map_id = $1", db_id(w.opinion_map)
    )
    assert rows == 50
    assert votes.merged < rows  # not the whole table again
    assert votes.reads >= 2 and votes.full_reads == 0
    assert votes.checks < votes.reads  # some reads took the new rows only, without totals

    # A hidden statement: its votes stay stored and no longer count.
    await ok(gql, MODERATE, {"s": statements[1], "show": False, "r": "重复"}, w.county.admin.token)
    await vote_all(gql, [(statements[0], "AGREE", w.voters[0].token)])
    third = await settled(computer, w)
    assert statements[1] not in {s["statementId"] for s in third.figures["statements"]}
    assert third.figures["votes"] == 42
    assert_same(third, await full_read(server, w))

    # What a client reads is the kept map; closing records the map of a full read.
    shown = (await gql.data(MAP, {"m": w.meeting}, token=w.county.admin.token))["opinionMap"]
    assert shown["result"]["version"] == third.figures["version"]
    await ok(gql, CLOSE_MAP, {"o": w.opinion_map}, w.county.admin.token)
    recorded = await owner_db.fetchval(
        "SELECT payload FROM events WHERE stream = $1 AND type = 'opinionMap.closed'",
        f"opinionmap:{db_id(w.opinion_map)}",
    )
    assert json.loads(recorded)["result"] == json.loads(json.dumps(third.figures))
    assert votes.full_reads == 0


async def test_a_vote_that_becomes_visible_late_is_found_and_the_map_read_in_full(
    server, gql, database_url
):
    """A vote holding a lower seq commits after votes holding higher ones were read twice
    over: the reads since the watermark cannot see it, the totals do."""
    w = await make_map_world(server, gql, voters=3)
    computer = server.services.opinion_maps
    statements = [await add_statement(gql, w.county, w.opinion_map, f"观点{i}") for i in range(3)]
    await vote_all(gql, [(s, "AGREE", v.token) for v in w.voters[:2] for s in statements])
    await settled(computer, w)
    votes = computer.votes(w.county.id, db_id(w.opinion_map))
    assert votes is not None

    late = await asyncpg.connect(asyncpg_dsn(async_url(database_url)))
    try:
        held = late.transaction()
        await held.start()
        await late.execute(
            "INSERT INTO opinion_votes (tenant_id, map_id, statement_id, voter, choice, changes, seq)"
            " VALUES ($1, $2, $3, $4, -1, 0, nextval('opinion_vote_seq'))",
            w.county.id,
            db_id(w.opinion_map),
            db_id(statements[0]),
            "ab" * 32,
        )
        # Three reads while it is in flight, each of a vote written after it took its seq.
        for i, s in enumerate(statements):
            await vote_all(gql, [(s, CHOICES[i % 3], w.voters[2].token)])
            await settled(computer, w)
        await held.commit()
    finally:
        await late.close()
    await vote_all(gql, [(statements[1], "PASS", w.voters[0].token)])
    kept = await settled(computer, w)
    assert votes.full_reads == 1
    assert kept.figures["votes"] == 10  # with the late one
    assert_same(kept, await full_read(server, w))


async def test_two_apps_taking_votes_for_one_map_each_compute_the_full_map(
    server, gql, database_url
):
    """Two app instances over one database (two workers): each keeps the map from the
    votes it took and reads the ones the other wrote since its last read."""
    w = await make_map_world(server, gql, voters=6)
    statements = [await add_statement(gql, w.county, w.opinion_map, f"观点{i}") for i in range(5)]
    other = create_app(
        Settings(environment="test", database_url=database_url, db_pool_size=2), migrate=False
    )
    async with other.router.lifespan_context(other):
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=other), base_url="http://other", timeout=30
        ) as http:
            gql_b = GraphQLClient(http)
            a, b = server.services.opinion_maps, other.state.services.opinion_maps
            for round, (via_a, via_b) in enumerate(
                [
                    (w.voters[:3], w.voters[3:]),
                    (w.voters[:1], w.voters[1:]),  # the others change their minds via B
                    (w.voters[2:], w.voters[:2]),
                ]
            ):
                await asyncio.gather(
                    vote_all(
                        gql,
                        [
                            (s, CHOICES[(round + i + n) % 3], v.token)
                            for n, v in enumerate(via_a)
                            for i, s in enumerate(statements)
                        ],
                    ),
                    vote_all(
                        gql_b,
                        [
                            (s, CHOICES[(round * 2 + i) % 3], v.token)
                            for v in via_b
                            for i, s in enumerate(statements)
                        ],
                    ),
                )
                # Then a change through A, then one through B: each computes after every
                # vote the other took was committed, and must then be the full map.
                for client, computer, voter, s in (
                    (gql, a, w.voters[0], statements[0]),
                    (gql_b, b, w.voters[1], statements[1]),
                ):
                    for choice in ("AGREE", "DISAGREE"):
                        await vote_all(client, [(s, choice, voter.token)])
                    full = await full_read(server, w)
                    assert_same(await settled(computer, w), full)
            assert full.figures["votes"] == 30
            for computer in (a, b):
                votes = computer.votes(w.county.id, db_id(w.opinion_map))
                assert votes is not None and votes.reads >= 2


async def test_a_watcher_joining_loads_the_votes_so_the_first_vote_reads_only_the_new_ones(
    server, gql, owner_db
):
    w = await make_map_world(server, gql, voters=4)
    statements = [await add_statement(gql, w.county, w.opinion_map, f"观点{i}") for i in range(3)]
    # Votes this process was not told of (another worker took them, or before a restart).
    await owner_db.executemany(
        "INSERT INTO opinion_votes (tenant_id, map_id, statement_id, voter, choice, changes, seq)"
        " VALUES ($1, $2, $3, $4, 1, 0, nextval('opinion_vote_seq'))",
        [
            (w.county.id, db_id(w.opinion_map), db_id(s), f"{n:02x}" * 32)
            for n in range(5)
            for s in statements
        ],
    )
    computer = server.services.opinion_maps
    map_id = db_id(w.opinion_map)
    await computer.forget(w.county.id, map_id)  # as a worker that never read the map
    assert computer.votes(w.county.id, map_id) is None
    async with GraphQLWS(server.ws_url) as ws:
        await ws.open(w.voters[0].token)
        await ws.subscribe(LIVE, {"o": w.opinion_map})
        await wait_until(lambda: computer.votes(w.county.id, map_id) is not None, "loaded")
        votes = computer.votes(w.county.id, map_id)
        assert (
            votes is not None
            and votes.merged == 15
            and computer.computations(w.county.id, map_id) == 0
        )  # read, not computed: nothing changed
        await vote_all(gql, [(statements[0], "DISAGREE", w.voters[0].token)])
        kept = await settled(computer, w)
    assert votes.full_reads == 0 and votes.merged <= 1
    assert kept.figures["votes"] == 16
    assert_same(kept, await full_read(server, w))
