"""The packet path (realtime/video/packets.py) end to end, with real aiortc clients on
loopback: what a receiver gets is the publisher's RTP stream with its header rewritten,
decodable by a real decoder; a NACK is answered from the sender's history (a packet
dropped on purpose comes back as RTX); a late joiner starts at a keyframe; sender reports
count what was sent; revoking the floor stops forwarding at once and granting it again
resumes at a keyframe without a hole in the numbering; nothing is left attached."""

from __future__ import annotations

import asyncio
import itertools
import time
from dataclasses import dataclass, field
from typing import Any

import pytest

from realtime.video.packets import PacketForward, keyframe_start
from tests.factories.video import GRANT, LEAVE, REVOKE, join, make_video_world, renegotiate, until
from tests.video_client import Camera, VideoClient


@pytest.fixture
async def clients():
    made: list[VideoClient] = []
    yield made
    for c in made:
        await c.close()


@dataclass
class Seen:
    """An RTP packet as it reached a client (after SRTP unprotect, before aiortc)."""

    ssrc: int
    pt: int
    seq: int
    payload: bytes


@dataclass
class Tap:
    """Records (and may drop) what a client's DTLS transport hands to aiortc's RTP path."""

    packets: list[Seen] = field(default_factory=list)
    drop: Any = None  # a predicate: drop this packet (once it returns True it is not reset)
    dropped: list[Seen] = field(default_factory=list)

    def of(self, ssrc: int) -> list[Seen]:
        return [p for p in self.packets if p.ssrc == ssrc]


def tap(client: VideoClient) -> Tap:
    record = Tap()
    # RTCDtlsTransport._handle_rtp_data (aiortc 1.16.0): each datagram after SRTP unprotect
    dtls = client.pc.getTransceivers()[0].receiver.transport
    real = dtls._handle_rtp_data

    async def handle(data: bytes, arrival_time_ms: int) -> None:
        offset = 12 + 4 * (data[0] & 0x0F)
        if data[0] & 0x10:
            offset += 4 + 4 * int.from_bytes(data[offset + 2 : offset + 4], "big")
        seen = Seen(
            ssrc=int.from_bytes(data[8:12], "big"),
            pt=data[1] & 0x7F,
            seq=int.from_bytes(data[2:4], "big"),
            payload=data[offset:],
        )
        if record.drop is not None and record.drop(seen):
            record.dropped.append(seen)
            return
        record.packets.append(seen)
        await real(data, arrival_time_ms)

    dtls._handle_rtp_data = handle
    return record


def packet_forward(server: Any, county_id: int, user_id: int, kind: str) -> PacketForward:
    forwards = server.services.video.peer_of(county_id, user_id).forwards.values()
    (forward,) = [f for f in forwards if f.kind == kind]
    assert isinstance(forward, PacketForward)
    return forward


async def test_a_receiver_decodes_the_forwarded_packets_and_sender_reports_count_them(
    server, gql, clients
):
    w = await make_video_world(server, gql)
    speaker = VideoClient(publish=True)
    viewer = VideoClient(publish=False, slots=1)
    clients += [speaker, viewer]
    await join(gql, w.room, speaker, w.speaker.token)
    await join(gql, w.room, viewer, w.viewer.token)
    seen = tap(viewer)
    # the viewer's aiortc decodes what it gets (VideoClient counts decoded frames)
    await until(lambda: viewer.frames_of("video") >= 15, "decoded frames at the viewer")
    await until(lambda: viewer.frames_of("audio") >= 25, "decoded audio at the viewer")

    video = packet_forward(server, w.county.id, w.viewer.user_id, "video")
    audio = packet_forward(server, w.county.id, w.viewer.user_id, "audio")
    assert video.forwarded > 0 and audio.forwarded > 0
    # the receiver's SSRC and payload type, its own numbering, only its mid extension
    packets = seen.of(video.sender._ssrc)
    assert packets and {p.pt for p in packets} == {video.pt}
    assert video.pt in {c.payloadType for c in video.transceiver._codecs}
    numbers = [p.seq for p in packets]
    assert all((b - a) & 0xFFFF == 1 for a, b in itertools.pairwise(numbers))
    # nothing went through the sender's own packetiser (RTCRtpSender.__rtp_history)
    assert video.sender._RTCRtpSender__rtp_history == {}

    # sender reports carry the packet path's counters
    receiver = next(
        t.receiver for t in viewer.pc.getTransceivers() if t.kind == "video" and t.receiver.track
    )

    async def reported() -> int:
        stats = (await receiver.getStats()).values()
        return max((s.packetsSent for s in stats if s.type == "remote-outbound-rtp"), default=0)

    for _ in range(60):
        if await reported() > 0:
            break
        await asyncio.sleep(0.1)
    sent = await reported()
    assert 0 < sent <= video.sender._RTCRtpSender__packet_count
    assert sent >= len(packets) // 2


