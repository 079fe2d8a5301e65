"""GraphQL over websockets (graphql-transport-ws, and legacy graphql-ws), multiplexed.

- `protocol`: one connection (both protocols), multiplexed subscriptions, the endpoint;
- `admission`: connection_init's credentials, refusals and the socket limits;
- `direct`: cached documents and the executor-free plan of hot mutations;
- `frames`: frames written straight to the transport, and its buffer size.
"""

from realtime.ws.direct import DirectHandler, _direct_plan, direct_mutation
from realtime.ws.frames import direct_frame_writer, socket_buffer_size, text_frame
from realtime.ws.protocol import (
    LEGACY_WS,
    TRANSPORT_WS,
    GraphQLWebSocket,
    Plan,
    multiplexed,
    websocket_endpoint,
)

__all__ = [
    "LEGACY_WS",
    "TRANSPORT_WS",
    "DirectHandler",
    "GraphQLWebSocket",
    "Plan",
    "_direct_plan",
    "direct_frame_writer",
    "direct_mutation",
    "multiplexed",
    "socket_buffer_size",
    "text_frame",
    "websocket_endpoint",
]
