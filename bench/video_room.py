"""How large a 云视频 room this machine forwards at 360p, and what forwarding saves over
re-encoding per receiver (issue 15).

On loopback: the media server in its own process (`realtime.video.server.VideoServer`, as
the service runs it: mode `forward`, the packet path; mode `frames`, the frame path it
had before, `packet_path=False`; or with mode `reencode` a plain aiortc relay that decodes
each publisher once and encodes once per receiver, aiortc's `MediaRelay` way) and N synthetic
participants spread over several processes (`--per-process`, 4 by default: one Python
process cannot receive 16 rooms' worth of streams, and its stalls would be counted as the
server's). Each participant publishes a 640×360 VP8 camera at 15 fps and a 20 ms Opus
microphone and receives everyone else. To leave the machine's CPU to the server, the
participants send pre-encoded frames (one second of VP8 encoded once and looped, a keyframe
each second) and count what they receive at the RTP level without decoding it (see
`_Pair` and `_light_receiver`: aiortc still does ICE, DTLS and SRTP; the jitter buffer,
depacketiser and NACK generator are skipped, so the clients do not NACK). Signalling goes
over pipes (the GraphQL path is tested in tests/test_video_*.py; here only media is
measured).

    .venv/bin/python bench/video_room.py --sizes 4,8,12,16 --seconds 10 --mode both

Per size and mode it measures, over `--seconds` after a warm-up:

- video: each (receiver, publisher) pair's **decodable** frames per second — a frame is
  complete when every packet from the one after the previous marker to its own marker
  arrived in consecutive sequence numbers, and decodable when it is complete and so was
  every frame since the last VP8 keyframe (a lost packet makes the next frames
  undecodable until the next keyframe) — and their distribution (min, p5, median), each
  over the receiving process's own counting window;
- audio: each pair's packets per second, lost packets (holes in the RTP sequence numbers)
  and gaps: a hole of 3 or more packets (60 ms) or a pause of more than 120 ms between
  arrivals;
- CPU (% of one core, user + system) of the server process, its event-loop thread, per
  participant, and of all the participants' processes together;
- packet loss: the kernel's UDP receive-buffer drops of the server's and the participants'
  sockets (`/proc/net/udp`), the machine's UDP RcvbufErrors (`/proc/net/snmp`, what
  `netstat -su` shows), and the RTP packets the receivers found missing;
- the machine's load (`uptime`) before and after.

A room is **served** at a size when every pair gets ≥ 14.5 decodable fps (15 sent, counting
resolution one frame in the window) and no audio gap. Results are printed as a table and
saved to bench/results/video_room-<UTC time>.json and .txt (`--out` to choose).
"""

from __future__ import annotations

import argparse
import asyncio
import fractions
import json
import logging
import multiprocessing as mp
import os
import random
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from realtime.video.packets import keyframe_start

FPS = 15
WIDTH, HEIGHT = 640, 360
VIDEO_TICKS = 90000 // FPS  # RTP clock ticks per video frame
AUDIO_TICKS = 960  # 20 ms at 48 kHz
SERVED_FPS = 14.5
GAP_PACKETS = 3  # a hole of 60 ms of audio
GAP_PAUSE = 0.120  # seconds between two audio packets
RESULTS = Path(__file__).resolve().parent / "results"


def _now() -> str:
    return time.strftime("%H:%M:%S", time.gmtime())


def _phase(what: str) -> None:
    print(f"{_now()} {what}", file=sys.stderr, flush=True)


# -- the server process ----------------------------------------------------------------------


def _run_loop(coroutine: Any, loop: str) -> None:
    """Run on uvloop (what the service runs on: uvicorn's `loop="auto"` takes it when it is
    installed) or on asyncio's own loop."""
    if loop == "uvloop":
        import uvloop

        uvloop.run(coroutine)
    else:
        asyncio.run(coroutine)


def serve(conn: Any, mode: str, socket_buffer: int | None, loop: str) -> None:
    _run_loop(_serve(conn, mode, socket_buffer), loop)


async def _serve(conn: Any, mode: str, socket_buffer: int | None) -> None:
    loop = asyncio.get_running_loop()
    closes: list[dict[str, Any]] = []  # the server's peers that ended, and why
    if mode in ("forward", "frames"):
        from realtime.video.server import VideoServer

        kwargs: dict[str, Any] = {"packet_path": mode == "forward"}
        if socket_buffer is not None:
            kwargs["socket_buffer"] = socket_buffer

        async def closed(info: Any, reason: str) -> None:
            closes.append({"at": time.time(), "user": info.user_id, "reason": reason})

        server = VideoServer(
            ice_addresses=["127.0.0.1"],
            storage_dir=Path("/tmp/yishi-bench"),
            disconnect_timeout=60.0,  # a loaded machine connects slowly
            on_closed=closed,
            **kwargs,
        )

        async def answer(user: int, sdp: str, first: bool) -> str:
            if first:
                a = await server.join(
                    tenant_id=1, room_id=1, user_id=user, attendance_id=user, publish=True, sdp=sdp
                )
            else:
                a = await server.renegotiate(
                    tenant_id=1, room_id=1, user_id=user, publish=True, sdp=sdp
                )
            return a.sdp

        close = server.close
    else:
        answer, close = _reencoding_server(socket_buffer)
    conn.send(("ready", threading.get_native_id()))
    while True:
        message = await loop.run_in_executor(None, conn.recv)
        if message is None:
            break
        if message == "report":  # each receiving slot now (bench diagnostics)
            conn.send(_forwards(server) if mode in ("forward", "frames") else [])
            continue
        user, sdp, first = message
        conn.send(await answer(user, sdp, first))
    await close()
    conn.send(("closed", closes))