async def test_a_packet_dropped_on_the_way_is_nacked_and_retransmitted_from_the_history(
    server, gql, clients
):
    w = await make_video_world(server, gql)
    speaker = VideoClient(publish=True)
    viewer = VideoClient(publish=False, slots=1)
    clients += [speaker, viewer]
    await join(gql, w.room, speaker, w.speaker.token)
    await join(gql, w.room, viewer, w.viewer.token)
    seen = tap(viewer)
    await until(lambda: viewer.frames_of("video") >= 5, "frames at the viewer")
    video = packet_forward(server, w.county.id, w.viewer.user_id, "video")
    state = video.sender._yishi_packets
    assert state.rtx_pt is not None  # aiortc negotiates RTX for video

    # the next video packet of the viewer's slot is lost on the way, once
    seen.drop = lambda p: not seen.dropped and p.ssrc == video.sender._ssrc
    await until(lambda: bool(seen.dropped), "a dropped packet")
    lost = seen.dropped[0].seq
    # the viewer's aiortc NACKs it; the server answers with RTX (the original number first)
    await until(
        lambda: any(
            p.pt == state.rtx_pt and int.from_bytes(p.payload[:2], "big") == lost
            for p in seen.of(video.sender._rtx_ssrc)
        ),
        "the retransmission",
    )
    assert state.retransmitted >= 1
    rtx = next(p for p in seen.of(video.sender._rtx_ssrc) if p.pt == state.rtx_pt)
    assert rtx.payload[2:] == seen.dropped[0].payload  # the same payload as the lost one
    frames = viewer.frames_of("video")
    await until(lambda: viewer.frames_of("video") >= frames + 10, "decoding goes on")


async def test_a_late_joiner_gets_nothing_until_a_keyframe_and_starts_at_one(server, gql, clients):
    w = await make_video_world(server, gql)
    speaker = VideoClient(publish=True)
    clients.append(speaker)
    await join(gql, w.room, speaker, w.speaker.token)
    pubs = server.services.video.peer_of(w.county.id, w.speaker.user_id).publications
    video_pub = next(p for p in pubs if p.kind == "video")
    await until(lambda: video_pub.frames > 30, "two seconds of the speaker at the server")
    # hold the keyframe requests back for a while: the late joiner must get none of the
    # delta frames meanwhile (aiortc's encoder makes a keyframe when asked, when its
    # bitrate target changes much, or every 3000 frames)
    video_pub.keyframe_interval = 3600.0
    video_pub._last_request = time.monotonic()
    requests = video_pub.keyframe_requests

    viewer = VideoClient(publish=False, slots=1)
    clients.append(viewer)
    seen = tap(viewer)  # from its very first packet
    await join(gql, w.room, viewer, w.viewer.token)
    video = packet_forward(server, w.county.id, w.viewer.user_id, "video")
    await until(lambda: viewer.pc.connectionState == "connected", "the late joiner connected")
    await asyncio.sleep(1.0)
    assert video.dropped > 10  # the deltas were not sent
    held = seen.of(video.sender._ssrc)
    assert held == [] or keyframe_start("video/vp8", held[0].payload)  # unless one came
    assert viewer.frames_of("audio") > 0  # (audio needs no keyframe)

    video_pub.keyframe_interval = 0.5  # the waiting receiver's request now goes through
    dropped = video.dropped
    video_pub._last_request = float("-inf")
    await until(lambda: len(seen.of(video.sender._ssrc)) > len(held), "packets")
    # the waiting receiver asked with the first delta it dropped since — unless the
    # encoder's next frame was a keyframe of its own (aiortc makes one when its bitrate
    # target moves much), which needs no request
    assert held or video_pub.keyframe_requests > requests or video.dropped == dropped
    first = seen.of(video.sender._ssrc)[0]
    assert keyframe_start("video/vp8", first.payload)
    await until(lambda: viewer.frames_of("video") >= 5, "decoded frames at the late joiner")


