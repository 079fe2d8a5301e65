"""Anonymous scoring (测评票): the sheet, the secret ballot and its mixing batches.

Who has scored (a receipt) and what they scored (a ballot) must never be linkable, not even
by whoever reads the database, its WAL, a replica or a backup (docs/meetings.md, "Secret
ballots"). So nothing is written when a person casts: the ballot waits in memory, in the
mixer (`BallotMixer`) of the worker that owns the meeting's stream (`realtime.owners`:
other workers hand it their ballots, so one pool holds every pending ballot of a sheet and
its close counts them all), and ballots are written only in batches of at least k (the sheet's
`min_ballots`), in one transaction with the batch's receipts, ballots in a random order
with random ids, receipts sorted by user id, all sharing one transaction id and one time.

Holding back: a pool writes a batch only once it holds 2k ballots, and writes all but the
newest k, so that k ballots always remain for the close. Closing writes what remains
(k or more) as the last batch. A sheet that closes with fewer than k ballots in all writes
no ballot: its receipts say who took part and its results are withheld.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import random
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

import orjson
from sqlalchemy import event, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.core.db import driver_connection
from backend.core.errors import DomainError
from backend.core.security import Principal, Verification
from backend.core.validation import clean_text
from backend.meetings.access import (
    get_meeting,
    is_host,
    require_host,
    require_state,
    require_verification,
)
from backend.meetings.errors import MeetingErrorCode as Code
from backend.meetings.events import (
    MEETING_EVENTS,
    MeetingEvent,
    ScoringChanged,
    ScoringCounted,
    ScoringTurnout,
)
from backend.meetings.models import (
    Eligibility,
    Meeting,
    MeetingState,
    Participant,
    ScoringBallot,
    ScoringReceipt,
    ScoringScale,
    ScoringSheet,
    ScoringState,
)
from backend.meetings.participants import is_eligible
from backend.meetings.stream import append_event, draft, now, stream_of
from backend.people.models import User
from realtime import log as events
from realtime.log import EventDraft
from realtime.owners import OwnerUnavailable
from realtime.writer import StreamWriter

log = logging.getLogger(__name__)

SATISFACTION_LEVELS = ("满意", "基本满意", "不满意")
DEFAULT_MIN_BALLOTS = 5
MIN_BALLOTS_RANGE = (3, 1000)


class BallotStatus(Enum):
    """Where a person's 测评票 is, as they may learn it."""

    NOT_CAST = "NOT_CAST"
    PENDING = "PENDING"  # accepted, waiting in memory for its mixing batch
    COUNTED = "COUNTED"  # written with its batch
    WITHHELD = "WITHHELD"  # took part, but fewer than k scored: no ballot kept


# -- the sheet ---------------------------------------------------------------------------


async def open_scoring(
    session: AsyncSession,
    principal: Principal,
    *,
    meeting_id: int,
    title: str,
    scale: ScoringScale,
    targets: list[str],
    eligibility: Eligibility,
    min_ballots: int = DEFAULT_MIN_BALLOTS,
) -> ScoringSheet:
    meeting = await get_meeting(session, meeting_id)
    await require_host(session, principal, meeting)
    require_state(meeting, MeetingState.LIVE, action="开始测评")
    clean_targets = [t.strip() for t in targets]
    if not 1 <= len(clean_targets) <= 100 or any(not t or len(t) > 100 for t in clean_targets):
        raise DomainError(Code.INVALID, "测评对象须为1到100个，每个1到100个字", field="targets")
    repeated = sorted({t for t in clean_targets if clean_targets.count(t) > 1})
    if repeated:
        raise DomainError(
            Code.DUPLICATE_TARGET, f"测评对象不能重复：{'、'.join(repeated)}", field="targets"
        )
    low, high = MIN_BALLOTS_RANGE
    if not low <= min_ballots <= high:
        raise DomainError(
            Code.INVALID,
            f"每批最少票数须为{low}到{high}（少于此数的测评不公布结果）",
            field="minBallots",
        )
    sheet = ScoringSheet(
        tenant_id=meeting.tenant_id,
        meeting_id=meeting.id,
        title=clean_text(title, field="title", code=Code.INVALID, label="测评名称", max_length=200),
        scale=scale,
        targets=clean_targets,
        eligibility=eligibility,
        state=ScoringState.OPEN,
        min_ballots=min_ballots,
    )
    session.add(sheet)
    await session.flush()
    await append_event(
        session, principal, meeting, MeetingEvent.SCORING_OPENED, sheet_snapshot(sheet)
    )
    return sheet


