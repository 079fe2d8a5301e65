"""Live comments and questions: posting within the county's length limit, replies,
moderation that hides but keeps the text for the record, questions answered live or handed
over to a unit, and the speaking queue the host manages."""

from __future__ import annotations

import asyncio
import json

from backend.people.models import Role
from tests.factories.meetings import attend, make_meeting
from tests.factories.people import make_user
from tests.factories.tenants import gid, make_county, make_unit
from tests.meetings_api import (
    ANNOUNCE,
    ANSWER,
    APPROVE,
    COMMENTS,
    HIDE,
    LIVE,
    MEETING,
    POST_COMMENT,
    RAISE_HAND,
    UPDATE_REQUEST,
    collect_until,
    db_id,
    event_types,
    node,
    ok,
    refused,
    snapshot,
)
from tests.realtime_client import GraphQLWS


async def citizen(server, county, name="王大姐"):
    return await make_user(server, county, roles=[(Role.CITIZEN, None)], name=name)


async def comments(gql, meeting, token):
    data = await node(gql, COMMENTS, meeting, token)
    return [e["node"] for e in data["comments"]["edges"]]


async def test_comments_questions_and_replies(server, gql, owner_db):
    county = await make_county(server)
    author = await citizen(server, county)
    meeting = await make_meeting(gql, county)
    posted = await ok(
        gql, POST_COMMENT, {"m": meeting, "b": "  停车位太少，建议增设  "}, author.token
    )
    assert posted["comment"] == {
        "id": posted["comment"]["id"],
        "kind": "COMMENT",
        "body": "停车位太少，建议增设",
        "parentId": None,
        "hidden": False,
        "hiddenReason": None,
        "answeredLive": False,
        "handedOverUnitId": None,
    }
    question = await ok(
        gql, POST_COMMENT, {"m": meeting, "b": "收费标准何时公布？", "k": "QUESTION"}, author.token
    )
    reply = await ok(
        gql,
        POST_COMMENT,
        {"m": meeting, "b": "下周公布", "p": question["comment"]["id"]},
        county.admin.token,
    )
    assert reply["comment"]["parentId"] == question["comment"]["id"]
    listed = await comments(gql, meeting, author.token)
    assert [(c["kind"], c["body"], c["parentId"]) for c in listed] == [
        ("COMMENT", "下周公布", question["comment"]["id"]),
        ("QUESTION", "收费标准何时公布？", None),
        ("COMMENT", "停车位太少，建议增设", None),
    ]
    assert (await event_types(owner_db, county, meeting)).count("comment.posted") == 3


async def test_a_comment_of_500_characters_is_accepted_and_501_refused(server, gql, owner_db):
    county = await make_county(server)
    author = await citizen(server, county)
    meeting = await make_meeting(gql, county)
    posted = await ok(gql, POST_COMMENT, {"m": meeting, "b": "议" * 500}, author.token)
    assert len(posted["comment"]["body"]) == 500
    before = await snapshot(owner_db, county, meeting)
    payload = await refused(gql, POST_COMMENT, {"m": meeting, "b": "议" * 501}, author.token)
    assert payload["comment"] is None
    assert [(e["field"], e["code"]) for e in payload["errors"]] == [("body", "COMMENT_TOO_LONG")]
    assert payload["errors"][0]["message"] == "内容不能超过500个字（当前501个字）"
    empty = await refused(gql, POST_COMMENT, {"m": meeting, "b": "   "}, author.token)
    assert [(e["field"], e["code"]) for e in empty["errors"]] == [("body", "INVALID")]
    orphan = await refused(
        gql,
        POST_COMMENT,
        {"m": meeting, "b": "回复", "p": gid("MeetingComment", 10**9)},
        author.token,
    )
    assert [(e["field"], e["code"]) for e in orphan["errors"]] == [("parentId", "NOT_FOUND")]
    assert await snapshot(owner_db, county, meeting) == before


async def test_the_length_limit_comes_from_the_county_rulebook(server, gql, owner_db):
    county = await make_county(server)
    author = await citizen(server, county)
    await owner_db.execute(
        "UPDATE tenants SET settings = $1::jsonb WHERE id = $2",
        json.dumps(
            {
                "rules": {
                    "meeting.comment_max_length": {
                        "value": 20,
                        "source": "《本县网络问政规则》第三条",
                    }
                }
            }
        ),
        county.id,
    )
    meeting = await make_meeting(gql, county)
    await ok(gql, POST_COMMENT, {"m": meeting, "b": "字" * 20}, author.token)
    before = await snapshot(owner_db, county, meeting)
    payload = await refused(gql, POST_COMMENT, {"m": meeting, "b": "字" * 21}, author.token)
    assert payload["errors"][0]["code"] == "COMMENT_TOO_LONG"
    assert payload["errors"][0]["message"] == "内容不能超过20个字（当前21个字）"
    assert await snapshot(owner_db, county, meeting) == before


