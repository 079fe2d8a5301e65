"""GraphQL over websockets (graphql-transport-ws, and legacy graphql-ws), multiplexed.

- `protocol`: one connection (both protocols), multiplexed subscriptions, the endpoint;
- `wiring`: what the endpoint needs of the schema and of the app, as Protocols the app's
  objects fit (`SocketGraphQL`, per schema; `SocketServices`, per app), handed in by the
  app: nothing here imports the schema layer;
- `fields`: the field metadata that makes a mutation direct or a subscription multiplexed;
- `admission`: connection_init's credentials, refusals and the socket limits;
- `direct`: cached documents and the executor-free plan of hot mutations;
- `frames`: frames written straight to the transport the server offers in the ASGI scope;
- `transport`: the uvicorn protocol subclass that offers it (imported by the server's
  starter, never by the app).
"""

from realtime.ws.direct import _direct_plan
from realtime.ws.fields import (
    DirectHandler,
    Plan,
    SocketFields,
    direct_mutation,
    multiplexed,
    socket_fields,
)
from realtime.ws.frames import (
    TRANSPORT_EXTENSION,
    FrameTransport,
    direct_frame_writer,
    socket_buffer_size,
    text_frame,
)
from realtime.ws.protocol import (
    LEGACY_WS,
    TRANSPORT_WS,
    GraphQLWebSocket,
    websocket_endpoint,
)
from realtime.ws.wiring import SocketContext, SocketGraphQL, SocketServices

__all__ = [
    "LEGACY_WS",
    "TRANSPORT_EXTENSION",
    "TRANSPORT_WS",
    "DirectHandler",
    "FrameTransport",
    "GraphQLWebSocket",
    "Plan",
    "SocketContext",
    "SocketFields",
    "SocketGraphQL",
    "SocketServices",
    "_direct_plan",
    "direct_frame_writer",
    "direct_mutation",
    "multiplexed",
    "socket_buffer_size",
    "socket_fields",
    "text_frame",
    "websocket_endpoint",
]
