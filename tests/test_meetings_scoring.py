"""Anonymous scoring (测评票): who has cast (receipts) is stored apart from what was cast
(ballots), nothing links the two, and results are published only when scoring closes."""

from __future__ import annotations

import json
import uuid

from backend.people.models import Role
from tests.factories.meetings import attend, make_meeting
from tests.factories.people import make_user
from tests.factories.tenants import make_county
from tests.meetings_api import (
    CAST_BALLOT,
    CLOSE_SCORING,
    INVITE,
    LIVE,
    OPEN_SCORING,
    SHEET,
    collect_until,
    db_id,
    event_types,
    node,
    ok,
    refused,
    snapshot,
)
from tests.realtime_client import GraphQLWS

TARGETS = ["县住建委", "县交通局"]


async def scored_meeting(server, gql, n, scale="SATISFACTION", eligibility=None):
    county = await make_county(server)
    voters = [await make_user(server, county, roles=[(Role.CITIZEN, None)]) for _ in range(n)]
    meeting = await make_meeting(gql, county)
    if voters:
        await attend(gql, county, meeting, [v.gid for v in voters])
    variables = {"m": meeting, "t": "2026年度部门述职满意度测评", "g": TARGETS, "s": scale}
    if eligibility:
        variables["e"] = eligibility
    opened = await ok(gql, OPEN_SCORING, variables, county.admin.token)
    assert opened["sheet"]["state"] == "OPEN" and opened["sheet"]["results"] is None
    return county, voters, meeting, opened["sheet"]["id"]


async def cast(gql, voter, sheet, answers):
    return (await gql.data(CAST_BALLOT, {"s": sheet, "a": answers}, token=voter.token))[
        "castScoringBallot"
    ]


CAST = {"sheet": None, "accepted": True, "errors": []}


async def columns(owner_db, table):
    rows = await owner_db.fetch(
        "SELECT column_name, data_type FROM information_schema.columns "
        "WHERE table_schema = 'public' AND table_name = $1",
        table,
    )
    return {r["column_name"]: r["data_type"] for r in rows}


async def test_a_secret_ballot_cannot_be_linked_to_the_person_who_cast_it(server, gql, owner_db):
    county, voters, meeting, sheet = await scored_meeting(server, gql, 6)
    answers = [
        ["满意", "不满意"],
        ["满意", "满意"],
        ["基本满意", "满意"],
        ["不满意", "基本满意"],
        ["满意", "满意"],
        ["基本满意", "不满意"],
    ]
    for voter, a in zip(voters, answers, strict=True):
        assert await cast(gql, voter, sheet, a) == CAST

    ballot_columns = await columns(owner_db, "scoring_ballots")
    receipt_columns = await columns(owner_db, "scoring_receipts")
    # The ballot: a random id, the sheet, the answers. No person, no time.
    assert ballot_columns == {
        "id": "uuid",
        "tenant_id": "bigint",
        "sheet_id": "bigint",
        "answers": "jsonb",
    }
    assert not [c for c, t in ballot_columns.items() if "user" in c or "time" in t or "date" in t]
    # The receipt: who cast, and when.
    assert receipt_columns == {
        "id": "bigint",
        "tenant_id": "bigint",
        "sheet_id": "bigint",
        "user_id": "bigint",
        "cast_at": "timestamp with time zone",
    }
    # Nothing in common but the sheet and the county (each table's own key `id` is a
    # bigint sequence on one side and a random UUID on the other: they never compare).
    assert set(ballot_columns) & set(receipt_columns) - {"id"} == {"tenant_id", "sheet_id"}
    assert ballot_columns["id"] != receipt_columns["id"]

    ballots = await owner_db.fetch(
        "SELECT id, answers FROM scoring_ballots WHERE tenant_id = $1 AND sheet_id = $2",
        county.id,
        db_id(sheet),
    )
    ids = [uuid.UUID(str(b["id"])) for b in ballots]
    assert len(set(ids)) == 6
    assert {u.version for u in ids} == {4}  # random, not time-based (v1) nor sequential
    assert sorted(json.loads(b["answers"]) for b in ballots) == sorted(answers)
    receipts = await owner_db.fetch(
        "SELECT user_id FROM scoring_receipts WHERE tenant_id = $1 AND sheet_id = $2",
        county.id,
        db_id(sheet),
    )
    assert sorted(r["user_id"] for r in receipts) == sorted(v.user_id for v in voters)

    # The record says that a ballot was cast — not by whom, not what.
    events = await owner_db.fetch(
        "SELECT actor_user_id, payload FROM events WHERE tenant_id = $1 AND stream = $2 "
        "AND type = 'score.cast'",
        county.id,
        f"meeting:{db_id(meeting)}",
    )
    assert len(events) == 6
    assert {e["actor_user_id"] for e in events} == {None}
    assert [json.loads(e["payload"]) for e in events] == [{"sheetId": db_id(sheet)}] * 6


