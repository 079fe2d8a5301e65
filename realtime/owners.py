"""One owner process per hot stream, across workers and hosts.

A meeting's votes and 测评票 arrive at whichever worker the load balancer picked. If every
worker appended to the stream itself, their group-commit writers would take turns on the
stream's head lock with batches a fraction of the size, and each worker's ballot mixer
would know only its own pending ballots. So each stream has one owner at a time:

- Ownership is a PostgreSQL advisory lock (`pg_try_advisory_lock` on a key derived from
  the namespace, county and stream), held on this process's one lease connection. The
  first worker that writes to a stream takes it; PostgreSQL releases it when that
  connection ends, so a worker that dies (even kill -9) frees its streams at once, and the
  next worker that writes takes them over. A clean shutdown stops taking work, lets the
  writer finish what is queued and then lets go.
- Other workers hand their operations to the owner, by name (`kind`) with a JSON payload,
  over the relay: Redis pub/sub when BROADCAST_URL is Redis (one request channel per
  owned stream, one reply channel per worker), in process otherwise. Requests and replies
  are batched per channel (what queues while one message is being sent goes in the next),
  so a busy stream costs a few messages per writer batch, not two per vote.
- The owner runs the operation with the handler registered for its kind (the same code as
  for its own requests) and answers once it is done: a vote is answered after its batch
  has committed, never before.
- A request that gets no answer within `request_timeout` is checked: if the owner's lock
  is free the owner is gone, this worker takes the stream and runs the operation itself;
  otherwise it is sent again (the owner answers a repeated request id from what it
  remembers, without running it twice). Operations must still be safe to run again on a
  new owner (a vote carries its idempotency key): the old owner may have committed one
  and died before its answer left.

Correctness never rests on ownership: appends still lock the stream's head row, so two
processes that both believe they own a stream (a lease connection lost while its process
lives) only lose speed.

What crosses Redis includes pending 测评票 (who, and what they scored) on their way to
the owner's pool. So every relay message is sealed with AES-256-GCM under a key derived
(HKDF-SHA256) from the service's JWT_SECRET, bound to its channel and stamped with its
time: someone who can read Redis (MONITOR, a replica, a capture of its traffic) sees only
sizes and times, and someone who can publish on it cannot hand an owner an operation, or
replay one older than `MAX_AGE_SECONDS`.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import hashlib
import itertools
import logging
import os
import socket
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Any, ClassVar, Protocol

import asyncpg
import orjson
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from backend.core.db import CONNECT_TIMEOUT_SECONDS
from backend.core.outages import DependencyDown, is_outage
from backend.core.redis_wire import PipelinedRedis
from realtime import metrics

log = logging.getLogger(__name__)

#: A handler runs one operation of its kind on the owner; payload and result are JSON. It
#: may return a coroutine, or (better for an operation handed over by the thousand, such as
#: a vote) a future it has queued the operation under: then no task is made per operation.
Handler = Callable[[Any], Awaitable[Any]]
StreamKey = tuple[int, str]


class OwnerUnavailable(DependencyDown):
    """No owner answered and none could be taken over before the deadline (clients are
    told SERVICE_UNAVAILABLE: `backend.core.outages`)."""


class RemoteFailure(Exception):
    """The owner's handler raised (a bug there; the message says what, not the payload)."""


def lease_key(namespace: str, tenant_id: int, stream: str) -> int:
    """The advisory lock key of a stream: 64 bits of BLAKE2b over namespace, county, stream."""
    digest = hashlib.blake2b(f"{namespace}\x00{tenant_id}\x00{stream}".encode(), digest_size=8)
    return int.from_bytes(digest.digest(), "big", signed=True)


# -- relays ----------------------------------------------------------------------------

Receive = Callable[[str, bytes], None]


class Relay(Protocol):
    async def start(self, receive: Receive) -> None: ...
    async def stop(self) -> None: ...
    async def publish(self, channel: str, data: bytes) -> int:
        """Send `data`; returns how many processes listen on `channel` (0: nobody)."""
        ...

    async def subscribe(self, channel: str) -> None: ...
    async def unsubscribe(self, channel: str) -> None: ...


