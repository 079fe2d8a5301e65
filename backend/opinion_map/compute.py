"""Recomputing a map: reading its votes, computing off the event loop, publishing live.

`MapComputer` (one per app, `AppServices.opinion_maps`) is told after each committed vote
which map changed. Per map it recomputes at most once per `interval` (1 s), and once more
after the last change it was told of, so watchers end on the exact map of every vote
(realtime.coalesce's rule, with a computation instead of a value). Each computation reads
one snapshot of the votes in its own read-only transaction, runs `math.compute_map` in a
worker thread (numpy and scikit-learn release the GIL; BLAS limited to one thread so the
event loop keeps the other core), and publishes the figures as the live value
`opinionMap.computed` of the map's stream, versioned by the number of changes it
includes (vote writes and statement changes, `_VERSION`), so a process's feed keeps the
newest and drops one that arrives late. Several workers may
each compute a map they took votes for; the versions order their results.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Any, cast

import numpy as np
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


def _import_math() -> None:
    import sklearn.cluster
    import sklearn.decomposition
    import sklearn.metrics  # noqa: F401


@dataclass
class _MapState:
    dirty: bool = False
    task: asyncio.Task[None] | None = None
    last_start: float = 0.0
    latest: Computed | None = None
    computations: int = 0


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

    def warm(self) -> None:
        """Import scikit-learn in a worker thread, once per process (seconds on a loaded
        machine), so a map's first computation does not wait for it: called when a map
        is turned on."""
        if self._warming is None:
            self._warming = asyncio.ensure_future(asyncio.to_thread(_import_math))

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
        while state.dirty:
            wait = state.last_start + self.interval - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            state.dirty = False  # changes from here on need another computation
            state.last_start = time.monotonic()
            try:
                snapshot = await self.db.run(
                    lambda s: read_snapshot(s, map_id), tenant_id=tenant_id, read_only=True
                )
                computed = await asyncio.to_thread(compute, snapshot)
            except Exception:
                log.exception("opinion map %s of county %s: computation failed", map_id, tenant_id)
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


__all__ = ["Computed", "MapComputer", "Snapshot", "compute", "compute_now", "read_snapshot"]
