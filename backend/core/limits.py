"""Resource limits that protect one client's neighbours: request sizes and rate limits.

- `RequestLimits` (pure ASGI) refuses a request whose header values or body are too large
  before anything reads or parses them: 431 for a header, 413 for a body, with a JSON error.
  The body is counted while it streams, so a request without Content-Length is cut off at
  the limit too. A multipart/form-data body (file uploads) has its own, larger limit
  (`multipart_limit`), and is spooled to a temporary file rather than held in memory.
- `RateLimits` holds one token bucket per key (a user, an address) for each limited action
  (votes, comments, sign-in, registration). With Redis (`SharedBuckets`, when the service's
  BROADCAST_URL is redis://) the buckets are Redis hashes that every worker and host
  spends from, checked and spent atomically by one Lua script on Redis's clock; while
  Redis cannot be reached each process falls back to its own buckets (docs/operations.md).
- `SizedLRU` is the bounded cache both use, and the GraphQL document cache.

No strawberry here: a CLI command or the websocket path can use all of it.
"""

from __future__ import annotations

import asyncio
import enum
import functools
import hashlib
import json
import logging
import math
import re
import tempfile
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from backend.core.errors import DomainError
from backend.core.redis_wire import PipelinedRedis, ReplyError

if TYPE_CHECKING:
    from backend.core.settings import Settings

log = logging.getLogger(__name__)

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class SizedLRU(Generic[K, V]):
    """An LRU map bounded by entry count and by total weight (e.g. bytes of text).

    A value heavier than `max_weight / 8` is not kept at all, so one huge entry cannot
    push out everything else."""

    def __init__(self, *, max_entries: int, max_weight: int | None = None) -> None:
        self.max_entries = max_entries
        self.max_weight = max_weight
        self.weight = 0
        self._items: OrderedDict[K, tuple[V, int]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._items)

    def get(self, key: K) -> V | None:
        item = self._items.get(key)
        if item is None:
            return None
        self._items.move_to_end(key)
        return item[0]

    def cacheable(self, weight: int) -> bool:
        return self.max_weight is None or weight <= self.max_weight // 8

    def put(self, key: K, value: V, weight: int = 0) -> None:
        if not self.cacheable(weight):
            return
        old = self._items.pop(key, None)
        if old is not None:
            self.weight -= old[1]
        self._items[key] = (value, weight)
        self.weight += weight
        while len(self._items) > self.max_entries or (
            self.max_weight is not None and self.weight > self.max_weight
        ):
            _, (_, dropped) = self._items.popitem(last=False)
            self.weight -= dropped

    def pop(self, key: K) -> None:
        old = self._items.pop(key, None)
        if old is not None:
            self.weight -= old[1]


# -- rate limits ---------------------------------------------------------------------------

_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d+(?:\.\d+)?)\s*s?\s*$")


@dataclass(frozen=True, slots=True)
class Rate:
    """`burst` actions at once, refilled at `burst` per `period` seconds. Written "20/1s"
    in settings; "0" or "off" turns the limit off."""

    burst: int
    period: float

    @classmethod
    def parse(cls, spec: str) -> Rate | None:
        text = spec.strip().lower()
        if text in ("0", "off", "none", ""):
            return None
        match = _RATE.match(text)
        if not match or int(match[1]) < 1 or float(match[2]) <= 0:
            raise ValueError(f"rate must look like '20/1s' (actions/seconds), got {spec!r}")
        return cls(burst=int(match[1]), period=float(match[2]))

    @property
    def per_second(self) -> float:
        return self.burst / self.period