async def test_revoking_the_floor_stops_forwarding_at_once_and_granting_resumes_at_a_keyframe(
    server, gql, clients
):
    w = await make_video_world(server, gql)
    speaker = VideoClient(publish=True, slots=1)
    viewer = VideoClient(publish=False, slots=1)
    clients += [speaker, viewer]
    await join(gql, w.room, speaker, w.speaker.token)
    await join(gql, w.room, viewer, w.viewer.token)
    granted = await gql.data(GRANT, {"r": w.room, "u": w.viewer.gid}, token=w.host.token)
    assert granted["grantVideoFloor"]["errors"] == []
    viewer.pc.addTransceiver(Camera(), direction="sendonly")
    assert (await renegotiate(gql, w.room, viewer, w.viewer.token))["publishing"] is True
    # the speaker renegotiates to receive the viewer
    assert (await renegotiate(gql, w.room, speaker, w.speaker.token))["errors"] == []
    seen = tap(speaker)
    forward = packet_forward(server, w.county.id, w.speaker.user_id, "video")
    ssrc = forward.sender._ssrc
    await until(lambda: len(seen.of(ssrc)) > 20, "the viewer's video at the speaker")

    revoked = await gql.data(REVOKE, {"r": w.room, "u": w.viewer.gid}, token=w.host.token)
    assert revoked["revokeVideoFloor"]["errors"] == []
    count, at_revoke = forward.forwarded, len(seen.of(ssrc))
    await asyncio.sleep(1.0)
    assert forward.forwarded == count  # not one packet after the revoke
    assert len(seen.of(ssrc)) <= at_revoke + 2  # (at most what was in flight)
    last = seen.of(ssrc)[-1].seq

    assert (await gql.data(GRANT, {"r": w.room, "u": w.viewer.gid}, token=w.host.token))[
        "grantVideoFloor"
    ]["errors"] == []
    await until(lambda: forward.forwarded > count, "forwarding again")
    await until(lambda: len(seen.of(ssrc)) > at_revoke + 5, "packets after the grant")
    first = next(p for p in seen.of(ssrc) if (p.seq - last) & 0xFFFF in range(1, 0x8000))
    assert (first.seq - last) & 0xFFFF == 1  # no hole the receiver would NACK
    assert keyframe_start("video/vp8", first.payload)  # resumes where a decoder can start


async def test_leaving_detaches_the_packet_path_from_the_publication(server, gql, clients):
    w = await make_video_world(server, gql)
    speaker = VideoClient(publish=True)
    viewer = VideoClient(publish=False, slots=1)
    clients += [speaker, viewer]
    await join(gql, w.room, speaker, w.speaker.token)
    await join(gql, w.room, viewer, w.viewer.token)
    await until(lambda: viewer.frames_of("video") >= 3, "frames at the viewer")
    pubs = server.services.video.peer_of(w.county.id, w.speaker.user_id).publications
    assert all(len(p.packet_sinks) == 1 for p in pubs)
    forwards = list(server.services.video.peer_of(w.county.id, w.viewer.user_id).forwards.values())

    await gql.data(LEAVE, {"r": w.room}, token=w.viewer.token)
    assert all(p.packet_sinks == set() for p in pubs)
    assert all(f.readyState == "ended" for f in forwards)
    counts = [f.forwarded for f in forwards]
    await asyncio.sleep(0.3)
    assert [f.forwarded for f in forwards] == counts
