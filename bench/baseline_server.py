"""Baseline for bench/fanout.py: a bare Starlette websocket endpoint that broadcasts.

No GraphQL, no database, no authorisation: clients connect to /ws and only read; a POST to
/broadcast {"size": bytes} numbers the frame (1, 2, … in arrival order, as the log numbers
events; a given "seq" is used instead), stamps the time (as the service stamps an event's
commit), queues one frame shaped like the service's `next` message, padded to `size`
bytes, and returns; one task sends each frame to every connected socket in turn. Served
by uvicorn with the same websocket implementation as `yishi serve`.

    .venv/bin/python bench/baseline_server.py --port 8100
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import orjson
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

clients: set[WebSocket] = set()
frames: asyncio.Queue[str] = asyncio.Queue()
numbered = [0]  # the last frame number given


def frame(seq: int, size: int) -> str:
    event = {
        "stream": "org",
        "seq": seq,
        "type": "orgUnit.created",
        "at": datetime.now(UTC).isoformat(),
        "pad": "",
    }
    message = {"id": "1", "type": "next", "payload": {"data": {"events": event}}}
    event["pad"] = "x" * max(0, size - len(orjson.dumps(message)))
    return orjson.dumps(message).decode()


async def endpoint(ws: WebSocket) -> None:
    offered = ws.scope.get("subprotocols") or []
    await ws.accept(subprotocol=offered[0] if offered else None)
    clients.add(ws)
    try:
        while True:
            await ws.receive_text()
    except (WebSocketDisconnect, RuntimeError):
        pass
    finally:
        clients.discard(ws)


async def broadcast(request: Request) -> Response:
    body = await request.json()
    numbered[0] = int(body.get("seq") or numbered[0] + 1)
    frames.put_nowait(frame(numbered[0], int(body.get("size", 0))))
    return JSONResponse({"queued": True, "clients": len(clients)})


async def ready(request: Request) -> Response:
    return JSONResponse({"status": "ready", "clients": len(clients)})


async def sender() -> None:
    while True:
        text = await frames.get()
        for ws in list(clients):
            try:
                await ws.send_text(text)
            except Exception:
                clients.discard(ws)


@contextlib.asynccontextmanager
async def lifespan(app: Starlette) -> AsyncIterator[None]:
    task = asyncio.create_task(sender())
    try:
        yield
    finally:
        task.cancel()


app = Starlette(
    routes=[
        WebSocketRoute("/ws", endpoint),
        Route("/broadcast", broadcast, methods=["POST"]),
        Route("/readyz", ready),
    ],
    lifespan=lifespan,
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8100)
    args = parser.parse_args()
    uvicorn.run(
        app,
        host="127.0.0.1",
        port=args.port,
        ws="websockets-sansio",
        log_level="warning",
        access_log=False,
    )


if __name__ == "__main__":
    main()
