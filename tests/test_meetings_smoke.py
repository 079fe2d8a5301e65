"""A 述职报告会 end to end: live view over a websocket, a poll with votes, the record."""

from __future__ import annotations

import uuid

from backend.people.models import Role
from tests.factories.meetings import attend, make_meeting
from tests.factories.people import make_user
from tests.factories.tenants import make_county
from tests.realtime_client import GraphQLWS

LIVE = """
subscription($m: ID!, $after: Int) {
  meetingLive(meetingId: $m, after: $after) {
    seq type hash
    data {
      __typename
      ... on MeetingStateChanged { state }
      ... on PollUpdate { change poll { id state counts totalVotes } }
      ... on PollTally { pollId counts totalVotes }
      ... on CommentUpdate { change body }
    }
  }
}"""


async def test_poll_votes_reach_live_watchers_and_the_record(server, gql):
    county = await make_county(server)
    voters = [await make_user(server, county, roles=[(Role.CITIZEN, None)]) for _ in range(3)]
    meeting = await make_meeting(gql, county)
    await attend(gql, county, meeting, [v.gid for v in voters])
    poll = (
        await gql.data(
            """mutation($m: ID!) { createPoll(meetingId: $m, question: "是否同意",
        options: ["同意", "不同意"]) { poll { id } errors { code } } }""",
            {"m": meeting},
            token=county.admin.token,
        )
    )["createPoll"]["poll"]["id"]
    await gql.data(
        "mutation($p: ID!) { openPoll(pollId: $p) { errors { code } } }",
        {"p": poll},
        token=county.admin.token,
    )

    async with GraphQLWS(server.ws_url) as ws:
        await ws.open(voters[0].token)
        op = await ws.subscribe(LIVE, {"m": meeting, "after": 0})
        for i, voter in enumerate(voters):
            body = await gql.data(
                """mutation($p: ID!, $c: [Int!]!, $k: String!) {
                castVote(pollId: $p, choices: $c, idempotencyKey: $k) { accepted duplicate errors { code } } }""",
                {"p": poll, "c": [i % 2], "k": str(uuid.uuid4())},
                token=voter.token,
            )
            assert body["castVote"] == {"accepted": True, "duplicate": False, "errors": []}
        closed = await gql.data(
            "mutation($p: ID!) { closePoll(pollId: $p) { poll { counts totalVotes } errors { code } } }",
            {"p": poll},
            token=county.admin.token,
        )
        assert closed["closePoll"]["poll"] == {"counts": [2, 1], "totalVotes": 3}
        seen = []
        while True:
            msg = await ws.message(op)
            event = msg["payload"]["data"]["meetingLive"]
            seen.append(event)
            if event["type"] == "poll.closed":
                break
    assert seen[-1]["data"]["poll"]["counts"] == [2, 1]
    assert {e["data"]["__typename"] for e in seen} >= {"MeetingStateChanged", "PollUpdate"}
