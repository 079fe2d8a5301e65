"""How large a 云视频 room this machine forwards at 360p, and what forwarding saves over
re-encoding per receiver (issue 15).

Two processes on loopback: the media server (`realtime.video.server.VideoServer`, as the
service runs it, or with `--mode reencode` a plain aiortc relay that decodes each
publisher once and encodes once per receiver, aiortc's `MediaRelay` way) and N synthetic
participants. Each participant publishes a 640×360 VP8 camera at 15 fps and an Opus
microphone and receives everyone else. To leave the machine's CPU to the server, the
participants send pre-encoded frames (one second of VP8 encoded once, looped, a keyframe
every second and on request) and count what they receive without decoding it (the
passthrough hook on their receivers too): a receiver's rate is its received frames per
second per remote publisher. Signalling goes over a pipe (the GraphQL path is tested in
tests/test_video_*.py; here only media is measured).

    .venv/bin/python bench/video_room.py --sizes 2,4,6 --seconds 8 [--mode both]

Prints per size: server CPU (% of one core, total and per participant), the slowest
receiver's video fps (of 15 sent), audio packets per second (50 sent), the participants'
own CPU and the machine's load (a shared machine: a run under load says little), and for
`both` the ratio of the re-encoding server's CPU to the forwarding server's. A room is
served at a size when every receiver gets ≥ 15 fps and 50 audio packets per second.
"""

from __future__ import annotations

import argparse
import asyncio
import fractions
import multiprocessing as mp
import os
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

FPS = 15
WIDTH, HEIGHT = 640, 360


# -- the server process ----------------------------------------------------------------------


def serve(conn: Any, mode: str) -> None:
    asyncio.run(_serve(conn, mode))


async def _serve(conn: Any, mode: str) -> None:
    loop = asyncio.get_running_loop()
    if mode == "forward":
        from realtime.video.server import VideoServer

        server = VideoServer(ice_addresses=["127.0.0.1"], storage_dir=Path("/tmp/yishi-bench"))

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
        answer, close = _reencoding_server()
    while True:
        message = await loop.run_in_executor(None, conn.recv)
        if message is None:
            break
        user, sdp, first = message
        conn.send(await answer(user, sdp, first))
    await close()
    conn.send("closed")


def _reencoding_server() -> tuple[Any, Any]:
    """A relay that decodes each publisher once (MediaRelay) and encodes per receiver."""
    from aioice import ice
    from aiortc import RTCBundlePolicy, RTCConfiguration, RTCPeerConnection, RTCSessionDescription
    from aiortc.contrib.media import MediaRelay

    ice.get_host_addresses = lambda use_ipv4, use_ipv6: ["127.0.0.1"]
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


# -- the participants process ----------------------------------------------------------------


def _encoded_second() -> list[bytes]:
    import av

    codec = av.CodecContext.create("libvpx", "w")
    codec.width, codec.height, codec.pix_fmt = WIDTH, HEIGHT, "yuv420p"
    codec.time_base = fractions.Fraction(1, 90000)
    codec.bit_rate = 500_000
    codec.options = {"g": str(FPS), "deadline": "realtime", "cpu-used": "8"}
    codec.open()
    out: list[bytes] = []
    for i in range(FPS):
        frame = av.VideoFrame(WIDTH, HEIGHT, "yuv420p")
        for n, plane in enumerate(frame.planes):
            plane.update(bytes([(i * 16 + n * 40) % 256]) * plane.buffer_size)
        frame.pts = i * 6000
        frame.time_base = fractions.Fraction(1, 90000)
        out += [bytes(p) for p in codec.encode(frame)]
    return out


def participants(conn: Any, size: int, seconds: float, results: Any) -> None:
    results.put(asyncio.run(_participants(conn, size, seconds)))


