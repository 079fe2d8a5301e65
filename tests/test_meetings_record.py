"""The consultation record: every act is an event of stream meeting:<id>; closing seals it
(record.sealed, nothing appended afterwards); it verifies, exports as JSON and as a Word
document; other counties see none of it."""

from __future__ import annotations

import io
import json

import httpx
from docx import Document

from backend.people.models import Role
from tests.factories.meetings import attend, make_meeting
from tests.factories.people import make_user
from tests.factories.tenants import make_county
from tests.meetings_api import (
    ADD_AGENDA,
    CAST_BALLOT,
    CLOSE,
    CREATE_POLL,
    HIDE,
    MEETING,
    OPEN_POLL,
    OPEN_SCORING,
    POST_COMMENT,
    PUBLISH,
    RAISE_HAND,
    RECORD,
    SET_MINUTES,
    STREAM_EVENTS,
    TIMER,
    VERIFY,
    VOTE,
    db_id,
    event_count,
    event_types,
    key,
    node,
    ok,
    refused,
    snapshot,
    stream_of,
)

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
MINUTES = "会议听取了县住建委述职，与会代表就停车收费提出意见12条，现场答复8条，转交4条。"


async def run_a_meeting(server, gql):
    """A 述职报告会 with a bit of everything, left LIVE with a running timer and an open poll."""
    county = await make_county(server)
    people = [
        await make_user(server, county, roles=[(Role.CITIZEN, None)], name=f"代表{i}")
        for i in range(3)
    ]
    meeting = await make_meeting(gql, county)
    await attend(gql, county, meeting, [p.gid for p in people])
    token = county.admin.token
    item = (await ok(gql, ADD_AGENDA, {"m": meeting, "t": "县住建委述职", "d": 600}, token))[
        "agendaItem"
    ]
    await ok(gql, TIMER, {"a": item["id"], "x": "START"}, token)
    poll = (
        await ok(gql, CREATE_POLL, {"m": meeting, "q": "是否同意", "o": ["同意", "不同意"]}, token)
    )["poll"]["id"]
    await ok(gql, OPEN_POLL, {"p": poll}, token)
    for i, p in enumerate(people):
        await ok(gql, VOTE, {"p": poll, "c": [i % 2], "k": key()}, p.token)
    sheet = (
        await ok(
            gql, OPEN_SCORING, {"m": meeting, "t": "满意度测评", "g": ["县住建委"], "k": 3}, token
        )
    )["sheet"]["id"]
    for p in people:
        await ok(gql, CAST_BALLOT, {"s": sheet, "a": ["满意"]}, p.token)
    posted = await ok(gql, POST_COMMENT, {"m": meeting, "b": "小区门口乱停车严重"}, people[0].token)
    rude = await ok(gql, POST_COMMENT, {"m": meeting, "b": "骂人的话"}, people[1].token)
    await ok(gql, HIDE, {"c": rude["comment"]["id"], "r": "不文明用语"}, token)
    await ok(gql, RAISE_HAND, {"m": meeting, "t": "补充意见"}, people[2].token)
    await ok(gql, SET_MINUTES, {"m": meeting, "t": MINUTES}, token)
    return (
        county,
        people,
        meeting,
        {
            "item": item["id"],
            "poll": poll,
            "sheet": sheet,
            "comment": posted["comment"]["id"],
            "hidden": rude["comment"]["id"],
        },
    )


async def all_events(gql, meeting, token):
    events = []
    while True:
        page = (
            await gql.data(
                STREAM_EVENTS,
                {"s": stream_of(meeting), "after": events[-1]["seq"] if events else 0},
                token=token,
            )
        )["streamEvents"]
        if not page:
            return events
        events.extend(page)


