"""Writing frames to a socket's transport directly, and reading how much it holds unsent.

The server hands the app its connection's transport through the ASGI scope:
`scope["extensions"][TRANSPORT_EXTENSION]`, a `FrameTransport`, which uvicorn's protocol
subclass `realtime.ws.transport.YishiWebSockets` provides (`yishi serve`, the tests and
the benches serve with it). Under a server that does not, the key is absent and every
frame goes through ASGI."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from starlette.websockets import WebSocket

#: The ASGI scope extension under which a server offers a connection's `FrameTransport`.
TRANSPORT_EXTENSION = "yishi.websocket.transport"


class FrameTransport(Protocol):
    """What a server offers the app of one websocket connection."""

    #: Bytes written to the client and not yet taken by the kernel.
    buffered: Callable[[], int]

    def write_text(self, payload: bytes) -> bool:
        """Write `payload` as one text frame now; False when it cannot (closing, or an
        extension such as permessage-deflate negotiated): then send it through ASGI."""
        ...


def frame_transport(websocket: WebSocket) -> FrameTransport | None:
    """The transport the server offers in the scope, or None under another server."""
    extensions = websocket.scope.get("extensions") or {}
    return extensions.get(TRANSPORT_EXTENSION)


def socket_buffer_size(websocket: WebSocket) -> Callable[[], int]:
    """Bytes written to this client and not yet taken by the kernel. uvicorn's send only
    appends to the transport's buffer, so this is the one measure of a client that does
    not keep up (a test asserts it is found); always 0 under a server that does not offer
    its transport (no lag is detected there)."""
    transport = frame_transport(websocket)
    return transport.buffered if transport is not None else (lambda: 0)


def text_frame(payload: bytes) -> bytes:
    """An unmasked, unfragmented websocket text frame (RFC 6455 §5.2), as a server sends."""
    n = len(payload)
    if n < 126:
        return bytes((0x81, n)) + payload
    if n < 1 << 16:
        return b"\x81\x7e" + n.to_bytes(2, "big") + payload
    return b"\x81\x7f" + n.to_bytes(8, "big") + payload


def direct_frame_writer(websocket: WebSocket) -> Callable[[bytes], bool] | None:
    """Write text frames straight to the socket's transport, skipping the ASGI send path.

    Pushing a tally to 5,000 watchers went through starlette's send, uvicorn's send and
    the websockets library's frame builder for each of them; the frame is a two-byte
    header and the payload. None when the server offers no transport; the writer returns
    False for a frame it cannot write (a compressed or closing connection), which the
    caller then sends through ASGI."""
    transport = frame_transport(websocket)
    return transport.write_text if transport is not None else None