class MemoryRelay:
    """Channels within this Python process (BROADCAST_URL memory://): with one worker the
    owner is always this process; several apps in one process (tests) reach each other."""

    # The process's channel table: the only state shared by apps in one process, which is
    # exactly what this relay is for.
    _channels: ClassVar[dict[str, Receive]] = {}

    def __init__(self) -> None:
        self._receive: Receive | None = None
        self._mine: set[str] = set()

    async def start(self, receive: Receive) -> None:
        self._receive = receive

    async def stop(self) -> None:
        for channel in list(self._mine):
            await self.unsubscribe(channel)

    async def publish(self, channel: str, data: bytes) -> int:
        receive = self._channels.get(channel)
        if receive is None:
            return 0
        asyncio.get_running_loop().call_soon(receive, channel, data)
        return 1

    async def subscribe(self, channel: str) -> None:
        assert self._receive is not None
        self._channels[channel] = self._receive
        self._mine.add(channel)

    async def unsubscribe(self, channel: str) -> None:
        self._mine.discard(channel)
        if channel in self._channels and self._channels[channel] is self._receive:
            del self._channels[channel]


MAX_AGE_SECONDS = 60.0  # older sealed messages are refused (replays); also the clock skew


def relay_key(secret: str) -> bytes:
    """The relay's AES-256-GCM key, derived from a secret every worker of the service has."""
    return HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"yishi stream-owner relay v1"
    ).derive(secret.encode())


class Sealer:
    """AES-256-GCM with a random 96-bit nonce per message; the channel is the associated
    data (a message cannot be moved to another stream) and the plaintext starts with the
    sending time in milliseconds (8 bytes)."""

    def __init__(self, key: bytes) -> None:
        self._aead = AESGCM(key)

    def seal(self, channel: str, data: bytes) -> bytes:
        nonce = os.urandom(12)
        stamped = int(time.time() * 1000).to_bytes(8, "big") + data
        return nonce + self._aead.encrypt(nonce, stamped, channel.encode())

    def open(self, channel: str, sealed: bytes) -> bytes | None:
        try:
            stamped = self._aead.decrypt(sealed[:12], sealed[12:], channel.encode())
        except (InvalidTag, ValueError):
            return None
        sent = int.from_bytes(stamped[:8], "big") / 1000
        if abs(time.time() - sent) > MAX_AGE_SECONDS:
            return None
        return stamped[8:]


class RedisRelay:
    """Redis pub/sub: one connection listens (and resubscribes after a loss), the client's
    pool publishes. PUBLISH answers how many subscribers got the message, which is how a
    request finds out that no owner listens on a stream. Every message is sealed
    (`Sealer`); one that does not open is dropped."""

    def __init__(self, url: str, key: bytes) -> None:
        import redis.asyncio as aioredis

        self.url = url
        self._sealer = Sealer(key)
        self._client = aioredis.Redis.from_url(url)  # the listener (pub/sub) and ping
        self._publisher = PipelinedRedis(url)  # PUBLISH, pipelined (backend.core.redis_wire)
        self._pubsub: Any = None
        self._channels: set[str] = set()
        self._receive: Receive | None = None
        self._task: asyncio.Task[None] | None = None
        self._ready = asyncio.Event()

    async def start(self, receive: Receive) -> None:
        self._receive = receive
        await self._client.ping()
        self._task = asyncio.create_task(self._listen(), name="owner-relay")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._ready.wait(), 5)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(BaseException):
                await self._task
        if self._pubsub is not None:
            with contextlib.suppress(Exception):
                await self._pubsub.aclose()
        with contextlib.suppress(Exception):
            await self._client.aclose()
        await self._publisher.close()

    async def publish(self, channel: str, data: bytes) -> int:
        return await self._publisher.publish(channel, self._sealer.seal(channel, data))

    async def subscribe(self, channel: str) -> None:
        self._channels.add(channel)
        if self._pubsub is None or not self._ready.is_set():
            return  # the listener subscribes every channel when it (re)connects
        try:
            await self._pubsub.subscribe(channel)
        except Exception as exc:
            log.warning("owner relay subscribe failed (%s); done at reconnect", exc)

    async def unsubscribe(self, channel: str) -> None:
        self._channels.discard(channel)
        if self._pubsub is not None and self._ready.is_set():
            with contextlib.suppress(Exception):
                await self._pubsub.unsubscribe(channel)

    async def _listen(self) -> None:
        delay = 0.05
        while True:
            try:
                self._pubsub = self._client.pubsub(ignore_subscribe_messages=True)
                # A placeholder channel keeps the connection subscribed (and listen() alive)
                # whatever else is subscribed or not.
                await self._pubsub.subscribe("yishi-owner-relay", *self._channels)
                self._ready.set()
                delay = 0.05
                async for message in self._pubsub.listen():
                    if message["type"] != "message" or self._receive is None:
                        continue
                    channel = message["channel"].decode()
                    data = self._sealer.open(channel, message["data"])
                    if data is None:
                        log.warning("owner relay message on %s did not open; dropped", channel)
                        continue
                    self._receive(channel, data)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("owner relay lost (%s); reconnecting in %.2fs", exc, delay)
            self._ready.clear()
            if self._pubsub is not None:
                with contextlib.suppress(Exception):
                    await self._pubsub.aclose()
            await asyncio.sleep(delay)
            delay = min(delay * 2, 5.0)


