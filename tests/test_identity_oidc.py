"""OpenID Connect sign-in (统一身份认证) against a fake provider on 127.0.0.1 (tests/oidc_provider):
the county's provider configured with a write-only secret, the whole authorization-code flow
with PKCE, state and nonce, REAL_NAME_VERIFIED from the provider's real-name claim, the same
account on the next sign-in, linking a signed-in account, and every bad ID token refused with
its own typed error and no account made."""

from __future__ import annotations

from collections.abc import AsyncIterator
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from backend.people.models import Role
from tests import oidc_provider
from tests.conftest import county_rows
from tests.factories.people import make_user
from tests.factories.tenants import make_county

REDIRECT = "https://yishi.county.example/oidc/callback"
CONFIGURE = """
mutation($input: OidcProviderInput!) { configureOidcProvider(input: $input) {
  provider { name issuer clientId redirectUri scopes realNameClaim enabled hasClientSecret }
  errors { field code message } } }"""
PROVIDER = "{ oidcProvider { issuer clientId hasClientSecret enabled } }"
START = """
mutation { startOidcSignIn { authorizationUrl state expiresAt errors { field code message } } }"""
COMPLETE = """
mutation($s: String!, $c: String!) { completeOidcSignIn(state: $s, code: $c) {
  tokens { accessToken refreshToken } user { id displayName phone verification verificationMethod }
  errors { field code message } } }"""
VIEWER = "{ viewer { roles user { id verification verificationMethod } } }"
HISTORY = "{ identityVerifications { level method source } }"


@pytest.fixture(scope="module")
async def provider() -> AsyncIterator[oidc_provider.FakeProvider]:
    async for running in oidc_provider.serve():
        yield running


async def configured(server, gql, provider, *, real_name_claim="real_name_verified"):
    county = await make_county(server)
    issuer = provider.issuer()
    data = await gql.data(
        CONFIGURE,
        {
            "input": {
                "name": "省政务服务网",
                "issuer": issuer.url,
                "clientId": issuer.client_id,
                "clientSecret": issuer.client_secret,
                "redirectUri": REDIRECT,
                "realNameClaim": real_name_claim,
            }
        },
        token=county.admin.token,
    )
    assert data["configureOidcProvider"]["errors"] == [], data
    return county, issuer


async def start(gql, county):
    started = (await gql.data(START, tenant=county.slug))["startOidcSignIn"]
    assert started["errors"] == [], started
    return started


async def at_provider(started) -> tuple[str, str]:
    """The person signs in at the provider, which redirects back: (code, state)."""
    async with httpx.AsyncClient() as http:
        response = await http.get(started["authorizationUrl"])
    assert response.status_code == 302, response.text
    location = response.headers["location"]
    assert location.startswith(REDIRECT + "?")
    query = parse_qs(urlsplit(location).query)
    return query["code"][0], query["state"][0]


async def complete(gql, county, state, code, token=None):
    return (await gql.data(COMPLETE, {"s": state, "c": code}, tenant=county.slug, token=token))[
        "completeOidcSignIn"
    ]


def errors(payload):
    return [(e["field"], e["code"]) for e in payload["errors"]]