async def test_comments_need_a_live_meeting(server, gql, owner_db):
    county = await make_county(server)
    author = await citizen(server, county)
    meeting = await make_meeting(gql, county, live=False)
    await ok(gql, ANNOUNCE, {"m": meeting}, county.admin.token)
    before = await snapshot(owner_db, county, meeting)
    payload = await refused(
        gql, POST_COMMENT, {"m": meeting, "b": "会议什么时候开始？"}, author.token
    )
    assert [(e["field"], e["code"]) for e in payload["errors"]] == [
        ("meetingId", "MEETING_NOT_LIVE")
    ]
    hand = await refused(gql, RAISE_HAND, {"m": meeting}, author.token)
    assert hand["errors"][0]["code"] == "MEETING_NOT_LIVE"
    assert await snapshot(owner_db, county, meeting) == before


async def test_hiding_keeps_the_text_and_reason_for_the_record_only(server, gql, owner_db):
    county = await make_county(server)
    author = await citizen(server, county)
    other = await citizen(server, county, name="李师傅")
    meeting = await make_meeting(gql, county)
    posted = await ok(
        gql, POST_COMMENT, {"m": meeting, "b": "某某是骗子，电话138xxxx"}, author.token
    )
    comment = posted["comment"]["id"]
    hidden = await ok(gql, HIDE, {"c": comment, "r": "含人身攻击和个人信息"}, county.admin.token)
    assert hidden["comment"] == {
        "id": comment,
        "body": "某某是骗子，电话138xxxx",
        "hidden": True,
        "hiddenReason": "含人身攻击和个人信息",
    }

    (for_public,) = await comments(gql, meeting, other.token)
    assert (for_public["body"], for_public["hidden"], for_public["hiddenReason"]) == (
        None,
        True,
        None,
    )
    (for_host,) = await comments(gql, meeting, county.admin.token)
    assert (for_host["body"], for_host["hiddenReason"]) == (
        "某某是骗子，电话138xxxx",
        "含人身攻击和个人信息",
    )
    row = await owner_db.fetchrow(
        "SELECT body, hidden_reason, hidden_by FROM meeting_comments WHERE tenant_id = $1 AND id = $2",
        county.id,
        db_id(comment),
    )
    assert dict(row) == {
        "body": "某某是骗子，电话138xxxx",
        "hidden_reason": "含人身攻击和个人信息",
        "hidden_by": county.admin.user_id,
    }

    before = await snapshot(owner_db, county, meeting)
    again = await refused(gql, HIDE, {"c": comment, "r": "重复"}, county.admin.token)
    assert [(e["field"], e["code"]) for e in again["errors"]] == [("commentId", "ALREADY_HIDDEN")]
    assert await snapshot(owner_db, county, meeting) == before
    no_reason = await ok(gql, POST_COMMENT, {"m": meeting, "b": "正常留言"}, author.token)
    before = await snapshot(owner_db, county, meeting)
    blank = await refused(
        gql, HIDE, {"c": no_reason["comment"]["id"], "r": " "}, county.admin.token
    )
    assert [(e["field"], e["code"]) for e in blank["errors"]] == [("reason", "INVALID")]
    body = await gql.execute(
        HIDE, {"c": no_reason["comment"]["id"], "r": "我不喜欢"}, token=other.token
    )
    assert [e["extensions"]["code"] for e in body["errors"]] == ["FORBIDDEN"]
    assert await snapshot(owner_db, county, meeting) == before
    assert (await event_types(owner_db, county, meeting)).count("comment.hidden") == 1


