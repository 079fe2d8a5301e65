"""Recording a room to a WebM file without re-encoding: the forwarded packets muxed as
they are (VP8 video, Opus audio), one track per publication.

The muxer writes its header once, so the tracks are those of the publications present
when the first frame arrives after the recording starts; a publication that starts
later is not in that file (docs/video.md, Limits). Times are the wall clock since the
recording started, per track (each publication's RTP time counted from its first frame
here), so the tracks stay in step.
"""

from __future__ import annotations

import asyncio
import logging
import time
from fractions import Fraction
from pathlib import Path
from typing import Any

import av

from realtime.video.passthrough import EncodedFrame
from realtime.video.relay import Publication

log = logging.getLogger(__name__)

_CODECS = {"video/vp8": "libvpx", "audio/opus": "libopus"}


class _Track:
    """A recorder's sink on one publication."""

    def __init__(self, recorder: RoomRecorder, publication: Publication) -> None:
        self.recorder = recorder
        self.publication = publication
        self.stream: Any = None
        self.first_ts: int | None = None
        self.offset = 0  # in the stream's clock, since the recording started
        self.started = publication.kind != "video"  # video starts at a keyframe
        publication.attach(self)

    def push(self, frame: EncodedFrame, packet: av.Packet) -> None:
        self.recorder._write(self, frame)

    def end(self) -> None:
        self.publication.detach(self)


class RoomRecorder:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.tracks: list[_Track] = []
        self.frames = 0
        self._started = time.monotonic()
        self._container: Any = None
        self._closed = False
        path.touch()

    def add(self, publication: Publication) -> None:
        if self._closed or self._container is not None:
            if not self._closed:
                log.info("recording %s: a track started after the file began", self.path.name)
            return
        if (publication.mime_type or "").lower() not in _CODECS and publication.mime_type:
            log.warning("recording %s: %s is not recorded", self.path.name, publication.mime_type)
            return
        self.tracks.append(_Track(self, publication))

    def _open(self, first: EncodedFrame) -> None:
        from realtime.video.passthrough import vp8_size

        self._container = av.open(str(self.path), "w", format="webm")
        for track in self.tracks:
            if track.publication.kind == "video":
                size = (
                    track.publication.size
                    or (vp8_size(first.data) if track is self._current else None)
                    or (640, 360)
                )
                stream = self._container.add_stream("libvpx", rate=30)
                stream.width, stream.height = size
            else:
                stream = self._container.add_stream("libopus", rate=48000)
            track.stream = stream

    _current: _Track | None = None

    def _write(self, track: _Track, frame: EncodedFrame) -> None:
        if self._closed:
            return
        if not track.started:
            if not frame.keyframe:
                return
            track.started = True
        if self._container is None:
            self._current = track
            try:
                self._open(frame)
            except Exception:
                log.exception("recording %s: cannot open the file", self.path.name)
                self._closed = True
                return
        if track.stream is None:
            return
        if track.first_ts is None:
            track.first_ts = frame.timestamp
            track.offset = int((time.monotonic() - self._started) * frame.clock_rate)
        pts = frame.timestamp - track.first_ts + track.offset
        packet = av.Packet(frame.data)
        packet.pts = packet.dts = pts
        packet.time_base = Fraction(1, frame.clock_rate)
        packet.stream = track.stream
        try:
            self._container.mux(packet)
            self.frames += 1
        except Exception as exc:  # a timestamp out of order: skip that packet
            log.debug("recording %s: packet skipped: %s", self.path.name, exc)

    async def close(self) -> Path:
        """Stop recording and close the file (its trailer written)."""
        self._closed = True
        for track in self.tracks:
            track.end()
        if self._container is not None:
            container, self._container = self._container, None
            await asyncio.to_thread(container.close)
        return self.path
