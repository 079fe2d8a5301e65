"""One-time voting codes (一次性投票码): a host issues codes for a meeting, a resident redeems
one (county + code, no account of their own) and scores; the database keeps only keyed
hashes; a code works once; revoked codes are refused; a code's session acts in its meeting
only."""

from __future__ import annotations

import base64
import hashlib
import io
import zipfile

from backend.meetings import codes
from backend.people.models import Role
from tests.factories.meetings import make_meeting
from tests.factories.people import make_user
from tests.factories.tenants import make_county
from tests.meetings_api import (
    CAST_BALLOT,
    CLOSE_SCORING,
    OPEN_SCORING,
    POST_COMMENT,
    REGISTER,
    db_id,
    ok,
    refused,
)

ISSUE = """
mutation($input: IssueVotingCodesInput!) { issueVotingCodes(input: $input) {
  codes { code role } errors { field code message } } }"""
ISSUE_WITH_SHEET = """
mutation($input: IssueVotingCodesInput!) { issueVotingCodes(input: $input) {
  codes { code role } sheetDocx errors { field code message } } }"""
REDEEM = """
mutation($c: String!) { redeemVotingCode(code: $c) {
  tokens { accessToken refreshToken } meetingId role errors { field code message } } }"""
REVOKE = """
mutation($input: RevokeVotingCodesInput!) { revokeVotingCodes(input: $input) {
  revoked errors { field code message } } }"""
COUNTS = "query($m: ID!) { votingCodeCounts(meetingId: $m) { issued redeemed revoked } }"
TURNOUT = """query($id: ID!) { node(id: $id) { ... on ScoringSheet {
  turnout { eligible counted pending notCounted { userId name } } } } }"""
VIEWER = "{ viewer { user { displayName phone } roles } }"


async def issue(gql, county, meeting, batches, query=ISSUE):
    data = await gql.data(
        query, {"input": {"meetingId": meeting, "batches": batches}}, token=county.admin.token
    )
    payload = data["issueVotingCodes"]
    assert payload["errors"] == [], payload
    return payload


async def redeem(gql, county, code):
    return (await gql.data(REDEEM, {"c": code}, tenant=county.slug))["redeemVotingCode"]


async def test_codes_are_issued_once_stored_as_keyed_hashes_and_make_participants(
    server, gql, owner_db
):
    # given
    county = await make_county(server)
    meeting = await make_meeting(gql, county, mode="HYBRID")

    # when
    payload = await issue(
        gql,
        county,
        meeting,
        [{"role": "REPRESENTATIVE", "count": 6}, {"role": "DEPUTY", "count": 2}],
        query=ISSUE_WITH_SHEET,
    )

    # then: eight distinct printable codes, per role
    issued = payload["codes"]
    assert sorted(c["role"] for c in issued) == ["DEPUTY"] * 2 + ["REPRESENTATIVE"] * 6
    assert len({c["code"] for c in issued}) == 8
    assert all(codes.normalise_code(c["code"]) for c in issued)
    # the database holds neither a code nor an unkeyed hash of one
    stored = await owner_db.fetch(
        "SELECT code_hash, redeemed_at, revoked_at FROM voting_codes WHERE tenant_id = $1",
        county.id,
    )
    assert len(stored) == 8
    hashes = {r["code_hash"] for r in stored}
    for c in issued:
        plain = codes.normalise_code(c["code"])
        assert hashlib.sha256(plain.encode()).hexdigest() not in hashes
        assert plain not in str(stored)
    dump = await owner_db.fetchval(
        "SELECT string_agg(t::text, ' ') FROM (SELECT * FROM users WHERE tenant_id = $1) t",
        county.id,
    )
    assert not any(codes.normalise_code(c["code"]) in dump for c in issued)
    # eight invited participants without phone or password, no county role
    people = await owner_db.fetch(
        "SELECT u.display_name, u.phone, u.password_hash, p.role, p.invited, "
        "(SELECT count(*) FROM memberships m WHERE m.user_id = u.id) AS roles "
        "FROM meeting_participants p JOIN users u ON u.id = p.user_id "
        "WHERE p.tenant_id = $1 AND p.meeting_id = $2 ORDER BY u.id",
        county.id,
        db_id(meeting),
    )
    assert [(r["display_name"], r["role"]) for r in people] == [
        *((f"群众代表 {n:03d}号", "REPRESENTATIVE") for n in range(1, 7)),
        ("人大代表/政协委员 001号", "DEPUTY"),
        ("人大代表/政协委员 002号", "DEPUTY"),
    ]
    assert {(r["phone"], r["password_hash"], r["invited"], r["roles"]) for r in people} == {
        (None, None, True, 0)
    }
    # the printable sheet is a Word document with every code on it
    docx = zipfile.ZipFile(io.BytesIO(base64.b64decode(payload["sheetDocx"])))
    body = docx.read("word/document.xml").decode()
    assert all(c["code"] in body for c in issued) and "一次性投票码" in body
    counts = await gql.data(COUNTS, {"m": meeting}, token=county.admin.token)
    assert counts["votingCodeCounts"] == {"issued": 8, "redeemed": 0, "revoked": 0}


