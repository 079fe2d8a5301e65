"""How frames reach a client: the transport uvicorn's protocol subclass hands the app
through the ASGI scope (`realtime.ws.transport.YishiWebSockets`), the ASGI path under a
server without it, and permessage-deflate, which always takes the ASGI path.

The same app (its services, its database) is served by one more uvicorn per case
(`served_also`), so each case differs only in the server's websocket options."""

from __future__ import annotations

import asyncio
import base64
import os
import zlib
from typing import Any

import orjson
import pytest
from websockets.frames import Frame, Opcode

from realtime.hub import channel_name
from realtime.ws.frames import TRANSPORT_EXTENSION
from realtime.ws.transport import YishiWebSockets
from tests.conftest import served_also
from tests.factories.tenants import make_county
from tests.realtime_client import EVENTS_SUBSCRIPTION, GraphQLWS, create_unit, wait_until


def org_members(server, county) -> list[Any]:
    hub = server.services.hub
    feed = hub.feeds.get(channel_name(hub.namespace, county.id, "org"))
    return [] if feed is None else [m for g in feed.groups.values() for m in g.members]


def connection_of(member) -> Any:
    """The GraphQLWebSocket a group member sends through."""
    return next(
        c.cell_contents
        for c in member._send.__closure__
        if type(c.cell_contents).__name__ == "GraphQLWebSocket"
    )


async def watch_and_receive(server, gql, county, name: str) -> tuple[Any, Any, dict[str, Any]]:
    """Watch the county's org stream over `server`, create a unit over HTTP; the socket's
    connection object, its group member and the event it received."""
    async with GraphQLWS(server.ws_url) as client:
        await client.open(county.admin.token)
        op = await client.subscribe(EVENTS_SUBSCRIPTION, {"stream": "org"})
        await wait_until(lambda: len(org_members(server, county)) == 1, "the watcher joined")
        (member,) = org_members(server, county)
        connection = connection_of(member)
        await create_unit(gql, county.admin.token, county.root_gid, name)
        event = await client.event(op)
        assert (await client.execute("{ __typename }"))["data"] == {"__typename": "Query"}
    return connection, member, event


async def test_the_suite_server_hands_the_app_its_transport_in_the_scope(server, gql):
    # given: the suite's server (uvicorn with YishiWebSockets, as `yishi serve`)
    county = await make_county(server)

    # when: a watcher receives an event
    connection, member, event = await watch_and_receive(server, gql, county, "传输镇")

    # then: the scope carried the transport, and the socket writes frames through it
    assert event["payload"]["name"] == "传输镇"
    transport = connection.ws.scope["extensions"][TRANSPORT_EXTENSION]
    assert isinstance(transport, YishiWebSockets)
    assert connection._write_frame == transport.write_text
    assert member._buffered == transport.transport.get_write_buffer_size


# uvicorn's legacy `websockets` implementation is served here on purpose (a deployment may
# pick it): its own deprecation warnings are expected, not news.
@pytest.mark.filterwarnings("ignore::DeprecationWarning:websockets")
@pytest.mark.filterwarnings("ignore:The `websockets` implementation is deprecated")
@pytest.mark.parametrize("ws", ["websockets-sansio", "websockets"])
async def test_under_a_server_without_the_subclass_frames_take_the_asgi_path(server, gql, ws):
    # given: the app served by plain uvicorn websockets (no transport in the scope)
    county = await make_county(server)
    async with served_also(server, ws=ws, ws_per_message_deflate=False) as plain:
        # when: a watcher receives an event and runs a query on the same socket
        connection, member, event = await watch_and_receive(plain, gql, county, "朴素镇")

    # then: everything arrived through ASGI; no direct writer, no lag measure (0)
    assert event["payload"]["name"] == "朴素镇"
    assert TRANSPORT_EXTENSION not in connection.ws.scope.get("extensions", {})
    assert connection._write_frame is None
    assert member._buffered() == 0


# -- permessage-deflate, read frame by frame off the wire ---------------------------------


