"""云视频 rooms over the GraphQL API with real aiortc clients on loopback: joining with an
SDP offer, media forwarded between participants, the floor, refusals that leave the room
and its participants unaffected, and no peer, task or socket left after leave and shutdown."""

from __future__ import annotations

import asyncio
import re
import time
from pathlib import Path
from typing import Any

import psutil
import pytest

from backend.core.limits import Action, Rate
from backend.core.settings import Settings
from backend.video.rooms import MAX_PARTICIPANT_LIMIT
from realtime.video.server import VideoServer
from tests.conftest import county_rows
from tests.factories.meetings import make_meeting
from tests.factories.tenants import db_id, make_county
from tests.factories.video import (
    GRANT,
    JOIN,
    LEAVE,
    RENEGOTIATE,
    REVOKE,
    ROOM,
    WAIT,
    join,
    make_video_world,
    open_room,
    renegotiate,
    until,
)
from tests.test_units_of_work import budgets
from tests.video_client import VideoClient


async def video_events(owner_db: Any, county_id: int, room: str) -> list[tuple[str, dict]]:
    import json

    rows = await owner_db.fetch(
        "SELECT type, payload FROM events WHERE tenant_id = $1 AND stream = $2 ORDER BY seq",
        county_id,
        f"video:{db_id(room)}",
    )
    return [(r["type"], json.loads(r["payload"])) for r in rows]


def udp_sockets() -> int:
    return sum(1 for c in psutil.Process().net_connections(kind="udp"))


@pytest.fixture
async def clients():
    made: list[VideoClient] = []
    yield made
    for c in made:
        await c.close()


async def test_a_speaker_publishes_and_a_viewer_receives_the_forwarded_media(
    server, gql, owner_db, clients
):
    w = await make_video_world(server, gql)
    speaker = VideoClient(publish=True)
    viewer = VideoClient(publish=False, slots=1)
    clients += [speaker, viewer]

    joined = await join(gql, w.room, speaker, w.speaker.token)
    assert joined["errors"] == [] and joined["publishing"] is True
    assert "a=candidate:" in joined["sdpAnswer"] and "127.0.0.1" in joined["sdpAnswer"]
    watching = await join(gql, w.room, viewer, w.viewer.token)

    assert watching["errors"] == [] and watching["publishing"] is False
    assert sorted((s["kind"], s["userId"]) for s in watching["slots"]) == [
        ("audio", w.speaker.gid),
        ("video", w.speaker.gid),
    ]
    assert [(p["userId"], p["publishing"]) for p in watching["room"]["participants"]] == [
        (w.speaker.gid, True),
        (w.viewer.gid, False),
    ]
    await until(lambda: viewer.frames_of("video") >= 10, "video frames at the viewer")
    await until(lambda: viewer.frames_of("audio") >= 10, "audio frames at the viewer")
    # what the viewer decoded was forwarded, never decoded on the server
    video = server.services.video
    pubs = video.rooms[(w.county.id, db_id(w.room))].publications()
    assert sorted(p.kind for p in pubs) == ["audio", "video"]
    assert all(p.mime_type in ("video/VP8", "audio/opus") for p in pubs)
    assert [t for t, _ in await video_events(owner_db, w.county.id, w.room)] == [
        "videoRoom.opened",
        "videoParticipant.joined",
        "videoParticipant.joined",
    ]


async def test_two_publishers_receive_each_other_after_renegotiating(server, gql, clients):
    w = await make_video_world(server, gql)
    host = VideoClient(publish=True, slots=1)
    speaker = VideoClient(publish=True, slots=1)
    clients += [host, speaker]
    first = await join(gql, w.room, host, w.host.token)
    assert first["slots"] == []  # nobody to receive yet
    second = await join(gql, w.room, speaker, w.speaker.token)
    assert {s["userId"] for s in second["slots"]} == {w.host.gid}

    again = await renegotiate(gql, w.room, host, w.host.token)

    assert again["errors"] == []
    assert {s["userId"] for s in again["slots"]} == {w.speaker.gid}
    await until(lambda: host.frames_of("video") >= 5, "the speaker's video at the host")
    await until(lambda: speaker.frames_of("video") >= 5, "the host's video at the speaker")


