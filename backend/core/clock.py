"""The clock the meeting timers read and sleep on, injected where the app starts.

Speech timers (`backend/meetings/timers.py`, the timer workflow) take "now" and their waits
from a `Clock` held by `AppServices`. The service runs on `SystemClock` (the wall clock and
the event loop's timeouts); tests give the app a `ManualClock` and move it on with
`advance()`, so a 10-minute speech runs out without anyone waiting 10 minutes.
"""

from __future__ import annotations

import asyncio
import contextlib
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol


class Clock(Protocol):
    """Where timers get the time and how they wait for it."""

    def now(self) -> datetime:
        """The current time, timezone-aware UTC."""
        ...

    async def wait_until(self, when: datetime, wake: asyncio.Event) -> None:
        """Return once `when` has come (by this clock) or `wake` is set, whichever is first."""
        ...


class SystemClock:
    """The wall clock; waits are event-loop timeouts."""

    def now(self) -> datetime:
        return datetime.now(UTC)

    async def wait_until(self, when: datetime, wake: asyncio.Event) -> None:
        timeout = (when - datetime.now(UTC)).total_seconds()
        if timeout <= 0:
            await asyncio.sleep(0)  # still a turn of the loop for everyone else
            return
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(wake.wait(), timeout=timeout)


SYSTEM_CLOCK = SystemClock()


class ManualClock:
    """A clock that stands still until `advance()` moves it (tests).

    It starts at the wall clock's time (so deadlines look like real ones to clients) and
    wakes every `wait_until` whose time has come when it is advanced."""

    def __init__(self, start: datetime | None = None) -> None:
        self._now = start or datetime.now(UTC)
        self._sleepers: list[tuple[datetime, asyncio.Future[None]]] = []

    def now(self) -> datetime:
        return self._now

    def advance(self, seconds: float) -> datetime:
        """Move the clock on by `seconds` and wake whoever waited until then."""
        self._now += timedelta(seconds=seconds)
        due = [(w, f) for w, f in self._sleepers if w <= self._now]
        self._sleepers = [(w, f) for w, f in self._sleepers if w > self._now]
        for _, future in due:
            if not future.done():
                future.set_result(None)
        return self._now

    async def wait_until(self, when: datetime, wake: asyncio.Event) -> None:
        if when <= self._now or wake.is_set():
            await asyncio.sleep(0)
            return
        loop = asyncio.get_running_loop()
        future: asyncio.Future[None] = loop.create_future()
        self._sleepers.append((when, future))
        woken: asyncio.Future[bool] = asyncio.ensure_future(wake.wait())
        try:
            waits: set[asyncio.Future[Any]] = {future, woken}
            await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
        finally:
            woken.cancel()
            future.cancel()
            self._sleepers = [(w, f) for w, f in self._sleepers if f is not future]