async def test_a_host_approves_a_comment_and_every_host_sees_it_reviewed(server, gql, owner_db):
    """审核通过 is stored and recorded: another host's console sees it approved; approving
    again, approving a hidden comment or approving as a participant is refused unchanged."""
    county = await make_county(server)
    author = await citizen(server, county)
    meeting = await make_meeting(gql, county)
    kept, dropped = [
        (await ok(gql, POST_COMMENT, {"m": meeting, "b": body}, author.token))["comment"]["id"]
        for body in ("建议在村口增设公交站", "广告：低价出售")
    ]
    await ok(gql, HIDE, {"c": dropped, "r": "广告"}, county.admin.token)
    async with GraphQLWS(server.ws_url) as ws:
        await ws.open(author.token)
        op = await ws.subscribe(LIVE, {"m": meeting, "after": 0})
        approved = await ok(gql, APPROVE, {"c": kept}, county.admin.token)
        assert approved["comment"] == {"id": kept, "hidden": False, "approved": True}
        seen = await collect_until(ws, op, lambda e: e["type"] == "comment.approved")
    assert (seen[-1]["data"]["change"], seen[-1]["data"]["commentId"]) == ("APPROVED", kept)
    other_host = await make_user(
        server, county, roles=[(Role.TENANT_ADMIN, None)], name="另一主持人"
    )
    listed = await node(gql, COMMENTS_APPROVED, meeting, other_host.token)
    assert {e["node"]["id"]: e["node"]["approved"] for e in listed["comments"]["edges"]} == {
        kept: True,
        dropped: False,
    }
    row = await owner_db.fetchrow(
        "SELECT approved_at IS NOT NULL AS approved, approved_by FROM meeting_comments "
        "WHERE tenant_id = $1 AND id = $2",
        county.id,
        db_id(kept),
    )
    assert dict(row) == {"approved": True, "approved_by": county.admin.user_id}

    before = await snapshot(owner_db, county, meeting)
    again = await refused(gql, APPROVE, {"c": kept}, county.admin.token)
    assert [(e["field"], e["code"]) for e in again["errors"]] == [("commentId", "ALREADY_APPROVED")]
    hidden = await refused(gql, APPROVE, {"c": dropped}, county.admin.token)
    assert [(e["field"], e["code"]) for e in hidden["errors"]] == [("commentId", "ALREADY_HIDDEN")]
    body = await gql.execute(APPROVE, {"c": kept}, token=author.token)
    assert [e["extensions"]["code"] for e in body["errors"]] == ["FORBIDDEN"]
    assert await snapshot(owner_db, county, meeting) == before
    assert (await event_types(owner_db, county, meeting)).count("comment.approved") == 1
    # an approved comment can still be hidden later (it stays in the record)
    await ok(gql, HIDE, {"c": kept, "r": "经核实含不实信息"}, county.admin.token)


COMMENTS_APPROVED = """
query($id: ID!) { node(id: $id) { ... on Meeting { comments(first: 100) { edges { node {
  id approved } } } } } }"""


async def test_questions_are_answered_live_or_handed_over_to_a_unit(server, gql, owner_db):
    county = await make_county(server)
    author = await citizen(server, county)
    unit = await make_unit(server, county, name="县交通局")
    meeting = await make_meeting(gql, county)
    first = (
        await ok(
            gql,
            POST_COMMENT,
            {"m": meeting, "b": "公交线路能否延长？", "k": "QUESTION"},
            author.token,
        )
    )["comment"]["id"]
    second = (
        await ok(
            gql,
            POST_COMMENT,
            {"m": meeting, "b": "路灯坏了谁来修？", "k": "QUESTION"},
            author.token,
        )
    )["comment"]["id"]
    async with GraphQLWS(server.ws_url) as ws:
        await ws.open(author.token)
        op = await ws.subscribe(LIVE, {"m": meeting, "after": 0})
        live = await ok(gql, ANSWER, {"c": first}, county.admin.token)
        assert live["comment"] == {"id": first, "answeredLive": True, "handedOverUnitId": None}
        handed = await ok(gql, ANSWER, {"c": second, "u": gid("OrgUnit", unit)}, county.admin.token)
        assert handed["comment"] == {
            "id": second,
            "answeredLive": False,
            "handedOverUnitId": gid("OrgUnit", unit),
        }
        seen = await collect_until(ws, op, lambda e: e["type"] == "comment.handedOver")
    assert [
        (e["type"], e["data"]["change"], e["data"]["commentId"])
        for e in seen
        if e["type"] in ("comment.answeredLive", "comment.handedOver")
    ] == [
        ("comment.answeredLive", "ANSWERED_LIVE", first),
        ("comment.handedOver", "HANDED_OVER", second),
    ]
    assert seen[-1]["data"]["unitName"] == "县交通局"
    payload = await owner_db.fetchval(
        "SELECT payload FROM events WHERE tenant_id = $1 AND stream = $2 AND type = 'comment.handedOver'",
        county.id,
        f"meeting:{db_id(meeting)}",
    )
    case_id = await owner_db.fetchval(
        "SELECT handed_over_case_id FROM meeting_comments WHERE id = $1", db_id(second)
    )
    assert case_id is not None  # the cases domain made it a case (tests/test_cases_intake.py)
    assert json.loads(payload) == {
        "id": db_id(second),
        "unitId": unit,
        "unitName": "县交通局",
        "caseId": case_id,
    }

    before = await snapshot(owner_db, county, meeting)
    unknown = await refused(
        gql, ANSWER, {"c": first, "u": gid("OrgUnit", 10**9)}, county.admin.token
    )
    assert [(e["field"], e["code"]) for e in unknown["errors"]] == [("unitId", "NOT_FOUND")]
    body = await gql.execute(ANSWER, {"c": first}, token=author.token)
    assert [e["extensions"]["code"] for e in body["errors"]] == ["FORBIDDEN"]
    assert await snapshot(owner_db, county, meeting) == before


