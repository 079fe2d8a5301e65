"""Anonymous scoring (测评票): who has scored (receipts) is stored apart from what was scored
(ballots); both are written only in mixing batches of at least k (the sheet's minBallots),
so a ballot is PENDING until its batch is written; results are published when scoring
closes, and withheld when fewer than k scored. tests/test_ballot_secrecy.py looks at the
same from the database superuser's chair (xmin, the WAL, the export)."""

from __future__ import annotations

import asyncio
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
MY_BALLOT = "query($id: ID!) { node(id: $id) { ... on ScoringSheet { myBallot } } }"
TURNOUT = """query($id: ID!) { node(id: $id) { ... on ScoringSheet {
  turnout { eligible counted pending notCounted { userId name } } } } }"""


async def scored_meeting(server, gql, n, scale="SATISFACTION", eligibility=None, k=None):
    county = await make_county(server)
    voters = [await make_user(server, county, roles=[(Role.CITIZEN, None)]) for _ in range(n)]
    meeting = await make_meeting(gql, county)
    if voters:
        await attend(gql, county, meeting, [v.gid for v in voters])
    variables = {"m": meeting, "t": "2026年度部门述职满意度测评", "g": TARGETS, "s": scale}
    if eligibility:
        variables["e"] = eligibility
    if k is not None:
        variables["k"] = k
    opened = await ok(gql, OPEN_SCORING, variables, county.admin.token)
    assert opened["sheet"]["state"] == "OPEN" and opened["sheet"]["results"] is None
    assert opened["sheet"]["minBallots"] == (5 if k is None else k)
    return county, voters, meeting, opened["sheet"]["id"]


async def cast(gql, voter, sheet, answers):
    return (await gql.data(CAST_BALLOT, {"s": sheet, "a": answers}, token=voter.token))[
        "castScoringBallot"
    ]


PENDING = {"sheet": None, "accepted": True, "status": "PENDING", "errors": []}


async def my_ballot(gql, voter, sheet) -> str:
    return (await node(gql, MY_BALLOT, sheet, voter.token))["myBallot"]


async def counted(gql, voter, sheet) -> None:
    """Wait (bounded) until the voter's batch is written."""
    for _ in range(200):
        if await my_ballot(gql, voter, sheet) == "COUNTED":
            return
        await asyncio.sleep(0.02)
    raise AssertionError("the ballot was never counted")


async def rows(owner_db, county, sheet):
    receipts = await owner_db.fetch(
        "SELECT user_id, counted_at, xmin::text AS x FROM scoring_receipts "
        "WHERE tenant_id = $1 AND sheet_id = $2 ORDER BY user_id",
        county.id,
        db_id(sheet),
    )
    ballots = await owner_db.fetch(
        "SELECT id, answers, xmin::text AS x FROM scoring_ballots "
        "WHERE tenant_id = $1 AND sheet_id = $2",
        county.id,
        db_id(sheet),
    )
    return receipts, ballots


async def columns(owner_db, table):
    found = await owner_db.fetch(
        "SELECT column_name, data_type FROM information_schema.columns "
        "WHERE table_schema = 'public' AND table_name = $1",
        table,
    )
    return {r["column_name"]: r["data_type"] for r in found}


async def test_ballots_and_receipts_have_nothing_in_common_but_the_sheet(owner_db):
    ballot_columns = await columns(owner_db, "scoring_ballots")
    receipt_columns = await columns(owner_db, "scoring_receipts")
    # The ballot: a random id, the sheet, the answers. No person, no time.
    assert ballot_columns == {
        "id": "uuid",
        "tenant_id": "bigint",
        "sheet_id": "bigint",
        "answers": "jsonb",
    }
    # The receipt: who is counted, and when their batch was written.
    assert receipt_columns == {
        "id": "bigint",
        "tenant_id": "bigint",
        "sheet_id": "bigint",
        "user_id": "bigint",
        "counted_at": "timestamp with time zone",
    }
    assert set(ballot_columns) & set(receipt_columns) - {"id"} == {"tenant_id", "sheet_id"}


