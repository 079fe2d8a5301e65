"""Resource limits (issue 9, findings 3 and 4, abuse limits): memory nobody can grow without
bound (the county directory, the document cache), request sizes refused before they are read
(413, 431), list inputs refused before they are coerced, and rate limits per user and per
address that refuse one client without slowing its neighbours."""

from __future__ import annotations

import asyncio
import contextlib
import json
import math
import time

import httpx
import pytest
from pydantic import ValidationError

from backend.core.limits import Action, Rate, RateLimited, RateLimits, RateSettings, TokenBucket
from backend.core.settings import Settings
from backend.people.models import Role
from schema.schema import build_schema
from tenants.directory import TenantDirectory
from tests.conftest import county_rows
from tests.factories.meetings import attend, make_meeting
from tests.factories.people import PASSWORD, make_user, next_phone
from tests.factories.tenants import make_county
from tests.meetings_api import CREATE_POLL, OPEN_POLL, POST_COMMENT, VOTE, db_id, key, ok
from tests.realtime_client import GraphQLWS

VIEWER = "{ viewer { county { slug } } }"
LOGIN = """
mutation($phone: String!, $password: String!) {
  login(input: {phone: $phone, password: $password}) {
    tokens { accessToken } errors { field code message }
  }
}"""
REGISTER = """
mutation($name: String!, $phone: String!, $password: String!) {
  register(displayName: $name, phone: $phone, password: $password) {
    tokens { accessToken } errors { field code message }
  }
}"""
MEETINGS_BY_STATE = (
    "query($s: [MeetingState!]) { meetings(first: 1, states: $s) { edges { cursor } } }"
)


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


async def post(server, **kw) -> httpx.Response:
    async with httpx.AsyncClient(base_url=server.base_url, timeout=30) as http:
        return await http.post("/graphql", **kw)


async def open_poll(gql, county, meeting) -> str:
    created = await ok(
        gql, CREATE_POLL, {"m": meeting, "q": "是否同意", "o": ["同意", "反对"]}, county.admin.token
    )
    poll = created["poll"]["id"]
    await ok(gql, OPEN_POLL, {"p": poll}, county.admin.token)
    return poll


async def voters_and_poll(server, gql, n: int):
    county = await make_county(server)
    people = [
        await make_user(server, county, roles=[(Role.CITIZEN, None)], name=f"群众{i}")
        for i in range(n)
    ]
    meeting = await make_meeting(gql, county)
    await attend(gql, county, meeting, [p.gid for p in people])
    return county, people, meeting, await open_poll(gql, county, meeting)


async def vote_count(owner_db, county, poll) -> int:
    return await owner_db.fetchval(
        "SELECT count(*) FROM votes WHERE tenant_id = $1 AND poll_id = $2", county.id, db_id(poll)
    )


def codes(body: dict) -> list[str]:
    return [e["extensions"]["code"] for e in body.get("errors", [])]


# -- memory: the county directory -------------------------------------------------------


async def test_slugs_that_cannot_be_valid_are_refused_without_a_lookup_or_an_echo(server, gql):
    # given: the directory as it is, and 300 different 4 KB "slugs"
    directory = server.services.tenants
    before = len(directory)

    # when
    answers = [await gql.execute(VIEWER, tenant=f"x{i:05d}" + "a" * 4096) for i in range(300)]

    # then: a clear refusal that does not repeat the header, and nothing kept
    assert {tuple(codes(a)) for a in answers} == {("UNAUTHENTICATED",)}
    assert {a["errors"][0]["message"] for a in answers} == {"县标识格式无效"}
    assert len(directory) == before


async def test_the_directory_keeps_a_bounded_number_of_slugs_and_forgets_unknown_ones(server):
    # given: a directory of at most 50 slugs; unknown ones remembered 0.2 s
    county = await make_county(server)
    directory = TenantDirectory(server.services.db, max_entries=50, negative_ttl=0.2)

    # when: 200 unknown well-formed slugs, then a real county
    unknown = [await directory.resolve(f"nowhere-{i}") for i in range(200)]
    found = await directory.resolve(county.slug)

    # then
    assert unknown == [None] * 200
    assert found == county.id
    assert len(directory) == 50
    assert await directory.resolve(county.slug) == county.id  # still cached, 60 s


