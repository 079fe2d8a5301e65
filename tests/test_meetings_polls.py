"""Live polls: open/close, single and multiple choice, who may vote, one vote per person
(enforced by the database), idempotent retries, and tallies that end exact — also under
concurrent voting, for a live watcher."""

from __future__ import annotations

import asyncio

from backend.people.models import Role
from schema.schema import build_schema
from tests.factories.meetings import attend, make_meeting
from tests.factories.people import make_user
from tests.factories.tenants import make_county
from tests.meetings_api import (
    ANNOUNCE,
    CLOSE_POLL,
    CREATE_POLL,
    INVITE,
    LIVE,
    OPEN_POLL,
    POLL,
    REGISTER,
    START,
    VOTE,
    collect_until,
    db_id,
    event_types,
    key,
    node,
    ok,
    refused,
    snapshot,
)
from tests.realtime_client import GraphQLWS, wait_until


async def citizens(server, county, n):
    return [
        await make_user(server, county, roles=[(Role.CITIZEN, None)], name=f"群众{i}")
        for i in range(n)
    ]


async def open_poll(gql, county, meeting, options=("同意", "不同意", "弃权"), **kw):
    created = await ok(
        gql,
        CREATE_POLL,
        {"m": meeting, "q": "是否同意停车收费调整方案", "o": list(options), **kw},
        county.admin.token,
    )
    poll = created["poll"]["id"]
    opened = await ok(gql, OPEN_POLL, {"p": poll}, county.admin.token)
    assert opened["poll"]["state"] == "OPEN"
    return poll


async def vote(gql, voter, poll, choices, idem=None):
    data = await gql.data(
        VOTE, {"p": poll, "c": choices, "k": key() if idem is None else idem}, token=voter.token
    )
    return data["castVote"]


ACCEPTED = {"accepted": True, "duplicate": False, "errors": []}


async def vote_rows(owner_db, county, poll):
    return await owner_db.fetch(
        "SELECT user_id, choices, idempotency_key FROM votes WHERE tenant_id = $1 AND poll_id = $2 "
        "ORDER BY user_id",
        county.id,
        db_id(poll),
    )


async def test_single_choice_poll_counts_and_closes_exact(server, gql, owner_db):
    county = await make_county(server)
    voters = await citizens(server, county, 5)
    meeting = await make_meeting(gql, county)
    await attend(gql, county, meeting, [v.gid for v in voters])
    poll = await open_poll(gql, county, meeting)
    for voter, choice in zip(voters, [0, 0, 1, 2, 0], strict=True):
        assert await vote(gql, voter, poll, [choice]) == ACCEPTED
    live = await node(gql, POLL, poll, county.admin.token)
    assert (live["state"], live["counts"], live["totalVotes"]) == ("OPEN", [3, 1, 1], 5)
    closed = await ok(gql, CLOSE_POLL, {"p": poll}, county.admin.token)
    assert closed["poll"] == {"id": poll, "state": "CLOSED", "counts": [3, 1, 1], "totalVotes": 5}
    types = await event_types(owner_db, county, meeting)
    assert types.count("vote.cast") == 5
    assert types[-1] == "poll.closed"
    final = await owner_db.fetchval(
        "SELECT payload FROM events WHERE tenant_id = $1 AND stream = $2 AND type = 'poll.closed'",
        county.id,
        f"meeting:{db_id(meeting)}",
    )
    assert '"counts": [3, 1, 1]' in final and '"totalVotes": 5' in final


