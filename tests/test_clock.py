"""The timers' clock: a ManualClock stands still until advanced and wakes exactly the waits
whose time has come; a wake event ends a wait at once, with either clock."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from backend.core.clock import ManualClock, SystemClock

START = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


async def test_a_manual_clock_wakes_a_wait_only_when_advanced_to_its_time():
    clock = ManualClock(START)
    wake = asyncio.Event()
    wait = asyncio.create_task(clock.wait_until(START + timedelta(seconds=10), wake))
    await asyncio.sleep(0)
    clock.advance(9.9)
    await asyncio.sleep(0)
    assert not wait.done()
    assert clock.advance(0.1) == START + timedelta(seconds=10)
    await asyncio.wait_for(wait, 5)  # bounded only so a bug fails instead of hanging


async def test_a_wake_ends_a_wait_at_once_and_a_past_time_does_not_wait():
    clock = ManualClock(START)
    wake = asyncio.Event()
    wait = asyncio.create_task(clock.wait_until(START + timedelta(hours=1), wake))
    await asyncio.sleep(0)
    wake.set()
    await asyncio.wait_for(wait, 5)
    assert clock.now() == START
    await asyncio.wait_for(clock.wait_until(START, asyncio.Event()), 5)
    await asyncio.wait_for(SystemClock().wait_until(START, asyncio.Event()), 5)


async def test_a_system_clock_wait_ends_on_wake():
    clock = SystemClock()
    wake = asyncio.Event()
    wait = asyncio.create_task(clock.wait_until(clock.now() + timedelta(hours=1), wake))
    await asyncio.sleep(0)
    wake.set()
    await asyncio.wait_for(wait, 5)