async def test_a_redeemed_code_gives_a_session_that_scores_and_cannot_be_used_again(
    server, gql, owner_db
):
    # given: an in-person 述职报告会 with 5 codes and a sheet for attendees (k = 3)
    county = await make_county(server)
    meeting = await make_meeting(gql, county, mode="HYBRID")
    issued = (await issue(gql, county, meeting, [{"role": "REPRESENTATIVE", "count": 5}]))["codes"]
    sheet = (
        await ok(
            gql,
            OPEN_SCORING,
            {"m": meeting, "t": "满意度测评", "g": ["县交通局"], "e": "ATTENDEES", "k": 3},
            county.admin.token,
        )
    )["sheet"]["id"]

    # when: each resident types the code (lower case, spaces instead of dashes) and scores
    sessions = []
    for c in issued:
        typed = c["code"].lower().replace("-", " ")
        payload = await redeem(gql, county, typed)
        assert payload["errors"] == [], payload
        assert payload["meetingId"] == meeting and payload["role"] == "REPRESENTATIVE"
        sessions.append(payload["tokens"]["accessToken"])
    for token in sessions:
        cast = (await gql.data(CAST_BALLOT, {"s": sheet, "a": ["满意"]}, token=token))[
            "castScoringBallot"
        ]
        assert cast["accepted"] is True, cast
    closed = await ok(gql, CLOSE_SCORING, {"s": sheet}, county.admin.token)

    # then: every ballot counted, every code spent and checked in by code
    assert closed["sheet"]["results"]["ballots"] == 5
    checked = await owner_db.fetch(
        "SELECT check_in_mode FROM meeting_participants WHERE tenant_id = $1", county.id
    )
    assert [r["check_in_mode"] for r in checked] == ["CODE"] * 5
    counts = await gql.data(COUNTS, {"m": meeting}, token=county.admin.token)
    assert counts["votingCodeCounts"] == {"issued": 5, "redeemed": 5, "revoked": 0}
    # a code works once: the second try reads like an unknown code
    again = await redeem(gql, county, issued[0]["code"])
    unknown = await redeem(gql, county, "ZZZZ-ZZZZ-ZZZZ")
    assert again["tokens"] is None and again["errors"][0]["code"] == "INVALID_CODE"
    assert again["errors"] == unknown["errors"]
    # the session has a name that is not the code, no phone and no county role
    viewer = (await gql.data(VIEWER, token=sessions[0]))["viewer"]
    assert viewer["user"]["phone"] == "" and viewer["roles"] == []
    assert viewer["user"]["displayName"].startswith("群众代表 ")


async def test_a_code_of_another_county_is_unknown(server, gql):
    # given
    county = await make_county(server)
    other = await make_county(server)
    meeting = await make_meeting(gql, county)
    (code,) = (await issue(gql, county, meeting, [{"role": "ATTENDEE", "count": 1}]))["codes"]

    # when
    payload = await redeem(gql, other, code["code"])

    # then
    assert payload["tokens"] is None and payload["errors"][0]["code"] == "INVALID_CODE"
    assert (await redeem(gql, county, code["code"]))["errors"] == []


async def test_revoked_codes_are_refused_and_a_redeemed_one_ends_its_session(server, gql, owner_db):
    # given
    county = await make_county(server)
    meeting = await make_meeting(gql, county)
    issued = (await issue(gql, county, meeting, [{"role": "ATTENDEE", "count": 4}]))["codes"]
    used = await redeem(gql, county, issued[0]["code"])
    token = used["tokens"]["accessToken"]
    assert (await gql.data(VIEWER, token=token))["viewer"]["user"] is not None

    # when: the host revokes the redeemed one and a lost slip, then every unredeemed one
    first = await ok(
        gql,
        REVOKE,
        {"input": {"meetingId": meeting, "codes": [issued[0]["code"], issued[1]["code"]]}},
        county.admin.token,
    )
    rest = await ok(
        gql, REVOKE, {"input": {"meetingId": meeting, "allUnredeemed": True}}, county.admin.token
    )

    # then
    assert first["revoked"] == 2 and rest["revoked"] == 2
    for c in issued[1:]:
        assert (await redeem(gql, county, c["code"]))["errors"][0]["code"] == "INVALID_CODE"
    body = await gql.execute(VIEWER, token=token)
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    counts = await gql.data(COUNTS, {"m": meeting}, token=county.admin.token)
    assert counts["votingCodeCounts"] == {"issued": 4, "redeemed": 1, "revoked": 4}


