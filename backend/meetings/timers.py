"""The speech-timer scheduler: sends "1 minute left" and "time is up" on time, from the
database's deadlines, in whichever worker gets there first.

Each process runs one scheduler. It reads the running timers of every county (platform
role), sleeps until the earliest due warning, then fires it in that county's transaction
with SKIP LOCKED and per-warning flags, so a warning is sent exactly once even with
several workers, and a restarted service picks up where the old one stopped.

Time comes from the app's `Clock` (backend/core/clock.py): the wall clock in service, a
`ManualClock` that tests advance.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import datetime, timedelta

from sqlalchemy import select

from backend.core import outages
from backend.core.clock import SYSTEM_CLOCK, Clock
from backend.core.db import Database
from backend.meetings import agenda
from backend.meetings.models import AgendaItem, TimerStatus

log = logging.getLogger(__name__)

#: The shortest pause between two looks, so a warning another worker holds locked (SKIP
#: LOCKED) is not polled back to back.
MIN_SLEEP = 0.01


class TimerScheduler:
    def __init__(
        self, db: Database, *, clock: Clock = SYSTEM_CLOCK, max_sleep: float = 2.0
    ) -> None:
        self.db = db
        self.clock = clock
        self.max_sleep = max_sleep
        self._wake = asyncio.Event()
        #: Agenda items whose last firing failed (logged once each until one succeeds).
        self._failed: set[int] = set()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="timer-scheduler")

    def wake(self) -> None:
        """A timer changed in this process: recompute the next due time now."""
        self._wake.set()

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _run(self) -> None:
        while True:
            # Cleared before the look, not after: a wake() that comes while the look runs
            # (a timer started meanwhile) makes the next look come at once.
            self._wake.clear()
            now = self.clock.now()
            try:
                sleep = await self.tick(now)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                if outages.is_outage(exc):  # PostgreSQL restarting: look again shortly
                    log.warning("timer scheduler tick failed: %r", exc)
                else:
                    log.exception("timer scheduler tick failed")
                sleep = self.max_sleep
            # Measured from the look's own `now`, so time that passed while it ran counts.
            await self.clock.wait_until(now + timedelta(seconds=max(MIN_SLEEP, sleep)), self._wake)

    async def tick(self, now: datetime | None = None) -> float:
        """Fire what is due at `now` (the clock's time when not given); return seconds from
        `now` until the next due warning (capped at `max_sleep`)."""
        now = now or self.clock.now()
        async with self.db.platform_transaction() as session:
            rows = (
                await session.execute(
                    select(
                        AgendaItem.tenant_id,
                        AgendaItem.id,
                        AgendaItem.deadline,
                        AgendaItem.warned_one_minute,
                    ).where(
                        AgendaItem.timer_status == TimerStatus.RUNNING,
                        AgendaItem.deadline.is_not(None),
                    )
                )
            ).all()
        next_due = self.max_sleep
        warn = timedelta(seconds=agenda.SPEECH_WARNING_SECONDS)
        for tenant_id, item_id, deadline, warned in rows:
            assert deadline is not None  # selected so
            due = deadline if warned else deadline - warn
            if due <= now:
                try:
                    async with self.db.transaction(tenant_id=tenant_id) as session:
                        await agenda.fire_due_warnings(session, item_id=item_id, at=now)
                except asyncio.CancelledError:
                    raise
                except Exception as exc:
                    if outages.is_outage(exc):
                        raise  # PostgreSQL restarting: the whole look is retried shortly
                    # One item's failure (a bug, a stream in a state it should never be
                    # in) must not stop every other county's timers: it is logged, once
                    # per item, and the look goes on; the item is tried again next look.
                    if item_id not in self._failed:
                        self._failed.add(item_id)
                        log.exception("timer of agenda item %s could not fire", item_id)
                    continue
                self._failed.discard(item_id)
                # the time-up warning may follow right after the one-minute one
                next_due = min(
                    next_due,
                    0.0 if not warned and deadline <= now else (deadline - now).total_seconds(),
                )
            else:
                next_due = min(next_due, (due - now).total_seconds())
        return next_due
