"""Row-level security: a query run as county A, with no tenant filter at all, sees none of
county B's rows — for every county-owned table in the metadata."""

from __future__ import annotations

import base64

import asyncpg
import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from backend.people.models import Role
from backend.server.models import metadata
from tenants.models import OrgUnitKind, VenueLevel
from tests.factories.meetings import attend, make_meeting
from tests.factories.people import PASSWORD, make_user
from tests.factories.tenants import gid, make_county, make_unit, make_venue

# Tables that belong to the platform, not to a county. A new table must either carry
# tenant_id (and get policies) or be listed here deliberately.
GLOBAL_TABLES = {
    "tenants",
    "platform_operators",
    "calendar_years",
    "calendar_days",
    "calendar_state",
}


def tenant_tables() -> list[str]:
    return sorted(t.name for t in metadata.sorted_tables if "tenant_id" in t.columns)


def test_every_table_is_either_county_owned_or_listed_global():
    unowned = {t.name for t in metadata.sorted_tables if "tenant_id" not in t.columns}
    assert unowned == GLOBAL_TABLES


async def test_every_table_has_forced_rls_and_policies(owner_db: asyncpg.Connection):
    rows = await owner_db.fetch(
        """SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity,
                  array_agg(p.polname ORDER BY p.polname) FILTER (WHERE p.polname IS NOT NULL) AS policies
           FROM pg_class c LEFT JOIN pg_policy p ON p.polrelid = c.oid
           WHERE c.relnamespace = 'public'::regnamespace AND c.relkind = 'r'
             AND c.relname <> 'alembic_version'
           GROUP BY c.relname, c.relrowsecurity, c.relforcerowsecurity"""
    )
    by_table = {r["relname"]: r for r in rows}
    assert set(by_table) == set(tenant_tables()) | GLOBAL_TABLES
    for name in tenant_tables():
        row = by_table[name]
        assert row["relrowsecurity"] and row["relforcerowsecurity"], name
        assert "tenant_isolation" in row["policies"], name


async def test_app_role_owns_nothing_and_cannot_bypass_rls(owner_db: asyncpg.Connection):
    role = await owner_db.fetchrow(
        "SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = 'yishi_app'"
    )
    assert role == (False, False)
    owned = await owner_db.fetchval(
        "SELECT count(*) FROM pg_class WHERE relowner = 'yishi_app'::regrole"
    )
    assert owned == 0


async def populate(server, gql) -> object:
    """A county with at least one row in every county-owned table, made through the API
    where a client would (login creates a refresh token, mutations write the audit log)."""
    county = await make_county(server)
    township = await make_unit(server, county, kind=OrgUnitKind.TOWNSHIP)
    await make_venue(server, county, unit_id=township, level=VenueLevel.OFFICE)
    member = await make_user(server, county, roles=[(Role.MEDIATOR, township)])
    body = await gql.data(
        "mutation($p: String!, $w: String!) { login(input: {phone: $p, password: $w}) "
        "{ errors { code } } }",
        {"p": member.phone, "w": PASSWORD},
        tenant=county.slug,
    )
    assert body["login"]["errors"] == []
    failed = await gql.data(  # a wrong password is counted toward a lockout
        'mutation($p: String!) { login(input: {phone: $p, password: "wrong-password"}) '
        "{ errors { code } } }",
        {"p": member.phone},
        tenant=county.slug,
    )
    assert failed["login"]["errors"] == [{"code": "INVALID_CREDENTIALS"}]
    await gql.data(
        'mutation($p: ID!) { createOrgUnit(input: {parentId: $p, kind: VILLAGE, name: "甲村"}) '
        "{ errors { code } } }",
        {"p": gid("OrgUnit", township)},
        token=county.admin.token,
    )
    closed = await gql.data(
        'mutation { addLocalClosure(input: {date: "2098-07-01", reason: "防汛"}) '
        "{ errors { code } } }",
        token=county.admin.token,
    )
    assert closed["addLocalClosure"]["errors"] == [], closed
    await populate_meeting(server, gql, county, member)
    await populate_cases(server, gql, county, township)
    await populate_hearings(server, gql, county)
    await populate_decisions(server, gql, county)
    await populate_inquiries(server, gql, county)
    await populate_identity(server, gql, county)
    await populate_agenda(server, gql, county)
    await populate_mediators(server, gql, county, township)
    await populate_representatives(server, gql, county, township)
    return county


