"""A small GraphQL-over-websocket client for the real-time tests and benchmarks.

Speaks graphql-transport-ws (default) or the legacy graphql-ws protocol with the
`websockets` library, like an app would. A reader task files every server message under
its operation id, so a test can subscribe, run queries on the same socket and collect
events without racing itself. Nothing here is timed: waits use generous timeouts only so
that a broken server fails a test instead of hanging it.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
from typing import Any

import websockets
from websockets.asyncio.client import ClientConnection
from websockets.exceptions import ConnectionClosed

TRANSPORT_WS = "graphql-transport-ws"
LEGACY_WS = "graphql-ws"
WAIT = 30.0  # seconds: only to avoid hanging on a broken server, never an assertion

EVENTS_SUBSCRIPTION = """
subscription Events($stream: String!, $after: Int) {
  events(stream: $stream, after: $after) { stream seq type at actorId payload hash }
}"""


class Closed(Exception):
    """The server closed the socket; `code` and `reason` say why."""

    def __init__(self, code: int | None, reason: str) -> None:
        super().__init__(f"closed {code}: {reason}")
        self.code = code
        self.reason = reason


class GraphQLWS:
    def __init__(self, url: str, *, protocol: str = TRANSPORT_WS) -> None:
        self.url = url
        self.protocol = protocol
        self.legacy = protocol == LEGACY_WS
        self.ws: ClientConnection | None = None
        self.connection: list[dict[str, Any]] = []  # messages without an id (ack, pong, ka)
        self._conn_wake = asyncio.Event()
        self._queues: dict[str, asyncio.Queue[dict[str, Any]]] = {}
        self._reader: asyncio.Task[None] | None = None
        self.closed: asyncio.Future[Closed] | None = None
        self._ids = itertools.count(1)

    # -- connection ----------------------------------------------------------------------

    async def connect(self) -> GraphQLWS:
        self.ws = await websockets.connect(
            self.url,
            subprotocols=[self.protocol],  # type: ignore[list-item]
            max_size=None,
            open_timeout=WAIT,
            ping_interval=None,
        )
        assert self.ws.subprotocol == self.protocol
        self.closed = asyncio.get_running_loop().create_future()
        self._reader = asyncio.create_task(self._read())
        return self

    async def init(self, token: str | None = None, **params: Any) -> dict[str, Any]:
        """connection_init (with `Authorization: Bearer <token>`); returns the ack."""
        payload = dict(params)
        if token is not None:
            payload["Authorization"] = f"Bearer {token}"
        await self.send({"type": "connection_init", "payload": payload})
        ack = await self.connection_message()
        assert ack["type"] == "connection_ack", ack
        if self.legacy:
            ka = await self.connection_message()
            assert ka["type"] == "ka", ka
        return ack

    async def open(self, token: str | None = None) -> GraphQLWS:
        await self.connect()
        await self.init(token)
        return self

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()
        if self._reader is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.wait_for(self._reader, WAIT)

    async def __aenter__(self) -> GraphQLWS:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def send(self, message: dict[str, Any]) -> None:
        assert self.ws is not None
        await self.ws.send(json.dumps(message))

    async def send_raw(self, text: str) -> None:
        assert self.ws is not None
        await self.ws.send(text)

    async def _read(self) -> None:
        assert self.ws is not None and self.closed is not None
        try:
            async for raw in self.ws:
                message = json.loads(raw)
                op_id = message.get("id")
                if op_id is None:
                    self.connection.append(message)
                    self._conn_wake.set()
                else:
                    self.queue(op_id).put_nowait(message)
        except ConnectionClosed:
            pass
        finally:
            rcvd = self.ws.protocol.close_rcvd
            self.closed.set_result(Closed(rcvd.code if rcvd else None, rcvd.reason if rcvd else ""))
            self._conn_wake.set()

    async def wait_closed(self) -> Closed:
        """The close frame the server sent (waits for it)."""
        assert self.closed is not None
        return await asyncio.wait_for(asyncio.shield(self.closed), WAIT)

    async def connection_message(self) -> dict[str, Any]:
        """The next message that belongs to no operation (connection_ack, pong, ka…)."""

        async def next_one() -> dict[str, Any]:
            while not self.connection:
                assert self.closed is not None
                if self.closed.done():
                    raise self.closed.result()
                self._conn_wake.clear()
                await self._conn_wake.wait()
            return self.connection.pop(0)

        return await asyncio.wait_for(next_one(), WAIT)

    # -- operations ----------------------------------------------------------------------

    def queue(self, op_id: str) -> asyncio.Queue[dict[str, Any]]:
        if op_id not in self._queues:
            self._queues[op_id] = asyncio.Queue()
        return self._queues[op_id]

    def new_id(self) -> str:
        return f"op{next(self._ids)}"

    async def subscribe(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        *,
        op_id: str | None = None,
        operation_name: str | None = None,
    ) -> str:
        op_id = op_id or self.new_id()
        payload: dict[str, Any] = {"query": query, "variables": variables or {}}
        if operation_name:
            payload["operationName"] = operation_name
        await self.send(
            {"id": op_id, "type": "start" if self.legacy else "subscribe", "payload": payload}
        )
        return op_id

    async def stop(self, op_id: str) -> None:
        await self.send({"id": op_id, "type": "stop" if self.legacy else "complete"})

    async def message(self, op_id: str) -> dict[str, Any]:
        """The next message for `op_id` (next/data, error, complete)."""
        assert self.closed is not None
        queue = self.queue(op_id)
        getter = asyncio.ensure_future(queue.get())
        done, _ = await asyncio.wait(
            {getter, self.closed}, timeout=WAIT, return_when=asyncio.FIRST_COMPLETED
        )
        if getter in done:
            return getter.result()
        getter.cancel()
        if self.closed.done():
            raise self.closed.result()
        raise TimeoutError(f"no message for {op_id} within {WAIT}s")

    def pending(self, op_id: str) -> list[dict[str, Any]]:
        """Messages already received for `op_id` and not yet taken (does not wait)."""
        queue = self.queue(op_id)
        out = []
        while not queue.empty():
            out.append(queue.get_nowait())
        return out

    async def event(self, op_id: str) -> dict[str, Any]:
        """The next event (`data.events`) of a subscription; fails on anything else."""
        message = await self.message(op_id)
        assert message["type"] == ("data" if self.legacy else "next"), message
        assert "errors" not in message["payload"], message
        return message["payload"]["data"]["events"]

    async def events(self, op_id: str, count: int) -> list[dict[str, Any]]:
        return [await self.event(op_id) for _ in range(count)]

    async def error(self, op_id: str) -> list[dict[str, Any]]:
        """The errors of an operation the server refused (an `error` message)."""
        message = await self.message(op_id)
        assert message["type"] == "error", message
        payload = message["payload"]
        return payload if isinstance(payload, list) else [payload]

    async def execute(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        """A query or mutation over the socket: one next/data, then complete."""
        op_id = await self.subscribe(query, variables)
        result = await self.message(op_id)
        assert result["type"] == ("data" if self.legacy else "next"), result
        done = await self.message(op_id)
        assert done == {"id": op_id, "type": "complete"}, done
        return result["payload"]


# -- the HTTP side, as an admin's app would use it ----------------------------------------

CREATE_UNIT = """
mutation($p: ID!, $n: String!) {
  createOrgUnit(input: {parentId: $p, kind: TOWNSHIP, name: $n}) {
    orgUnit { id name } errors { code message }
  }
}"""

STREAM_EVENTS = """
query($s: String!, $after: Int, $first: Int) {
  streamEvents(stream: $s, after: $after, first: $first) { seq type payload hash at }
}"""

VERIFY = """
query($s: String!) {
  verifyStream(stream: $s) { stream events valid headHash firstBrokenSeq reason }
}"""


async def create_unit(gql: Any, token: str, parent_gid: str, name: str) -> str:
    """createOrgUnit over HTTP (appends `orgUnit.created` to the county's org stream)."""
    data = await gql.data(CREATE_UNIT, {"p": parent_gid, "n": name}, token=token)
    payload = data["createOrgUnit"]
    assert payload["errors"] == [], payload
    return payload["orgUnit"]["id"]


async def logged_seqs(gql: Any, token: str, stream: str = "org") -> list[int]:
    """Every seq of the stream's log, read page by page through streamEvents."""
    seqs: list[int] = []
    while True:
        data = await gql.data(
            STREAM_EVENTS,
            {"s": stream, "after": seqs[-1] if seqs else 0, "first": 100},
            token=token,
        )
        page = [e["seq"] for e in data["streamEvents"]]
        if not page:
            return seqs
        seqs.extend(page)


async def wait_until(predicate: Any, what: str) -> None:
    """Poll an in-process condition (e.g. the hub's groups) until it holds; WAIT bounds it."""

    async def poll() -> None:
        while not predicate():  # noqa: ASYNC110 (in-process state has no event)
            await asyncio.sleep(0.01)

    try:
        await asyncio.wait_for(poll(), WAIT)
    except TimeoutError:
        raise AssertionError(f"never happened: {what}") from None