async def test_closing_seals_a_record_that_verifies(server, gql, owner_db):
    county, _people, meeting, ids = await run_a_meeting(server, gql)
    token = county.admin.token
    closed = await ok(gql, CLOSE, {"m": meeting}, token)
    sealed_hash = closed["meeting"]["sealedHash"]
    assert closed["meeting"]["state"] == "CLOSED"

    verified = (await gql.data(VERIFY, {"s": stream_of(meeting)}, token=token))["verifyStream"]
    total = await event_count(owner_db, county, meeting)
    assert verified == {
        "stream": stream_of(meeting),
        "events": total,
        "valid": True,
        "headHash": sealed_hash,
        "firstBrokenSeq": None,
        "reason": None,
    }
    events = await all_events(gql, meeting, token)  # the host's view: everything but ballots
    last = events[-1]
    assert (last["seq"], last["type"], last["hash"]) == (total, "record.sealed", sealed_hash)
    assert last["payload"]["events"] == total
    assert last["payload"]["minutesSha256"] is not None

    types = await event_types(owner_db, county, meeting)
    for expected in (
        "participant.invited",
        "participant.checkedIn",
        "agenda.itemAdded",
        "timer.start",
        "poll.opened",
        "vote.cast",
        "scoring.opened",
        "comment.posted",
        "comment.hidden",
        "queue.changed",
        "minutes.updated",
    ):
        assert expected in types, expected
    # Closing stopped the timer and closed the poll and the scoring, all in the record.
    assert types[-6:] == [
        "timer.stop",
        "poll.closed",
        "scoring.counted",  # the mixing batch written at the close
        "scoring.closed",
        "meeting.stateChanged",
        "record.sealed",
    ]
    # Votes one by one; 测评票 never (their mixing batch was written at the close).
    assert types.count("vote.cast") == 3 and "score.cast" not in types

    seen = await node(gql, MEETING, meeting, token)
    assert seen["polls"] == [
        {"id": ids["poll"], "state": "CLOSED", "counts": [2, 1], "totalVotes": 3}
    ]
    assert seen["scoringSheets"][0]["state"] == "CLOSED"
    assert seen["agenda"][0]["timer"]["status"] == "STOPPED"
    assert (seen["sealedHash"], seen["minutes"]) == (sealed_hash, MINUTES)


async def test_nothing_can_be_added_to_a_sealed_record(server, gql, owner_db):
    county, people, meeting, ids = await run_a_meeting(server, gql)
    token = county.admin.token
    await ok(gql, CLOSE, {"m": meeting}, token)
    before = await snapshot(owner_db, county, meeting)

    again = await refused(gql, CLOSE, {"m": meeting}, token)
    assert [(e["field"], e["code"]) for e in again["errors"]] == [("meetingId", "RECORD_SEALED")]
    comment = await refused(gql, POST_COMMENT, {"m": meeting, "b": "会后补充"}, people[0].token)
    assert [(e["field"], e["code"], e["message"]) for e in comment["errors"]] == [
        ("meetingId", "RECORD_SEALED", "会议已结束，记录已封存，不能再留言")
    ]
    minutes = await refused(gql, SET_MINUTES, {"m": meeting, "t": "改写纪要"}, token)
    assert minutes["errors"][0]["code"] == "RECORD_SEALED"
    agenda = await refused(gql, ADD_AGENDA, {"m": meeting, "t": "追加议程"}, token)
    assert agenda["errors"][0]["code"] == "RECORD_SEALED"
    hide = await refused(gql, HIDE, {"c": ids["comment"], "r": "会后删除"}, token)
    assert hide["errors"][0]["code"] == "RECORD_SEALED"
    # Votes and 测评票 go through the group-commit writer: refused as typed errors too.
    late_vote = (
        await gql.data(VOTE, {"p": ids["poll"], "c": [0], "k": key()}, token=people[0].token)
    )["castVote"]
    assert [(e["field"], e["code"]) for e in late_vote["errors"]] == [("pollId", "POLL_NOT_OPEN")]
    late_score = (
        await gql.data(CAST_BALLOT, {"s": ids["sheet"], "a": ["不满意"]}, token=people[0].token)
    )["castScoringBallot"]
    assert [(e["field"], e["code"]) for e in late_score["errors"]] == [
        ("sheetId", "SCORING_CLOSED")
    ]
    assert await snapshot(owner_db, county, meeting) == before
    verified = (await gql.data(VERIFY, {"s": stream_of(meeting)}, token=token))["verifyStream"]
    assert verified["valid"] is True