async def test_multiple_choice_poll_respects_max_choices(server, gql, owner_db):
    county = await make_county(server)
    a, b = await citizens(server, county, 2)
    meeting = await make_meeting(gql, county)
    await attend(gql, county, meeting, [a.gid, b.gid])
    poll = await open_poll(
        gql,
        county,
        meeting,
        options=("增设停车位", "错峰收费", "免费时段", "维持现状"),
        k="MULTIPLE",
        n=2,
    )
    assert await vote(gql, a, poll, [0, 2]) == ACCEPTED
    before = await snapshot(owner_db, county, meeting)
    for choices, message in (
        ([0, 1, 2], "最多可选2项"),
        ([1, 1], "不能重复"),
        ([4], "选项不存在"),
        ([-1], "选项不存在"),
        ([], "请选择"),
    ):
        result = await vote(gql, b, poll, choices)
        assert result["accepted"] is False
        assert [(e["field"], e["code"]) for e in result["errors"]] == [
            ("choices", "INVALID_CHOICE")
        ]
        assert message in result["errors"][0]["message"]
    assert await snapshot(owner_db, county, meeting) == before
    assert await vote(gql, b, poll, [2]) == ACCEPTED
    closed = await ok(gql, CLOSE_POLL, {"p": poll}, county.admin.token)
    assert closed["poll"]["counts"] == [1, 0, 2, 0]
    assert closed["poll"]["totalVotes"] == 2


async def test_a_second_vote_is_refused_and_a_retry_counts_once(server, gql, owner_db):
    county = await make_county(server)
    (voter,) = await citizens(server, county, 1)
    meeting = await make_meeting(gql, county)
    await attend(gql, county, meeting, [voter.gid])
    poll = await open_poll(gql, county, meeting)
    idem = key()
    assert await vote(gql, voter, poll, [1], idem) == ACCEPTED
    before = await snapshot(owner_db, county, meeting)

    retry = await vote(gql, voter, poll, [1], idem)
    assert retry == {"accepted": True, "duplicate": True, "errors": []}
    # A retry is recognised by its key, whatever it claims to choose.
    assert await vote(gql, voter, poll, [0], idem) == {
        "accepted": True,
        "duplicate": True,
        "errors": [],
    }
    second = await vote(gql, voter, poll, [0])
    assert second["accepted"] is False and second["duplicate"] is False
    assert [(e["field"], e["code"]) for e in second["errors"]] == [("pollId", "ALREADY_VOTED")]
    assert await snapshot(owner_db, county, meeting) == before
    rows = await vote_rows(owner_db, county, poll)
    assert [(r["user_id"], r["choices"], r["idempotency_key"]) for r in rows] == [
        (voter.user_id, [1], idem)
    ]
    assert (await node(gql, POLL, poll, county.admin.token))["counts"] == [0, 1, 0]


async def test_a_bad_idempotency_key_is_refused(server, gql, owner_db):
    county = await make_county(server)
    (voter,) = await citizens(server, county, 1)
    meeting = await make_meeting(gql, county)
    await attend(gql, county, meeting, [voter.gid])
    poll = await open_poll(gql, county, meeting)
    before = await snapshot(owner_db, county, meeting)
    for bad in ("", " ", "k" * 65):
        result = await vote(gql, voter, poll, [0], bad)
        assert [(e["field"], e["code"]) for e in result["errors"]] == [
            ("idempotencyKey", "INVALID")
        ]
    assert await snapshot(owner_db, county, meeting) == before


async def test_votes_only_count_while_the_poll_is_open(server, gql, owner_db):
    county = await make_county(server)
    a, b = await citizens(server, county, 2)
    meeting = await make_meeting(gql, county)
    await attend(gql, county, meeting, [a.gid, b.gid])
    created = await ok(
        gql,
        CREATE_POLL,
        {"m": meeting, "q": "是否同意", "o": ["同意", "不同意"]},
        county.admin.token,
    )
    poll = created["poll"]["id"]
    before = await snapshot(owner_db, county, meeting)
    draft = await vote(gql, a, poll, [0])
    assert [(e["field"], e["code"]) for e in draft["errors"]] == [("pollId", "POLL_NOT_OPEN")]
    assert await snapshot(owner_db, county, meeting) == before

    await ok(gql, OPEN_POLL, {"p": poll}, county.admin.token)
    assert await vote(gql, a, poll, [0]) == ACCEPTED
    await ok(gql, CLOSE_POLL, {"p": poll}, county.admin.token)
    before = await snapshot(owner_db, county, meeting)
    late = await vote(gql, b, poll, [1])
    assert late["accepted"] is False
    assert [(e["field"], e["code"]) for e in late["errors"]] == [("pollId", "POLL_NOT_OPEN")]
    again = await refused(gql, CLOSE_POLL, {"p": poll}, county.admin.token)
    assert again["errors"][0]["code"] == "POLL_NOT_OPEN"
    reopen = await refused(gql, OPEN_POLL, {"p": poll}, county.admin.token)
    assert reopen["errors"][0]["code"] == "INVALID_STATE"
    assert await snapshot(owner_db, county, meeting) == before
    assert (await node(gql, POLL, poll, county.admin.token))["counts"] == [1, 0]


