"""Per-process delivery of one stream to many subscribers.

StreamFeed: the single consumer of a stream's hub messages in this process. It delivers
events to its groups strictly in sequence order, filling any gap from the log first.

Group: subscribers who sent the same document and variables and share a visibility
class (view). Each event is projected for the view (`realtime.streams`: what that view may
see of it, or nothing), rendered (executed and JSON-encoded) once per group, and the same
string is handed to every member: the cost of an event is per group, not per watcher. The
feed keeps the stream kind's projection state (e.g. which comments are hidden) current as
events pass; when an event changes how earlier ones are shown, every group's render cache
is dropped, so a replay after a comment was hidden never shows its text.

Member: one subscription operation, fed inline by its group while live. A member whose
client stops reading (its socket buffer passes a high-water mark) leaves live delivery and
catches up from the log (through the group's render cache) once the client has read again;
a member that joins with `after` catches up the same way. Sequence numbers deduplicate.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import operator
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy.exc import SQLAlchemyError

from realtime import log as event_log
from realtime import metrics, streams
from realtime.coalesce import Coalescer
from realtime.log import LoggedEvent

if TYPE_CHECKING:
    from realtime.hub import Hub

log = logging.getLogger(__name__)

Render = Callable[[LoggedEvent], Awaitable[str | None]]
Send = Callable[[int, str], Awaitable[None]]
RENDER_CACHE = 2048  # rendered events kept per group: more than a replay page (1000)
MAX_INBOX = 1000  # hub messages waiting for a feed; beyond, the feed catches up from the log
MAX_REPLAY = 10_000  # further behind than this, a client is told to reload instead


class StreamFeed:
    def __init__(self, hub: Hub, *, tenant_id: int, stream: str) -> None:
        self.hub = hub
        self.tenant_id = tenant_id
        self.stream = stream
        self.kind, _ = streams.parse_stream(stream)
        self.state: Any = None  # the kind's projection state, kept current by _deliver
        self.last_seq = 0
        self.groups: dict[Hashable, Group] = {}
        # hub messages: events, or the sequence number of a record-only one (`_pass`)
        self._inbox: asyncio.Queue[list[LoggedEvent | int] | None] = asyncio.Queue()
        self._task: asyncio.Task[None] | None = None
        self._catch_up_requested = False
        self._live = Coalescer(self._emit_live, rate=hub.live_rate)
        self.started = asyncio.Event()  # set once start() has succeeded or failed

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    async def start(self) -> None:
        async with self.hub.db.transaction(tenant_id=self.tenant_id, read_only=True) as session:
            head = await event_log.head_of(session, stream=self.stream)
            # Read after the head: a retraction committed in between is in the state and
            # comes again as an event (observing it twice is harmless).
            self.state = await streams.load_state(session, self.kind, self.stream)
        self.last_seq = head.last_seq if head else 0
        self._task = asyncio.create_task(self._run(), name=f"feed:{self.stream}")

    async def close(self) -> None:
        self._live.close()
        if self._task:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        for group in list(self.groups.values()):
            for member in list(group.members):
                member.close()

    def offer(self, events: list[LoggedEvent | int]) -> None:
        """Called by the hub for each message; never blocks the hub's listener. A feed that
        falls far behind drops messages (bounded memory) and reads the log instead. A bare
        sequence number stands for an event of a record-only type (`realtime.hub`)."""
        if self._inbox.qsize() >= MAX_INBOX:
            self.request_catch_up()
            return
        self._inbox.put_nowait(events)

    def offer_live(self, type: str, key: str, version: int, value: dict[str, Any]) -> None:
        """A derived value (tally) changed: coalesced, then rendered for every group.

        The rate adapts to the audience: at most `live_rate` updates a second, and no more
        than `live_budget` frames a second for this process across all the values changing
        at once (5,000 watchers, two polls being voted on: each tally every two seconds),
        so a crowd does not turn every vote batch into thousands of frames."""
        watchers = sum(len(g.members) for g in self.groups.values())
        changing = self._live.pending() + (0 if self._live.is_pending((type, key)) else 1)
        self._live.interval = max(
            1.0 / self.hub.live_rate, watchers * changing / self.hub.live_budget
        )
        self._live.update((type, key), version, value)

    async def _emit_live(self, type_key: Hashable, value: Any) -> None:
        type_, _ = cast(tuple[str, str], type_key)  # the key `offer_live` gave
        event = LoggedEvent(
            tenant_id=self.tenant_id,
            stream=self.stream,
            seq=self.last_seq,
            type=type_,
            payload=value,
            actor_user_id=None,
            created_at=datetime.now(UTC),
            prev_hash="",
            hash="",
        )
        for group in list(self.groups.values()):
            if group.members:
                payload = await group.render_uncached(event)
                if payload is not None:
                    deliver = operator.methodcaller("deliver_live", payload)
                    await _to_each(group.members, deliver, pace=True)

    def request_catch_up(self) -> None:
        if not self._catch_up_requested:
            self._catch_up_requested = True
            self._inbox.put_nowait(None)

    async def read_log(
        self, after: int, until: int | None = None, limit: int = 1000
    ) -> list[LoggedEvent]:
        async with self.hub.db.transaction(tenant_id=self.tenant_id, read_only=True) as session:
            return await event_log.read_after(
                session, stream=self.stream, after=after, until=until, limit=limit
            )

    async def _run(self) -> None:
        while True:
            batch = await self._inbox.get()
            try:
                if batch is None:
                    self._catch_up_requested = False
                    await self._catch_up()
                    continue
                for event in batch:
                    seq = event if isinstance(event, int) else event.seq
                    if seq <= self.last_seq:
                        continue
                    if seq > self.last_seq + 1:
                        await self._catch_up(until=seq - 1)
                    if isinstance(event, int):
                        self._pass(seq)
                    else:
                        await self._deliver(event)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("feed %s failed to deliver; will retry from the log", self.stream)
                await asyncio.sleep(0.5)
                self.request_catch_up()

    async def _catch_up(self, until: int | None = None) -> None:
        while True:
            events = await self.read_log(self.last_seq, until=until)
            if not events:
                return
            metrics.CATCH_UPS.inc()
            for event in events:
                await self._deliver(event)
            if len(events) < 1000:
                return

    def project(self, event: LoggedEvent, view: Hashable) -> LoggedEvent | None:
        """The event as `view` may see it now (None: not at all)."""
        return self.kind.project(event, view, self.state)

    async def _deliver(self, event: LoggedEvent) -> None:
        if self.kind.observe(self.state, event):
            for group in list(self.groups.values()):
                group.forget_renders()
        self.last_seq = event.seq
        for group in list(self.groups.values()):
            await group.on_event(event)
        metrics.DELIVERY_LAG.observe(max(0.0, time.time() - event.created_at.timestamp()))

    def _pass(self, seq: int) -> None:
        """An event no view sees (a record-only type): the sequence moves, nothing is
        rendered, observed or sent (as `_deliver` would find for every group)."""
        self.last_seq = seq
        for group in self.groups.values():
            if group.members:
                group.watermark = seq

    def group(self, key: Hashable, render: Render, *, view: Hashable = None) -> Group:
        """The group for `key`, created with `render` if new. `view` is the members'
        visibility class (the plan's); a view the stream kind does not know is projected
        as its most restricted one."""
        group = self.groups.get(key)
        if group is None:
            group = self.groups[key] = Group(self, key, render, view=view)
            metrics.GROUPS.inc()
        return group

    async def leave(self, group: Group, member: Member) -> None:
        group.members.discard(member)
        if not group.members and self.groups.get(group.key) is group:
            del self.groups[group.key]
            metrics.GROUPS.dec()
        if not self.groups:
            await self.hub.drop_feed(self)


class Group:
    def __init__(
        self, feed: StreamFeed, key: Hashable, render: Render, *, view: Hashable = None
    ) -> None:
        self.feed = feed
        self.key = key
        self.view = view
        self._render = render
        self.members: set[Member] = set()
        self._cache: OrderedDict[int, str | None] = OrderedDict()
        self._generation = 0  # bumped by forget_renders
        # The last event delivered that this group may not see: members are not woken for
        # such events (a vote's `vote.cast` on a meeting with thousands of watchers); an
        # idle member moves its position up to it instead (see Member._run).
        self.watermark = 0

    async def render(self, event: LoggedEvent) -> str | None:
        """The event's payload for this group (None: not visible), cached by sequence."""
        if event.seq in self._cache:
            return self._cache[event.seq]
        generation = self._generation
        payload = await self.render_uncached(event)
        if generation != self._generation:  # a retraction came while rendering: do not keep
            return payload
        self._cache[event.seq] = payload
        if len(self._cache) > RENDER_CACHE:
            self._cache.popitem(last=False)
        return payload

    async def render_uncached(self, event: LoggedEvent) -> str | None:
        shown = self.feed.project(event, self.view)
        return None if shown is None else await self._render(shown)

    def forget_renders(self) -> None:
        """Projections made so far may be stale (an event retracted an earlier one)."""
        self._cache.clear()
        self._generation += 1

    async def on_event(self, event: LoggedEvent) -> None:
        if not self.members:
            return
        payload = await self.render(event)
        if payload is None:
            self.watermark = event.seq
            return
        await _to_each(self.members, lambda m: m.deliver(event.seq, payload))


PACE_CHUNK = 32  # paced live frames: this many sends, then a pause of PACE_SECONDS
PACE_SECONDS = 0.003


async def _to_each(
    members: set[Member], deliver: Callable[[Member], Awaitable[None]], *, pace: bool = False
) -> None:
    """Hand a frame to every member, letting the loop run other work (a vote batch's
    round trips, requests) every few hundred sends so a crowd does not stall it.

    A live value (tally) is paced: after every PACE_CHUNK sends a short pause, so a tally
    for 5,000 watchers spreads over ~0.5 s instead of one burst that stalls the votes
    being cast meanwhile (and, on a shared machine, the CPU its receivers need at once):
    it took the vote p99 of bench/live_vote.py from 248 to 58 ms. Its next value comes no
    sooner than a second later for such an audience (`StreamFeed.offer_live`)."""
    chunk = PACE_CHUNK if pace else 256
    for i, member in enumerate(list(members)):
        await deliver(member)
        if i % chunk == chunk - 1:
            await asyncio.sleep(PACE_SECONDS if pace else 0)


class Member:
    """One subscription operation of one client.

    Live delivery is inline: the group hands each rendered event to every live member in
    turn, and a websocket send only appends to the socket's buffer (uvicorn applies no
    backpressure), so there is no task or queue per watcher. Memory is bounded by watching
    that buffer instead: past `high_water` bytes the member stops taking live events, waits
    until the client has read down to `low_water`, and catches up from the log (through
    the group's render cache) before going live again. Joining with `after` catches up the
    same way. Sequence numbers drop anything already sent, so there is no gap and no
    duplicate."""

    def __init__(
        self,
        group: Group,
        send: Send,
        *,
        after: int | None,
        on_resync: Callable[[int], Awaitable[None]] | None = None,
        buffered: Callable[[], int] = lambda: 0,
        high_water: int = 1 << 20,
        low_water: int = 64 << 10,
    ) -> None:
        self.group = group
        self._send = send
        self._on_resync = on_resync
        self._buffered = buffered
        self.high_water = high_water
        self.low_water = low_water
        self.last_sent = after if after is not None else group.feed.last_seq
        self._live_ok = after is None  # False while catching up from the log
        self._live: str | None = None  # the newest derived value (tally) not yet sent
        self._task: asyncio.Task[None] | None = None
        self._closed = False

    def start(self) -> None:
        self.group.members.add(self)
        metrics.SUBSCRIBERS.inc()
        if not self._live_ok:
            self._task = asyncio.create_task(self._catch_up(drain=False))

    @property
    def position(self) -> int:
        """The last sequence this member has dealt with (sent, or not visible to it)."""
        if self._live_ok:
            return max(self.last_sent, self.group.watermark)
        return self.last_sent

    async def deliver(self, seq: int, payload: str) -> None:
        """A live event for this member (called in sequence order by its group)."""
        if not self._live_ok or seq <= self.last_sent or self._closed:
            return
        if self._buffered() > self.high_water:
            # The client is not reading: stop live delivery; resume from the log later.
            self.last_sent = max(self.last_sent, self.group.watermark, seq - 1)
            self._live_ok = False
            metrics.LAGGED.inc()
            self._task = asyncio.create_task(self._catch_up(drain=True))
            return
        self.last_sent = seq
        await self._safe_send(seq, payload)
        metrics.EVENTS_DELIVERED.inc()

    async def deliver_live(self, payload: str) -> None:
        """A derived value (tally): sent now if the member is live and reading, else kept
        (only the newest) and sent when it is live again; never lost, never stale."""
        if self._live_ok and self._buffered() <= self.high_water:
            await self._safe_send(self.position, payload)
        else:
            self._live = payload

    async def _safe_send(self, seq: int, payload: str) -> None:
        try:
            await self._send(seq, payload)
        except Exception:  # the socket went away: the connection's cleanup removes us
            log.debug("send failed; member closing", exc_info=True)
            self.close()

    async def _catch_up(self, *, drain: bool) -> None:
        """Read the log from `last_sent` until level with the feed, then go live; the check
        and the switch happen without a suspension in between, so the group's next event
        finds the member live."""
        feed = self.group.feed
        try:
            # The socket offers no event for "drained": poll its buffer.
            while drain and self._buffered() > self.low_water:  # noqa: ASYNC110
                await asyncio.sleep(0.05)
            if feed.last_seq - self.last_sent > MAX_REPLAY and self._on_resync is not None:
                await self._on_resync(feed.last_seq)
                self.last_sent = feed.last_seq
            while self.last_sent < feed.last_seq:
                events = await self._read_log(self.last_sent)
                for event in events:
                    if event.seq <= self.last_sent:
                        continue
                    payload = await self.group.render(event)
                    self.last_sent = event.seq
                    if payload is not None:
                        await self._safe_send(event.seq, payload)
                        metrics.EVENTS_DELIVERED.inc()
                if not events:  # the feed is ahead of what this read saw: read again
                    await asyncio.sleep(0.01)
            self._live_ok = True
            if self._live is not None:
                live, self._live = self._live, None
                await self._safe_send(self.position, live)
        except asyncio.CancelledError:
            pass

    async def _read_log(self, after: int) -> list[LoggedEvent]:
        """The log after `after` up to what the feed has delivered (so the projection
        state has seen every event this member renders and any retraction of it),
        retried until it can be read: a failed read (pool exhausted, database
        restarting) must not silently end the subscription."""
        feed = self.group.feed
        delay = 0.1
        while True:
            try:
                async with feed.hub.replay_reads:
                    return await feed.read_log(after, until=feed.last_seq)
            except (SQLAlchemyError, OSError) as exc:
                metrics.REPLAY_RETRIES.inc()
                log.warning("replay of %s failed (%s); retrying in %.1fs", feed.stream, exc, delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 5.0)

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._live_ok = False
        if self._task is not None:
            self._task.cancel()
            self._task = None
        metrics.SUBSCRIBERS.dec()

    async def leave(self) -> None:
        self.close()
        await self.group.feed.leave(self.group, self)
