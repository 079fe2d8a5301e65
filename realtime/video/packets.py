"""The packet path: forwarding RTP packets to each receiver as an SFU does (pinned aiortc).

The frame path (`relay.ForwardTrack`) hands each receiver's `RTCRtpSender` a depayloaded
frame, which it packetises again (VP8 payloader, `RtpPacket`, header extensions,
`serialize`), protects and sends through several awaits (`RTCDtlsTransport._send_rtp` →
`RTCIceTransport._send` → aioice): 115–225 µs of CPU per frame and receiver. Here each RTP
packet the publisher's receiver accepts (after SRTP unprotect, RTX unwrap and the
receiver's own NACK bookkeeping: the tap on its jitter buffer, `passthrough.tap_packets`)
goes, for every receiver of the publication, through `PacketForward.send`: the 12-byte
header rewritten (the receiver's payload type, SSRC, sequence number and timestamp with
per-receiver offsets), a header extension block with only the receiver's `mid` (the
publisher's extensions are stripped: their ids are the publisher's negotiation, not the
receiver's), protected with the receiver's SRTP session and sent with one `sendto` on the
receiver's selected ICE pair, synchronously, on the event loop that received the packet.

What aiortc's sender did and this keeps:

- NACK: each receiving video sender keeps the last `HISTORY` packets it sent (unprotected);
  its `_retransmit` (called by aiortc for each sequence number of a NACK) answers from that
  history, wrapped as RTX when the receiver negotiated RTX (RFC 4588), as aiortc does;
- PLI/FIR: the sender's `_send_keyframe` goes to `Publication.request_keyframe`
  (rate-limited PLI to the publisher, relay.py); a receiver attached to a publication asks
  for a keyframe and drops packets until a keyframe's first packet (VP8: S bit, partition
  0, P bit clear; H.264: IDR or SPS), then starts its offsets there;
- RTCP sender reports: the sender's own RTCP task still sends them, from its packet and
  octet counters and its last (NTP, RTP) timestamps, which `send` updates;
- continuity: the sequence numbers and timestamps a sender emits are kept on the sender
  (`SenderState`), so when its slot switches to another publication, or forwarding
  resumes after a revoke or a drop, they go on without a jump back (the timestamp advances
  by the wall-clock time since the last packet); a receiver sees no hole it would NACK.

The internals of aiortc `passthrough.PINNED_AIORTC` used here (docs/video.md lists them):
`RTCRtpSender._ssrc`, `._rtx_ssrc`, `._retransmit(seq)`, the name-mangled counters
`__packet_count`, `__octet_count`, `__ntp_timestamp`, `__rtp_timestamp` read by its
`_run_rtcp`; `RTCRtpTransceiver._codecs` and `._headerExtensions` (what the receiver
negotiated); `RTCDtlsTransport._state` and `._tx_srtp` (a pylibsrtp `Session` made with
`allow_repeat_tx`, so a retransmission may be protected again); `RTCIceTransport._connection`
and aioice's `Connection._nominated[1]` (the selected pair: `protocol.transport.sendto`,
`remote_addr`).
"""

from __future__ import annotations

import asyncio
import logging
import struct
import time
from typing import Any

from aiortc.mediastreams import MediaStreamError, MediaStreamTrack
from aiortc.rtcdtlstransport import State as DtlsState
from aiortc.rtcrtpsender import random_sequence_number
from aiortc.utils import random32

log = logging.getLogger(__name__)

#: Video packets each receiving sender keeps to answer NACKs (as aiortc's RTP_HISTORY_SIZE:
#: about 3 s of 360p video; N × (N − 1) senders × 128 × ~1.2 KB is 37 MB at N = 16). Audio
#: keeps none: aiortc and browsers negotiate NACK for video only.
HISTORY = 128
_MASK = HISTORY - 1
_MID_URI = "urn:ietf:params:rtp-hdrext:sdes:mid"
_header = struct.Struct("!BBHII")
_seq = struct.Struct("!H")


