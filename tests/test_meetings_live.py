"""The live view: meetingLive gives a client everything, in order, resumable with `after`;
what a watcher sees depends on whether they host the meeting."""

from __future__ import annotations

from backend.people.models import Role
from tests.factories.meetings import attend, make_meeting
from tests.factories.people import make_user
from tests.factories.tenants import make_county
from tests.meetings_api import (
    CHECK_IN,
    HIDE,
    INVITE,
    LIVE,
    POST_COMMENT,
    collect_until,
    db_id,
    ok,
)
from tests.realtime_client import GraphQLWS

NOT_LIVE = {"meeting.created", "vote.cast", "score.cast"}  # in the record only


async def logged(owner_db, county, meeting):
    rows = await owner_db.fetch(
        "SELECT seq, type, hash FROM events WHERE tenant_id = $1 AND stream = $2 ORDER BY seq",
        county.id,
        f"meeting:{db_id(meeting)}",
    )
    return [(r["seq"], r["type"], r["hash"]) for r in rows]


async def test_a_watcher_resumes_after_a_disconnect_without_gap_or_duplicate(server, gql, owner_db):
    county = await make_county(server)
    author, late = [await make_user(server, county, roles=[(Role.CITIZEN, None)]) for _ in range(2)]
    meeting = await make_meeting(gql, county)
    await attend(gql, county, meeting, [author.gid])

    async with GraphQLWS(server.ws_url) as ws:
        await ws.open(author.token)
        head = (await logged(owner_db, county, meeting))[-1][0]
        op = await ws.subscribe(LIVE, {"m": meeting, "after": head})  # from now on
        for i in range(3):
            await ok(gql, POST_COMMENT, {"m": meeting, "b": f"第{i}条意见"}, author.token)
        first = await collect_until(ws, op, lambda e: e["data"].get("body") == "第2条意见")
    # Disconnected: the meeting goes on.
    hidden = await ok(gql, POST_COMMENT, {"m": meeting, "b": "不当言论"}, author.token)
    await ok(gql, HIDE, {"c": hidden["comment"]["id"], "r": "不文明"}, county.admin.token)
    await ok(gql, INVITE, {"m": meeting, "u": [late.gid], "r": "ATTENDEE"}, county.admin.token)
    await ok(gql, CHECK_IN, {"m": meeting, "u": late.gid}, county.admin.token)
    for i in range(3, 6):
        await ok(gql, POST_COMMENT, {"m": meeting, "b": f"第{i}条意见"}, author.token)

    async with GraphQLWS(server.ws_url) as ws:
        await ws.open(author.token)
        op = await ws.subscribe(LIVE, {"m": meeting, "after": first[-1]["seq"]})
        await ok(gql, POST_COMMENT, {"m": meeting, "b": "最后一条"}, author.token)
        second = await collect_until(ws, op, lambda e: e["data"].get("body") == "最后一条")

    union = first + second
    log = await logged(owner_db, county, meeting)
    start = first[0]["seq"]
    expected = [
        (seq, type_, hash_) for seq, type_, hash_ in log if seq >= start and type_ not in NOT_LIVE
    ]
    assert [(e["seq"], e["type"]) for e in union] == [(seq, t) for seq, t, _ in expected]
    # A participant's view: events reduced for it carry no hash (docs/meetings.md).
    assert [e["hash"] for e in union] == [
        h if e["hash"] else "" for e, (_, _, h) in zip(union, expected, strict=True)
    ]
    assert len({e["seq"] for e in union}) == len(union)
    assert [e["data"]["body"] for e in union if e["type"] == "comment.posted"] == [
        "第0条意见",
        "第1条意见",
        "第2条意见",
        None,  # hidden before this replay: its text is not replayed (docs/meetings.md)
        "第3条意见",
        "第4条意见",
        "第5条意见",
        "最后一条",
    ]


async def test_replay_from_the_start_gives_the_whole_live_history(server, gql, owner_db):
    county = await make_county(server)
    meeting = await make_meeting(gql, county)
    await ok(gql, POST_COMMENT, {"m": meeting, "b": "开场"}, county.admin.token)
    async with GraphQLWS(server.ws_url) as ws:
        await ws.open(county.admin.token)
        op = await ws.subscribe(LIVE, {"m": meeting, "after": 0})
        seen = await collect_until(ws, op, lambda e: e["type"] == "comment.posted")
    log = await logged(owner_db, county, meeting)
    assert [(e["seq"], e["type"], e["hash"]) for e in seen] == [
        row for row in log if row[1] not in NOT_LIVE
    ]
    assert seen[0]["data"] == {"__typename": "MeetingStateChanged", "state": "LIVE"}


