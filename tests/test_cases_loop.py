"""The closed loop (闭环): initial reply, result (→ ANSWERED), the submitter's rating (only
the submitter, only when answered), 不满意 reopening once and a second 不满意 closing it
flagged; the county office closing an unrated case; overdue and soon-due lists per unit;
reminders as events; publication with personal data masked, and one's own cases."""

from __future__ import annotations

from datetime import date, timedelta

from backend.cases.replies import sweep_reminders, today
from tests.cases_world import make_world
from tests.conftest import county_rows
from tests.factories.cases import (
    CASES,
    CLASSIFY,
    CLOSE,
    DISPATCH,
    MY_CASES,
    PUBLISH,
    PUBLISHED,
    RATE,
    REPLY,
    SIGN,
    act,
    case_events,
    case_node,
    official_due,
    online,
    raise_case,
    refused,
)
from tests.factories.tenants import db_id


async def answered_case(gql, w, **extra):
    case = (
        await raise_case(
            gql,
            w.citizen.token,
            online(placeUnitId=w.unit(w.village), contactPhone="13812345678", **extra),
        )
    )["case"]
    await act(
        gql,
        CLASSIFY,
        {"c": case["id"], "k": "DEMAND", "m": "PUBLIC_INTEREST", "h": "IMMEDIATE"},
        w.township_staff.token,
    )
    sent = await act(
        gql, DISPATCH, {"c": case["id"], "u": w.unit(w.department)}, w.township_staff.token
    )
    await act(gql, SIGN, {"a": sent["assignment"]["id"]}, w.department_staff.token)
    await act(
        gql,
        REPLY,
        {"c": case["id"], "k": "INITIAL", "b": "已收到，正在核实"},
        w.department_staff.token,
    )
    await act(
        gql,
        REPLY,
        {"c": case["id"], "k": "NOTE", "b": "内部：需协调供电所"},
        w.department_staff.token,
    )
    done = await act(
        gql,
        REPLY,
        {"c": case["id"], "k": "RESULT", "b": "已修复，联系电话13812345678"},
        w.department_staff.token,
    )
    assert done["case"]["state"] == "ANSWERED"
    return case


async def test_replies_answer_and_the_submitter_rates(server, gql, owner_db):
    w = await make_world(server)
    case = await answered_case(gql, w)
    mine = await case_node(gql, case["id"], w.citizen.token)
    assert [r["kind"] for r in mine["replies"]] == ["INITIAL", "RESULT"]  # no internal note
    before = await county_rows(owner_db, w.county.id)
    error = await refused(gql, RATE, {"c": case["id"], "s": "SATISFIED"}, w.other_citizen.token)
    assert (error["field"], error["code"]) == ("caseId", "NOT_SUBMITTER")
    error = await refused(gql, RATE, {"c": case["id"], "s": "DISSATISFIED"}, w.citizen.token)
    assert error["field"] == "text"  # 不满意 needs a reason
    assert await county_rows(owner_db, w.county.id) == before
    reopened = await act(
        gql, RATE, {"c": case["id"], "s": "DISSATISFIED", "t": "灯又坏了"}, w.citizen.token
    )
    assert reopened["case"] == {
        "id": case["id"],
        "state": "IN_PROGRESS",
        "satisfaction": "DISSATISFIED",
        "reopenCount": 1,
        "closedDissatisfied": False,
    }
    error = await refused(gql, RATE, {"c": case["id"], "s": "SATISFIED"}, w.citizen.token)
    assert (error["field"], error["code"]) == ("caseId", "NOT_ANSWERED")
    await act(
        gql, REPLY, {"c": case["id"], "k": "RESULT", "b": "已更换线路"}, w.department_staff.token
    )
    closed = await act(
        gql, RATE, {"c": case["id"], "s": "DISSATISFIED", "t": "还是不亮"}, w.citizen.token
    )
    assert closed["case"]["state"] == "CLOSED" and closed["case"]["closedDissatisfied"] is True
    assert closed["case"]["reopenCount"] == 1
    assert (await case_events(owner_db, w.county, db_id(case["id"])))[-6:] == [
        "case.answered",
        "case.rated",
        "case.reopened",
        "case.answered",
        "case.rated",
        "case.closed",
    ]
    other = await answered_case(gql, w, title="第二件")
    done = await act(gql, RATE, {"c": other["id"], "s": "BASICALLY_SATISFIED"}, w.citizen.token)
    assert done["case"]["state"] == "CLOSED" and done["case"]["closedDissatisfied"] is False


