"""The seams of issue 10 that auth owns: sign-in throttled in the service (whoever calls
it), argon2 off the event loop with no connection held while it runs, and the batched unit
of work (`schema.mutations.mutate_on_stream`) of castVote and castScoringBallot."""

from __future__ import annotations

import asyncio
import contextlib
import threading
import uuid

import pytest

from backend.core.errors import DomainError
from backend.core.limits import Action, Rate
from backend.people import service as people
from backend.people.models import Role
from tests.factories.meetings import attend, make_meeting
from tests.factories.people import PASSWORD, make_user, next_phone
from tests.factories.tenants import make_county
from tests.meetings_api import CAST_BALLOT, OPEN_SCORING, VOTE, db_id, key, ok
from tests.realtime_client import GraphQLWS

LOGIN = """
mutation($phone: String!, $password: String!) {
  login(input: {phone: $phone, password: $password}) {
    tokens { accessToken } errors { field code message } } }"""
OPERATOR_LOGIN = """
mutation($u: String!, $p: String!) {
  operatorLogin(username: $u, password: $p) { tokens { accessToken } errors { field code } } }"""
REGISTER = """
mutation($name: String!, $phone: String!, $password: String!) {
  register(displayName: $name, phone: $phone, password: $password) {
    tokens { accessToken } errors { field code } } }"""
CHANGE_PASSWORD = """
mutation($old: String!, $new: String!) {
  changePassword(oldPassword: $old, newPassword: $new) { ok tokens { accessToken } errors { code } } }"""


@contextlib.contextmanager
def budgets(server, action: Action, *, per_user: Rate | None, per_address: Rate | None):
    """Other budgets for `action` during the block (full buckets), then the old ones."""
    limits = server.services.limits
    old_user, old_address = limits.budgets(action)
    limits.replace(action, per_user=per_user, per_address=per_address)
    try:
        yield
    finally:
        limits.replace(action, per_user=old_user, per_address=old_address)


def rules(server) -> people.SignInRules:
    return people.SignInRules.from_settings(server.services.settings)


async def sign_in(server, county, phone: str, password: str) -> people.Tokens:
    """A sign-in as the CLI or a data channel makes it: the service, no GraphQL."""
    services = server.services
    return await people.sign_in(
        services.db,
        services.passwords,
        tenant_id=county.id,
        phone=phone,
        password=password,
        rules=rules(server),
    )


async def make_operator(server) -> tuple[str, str]:
    username, password = f"op-{uuid.uuid4().hex[:10]}", "operator-pass-123"
    async with server.services.db.platform_transaction() as session:
        await people.ensure_operator(
            session, server.services.passwords, username=username, password=password
        )
    return username, password


# -- sign-in failures are counted by the service -------------------------------------------


async def test_wrong_passwords_through_the_service_lock_the_number_for_the_api_too(
    server, gql, owner_db
):
    # given
    county = await make_county(server)
    member = await make_user(server, county)
    limit = server.services.settings.login_max_failures

    # when: `limit` wrong passwords by a direct service call (the CLI's, a data channel's)
    codes = []
    for i in range(limit):
        with pytest.raises(DomainError) as wrong:
            await sign_in(server, county, member.phone, f"wrong-{i}")
        codes.append((wrong.value.field, wrong.value.code.value))

    # then: each was refused and counted; the number is locked for the service and the API
    assert codes == [("password", "INVALID_CREDENTIALS")] * limit
    with pytest.raises(DomainError) as locked:
        await sign_in(server, county, member.phone, PASSWORD)
    assert (locked.value.field, locked.value.code.value) == ("phone", "TOO_MANY_ATTEMPTS")
    over_api = (
        await gql.data(LOGIN, {"phone": member.phone, "password": PASSWORD}, tenant=county.slug)
    )["login"]
    assert over_api["tokens"] is None
    assert [(e["field"], e["code"]) for e in over_api["errors"]] == [("phone", "TOO_MANY_ATTEMPTS")]
    assert await owner_db.fetchval(
        "SELECT failures FROM login_throttles WHERE tenant_id = $1", county.id
    ) == (limit)
    assert (
        await owner_db.fetchval(
            "SELECT count(*) FROM refresh_tokens WHERE tenant_id = $1", county.id
        )
        == 0
    )


async def test_a_right_password_through_the_service_clears_the_count(server, owner_db):
    county = await make_county(server)
    member = await make_user(server, county)
    for i in range(server.services.settings.login_max_failures - 1):
        with pytest.raises(DomainError):
            await sign_in(server, county, member.phone, f"wrong-{i}")

    tokens = await sign_in(server, county, member.phone, PASSWORD)

    assert tokens.access_token and tokens.user is not None
    assert tokens.user.id == member.user_id
    assert (
        await owner_db.fetchval(
            "SELECT count(*) FROM login_throttles WHERE tenant_id = $1", county.id
        )
        == 0
    )


