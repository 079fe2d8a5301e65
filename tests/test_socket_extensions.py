"""The schema's extensions (limits, caches, input checks, error policy) hold on the socket.

Operations over the websocket run on graphql-core without strawberry's per-request
extension hooks (realtime.ws), so each extension's work is done there another way. This
file pins the two together: every extension of the schema must have a case below, which
sends what that extension refuses (or rewrites) over HTTP and over the socket and requires
the same answer. An extension added to the schema fails
`test_every_schema_extension_has_a_socket_case` until its socket counterpart is written
and given a case here."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from strawberry.extensions import AddValidationRules, MaxTokensLimiter

from realtime.ws.transport import YishiWebSockets
from schema.errors import ErrorPolicy
from schema.input_checks import InputChecks
from schema.limits import CachedDocuments, InputListLimits
from schema.relay import MAX_NODES
from schema.schema import build_schema
from tests.conftest import served_also
from tests.factories.tenants import make_county
from tests.realtime_client import GraphQLWS


def extension_classes(schema: Any) -> set[type]:
    """The class of each extension the schema runs per request (classes, factories that
    make an instance, or instances)."""
    out = set()
    for extension in schema.extensions:
        if isinstance(extension, type):
            out.add(extension)
        elif callable(extension):
            out.add(type(extension()))
        else:
            out.add(type(extension))
    return out


def comparable(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Messages, codes and fields; locations and request ids differ by path and request."""
    return [
        {
            "message": e["message"],
            "extensions": {
                k: v for k, v in (e.get("extensions") or {}).items() if k != "requestId"
            },
        }
        for e in errors
    ]


async def socket_errors(
    url: str, token: str, query: str, variables: dict[str, Any]
) -> list[dict[str, Any]]:
    """The errors an operation gets over the socket: an `error` message, or a result's."""
    async with GraphQLWS(url) as ws:
        await ws.open(token)
        op = await ws.subscribe(query, variables)
        message = await ws.message(op)
    if message["type"] == "error":
        return message["payload"]
    assert message["type"] == "next", message
    return message["payload"].get("errors") or []


async def same_on_both_paths(
    server, gql, query: str, variables: dict[str, Any] | None = None, *, url: str | None = None
) -> list[dict[str, Any]]:
    county = await make_county(server)
    token = county.admin.token
    over_http = await gql.execute(query, variables or {}, token=token)
    over_socket = await socket_errors(url or server.ws_url, token, query, variables or {})
    assert over_http.get("errors"), over_http
    assert comparable(over_socket) == comparable(over_http["errors"])
    return over_http["errors"]


# -- one case per extension -------------------------------------------------------------


async def error_policy(server, gql, monkeypatch) -> None:
    # a malformed global id: graphql-core's error, classified and said in Chinese
    errors = await same_on_both_paths(server, gql, '{ node(id: "not-a-global-id") { id } }')
    assert errors[0]["extensions"]["code"] == "BAD_USER_INPUT"
    # an id variable that is no string: graphql-core's English, rewritten
    query = "query($id: ID!) { node(id: $id) { id } }"
    errors = await same_on_both_paths(server, gql, query, {"id": {"x": 1}})
    assert errors[0]["message"] == "变量 $id 不是有效的标识（须为字符串）"


async def input_checks(server, gql, monkeypatch) -> None:
    # text PostgreSQL cannot store, in a variable and in a literal
    query = "query($s: String!) { streamEvents(stream: $s) { seq } }"
    errors = await same_on_both_paths(server, gql, query, {"s": "org\x00"})
    assert errors[0]["extensions"] == {"code": "BAD_USER_INPUT", "field": "$s"}
    errors = await same_on_both_paths(server, gql, '{ streamEvents(stream: "o\\u0000") { seq } }')
    assert errors[0]["extensions"]["code"] == "BAD_USER_INPUT"
    # more node ids than the cap
    query = "query($ids: [ID!]!) { nodes(ids: $ids) { id } }"
    ids = ["T3JnVW5pdDox"] * (MAX_NODES + 1)
    errors = await same_on_both_paths(server, gql, query, {"ids": ids})
    assert errors[0]["extensions"]["code"] == "BAD_USER_INPUT"