async def test_attendees_polls_need_a_check_in(server, gql, owner_db):
    county = await make_county(server)
    present, absent, stranger = await citizens(server, county, 3)
    meeting = await make_meeting(gql, county)
    await attend(gql, county, meeting, [present.gid])
    await ok(gql, INVITE, {"m": meeting, "u": [absent.gid], "r": "DEPUTY"}, county.admin.token)
    poll = await open_poll(gql, county, meeting, e="ATTENDEES")
    before = await snapshot(owner_db, county, meeting)
    for person in (absent, stranger):
        result = await vote(gql, person, poll, [0])
        assert [(e["field"], e["code"]) for e in result["errors"]] == [("pollId", "NOT_ELIGIBLE")]
    assert await snapshot(owner_db, county, meeting) == before
    assert await vote(gql, present, poll, [0]) == ACCEPTED


async def test_registered_polls_take_invited_and_signed_up_people(server, gql, owner_db):
    county = await make_county(server)
    invited, signed_up, stranger = await citizens(server, county, 3)
    meeting = await make_meeting(gql, county, live=False)
    await ok(gql, ANNOUNCE, {"m": meeting}, county.admin.token)
    await ok(gql, INVITE, {"m": meeting, "u": [invited.gid], "r": "EXPERT"}, county.admin.token)
    await ok(gql, REGISTER, {"m": meeting}, signed_up.token)
    await ok(gql, START, {"m": meeting}, county.admin.token)
    poll = await open_poll(gql, county, meeting, e="REGISTERED")
    assert await vote(gql, invited, poll, [0]) == ACCEPTED
    assert await vote(gql, signed_up, poll, [1]) == ACCEPTED
    before = await snapshot(owner_db, county, meeting)
    result = await vote(gql, stranger, poll, [0])
    assert [(e["field"], e["code"]) for e in result["errors"]] == [("pollId", "NOT_ELIGIBLE")]
    assert await snapshot(owner_db, county, meeting) == before


async def test_representatives_polls_take_deputies_experts_and_representatives(
    server, gql, owner_db
):
    county = await make_county(server)
    deputy, expert, rep, attendee = await citizens(server, county, 4)
    meeting = await make_meeting(gql, county)
    for person, role in (
        (deputy, "DEPUTY"),
        (expert, "EXPERT"),
        (rep, "REPRESENTATIVE"),
        (attendee, "ATTENDEE"),
    ):
        await attend(gql, county, meeting, [person.gid], role=role)
    poll = await open_poll(gql, county, meeting, e="REPRESENTATIVES")
    for person in (deputy, expert, rep):
        assert await vote(gql, person, poll, [0]) == ACCEPTED
    before = await snapshot(owner_db, county, meeting)
    result = await vote(gql, attendee, poll, [0])
    assert [(e["field"], e["code"]) for e in result["errors"]] == [("pollId", "NOT_ELIGIBLE")]
    assert await snapshot(owner_db, county, meeting) == before
    assert (await node(gql, POLL, poll, county.admin.token))["totalVotes"] == 3


