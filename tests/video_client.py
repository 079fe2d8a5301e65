"""A Python aiortc participant of a 云视频 room, for tests and bench/video_room.py: it
publishes a synthetic camera and microphone (or only watches), offers receiving slots,
and counts the decoded frames it gets on each mid (so a test sees real media arrive)."""

from __future__ import annotations

import asyncio
import contextlib
import fractions
import json
import time
from collections import Counter
from typing import Any

import av
from aiortc import RTCBundlePolicy, RTCConfiguration, RTCPeerConnection, RTCSessionDescription
from aiortc.mediastreams import AudioStreamTrack, MediaStreamError, VideoStreamTrack


class Camera(VideoStreamTrack):
    """A moving test picture at `width`×`height`, `fps` frames per second."""

    def __init__(self, width: int = 320, height: int = 180, fps: int = 15) -> None:
        super().__init__()
        self.width, self.height, self.fps = width, height, fps
        self._n = 0
        self._start: float | None = None

    async def recv(self) -> av.VideoFrame:
        if self._start is None:
            self._start = time.monotonic()
        self._n += 1
        wait = self._start + self._n / self.fps - time.monotonic()
        if wait > 0:
            await asyncio.sleep(wait)
        frame = av.VideoFrame(self.width, self.height, "yuv420p")
        shade = (self._n * 4) % 256
        for i, plane in enumerate(frame.planes):
            plane.update(bytes([shade if i == 0 else 128]) * plane.buffer_size)
        frame.pts = int(self._n * 90000 / self.fps)
        frame.time_base = fractions.Fraction(1, 90000)
        return frame


class VideoClient:
    def __init__(self, *, publish: bool, slots: int = 0, camera: Camera | None = None) -> None:
        self.pc = RTCPeerConnection(
            RTCConfiguration(iceServers=[], bundlePolicy=RTCBundlePolicy.MAX_BUNDLE)
        )
        self.publish = publish
        self.received: Counter[str] = Counter()  # mid → decoded frames
        self.first_frame_at: dict[str, float] = {}
        self.kinds: dict[str, str] = {}
        self.replies: list[dict[str, Any]] = []
        self._reply_waiters: dict[Any, asyncio.Future[dict[str, Any]]] = {}
        self._tasks: list[asyncio.Task[None]] = []
        if publish:
            self.pc.addTransceiver(camera or Camera(), direction="sendonly")
            self.pc.addTransceiver(AudioStreamTrack(), direction="sendonly")
        self.add_slots(slots)
        # after the transceivers: with max-bundle, aiortc bundles the data channel onto
        # the first transceiver's transport only if one exists when the channel is made
        self.channel = self.pc.createDataChannel("meeting")
        self.channel.on("message", self._on_reply)

        @self.pc.on("track")
        def on_track(track: Any) -> None:
            mid = next(t.mid for t in self.pc.getTransceivers() if t.receiver.track is track)
            self.kinds[mid] = track.kind
            self._tasks.append(asyncio.create_task(self._count(mid, track)))

    def add_slots(self, pairs: int) -> None:
        for _ in range(pairs):
            self.pc.addTransceiver("video", direction="recvonly")
            self.pc.addTransceiver("audio", direction="recvonly")

    async def _count(self, mid: str, track: Any) -> None:
        with contextlib.suppress(MediaStreamError, asyncio.CancelledError):
            while True:
                await track.recv()
                self.received[mid] += 1
                self.first_frame_at.setdefault(mid, time.monotonic())

    def _on_reply(self, message: str) -> None:
        reply = json.loads(message)
        self.replies.append(reply)
        waiter = self._reply_waiters.pop(reply.get("id"), None)
        if waiter is not None and not waiter.done():
            waiter.set_result(reply)

    async def offer(self) -> str:
        await self.pc.setLocalDescription(await self.pc.createOffer())
        return self.pc.localDescription.sdp

    async def accept(self, sdp: str) -> None:
        await self.pc.setRemoteDescription(RTCSessionDescription(sdp=sdp, type="answer"))

    async def send(self, message: dict[str, Any], *, wait: float = 10) -> dict[str, Any]:
        """Send a message on the data channel and wait for its reply (matched by id)."""
        for _ in range(int(wait * 20)):
            if self.channel.readyState == "open":
                break
            await asyncio.sleep(0.05)
        waiter: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._reply_waiters[message["id"]] = waiter
        self.channel.send(json.dumps(message))
        return await asyncio.wait_for(waiter, wait)

    def frames_of(self, kind: str) -> int:
        return sum(n for mid, n in self.received.items() if self.kinds.get(mid) == kind)

    async def close(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self.pc.close()
