"""Opinions collected before a 述职报告会 (seed 001, 三民活动): the collection opens at least
one month before the meeting for its reporting units (later is TOO_LATE, citing the rule);
opinions are entered centrally, reviewed, dispatched, answered by the unit and rated by
the person who gave them (not before the answer); counts per unit; the public sees the
progress, never the words or who gave them."""

from __future__ import annotations

from datetime import timedelta

from tests.conftest import county_rows
from tests.factories.inquiries import (
    ANSWER_OPINION,
    COUNTS,
    DISPATCH,
    ENTER_OPINION,
    OPEN_COLLECTION,
    OPINIONS,
    RATE,
    REVIEW,
    STREAM,
    call,
    make_inquiry_world,
    nodes,
    ok,
)
from tests.factories.meetings import make_meeting
from tests.factories.people import make_user, next_phone
from tests.test_identity_sms import code_sent_to, request, sign_in


def codes(payload):
    return [(e["field"], e["code"]) for e in payload["errors"]]


async def open_collection(gql, w, *, days: int = 40, kind: str = "WORK_REPORT"):
    meeting = await make_meeting(
        gql, w.county, kind=kind, live=False, starts_in=timedelta(days=days)
    )
    variables = {
        "i": {
            "meetingId": meeting,
            "unitIds": [w.unit(w.housing), w.unit(w.transport)],
            "title": "2026年度述职报告会意见建议征集",
        }
    }
    return meeting, await call(gql, OPEN_COLLECTION, variables, w.admin.token)


def opinion(w, collection, *, unit=None, giver=None, **extra):
    return {
        "i": {
            "collectionId": collection,
            "unitId": w.unit(unit or w.housing),
            "source": "WECHAT",
            "body": "建议加快老旧小区改造进度，联系电话13812345678",
            **({"giverId": giver.gid} if giver else {}),
            **extra,
        }
    }