async def test_a_poll_needs_distinct_options(server, gql, owner_db):
    county = await make_county(server)
    meeting = await make_meeting(gql, county)
    before = await snapshot(owner_db, county, meeting)
    for options in (["同意"], ["同意", "同意"], ["同意", " "]):
        payload = await refused(
            gql, CREATE_POLL, {"m": meeting, "q": "是否同意", "o": options}, county.admin.token
        )
        assert [(e["field"], e["code"]) for e in payload["errors"]] == [("options", "INVALID")]
    assert await snapshot(owner_db, county, meeting) == before


def _is_final_tally(event: dict, total: int) -> bool:
    data = event["data"]
    return data["__typename"] == "PollTally" and data["totalVotes"] == total


async def test_thirty_concurrent_voters_with_retries_end_on_an_exact_tally(server, gql, owner_db):
    county = await make_county(server)
    voters = await citizens(server, county, 30)
    meeting = await make_meeting(gql, county)
    await ok(
        gql,
        INVITE,
        {"m": meeting, "u": [v.gid for v in voters], "r": "REPRESENTATIVE"},
        county.admin.token,
    )
    poll = await open_poll(gql, county, meeting, e="REGISTERED")
    keys = [key() for _ in voters]
    choices = [[i % 3] for i in range(30)]

    async with GraphQLWS(server.ws_url) as ws:
        await ws.open(county.admin.token)
        op = await ws.subscribe(LIVE, {"m": meeting, "after": 0})
        await collect_until(ws, op, lambda e: e["type"] == "poll.opened")
        calls = [vote(gql, v, poll, c, k) for v, c, k in zip(voters, choices, keys, strict=True)]
        calls += [vote(gql, voters[i], poll, choices[i], keys[i]) for i in range(0, 30, 3)]
        results = await asyncio.gather(*calls)
        closed = await ok(gql, CLOSE_POLL, {"p": poll}, county.admin.token)
        seen = await collect_until(ws, op, lambda e: e["type"] == "poll.closed")
        if not any(_is_final_tally(e, 30) for e in seen):
            # the coalesced live tally may trail the close: wait for its final value
            seen += await collect_until(ws, op, lambda e: _is_final_tally(e, 30))

    assert all(r["accepted"] and r["errors"] == [] for r in results)
    assert (
        sum(r["duplicate"] for r in results) == 10
    )  # each retry pair: one recorded, one duplicate
    assert (
        await owner_db.fetchval(
            "SELECT count(*) FROM votes WHERE tenant_id = $1 AND poll_id = $2",
            county.id,
            db_id(poll),
        )
        == 30
    )
    db_counts = [0, 0, 0]
    for row in await vote_rows(owner_db, county, poll):
        for c in row["choices"]:
            db_counts[c] += 1
    assert db_counts == [10, 10, 10]
    assert closed["poll"] == {"id": poll, "state": "CLOSED", "counts": db_counts, "totalVotes": 30}
    assert (await event_types(owner_db, county, meeting)).count("vote.cast") == 30

    tallies = [e["data"] for e in seen if e["data"]["__typename"] in ("PollTally", "PollUpdate")]
    last = tallies[-1]
    last_counts = last["counts"] if "counts" in last else last["poll"]["counts"]
    last_total = last["totalVotes"] if "totalVotes" in last else last["poll"]["totalVotes"]
    assert (last_counts, last_total) == (db_counts, 30)
    live_totals = [t["totalVotes"] for t in tallies if t["__typename"] == "PollTally"]
    assert live_totals and live_totals == sorted(live_totals) and live_totals[-1] == 30
    # Individual votes are in the record, not pushed live.
    assert not [e for e in seen if e["type"] == "vote.cast"]


