"""Classification and routing (接诉即办): the deadline from the county rulebook, 首接负责
until another unit signs, dispatch with a sign-for deadline, sign, return and the county
office's re-dispatch (bounces counted), escalation up and down the tree (吹哨报到), 督办 of
an overdue case, 回访, and merging cases of one matter. Every step is an event of the case's
stream; every refusal a typed error with nothing written."""

from __future__ import annotations

import json
from datetime import date

from tenants.models import OrgUnitKind
from tests.cases_world import make_world
from tests.conftest import county_rows
from tests.factories.cases import (
    CASE,
    CLASSIFY,
    DISPATCH,
    ESCALATE,
    FOLLOW_UP,
    MERGE,
    REDISPATCH,
    REPLY,
    RETURN,
    SIGN,
    SUPERVISE,
    act,
    case_events,
    case_node,
    online,
    raise_case,
    refused,
)
from tests.factories.tenants import db_id, gid, make_county, make_unit


async def new_case(gql, w, **extra):
    return (await raise_case(gql, w.citizen.token, online(placeUnitId=w.unit(w.village), **extra)))[
        "case"
    ]


async def test_classification_sets_the_deadline_from_the_rulebook(server, gql, owner_db):
    w = await make_world(server)
    case = await new_case(gql, w)
    received = await owner_db.fetchval(
        "SELECT (received_at AT TIME ZONE 'Asia/Shanghai')::date FROM cases WHERE id = $1",
        db_id(case["id"]),
    )
    for handling, days in (("IMMEDIATE", 5), ("TIME_LIMITED", 15), ("RESEARCH", 30)):
        done = await act(
            gql,
            CLASSIFY,
            {"c": case["id"], "k": "DEMAND", "m": "PUBLIC_INTEREST", "h": handling},
            w.admin.token,
        )
        # the county's calendar as it stands (another test of this worker may have
        # published a year's table in the shared database)
        expected = await gql.data(
            "query($f: Date!, $d: Int!) { workingDeadline(from: $f, days: $d) { due } }",
            {"f": received.isoformat(), "d": days},
            tenant=w.county.slug,
        )
        assert done["case"]["dueOn"] == expected["workingDeadline"]["due"], handling
    personal = await act(
        gql,
        CLASSIFY,
        {"c": case["id"], "k": "CONSULTATION", "m": "PERSONAL", "h": "IMMEDIATE"},
        w.admin.token,
    )
    assert personal["case"]["isPrivate"] is True  # 个人事项: never published
    # staff of the accountable unit may classify; a citizen, or another unit's staff, not
    for token in (w.citizen.token, w.department_staff.token):
        denied = await gql.execute(
            CLASSIFY,
            {"c": case["id"], "k": "DEMAND", "m": "PUBLIC_INTEREST", "h": "IMMEDIATE"},
            token=token,
        )
        assert denied["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    await act(
        gql,
        CLASSIFY,
        {"c": case["id"], "k": "SUGGESTION", "m": "PUBLIC_INTEREST", "h": "TIME_LIMITED"},
        w.township_staff.token,
    )
    # a county whose rule for a class is broken: typed error naming the field, nothing written
    await owner_db.execute(
        "UPDATE tenants SET settings = $2 WHERE id = $1",
        w.county.id,
        json.dumps({"rules": {"case.research": {"value": 0, "source": ""}}}),
    )
    before = await county_rows(owner_db, w.county.id)
    error = await refused(
        gql,
        CLASSIFY,
        {"c": case["id"], "k": "DEMAND", "m": "PUBLIC_INTEREST", "h": "RESEARCH"},
        w.admin.token,
    )
    assert (error["field"], error["code"]) == ("handlingClass", "DEADLINE_NOT_CONFIGURED")
    assert await county_rows(owner_db, w.county.id) == before
    assert (await case_events(owner_db, w.county, db_id(case["id"]))).count("case.classified") == 5