async def test_a_collection_opens_a_month_before_a_work_report_meeting(server, gql, owner_db):
    w = await make_inquiry_world(server)
    before = await county_rows(owner_db, w.county.id)

    _, late = await open_collection(gql, w, days=20)
    _, talk = await open_collection(gql, w, kind="CONSULTATION_TALK")
    after_refusals = await county_rows(owner_db, w.county.id)
    meeting, opened = await open_collection(gql, w)
    twice = await call(
        gql,
        OPEN_COLLECTION,
        {"i": {"meetingId": meeting, "unitIds": [w.unit(w.housing)], "title": "再开一次"}},
        w.admin.token,
    )

    assert codes(late) == [("meetingId", "TOO_LATE")]
    message = late["errors"][0]["message"]
    assert message.startswith(
        "述职报告会意见建议征集提前开通：依据青岛市“三民”活动述职报告会规则，"
        "见《关于政务公开工作中推进政民互动常态化的思考》一（二）（30日），应于"
    )
    assert message.endswith("（含）前开通意见建议征集通道；实际提前20日，不符合规定。")
    assert codes(talk) == [("meetingId", "WRONG_MEETING_KIND")]
    # the two meetings made for the refusals, nothing of a collection
    grew = {t: n - before[t] for t, n in after_refusals.items() if n != before[t]}
    assert "opinion_collections" not in grew and "opinion_collection_units" not in grew
    assert opened["errors"] == []
    collection = opened["collection"]
    assert collection["unitIds"] == [w.unit(w.housing), w.unit(w.transport)]
    assert codes(twice) == [("meetingId", "ALREADY_OPEN")]
    events = (await gql.data(STREAM, {"s": collection["stream"]}, token=w.citizen.token))[
        "streamEvents"
    ]
    assert [e["type"] for e in events] == ["opinionCollection.opened"]
    refused = await gql.execute(
        OPEN_COLLECTION,
        {"i": {"meetingId": meeting, "unitIds": [w.unit(w.housing)], "title": "x"}},
        token=w.housing_leader.token,
    )
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_an_opinion_goes_from_entry_to_the_givers_rating(server, gql, owner_db):
    w = await make_inquiry_world(server)
    _, opened = await open_collection(gql, w)
    collection = opened["collection"]["id"]

    entered = await ok(gql, ENTER_OPINION, opinion(w, collection, giver=w.citizen), w.admin.token)
    item = entered["opinion"]["id"]
    unrated = await county_rows(owner_db, w.county.id)
    too_early = await call(gql, RATE, {"o": item, "s": "SATISFIED"}, w.citizen.token)
    assert await county_rows(owner_db, w.county.id) == unrated  # refused: nothing written
    reviewed = await ok(gql, REVIEW, {"o": item, "a": True}, w.admin.token)
    dispatched = await ok(gql, DISPATCH, {"o": item, "h": "TO_HANDLE"}, w.admin.token)
    wrong_unit = await gql.execute(
        ANSWER_OPINION, {"o": item, "a": "交通局来答"}, token=w.transport_leader.token
    )
    before = await county_rows(owner_db, w.county.id)
    not_giver = await gql.execute(RATE, {"o": item, "s": "SATISFIED"}, token=w.other_citizen.token)
    assert await county_rows(owner_db, w.county.id) == before
    answered = await ok(
        gql, ANSWER_OPINION, {"o": item, "a": "已列入明年改造计划"}, w.housing_staff.token
    )
    rated = await ok(gql, RATE, {"o": item, "s": "BASICALLY_SATISFIED"}, w.citizen.token)
    twice = await call(gql, RATE, {"o": item, "s": "SATISFIED"}, w.citizen.token)
    answer_again = await call(gql, ANSWER_OPINION, {"o": item, "a": "再答"}, w.housing_staff.token)

    assert entered["opinion"]["state"] == "ENTERED"
    assert codes(too_early) == [("opinionId", "NOT_ANSWERED")]
    assert reviewed["opinion"]["state"] == "ACCEPTED"
    assert (dispatched["opinion"]["state"], dispatched["opinion"]["handling"]) == (
        "DISPATCHED",
        "TO_HANDLE",
    )
    assert dispatched["opinion"]["dispatchedUnitId"] == w.unit(w.housing)
    assert wrong_unit["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert not_giver["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert (answered["opinion"]["state"], answered["opinion"]["answer"]) == (
        "ANSWERED",
        "已列入明年改造计划",
    )
    assert (
        rated["opinion"]["state"],
        rated["opinion"]["satisfaction"],
        rated["opinion"]["mine"],
    ) == (
        "RATED",
        "BASICALLY_SATISFIED",
        True,
    )
    assert codes(twice) == [("opinionId", "ALREADY_RATED")]
    assert codes(answer_again) == [("opinionId", "INVALID_STATE")]
    mine = nodes(
        (await gql.data(OPINIONS, {"c": collection}, token=w.citizen.token))["reportOpinions"]
    )
    assert [(o["id"], o["giverId"], o["reviewReason"]) for o in mine] == [(item, None, None)]
    others = nodes(
        (await gql.data(OPINIONS, {"c": collection}, token=w.other_citizen.token))["reportOpinions"]
    )
    assert others == []
    staff = nodes(
        (await gql.data(OPINIONS, {"c": collection}, token=w.housing_staff.token))["reportOpinions"]
    )
    assert [o["giverId"] for o in staff] == [w.citizen.gid]


async def test_a_giver_entered_by_name_and_phone_rates_online_once_the_number_is_proven(
    server, gql, owner_db
):
    # given: an opinion taken by telephone (集中录入 with a name and number, no account),
    # answered by the unit; an account of the county holds that number, not yet proven
    w = await make_inquiry_world(server)
    _, opened = await open_collection(gql, w)
    collection = opened["collection"]["id"]
    phone = next_phone()
    holder = await make_user(server, w.county, name="赵大爷", phone=phone)
    entered = await ok(
        gql,
        ENTER_OPINION,
        opinion(w, collection, giverName="赵大爷", giverPhone=phone, source="OTHER"),
        w.admin.token,
    )
    item = entered["opinion"]["id"]
    await ok(gql, REVIEW, {"o": item, "a": True}, w.admin.token)
    await ok(gql, DISPATCH, {"o": item, "h": "TO_HANDLE"}, w.admin.token)
    await ok(gql, ANSWER_OPINION, {"o": item, "a": "已安排维修"}, w.housing_staff.token)

    # when: the holder of the number tries before proving it
    before = await county_rows(owner_db, w.county.id)
    unproven = await gql.execute(RATE, {"o": item, "s": "SATISFIED"}, token=holder.token)
    listed = await gql.data(OPINIONS, {"c": collection}, token=holder.token)

    # then: not theirs yet, and nothing is written
    assert unproven["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert nodes(listed["reportOpinions"]) == []
    assert await county_rows(owner_db, w.county.id) == before

    # when: they sign in by SMS code on that number (PHONE_VERIFIED) and rate
    e164 = f"+86{phone}"
    assert (await request(gql, w.county, phone))["sent"] is True
    signed = await sign_in(gql, w.county, phone, code_sent_to(server, e164))
    assert signed["errors"] == [] and signed["user"]["verification"] == "PHONE_VERIFIED"
    token = signed["tokens"]["accessToken"]
    mine = nodes((await gql.data(OPINIONS, {"c": collection}, token=token))["reportOpinions"])
    rated = await ok(gql, RATE, {"o": item, "s": "SATISFIED"}, token)
    twice = await call(gql, RATE, {"o": item, "s": "DISSATISFIED"}, token)
    # someone else with a proven number of their own is no giver of it
    other = await make_user(server, w.county, name="邻居")
    await owner_db.execute(
        "UPDATE users SET verification = 'PHONE_VERIFIED' WHERE id = $1", other.user_id
    )
    stranger = await gql.execute(RATE, {"o": item, "s": "SATISFIED"}, token=other.token)

    # then: they see it as theirs (masked as any giver sees it), the rating is kept once
    assert [(o["id"], o["mine"], o["giverName"]) for o in mine] == [(item, True, None)]
    assert (rated["opinion"]["state"], rated["opinion"]["satisfaction"]) == (
        "RATED",
        "SATISFIED",
    )
    assert rated["opinion"]["mine"] is True
    assert codes(twice) == [("opinionId", "ALREADY_RATED")]
    assert stranger["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    counts = (await gql.data(COUNTS, {"c": collection}, token=w.citizen.token))[
        "reportOpinionCounts"
    ]
    assert [c["satisfied"] for c in counts if c["unitId"] == w.unit(w.housing)] == [1]


async def test_bad_opinions_and_reviews_are_refused_naming_the_field(server, gql, owner_db):
    w = await make_inquiry_world(server)
    _, opened = await open_collection(gql, w)
    collection = opened["collection"]["id"]
    before = await county_rows(owner_db, w.county.id)

    other_unit = await call(
        gql, ENTER_OPINION, opinion(w, collection, unit=w.township, giver=w.citizen), w.admin.token
    )
    nobody = await call(
        gql, ENTER_OPINION, opinion(w, collection, giverName="赵先生"), w.admin.token
    )
    bad_phone = await call(
        gql,
        ENTER_OPINION,
        opinion(w, collection, giverName="赵先生", giverPhone="12"),
        w.admin.token,
    )
    by_staff = await gql.execute(
        ENTER_OPINION, opinion(w, collection, giver=w.citizen), token=w.housing_staff.token
    )
    assert await county_rows(owner_db, w.county.id) == before
    entered = await ok(
        gql,
        ENTER_OPINION,
        opinion(w, collection, giverName="赵先生", giverPhone="13912345678", source="GOV_WEBSITE"),
        w.admin.token,
    )
    item = entered["opinion"]["id"]
    blank = await call(gql, REVIEW, {"o": item, "a": False, "r": " "}, w.admin.token)
    rejected = await ok(
        gql, REVIEW, {"o": item, "a": False, "r": "与述职单位职责无关"}, w.admin.token
    )
    dispatch = await call(gql, DISPATCH, {"o": item, "h": "TO_HANDLE"}, w.admin.token)

    assert codes(other_unit) == [("unitId", "NOT_REPORTING_UNIT")]
    assert codes(nobody) == [("giverPhone", "CONTACT_REQUIRED")]
    assert codes(bad_phone) == [("giverPhone", "INVALID")]
    assert by_staff["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert (entered["opinion"]["giverName"], entered["opinion"]["giverPhone"]) == (
        "赵**",
        "139****5678",
    )
    assert codes(blank) == [("reason", "REASON_REQUIRED")]
    assert (rejected["opinion"]["state"], rejected["opinion"]["reviewReason"]) == (
        "REJECTED",
        "与述职单位职责无关",
    )
    assert codes(dispatch) == [("opinionId", "INVALID_STATE")]


async def test_entry_closes_when_the_meeting_starts(server, gql, owner_db):
    w = await make_inquiry_world(server)
    _, opened = await open_collection(gql, w)
    collection = opened["collection"]["id"]
    # the meeting's day has come (the collection closes when it starts)
    await owner_db.execute(
        "UPDATE opinion_collections SET closes_at = now() - interval '1 minute' "
        "WHERE tenant_id = $1",
        w.county.id,
    )

    closed = await call(gql, ENTER_OPINION, opinion(w, collection, giver=w.citizen), w.admin.token)

    assert codes(closed) == [("collectionId", "CLOSED")]


async def test_counts_per_unit_and_what_the_public_sees(server, gql):
    w = await make_inquiry_world(server)
    _, opened = await open_collection(gql, w)
    c = opened["collection"]
    ids = []
    for unit in (w.housing, w.housing, w.housing, w.transport):
        entered = await ok(
            gql, ENTER_OPINION, opinion(w, c["id"], unit=unit, giver=w.citizen), w.admin.token
        )
        ids.append(entered["opinion"]["id"])
    await ok(gql, REVIEW, {"o": ids[0], "a": True}, w.admin.token)
    await ok(gql, REVIEW, {"o": ids[1], "a": False, "r": "重复意见"}, w.admin.token)
    await ok(gql, REVIEW, {"o": ids[3], "a": True}, w.admin.token)
    await ok(gql, DISPATCH, {"o": ids[0], "h": "TO_HANDLE"}, w.admin.token)
    await ok(gql, DISPATCH, {"o": ids[3], "h": "FOR_REFERENCE"}, w.admin.token)
    await ok(gql, ANSWER_OPINION, {"o": ids[0], "a": "已安排"}, w.housing_leader.token)
    await ok(gql, RATE, {"o": ids[0], "s": "DISSATISFIED"}, w.citizen.token)

    counts = (await gql.data(COUNTS, {"c": c["id"]}, token=w.other_citizen.token))[
        "reportOpinionCounts"
    ]
    public = (await gql.data(STREAM, {"s": c["stream"]}, token=w.other_citizen.token))[
        "streamEvents"
    ]
    staff = (await gql.data(STREAM, {"s": c["stream"]}, token=w.admin.token))["streamEvents"]

    assert counts == [
        {
            "unitId": w.unit(w.housing),
            "total": 3,
            "pendingReview": 1,
            "accepted": 1,
            "rejected": 1,
            "dispatched": 1,
            "answered": 1,
            "satisfied": 0,
            "basicallySatisfied": 0,
            "dissatisfied": 1,
        },
        {
            "unitId": w.unit(w.transport),
            "total": 1,
            "pendingReview": 0,
            "accepted": 1,
            "rejected": 0,
            "dispatched": 1,
            "answered": 0,
            "satisfied": 0,
            "basicallySatisfied": 0,
            "dissatisfied": 0,
        },
    ]
    assert len(public) == len(staff) == 12  # opened, 4 entered, 3 reviewed, 2 dispatched, …
    entered = [e for e in public if e["type"] == "opinion.entered"]
    assert set(entered[0]["payload"]) == {"id", "unitId", "source", "state"}
    reviewed = [e["payload"] for e in public if e["type"] == "opinion.reviewed"]
    assert all("reason" not in p for p in reviewed)
    assert "reason" in [e for e in staff if e["type"] == "opinion.reviewed"][1]["payload"]
    answered = [e["payload"] for e in public if e["type"] == "opinion.answered"]
    assert answered == [{"id": answered[0]["id"], "unitId": w.housing, "state": "ANSWERED"}]
    assert all(e["actorId"] is None for e in public)


EXPORT = "mutation { exportPersonalData { data errors { field code message } } }"
ERASE = """mutation($u: ID!, $r: String!) { erasePerson(userId: $u, reason: $r) {
  errors { field code message } } }"""


async def test_a_persons_copy_has_their_questions_and_opinions_and_erasing_blanks_contacts(
    server, gql, owner_db
):
    from tests.factories.inquiries import ASK, live_session

    w = await make_inquiry_world(server)
    session = await live_session(gql, w)
    await ok(gql, ASK, {"s": session, "b": "加装电梯怎么申请"}, w.citizen.token)
    _, opened = await open_collection(gql, w)
    await ok(
        gql,
        ENTER_OPINION,
        opinion(
            w,
            opened["collection"]["id"],
            giver=w.citizen,
            giverName="王大姐",
            giverPhone="13812345678",
        ),
        w.admin.token,
    )

    copy = (await ok(gql, EXPORT, {}, w.citizen.token))["data"]
    await ok(gql, ERASE, {"u": w.citizen.gid, "r": "本人书面申请"}, w.admin.token)

    section = next(s["data"] for s in copy["sections"] if s["key"] == "inquiries")
    assert [q["body"] for q in section["questions"]] == ["加装电梯怎么申请"]
    assert [(o["giverName"], o["giverPhone"]) for o in section["opinions"]] == [
        ("王大姐", "+8613812345678")
    ]
    left = await owner_db.fetch(
        "SELECT giver_name, giver_phone, body FROM report_opinions WHERE tenant_id = $1",
        w.county.id,
    )
    assert [tuple(r) for r in left] == [
        (None, None, "建议加快老旧小区改造进度，联系电话13812345678")
    ]


async def test_opinions_page_in_order_and_a_units_staff_see_their_units_only(server, gql):
    w = await make_inquiry_world(server)
    _, opened = await open_collection(gql, w)
    c = opened["collection"]["id"]
    made = []
    for unit in (w.housing, w.transport, w.housing):
        entered = await ok(
            gql, ENTER_OPINION, opinion(w, c, unit=unit, giver=w.citizen), w.admin.token
        )
        made.append(entered["opinion"]["id"])

    first = (await gql.data(OPINIONS, {"c": c, "first": 2}, token=w.admin.token))["reportOpinions"]
    rest = (
        await gql.data(
            OPINIONS,
            {"c": c, "first": 2, "after": first["pageInfo"]["endCursor"]},
            token=w.admin.token,
        )
    )["reportOpinions"]
    transport = (await gql.data(OPINIONS, {"c": c}, token=w.transport_leader.token))[
        "reportOpinions"
    ]

    assert [o["id"] for o in nodes(first)] == made[:2]
    assert first["pageInfo"]["hasNextPage"] is True
    assert [o["id"] for o in nodes(rest)] == made[2:]
    assert rest["pageInfo"]["hasNextPage"] is False
    assert [o["id"] for o in nodes(transport)] == [made[1]]
    assert nodes(transport)[0]["giverId"] == w.citizen.gid