# -- memory: the document cache ---------------------------------------------------------


async def test_a_query_text_above_the_limit_is_refused_before_parsing(server, gql):
    # given: a valid query padded with a comment past MAX_QUERY_CHARS
    limit = server.services.settings.max_query_chars
    query = "{ __typename }\n#" + "x" * limit

    # when
    body = await gql.execute(query)

    # then
    assert codes(body) == ["GRAPHQL_VALIDATION_FAILED"]
    assert body["errors"][0]["message"] == f"查询文本过长（{len(query)}个字符，上限{limit}）"


async def test_distinct_large_queries_do_not_grow_the_document_cache_past_its_budget(server, gql):
    # given
    cache = build_schema(server.services.settings).document_cache
    budget = cache.documents.max_weight
    assert budget is not None

    # when: 60 distinct 90,000-character queries (5.4 M characters in all)
    for i in range(60):
        body = await gql.execute(f"{{ __typename }}\n# {i} " + "x" * 90_000)
        assert body == {"data": {"__typename": "Query"}}

    # then: what is kept stays within the budget
    assert cache.documents.weight <= budget
    assert cache.validations.weight <= budget
    assert len(cache.documents) <= budget // 90_000


# -- request sizes --------------------------------------------------------------------------


async def test_a_body_above_the_limit_is_refused_with_413_before_it_is_read(server, gql):
    # given: a 2 MiB body, announced and then streamed without a length
    limit = server.services.settings.max_body_bytes
    big = b'{"query": "{ __typename }", "variables": {"x": "' + b"a" * (2 * limit) + b'"}}'

    async def chunks():
        for start in range(0, len(big), 65536):
            yield big[start : start + 65536]

    # when
    announced = await post(server, content=big, headers={"content-type": "application/json"})
    streamed = await post(server, content=chunks(), headers={"content-type": "application/json"})

    # then
    for response in (announced, streamed):
        assert response.status_code == 413
        (error,) = response.json()["errors"]
        assert error["extensions"] == {"code": "PAYLOAD_TOO_LARGE", "limit": limit}
        assert error["message"] == f"请求体过大（上限 {limit} 字节）"
    assert "content-length" not in streamed.request.headers
    assert (await gql.data("{ __typename }")) == {"__typename": "Query"}


async def test_a_json_body_of_too_many_values_is_refused_with_413_before_it_is_parsed(
    server, gql, owner_db
):
    # given: a castVote under the size limit but with 520,000 choices
    county, (voter,), _, poll = await voters_and_poll(server, gql, 1)
    limit = server.services.settings.max_json_values
    body = json.dumps(
        {"query": VOTE, "variables": {"p": poll, "c": [0] * 520_000, "k": key()}},
        separators=(",", ":"),
    ).encode()
    assert len(body) < server.services.settings.max_body_bytes

    # when
    response = await post(
        server,
        content=body,
        headers={"content-type": "application/json", "authorization": f"Bearer {voter.token}"},
    )

    # then
    assert response.status_code == 413
    (error,) = response.json()["errors"]
    assert error["extensions"] == {"code": "PAYLOAD_TOO_COMPLEX", "limit": limit}
    values = sum(body.count(c) for c in (b",", b"[", b"{"))  # the rule: an upper bound
    assert values > 520_000
    assert error["message"] == f"请求体包含的值过多（{values}个以上，上限 {limit}）"
    assert await vote_count(owner_db, county, poll) == 0


async def test_a_header_value_above_the_limit_is_refused_with_431_and_not_echoed(server):
    # given
    limit = server.services.settings.max_header_bytes

    # when: a 1 MB X-Tenant, and an Authorization just over the limit
    query = {"query": "{ __typename }"}
    tenant = await post(server, json=query, headers={"x-tenant": "a" * 1_000_000})
    auth = await post(server, json=query, headers={"authorization": "Bearer " + "t" * limit})

    # then
    for response, header in ((tenant, "x-tenant"), (auth, "authorization")):
        assert response.status_code == 431
        (error,) = response.json()["errors"]
        assert error["extensions"] == {"code": "HEADER_TOO_LARGE", "header": header, "limit": limit}
        assert len(response.content) < 500
        assert all(len(v) < 200 for v in response.headers.values())


# -- list inputs ------------------------------------------------------------------------------