async def test_the_record_exports_as_json(server, gql, owner_db):
    county, people, meeting, _ids = await run_a_meeting(server, gql)
    token = county.admin.token
    sealed_hash = (await ok(gql, CLOSE, {"m": meeting}, token))["meeting"]["sealedHash"]
    record = (await gql.data(RECORD, {"m": meeting}, token=token))["meetingRecord"]
    total = await event_count(owner_db, county, meeting)
    assert record["format"] == "yishi.consultation-record/1"
    assert record["meeting"]["id"] == db_id(meeting)
    assert record["meeting"]["state"] == "CLOSED"
    assert record["chain"]["valid"] is True
    assert record["chain"]["events"] == total
    assert record["chain"]["sealed_hash"] == sealed_hash == record["chain"]["head_hash"]
    assert record["chain"]["sealed_hash_matches"] is True
    assert [e["seq"] for e in record["events"]] == list(range(1, total + 1))
    assert record["minutes"]["text"] == MINUTES
    assert record["polls"][0]["counts"] == [2, 1] and record["polls"][0]["final"] is True
    assert record["scoring"][0]["results"]["targets"][0]["counts"] == {
        "满意": 3,
        "基本满意": 0,
        "不满意": 0,
    }
    hidden = next(c for c in record["comments"] if c["hidden"])
    assert (hidden["body"], hidden["hidden_reason"]) == ("骂人的话", "不文明用语")
    assert record["attendance"]["checked_in"] == 3
    text = json.dumps(record, ensure_ascii=False)
    for person in people:
        assert person.phone not in text  # no personal details


async def test_the_record_downloads_as_a_word_document(server, gql):
    county, people, meeting, _ = await run_a_meeting(server, gql)
    token = county.admin.token
    sealed_hash = (await ok(gql, CLOSE, {"m": meeting}, token))["meeting"]["sealedHash"]
    url = f"/meetings/{meeting}/record.docx"
    async with httpx.AsyncClient(base_url=server.base_url, timeout=30) as http:
        response = await http.get(url, headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == DOCX
        assert response.headers["content-disposition"].startswith("attachment; filename*=UTF-8''")
        document = Document(io.BytesIO(response.content))
        text = "\n".join(p.text for p in document.paragraphs)
        text += "\n".join(c.text for t in document.tables for r in t.rows for c in r.cells)
        assert sealed_hash in text
        assert MINUTES in text

        # Before the record is published only hosts may download it; anonymous: 401.
        anonymous = await http.get(url, headers={"X-Tenant": county.slug})
        assert anonymous.status_code == 401
        citizen = await http.get(url, headers={"Authorization": f"Bearer {people[0].token}"})
        assert citizen.status_code == 403
        await ok(gql, PUBLISH, {"m": meeting}, token)
        citizen = await http.get(url, headers={"Authorization": f"Bearer {people[0].token}"})
        assert citizen.status_code == 200
        assert sealed_hash in "\n".join(
            p.text for p in Document(io.BytesIO(citizen.content)).paragraphs
        )

        other = await make_county(server)
        foreign = await http.get(url, headers={"Authorization": f"Bearer {other.admin.token}"})
        assert foreign.status_code == 404
        assert foreign.json()["error"]["code"] == "NOT_FOUND"


async def test_another_county_cannot_touch_timers_polls_or_comments(server, gql, owner_db):
    county, _people, meeting, ids = await run_a_meeting(server, gql)
    other = await make_county(server)
    before = await snapshot(owner_db, county, meeting)
    attempts = [
        (TIMER, {"a": ids["item"], "x": "STOP"}, "agendaItemId"),
        (
            "mutation($p: ID!) { closePoll(pollId: $p) { poll { id } errors { field code message } } }",
            {"p": ids["poll"]},
            "pollId",
        ),
        (HIDE, {"c": ids["comment"], "r": "越权屏蔽"}, "commentId"),
        (CLOSE, {"m": meeting}, "meetingId"),
    ]
    for query, variables, field in attempts:
        payload = await refused(gql, query, variables, other.admin.token)
        assert [(e["field"], e["code"]) for e in payload["errors"]] == [(field, "NOT_FOUND")], (
            payload
        )
    vote = (
        await gql.data(VOTE, {"p": ids["poll"], "c": [0], "k": key()}, token=other.admin.token)
    )["castVote"]
    assert [(e["field"], e["code"]) for e in vote["errors"]] == [("pollId", "NOT_FOUND")]
    assert await node(gql, MEETING, meeting, other.admin.token) is None
    body = await gql.execute(RECORD, {"m": meeting}, token=other.admin.token)
    assert body["data"] is None and body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    body = await gql.execute(VERIFY, {"s": stream_of(meeting)}, token=other.admin.token)
    assert body["data"] is None
    assert await snapshot(owner_db, county, meeting) == before
    assert await event_count(owner_db, other, meeting) == 0
