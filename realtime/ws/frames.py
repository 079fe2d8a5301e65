"""Writing frames to a socket's transport directly, and reading how much it holds unsent."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

from starlette.websockets import WebSocket


def _server_protocol(websocket: WebSocket) -> Any | None:
    """The server's protocol object behind a starlette WebSocket (the one holding the
    transport), found under the wrappers starlette puts around its send; None when a
    server does not expose one."""
    pending: list[Any] = [websocket._send]
    seen: set[int] = set()
    while pending and len(seen) < 32:
        candidate = pending.pop()
        if id(candidate) in seen:
            continue
        seen.add(id(candidate))
        owner = getattr(candidate, "__self__", None)
        if getattr(owner, "transport", None) is not None:
            return owner
        for cell in getattr(candidate, "__closure__", None) or ():
            with contextlib.suppress(ValueError):  # an empty cell
                if callable(cell.cell_contents):
                    pending.append(cell.cell_contents)
    return None


def socket_buffer_size(websocket: WebSocket) -> Callable[[], int]:
    """Bytes written to this client and not yet taken by the kernel. uvicorn's send only
    appends to the transport's buffer, so this is the one measure of a client that does
    not keep up (a test asserts it is found); 0 when a server does not expose it."""
    protocol = _server_protocol(websocket)
    size = getattr(getattr(protocol, "transport", None), "get_write_buffer_size", None)
    return size if callable(size) else (lambda: 0)


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
    header and the payload. This does what uvicorn's sans-I/O websocket protocol does for
    a `websocket.send`, for that protocol only, while the connection is open and without
    extensions (permessage-deflate frames depend on each connection's compressor, so a
    compressed connection keeps the ASGI path). Returns False when it cannot write, and
    the caller then sends through ASGI (which reports a closed connection its own way)."""
    protocol = _server_protocol(websocket)
    conn = getattr(protocol, "conn", None)
    if protocol is None or type(protocol).__name__ != "WebSocketsSansIOProtocol" or conn is None:
        return None
    from websockets.protocol import State

    transport = protocol.transport

    def write(payload: bytes) -> bool:
        if (
            conn.state is not State.OPEN
            or conn.extensions
            or protocol.close_sent
            or protocol.initial_response is not None
            or transport.is_closing()
        ):
            return False
        transport.write(text_frame(payload))
        return True

    return write
