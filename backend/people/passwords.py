"""Password hashing and checking (argon2), off the event loop.

One argon2 hash or check costs tens of milliseconds of CPU (64 MiB, 3 passes). Run on the
event loop, a burst of sign-ins stalls every request, socket and meeting timer of the
worker for as long as they take together; so every hash and check goes through
`Passwords`, a small pool of threads (argon2-cffi releases the GIL while it hashes) owned
by the app for its lifetime (`AppServices.passwords`), or by the CLI for a command.

The pool's threads run at a lower CPU priority than the event loop (`nice`, Linux): on a
busy machine a sign-in waits a little longer rather than delaying a live meeting. Callers
hold no database connection while they wait (people.service.sign_in fetches the hash,
gives the connection back, checks, then writes the outcome), and a whole sign-in runs in
one of `turns` (`turn()`): 200 sign-ins at once would otherwise all queue for database
connections first, and a live meeting's writes would wait behind them in the pool's queue
(measured: 19 s, and 21 of the sign-ins timed out, bench/login_storm.py).
"""

from __future__ import annotations

import asyncio
import logging
import os
import threading
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from typing import Any, TypeVar

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

log = logging.getLogger(__name__)
T = TypeVar("T")

_hasher = PasswordHasher()
# Checked when there is no account, so an unknown number costs what a known one does.
_DUMMY_HASH = _hasher.hash("yishi-timing-equaliser")


def hash_now(password: str) -> str:
    """argon2 hash of `password`, on the calling thread (blocks it: not on the loop)."""
    return _hasher.hash(password)


def check_now(password_hash: str | None, password: str) -> bool:
    """Whether `password` matches `password_hash`, on the calling thread. A missing hash
    (no account, or an account without a password) still costs one argon2 check."""
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def _lower_priority(nice: int) -> None:
    """Make the calling pool thread (and the threads argon2 starts from it) yield the CPU
    to the event loop. Linux sets the priority per thread; elsewhere this does nothing."""
    if nice <= 0 or not hasattr(os, "setpriority"):
        return
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), nice)
    except OSError:  # not permitted or not supported: the pool still works
        log.debug("could not lower the password pool's priority", exc_info=True)


class Passwords:
    """argon2 hashing and checking in `threads` threads at priority `nice` (0: the
    loop's own). At most `threads` run at once; more wait in the pool's queue, costing
    nothing but memory for the request that waits."""

    def __init__(self, *, threads: int = 2, nice: int = 10) -> None:
        self.threads = threads
        #: Workflows (a sign-in, a password change) that may be under way at once: enough
        #: to keep the threads busy while others read or write, few enough that they never
        #: take more than this many of the database pool's connections.
        self.turns = 2 * threads
        self._turns = asyncio.Semaphore(self.turns)
        #: Hashes and checks queued or running now (a burst shows here, not on the loop).
        self.pending = 0
        self._pool = ThreadPoolExecutor(
            max_workers=threads,
            thread_name_prefix="yishi-argon2",
            initializer=_lower_priority,
            initargs=(nice,),
        )

    @asynccontextmanager
    async def turn(self) -> AsyncIterator[None]:
        """Wait (holding nothing) until fewer than `turns` password workflows are under
        way, then run the block as one of them."""
        async with self._turns:
            yield

    async def hash(self, password: str) -> str:
        """The argon2 hash of `password`, computed in the pool."""
        return await self._run(hash_now, password)

    async def check(self, password_hash: str | None, password: str) -> bool:
        """Whether `password` matches `password_hash`, checked in the pool (a missing hash
        costs a check too and is False)."""
        return await self._run(check_now, password_hash, password)

    async def _run(self, fn: Callable[..., T], *args: Any) -> T:
        self.pending += 1
        try:
            return await asyncio.get_running_loop().run_in_executor(self._pool, fn, *args)
        finally:
            self.pending -= 1

    def close(self) -> None:
        """Stop the threads once the queued work is done (the app's shutdown)."""
        self._pool.shutdown(wait=False, cancel_futures=True)