def keyframe_start(mime: str, payload: bytes) -> bool:
    """Whether an RTP payload is the first packet of a frame a decoder can start from:
    VP8 (RFC 7741 §4.2: S bit, partition 0, then the VP8 header's P bit clear), H.264
    (RFC 6184: a single IDR or SPS NAL unit, a STAP-A holding one, an FU-A starting one);
    any audio packet."""
    if not payload:
        return False
    if mime == "video/vp8":
        first = payload[0]
        if first & 0x17 != 0x10:  # S = 1 and PID = 0
            return False
        i = 1
        if first & 0x80:  # X: the extension byte
            if len(payload) < 2:
                return False
            ext = payload[1]
            i = 2
            if ext & 0x80:  # I: picture id, 7 or 15 bits
                if len(payload) <= i:
                    return False
                i += 2 if payload[i] & 0x80 else 1
            if ext & 0x40:  # L: TL0PICIDX
                i += 1
            if ext & 0x30:  # T or K: TID/Y/KEYIDX
                i += 1
        return len(payload) > i and payload[i] & 0x01 == 0
    if mime == "video/h264":
        nal = payload[0] & 0x1F
        if nal in (5, 7):
            return True
        if nal == 24:  # STAP-A: [size:2][nal]...
            i = 1
            while i + 2 < len(payload):
                size = int.from_bytes(payload[i : i + 2], "big")
                if payload[i + 2] & 0x1F in (5, 7):
                    return True
                i += 2 + size
            return False
        if nal == 28 and len(payload) > 1:  # FU-A: the start of a fragmented IDR
            return payload[1] & 0x80 != 0 and payload[1] & 0x1F == 5
        return False
    return not mime.startswith("video/")


class SenderState:
    """What one receiving `RTCRtpSender` has emitted on the packet path (kept on the sender
    across the publications its slot carries), and where it sends."""

    __slots__ = (
        "at",
        "ext",
        "history",
        "retransmitted",
        "rtx_pt",
        "rtx_seq",
        "sender",
        "seq",
        "ts",
    )

    def __init__(self, sender: Any) -> None:
        self.sender = sender
        self.seq = random_sequence_number()  # the last sequence number sent
        self.ts = random32()  # the last timestamp sent
        self.at: float | None = None  # when (monotonic) that timestamp was sent
        self.ext = b""
        self.history: list[bytes | None] = [None] * HISTORY
        self.rtx_pt: int | None = None
        self.rtx_seq = random_sequence_number()
        self.retransmitted = 0

    @classmethod
    def of(cls, sender: Any) -> SenderState:
        state: SenderState | None = getattr(sender, "_yishi_packets", None)
        if state is None:
            state = cls(sender)
            sender._yishi_packets = state
            # RTCRtpSender._retransmit (PINNED_AIORTC): called for each NACKed number
            sender._retransmit = state.retransmit
        return state

    def _pair(self) -> Any:
        """The receiver's selected ICE pair, or None while its DTLS is not connected."""
        dtls = self.sender.transport
        # RTCDtlsTransport._state, RTCIceTransport._connection, aioice Connection._nominated
        if dtls is None or dtls._state is not DtlsState.CONNECTED:
            return None
        pair = dtls.transport._connection._nominated.get(1)
        if pair is None or pair.protocol.transport is None:
            return None
        return pair

    def _send(self, data: bytes) -> bool:
        pair = self._pair()
        if pair is None:
            return False
        # RTCDtlsTransport._tx_srtp: the receiver's SRTP session
        pair.protocol.transport.sendto(
            self.sender.transport._tx_srtp.protect(data), pair.remote_addr
        )
        return True

    async def retransmit(self, sequence_number: int) -> None:
        """Answer one NACKed sequence number from the history (as RTX if negotiated)."""
        data = self.history[sequence_number & _MASK]
        if data is None or _seq.unpack_from(data, 2)[0] != sequence_number:
            return  # not sent by us, or too old
        if self.rtx_pt is not None:
            b0, b1, _s, ts, _ssrc = _header.unpack_from(data)
            head = 12 + len(self.ext)
            self.rtx_seq = (self.rtx_seq + 1) & 0xFFFF
            data = (
                _header.pack(b0, (b1 & 0x80) | self.rtx_pt, self.rtx_seq, ts, self.sender._rtx_ssrc)
                + self.ext
                + data[2:4]
                + data[head:]
            )
        if self._send(data):
            self.retransmitted += 1