async def test_lists_longer_than_their_cap_are_refused_before_execution(server, gql, owner_db):
    # given
    county, (voter,), _, poll = await voters_and_poll(server, gql, 1)
    cap = server.services.settings.max_list_items

    # when: choices over the general cap, over castVote's own cap (20), as a literal, and a
    # list in another argument over the general cap
    huge = await gql.execute(VOTE, {"p": poll, "c": [0] * 5000, "k": key()}, token=voter.token)
    over_domain = await gql.execute(VOTE, {"p": poll, "c": [0] * 21, "k": key()}, token=voter.token)
    zeros = ",".join(["0"] * 21)
    literal = await gql.execute(
        f'mutation($p: ID!) {{ castVote(pollId: $p, choices: [{zeros}], idempotencyKey: "k1") '
        "{ accepted } }",
        {"p": poll},
        token=voter.token,
    )
    states = await gql.execute(
        MEETINGS_BY_STATE, {"s": ["LIVE"] * (cap + 1)}, token=county.admin.token
    )

    # then
    assert [codes(b) for b in (huge, over_domain, literal, states)] == [["BAD_USER_INPUT"]] * 4
    assert huge["errors"][0]["message"] == "参数 choices 最多20项，收到5000项"
    assert over_domain["errors"][0]["message"] == "参数 choices 最多20项，收到21项"
    assert literal["errors"][0]["message"] == "参数 choices 最多20项，收到21项"
    assert states["errors"][0]["message"] == f"变量 $s 最多{cap}项，收到{cap + 1}项"
    assert [b["data"] for b in (huge, over_domain, literal, states)] == [None] * 4
    assert await vote_count(owner_db, county, poll) == 0
    # …and a vote within the caps still counts
    fine = await gql.data(VOTE, {"p": poll, "c": [0], "k": key()}, token=voter.token)
    assert fine["castVote"]["accepted"] is True


# -- query cost -------------------------------------------------------------------------------

#: 100 meetings × 100 comments × 3 fields: 2 + 100 × (3 + 100 × 3) = 30,302.
NESTED_PAGES = """
query($inner: Int = 100) { meetings(first: 100) { edges { node {
  comments(first: $inner) { edges { node { id body } } }
} } } }"""


async def test_an_operation_above_the_cost_budget_is_refused_before_it_runs(server, gql, owner_db):
    # given: a mutation that would write, with a payload that lists children five deep
    # (every unpaged list counts 10 times what is under it)
    county = await make_county(server)
    budget = server.services.settings.max_query_cost
    deep = "children { " * 4 + "id name" + " }" * 4
    create = (
        'mutation($p: ID!) { createOrgUnit(input: {parentId: $p, kind: TOWNSHIP, name: "贵乡"}) '
        "{ orgUnit { " + deep + " } errors { code } } }"
    )
    before = await county_rows(owner_db, county.id)

    # when
    nested = await gql.execute(NESTED_PAGES, token=county.admin.token)
    smaller = await gql.execute(NESTED_PAGES, {"inner": 10}, token=county.admin.token)
    halved = await gql.execute(
        NESTED_PAGES.replace("$inner: Int = 100", "$inner: Int = 50"), token=county.admin.token
    )
    written = await gql.execute(create, {"p": county.root_gid}, token=county.admin.token)

    # then: refused with the cost and the budget named; a variable counts as its default
    # (or the largest page) whatever value it is given, since the document is judged once
    assert budget == 20_000
    assert nested == smaller
    (error,) = nested["errors"]
    assert nested["data"] is None
    assert error["extensions"] == {
        "code": "GRAPHQL_VALIDATION_FAILED",
        "cost": 30_302,
        "maxCost": budget,
    }
    assert error["message"] == (
        "查询的估算代价为30302，超过上限20000（分页的 first 与嵌套列表相乘；请减小 first 或拆分查询）"
    )
    assert "errors" not in halved, halved  # 2 + 100 × (3 + 50 × 3) = 15,302
    assert codes(written) == ["GRAPHQL_VALIDATION_FAILED"]
    assert written["errors"][0]["extensions"]["cost"] > budget
    assert await county_rows(owner_db, county.id) == before