async def test_concurrent_wrong_guesses_are_counted_before_any_is_checked(server, gql, owner_db):
    # given: no per-number rate limit, so only the lockout stands between a guesser and
    # the password
    county = await make_county(server)
    member = await make_user(server, county)
    limit = server.services.settings.login_max_failures

    # when: three times the lockout's guesses at once
    with budgets(server, Action.LOGIN, per_user=None, per_address=None):
        results = await asyncio.gather(
            *(
                gql.data(
                    LOGIN, {"phone": member.phone, "password": f"guess-{i}"}, tenant=county.slug
                )
                for i in range(3 * limit)
            )
        )

    # then: exactly `limit` of them were checked; the others were refused as locked
    codes = sorted(r["login"]["errors"][0]["code"] for r in results)
    assert codes == ["INVALID_CREDENTIALS"] * limit + ["TOO_MANY_ATTEMPTS"] * (2 * limit)
    assert await owner_db.fetchval(
        "SELECT failures FROM login_throttles WHERE tenant_id = $1", county.id
    ) == (limit)


async def test_wrong_operator_passwords_through_the_service_lock_the_operator(server, gql):
    username, password = await make_operator(server)
    services = server.services
    for i in range(services.settings.login_max_failures):
        with pytest.raises(DomainError) as wrong:
            await people.operator_sign_in(
                services.db,
                services.passwords,
                username=username,
                password=f"x-{i}",
                rules=rules(server),
            )
        assert wrong.value.code.value == "INVALID_CREDENTIALS"

    over_api = (await gql.data(OPERATOR_LOGIN, {"u": username, "p": password}))["operatorLogin"]

    assert over_api["tokens"] is None
    assert [(e["field"], e["code"]) for e in over_api["errors"]] == [
        ("username", "TOO_MANY_ATTEMPTS")
    ]


# -- argon2 off the event loop, no connection held while it runs ----------------------------


@contextlib.asynccontextmanager
async def held_password_pool(server):
    """Every thread of the server's password pool busy until the block ends."""
    passwords = server.services.passwords
    release = threading.Event()
    loop = asyncio.get_running_loop()
    # The pool's own executor (private): nothing else can occupy its threads on demand.
    blockers = [
        loop.run_in_executor(passwords._pool, release.wait) for _ in range(passwords.threads)
    ]
    try:
        yield passwords
    finally:
        release.set()
        await asyncio.gather(*blockers)


async def wait_for_pending(passwords, n: int) -> None:
    for _ in range(500):
        if passwords.pending >= n:
            return
        await asyncio.sleep(0.01)
    raise AssertionError("nothing waited for the password pool")


@pytest.mark.parametrize("mutation", ["login", "register", "changePassword", "operatorLogin"])
async def test_password_work_waits_for_the_pool_with_the_loop_free_and_no_connection_held(
    server, gql, mutation
):
    # given: a county member and an operator, and the connections in use (a previous
    # test's may still be going back to the pool)
    county = await make_county(server)
    member = await make_user(server, county)
    username, operator_password = await make_operator(server)
    db = server.services.db
    request = {
        "login": (LOGIN, {"phone": member.phone, "password": PASSWORD}, {"tenant": county.slug}),
        "register": (
            REGISTER,
            {"name": "新群众", "phone": next_phone(), "password": "new-password-1"},
            {"tenant": county.slug},
        ),
        "changePassword": (
            CHANGE_PASSWORD,
            {"old": PASSWORD, "new": "another-pass-2"},
            {"token": member.token},
        ),
        "operatorLogin": (OPERATOR_LOGIN, {"u": username, "p": operator_password}, {}),
    }[mutation]
    in_use = (db.app_engine.pool.checkedout(), db.platform_engine.pool.checkedout())

    async with held_password_pool(server) as passwords:
        # when: the mutation is sent while every argon2 thread is busy
        sent = asyncio.create_task(gql.data(request[0], request[1], **request[2]))
        await wait_for_pending(passwords, 1)

        # then: it waits for the pool, not on the loop (other requests are answered) and
        # without a connection of either pool
        assert not sent.done()
        assert await gql.data("{ __typename }") == {"__typename": "Query"}
        assert db.app_engine.pool.checkedout() <= in_use[0]
        assert db.platform_engine.pool.checkedout() <= in_use[1]
    # …and goes through once the pool is free
    payload = (await sent)[mutation]
    assert payload["errors"] == [] and payload["tokens"]["accessToken"]


