"""Who sees what of a case (backend/cases/visibility.py): every event type the cases code
appends has a decided view; the public never sees a private case, an unpublished one or
personal data; the submitter sees their own case without internal notes, 督办 or return
reasons; unit staff see their unit's cases, other units' staff none; phone numbers are
masked outside the accountable unit. Checked through `streamEvents`, `node` and the lists."""

from __future__ import annotations

import ast
import json
from pathlib import Path

from backend.cases import visibility
from backend.cases.events import CASE_EVENTS, INBOX_EVENTS, CaseEvent
from backend.cases.replies import sweep_reminders, today
from realtime import streams
from tests.cases_world import make_world
from tests.factories.cases import (
    CASES,
    CLASSIFY,
    DISPATCH,
    ESCALATE,
    FOLLOW_UP,
    MERGE,
    OUT_OF_SCOPE,
    PUBLISH,
    RATE,
    REDISPATCH,
    REPLY,
    RETURN,
    SIGN,
    SUPERVISE,
    act,
    case_node,
    online,
    raise_case,
)
from tests.factories.tenants import db_id, make_county

STREAM_EVENTS = """
query($s: String!) { streamEvents(stream: $s) { type payload actorId hash } }"""
SECRET_PHONE = "13812345678"
RETURN_REASON = "不属于本单位职责"
NOTE = "内部备注：当事人情绪激动"
SUPERVISION = "督办：限三日内办结"


def _event_types_given_as_text() -> list[str]:
    """Calls appending case events whose type is not a `CaseEvent`/`InboxEvent` member."""
    found = []
    for path in sorted(Path("backend/cases").glob("*.py")):
        if path.name == "stream.py":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", getattr(node.func, "attr", None))
            index = {"append_event": 3, "_mirror": 3, "notify_inbox": 4}.get(name or "")
            args = list(node.args)
            if index is None or len(args) <= index:
                continue
            arg = args[index]
            if isinstance(arg, ast.Name) and arg.id == "type":
                continue  # _mirror passing its own parameter on
            typed = isinstance(arg, ast.Attribute) and getattr(arg.value, "id", "") in (
                "CaseEvent",
                "InboxEvent",
            )
            conditional = isinstance(arg, ast.IfExp) and all(
                isinstance(a, ast.Attribute) and getattr(a.value, "id", "") == "InboxEvent"
                for a in (arg.body, arg.orelse)
            )
            if not (typed or conditional):
                found.append(f"{path.name}:{node.lineno} {ast.unparse(arg)}")
    return found


async def test_the_cases_code_names_every_event_type_by_its_enum_member():
    assert _event_types_given_as_text() == []


async def test_every_case_event_type_has_a_view_for_the_submitter_and_the_public():
    assert set(visibility.SUBMITTER) == set(CaseEvent) == set(visibility.PUBLIC)
    assert streams.kinds()["case"].events is CASE_EVENTS
    assert streams.kinds()["caseinbox"].events is INBOX_EVENTS