async def test_concurrent_second_votes_count_once_whatever_arrives_first(server, gql, owner_db):
    """Each voter sends a vote, its retry (same key) and another vote (new key) at once:
    they may land in one group-commit batch or in several; either way exactly one vote
    is stored, the retry is a duplicate of it if it won, and the other vote is refused."""
    county = await make_county(server)
    voters = await citizens(server, county, 10)
    outsider = (await citizens(server, county, 1))[0]
    meeting = await make_meeting(gql, county)
    await ok(
        gql,
        INVITE,
        {"m": meeting, "u": [v.gid for v in voters], "r": "REPRESENTATIVE"},
        county.admin.token,
    )
    poll = await open_poll(gql, county, meeting, e="REGISTERED")
    keys = [(key(), key()) for _ in voters]
    calls = []
    for voter, (first, other) in zip(voters, keys, strict=True):
        calls += [
            vote(gql, voter, poll, [0], first),
            vote(gql, voter, poll, [0], first),
            vote(gql, voter, poll, [1], other),
        ]
    calls += [vote(gql, outsider, poll, [0], "x"), vote(gql, outsider, poll, [0], "y")]
    results = await asyncio.gather(*calls)

    def code(r):
        return r["errors"][0]["code"] if r["errors"] else ("duplicate" if r["duplicate"] else "new")

    rows = {r["user_id"]: r for r in await vote_rows(owner_db, county, poll)}
    for i, voter in enumerate(voters):
        got = [code(r) for r in results[3 * i : 3 * i + 3]]
        if rows[voter.user_id]["idempotency_key"] == keys[i][0]:
            assert sorted(got) == ["ALREADY_VOTED", "duplicate", "new"]
            assert got[2] == "ALREADY_VOTED"
        else:
            assert got == ["ALREADY_VOTED", "ALREADY_VOTED", "new"]
    assert [code(r) for r in results[-2:]] == ["NOT_ELIGIBLE", "NOT_ELIGIBLE"]
    assert sorted(rows) == sorted(v.user_id for v in voters)
    expected = [sum(1 for r in rows.values() if r["choices"] == [c]) for c in range(3)]
    closed = await ok(gql, CLOSE_POLL, {"p": poll}, county.admin.token)
    assert closed["poll"]["counts"] == expected
    assert closed["poll"]["totalVotes"] == 10
    assert (await event_types(owner_db, county, meeting)).count("vote.cast") == 10


async def test_votes_need_a_signed_in_active_account_of_the_county(server, gql, owner_db):
    county = await make_county(server)
    other = await make_county(server)
    voter, retired = await citizens(server, county, 2)
    meeting = await make_meeting(gql, county)
    await attend(gql, county, meeting, [voter.gid, retired.gid])
    poll = await open_poll(gql, county, meeting)
    await owner_db.execute(
        "UPDATE users SET is_active = false WHERE tenant_id = $1 AND id = $2",
        county.id,
        retired.user_id,
    )
    before = await snapshot(owner_db, county, meeting)
    variables = {"p": poll, "c": [0], "k": key()}
    anonymous = await gql.execute(VOTE, variables, tenant=county.slug)
    # the county was given, so the message asks for a sign-in, not for a county
    assert [(e["extensions"]["code"], e["message"]) for e in anonymous["errors"]] == [
        ("UNAUTHENTICATED", "请先登录")
    ]
    mismatch = await gql.execute(VOTE, variables, token=voter.token, tenant=other.slug)
    assert [e["extensions"]["code"] for e in mismatch["errors"]] == ["UNAUTHENTICATED"]
    forged = await gql.execute(VOTE, variables, token=voter.token[:-4] + "AAAA")
    assert [e["extensions"]["code"] for e in forged["errors"]] == ["UNAUTHENTICATED"]
    # A deactivated account is refused as for any request (one principal resolver); the
    # vote's own NOT_ELIGIBLE check covers a deactivation racing the vote.
    result = await gql.execute(VOTE, variables, token=retired.token)
    assert [(e["extensions"]["code"], e["message"]) for e in result["errors"]] == [
        ("UNAUTHENTICATED", "账号不存在或已停用")
    ]
    assert await snapshot(owner_db, county, meeting) == before
    assert await vote(gql, voter, poll, [0]) == ACCEPTED