async def test_results_are_published_when_scoring_closes(server, gql, owner_db):
    county, voters, meeting, sheet = await scored_meeting(server, gql, 5)
    for voter, a in zip(
        voters,
        [
            ["满意", "满意"],
            ["满意", "不满意"],
            ["基本满意", "不满意"],
            ["不满意", "满意"],
            ["满意", "基本满意"],
        ],
        strict=True,
    ):
        assert await cast(gql, voter, sheet, a) == CAST
    # Nobody, not even the host, sees partial results while it is open.
    assert (await node(gql, SHEET, sheet, county.admin.token)) == {
        "id": sheet,
        "state": "OPEN",
        "results": None,
    }
    async with GraphQLWS(server.ws_url) as ws:
        await ws.open(voters[0].token)
        op = await ws.subscribe(LIVE, {"m": meeting, "after": 0})
        closed = await ok(gql, CLOSE_SCORING, {"s": sheet}, county.admin.token)
        seen = await collect_until(ws, op, lambda e: e["type"] == "scoring.closed")
    expected = {
        "ballots": 5,
        "targets": [
            {
                "target": "县住建委",
                "ballots": 5,
                "counts": {"满意": 3, "基本满意": 1, "不满意": 1},
                "satisfactionRate": 0.8,
            },
            {
                "target": "县交通局",
                "ballots": 5,
                "counts": {"满意": 2, "基本满意": 1, "不满意": 2},
                "satisfactionRate": 0.6,
            },
        ],
    }
    assert closed["sheet"] == {
        "id": sheet,
        "state": "CLOSED",
        "targets": TARGETS,
        "results": expected,
    }
    assert seen[-1]["data"] == {
        "__typename": "ScoringUpdate",
        "change": "CLOSED",
        "sheet": {"id": sheet, "state": "CLOSED", "results": expected},
    }
    # Ballots themselves are never pushed live.
    assert not [e for e in seen if e["type"] == "score.cast"]
    assert (await node(gql, SHEET, sheet, voters[1].token))["results"] == expected


async def test_scores_out_of_100_give_average_min_and_max(server, gql):
    county, voters, _meeting, sheet = await scored_meeting(server, gql, 3, scale="SCORE_100")
    for voter, a in zip(voters, [["90", "60"], ["80", "75"], ["100", "0"]], strict=True):
        assert await cast(gql, voter, sheet, a) == CAST
    closed = await ok(gql, CLOSE_SCORING, {"s": sheet}, county.admin.token)
    assert closed["sheet"]["results"] == {
        "ballots": 3,
        "targets": [
            {"target": "县住建委", "ballots": 3, "average": 90.0, "min": 80, "max": 100},
            {"target": "县交通局", "ballots": 3, "average": 45.0, "min": 0, "max": 75},
        ],
    }


async def test_bad_ballots_are_refused_and_leave_no_trace(server, gql, owner_db):
    county, voters, meeting, sheet = await scored_meeting(server, gql, 2, scale="SCORE_100")
    before = await snapshot(owner_db, county, meeting)
    for answers, message in (
        (["101", "50"], "0到100"),
        (["-1", "50"], "0到100"),
        (["优秀", "50"], "0到100"),
        (["90"], "全部2个"),
    ):
        result = await cast(gql, voters[0], sheet, answers)
        assert result["accepted"] is False
        assert [(e["field"], e["code"]) for e in result["errors"]] == [("answers", "INVALID_SCORE")]
        assert message in result["errors"][0]["message"]
    assert await snapshot(owner_db, county, meeting) == before

    assert await cast(gql, voters[0], sheet, ["90", "80"]) == CAST
    before = await snapshot(owner_db, county, meeting)
    twice = await cast(gql, voters[0], sheet, ["10", "10"])
    assert [(e["field"], e["code"]) for e in twice["errors"]] == [("sheetId", "ALREADY_SCORED")]
    assert await snapshot(owner_db, county, meeting) == before


async def test_satisfaction_ballots_take_only_the_three_levels(server, gql, owner_db):
    county, voters, meeting, sheet = await scored_meeting(server, gql, 1)
    before = await snapshot(owner_db, county, meeting)
    result = await cast(gql, voters[0], sheet, ["非常满意", "满意"])
    assert [(e["field"], e["code"]) for e in result["errors"]] == [("answers", "INVALID_SCORE")]
    assert await snapshot(owner_db, county, meeting) == before