async def test_publishing_needs_the_floor_which_the_host_grants_and_revokes(
    server, gql, owner_db, clients
):
    w = await make_video_world(server, gql)
    speaker = VideoClient(publish=True)
    clients.append(speaker)
    await join(gql, w.room, speaker, w.speaker.token)
    before = await county_rows(owner_db, w.county.id)

    # the viewer offers a camera without the floor: refused, nothing written
    eager = VideoClient(publish=True, slots=1)
    clients.append(eager)
    refused = await join(gql, w.room, eager, w.viewer.token)
    assert [(e["code"], e["field"]) for e in refused["errors"]] == [("NOT_GRANTED", "publish")]
    assert refused["sdpAnswer"] is None
    assert await county_rows(owner_db, w.county.id) == before
    assert server.services.video.peer_of(w.county.id, w.viewer.user_id) is None

    # watching is allowed; the host gives the floor; the viewer starts sending
    viewer = VideoClient(publish=False, slots=1)
    clients.append(viewer)
    assert (await join(gql, w.room, viewer, w.viewer.token))["errors"] == []
    granted = await gql.data(GRANT, {"r": w.room, "u": w.viewer.gid}, token=w.host.token)
    assert granted["grantVideoFloor"] == {"userId": w.viewer.gid, "granted": True, "errors": []}
    from tests.video_client import Camera

    viewer.pc.addTransceiver(Camera(), direction="sendonly")
    now_publishing = await renegotiate(gql, w.room, viewer, w.viewer.token)
    assert now_publishing["errors"] == [] and now_publishing["publishing"] is True
    pubs = server.services.video.peer_of(w.county.id, w.viewer.user_id).publications
    await until(lambda: any(p.frames > 5 for p in pubs), "the viewer's camera at the server")

    # only a host grants; the host takes the floor back: forwarding stops
    not_host = await gql.execute(GRANT, {"r": w.room, "u": w.viewer.gid}, token=w.speaker.token)
    assert not_host["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    revoked = await gql.data(REVOKE, {"r": w.room, "u": w.viewer.gid}, token=w.host.token)
    assert revoked["revokeVideoFloor"]["errors"] == []
    assert all(p.enabled is False for p in pubs)
    again = await gql.data(REVOKE, {"r": w.room, "u": w.viewer.gid}, token=w.host.token)
    assert [e["code"] for e in again["revokeVideoFloor"]["errors"]] == ["NOT_GRANTED"]
    types = [t for t, _ in await video_events(owner_db, w.county.id, w.room)]
    assert types.count("videoFloor.granted") == 1 and types.count("videoFloor.revoked") == 1


async def test_bad_offers_and_refused_joins_leave_the_room_and_its_participants_unaffected(
    server, gql, owner_db, clients
):
    w = await make_video_world(server, gql, limit=2)
    speaker = VideoClient(publish=True)
    viewer = VideoClient(publish=False, slots=1)
    clients += [speaker, viewer]
    await join(gql, w.room, speaker, w.speaker.token)
    await join(gql, w.room, viewer, w.viewer.token)
    await until(lambda: viewer.frames_of("video") >= 3, "media before the refusals")
    before = await county_rows(owner_db, w.county.id)
    peers_before = dict(server.services.video.peers)

    async def refused(variables: dict, token: str) -> list[tuple[str, str | None]]:
        data = await gql.data(JOIN, variables, token=token)
        assert data["joinVideoRoom"]["sdpAnswer"] is None
        return [(e["code"], e["field"]) for e in data["joinVideoRoom"]["errors"]]

    offer = await VideoClient(publish=False, slots=1).offer()
    # malformed SDP
    too_large = "v=0\r\n" + ("a=" + "x" * 1000 + "\r\n") * 530  # 532 KB: over 512 KiB
    too_many_sections = "v=0\r\n" + "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\n" * 161
    for sdp in ["", "hello", "v=0\r\nnonsense\r\n", too_large, too_many_sections]:
        assert await refused({"r": w.room, "sdp": sdp}, w.host.token) == [
            ("INVALID_SDP", "sdpOffer")
        ]
    # over the limit (2: the speaker and the viewer are in)
    assert await refused({"r": w.room, "sdp": offer}, w.host.token) == [("ROOM_FULL", "roomId")]
    # not a participant
    assert await refused({"r": w.room, "sdp": offer}, w.outsider.token) == [
        ("NOT_PARTICIPANT", "roomId")
    ]
    # a room of another county: as if it did not exist
    other = await make_county(server)
    assert await refused({"r": w.room, "sdp": offer}, other.admin.token) == [
        ("NOT_FOUND", "roomId")
    ]
    assert await county_rows(owner_db, w.county.id) == before
    assert dict(server.services.video.peers) == peers_before
    frames = viewer.frames_of("video")
    await until(lambda: viewer.frames_of("video") >= frames + 5, "media after the refusals")


def browser_offer(pairs: int) -> str:
    """A Chromium 156 offer (camera, microphone, data channel: tests/data, captured from the
    browser) receiving `pairs` other participants: its receiving video and audio sections
    repeated with new mids, as the meeting page's `addSlots` makes them."""
    sdp = (Path(__file__).parent / "data" / "chromium-156-offer.sdp").read_bytes().decode()
    head, *sections = re.split(r"(?=^m=)", sdp, flags=re.M)
    camera, microphone, video, audio, channel = sections
    mids = ["0", "1"]
    slots = []
    for i in range(pairs):
        for section, mid, new in ((video, "2", 10 + 2 * i), (audio, "3", 11 + 2 * i)):
            slots.append(re.sub(rf"^a=mid:{mid}\r$", f"a=mid:{new}\r", section, flags=re.M))
            mids.append(str(new))
    mids.append("4")
    head = re.sub(r"^a=group:BUNDLE .*\r$", f"a=group:BUNDLE {' '.join(mids)}\r", head, flags=re.M)
    return head + camera + microphone + "".join(slots) + channel


async def test_a_browsers_offer_for_the_largest_room_is_answered(server, gql):
    """A browser's offer carries ~6 KB per participant it receives (94,898 bytes in a room of
    16): the offer of a participant of the largest room is answered, with every slot."""
    w = await make_video_world(server, gql, limit=MAX_PARTICIPANT_LIMIT)
    sdp = browser_offer(MAX_PARTICIPANT_LIMIT - 1)
    assert len(sdp.encode()) > 250_000 and sdp.count("\nm=") == 2 * MAX_PARTICIPANT_LIMIT + 1
    data = await gql.data(JOIN, {"r": w.room, "sdp": sdp}, token=w.host.token)
    payload = data["joinVideoRoom"]
    assert payload["errors"] == [], payload["errors"]
    assert payload["sdpAnswer"].count("\nm=") == sdp.count("\nm=")
    left = await gql.data(LEAVE, {"r": w.room}, token=w.host.token)
    assert left["leaveVideoRoom"]["errors"] == []


async def test_offers_beyond_the_signalling_budget_are_refused_before_they_are_parsed(
    server, gql, clients
):
    # given: one offer an hour per person (an offer for a room of 50 takes ~40 ms to parse)
    w = await make_video_world(server, gql, limit=4)
    speaker = VideoClient(publish=True)
    clients.append(speaker)
    with budgets(server, Action.VIDEO_SIGNAL, per_user=Rate(1, 3600), per_address=None):
        # when: the speaker joins, then offers again (a renegotiation), then joins again
        joined = await join(gql, w.room, speaker, w.speaker.token)
        peer = server.services.video.peer_of(w.county.id, w.speaker.user_id)
        again = (
            await gql.data(
                RENEGOTIATE, {"r": w.room, "sdp": await speaker.offer()}, token=w.speaker.token
            )
        )["renegotiateVideo"]
        rejoin = (
            await gql.data(JOIN, {"r": w.room, "sdp": await speaker.offer()}, token=w.speaker.token)
        )["joinVideoRoom"]

    # then: the first is answered; the others are RATE_LIMITED with nothing answered, and the
    # speaker's connection is the one it was
    assert joined["errors"] == [] and joined["sdpAnswer"]
    for refused in (again, rejoin):
        assert refused["sdpAnswer"] is None
        assert [e["code"] for e in refused["errors"]] == ["RATE_LIMITED"]
    assert server.services.video.peer_of(w.county.id, w.speaker.user_id) is peer


async def test_joining_a_meeting_that_is_not_live_is_refused(server, gql, owner_db):
    county = await make_county(server)
    draft = await make_meeting(gql, county, kind="VIDEO_MEETING", live=False)
    room = await open_room(gql, county, draft)
    before = await county_rows(owner_db, county.id)
    offer = await VideoClient(publish=False, slots=1).offer()
    data = await gql.data(JOIN, {"r": room, "sdp": offer}, token=county.admin.token)
    assert [(e["code"], e["field"]) for e in data["joinVideoRoom"]["errors"]] == [
        ("MEETING_NOT_LIVE", "roomId")
    ]
    assert await county_rows(owner_db, county.id) == before


async def test_leaving_closes_the_peer_and_is_in_the_record(server, gql, owner_db, clients):
    w = await make_video_world(server, gql)
    viewer = VideoClient(publish=False, slots=1)
    clients.append(viewer)
    await join(gql, w.room, viewer, w.viewer.token)

    data = await gql.data(LEAVE, {"r": w.room}, token=w.viewer.token)

    assert data["leaveVideoRoom"]["errors"] == []
    assert data["leaveVideoRoom"]["room"]["participants"] == []
    assert server.services.video.peer_of(w.county.id, w.viewer.user_id) is None
    again = await gql.data(LEAVE, {"r": w.room}, token=w.viewer.token)
    assert [e["code"] for e in again["leaveVideoRoom"]["errors"]] == ["NOT_IN_ROOM"]
    left = [p for t, p in await video_events(owner_db, w.county.id, w.room) if t.endswith("left")]
    assert left == [{"userId": w.viewer.user_id, "reason": "left"}]
    room = await gql.data(ROOM, {"m": w.meeting}, token=w.host.token)
    assert room["videoRoom"]["participants"] == []


async def test_a_peer_whose_client_closes_without_leaving_is_closed_and_recorded(
    server, gql, owner_db
):
    w = await make_video_world(server, gql)
    video = server.services.video
    try:
        viewer = VideoClient(publish=False, slots=1)
        await join(gql, w.room, viewer, w.viewer.token)
        await until(
            lambda: video.peer_of(w.county.id, w.viewer.user_id).pc.connectionState == "connected",
            "connected",
        )
        await viewer.close()  # no leaveVideoRoom: the client is gone
        await until(lambda: video.peer_of(w.county.id, w.viewer.user_id) is None, "closed")
    finally:
        pass

    async def recorded() -> list[str]:
        return [
            p["reason"]
            for t, p in await video_events(owner_db, w.county.id, w.room)
            if t == "videoParticipant.left"
        ]

    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        if await recorded():
            break
        await asyncio.sleep(0.1)
    assert await recorded() == ["closed"]


async def test_a_peer_that_never_connects_is_closed_after_the_timeout(server, gql, owner_db):
    w = await make_video_world(server, gql)
    video = server.services.video
    saved = video.disconnect_timeout
    video.disconnect_timeout = 0.5
    viewer = VideoClient(publish=False, slots=1)
    try:
        data = await gql.data(
            JOIN, {"r": w.room, "sdp": await viewer.offer()}, token=w.viewer.token
        )
        assert data["joinVideoRoom"]["errors"] == []  # the answer is never applied
        await until(lambda: video.peer_of(w.county.id, w.viewer.user_id) is None, "closed")
    finally:
        video.disconnect_timeout = saved
        await viewer.close()
    deadline = time.monotonic() + WAIT
    reasons: list[str] = []
    while not reasons and time.monotonic() < deadline:
        reasons = [
            p["reason"]
            for t, p in await video_events(owner_db, w.county.id, w.room)
            if t == "videoParticipant.left"
        ]
        await asyncio.sleep(0.1)
    assert reasons == ["timeout"]
    room = await gql.data(ROOM, {"m": w.meeting}, token=w.host.token)
    assert room["videoRoom"]["participants"] == []


async def test_no_peer_task_or_socket_is_left_after_leave_and_shutdown(server, gql, clients):
    """A media server of its own (as the app's lifespan makes one): after everyone left
    and after shutdown, no peer, no task of the server and no UDP socket remain."""
    w = await make_video_world(server, gql)
    settings = Settings()
    baseline_tasks = {t for t in asyncio.all_tasks()}
    baseline_udp = udp_sockets()
    own = VideoServer(
        ice_addresses=settings.video_ice_addresses, storage_dir=settings.video_storage_dir
    )
    shared = server.services.video
    server.services.video = own
    try:
        a = VideoClient(publish=True, slots=1)
        b = VideoClient(publish=False, slots=1)
        clients += [a, b]
        await join(gql, w.room, a, w.speaker.token)
        await join(gql, w.room, b, w.viewer.token)
        await until(lambda: b.frames_of("video") >= 3, "media")
        assert udp_sockets() > baseline_udp
        # one leaves through the API, the other is closed at shutdown
        await gql.data(LEAVE, {"r": w.room}, token=w.viewer.token)
        assert len(own.peers) == 1
        await own.close()
    finally:
        server.services.video = shared
    for c in (a, b):
        await c.close()
    clients.clear()
    await asyncio.sleep(0.2)
    assert own.peers == {} and own.rooms == {}
    assert udp_sockets() == baseline_udp
    leftover = [
        t
        for t in asyncio.all_tasks() - baseline_tasks
        if not t.done() and t is not asyncio.current_task()
    ]
    assert [t for t in leftover if "aiortc" in repr(t.get_coro()) or "video" in repr(t)] == []


async def test_joining_again_replaces_the_connection_and_counts_once(
    server, gql, owner_db, clients
):
    w = await make_video_world(server, gql, limit=2)
    speaker = VideoClient(publish=True)
    first = VideoClient(publish=False, slots=1)
    clients += [speaker, first]
    await join(gql, w.room, speaker, w.speaker.token)
    await join(gql, w.room, first, w.viewer.token)
    old = server.services.video.peer_of(w.county.id, w.viewer.user_id)

    # the same person again (a reloaded page) in a full room of two
    second = VideoClient(publish=False, slots=1)
    clients.append(second)
    again = await join(gql, w.room, second, w.viewer.token)

    assert again["errors"] == []
    assert [p["userId"] for p in again["room"]["participants"]] == [w.speaker.gid, w.viewer.gid]
    assert server.services.video.peer_of(w.county.id, w.viewer.user_id) is not old
    assert old.pc.connectionState == "closed"
    await until(lambda: second.frames_of("video") >= 3, "media on the new connection")
    left = [
        p["reason"]
        for t, p in await video_events(owner_db, w.county.id, w.room)
        if t.endswith("left")
    ]
    assert left == ["replaced"]