class RawSocket:
    """A websocket client written out by hand, to see each frame's RSV1 bit (set on a
    compressed message) that a client library hides once it has decompressed."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer
        self.headers: dict[str, str] = {}
        self.first_bytes: list[int] = []  # FIN/RSV/opcode byte of each data frame received
        self._inflate = zlib.decompressobj(wbits=-15)  # context kept across messages

    @classmethod
    async def open(cls, port: int, *, offer_deflate: bool) -> RawSocket:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        lines = [
            "GET /graphql HTTP/1.1",
            f"Host: 127.0.0.1:{port}",
            "Upgrade: websocket",
            "Connection: Upgrade",
            f"Sec-WebSocket-Key: {base64.b64encode(os.urandom(16)).decode()}",
            "Sec-WebSocket-Version: 13",
            "Sec-WebSocket-Protocol: graphql-transport-ws",
        ]
        if offer_deflate:
            lines.append("Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits")
        writer.write(("\r\n".join(lines) + "\r\n\r\n").encode())
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 30)
        status, *header_lines = head.decode("latin-1").split("\r\n")
        assert status.startswith("HTTP/1.1 101"), head
        raw = cls(reader, writer)
        for line in filter(None, header_lines):
            key, _, value = line.partition(":")
            raw.headers[key.strip().lower()] = value.strip()
        return raw

    def send(self, message: dict[str, Any]) -> None:
        # A client's frame is masked; sent uncompressed (RSV1 0), which deflate allows.
        self.writer.write(Frame(Opcode.TEXT, orjson.dumps(message)).serialize(mask=True))

    async def receive(self) -> dict[str, Any]:
        first, second = await asyncio.wait_for(self.reader.readexactly(2), 30)
        length = second & 0x7F
        if length == 126:
            length = int.from_bytes(await self.reader.readexactly(2), "big")
        elif length == 127:
            length = int.from_bytes(await self.reader.readexactly(8), "big")
        data = await self.reader.readexactly(length)
        assert first & 0x0F == Opcode.TEXT.value and first & 0x80, hex(first)  # one whole text
        self.first_bytes.append(first)
        if first & 0x40:  # RSV1: a compressed message (RFC 7692 §7.2.2)
            data = self._inflate.decompress(data + b"\x00\x00\xff\xff")
        return orjson.loads(data)

    async def close(self) -> None:
        self.writer.close()
        await self.writer.wait_closed()


@pytest.mark.parametrize("offer_deflate", [True, False], ids=["deflate", "plain"])
async def test_a_deflate_server_compresses_for_clients_that_offer_it_and_not_others(
    server, gql, offer_deflate
):
    """A connection that negotiated permessage-deflate gets every frame compressed by the
    websockets library through ASGI (a frame written directly would skip the
    connection's compressor); one that did not gets plain frames, written directly."""
    # given: the app served with permessage-deflate on, and a watcher of the county
    county = await make_county(server)
    async with served_also(server, ws=YishiWebSockets, ws_per_message_deflate=True) as deflating:
        raw = await RawSocket.open(
            int(deflating.base_url.rsplit(":", 1)[1]), offer_deflate=offer_deflate
        )
        try:
            raw.send(
                {
                    "type": "connection_init",
                    "payload": {"authorization": f"Bearer {county.admin.token}"},
                }
            )
            ack = await raw.receive()
            raw.send(
                {
                    "id": "w",
                    "type": "subscribe",
                    "payload": {"query": EVENTS_SUBSCRIPTION, "variables": {"stream": "org"}},
                }
            )
            await wait_until(lambda: len(org_members(server, county)) == 1, "the watcher joined")
            (member,) = org_members(server, county)
            connection = connection_of(member)

            # when: an event is logged, and a query runs on the same socket
            await create_unit(gql, county.admin.token, county.root_gid, "压缩镇")
            live = await raw.receive()
            raw.send({"id": "q", "type": "subscribe", "payload": {"query": "{ __typename }"}})
            answer, complete = await raw.receive(), await raw.receive()
        finally:
            await raw.close()

    # then: the same messages either way…
    assert ack["type"] == "connection_ack"
    assert (live["id"], live["type"]) == ("w", "next")
    assert live["payload"]["data"]["events"]["payload"]["name"] == "压缩镇"
    assert answer == {"id": "q", "type": "next", "payload": {"data": {"__typename": "Query"}}}
    assert complete == {"id": "q", "type": "complete"}
    # …compressed (RSV1) in every frame when deflate was negotiated, plain otherwise
    negotiated = raw.headers.get("sec-websocket-extensions", "")
    assert negotiated.startswith("permessage-deflate") is offer_deflate
    assert raw.first_bytes == [0xC1 if offer_deflate else 0x81] * 4
    assert connection._write_frame is not None  # the transport was offered either way