async def populate_representatives(server, gql, county, township: int) -> None:
    """One row in each representatives table, through the API: a deputy serving the
    township, a proposal assigned to a department, a written consultation and a 对口协商."""
    from tests.factories.representatives import (
        ASSIGN,
        RECORD_COUNTERPART,
        REGISTER_PROPOSAL,
        SEND,
        deputy,
        link,
        ok,
        register,
    )

    department = await make_unit(server, county, kind=OrgUnitKind.DEPARTMENT)
    rep = await register(gql, county, deputy())
    await link(gql, county, rep["id"], gid("OrgUnit", township), "2026-01-01")
    token = county.admin.token
    proposal = await ok(gql, REGISTER_PROPOSAL, {"r": rep["id"], "t": "建议", "b": "内容"}, token)
    await ok(gql, ASSIGN, {"p": proposal["proposal"]["id"], "l": gid("OrgUnit", department)}, token)
    unit = gid("OrgUnit", department)
    consultation = {"senderUnitId": unit, "title": "征询", "draft": "稿", "unitIds": [unit]}
    await ok(gql, SEND, {"input": consultation}, token)
    session = {
        "departmentId": unit,
        "committee": "县人大农委",
        "title": "对口协商",
        "heldOn": "2026-01-05",
        "topics": ["农田"],
        "participants": [{"representativeId": rep["id"]}],
    }
    await ok(gql, RECORD_COUNTERPART, {"input": session}, token)


async def populate_mediators(server, gql, county, township: int) -> None:
    """One row in each table of the 解事员 pool and of oversight, through the API."""
    from tests.factories.cases import act, online, raise_case
    from tests.factories.mediators import (
        ADD_STAFF,
        APPOINT,
        ASSIGN,
        AWARD,
        CREATE_POINT,
        EVALUATE,
        EVALUATE_CASE,
        RECORD_CORRECTION,
        RECORD_REQUEST,
        TRAIN,
        closed_case,
        register,
    )

    token = county.admin.token
    unit = gid("OrgUnit", township)
    m = await register(gql, token, name="解事员", level="TOWNSHIP", orgUnitId=unit)
    day = "2026-03-02"
    await act(
        gql,
        TRAIN,
        {"input": {"mediatorId": m["id"], "course": "调解", "trainedOn": day, "hours": 2}},
        token,
    )
    await act(
        gql,
        EVALUATE,
        {"input": {"mediatorId": m["id"], "period": "2026", "grade": "GOOD", "evaluatedOn": day}},
        token,
    )
    await act(
        gql, AWARD, {"input": {"mediatorId": m["id"], "title": "优秀", "awardedOn": day}}, token
    )
    citizen = await make_user(server, county, roles=[(Role.CITIZEN, None)])
    case = await raise_case(gql, citizen.token, online(placeUnitId=unit, title="纠纷"))
    await act(gql, ASSIGN, {"c": case["case"]["id"], "m": [m["id"]]}, token)
    await act(
        gql, APPOINT, {"input": {"name": "观察员", "orgUnitId": unit, "termStart": day}}, token
    )
    closed = await closed_case(gql, county, citizen, title="已办结")
    await act(
        gql,
        EVALUATE_CASE,
        {"input": {"caseId": closed, "kind": "PUBLIC", "grade": "GOOD", "text": "满意"}},
        citizen.token,
    )
    await act(
        gql,
        RECORD_CORRECTION,
        {"input": {"direction": "UPWARD", "matter": "某事", "unitId": unit, "receivedOn": day}},
        token,
    )
    point = await act(gql, CREATE_POINT, {"input": {"orgUnitId": unit, "name": "联系点"}}, token)
    p = point["point"]["id"]
    await act(gql, ADD_STAFF, {"input": {"pointId": p, "name": "王所长"}}, token)
    await act(
        gql,
        RECORD_REQUEST,
        {
            "input": {
                "pointId": p,
                "receivedOn": day,
                "applicantName": "张三",
                "matter": "复议",
                "forwardedTo": "县复议机构",
            }
        },
        token,
    )


async def populate_hearings(server, gql, county) -> None:
    """One row in each hearings table: a hearing with a witness, applicants, a drawn pool, a
    confirmed transcript and a report."""
    from tests.factories import hearings as hf

    scene = await hf.drawn_hearing(server, gql, county, witnesses=1)
    admin = county.admin.token
    node = (await gql.data(hf.HEARING, {"id": scene.id}, token=admin))["node"]
    v1 = await hf.ok(gql, hf.SET_TRANSCRIPT, {"h": scene.id, "t": "听证笔录"}, admin)
    rep = hf.representatives(scene, node)[0]
    await hf.ok(gql, hf.CONFIRM, {"h": scene.id, "s": v1["hearing"]["transcriptSha256"]}, rep.token)
    views = [{"summary": "实行阶梯水价", "adopted": True}]
    await hf.ok(gql, hf.REPORT, {"h": scene.id, "c": "建议调价", "v": views}, admin)