async def test_a_retry_batched_behind_a_different_second_vote_is_still_a_duplicate(
    server, gql, owner_db
):
    """Given a recorded vote, a second vote (new key) and a retry of the first (same key)
    that land in one group-commit batch: the second vote is ALREADY_VOTED, the retry a
    duplicate — the second vote's refusal must not spill onto the retry."""
    from backend.core.security import Principal
    from backend.meetings import polls

    county = await make_county(server)
    (voter,) = await citizens(server, county, 1)
    meeting = await make_meeting(gql, county)
    await attend(gql, county, meeting, [voter.gid])
    poll = await open_poll(gql, county, meeting)
    assert await vote(gql, voter, poll, [0], "first") == ACCEPTED

    # when: both reach the stream's writer in the same tick, so they share a batch
    writer = server.services.writer
    principal = Principal(tenant_id=county.id, user_id=voter.user_id)
    second, retry = await asyncio.gather(
        polls.cast_vote(
            writer,
            db_id(meeting),
            principal,
            poll_id=db_id(poll),
            choices=[1],
            idempotency_key="second",
        ),
        polls.cast_vote(
            writer,
            db_id(meeting),
            principal,
            poll_id=db_id(poll),
            choices=[0],
            idempotency_key="first",
        ),
    )

    # then
    assert second.error is not None and second.error.code.value == "ALREADY_VOTED"
    assert retry.error is None and retry.duplicate
    assert [r["idempotency_key"] for r in await vote_rows(owner_db, county, poll)] == ["first"]


async def test_attendees_vote_over_their_meeting_socket_and_see_the_exact_tally(
    server, gql, owner_db
):
    """The live view's own socket carries the votes (graphql-transport-ws `subscribe` with
    the castVote mutation, answered by `next` + `complete`), several in flight at once."""
    county = await make_county(server)
    voters = await citizens(server, county, 8)
    meeting = await make_meeting(gql, county)
    await attend(gql, county, meeting, [v.gid for v in voters])
    poll = await open_poll(gql, county, meeting)
    sockets = [GraphQLWS(server.ws_url) for _ in voters]
    try:
        ops = []
        for ws, voter in zip(sockets, voters, strict=True):
            await ws.connect()
            await ws.init(voter.token)
            ops.append(await ws.subscribe(LIVE, {"m": meeting}))
        payloads = await asyncio.gather(
            *(
                ws.execute(VOTE, {"p": poll, "c": [i % 2], "k": key()})
                for i, ws in enumerate(sockets)
            )
        )
        again = await sockets[0].execute(VOTE, {"p": poll, "c": [1], "k": key()})
        unknown = await sockets[1].execute(VOTE, {"p": poll, "c": [7], "k": key()})
        closed = await ok(gql, CLOSE_POLL, {"p": poll}, county.admin.token)
        last = []
        for ws, op in zip(sockets, ops, strict=True):
            seen = await collect_until(ws, op, lambda e: e["type"] == "poll.closed")
            last.append(seen[-1]["data"]["poll"])
    finally:
        for ws in sockets:
            await ws.close()

    assert [p["data"]["castVote"] for p in payloads] == [ACCEPTED] * 8
    assert [(e["field"], e["code"]) for e in again["data"]["castVote"]["errors"]] == [
        ("pollId", "ALREADY_VOTED")
    ]
    assert [(e["field"], e["code"]) for e in unknown["data"]["castVote"]["errors"]] == [
        ("choices", "INVALID_CHOICE")
    ]
    rows = await vote_rows(owner_db, county, poll)
    assert sorted((r["user_id"], r["choices"]) for r in rows) == sorted(
        (v.user_id, [i % 2]) for i, v in enumerate(voters)
    )
    assert closed["poll"]["counts"] == [4, 4, 0] and closed["poll"]["totalVotes"] == 8
    assert all(p["counts"] == [4, 4, 0] and p["totalVotes"] == 8 for p in last)


