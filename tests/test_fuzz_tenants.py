"""Cross-tenant fuzzing: callers of county A — a member holding each role, and the anonymous
public with `X-Tenant: A` — send queries, mutations and subscriptions generated for every
root field from the schema's introspection, fed the real ids of county B (global ids of
every node type, the same numbers as raw ids and under other type names, B's streams,
cursors, names, phones and slug). Nothing of B may come back (no row, count, aggregate or
event: every object selects its `id`, every text value of B's rows is searched for in the
response) and nothing of B may change (B's rows per table, counted and digested, compared
after every mutation).

The budget is bounded by FUZZ_EXAMPLES and FUZZ_SECONDS (see tests/fuzz_support.py);
`make fuzz` runs it longer. Internal errors met on the way are reported, not asserted: the
schema fuzzer (tests/test_fuzz_schema.py) asserts them.
"""

from __future__ import annotations

import asyncio
import json
import re
import uuid
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import graphql
import httpx
import hypothesis
import pytest
from hypothesis import strategies as st
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

from tests.factories.tenants import gid
from tests.fuzz_support import (
    INTROSPECTION,
    NODE_TABLES,
    Budget,
    Finding,
    Findings,
    OperationGenerator,
    Secrets,
    World,
    build_pools,
    changed_tables,
    client_schema,
    collect_secrets,
    county_fingerprint,
    county_ids,
    county_streams,
    error_class,
    fuzz_each,
    outcome_of,
    read_county,
    run_in_loop,
    seed_county,
)
from tests.meetings_api import CREATE_POLL, OPEN_POLL, POST_COMMENT, VOTE, ok
from tests.realtime_client import create_unit

TRANSPORT = "graphql-transport-ws"
# changePassword and eraseMyAccount (fed the shared test password, they succeed) end every
# session of the caller, the fuzzing one included, and erasePerson ends the session of the
# seeded account it names (the subscription fuzzer's watchers among them): they would end
# the run. Their refusals across counties are checked in tests/test_socket_principal.py,
# tests/test_personal_data.py and the authz matrix (tests/test_fuzz_coverage.py holds the
# list to this).
ENDS_SESSIONS = frozenset({"changePassword", "eraseMyAccount", "erasePerson"})


@pytest.fixture(scope="module")
async def counties(server, gql) -> tuple[World, World]:
    """County A (the callers') and county B (the target), both full of demo-like data."""
    a = await seed_county(server, gql, "甲")
    b = await seed_county(server, gql, "乙")
    return a, b


def callers(a: World) -> list[tuple[str, str | None]]:
    return [(role, account.token) for role, account in a.accounts.items()] + [("anonymous", None)]


class Run:
    """State of one fuzzing run in its thread: what was sent, what was found."""

    def __init__(self, name: str, secrets: Secrets) -> None:
        self.findings = Findings(name)
        self.secrets = secrets
        self.sent: list[str] = []
        self.operations = 0
        self.by_kind: dict[str, int] = {}
        self.outcomes: dict[str, int] = {}  # first error code of each response, or "ok"
        self.samples: dict[str, str] = {}  # one request and answer per outcome

    def was_sent(self, value: str) -> bool:
        return any(value in text for text in self.sent)

    def check(self, caller: str, field: str, body: dict[str, Any], response: Any) -> None:
        request_text = json.dumps(body, ensure_ascii=False)
        leaks = self.secrets.leaks(response, request_text, self.was_sent)
        self.sent.append(request_text)
        finding = Finding(
            kind="leak",
            caller=caller,
            operation=body.get("query", ""),
            variables=body.get("variables"),
            response=response,
            detail="; ".join(leaks[:3]),
        )
        if leaks:
            beyond = self.secrets.beyond_county(response, request_text, self.was_sent)
            # A leak of nothing but B's County (its id, name, slug) is a known class.
            what = "only B's County" if not beyond else beyond[0].split(" at ")[0][:40]
            self.findings.add(f"leak {field}: {what}", finding)
        outcome = outcome_of(response)
        self.outcomes[outcome] = self.outcomes.get(outcome, 0) + 1
        self.samples.setdefault(
            outcome, f"{body.get('query')} {body.get('variables')} -> {response}"[:500]
        )
        internal = error_class(field, response)
        if internal:
            finding.kind, finding.detail = "internal", internal
            self.findings.add(f"internal {internal}", finding)