def relay_for(broadcast_url: str, secret: str) -> Relay:
    """In process for memory://, else Redis with messages sealed under a key from `secret`."""
    if broadcast_url.startswith("memory://"):
        return MemoryRelay()
    return RedisRelay(broadcast_url, relay_key(secret))


# -- the owners ------------------------------------------------------------------------


class StreamOwners:
    """This process's side of stream ownership: the streams it owns (and their request
    channels), the requests it has handed to other owners, the lease connection."""

    def __init__(
        self,
        dsn: str,
        relay: Relay,
        *,
        namespace: str,
        request_timeout: float = 2.0,
        deadline: float = 30.0,
        remember_seconds: float = 60.0,
        drain: Callable[[StreamKey], Awaitable[None]] | None = None,
        request_tick: float = 0.0,
    ) -> None:
        self.dsn = dsn
        self.relay = relay
        self.namespace = namespace
        self.request_timeout = request_timeout
        self.deadline = deadline
        self.remember_seconds = remember_seconds
        #: waits until the writer has finished a stream's queued work (before letting go)
        self.drain = drain
        #: how long a request waits for others to the same owner before its message goes.
        #: 0 (the default): until the loop has run what was ready with it, twice over.
        #: Votes come in bursts (a batch's answers release the next votes of those
        #: clients; pipelined rate-budget replies arrive together), and a burst is in the
        #: loop's ready queue at once, so two passes gather it into one message without a
        #: timer; a 2 ms tick gathered little more and made every handed-over vote 2 ms
        #: slower, which in a closed loop (a client waits for its answer) is throughput.
        self.request_tick = request_tick
        self.worker = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.reply_channel = f"{namespace}:owner-reply:{self.worker}"
        self.handlers: dict[str, Handler] = {}
        self._anywhere: set[str] = set()
        self.owned: dict[StreamKey, str] = {}  # stream → its request channel
        self._by_channel: dict[str, StreamKey] = {}
        self._elsewhere: set[StreamKey] = set()  # streams another worker was found to own
        self._lease: asyncpg.Connection | None = None
        self._lease_lock = asyncio.Lock()  # one statement at a time on the lease connection
        self._ids = itertools.count(1)
        # request id → (its answer, when it was sent)
        self._waiting: dict[str, tuple[asyncio.Future[Any], float]] = {}
        self._sweeper: asyncio.Task[None] | None = None
        # (what, channel) → requests ("o") or replies ("res") to send in the next message
        self._outbox: dict[tuple[str, str], list[Any]] = {}
        self._flushing: set[tuple[str, str]] = set()
        # requests handed to this owner: id → (when, its run), kept `remember_seconds`
        self._recent: dict[str, tuple[float, asyncio.Future[Any]]] = {}
        self._tasks: set[asyncio.Future[Any]] = set()
        self._stopping = False
        # what crossed the relay, for tests and benches
        self.forwarded = 0
        self.served = 0
        self.takeovers = 0
        self.local_fallbacks = 0
        self.messages = 0  # published (each carries a batch of requests or replies)

    def register(self, kind: str, handler: Handler, *, anywhere: bool = False) -> None:
        """`anywhere`: while the relay is down, this worker may run the operation itself
        (a vote: any writer may append, the head lock keeps the log right) rather than
        wait for the owner."""
        self.handlers[kind] = handler
        if anywhere:
            self._anywhere.add(kind)

    def owns(self, tenant_id: int, stream: str) -> bool:
        return (tenant_id, stream) in self.owned

    async def start(self) -> None:
        await self.relay.start(self._receive)
        await self.relay.subscribe(self.reply_channel)
        self._sweeper = asyncio.create_task(self._sweep(), name="owner-sweeper")

    async def stop(self) -> None:
        """Stop taking requests, let the writer finish what it holds, then let go."""
        self._stopping = True
        for key in list(self.owned):
            await self._release(key)
        running = {t for _, t in self._recent.values() if not t.done()} | self._tasks
        if running:
            await asyncio.wait(running, timeout=10)
        await self._flush_all()
        if self._lease is not None:
            with contextlib.suppress(Exception):
                await self._lease.close(timeout=2)
            self._lease = None
        for future, _ in self._waiting.values():
            if not future.done():
                future.set_exception(OwnerUnavailable("worker stopping"))
        if self._sweeper is not None:
            self._sweeper.cancel()
        await self.relay.stop()

    # -- calling -----------------------------------------------------------------------

    async def call(
        self,
        tenant_id: int,
        stream: str,
        kind: str,
        payload: Any,
        *,
        acquire: bool = True,
        default: Any = None,
    ) -> Any:
        """Run `kind(payload)` on the stream's owner and return its result. With
        `acquire`, this process takes the stream if nobody owns it; without, a stream
        nobody owns answers `default` (a read of what only an owner would hold)."""
        key = (tenant_id, stream)
        handler = self.handlers[kind]
        if key in self.owned:  # the one-worker path: nothing but this check
            return await handler(payload)
        # Try the lease only while no other owner is known to answer (not once per call).
        if acquire and key not in self._elsewhere and await self._acquire(key):
            return await handler(payload)
        return await self._forward(key, kind, payload, acquire=acquire, default=default)

    async def _forward(
        self, key: StreamKey, kind: str, payload: Any, *, acquire: bool, default: Any
    ) -> Any:
        request_id = f"{self.worker}:{next(self._ids)}"
        channel = self._channel(key)
        give_up = time.monotonic() + self.deadline
        loop = asyncio.get_running_loop()
        try:
            while True:
                if key in self.owned:
                    return await self.handlers[kind](payload)
                # One future per attempt, resolved by the answer, or by the flush ("nobody"
                # listens, the relay is "down") or the sweeper ("timeout"): no timer per call.
                future = loop.create_future()
                self._waiting[request_id] = (future, time.monotonic())
                self._send(channel, [request_id, kind, payload])
                status, value = await future
                if status == "ok":
                    return value
                if status == "failed":
                    raise RemoteFailure(value)
                if status == "unavailable":
                    raise OwnerUnavailable(f"the owner of {key[1]} failed: {value}")
                if status == "down" and kind in self._anywhere:
                    self.local_fallbacks += 1
                    return await self.handlers[kind](payload)
                if status == "nobody":  # no owner, or one still subscribing
                    if not acquire:
                        return default
                    if await self._acquire(key):
                        return await self.handlers[kind](payload)
                    await asyncio.sleep(0.02)
                elif status == "timeout":
                    # A slow owner, a lost message, or a dead owner: its lock says which.
                    # (A read takes the stream too: a new owner holds nothing yet, so its
                    # answer is the right one, and it comes now, not at the deadline.)
                    if await self._acquire(key):
                        self.takeovers += 1
                        log.warning("took over %s:%s from an owner that did not answer", *key)
                        return await self.handlers[kind](payload)
                else:  # "moved" (the owner is letting go) or "down": ask again shortly
                    await asyncio.sleep(0.01 if status == "moved" else 0.1)
                if time.monotonic() > give_up:
                    raise OwnerUnavailable(f"no owner of {key[1]} answered")
        finally:
            self._waiting.pop(request_id, None)

    async def _sweep(self) -> None:
        """Answer "timeout" to requests waiting longer than `request_timeout`."""
        while True:
            await asyncio.sleep(self.request_timeout / 4)
            horizon = time.monotonic() - self.request_timeout
            for future, at in list(self._waiting.values()):
                if at < horizon and not future.done():
                    future.set_result(("timeout", None))

    def _channel(self, key: StreamKey) -> str:
        return f"{self.namespace}:owner:{key[0]}:{key[1]}"

    # -- the lease -----------------------------------------------------------------------

    async def _acquire(self, key: StreamKey) -> bool:
        if self._stopping:
            return False
        async with self._lease_lock:
            if key in self.owned:
                return True
            conn = await self._lease_connection()
            taken = await conn.fetchval(
                "SELECT pg_try_advisory_lock($1)", lease_key(self.namespace, *key)
            )
            if not taken:
                self._elsewhere.add(key)
                return False
            self._elsewhere.discard(key)
            channel = self._channel(key)
            self.owned[key] = channel
            self._by_channel[channel] = key
        await self.relay.subscribe(channel)
        log.info("this worker owns %s:%s", *key)
        return True

    async def _lease_connection(self) -> asyncpg.Connection:
        if self._lease is None or self._lease.is_closed():
            conn = await asyncpg.connect(
                self.dsn,
                server_settings={"application_name": "yishi-stream-owner"},
                timeout=CONNECT_TIMEOUT_SECONDS,  # a vote fails fast while PG is down
            )
            conn.add_termination_listener(functools.partial(self._lease_lost, conn))
            self._lease = conn
        return self._lease

    def _lease_lost(self, conn: asyncpg.Connection, *_: Any) -> None:
        """The lease connection ended: PostgreSQL has released every lock on it, so another
        worker may own these streams now. Stop answering for them (the head lock keeps the
        log right meanwhile); the next write here takes them again if they are free."""
        if conn is not self._lease:
            return
        self._lease = None
        if self.owned and not self._stopping:
            log.warning("lease connection lost; giving up %d streams", len(self.owned))
        for key in list(self.owned):
            channel = self.owned.pop(key)
            self._by_channel.pop(channel, None)
            self._spawn(self.relay.unsubscribe(channel))

    async def _release(self, key: StreamKey) -> None:
        channel = self.owned.get(key)
        if channel is None:
            return
        await self.relay.unsubscribe(channel)  # new requests now find nobody and wait
        if self.drain is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self.drain(key), 10)
        async with self._lease_lock:
            self.owned.pop(key, None)
            self._by_channel.pop(channel, None)
            if self._lease is not None and not self._lease.is_closed():
                with contextlib.suppress(Exception):
                    await self._lease.fetchval(
                        "SELECT pg_advisory_unlock($1)", lease_key(self.namespace, *key)
                    )

    # -- the relay -----------------------------------------------------------------------

    def _send(self, channel: str, item: Any) -> None:
        """Queue a request for `channel`'s next message."""
        box = ("o", channel)
        self._outbox.setdefault(box, []).append(item)
        self._start_flush(box)

    def _reply(self, channel: str, item: Any) -> None:
        box = ("res", channel)
        self._outbox.setdefault(box, []).append(item)
        self._start_flush(box)

    def _start_flush(self, box: tuple[str, str]) -> None:
        if box not in self._flushing:
            self._flushing.add(box)
            self._spawn(self._flush(box))

    async def _flush(self, box: tuple[str, str]) -> None:
        what, channel = box
        try:
            if what == "o":  # one message for the requests of this tick (or burst)
                if self.request_tick > 0:
                    await asyncio.sleep(self.request_tick)
                else:
                    await asyncio.sleep(0)
                    await asyncio.sleep(0)
            while items := self._outbox.pop(box, None):
                if what == "res":
                    message = orjson.dumps({"res": items})
                else:
                    message = orjson.dumps({"r": self.reply_channel, "o": items})
                self.messages += 1
                metrics.OWNER_MESSAGES.labels("request" if what == "o" else "reply").inc()
                try:
                    receivers = await self.relay.publish(channel, message)
                except Exception as exc:
                    log.warning("owner relay publish failed (%s)", exc)
                    receivers = -1
                if what == "o":
                    if receivers > 0:
                        self.forwarded += len(items)
                        metrics.OWNER_HANDED_OVER.inc(len(items))
                    else:
                        status = "nobody" if receivers == 0 else "down"
                        for request_id, _, _ in items:
                            waiting = self._waiting.get(request_id)
                            if waiting is not None and not waiting[0].done():
                                waiting[0].set_result((status, None))
        finally:
            self._flushing.discard(box)

    async def _flush_all(self) -> None:
        for _ in range(50):
            if not self._flushing and not self._outbox:
                return
            await asyncio.sleep(0.02)

    def _receive(self, channel: str, data: bytes) -> None:
        try:
            message = orjson.loads(data)
        except orjson.JSONDecodeError:
            log.warning("malformed owner relay message on %s ignored", channel)
            return
        if channel == self.reply_channel:
            for request_id, status, value in message.get("res", ()):
                waiting = self._waiting.get(request_id)
                if waiting is not None and not waiting[0].done():
                    waiting[0].set_result((status, value))
            return
        key = self._by_channel.get(channel)
        reply_to = message.get("r")
        if not isinstance(reply_to, str):
            return
        now = time.monotonic()
        self._forget_old(now)
        served = 0
        for request_id, kind, payload in message.get("o", ()):
            if key is None or key not in self.owned or self._stopping:
                self._reply(reply_to, [request_id, "moved", None])
                continue
            known = self._recent.get(request_id)
            if known is not None:  # sent again: answer from the first run
                known[1].add_done_callback(functools.partial(self._answer, reply_to, request_id))
                continue
            handler = self.handlers.get(kind)
            if handler is None:
                self._reply(reply_to, [request_id, "failed", f"unknown operation {kind}"])
                continue
            self.served += 1
            served += 1
            try:
                run = handler(payload)
            except Exception as exc:  # a queuing handler refused before it queued
                log.warning("owner operation failed: %r", exc)
                self._reply(reply_to, [request_id, "failed", type(exc).__name__])
                continue
            # A queuing handler's future is answered from directly (no task per operation).
            task = run if asyncio.isfuture(run) else asyncio.ensure_future(run)
            self._recent[request_id] = (now, task)
            task.add_done_callback(functools.partial(self._answer, reply_to, request_id))
        if served:
            metrics.OWNER_SERVED.inc(served)

    def _answer(self, reply_to: str, request_id: str, task: asyncio.Future[Any]) -> None:
        if task.cancelled():
            self._reply(reply_to, [request_id, "moved", None])
        elif (exc := task.exception()) is not None:
            log.warning("owner operation failed: %r", exc)
            # The database gone from under the owner is no bug of the operation's: the
            # caller tells its client to retry (SERVICE_UNAVAILABLE), as for its own.
            status = "unavailable" if is_outage(exc) else "failed"
            self._reply(reply_to, [request_id, status, type(exc).__name__])
        else:
            self._reply(reply_to, [request_id, "ok", task.result()])

    def _forget_old(self, now: float) -> None:
        horizon = now - self.remember_seconds
        while self._recent:
            request_id = next(iter(self._recent))  # insertion order is time order
            at, task = self._recent[request_id]
            if at > horizon or not task.done():
                return
            del self._recent[request_id]

    def _spawn(self, work: Awaitable[Any]) -> None:
        task = asyncio.ensure_future(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
