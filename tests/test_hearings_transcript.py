"""After the draw (issue 14, Hearings; seed 002 第十五条): the transcript confirmed by each
selected representative through the API, a changed transcript needing new confirmations,
and the hearing report with adopted and not-adopted views (a view not adopted needs its
reason). And the 列席 selection (第十八条): at most 35, from earlier participants, by the
same draw when oversubscribed."""

from __future__ import annotations

import json

from backend.hearings import draw
from backend.people.models import Role
from tests.conftest import county_rows
from tests.factories.hearings import (
    ADD_CANDIDATES,
    APPLY,
    CLOSE,
    CONFIRM,
    CREATE,
    DRAW,
    HEARING,
    REPORT,
    REVEAL,
    SET_TRANSCRIPT,
    drawn_hearing,
    hearing_input,
    make_hearing,
    ok,
    quotas,
    representatives,
)
from tests.factories.meetings import make_meeting
from tests.factories.people import PASSWORD, make_user
from tests.factories.tenants import db_id, gid, make_county

INVITE_DRAWN = """mutation($h: ID!, $m: ID!) { inviteDrawnToMeeting(hearingId: $h, meetingId: $m) {
  invited errors { field code message } } }"""
TRANSCRIPT_V1 = "听证笔录（第一稿）：代表甲认为调价幅度过大；代表乙建议实行阶梯水价。"
TRANSCRIPT_V2 = TRANSCRIPT_V1 + "代表丙要求对低保户减免。"


async def call(gql, query, variables, token):
    data = await gql.data(query, variables, token=token)
    (result,) = data.values()
    return result


async def test_each_representative_confirms_the_transcript_version_they_read(server, gql, owner_db):
    county = await make_county(server)
    scene = await drawn_hearing(server, gql, county)
    admin = county.admin.token
    hearing = (await gql.data(HEARING, {"id": scene.id}, token=admin))["node"]
    reps = representatives(scene, hearing)
    assert len(reps) == 8
    v1 = (await ok(gql, SET_TRANSCRIPT, {"h": scene.id, "t": TRANSCRIPT_V1}, admin))["hearing"]
    assert v1["transcriptVersion"] == 1
    assert len(v1["unconfirmedPoolIds"]) == 8

    first = await ok(gql, CONFIRM, {"h": scene.id, "s": v1["transcriptSha256"]}, reps[0].token)
    twice = await call(gql, CONFIRM, {"h": scene.id, "s": v1["transcriptSha256"]}, reps[0].token)
    not_selected = next(
        a for a in scene.applicants.values() if a.user_id not in {r.user_id for r in reps}
    )
    outsider = await call(
        gql, CONFIRM, {"h": scene.id, "s": v1["transcriptSha256"]}, not_selected.token
    )

    assert first["confirmation"]["version"] == 1
    assert first["confirmation"]["sha256"] == v1["transcriptSha256"]
    assert len(first["hearing"]["unconfirmedPoolIds"]) == 7
    assert [e["code"] for e in twice["errors"]] == ["ALREADY_CONFIRMED"]
    assert [e["code"] for e in outsider["errors"]] == ["NOT_REPRESENTATIVE"]

    # a changed transcript: earlier confirmations no longer count, the old hash is refused
    v2 = (await ok(gql, SET_TRANSCRIPT, {"h": scene.id, "t": TRANSCRIPT_V2}, admin))["hearing"]
    assert v2["transcriptVersion"] == 2
    assert len(v2["unconfirmedPoolIds"]) == 8
    before = await county_rows(owner_db, county.id)
    stale = await call(gql, CONFIRM, {"h": scene.id, "s": v1["transcriptSha256"]}, reps[1].token)
    assert [(e["code"], e["field"]) for e in stale["errors"]] == [("TRANSCRIPT_CHANGED", "sha256")]
    assert await county_rows(owner_db, county.id) == before
    for rep in reps:
        await ok(gql, CONFIRM, {"h": scene.id, "s": v2["transcriptSha256"]}, rep.token)
    after = (await gql.data(HEARING, {"id": scene.id}, token=admin))["node"]
    assert after["unconfirmedPoolIds"] == []
    assert sorted(c["poolId"] for c in after["confirmations"]) == sorted(
        p["poolId"] for p in hearing["pool"] if p["outcome"] == "SELECTED"
    )
    rows = await owner_db.fetch(
        "SELECT transcript_version, count(*) FROM hearing_confirmations WHERE hearing_id = $1 "
        "GROUP BY 1 ORDER BY 1",
        scene.db_id,
    )
    assert [tuple(r) for r in rows] == [(1, 1), (2, 8)]