async def test_the_whole_flow_signs_a_person_in_real_name_verified_and_finds_them_again(
    server, gql, provider, owner_db
):
    county, issuer = await configured(server, gql, provider)
    issuer.person.name = "李四"
    issuer.person.claims = {"real_name_verified": True}

    started = await start(gql, county)
    url = urlsplit(started["authorizationUrl"])
    params = parse_qs(url.query)
    assert f"{url.scheme}://{url.netloc}{url.path}" == f"{issuer.url}/authorize"
    assert params["code_challenge_method"] == ["S256"] and len(params["code_challenge"][0]) == 43
    assert params["state"] == [started["state"]] and params["redirect_uri"] == [REDIRECT]
    assert params["client_id"] == [issuer.client_id] and "nonce" in params
    code, state = await at_provider(started)
    assert state == started["state"]

    signed = await complete(gql, county, state, code)
    assert signed["errors"] == []
    user = signed["user"]
    assert (user["displayName"], user["phone"]) == ("李四", "")
    assert (user["verification"], user["verificationMethod"]) == ("REAL_NAME_VERIFIED", "OIDC")
    token = signed["tokens"]["accessToken"]
    viewer = (await gql.data(VIEWER, token=token))["viewer"]
    assert viewer["roles"] == ["CITIZEN"] and viewer["user"]["id"] == user["id"]
    history = (await gql.data(HISTORY, token=token))["identityVerifications"]
    assert history == [{"level": "REAL_NAME_VERIFIED", "method": "OIDC", "source": issuer.url}]

    # A state works once.
    again = await complete(gql, county, state, code)
    assert errors(again) == [("state", "OIDC_INVALID_STATE")]
    # The next sign-in of the same provider account finds the same account.
    code, state = await at_provider(await start(gql, county))
    second = await complete(gql, county, state, code)
    assert second["errors"] == [] and second["user"]["id"] == user["id"]
    assert (
        await owner_db.fetchval("SELECT count(*) FROM users WHERE tenant_id = $1", county.id) == 2
    )  # the admin and this person
    assert (
        await owner_db.fetchval(
            "SELECT count(*) FROM oidc_identities WHERE tenant_id = $1", county.id
        )
        == 1
    )


async def test_without_the_real_name_claim_a_verified_phone_number_finds_the_account(
    server, gql, provider
):
    county, issuer = await configured(server, gql, provider)
    person = await make_user(server, county, roles=[(Role.NPC_DEPUTY, None)])
    issuer.person.claims = {"phone_number": f"+86{person.phone}", "phone_number_verified": True}
    code, state = await at_provider(await start(gql, county))
    signed = await complete(gql, county, state, code)
    assert signed["errors"] == [] and signed["user"]["id"] == person.gid
    assert signed["user"]["verification"] == "PHONE_VERIFIED"
    viewer = (await gql.data(VIEWER, token=signed["tokens"]["accessToken"]))["viewer"]
    assert viewer["roles"] == ["NPC_DEPUTY"]


async def test_a_signed_in_person_links_their_account(server, gql, provider):
    county, issuer = await configured(server, gql, provider)
    person = await make_user(server, county, roles=[(Role.CITIZEN, None)])
    issuer.person.claims = {"real_name_verified": "true"}
    code, state = await at_provider(await start(gql, county))
    linked = await complete(gql, county, state, code, token=person.token)
    assert linked["errors"] == [] and linked["user"]["id"] == person.gid
    me = (await gql.data(VIEWER, token=person.token))["viewer"]["user"]
    assert me["verification"] == "REAL_NAME_VERIFIED"
    # Signed out, the provider account now signs in as this person.
    code, state = await at_provider(await start(gql, county))
    assert (await complete(gql, county, state, code))["user"]["id"] == person.gid


@pytest.mark.parametrize(
    ("fault", "expected"),
    [
        ("nonce", "OIDC_NONCE_MISMATCH"),
        ("audience", "OIDC_WRONG_AUDIENCE"),
        ("expired", "OIDC_TOKEN_EXPIRED"),
        ("other_key", "OIDC_BAD_SIGNATURE"),
        ("issuer", "OIDC_WRONG_ISSUER"),
    ],
)
async def test_a_bad_id_token_is_refused_with_its_own_code_and_makes_no_account(
    server, gql, provider, owner_db, fault, expected
):
    county, issuer = await configured(server, gql, provider)
    issuer.person.claims = {"real_name_verified": True}
    issuer.token_fault = fault
    code, state = await at_provider(await start(gql, county))
    before = await county_rows(owner_db, county.id)
    refused = await complete(gql, county, state, code)
    assert errors(refused) == [("code", expected)] and refused["tokens"] is None
    after = await county_rows(owner_db, county.id)
    assert after == before  # (the sign-in was spent in place: same row count)
    assert (
        await owner_db.fetchval(
            "SELECT count(*) FROM oidc_logins WHERE tenant_id = $1 AND used_at IS NULL", county.id
        )
        == 0
    )
    assert issuer.token_requests == 1