async def test_the_public_sees_a_hidden_comment_without_the_reason(server, gql, owner_db):
    county = await make_county(server)
    citizen = await make_user(server, county, roles=[(Role.CITIZEN, None)], name="周大爷")
    meeting = await make_meeting(gql, county)
    async with GraphQLWS(server.ws_url) as public, GraphQLWS(server.ws_url) as host:
        await public.open(citizen.token)
        await host.open(county.admin.token)
        head = (await logged(owner_db, county, meeting))[-1][0]
        public_op = await public.subscribe(LIVE, {"m": meeting, "after": head})
        host_op = await host.subscribe(LIVE, {"m": meeting, "after": head})
        posted = await ok(gql, POST_COMMENT, {"m": meeting, "b": "领导不作为！"}, citizen.token)
        comment = posted["comment"]["id"]
        await ok(gql, HIDE, {"c": comment, "r": "情绪化表述，会后由信访办联系"}, county.admin.token)
        for_public = await collect_until(public, public_op, lambda e: e["type"] == "comment.hidden")
        for_host = await collect_until(host, host_op, lambda e: e["type"] == "comment.hidden")
    common = {
        "__typename": "CommentUpdate",
        "commentId": comment,
        "kind": None,
        "body": None,
        "authorName": None,
        "parentId": None,
        "unitName": None,
    }
    assert for_public[-1]["data"] == {**common, "change": "HIDDEN", "hiddenReason": None}
    assert for_host[-1]["data"] == {
        **common,
        "change": "HIDDEN",
        "hiddenReason": "情绪化表述，会后由信访办联系",
    }
    assert [e["seq"] for e in for_public] == [e["seq"] for e in for_host]
    assert for_public[0]["data"]["change"] == "POSTED"
    # The author's name reaches hosts and participants only; 周大爷 watches as the public.
    assert for_public[0]["data"]["authorName"] is None


async def test_another_countys_meeting_cannot_be_watched(server, gql):
    county = await make_county(server)
    other = await make_county(server)
    meeting = await make_meeting(gql, county)
    async with GraphQLWS(server.ws_url) as ws:
        await ws.open(other.admin.token)
        op = await ws.subscribe(LIVE, {"m": meeting})
        errors = await ws.error(op)
    assert [e["extensions"]["code"] for e in errors] == ["NOT_FOUND"]


async def test_who_gets_the_host_view_of_the_live_meeting(server, gql, owner_db):
    """Hosts see why a comment was hidden: a participant invited as HOST and staff of the
    host unit do; an attendee and staff scoped elsewhere see the public view."""
    from tests.factories.tenants import make_unit

    county = await make_county(server)
    elsewhere = await make_unit(server, county)
    author = await make_user(server, county, roles=[(Role.CITIZEN, None)])
    invited_host = await make_user(server, county, roles=[(Role.CITIZEN, None)])
    host_staff = await make_user(server, county, roles=[(Role.DEPARTMENT_STAFF, None)])
    other_staff = await make_user(server, county, roles=[(Role.DEPARTMENT_STAFF, elsewhere)])
    attendee = await make_user(server, county, roles=[(Role.CITIZEN, None)])
    meeting = await make_meeting(gql, county)
    await ok(gql, INVITE, {"m": meeting, "u": [invited_host.gid], "r": "HOST"}, county.admin.token)
    await attend(gql, county, meeting, [author.gid, attendee.gid])
    watchers = [invited_host, host_staff, other_staff, attendee]
    sockets = [GraphQLWS(server.ws_url) for _ in watchers]
    try:
        head = (await logged(owner_db, county, meeting))[-1][0]
        ops = []
        for ws, who in zip(sockets, watchers, strict=True):
            await ws.open(who.token)
            ops.append(await ws.subscribe(LIVE, {"m": meeting, "after": head}))
        posted = await ok(gql, POST_COMMENT, {"m": meeting, "b": "不当言论"}, author.token)
        await ok(gql, HIDE, {"c": posted["comment"]["id"], "r": "人身攻击"}, county.admin.token)
        reasons = [
            (await collect_until(ws, op, lambda e: e["type"] == "comment.hidden"))[-1]["data"][
                "hiddenReason"
            ]
            for ws, op in zip(sockets, ops, strict=True)
        ]
    finally:
        for ws in sockets:
            await ws.close()
    assert reasons == ["人身攻击", "人身攻击", None, None]