def _forwards(server: Any) -> list[list[Any]]:
    """Each receiving slot of the server at the end: [receiver, mid, kind, publisher,
    packets forwarded, dropped, still waiting for a keyframe, codec refused, the sender's
    SSRC] (publisher None: a receiving m-line given no publication)."""
    rows: list[list[Any]] = []
    for (_, user), peer in server.peers.items():
        for transceiver in peer.pc.getTransceivers():
            if transceiver._offerDirection not in ("sendonly", "sendrecv"):
                continue
            f = peer.forwards.get(transceiver.mid)
            ssrc = transceiver.sender._ssrc
            if f is None:
                rows.append([user, transceiver.mid, transceiver.kind, None, 0, 0, None, None, ssrc])
                continue
            rows.append(
                [
                    user,
                    transceiver.mid,
                    f.kind,
                    f.publication.user_id,
                    getattr(f, "forwarded", None),
                    getattr(f, "dropped", None),
                    getattr(f, "waiting", None),
                    getattr(f, "refused", None),
                    ssrc,
                ]
            )
    return rows


def _reencoding_server(socket_buffer: int | None) -> tuple[Any, Any]:
    """A relay that decodes each publisher once (MediaRelay) and encodes per receiver."""
    from aiortc import RTCBundlePolicy, RTCConfiguration, RTCPeerConnection, RTCSessionDescription
    from aiortc.contrib.media import MediaRelay

    from realtime.video import ice

    ice.use_host_addresses(["127.0.0.1"])
    ice.use_socket_buffer(socket_buffer or ice.DEFAULT_SOCKET_BUFFER)
    relay = MediaRelay()
    peers: dict[int, Any] = {}
    published: dict[int, list[Any]] = {}
    given: dict[int, set[int]] = {}

    async def answer(user: int, sdp: str, first: bool) -> str:
        if first:
            pc = RTCPeerConnection(
                RTCConfiguration(iceServers=[], bundlePolicy=RTCBundlePolicy.MAX_BUNDLE)
            )
            peers[user] = pc
            published[user] = []
            given[user] = set()
            pc.on("track", lambda track, u=user: published[u].append(track))
        pc = peers[user]
        await pc.setRemoteDescription(RTCSessionDescription(sdp=sdp, type="offer"))
        free = [
            t
            for t in pc.getTransceivers()
            if t._offerDirection == "sendonly" and t.sender.track is None
        ]
        for other, tracks in published.items():
            if other == user or id(tracks) in given[user]:
                continue
            for track in tracks:
                slot = next((t for t in free if t.kind == track.kind), None)
                if slot is None:
                    break
                free.remove(slot)
                slot.sender.replaceTrack(relay.subscribe(track))
                slot.direction = "sendonly"
            given[user].add(id(tracks))
        await pc.setLocalDescription(await pc.createAnswer())
        return pc.localDescription.sdp

    async def close() -> None:
        for pc in peers.values():
            await pc.close()

    return answer, close


# -- the participants' processes -------------------------------------------------------------


