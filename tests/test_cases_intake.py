"""Intake (受理) from every channel but import: online signed in or anonymous with contact
details, a collector on someone's behalf at a venue, the 12345 hotline, a 网络问政 session,
a meeting comment handed over (linked both ways); client idempotency keys and the batch of
a collector's offline queue; the 议事内容清单; attachments; out-of-scope flags. Every
refusal is a typed error naming the field, with nothing written."""

from __future__ import annotations

import base64
import json

from tests.cases_world import make_world
from tests.conftest import county_rows
from tests.factories.cases import (
    CASE,
    DELETE_TOPIC,
    INTAKE_BATCH,
    OUT_OF_SCOPE,
    RAISE,
    SAVE_TOPIC,
    act,
    case_events,
    case_node,
    key,
    online,
    raise_case,
    refused,
)
from tests.factories.meetings import make_meeting
from tests.factories.tenants import db_id, gid, make_county, make_unit
from tests.meetings_api import ANSWER, POST_COMMENT, ok


async def test_a_signed_in_citizen_raises_a_case_online(server, gql, owner_db):
    w = await make_world(server)
    payload = await raise_case(
        gql, w.citizen.token, online(placeUnitId=w.unit(w.village), contactPhone="13812345678")
    )
    case = payload["case"]
    assert payload["number"].endswith("-000001") and case["number"] == payload["number"]
    assert case["state"] == "RECEIVED" and case["channel"] == "ONLINE"
    assert case["view"] == "submitter"
    assert case["accountableUnit"]["id"] == w.unit(w.village)  # 首接: where the matter is
    assert case["contactPhone"] == "+8613812345678"  # their own, in full
    assert case["handler"] is None and case["dueOn"] is None
    second = await raise_case(gql, w.citizen.token, online(title="第二件"))
    assert second["number"].endswith("-000002")
    assert second["case"]["accountableUnit"]["id"] == w.county.root_gid
    assert await case_events(owner_db, w.county, db_id(case["id"])) == ["case.received"]
    inbox = await owner_db.fetch(
        "SELECT type, payload FROM events WHERE tenant_id = $1 AND stream = $2",
        w.county.id,
        f"caseinbox:{w.village}",
    )
    assert [(r["type"], json.loads(r["payload"])["caseId"]) for r in inbox] == [
        ("inbox.received", db_id(case["id"]))
    ]


async def test_anonymous_intake_needs_contact_details_and_returns_the_number(server, gql, owner_db):
    w = await make_world(server)
    before = await county_rows(owner_db, w.county.id)
    error = await refused(gql, RAISE, {"input": online()}, None, tenant=w.county.slug)
    assert error["code"] == "CONTACT_REQUIRED" and error["field"] == "contactPhone"
    error = await refused(
        gql, RAISE, {"input": online(contactPhone="13812345678")}, None, tenant=w.county.slug
    )
    assert (error["code"], error["field"]) == ("CONTACT_REQUIRED", "contactName")
    error = await refused(
        gql,
        RAISE,
        {"input": online(contactName="赵先生", contactPhone="12345")},
        None,
        tenant=w.county.slug,
    )
    assert (error["code"], error["field"]) == ("INVALID", "contactPhone")
    assert await county_rows(owner_db, w.county.id) == before
    payload = await raise_case(
        gql, None, online(contactName="赵先生", contactPhone="13812345678"), county=w.county
    )
    assert payload["number"] and payload["case"] is None  # quoted by number
    row = await owner_db.fetchrow(
        "SELECT submitter_user_id, contact_name, contact_phone FROM cases WHERE number = $1 AND tenant_id = $2",
        payload["number"],
        w.county.id,
    )
    assert dict(row) == {
        "submitter_user_id": None,
        "contact_name": "赵先生",
        "contact_phone": "+8613812345678",
    }