def test_the_cost_of_fragments_is_counted_once_per_use_and_computed_in_linear_time():
    # given: fragments that each spread the one before twice, 2**40 uses in all
    from graphql import parse, validate

    from schema.limits import query_cost_rule

    schema = build_schema(Settings(environment="test", database_url="postgresql://x/y"))
    chain = ["fragment F0 on Query { viewer { roles } }"]
    chain += [f"fragment F{i} on Query {{ ...F{i - 1} ...F{i - 1} }}" for i in range(1, 41)]
    document = parse("{ ...F40 } " + " ".join(chain))

    # when
    (error,) = validate(schema._schema, document, [query_cost_rule(1000)])

    # then: each use costs viewer + roles (2), 2**40 uses
    assert error.extensions["cost"] == 2 * 2**40


# -- rate limits -------------------------------------------------------------------------------


async def test_a_token_bucket_refills_evenly_and_keeps_a_bounded_number_of_keys():
    # given: 2 actions per second, at most 3 keys, a clock we move
    now = [0.0]
    limits = RateLimits(
        RateSettings(per_user={Action.VOTE: Rate(2, 1.0)}, per_address={}, max_keys=3),
        clock=lambda: now[0],
    )
    bucket = TokenBucket(Rate(2, 1.0), max_keys=3, clock=lambda: now[0])

    # when / then: two at once, the third waits half a second
    await limits.check(Action.VOTE, user="a", address=None)
    await limits.check(Action.VOTE, user="a", address=None)
    with pytest.raises(RateLimited) as refused:
        await limits.check(Action.VOTE, user="a", address=None)
    assert (refused.value.code.value, refused.value.retry_after) == ("RATE_LIMITED", 1)
    assert refused.value.message == "操作过于频繁，请1秒后再试"
    now[0] = 0.5
    await limits.check(Action.VOTE, user="a", address=None)
    # keys beyond the bound push out the least recently used
    for k in "abcdef":
        bucket.take(k)
    assert len(bucket) == 3


def test_rate_settings_must_have_the_documented_form():
    assert Rate.parse("20/1s") == Rate(20, 1.0)
    assert Rate.parse("600/60") == Rate(600, 60.0)
    assert Rate.parse("0") is None and Rate.parse("off") is None
    with pytest.raises(ValidationError, match="rate must look like"):
        Settings(rate_vote_user="many")


async def test_a_user_over_the_vote_budget_is_refused_and_another_users_vote_is_not(
    server, gql, owner_db
):
    # given: 3 votes an hour per user (nothing refills during the test), no address budget
    county, (flooder, neighbour), _, poll = await voters_and_poll(server, gql, 2)
    with budgets(server, Action.VOTE, per_user=Rate(3, 3600), per_address=None):
        # when: the flooder sends 40 votes at once while the neighbour votes
        flood = [
            gql.http.post(
                "/graphql",
                json={"query": VOTE, "variables": {"p": poll, "c": [0], "k": key()}},
                headers={"Authorization": f"Bearer {flooder.token}"},
            )
            for _ in range(40)
        ]

        async def neighbour_vote():
            result = await gql.data(VOTE, {"p": poll, "c": [1], "k": key()}, token=neighbour.token)
            return result["castVote"]

        *responses, theirs = await asyncio.gather(*flood, neighbour_vote())
        # …and once more over the meeting socket (the same check)
        async with GraphQLWS(server.ws_url) as ws:
            await ws.open(flooder.token)
            over_ws = await ws.execute(VOTE, {"p": poll, "c": [0], "k": key()})

    # then: the flooder got 1 vote in, 2 refusals as a repeat, then RATE_LIMITED with a
    # Retry-After; the neighbour's vote counted (how much a flood delays others is measured
    # by bench/floods.py, not asserted here)
    payloads = [r.json()["data"]["castVote"] for r in responses]
    limited = [p for p in payloads if p["errors"] and p["errors"][0]["code"] == "RATE_LIMITED"]
    assert len(limited) == 37
    assert sum(p["accepted"] for p in payloads) == 1
    assert {p["errors"][0]["message"] for p in limited} <= {
        f"操作过于频繁，请{s}秒后再试" for s in range(1100, 1201)
    }
    limited_responses = [r for r, p in zip(responses, payloads, strict=True) if p in limited]
    assert all(1100 <= int(r.headers["retry-after"]) <= 1200 for r in limited_responses)
    assert over_ws["data"]["castVote"]["errors"][0]["code"] == "RATE_LIMITED"
    assert theirs == {"accepted": True, "duplicate": False, "errors": []}
    assert await vote_count(owner_db, county, poll) == 2