def sheet_snapshot(s: ScoringSheet) -> ScoringChanged:
    return {
        "id": s.id,
        "title": s.title,
        "scale": s.scale.value,
        "targets": s.targets,
        "state": s.state.value,
        "minBallots": s.min_ballots,
        "results": s.results,
    }


def validate_answers(sheet: ScoringSheet, answers: Sequence[Any]) -> list[Any]:
    if len(answers) != len(sheet.targets):
        raise DomainError(
            Code.INVALID_SCORE, f"须对全部{len(sheet.targets)}个测评对象作答", field="answers"
        )
    if sheet.scale is ScoringScale.SATISFACTION:
        if any(a not in SATISFACTION_LEVELS for a in answers):
            raise DomainError(
                Code.INVALID_SCORE, "请选择 满意 / 基本满意 / 不满意", field="answers"
            )
        return list(answers)
    try:
        scores = [int(a) for a in answers]
    except (TypeError, ValueError) as exc:
        raise DomainError(Code.INVALID_SCORE, "分数须为0到100的整数", field="answers") from exc
    if any(not 0 <= s <= 100 for s in scores):
        raise DomainError(Code.INVALID_SCORE, "分数须为0到100的整数", field="answers")
    return scores


def tally_scores(sheet: ScoringSheet, ballots: list[list[Any]]) -> dict[str, Any]:
    """Per target: counts per level and the satisfaction rate (满意+基本满意), or the
    average/min/max of 0–100 scores."""
    per_target = []
    for i, target in enumerate(sheet.targets):
        values = [b[i] for b in ballots]
        if sheet.scale is ScoringScale.SATISFACTION:
            counts = {level: values.count(level) for level in SATISFACTION_LEVELS}
            rate = (counts["满意"] + counts["基本满意"]) / len(values) if values else None
            per_target.append(
                {
                    "target": target,
                    "counts": counts,
                    "ballots": len(values),
                    "satisfactionRate": round(rate, 4) if rate is not None else None,
                }
            )
        else:
            nums = [int(v) for v in values]
            per_target.append(
                {
                    "target": target,
                    "ballots": len(nums),
                    "average": round(sum(nums) / len(nums), 2) if nums else None,
                    "min": min(nums) if nums else None,
                    "max": max(nums) if nums else None,
                }
            )
    return {"ballots": len(ballots), "targets": per_target}


def withheld_results(sheet: ScoringSheet, took_part: int) -> dict[str, Any]:
    """Fewer than k scored: publishing a result would say how (nearly) each of them scored."""
    return {
        "ballots": 0,
        "tookPart": took_part,
        "withheld": True,
        "minBallots": sheet.min_ballots,
        "targets": [],
    }


# -- the mixing pool ---------------------------------------------------------------------


@dataclass(eq=False)
class PendingBallot:
    user_id: int
    answers: list[Any]


@dataclass(eq=False)
class _Batch:
    ballots: list[PendingBallot]
    claimed_by: str | None = None  # "batch" once its writer op runs, "close" if taken


@dataclass(eq=False)
class _Pool:
    tenant_id: int
    meeting_id: int
    sheet_id: int
    k: int
    waiting: list[PendingBallot] = field(default_factory=list)
    in_flight: list[_Batch] = field(default_factory=list)
    users: set[int] = field(default_factory=set)  # waiting or in flight
    closing: bool = False
    draining: bool = False
    version: int = 0
    restore: Any = None  # taken by another worker's close: puts the ballots back


