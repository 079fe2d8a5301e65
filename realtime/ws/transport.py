"""The uvicorn websocket protocol Yishi is served with: uvicorn's sans-I/O protocol that
also hands the app its connection's transport, through the ASGI scope.

`yishi serve`, the test server and the benches pass this class as uvicorn's `ws=` option.
For each connection it puts itself in `scope["extensions"]` under `TRANSPORT_EXTENSION`,
as a `realtime.ws.frames.FrameTransport`: the app writes live frames straight to the
transport and reads how much the client leaves unread. Under any other server (plain
`websockets-sansio`, `websockets`, `wsproto`, another ASGI server) the key is absent and
`realtime.ws` sends everything through ASGI, with no lag measure (docs/realtime.md).

This module is imported by whoever starts uvicorn, never by the app.
"""

from __future__ import annotations

from collections.abc import Callable

from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
from websockets.protocol import State

from realtime.ws.frames import TRANSPORT_EXTENSION, text_frame

#: uvicorn's `ws=` option, as a string: `uvicorn --ws realtime.ws.transport:YishiWebSockets`
WS_PROTOCOL = f"{__name__}:YishiWebSockets"


class YishiWebSockets(WebSocketsSansIOProtocol):
    """uvicorn's sans-I/O websocket protocol, offering the app its frame transport."""

    #: The transport's unsent byte count (set per connection, before the app runs).
    buffered: Callable[[], int]

    async def run_asgi(self) -> None:
        # The scope is made for this connection in handle_connect, which then starts this
        # task: the app sees the key from its first line.
        self.buffered = self.transport.get_write_buffer_size
        extensions: dict[str, object] = self.scope["extensions"]  # type: ignore[assignment]
        extensions[TRANSPORT_EXTENSION] = self
        await super().run_asgi()

    def write_text(self, payload: bytes) -> bool:
        """Write one text message as a frame, as this protocol does for a `websocket.send`
        of it, while the connection is open and without extensions (a permessage-deflate
        frame depends on the connection's compressor state: those go through ASGI).
        False when it did not write; the caller then sends through ASGI, which reports a
        closing or closed connection its own way."""
        if (
            self.conn.state is not State.OPEN
            or self.conn.extensions
            or self.close_sent
            or self.initial_response is not None
            or self.transport.is_closing()
        ):
            return False
        self.transport.write(text_frame(payload))
        return True