# -- castVote and castScoringBallot: one batched unit of work -------------------------------


async def scoring_sheet(server, gql):
    county = await make_county(server)
    voter = await make_user(server, county, roles=[(Role.CITIZEN, None)])
    meeting = await make_meeting(gql, county)
    await attend(gql, county, meeting, [voter.gid])
    opened = await ok(
        gql,
        OPEN_SCORING,
        {"m": meeting, "t": "满意度测评", "g": ["县住建委"], "s": "SATISFACTION"},
        county.admin.token,
    )
    return county, voter, meeting, opened["sheet"]["id"]


async def operator_token(server, gql) -> str:
    username, password = await make_operator(server)
    body = await gql.data(OPERATOR_LOGIN, {"u": username, "p": password})
    return body["operatorLogin"]["tokens"]["accessToken"]


async def test_an_operator_cannot_cast_a_scoring_ballot(server, gql):
    # given
    county, _, _, sheet = await scoring_sheet(server, gql)
    token = await operator_token(server, gql)

    # when
    body = await gql.execute(CAST_BALLOT, {"s": sheet, "a": ["满意"]}, token=token)

    # then: refused as castVote refuses operators, and nothing is pending
    assert [e["extensions"]["code"] for e in body["errors"]] == ["FORBIDDEN"]
    assert body["errors"][0]["message"] == "只有县内用户可以参加测评"
    from backend.meetings.models import ScoringSheet

    async with server.services.db.transaction(tenant_id=county.id) as session:
        row = await session.get(ScoringSheet, db_id(sheet))
    assert row is not None
    assert await server.services.ballots.pending(row) == 0


async def test_scoring_ballots_spend_the_vote_budget_before_anything_is_read(server, gql):
    # given: one vote an hour per user
    _, voter, _, sheet = await scoring_sheet(server, gql)
    with budgets(server, Action.VOTE, per_user=Rate(1, 3600), per_address=None):
        # when: the voter's one action is a ballot, then a second ballot, then a vote
        first = (await gql.data(CAST_BALLOT, {"s": sheet, "a": ["满意"]}, token=voter.token))[
            "castScoringBallot"
        ]
        second = (await gql.data(CAST_BALLOT, {"s": sheet, "a": ["满意"]}, token=voter.token))[
            "castScoringBallot"
        ]
        async with GraphQLWS(server.ws_url) as ws:
            await ws.open(voter.token)
            vote = await ws.execute(VOTE, {"p": "UG9sbDox", "c": [0], "k": key()})

    # then: the first is pending; the second and the vote are RATE_LIMITED (the vote before
    # its poll id is even looked at)
    assert (first["accepted"], first["status"], first["errors"]) == (True, "PENDING", [])
    assert (second["accepted"], second["status"]) == (False, None)
    assert [e["code"] for e in second["errors"]] == ["RATE_LIMITED"]
    assert [e["code"] for e in vote["data"]["castVote"]["errors"]] == ["RATE_LIMITED"]


async def test_a_storm_of_sign_ins_waits_its_turn_and_leaves_the_connections_to_others(server, gql):
    # given: more accounts than turns (few: on a loaded machine each check takes long), and
    # every argon2 thread busy
    county = await make_county(server)
    members = [await make_user(server, county) for _ in range(server.services.passwords.turns + 2)]
    db = server.services.db
    in_use = db.app_engine.pool.checkedout()

    async with held_password_pool(server) as passwords:
        # when: all of them sign in at once
        storm = [
            asyncio.create_task(
                gql.data(LOGIN, {"phone": m.phone, "password": PASSWORD}, tenant=county.slug)
            )
            for m in members
        ]
        await wait_for_pending(passwords, passwords.turns)
        await asyncio.sleep(0.2)  # would any more get past their turn?

        # then: only `turns` of them got as far as the password check; the others wait
        # holding nothing, and a write of someone else's goes through meanwhile
        assert passwords.pending == passwords.turns < len(members)
        assert db.app_engine.pool.checkedout() <= in_use
        created = await ok(
            gql,
            "mutation($p: ID!) { createOrgUnit(input: {parentId: $p, kind: TOWNSHIP, "
            'name: "北屏乡"}) { orgUnit { id } errors { code } } }',
            {"p": county.root_gid},
            county.admin.token,
        )
        assert created["orgUnit"]["id"]
        assert not any(task.done() for task in storm)
    # …and every sign-in goes through once the pool is free
    results = await asyncio.gather(*storm)
    assert all(r["login"]["errors"] == [] and r["login"]["tokens"] for r in results)