ADD_BALLOT = "scoring.add"
BALLOT_PENDING = "scoring.pending"
TAKE_FOR_CLOSE = "scoring.take"
CLOSE_SETTLED = "scoring.settled"


class BallotMixer:
    """The pending 测评票 of the sheets whose meeting stream this process owns, per sheet,
    in memory only (never in the database, never logged), and the batches that write them
    through the stream's writer. Workers that do not own the stream reach these pools
    through the writer's `call` (`ADD_BALLOT`, `BALLOT_PENDING`, `TAKE_FOR_CLOSE`).

    A crash loses the pending ballots: their voters were told PENDING, never COUNTED, and
    may cast again (the next owner takes new ones). `rng` shuffles each batch; tests may
    seed it, production uses the system's randomness."""

    def __init__(
        self,
        writer: StreamWriter,
        *,
        rng: random.Random | None = None,
        settle_seconds: float = 60.0,
    ) -> None:
        self.writer = writer
        self.rng: random.Random = rng or random.SystemRandom()
        #: how long a pool taken by another worker's close waits to hear how it ended
        self.settle_seconds = settle_seconds
        self._pools: dict[tuple[int, int], _Pool] = {}
        self._tasks: set[asyncio.Task[Any]] = set()  # referenced until done
        self._timers: set[asyncio.Task[Any]] = set()  # pools lent to another worker's close
        self.batches = 0
        self.batch_sizes: list[int] = []
        writer.register(ADD_BALLOT, self._add_here)
        writer.register(BALLOT_PENDING, self._pending_here)
        writer.register(TAKE_FOR_CLOSE, self._take_here)
        writer.register(CLOSE_SETTLED, self._settled_here)

    async def status(self, sheet: ScoringSheet, user_id: int) -> bool:
        """Is this person's ballot pending (on the stream's owner)?"""
        users = await self._ask(sheet, BALLOT_PENDING, [sheet.tenant_id, sheet.id, user_id])
        return bool(users)

    async def pending(self, sheet: ScoringSheet) -> int:
        """How many ballots of the sheet are pending (on the stream's owner)."""
        return int(await self._ask(sheet, BALLOT_PENDING, [sheet.tenant_id, sheet.id, None]))

    async def _ask(self, sheet: ScoringSheet, kind: str, payload: Any) -> Any:
        # A read: nobody owns the stream means nobody holds a ballot of it.
        return await self.writer.call(
            tenant_id=sheet.tenant_id,
            stream=f"meeting:{sheet.meeting_id}",
            kind=kind,
            payload=payload,
            acquire=False,
            default=0,
        )

    async def _pending_here(self, payload: list[Any]) -> int:
        tenant_id, sheet_id, user_id = payload
        pool = self._pools.get((tenant_id, sheet_id))
        if pool is None:
            return 0
        if user_id is None:
            return len(pool.users)
        return int(user_id in pool.users)

    async def add(self, sheet: ScoringSheet, user_id: int, answers: list[Any]) -> None:
        """Queue a checked ballot in the owner's pool; starts a batch once 2k wait there."""
        try:
            refused = await self.writer.call(
                tenant_id=sheet.tenant_id,
                stream=f"meeting:{sheet.meeting_id}",
                kind=ADD_BALLOT,
                payload=[
                    sheet.tenant_id,
                    sheet.meeting_id,
                    sheet.id,
                    sheet.min_ballots,
                    user_id,
                    answers,
                ],
            )
        except OwnerUnavailable as exc:
            # Not kept here instead: a second pool would be one the close cannot see.
            raise DomainError(
                Code.INVALID_STATE, "测评票暂时无法提交，请稍后重试", field="sheetId"
            ) from exc
        if refused is not None:
            code, message = refused
            raise DomainError(Code(code), message, field="sheetId")

    async def _add_here(self, payload: list[Any]) -> list[str] | None:
        tenant_id, meeting_id, sheet_id, k, user_id, answers = payload
        key = (tenant_id, sheet_id)
        pool = self._pools.get(key)
        if pool is None:
            pool = self._pools[key] = _Pool(
                tenant_id=tenant_id, meeting_id=meeting_id, sheet_id=sheet_id, k=k
            )
        if pool.closing:
            return [Code.SCORING_CLOSED.value, "测评已结束"]
        if user_id in pool.users:
            return [Code.ALREADY_SCORED.value, "您已提交过测评票"]
        pool.users.add(user_id)
        pool.waiting.append(PendingBallot(user_id=user_id, answers=answers))
        self._publish_turnout(pool, counted=None)
        if not pool.draining and len(pool.waiting) >= 2 * pool.k:
            pool.draining = True
            self._spawn(self._drain(pool))
        return None

    async def _drain(self, pool: _Pool) -> None:
        try:
            while not pool.closing and len(pool.waiting) >= 2 * pool.k:
                batch = _Batch(pool.waiting[: len(pool.waiting) - pool.k])
                del pool.waiting[: len(batch.ballots)]
                outcome = await self._submit(pool, batch)
                self._settle(pool, batch, outcome)
                if outcome[0] == "requeue":
                    break  # wait for the next ballot before trying again
        finally:
            pool.draining = False

    async def _submit(self, pool: _Pool, batch: _Batch) -> tuple[str, Any]:
        """Write `batch` through the meeting's stream writer; on failure, to be put back."""
        pool.in_flight.append(batch)
        try:
            outcome: tuple[str, Any] = await self.writer.submit(
                tenant_id=pool.tenant_id,
                stream=f"meeting:{pool.meeting_id}",
                op=functools.partial(self._batch_op, pool=pool, batch=batch),
            )
        except Exception:
            # No ballot content in the log: only that a batch of n failed.
            log.warning("a batch of %d ballots failed", len(batch.ballots), exc_info=True)
            outcome = ("requeue", batch.ballots)
        finally:
            pool.in_flight.remove(batch)
        return outcome

    def _settle(self, pool: _Pool, batch: _Batch, outcome: tuple[str, Any]) -> None:
        kind, value = outcome
        if kind == "counted":
            counted, done = value
            for ballot in done:
                pool.users.discard(ballot.user_id)
            self._publish_turnout(pool, counted=counted)
        elif kind == "requeue" and not pool.closing:
            pool.waiting[:0] = value
        elif kind in ("requeue", "gone"):  # the sheet closed elsewhere: not counted
            if value:
                log.warning("%d pending ballots could not be counted", len(value))
            for ballot in value:
                pool.users.discard(ballot.user_id)

    async def _batch_op(
        self, session: AsyncSession, pool: _Pool, batch: _Batch
    ) -> tuple[list[EventDraft], tuple[str, Any]]:
        """Runs in the stream writer's transaction, under the stream's head lock (which a
        close takes too, so the two never interleave)."""
        if batch.claimed_by == "close":
            return [], ("taken", None)
        batch.claimed_by = "batch"
        conn = await driver_connection(session)
        state = await conn.fetchval("SELECT state FROM scoring_sheets WHERE id = $1", pool.sheet_id)
        if state != ScoringState.OPEN.value:
            return [], ("gone", batch.ballots)
        fresh = await _not_yet_counted(conn, pool.sheet_id, batch.ballots)
        if len(fresh) < pool.k:
            return [], ("requeue", fresh)
        counted = await write_batch(conn, pool.tenant_id, pool.sheet_id, fresh, self.rng)
        self.batches += 1
        self.batch_sizes.append(len(fresh))
        drafts = [
            draft(
                session,
                MeetingEvent.SCORING_COUNTED,
                ScoringCounted(sheetId=pool.sheet_id, ballots=len(fresh), counted=counted),
            )
        ]
        return drafts, ("counted", (counted, batch.ballots))

    async def take_for_close(self, session: AsyncSession, sheet: ScoringSheet) -> list[Any]:
        """Everything pending on the sheet, for the closing transaction (which holds the
        stream's head lock: batches not yet running are taken, running ones are done).
        Put back if that transaction rolls back; forgotten once it commits. The pool is
        where the stream's owner keeps it, in this process or another."""
        stream = f"meeting:{sheet.meeting_id}"
        if self.writer.owns(sheet.tenant_id, stream):
            taken, restore = self._take(sheet.tenant_id, sheet.id)
            if restore is None:
                return []

            def committed(*_: Any) -> None:
                self._pools.pop((sheet.tenant_id, sheet.id), None)

            event.listen(session.sync_session, "after_commit", committed, once=True)
            event.listen(session.sync_session, "after_rollback", lambda *_: restore(), once=True)
            return taken
        wire = await self.writer.call(
            tenant_id=sheet.tenant_id,
            stream=stream,
            kind=TAKE_FOR_CLOSE,
            payload=[sheet.tenant_id, sheet.id],
            acquire=False,
            default=[],
        )
        if not wire:
            return []
        # The owner keeps what it gave until it hears how this close ended; it then reads
        # the sheet's state itself, so the message says only "look now".
        settled = [sheet.tenant_id, sheet.id]

        def ended(*_: Any) -> None:
            self._spawn(
                self.writer.call(
                    tenant_id=sheet.tenant_id,
                    stream=stream,
                    kind=CLOSE_SETTLED,
                    payload=settled,
                    acquire=False,
                )
            )

        event.listen(session.sync_session, "after_commit", ended, once=True)
        event.listen(session.sync_session, "after_rollback", ended, once=True)
        return [PendingBallot(user_id=u, answers=a) for u, a in wire]

    def _take(self, tenant_id: int, sheet_id: int) -> tuple[list[PendingBallot], Any]:
        pool = self._pools.get((tenant_id, sheet_id))
        if pool is None:
            return [], None
        pool.closing = True
        taken = list(pool.waiting)
        claimed = [b for b in pool.in_flight if b.claimed_by is None]
        for batch in claimed:
            batch.claimed_by = "close"
            taken.extend(batch.ballots)
        pool.waiting = []

        def restore() -> None:
            pool.closing = False
            pool.waiting[:0] = taken

        return taken, restore

    async def _take_here(self, payload: list[Any]) -> list[Any]:
        """Another worker closes the sheet: give it the pool; keep it aside until that
        close has ended (`_settled_here`), or `settle_seconds` have passed."""
        tenant_id, sheet_id = payload
        taken, restore = self._take(tenant_id, sheet_id)
        if restore is None:
            return []
        pool = self._pools[(tenant_id, sheet_id)]
        pool.restore = restore

        async def give_up_waiting() -> None:
            await asyncio.sleep(self.settle_seconds)
            await self._settled_here(payload)

        timer = asyncio.get_running_loop().create_task(give_up_waiting())
        self._timers.add(timer)
        timer.add_done_callback(self._timers.discard)
        return [[b.user_id, b.answers] for b in taken]

    async def _settled_here(self, payload: list[Any]) -> None:
        """The close that took the pool has ended: committed if the sheet is closed, rolled
        back if it is still open (the ballots are pending again)."""
        tenant_id, sheet_id = payload
        pool = self._pools.get((tenant_id, sheet_id))
        if pool is None or pool.restore is None:
            return
        async with self.writer.db.transaction(tenant_id=tenant_id, read_only=True) as session:
            state = await session.scalar(
                select(ScoringSheet.state).where(ScoringSheet.id == sheet_id)
            )
        restore, pool.restore = pool.restore, None
        if state is ScoringState.OPEN:
            restore()
        else:
            self._pools.pop((tenant_id, sheet_id), None)

    def _publish_turnout(self, pool: _Pool, *, counted: int | None) -> None:
        pool.version += 1
        db = self.writer.db  # the app's: its publisher is this app's hub
        if db.publisher is None:
            return
        value: ScoringTurnout = {"sheetId": pool.sheet_id, "pending": len(pool.users)}
        if counted is not None:
            value["counted"] = counted
        if db.check_events:
            MEETING_EVENTS.check(MeetingEvent.SCORING_TURNOUT, value, live=True)
        self._spawn(
            db.publisher.publish_live(
                pool.tenant_id,
                f"meeting:{pool.meeting_id}",
                type=MeetingEvent.SCORING_TURNOUT.value,
                key=str(pool.sheet_id),
                version=pool.version,
                value=dict(value),
            )
        )

    def _spawn(self, work: Any) -> None:
        task = asyncio.get_running_loop().create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def close(self) -> None:
        """At shutdown (before the writer stops): finish the batches under way and write
        every pool that holds k or more as a last batch, so a restart loses only pools of
        fewer than k (their voters were never told COUNTED)."""
        for timer in list(self._timers):
            timer.cancel()
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
        for pool in list(self._pools.values()):
            if pool.closing or len(pool.waiting) < pool.k:
                continue
            batch = _Batch(pool.waiting)
            pool.waiting = []
            self._settle(pool, batch, await self._submit(pool, batch))
        lost = sum(len(p.waiting) for p in self._pools.values())
        if lost:
            log.warning("%d pending ballots (pools under k) are lost at shutdown", lost)