async def _participants(conn: Any, size: int, seconds: float) -> dict[str, Any]:
    import av
    from aioice import ice
    from aiortc import RTCBundlePolicy, RTCConfiguration, RTCPeerConnection, RTCSessionDescription
    from aiortc.mediastreams import AudioStreamTrack, MediaStreamError, MediaStreamTrack

    from realtime.video import passthrough

    passthrough.install()
    ice.get_host_addresses = lambda use_ipv4, use_ipv6: ["127.0.0.1"]
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
            packet.pts = self.n * 6000
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
            packet.pts = self.n * 960
            packet.time_base = fractions.Fraction(1, 48000)
            return packet

    opus = av.CodecContext.create("libopus", "w")
    opus.sample_rate, opus.layout, opus.format = 48000, "stereo", "s16"
    opus.open()
    silence = av.AudioFrame(format="s16", layout="stereo", samples=960)
    silence.planes[0].update(bytes(silence.planes[0].buffer_size))
    silence.sample_rate, silence.pts = 48000, 0
    opus_payload = next(bytes(p) for _ in range(5) for p in opus.encode(silence))
    del AudioStreamTrack

    counts: list[Counter[str]] = [Counter() for _ in range(size)]
    pcs: list[Any] = []
    tasks: list[asyncio.Task[None]] = []

    async def count(i: int, track: Any) -> None:
        try:
            while True:
                await track.recv()
                if counting:
                    counts[i][track.kind] += 1
        except (MediaStreamError, asyncio.CancelledError):
            pass

    def negotiate(user: int, sdp: str, first: bool) -> str:
        conn.send((user, sdp, first))
        return conn.recv()

    counting = False
    for i in range(size):
        pc = RTCPeerConnection(
            RTCConfiguration(iceServers=[], bundlePolicy=RTCBundlePolicy.MAX_BUNDLE)
        )
        pc.addTransceiver(Camera(), direction="sendonly")
        pc.addTransceiver(Microphone(opus_payload), direction="sendonly")
        for _ in range(size - 1):
            pc.addTransceiver("video", direction="recvonly")
            pc.addTransceiver("audio", direction="recvonly")

        def on_track(track: Any, i: int = i) -> None:
            passthrough.mark_passthrough(track)  # count, do not decode
            tasks.append(asyncio.create_task(count(i, track)))

        pc.on("track", on_track)
        pcs.append(pc)
        await pc.setLocalDescription(await pc.createOffer())
        answer = await loop.run_in_executor(None, negotiate, i + 1, pc.localDescription.sdp, True)
        await pc.setRemoteDescription(RTCSessionDescription(sdp=answer, type="answer"))
    # everyone renegotiates once so that each receives everyone who joined after them
    for i, pc in enumerate(pcs):
        await pc.setLocalDescription(await pc.createOffer())
        answer = await loop.run_in_executor(None, negotiate, i + 1, pc.localDescription.sdp, False)
        await pc.setRemoteDescription(RTCSessionDescription(sdp=answer, type="answer"))
    await asyncio.sleep(3)  # connect, first keyframes
    conn.send(("measure", None, None))
    counting = True
    await asyncio.sleep(seconds)
    counting = False
    conn.send(("measured", None, None))
    for t in tasks:
        t.cancel()
    for pc in pcs:
        await pc.close()
    others = max(1, size - 1)
    return {
        "video_fps_min": min(c["video"] for c in counts) / seconds / others,
        "video_fps_mean": sum(c["video"] for c in counts) / seconds / others / size,
        "audio_pps_min": min(c["audio"] for c in counts) / seconds / others,
    }


# -- the run ---------------------------------------------------------------------------------


def run(size: int, seconds: float, mode: str) -> dict[str, Any]:
    import psutil

    ctx = mp.get_context("spawn")
    server_end, server_conn = ctx.Pipe()
    results: Any = ctx.Queue()
    server = ctx.Process(target=serve, args=(server_conn, mode), daemon=True)
    server.start()
    client_end, client_conn = ctx.Pipe()
    clients = ctx.Process(
        target=participants, args=(client_conn, size, seconds, results), daemon=True
    )
    clients.start()
    proc = psutil.Process(server.pid)
    cproc = psutil.Process(clients.pid)
    cpu0 = c0 = None
    t0 = 0.0
    cpu = ccpu = load0 = 0.0
    while True:
        user, sdp, first = client_end.recv()
        if user == "measure":
            cpu0, c0, t0 = proc.cpu_times(), cproc.cpu_times(), time.monotonic()
            load0 = os.getloadavg()[0]
            continue
        if user == "measured":
            c1, cc1, elapsed = proc.cpu_times(), cproc.cpu_times(), time.monotonic() - t0
            cpu = ((c1.user - cpu0.user) + (c1.system - cpu0.system)) / elapsed * 100
            ccpu = ((cc1.user - c0.user) + (cc1.system - c0.system)) / elapsed * 100
            break
        server_end.send((user, sdp, first))
        client_end.send(server_end.recv())
    out = results.get(timeout=120)
    server_end.send(None)
    server_end.recv()
    server.join(10)
    clients.join(10)
    return {
        "size": size,
        "mode": mode,
        "server_cpu_pct": cpu,
        "cpu_per_participant": cpu / size,
        "clients_cpu_pct": ccpu,
        "load": load0,
        **out,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="2,4", help="room sizes, comma-separated")
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--mode", choices=["forward", "reencode", "both"], default="both")
    args = parser.parse_args()
    modes = ["forward", "reencode"] if args.mode == "both" else [args.mode]
    print(f"cores: {os.cpu_count()}, {WIDTH}x{HEIGHT} VP8 at {FPS} fps, {args.seconds:g} s per run")
    for size in (int(s) for s in args.sizes.split(",")):
        by_mode = {}
        for mode in modes:
            r = run(size, args.seconds, mode)
            by_mode[mode] = r
            print(
                f"N={size:3d} {mode:8s} server CPU {r['server_cpu_pct']:6.1f}% "
                f"({r['cpu_per_participant']:5.1f}%/participant) "
                f"video fps min {r['video_fps_min']:5.1f} mean {r['video_fps_mean']:5.1f} "
                f"audio pps min {r['audio_pps_min']:5.1f} | participants' CPU "
                f"{r['clients_cpu_pct']:5.1f}%, machine load {r['load']:.1f}",
                flush=True,
            )
        if len(by_mode) == 2 and by_mode["forward"]["server_cpu_pct"] > 0:
            ratio = by_mode["reencode"]["server_cpu_pct"] / by_mode["forward"]["server_cpu_pct"]
            print(f"N={size:3d} re-encoding / forwarding CPU: {ratio:.1f}×", flush=True)


if __name__ == "__main__":
    main()