async def validation_rules(server, gql, monkeypatch) -> None:
    settings = server.services.settings
    # depth
    depth = settings.max_query_depth + 1
    deep = '{ node(id: "x") { ... on OrgUnit { ' + "parent { " * depth + "id" + " }" * depth
    errors = await same_on_both_paths(server, gql, deep + " } } }")
    assert errors[0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    # aliases
    aliases = " ".join(f"a{i}: __typename" for i in range(settings.max_aliases + 1))
    errors = await same_on_both_paths(server, gql, "{ " + aliases + " }")
    assert errors[0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    # cost: 100 meetings × 100 comments
    nested = (
        "{ meetings(first: 100) { edges { node { "
        "comments(first: 100) { edges { node { id body } } } } } } }"
    )
    errors = await same_on_both_paths(server, gql, nested)
    assert errors[0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert errors[0]["extensions"]["cost"] == 30_302
    # a list literal longer than its argument's cap (castVote choices: 20)
    choices = ", ".join("0" for _ in range(21))
    query = (
        'mutation { castVote(pollId: "UG9sbDox", choices: [' + choices + "], "
        'idempotencyKey: "k") { accepted } }'
    )
    errors = await same_on_both_paths(server, gql, query)
    assert errors[0]["extensions"]["code"] == "BAD_USER_INPUT"


async def max_tokens(server, gql, monkeypatch) -> None:
    limit = server.services.settings.max_tokens
    query = "{ " + " ".join("__typename" for _ in range(limit + 1)) + " }"
    errors = await same_on_both_paths(server, gql, query)
    assert errors[0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


async def cached_documents(server, gql, monkeypatch) -> None:
    settings = server.services.settings
    # a query text over MAX_QUERY_CHARS is refused before parsing; the socket must take
    # such a message first (a server with a larger WS_MAX_SIZE)
    limit = settings.max_query_chars
    big = limit * 2
    monkeypatch.setattr(settings, "ws_max_size", big)
    query = "{ __typename }\n#" + "x" * limit
    async with served_also(
        server, ws=YishiWebSockets, ws_max_size=big, ws_per_message_deflate=False
    ) as roomy:
        errors = await same_on_both_paths(server, gql, query, url=roomy.ws_url)
    assert errors[0]["message"] == f"查询文本过长（{len(query)}个字符，上限{limit}）"
    # and what the socket parses is kept in the schema's bounded cache, as over HTTP
    cache = build_schema(settings).document_cache
    county = await make_county(server)
    distinct = "{ __typename } # kept once " + county.slug
    async with GraphQLWS(server.ws_url) as ws:
        await ws.open(county.admin.token)
        assert (await ws.execute(distinct))["data"] == {"__typename": "Query"}
    assert any(key[0] == distinct for key in cache.documents._items)


async def input_list_limits(server, gql, monkeypatch) -> None:
    limit = server.services.settings.max_list_items
    query = "query($ids: [ID!]!) { nodes(ids: $ids) { id } }"
    errors = await same_on_both_paths(server, gql, query, {"ids": ["x"] * (limit + 1)})
    assert errors[0]["extensions"]["code"] == "BAD_USER_INPUT"
    query = (
        'mutation($c: [Int!]!) { castVote(pollId: "UG9sbDox", choices: $c, '
        'idempotencyKey: "k") { accepted } }'
    )
    errors = await same_on_both_paths(server, gql, query, {"c": [0] * 21})
    assert errors[0]["extensions"]["maxItems"] == 20


Case = Callable[..., Awaitable[None]]
SOCKET_CASES: dict[type, Case] = {
    ErrorPolicy: error_policy,
    InputChecks: input_checks,
    AddValidationRules: validation_rules,
    MaxTokensLimiter: max_tokens,
    CachedDocuments: cached_documents,
    InputListLimits: input_list_limits,
}


def test_every_schema_extension_has_a_socket_case(server):
    # given: the extensions the schema runs on every HTTP request
    schema = build_schema(server.services.settings)

    # then: each is one the socket path is known to apply, and none is left over
    assert extension_classes(schema) == set(SOCKET_CASES), (
        "an extension without a socket case: make realtime.ws apply it (or say why it "
        "needs nothing there) and add its case to SOCKET_CASES"
    )


@pytest.mark.parametrize("extension", list(SOCKET_CASES), ids=lambda e: e.__name__)
async def test_what_an_extension_refuses_over_http_it_refuses_over_the_socket(
    server, gql, monkeypatch, extension
):
    await SOCKET_CASES[extension](server, gql, monkeypatch)
