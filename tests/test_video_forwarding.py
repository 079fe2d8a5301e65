"""The forwarding hook (realtime.video.passthrough) end to end: the media server hands on
encoded frames without decoding them, keyframe requests from a receiver reach the
publisher (rate-limited), a receiver that joins asks for a keyframe, and the hook refuses
an aiortc it was not tested with."""

from __future__ import annotations

import asyncio

import aiortc
import pytest
from aiortc import rtcrtpreceiver

from realtime.video import passthrough
from realtime.video.passthrough import PINNED_AIORTC, EncodedFrame, is_keyframe, vp8_size
from tests.factories.tenants import db_id
from tests.factories.video import LEAVE, join, make_video_world, until
from tests.video_client import VideoClient


@pytest.fixture
async def clients():
    made: list[VideoClient] = []
    yield made
    for c in made:
        await c.close()


def test_the_hook_is_installed_on_the_pinned_aiortc():
    assert aiortc.__version__ == PINNED_AIORTC
    passthrough.install()
    assert rtcrtpreceiver.decoder_worker is passthrough._worker


def test_the_hook_refuses_an_aiortc_it_was_not_tested_with(monkeypatch):
    monkeypatch.setattr(aiortc, "__version__", "9.9.9")
    with pytest.raises(RuntimeError, match="tested with aiortc"):
        passthrough.install()


def test_keyframes_are_told_from_the_bitstream():
    key = bytes([0x10, 0x02, 0x00, 0x9D, 0x01, 0x2A, 0x80, 0x02, 0x68, 0x01])  # 640×360
    assert is_keyframe("video/VP8", key) and vp8_size(key) == (640, 360)
    assert not is_keyframe("video/VP8", bytes([0x11, 0x02, 0x00]))
    assert is_keyframe("video/H264", b"\x00\x00\x00\x01\x67\x42") and not is_keyframe(
        "video/H264", b"\x00\x00\x01\x41\x9a"
    )
    assert is_keyframe("audio/opus", b"\xfc")


async def test_the_server_forwards_encoded_frames_and_never_decodes(server, gql, clients):
    w = await make_video_world(server, gql)
    speaker = VideoClient(publish=True)
    viewer = VideoClient(publish=False, slots=1)
    clients += [speaker, viewer]
    await join(gql, w.room, speaker, w.speaker.token)
    await join(gql, w.room, viewer, w.viewer.token)
    await until(lambda: viewer.frames_of("video") >= 5, "decoded frames at the viewer")

    peer = server.services.video.peer_of(w.county.id, w.speaker.user_id)
    video = next(p for p in peer.publications if p.kind == "video")
    # what the publication reads from aiortc's receiver is the encoded frame itself
    frame = await asyncio.wait_for(video.source.recv(), 5)
    assert isinstance(frame, EncodedFrame) and frame.mime_type == "video/VP8"
    assert video.size == (320, 180)  # from a key frame's header, not from a decoder
    # every receiver of the server's peers is marked for the hook (none decodes); the
    # viewer's own (aiortc, unmarked) decoded what it got
    receiving = [t for t in peer.pc.getTransceivers() if t.receiver.track is not None]
    assert len(receiving) == 2
    assert all(getattr(t.receiver.track._queue, passthrough._MARK) for t in receiving)
    assert not any(
        getattr(t.receiver.track._queue, passthrough._MARK, False)
        for t in viewer.pc.getTransceivers()
        if t.receiver.track is not None
    )