async def test_an_invalid_vote_does_not_cost_a_valid_one_sent_with_it(server, gql, owner_db):
    """Choices are checked per vote inside the batch: a voter's invalid vote queued next to
    their valid one is refused alone, whichever of the two the batch meets first."""
    county = await make_county(server)
    voters = await citizens(server, county, 6)
    meeting = await make_meeting(gql, county)
    await attend(gql, county, meeting, [v.gid for v in voters])
    poll = await open_poll(gql, county, meeting)
    calls = []
    for i, voter in enumerate(voters):
        bad, good = vote(gql, voter, poll, [0, 0]), vote(gql, voter, poll, [2])
        calls += [bad, good] if i % 2 else [good, bad]
    results = await asyncio.gather(*calls)

    refused_codes = sorted(e["code"] for r in results for e in r["errors"])
    assert refused_codes == ["INVALID_CHOICE"] * 6
    assert sum(r == ACCEPTED for r in results) == 6
    assert [r["choices"] for r in await vote_rows(owner_db, county, poll)] == [[2]] * 6
    assert (await node(gql, POLL, poll, county.admin.token))["counts"] == [0, 0, 6]


async def test_a_vote_over_an_anonymous_socket_is_refused_as_over_http(server, gql):
    county = await make_county(server)
    (voter,) = await citizens(server, county, 1)
    meeting = await make_meeting(gql, county)
    await attend(gql, county, meeting, [voter.gid])
    poll = await open_poll(gql, county, meeting)
    async with GraphQLWS(server.ws_url) as ws:
        await ws.connect()
        await ws.init(None, tenant=county.slug)
        over_socket = await ws.execute(VOTE, {"p": poll, "c": [0], "k": key()})
    over_http = await gql.execute(VOTE, {"p": poll, "c": [0], "k": key()}, tenant=county.slug)
    assert over_socket["data"] is None
    refusals = [(e["extensions"]["code"], e["message"]) for e in over_socket["errors"]]
    assert refusals == [(e["extensions"]["code"], e["message"]) for e in over_http["errors"]]
    assert refusals == [("UNAUTHENTICATED", "请先登录")]


DIRECT_DOCUMENTS = [
    # plain, aliased, with __typename, and the error fields in another order
    VOTE,
    """mutation($p: ID!, $c: [Int!]!, $k: String!) { v: castVote(pollId: $p, choices: $c,
       idempotencyKey: $k) { __typename ok: accepted errors { __typename code msg: message } } }""",
    # not plain (a fragment; a field asked twice, merged): executed by graphql-core
    """mutation($p: ID!, $c: [Int!]!, $k: String!) { castVote(pollId: $p, choices: $c,
       idempotencyKey: $k) { ...F } } fragment F on VotePayload { accepted duplicate
       errors { field code } }""",
    """mutation($p: ID!, $c: [Int!]!, $k: String!) { castVote(pollId: $p, choices: $c,
       idempotencyKey: $k) { errors { code } accepted errors { message } } }""",
]