async def test_a_ballot_is_pending_in_memory_until_a_batch_of_k_is_written(server, gql, owner_db):
    county, voters, meeting, sheet = await scored_meeting(server, gql, 6, k=3)
    answers = [
        ["满意", "不满意"],
        ["满意", "满意"],
        ["基本满意", "满意"],
        ["不满意", "基本满意"],
        ["满意", "满意"],
        ["基本满意", "不满意"],
    ]
    before = await snapshot(owner_db, county, meeting)
    # Up to 2k − 1 ballots: all pending, nothing at all in the database.
    for voter, a in zip(voters[:5], answers[:5], strict=True):
        assert await cast(gql, voter, sheet, a) == PENDING
        assert await my_ballot(gql, voter, sheet) == "PENDING"
    assert await snapshot(owner_db, county, meeting) == before
    assert await my_ballot(gql, voters[5], sheet) == "NOT_CAST"

    # The 2k-th: the oldest k are written as one batch; k stay back for the close.
    assert await cast(gql, voters[5], sheet, answers[5]) == PENDING
    await counted(gql, voters[0], sheet)
    assert [await my_ballot(gql, v, sheet) for v in voters] == ["COUNTED"] * 3 + ["PENDING"] * 3
    receipts, ballots = await rows(owner_db, county, sheet)
    assert [r["user_id"] for r in receipts] == sorted(v.user_id for v in voters[:3])
    assert sorted(json.loads(b["answers"]) for b in ballots) == sorted(answers[:3])
    assert {uuid.UUID(str(b["id"])).version for b in ballots} == {4}
    # One transaction, one time for the whole batch.
    assert len({r["x"] for r in receipts} | {b["x"] for b in ballots}) == 1
    assert len({r["counted_at"] for r in receipts}) == 1
    batch = await owner_db.fetch(
        "SELECT payload FROM events WHERE tenant_id = $1 AND stream = $2 "
        "AND type = 'scoring.counted'",
        county.id,
        f"meeting:{db_id(meeting)}",
    )
    assert [json.loads(e["payload"]) for e in batch] == [
        {"sheetId": db_id(sheet), "ballots": 3, "counted": 3}
    ]
    assert "score.cast" not in await event_types(owner_db, county, meeting)

    # Closing writes the k held back as the last batch, then the results of all.
    closed = await ok(gql, CLOSE_SCORING, {"s": sheet}, county.admin.token)
    assert closed["sheet"]["results"]["ballots"] == 6
    assert [await my_ballot(gql, v, sheet) for v in voters] == ["COUNTED"] * 6
    receipts, ballots = await rows(owner_db, county, sheet)
    assert len(receipts) == len(ballots) == 6
    assert sorted(json.loads(b["answers"]) for b in ballots) == sorted(answers)
    assert len({r["x"] for r in receipts} | {b["x"] for b in ballots}) == 2


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
        assert await cast(gql, voter, sheet, a) == PENDING
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
    # Ballots themselves are never pushed live, nor recorded one by one.
    assert not [e for e in seen if e["type"] == "score.cast"]
    assert "score.cast" not in await event_types(owner_db, county, meeting)
    assert (await node(gql, SHEET, sheet, voters[1].token))["results"] == expected


async def test_fewer_than_k_scorers_keep_no_ballot_and_the_results_are_withheld(
    server, gql, owner_db
):
    county, voters, _meeting, sheet = await scored_meeting(server, gql, 4)
    for voter in voters:
        assert await cast(gql, voter, sheet, ["不满意", "满意"]) == PENDING

    closed = await ok(gql, CLOSE_SCORING, {"s": sheet}, county.admin.token)

    assert closed["sheet"]["results"] == {
        "ballots": 0,
        "tookPart": 4,
        "withheld": True,
        "minBallots": 5,
        "targets": [],
    }
    receipts, ballots = await rows(owner_db, county, sheet)
    assert (len(receipts), ballots) == (4, [])
    assert [await my_ballot(gql, v, sheet) for v in voters] == ["WITHHELD"] * 4


async def test_scores_out_of_100_give_average_min_and_max(server, gql):
    county, voters, _meeting, sheet = await scored_meeting(server, gql, 3, scale="SCORE_100", k=3)
    for voter, a in zip(voters, [["90", "60"], ["80", "75"], ["100", "0"]], strict=True):
        assert await cast(gql, voter, sheet, a) == PENDING
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
        assert (result["accepted"], result["status"]) == (False, None)
        assert [(e["field"], e["code"]) for e in result["errors"]] == [("answers", "INVALID_SCORE")]
        assert message in result["errors"][0]["message"]
    assert await my_ballot(gql, voters[0], sheet) == "NOT_CAST"
    assert await snapshot(owner_db, county, meeting) == before

    assert await cast(gql, voters[0], sheet, ["90", "80"]) == PENDING
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
    assert [(e["field"], e["code"], e["message"]) for e in result["errors"]] == [
        ("sheetId", "NOT_ELIGIBLE", "您不在本次测评范围内")
    ]
    assert await snapshot(owner_db, county, meeting) == before

    await ok(gql, CLOSE_SCORING, {"s": sheet}, county.admin.token)
    before = await snapshot(owner_db, county, meeting)
    late = await cast(gql, voters[0], sheet, ["满意", "满意"])
    assert [(e["field"], e["code"]) for e in late["errors"]] == [("sheetId", "SCORING_CLOSED")]
    again = await refused(gql, CLOSE_SCORING, {"s": sheet}, county.admin.token)
    assert again["errors"][0]["code"] == "SCORING_CLOSED"
    assert await snapshot(owner_db, county, meeting) == before
    assert (await event_types(owner_db, county, meeting)).count("scoring.closed") == 1


