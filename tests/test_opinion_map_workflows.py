"""The opinion map over the GraphQL API: turning it on, statements and their moderation,
votes (per person, idempotent, changes counted, unlinkable), routing, closing into the
meeting's record; refusals that write nothing."""

from __future__ import annotations

import json

from backend.people.models import Role
from tests.conftest import county_rows
from tests.factories.meetings import make_meeting
from tests.factories.opinion_map import (
    ADD,
    CLOSE_MAP,
    MAP,
    MODERATE,
    NEXT,
    OPEN_MAP,
    SUBMIT,
    VOTE,
    add_statement,
    make_map_world,
    ok,
)
from tests.factories.people import make_user
from tests.factories.tenants import db_id, make_county
from tests.meetings_api import HIDE, POST_COMMENT


async def test_a_host_turns_the_map_on_and_participants_vote(server, gql, owner_db):
    w = await make_map_world(server, gql, voters=2)
    s1 = await add_statement(gql, w.county, w.opinion_map, "小区应当加装电梯")
    s2 = await add_statement(gql, w.county, w.opinion_map, "停车位应优先分配给本小区居民")

    first = await ok(gql, VOTE, {"s": s1, "c": "AGREE"}, w.voters[0].token)
    await ok(gql, VOTE, {"s": s2, "c": "DISAGREE"}, w.voters[0].token)
    await ok(gql, VOTE, {"s": s1, "c": "PASS"}, w.voters[1].token)

    assert (first["choice"], first["first"], first["changed"]) == ("AGREE", True, False)
    shown = (await gql.data(MAP, {"m": w.meeting}, token=w.voters[0].token))["opinionMap"]
    assert shown["isOpen"] is True and shown["topic"] == "老旧小区改造"
    assert [s["body"] for s in shown["statements"]] == [
        "小区应当加装电梯",
        "停车位应优先分配给本小区居民",
    ]
    counts = {
        c["statementId"]: (c["agree"], c["disagree"], c["passed"])
        for c in shown["result"]["statements"]
    }
    assert counts == {s1: (1, 0, 1), s2: (0, 1, 0)}
    assert sorted((v["statementId"], v["choice"]) for v in shown["myVotes"]) == sorted(
        [(s1, "AGREE"), (s2, "DISAGREE")]
    )
    rows = await owner_db.fetch(
        "SELECT * FROM opinion_votes WHERE map_id = $1", db_id(w.opinion_map)
    )
    assert len(rows) == 3
    assert "user_id" not in rows[0].keys() and "created_at" not in rows[0].keys()
    voters = {r["voter"] for r in rows}
    assert len(voters) == 2 and all(len(v) == 64 for v in voters)
    assert not {str(a.user_id) for a in w.voters} & voters


async def test_voting_again_is_idempotent_and_a_different_choice_is_a_recorded_change(
    server, gql, owner_db
):
    w = await make_map_world(server, gql, voters=1)
    s = await add_statement(gql, w.county, w.opinion_map, "应当增设社区食堂")
    voter = w.voters[0].token
    await ok(gql, VOTE, {"s": s, "c": "AGREE"}, voter)

    again = await ok(gql, VOTE, {"s": s, "c": "AGREE"}, voter)
    changed = await ok(gql, VOTE, {"s": s, "c": "DISAGREE"}, voter)

    assert (again["first"], again["changed"], again["choice"]) == (False, False, "AGREE")
    assert (changed["first"], changed["changed"], changed["choice"]) == (False, True, "DISAGREE")
    rows = await owner_db.fetch(
        "SELECT choice, changes FROM opinion_votes WHERE statement_id = $1", db_id(s)
    )
    assert [(r["choice"], r["changes"]) for r in rows] == [(-1, 1)]


async def test_voting_on_a_hidden_pending_or_unknown_statement_is_refused_and_writes_nothing(
    server, gql, owner_db
):
    w = await make_map_world(server, gql, voters=1)
    voter = w.voters[0]
    pending = (
        await ok(gql, SUBMIT, {"o": w.opinion_map, "b": "希望延长图书馆开放时间"}, voter.token)
    )["statement"]
    hidden = await add_statement(gql, w.county, w.opinion_map, "无关广告")
    await ok(gql, MODERATE, {"s": hidden, "show": False, "r": "与议题无关"}, w.host.token)
    before = await county_rows(owner_db, w.county.id)

    on_pending = (await gql.data(VOTE, {"s": pending["id"], "c": "AGREE"}, token=voter.token))[
        "voteOnStatement"
    ]
    on_hidden = (await gql.data(VOTE, {"s": hidden, "c": "AGREE"}, token=voter.token))[
        "voteOnStatement"
    ]
    unknown = (
        await gql.data(
            VOTE, {"s": "T3BpbmlvblN0YXRlbWVudDo5OTk5OTk5", "c": "AGREE"}, token=voter.token
        )
    )["voteOnStatement"]

    assert pending["state"] == "PENDING"
    assert [e["code"] for e in on_pending["errors"]] == ["STATEMENT_NOT_SHOWN"]
    assert [(e["field"], e["code"]) for e in on_hidden["errors"]] == [
        ("statementId", "STATEMENT_NOT_SHOWN")
    ]
    assert [(e["field"], e["code"]) for e in unknown["errors"]] == [("statementId", "NOT_FOUND")]
    assert on_hidden["choice"] is None
    assert await county_rows(owner_db, w.county.id) == before