class TokenBucket:
    """Token buckets for one action, one per key, in an LRU of at most `max_keys` keys.

    A key pushed out of the LRU comes back with a full bucket: with more than `max_keys`
    active keys an attacker gains at most that, and memory stays bounded."""

    def __init__(
        self,
        rate: Rate | None,
        *,
        max_keys: int = 100_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.rate = rate
        self._clock = clock
        self._buckets: SizedLRU[Hashable, list[float]] = SizedLRU(max_entries=max_keys)

    def __len__(self) -> int:
        return len(self._buckets)

    def wait(self, key: Hashable) -> float:
        """Seconds until `key` may act again (0.0: now). Takes nothing."""
        if self.rate is None:
            return 0.0
        tokens = self._tokens(key, self._clock())
        return 0.0 if tokens >= 1.0 else (1.0 - tokens) / self.rate.per_second

    def take(self, key: Hashable) -> None:
        """Spend one token of `key` (after `wait` said 0)."""
        if self.rate is None:
            return
        now = self._clock()
        tokens = self._tokens(key, now)
        self._buckets.put(key, [tokens - 1.0, now])

    def _tokens(self, key: Hashable, now: float) -> float:
        assert self.rate is not None
        bucket = self._buckets.get(key)
        if bucket is None:
            return float(self.rate.burst)
        tokens, stamp = bucket
        return min(float(self.rate.burst), tokens + (now - stamp) * self.rate.per_second)


class LimitErrorCode(enum.Enum):
    RATE_LIMITED = "RATE_LIMITED"


class RateLimited(DomainError):
    """Too many actions of one kind from one user or address; `retry_after` is in seconds.
    Each domain's error enum has a RATE_LIMITED member, so payloads keep the code."""

    def __init__(self, retry_after: float) -> None:
        self.retry_after = max(1, math.ceil(retry_after))
        super().__init__(LimitErrorCode.RATE_LIMITED, f"操作过于频繁，请{self.retry_after}秒后再试")


class Action(enum.Enum):
    VOTE = "vote"
    COMMENT = "comment"
    LOGIN = "login"
    REGISTER = "register"
    REDEEM = "redeem"  # voting codes: the "user" key is the county (backend.meetings.codes)
    CASE_INTAKE = "case_intake"  # raising a case (件), signed in or anonymous
    SMS_CODE = "sms_code"  # sending a sign-in code: the "user" key is the county and number
    SURVEY_ANSWER = "survey_answer"  # answering a 民意调查, signed in or anonymous
    # The public writes of the participation domains (docs/operations.md, "Floods"):
    INQUIRY_QUESTION = "inquiry_question"  # a question asked in a live 网络问政 session
    LIVELIHOOD_PROPOSAL = "livelihood_proposal"  # 群众开单: a 民生实事 proposed
    LIVELIHOOD_VOTE = "livelihood_vote"  # a vote for a shortlisted 民生实事
    HEARING_APPLICATION = "hearing_application"  # applying to attend a 听证会
    DECISION_COMMENT = "decision_comment"  # a public comment on a 重大行政决策 draft
    INFORMATION_REQUEST = "information_request"  # 依申请公开: a request filed
    VIDEO_SIGNAL = "video_signal"  # an SDP offer to a 云视频 room (join, renegotiate)


@dataclass(frozen=True, slots=True)
class RateSettings:
    """The budgets of each action, per user (or account) and per client address."""

    per_user: dict[Action, Rate | None]
    per_address: dict[Action, Rate | None]
    max_keys: int = 100_000


#: One check of a limited action against Redis, atomically: for each bucket key (KEYS) with
#: its burst and refill per second (ARGV, in pairs), the tokens now (a missing key is full);
#: if any has less than one, nothing is spent and the longest wait (seconds) is returned;
#: else one token of each is spent and "0" is returned; either way followed by each
#: bucket's tokens after it, comma-separated (one bulk reply, cheap to read). Time is
#: Redis's (TIME), so workers on hosts whose clocks differ share one refill. A key expires
#: once it would be full again, so idle keys cost no memory. Numbers go back as strings:
#: Lua numbers returned as replies are truncated to integers.
#: The tokens in bucket `key` now (a missing key is full), refilled at `rate` a second up to
#: `burst` since it was last written; both scripts start from it.
_TOKENS_NOW = """
  local bucket = redis.call('HMGET', key, 'tokens', 'at')
  local tokens = burst
  if bucket[1] then
    tokens = math.min(burst, tonumber(bucket[1]) + math.max(0, now - tonumber(bucket[2])) * rate)
  end
"""

_TAKE_SCRIPT = (
    """
local now = redis.call('TIME')
now = tonumber(now[1]) + tonumber(now[2]) / 1000000
local levels = {}
local wait = 0
for i, key in ipairs(KEYS) do
  local burst = tonumber(ARGV[2 * i - 1])
  local rate = tonumber(ARGV[2 * i])
"""
    + _TOKENS_NOW
    + """  levels[i] = tokens
  if tokens < 1 then
    wait = math.max(wait, (1 - tokens) / rate)
  end
end
local out = {tostring(wait)}
if wait > 0 then
  for i = 1, #KEYS do out[i + 1] = tostring(levels[i]) end
  return table.concat(out, ',')
end
for i, key in ipairs(KEYS) do
  local burst = tonumber(ARGV[2 * i - 1])
  local rate = tonumber(ARGV[2 * i])
  redis.call('HSET', key, 'tokens', tostring(levels[i] - 1), 'at', tostring(now))
  redis.call('PEXPIRE', key, math.ceil((burst - levels[i] + 1) / rate * 1000) + 1000)
  out[i + 1] = tostring(levels[i] - 1)
end
return table.concat(out, ',')
"""
)

#: Spends already let through (`SharedBuckets.spend_behind`): for each key (KEYS) its
#: burst, refill per second and how many tokens were spent (ARGV, in threes). The level may
#: go below zero (down to -burst), so what a burst spread over several workers took beyond
#: the budget is waited for afterwards. Returns each key's level after it, comma-separated.
_SPEND_SCRIPT = (
    """
local now = redis.call('TIME')
now = tonumber(now[1]) + tonumber(now[2]) / 1000000
local out = {}
for i, key in ipairs(KEYS) do
  local burst = tonumber(ARGV[3 * i - 2])
  local rate = tonumber(ARGV[3 * i - 1])
  local spent = tonumber(ARGV[3 * i])
"""
    + _TOKENS_NOW
    + """  tokens = math.max(tokens - spent, -burst)
  redis.call('HSET', key, 'tokens', tostring(tokens), 'at', tostring(now))
  redis.call('PEXPIRE', key, math.ceil((burst - tokens) / rate * 1000) + 1000)
  out[i] = tostring(tokens)
end
return table.concat(out, ',')
"""
)


def _script_args(buckets: list[tuple[str, Rate]]) -> list[bytes]:
    """A bucket script's arguments: how many keys, the keys, then burst and refill per
    second of each."""
    parts = [b"%d" % len(buckets), *(k.encode() for k, _ in buckets)]
    for _, rate in buckets:
        parts += _rate_args(rate)
    return parts


@functools.lru_cache(maxsize=64)
def _rate_args(rate: Rate) -> tuple[bytes, bytes]:
    return repr(float(rate.burst)).encode(), repr(rate.per_second).encode()


class SharedBuckets:
    """Token buckets in Redis shared by every process on it (keys under
    `{<namespace>:rate}`, one hash slot, so one script may touch a user's and an address's
    bucket on a Redis Cluster too).

    The scripts go over one pipelined connection (`backend.core.redis_wire`: EVALSHA, the
    script loaded by EVAL the first time Redis does not know it), not redis-py's client,
    which took 2-3 times the CPU per check (bench/handover_costs.py) and dropped a
    connection whenever a check timed out (about a millisecond to open the next).

    Two ways to spend:
    - `take`: checked and spent in Redis before the action runs (a round trip on the
      request's path). Every answer also says how many tokens each bucket has left, which
      this process remembers.
    - `spend_behind`: for the hot path (every vote, every 测评票 of a live meeting), when
      `has_room` says this process last saw at least 1 + `margin` tokens in each bucket
      (refilled since, less its own spends not answered yet), the action goes ahead at once
      and the spend follows: the spends of the next `BEHIND_SECONDS` go to Redis in one
      script run, a key's added up, whose answer updates what this process knows. Near
      the limit (or for a key this process has not seen) the check is `take`'s again. So
      a user who stays within the budget never waits for Redis (on a deployment with
      Redis on another host, a network round trip per vote), and the budget stays exact
      for one client going from worker to worker in turn with up to `margin` workers;
      what a burst spread over more workers at once takes beyond it is bounded by each
      worker's last view, and the shared level goes below zero for it, so it is waited
      for afterwards.

    `take` answers None when Redis cannot be reached (or did not answer within `timeout`
    seconds): the caller falls back to its process's buckets. After a failure Redis is not
    asked again for `retry_after_failure` seconds, so an outage costs each request nothing."""

    #: How long spends let through wait to go to Redis together (`spend_behind`).
    BEHIND_SECONDS = 0.005

    def __init__(
        self,
        url: str,
        *,
        namespace: str,
        timeout: float = 0.25,
        retry_after_failure: float = 2.0,
        margin: int = 2,
        max_keys: int = 100_000,
    ) -> None:
        self.prefix = f"{{{namespace}:rate}}"
        self.timeout = timeout
        self.retry_after_failure = retry_after_failure
        self.margin = margin
        self._redis = PipelinedRedis(url, timeout=max(timeout * 2, 1.0))
        self._script = _TAKE_SCRIPT.encode()
        self._sha = hashlib.sha1(self._script).hexdigest().encode()
        self._spend_script = _SPEND_SCRIPT.encode()
        self._spend_sha = hashlib.sha1(self._spend_script).hexdigest().encode()
        self._down_until = 0.0
        self.failures = 0
        self.spent_behind = 0  # spends that did not hold their request up
        self.taken = 0  # checks made in Redis before their request went on
        # key → (tokens left as Redis last answered, monotonic time of that answer)
        self._known: SizedLRU[str, tuple[float, float]] = SizedLRU(max_entries=max_keys)
        self._in_flight: dict[str, int] = {}  # key → spends sent behind, not answered yet
        # spends let through, not sent yet: key → (its rate, tokens spent)
        self._behind: dict[str, tuple[Rate, int]] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        # (action, kind, user or address) → its Redis key (a BLAKE2b each time otherwise)
        self._keys: SizedLRU[tuple[Action, str, Hashable], str] = SizedLRU(max_entries=max_keys)

    def key(self, action: Action, kind: str, key: Hashable) -> str:
        cached = self._keys.get((action, kind, key))
        if cached is not None:
            return cached
        digest = hashlib.blake2b(repr(key).encode(), digest_size=12).hexdigest()
        name = f"{self.prefix}:{action.value}:{kind}:{digest}"
        self._keys.put((action, kind, key), name)
        return name

    async def take(self, buckets: list[tuple[str, Rate]]) -> float | None:
        """Seconds to wait (0.0: one token of each bucket was spent), or None when Redis is
        unavailable (nothing was spent there)."""
        if time.monotonic() < self._down_until:
            return None
        if self._behind:  # spends let through before this check go to Redis before it
            self._send_behind()
        self.taken += 1
        try:
            wait, *levels = (await self._run(self._script, self._sha, buckets)).split(b",")
        except Exception as exc:  # any failure of Redis: fall back, never refuse for it
            self._failed(exc)
            return None
        self._learn(buckets, levels)
        return float(wait)

    def has_room(self, buckets: list[tuple[str, Rate]]) -> bool:
        """Whether each bucket had at least 1 + `margin` tokens when Redis last answered
        this process, counting the refill since and the spends it sent after."""
        now = time.monotonic()
        if now < self._down_until:
            return False
        for key, rate in buckets:
            known = self._known.get(key)
            if known is None:
                return False
            level, at = known
            level = min(float(rate.burst), level + (now - at) * rate.per_second)
            if level - self._in_flight.get(key, 0) < 1 + self.margin:
                return False
        return True

    def spend_behind(self, buckets: list[tuple[str, Rate]]) -> None:
        """Spend one token of each bucket in Redis after the fact (with the other spends of
        the next few milliseconds, in one script run, a key's spends added up); the caller
        has let the action through on `has_room`."""
        if not self._behind:
            # gathered for a few milliseconds (nobody waits for them): at hundreds of votes
            # a second, one script run per BEHIND_SECONDS, and a busy address's bucket once
            asyncio.get_running_loop().call_later(self.BEHIND_SECONDS, self._send_behind)
        for key, rate in buckets:
            self._in_flight[key] = self._in_flight.get(key, 0) + 1
            spent = self._behind.get(key)
            self._behind[key] = (rate, 1 if spent is None else spent[1] + 1)
        self.spent_behind += 1

    def _send_behind(self) -> None:
        """Send the spends gathered so far now (queued on the connection ahead of any check
        asked after them, so a `take` that follows sees them)."""
        batch, self._behind = self._behind, {}
        if batch:
            parts = [b"%d" % len(batch), *(k.encode() for k in batch)]
            for rate, spent in batch.values():
                parts += [*_rate_args(rate), b"%d" % spent]
            sent = self._redis.send_nowait(b"EVALSHA", self._spend_sha, *parts)
            task = asyncio.ensure_future(self._spend(batch, parts, sent))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _spend(
        self,
        batch: dict[str, tuple[Rate, int]],
        parts: list[bytes],
        sent: asyncio.Future[Any] | None,
    ) -> None:
        levels: bytes | None = None
        try:
            async with asyncio.timeout(self.timeout * 2):
                try:
                    if sent is None:  # no connection was open: opened now
                        levels = await self._redis.execute(b"EVALSHA", self._spend_sha, *parts)
                    else:
                        levels = await sent
                except ReplyError as exc:
                    if not str(exc).startswith("NOSCRIPT"):
                        raise
                    levels = await self._redis.execute(b"EVAL", self._spend_script, *parts)
        except Exception as exc:  # not spent in Redis: this process's view is dropped
            self._failed(exc)
        finally:
            for key, (_, spent) in batch.items():
                left = self._in_flight.pop(key, 0) - spent
                if left > 0:
                    self._in_flight[key] = left
        if levels is not None:
            now = time.monotonic()
            for key, level in zip(batch, levels.split(b","), strict=False):
                self._known.put(key, (float(level), now))

    async def _run(self, script: bytes, sha: bytes, buckets: list[tuple[str, Rate]]) -> Any:
        parts = _script_args(buckets)
        # A timeout abandons the reply, not the connection (no task per check either).
        async with asyncio.timeout(self.timeout * 2):
            try:
                return await self._redis.execute(b"EVALSHA", sha, *parts)
            except ReplyError as exc:
                if not str(exc).startswith("NOSCRIPT"):
                    raise
                return await self._redis.execute(b"EVAL", script, *parts)

    def _learn(self, buckets: list[tuple[str, Rate]], levels: list[bytes]) -> None:
        now = time.monotonic()
        for (key, _), level in zip(buckets, levels, strict=False):  # in order: the last wins
            self._known.put(key, (float(level), now))

    def _failed(self, exc: Exception) -> None:
        self.failures += 1
        if time.monotonic() >= self._down_until + self.retry_after_failure:
            log.warning("shared rate limits unavailable (%s); using this process's", exc)
        self._down_until = time.monotonic() + self.retry_after_failure
        self._known = SizedLRU(max_entries=self._known.max_entries)  # forget: ask again

    async def close(self) -> None:
        log.info(
            "shared rate budgets: %d checked in Redis first, %d spent behind, %d failures",
            self.taken,
            self.spent_behind,
            self.failures,
        )
        for task in list(self._tasks):
            task.cancel()
        await self._redis.close()


class RateLimits:
    """Every action's budgets. `check` either spends one token from each bucket the action
    has (the user's and the address's) or raises RateLimited and spends nothing; in Redis
    when `shared` is set and reachable, else in this process."""

    def __init__(self, config: RateSettings, *, clock: Callable[[], float] = time.monotonic):
        self.config = config
        self.shared: SharedBuckets | None = None
        self._user = {
            a: TokenBucket(r, max_keys=config.max_keys, clock=clock)
            for a, r in config.per_user.items()
        }
        self._address = {
            a: TokenBucket(r, max_keys=config.max_keys, clock=clock)
            for a, r in config.per_address.items()
        }
        self._clock = clock
        # The budgets a stream's owner holds for the operations every worker hands it
        # (`check_as_owner`): apart from the ones above, which the receiving worker spends.
        self._owned = {
            a: (
                TokenBucket(config.per_user.get(a), max_keys=config.max_keys, clock=clock),
                TokenBucket(config.per_address.get(a), max_keys=config.max_keys, clock=clock),
            )
            for a in Action
        }

    @classmethod
    def from_settings(cls, settings: Settings) -> RateLimits:
        def rate(name: str) -> Rate | None:
            return Rate.parse(getattr(settings, f"rate_{name}"))

        return cls(
            RateSettings(
                per_user={a: rate(f"{a.value}_user") for a in Action},
                per_address={a: rate(f"{a.value}_address") for a in Action},
                max_keys=settings.rate_max_keys,
            )
        )

    async def check(
        self,
        action: Action,
        *,
        user: Hashable | None,
        address: str | None,
        behind: bool = False,
        here: bool = False,
    ) -> None:
        """Spend one token of each of the action's budgets, or raise RateLimited. With
        `behind` (the hot path: a stream's votes and 测评票) and Redis, the shared spend
        follows the action when this process knows there is room (`SharedBuckets`). With
        `here`, only this process's buckets: the gate in front of an operation whose
        budgets the stream's owner holds (`check_as_owner`)."""
        buckets = self._buckets(self._user.get(action), self._address.get(action), user, address)
        if not buckets:
            return
        if self.shared is not None and not here:
            items: list[tuple[str, Rate]] = []
            for kind, bucket, key in buckets:
                assert bucket.rate is not None
                items.append((self.shared.key(action, kind, key), bucket.rate))
            if behind and self.shared.has_room(items):
                self.shared.spend_behind(items)
                return
            wait = await self.shared.take(items)
            if wait is not None:
                if wait > 0.0:
                    raise RateLimited(wait)
                return
        self.check_here(buckets)

    def check_as_owner(self, action: Action, *, user: Hashable | None, address: str | None) -> None:
        """On a stream's owner, for an operation any worker may have handed it (a vote):
        spend from the budgets the owner holds, in process, or raise RateLimited. Every
        operation of the stream reaches this one process, so these budgets are exact for
        the stream whatever worker each request came to, without Redis on the way."""
        per_user, per_address = self._owned[action]
        buckets = self._buckets(per_user, per_address, user, address)
        if buckets:
            self.check_here(buckets)

    @staticmethod
    def _buckets(
        per_user: TokenBucket | None,
        per_address: TokenBucket | None,
        user: Hashable | None,
        address: str | None,
    ) -> list[tuple[str, TokenBucket, Hashable]]:
        buckets: list[tuple[str, TokenBucket, Hashable]] = []
        if user is not None and len(text := repr(user)) > 128:
            # Keys may hold client text (an operator name): kept small whatever was sent.
            user = hashlib.blake2b(text.encode(), digest_size=16).digest()
        if user is not None and per_user is not None and per_user.rate is not None:
            buckets.append(("user", per_user, user))
        if address is not None and per_address is not None and per_address.rate is not None:
            buckets.append(("address", per_address, address))
        return buckets

    @staticmethod
    def check_here(buckets: list[tuple[str, TokenBucket, Hashable]]) -> None:
        """The process's own buckets: all spent, or RateLimited and none."""
        wait = max((bucket.wait(key) for _, bucket, key in buckets), default=0.0)
        if wait > 0.0:
            raise RateLimited(wait)
        for _, bucket, key in buckets:
            bucket.take(key)

    def replace(self, action: Action, *, per_user: Rate | None, per_address: Rate | None) -> None:
        """New budgets for one action, starting full in this process (operations, tests;
        buckets already in Redis keep their level)."""
        self._user[action] = TokenBucket(per_user, max_keys=self.config.max_keys)
        self._address[action] = TokenBucket(per_address, max_keys=self.config.max_keys)
        self._owned[action] = (
            TokenBucket(per_user, max_keys=self.config.max_keys, clock=self._clock),
            TokenBucket(per_address, max_keys=self.config.max_keys, clock=self._clock),
        )

    def budgets(self, action: Action) -> tuple[Rate | None, Rate | None]:
        return self._user[action].rate, self._address[action].rate


def client_address(scope: Scope) -> str | None:
    """The client's address as the server saw it (uvicorn applies X-Forwarded-For from
    FORWARDED_ALLOW_IPS proxies), for per-address limits."""
    client = scope.get("client")
    return client[0] if client else None


# -- request sizes -------------------------------------------------------------------------


def _error_body(message: str, code: str, **extra: object) -> bytes:
    error = {"message": message, "extensions": {"code": code, **extra}}
    return json.dumps({"data": None, "errors": [error]}, ensure_ascii=False).encode()


class RequestLimits:
    """Pure ASGI: header values above `max_header_bytes` (any header) are refused with 431
    (or the websocket handshake is refused); bodies above `max_body_bytes`, or JSON bodies
    with more than `max_json_values` values, with 413 — before the application reads or
    parses them. Nothing of a refused header is echoed back.

    The body is read here (at most `max_body_bytes`, counted as it streams, so a request
    without Content-Length is cut off at the limit too) and handed on whole. Parsing a
    1 MiB JSON body of half a million small values took ~75 ms of the event loop (every
    other request waited); counting its `,` `[` `{` bytes, an upper bound on its values,
    takes well under a millisecond.

    A multipart/form-data POST (the GraphQL multipart request spec) is limited instead by
    `multipart_limit(scope)` (the app derives it from the county rules, capped): announced
    above it, it is refused before a byte is read; else it is written to a temporary file
    (in memory up to `SPOOL_MEMORY_BYTES`) as it streams, refused at the limit, and handed
    on in `REPLAY_CHUNK_BYTES` pieces once whole, so nothing parses a body that is too
    large and no upload is ever held whole in memory here."""

    SPOOL_MEMORY_BYTES = 1024 * 1024
    REPLAY_CHUNK_BYTES = 64 * 1024

    def __init__(
        self,
        app: ASGIApp,
        *,
        max_body_bytes: int,
        max_header_bytes: int,
        max_json_values: int | None = None,
        multipart_limit: Callable[[Scope], Awaitable[int]] | None = None,
    ) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.max_header_bytes = max_header_bytes
        self.max_json_values = max_json_values
        self.multipart_limit = multipart_limit
        # A client still sending when refused sees a reset instead of the 413 unless the
        # rest is read first: up to this much is read (and dropped) before answering.
        self.drain_bytes = 8 * max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers") or ():
            if len(value) > self.max_header_bytes:
                header = name.decode("latin-1")[:64]
                if scope["type"] == "websocket":
                    await send({"type": "websocket.close", "code": 1009})
                    return
                await self._refuse(
                    send,
                    431,
                    f"请求头 {header} 过长（上限 {self.max_header_bytes} 字节）",
                    "HEADER_TOO_LARGE",
                    header=header,
                    limit=self.max_header_bytes,
                )
                return
        if scope["type"] == "websocket":
            await self.app(scope, receive, send)
            return
        if self.multipart_limit is not None and _is_multipart(scope):
            await self._multipart(scope, receive, send, await self.multipart_limit(scope))
            return
        body = await self._read_body(scope, receive)
        if body is None:  # refused as too large, or the client went away
            await self._refuse_body(send)
            return
        if self.max_json_values is not None and _is_json(scope):
            values = body.count(b",") + body.count(b"[") + body.count(b"{")
            if values > self.max_json_values:
                await self._refuse(
                    send,
                    413,
                    f"请求体包含的值过多（{values}个以上，上限 {self.max_json_values}）",
                    "PAYLOAD_TOO_COMPLEX",
                    limit=self.max_json_values,
                )
                return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:  # after the body: the disconnect, when it comes
                return await receive()
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)

    async def _read_body(self, scope: Scope, receive: Receive) -> bytes | None:
        """The whole body, or None when it is (or is announced) above the limit."""
        limit = self.max_body_bytes
        length = _content_length(scope)
        if length is not None and length > limit:
            if length <= self.drain_bytes:
                await _drain(receive, self.drain_bytes)
            return None
        chunks: list[bytes] = []
        received = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return None
            chunk = message.get("body", b"")
            received += len(chunk)
            if received > limit:
                if message.get("more_body", False):  # the last piece may be the one over
                    await _drain(receive, self.drain_bytes - received)
                return None
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks)

    async def _refuse_body(self, send: Send, limit: int | None = None) -> None:
        limit = self.max_body_bytes if limit is None else limit
        await self._refuse(
            send, 413, f"请求体过大（上限 {limit} 字节）", "PAYLOAD_TOO_LARGE", limit=limit
        )

    async def _multipart(self, scope: Scope, receive: Receive, send: Send, limit: int) -> None:
        length = _content_length(scope)
        if length is not None and length > limit:
            if length <= 2 * limit:  # read the rest, so the client sees the 413
                await _drain(receive, 2 * limit)
            await self._refuse_body(send, limit)
            return
        with tempfile.SpooledTemporaryFile(max_size=self.SPOOL_MEMORY_BYTES) as spool:
            received = 0
            while True:
                message = await receive()
                if message["type"] != "http.request":
                    return  # the client went away
                chunk = message.get("body", b"")
                received += len(chunk)
                if received > limit:
                    if message.get("more_body", False):  # else nothing more is coming
                        await _drain(receive, 2 * limit - received)
                    await self._refuse_body(send, limit)
                    return
                spool.write(chunk)
                if not message.get("more_body", False):
                    break
            spool.seek(0)
            done = False

            async def replay() -> Message:
                nonlocal done
                if done:
                    return await receive()
                piece = spool.read(self.REPLAY_CHUNK_BYTES)
                done = spool.tell() >= received
                return {"type": "http.request", "body": piece, "more_body": not done}

            await self.app(scope, replay, send)

    @staticmethod
    async def _refuse(send: Send, status: int, message: str, code: str, **extra: object) -> None:
        body = _error_body(message, code, **extra)
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [
                    (b"content-type", b"application/json; charset=utf-8"),
                    (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


async def _drain(receive: Receive, budget: int) -> None:
    """Read and drop the rest of a refused body, at most `budget` bytes."""
    while budget > 0:
        message = await receive()
        if message["type"] != "http.request":
            return
        budget -= len(message.get("body", b""))
        if not message.get("more_body", False):
            return


def _is_json(scope: Scope) -> bool:
    for name, value in scope.get("headers") or ():
        if name == b"content-type":
            return b"json" in value.lower()
    return False


def _is_multipart(scope: Scope) -> bool:
    if scope.get("method") != "POST":
        return False
    for name, value in scope.get("headers") or ():
        if name == b"content-type":
            return bytes(value).lower().lstrip().startswith(b"multipart/form-data")
    return False


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers") or ():
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None