# -- writing a batch ---------------------------------------------------------------------

_COUNTED = (
    "SELECT user_id FROM scoring_receipts WHERE sheet_id = $1 AND user_id = ANY($2::bigint[])"
)
# Receipts in user order, ballots in the order given (shuffled by the caller), each ballot
# with a random id: nothing in the rows, their physical places or the WAL follows casting.
_RECEIPTS = """
INSERT INTO scoring_receipts (tenant_id, sheet_id, user_id)
SELECT $1, $2, u FROM unnest($3::bigint[]) AS u ORDER BY u"""
_BALLOTS = """
INSERT INTO scoring_ballots (id, tenant_id, sheet_id, answers)
SELECT b.id, $1, $2, b.answers::jsonb
FROM unnest($3::uuid[], $4::text[]) WITH ORDINALITY AS b(id, answers, n) ORDER BY b.n"""
_RECEIPT_COUNT = "SELECT count(*) FROM scoring_receipts WHERE sheet_id = $1"


async def _not_yet_counted(conn: Any, sheet_id: int, ballots: list[PendingBallot]) -> list[Any]:
    """Drop ballots whose voter was counted meanwhile (through another process)."""
    rows = await conn.fetch(_COUNTED, sheet_id, [b.user_id for b in ballots])
    counted = {r["user_id"] for r in rows}
    return [b for b in ballots if b.user_id not in counted]