async def test_dispatch_sign_return_and_redispatch(server, gql, owner_db):
    w = await make_world(server)
    case = await new_case(gql, w)
    await act(
        gql,
        CLASSIFY,
        {"c": case["id"], "k": "DEMAND", "m": "PUBLIC_INTEREST", "h": "TIME_LIMITED"},
        w.township_staff.token,
    )
    # the 首接 unit (the community, through its township's staff) dispatches to the department
    sent = await act(
        gql,
        DISPATCH,
        {"c": case["id"], "u": w.unit(w.department), "r": "LEAD"},
        w.township_staff.token,
    )
    assert sent["assignment"]["state"] == "PENDING" and sent["assignment"]["signDueAt"]
    assert sent["case"]["state"] == "DISPATCHED"
    assert sent["case"]["accountableUnit"]["id"] == w.unit(w.village)  # until signed
    before = await county_rows(owner_db, w.county.id)
    for variables, field, code in (
        ({"c": case["id"], "u": w.unit(w.township), "r": "LEAD"}, "role", "ALREADY_ASSIGNED"),
        ({"c": case["id"], "u": w.unit(w.department), "r": "CO"}, "unitId", "ALREADY_ASSIGNED"),
        ({"c": case["id"], "u": gid("OrgUnit", 10**12), "r": "CO"}, "unitId", "UNKNOWN_UNIT"),
    ):
        error = await refused(gql, DISPATCH, variables, w.admin.token)
        assert (error["field"], error["code"]) == (field, code)
    assert await county_rows(owner_db, w.county.id) == before
    # only the unit's staff may return it; with a reason
    denied = await gql.execute(
        RETURN, {"a": sent["assignment"]["id"], "r": "x"}, token=w.township_staff.token
    )
    assert denied["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    returned = await act(
        gql,
        RETURN,
        {"a": sent["assignment"]["id"], "r": "不属于本单位职责，应由街道办理"},
        w.department_staff.token,
    )
    assert returned["case"] == {"id": case["id"], "state": "RECEIVED", "bounceCount": 1}
    office_inbox = await owner_db.fetch(
        "SELECT type FROM events WHERE tenant_id = $1 AND stream = $2",
        w.county.id,
        f"caseinbox:{w.county.root_id}",
    )
    assert [r["type"] for r in office_inbox] == ["inbox.returned"]
    # the county office arbitrates: only it re-dispatches
    denied = await gql.execute(
        REDISPATCH, {"c": case["id"], "u": w.unit(w.township)}, token=w.township_staff.token
    )
    assert denied["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    again = await act(gql, REDISPATCH, {"c": case["id"], "u": w.unit(w.township)}, w.admin.token)
    assert again["case"]["state"] == "DISPATCHED" and again["case"]["bounceCount"] == 1
    signed = await act(gql, SIGN, {"a": again["assignment"]["id"]}, w.township_staff.token)
    assert signed["case"]["state"] == "IN_PROGRESS"
    assert signed["case"]["accountableUnit"]["id"] == w.unit(w.township)
    assert signed["case"]["handler"]["id"] == w.unit(w.township)
    error = await refused(
        gql, RETURN, {"a": again["assignment"]["id"], "r": "签收后退单"}, w.township_staff.token
    )
    assert (error["field"], error["code"]) == ("assignmentId", "INVALID_STATE")
    error = await refused(
        gql, REDISPATCH, {"c": case["id"], "u": w.unit(w.department)}, w.admin.token
    )
    assert error["code"] == "ALREADY_ASSIGNED"
    # a 转阅件 for the department: no sign-for deadline
    ref = await act(
        gql,
        DISPATCH,
        {"c": case["id"], "u": w.unit(w.department), "r": "FOR_REFERENCE"},
        w.township_staff.token,
    )
    assert ref["assignment"]["signDueAt"] is None
    seen = await case_node(gql, case["id"], w.admin.token)
    assert [(a["role"], a["state"]) for a in seen["assignments"]] == [
        ("LEAD", "RETURNED"),
        ("LEAD", "SIGNED"),
        ("FOR_REFERENCE", "PENDING"),
    ]
    assert seen["assignments"][0]["returnReason"] == "不属于本单位职责，应由街道办理"
    assert await case_events(owner_db, w.county, db_id(case["id"])) == [
        "case.received",
        "case.classified",
        "case.dispatched",
        "case.returned",
        "case.redispatched",
        "case.signed",
        "case.dispatched",
    ]


async def test_escalation_up_down_and_to_the_county(server, gql, owner_db):
    w = await make_world(server)
    case = await new_case(gql, w)
    grid = await make_unit(
        server, w.county, parent_id=w.village, kind=OrgUnitKind.GRID, name="第一网格"
    )
    from backend.people.models import Role
    from tests.factories.people import make_user

    grid_staff = await make_user(server, w.county, roles=[(Role.DEPARTMENT_STAFF, grid)])
    # DOWN: the community's staff (the township's, over its subtree) hand it to a grid
    down = await act(
        gql,
        ESCALATE,
        {"c": case["id"], "d": "DOWN", "u": gid("OrgUnit", grid), "r": "网格就近处置"},
        w.township_staff.token,
    )
    assert [(a["role"], a["state"], a["unit"]["id"]) for a in down["case"]["assignments"]] == [
        ("LEAD", "PENDING", gid("OrgUnit", grid))
    ]
    error = await refused(
        gql, ESCALATE, {"c": case["id"], "d": "DOWN", "u": w.unit(w.department)}, w.admin.token
    )
    assert (error["field"], error["code"]) == ("unitId", "UNKNOWN_UNIT")
    lead = (await case_node(gql, case["id"], w.admin.token))["assignments"][0]["id"]
    await act(gql, SIGN, {"a": lead}, grid_staff.token)
    # UP: the grid blows the whistle (吹哨) to its community
    up = await act(
        gql, ESCALATE, {"c": case["id"], "d": "UP", "r": "需要社区协调"}, grid_staff.token
    )
    assert [(a["state"], a["unit"]["id"]) for a in up["case"]["assignments"]] == [
        ("WITHDRAWN", gid("OrgUnit", grid)),
        ("PENDING", w.unit(w.village)),
    ]
    assert up["case"]["state"] == "DISPATCHED"
    # COUNTY: ask the county office to arbitrate
    county = await act(
        gql, ESCALATE, {"c": case["id"], "d": "COUNTY", "r": "涉及多个部门"}, w.township_staff.token
    )
    assert county["case"]["state"] == "RECEIVED"
    types = await case_events(owner_db, w.county, db_id(case["id"]))
    assert types.count("case.escalated") == 3
    inbox = await owner_db.fetch(
        "SELECT type FROM events WHERE tenant_id = $1 AND stream = $2",
        w.county.id,
        f"caseinbox:{w.county.root_id}",
    )
    assert [r["type"] for r in inbox] == ["inbox.escalated"]


async def test_supervision_of_an_overdue_case_and_follow_up(server, gql, owner_db):
    w = await make_world(server)
    case = await new_case(gql, w)
    await act(
        gql,
        CLASSIFY,
        {"c": case["id"], "k": "DEMAND", "m": "PUBLIC_INTEREST", "h": "IMMEDIATE"},
        w.admin.token,
    )
    error = await refused(gql, SUPERVISE, {"c": case["id"], "b": "请加快办理"}, w.admin.token)
    assert (error["field"], error["code"]) == ("caseId", "INVALID_STATE")  # not overdue yet
    await owner_db.execute(
        "UPDATE cases SET due_on = $2 WHERE id = $1", db_id(case["id"]), date(2026, 1, 5)
    )
    denied = await gql.execute(
        SUPERVISE, {"c": case["id"], "b": "请加快办理"}, token=w.township_staff.token
    )
    assert denied["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    done = await act(gql, SUPERVISE, {"c": case["id"], "b": "已超期，请三日内办结"}, w.admin.token)
    assert done["reply"]["kind"] == "SUPERVISION"
    error = await refused(
        gql, FOLLOW_UP, {"c": case["id"], "r": "已解决", "b": "电话回访"}, w.admin.token
    )
    assert error["code"] == "INVALID_STATE"  # before the answer
    await act(
        gql, REPLY, {"c": case["id"], "k": "RESULT", "b": "路灯已修复"}, w.township_staff.token
    )
    visit = await act(
        gql,
        FOLLOW_UP,
        {"c": case["id"], "r": "已解决", "b": "电话回访，群众认可"},
        w.township_staff.token,
    )
    assert visit["reply"] == {"kind": "FOLLOW_UP", "followUpResult": "已解决"}
    mine = await case_node(gql, case["id"], w.citizen.token)
    assert [r["kind"] for r in mine["replies"]] == ["RESULT", "FOLLOW_UP"]  # no 督办 text
    staff = await case_node(gql, case["id"], w.admin.token)
    assert [r["kind"] for r in staff["replies"]] == ["SUPERVISION", "RESULT", "FOLLOW_UP"]
    inbox = await owner_db.fetch(
        "SELECT type FROM events WHERE tenant_id = $1 AND stream = $2 ORDER BY seq",
        w.county.id,
        f"caseinbox:{w.village}",
    )
    assert [r["type"] for r in inbox] == ["inbox.received", "inbox.supervised"]


async def test_merged_cases_mirror_their_primary(server, gql, owner_db):
    w = await make_world(server)
    primary = await new_case(gql, w, title="北街路灯不亮")
    duplicate = (
        await raise_case(
            gql, w.other_citizen.token, online(title="北街晚上太黑", placeUnitId=w.unit(w.village))
        )
    )["case"]
    other_county = await make_county(server)
    del other_county
    denied = await gql.execute(
        MERGE, {"p": primary["id"], "c": [duplicate["id"]]}, token=w.township_staff.token
    )
    assert denied["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    error = await refused(gql, MERGE, {"p": primary["id"], "c": [primary["id"]]}, w.admin.token)
    assert error["field"] == "caseIds"
    await act(gql, MERGE, {"p": primary["id"], "c": [duplicate["id"]]}, w.admin.token)
    merged = await case_node(gql, duplicate["id"], w.other_citizen.token)
    assert merged["state"] == "MERGED" and merged["mergedInto"] is None  # not theirs
    staff = await case_node(gql, duplicate["id"], w.admin.token)
    assert staff["mergedInto"]["id"] == primary["id"]
    await act(
        gql,
        REPLY,
        {"c": primary["id"], "k": "INITIAL", "b": "已安排人员查看"},
        w.township_staff.token,
    )
    await act(
        gql, REPLY, {"c": primary["id"], "k": "RESULT", "b": "已更换灯具"}, w.township_staff.token
    )
    merged = await case_node(gql, duplicate["id"], w.other_citizen.token)
    assert [(r["kind"], r["body"]) for r in merged["replies"]] == [
        ("INITIAL", "已安排人员查看"),
        ("RESULT", "已更换灯具"),
    ]
    state = await gql.data(
        "query($id: ID!) { node(id: $id) { ... on Case { state effectiveState } } }",
        {"id": duplicate["id"]},
        token=w.other_citizen.token,
    )
    assert state["node"] == {"state": "MERGED", "effectiveState": "ANSWERED"}
    assert await case_events(owner_db, w.county, db_id(duplicate["id"])) == [
        "case.received",
        "case.merged",
        "case.replied",
        "case.answered",
    ]
    assert CASE
