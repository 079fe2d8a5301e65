"""Recomputing a map: reading its votes, computing off the event loop, publishing live.

`MapComputer` (one per app, `AppServices.opinion_maps`) is told after each committed vote
which map changed. Per map it recomputes at most once per `interval` (1 s), and once more
after the last change it was told of, so watchers end on the exact map of every vote
(realtime.coalesce's rule, with a computation instead of a value). Each computation reads,
in its own read-only transaction and one statement, only the votes written since the
map's last read into this process's memory (`MapVotes`, checked against the table's
totals in the same snapshot), runs `math.compute_map` in a worker thread (numpy and
scikit-learn release the GIL; BLAS limited to one thread so the event loop keeps the
other core), and publishes the figures as the live value `opinionMap.computed` of the
map's stream, versioned by the number of changes it includes (vote writes and statement
changes, `_VERSION`), so a process's feed keeps the newest and drops one that arrives
late. Several workers may each compute a map they took votes for, each reading what the
others wrote since; the versions order their results.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Hashable
from dataclasses import dataclass, field
from functools import partial
from typing import Any, cast

import numpy as np
from numpy.typing import NDArray
from sqlalchemy.ext.asyncio import AsyncSession

from backend.core.db import Database, driver_connection
from backend.opinion_map.events import (
    OPINION_MAP_EVENTS,
    GroupFigure,
    OpinionMapEvent,
    OpinionMapFigures,
    RankedFigure,
    RepresentativeFigure,
    StatementCounts,
)
from backend.opinion_map.math import OpinionMapResult, VoteMatrix, compute_map
from backend.opinion_map.models import OpinionMap
from backend.opinion_map.stream import stream_of

log = logging.getLogger(__name__)

# The version of a map: how many vote writes (first votes and changes) and statement
# changes it has. Each committed change adds one, whatever order concurrent transactions
# commit in (a sequence value taken before commit would not: a vote holding seq 10 may
# commit after one holding 11, and a map versioned by the highest seq would not grow).
_VERSION = (
    "(SELECT count(*) + coalesce(sum(changes), 0) FROM opinion_votes WHERE map_id = $1)"
    " + (SELECT version FROM opinion_maps WHERE id = $1)"
)
# The whole snapshot in one statement, so one database snapshot: the version, the shown
# statements, and every vote of the map as three packed big-endian arrays (bytea, which
# the driver hands over as bytes, decoded by numpy in a worker thread, not element by
# element on the event loop): the voter as the first 64 bits of their pseudonym (no text
# per vote; 10,000 voters collide with odds ~1e-11), the statement, the choice. The three
# aggregates read the rows in one pass, so in the same order.
_SNAPSHOT = (
    f"SELECT {_VERSION},"
    " (SELECT array_agg(id ORDER BY id) FROM opinion_statements"
    "  WHERE map_id = $1 AND state = 'SHOWN'),"
    " (SELECT array_agg(body ORDER BY id) FROM opinion_statements"
    "  WHERE map_id = $1 AND state = 'SHOWN'),"
    " v.keys, v.statements, v.choices FROM ("
    "  SELECT string_agg(int8send(('x' || left(voter, 16))::bit(64)::bigint), ''::bytea)"
    "  AS keys, string_agg(int8send(statement_id), ''::bytea) AS statements,"
    "  string_agg(int2send(choice), ''::bytea) AS choices"
    "  FROM opinion_votes WHERE map_id = $1) v"
)

# What a process that keeps a map's votes in memory (`MapVotes`) reads at each
# recomputation, in one statement (one snapshot): the map's own version, the shown
# statements, and only the rows written since the watermark `$2` (a range scan of
# ix_opinion_votes_map_id_seq), packed as in `_SNAPSHOT` with their changes and seq. A
# checked read (`_SINCE_CHECKED`) adds the table's totals for the map (rows, sum of
# changes, sum of seq), which scan every row of the map (≈ 0.1–0.4 s at 600,000 votes).
_SINCE_ROWS = (
    " d.keys, d.statements, d.choices, d.changes, d.seqs FROM ("
    "  SELECT string_agg(int8send(('x' || left(voter, 16))::bit(64)::bigint), ''::bytea)"
    "  AS keys, string_agg(int8send(statement_id), ''::bytea) AS statements,"
    "  string_agg(int2send(choice), ''::bytea) AS choices,"
    "  string_agg(int2send(changes), ''::bytea) AS changes,"
    "  string_agg(int8send(seq), ''::bytea) AS seqs"
    "  FROM opinion_votes WHERE map_id = $1 AND seq > $2) d"
)
_SINCE_HEAD = (
    "SELECT (SELECT version FROM opinion_maps WHERE id = $1),"
    " (SELECT array_agg(id ORDER BY id) FROM opinion_statements"
    "  WHERE map_id = $1 AND state = 'SHOWN'),"
    " (SELECT array_agg(body ORDER BY id) FROM opinion_statements"
    "  WHERE map_id = $1 AND state = 'SHOWN'),"
)
_SINCE = _SINCE_HEAD + " NULL::bigint, NULL::bigint, NULL::numeric," + _SINCE_ROWS
_SINCE_CHECKED = (
    _SINCE_HEAD
    + " t.n, t.changes, t.seqs,"
    + _SINCE_ROWS
    + ", (SELECT count(*) AS n, coalesce(sum(changes), 0) AS changes,"
    " coalesce(sum(seq), 0) AS seqs FROM opinion_votes WHERE map_id = $1) t"
)
# A read is checked at least every CHECK_EVERY reads or CHECK_SECONDS, and once after the
# last change a map was told of (so watchers end on the exact map).
CHECK_EVERY = 10
CHECK_SECONDS = 10.0


@dataclass(frozen=True)
class Snapshot:
    """The votes of a map at one moment, ready for the math."""

    map_id: int
    version: int
    matrix: VoteMatrix
    bodies: dict[int, str]


@dataclass(frozen=True)
class Computed:
    """A computed map: the figures everyone sees, the positions by `participant_key` of
    the voter's pseudonym (only ever shown to that voter) and each statement's routing
    priority."""

    figures: OpinionMapFigures
    positions: dict[Hashable, tuple[float, float, int]]
    priorities: dict[int, float]


async def read_snapshot(session: AsyncSession, map_id: int) -> Snapshot:
    """The map's shown statements and their votes, read on the session's connection in one
    statement; the packed arrays become numpy's in a worker thread, not on the event loop
    (bench/opinion_map.py reports the statement's own time as `fetch_seconds`)."""
    conn = await driver_connection(session)
    row = await conn.fetchrow(_SNAPSHOT, map_id)
    return await asyncio.to_thread(build_snapshot, map_id, tuple(row))


def build_snapshot(map_id: int, row: tuple[Any, ...]) -> Snapshot:
    version, ids, bodies, keys, sids, choices = row
    ids = list(ids or [])
    sid = np.frombuffer(sids or b"", dtype=">i8").astype(np.int64)
    shown = np.asarray(ids, dtype=np.int64)  # sorted
    keep = np.isin(sid, shown)  # votes on hidden or pending statements do not count
    keyed = np.frombuffer(keys or b"", dtype=">i8").astype(np.int64)
    voter, row_index = np.unique(keyed[keep], return_inverse=True)
    matrix = VoteMatrix(
        participants=voter.tolist(),
        statements=ids,
        rows=row_index.astype(np.int32),
        cols=np.searchsorted(shown, sid[keep]).astype(np.int32),
        values=np.frombuffer(choices or b"", dtype=">i2").astype(np.int8)[keep],
    )
    return Snapshot(map_id, int(version), matrix, dict(zip(ids, bodies or [], strict=True)))


def _packed(data: bytes | None, dtype: str) -> NDArray[Any]:
    return np.frombuffer(data or b"", dtype=dtype).astype(dtype.lstrip(">"))


class MapVotes:
    """One map's votes as this process last read them, kept current from the rows written
    since (`_SINCE`), so a recomputation reads the new votes only.

    A vote's `seq` is taken before its transaction commits, so a write holding a lower seq
    may become visible after one holding a higher (two votes racing); the next read
    therefore starts at the highest seq of the read before the last (one interval of
    slack), and a checked read compares the memory with the table's totals in the same
    snapshot: the number of rows, the sum of `changes` and the sum of `seq`. Each write
    adds a row or a change and gives the row a new seq, and a row in memory is never
    ahead of the table, so equal totals mean every row and its last choice are here; if
    they differ (a write that stayed invisible longer than the slack), the map is read in
    full again. The result of a checked read is then the one a full read
    (`read_snapshot`) gives: the same participants in the same order (sorted by key), the
    same statements, the same votes (`compute_map` does not depend on their order), the
    same version. An unchecked read in between may lack such a late write until the next
    checked one; its version counts what it holds, so it is never taken for newer.

    Votes are held by code `voter index << 32 | statement index` in one sorted array with
    their choice, changes and seq (≈ 19 bytes a vote: 11 MiB at 600,000)."""

    def __init__(self, map_id: int) -> None:
        self.map_id = map_id
        self.full_reads = 0  # how often the memory was found behind and read again
        self.reset()

    def reset(self) -> None:
        self.voter_index: dict[int, int] = {}
        self.voter_keys: list[int] = []
        self.statement_index: dict[int, int] = {}
        self.statement_ids: list[int] = []
        self.codes = np.zeros(0, dtype=np.int64)
        self.choices = np.zeros(0, dtype=np.int8)
        self.changes = np.zeros(0, dtype=np.int16)
        self.seqs = np.zeros(0, dtype=np.int64)
        self.watermark = -1  # the next read takes the rows with seq above this
        self._last_top = -1
        self.reads = 0  # reads since the last full one
        self.merged = 0  # rows the last read merged
        self.checked = False  # whether the last read was checked against the table
        self.unchecked_reads = 0  # reads since the last checked one
        self.checks = 0  # checked reads since the last full one
        self.checked_at = time.monotonic()

    @staticmethod
    def _indices(
        values: NDArray[np.int64], index: dict[int, int], names: list[int]
    ) -> NDArray[np.int64]:
        unique, inverse = np.unique(values, return_inverse=True)
        mapped = np.empty(len(unique), dtype=np.int64)
        for i, value in enumerate(unique.tolist()):
            if (at := index.get(value)) is None:
                at = index[value] = len(names)
                names.append(value)
            mapped[i] = at
        return mapped[inverse]

    def check_due(self) -> bool:
        return (
            self.reads == 0
            or self.unchecked_reads + 1 >= CHECK_EVERY
            or time.monotonic() - self.checked_at >= CHECK_SECONDS
        )

    def apply(self, row: tuple[Any, ...]) -> tuple[int, int, int] | None:
        """Merge the rows of a `_SINCE` read (the table's state of each: the last write
        counts); return the table's totals (rows, changes, seq) of that snapshot if the
        read was checked."""
        table = None if row[3] is None else (int(row[3]), int(row[4]), int(row[5]))
        keys = _packed(row[6], ">i8")
        self.merged = len(keys)
        if len(keys):
            voters = self._indices(keys, self.voter_index, self.voter_keys)
            statements = self._indices(
                _packed(row[7], ">i8"), self.statement_index, self.statement_ids
            )
            codes = (voters << 32) | statements
            order = np.argsort(codes, kind="stable")
            codes = codes[order]
            choices = _packed(row[8], ">i2").astype(np.int8)[order]
            changed = _packed(row[9], ">i2")[order]
            seq = _packed(row[10], ">i8")[order]
            at = np.searchsorted(self.codes, codes)
            found = np.zeros(len(codes), dtype=bool)
            inside = at < len(self.codes)
            found[inside] = self.codes[at[inside]] == codes[inside]
            old = at[found]
            self.choices[old] = choices[found]
            self.changes[old] = changed[found]
            self.seqs[old] = seq[found]
            new, where = ~found, at[~found]
            self.codes = np.insert(self.codes, where, codes[new])
            self.choices = np.insert(self.choices, where, choices[new])
            self.changes = np.insert(self.changes, where, changed[new])
            self.seqs = np.insert(self.seqs, where, seq[new])
        top = int(self.seqs.max()) if len(self.seqs) else -1
        # The next read starts at the top of this read's predecessor (just loaded in full:
        # at this one's), so a write that became visible up to one read late is read.
        self.watermark = top if self.reads == 0 else self._last_top
        self._last_top = top
        self.reads += 1
        self.checked = table is not None
        if self.checked:
            self.unchecked_reads, self.checked_at = 0, time.monotonic()
            self.checks += 1
        else:
            self.unchecked_reads += 1
        return table

    def totals(self) -> tuple[int, int, int]:
        return len(self.codes), int(self.changes.sum()), int(self.seqs.sum())

    def matrix(self, shown: list[int]) -> VoteMatrix:
        """The vote matrix over the shown statements (sorted ids), as `build_snapshot`
        makes it from a full read: participants are the voters with a counting vote,
        sorted by key; votes on hidden or pending statements do not count."""
        column = np.full(len(self.statement_ids), -1, dtype=np.int32)
        for position, sid in enumerate(shown):
            if (at := self.statement_index.get(sid)) is not None:
                column[at] = position
        cols = column[self.codes & 0xFFFFFFFF]
        keep = cols >= 0
        voters = self.codes[keep] >> 32
        keys = np.asarray(self.voter_keys, dtype=np.int64)
        present = np.flatnonzero(np.bincount(voters, minlength=len(keys)) > 0)
        ordered = present[np.argsort(keys[present], kind="stable")]
        rank = np.full(len(keys), -1, dtype=np.int64)
        rank[ordered] = np.arange(len(ordered))
        return VoteMatrix(
            participants=keys[ordered].tolist(),
            statements=list(shown),
            rows=rank[voters].astype(np.int32),
            cols=cols[keep],
            values=self.choices[keep],
        )


def snapshot_of(votes: MapVotes, row: tuple[Any, ...]) -> Snapshot | None:
    """Merge a `_SINCE` read into `votes` and give the snapshot it makes, or None when a
    checked read finds the memory behind the table's totals (then read the map in full)."""
    table = votes.apply(row)
    held = votes.totals()
    if table is not None and held != table:
        return None
    ids = list(row[1] or [])
    version = held[0] + held[1] + int(row[0])  # as `_VERSION`
    return Snapshot(
        votes.map_id, version, votes.matrix(ids), dict(zip(ids, row[2] or [], strict=True))
    )


async def read_since(
    session: AsyncSession, votes: MapVotes, *, check: bool | None = None
) -> Snapshot:
    """The map's snapshot, reading only the votes written since `votes` was last read,
    checked against the table's totals when `check` (by default when due: the first read,
    then every CHECK_EVERY reads or CHECK_SECONDS); in full when `votes` is empty or a
    check finds it behind. Decoding, merging and building the matrix run in a worker
    thread."""
    conn = await driver_connection(session)
    checked = votes.check_due() if check is None else check or votes.reads == 0
    row = await conn.fetchrow(_SINCE_CHECKED if checked else _SINCE, votes.map_id, votes.watermark)
    snapshot = await asyncio.to_thread(snapshot_of, votes, tuple(row))
    if snapshot is None:  # something stayed invisible longer than the slack
        log.info("opinion map %s: memory behind the table, reading it in full", votes.map_id)
        votes.reset()
        votes.full_reads += 1
        row = await conn.fetchrow(_SINCE_CHECKED, votes.map_id, votes.watermark)
        snapshot = await asyncio.to_thread(snapshot_of, votes, tuple(row))
        if snapshot is None:  # the same snapshot: cannot differ
            raise RuntimeError(f"opinion map {votes.map_id}: a full read does not add up")
    return snapshot


def participant_key(pseudonym: str) -> int:
    """The key a voter's position has in a computed map: the first 64 bits of their
    pseudonym as a signed integer (as `_SNAPSHOT` reads it)."""
    value = int(pseudonym[:16], 16)
    return value - (1 << 64) if value >= 1 << 63 else value


def figures_of(snapshot: Snapshot, result: OpinionMapResult) -> OpinionMapFigures:
    def sid(value: Hashable) -> int:
        return cast(int, value)

    return OpinionMapFigures(
        mapId=snapshot.map_id,
        version=snapshot.version,
        participants=result.participants,
        placed=result.placed,
        votes=result.votes,
        groups=[
            GroupFigure(
                index=g.index,
                size=g.size,
                x=round(g.center[0], 4),
                y=round(g.center[1], 4),
                representative=[
                    RepresentativeFigure(
                        statementId=sid(r.statement), direction=r.direction, share=round(r.share, 4)
                    )
                    for r in g.representative
                ],
            )
            for g in result.groups
        ],
        consensus=[
            RankedFigure(statementId=sid(c.statement), score=round(c.score, 4))
            for c in result.consensus
        ],
        divisive=[
            RankedFigure(statementId=sid(d.statement), score=round(d.score, 4))
            for d in result.divisive
        ],
        statements=[
            StatementCounts(
                statementId=sid(s.statement),
                body=snapshot.bodies[sid(s.statement)],
                agree=s.agree,
                disagree=s.disagree,
                passed=s.passed,
            )
            for s in result.statements
        ],
    )


def compute(snapshot: Snapshot) -> Computed:
    """The map of a snapshot (CPU work: call it in a thread). BLAS is held to one thread
    while it runs (threadpoolctl's limit is process-wide: other numpy work in the process
    meanwhile gets one thread too), so a computation never takes both cores from the
    event loop."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(1):
        result = compute_map(snapshot.matrix)
    return Computed(
        figures=figures_of(snapshot, result),
        positions=result.positions,
        priorities={cast(int, s.statement): s.priority for s in result.statements},
    )


async def current_version(session: AsyncSession, map_id: int) -> int:
    """The version a map computed now would have."""
    conn = await driver_connection(session)
    return int(await conn.fetchval(f"SELECT {_VERSION}", map_id))


async def compute_now(session: AsyncSession, opinion_map: OpinionMap) -> Computed:
    """The exact map of every vote visible to the session's transaction (closing a map,
    or reading one no computation of this process includes every change of)."""
    snapshot = await read_snapshot(session, opinion_map.id)
    return await asyncio.to_thread(compute, snapshot)


def _warm_math() -> None:
    """Import scikit-learn and compute a tiny map once: the import (seconds on a loaded
    machine), threadpoolctl's scan of the loaded BLAS and OpenMP libraries and
    scikit-learn's first-call work (≈ 0.1 s) happen before a map's first computation."""
    import sklearn.cluster
    import sklearn.decomposition
    import sklearn.metrics  # noqa: F401

    rows = np.repeat(np.arange(12, dtype=np.int32), 4)
    cols = np.tile(np.arange(4, dtype=np.int32), 12)
    values = np.resize(np.array([1, -1, 0, 1, 1, -1], dtype=np.int8), 48)
    matrix = VoteMatrix(list(range(12)), list(range(4)), rows, cols, values)
    compute(Snapshot(0, 0, matrix, dict.fromkeys(range(4), "")))


@dataclass
class _MapState:
    dirty: bool = False
    task: asyncio.Task[None] | None = None
    last_start: float = 0.0
    latest: Computed | None = None
    computations: int = 0
    votes: MapVotes | None = None  # the map's votes as last read (None: not read yet)


@dataclass
class MapComputer:
    """Coalesced recomputation of maps, per app (see the module docstring)."""

    db: Database
    interval: float = 1.0
    _maps: dict[tuple[int, int], _MapState] = field(default_factory=dict)
    _warming: asyncio.Future[None] | None = None

    def changed(self, tenant_id: int, map_id: int) -> None:
        """A vote on the map committed: recompute soon (at most once per interval)."""
        state = self._maps.setdefault((tenant_id, map_id), _MapState())
        state.dirty = True
        if state.task is None or state.task.done():
            state.task = asyncio.create_task(self._run(tenant_id, map_id, state))

    def prepare(self, tenant_id: int, map_id: int) -> None:
        """Someone started watching the map: read its votes into memory now, in full, if
        this process has not (and warm the math), so the first vote after waits only for
        the votes since (seconds at 600,000 votes on a loaded machine otherwise)."""
        self.warm()
        state = self._maps.setdefault((tenant_id, map_id), _MapState())
        if state.votes is None and (state.task is None or state.task.done()):
            state.task = asyncio.create_task(self._load(tenant_id, map_id, state))

    async def _load(self, tenant_id: int, map_id: int, state: _MapState) -> None:
        votes = MapVotes(map_id)
        try:
            await self.db.run(
                partial(read_since, votes=votes, check=True), tenant_id=tenant_id, read_only=True
            )
            state.votes = state.votes or votes
        except Exception:
            log.exception("opinion map %s of county %s: reading failed", map_id, tenant_id)
        if state.dirty:  # told of a change meanwhile
            await self._run(tenant_id, map_id, state)

    async def forget(self, tenant_id: int, map_id: int) -> None:
        """Drop what this process holds of the map (its votes and latest computation), as
        a process that never read it: once its computation due is done."""
        state = self._maps.get((tenant_id, map_id))
        if state is not None and state.task is not None and not state.task.done():
            await asyncio.gather(state.task, return_exceptions=True)
        self._maps.pop((tenant_id, map_id), None)

    def warm(self) -> None:
        """Warm the math in a worker thread, once per process (`_warm_math`), so a map's
        first computation does not wait for it: called when a map is turned on."""
        if self._warming is None:
            self._warming = asyncio.ensure_future(asyncio.to_thread(_warm_math))

    def latest(self, tenant_id: int, map_id: int) -> Computed | None:
        state = self._maps.get((tenant_id, map_id))
        return state.latest if state is not None else None

    async def settled(self, tenant_id: int, map_id: int) -> Computed | None:
        """The map's latest computation once the one running or due (if any) is done."""
        state = self._maps.get((tenant_id, map_id))
        if state is None:
            return None
        if state.task is not None and not state.task.done():
            await asyncio.shield(state.task)
        return state.latest

    def votes(self, tenant_id: int, map_id: int) -> MapVotes | None:
        """The map's votes as this process holds them (None before its first computation)."""
        state = self._maps.get((tenant_id, map_id))
        return state.votes if state is not None else None

    def computations(self, tenant_id: int, map_id: int) -> int:
        state = self._maps.get((tenant_id, map_id))
        return state.computations if state is not None else 0

    async def idle(self) -> None:
        """Wait until no computation is running or due (tests, benches, shutdown)."""
        while tasks := [s.task for s in self._maps.values() if s.task and not s.task.done()]:
            await asyncio.gather(*tasks, return_exceptions=True)

    async def close(self) -> None:
        for state in self._maps.values():
            if state.task is not None:
                state.task.cancel()
        await asyncio.gather(
            *(s.task for s in self._maps.values() if s.task is not None), return_exceptions=True
        )
        self._maps.clear()
        if self._warming is not None:  # an import cannot be cancelled: let it end
            await asyncio.gather(self._warming, return_exceptions=True)

    async def _run(self, tenant_id: int, map_id: int, state: _MapState) -> None:
        check = False
        while state.dirty:
            wait = state.last_start + self.interval - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            state.dirty = False  # changes from here on need another computation
            state.last_start = time.monotonic()
            try:
                votes = state.votes = state.votes or MapVotes(map_id)
                snapshot = await self.db.run(
                    partial(read_since, votes=votes, check=check or None),
                    tenant_id=tenant_id,
                    read_only=True,
                )
                if not state.dirty and not votes.checked:
                    # The last change told of is read: read once more, checked, so the
                    # map ends exact even if a racing vote became visible late.
                    state.dirty, check = True, True
                else:
                    check = False
                if state.latest is not None and snapshot.version == state.latest.figures["version"]:
                    continue  # nothing new (a checked read after the last change)
                computed = await asyncio.to_thread(compute, snapshot)
            except Exception:
                log.exception("opinion map %s of county %s: computation failed", map_id, tenant_id)
                state.votes = None  # perhaps half merged: read it in full next time
                continue
            state.computations += 1
            if (
                state.latest is None
                or computed.figures["version"] >= state.latest.figures["version"]
            ):
                state.latest = computed
            await self._publish(tenant_id, map_id, computed.figures)

    async def _publish(self, tenant_id: int, map_id: int, figures: OpinionMapFigures) -> None:
        publisher = self.db.publisher
        if publisher is None:
            return
        kind = OpinionMapEvent.MAP_COMPUTED
        if self.db.check_events:
            OPINION_MAP_EVENTS.check(kind, figures, live=True)
        await publisher.publish_live(
            tenant_id,
            stream_of(map_id),
            type=kind.value,
            key="map",
            version=figures["version"],
            value=cast(dict[str, Any], figures),
        )


__all__ = [
    "Computed",
    "MapComputer",
    "MapVotes",
    "Snapshot",
    "compute",
    "compute_now",
    "read_since",
    "read_snapshot",
]