async def test_a_statement_over_the_length_limit_is_refused_and_writes_nothing(
    server, gql, owner_db
):
    w = await make_map_world(server, gql, voters=1)
    before = await county_rows(owner_db, w.county.id)

    submitted = (
        await gql.data(SUBMIT, {"o": w.opinion_map, "b": "长" * 141}, token=w.voters[0].token)
    )["submitOpinionStatement"]
    added = (await gql.data(ADD, {"o": w.opinion_map, "b": "长" * 141}, token=w.host.token))[
        "addOpinionStatement"
    ]

    assert [(e["field"], e["code"]) for e in submitted["errors"]] == [("body", "TOO_LONG")]
    assert "140" in submitted["errors"][0]["message"]
    assert [(e["field"], e["code"]) for e in added["errors"]] == [("body", "TOO_LONG")]
    assert await county_rows(owner_db, w.county.id) == before


async def test_turning_the_map_on_in_another_countys_meeting_is_not_found_and_writes_nothing(
    server, gql, owner_db
):
    ours = await make_county(server)
    theirs = await make_county(server, name="邻县")
    their_meeting = await make_meeting(gql, theirs, kind="CONSULTATION_TALK")
    before = await county_rows(owner_db, theirs.id)

    data = await gql.data(OPEN_MAP, {"m": their_meeting, "t": "越权"}, token=ours.admin.token)

    assert [(e["field"], e["code"]) for e in data["openOpinionMap"]["errors"]] == [
        ("meetingId", "NOT_FOUND")
    ]
    assert await county_rows(owner_db, theirs.id) == before
    assert (
        await owner_db.fetchval("SELECT count(*) FROM opinion_maps WHERE tenant_id = $1", ours.id)
        == 0
    )


async def test_one_map_per_meeting_and_only_while_the_meeting_is_live(server, gql, owner_db):
    w = await make_map_world(server, gql, voters=0)
    draft = await make_meeting(gql, w.county, kind="CONSULTATION_TALK", live=False)

    twice = (await gql.data(OPEN_MAP, {"m": w.meeting, "t": "再开一次"}, token=w.host.token))[
        "openOpinionMap"
    ]
    not_live = (await gql.data(OPEN_MAP, {"m": draft, "t": "未开始"}, token=w.host.token))[
        "openOpinionMap"
    ]

    assert [e["code"] for e in twice["errors"]] == ["MAP_EXISTS"]
    assert [(e["field"], e["code"]) for e in not_live["errors"]] == [
        ("meetingId", "MEETING_NOT_LIVE")
    ]