async def test_only_hosts_issue_or_revoke_and_hosts_cannot_be_issued(server, gql, owner_db):
    # given
    county = await make_county(server)
    meeting = await make_meeting(gql, county)
    citizen = await make_user(server, county, roles=[(Role.CITIZEN, None)])
    variables = {"input": {"meetingId": meeting, "batches": [{"role": "ATTENDEE", "count": 3}]}}

    # when
    denied = await gql.execute(ISSUE, variables, token=citizen.token)
    host = await refused(
        gql,
        ISSUE,
        {"input": {"meetingId": meeting, "batches": [{"role": "HOST", "count": 1}]}},
        county.admin.token,
    )
    too_many = await refused(
        gql,
        ISSUE,
        {"input": {"meetingId": meeting, "batches": [{"role": "ATTENDEE", "count": 5001}]}},
        county.admin.token,
    )
    revoke = await gql.execute(
        REVOKE, {"input": {"meetingId": meeting, "allUnredeemed": True}}, token=citizen.token
    )

    # then
    assert denied["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert revoke["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert host["errors"][0]["field"] == "batches.0.role"
    assert too_many["errors"][0]["field"] == "batches"
    assert (
        await owner_db.fetchval("SELECT count(*) FROM voting_codes WHERE tenant_id = $1", county.id)
        == 0
    )


async def test_a_code_session_acts_only_in_its_meeting(server, gql):
    # given: two live meetings; a code of the first
    county = await make_county(server)
    mine = await make_meeting(gql, county)
    other = await make_meeting(gql, county)
    (code,) = (await issue(gql, county, mine, [{"role": "ATTENDEE", "count": 1}]))["codes"]
    token = (await redeem(gql, county, code["code"]))["tokens"]["accessToken"]

    # when
    here = await gql.data(POST_COMMENT, {"m": mine, "b": "支持"}, token=token)
    there = await gql.execute(POST_COMMENT, {"m": other, "b": "支持"}, token=token)
    join = await gql.execute(REGISTER, {"m": other}, token=token)

    # then
    assert here["postComment"]["errors"] == []
    assert there["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert join["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_turnout_names_code_accounts_by_number_only(server, gql):
    # given: 4 codes, 3 redeemed and scored; the order of the printed codes is shuffled
    county = await make_county(server)
    meeting = await make_meeting(gql, county)
    issued = (await issue(gql, county, meeting, [{"role": "REPRESENTATIVE", "count": 4}]))["codes"]
    sheet = (
        await ok(
            gql,
            OPEN_SCORING,
            {"m": meeting, "t": "测评", "g": ["县交通局"], "e": "REGISTERED", "k": 3},
            county.admin.token,
        )
    )["sheet"]["id"]
    for c in issued[:3]:
        token = (await redeem(gql, county, c["code"]))["tokens"]["accessToken"]
        await gql.data(CAST_BALLOT, {"s": sheet, "a": ["满意"]}, token=token)

    # when
    turnout = (await gql.data(TURNOUT, {"id": sheet}, token=county.admin.token))["node"]["turnout"]

    # then: names are numbers the slips do not carry; no code appears
    assert turnout["eligible"] == 4 and turnout["pending"] == 3
    names = [p["name"] for p in turnout["notCounted"]]
    assert all(n.startswith("群众代表 ") and n.endswith("号") for n in names)
    assert not any(c["code"] in str(turnout) for c in issued)


async def test_one_code_redeemed_twice_at_once_gives_one_session(server, gql, owner_db):
    # given
    county = await make_county(server)
    meeting = await make_meeting(gql, county)
    (code,) = (await issue(gql, county, meeting, [{"role": "ATTENDEE", "count": 1}]))["codes"]

    # when two phones send it at the same moment
    import asyncio

    first, second = await asyncio.gather(
        redeem(gql, county, code["code"]), redeem(gql, county, code["code"])
    )

    # then exactly one gets a session; one check-in, one refresh token
    outcomes = sorted(bool(p["tokens"]) for p in (first, second))
    assert outcomes == [False, True]
    assert [e["code"] for p in (first, second) for e in p["errors"]] == ["INVALID_CODE"]
    assert (
        await owner_db.fetchval(
            "SELECT count(*) FROM events WHERE tenant_id = $1 AND type = 'participant.checkedIn'",
            county.id,
        )
        == 1
    )
    assert (
        await owner_db.fetchval(
            "SELECT count(*) FROM refresh_tokens r JOIN voting_codes v ON v.user_id = r.user_id "
            "WHERE r.tenant_id = $1",
            county.id,
        )
        == 1
    )