async def test_an_invited_person_who_has_not_checked_in_is_told_to_check_in(server, gql, owner_db):
    county, _, meeting, sheet = await scored_meeting(server, gql, 0)
    invited = await make_user(server, county, roles=[(Role.CITIZEN, None)])
    await ok(gql, INVITE, {"m": meeting, "u": [invited.gid], "r": "DEPUTY"}, county.admin.token)
    before = await snapshot(owner_db, county, meeting)

    result = await cast(gql, invited, sheet, ["满意", "满意"])

    assert [(e["field"], e["code"], e["message"]) for e in result["errors"]] == [
        ("sheetId", "NOT_CHECKED_IN", "请先签到，签到后才能参加测评")
    ]
    assert await snapshot(owner_db, county, meeting) == before


async def test_duplicate_targets_and_a_bad_k_are_refused(server, gql, owner_db):
    county = await make_county(server)
    meeting = await make_meeting(gql, county)
    before = await snapshot(owner_db, county, meeting)

    twice = await refused(
        gql,
        OPEN_SCORING,
        {"m": meeting, "t": "测评", "g": ["县交通局", " 县交通局", "县住建委"]},
        county.admin.token,
    )
    small = await refused(
        gql, OPEN_SCORING, {"m": meeting, "t": "测评", "g": TARGETS, "k": 2}, county.admin.token
    )

    assert [(e["field"], e["code"], e["message"]) for e in twice["errors"]] == [
        ("targets", "DUPLICATE_TARGET", "测评对象不能重复：县交通局")
    ]
    assert [(e["field"], e["code"]) for e in small["errors"]] == [("minBallots", "INVALID")]
    assert await snapshot(owner_db, county, meeting) == before


async def test_hosts_see_turnout_live_and_never_what_was_scored(server, gql, owner_db):
    county, voters, meeting, sheet = await scored_meeting(server, gql, 6, k=3)
    async with GraphQLWS(server.ws_url) as ws:
        await ws.open(county.admin.token)
        op = await ws.subscribe(LIVE, {"m": meeting, "after": 0})
        await collect_until(ws, op, lambda e: e["type"] == "scoring.opened")  # now live
        assert await cast(gql, voters[0], sheet, ["满意", "满意"]) == PENDING
        pending = await collect_until(ws, op, lambda e: e["type"] == "scoring.turnout")
        for voter in voters[1:]:
            assert await cast(gql, voter, sheet, ["不满意", "满意"]) == PENDING
        batch = await collect_until(ws, op, lambda e: e["type"] == "scoring.counted")
    assert pending[-1]["data"] == {
        "__typename": "ScoringTurnout",
        "sheetId": sheet,
        "counted": None,
        "pending": 1,
        "ballots": None,
    }
    assert batch[-1]["data"] == {
        "__typename": "ScoringTurnout",
        "sheetId": sheet,
        "counted": 3,
        "pending": None,
        "ballots": 3,
    }
    await counted(gql, voters[0], sheet)

    seen = (await node(gql, TURNOUT, sheet, county.admin.token))["turnout"]

    assert (seen["eligible"], seen["counted"], seen["pending"]) == (6, 3, 3)
    assert [p["userId"] for p in seen["notCounted"]] == [v.gid for v in voters[3:]]
    assert (await node(gql, TURNOUT, sheet, voters[0].token))["turnout"] is None


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