async def test_the_host_manages_the_speaking_queue(server, gql, owner_db):
    county = await make_county(server)
    first, second, outsider = [
        await citizen(server, county, name=n) for n in ("赵一", "钱二", "孙三")
    ]
    meeting = await make_meeting(gql, county)
    await attend(gql, county, meeting, [first.gid, second.gid])
    async with GraphQLWS(server.ws_url) as ws:
        await ws.open(county.admin.token)
        op = await ws.subscribe(LIVE, {"m": meeting, "after": 0})
        a = await ok(gql, RAISE_HAND, {"m": meeting, "t": "停车收费标准"}, first.token)
        assert a["state"] == "WAITING"
        again = await ok(gql, RAISE_HAND, {"m": meeting, "t": "再举一次"}, first.token)
        assert again["requestId"] == a["requestId"]  # one hand per person
        b = await ok(gql, RAISE_HAND, {"m": meeting}, second.token)
        speaking = await ok(
            gql, UPDATE_REQUEST, {"r": a["requestId"], "s": "SPEAKING"}, county.admin.token
        )
        assert speaking["state"] == "SPEAKING"
        withdrawn = await ok(
            gql, UPDATE_REQUEST, {"r": b["requestId"], "s": "WITHDRAWN"}, second.token
        )
        assert withdrawn["state"] == "WITHDRAWN"
        done = await ok(gql, UPDATE_REQUEST, {"r": a["requestId"], "s": "DONE"}, county.admin.token)
        assert done["state"] == "DONE"
        seen = await collect_until(
            ws, op, lambda e: e["type"] == "queue.changed" and e["data"]["queue"] == []
        )
    queues = [
        [(q["name"], q["state"]) for q in e["data"]["queue"]]
        for e in seen
        if e["type"] == "queue.changed"
    ]
    assert queues == [
        [("赵一", "WAITING")],
        [("赵一", "WAITING"), ("钱二", "WAITING")],
        [("赵一", "SPEAKING"), ("钱二", "WAITING")],
        [("赵一", "SPEAKING")],
        [],
    ]

    before = await snapshot(owner_db, county, meeting)
    stranger = await refused(gql, RAISE_HAND, {"m": meeting}, outsider.token)
    assert [(e["field"], e["code"]) for e in stranger["errors"]] == [
        ("meetingId", "NOT_PARTICIPANT")
    ]
    finished = await refused(
        gql, UPDATE_REQUEST, {"r": a["requestId"], "s": "SPEAKING"}, county.admin.token
    )
    assert finished["errors"][0]["code"] == "INVALID_STATE"
    c = await ok(gql, RAISE_HAND, {"m": meeting}, second.token)
    before = await snapshot(owner_db, county, meeting)
    body = await gql.execute(
        UPDATE_REQUEST, {"r": c["requestId"], "s": "SPEAKING"}, token=first.token
    )
    assert [e["extensions"]["code"] for e in body["errors"]] == ["FORBIDDEN"]
    assert await snapshot(owner_db, county, meeting) == before
    queue = (await node(gql, MEETING, meeting, county.admin.token))["speakingQueue"]
    assert [(q["id"], q["userId"], q["state"]) for q in queue] == [
        (c["requestId"], second.gid, "WAITING")
    ]


async def test_thirty_people_commenting_at_once_are_all_recorded(server, gql, owner_db):
    """More concurrent mutations than the database pool has connections (regression: each
    request held its read connection while waiting for a second one, and all waited)."""
    county = await make_county(server)
    people = [await citizen(server, county, name=f"群众{i}") for i in range(30)]
    meeting = await make_meeting(gql, county)
    results = await asyncio.gather(
        *[
            gql.data(POST_COMMENT, {"m": meeting, "b": f"意见{i}"}, token=p.token)
            for i, p in enumerate(people)
        ]
    )
    assert [r["postComment"]["errors"] for r in results] == [[]] * 30
    assert (
        await owner_db.fetchval(
            "SELECT count(*) FROM meeting_comments WHERE tenant_id = $1", county.id
        )
        == 30
    )
    assert (await event_types(owner_db, county, meeting)).count("comment.posted") == 30
