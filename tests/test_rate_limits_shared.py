"""Rate budgets shared across workers (issue 9, abuse limits): with Redis every process
spends from the same bucket per user and per address (backend.core.limits.SharedBuckets),
so two workers do not give a client twice its budget; without Redis each process falls
back to its own buckets and nobody is refused for Redis being away."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import redis.asyncio as aioredis

from backend.core.limits import Action, Rate, RateLimited, RateLimits, RateSettings, SharedBuckets
from backend.people.models import Role
from tests.factories.meetings import attend, make_meeting
from tests.factories.people import make_user, next_phone
from tests.factories.tenants import make_county
from tests.meetings_api import CREATE_POLL, OPEN_POLL, VOTE, ok
from tests.test_realtime_cluster import REDIS_SERVER, RedisProcess, YishiProcess

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not REDIS_SERVER, reason="starts its own redis-server"),
]

LOGIN = """
mutation($phone: String!, $password: String!) {
  login(input: {phone: $phone, password: $password}) { tokens { accessToken } errors { code } }
}"""


def two_processes(
    redis_url: str, vote: Rate = Rate(3, 60.0), namespace: str = "yishi:test-shared"
) -> tuple[RateLimits, RateLimits]:
    """Two RateLimits as two workers would hold them: 3 votes per user a minute."""
    config = RateSettings(per_user={Action.VOTE: vote}, per_address={})
    limits = (RateLimits(config), RateLimits(config))
    for each in limits:
        each.shared = SharedBuckets(redis_url, namespace=namespace)
    return limits


async def close(*limits: RateLimits) -> None:
    for each in limits:
        if each.shared is not None:
            await each.shared.close()


async def spend(limits: RateLimits, user: str) -> float:
    """0.0 if the vote may go ahead, else the Retry-After it was refused with."""
    try:
        await limits.check(Action.VOTE, user=user, address="10.0.0.1")
    except RateLimited as refused:
        return refused.retry_after
    return 0.0


async def test_two_processes_on_one_redis_spend_one_budget_and_fall_back_without_it(tmp_path):
    # given: a private redis-server and two processes' limits on it
    redis = RedisProcess(tmp_path)
    await redis.start()
    first, second = two_processes(redis.url)
    try:
        # when: one user alternates between the processes; another user votes once
        spent = [await spend(first if i % 2 == 0 else second, "voter") for i in range(5)]
        neighbour = await spend(second, "neighbour")

        # then: three in all, not three each; the refusal says when to come back (a token
        # every 20 s)
        assert spent[:3] == [0.0, 0.0, 0.0]
        assert all(0 < wait <= 20 for wait in spent[3:]), spent
        assert neighbour == 0.0

        # when: Redis goes away
        redis.kill()
        alone = [await spend(first, "voter") for _ in range(4)]

        # then: the process answers from its own buckets (3 here), without an error
        assert alone[:3] == [0.0, 0.0, 0.0]
        assert 0 < alone[3] <= 20
        assert first.shared is not None and first.shared.failures == 1  # asked once, then not
    finally:
        await close(first, second)
        redis.stop()


async def test_a_check_answers_right_after_redis_forgot_the_script_or_a_check_timed_out(tmp_path):
    # given: a private redis-server, two processes' limits on it, a voter who spent their
    # three votes of the minute
    redis = RedisProcess(tmp_path)
    await redis.start()
    first, second = two_processes(redis.url)
    admin = aioredis.Redis.from_url(redis.url)
    try:
        assert [await spend(first, "voter") for _ in range(3)] == [0.0, 0.0, 0.0]

        # when: Redis forgets its scripts (SCRIPT FLUSH, as after a restart)
        await admin.script_flush()
        refused = await spend(second, "voter")
        neighbour = await spend(second, "neighbour")

        # then: the script is loaded again and the bucket is the same one
        assert 0 < refused <= 20 and neighbour == 0.0
        assert second.shared is not None and second.shared.failures == 0

        # when: Redis stalls past a check's timeout (the check falls back to the process's
        # own buckets), then answers again
        assert first.shared is not None
        connection = first.shared._redis._conn
        await admin.execute_command("CLIENT", "PAUSE", "800", "ALL")
        stalled = await spend(first, "neighbour")
        assert first.shared.failures == 1
        first.shared._down_until = 0.0  # ask Redis again at once
        await asyncio.sleep(1.0)
        after = [await spend(first, "voter"), await spend(first, "third")]

        # then: each later check gets its own answer (the stalled check's late reply is
        # dropped, not handed to the next one): the voter is still refused, a newcomer not
        assert stalled == 0.0
        assert 0 < after[0] <= 20 and after[1] == 0.0
        assert first.shared.failures == 1
        # and: the stall cost no connection (a timeout abandons its reply, nothing else)
        assert first.shared._redis._conn is connection and not connection.closed
    finally:
        await admin.aclose()
        await close(first, second)
        redis.stop()


async def spend_on_the_hot_path(limits: RateLimits, user: str) -> float:
    """As `spend`, the way a vote is checked (`behind`: the shared spend may follow it)."""
    try:
        await limits.check(Action.VOTE, user=user, address="10.0.0.1", behind=True)
    except RateLimited as refused:
        return refused.retry_after
    return 0.0


def finishes_without_waiting(check: Any) -> bool:
    """Whether a check coroutine ends (accepted or refused) on its first step, that is
    without waiting for Redis."""
    try:
        check.send(None)
    except StopIteration:
        return True
    except RateLimited:
        return True
    check.close()
    return False


async def tokens_in_redis(admin: Any, limits: RateLimits, kind: str, key: str) -> float:
    assert limits.shared is not None
    return float(await admin.hget(limits.shared.key(Action.VOTE, kind, key), "tokens"))


async def test_votes_spend_the_shared_budget_behind_them_while_there_is_room_exactly(tmp_path):
    # given: a private redis-server and two processes' limits on it, 8 votes a minute
    redis = RedisProcess(tmp_path)
    await redis.start()
    first, second = two_processes(redis.url, Rate(8, 60.0), "yishi:test-behind")
    assert first.shared is not None and second.shared is not None
    admin = aioredis.Redis.from_url(redis.url)
    try:
        # when: a voter goes from one process to the other in turn, ten times (each vote a
        # request over the network, answered after its batch commits: some milliseconds
        # apart, more than the spend that followed the one before takes to be answered)
        turns = []
        for i in range(10):
            turns.append(await spend_on_the_hot_path(first if i % 2 == 0 else second, "voter"))
            await asyncio.sleep(0.02)

        # then: eight in all, then refused on both, as with a check before each vote; and
        # some of them did not wait for Redis (their spend followed them)
        assert turns[:8] == [0.0] * 8
        assert all(0 < wait <= 8 for wait in turns[8:]), turns
        assert first.shared.spent_behind > 0 and second.shared.spent_behind > 0
        await asyncio.sleep(0.1)  # the last spends sent behind are answered
        assert await tokens_in_redis(admin, first, "user", "voter") < 1

        # when: a newcomer votes once (checked in Redis: this process has not seen them),
        # then again
        assert await spend_on_the_hot_path(first, "newcomer") == 0.0
        again = first.check(Action.VOTE, user="newcomer", address="10.0.0.1", behind=True)

        # then: the second vote goes ahead without waiting for Redis, and is spent there
        assert finishes_without_waiting(again)
        await asyncio.sleep(0.1)
        assert await tokens_in_redis(admin, first, "user", "newcomer") == pytest.approx(6, abs=0.1)

        # when: a third voter, seen once, sends twenty votes at once to one process
        assert await spend_on_the_hot_path(first, "burst") == 0.0
        burst = await asyncio.gather(*(spend_on_the_hot_path(first, "burst") for _ in range(20)))

        # then: seven more go through, not one beyond the budget (the spends let through go
        # to Redis before the checks that follow them), and the rest are refused
        assert sum(wait == 0.0 for wait in burst) == 7, burst
        await asyncio.sleep(0.1)
        assert await tokens_in_redis(admin, first, "user", "burst") == pytest.approx(0, abs=0.1)
    finally:
        await admin.aclose()
        await close(first, second)
        redis.stop()


@contextlib.asynccontextmanager
async def workers_on_redis(
    database_url: str, log_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[tuple[RedisProcess, YishiProcess, YishiProcess]]:
    """A private Redis and two `yishi serve` processes on it, with small budgets: 4 votes
    per user and 3 sign-ins per number per 10 minutes."""
    monkeypatch.setenv("RATE_VOTE_USER", "4/600s")
    monkeypatch.setenv("RATE_LOGIN_USER", "3/600s")
    redis = RedisProcess(log_dir)
    await redis.start()
    workers = (
        YishiProcess(database_url, redis.url, log_dir),
        YishiProcess(database_url, redis.url, log_dir),
    )
    try:
        await asyncio.gather(*(w.ready() for w in workers))
        yield redis, *workers
    finally:
        for w in workers:
            w.stop()
        redis.stop()


async def post(http: httpx.AsyncClient, query: str, variables: dict, **headers: str):
    response = await http.post(
        "/graphql", json={"query": query, "variables": variables}, headers=headers
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body
    (payload,) = body["data"].values()
    return payload, response.headers.get("Retry-After")


async def test_a_users_vote_and_sign_in_budgets_are_spent_across_two_workers(
    server, gql, database_url, tmp_path, monkeypatch
):
    # given: a live meeting with an open poll, a voter and a neighbour checked in, and an
    # account whose number is tried
    county = await make_county(server)
    meeting = await make_meeting(gql, county)
    voter = await make_user(server, county, roles=[(Role.CITIZEN, None)])
    neighbour = await make_user(server, county, roles=[(Role.CITIZEN, None)])
    await attend(gql, county, meeting, [voter.gid, neighbour.gid])
    created = await ok(
        gql, CREATE_POLL, {"m": meeting, "q": "是否同意", "o": ["同意", "反对"]}, county.admin.token
    )
    poll = created["poll"]["id"]
    await ok(gql, OPEN_POLL, {"p": poll}, county.admin.token)
    tried = next_phone()

    async with (
        workers_on_redis(database_url, tmp_path, monkeypatch) as (redis, a, b),
        httpx.AsyncClient(base_url=a.base_url, timeout=60) as on_a,
        httpx.AsyncClient(base_url=b.base_url, timeout=60) as on_b,
    ):
        # when: the voter sends one vote (and retries of it) to A and B in turn, six times
        bearer = {"Authorization": f"Bearer {voter.token}"}
        votes = [
            await post(
                on_a if i % 2 == 0 else on_b, VOTE, {"p": poll, "c": [0], "k": "v-1"}, **bearer
            )
            for i in range(6)
        ]
        other = await post(
            on_b, VOTE, {"p": poll, "c": [1], "k": "n-1"}, Authorization=f"Bearer {neighbour.token}"
        )
        # and: one number is tried with a wrong password on A and B in turn, five times
        tenant = {"X-Tenant": county.slug}
        sign_ins = [
            await post(
                on_b if i % 2 == 0 else on_a,
                LOGIN,
                {"phone": tried, "password": "wrong-pass-1"},
                **tenant,
            )
            for i in range(5)
        ]
        admin = aioredis.Redis.from_url(redis.url)
        rate_keys = [k.decode() for k in await admin.keys("*:rate}:*")]
        await admin.aclose()

    # and: the vote budgets were held by the meeting's owner worker (every vote of the
    # meeting reaches it), not in Redis; sign-in budgets are in Redis
    assert not [k for k in rate_keys if ":vote:" in k], rate_keys
    assert [k for k in rate_keys if ":login:" in k], rate_keys
    # then: four votes in all (one accepted, three duplicates), then refused on both workers
    # with Retry-After (a token every 150 s); the neighbour's vote was not held back
    assert [(p["accepted"], p["duplicate"]) for p, _ in votes[:4]] == [(True, False)] + [
        (True, True)
    ] * 3
    assert [[e["code"] for e in p["errors"]] for p, _ in votes] == [[]] * 4 + [["RATE_LIMITED"]] * 2
    assert [after for _, after in votes[:4]] == [None] * 4
    assert all(0 < int(after) <= 150 for _, after in votes[4:]), votes
    assert other[0]["accepted"] is True and other[1] is None
    # and: three sign-in attempts in all, then refused on both workers (a token every 200 s)
    codes = [[e["code"] for e in p["errors"]] for p, _ in sign_ins]
    assert codes == [["INVALID_CREDENTIALS"]] * 3 + [["RATE_LIMITED"]] * 2
    assert [after for _, after in sign_ins[:3]] == [None] * 3
    assert all(0 < int(after) <= 200 for _, after in sign_ins[3:]), sign_ins