async def test_a_collector_enters_a_case_at_their_venue_only(server, gql, owner_db):
    w = await make_world(server)
    entry = {
        "channel": "VENUE",
        "kind": "SUGGESTION",
        "title": "建议增设健身器材",
        "body": "小区广场缺少健身器材。",
        "venueId": gid("Venue", w.venue),
        "contactName": "钱阿姨",
        "contactPhone": "13900001111",
    }
    payload = await raise_case(gql, w.collector.token, entry)
    case = payload["case"]
    assert case["view"] == "submitter" and case["submitterId"] is None
    assert case["accountableUnit"]["id"] == w.unit(w.village)
    row = await owner_db.fetchrow(
        "SELECT entered_by_user_id, submitter_user_id, venue_id, place_unit_id FROM cases WHERE id = $1",
        db_id(case["id"]),
    )
    assert dict(row) == {
        "entered_by_user_id": w.collector.user_id,
        "submitter_user_id": None,
        "venue_id": w.venue,
        "place_unit_id": w.village,
    }
    # a citizen cannot enter cases for others; a collector not outside their unit
    denied = await gql.execute(RAISE, {"input": entry}, token=w.citizen.token)
    assert denied["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    elsewhere = await gql.execute(
        RAISE,
        {
            "input": {
                **entry,
                "channel": "COLLECTOR",
                "venueId": None,
                "placeUnitId": w.unit(w.department),
            }
        },
        token=w.collector.token,
    )
    assert elsewhere["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    # the 12345 hotline: staff enter it, county office accountable first
    hotline = await raise_case(
        gql,
        w.admin.token,
        {**entry, "channel": "HOTLINE", "venueId": None, "kind": "CONSULTATION"},
    )
    assert hotline["case"]["accountableUnit"]["id"] == w.county.root_gid
    assert hotline["case"]["channel"] == "HOTLINE"


async def test_online_inquiry_cases_name_their_session_and_import_is_refused(server, gql, owner_db):
    w = await make_world(server)
    inquiry = await make_meeting(gql, w.county, kind="ONLINE_INQUIRY")
    other = await make_meeting(gql, w.county, kind="FORUM")
    before = await county_rows(owner_db, w.county.id)
    for input, field, code in (
        (online(channel="ONLINE_INQUIRY"), "meetingId", "INVALID"),
        (online(channel="ONLINE_INQUIRY", meetingId=other), "meetingId", "NOT_FOUND"),
        (online(meetingId=inquiry), "meetingId", "INVALID"),
        (online(channel="IMPORT"), "channel", "INVALID"),
        (online(channel="MEETING"), "channel", "INVALID"),
    ):
        error = await refused(gql, RAISE, {"input": input}, w.citizen.token)
        assert (error["field"], error["code"]) == (field, code), (input, error)
    assert await county_rows(owner_db, w.county.id) == before
    payload = await raise_case(
        gql, w.citizen.token, online(channel="ONLINE_INQUIRY", meetingId=inquiry)
    )
    assert payload["case"]["meetingId"] == inquiry
    assert payload["case"]["channel"] == "ONLINE_INQUIRY"


async def test_a_handed_over_meeting_question_becomes_a_case_linked_both_ways(
    server, gql, owner_db
):
    w = await make_world(server)
    meeting = await make_meeting(gql, w.county)
    question = (
        await ok(
            gql,
            POST_COMMENT,
            {"m": meeting, "b": "老旧小区加装电梯何时启动？", "k": "QUESTION"},
            w.citizen.token,
        )
    )["comment"]["id"]
    await ok(gql, ANSWER, {"c": question, "u": w.unit(w.department)}, w.admin.token)
    row = await owner_db.fetchrow(
        "SELECT handed_over_case_id FROM meeting_comments WHERE id = $1", db_id(question)
    )
    case_id = row["handed_over_case_id"]
    assert case_id is not None
    case = await owner_db.fetchrow("SELECT * FROM cases WHERE id = $1", case_id)
    assert case["channel"] == "MEETING" and case["kind"] == "DEMAND"
    assert case["meeting_id"] == db_id(meeting)
    assert case["meeting_comment_id"] == db_id(question)
    assert case["submitter_user_id"] == w.citizen.user_id
    assert case["accountable_unit_id"] == w.department
    payload = await owner_db.fetchval(
        "SELECT payload FROM events WHERE tenant_id = $1 AND stream = $2 AND type = 'comment.handedOver'",
        w.county.id,
        f"meeting:{db_id(meeting)}",
    )
    assert json.loads(payload)["caseId"] == case_id
    # the citizen follows it among their cases
    seen = await case_node(gql, gid("Case", case_id), w.citizen.token)
    assert seen["view"] == "submitter" and seen["meetingId"] == meeting
    # handed over once only
    again = await gql.data(ANSWER, {"c": question, "u": w.unit(w.department)}, token=w.admin.token)
    assert again["answerQuestion"]["errors"][0]["code"] == "INVALID_STATE"


async def test_a_replayed_batch_creates_each_case_once(server, gql, owner_db):
    w = await make_world(server)
    queue = [
        {
            "channel": "COLLECTOR",
            "kind": "DEMAND",
            "title": f"第{i}件",
            "body": f"网格巡查记录{i}",
            "placeUnitId": w.unit(w.village),
            "contactName": "孙大哥",
            "contactPhone": "13700001111",
            "clientKey": key(),
        }
        for i in range(3)
    ]
    bad = {**queue[0], "clientKey": key(), "title": ""}
    first = (await gql.data(INTAKE_BATCH, {"input": [*queue, bad]}, token=w.collector.token))[
        "intakeCases"
    ]
    assert [r["errors"] for r in first[:3]] == [[], [], []]
    assert first[3]["errors"] == [{"field": "title", "code": "INVALID", "message": "标题不能为空"}]
    assert [r["clientKey"] for r in first] == [q["clientKey"] for q in [*queue, bad]]
    before = await county_rows(owner_db, w.county.id)
    replay = (await gql.data(INTAKE_BATCH, {"input": queue}, token=w.collector.token))[
        "intakeCases"
    ]
    assert [r["case"]["id"] for r in replay] == [r["case"]["id"] for r in first[:3]]
    assert [r["number"] for r in replay] == [r["number"] for r in first[:3]]
    assert await county_rows(owner_db, w.county.id) == before  # nothing new, no event
    # the same key with other content: refused, naming the key
    changed = {**queue[1], "body": "改过的内容"}
    error = await refused(gql, RAISE, {"input": changed}, w.collector.token)
    assert (error["field"], error["code"]) == ("clientKey", "IDEMPOTENCY_CONFLICT")
    assert await county_rows(owner_db, w.county.id) == before


async def test_excluded_topics_are_refused_with_where_they_belong(server, gql, owner_db):
    w = await make_world(server)
    rule = {
        "included": False,
        "topic": "涉法涉诉事项",
        "keywords": ["起诉", "判决"],
        "redirect": "请依法通过诉讼渠道解决，可咨询县法律援助中心。",
        "source": "《北街社区议事内容清单》",
        "orgUnitId": w.unit(w.township),
    }
    saved = (await act(gql, SAVE_TOPIC, {"input": rule}, w.admin.token))["rule"]
    assert saved["keywords"] == ["起诉", "判决"] and saved["orgUnitId"] == w.unit(w.township)
    denied = await gql.execute(SAVE_TOPIC, {"input": rule}, token=w.township_staff.token)
    assert denied["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    no_redirect = await refused(
        gql, SAVE_TOPIC, {"input": {**rule, "redirect": None}}, w.admin.token
    )
    assert no_redirect["field"] == "redirect"

    before = await county_rows(owner_db, w.county.id)
    error = await refused(
        gql,
        RAISE,
        {"input": online(body="邻居占道，我想起诉他", placeUnitId=w.unit(w.village))},
        w.citizen.token,
    )
    assert error["code"] == "EXCLUDED_TOPIC" and error["field"] == "body"
    assert "诉讼渠道" in error["message"]
    assert await county_rows(owner_db, w.county.id) == before
    # the rule applies under the township only
    await raise_case(
        gql, w.citizen.token, online(body="我想起诉", placeUnitId=w.unit(w.department))
    )
    # edited, then deleted
    edited = await act(
        gql, SAVE_TOPIC, {"input": {**rule, "keywords": ["仲裁"]}, "id": saved["id"]}, w.admin.token
    )
    assert edited["rule"]["keywords"] == ["仲裁"]
    await raise_case(gql, w.citizen.token, online(body="我想起诉", placeUnitId=w.unit(w.village)))
    await act(gql, DELETE_TOPIC, {"id": saved["id"]}, w.admin.token)
    rules = await gql.data("{ caseTopicRules { id } }", token=w.admin.token)
    assert rules["caseTopicRules"] == []


async def test_attachments_are_kept_within_the_size_cap(server, gql, owner_db):
    w = await make_world(server)
    photo = b"\x89PNG" + b"0" * 1000
    payload = await raise_case(
        gql,
        w.citizen.token,
        online(
            attachments=[
                {
                    "fileName": "路灯.png",
                    "contentType": "image/png",
                    "dataBase64": base64.b64encode(photo).decode(),
                }
            ]
        ),
    )
    seen = await case_node(gql, payload["case"]["id"], w.citizen.token)
    assert [(a["fileName"], a["sizeBytes"]) for a in seen["attachments"]] == [("路灯.png", 1004)]
    # The county's cap (a rule, 10 MiB by default; here 64 KiB, under the request limit).
    await owner_db.execute(
        "UPDATE tenants SET settings = $2 WHERE id = $1",
        w.county.id,
        json.dumps({"rules": {"case.attachment_max_size": {"value": 64, "source": "测试"}}}),
    )
    before = await county_rows(owner_db, w.county.id)
    big = base64.b64encode(b"0" * (64 * 1024 + 1)).decode()
    error = await refused(
        gql,
        RAISE,
        {
            "input": online(
                attachments=[
                    {"fileName": "a.txt", "contentType": "text/plain", "dataBase64": "YQ=="},
                    {"fileName": "大.mp4", "contentType": "video/mp4", "dataBase64": big},
                ]
            )
        },
        w.citizen.token,
    )
    assert (error["field"], error["code"]) == ("attachments.1", "ATTACHMENT_TOO_LARGE")
    error = await refused(
        gql,
        RAISE,
        {"input": online(attachments=[{"fileName": "x", "contentType": "x", "dataBase64": "%%"}])},
        w.citizen.token,
    )
    assert error["field"] == "attachments.0"
    assert await county_rows(owner_db, w.county.id) == before


async def test_unknown_and_foreign_units_are_refused(server, gql, owner_db):
    w = await make_world(server)
    other = await make_county(server)
    foreign = await make_unit(server, other, name="外县乡镇")
    before = await county_rows(owner_db, w.county.id)
    for unit in (gid("OrgUnit", foreign), gid("OrgUnit", 10**12)):
        error = await refused(gql, RAISE, {"input": online(placeUnitId=unit)}, w.citizen.token)
        assert (error["field"], error["code"]) == ("placeUnitId", "UNKNOWN_UNIT")
    assert await county_rows(owner_db, w.county.id) == before


async def test_out_of_scope_flags_by_staff_with_a_reason(server, gql, owner_db):
    w = await make_world(server)
    case = (await raise_case(gql, w.citizen.token, online(placeUnitId=w.unit(w.village))))["case"]
    denied = await gql.execute(
        OUT_OF_SCOPE, {"c": case["id"], "f": "PETITION", "r": "x"}, token=w.citizen.token
    )
    assert denied["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    error = await refused(
        gql, OUT_OF_SCOPE, {"c": case["id"], "f": "PETITION", "r": " "}, w.township_staff.token
    )
    assert error["field"] == "reason"
    done = await act(
        gql,
        OUT_OF_SCOPE,
        {"c": case["id"], "f": "PETITION", "r": "属信访事项，请到县信访局反映"},
        w.township_staff.token,
    )
    assert done["case"]["state"] == "OUT_OF_SCOPE" and done["case"]["outOfScope"] == "PETITION"
    seen = await case_node(gql, case["id"], w.citizen.token)
    assert seen["outOfScopeReason"] == "属信访事项，请到县信访局反映"
    assert await case_events(owner_db, w.county, db_id(case["id"])) == [
        "case.received",
        "case.outOfScope",
    ]
    assert CASE  # the node query covers attachments and replies
