"""Operating the service: health, readiness, metrics, request ids, and the audit log of
administrative actions."""

from __future__ import annotations

import re
import uuid

from backend.people.models import Role
from tenants.models import OrgUnitKind
from tests.factories.people import make_user
from tests.factories.tenants import gid, make_county, make_unit

AUDIT_LOG = """
query($action: String, $first: Int, $after: String) {
  auditLog(action: $action, first: $first, after: $after) {
    edges { cursor node { id action actor targetType targetId before after requestId createdAt } }
    pageInfo { hasNextPage endCursor }
  }
}"""


def error_codes(body: dict) -> list[str]:
    return [e["extensions"]["code"] for e in body["errors"]]


# --- health, readiness, metrics ---------------------------------------------------------------


async def test_healthz_answers(server, gql):
    # when
    response = await gql.http.get("/healthz")

    # then
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_readyz_is_ready_with_the_database_up(server, gql):
    # when
    response = await gql.http.get("/readyz")

    # then
    assert response.status_code == 200
    assert response.json() == {"status": "ready", "database": "up"}


async def test_metrics_count_http_requests(server, gql):
    # given: a request to count
    await gql.http.get("/healthz")

    # when
    response = await gql.http.get("/metrics")

    # then
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    assert "# TYPE yishi_http_requests_total counter" in response.text
    assert re.search(
        r'^yishi_http_requests_total\{method="GET",path="/healthz",status="200"\} [1-9]',
        response.text,
        re.MULTILINE,
    )


async def test_unknown_paths_share_one_metrics_label(server, gql):
    # given
    path = f"/no-such-page-{uuid.uuid4().hex}"

    # when
    missing = await gql.http.get(path)
    metrics = (await gql.http.get("/metrics")).text

    # then
    assert missing.status_code == 404
    assert path not in metrics
    assert 'yishi_http_requests_total{method="GET",path="other",status="404"}' in metrics


async def test_a_request_id_sent_is_echoed(server, gql):
    # given
    request_id = f"test-{uuid.uuid4().hex}"

    # when
    response = await gql.http.get("/healthz", headers={"X-Request-ID": request_id})

    # then
    assert response.headers["x-request-id"] == request_id


async def test_a_request_id_is_made_when_none_is_sent(server, gql):
    # when
    first = await gql.http.get("/healthz")
    second = await gql.http.post("/graphql", json={"query": "{ viewer { isPlatformOperator } }"})

    # then
    ids = [first.headers["x-request-id"], second.headers["x-request-id"]]
    for request_id in ids:
        assert re.fullmatch(r"[0-9a-f]{32}", request_id)
    assert ids[0] != ids[1]


async def test_an_overlong_request_id_is_cut_to_64_characters(server, gql):
    # when
    response = await gql.http.get("/healthz", headers={"X-Request-ID": "r" * 200})

    # then
    assert response.headers["x-request-id"] == "r" * 64


# --- the audit log ----------------------------------------------------------------------------


async def test_admin_actions_are_in_the_audit_log_with_before_after_and_actor(
    server, gql, owner_db
):
    # given
    county = await make_county(server)
    person = await make_user(server, county)
    request_id = f"audit-{uuid.uuid4().hex}"
    headers = {"X-Request-ID": request_id}

    # when: create a unit, grant a role scoped to it, revoke that role
    created = await gql.data(
        'mutation($p: ID!) { createOrgUnit(input: {parentId: $p, kind: TOWNSHIP, name: "审计乡"}) '
        "{ orgUnit { id } errors { code } } }",
        {"p": county.root_gid},
        token=county.admin.token,
        headers=headers,
    )
    unit_id = created["createOrgUnit"]["orgUnit"]["id"]
    granted = await gql.data(
        "mutation($u: ID!, $o: ID!) { grantRole(input: {userId: $u, role: MEDIATOR, "
        "orgUnitId: $o}) { membership { id } errors { code } } }",
        {"u": person.gid, "o": unit_id},
        token=county.admin.token,
    )
    membership_id = granted["grantRole"]["membership"]["id"]
    revoked = await gql.data(
        "mutation($m: ID!) { revokeRole(membershipId: $m) { membership { id } errors { code } } }",
        {"m": membership_id},
        token=county.admin.token,
    )
    assert revoked["revokeRole"]["errors"] == []

    log = (await gql.data(AUDIT_LOG, {"first": 3}, token=county.admin.token))["auditLog"]

    # then: newest first
    entries = [e["node"] for e in log["edges"]]
    assert [e["action"] for e in entries] == [
        "membership.revoke",
        "membership.grant",
        "orgUnit.create",
    ]
    actor = f"user:{county.admin.user_id}:管理员"
    assert {e["actor"] for e in entries} == {actor}
    unit_db_id = await owner_db.fetchval(
        "SELECT id FROM org_units WHERE tenant_id = $1 AND name = '审计乡'", county.id
    )
    assert gid("OrgUnit", unit_db_id) == unit_id
    membership_db_id = entries[1]["targetId"]
    revoke, grant, create = entries
    assert (create["targetType"], create["targetId"]) == ("OrgUnit", unit_db_id)
    assert create["before"] is None
    assert create["after"] == {
        "name": "审计乡",
        "kind": "TOWNSHIP",
        "code": None,
        "parentId": county.root_id,
    }
    assert create["requestId"] == request_id
    assert grant["targetType"] == "Membership" and grant["before"] is None
    assert grant["after"] == {"userId": person.user_id, "role": "MEDIATOR", "orgUnitId": unit_db_id}
    assert gid("Membership", membership_db_id) == membership_id
    assert (revoke["targetType"], revoke["targetId"]) == ("Membership", membership_db_id)
    assert revoke["before"] == grant["after"] and revoke["after"] is None
    assert re.fullmatch(r"[0-9a-f]{32}", revoke["requestId"])

    # filtered by action, and the entry is a node
    only = (await gql.data(AUDIT_LOG, {"action": "membership.grant"}, token=county.admin.token))[
        "auditLog"
    ]
    assert [e["node"]["id"] for e in only["edges"]] == [grant["id"]]
    node = await gql.data(
        "query($id: ID!) { node(id: $id) { ... on AuditEntry { action } } }",
        {"id": grant["id"]},
        token=county.admin.token,
    )
    assert node["node"] == {"action": "membership.grant"}