async def populate_decisions(server, gql, county) -> None:
    """One row in each decisions table, through the API: a decision with its steps, a
    version and its paragraphs, a document, a comment period, an answered opinion and the
    participation report."""
    from tests.factories.decisions import (
        ANSWER,
        DOCUMENT,
        RECORD_OPINION,
        REPORT,
        act,
        add_version,
        make_decision,
        open_consultation,
    )

    token = county.admin.token
    d = await make_decision(gql, token, county.root_gid)
    await add_version(gql, token, d["id"])
    await open_consultation(gql, token, d["id"])
    await act(
        gql,
        DOCUMENT,
        {
            "i": {
                "decisionId": d["id"],
                "step": "PUBLIC_PARTICIPATION",
                "name": "起草说明",
                "contentBase64": "YQ==",
            }
        },
        token,
    )
    given = await act(
        gql,
        RECORD_OPINION,
        {"i": {"decisionId": d["id"], "channel": "WRITTEN", "body": "来信意见"}},
        token,
    )
    await act(gql, ANSWER, {"o": given["opinion"]["id"], "x": "ADOPTED"}, token)
    await act(gql, REPORT, {"d": d["id"]}, token)
    # a 民意调查 with an answer, and a 座谈 session with its materials record
    from tests.factories.decisions import ANSWER_SURVEY, LINK_SESSION, make_survey, sheet
    from tests.factories.meetings import INVITE, make_meeting

    survey = await make_survey(gql, token, d["id"])
    respondent = await make_user(server, county, roles=[(Role.CITIZEN, None)])
    await act(gql, ANSWER_SURVEY, sheet(survey, "rls", [0], None, 3), respondent.token)
    forum = await make_meeting(gql, county, kind="FORUM", live=False)
    await act(gql, INVITE, {"m": forum, "u": [respondent.gid], "r": "REPRESENTATIVE"}, token)
    await act(
        gql,
        LINK_SESSION,
        {"i": {"decisionId": d["id"], "meetingId": forum, "explanation": "起草说明"}},
        token,
    )
    # after a decision: its 政策解读, ten 群众评议表 of which enough 不满意 to open a 后评估
    from tests.factories.decisions import EVALUATE, INTERPRET, PUBLISH, decided_decision

    decided = await decided_decision(gql, token, county.root_gid, county.admin.gid)
    await act(gql, PUBLISH, {"d": decided}, token)
    await act(gql, INTERPRET, {"d": decided, "t": "解读", "b": "内容"}, token)
    for _ in range(10):
        person = await make_user(server, county, roles=[(Role.CITIZEN, None)])
        form = {
            "decisionId": decided,
            "effect": "POOR",
            "satisfaction": "POOR",
            "operability": "POOR",
            "reasonableness": "POOR",
        }
        await act(gql, EVALUATE, {"i": form}, person.token)


async def populate_inquiries(server, gql, county) -> None:
    """One row in each 网络问政 and opinion table: a half-yearly group of one department,
    its sessions, a question, and an opinion collection with an opinion."""
    from datetime import timedelta

    from tests.factories import inquiries as inq

    department = await make_unit(server, county, kind=OrgUnitKind.DEPARTMENT, name="县住建委")
    leader = await make_user(server, county, roles=[(Role.DEPARTMENT_STAFF, department)])
    admin = county.admin.token
    group = {
        "name": "第四组（每半年）",
        "frequency": "HALF_YEARLY",
        "weekday": 2,
        "startTime": "09:00",
        "durationMinutes": 60,
        "units": [{"unitId": gid("OrgUnit", department), "leaderId": leader.gid}],
    }
    await inq.ok(gql, inq.CREATE_GROUP, {"i": group}, admin)
    await inq.ok(gql, inq.GENERATE, {"y": 2026}, admin)
    session = (await gql.data(inq.SESSIONS, {"y": 2026}, token=admin))["inquirySessions"][0]
    await inq.ok(gql, inq.START, {"s": session["id"]}, admin)
    await inq.ok(gql, inq.ASK, {"s": session["id"], "b": "加装电梯怎么申请"}, leader.token)
    meeting = await make_meeting(gql, county, live=False, starts_in=timedelta(days=40))
    opened = await inq.ok(
        gql,
        inq.OPEN_COLLECTION,
        {"i": {"meetingId": meeting, "unitIds": [gid("OrgUnit", department)], "title": "征集"}},
        admin,
    )
    entry = {
        "collectionId": opened["collection"]["id"],
        "unitId": gid("OrgUnit", department),
        "source": "WECHAT",
        "body": "建议加快老旧小区改造",
        "giverId": leader.gid,
    }
    await inq.ok(gql, inq.ENTER_OPINION, {"i": entry}, admin)