async def test_a_vote_over_the_socket_answers_exactly_as_over_http(server, gql, owner_db):
    """Votes over the socket skip graphql-core's executor (realtime.ws.direct_mutation)
    when the selection is plain; every answer must equal the one HTTP gives: accepted,
    duplicate, refused, an unknown poll, a malformed id, a variable of the wrong type."""
    from realtime import ws as realtime_ws

    county = await make_county(server)
    pair = await citizens(server, county, 2)
    meeting = await make_meeting(gql, county)
    await attend(gql, county, meeting, [v.gid for v in pair])
    poll = await open_poll(gql, county, meeting)
    other_poll = await open_poll(gql, county, meeting)
    direct_before = realtime_ws._direct_plan.cache_info().hits
    for n, document in enumerate(DIRECT_DOCUMENTS):
        cases = [
            {"p": poll, "c": [0], "k": f"same-{n}"},  # accepted (first time)
            {"p": poll, "c": [0], "k": f"same-{n}"},  # duplicate
            {"p": poll, "c": [1], "k": key()},  # ALREADY_VOTED
            {"p": other_poll, "c": [9], "k": key()},  # INVALID_CHOICE
            {"p": "UG9sbDo5OTk5OTk5", "c": [0], "k": key()},  # Poll:9999999, unknown
            {"p": "not-a-global-id", "c": [0], "k": key()},  # malformed
            {"p": poll, "c": "zero", "k": key()},  # wrong variable type
        ]
        voter_socket, voter_http = pair if n % 2 == 0 else pair[::-1]
        async with GraphQLWS(server.ws_url) as ws:
            await ws.connect()
            await ws.init(voter_socket.token)
            over_socket = [await ws.execute(document, case) for case in cases]
        # the other voter does the same over HTTP (its votes are its own, as are the
        # socket voter's): the answers must match key for key
        for case in cases[:2]:
            case["k"] = case["k"] + "-http"
        over_http = [await gql.execute(document, case, token=voter_http.token) for case in cases]
        await ok(gql, CLOSE_POLL, {"p": poll}, county.admin.token)
        poll = await open_poll(gql, county, meeting)
        assert _without_locations(over_socket) == _without_locations(over_http), document
    assert realtime_ws._direct_plan.cache_info().hits > direct_before
    settings = server.services.settings
    schema = build_schema(settings)
    limits = (settings.max_tokens, settings.max_query_depth, settings.max_aliases)
    plans = [
        realtime_ws._direct_plan(schema.socket, d, None, *limits) is not None
        for d in DIRECT_DOCUMENTS
    ]
    assert plans == [True, True, False, False]


def _without_locations(results):
    """Error messages and codes compared; request ids differ per request."""
    out = []
    for result in results:
        errors = [
            {k: v for k, v in e.items() if k != "locations"}
            | {
                "extensions": {
                    k: v for k, v in (e.get("extensions") or {}).items() if k != "requestId"
                }
            }
            for e in result.get("errors") or []
        ]
        out.append({"data": result.get("data"), "errors": errors})
    return out


async def test_the_tally_frame_budget_counts_every_poll_changing_at_once(server, gql, monkeypatch):
    """Live tallies: no more than the process's frame budget a second for all the values
    changing together — two polls voted on at once each get half of it."""
    from realtime.hub import channel_name

    hub = server.services.hub
    monkeypatch.setattr(hub, "live_budget", 4.0)  # frames a second, for this test
    county = await make_county(server)
    voters = await citizens(server, county, 2)
    meeting = await make_meeting(gql, county)
    await attend(gql, county, meeting, [v.gid for v in voters])
    first, second = await open_poll(gql, county, meeting), await open_poll(gql, county, meeting)
    feed_key = channel_name(hub.namespace, county.id, f"meeting:{db_id(meeting)}")
    async with GraphQLWS(server.ws_url) as a, GraphQLWS(server.ws_url) as b:
        await a.open(voters[0].token)
        await b.open(voters[1].token)
        await a.subscribe(LIVE, {"m": meeting})
        await b.subscribe(LIVE, {"m": meeting})
        await wait_until(
            lambda: (
                feed_key in hub.feeds
                and sum(len(g.members) for g in hub.feeds[feed_key].groups.values()) == 2
            ),
            "both watchers joined",
        )
        feed = hub.feeds[feed_key]
        await vote(gql, voters[0], first, [0])
        first_key = ("poll.tally", str(db_id(first)))
        await wait_until(lambda: feed._live.latest(first_key) is not None, "the tally arrived")
        one_changing = feed._live.interval
        # two polls' tallies arriving together (as from one vote batch), handed to the feed
        # as the hub does, with no pause between them
        for poll in (first, second):
            tally = {"pollId": db_id(poll), "counts": [1, 0, 0], "totalVotes": 1}
            feed.offer_live("poll.tally", str(db_id(poll)), 1000, tally)  # newer than any
        two_changing = feed._live.interval

    # two watchers, a budget of 4 frames/s: one poll changing → a tally every 0.5 s; two
    # polls changing at once → each every second
    assert one_changing == 0.5
    assert two_changing == 1.0