async def test_a_view_not_adopted_without_a_reason_is_refused_and_nothing_is_written(
    server, gql, owner_db
):
    county = await make_county(server)
    scene = await drawn_hearing(server, gql, county)
    admin = county.admin.token
    views = [
        {"summary": "实行阶梯水价", "adopted": True},
        {"summary": "暂缓调价", "adopted": False},
    ]
    before = await county_rows(owner_db, county.id)

    refused = await call(gql, REPORT, {"h": scene.id, "c": "建议调价", "v": views}, admin)

    (error,) = refused["errors"]
    assert (error["code"], error["field"]) == ("REASON_REQUIRED", "views.1.reason")
    assert "第十五条" in error["message"]
    assert await county_rows(owner_db, county.id) == before

    views[1]["reason"] = "供水成本已连续三年倒挂，暂缓将影响管网改造"
    done = await ok(gql, REPORT, {"h": scene.id, "c": "建议按阶梯水价调整", "v": views}, admin)
    assert done["hearing"]["state"] == "REPORTED"
    assert done["hearing"]["reportViews"] == [
        {"position": 1, "summary": "实行阶梯水价", "adopted": True, "reason": None},
        {"position": 2, "summary": "暂缓调价", "adopted": False, "reason": views[1]["reason"]},
    ]


async def test_a_selection_of_more_than_35_attending_members_is_refused(server, gql, owner_db):
    county = await make_county(server)
    before = await county_rows(owner_db, county.id)
    result = await call(
        gql,
        CREATE,
        {"input": hearing_input(county, kind="ATTENDANCE", seats=quotas(("PUBLIC", 36, 0)))},
        county.admin.token,
    )
    (error,) = result["errors"]
    assert error["code"] == "TOO_MANY_SEATS"
    assert "第十八条" in error["message"] and "35人" in error["message"]
    assert await county_rows(owner_db, county.id) == before


async def test_attending_members_are_drawn_from_earlier_participants_when_oversubscribed(
    server, gql, owner_db
):
    county = await make_county(server)
    admin = county.admin.token
    earlier = await drawn_hearing(server, gql, county, decision_id=42)  # 10 applicants
    listed = await make_user(server, county, roles=[(Role.CITIZEN, None)], name="座谈会发言人")
    selection = await make_hearing(
        gql,
        county,
        kind="ATTENDANCE",
        seats=quotas(("PUBLIC", 5, 2)),
        decision_id=42,
    )

    direct = await call(
        gql, APPLY, {"h": selection.id, "c": "PUBLIC", "s": "我要列席"}, listed.token
    )
    added = await ok(
        gql,
        ADD_CANDIDATES,
        {"h": selection.id, "c": "PUBLIC", "u": [listed.gid], "f": earlier.id},
        admin,
    )
    again = await ok(
        gql, ADD_CANDIDATES, {"h": selection.id, "c": "PUBLIC", "f": earlier.id}, admin
    )
    await ok(gql, CLOSE, {"h": selection.id}, admin)
    for w in selection.witnesses:
        await ok(gql, REVEAL, {"w": w.id, "s": w.secret}, admin)
    drawn = (await ok(gql, DRAW, {"h": selection.id}, admin))["hearing"]

    assert [e["code"] for e in direct["errors"]] == ["INVALID_STATE"]
    assert added["added"] == 11
    assert again["added"] == 0
    assert drawn["kind"] == "ATTENDANCE" and drawn["decisionId"] == 42
    outcomes = sorted(p["outcome"] for p in drawn["pool"])
    assert outcomes == ["ALTERNATE"] * 2 + ["NOT_SELECTED"] * 4 + ["SELECTED"] * 5
    assert {p["probability"] for p in drawn["pool"]} == {"5/11"}
    doc = json.loads(drawn["drawPublication"])
    assert doc["kind"] == "ATTENDANCE"
    assert draw.verify_publication(doc) == []
    users = {a["userId"] for a in drawn["applications"]}
    assert users == {listed.gid} | {a.gid for a in earlier.applicants.values()}

    # the five drawn members are invited to the government meeting (县政府常务会议)
    meeting = await make_meeting(gql, county, kind="THEMATIC_CONSULTATION", live=False)
    invited = await ok(gql, INVITE_DRAWN, {"h": selection.id, "m": meeting}, admin)
    assert invited["invited"] == 5
    rows = await owner_db.fetch(
        "SELECT user_id, role FROM meeting_participants WHERE meeting_id = $1", db_id(meeting)
    )
    by_pool = {a["poolId"]: a["userId"] for a in drawn["applications"]}
    chosen = {by_pool[p["poolId"]] for p in drawn["pool"] if p["outcome"] == "SELECTED"}
    assert {gid("User", r["user_id"]) for r in rows} == chosen
    assert {r["role"] for r in rows} == {"REPRESENTATIVE"}


