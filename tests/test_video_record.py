"""What a 云视频 room puts into the consultation record: chat, hand raises and votes sent
over the data channel (through the same services as the API), and recordings (start and
stop in the meeting's record, the stop with the file's SHA-256, the file muxed from the
forwarded packets without re-encoding)."""

from __future__ import annotations

import hashlib
import json
import uuid
from typing import Any

import av
import pytest

from tests.factories.tenants import db_id
from tests.factories.video import START_RECORDING, STOP_RECORDING, join, make_video_world, until
from tests.meetings_api import CREATE_POLL, OPEN_POLL, POLL
from tests.video_client import VideoClient


@pytest.fixture
async def clients():
    made: list[VideoClient] = []
    yield made
    for c in made:
        await c.close()


async def meeting_events(owner_db: Any, county_id: int, meeting: str) -> list[tuple[str, dict]]:
    rows = await owner_db.fetch(
        "SELECT type, payload FROM events WHERE tenant_id = $1 AND stream = $2 ORDER BY seq",
        county_id,
        f"meeting:{db_id(meeting)}",
    )
    return [(r["type"], json.loads(r["payload"])) for r in rows]


async def test_chat_hands_and_votes_over_the_data_channel_go_into_the_record(
    server, gql, owner_db, clients
):
    w = await make_video_world(server, gql)
    poll = (
        await gql.data(
            CREATE_POLL,
            {"m": w.meeting, "q": "是否同意停车收费方案", "o": ["同意", "反对"]},
            token=w.host.token,
        )
    )["createPoll"]["poll"]["id"]
    await gql.data(OPEN_POLL, {"p": poll}, token=w.host.token)
    speaker = VideoClient(publish=False, slots=1)
    clients.append(speaker)
    await join(gql, w.room, speaker, w.speaker.token)

    chat = await speaker.send({"id": 1, "type": "chat", "body": "建议增设停车位"})
    hand = await speaker.send({"id": 2, "type": "hand", "topic": "停车"})
    key = uuid.uuid4().hex
    vote = await speaker.send(
        {"id": 3, "type": "vote", "pollId": poll, "choices": [0], "idempotencyKey": key}
    )
    again = await speaker.send(
        {"id": 4, "type": "vote", "pollId": poll, "choices": [0], "idempotencyKey": key}
    )
    bad_choice = await speaker.send(
        {"id": 5, "type": "vote", "pollId": poll, "choices": [7], "idempotencyKey": "x" * 16}
    )
    empty = await speaker.send({"id": 6, "type": "chat", "body": "   "})
    unknown = await speaker.send({"id": 7, "type": "dance"})

    assert chat["ok"] is True and chat["id"] == 1
    assert hand["ok"] is True
    assert vote == {"ok": True, "duplicate": False, "id": 3}
    assert again == {"ok": True, "duplicate": True, "id": 4}
    assert bad_choice["ok"] is False and [e["code"] for e in bad_choice["errors"]] == [
        "INVALID_CHOICE"
    ]
    assert empty["ok"] is False and empty["errors"][0]["field"] == "body"
    assert unknown["ok"] is False and unknown["errors"][0]["field"] == "type"
    tally = await gql.data(POLL, {"id": poll}, token=w.host.token)
    assert tally["node"]["counts"] == [1, 0] and tally["node"]["totalVotes"] == 1
    types = [t for t, _ in await meeting_events(owner_db, w.county.id, w.meeting)]
    assert types.count("comment.posted") == 1
    assert types.count("queue.changed") == 1
    assert types.count("vote.cast") == 1
    assert (
        await owner_db.fetchval(
            "SELECT body FROM meeting_comments WHERE tenant_id = $1", w.county.id
        )
        == "建议增设停车位"
    )


async def test_a_recording_muxes_the_forwarded_packets_and_its_hash_is_in_the_record(
    server, gql, owner_db, clients
):
    w = await make_video_world(server, gql)
    speaker = VideoClient(publish=True)
    clients.append(speaker)
    await join(gql, w.room, speaker, w.speaker.token)
    video = server.services.video
    await until(
        lambda: any(
            p.frames >= 3 for p in video.peer_of(w.county.id, w.speaker.user_id).publications
        ),
        "media at the server",
    )

    started = await gql.data(START_RECORDING, {"r": w.room}, token=w.host.token)
    assert started["startVideoRecording"]["errors"] == []
    twice = await gql.data(START_RECORDING, {"r": w.room}, token=w.host.token)
    assert [e["code"] for e in twice["startVideoRecording"]["errors"]] == ["ALREADY_RECORDING"]
    not_host = await gql.execute(START_RECORDING, {"r": w.room}, token=w.speaker.token)
    assert not_host["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    recorder = video.recording(w.county.id, db_id(w.room))
    await until(lambda: recorder.frames >= 60, "60 packets in the file")
    stopped = (await gql.data(STOP_RECORDING, {"r": w.room}, token=w.host.token))[
        "stopVideoRecording"
    ]

    assert stopped["errors"] == []
    rec = stopped["recording"]
    path = server.services.settings.video_storage_dir / rec["fileName"]
    data = path.read_bytes()
    assert rec["sha256"] == hashlib.sha256(data).hexdigest() and rec["bytes"] == len(data)
    with av.open(str(path)) as container:
        kinds = sorted(s.type for s in container.streams)
        frames = sum(1 for _ in container.decode(video=0))
    assert kinds == ["audio", "video"]
    assert frames >= 10
    recorded = [
        (t, p)
        for t, p in await meeting_events(owner_db, w.county.id, w.meeting)
        if t.startswith("videoRecording.")
    ]
    assert [t for t, _ in recorded] == ["videoRecording.started", "videoRecording.stopped"]
    assert recorded[1][1]["sha256"] == rec["sha256"]
    assert recorded[1][1]["bytes"] == len(data)
    again = await gql.data(STOP_RECORDING, {"r": w.room}, token=w.host.token)
    assert [e["code"] for e in again["stopVideoRecording"]["errors"]] == ["NOT_RECORDING"]


async def test_a_persons_copy_of_their_data_lists_the_rooms_they_were_in(server, gql, clients):
    w = await make_video_world(server, gql)
    viewer = VideoClient(publish=False, slots=1)
    clients.append(viewer)
    await join(gql, w.room, viewer, w.viewer.token)
    await gql.data(
        "mutation($r: ID!) { leaveVideoRoom(roomId: $r) { errors { code } } }",
        {"r": w.room},
        token=w.viewer.token,
    )
    data = await gql.data(
        "mutation { exportPersonalData { data errors { code } } }", token=w.viewer.token
    )
    (video,) = [
        s["data"] for s in data["exportPersonalData"]["data"]["sections"] if s["key"] == "video"
    ]
    assert [(r["meetingId"], r["leftReason"], r["publishing"]) for r in video["rooms"]] == [
        (db_id(w.meeting), "left", False)
    ]
    assert video["floor"] == [] and video["recordingsStarted"] == []