async def test_the_service_role_can_delete_no_ballot(server, gql, owner_db):
    """Ballots are written once and never rewritten: as the request role, a DELETE of a
    sheet's ballots is refused, open or closed."""
    county, voters, _, sheet = await scored_meeting(server, gql, 3, k=3)
    for voter in voters:
        assert await cast(gql, voter, sheet, ["满意", "满意"]) == PENDING
    await ok(gql, CLOSE_SCORING, {"s": sheet}, county.admin.token)
    async with owner_db.transaction():
        await owner_db.execute("SAVEPOINT before_delete")
        await owner_db.execute("SET LOCAL ROLE yishi_app")
        await owner_db.execute("SELECT set_config('app.tenant_id', $1, true)", str(county.id))
        try:
            await owner_db.execute("DELETE FROM scoring_ballots WHERE sheet_id = $1", db_id(sheet))
        except Exception as exc:
            refused_with = type(exc).__name__
        else:
            refused_with = None
        await owner_db.execute("ROLLBACK TO SAVEPOINT before_delete")
    assert refused_with == "InsufficientPrivilegeError"
    assert (
        await owner_db.fetchval(
            "SELECT count(*) FROM scoring_ballots WHERE sheet_id = $1", db_id(sheet)
        )
        == 3
    )


async def test_a_shutting_down_server_writes_pools_of_k_or_more_and_loses_only_smaller_ones(
    server, gql, owner_db
):
    """A restart during a meeting: a process's pool of k or more is written as a last batch;
    a pool under k is lost (its voters were only ever told PENDING)."""
    from backend.core.security import Principal
    from backend.meetings import scoring

    county, voters, _meeting, sheet = await scored_meeting(server, gql, 4, k=3)
    small_county, small_voters, _, small_sheet = await scored_meeting(server, gql, 2, k=3)
    from realtime.writer import StreamWriter

    # A second process's mixer (its own writer: it owns what it writes)
    mixer = scoring.BallotMixer(StreamWriter(server.services.db))

    async def cast_on(mixer, county_id, voter, sheet_gid) -> None:
        principal = Principal(tenant_id=county_id, user_id=voter.user_id)
        async with server.services.db.transaction(tenant_id=county_id, read_only=True) as s:
            meeting_id = (await s.get(scoring.ScoringSheet, db_id(sheet_gid))).meeting_id
            await scoring.cast_ballot(
                s,
                mixer,
                principal,
                meeting_id=meeting_id,
                sheet_id=db_id(sheet_gid),
                answers=["满意", "满意"],
            )

    for voter in voters:
        await cast_on(mixer, county.id, voter, sheet)
    for voter in small_voters:
        await cast_on(mixer, small_county.id, voter, small_sheet)

    await mixer.close()

    receipts, ballots = await rows(owner_db, county, sheet)
    assert (len(receipts), len(ballots)) == (4, 4)
    assert (
        await owner_db.fetchval(
            "SELECT count(*) FROM scoring_receipts WHERE sheet_id = $1", db_id(small_sheet)
        )
        == 0
    )
    assert [await my_ballot(gql, v, small_sheet) for v in small_voters] == ["NOT_CAST"] * 2
    assert [await my_ballot(gql, v, sheet) for v in voters] == ["COUNTED"] * 4


async def test_a_close_that_rolls_back_gives_the_pending_ballots_back(server, gql, owner_db):
    """The close takes the pool for its transaction; if that transaction fails, the ballots
    are pending again (and refused as a second cast meanwhile), and the next close counts
    them."""
    from backend.meetings import scoring

    county, voters, _meeting, sheet = await scored_meeting(server, gql, 3, k=3)
    for voter in voters:
        assert await cast(gql, voter, sheet, ["满意", "不满意"]) == PENDING
    mixer = server.services.ballots
    late = await make_user(server, county, roles=[(Role.CITIZEN, None)])
    await attend(gql, county, _meeting, [late.gid])

    failed = None
    try:
        async with server.services.db.transaction(tenant_id=county.id) as s:
            sheet_row = await s.get(scoring.ScoringSheet, db_id(sheet))
            assert len(await mixer.take_for_close(s, sheet_row)) == 3
            during = await cast(gql, late, sheet, ["满意", "满意"])
            raise RuntimeError("the closing transaction fails")
    except RuntimeError as exc:
        failed = str(exc)

    assert failed == "the closing transaction fails"
    assert [(e["field"], e["code"]) for e in during["errors"]] == [("sheetId", "SCORING_CLOSED")]
    assert [await my_ballot(gql, v, sheet) for v in voters] == ["PENDING"] * 3
    closed = await ok(gql, CLOSE_SCORING, {"s": sheet}, county.admin.token)
    assert closed["sheet"]["results"]["ballots"] == 3
    assert [await my_ballot(gql, v, sheet) for v in voters] == ["COUNTED"] * 3