async def test_a_citizen_cannot_turn_the_map_on_or_add_statements(server, gql, owner_db):
    w = await make_map_world(server, gql, voters=1)
    other = await make_meeting(gql, w.county, kind="CONSULTATION_TALK")
    before = await county_rows(owner_db, w.county.id)

    opened = await gql.execute(OPEN_MAP, {"m": other, "t": "我来开"}, token=w.voters[0].token)
    added = await gql.execute(ADD, {"o": w.opinion_map, "b": "我来加"}, token=w.voters[0].token)

    assert opened["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert added["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert await county_rows(owner_db, w.county.id) == before


async def test_submitted_statements_wait_for_moderation_and_the_public_never_sees_them(
    server, gql, owner_db
):
    w = await make_map_world(server, gql, voters=2)
    author, other = w.voters
    submitted = (
        await ok(gql, SUBMIT, {"o": w.opinion_map, "b": "建议设立共享工具屋"}, author.token)
    )["statement"]

    hidden_from_others = (await gql.data(MAP, {"m": w.meeting}, token=other.token))["opinionMap"][
        "statements"
    ]
    seen_by_host = (await gql.data(MAP, {"m": w.meeting}, token=w.host.token))["opinionMap"][
        "statements"
    ]
    await ok(gql, MODERATE, {"s": submitted["id"], "show": True}, w.host.token)
    again = (await gql.data(MODERATE, {"s": submitted["id"], "show": True}, token=w.host.token))[
        "moderateOpinionStatement"
    ]
    shown = (await gql.data(MAP, {"m": w.meeting}, token=other.token))["opinionMap"]["statements"]

    assert hidden_from_others == []
    assert [(s["body"], s["state"], s["source"]) for s in seen_by_host] == [
        ("建议设立共享工具屋", "PENDING", "PARTICIPANT")
    ]
    assert [e["code"] for e in again["errors"]] == ["NOT_PENDING"]
    assert [(s["body"], s["state"]) for s in shown] == [("建议设立共享工具屋", "SHOWN")]
    events = await owner_db.fetch(
        "SELECT type, payload, actor_user_id FROM events WHERE stream = $1 ORDER BY seq",
        f"opinionmap:{db_id(w.opinion_map)}",
    )
    assert [e["type"] for e in events] == [
        "opinionMap.opened",
        "opinionStatement.submitted",
        "opinionStatement.shown",
    ]
    assert all(e["actor_user_id"] is None for e in events)
    assert all(str(author.user_id) not in e["payload"] for e in events[1:])


async def test_a_host_takes_a_statement_from_a_comment_but_not_from_a_hidden_one(
    server, gql, owner_db
):
    w = await make_map_world(server, gql, voters=1)
    comment = (
        await ok(gql, POST_COMMENT, {"m": w.meeting, "b": "垃圾分类点离家太远"}, w.voters[0].token)
    )["comment"]
    bad = (await ok(gql, POST_COMMENT, {"m": w.meeting, "b": "不文明的话"}, w.voters[0].token))[
        "comment"
    ]
    await ok(gql, HIDE, {"c": bad["id"], "r": "不文明"}, w.host.token)

    taken = (await ok(gql, ADD, {"o": w.opinion_map, "c": comment["id"]}, w.host.token))[
        "statement"
    ]
    refused = (await gql.data(ADD, {"o": w.opinion_map, "c": bad["id"]}, token=w.host.token))[
        "addOpinionStatement"
    ]

    assert (taken["body"], taken["source"], taken["state"]) == (
        "垃圾分类点离家太远",
        "COMMENT",
        "SHOWN",
    )
    assert [(e["field"], e["code"]) for e in refused["errors"]] == [
        ("commentId", "STATEMENT_NOT_SHOWN")
    ]


async def test_the_next_statement_is_one_not_yet_voted_on_until_none_is_left(server, gql, owner_db):
    w = await make_map_world(server, gql, voters=1)
    ids = [await add_statement(gql, w.county, w.opinion_map, f"观点{i}") for i in range(3)]
    voter = w.voters[0].token
    seen = []

    for _ in range(3):
        statement = (await gql.data(NEXT, {"o": w.opinion_map}, token=voter))[
            "nextOpinionStatement"
        ]
        seen.append(statement["id"])
        await ok(gql, VOTE, {"s": statement["id"], "c": "PASS"}, voter)
    last = (await gql.data(NEXT, {"o": w.opinion_map}, token=voter))["nextOpinionStatement"]

    assert sorted(seen) == sorted(ids)
    assert last is None


async def test_closing_the_map_writes_its_result_without_voters_into_the_meetings_record(
    server, gql, owner_db
):
    w = await make_map_world(server, gql, voters=2)
    s1 = await add_statement(gql, w.county, w.opinion_map, "应当保留老街的梧桐树")
    for voter in w.voters:
        await ok(gql, VOTE, {"s": s1, "c": "AGREE"}, voter.token)

    closed = (await ok(gql, CLOSE_MAP, {"o": w.opinion_map}, w.host.token))["opinionMap"]
    late = (await gql.data(VOTE, {"s": s1, "c": "DISAGREE"}, token=w.voters[0].token))[
        "voteOnStatement"
    ]

    assert closed["isOpen"] is False
    assert closed["result"]["statements"] == [
        {"statementId": s1, "body": "应当保留老街的梧桐树", "agree": 2, "disagree": 0, "passed": 0}
    ]
    assert [e["code"] for e in late["errors"]] == ["MAP_CLOSED"]
    row = await owner_db.fetchrow(
        "SELECT payload FROM events WHERE stream = $1 AND type = 'opinionMap.concluded'",
        f"meeting:{db_id(w.meeting)}",
    )
    payload = json.loads(row["payload"])
    assert payload["mapId"] == db_id(w.opinion_map) and payload["topic"] == "老旧小区改造"
    assert payload["result"]["statements"][0]["agree"] == 2 and payload["result"]["votes"] == 2
    assert "voter" not in row["payload"] and all(
        str(v.user_id) not in row["payload"] for v in w.voters
    )


async def test_a_meeting_of_another_county_has_no_map_to_read(server, gql, owner_db):
    w = await make_map_world(server, gql, voters=0)
    other = await make_county(server, name="他县")
    stranger = await make_user(server, other, roles=[(Role.CITIZEN, None)])

    data = await gql.data(MAP, {"m": w.meeting}, token=stranger.token)
    ours = await gql.data(MAP, {"m": w.meeting}, token=w.host.token)

    assert data == {"opinionMap": None}
    assert ours["opinionMap"]["id"] == w.opinion_map


async def test_each_voter_sees_their_own_place_on_the_map_and_nobody_elses(server, gql, owner_db):
    w = await make_map_world(server, gql, voters=6)
    statements = [await add_statement(gql, w.county, w.opinion_map, f"观点{i}") for i in range(3)]
    for n, voter in enumerate(w.voters):  # two camps: even voters agree, odd ones disagree
        for s in statements:
            await ok(gql, VOTE, {"s": s, "c": "AGREE" if n % 2 == 0 else "DISAGREE"}, voter.token)

    places = [
        (await gql.data(MAP, {"m": w.meeting}, token=v.token))["opinionMap"] for v in w.voters
    ]
    host = (await gql.data(MAP, {"m": w.meeting}, token=w.host.token))["opinionMap"]

    groups = [p["myPosition"]["group"] for p in places]
    assert len(set(groups[0::2])) == 1 and len(set(groups[1::2])) == 1 and groups[0] != groups[1]
    assert sorted(g["size"] for g in places[0]["result"]["groups"]) == [3, 3]
    assert host["myPosition"] is None and host["myVotes"] == []


async def test_the_map_of_a_meeting_a_decision_took_opinions_from_is_in_its_participation_report(
    server, gql, owner_db
):
    import base64
    import io

    import docx

    from tests.factories.decisions import (
        ANSWER,
        DECISION,
        IMPORT,
        act,
        add_version,
        make_decision,
        open_consultation,
    )

    w = await make_map_world(server, gql, voters=2)
    admin = w.host.token
    d = await make_decision(gql, admin, w.county.root_gid)
    await add_version(gql, admin, d["id"])
    await open_consultation(gql, admin, d["id"])
    s1 = await add_statement(gql, w.county, w.opinion_map, "应当保留老街的梧桐树")
    for voter in w.voters:
        await ok(gql, VOTE, {"s": s1, "c": "AGREE"}, voter.token)
    await ok(gql, POST_COMMENT, {"m": w.meeting, "b": "请公开改造预算"}, w.voters[0].token)
    await ok(gql, CLOSE_MAP, {"o": w.opinion_map}, admin)
    await act(gql, IMPORT, {"d": d["id"], "m": w.meeting}, admin)
    view = (await gql.data(DECISION, {"id": d["id"]}, token=admin))["decision"]
    for edge in view["opinions"]["edges"]:
        await act(gql, ANSWER, {"o": edge["node"]["id"], "x": "ADOPTED", "r": "采纳"}, admin)

    report = (
        await gql.data(
            "mutation($d: ID!) { generateParticipationReport(decisionId: $d) { report { content docxBase64 } errors { code message } } }",
            {"d": d["id"]},
            token=admin,
        )
    )["generateParticipationReport"]

    assert report["errors"] == [], report
    (section,) = report["report"]["content"]["opinion_maps"]
    assert section["meeting_id"] == db_id(w.meeting) and section["topic"] == "老旧小区改造"
    assert section["result"]["statements"] == [
        {
            "statementId": db_id(s1),
            "body": "应当保留老街的梧桐树",
            "agree": 2,
            "disagree": 0,
            "passed": 0,
        }
    ]
    assert "voter" not in json.dumps(section)
    text = "\n".join(
        p.text
        for p in docx.Document(
            io.BytesIO(base64.b64decode(report["report"]["docxBase64"]))
        ).paragraphs
    )
    assert "意见地图：老旧小区改造" in text and "参与表态2人、表态2次" in text


async def test_a_persons_copy_of_their_data_holds_the_statements_they_submitted(
    server, gql, owner_db
):
    w = await make_map_world(server, gql, voters=1)
    author = w.voters[0]
    await ok(gql, SUBMIT, {"o": w.opinion_map, "b": "希望增设无障碍坡道"}, author.token)

    data = (
        await ok(
            gql,
            "mutation { exportPersonalData { data errors { field code message } } }",
            {},
            author.token,
        )
    )["data"]

    (mine,) = [s["data"] for s in data["sections"] if s["key"] == "opinionMap"]
    assert [(s["body"], s["state"], s["meetingId"]) for s in mine["statements"]] == [
        ("希望增设无障碍坡道", "PENDING", db_id(w.meeting))
    ]