async def populate_identity(server, gql, county) -> None:
    """实名制: a staff ID check, an SMS code, and an OpenID Connect provider with a sign-in
    through it (against the fake provider of tests/oidc_provider)."""
    from tests import oidc_provider
    from tests.authz_matrix import World, complete_oidc_sign_in

    citizen = await make_user(server, county, roles=[(Role.CITIZEN, None)])
    checked = await gql.data(
        "mutation($u: ID!) { recordRealNameCheck(input: {userId: $u}) { errors { code } } }",
        {"u": citizen.gid},
        token=county.admin.token,
    )
    assert checked["recordRealNameCheck"]["errors"] == [], checked
    sent = await gql.data(
        'mutation { requestSmsCode(phone: "13900001111") { errors { code } } }',
        tenant=county.slug,
    )
    assert sent["requestSmsCode"]["errors"] == [], sent
    await oidc_provider.shared()
    world = World(server, gql, None, county, "ANONYMOUS", None)  # type: ignore[arg-type]
    answer = await complete_oidc_sign_in(world)
    done = await gql.data(
        "mutation($s: String!, $c: String!) { completeOidcSignIn(state: $s, code: $c) "
        "{ errors { code } } }",
        {"s": answer["state"], "c": answer["code"]},
        tenant=county.slug,
    )
    assert done["completeOidcSignIn"]["errors"] == [], done


async def populate_agenda(server, gql, county) -> None:
    """One row in each table of the annual agenda and 政务公开, through the API."""
    from tests.factories import agenda as a
    from tests.factories.cases import act

    admin = county.admin.token
    citizen = await make_user(server, county, roles=[(Role.CITIZEN, None)])
    catalogue = await a.approved_catalogue(gql, county)
    await act(gql, a.ADJUST_ITEM, {"i": catalogue["items"][0]["id"], "r": "推迟", "q": 4}, admin)
    r, (p,) = await a.round_with_shortlist(gql, county, citizen.token, titles=("甲",))
    await act(gql, a.OPEN_VOTING, {"r": r, "c": a.later()}, admin)
    await act(gql, a.VOTE, {"p": p}, citizen.token)
    await act(gql, a.CLOSE_VOTING, {"r": r}, admin)
    await act(gql, a.ADOPT, {"r": r, "p": [p]}, admin)
    await act(gql, a.REPORT, {"p": p, "m": "2027-03", "c": "10", "s": []}, admin)
    await act(gql, a.OPEN_EVALUATION, {"r": r}, admin)
    await act(gql, a.EVALUATE, {"p": p, "s": "SATISFIED"}, citizen.token)
    await act(gql, a.DRAFT, {"t": "公告", "b": "内容", "c": "NEWS"}, admin)
    await act(gql, a.FILE_REQUEST, {"i": {"name": "王", "description": "申请"}}, citizen.token)


async def populate_cases(server, gql, county, township: int) -> None:
    """One row in each cases table, through the API: a case with an attachment, an
    assignment, a reply, and a line of the 议事内容清单."""
    from tests.factories.cases import DISPATCH, REPLY, SAVE_TOPIC, act, online, raise_case

    citizen = await make_user(server, county, roles=[(Role.CITIZEN, None)])
    case = await raise_case(
        gql,
        citizen.token,
        online(
            placeUnitId=gid("OrgUnit", township),
            attachments=[{"fileName": "a.txt", "contentType": "text/plain", "dataBase64": "YQ=="}],
        ),
    )
    c = case["case"]["id"]
    await act(gql, DISPATCH, {"c": c, "u": gid("OrgUnit", township)}, county.admin.token)
    await act(gql, REPLY, {"c": c, "k": "NOTE", "b": "备注"}, county.admin.token)
    await act(
        gql,
        SAVE_TOPIC,
        {
            "input": {
                "included": False,
                "topic": "涉诉事项",
                "keywords": ["诉讼"],
                "redirect": "法院",
            }
        },
        county.admin.token,
    )
    # The analytics tables: the county's vocabulary, and its suggester (trained on a
    # ledger of five closed cases, when a suggestion is first asked for).
    await act(
        gql,
        SET_VOCABULARY,
        {"s": [{"canonical": "加装电梯", "variants": ["装电梯"]}], "w": []},
        county.admin.token,
    )
    ledger = "受理时间,事项类型,标题,承办单位,办理状态,办结时间\n" + "".join(
        f"2026-03-0{i},诉求,路灯不亮{i},,已办结,2026-03-0{i + 1}\n" for i in range(1, 6)
    )
    await act(
        gql,
        IMPORT_LEDGER,
        {
            "input": {
                "fileName": "台账.csv",
                "contentBase64": base64.b64encode(ledger.encode()).decode(),
            }
        },
        county.admin.token,
    )
    await act(gql, SUGGEST, {"c": c}, county.admin.token)


