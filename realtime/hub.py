"""The pub/sub hub: wakes subscribers in every process when events commit.

broadcaster (as released) gives each subscriber an unbounded queue and never reconnects.
We use only its transports (memory, Redis) and add what a durable feed needs:
- one transport subscription per stream per process, fanned out locally by `StreamFeed`s
  (bounded per-subscriber queues live there);
- a Redis listener that reports a lost connection instead of dying silently, and a
  reconnect loop with backoff after which every feed catches up from the log;
- a periodic head check per active feed, since Redis pub/sub is at-most-once.
The log, not the hub, is the truth: a message only says "the stream moved".

An event of a type its stream kind keeps for the record only (`StreamKind.record_only`: a
vote's `vote.cast`, seen by no view) crosses the hub as its sequence number alone: every
process's feed must see the sequence move, none renders it, and its payload (who voted
what) does not cross Redis.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import TYPE_CHECKING, Any

import orjson
from broadcaster._backends.memory import MemoryBackend
from broadcaster._backends.redis import RedisBackend
from broadcaster._base import Event as HubMessage

from backend.core.redis_wire import PipelinedRedis
from realtime import metrics, streams
from realtime.log import LoggedEvent

if TYPE_CHECKING:
    from backend.core.db import Database
    from realtime.feeds import StreamFeed

log = logging.getLogger(__name__)


class TransportLost(Exception):
    pass


class ResilientRedisBackend(RedisBackend):
    """broadcaster's Redis transport, but a dropped connection surfaces as TransportLost
    from next_published() instead of silently ending the listener task.

    broadcaster 0.3.1 wakes its listener *before* redis-py records the first channel as
    subscribed, so the listener finds nothing to listen to, goes back to sleep and never
    reads a message (every event then waited for the head check). Here the listener is
    woken only once the channel is recorded."""

    def __init__(self, url: str) -> None:
        super().__init__(url)
        self._publisher = PipelinedRedis(url)  # PUBLISH without redis-py (backend.core.redis_wire)

    async def publish(self, channel: str, message: Any) -> None:
        await self._publisher.publish(channel, message)

    async def disconnect(self) -> None:
        try:
            await super().disconnect()
        finally:
            await self._publisher.close()

    async def subscribe(self, channel: str) -> None:
        await self._pubsub.subscribe(channel)
        self._ready.set()

    async def _pubsub_listener(self) -> None:
        try:
            while True:
                await self._ready.wait()
                async for message in self._pubsub.listen():
                    if message["type"] == "message":
                        await self._queue.put(
                            HubMessage(
                                channel=message["channel"].decode(),
                                message=message["data"].decode(),
                            )
                        )
                self._ready.clear()  # every channel unsubscribed: wait for the next one
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # connection reset, timeouts…
            # No channel is named "": the listener's end, with its reason.
            await self._queue.put(HubMessage(channel="", message=str(exc)))

    async def next_published(self) -> HubMessage:
        event = await self._queue.get()
        if not event.channel:
            raise TransportLost(event.message)
        return event

    async def ping(self) -> None:
        await self._conn.ping()


def channel_name(namespace: str, tenant_id: int, stream: str) -> str:
    """One pub/sub channel per stream; the namespace keeps deployments sharing a Redis apart."""
    return f"{namespace}:{tenant_id}:{stream}"


class Hub:
    """The app's publisher (`backend.core.db.Publisher`) and its feeds: one per app, owned
    by its lifespan and handed to its Database (`Database.publisher`), never a module's."""

    def __init__(
        self,
        url: str,
        db: Database,
        *,
        head_check_seconds: float = 2.0,
        max_backoff: float = 5.0,
        live_rate: float = 4.0,
        replay_reads: int = 4,
        namespace: str = "yishi",
        live_budget: float = 5000.0,
    ) -> None:
        self.namespace = namespace
        self.live_budget = live_budget
        self.live_rate = live_rate
        # Log reads of replaying subscribers at once: a crowd resuming together (after a
        # restart, a network blip) must not take every pooled connection from requests.
        self.replay_reads = asyncio.Semaphore(replay_reads)
        self.url = url
        self.db = db
        self.head_check_seconds = head_check_seconds
        self.max_backoff = max_backoff
        self.feeds: dict[str, StreamFeed] = {}
        self._backend: MemoryBackend | ResilientRedisBackend | None = None
        self._listener: asyncio.Task[None] | None = None
        self._checker: asyncio.Task[None] | None = None
        self.connected = asyncio.Event()
        self._closing = False

    def _new_backend(self) -> MemoryBackend | ResilientRedisBackend:
        if self.url.startswith("memory://"):
            return MemoryBackend(self.url)
        return ResilientRedisBackend(self.url)

    async def start(self) -> None:
        await self._connect()
        self._listener = asyncio.create_task(self._listen(), name="hub-listener")
        self._checker = asyncio.create_task(self._check_heads(), name="hub-head-check")

    async def stop(self) -> None:
        self._closing = True
        for task in (self._listener, self._checker):
            if task:
                task.cancel()
        for feed in list(self.feeds.values()):
            await feed.close()
        if self._backend is not None:
            try:
                await self._backend.disconnect()
            except Exception:
                log.debug("hub disconnect failed", exc_info=True)

    async def _connect(self) -> None:
        backend = self._new_backend()
        try:
            await backend.connect()
            if isinstance(backend, ResilientRedisBackend):
                await backend.ping()
            # Feeds created while we subscribe (they see no connected backend and leave
            # subscribing to us) are picked up by the next pass.
            subscribed: set[str] = set()
            while missing := [c for c in self.feeds if c not in subscribed]:
                for channel in missing:
                    await backend.subscribe(channel)
                    subscribed.add(channel)
        except BaseException:
            # Each failed attempt would otherwise leave a client and its listener task
            # behind (one every few seconds for as long as Redis is down).
            with contextlib.suppress(Exception):
                await backend.disconnect()
            raise
        self._backend = backend
        self.connected.set()

    async def publish_events(self, events: list[LoggedEvent]) -> None:
        """Publish committed events, one message per stream (a group commit is one batch)."""
        metrics.EVENTS_APPENDED.inc(len(events))
        by_channel: dict[str, list[bytes]] = {}
        record_only: dict[str, frozenset[str]] = {}  # per stream of this publication
        for e in events:
            hidden = record_only.get(e.stream)
            if hidden is None:
                hidden = record_only[e.stream] = _record_only(e.stream)
            by_channel.setdefault(channel_name(self.namespace, e.tenant_id, e.stream), []).append(
                b"%d" % e.seq if e.type in hidden else e.to_message()
            )
        backend = self._backend
        if backend is None or not self.connected.is_set():
            return  # subscribers catch up from the log once the hub is back
        for channel, messages in by_channel.items():
            try:
                await backend.publish(channel, b"[" + b",".join(messages) + b"]")
            except Exception:
                log.warning(
                    "publish to %s failed; subscribers will catch up from the log",
                    channel,
                    exc_info=True,
                )

    async def publish_live(
        self,
        tenant_id: int,
        stream: str,
        *,
        type: str,
        key: str,
        version: int,
        value: dict[str, Any],
    ) -> None:
        """Publish a derived live value (e.g. a poll's tally): not logged, coalesced by
        each process's feed, newest version wins."""
        backend = self._backend
        if backend is None or not self.connected.is_set():
            return
        message = orjson.dumps({"live": type, "k": key, "ver": version, "val": value})
        try:
            await backend.publish(channel_name(self.namespace, tenant_id, stream), message)
        except Exception:
            log.warning("live publish on %s failed", stream, exc_info=True)

    async def feed(self, tenant_id: int, stream: str) -> StreamFeed:
        """The process-wide feed of a stream, created (and subscribed) on first use."""
        from realtime.feeds import StreamFeed

        channel = channel_name(self.namespace, tenant_id, stream)
        while True:
            feed = self.feeds.get(channel)
            if feed is None:
                break
            await feed.started.wait()  # another watcher is starting it
            if feed.running:
                return feed
            if self.feeds.get(channel) is feed:  # it failed to start, or its task ended
                del self.feeds[channel]
        feed = StreamFeed(self, tenant_id=tenant_id, stream=stream)
        self.feeds[channel] = feed
        try:
            await feed.start()
        except BaseException:
            # A feed that never started would be handed to every later watcher of the
            # stream and deliver nothing (its inbox growing with every hub message).
            if self.feeds.get(channel) is feed:
                del self.feeds[channel]
            raise
        finally:
            feed.started.set()
        if self._backend is not None and self.connected.is_set():
            try:
                await self._backend.subscribe(channel)
            except Exception:
                log.warning("subscribe to %s failed; will retry on reconnect", channel)
        return feed

    async def drop_feed(self, feed: StreamFeed) -> None:
        channel = channel_name(self.namespace, feed.tenant_id, feed.stream)
        if self.feeds.get(channel) is feed:
            del self.feeds[channel]
            await feed.close()
            if channel in self.feeds:
                return  # a new watcher started a new feed meanwhile: keep the channel
            if self._backend is not None and self.connected.is_set():
                try:
                    await self._backend.unsubscribe(channel)
                except Exception:
                    log.debug("unsubscribe failed", exc_info=True)

    async def _listen(self) -> None:
        while not self._closing:
            try:
                assert self._backend is not None
                message = await self._backend.next_published()
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning("hub connection lost (%s); reconnecting", exc)
                await self._reconnect()
                continue
            feed = self.feeds.get(message.channel)
            if feed is None:
                continue
            try:
                parsed = orjson.loads(message.message)
                if isinstance(parsed, dict):
                    feed.offer_live(parsed["live"], parsed["k"], parsed["ver"], parsed["val"])
                else:  # events, and the bare sequence numbers of record-only ones
                    feed.offer([d if type(d) is int else LoggedEvent.from_dict(d) for d in parsed])
            except (orjson.JSONDecodeError, KeyError, TypeError):
                log.warning("malformed hub message on %s ignored", message.channel)

    async def _reconnect(self) -> None:
        self.connected.clear()
        old, self._backend = self._backend, None
        if old is not None:
            try:
                await old.disconnect()
            except Exception:
                log.debug("disconnect of lost transport failed", exc_info=True)
        delay = 0.05
        while not self._closing:
            try:
                await self._connect()
                break
            except Exception as exc:
                log.info("hub reconnect failed (%s); retrying in %.2fs", exc, delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, self.max_backoff)
        metrics.HUB_RECONNECTS.inc()
        log.info("hub reconnected; feeds catch up from the log")
        for feed in list(self.feeds.values()):
            feed.request_catch_up()

    async def _check_heads(self) -> None:
        """Safety net for lost messages: every few seconds, feeds compare with the log."""
        while not self._closing:
            await asyncio.sleep(self.head_check_seconds)
            for feed in list(self.feeds.values()):
                feed.request_catch_up()


def _record_only(stream: str) -> frozenset[str]:
    """The types of `stream` that cross the hub as their sequence number alone."""
    try:
        kind, _ = streams.parse_stream(stream)
    except streams.StreamRefused:
        return frozenset()
    return kind.record_only