async def test_the_provider_refusing_the_code_or_pkce_and_bad_configuration_are_typed_errors(
    server, gql, provider
):
    county, _ = await configured(server, gql, provider)
    started = await start(gql, county)
    _, state = await at_provider(started)
    unknown = await complete(gql, county, state, "a-code-the-provider-never-gave")
    assert errors(unknown) == [("code", "OIDC_PROVIDER_ERROR")]
    assert "invalid_grant" in unknown["errors"][0]["message"]
    forged = await complete(gql, county, "forged-state", "x")
    assert errors(forged) == [("state", "OIDC_INVALID_STATE")]

    # A discovery document whose token endpoint is elsewhere is refused before any call.
    county2, issuer2 = await configured(server, gql, provider)
    issuer2.foreign_token_endpoint = True
    refused = (await gql.data(START, tenant=county2.slug))["startOidcSignIn"]
    assert (
        errors(refused) == [("code", "OIDC_PROVIDER_ERROR")] and refused["authorizationUrl"] is None
    )
    assert "token_endpoint" in refused["errors"][0]["message"]

    # A county without a provider.
    bare = await make_county(server)
    none = (await gql.data(START, tenant=bare.slug))["startOidcSignIn"]
    assert errors(none) == [(None, "OIDC_NOT_CONFIGURED")]


async def test_the_client_secret_is_write_only_and_configuration_is_for_county_admins(
    server, gql, provider, owner_db
):
    county, issuer = await configured(server, gql, provider)
    shown = (await gql.data(PROVIDER, token=county.admin.token))["oidcProvider"]
    assert shown == {
        "issuer": issuer.url,
        "clientId": issuer.client_id,
        "hasClientSecret": True,
        "enabled": True,
    }
    fields = await gql.data('{ __type(name: "OidcProviderSettings") { fields { name } } }')
    assert "clientSecret" not in {f["name"] for f in fields["__type"]["fields"]}
    # Changing the settings without a secret keeps the stored one: sign-in still works.
    update = {
        "name": "省政务服务网（新）",
        "issuer": issuer.url,
        "clientId": issuer.client_id,
        "redirectUri": REDIRECT,
        "realNameClaim": "real_name_verified",
    }
    changed = await gql.data(CONFIGURE, {"input": update}, token=county.admin.token)
    assert changed["configureOidcProvider"]["provider"]["name"] == "省政务服务网（新）"
    code, state = await at_provider(await start(gql, county))
    assert (await complete(gql, county, state, code))["errors"] == []
    # Nor is the secret in the audit log.
    audit = await owner_db.fetch(
        "SELECT after::text AS after FROM audit_entries WHERE tenant_id = $1 AND action = 'oidc.configure'",
        county.id,
    )
    assert len(audit) == 2 and all(issuer.client_secret not in r["after"] for r in audit)

    before = await county_rows(owner_db, county.id)
    bad = await gql.data(
        CONFIGURE,
        {"input": {**update, "issuer": "ftp://example", "scopes": "profile"}},
        token=county.admin.token,
    )
    assert errors(bad["configureOidcProvider"]) == [("issuer", "INVALID")]
    no_openid = await gql.data(
        CONFIGURE, {"input": {**update, "scopes": "profile"}}, token=county.admin.token
    )
    assert errors(no_openid["configureOidcProvider"]) == [("scopes", "INVALID")]
    plain_http = await gql.data(
        CONFIGURE,
        {"input": {**update, "issuer": "http://sso.example.gov.cn"}},
        token=county.admin.token,
    )
    assert errors(plain_http["configureOidcProvider"]) == [("issuer", "INVALID")]
    first_time = await make_county(server)
    no_secret = await gql.data(CONFIGURE, {"input": update}, token=first_time.admin.token)
    assert errors(no_secret["configureOidcProvider"]) == [("clientSecret", "INVALID")]
    assert await county_rows(owner_db, county.id) == before

    staff = await make_user(
        server, county, roles=[(Role.TENANT_ADMIN, await _township(server, county))]
    )
    body = await gql.execute(CONFIGURE, {"input": update}, token=staff.token)
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    body = await gql.execute(PROVIDER, token=staff.token)
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def _township(server, county) -> int:
    from tests.factories.tenants import make_unit

    return await make_unit(server, county)