async def test_the_audit_log_pages_backwards_in_time(server, gql):
    # given: 5 units → 5 entries
    county = await make_county(server)
    for i in range(5):
        await make_unit(server, county, kind=OrgUnitKind.TOWNSHIP, name=f"页{i}")

    # when
    first = (
        await gql.data(
            AUDIT_LOG, {"action": "orgUnit.create", "first": 3}, token=county.admin.token
        )
    )["auditLog"]
    rest = (
        await gql.data(
            AUDIT_LOG,
            {"action": "orgUnit.create", "first": 3, "after": first["pageInfo"]["endCursor"]},
            token=county.admin.token,
        )
    )["auditLog"]

    # then
    names = [e["node"]["after"]["name"] for e in first["edges"] + rest["edges"]]
    assert names == ["页4", "页3", "页2", "页1", "页0"]
    assert first["pageInfo"]["hasNextPage"] is True
    assert rest["pageInfo"]["hasNextPage"] is False


async def test_the_audit_log_shows_only_the_countys_own_entries(server, gql):
    # given
    a = await make_county(server)
    b = await make_county(server)
    await make_unit(server, b, kind=OrgUnitKind.TOWNSHIP)

    # when
    log = (await gql.data(AUDIT_LOG, {"first": 100}, token=a.admin.token))["auditLog"]

    # then: only a's own registration
    assert [(e["node"]["action"], e["node"]["targetId"]) for e in log["edges"]] == [
        ("tenant.create", a.id)
    ]


async def test_a_citizen_cannot_read_the_audit_log(server, gql):
    # given
    county = await make_county(server)
    await make_unit(server, county, kind=OrgUnitKind.TOWNSHIP)
    citizen = await make_user(server, county, roles=[(Role.CITIZEN, None)])
    entry_id = (await gql.data(AUDIT_LOG, {"first": 1}, token=county.admin.token))["auditLog"][
        "edges"
    ][0]["node"]["id"]

    # when
    listing = await gql.execute(AUDIT_LOG, {}, token=citizen.token)
    by_id = await gql.execute(
        "query($id: ID!) { node(id: $id) { id } }", {"id": entry_id}, token=citizen.token
    )

    # then
    assert listing["data"] is None
    assert error_codes(listing) == ["FORBIDDEN"]
    assert error_codes(by_id) == ["FORBIDDEN"]
    assert by_id["data"] == {"node": None}


async def test_a_unit_scoped_admin_cannot_read_the_county_audit_log(server, gql):
    # given: an admin scoped to one township
    from backend.people.models import Role
    from tenants.models import OrgUnitKind
    from tests.factories.people import make_user
    from tests.factories.tenants import make_county, make_unit

    county = await make_county(server)
    township = await make_unit(server, county, kind=OrgUnitKind.TOWNSHIP)
    scoped = await make_user(server, county, roles=[(Role.TENANT_ADMIN, township)])

    # when
    body = await gql.execute(
        "{ auditLog(first: 5) { edges { node { action } } } }", token=scoped.token
    )

    # then
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_a_serving_process_tunes_its_garbage_collector(server):
    """Once the app has started (GC_THRESHOLD): startup objects frozen out of collection,
    the young generation collected every GC_THRESHOLD allocations, the old one rarely."""
    import gc

    threshold = server.services.settings.gc_threshold
    assert gc.get_threshold()[0] == threshold and gc.get_threshold()[2] >= 100
    assert gc.get_freeze_count() > 10_000  # the modules, the schema, the pools


async def test_log_lines_of_a_request_carry_its_county(server, gql, monkeypatch):
    # given: a handler as the service's, and a log line written inside a field's resolver
    # (GraphQL runs fields in tasks of their own: the county must reach them)
    import logging

    from backend.core.observability import ContextFilter
    from tenants import service as tenant_service

    county = await make_county(server)
    records: list[logging.LogRecord] = []
    handler = logging.Handler()
    handler.addFilter(ContextFilter())
    handler.emit = records.append  # type: ignore[method-assign]
    probe = logging.getLogger("yishi.test.probe")
    probe.addHandler(handler)
    original = tenant_service.list_org_units

    async def logging_list(*args, **kwargs):  # type: ignore[no-untyped-def]
        probe.warning("listing units")
        return await original(*args, **kwargs)

    monkeypatch.setattr(tenant_service, "list_org_units", logging_list)
    try:
        # when
        await gql.data("{ orgUnits(first: 1) { edges { node { id } } } }", token=county.admin.token)
    finally:
        probe.removeHandler(handler)

    # then
    assert [(r.getMessage(), r.tenant) for r in records] == [("listing units", county.id)]