async def everything(server, gql, w):
    """Cases that between them append every type the cases code can append."""
    main = (
        await raise_case(
            gql,
            w.citizen.token,
            online(placeUnitId=w.unit(w.village), contactPhone=SECRET_PHONE, contactName="王秀英"),
        )
    )["case"]
    c = main["id"]
    await act(
        gql,
        CLASSIFY,
        {"c": c, "k": "DEMAND", "m": "PUBLIC_INTEREST", "h": "RESEARCH"},
        w.admin.token,
    )
    await act(
        gql,
        CLASSIFY,
        {"c": c, "k": "DEMAND", "m": "PUBLIC_INTEREST", "h": "IMMEDIATE"},
        w.admin.token,
    )
    sent = await act(gql, DISPATCH, {"c": c, "u": w.unit(w.department)}, w.admin.token)
    await act(
        gql, RETURN, {"a": sent["assignment"]["id"], "r": RETURN_REASON}, w.department_staff.token
    )
    again = await act(gql, REDISPATCH, {"c": c, "u": w.unit(w.department)}, w.admin.token)
    await act(gql, SIGN, {"a": again["assignment"]["id"]}, w.department_staff.token)
    await act(gql, ESCALATE, {"c": c, "d": "COUNTY", "r": "需要县里协调"}, w.department_staff.token)
    await act(gql, REPLY, {"c": c, "k": "NOTE", "b": NOTE}, w.admin.token)
    await act(gql, REPLY, {"c": c, "k": "INITIAL", "b": "已收到"}, w.admin.token)
    # overdue: supervised and reminded
    await server_due_in_past(w, db_id(c))
    await act(gql, SUPERVISE, {"c": c, "b": SUPERVISION}, w.admin.token)
    async with server.services.db.transaction(tenant_id=w.county.id) as session:
        await sweep_reminders(session, tenant_id=w.county.id, today=today())
    dup = (await raise_case(gql, w.other_citizen.token, online(placeUnitId=w.unit(w.village))))[
        "case"
    ]
    await act(gql, MERGE, {"p": c, "c": [dup["id"]]}, w.admin.token)
    await act(
        gql, REPLY, {"c": c, "k": "RESULT", "b": f"已办结，回电{SECRET_PHONE}"}, w.admin.token
    )
    await act(gql, RATE, {"c": c, "s": "DISSATISFIED", "t": "不满意的理由"}, w.citizen.token)
    await act(gql, REPLY, {"c": c, "k": "RESULT", "b": "再次办理完毕"}, w.admin.token)
    await act(gql, RATE, {"c": c, "s": "SATISFIED"}, w.citizen.token)
    await act(gql, FOLLOW_UP, {"c": c, "r": "已解决", "b": "回访满意"}, w.admin.token)
    await act(gql, PUBLISH, {"c": c}, w.admin.token)
    out = (
        await raise_case(gql, w.citizen.token, online(title="涉诉", placeUnitId=w.unit(w.village)))
    )["case"]
    await act(
        gql, OUT_OF_SCOPE, {"c": out["id"], "f": "IN_LITIGATION", "r": "已起诉"}, w.admin.token
    )
    private = (
        await raise_case(
            gql,
            w.citizen.token,
            online(title="私事", isPrivate=True, placeUnitId=w.unit(w.village)),
        )
    )["case"]
    return main, dup, out, private


SERVER = {}


async def server_due_in_past(w, case_id):
    await SERVER["owner_db"].execute(
        "UPDATE cases SET due_on = DATE '2026-01-05' WHERE id = $1", case_id
    )


async def stream(gql, case_gid, token=None, tenant=None):
    body = await gql.execute(STREAM_EVENTS, {"s": f"case:{case_gid}"}, token=token, tenant=tenant)
    return body


