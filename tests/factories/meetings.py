"""Meetings for tests, created through the GraphQL API as a host's app would."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from tests.factories.tenants import County

CREATE_MEETING = """
mutation($input: CreateMeetingInput!) {
  createMeeting(input: $input) { meeting { id state } errors { field code message } }
}"""
START = "mutation($m: ID!) { startMeeting(meetingId: $m) { meeting { state } warnings errors { code message } } }"
INVITE = """
mutation($m: ID!, $u: [ID!]!, $r: ParticipantRole!) {
  inviteParticipants(meetingId: $m, userIds: $u, role: $r) { participants { userId } errors { code message } }
}"""
CHECK_IN = """
mutation($m: ID!, $u: ID) { checkIn(meetingId: $m, userId: $u) { participants { checkedInAt } errors { code message } } }"""


async def make_meeting(
    gql: Any,
    county: County,
    *,
    kind: str = "WORK_REPORT",
    mode: str = "ONLINE",
    live: bool = True,
    starts_in: timedelta = timedelta(days=7),
    capacity: int | None = None,
) -> str:
    """A meeting hosted by the county root, by its admin; started (LIVE) unless live=False."""
    data = await gql.data(
        CREATE_MEETING,
        {
            "input": {
                "kind": kind,
                "mode": mode,
                "title": "2026年度部门述职报告会",
                "hostUnitId": county.root_gid,
                "startsAt": (datetime.now(UTC) + starts_in).isoformat(),
                "capacity": capacity,
            }
        },
        token=county.admin.token,
    )
    payload = data["createMeeting"]
    assert payload["errors"] == [], payload
    meeting_id = payload["meeting"]["id"]
    if live:
        started = await gql.data(START, {"m": meeting_id}, token=county.admin.token)
        assert started["startMeeting"]["errors"] == [], started
    return meeting_id


async def attend(
    gql: Any, county: County, meeting_id: str, user_gids: list[str], role: str = "REPRESENTATIVE"
) -> None:
    """Invite people and check them in (as the host)."""
    data = await gql.data(
        INVITE, {"m": meeting_id, "u": user_gids, "r": role}, token=county.admin.token
    )
    assert data["inviteParticipants"]["errors"] == [], data
    for user in user_gids:
        data = await gql.data(CHECK_IN, {"m": meeting_id, "u": user}, token=county.admin.token)
        assert data["checkIn"]["errors"] == [], data