async def test_an_address_over_the_comment_budget_is_refused_whoever_posts(server, gql, owner_db):
    # given: 2 comments a minute per address (the test clients all come from 127.0.0.1)
    county = await make_county(server)
    a, b = [await make_user(server, county, roles=[(Role.CITIZEN, None)]) for _ in range(2)]
    meeting = await make_meeting(gql, county)
    await attend(gql, county, meeting, [a.gid, b.gid])
    with budgets(server, Action.COMMENT, per_user=None, per_address=Rate(2, 60)):
        # when
        first = await gql.data(POST_COMMENT, {"m": meeting, "b": "一"}, token=a.token)
        second = await gql.data(POST_COMMENT, {"m": meeting, "b": "二"}, token=b.token)
        third = await gql.data(POST_COMMENT, {"m": meeting, "b": "三"}, token=b.token)

    # then
    assert first["postComment"]["errors"] == second["postComment"]["errors"] == []
    (error,) = third["postComment"]["errors"]
    assert (error["field"], error["code"]) == (None, "RATE_LIMITED")
    assert error["message"] in {f"操作过于频繁，请{s}秒后再试" for s in range(20, 31)}
    assert third["postComment"]["comment"] is None
    assert (
        await owner_db.fetchval(
            "SELECT count(*) FROM meeting_comments WHERE tenant_id = $1", county.id
        )
        == 2
    )


async def test_sign_in_attempts_for_one_number_are_limited_and_other_numbers_are_not(server, gql):
    # given: 3 sign-ins an hour per number (an hour: a slow machine refills nothing)
    county = await make_county(server)
    member, other = await make_user(server, county), await make_user(server, county)
    _, per_address = server.services.limits.budgets(Action.LOGIN)
    with budgets(server, Action.LOGIN, per_user=Rate(3, 3600), per_address=per_address):
        # when: one more attempt than the budget (with the right password: not a lockout)
        started = time.monotonic()
        attempts = [
            await post(
                server,
                headers={"x-tenant": county.slug},
                json={"query": LOGIN, "variables": {"phone": member.phone, "password": PASSWORD}},
            )
            for _ in range(4)
        ]
        others = await gql.data(
            LOGIN, {"phone": other.phone, "password": PASSWORD}, tenant=county.slug
        )

    # then
    results = [r.json()["data"]["login"] for r in attempts]
    assert [r["errors"] for r in results[:-1]] == [[]] * 3
    (error,) = results[-1]["errors"]
    assert error["code"] == "RATE_LIMITED" and results[-1]["tokens"] is None
    # a token comes back every 1,200 s, and what passed since the first attempt is refilled
    # already (a loaded machine takes seconds over the four sign-ins)
    waited = math.ceil(time.monotonic() - started)
    assert 1200 - waited - 1 <= int(attempts[-1].headers["retry-after"]) <= 1200
    assert "retry-after" not in attempts[0].headers
    assert others["login"]["errors"] == []


async def test_registering_one_number_again_and_again_is_limited(server, gql, owner_db):
    # given: 3 registrations an hour per number
    county = await make_county(server)
    phone = next_phone()
    users = "SELECT count(*) FROM users WHERE tenant_id = $1"
    before = await owner_db.fetchval(users, county.id)
    _, per_address = server.services.limits.budgets(Action.REGISTER)
    with budgets(server, Action.REGISTER, per_user=Rate(3, 3600), per_address=per_address):
        # when
        results = [
            (
                await gql.data(
                    REGISTER,
                    {"name": "张三", "phone": phone, "password": PASSWORD},
                    tenant=county.slug,
                )
            )["register"]
            for _ in range(4)
        ]

    # then: one account, repeats refused as duplicates, then RATE_LIMITED
    assert results[0]["errors"] == [] and results[0]["tokens"]["accessToken"]
    assert [e["code"] for r in results[1:3] for e in r["errors"]] == ["DUPLICATE_PHONE"] * 2
    assert [e["code"] for e in results[3]["errors"]] == ["RATE_LIMITED"]
    assert await owner_db.fetchval(users, county.id) == before + 1
