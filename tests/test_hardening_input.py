"""Client mistakes are client errors: malformed global ids, too many ids, text PostgreSQL
cannot store, request bodies that are not a JSON object. And what global ids and drafts
reveal to people outside a county or outside the host unit (issue 9, findings 2 and 5)."""

from __future__ import annotations

import base64
import itertools

import httpx
from sqlalchemy import event
from strawberry import relay

from backend.people.models import Role
from schema.relay import MAX_NODES, IdCodec
from tests.conftest import county_rows
from tests.factories.meetings import INVITE, make_meeting
from tests.factories.people import make_user
from tests.factories.tenants import db_id, gid, make_county, make_unit
from tests.meetings_api import CREATE_POLL, POST_COMMENT, stream_of

NODE = "query($id: ID!) { node(id: $id) { id } }"
NODES = "query($ids: [ID!]!) { nodes(ids: $ids) { id } }"
RECORD = "query($m: ID!) { meetingRecord(meetingId: $m) }"
MEETINGS = "{ meetings(first: 100) { edges { node { id title state } } } }"
DRAFT_NODE = "query($id: ID!) { node(id: $id) { ... on Meeting { title state } } }"
POLL_NODE = "query($id: ID!) { node(id: $id) { ... on Poll { question } } }"
STREAM_EVENTS = "query($s: String!) { streamEvents(stream: $s) { seq } }"
NOT_OURS = "标识无效：不是本系统生成的全局标识"


