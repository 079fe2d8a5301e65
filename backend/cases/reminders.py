"""The periodic reminder sweep: every `interval` seconds each process looks for open cases
falling due soon or overdue in every county (platform role, ids only) and reminds the
accountable units in that county's transaction (`replies.sweep_reminders`: once per
level, SKIP LOCKED, so several workers never remind twice). Deadlines are county dates,
so this runs on the wall clock, not the meetings' timer clock."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from sqlalchemy import select

from backend.cases.models import Case
from backend.cases.replies import OPEN_FOR_REMINDERS, sweep_reminders, today
from backend.core.db import Database

log = logging.getLogger(__name__)


class ReminderSweep:
    def __init__(self, db: Database, *, interval: float = 600.0) -> None:
        self.db = db
        self.interval = interval
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        if self.interval > 0:
            self._task = asyncio.create_task(self._run(), name="case-reminders")

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _run(self) -> None:
        while True:
            try:
                await self.tick()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("case reminder sweep failed")
            await asyncio.sleep(self.interval)

    async def tick(self) -> int:
        """One sweep of every county; returns the reminders sent."""
        async with self.db.platform_transaction() as session:
            counties = (
                await session.scalars(
                    select(Case.tenant_id)
                    .where(
                        Case.state.in_(OPEN_FOR_REMINDERS),
                        Case.due_on.is_not(None),
                        Case.reminded_level < 2,
                    )
                    .distinct()
                )
            ).all()
        sent = 0
        for tenant_id in counties:
            async with self.db.transaction(tenant_id=tenant_id) as session:
                sent += await sweep_reminders(session, tenant_id=tenant_id, today=today())
        return sent