async def test_every_event_type_is_appended_and_shown_to_the_public_without_its_actor(server, gql):
    from backend.hearings.events import HearingEvent

    county = await make_county(server)
    admin = county.admin.token
    scene = await drawn_hearing(server, gql, county)
    hearing = (await gql.data(HEARING, {"id": scene.id}, token=admin))["node"]
    v1 = (await ok(gql, SET_TRANSCRIPT, {"h": scene.id, "t": TRANSCRIPT_V1}, admin))["hearing"]
    rep = representatives(scene, hearing)[0]
    await ok(gql, CONFIRM, {"h": scene.id, "s": v1["transcriptSha256"]}, rep.token)
    meeting = await make_meeting(gql, county, kind="HEARING", live=False)
    await ok(gql, INVITE_DRAWN, {"h": scene.id, "m": meeting}, admin)
    views = [{"summary": "实行阶梯水价", "adopted": True}]
    await ok(gql, REPORT, {"h": scene.id, "c": "建议调价", "v": views}, admin)
    await ok(gql, SEAL, {"h": scene.id}, admin)
    query = (
        "query($s: String!) { streamEvents(stream: $s, first: 100) { seq type actorId payload } }"
    )

    public = (await gql.data(query, {"s": hearing["stream"]}, tenant=county.slug))["streamEvents"]
    full = (await gql.data(query, {"s": hearing["stream"]}, token=admin))["streamEvents"]

    assert {e["type"] for e in full} == {t.value for t in HearingEvent}
    assert [(e["seq"], e["type"], e["payload"]) for e in public] == [
        (e["seq"], e["type"], e["payload"]) for e in full
    ]
    assert {e["actorId"] for e in public} == {None}
    assert {e["actorId"] for e in full if e["type"] == "hearing.transcriptConfirmed"} == {
        rep.user_id
    }


async def test_a_person_gets_their_applications_and_erasing_blanks_their_statements(
    server, gql, owner_db
):
    county = await make_county(server)
    scene = await drawn_hearing(server, gql, county)
    person = next(iter(scene.applicants.values()))
    export = "mutation { exportPersonalData { data errors { code } } }"

    data = (await gql.data(export, token=person.token))["exportPersonalData"]["data"]
    (section,) = [s["data"] for s in data["sections"] if s["key"] == "hearings"]
    (application,) = section["applications"]
    assert application["hearing"] == "城区供水价格调整听证会"
    assert application["statement"] == "我是STAKEHOLDER类报名人0"
    assert application["outcome"] in ("SELECTED", "ALTERNATE", "NOT_SELECTED")

    erased = await gql.data(
        "mutation($p: String!) { eraseMyAccount(password: $p) { ok errors { code } } }",
        {"p": PASSWORD},
        token=person.token,
    )
    assert erased["eraseMyAccount"] == {"ok": True, "errors": []}
    statements = await owner_db.fetch(
        "SELECT user_id, statement FROM hearing_applications WHERE hearing_id = $1",
        scene.db_id,
    )
    assert {r["user_id"]: r["statement"] for r in statements}[person.user_id] == ""
    assert sum(1 for r in statements if r["statement"]) == 9
    pool = await owner_db.fetchval(
        "SELECT count(*) FROM hearing_applications WHERE hearing_id = $1", scene.db_id
    )
    assert pool == 10  # the frozen pool keeps every pseudonym


SEAL = """mutation($h: ID!) { sealHearingRecord(hearingId: $h) {
  hearing { state sealedAt sealedHash } errors { field code message } } }"""
VERIFY = """query($s: String!) { verifyStream(stream: $s) {
  valid events sealed headHash contentDiffers problems } }"""


async def test_the_sealed_hearing_record_verifies_like_a_meetings_and_names_a_tampered_section(
    server, gql, owner_db
):
    county = await make_county(server)
    admin = county.admin.token
    scene = await drawn_hearing(server, gql, county)
    views = [{"summary": "暂缓调价", "adopted": False, "reason": "成本倒挂"}]
    too_early = await call(gql, SEAL, {"h": scene.id}, admin)
    await ok(gql, REPORT, {"h": scene.id, "c": "建议调价", "v": views}, admin)

    sealed = (await ok(gql, SEAL, {"h": scene.id}, admin))["hearing"]
    stream = f"hearing:{scene.db_id}"
    check = (await gql.data(VERIFY, {"s": stream}, token=admin))["verifyStream"]
    after = await call(gql, REPORT, {"h": scene.id, "c": "改口", "v": views}, admin)

    assert [e["code"] for e in too_early["errors"]] == ["INVALID_STATE"]
    assert sealed["sealedHash"] == check["headHash"]
    assert check == {
        "valid": True,
        "events": 21,  # 19 to the draw, the report, the seal
        "sealed": True,
        "headHash": sealed["sealedHash"],
        "contentDiffers": [],
        "problems": [],
    }
    assert [e["code"] for e in after["errors"]] == ["INVALID_STATE"]
    assert "已封存" in after["errors"][0]["message"]

    # whoever holds the database rewrites a view: the report no longer matches the seal
    await owner_db.execute(
        "UPDATE hearing_views SET reason = '无' WHERE hearing_id = $1", scene.db_id
    )
    tampered = (await gql.data(VERIFY, {"s": stream}, token=admin))["verifyStream"]
    assert tampered["valid"] is False
    assert tampered["contentDiffers"] == ["report"]