SET_VOCABULARY = """
mutation($s: [CaseSynonymGroupInput!]!, $w: [String!]!) {
  setCaseVocabulary(synonyms: $s, stopWords: $w) { errors { field code message } } }"""
IMPORT_LEDGER = """
mutation($input: ImportCaseLedgerInput!) {
  importCaseLedger(input: $input) { report { created } errors { field code message } } }"""
SUGGEST = """
mutation($c: ID!) { suggestCaseClassification(caseId: $c) {
  suggestion { trainedOn } errors { field code message } } }"""


MEETING_ROWS = """
mutation($m: ID!) {
  addMaterial(meetingId: $m, title: "述职报告") { errors { code } }
  addAgendaItem(meetingId: $m, title: "县住建委述职", speakerName: "李主任") { errors { code } }
  createPoll(meetingId: $m, question: "是否同意", options: ["同意", "不同意"]) { poll { id } errors { code } }
  openScoring(meetingId: $m, title: "部门测评", targets: ["县住建委"], minBallots: 3) { sheet { id } errors { code } }
}"""


async def populate_meeting(server, gql, county, member) -> None:
    """One row in each meetings table: material, agenda, poll + vote, 测评 receipts +
    ballots (a mixing batch of 3, written when the sheet closes), comment, speaking
    request, participant."""
    meeting = await make_meeting(gql, county)
    others = [await make_user(server, county, roles=[(Role.CITIZEN, None)]) for _ in range(2)]
    await attend(gql, county, meeting, [member.gid] + [o.gid for o in others])
    rows = await gql.data(MEETING_ROWS, {"m": meeting}, token=county.admin.token)
    poll, sheet = rows["createPoll"]["poll"]["id"], rows["openScoring"]["sheet"]["id"]
    await gql.data(
        "mutation($p: ID!) { openPoll(pollId: $p) { errors { code } } }",
        {"p": poll},
        token=county.admin.token,
    )
    done = await gql.data(
        """mutation($m: ID!, $p: ID!, $s: ID!) {
      castVote(pollId: $p, choices: [0], idempotencyKey: "k1") { accepted }
      castScoringBallot(sheetId: $s, answers: ["满意"]) { accepted }
      postComment(meetingId: $m, body: "建议增加路灯") { errors { code } }
      raiseHand(meetingId: $m) { errors { code } }
    }""",
        {"m": meeting, "p": poll, "s": sheet},
        token=member.token,
    )
    assert done["castVote"]["accepted"] and done["castScoringBallot"]["accepted"], done
    for other in others:
        cast = await gql.data(
            'mutation($s: ID!) { castScoringBallot(sheetId: $s, answers: ["满意"]) { accepted } }',
            {"s": sheet},
            token=other.token,
        )
        assert cast["castScoringBallot"]["accepted"], cast
    closed = await gql.data(
        "mutation($s: ID!) { closeScoring(sheetId: $s) { errors { code } } }",
        {"s": sheet},
        token=county.admin.token,
    )
    assert closed["closeScoring"]["errors"] == [], closed
    issued = await gql.data(
        "mutation($m: ID!) { issueVotingCodes(input: {meetingId: $m, batches: "
        "[{role: ATTENDEE, count: 1}]}) { errors { code } } }",
        {"m": meeting},
        token=county.admin.token,
    )
    assert issued["issueVotingCodes"]["errors"] == [], issued
    await populate_video(gql, county, meeting, member)
    await populate_opinion_map(gql, county, meeting, member)