class PacketForward(MediaStreamTrack):
    """What one receiver gets of one publication on the packet path. It is its sender's
    track only so that aiortc's sender task waits on it (and sends nothing itself); the
    packets go out through `send`, called by the publication for each packet it receives."""

    def __init__(self, publication: Any, transceiver: Any) -> None:
        super().__init__()
        self.kind = publication.kind
        self._video = publication.kind == "video"
        self.publication = publication
        self.transceiver = transceiver
        self.sender = transceiver.sender
        self.state = SenderState.of(self.sender)
        self.forwarded = 0  # packets sent
        self.dropped = 0  # packets not sent while waiting for a keyframe
        self.waiting = True  # for the first packet to start from (a keyframe's, for video)
        self.pt: int | None = None  # the receiver's payload type for the publisher's codec
        self.refused = False  # the receiver did not negotiate the publisher's codec
        self._b0 = 0x80
        self._clock = 90000
        self._seq_off = 0
        self._ts_off = 0
        # the sender's keyframe requests (PLI/FIR from the receiver) go to the publisher
        self.sender._send_keyframe = publication.request_keyframe
        self.sender.replaceTrack(self)
        publication.attach_packets(self)

    def _negotiate(self, mime: str, clock_rate: int) -> bool:
        """The receiver's payload type, RTX payload type and mid extension for `mime`."""
        codecs = self.transceiver._codecs  # RTCRtpTransceiver._codecs (PINNED_AIORTC)
        codec = next((c for c in codecs if c.mimeType.lower() == mime), None)
        if codec is None:
            self.refused = True
            return False
        self.pt = codec.payloadType
        self._clock = clock_rate
        state = self.state
        state.rtx_pt = next(
            (
                c.payloadType
                for c in codecs
                if c.mimeType.lower().endswith("/rtx") and c.parameters.get("apt") == self.pt
            ),
            None,
        )
        mid = (self.transceiver.mid or "").encode()
        ext_id = next((e.id for e in self.transceiver._headerExtensions if e.uri == _MID_URI), None)
        if ext_id is not None and 0 < len(mid) <= 16 and 0 < ext_id < 15:
            element = bytes([(ext_id << 4) | (len(mid) - 1)]) + mid
            element += b"\x00" * (-len(element) % 4)
            state.ext = b"\xbe\xde" + _seq.pack(len(element) // 4) + element
            self._b0 = 0x90  # version 2, X
        else:
            state.ext = b""
            self._b0 = 0x80
        return True

    def resync(self) -> None:
        """Start again from the next packet a decoder can start from (a keyframe's)."""
        self.waiting = True

    def send(self, seq: int, ts: int, marker: int, payload: bytes, key: bool, ntp: int) -> None:
        """Forward one of the publisher's packets (its number, timestamp, marker, payload;
        whether a decoder can start from it; the NTP time now)."""
        if self.waiting:
            if self.refused:
                self.dropped += 1
                return
            if self.state._pair() is None:
                # not connected yet (a forward is attached when the answer is made): a
                # keyframe sent now would be lost, so wait for one after connecting
                self.dropped += 1
                return
            if not key:
                # keep asking (the publication sends a PLI at most every 0.5 s): the one
                # asked for on attaching may have come before the receiver connected
                self.publication.request_keyframe()
                self.dropped += 1
                return
            if self.pt is None and not self._negotiate(
                self.publication.packet_mime, self.publication.clock_rate
            ):
                self.dropped += 1
                return
            # go on from what the sender sent last: no hole, no step back
            state = self.state
            self._seq_off = (state.seq + 1 - seq) & 0xFFFF
            start = state.ts
            if state.at is not None:
                start += max(1, int((time.monotonic() - state.at) * self._clock))
            self._ts_off = (start - ts) & 0xFFFFFFFF
            self.waiting = False
        state = self.state
        out_seq = (seq + self._seq_off) & 0xFFFF
        out_ts = (ts + self._ts_off) & 0xFFFFFFFF
        data = (
            _header.pack(self._b0, (marker << 7) | self.pt, out_seq, out_ts, self.sender._ssrc)  # type: ignore[operator]
            + state.ext
            + payload
        )
        if self._video:
            state.history[out_seq & _MASK] = data
        if (out_seq - state.seq) & 0xFFFF < 0x8000:  # newer than the last sent
            state.seq = out_seq
            state.ts = out_ts
            state.at = time.monotonic()
        if not state._send(data):
            self.waiting = True  # disconnected: start again at a keyframe once it is back
            return
        self.forwarded += 1
        sender = self.sender
        # the counters and timestamps aiortc's _run_rtcp puts in the sender reports
        sender._RTCRtpSender__packet_count += 1
        sender._RTCRtpSender__octet_count += len(payload)
        sender._RTCRtpSender__ntp_timestamp = ntp
        sender._RTCRtpSender__rtp_timestamp = out_ts

    async def recv(self) -> Any:
        """Never returns: aiortc's sender task waits here (sending nothing itself) until
        the sender stops and cancels it. Not ended by `stop`, so that a sender whose slot
        carries another publication next does not stop the new track when it wakes."""
        if self.readyState != "live":
            raise MediaStreamError
        await asyncio.get_running_loop().create_future()
        raise MediaStreamError  # pragma: no cover - never resolved

    def end(self) -> None:
        self.stop()

    def stop(self) -> None:
        super().stop()
        self.publication.detach_packets(self)