async def test_each_view_sees_each_type_as_declared(server, gql, owner_db):
    SERVER["owner_db"] = owner_db
    w = await make_world(server)
    main, dup, out, private = await everything(server, gql, w)
    rows = await owner_db.fetch(
        "SELECT DISTINCT type FROM events WHERE tenant_id = $1 AND stream LIKE 'case:%'",
        w.county.id,
    )
    assert {r["type"] for r in rows} == {t.value for t in CASE_EVENTS.appended}

    staff = (await stream(gql, main["id"], token=w.admin.token))["data"]["streamEvents"]
    mine = (await stream(gql, main["id"], token=w.citizen.token))["data"]["streamEvents"]
    public = (await stream(gql, main["id"], tenant=w.county.slug))["data"]["streamEvents"]
    stranger = (await stream(gql, main["id"], token=w.other_citizen.token))["data"]["streamEvents"]
    assert stranger == public  # published: the public view
    for seen, table in ((mine, visibility.SUBMITTER), (public, visibility.PUBLIC)):
        shown_types = {e["type"] for e in seen}
        for event in staff:
            type_ = CASE_EVENTS.key(event["type"])
            decided = table[type_] is not None
            if type_ in (
                CaseEvent.CASE_REPLIED,
                CaseEvent.CASE_ANSWERED,
                CaseEvent.CASE_SUPERVISED,
            ):
                continue  # per reply kind, below
            assert (event["type"] in shown_types) == decided, (type_, table is visibility.PUBLIC)
        text = json.dumps(seen, ensure_ascii=False)
        secrets = [NOTE, SUPERVISION, RETURN_REASON, "王秀英"]
        if table is visibility.PUBLIC:
            secrets.append(SECRET_PHONE)  # the submitter reads their own number in a reply
        for secret in secrets:
            assert secret not in text, secret
        assert all(e["actorId"] is None for e in seen)
    assert "不满意的理由" in json.dumps(mine, ensure_ascii=False)
    assert "不满意的理由" not in json.dumps(public, ensure_ascii=False)
    assert NOTE in json.dumps(staff, ensure_ascii=False)
    assert [e["payload"]["kind"] for e in public if e["type"] == "case.answered"] == [
        "RESULT",
        "RESULT",
    ]
    assert not any(e["type"] == "case.replied" for e in public)  # initial reply, note: not public

    # not published, or private: the public and strangers get NOT_FOUND
    for case in (out, private):
        for kw in ({"tenant": w.county.slug}, {"token": w.other_citizen.token}):
            body = await stream(gql, case["id"], **kw)
            assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND", kw
            assert (
                await case_node(gql, case["id"], kw.get("token"), tenant=kw.get("tenant")) is None
            )
    # another county sees nothing of it
    other = await make_county(server)
    body = await stream(gql, main["id"], token=other.admin.token)
    assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    # the merged case's submitter follows the answer on their own stream
    theirs = (await stream(gql, dup["id"], token=w.other_citizen.token))["data"]["streamEvents"]
    assert [e["type"] for e in theirs if e["type"] in ("case.answered", "case.closed")] == [
        "case.answered",
        "case.answered",
        "case.closed",
    ]


async def test_staff_see_their_units_cases_with_phones_masked_outside_the_accountable_unit(
    server, gql, owner_db
):
    w = await make_world(server)
    case = (
        await raise_case(
            gql,
            w.citizen.token,
            online(placeUnitId=w.unit(w.village), contactPhone=SECRET_PHONE, contactName="王秀英"),
        )
    )["case"]
    await act(gql, DISPATCH, {"c": case["id"], "u": w.unit(w.department), "r": "CO"}, w.admin.token)

    async def listed(token):
        data = await gql.data(CASES, token=token)
        return {e["node"]["id"]: e["node"] for e in data["cases"]["edges"]}

    accountable = (await listed(w.township_staff.token))[case["id"]]
    assert accountable["view"] == "staff" and accountable["contactPhone"] == "+8613812345678"
    co_unit = (await listed(w.department_staff.token))[case["id"]]
    assert co_unit["view"] == "staff" and co_unit["contactPhone"] == "138****5678"
    node = await case_node(gql, case["id"], w.department_staff.token)
    assert node["contactName"] == "王**" and node["contactPhone"] == "138****5678"
    assert (await listed(w.mediator.token))[case["id"]]["view"] == "staff"
    assert (await listed(w.admin.token))[case["id"]]["contactPhone"] == "+8613812345678"
    assert case["id"] not in await listed(w.collector.token)  # not entered by them
    assert await listed(w.other_citizen.token) == {}
    anonymous = await gql.data(CASES, tenant=w.county.slug)
    assert anonymous["cases"]["edges"] == []
    # a unit's inbox stream: its staff and the county office only
    inbox = f"caseinbox:{db_id(w.unit(w.village))}"
    for token, allowed in (
        (w.township_staff.token, True),
        (w.admin.token, True),
        (w.department_staff.token, False),
        (w.citizen.token, False),
    ):
        body = await gql.execute(STREAM_EVENTS, {"s": inbox}, token=token)
        assert ("errors" not in body) == allowed, body