def raw(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def only_error(body: dict) -> tuple[str, str]:
    (error,) = body["errors"]
    return error["extensions"]["code"], error["message"]


async def post_raw(http: httpx.AsyncClient, content: bytes, **headers: str) -> httpx.Response:
    return await http.post(
        "/graphql", content=content, headers={"Content-Type": "application/json", **headers}
    )


async def assert_still_answers(gql, county) -> None:
    assert await gql.data("{ county { name } }", tenant=county.slug) == {
        "county": {"name": county.name}
    }


# --- global ids that are not ours -----------------------------------------------------------


async def test_malformed_global_ids_in_node_and_nodes_are_bad_user_input(server, gql):
    # given: ids a client can make up
    county = await make_county(server)
    malformed = {
        raw("Meeting:abc"): NOT_OURS,
        raw("Meeting:"): NOT_OURS,
        "!!!": NOT_OURS,  # no base64
        raw("Meeting"): NOT_OURS,  # no colon
        raw("Meeting:-1"): NOT_OURS,
        raw("Meeting:0042"): NOT_OURS,  # not how we write one
        raw(f"Meeting:{2**64}"): NOT_OURS,  # above any 64-bit id
        raw(f"Meeting:{10**30}"): NOT_OURS,
        raw("Nope:1"): "标识无效：它指向的类型不存在或不能按标识读取",
        raw("PageInfo:1"): "标识无效：它指向的类型不存在或不能按标识读取",
    }

    # when
    node_answers = [await gql.execute(NODE, {"id": i}, token=county.admin.token) for i in malformed]
    nodes_answers = [
        await gql.execute(NODES, {"ids": [i]}, token=county.admin.token) for i in malformed
    ]
    anonymous = [await gql.execute(NODE, {"id": i}, tenant=county.slug) for i in malformed]

    # then
    expected = [("BAD_USER_INPUT", message) for message in malformed.values()]
    assert [only_error(b) for b in node_answers] == expected
    assert [only_error(b) for b in nodes_answers] == expected
    assert [only_error(b) for b in anonymous] == expected
    await assert_still_answers(gql, county)


async def test_a_malformed_global_id_literal_is_bad_user_input(server, gql):
    # given
    county = await make_county(server)

    # when
    body = await gql.execute(
        f'{{ node(id: "{raw("Meeting:abc")}") {{ id }} }}', token=county.admin.token
    )

    # then
    assert body["data"] == {"node": None}
    assert only_error(body) == ("BAD_USER_INPUT", NOT_OURS)


async def test_an_id_variable_that_is_no_string_is_bad_user_input_in_chinese(server, gql):
    # given
    county = await make_county(server)
    create = (
        "mutation($input: CreateMeetingInput!) { createMeeting(input: $input) { errors { code } } }"
    )
    meeting = {
        "kind": "FORUM",
        "mode": "ONLINE",
        "title": "座谈会",
        "startsAt": "2030-01-01T09:00:00+08:00",
    }

    # when
    answers = [
        await gql.execute(NODE, {"id": {"a": 1}}, token=county.admin.token),
        await gql.execute(NODE, {"id": True}, token=county.admin.token),
        await gql.execute(NODES, {"ids": [county.root_gid, 5.5]}, token=county.admin.token),
        await gql.execute(
            create, {"input": {**meeting, "hostUnitId": [1]}}, token=county.admin.token
        ),
    ]

    # then
    assert [only_error(b) for b in answers] == [
        ("BAD_USER_INPUT", "变量 $id 不是有效的标识（须为字符串）"),
        ("BAD_USER_INPUT", "变量 $id 不是有效的标识（须为字符串）"),
        ("BAD_USER_INPUT", "变量 $ids[1] 不是有效的标识（须为字符串）"),
        ("BAD_USER_INPUT", "变量 $input.hostUnitId 不是有效的标识（须为字符串）"),
    ]


async def test_nodes_with_more_than_the_maximum_of_ids_is_refused_before_any_query(server, gql):
    # given: asyncpg takes at most 32,767 arguments; nobody needs 100,000 ids at once
    county = await make_county(server)
    meeting = await make_meeting(gql, county)
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        statements.append(statement)

    engine = server.services.db.app_engine.sync_engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        # when
        # (100,000 ids no longer reach GraphQL at all: the body is over MAX_BODY_BYTES, 413)
        flood = await gql.execute(NODES, {"ids": [meeting] * 1_000}, token=county.admin.token)
        over = await gql.execute(NODES, {"ids": [meeting] * 101}, tenant=county.slug)
        literal = await gql.execute(
            "{{ nodes(ids: [{}]) {{ id }} }}".format(", ".join([f'"{meeting}"'] * 101)),
            tenant=county.slug,
        )
        refused_statements = list(statements)
        at_limit = await gql.data(NODES, {"ids": [meeting] * MAX_NODES}, tenant=county.slug)
    finally:
        event.remove(engine, "before_cursor_execute", count)

    # then
    assert MAX_NODES == 100
    assert flood["data"] is None
    assert only_error(flood) == ("BAD_USER_INPUT", "参数 ids 最多 100 个标识")
    assert only_error(over) == ("BAD_USER_INPUT", "参数 ids 最多 100 个标识")
    assert only_error(literal) == ("BAD_USER_INPUT", "参数 ids 最多 100 个标识")
    assert [s for s in refused_statements if "meetings" in s] == []
    assert at_limit == {"nodes": [{"id": meeting}] * 100}


async def test_meeting_record_with_another_types_id_is_bad_user_input(server, gql):
    # given
    county = await make_county(server)
    meeting = await make_meeting(gql, county)
    created = await gql.data(
        CREATE_POLL,
        {"m": meeting, "q": "是否同意？", "o": ["同意", "不同意"]},
        token=county.admin.token,
    )
    poll = created["createPoll"]["poll"]["id"]

    # when
    answers = [
        await gql.execute(RECORD, {"m": i}, token=county.admin.token)
        for i in (poll, county.root_gid, raw("Meeting:abc"), gid("Meeting", 2**63 - 1))
    ]

    # then
    assert [only_error(b) for b in answers] == [
        ("BAD_USER_INPUT", "参数 meetingId 不是有效的 Meeting 标识"),
        ("BAD_USER_INPUT", "参数 meetingId 不是有效的 Meeting 标识"),
        ("BAD_USER_INPUT", "参数 meetingId 不是有效的 Meeting 标识"),
        ("BAD_USER_INPUT", "会议不存在"),
    ]


# --- text PostgreSQL cannot store -----------------------------------------------------------


async def test_a_nul_byte_in_any_text_is_bad_user_input_and_changes_nothing(server, gql, owner_db):
    # given
    county = await make_county(server)
    meeting = await make_meeting(gql, county)
    author = await make_user(server, county, roles=[(Role.CITIZEN, None)])
    before = await county_rows(owner_db, county.id)
    admin = county.admin.token

    # when
    comment = await gql.execute(
        POST_COMMENT, {"m": meeting, "b": "停车\u0000难"}, token=author.token
    )
    login = await gql.execute(
        "mutation($u: String!, $p: String!) { operatorLogin(username: $u, password: $p) "
        "{ errors { code } } }",
        {"u": "root\u0000", "p": "x"},
    )
    search = await gql.execute(
        "query($s: String) { users(search: $s) { edges { node { id } } } }",
        {"s": "王\u0000"},
        token=admin,
    )
    audit = await gql.execute(
        "query($a: String) { auditLog(action: $a) { edges { node { id } } } }",
        {"a": "\u0000"},
        token=admin,
    )
    nested = await gql.execute(
        CREATE_POLL, {"m": meeting, "q": "是否同意？", "o": ["同意", "不\u0000同意"]}, token=admin
    )
    literal = await gql.execute(
        '{ users(search: "a\\u0000b") { edges { node { id } } } }', token=admin
    )

    # then
    assert [only_error(b) for b in (comment, login, search, audit, nested, literal)] == [
        ("BAD_USER_INPUT", "变量 $b 含有 NUL 字符（\\u0000），无法保存"),
        ("BAD_USER_INPUT", "变量 $u 含有 NUL 字符（\\u0000），无法保存"),
        ("BAD_USER_INPUT", "变量 $s 含有 NUL 字符（\\u0000），无法保存"),
        ("BAD_USER_INPUT", "变量 $a 含有 NUL 字符（\\u0000），无法保存"),
        ("BAD_USER_INPUT", "变量 $o[1] 含有 NUL 字符（\\u0000），无法保存"),
        ("BAD_USER_INPUT", "参数 search 含有 NUL 字符（\\u0000），无法保存"),
    ]
    assert [b["errors"][0]["extensions"]["field"] for b in (comment, nested, literal)] == [
        "$b",
        "$o[1]",
        "search",
    ]
    assert await county_rows(owner_db, county.id) == before
    await assert_still_answers(gql, county)


async def test_a_lone_surrogate_is_refused_as_a_client_error(server, gql):
    # given
    county = await make_county(server)
    query = "query($s: String) { users(search: $s) { edges { node { id } } } }"

    # when: JSON allows "\ud800"; UTF-8 (and PostgreSQL) has no such character
    in_variable = await post_raw(
        gql.http,
        b'{"query": "%s", "variables": {"s": "\\ud800"}}' % query.encode(),
        Authorization=f"Bearer {county.admin.token}",
    )
    in_literal = await gql.execute(
        '{ users(search: "\\ud800") { edges { node { id } } } }', token=county.admin.token
    )

    # then
    assert in_variable.status_code == 400
    assert in_variable.json()["errors"][0]["extensions"] == {"code": "BAD_REQUEST"}
    assert in_literal["data"] is None
    assert [e["extensions"]["code"] for e in in_literal["errors"]] == ["GRAPHQL_VALIDATION_FAILED"]
    await assert_still_answers(gql, county)


# --- request bodies ---------------------------------------------------------------------------

NOT_JSON = "请求体不是有效的 JSON（须为 UTF-8，嵌套不超过 1024 层）"
NOT_AN_OBJECT = "请求体须为一个 JSON 对象（含 query）"


async def test_request_bodies_that_are_not_a_json_object_are_400_with_a_code(server, gql):
    # given
    county = await make_county(server)
    # deeper than orjson's 1,024 levels, within MAX_JSON_VALUES (a deeper one is 413 first)
    deep = b"[" * 5_000 + b"]" * 5_000
    bodies = {
        b'{"query": "{ county { name } }\xff"}': NOT_JSON,  # invalid UTF-8
        b'{"query": "query($s: String) { county { name } }", "variables": {"s": "\xc3"}}': (
            NOT_JSON
        ),
        deep: NOT_JSON,
        b'{"query": "{ county { name } }", "variables": {"a": ' + deep + b"}}": NOT_JSON,
        b"{not json": NOT_JSON,
        b"null": NOT_AN_OBJECT,
        b'"{ county { name } }"': NOT_AN_OBJECT,
        b"1": NOT_AN_OBJECT,
        b"true": NOT_AN_OBJECT,
        b"[1]": "不支持批量请求：请求体须为一个 JSON 对象",
        b'{"query": 1}': "query 必须是字符串",
        b'{"query": "{ county { name } }", "variables": []}': "variables 必须是 JSON 对象",
        b"{}": "请求中没有 GraphQL 查询（query）",
        b'{"query": "query A { county { name } }", "operationName": "%s"}' % (b"Z" * 5000): (
            "请求中没有这个名字的操作（operationName）"
        ),
    }

    # when
    responses = [await post_raw(gql.http, b, **{"X-Tenant": county.slug}) for b in bodies]

    # then
    assert [r.status_code for r in responses] == [400] * len(bodies)
    assert [
        (
            r.json()["data"],
            r.json()["errors"][0]["message"],
            r.json()["errors"][0]["extensions"]["code"],
        )
        for r in responses
    ] == [(None, message, "BAD_REQUEST") for message in bodies.values()]
    assert all(len(r.text) < 1000 for r in responses)  # nothing of the input echoed at length
    await assert_still_answers(gql, county)


async def test_query_parameters_that_are_not_json_are_400_with_a_code(server, gql):
    # given
    county = await make_county(server)

    # when
    deep = await gql.http.get(
        "/graphql",
        params={"query": "{ county { name } }", "variables": "[" * 5000},
        headers={"X-Tenant": county.slug},
    )
    not_object = await gql.http.get(
        "/graphql",
        params={"query": "{ county { name } }", "variables": "1"},
        headers={"X-Tenant": county.slug},
    )
    null = await gql.http.get(
        "/graphql",
        params={"query": "{ county { name } }", "variables": "null"},
        headers={"X-Tenant": county.slug},
    )

    # then
    assert deep.status_code == 400
    assert deep.json()["errors"] == [
        {
            "message": "参数 variables/extensions不是有效的 JSON（须为 UTF-8，嵌套不超过 1024 层）",
            "extensions": {"code": "BAD_REQUEST"},
        }
    ]
    assert not_object.status_code == 400
    assert not_object.json()["errors"][0]["message"] == "variables 必须是 JSON 对象"
    assert null.json() == {"data": {"county": {"name": county.name}}}


# --- what global ids say --------------------------------------------------------------------


async def test_global_ids_do_not_show_row_ids_or_their_order(server, gql, owner_db):
    # given: two counties, one busy
    busy = await make_county(server)
    quiet = await make_county(server)
    busy_meetings = [await make_meeting(gql, busy, live=False) for _ in range(3)]
    first_quiet = await make_meeting(gql, quiet, live=False)

    # when
    node_parts = [relay.GlobalID.from_id(m).node_id for m in [*busy_meetings, first_quiet]]
    row_ids = [db_id(m) for m in [*busy_meetings, first_quiet]]

    # then: the rows are consecutive, their ids are not
    assert row_ids == [row_ids[0] + i for i in range(4)]
    assert (
        await owner_db.fetchval(
            "SELECT count(*) FROM meetings WHERE id = ANY($1::bigint[])", row_ids
        )
        == 4
    )
    assert all(part != str(row) for part, row in zip(node_parts, row_ids, strict=True))
    assert all(len(part) >= 12 for part in node_parts[:2])
    assert sorted(node_parts) != node_parts or sorted(node_parts, reverse=True) != node_parts
    assert len({int(q) - int(p) for p, q in itertools.pairwise(node_parts)}) == 3
    # and what the API shows is what tests and tools build
    assert [gid("Meeting", r) for r in row_ids] == [*busy_meetings, first_quiet]


def test_the_id_permutation_is_exact_keyed_and_typed():
    # given
    codec, other = IdCodec(b"k" * 32), IdCodec(b"x" * 32)
    samples = [0, 1, 2, 3, 41, 42, 2**31, 2**32 - 1, 2**32, 2**63 - 1, 2**64 - 1]

    # when
    encoded = [codec.encode("Meeting", n) for n in samples]

    # then
    assert [codec.decode("Meeting", e) for e in encoded] == samples
    assert all(0 <= e < 2**64 for e in encoded)
    assert len(set(encoded)) == len(samples)
    assert encoded != [other.encode("Meeting", n) for n in samples]
    assert encoded != [codec.encode("Poll", n) for n in samples]
    assert codec.encode("Meeting", 6) - codec.encode("Meeting", 5) != 1


async def test_counties_cannot_be_enumerated_with_made_up_ids(server, gql):
    # given: ids as they used to be, County:1 … County:50
    county = await make_county(server)
    guesses = [raw(f"County:{n}") for n in range(1, 51)]

    # when
    body = await gql.execute(
        "query($ids: [ID!]!) { nodes(ids: $ids) { ... on County { name } } }",
        {"ids": guesses},
        tenant=county.slug,
    )

    # then
    assert body == {"data": {"nodes": [None] * 50}}


# --- drafts ---------------------------------------------------------------------------------


async def test_a_draft_meeting_is_seen_only_by_hosts_and_participants(server, gql):
    # given: a draft hosted by the county, with a poll; a township's staff; an invitee
    county = await make_county(server)
    township = await make_unit(server, county)
    staff = await make_user(server, county, roles=[(Role.DEPARTMENT_STAFF, township)])
    citizen = await make_user(server, county, roles=[(Role.CITIZEN, None)])
    invitee = await make_user(server, county, roles=[(Role.CITIZEN, None)])
    draft = await make_meeting(gql, county, live=False)
    announced = await make_meeting(gql, county, live=True)
    created = await gql.data(
        CREATE_POLL,
        {"m": draft, "q": "草案是否通过？", "o": ["是", "否"]},
        token=county.admin.token,
    )
    poll = created["createPoll"]["poll"]["id"]
    invited = await gql.data(
        INVITE, {"m": draft, "u": [invitee.gid], "r": "REPRESENTATIVE"}, token=county.admin.token
    )
    assert invited["inviteParticipants"]["errors"] == []
    outsiders = {
        "anonymous": {"tenant": county.slug},
        "citizen": {"token": citizen.token},
        "staff of another unit": {"token": staff.token},
    }
    insiders = {"admin": {"token": county.admin.token}, "invitee": {"token": invitee.token}}

    # when
    seen = {}
    for who, auth in {**outsiders, **insiders}.items():
        listed = await gql.data(MEETINGS, **auth)
        seen[who] = (
            [e["node"]["id"] for e in listed["meetings"]["edges"]],
            (await gql.data(DRAFT_NODE, {"id": draft}, **auth))["node"],
            (await gql.data(POLL_NODE, {"id": poll}, **auth))["node"],
        )

    # then
    for who in outsiders:
        assert seen[who] == ([announced], None, None), who
    for who in insiders:
        assert seen[who] == (
            [announced, draft],
            {"title": "2026年度部门述职报告会", "state": "DRAFT"},
            {"question": "草案是否通过？"},
        ), who


async def test_a_draft_meetings_stream_is_not_found_for_outsiders(server, gql):
    # given
    county = await make_county(server)
    citizen = await make_user(server, county, roles=[(Role.CITIZEN, None)])
    draft = await make_meeting(gql, county, live=False)

    # when
    anonymous = await gql.execute(STREAM_EVENTS, {"s": stream_of(draft)}, tenant=county.slug)
    member = await gql.execute(STREAM_EVENTS, {"s": stream_of(draft)}, token=citizen.token)
    host = await gql.execute(STREAM_EVENTS, {"s": stream_of(draft)}, token=county.admin.token)

    # then
    assert anonymous["data"] is None and member["data"] is None
    assert [e["message"] for e in anonymous["errors"] + member["errors"]] == ["会议不存在"] * 2
    assert "errors" not in host
    assert len(host["data"]["streamEvents"]) >= 1


async def test_a_county_is_a_node_only_for_its_own_callers(server, gql):
    # given: county B's real id, known to a caller of county A
    a = await make_county(server)
    b = await make_county(server)
    query = "query($ids: [ID!]!) { nodes(ids: $ids) { ... on County { name } } }"
    ids = [gid("County", a.id), gid("County", b.id)]

    # when
    anonymous = await gql.data(query, {"ids": ids}, tenant=a.slug)
    member = await gql.data(query, {"ids": ids}, token=a.admin.token)
    nobody = await gql.data(query, {"ids": ids})

    # then
    assert anonymous == member == {"nodes": [{"name": a.name}, None]}
    assert nobody == {"nodes": [None, None]}
