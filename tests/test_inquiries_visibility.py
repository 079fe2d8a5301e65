"""Every event type of the inquiries streams is appended by the workflows, fits its
declaration (checked at append in tests), and has a decided public view that never shows a
person's account id, a review reason, an opinion's words or its answer."""

from __future__ import annotations

import json
from datetime import timedelta

from backend.inquiries.events import GroupEvent, OpinionEvent, SessionEvent
from backend.inquiries.visibility import GROUP_PUBLIC, OPINION_PUBLIC, SESSION_PUBLIC
from tests.factories.inquiries import (
    ANSWER,
    ANSWER_OPINION,
    ASK,
    ASSIGN,
    CANCEL,
    DISPATCH,
    END,
    ENTER_OPINION,
    GENERATE,
    OPEN_COLLECTION,
    RATE,
    RESCHEDULE,
    REVIEW,
    SESSIONS,
    STREAM,
    TO_CASE,
    live_session,
    make_inquiry_world,
    ok,
)
from tests.factories.meetings import make_meeting

PERSONAL_KEYS = {"askerId", "enteredById", "responderId", "giverId", "leaderId"}


def test_every_declared_type_has_a_decided_public_view():
    assert set(GROUP_PUBLIC) == set(GroupEvent)
    assert set(SESSION_PUBLIC) == set(SessionEvent)
    assert set(OPINION_PUBLIC) == set(OpinionEvent)


def keys(value) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in keys(v)}
    return set()


async def test_the_workflows_append_every_type_and_the_public_sees_no_personal_data(
    server, gql, owner_db
):
    w = await make_inquiry_world(server)
    session = await live_session(gql, w)
    first = await ok(gql, ASK, {"s": session, "b": "问题一"}, w.citizen.token)
    second = await ok(gql, ASK, {"s": session, "b": "问题二"}, w.citizen.token)
    await ok(
        gql,
        ASSIGN,
        {"q": first["question"]["id"], "u": w.housing_staff.gid},
        w.housing_leader.token,
    )
    await ok(gql, ANSWER, {"q": first["question"]["id"], "a": "答复"}, w.housing_staff.token)
    await ok(
        gql,
        TO_CASE,
        {"q": second["question"]["id"], "k": "DEMAND", "t": "事项", "r": "初步答复"},
        w.housing_leader.token,
    )
    await ok(gql, END, {"s": session}, w.housing_leader.token)
    later = (
        await gql.data(SESSIONS, {"y": 2026, "m": 6, "u": w.unit(w.housing)}, token=w.admin.token)
    )["inquirySessions"]
    await ok(
        gql,
        RESCHEDULE,
        {"s": later[0]["id"], "t": "2026-06-05T09:00:00+08:00", "r": "调整"},
        w.admin.token,
    )
    await ok(gql, CANCEL, {"s": later[1]["id"], "r": "取消"}, w.admin.token)
    await ok(gql, GENERATE, {"y": 2026}, w.admin.token)
    meeting = await make_meeting(gql, w.county, live=False, starts_in=timedelta(days=40))
    opened = await ok(
        gql,
        OPEN_COLLECTION,
        {"i": {"meetingId": meeting, "unitIds": [w.unit(w.housing)], "title": "征集"}},
        w.admin.token,
    )
    collection = opened["collection"]
    entered = await ok(
        gql,
        ENTER_OPINION,
        {
            "i": {
                "collectionId": collection["id"],
                "unitId": w.unit(w.housing),
                "source": "GOV_APP",
                "body": "意见",
                "giverId": w.citizen.gid,
            }
        },
        w.admin.token,
    )
    item = entered["opinion"]["id"]
    await ok(gql, REVIEW, {"o": item, "a": True}, w.admin.token)
    await ok(gql, DISPATCH, {"o": item, "h": "TO_HANDLE"}, w.admin.token)
    await ok(gql, ANSWER_OPINION, {"o": item, "a": "答复"}, w.housing_leader.token)
    await ok(gql, RATE, {"o": item, "s": "SATISFIED"}, w.citizen.token)

    appended = {
        r["type"]
        for r in await owner_db.fetch(
            "SELECT DISTINCT type FROM events WHERE tenant_id = $1 AND (stream LIKE 'inquiry%' "
            "OR stream LIKE 'opinions:%')",
            w.county.id,
        )
    }
    declared = {t.value for t in [*GroupEvent, *SessionEvent, *OpinionEvent]}
    assert appended == declared
    group_stream = (await gql.data("{ inquiryGroups { stream } }", token=w.citizen.token))[
        "inquiryGroups"
    ][0]["stream"]
    for stream in (group_stream, f"inquiry:{session}", collection["stream"]):
        public = (await gql.data(STREAM, {"s": stream}, token=w.other_citizen.token))[
            "streamEvents"
        ]
        assert public, stream
        assert not keys([e["payload"] for e in public]) & PERSONAL_KEYS, stream
        assert all(e["actorId"] is None for e in public)
    opinion_public = (
        await gql.data(STREAM, {"s": collection["stream"]}, token=w.other_citizen.token)
    )["streamEvents"]
    text = json.dumps([e["payload"] for e in opinion_public], ensure_ascii=False)
    assert "意见" not in text.replace("意见征集", "") and "答复" not in text