async def test_the_county_office_closes_a_case_nobody_can_rate(server, gql, owner_db):
    w = await make_world(server)
    case = (
        await raise_case(
            gql,
            w.collector.token,
            {
                "channel": "COLLECTOR",
                "kind": "CONSULTATION",
                "title": "低保政策咨询",
                "body": "咨询低保申请条件",
                "placeUnitId": w.unit(w.village),
                "contactName": "周大爷",
                "contactPhone": "13600001111",
            },
        )
    )["case"]
    error = await refused(gql, CLOSE, {"c": case["id"]}, w.admin.token)
    assert error["code"] == "NOT_ANSWERED"
    await act(
        gql,
        REPLY,
        {"c": case["id"], "k": "RESULT", "b": "已电话告知申请条件"},
        w.township_staff.token,
    )
    denied = await gql.execute(CLOSE, {"c": case["id"]}, token=w.township_staff.token)
    assert denied["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    closed = await act(gql, CLOSE, {"c": case["id"]}, w.admin.token)
    assert closed["case"]["state"] == "CLOSED"


async def test_overdue_and_soon_due_lists_and_reminders(server, gql, owner_db):
    w = await make_world(server)
    late = (
        await raise_case(
            gql, w.citizen.token, online(title="超期件", placeUnitId=w.unit(w.village))
        )
    )["case"]
    soon = (
        await raise_case(
            gql, w.citizen.token, online(title="临期件", placeUnitId=w.unit(w.village))
        )
    )["case"]
    later = (
        await raise_case(
            gql, w.citizen.token, online(title="远期件", placeUnitId=w.unit(w.village))
        )
    )["case"]
    day = today()
    for case, due in (
        (late, day - timedelta(days=3)),
        (soon, official_due(day, 1)),
        (later, official_due(day, 20)),
    ):
        await owner_db.execute("UPDATE cases SET due_on = $2 WHERE id = $1", db_id(case["id"]), due)
    unit = w.unit(w.village)
    overdue = await gql.data(
        CASES, {"f": {"unitId": unit, "overdue": True}}, token=w.township_staff.token
    )
    assert [e["node"]["id"] for e in overdue["cases"]["edges"]] == [late["id"]]
    assert overdue["cases"]["edges"][0]["node"]["overdue"] is True
    due_soon = await gql.data(
        CASES, {"f": {"unitId": unit, "dueSoon": True}}, token=w.township_staff.token
    )
    assert [e["node"]["id"] for e in due_soon["cases"]["edges"]] == [soon["id"]]
    other = await gql.data(CASES, {"f": {"unitId": unit}}, token=w.department_staff.token)
    assert other["cases"]["edges"] == []  # another unit's staff see none of them

    async with server.services.db.transaction(tenant_id=w.county.id) as session:
        sent = await sweep_reminders(session, tenant_id=w.county.id, today=day)
    assert sent <= 2  # the app's own periodic sweep may have come first
    async with server.services.db.transaction(tenant_id=w.county.id) as session:
        assert await sweep_reminders(session, tenant_id=w.county.id, today=day) == 0  # once
    inbox = await owner_db.fetch(
        "SELECT type FROM events WHERE tenant_id = $1 AND stream = $2 ORDER BY seq",
        w.county.id,
        f"caseinbox:{w.village}",
    )
    assert sorted(r["type"] for r in inbox if r["type"] != "inbox.received") == [
        "inbox.dueSoon",
        "inbox.overdue",
    ]
    assert (await case_events(owner_db, w.county, db_id(late["id"])))[-1] == "case.reminded"
    # the soon-due case, once overdue, is reminded again
    async with server.services.db.transaction(tenant_id=w.county.id) as session:
        assert await sweep_reminders(session, tenant_id=w.county.id, today=date(2100, 1, 1)) == 2


async def test_publication_masks_personal_data_and_citizens_see_their_own(server, gql, owner_db):
    w = await make_world(server)
    case = await answered_case(
        gql, w, body="我家住北街3号，电话13812345678，身份证110101199003071234"
    )
    private = await answered_case(gql, w, title="个人事项", isPrivate=True)
    error = await refused(gql, PUBLISH, {"c": private["id"]}, w.admin.token)
    assert (error["field"], error["code"]) == ("caseId", "PRIVATE_CASE")
    fresh = (await raise_case(gql, w.citizen.token, online(title="未答复")))["case"]
    error = await refused(gql, PUBLISH, {"c": fresh["id"]}, w.admin.token)
    assert error["code"] == "NOT_ANSWERED"
    denied = await gql.execute(PUBLISH, {"c": case["id"]}, token=w.township_staff.token)
    assert denied["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    await act(gql, PUBLISH, {"c": case["id"]}, w.admin.token)
    public = await gql.data(PUBLISHED, tenant=w.county.slug)
    (edge,) = public["publishedCases"]["edges"]
    node = edge["node"]
    assert node["view"] == "public"
    assert node["contactName"] is None and node["contactPhone"] is None
    assert node["submitterId"] is None and node["ratingText"] is None
    assert "13812345678" not in node["body"] and "138****5678" in node["body"]
    assert "110101199003071234" not in node["body"]
    assert node["replies"] == [{"kind": "RESULT", "body": "已修复，联系电话138****5678"}]
    # the public reads the published case by id, never the private one
    seen = await case_node(gql, case["id"], None, tenant=w.county.slug)
    assert seen["view"] == "public" and seen["assignments"] == [] and seen["attachments"] == []
    assert await case_node(gql, private["id"], None, tenant=w.county.slug) is None
    assert await case_node(gql, private["id"], w.other_citizen.token) is None
    # citizens see their own cases, history and replies
    mine = await gql.data(MY_CASES, token=w.citizen.token)
    assert {e["node"]["id"] for e in mine["myCases"]["edges"]} == {
        case["id"],
        private["id"],
        fresh["id"],
    }
    theirs = await gql.data(MY_CASES, token=w.other_citizen.token)
    assert theirs["myCases"]["edges"] == []
    history = await gql.data(
        "query($s: String!) { streamEvents(stream: $s) { type } }",
        {"s": f"case:{case['id']}"},
        token=w.citizen.token,
    )
    types = [e["type"] for e in history["streamEvents"]]
    assert "case.answered" in types and "case.published" in types


async def test_the_apps_periodic_sweep_reminds_every_county(server, gql, owner_db):
    from backend.cases.reminders import ReminderSweep

    w = await make_world(server)
    late = (await raise_case(gql, w.citizen.token, online(placeUnitId=w.unit(w.village))))["case"]
    await owner_db.execute(
        "UPDATE cases SET due_on = $2 WHERE id = $1", db_id(late["id"]), today() - timedelta(days=1)
    )
    await ReminderSweep(server.services.db, interval=0).tick()
    assert (await case_events(owner_db, w.county, db_id(late["id"])))[-1] == "case.reminded"
    level = await owner_db.fetchval(
        "SELECT reminded_level FROM cases WHERE id = $1", db_id(late["id"])
    )
    assert level == 2


async def test_a_persons_copy_holds_their_cases_and_erasure_blanks_their_contact(
    server, gql, owner_db
):
    from tests.test_personal_data import ERASE, EXPORT, section

    w = await make_world(server)
    case = await answered_case(gql, w)
    mine = await act(gql, EXPORT, {}, w.citizen.token)
    (held,) = section(mine["data"], "cases")["cases"]
    assert held["number"] == case["number"] and held["contactPhone"] == "+8613812345678"
    assert [r["kind"] for r in held["replies"]] == ["INITIAL", "RESULT"]  # no internal note
    await act(gql, ERASE, {"u": w.citizen.gid, "r": "本人申请注销"}, w.admin.token)
    row = await owner_db.fetchrow(
        "SELECT contact_name, contact_phone, body FROM cases WHERE id = $1", db_id(case["id"])
    )
    assert row["contact_name"] is None and row["contact_phone"] is None
    assert row["body"]  # what the case is about stays on the county's record