async def write_batch(
    conn: Any, tenant_id: int, sheet_id: int, ballots: list[PendingBallot], rng: random.Random
) -> int:
    """Write one mixing batch; returns how many are now counted on the sheet."""
    mixed = list(ballots)
    rng.shuffle(mixed)
    await conn.execute(_RECEIPTS, tenant_id, sheet_id, sorted(b.user_id for b in ballots))
    await conn.execute(
        _BALLOTS,
        tenant_id,
        sheet_id,
        [uuid.uuid4() for _ in mixed],
        [orjson.dumps(b.answers).decode() for b in mixed],
    )
    return int(await conn.fetchval(_RECEIPT_COUNT, sheet_id))


# -- casting, closing --------------------------------------------------------------------


async def cast_ballot(
    session: AsyncSession,
    mixer: BallotMixer,
    principal: Principal,
    *,
    meeting_id: int,
    sheet_id: int,
    answers: list[str],
) -> BallotStatus:
    """Check a 测评票 and queue it for its mixing batch: PENDING, nothing written yet."""
    user_id = principal.require_user()
    sheet = await session.get(ScoringSheet, sheet_id)
    if sheet is None or sheet.meeting_id != meeting_id:
        raise DomainError(Code.NOT_FOUND, "测评不存在", field="sheetId")
    if sheet.state is not ScoringState.OPEN:
        raise DomainError(Code.SCORING_CLOSED, "测评已结束", field="sheetId")
    values = validate_answers(sheet, answers)
    await _require_eligible(session, sheet, user_id, principal.verification)
    counted = await session.scalar(
        select(ScoringReceipt.id).where(
            ScoringReceipt.sheet_id == sheet_id, ScoringReceipt.user_id == user_id
        )
    )
    if counted is not None:
        raise DomainError(Code.ALREADY_SCORED, "您已提交过测评票", field="sheetId")
    await mixer.add(sheet, user_id, values)
    return BallotStatus.PENDING