async def test_callers_of_one_county_never_see_or_change_another_county(
    server, gql, owner_db, counties
):
    # given: two seeded counties, B's secrets and ids, and operations for every root field
    a, b = counties
    budget = Budget()
    secrets = await collect_secrets(owner_db, a, b)
    introspection = await gql.data(INTROSPECTION, tenant=a.county.slug)
    generator = OperationGenerator(client_schema(introspection), await build_pools(owner_db, a, b))
    fields = [("query", f) for f in generator.fields("query")]
    fields += [("mutation", f) for f in generator.fields("mutation") if f not in ENDS_SESSIONS]
    who = callers(a)
    typed = {
        type_name: generator.with_ids(st.sampled_from([gid(type_name, i) for i in ids]))
        for type_name, ids in generator.pools.target_ids.items()
    }
    before = await county_fingerprint(owner_db, b.county.id)
    run = Run("cross_tenant_http", secrets)
    loop = asyncio.get_running_loop()
    state = {"b": before}

    def fuzz() -> None:
        with httpx.Client(base_url=server.base_url, timeout=budget.timeout) as http:

            def one(
                item: tuple[str, str],
                data: Any,
                send: bool,
                gen: OperationGenerator = generator,
                caller: tuple[str, str | None] | None = None,
            ) -> None:
                kind, name = item
                op = data.draw(gen.operation(kind, name), label="operation")
                role, token = caller or data.draw(st.sampled_from(who), label="caller")
                # A member's token with B's X-Tenant must be refused, never served as B. (Not
                # 0: hypothesis draws the simplest value first, and that should be the norm.)
                slug = b.county.slug if token and data.draw(st.integers(0, 19)) == 19 else None
                if not send:
                    return
                headers = {"X-Tenant": slug or a.county.slug}
                if token:
                    headers["Authorization"] = f"Bearer {token}"
                body = {"query": op.document, "variables": op.variables}
                caller = role + (" with X-Tenant B" if slug else "")
                run.operations += 1
                run.by_kind[kind] = run.by_kind.get(kind, 0) + 1
                try:
                    response = http.post("/graphql", json=body, headers=headers)
                except httpx.TimeoutException:
                    run.findings.add(
                        f"hang {name}",
                        Finding("hang", caller, op.document, op.variables, None, "timeout"),
                    )
                    return
                try:
                    payload: Any = response.json()
                except ValueError:
                    payload = response.text
                run.check(caller, name, body, payload)
                if kind == "mutation":
                    now = run_in_loop(loop, county_fingerprint(owner_db, b.county.id))
                    if now != state["b"]:
                        detail = f"B changed: {sorted(changed_tables(state['b'], now))}"
                        run.findings.add(
                            f"b-changed {name}",
                            Finding(
                                "b-changed", caller, op.document, op.variables, payload, detail
                            ),
                        )
                        state["b"] = now

            # First a sweep: every root field that takes an id, once with an id of each of
            # B's node types; then random operations on every root field.
            pairs = [
                (kind, name, type_name)
                for kind, name in fields
                if generator.takes_ids(kind, name)
                for type_name in sorted(typed)
            ]
            # Each caller in turn (one example per item: hypothesis would pick the first).
            sweep = [(pair, who[i % len(who)]) for i, pair in enumerate(pairs)]

            def swept(item: Any, data: Any, send: bool) -> None:
                (kind, name, type_name), caller = item
                one((kind, name), data, send, typed[type_name], caller)

            fuzz_each(sweep, len(sweep), budget.seconds / 2, swept)
            run.by_kind["swept"] = run.operations
            fuzz_each(
                fields,
                budget.examples,
                budget.seconds / 2,
                one,
                enough=lambda: run.operations >= min(budget.examples, 50),
            )

    # when: callers of A fuzz the API with B's ids
    await asyncio.to_thread(fuzz)

    # then: nothing of B came back, nothing of B changed, and A's own state, read in full
    # (its log too), refers to nothing of B
    after = await county_fingerprint(owner_db, b.county.id)
    for role in ("TENANT_ADMIN", "CITIZEN", "anonymous"):
        token = a.accounts[role].token if role in a.accounts else None
        reads = await read_county(gql, a.county.slug, token, admin=role == "TENANT_ADMIN")
        first_page = reads[0][1]
        assert first_page.get("data") and first_page["data"]["meetings"]["edges"], first_page
        for body, read in reads:
            codes = {e.get("extensions", {}).get("code") for e in read.get("errors", [])}
            assert "GRAPHQL_VALIDATION_FAILED" not in codes, read  # each part within limits
            run.check(f"{role} reading A after the fuzz", "Everything", body, read)
    for stream in sorted(await county_streams(owner_db, a.county.id)):
        query = (
            "query($s: String!) { streamEvents(stream: $s, first: 100) { seq type payload hash } }"
        )
        body = {"query": query, "variables": {"s": stream}}
        log = await gql.execute(query, {"s": stream}, token=a.admin.token)
        run.check(f"TENANT_ADMIN reading A's {stream} after the fuzz", "streamEvents", body, log)
    report = run.findings.report(
        "cross-tenant HTTP fuzz",
        {
            "operations": run.operations,
            **run.by_kind,
            "fields": len(fields),
            "callers": len(who),
            "outcomes": run.outcomes,
        },
        run.samples,
    )
    assert run.operations >= min(budget.examples, 50)
    assert changed_tables(before, after) == {}, report
    assert [c for c, _ in run.findings.of_kind("leak", "b-changed")] == [], report


