"""Fan-out of one published track to its receivers (an SFU's job).

A `Publication` is one track a publisher sends. Its receivers are, by default, on the
packet path: `on_packet` (tapped from the publisher's aiortc receiver) hands each RTP
packet to every `PacketForward` (realtime/video/packets.py), which rewrites the header and
sends it to that receiver. The publication also reads the remote track (marked
passthrough, so it yields `EncodedFrame`s) for its frame sinks: the room's recorder, the
frame path (`ForwardTrack`: aiortc's `RTCRtpSender` packetises pre-encoded packets with
its encoder's `pack()`, used with `VideoServer(packet_path=False)`), and a receiver whose
negotiated codec is not the publisher's, which gets a `ReencodeTrack`, fed by the
publication decoded once (`DecodedPublication`, shared by all such receivers), and its
sender encodes (the decode-once-and-encode fallback, only where needed).

Keyframes: a forwarding sender's `_send_keyframe` (a receiver's PLI/FIR) goes to
`Publication.request_keyframe`, which sends a PLI to the publisher, at most once per
`keyframe_interval`. A new receiver waits for a keyframe (frames before it could not be
decoded) and one is asked for when it attaches; on the frame path a receiver that falls
behind (its queue full) drops what it has and waits for the next keyframe too.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from typing import Any, Protocol

import av
from aiortc import RTCRtpReceiver, RTCRtpSender, clock
from aiortc.mediastreams import MediaStreamError, MediaStreamTrack

from realtime.video.packets import PacketForward, keyframe_start
from realtime.video.passthrough import EncodedFrame

log = logging.getLogger(__name__)

#: Frames a receiver may be behind before it skips to the next keyframe (~1 s of video).
FORWARD_QUEUE = 32


class Sink(Protocol):
    def push(self, frame: EncodedFrame, packet: av.Packet) -> None: ...

    def end(self) -> None: ...


class Publication:
    """One track a participant publishes (audio or video) and where it goes."""

    def __init__(
        self,
        *,
        user_id: int,
        kind: str,
        source: MediaStreamTrack,
        receiver: RTCRtpReceiver,
        keyframe_interval: float,
        on_ended: Callable[[Publication], None] = lambda p: None,
    ) -> None:
        self.user_id = user_id
        self.kind = kind
        self.source = source
        self.receiver = receiver
        self.keyframe_interval = keyframe_interval
        self.sinks: set[Sink] = set()
        self.frames = 0
        self.keyframe_requests = 0
        self.mime_type: str | None = None
        self.size: tuple[int, int] | None = None
        #: The packet path's receivers (realtime/video/packets.py), fed by `on_packet`.
        self.packet_sinks: set[PacketForward] = set()
        self.packets = 0
        #: The codec of the last packet (lower-case MIME type) and its clock rate.
        self.packet_mime = ""
        self.clock_rate = 90000
        self._packet_pt: int | None = None
        self._enabled = True
        #: Order in which publications started in the process (the slots' order).
        self.started_order = 0
        self._last_request = float("-inf")
        self._on_ended = on_ended
        self._decoded: DecodedPublication | None = None
        self._task = asyncio.create_task(self._pump(), name=f"video-publication-{user_id}-{kind}")

    @property
    def enabled(self) -> bool:
        """False while the publisher has no floor (revoked): nothing is forwarded (the
        packet path stops at the next packet; frames are read and dropped)."""
        return self._enabled

    @enabled.setter
    def enabled(self, value: bool) -> None:
        if value and not self._enabled:
            for sink in self.packet_sinks:
                sink.resync()  # from the next keyframe, continuing the numbering
        self._enabled = value

    def on_packet(self, packet: Any) -> None:
        """One RTP packet from the publisher (the receiver's tap): to every packet sink."""
        self.packets += 1
        if not self._enabled or not self.packet_sinks:
            return
        if packet.payload_type != self._packet_pt:
            # RTCRtpReceiver.__codecs (aiortc PINNED_AIORTC): payload type → codec
            codecs: dict[int, Any] = getattr(self.receiver, "_RTCRtpReceiver__codecs")  # noqa: B009
            codec = codecs.get(packet.payload_type)
            if codec is None:
                return
            self._packet_pt = packet.payload_type
            self.packet_mime = codec.mimeType.lower()
            self.clock_rate = codec.clockRate
        payload = packet.payload
        key = keyframe_start(self.packet_mime, payload) if self.kind == "video" else True
        ntp = clock.current_ntp_time()
        seq, ts, marker = packet.sequence_number, packet.timestamp, packet.marker
        for sink in list(self.packet_sinks):
            sink.send(seq, ts, marker, payload, key, ntp)

    def attach_packets(self, sink: PacketForward) -> None:
        self.packet_sinks.add(sink)
        self.request_keyframe()

    def detach_packets(self, sink: PacketForward) -> None:
        self.packet_sinks.discard(sink)

    async def _pump(self) -> None:
        from realtime.video.passthrough import vp8_size

        try:
            while True:
                frame = await self.source.recv()
                if not isinstance(frame, EncodedFrame):  # pragma: no cover - hook missing
                    raise RuntimeError("the passthrough hook is not installed")
                self.frames += 1
                self.mime_type = frame.mime_type
                if frame.keyframe and self.kind == "video" and frame.mime_type == "video/VP8":
                    self.size = vp8_size(frame.data) or self.size
                if not self.enabled or not self.sinks:
                    continue
                packet = av.Packet(frame.data)
                packet.pts = frame.timestamp
                packet.dts = frame.timestamp
                packet.time_base = frame.time_base
                for sink in list(self.sinks):
                    sink.push(frame, packet)
        except (MediaStreamError, asyncio.CancelledError):
            pass
        finally:
            for sink in list(self.sinks):
                sink.end()
            self.sinks.clear()
            for packet_sink in list(self.packet_sinks):
                packet_sink.end()
            self.packet_sinks.clear()
            self._on_ended(self)

    def request_keyframe(self) -> None:
        """Ask the publisher for a keyframe (a PLI), unless one was asked for within
        `keyframe_interval`; nothing for audio."""
        if self.kind != "video":
            return
        now = time.monotonic()
        if now - self._last_request < self.keyframe_interval:
            return
        self._last_request = now
        for source in self.receiver.getSynchronizationSources():
            self.keyframe_requests += 1
            # RTCRtpReceiver._send_rtcp_pli (aiortc PINNED_AIORTC): the receiver's own PLI.
            task = asyncio.ensure_future(self.receiver._send_rtcp_pli(source.source))
            task.add_done_callback(_log_failure)

    def reencoded(self) -> ReencodeTrack:
        """A track of this publication decoded once (shared) for a receiver to encode."""
        if self._decoded is None or self._decoded not in self.sinks:
            self._decoded = DecodedPublication(self)
        return ReencodeTrack(self._decoded)

    def attach(self, sink: Sink) -> None:
        self.sinks.add(sink)
        self.request_keyframe()

    def detach(self, sink: Sink) -> None:
        self.sinks.discard(sink)

    async def stop(self) -> None:
        self._task.cancel()
        await asyncio.gather(self._task, return_exceptions=True)

    @property
    def done(self) -> bool:
        return self._task.done()


def _log_failure(task: asyncio.Future[Any]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.debug("keyframe request failed: %s", task.exception())


class ForwardTrack(MediaStreamTrack):
    """What one receiver gets of one publication: `av.Packet`s for its sender to pack."""

    def __init__(self, publication: Publication) -> None:
        super().__init__()
        self.kind = publication.kind
        self.publication = publication
        self.forwarded = 0
        self.dropped = 0
        self._queue: asyncio.Queue[av.Packet | None] = asyncio.Queue()
        self._waiting_keyframe = publication.kind == "video"
        publication.attach(self)

    def push(self, frame: EncodedFrame, packet: av.Packet) -> None:
        if self.readyState != "live":
            return
        if self._waiting_keyframe:
            if not frame.keyframe:
                self.dropped += 1
                return
            self._waiting_keyframe = False
        if self._queue.qsize() >= FORWARD_QUEUE:
            self._clear()
            self.dropped += FORWARD_QUEUE
            if self.kind == "video":
                self._waiting_keyframe = True
                self.publication.request_keyframe()
            return
        self.forwarded += 1
        self._queue.put_nowait(packet)

    def _clear(self) -> None:
        while not self._queue.empty():
            self._queue.get_nowait()

    def end(self) -> None:
        self._clear()
        self._queue.put_nowait(None)

    async def recv(self) -> av.Packet:
        if self.readyState != "live":
            raise MediaStreamError
        packet = await self._queue.get()
        if packet is None:
            self.stop()
            raise MediaStreamError
        return packet

    def stop(self) -> None:
        super().stop()
        self.publication.detach(self)
        self._clear()


def attach_sender(sender: RTCRtpSender, track: ForwardTrack) -> None:
    """Send `track` on `sender`, with the sender's keyframe requests (PLI/FIR from the
    receiving browser) forwarded to the publisher instead of ignored."""
    sender.replaceTrack(track)
    # RTCRtpSender._send_keyframe (aiortc PINNED_AIORTC) only sets a flag for its own
    # encoder, which the packet path does not have.
    sender._send_keyframe = track.publication.request_keyframe  # type: ignore[method-assign]


class DecodedPublication:
    """The fallback: a publication decoded once (on the event loop, frame by frame) for
    the receivers that cannot take its codec; each such receiver's sender then encodes
    what it is given (`ReencodeTrack`), so only they cost an encoder."""

    def __init__(self, publication: Publication) -> None:
        from aiortc.codecs import get_decoder
        from aiortc.rtcrtpparameters import RTCRtpCodecParameters

        self._get_decoder = get_decoder
        self._parameters = RTCRtpCodecParameters
        self.publication = publication
        self.tracks: set[ReencodeTrack] = set()
        self.decoded = 0
        self._decoder: Any = None
        self._mime: str | None = None
        self._waiting_keyframe = publication.kind == "video"
        publication.attach(self)

    def push(self, frame: EncodedFrame, packet: av.Packet) -> None:
        from aiortc.jitterbuffer import JitterFrame

        if not self.tracks:
            return
        if self._waiting_keyframe:
            if not frame.keyframe:
                return
            self._waiting_keyframe = False
        if self._decoder is None or self._mime != frame.mime_type:
            self._mime = frame.mime_type
            self._decoder = self._get_decoder(
                self._parameters(
                    mimeType=frame.mime_type,
                    clockRate=frame.clock_rate,
                    channels=2 if frame.mime_type.lower() == "audio/opus" else None,
                )
            )
        try:
            decoded = self._decoder.decode(JitterFrame(data=frame.data, timestamp=frame.timestamp))
        except av.FFmpegError:
            self._waiting_keyframe = self.publication.kind == "video"
            self.publication.request_keyframe()
            return
        for out in decoded:
            self.decoded += 1
            for track in list(self.tracks):
                track.offer(out)

    def end(self) -> None:
        for track in list(self.tracks):
            track.finish()
        self.publication.detach(self)


class ReencodeTrack(MediaStreamTrack):
    """What one receiver that cannot take the publisher's codec gets: decoded frames, for
    its sender to encode (its own keyframe requests then work as aiortc's do)."""

    def __init__(self, decoded: DecodedPublication) -> None:
        super().__init__()
        self.kind = decoded.publication.kind
        self.publication = decoded.publication
        self.decoded = decoded
        self.forwarded = 0
        self._queue: asyncio.Queue[Any] = asyncio.Queue()
        decoded.tracks.add(self)
        self.publication.request_keyframe()

    def offer(self, frame: Any) -> None:
        if self.readyState != "live":
            return
        if self._queue.qsize() >= FORWARD_QUEUE:
            self._queue.get_nowait()  # behind: the oldest decoded frame goes
        self.forwarded += 1
        self._queue.put_nowait(frame)

    def finish(self) -> None:
        self._queue.put_nowait(None)

    async def recv(self) -> Any:
        if self.readyState != "live":
            raise MediaStreamError
        frame = await self._queue.get()
        if frame is None:
            self.stop()
            raise MediaStreamError
        return frame

    def stop(self) -> None:
        super().stop()
        self.decoded.tracks.discard(self)