async def _require_eligible(
    session: AsyncSession, sheet: ScoringSheet, user_id: int, verification: Verification
) -> None:
    """The participant may score (and reaches the meeting's verification level: 实名制,
    read in the same query)."""
    required = (
        select(Meeting.required_verification)
        .where(Meeting.id == sheet.meeting_id)
        .scalar_subquery()
    )
    row = (
        await session.execute(
            select(Participant, required).where(
                Participant.meeting_id == sheet.meeting_id, Participant.user_id == user_id
            )
        )
    ).first()
    p = row[0] if row is not None else None
    if row is not None:
        require_verification(verification, row[1], field="sheetId", what="参加本次测评")
    checked_in = p is not None and p.checked_in_at is not None
    if p is not None and is_eligible(sheet.eligibility, p.role, checked_in):
        return
    if p is not None and sheet.eligibility is Eligibility.ATTENDEES and not checked_in:
        raise DomainError(Code.NOT_CHECKED_IN, "请先签到，签到后才能参加测评", field="sheetId")
    raise DomainError(Code.NOT_ELIGIBLE, "您不在本次测评范围内", field="sheetId")


async def close_scoring(
    session: AsyncSession,
    principal: Principal,
    *,
    sheet_id: int,
    mixer: BallotMixer | None = None,
) -> ScoringSheet:
    """Close the sheet: the ballots pending in `mixer` (the app's) are its last batch."""
    sheet = await session.get(ScoringSheet, sheet_id)
    if sheet is None:
        raise DomainError(Code.NOT_FOUND, "测评不存在", field="sheetId")
    meeting = await get_meeting(session, sheet.meeting_id)
    await require_host(session, principal, meeting)
    await events.lock_head(session, tenant_id=meeting.tenant_id, stream=stream_of(meeting.id))
    await session.refresh(sheet)
    if sheet.state is not ScoringState.OPEN:
        raise DomainError(Code.SCORING_CLOSED, "测评已结束", field="sheetId")
    await close_sheet(session, principal, meeting, sheet, mixer=mixer)
    return sheet