async def test_subscriptions_of_one_county_never_receive_another_countys_events(
    server, gql, owner_db, counties
):
    # given: A's callers subscribed to generated subscriptions fed B's ids and streams
    a, b = counties
    budget = Budget()
    secrets = await collect_secrets(owner_db, a, b)
    introspection = await gql.data(INTROSPECTION, tenant=a.county.slug)
    generator = OperationGenerator(client_schema(introspection), await build_pools(owner_db, a, b))
    fields = generator.fields("subscription")
    who = callers(a)
    before = await county_fingerprint(owner_db, b.county.id)
    run = Run("cross_tenant_subscriptions", secrets)
    sockets: dict[str, ClientConnection] = {}
    stack = ExitStack()
    subscribed: dict[tuple[str, str], dict[str, Any]] = {}
    closed: list[str] = []
    refusals: list[Any] = []
    examples = max(len(fields) * len(who), budget.examples // 3)

    def socket(role: str, token: str | None) -> ClientConnection:
        if role not in sockets:
            ws = stack.enter_context(
                connect(server.ws_url, subprotocols=[TRANSPORT], open_timeout=budget.timeout)
            )
            init: dict[str, Any] = {"tenant": a.county.slug}
            if token:
                init["Authorization"] = f"Bearer {token}"
            ws.send(json.dumps({"type": "connection_init", "payload": init}))
            ack = json.loads(ws.recv(timeout=budget.timeout))
            assert ack["type"] == "connection_ack", ack
            sockets[role] = ws
        return sockets[role]

    def mismatched_init() -> Any:
        """What a member of A gets when initialising a socket with X-Tenant B."""
        with connect(server.ws_url, subprotocols=[TRANSPORT], open_timeout=budget.timeout) as ws:
            init = {"tenant": b.county.slug, "Authorization": f"Bearer {a.admin.token}"}
            ws.send(json.dumps({"type": "connection_init", "payload": init}))
            try:
                return json.loads(ws.recv(timeout=budget.timeout))
            except ConnectionClosed as exc:
                return exc.rcvd.code if exc.rcvd else None

    def subscribe() -> None:
        refusals.append(mismatched_init())
        for role, token in who:
            socket(role, token)

        def one(item: tuple[str, tuple[str, str | None]], data: Any, send: bool) -> None:
            name, (role, token) = item
            op = data.draw(generator.operation("subscription", name), label="operation")
            if not send:
                return
            ws = socket(role, token)
            op_id = f"s{len(subscribed)}"
            body = {"query": op.document, "variables": op.variables}
            subscribed[(role, op_id)] = {"field": name, "body": body}
            run.operations += 1
            try:
                ws.send(json.dumps({"id": op_id, "type": "subscribe", "payload": body}))
            except ConnectionClosed:
                closed.append(role)

        pairs = [(name, caller) for name in fields for caller in who]
        fuzz_each(pairs, examples, budget.seconds / 2, one)

    def drain_one(role: str, ws: ClientConnection, quiet: float) -> list[Any]:
        """Every message that arrived, until none has come for `quiet` seconds."""
        messages = []
        while True:
            try:
                messages.append(json.loads(ws.recv(timeout=quiet)))
            except TimeoutError:
                return messages
            except ConnectionClosed as exc:
                closed.append(f"{role}: {exc.rcvd}")
                return messages

    def drain(quiet: float) -> None:
        with ThreadPoolExecutor(len(sockets)) as pool:
            batches = pool.map(lambda rw: (rw[0], drain_one(*rw, quiet)), sockets.items())
            for role, messages in list(batches):
                for message in messages:
                    op = subscribed.get((role, message.get("id")))
                    if op is None:
                        continue
                    run.by_kind[message["type"]] = run.by_kind.get(message["type"], 0) + 1
                    run.check(role, op["field"], op["body"], message.get("payload"))

    def close_all() -> None:
        with ThreadPoolExecutor(len(sockets)) as pool:
            list(pool.map(lambda ws: ws.close(), sockets.values()))
        stack.close()

    # when: they subscribe, then B records new events (a comment, a poll, a vote, a unit)
    await asyncio.to_thread(subscribe)
    await asyncio.to_thread(drain, 0.5)
    unchanged = await county_fingerprint(owner_db, b.county.id)
    fresh = f"{b.marker}订阅期间的新发言{uuid.uuid4().hex[:6]}"
    live = b.meetings["LIVE"]
    await ok(gql, POST_COMMENT, {"m": live, "b": fresh}, b.voters[2].token)
    poll = (
        await ok(gql, CREATE_POLL, {"m": live, "q": fresh + "？", "o": ["是", "否"]}, b.admin.token)
    )["poll"]["id"]
    await ok(gql, OPEN_POLL, {"p": poll}, b.admin.token)
    await ok(gql, VOTE, {"p": poll, "c": [0], "k": uuid.uuid4().hex}, b.voters[2].token)
    await create_unit(gql, b.admin.token, b.county.root_gid, fresh + "村")
    run.secrets = await collect_secrets(owner_db, a, b)
    await asyncio.to_thread(drain, 1.5)
    await asyncio.to_thread(close_all)

    # then: no event, row or value of B reached any of them, and B did not change
    report = run.findings.report(
        "cross-tenant subscription fuzz",
        {
            "subscriptions": run.operations,
            **run.by_kind,
            "callers": len(sockets),
            "outcomes": run.outcomes,
        },
        run.samples,
    )
    assert refusals == [4403], refusals  # A's token with B's tenant: refused, not served as B
    assert changed_tables(before, unchanged) == {}, report
    assert run.operations >= len(fields) * len(who)
    assert run.findings.of_kind("leak") == [], report
    assert closed == [], (closed, report)


# -- coverage: the fuzzers cover the whole schema ------------------------------------------
# Issue #9 is resolved "when the fuzzers cover the whole schema": every root query, mutation
# and subscription field is generated above (the schema fuzzer, tests/test_fuzz_schema.py,
# takes every operation schemathesis finds), and every kind of global id the API shows or
# accepts (each node type `node(id:)` reaches, and every other row it names by a global id)
# is in NODE_TABLES with rows of the seeded county, so ID arguments are fed the other
# county's real ids of that type and such an id in an answer is recognised as a leak.

#: How the schema layer names a row by a global id (encoding it, or decoding an argument).
_ID_CALLS = re.compile(
    r"\b(?:to_global_id|encode_node_id|decode_id|decode_id_argument|from_global_id|"
    r"decode_node_ids|decode|_id|gid)\(\s*[\w.]*,?\s*\"([A-Z]\w+)\""
)
SCHEMA = Path(__file__).resolve().parent.parent / "schema"


def global_id_types() -> set[str]:
    """Every type name the schema layer encodes or decodes global ids of, from its source."""
    found: set[str] = set()
    for path in SCHEMA.rglob("*.py"):
        found |= set(_ID_CALLS.findall(path.read_text(encoding="utf-8")))
    return found


def find_any(operations: st.SearchStrategy[Any]) -> str:
    """The document of one operation the strategy draws (outside any @given)."""
    once = hypothesis.settings(database=None, max_examples=1, phases=[hypothesis.Phase.generate])
    found = hypothesis.find(operations, lambda _: True, settings=once)
    return str(found.document)


async def test_the_fuzzers_reach_every_root_field_and_every_kind_of_id(gql, owner_db, counties):
    # given: the live schema, and the pools the cross-tenant fuzzers draw from
    a, b = counties
    introspection = await gql.data(INTROSPECTION, tenant=a.county.slug)
    schema = client_schema(introspection)
    generator = OperationGenerator(schema, await build_pools(owner_db, a, b))
    b_rows = await county_ids(owner_db, b.county.id)

    # when: the root fields, node types and id types are listed
    roots = {kind: set(generator.fields(kind)) for kind in ("query", "mutation", "subscription")}
    node = schema.get_type("Node")
    nodes = {t.name for t in schema.get_possible_types(node)}  # type: ignore[arg-type]
    id_types = global_id_types() | nodes  # a node's id is its class's (DatabaseNode)

    # then: every root field but the session-ending three is fuzzed with B's ids (those
    # three are all still in the schema, so the list cannot go stale); every node type and
    # every id type is in NODE_TABLES, and B has rows of each
    assert ENDS_SESSIONS <= roots["mutation"]
    invalid = {
        (k, f): errors
        for k, names in roots.items()
        for f in sorted(names)
        if (errors := graphql.validate(schema, graphql.parse(find_any(generator.operation(k, f)))))
    }
    assert invalid == {}, "the generator writes these operations wrong"
    known = set(NODE_TABLES.values()) | {"County"}
    assert sorted(nodes - known) == []
    assert sorted(id_types - known) == [], "add them to NODE_TABLES and seed_county"
    assert sorted(t for t in known if not b_rows.get(t)) == [], "seed_county makes none"
    counts = {kind: len(names) for kind, names in roots.items()}
    print(f"fuzzed: {counts}, node types {len(nodes)}, id types {len(id_types)}")