async def test_only_eligible_people_score_and_only_while_open(server, gql, owner_db):
    county, voters, meeting, sheet = await scored_meeting(
        server, gql, 1, eligibility="REPRESENTATIVES"
    )
    attendee = await make_user(server, county, roles=[(Role.CITIZEN, None)])
    await attend(gql, county, meeting, [attendee.gid], role="ATTENDEE")
    before = await snapshot(owner_db, county, meeting)
    result = await cast(gql, attendee, sheet, ["满意", "满意"])
    assert [(e["field"], e["code"]) for e in result["errors"]] == [("sheetId", "NOT_ELIGIBLE")]
    assert await snapshot(owner_db, county, meeting) == before

    await ok(gql, CLOSE_SCORING, {"s": sheet}, county.admin.token)
    before = await snapshot(owner_db, county, meeting)
    late = await cast(gql, voters[0], sheet, ["满意", "满意"])
    assert [(e["field"], e["code"]) for e in late["errors"]] == [("sheetId", "SCORING_CLOSED")]
    again = await refused(gql, CLOSE_SCORING, {"s": sheet}, county.admin.token)
    assert again["errors"][0]["code"] == "SCORING_CLOSED"
    assert await snapshot(owner_db, county, meeting) == before
    assert (await event_types(owner_db, county, meeting)).count("scoring.closed") == 1


async def test_a_closed_sheet_with_no_ballots_publishes_empty_results(server, gql):
    county, _, _meeting, sheet = await scored_meeting(server, gql, 0)
    closed = await ok(gql, CLOSE_SCORING, {"s": sheet}, county.admin.token)
    assert closed["sheet"]["results"] == {
        "ballots": 0,
        "targets": [
            {
                "target": t,
                "ballots": 0,
                "counts": {"满意": 0, "基本满意": 0, "不满意": 0},
                "satisfactionRate": None,
            }
            for t in TARGETS
        ],
    }


async def test_only_hosts_open_scoring(server, gql, owner_db):
    county = await make_county(server)
    citizen = await make_user(server, county, roles=[(Role.CITIZEN, None)])
    meeting = await make_meeting(gql, county)
    await ok(gql, INVITE, {"m": meeting, "u": [citizen.gid], "r": "DEPUTY"}, county.admin.token)
    before = await snapshot(owner_db, county, meeting)
    body = await gql.execute(
        OPEN_SCORING, {"m": meeting, "t": "测评", "g": TARGETS}, token=citizen.token
    )
    assert [e["extensions"]["code"] for e in body["errors"]] == ["FORBIDDEN"]
    assert await snapshot(owner_db, county, meeting) == before


async def test_closing_mixes_the_ballots_so_transaction_ids_link_no_receipt(server, gql, owner_db):
    """A receipt and its ballot are written in one transaction (a ballot is never lost nor
    counted without its receipt), so while the sheet is open they share PostgreSQL's xmin.
    Closing rewrites every ballot in random order with a new id: afterwards no ballot
    shares a transaction id with any receipt, and the results are those of the ballots."""
    county, voters, _, sheet = await scored_meeting(server, gql, 3)
    for voter, answers in zip(
        voters, [["满意", "不满意"], ["满意", "满意"], ["不满意", "基本满意"]], strict=True
    ):
        assert await cast(gql, voter, sheet, answers) == CAST  # one batch each

    async def linked() -> int:
        return await owner_db.fetchval(
            "SELECT count(*) FROM scoring_receipts r JOIN scoring_ballots b ON b.xmin = r.xmin "
            "WHERE r.tenant_id = $1 AND r.sheet_id = $2",
            county.id,
            db_id(sheet),
        )

    async def ballots() -> list:
        return await owner_db.fetch(
            "SELECT id, answers FROM scoring_ballots WHERE tenant_id = $1 AND sheet_id = $2",
            county.id,
            db_id(sheet),
        )

    assert await linked() == 3  # the known weakness while open
    before = await ballots()
    closed = await ok(gql, CLOSE_SCORING, {"s": sheet}, county.admin.token)
    after = await ballots()

    assert await linked() == 0
    assert sorted(r["answers"] for r in after) == sorted(r["answers"] for r in before)
    assert not {r["id"] for r in after} & {r["id"] for r in before}
    assert closed["sheet"]["results"]["ballots"] == 3
    assert [t["counts"] for t in closed["sheet"]["results"]["targets"]] == [
        {"满意": 2, "基本满意": 0, "不满意": 1},
        {"满意": 1, "基本满意": 1, "不满意": 1},
    ]


async def test_the_service_role_cannot_delete_the_ballots_of_an_open_sheet(server, gql, owner_db):
    """Only closing may rewrite ballots (a restrictive row policy): as the request role, a
    DELETE of an open sheet's ballots removes nothing."""
    county, voters, _, sheet = await scored_meeting(server, gql, 1)
    assert await cast(gql, voters[0], sheet, ["满意", "满意"]) == CAST
    async with owner_db.transaction():
        await owner_db.execute("SET LOCAL ROLE yishi_app")
        await owner_db.execute("SELECT set_config('app.tenant_id', $1, true)", str(county.id))
        deleted = await owner_db.execute(
            "DELETE FROM scoring_ballots WHERE sheet_id = $1", db_id(sheet)
        )
    assert deleted == "DELETE 0"
    assert (
        await owner_db.fetchval(
            "SELECT count(*) FROM scoring_ballots WHERE sheet_id = $1", db_id(sheet)
        )
        == 1
    )
