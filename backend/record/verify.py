"""Verifying a record from the database: the one check behind `verifyStream` and
`yishi record verify`, and the cache that keeps an anonymous `verifyStream` cheap.

What is checked (docs/meetings.md, "What the seal covers"):
1. the hash chain, recomputed in the stream's encoding, ending where the stream's head row
   says (and, given `expect`, at that hash);
2. for a sealed meeting: the record is rebuilt from its rows (`build_record`) and every
   section — minutes, results, polls, attendance … — must hash to the digests sealed in the
   chain; the chain recomputed from the exported events must end with the seal;
3. the seal: its statement names this stream, last seq, head hash and encoding, its SM2
   signature verifies with the county's public key (required when a key is given), and its
   RFC 3161 timestamp covers the signature (and chains to a trusted TSA root when roots are
   given).

A full check of a large record costs a read of every event and row (and ~30 ms of SM2):
`VerificationCache` keeps results by (county, stream, head seq, head hash), for at most
`ttl_seconds`, and lets concurrent misses of one key share one computation.
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from cryptography import x509
from sqlalchemy.ext.asyncio import AsyncSession

from backend.record import sm2
from backend.record.seal import ExportCheck, verify_export
from realtime import log as event_log
from realtime.log import Verification

#: Rebuilds a record (the export's JSON) from a stream's rows, given the domain object's id.
RecordBuilder = Callable[[AsyncSession, int], Awaitable[dict[str, Any]]]


@dataclass(slots=True)
class RecordCheck:
    """What verifying a stream found. `valid` only when every check that applies holds."""

    chain: Verification
    export: ExportCheck | None = None  # a sealed meeting's record, seal and content
    checked_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    @property
    def valid(self) -> bool:
        return self.chain.valid and (self.export is None or self.export.ok)

    @property
    def sealed(self) -> bool:
        return self.chain.sealed

    @property
    def signed(self) -> bool:
        return self.export is not None and self.export.seal.signed

    @property
    def timestamp(self) -> datetime | None:
        return self.export.seal.timestamp if self.export is not None else None

    @property
    def timestamp_trusted(self) -> bool:
        return self.export is not None and self.export.seal.timestamped

    @property
    def content_differs(self) -> list[str]:
        return list(self.export.content) if self.export is not None else []

    def problems(self, *, full: bool) -> list[str]:
        """Every failed check, in Chinese, naming what failed. With `full` False (viewers
        who do not see the whole stream) a broken chain is named without where or why."""
        out: list[str] = []
        chain = self.chain
        if not chain.valid:
            if full:
                where = f"第{chain.first_broken_seq}条：" if chain.first_broken_seq else ""
                out.append(f"事件链：{where}{chain.reason}")
            else:
                out.append("事件链未通过校验")
        export = self.export
        if export is not None:
            if not export.chain.valid:
                out.append(f"导出的事件链：{export.chain.reason}")
            out += [f"记录：{p}" for p in export.problems]
            if export.content:
                out.append("记录内容与封存时不一致：" + "、".join(export.content))
            out += [f"封存：{p}" for p in export.seal.problems]
        return out


async def verify_record(
    session: AsyncSession,
    *,
    stream: str,
    public_key: sm2.PublicKey | None,
    tsa_roots: Sequence[x509.Certificate] = (),
    expect: str | None = None,
    require_signature: bool = True,
    builders: Mapping[str, RecordBuilder] | None = None,
) -> RecordCheck:
    """Check a stream of the session's county as described in the module docstring.
    `require_signature` False accepts an unsigned seal (reported as not signed) when no
    public key is given: the service itself has no key for the county. `builders` rebuild
    a record from its rows by stream kind (`{"meeting": build_record}`): the domains stand
    on this module, so their builders come from the caller; a stream kind without one is
    checked as a chain only."""
    chain = await event_log.verify_stream(session, stream=stream, expect=expect)
    kind, _, ident = stream.partition(":")
    build = (builders or {}).get(kind)
    if not (chain.valid and chain.sealed and build is not None and ident.isdigit()):
        return RecordCheck(chain)
    record = await build(session, int(ident))
    export = verify_export(
        record,
        public_key=public_key,
        tsa_roots=tsa_roots,
        expect=expect,
        require_signature=require_signature or public_key is not None,
    )
    return RecordCheck(chain, export)


CacheKey = tuple[int, str, int, str]  # (county, stream, head seq, head hash)


class VerificationCache:
    """Recent verifications by (county, stream, head seq, head hash), each kept at most
    `ttl_seconds` (rows outside the chain may be edited without moving the head: a
    tampering shows to cached readers within that time, at once to hosts, who always
    recompute). Concurrent misses of one key share one computation."""

    def __init__(
        self,
        *,
        ttl_seconds: float = 60.0,
        max_entries: int = 1000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.ttl_seconds = ttl_seconds
        self.max_entries = max_entries
        self._clock = clock
        self._items: OrderedDict[CacheKey, tuple[float, RecordCheck]] = OrderedDict()
        self._running: dict[CacheKey, asyncio.Future[RecordCheck]] = {}
        self.computed = 0  # verifications run (not served from the cache)

    def get(self, key: CacheKey) -> RecordCheck | None:
        item = self._items.get(key)
        if item is None:
            return None
        if self._clock() - item[0] > self.ttl_seconds:
            del self._items[key]
            return None
        self._items.move_to_end(key)
        return item[1]

    def put(self, key: CacheKey, check: RecordCheck) -> None:
        self._items[key] = (self._clock(), check)
        self._items.move_to_end(key)
        while len(self._items) > self.max_entries:
            self._items.popitem(last=False)

    async def verify(
        self,
        key: CacheKey,
        compute: Callable[[], Awaitable[RecordCheck]],
        *,
        fresh: bool = False,
    ) -> RecordCheck:
        """The cached result for `key`, or `compute()` (shared by concurrent callers) and
        cached; `fresh` always computes (and refreshes the cache)."""
        if not fresh:
            cached = self.get(key)
            if cached is not None:
                return cached
            running = self._running.get(key)
            if running is not None:
                return await asyncio.shield(running)
        future: asyncio.Future[RecordCheck] = asyncio.get_running_loop().create_future()
        if not fresh:
            self._running[key] = future
        try:
            self.computed += 1
            check = await compute()
        except asyncio.CancelledError:
            future.cancel()
            raise
        except Exception as exc:
            future.set_exception(exc)
            future.exception()  # retrieved: waiters get it, or there were none
            raise
        finally:
            if self._running.get(key) is future:
                del self._running[key]
        self.put(key, check)
        future.set_result(check)
        return check
