"""云视频 rooms for tests, through the GraphQL API as a host's and a participant's app would."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import Any

from backend.people.models import Role
from tests.factories.meetings import attend, make_meeting
from tests.factories.people import make_user
from tests.factories.tenants import Account, County, make_county
from tests.video_client import VideoClient

ROOM_FIELDS = "id meetingId participantLimit isOpen stream participants { userId name publishing } recording { id fileName sha256 bytes }"
OPEN_ROOM = f"""
mutation($m: ID!, $n: Int) {{
  openVideoRoom(meetingId: $m, participantLimit: $n) {{ room {{ {ROOM_FIELDS} }} errors {{ field code message }} }}
}}"""
JOIN = f"""
mutation($r: ID!, $sdp: String!) {{
  joinVideoRoom(roomId: $r, sdpOffer: $sdp) {{
    room {{ {ROOM_FIELDS} }} sdpAnswer slots {{ mid userId kind }} publishing errors {{ field code message }}
  }}
}}"""
RENEGOTIATE = f"""
mutation($r: ID!, $sdp: String!) {{
  renegotiateVideo(roomId: $r, sdpOffer: $sdp) {{
    room {{ {ROOM_FIELDS} }} sdpAnswer slots {{ mid userId kind }} publishing errors {{ field code message }}
  }}
}}"""
LEAVE = f"""
mutation($r: ID!) {{ leaveVideoRoom(roomId: $r) {{ room {{ {ROOM_FIELDS} }} errors {{ field code message }} }} }}"""
GRANT = """
mutation($r: ID!, $u: ID, $q: ID) {
  grantVideoFloor(roomId: $r, userId: $u, speakingRequestId: $q) { userId granted errors { field code message } }
}"""
REVOKE = """
mutation($r: ID!, $u: ID!) { revokeVideoFloor(roomId: $r, userId: $u) { userId granted errors { field code message } } }"""
START_RECORDING = """
mutation($r: ID!) { startVideoRecording(roomId: $r) { recording { id fileName sha256 bytes stoppedAt } errors { field code message } } }"""
STOP_RECORDING = """
mutation($r: ID!) { stopVideoRecording(roomId: $r) { recording { id fileName sha256 bytes stoppedAt } errors { field code message } } }"""
REGISTER = "mutation($m: ID!) { registerForMeeting(meetingId: $m) { errors { code message } } }"
ROOM = f"query($m: ID!) {{ videoRoom(meetingId: $m) {{ {ROOM_FIELDS} }} }}"


@dataclass
class VideoWorld:
    county: County
    meeting: str
    room: str
    speaker: Account  # REPRESENTATIVE: publishes without a grant
    viewer: Account  # ATTENDEE: watches until given the floor
    outsider: Account  # of the county, not a participant

    @property
    def host(self) -> Account:
        return self.county.admin


async def open_room(gql: Any, county: County, meeting: str, limit: int = 16) -> str:
    data = await gql.data(OPEN_ROOM, {"m": meeting, "n": limit}, token=county.admin.token)
    payload = data["openVideoRoom"]
    assert payload["errors"] == [], payload
    return payload["room"]["id"]


async def make_video_world(server: Any, gql: Any, *, limit: int = 16) -> VideoWorld:
    county = await make_county(server)
    speaker = await make_user(server, county, roles=[(Role.CITIZEN, None)], name="群众代表老王")
    viewer = await make_user(server, county, roles=[(Role.CITIZEN, None)], name="居民小李")
    outsider = await make_user(server, county, roles=[(Role.CITIZEN, None)], name="路人甲")
    meeting = await make_meeting(gql, county, kind="VIDEO_MEETING")
    await attend(gql, county, meeting, [speaker.gid], role="REPRESENTATIVE")
    # registered by themselves (not invited): an attendee who watches until given the floor
    data = await gql.data(REGISTER, {"m": meeting}, token=viewer.token)
    assert data["registerForMeeting"]["errors"] == [], data
    room = await open_room(gql, county, meeting, limit)
    return VideoWorld(county, meeting, room, speaker, viewer, outsider)


WAIT = 20.0


async def until(predicate: Any, what: str, limit: float = WAIT) -> None:
    deadline = time.monotonic() + limit
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.05)


async def join(gql: Any, room: str, client: VideoClient, token: str) -> dict[str, Any]:
    data = await gql.data(JOIN, {"r": room, "sdp": await client.offer()}, token=token)
    payload = data["joinVideoRoom"]
    if payload["sdpAnswer"]:
        await client.accept(payload["sdpAnswer"])
    return payload


async def renegotiate(gql: Any, room: str, client: VideoClient, token: str) -> dict[str, Any]:
    data = await gql.data(RENEGOTIATE, {"r": room, "sdp": await client.offer()}, token=token)
    payload = data["renegotiateVideo"]
    if payload["sdpAnswer"]:
        await client.accept(payload["sdpAnswer"])
    return payload