async def close_sheet(
    session: AsyncSession,
    principal: Principal,
    meeting: Meeting,
    sheet: ScoringSheet,
    *,
    mixer: BallotMixer | None,
) -> None:
    """Close under the stream's head lock (the caller holds it): the ballots still pending
    in `mixer` (the app's; None: none pending, e.g. from the CLI) are the last batch (k or
    more, or none are kept), then the results. The pool is where the stream's owner keeps
    it, in this process or another (`BallotMixer.take_for_close`)."""
    taken = await mixer.take_for_close(session, sheet) if mixer else []
    conn = await driver_connection(session)
    fresh = await _not_yet_counted(conn, sheet.id, taken) if taken else []
    already = int(await conn.fetchval(_RECEIPT_COUNT, sheet.id))
    if fresh and len(fresh) >= sheet.min_ballots:
        counted = await write_batch(
            conn, sheet.tenant_id, sheet.id, fresh, mixer.rng if mixer else random.SystemRandom()
        )
        if mixer:
            mixer.batches += 1
            mixer.batch_sizes.append(len(fresh))
        # Recorded as every batch is (no actor: a batch is nobody's ballot), so the record
        # lists each batch the same way whether it was written open or at the close.
        await append_event(
            session,
            Principal(tenant_id=sheet.tenant_id),
            meeting,
            MeetingEvent.SCORING_COUNTED,
            ScoringCounted(sheetId=sheet.id, ballots=len(fresh), counted=counted),
        )
    elif fresh:
        # Fewer than k left: written alone they would be linkable. With holding back this
        # happens only when fewer than k scored at all (or others were counted through
        # another process): their receipts are kept, their ballots are not.
        await conn.execute(_RECEIPTS, sheet.tenant_id, sheet.id, sorted(b.user_id for b in fresh))
        if already:
            log.warning("%d ballots left out: fewer than k remained at close", len(fresh))
    took_part = already + len(fresh)
    answers = (
        await session.scalars(
            select(ScoringBallot.answers).where(ScoringBallot.sheet_id == sheet.id)
        )
    ).all()
    if len(answers) < sheet.min_ballots:
        sheet.results = withheld_results(sheet, took_part)
    else:
        sheet.results = tally_scores(sheet, list(answers))
    sheet.state, sheet.closed_at = ScoringState.CLOSED, now()
    await session.flush()
    await append_event(
        session, principal, meeting, MeetingEvent.SCORING_CLOSED, sheet_snapshot(sheet)
    )