def _encoded_second() -> list[bytes]:
    """One second of 360p VP8 at 15 fps, the first frame a keyframe (encoded once)."""
    import av

    codec = av.CodecContext.create("libvpx", "w")
    codec.width, codec.height, codec.pix_fmt = WIDTH, HEIGHT, "yuv420p"
    codec.time_base = fractions.Fraction(1, 90000)
    codec.bit_rate = 500_000
    codec.options = {"g": str(FPS), "deadline": "realtime", "cpu-used": "8", "lag-in-frames": "0"}
    codec.open()
    out: list[bytes] = []
    for i in range(FPS):
        frame = av.VideoFrame(WIDTH, HEIGHT, "yuv420p")
        noise = random.Random(i)
        for n, plane in enumerate(frame.planes):
            # a gradient with a moving patch of noise: about a camera's 0.5 Mbit/s
            rows = [
                bytearray((x + y + n * 40) % 256 for x in range(plane.line_size))
                for y in range(plane.buffer_size // plane.line_size)
            ]
            for y in range(len(rows) // 4):
                start = (i * 8 + y) % (plane.line_size // 2)
                rows[y + len(rows) // 3][start : start + 24] = noise.randbytes(24)
            plane.update(b"".join(rows))
        frame.pts = i * VIDEO_TICKS
        frame.time_base = fractions.Fraction(1, 90000)
        out += [bytes(p) for p in codec.encode(frame)]
    out += [bytes(p) for p in codec.encode(None)]
    assert len(out) == FPS and out[0][0] & 1 == 0, "expected 15 frames, a keyframe first"
    return out


def participants(
    conn: Any, users: list[int], size: int, socket_buffer: int | None, loop: str
) -> None:
    _run_loop(_participants(conn, users, size, socket_buffer), loop)


class _ConsentExpiries(logging.Handler):
    """Counts aioice's "Consent to send expired" (RFC 7675: no answer to a consent check
    within its 0.5 s, six times in a row), after which the peer closes itself."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        if "Consent to send expired" in record.getMessage():
            self.count += 1


class _Pair:
    """What one receiver got of one remote track during the window, counted at the RTP
    level (after SRTP unprotect, before any jitter buffer; `_light_receiver`).

    Video: a frame is *complete* when every packet from the one after the previous
    marker to its own marker arrived, in consecutive sequence numbers; it is *decodable*
    when it is complete and every frame since the last VP8 keyframe was too (the keyframe
    told from its first packet: S bit, partition 0, P bit clear). One missing or
    out-of-order packet makes the frames up to the next keyframe undecodable (stricter than
    a browser, which would NACK and wait: these clients do not NACK). Audio: each Opus
    packet counts; a hole (missing sequence numbers) of `GAP_PACKETS` or more, or a pause
    of more than `GAP_PAUSE` between two arrivals, is a gap."""

    __slots__ = (
        "at_frame_start",
        "decodable",
        "frames",
        "gaps",
        "in_frame_ok",
        "kind",
        "last_arrival",
        "lost",
        "max_pause",
        "mid",
        "next_seq",
        "ok",
        "packets",
    )

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.mid: str | None = None
        self.frames = 0  # complete video frames, or audio packets
        self.decodable = 0
        self.packets = 0
        self.ok = False  # video: decodable so far (from a keyframe, nothing missing)
        self.in_frame_ok = False  # video: this frame's packets so far all arrived in order
        self.at_frame_start = False  # video: the previous packet had the marker
        self.next_seq: int | None = None
        self.lost = 0
        self.gaps = 0
        self.last_arrival: float | None = None
        self.max_pause = 0.0

    def packet(self, seq: int, marker: int, payload: bytes, counting: bool, now: float) -> None:
        missing = 0
        if self.next_seq is not None:
            missing = (seq - self.next_seq) & 0xFFFF
            if missing >= 0x8000:  # older than expected: late or repeated
                return
        self.next_seq = (seq + 1) & 0xFFFF
        if counting:
            self.packets += 1
            self.lost += missing
        if self.kind == "video":
            if missing:
                self.ok = False  # a lost packet: this frame, and the next ones, are broken
                self.in_frame_ok = False
                self.at_frame_start = False
            if self.at_frame_start:
                if keyframe_start("video/vp8", payload):
                    self.ok = True
                self.in_frame_ok = True
                self.at_frame_start = False
            if marker:
                if counting:
                    self.frames += self.in_frame_ok
                    self.decodable += self.in_frame_ok and self.ok
                self.at_frame_start = True
            return
        if counting:
            self.frames += 1
            pause = now - self.last_arrival if self.last_arrival is not None else 0.0
            self.max_pause = max(self.max_pause, pause)
            if missing >= GAP_PACKETS or pause > GAP_PAUSE:
                self.gaps += 1
        self.last_arrival = now


def _light_receiver(
    pc: Any,
    pairs_of: dict[Any, _Pair],
    counting: list[bool],
    uncounted: dict[int, int],
    seen: dict[int, int],
) -> None:
    """Count what `pc` receives at the RTP level: its DTLS transport's `_handle_rtp_data`
    (aiortc PINNED_AIORTC: called with each datagram after SRTP unprotect) reads the
    12-byte header itself and hands sequence number, marker and payload to the pair of the
    receiver whose SSRC the answer signalled; no `RtpPacket`, jitter buffer, depacketiser
    or NACK generator. Anything else (an unknown SSRC, RTX) goes on to aiortc's own handler.

    The SSRCs are the ones each receiver was registered with (`_register_rtp_receiver`,
    from the answer's a=ssrc lines), not aiortc's routing table: that table also learns an
    unknown SSRC for the one receiver of its payload type (`RtpRouter.route_rtp`). When a
    participant that receives one publisher renegotiates to receive more, the server starts
    forwarding the new slots as soon as it has answered, before the client has applied the
    answer; routed by that table, those first packets went to the one receiver's pair and
    moved its expected sequence number into another stream's, after which its own packets
    looked old and were never counted (a pair "receiving nothing", 1 run in 5 at N = 16)."""
    import pylibsrtp
    from aiortc.rtp import is_rtcp

    dtls = pc.getTransceivers()[0].receiver.transport
    real = dtls._handle_rtp_data
    signalled: dict[int, Any] = {}  # SSRC → the receiver the answer gave it
    register = dtls._register_rtp_receiver

    def register_rtp_receiver(receiver: Any, parameters: Any) -> None:
        for encoding in parameters.encodings:
            signalled[encoding.ssrc] = receiver
        register(receiver, parameters)

    dtls._register_rtp_receiver = register_rtp_receiver
    monotonic = time.monotonic
    loop = asyncio.get_running_loop()

    def count(data: bytes) -> bool:
        """Count one unprotected RTP packet; False when no counted receiver has its SSRC."""
        if len(data) < 12:
            return True
        ssrc = int.from_bytes(data[8:12], "big")
        if counting[0]:
            seen[ssrc] = seen.get(ssrc, 0) + 1
        pair = pairs_of.get(signalled.get(ssrc))
        if pair is None:
            if counting[0]:
                uncounted[ssrc] = uncounted.get(ssrc, 0) + 1
            return False
        first = data[0]
        offset = 12 + 4 * (first & 0x0F)
        if first & 0x10 and len(data) >= offset + 4:
            offset += 4 + 4 * int.from_bytes(data[offset + 2 : offset + 4], "big")
        pair.packet(
            (data[2] << 8) | data[3],
            data[1] >> 7,
            data[offset : offset + 16],
            counting[0],
            monotonic(),
        )
        return True

    async def handle(data: bytes, arrival_time_ms: int) -> None:
        if not count(data):
            await real(data, arrival_time_ms)

    dtls._handle_rtp_data = handle

    # SRTP packets are taken where aioice hands the datagram over (Connection.data_received,
    # aioice's StunProtocol calls it on the instance): unprotected and counted at once,
    # without aioice's queue and the DTLS transport's receive loop (a queue put and get and
    # two coroutine steps a packet: a third of a receiving client's CPU at N = 16).
    # Everything else (STUN is handled before, DTLS, SRTCP) takes aiortc's way.
    ice_connection = dtls.transport._connection
    queued = ice_connection.data_received
    pending: set[asyncio.Task[None]] = set()

    def data_received(data: bytes, component: int) -> None:
        srtp = dtls._rx_srtp
        if srtp is None or not data or not 127 < data[0] < 192 or is_rtcp(data):
            queued(data, component)
            return
        try:
            plain = srtp.unprotect(data)
        except pylibsrtp.Error:
            if counting[0]:  # keyed by the SSRC (not encrypted), negated: told apart
                ssrc = -int.from_bytes(data[8:12], "big")
                uncounted[ssrc] = uncounted.get(ssrc, 0) + 1
            return
        if not count(plain):  # not a counted receiver's: aiortc's own handler, in order
            task = loop.create_task(real(plain, int(monotonic() * 1000)))
            pending.add(task)
            task.add_done_callback(pending.discard)

    ice_connection.data_received = data_received


async def _participants(conn: Any, users: list[int], size: int, socket_buffer: int | None) -> None:
    import av
    from aiortc import RTCBundlePolicy, RTCConfiguration, RTCPeerConnection, RTCSessionDescription
    from aiortc.mediastreams import MediaStreamTrack

    from realtime.video import ice, passthrough

    passthrough.install()
    ice.use_host_addresses(["127.0.0.1"])
    ice.use_socket_buffer(socket_buffer or ice.DEFAULT_SOCKET_BUFFER)  # as the server's
    ice.demux_media_first()  # as the server's
    consent = _ConsentExpiries()
    logging.getLogger("aioice.ice").addHandler(consent)
    logging.getLogger("aioice.ice").setLevel(logging.INFO)
    second = _encoded_second()
    loop = asyncio.get_running_loop()

    class Camera(MediaStreamTrack):
        kind = "video"

        def __init__(self) -> None:
            super().__init__()
            self.n = 0
            self.start = time.monotonic()

        async def recv(self) -> av.Packet:
            self.n += 1
            wait = self.start + self.n / FPS - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            packet = av.Packet(second[self.n % len(second)])
            packet.pts = self.n * VIDEO_TICKS
            packet.time_base = fractions.Fraction(1, 90000)
            return packet

    class Microphone(MediaStreamTrack):
        """20 ms Opus packets, encoded once (silence)."""

        kind = "audio"

        def __init__(self, payload: bytes) -> None:
            super().__init__()
            self.payload, self.n, self.start = payload, 0, time.monotonic()

        async def recv(self) -> av.Packet:
            self.n += 1
            wait = self.start + self.n * 0.02 - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            packet = av.Packet(self.payload)
            packet.pts = self.n * AUDIO_TICKS
            packet.time_base = fractions.Fraction(1, 48000)
            return packet

    opus = av.CodecContext.create("libopus", "w")
    opus.sample_rate, opus.layout, opus.format = 48000, "stereo", "s16"
    opus.open()
    silence = av.AudioFrame(format="s16", layout="stereo", samples=960)
    silence.planes[0].update(bytes(silence.planes[0].buffer_size))
    silence.sample_rate, silence.pts = 48000, 0
    opus_payload = next(bytes(p) for _ in range(5) for p in opus.encode(silence))

    pairs: dict[int, list[_Pair]] = {u: [] for u in users}
    pcs: dict[int, Any] = {}
    pairs_of: dict[Any, _Pair] = {}  # receiver → what it got
    uncounted: dict[int, dict[int, int]] = {}  # user → SSRC → RTP packets no pair counted
    seen: dict[int, dict[int, int]] = {}  # user → SSRC → RTP packets in the window

    def empty_pairs(user: int) -> list[list[Any]]:
        """The user's pairs that got nothing: mid, kind, and the SSRCs the client's router
        gives that receiver, with the packets seen of each."""
        pc = pcs[user]
        table = pc.getTransceivers()[0].receiver.transport._rtp_router.ssrc_table
        out = []
        for t in pc.getTransceivers():
            pair = pairs_of.get(t.receiver)
            if pair is None or pair.packets:
                continue
            ssrcs = [x for x, r in table.items() if r is t.receiver]
            out.append([pair.mid, pair.kind, {x: seen[user].get(x, 0) for x in ssrcs}])
        return out

    counting = [False]

    def negotiate(user: int, sdp: str, first: bool) -> str:
        conn.send((user, sdp, first))
        answer: str = conn.recv()
        return answer

    async def command() -> Any:
        return await loop.run_in_executor(None, conn.recv)

    async def _join_all() -> None:
        assert await command() == "join"
        for user in users:
            pc = RTCPeerConnection(
                RTCConfiguration(iceServers=[], bundlePolicy=RTCBundlePolicy.MAX_BUNDLE)
            )
            pc.addTransceiver(Camera(), direction="sendonly")
            pc.addTransceiver(Microphone(opus_payload), direction="sendonly")
            for _ in range(size - 1):
                pc.addTransceiver("video", direction="recvonly")
                pc.addTransceiver("audio", direction="recvonly")

            def on_track(track: Any, user: int = user, pc: Any = pc) -> None:
                transceiver = next(t for t in pc.getTransceivers() if t.receiver.track is track)
                receiver = transceiver.receiver
                passthrough.mark_passthrough(track, receiver)  # nothing decoded, no thread
                pair = _Pair(track.kind)
                pair.mid = transceiver.mid
                pairs[user].append(pair)
                pairs_of[receiver] = pair

            pc.on("track", on_track)
            pcs[user] = pc
            _light_receiver(
                pc, pairs_of, counting, uncounted.setdefault(user, {}), seen.setdefault(user, {})
            )
            await pc.setLocalDescription(await pc.createOffer())
            answer = await loop.run_in_executor(
                None, negotiate, user, pc.localDescription.sdp, True
            )
            await pc.setRemoteDescription(RTCSessionDescription(sdp=answer, type="answer"))
        await _connected(pcs.values())
        conn.send(("joined", None, None))
        # once everyone is in, each renegotiates to receive those who joined after them
        assert await command() == "renegotiate"
        for user, pc in pcs.items():
            await pc.setLocalDescription(await pc.createOffer())
            answer = await loop.run_in_executor(
                None, negotiate, user, pc.localDescription.sdp, False
            )
            await pc.setRemoteDescription(RTCSessionDescription(sdp=answer, type="answer"))
        await _connected(pcs.values())
        conn.send(("renegotiated", None, None))

    try:
        await _join_all()
    except Exception as exc:  # a peer closed or failed before the window: the room collapsed
        reason = f"{exc!r}"[:200]
        conn.send(("failed", f"{reason}; ICE consent expired on {consent.count} peers", None))
        return
    assert await command() == "start"
    counting[0] = True
    t_start = time.monotonic()
    conn.send(("started", None, None))
    assert await command() == "stop"
    counting[0] = False
    window = time.monotonic() - t_start
    conn.send(
        {
            "pairs": {
                u: [
                    {
                        "kind": p.kind,
                        "frames": p.frames,
                        "decodable": p.decodable,
                        "lost": p.lost,
                        "gaps": p.gaps,
                        "max_pause": p.max_pause,
                    }
                    for p in ps
                ]
                for u, ps in pairs.items()
            },
            "window": window,  # seconds this process counted (its own clock)
            # what a slot that never got a track (or a stream no slot counted) was, to tell
            # a server that did not send from a client that did not route
            "slots_without_track": {
                u: [
                    [t.mid, t.kind, t.currentDirection]
                    for t in pc.getTransceivers()
                    if t.direction == "recvonly" and t.receiver not in pairs_of
                ]
                for u, pc in pcs.items()
            },
            "uncounted_packets_by_ssrc": {u: dict(c) for u, c in uncounted.items() if c},
            "pairs_without_packets": {u: empty_pairs(u) for u in pairs},
            "packets_seen_by_ssrc": seen,
            "consent_expired": consent.count,
            "not_connected": sum(pc.connectionState != "connected" for pc in pcs.values()),
            "rtp_received": sum(p.packets for ps in pairs.values() for p in ps),
            "rtp_lost": sum(p.lost for ps in pairs.values() for p in ps),
        }
    )
    assert await command() == "close"
    for pc in pcs.values():
        await pc.close()
    conn.send("closed")


async def _connected(pcs: Iterable[Any], limit: float = 60.0) -> None:
    deadline = time.monotonic() + limit
    while any(pc.connectionState != "connected" for pc in pcs):
        states = sorted(pc.connectionState for pc in pcs)
        if time.monotonic() > deadline or "failed" in states or "closed" in states:
            raise RuntimeError(f"participants not connected: {states}")
        await asyncio.sleep(0.1)


# -- measuring from outside ------------------------------------------------------------------


def _socket_inodes(pid: int) -> set[str]:
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    return inodes


def udp_drops(pids: Iterable[int]) -> dict[str, int]:
    """Datagrams the kernel dropped (receive buffer full) on each of these processes' UDP
    sockets, by socket inode."""
    inodes: set[str] = set()
    for pid in pids:
        inodes |= _socket_inodes(pid)
    drops = {}
    for name in ("/proc/net/udp", "/proc/net/udp6"):
        with open(name) as f:
            next(f)
            for line in f:
                cols = line.split()
                if cols[9] in inodes:
                    drops[cols[9]] = int(cols[12])
    return drops


def _new_drops(before: dict[str, int], after: dict[str, int]) -> int:
    return sum(n - before.get(inode, 0) for inode, n in after.items())


def run_queue_wait(pid: int, tid: int | None = None) -> float:
    """Seconds the process (or one thread) was runnable but waiting for a CPU
    (/proc/.../schedstat): the machine's other load, not its own work or the GIL."""
    tids = [str(tid)] if tid is not None else os.listdir(f"/proc/{pid}/task")
    total = 0
    for t in tids:
        try:
            with open(f"/proc/{pid}/task/{t}/schedstat") as f:
                total += int(f.read().split()[1])
        except OSError:
            continue
    return total / 1e9


def udp_counters() -> dict[str, int]:
    """The machine's UDP counters (`netstat -su`), from /proc/net/snmp."""
    with open("/proc/net/snmp") as f:
        rows = [line.split() for line in f if line.startswith("Udp:")]
    return {k: int(v) for k, v in zip(rows[0][1:], rows[1][1:], strict=True)}


def uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def _cpu(times: Any) -> float:
    return float(times.user + times.system)


def _thread_cpu(proc: Any, tid: int) -> float:
    for t in proc.threads():
        if t.id == tid:
            return float(t.user_time + t.system_time)
    return 0.0


def _percentile(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


# -- one run ---------------------------------------------------------------------------------


def run(
    size: int,
    seconds: float,
    mode: str,
    per_process: int,
    warmup: float,
    socket_buffer: int | None,
    profile: Path | None = None,
    loop: str = "uvloop",
) -> dict[str, Any]:
    import psutil

    ctx = mp.get_context("spawn")
    server_end, server_conn = ctx.Pipe()
    server = ctx.Process(target=serve, args=(server_conn, mode, socket_buffer, loop), daemon=True)
    server.start()
    _ready, loop_tid = server_end.recv()
    users = list(range(1, size + 1))
    groups = [users[i : i + per_process] for i in range(0, size, per_process)]
    ends = []
    clients = []
    for group in groups:
        end, conn = ctx.Pipe()
        p = ctx.Process(
            target=participants, args=(conn, group, size, socket_buffer, loop), daemon=True
        )
        p.start()
        ends.append(end)
        clients.append(p)

    def relay_until(end: Any, done: str) -> None:
        while True:
            message = end.recv()
            if message[0] == done:
                return
            if message[0] == "failed":
                raise RuntimeError(message[1])
            server_end.send(message)
            end.send(server_end.recv())

    _phase(f"N={size} {mode}: joining")
    t_join = time.monotonic()
    try:
        for end in ends:  # in order, so each joins after the previous group
            end.send("join")
            relay_until(end, "joined")
        for end in ends:
            end.send("renegotiate")
            relay_until(end, "renegotiated")
    except (RuntimeError, EOFError) as exc:
        # the room collapsed before it could be measured: say how, and end the processes
        load = uptime()
        for p in [*clients, server]:
            p.terminate()
            p.join(10)
        return {
            "size": size,
            "mode": mode,
            "served": False,
            "error": f"participants could not all connect: {exc}",
            "setup_seconds": time.monotonic() - t_join,
            "load_before": load,
            "load_after": load,
        }
    setup = time.monotonic() - t_join
    _phase("connected; warming up")
    time.sleep(warmup)  # connected, first keyframes

    sproc = psutil.Process(server.pid)
    cprocs = [psutil.Process(p.pid) for p in clients]
    client_pids = [p.pid for p in clients]
    load_before = uptime()
    snmp0 = udp_counters()
    sdrop0, cdrop0 = udp_drops([server.pid]), udp_drops(client_pids)
    w0 = run_queue_wait(server.pid, loop_tid)
    cw0 = [run_queue_wait(pid) for pid in client_pids]
    server_end.send("report")
    forwards_before = {(f[0], f[1]): f[4] for f in server_end.recv()}
    for end in ends:
        end.send("start")
    for end in ends:
        assert end.recv()[0] == "started"
    t0 = time.monotonic()
    s0, l0, c0 = (
        _cpu(sproc.cpu_times()),
        _thread_cpu(sproc, loop_tid),
        sum(_cpu(c.cpu_times()) for c in cprocs),
    )
    spy = None
    if profile is not None:
        spy = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "py-spy"),
                "record",
                "--pid",
                str(server.pid),
                "--duration",
                str(int(seconds)),
                "--format",
                "speedscope" if profile.suffix == ".json" else "flamegraph",
                "--output",
                str(profile),
                "--nonblocking",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    time.sleep(seconds)
    elapsed = time.monotonic() - t0
    s1, l1, c1 = (
        _cpu(sproc.cpu_times()),
        _thread_cpu(sproc, loop_tid),
        sum(_cpu(c.cpu_times()) for c in cprocs),
    )
    w1 = run_queue_wait(server.pid, loop_tid)
    cw1 = [run_queue_wait(pid) for pid in client_pids]
    sdrop1, cdrop1 = udp_drops([server.pid]), udp_drops(client_pids)
    snmp1 = udp_counters()
    _phase("window over")
    window_end = time.time()
    for end in ends:
        end.send("stop")
    outs = [end.recv() for end in ends]
    server_end.send("report")
    forwards = server_end.recv()
    for f in forwards:  # packets forwarded in the window
        f[4] = (f[4] or 0) - (forwards_before.get((f[0], f[1])) or 0)
    load_after = uptime()
    for end in ends:
        end.send("close")
        end.recv()
    server_end.send(None)
    _, closes = server_end.recv()
    ended_in_window = [c for c in closes if c["at"] < window_end]
    if spy is not None:
        spy.wait(30)
    for p in [*clients, server]:
        p.join(10)

    video: list[float] = []
    audio_pps: list[float] = []
    audio_lost = audio_gaps = 0
    max_pause = 0.0
    per_receiver_min: list[float] = []
    delivered_per_s = 0.0
    for out in outs:
        window = out["window"]  # each process's own counting window (it may start late)
        delivered_per_s += sum(p["frames"] for ps in out["pairs"].values() for p in ps) / window
        for ps in out["pairs"].values():
            v = [p["decodable"] / window for p in ps if p["kind"] == "video"]
            a = [p for p in ps if p["kind"] == "audio"]
            v += [0.0] * (size - 1 - len(v))  # a slot that never got a track
            video += v
            per_receiver_min.append(min(v) if v else 0.0)
            audio_pps += [p["frames"] / window for p in a] + [0.0] * (size - 1 - len(a))
            audio_lost += sum(p["lost"] for p in a)
            # a pair that got nothing in the window is a gap as long as the window
            audio_gaps += sum(p["gaps"] or not p["frames"] for p in a) + (size - 1 - len(a))
            max_pause = max([max_pause, *(p["max_pause"] for p in a)])
    audio_sent = size * (size - 1) * 50 * sum(o["window"] for o in outs) / len(outs)
    delivered = delivered_per_s * elapsed  # in the server's window, at the rate measured
    needed = size * (size - 1) * (FPS + 50)  # frames and audio packets per second to deliver
    served = bool(video) and min(video) >= SERVED_FPS and audio_gaps == 0 and not ended_in_window
    rtp_received = sum(o["rtp_received"] for o in outs)
    rtp_lost = sum(o["rtp_lost"] for o in outs)
    return {
        "size": size,
        "mode": mode,
        "seconds": elapsed,
        "setup_seconds": setup,
        "peers_ended_before_window_end": [c["reason"] for c in ended_in_window],
        "participants_not_connected": sum(o["not_connected"] for o in outs),
        "participants_consent_expired": sum(o["consent_expired"] for o in outs),
        "client_processes": len(clients),
        "socket_buffer": socket_buffer,
        "served": served,
        "video_fps_min": min(video, default=0.0),
        "video_fps_p5": _percentile(video, 5),
        "video_fps_median": statistics.median(video) if video else 0.0,
        "receivers_below_served": sum(1 for m in per_receiver_min if m < SERVED_FPS),
        "server_idle_forwards": [f for f in forwards if not f[4]],
        "server_forwards": forwards,
        "pairs_without_packets": {
            u: ps for o in outs for u, ps in o["pairs_without_packets"].items() if ps
        },
        # the server's side of each slot that got nothing, and how many packets of the
        # SSRC the server sent it with the client saw in the window
        "server_forwards_of_empty_pairs": [
            [*f, o["packets_seen_by_ssrc"][u].get(f[8], 0)]
            for o in outs
            for u, ps in o["pairs_without_packets"].items()
            for mid, *_ in ps
            for f in forwards
            if f[0] == int(u) and f[1] == mid
        ],
        "slots_without_track": {
            u: slots for o in outs for u, slots in o["slots_without_track"].items() if slots
        },
        "uncounted_packets_by_ssrc": {
            u: c for o in outs for u, c in o["uncounted_packets_by_ssrc"].items()
        },
        "audio_pps_min": min(audio_pps, default=0.0),
        "audio_lost_pct": 100 * audio_lost / audio_sent if audio_sent else 0.0,
        "audio_gaps": audio_gaps,
        "audio_max_pause_ms": 1000 * max_pause,
        "server_cpu_pct": 100 * (s1 - s0) / elapsed,
        "server_loop_thread_pct": 100 * (l1 - l0) / elapsed,
        "cpu_per_participant_pct": 100 * (s1 - s0) / elapsed / size,
        "clients_cpu_pct": 100 * (c1 - c0) / elapsed,
        "server_loop_runqueue_wait_pct": 100 * (w1 - w0) / elapsed,
        "clients_runqueue_wait_pct": 100
        * sum(b - a for a, b in zip(cw0, cw1, strict=True))
        / elapsed,
        "delivered_per_s": delivered_per_s,
        "needed_per_s": needed,
        # what one delivered frame (video frame or audio packet, at one receiver) cost the
        # server: with a backlog the server is always busy, so this holds under load too
        "server_us_per_delivered": 1e6 * (s1 - s0) / delivered if delivered else 0.0,
        # the cores the server would need to deliver everything at that cost
        "server_cores_needed": (s1 - s0) / delivered * needed if delivered else 0.0,
        "server_udp_drops": _new_drops(sdrop0, sdrop1),
        "clients_udp_drops": _new_drops(cdrop0, cdrop1),
        "udp_drops_before_window": sum(sdrop0.values()) + sum(cdrop0.values()),
        "machine_udp_rcvbuf_errors": snmp1.get("RcvbufErrors", 0) - snmp0.get("RcvbufErrors", 0),
        "machine_udp_sndbuf_errors": snmp1.get("SndbufErrors", 0) - snmp0.get("SndbufErrors", 0),
        "rtp_packets_received": rtp_received,
        "rtp_packets_lost": rtp_lost,
        "load_before": load_before,
        "load_after": load_after,
        "profile": str(profile) if profile else None,
    }


# -- the table -------------------------------------------------------------------------------


HEADER = (
    " N  mode      served  fps min   p5  med  <15  audio pps  lost%  gaps  pause ms | "
    "server CPU  loop  /partic. waited µs/fr needs | clients CPU waited | "
    "UDP drops srv/cli  RTP lost/recvd"
)


#: What a run's row says after it when a slot got nothing (the result's key, its label).
DIAGNOSTICS = (
    ("server_idle_forwards", "server slots that forwarded nothing"),
    ("pairs_without_packets", "client slots that got nothing"),
    ("server_forwards_of_empty_pairs", "the server's side of them"),
    ("slots_without_track", "slots without a track"),
    ("uncounted_packets_by_ssrc", "RTP no slot counted"),
)


def row(r: dict[str, Any]) -> str:
    if "error" in r:
        return f"{r['size']:2d}  {r['mode']:8s}  NO    collapsed: {r['error']}"
    ended = r["peers_ended_before_window_end"]
    note = f"  {len(ended)} peers ended ({', '.join(sorted(set(ended)))})" if ended else ""
    for key, label in DIAGNOSTICS:
        if r.get(key):
            note += f"  {label}: {r[key]}"
    if r.get("participants_consent_expired"):
        note += f", ICE consent expired on {r['participants_consent_expired']}"
    return note.join(
        (
            f"{r['size']:2d}  {r['mode']:8s}  {'yes' if r['served'] else 'NO ':3s}   "
            f"{r['video_fps_min']:5.1f} {r['video_fps_p5']:5.1f} {r['video_fps_median']:4.1f} "
            f"{r['receivers_below_served']:4d}   {r['audio_pps_min']:6.1f}  "
            f"{r['audio_lost_pct']:5.1f} {r['audio_gaps']:5d} {r['audio_max_pause_ms']:8.0f} | "
            f"{r['server_cpu_pct']:8.1f}% {r['server_loop_thread_pct']:4.0f}% "
            f"{r['cpu_per_participant_pct']:6.1f}% {r['server_loop_runqueue_wait_pct']:5.0f}% "
            f"{r['server_us_per_delivered']:5.0f} {r['server_cores_needed']:4.2f} | "
            f"{r['clients_cpu_pct']:9.1f}% {r['clients_runqueue_wait_pct']:5.0f}% | "
            f"{r['server_udp_drops']:8d}/{r['clients_udp_drops']:<8d} "
            f"{r['rtp_packets_lost']:6d}/{r['rtp_packets_received']}",
            "",
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--sizes", default="4,8,12,16", help="room sizes, comma-separated")
    parser.add_argument("--seconds", type=float, default=10.0, help="measured window per run")
    parser.add_argument("--warmup", type=float, default=4.0, help="seconds before measuring")
    parser.add_argument(
        "--mode",
        choices=["forward", "frames", "reencode", "both", "all"],
        default="both",
        help="forward: the packet path; frames: the frame path (the server before it); "
        "reencode: decode once, encode per receiver; both: forward and reencode; all: the three",
    )
    parser.add_argument("--per-process", type=int, default=4, help="participants per process")
    parser.add_argument(
        "--socket-buffer",
        type=int,
        default=None,
        help="SO_RCVBUF of every ICE socket, bytes (default: the media server's, 4 MiB; "
        "aioice's own is 262144)",
    )
    parser.add_argument(
        "--loop",
        choices=["uvloop", "asyncio"],
        default="uvloop",
        help="event loop of the server and the participants (default uvloop, the service's: "
        "uvicorn runs on it when it is installed)",
    )
    parser.add_argument("--profile", action="store_true", help="py-spy the server (forward)")
    parser.add_argument("--out", default=None, help="result file stem (default: timestamped)")
    args = parser.parse_args()
    modes = {
        "both": ["forward", "reencode"],
        "all": ["forward", "frames", "reencode"],
    }.get(args.mode, [args.mode])
    stamp = time.strftime("%Y%m%d-%H%M%S", time.gmtime())
    stem = RESULTS / (args.out or f"video_room-{stamp}")
    lines = [
        f"bench/video_room.py {' '.join(sys.argv[1:])}",
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {os.cpu_count()} cores, "
        f"{WIDTH}x{HEIGHT} VP8 {FPS} fps + Opus 50 pps per publisher, "
        f"{args.per_process} participants per process, {args.seconds:g} s measured, "
        f"{args.loop} loop",
        f"load before: {uptime()}",
        HEADER,
    ]
    print("\n".join(lines), flush=True)
    results: list[dict[str, Any]] = []
    for size in (int(s) for s in args.sizes.split(",")):
        by_mode = {}
        for mode in modes:
            profile = None
            if args.profile and mode == "forward":
                profile = stem.parent / f"{stem.name}-profile-{size}.svg"
            r = run(
                size,
                args.seconds,
                mode,
                args.per_process,
                args.warmup,
                args.socket_buffer,
                profile,
                args.loop,
            )
            results.append(r)
            by_mode[mode] = r
            lines.append(row(r))
            print(
                lines[-1], f"  (load {r['load_before'].split('average:')[-1].strip()})", flush=True
            )
        fwd = by_mode.get("forward", {})
        for other in ("frames", "reencode"):
            o = by_mode.get(other, {})
            if fwd.get("server_cpu_pct", 0) > 0 and o.get("server_cpu_pct", 0) > 0:
                ratio = o["server_cpu_pct"] / fwd["server_cpu_pct"]
                per = o["server_us_per_delivered"] / max(fwd["server_us_per_delivered"], 1e-9)
                note = "" if o["served"] else f" ({other} did not serve the room)"
                lines.append(
                    f"N={size}: {other} / forward: server CPU {ratio:.1f}×, "
                    f"per delivered frame {per:.1f}×{note}"
                )
                print(lines[-1], flush=True)
    lines.append(f"load after: {uptime()}")
    print(lines[-1], flush=True)
    RESULTS.mkdir(exist_ok=True)
    stem.with_suffix(".json").write_text(
        json.dumps({"argv": sys.argv[1:], "results": results}, indent=2, ensure_ascii=False)
    )
    stem.with_suffix(".txt").write_text("\n".join(lines) + "\n")
    print(f"saved {stem}.json and .txt", flush=True)


if __name__ == "__main__":
    main()
