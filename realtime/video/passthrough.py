"""The hook that lets aiortc forward media without decoding it (pinned aiortc version).

aiortc's `RTCRtpReceiver` has no encoded-frame API: each complete frame the jitter buffer
assembles is put on a `queue.Queue` read by a thread running
`aiortc.rtcrtpreceiver.decoder_worker`, which decodes it and puts the decoded frame on the
remote track's queue. For the receivers of the media server's own peers (and the bench's
synthetic participants) nothing is to be decoded, so `mark_passthrough(track, receiver)`,
called in the peer's "track" handler (before the receiver starts), replaces that queue's
`put` with one that builds an `EncodedFrame` (codec, depayloaded bytes, RTP timestamp
mapped to start at 0, keyframe or not) and puts it on the track's queue at once, on the
event loop that received the packet: the track's `recv()` returns encoded frames.
`install()` replaces the module function with `_worker`, which decodes as aiortc's does for
every other receiver and ends at once for a marked one (its frames never pass a thread).

Why not the thread: handing each frame to a thread and back (`Queue.put`, a thread woken,
`run_coroutine_threadsafe`, the loop woken through its self-pipe) cost the media server
about 30 % of its event loop at 8 participants (py-spy, docs/video.md "Performance"), and
one thread per received track makes N × (N − 1) threads in a room's receivers.

The hook depends on these internals of aiortc `PINNED_AIORTC`: the function name and
signature `decoder_worker(loop, input_q, output_q, decode_error)`, the receiver's queue
`RTCRtpReceiver.__decoder_queue` and its `(codec, JitterFrame)` tasks (the timestamp
already mapped) and `None` to stop, put from the event loop in `_handle_rtp_packet` and
`__stop_decoder`, and `RemoteStreamTrack._queue` being the `output_q`. `install()` refuses
another version (`tests/test_video_forwarding.py` checks the hook end to end).
"""

from __future__ import annotations

import asyncio
import logging
import queue
import threading
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import aiortc
from aiortc import rtcrtpreceiver

log = logging.getLogger(__name__)

PINNED_AIORTC = "1.16.0"
_MARK = "_yishi_passthrough"
_original_worker = rtcrtpreceiver.decoder_worker


@dataclass(frozen=True, slots=True)
class EncodedFrame:
    """One encoded frame as received: its codec's MIME type and clock rate, the payload
    without RTP packetisation (a VP8 frame, an Opus packet), its RTP timestamp (mapped
    to start at 0) and whether a decoder can start from it."""

    mime_type: str
    clock_rate: int
    data: bytes
    timestamp: int
    keyframe: bool

    @property
    def time_base(self) -> Fraction:
        return Fraction(1, self.clock_rate)


def is_keyframe(mime_type: str, data: bytes) -> bool:
    """Whether a decoder can start from this frame: a VP8 key frame (RFC 6386 §9.1: bit 0
    of the frame tag is 0), an H.264 access unit with an IDR slice or SPS; audio always."""
    if not data:
        return False
    mime = mime_type.lower()
    if mime == "video/vp8":
        return data[0] & 0x01 == 0
    if mime == "video/h264":
        i = 0
        while (i := data.find(b"\x00\x00\x01", i)) != -1 and i + 3 < len(data):
            if data[i + 3] & 0x1F in (5, 7):
                return True
            i += 3
        return False
    return not mime.startswith("video/")


def vp8_size(data: bytes) -> tuple[int, int] | None:
    """Width and height of a VP8 key frame (RFC 6386 §9.1), else None."""
    if len(data) < 10 or data[0] & 0x01 or data[3:6] != b"\x9d\x01\x2a":
        return None
    return int.from_bytes(data[6:8], "little") & 0x3FFF, int.from_bytes(
        data[8:10], "little"
    ) & 0x3FFF


def _worker(
    loop: asyncio.AbstractEventLoop,
    input_q: queue.Queue[Any],
    output_q: Any,
    decode_error: threading.Event,
) -> None:
    if getattr(output_q, _MARK, False):
        return  # its frames go straight to the track (mark_passthrough): no thread needed
    _original_worker(loop, input_q, output_q, decode_error)


def install() -> None:
    """Put the hook in place (idempotent); refuses an aiortc other than PINNED_AIORTC."""
    if aiortc.__version__ != PINNED_AIORTC:
        raise RuntimeError(
            f"realtime.video.passthrough is tested with aiortc {PINNED_AIORTC}, "
            f"not {aiortc.__version__}: check the hook (docs/video.md) and pin the new version"
        )
    rtcrtpreceiver.decoder_worker = _worker  # the documented hook


def mark_passthrough(track: Any, receiver: Any) -> None:
    """Make a remote track yield `EncodedFrame`s, not decoded frames, handed over on the
    event loop. Call it in the peer's "track" handler, with the track's receiver (before
    the receiver starts)."""
    output_q: asyncio.Queue[Any] = track._queue
    setattr(output_q, _MARK, True)
    # RTCRtpReceiver.__decoder_queue (aiortc PINNED_AIORTC): what the jitter buffer fills
    input_q: queue.Queue[Any] = receiver._RTCRtpReceiver__decoder_queue
    real_put = input_q.put

    def put(task: Any, block: bool = True, timeout: float | None = None) -> None:
        if task is None:  # the receiver stops: end the track (and any thread still waiting)
            output_q.put_nowait(None)
            real_put(None)
            return
        codec, jitter_frame = task
        output_q.put_nowait(
            EncodedFrame(
                mime_type=codec.mimeType,
                clock_rate=codec.clockRate,
                data=jitter_frame.data,
                timestamp=jitter_frame.timestamp,
                keyframe=is_keyframe(codec.mimeType, jitter_frame.data),
            )
        )

    input_q.put = put  # type: ignore[method-assign,assignment]


def tap_packets(receiver: Any, tap: Any) -> None:
    """Call `tap(packet)` with each RTP packet the receiver accepts, before its jitter
    buffer: after SRTP unprotect, RTX unwrapped (the original number and payload type),
    after the receiver's NACK bookkeeping (the packet path, realtime/video/packets.py)."""
    # RTCRtpReceiver.__jitter_buffer (aiortc PINNED_AIORTC): its add(packet), called from
    # _handle_rtp_packet on the event loop for every accepted packet
    jitter_buffer = receiver._RTCRtpReceiver__jitter_buffer
    real_add = jitter_buffer.add

    def add(packet: Any) -> Any:
        try:
            tap(packet)
        except Exception:  # a bug in forwarding must not end the publisher's receiver
            log.exception("forwarding an RTP packet failed")
        return real_add(packet)

    jitter_buffer.add = add