# -- reading -----------------------------------------------------------------------------


async def my_ballot(
    session: AsyncSession,
    mixer: BallotMixer | None,
    principal: Principal,
    sheet: ScoringSheet | None,
) -> BallotStatus:
    if principal.user_id is None or sheet is None:
        return BallotStatus.NOT_CAST
    if (
        sheet.state is ScoringState.OPEN
        and mixer is not None
        and await mixer.status(sheet, principal.user_id)
    ):
        return BallotStatus.PENDING  # (once closed, a ballot left here was never counted)
    counted = await session.scalar(
        select(ScoringReceipt.id).where(
            ScoringReceipt.sheet_id == sheet.id, ScoringReceipt.user_id == principal.user_id
        )
    )
    if counted is None:
        return BallotStatus.NOT_CAST
    if sheet.results and sheet.results.get("withheld"):
        return BallotStatus.WITHHELD
    return BallotStatus.COUNTED


@dataclass
class Turnout:
    """How many may score, how many are counted or pending, and who is not counted yet
    (hosts only; never what anyone scored)."""

    eligible: int
    counted: int
    pending: int
    not_counted: list[tuple[int, str]]


async def turnout(
    session: AsyncSession,
    mixer: BallotMixer | None,
    principal: Principal,
    sheet: ScoringSheet | None,
) -> Turnout | None:
    if sheet is None:
        return None
    meeting = await get_meeting(session, sheet.meeting_id)
    if not await is_host(session, principal, meeting):
        return None
    people = (
        await session.execute(
            select(
                Participant.user_id, Participant.role, Participant.checked_in_at, User.display_name
            )
            .join(User, User.id == Participant.user_id)
            .where(Participant.meeting_id == sheet.meeting_id)
            .order_by(Participant.user_id)
        )
    ).all()
    eligible = [
        (p.user_id, p.display_name)
        for p in people
        if is_eligible(sheet.eligibility, p.role, p.checked_in_at is not None)
    ]
    counted_ids = set(
        (
            await session.scalars(
                select(ScoringReceipt.user_id).where(ScoringReceipt.sheet_id == sheet.id)
            )
        ).all()
    )
    return Turnout(
        eligible=len(eligible),
        counted=len(counted_ids),
        pending=await mixer.pending(sheet) if mixer else 0,
        not_counted=[(uid, name) for uid, name in eligible if uid not in counted_ids],
    )