async def populate_opinion_map(gql, county, meeting, member) -> None:
    """One row in each opinion map table: the map, a statement, a vote on it."""
    from tests.factories.opinion_map import VOTE, add_statement, ok, open_map

    opinion_map = await open_map(gql, county, meeting)
    statement = await add_statement(gql, county, opinion_map, "应当增设路灯")
    await ok(gql, VOTE, {"s": statement, "c": "AGREE"}, member.token)


async def populate_video(gql, county, meeting, member) -> None:
    """One row in each video table: a room, a floor grant, a recording, an attendance
    (joined with an aiortc offer, then left: no peer stays open)."""
    from tests.factories.video import GRANT, JOIN, LEAVE, START_RECORDING, STOP_RECORDING, open_room
    from tests.video_client import VideoClient

    room = await open_room(gql, county, meeting)
    host = county.admin.token
    for query, variables, token in [
        (GRANT, {"r": room, "u": member.gid}, host),
        (START_RECORDING, {"r": room}, host),
        (STOP_RECORDING, {"r": room}, host),
    ]:
        (payload,) = (await gql.data(query, variables, token=token)).values()
        assert payload["errors"] == [], payload
    client = VideoClient(publish=False, slots=1)
    try:
        joined = await gql.data(JOIN, {"r": room, "sdp": await client.offer()}, token=member.token)
        assert joined["joinVideoRoom"]["errors"] == [], joined
        left = await gql.data(LEAVE, {"r": room}, token=member.token)
        assert left["leaveVideoRoom"]["errors"] == [], left
    finally:
        await client.close()


async def test_unfiltered_queries_as_county_a_see_nothing_of_county_b(server, gql, owner_db):
    a = await populate(server, gql)
    b = await populate(server, gql)
    tables = tenant_tables()
    for table in tables:
        b_rows = await owner_db.fetchval(f"SELECT count(*) FROM {table} WHERE tenant_id = $1", b.id)
        assert b_rows > 0, f"populate() left {table} empty for county B: extend it"

    async with server.services.db.transaction(tenant_id=a.id) as session:
        for table in tables:
            seen = (await session.execute(text(f"SELECT tenant_id FROM {table}"))).scalars().all()
            assert seen, table
            assert set(seen) == {a.id}, f"{table} leaked rows of another county"

    # No county set: nothing at all.
    async with server.services.db.transaction(tenant_id=None) as session:
        for table in tables:
            count = (await session.execute(text(f"SELECT count(*) FROM {table}"))).scalar_one()
            assert count == 0, table


async def test_writing_into_another_county_is_refused(server):
    a = await make_county(server)
    b = await make_county(server)
    with pytest.raises(Exception, match="row-level security"):
        async with server.services.db.transaction(tenant_id=a.id) as session:
            await session.execute(
                text(
                    "INSERT INTO org_units (tenant_id, kind, name, path) VALUES (:t, 'TOWNSHIP', 'x', '/')"
                ),
                {"t": b.id},
            )
    # Updating B's rows from A touches nothing.
    async with server.services.db.transaction(tenant_id=a.id) as session:
        result = await session.execute(
            text("UPDATE org_units SET name = 'hijacked' WHERE tenant_id = :t"), {"t": b.id}
        )
        assert result.rowcount == 0


async def test_audit_log_is_append_only_for_the_service(server, gql):
    county = await populate(server, gql)
    async with server.services.db.transaction(tenant_id=county.id) as session:
        assert (await session.execute(text("SELECT count(*) FROM audit_entries"))).scalar_one() > 0
    for statement in ("UPDATE audit_entries SET action = 'x'", "DELETE FROM audit_entries"):
        with pytest.raises(Exception, match="permission denied"):
            async with server.services.db.transaction(tenant_id=county.id) as session:
                await session.execute(text(statement))


async def test_read_transactions_are_read_only_and_leave_the_connection_writable(server):
    """Reads begin READ ONLY (one statement less than SET TRANSACTION); the pooled
    connection is writable again for the next transaction."""
    county = await make_county(server)
    db = server.services.db
    async with db.transaction(tenant_id=county.id, read_only=True) as session:
        assert (await session.execute(text("SHOW transaction_read_only"))).scalar() == "on"
        with pytest.raises(DBAPIError, match="read-only transaction"):
            await session.execute(
                text("UPDATE tenants SET name = name WHERE id = :id"), {"id": county.id}
            )
    for _ in range(3):  # whichever pooled connection comes next
        async with db.transaction(tenant_id=county.id) as session:
            assert (await session.execute(text("SHOW transaction_read_only"))).scalar() == "off"
