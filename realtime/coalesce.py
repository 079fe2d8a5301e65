"""Coalescing of derived live values (tallies): a bounded rate, ending exact.

`update(key, version, value)` may be called thousands of times a second; `emit` is
called at most `rate` times a second per key with the newest value (highest version),
and always once more after the last update, so watchers end on the exact final value.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Coroutine, Hashable
from typing import Any

Emit = Callable[[Hashable, Any], Coroutine[Any, Any, None]]


class Coalescer:
    def __init__(self, emit: Emit, *, rate: float = 4.0) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self._emit = emit
        self.interval = 1.0 / rate
        self._latest: dict[Hashable, tuple[int, Any]] = {}
        self._sent_version: dict[Hashable, int] = {}
        self._last_emit: dict[Hashable, float] = {}
        self._timers: dict[Hashable, asyncio.TimerHandle] = {}
        self._tasks: set[asyncio.Task[None]] = set()

    def update(self, key: Hashable, version: int, value: Any) -> None:
        current = self._latest.get(key)
        if current is not None and current[0] >= version:
            return  # an older value arriving late
        self._latest[key] = (version, value)
        if key in self._timers:
            return  # a flush is already scheduled; it will take the newest value
        wait = self._last_emit.get(key, 0.0) + self.interval - time.monotonic()
        loop = asyncio.get_running_loop()
        self._timers[key] = loop.call_later(max(0.0, wait), self._flush, key)

    def _flush(self, key: Hashable) -> None:
        self._timers.pop(key, None)
        version, value = self._latest[key]
        if self._sent_version.get(key, -1) >= version:
            return
        self._sent_version[key] = version
        self._last_emit[key] = time.monotonic()
        task = asyncio.create_task(self._emit(key, value))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def pending(self) -> int:
        """How many keys have an update waiting to be emitted."""
        return len(self._timers)

    def is_pending(self, key: Hashable) -> bool:
        return key in self._timers

    def latest(self, key: Hashable) -> Any:
        entry = self._latest.get(key)
        return entry[1] if entry else None

    def close(self) -> None:
        for timer in self._timers.values():
            timer.cancel()
        self._timers.clear()
