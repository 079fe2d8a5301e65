"""Redis commands over one pipelined connection, without redis-py's command machinery.

What a second worker adds crosses Redis: the votes it hands to the owner and the owner's
answers (PUBLISH), each committed batch's events and each tally (PUBLISH), and every vote's
shared rate budget (one EVALSHA, `backend.core.limits.SharedBuckets`). redis-py's asyncio
client spends about 300-400 µs of CPU on one command (connection pool, retry wrapper,
command packing and response parsing in Python; bench/handover_costs.py), several times
what writing the command and reading its one-line reply costs, and it drops (and later
reopens, at another ~1 ms) a connection whose command was cancelled by a timeout.

`PipelinedRedis` keeps one connection of its own (opened on first use, again after a
failure), writes each command as soon as it is asked and reads the replies in order, so
concurrent commands are pipelined; a caller that stops waiting (a timeout) costs the
connection nothing, its reply is read and dropped. A failure (connection lost, replies owed
and none for `timeout` seconds) fails every command waiting on that connection with
`ConnectionError`, as redis-py would; the callers already treat that as "Redis is down"
(the relay answers "down", the hub's subscribers catch up from the log, rate limits fall
back to each process's buckets). An error reply raises `ReplyError` (a `ConnectionError`
too, for callers that only tell "done" from "not done"). Subscribing stays with redis-py
(one long-lived connection per process).
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
from collections import deque
from typing import Any
from urllib.parse import unquote, urlsplit


class ReplyError(ConnectionError):
    """Redis answered the command with an error (`-ERR …`, `-NOSCRIPT …`)."""


def _command(*parts: bytes) -> bytes:
    out = [b"*%d\r\n" % len(parts)]
    for part in parts:
        out.append(b"$%d\r\n%s\r\n" % (len(part), part))
    return b"".join(out)


class _Connection:
    """One connection and the replies it owes, in order."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer
        self.waiting: deque[asyncio.Future[Any]] = deque()
        self.task: asyncio.Task[None] | None = None
        self.watchdog: asyncio.Task[None] | None = None
        self.replies = 0  # read so far (the watchdog's sign of life)
        self.closed = False
        self._unsent: list[bytes] = []  # commands of this loop pass, written together

    def send(self, command: bytes) -> asyncio.Future[Any]:
        """Queue `command`; what is sent in one pass of the loop goes in one write (one
        system call for a burst of votes' checks or a batch's publishes)."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Any] = loop.create_future()
        self.waiting.append(future)
        if not self._unsent:
            loop.call_soon(self._write)
        self._unsent.append(command)
        return future

    def _write(self) -> None:
        data = b"".join(self._unsent)
        self._unsent.clear()
        if not self.closed:
            self.writer.write(data)

    async def watch(self, quiet_seconds: float) -> None:
        """Lose the connection when replies are owed and none came for `quiet_seconds`
        (one timer per connection, not one per command)."""
        seen = -1
        while not self.closed:
            await asyncio.sleep(quiet_seconds)
            if self.waiting and self.replies == seen:
                self.lose(ConnectionError("no reply from Redis"))
            seen = self.replies

    def lose(self, exc: ConnectionError) -> None:
        """Close it and fail every reply still owed."""
        self.closed = True
        self.writer.close()
        if self.watchdog is not None:
            self.watchdog.cancel()
        while self.waiting:
            future = self.waiting.popleft()
            if not future.done():
                future.set_exception(exc)

    async def read(self) -> None:
        try:
            while True:
                line = await self.reader.readline()
                if not line:
                    raise ConnectionError("Redis closed the connection")
                kind, value = line[:1], line[1:-2]
                reply: Any = value
                if kind == b"$":  # a bulk reply (a script's answer; not sent for PUBLISH)
                    size = int(value)
                    reply = b"" if size < 0 else (await self.reader.readexactly(size + 2))[:-2]
                elif kind == b"*":  # an array (no command here expects one: read past it)
                    reply = await self._rest_of_array(int(value))
                self.replies += 1
                future = self.waiting.popleft() if self.waiting else None
                if future is None or future.done():
                    continue  # its caller stopped waiting (a timeout): the reply is dropped
                if kind == b"-":
                    future.set_exception(ReplyError(value.decode(errors="replace")))
                else:
                    future.set_result(reply)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            self.lose(exc if isinstance(exc, ConnectionError) else ConnectionError(str(exc)))

    async def _rest_of_array(self, size: int) -> list[Any]:
        items: list[Any] = []
        for _ in range(max(0, size)):
            line = await self.reader.readline()
            if not line:
                raise ConnectionError("Redis closed the connection")
            kind, value = line[:1], line[1:-2]
            if kind == b"$":
                n = int(value)
                items.append(b"" if n < 0 else (await self.reader.readexactly(n + 2))[:-2])
            elif kind == b"*":
                items.append(await self._rest_of_array(int(value)))
            else:
                items.append(value)
        return items


class PipelinedRedis:
    """One pipelined connection to the Redis of `url` (redis:// or rediss://, with its
    user, password and database number)."""

    def __init__(self, url: str, *, timeout: float = 5.0) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("redis", "rediss"):
            raise ValueError(f"not a Redis URL: {parts.scheme}://")
        self._host = parts.hostname or "127.0.0.1"
        self._port = parts.port or 6379
        self._ssl = parts.scheme == "rediss"
        self._username = unquote(parts.username) if parts.username else None
        self._password = unquote(parts.password) if parts.password else None
        path = parts.path.lstrip("/")
        self._db = int(path) if path else 0
        self.timeout = timeout
        self._conn: _Connection | None = None
        self._connecting: asyncio.Lock | None = None

    async def publish(self, channel: str, data: bytes) -> int:
        """PUBLISH `data` on `channel`: how many subscribers got it."""
        conn = self._conn
        if conn is None or conn.closed:
            conn = await self._connect()
        return int(await conn.send(_command(b"PUBLISH", channel.encode(), data)))

    async def execute(self, *parts: bytes) -> Any:
        """Any command with a one-value reply (e.g. EVALSHA): the reply's bytes (an
        integer's digits, a bulk string); `ReplyError` for an error reply."""
        conn = self._conn
        if conn is None or conn.closed:
            conn = await self._connect()
        return await conn.send(_command(*parts))

    def send_nowait(self, *parts: bytes) -> asyncio.Future[Any] | None:
        """Queue a command now, behind those already asked (its reply's future), or None
        when no connection is open (then `execute`, which opens one)."""
        conn = self._conn
        if conn is None or conn.closed:
            return None
        return conn.send(_command(*parts))

    async def close(self) -> None:
        conn, self._conn = self._conn, None
        if conn is None:
            return
        conn.lose(ConnectionError("connection closed"))
        if conn.task is not None:
            conn.task.cancel()
            with contextlib.suppress(BaseException):
                await conn.task
        with contextlib.suppress(Exception):
            await conn.writer.wait_closed()

    async def _connect(self) -> _Connection:
        if self._connecting is None:
            self._connecting = asyncio.Lock()
        async with self._connecting:
            if self._conn is not None and not self._conn.closed:
                return self._conn
            context = ssl.create_default_context() if self._ssl else None
            try:
                reader, writer = await asyncio.wait_for(
                    asyncio.open_connection(self._host, self._port, ssl=context), self.timeout
                )
            except (OSError, TimeoutError) as exc:
                raise ConnectionError(f"cannot reach Redis: {exc}") from exc
            conn = _Connection(reader, writer)
            conn.task = asyncio.create_task(conn.read(), name="redis-pipelined")
            conn.watchdog = asyncio.create_task(conn.watch(self.timeout), name="redis-watchdog")
            hello = []
            if self._password is not None:
                auth = [b"AUTH"]
                if self._username:
                    auth.append(self._username.encode())
                auth.append(self._password.encode())
                hello.append(_command(*auth))
            if self._db:
                hello.append(_command(b"SELECT", str(self._db).encode()))
            try:
                for command in hello:
                    await asyncio.wait_for(conn.send(command), self.timeout)
            except (ConnectionError, TimeoutError) as exc:
                conn.lose(ConnectionError(str(exc)))
                raise ConnectionError(f"Redis refused the connection: {exc}") from exc
            self._conn = conn
            return conn