async def test_encoded_frames_are_handed_over_on_the_event_loop_without_a_thread(
    server, gql, clients
):
    """A marked receiver's decoder thread ends at once: its frames reach the track on
    the event loop (one thread per received track, and a thread handoff per frame, was
    the media server's largest cost; docs/video.md "Performance")."""
    w = await make_video_world(server, gql)
    speaker = VideoClient(publish=True)
    viewer = VideoClient(publish=False, slots=1)
    clients += [speaker, viewer]
    await join(gql, w.room, speaker, w.speaker.token)
    await join(gql, w.room, viewer, w.viewer.token)
    await until(lambda: viewer.frames_of("video") >= 5, "frames at the viewer")

    peer = server.services.video.peer_of(w.county.id, w.speaker.user_id)
    publications = {p.kind: p for p in peer.publications}
    assert set(publications) == {"audio", "video"}
    for publication in publications.values():
        # RTCRtpReceiver.__decoder_thread (aiortc PINNED_AIORTC)
        thread = publication.receiver._RTCRtpReceiver__decoder_thread
        assert thread is not None and not thread.is_alive()
    # the frames keep coming, so they did not go through that thread
    before = {k: p.frames for k, p in publications.items()}
    await until(
        lambda: all(p.frames >= before[k] + 5 for k, p in publications.items()),
        "more frames read by both publications",
    )
    # the viewer's own receivers (unmarked) still decode on their threads
    decoding = [
        t.receiver._RTCRtpReceiver__decoder_thread
        for t in viewer.pc.getTransceivers()
        if t.receiver.track is not None
    ]
    assert decoding and all(t is not None and t.is_alive() for t in decoding)
    # and a publication stops cleanly: its track ends, nothing waits on a thread
    await gql.data(LEAVE, {"r": w.room}, token=w.speaker.token)
    await until(lambda: all(p.done for p in publications.values()), "the publications' end")


async def test_a_receivers_keyframe_request_reaches_the_publisher_rate_limited(
    server, gql, clients
):
    w = await make_video_world(server, gql)
    speaker = VideoClient(publish=True)
    viewer = VideoClient(publish=False, slots=1)
    clients += [speaker, viewer]
    await join(gql, w.room, speaker, w.speaker.token)
    video_pub = lambda: next(  # noqa: E731
        p
        for p in server.services.video.peer_of(w.county.id, w.speaker.user_id).publications
        if p.kind == "video"
    )
    await until(lambda: video_pub().frames > 0, "the speaker's video at the server")
    before = video_pub().keyframe_requests
    await join(gql, w.room, viewer, w.viewer.token)
    # joining asked for a keyframe
    await until(lambda: video_pub().keyframe_requests > before, "a keyframe request on join")
    await until(lambda: viewer.frames_of("video") >= 3, "frames at the viewer")

    # the viewer's PLIs (as a browser sends them on loss) go to the publisher, at most one
    # per interval whatever their number
    interval = server.services.video.keyframe_interval
    await asyncio.sleep(interval)
    counted = video_pub().keyframe_requests
    receiver = next(
        t.receiver for t in viewer.pc.getTransceivers() if t.kind == "video" and t.receiver.track
    )
    (source,) = receiver.getSynchronizationSources()
    for _ in range(5):
        await receiver._send_rtcp_pli(source.source)
    await until(lambda: video_pub().keyframe_requests == counted + 1, "one forwarded PLI")
    await asyncio.sleep(0.1)
    assert video_pub().keyframe_requests == counted + 1
    assert db_id(w.room) in {r for _, r in server.services.video.rooms}


async def test_a_receiver_that_only_takes_h264_gets_the_vp8_publisher_decoded_once_and_encoded(
    server, gql, clients
):
    from aiortc import RTCRtpReceiver

    w = await make_video_world(server, gql)
    speaker = VideoClient(publish=True)
    clients.append(speaker)
    await join(gql, w.room, speaker, w.speaker.token)
    video = server.services.video
    pubs = video.peer_of(w.county.id, w.speaker.user_id).publications
    await until(lambda: any(p.kind == "video" and p.mime_type for p in pubs), "the VP8 publication")
    h264 = [c for c in RTCRtpReceiver.getCapabilities("video").codecs if c.mimeType == "video/H264"]
    viewer = VideoClient(publish=False, slots=1)
    clients.append(viewer)
    for t in viewer.pc.getTransceivers():
        if t.kind == "video":
            t.setCodecPreferences(h264)

    await join(gql, w.room, viewer, w.viewer.token)

    await until(lambda: viewer.frames_of("video") >= 5, "H.264 frames decoded by the viewer", 40)
    forwards = video.peer_of(w.county.id, w.viewer.user_id).forwards
    kinds = sorted((t.kind, type(t).__name__) for t in forwards.values())
    # the video is re-encoded for this receiver only; the audio (Opus both sides) is forwarded
    assert kinds == [("audio", "PacketForward"), ("video", "ReencodeTrack")]
