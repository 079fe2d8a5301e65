"""Sign-in, tokens, registration, passwords, the viewer and platform operators — all
through the GraphQL API, as a client would use them."""

from __future__ import annotations

import asyncio
import time
import uuid

import asyncpg
import jwt

from backend.core.security import JWT_ALGORITHM
from backend.people import service as people
from backend.people.models import Role
from tests.conftest import county_rows
from tests.factories.people import PASSWORD, make_user, next_phone, token_for
from tests.factories.tenants import make_county

# Every county-owned table: "nothing changed" means none of them gained or lost a row.

LOGIN = """
mutation($phone: String!, $password: String!) {
  login(input: {phone: $phone, password: $password}) {
    tokens { accessToken accessTokenExpiresAt refreshToken }
    user { id displayName phone isActive }
    errors { field code message }
  }
}"""

REFRESH = """
mutation($t: String!) {
  refreshToken(refreshToken: $t) {
    tokens { accessToken refreshToken }
    user { id }
    errors { field code message }
  }
}"""

LOGOUT = "mutation($t: String!) { logout(refreshToken: $t) { ok errors { code } } }"

REGISTER = """
mutation($name: String!, $phone: String!, $password: String!) {
  register(displayName: $name, phone: $phone, password: $password) {
    tokens { accessToken refreshToken }
    user { id displayName phone }
    errors { field code message }
  }
}"""

CHANGE_PASSWORD = """
mutation($old: String!, $new: String!) {
  changePassword(oldPassword: $old, newPassword: $new) { ok errors { field code message } }
}"""

VIEWER = """
{ viewer { user { id displayName phone } county { name slug } roles isPlatformOperator } }"""

OPERATOR_LOGIN = """
mutation($u: String!, $p: String!) {
  operatorLogin(username: $u, password: $p) {
    tokens { accessToken refreshToken } user { id } errors { field code message }
  }
}"""

CREATE_COUNTY = """
mutation($input: CreateCountyInput!) {
  createCounty(input: $input) {
    county { id name slug divisionCode timezone }
    errors { field code message }
  }
}"""


async def unused_division_code(owner_db: asyncpg.Connection) -> str:
    while True:
        code = f"{uuid.uuid4().int % 900000 + 100000:06d}"
        if not await owner_db.fetchval("SELECT 1 FROM tenants WHERE division_code = $1", code):
            return code


async def make_operator(server) -> tuple[str, str]:
    username, password = f"op-{uuid.uuid4().hex[:10]}", "operator-pass-123"
    async with server.services.db.platform_transaction() as session:
        await people.ensure_operator(
            session, server.services.passwords, username=username, password=password
        )
    return username, password


async def operator_token(server, gql) -> str:
    username, password = await make_operator(server)
    body = await gql.data(OPERATOR_LOGIN, {"u": username, "p": password})
    assert body["operatorLogin"]["errors"] == []
    return body["operatorLogin"]["tokens"]["accessToken"]


def error_codes(body: dict) -> list[str]:
    return [e["extensions"]["code"] for e in body["errors"]]


async def login(gql, county, phone: str, password: str = PASSWORD) -> dict:
    body = await gql.data(LOGIN, {"phone": phone, "password": password}, tenant=county.slug)
    return body["login"]


# --- login ------------------------------------------------------------------------------


async def test_login_returns_tokens_and_the_user_with_a_masked_phone(server, gql, owner_db):
    # given
    county = await make_county(server)
    member = await make_user(server, county, roles=[(Role.MEDIATOR, None)], name="张解事")
    tokens_before = await county_rows(owner_db, county.id)

    # when
    result = await login(gql, county, member.phone)

    # then
    assert result["errors"] == []
    assert result["user"] == {
        "id": member.gid,
        "displayName": "张解事",
        "phone": f"{member.phone[:3]}****{member.phone[-4:]}",
        "isActive": True,
    }
    assert result["user"]["phone"].startswith("139****")
    tokens = result["tokens"]
    assert tokens["accessToken"] and tokens["refreshToken"].startswith(f"{county.id}.")
    assert (await county_rows(owner_db, county.id))["refresh_tokens"] == (
        tokens_before["refresh_tokens"] + 1
    )
    viewer = await gql.data(VIEWER, token=tokens["accessToken"])
    assert viewer["viewer"]["user"]["id"] == member.gid
    assert viewer["viewer"]["roles"] == ["MEDIATOR"]


async def test_login_accepts_the_phone_in_any_usual_format(server, gql):
    # given
    county = await make_county(server)
    member = await make_user(server, county)

    # when
    spaced = f"+86 {member.phone[:3]} {member.phone[3:7]} {member.phone[7:]}"
    result = await login(gql, county, spaced)

    # then
    assert result["errors"] == []
    assert result["user"]["id"] == member.gid


async def test_login_with_a_wrong_password_is_refused_on_the_password_field(server, gql, owner_db):
    # given
    county = await make_county(server)
    member = await make_user(server, county)
    before = await county_rows(owner_db, county.id)

    # when
    result = await login(gql, county, member.phone, "wrong-password")

    # then: refused, and only the failure is counted (toward a lockout)
    assert result["tokens"] is None and result["user"] is None
    assert result["errors"] == [
        {"field": "password", "code": "INVALID_CREDENTIALS", "message": "手机号码或密码错误"}
    ]
    assert await county_rows(owner_db, county.id) == before | {
        "login_throttles": before["login_throttles"] + 1
    }


async def test_login_with_an_unknown_phone_gets_the_same_answer(server, gql, owner_db):
    # given
    county = await make_county(server)
    other = await make_county(server)
    member_elsewhere = await make_user(server, other)
    before = await county_rows(owner_db, county.id)

    # when: an unknown number, a malformed one, and an account of another county
    results = [
        await login(gql, county, phone) for phone in (next_phone(), "12345", member_elsewhere.phone)
    ]

    # then: the same answer, and each number's failure counted alike
    for result in results:
        assert result["tokens"] is None
        assert result["errors"] == [
            {"field": "password", "code": "INVALID_CREDENTIALS", "message": "手机号码或密码错误"}
        ]
    assert await county_rows(owner_db, county.id) == before | {
        "login_throttles": before["login_throttles"] + 3
    }


async def test_login_without_a_county_is_unauthenticated(server, gql):
    # given
    county = await make_county(server)
    member = await make_user(server, county)

    # when
    body = await gql.execute(LOGIN, {"phone": member.phone, "password": PASSWORD})

    # then
    assert error_codes(body) == ["UNAUTHENTICATED"]


# --- refresh tokens -----------------------------------------------------------------------


async def test_refresh_rotates_the_pair_and_the_old_refresh_token_stops_working(
    server, gql, owner_db
):
    # given
    county = await make_county(server)
    member = await make_user(server, county)
    first = (await login(gql, county, member.phone))["tokens"]

    # when
    rotated = (await gql.data(REFRESH, {"t": first["refreshToken"]}))["refreshToken"]

    # then: a new pair that works
    assert rotated["errors"] == []
    assert rotated["user"] == {"id": member.gid}
    new = rotated["tokens"]
    assert new["refreshToken"] != first["refreshToken"]
    viewer = await gql.data(VIEWER, token=new["accessToken"])
    assert viewer["viewer"]["user"]["id"] == member.gid
    again = (await gql.data(REFRESH, {"t": new["refreshToken"]}))["refreshToken"]
    assert again["errors"] == []

    # and the old refresh token is spent
    before = await county_rows(owner_db, county.id)
    reused = (await gql.data(REFRESH, {"t": first["refreshToken"]}))["refreshToken"]
    assert reused["tokens"] is None
    assert [(e["field"], e["code"]) for e in reused["errors"]] == [
        ("refreshToken", "INVALID_REFRESH_TOKEN")
    ]
    assert await county_rows(owner_db, county.id) == before


async def test_malformed_refresh_tokens_are_invalid(server, gql, owner_db):
    # given
    county = await make_county(server)
    member = await make_user(server, county)
    real = (await login(gql, county, member.phone))["tokens"]["refreshToken"]
    other = await make_county(server)
    before = await county_rows(owner_db, county.id)
    malformed = [
        "",
        "garbage",
        "no-dot-at-all",
        f"{county.id}.",
        f"{county.id}.not-a-real-token",
        f"x{real}",
        "99999999999999999999999.abc",
        f"{other.id}.{real.partition('.')[2]}",
    ]

    # when
    results = [(await gql.data(REFRESH, {"t": t}))["refreshToken"] for t in malformed]

    # then
    for token, result in zip(malformed, results, strict=True):
        assert result["tokens"] is None, token
        assert [(e["field"], e["code"]) for e in result["errors"]] == [
            ("refreshToken", "INVALID_REFRESH_TOKEN")
        ], token
    assert await county_rows(owner_db, county.id) == before
    # the real token still works: a malformed attempt did not spend it
    assert (await gql.data(REFRESH, {"t": real}))["refreshToken"]["errors"] == []


async def test_an_expired_refresh_token_is_invalid(server, gql, owner_db):
    # given: a refresh token past its expiry
    county = await make_county(server)
    member = await make_user(server, county)
    tokens = (await login(gql, county, member.phone))["tokens"]
    await owner_db.execute(
        "UPDATE refresh_tokens SET expires_at = now() - interval '1 minute' WHERE user_id = $1",
        member.user_id,
    )
    before = await county_rows(owner_db, county.id)

    # when
    result = (await gql.data(REFRESH, {"t": tokens["refreshToken"]}))["refreshToken"]

    # then
    assert result["tokens"] is None
    assert [(e["field"], e["code"]) for e in result["errors"]] == [
        ("refreshToken", "INVALID_REFRESH_TOKEN")
    ]
    assert await county_rows(owner_db, county.id) == before


async def test_a_deactivated_account_cannot_refresh(server, gql, owner_db):
    # given
    county = await make_county(server)
    member = await make_user(server, county)
    tokens = (await login(gql, county, member.phone))["tokens"]
    await owner_db.execute("UPDATE users SET is_active = false WHERE id = $1", member.user_id)
    before = await county_rows(owner_db, county.id)

    # when
    result = (await gql.data(REFRESH, {"t": tokens["refreshToken"]}))["refreshToken"]

    # then
    assert result["tokens"] is None
    assert [e["code"] for e in result["errors"]] == ["INVALID_REFRESH_TOKEN"]
    assert await county_rows(owner_db, county.id) == before
    assert (
        await owner_db.fetchval(
            "SELECT revoked_at FROM refresh_tokens WHERE user_id = $1", member.user_id
        )
        is None
    )


async def test_logout_revokes_the_refresh_token(server, gql, owner_db):
    # given
    county = await make_county(server)
    member = await make_user(server, county)
    tokens = (await login(gql, county, member.phone))["tokens"]

    # when
    result = (await gql.data(LOGOUT, {"t": tokens["refreshToken"]}))["logout"]

    # then
    assert result == {"ok": True, "errors": []}
    revoked = await owner_db.fetchval(
        "SELECT count(*) FROM refresh_tokens WHERE tenant_id = $1 AND user_id = $2 "
        "AND revoked_at IS NOT NULL",
        county.id,
        member.user_id,
    )
    assert revoked == 1
    refreshed = (await gql.data(REFRESH, {"t": tokens["refreshToken"]}))["refreshToken"]
    assert [e["code"] for e in refreshed["errors"]] == ["INVALID_REFRESH_TOKEN"]


async def test_logout_with_a_malformed_token_is_harmless(server, gql, owner_db):
    # given
    county = await make_county(server)
    before = await county_rows(owner_db, county.id)

    # when
    results = [
        (await gql.data(LOGOUT, {"t": t}))["logout"]
        for t in ("garbage", f"{county.id}.nope", "99999999999999999999999.x")
    ]

    # then
    assert results == [{"ok": True, "errors": []}] * 3
    assert await county_rows(owner_db, county.id) == before


# --- access tokens and headers --------------------------------------------------------------


async def test_an_expired_access_token_is_unauthenticated(server, gql):
    # given
    county = await make_county(server)
    member = await make_user(server, county)
    expired = token_for(server, county.id, member.user_id, ttl=-10)
    secret = server.services.settings.jwt_secret.get_secret_value()
    assert (
        jwt.decode(expired, secret, algorithms=[JWT_ALGORITHM], options={"verify_exp": False})[
            "exp"
        ]
        < time.time()
    )

    # when
    body = await gql.execute(VIEWER, token=expired)

    # then
    assert body["data"] is None
    assert error_codes(body) == ["UNAUTHENTICATED"]
    assert body["errors"][0]["message"] == "登录已过期，请刷新令牌或重新登录"


async def test_garbage_and_forged_tokens_are_unauthenticated(server, gql):
    # given
    county = await make_county(server)
    member = await make_user(server, county)
    now = int(time.time())
    claims = {
        "sub": f"user:{member.user_id}",
        "tid": county.id,
        "typ": "access",
        "iat": now,
        "exp": now + 600,
    }
    secret = server.services.settings.jwt_secret.get_secret_value()
    bad_tokens = [
        "garbage",
        jwt.encode(claims, "another-secret-of-enough-length-0123456789", algorithm="HS256"),
        jwt.encode({**claims, "typ": "refresh"}, secret, algorithm="HS256"),
        jwt.encode({k: v for k, v in claims.items() if k != "exp"}, secret, algorithm="HS256"),
        jwt.encode({**claims, "tid": str(county.id)}, secret, algorithm="HS256"),
        jwt.encode({**claims, "sub": "admin"}, secret, algorithm="HS256"),
        jwt.encode(claims, None, algorithm="none"),
    ]

    # when
    bodies = [await gql.execute(VIEWER, token=t) for t in bad_tokens]

    # then
    for token, body in zip(bad_tokens, bodies, strict=True):
        assert body["data"] is None, token
        assert error_codes(body) == ["UNAUTHENTICATED"], token


async def test_a_token_of_a_deactivated_account_is_unauthenticated(server, gql, owner_db):
    # given
    county = await make_county(server)
    member = await make_user(server, county)
    await owner_db.execute("UPDATE users SET is_active = false WHERE id = $1", member.user_id)

    # when
    body = await gql.execute(VIEWER, token=member.token)

    # then
    assert error_codes(body) == ["UNAUTHENTICATED"]


async def test_a_basic_authorization_header_is_unauthenticated(server, gql):
    # given
    county = await make_county(server)

    # when
    body = await gql.execute(VIEWER, tenant=county.slug, headers={"Authorization": "Basic x"})

    # then
    assert body["data"] is None
    assert error_codes(body) == ["UNAUTHENTICATED"]


async def test_a_token_of_one_county_with_the_header_of_another_is_unauthenticated(server, gql):
    # given
    a = await make_county(server)
    b = await make_county(server)

    # when
    body = await gql.execute(VIEWER, token=a.admin.token, tenant=b.slug)

    # then
    assert body["data"] is None
    assert error_codes(body) == ["UNAUTHENTICATED"]
    # the same token with its own county is fine
    same = await gql.data(VIEWER, token=a.admin.token, tenant=a.slug)
    assert same["viewer"]["county"]["slug"] == a.slug


async def test_an_unknown_county_slug_is_unauthenticated(server, gql):
    # when
    body = await gql.execute(VIEWER, tenant=f"nowhere{uuid.uuid4().hex[:8]}")

    # then
    assert body["data"] is None
    assert error_codes(body) == ["UNAUTHENTICATED"]


# --- registration ---------------------------------------------------------------------------


async def test_register_creates_a_citizen_who_is_signed_in(server, gql, owner_db):
    # given
    county = await make_county(server)
    phone = next_phone()
    before = await county_rows(owner_db, county.id)

    # when
    result = (
        await gql.data(
            REGISTER,
            {"name": " 郑群众 ", "phone": phone, "password": "long-enough-1"},
            tenant=county.slug,
        )
    )["register"]

    # then
    assert result["errors"] == []
    assert result["user"]["displayName"] == "郑群众"
    assert result["user"]["phone"] == f"{phone[:3]}****{phone[-4:]}"
    viewer = await gql.data(VIEWER, token=result["tokens"]["accessToken"])
    assert viewer["viewer"]["roles"] == ["CITIZEN"]
    assert viewer["viewer"]["user"]["phone"] == f"+86{phone}"
    after = await county_rows(owner_db, county.id)
    assert after["users"] == before["users"] + 1
    assert after["memberships"] == before["memberships"] + 1
    assert after["refresh_tokens"] == before["refresh_tokens"] + 1
    row = await owner_db.fetchrow(
        "SELECT m.role, m.org_unit_id FROM memberships m JOIN users u ON u.id = m.user_id "
        "WHERE u.tenant_id = $1 AND u.phone = $2",
        county.id,
        f"+86{phone}",
    )
    assert (row["role"], row["org_unit_id"]) == ("CITIZEN", None)
    # and the password works for a normal login
    assert (await login(gql, county, phone, "long-enough-1"))["errors"] == []


async def test_register_with_a_phone_already_taken_is_refused(server, gql, owner_db):
    # given
    county = await make_county(server)
    member = await make_user(server, county)
    before = await county_rows(owner_db, county.id)

    # when: the same number, written differently
    spaced = f"{member.phone[:3]} {member.phone[3:7]} {member.phone[7:]}"
    result = (
        await gql.data(
            REGISTER,
            {"name": "重复", "phone": spaced, "password": "long-enough-1"},
            tenant=county.slug,
        )
    )["register"]

    # then
    assert result["tokens"] is None and result["user"] is None
    assert [(e["field"], e["code"]) for e in result["errors"]] == [("phone", "DUPLICATE_PHONE")]
    assert await county_rows(owner_db, county.id) == before


async def test_registering_one_phone_three_times_at_once_creates_one_account(server, gql, owner_db):
    # given
    county = await make_county(server)
    phone = next_phone()
    before = await county_rows(owner_db, county.id)

    # when
    bodies = await asyncio.gather(
        *(
            gql.execute(
                REGISTER,
                {"name": "并发", "phone": phone, "password": "long-enough-1"},
                tenant=county.slug,
            )
            for _ in range(3)
        )
    )

    # then: one account; the others are told the number is taken
    assert all("errors" not in body for body in bodies), bodies
    outcomes = sorted(
        tuple((e["field"], e["code"]) for e in body["data"]["register"]["errors"])
        for body in bodies
    )
    assert outcomes == [(), (("phone", "DUPLICATE_PHONE"),), (("phone", "DUPLICATE_PHONE"),)]
    after = await county_rows(owner_db, county.id)
    assert after["users"] == before["users"] + 1
    assert after["memberships"] == before["memberships"] + 1


async def test_the_same_phone_may_register_in_two_counties(server, gql, owner_db):
    # given
    a = await make_county(server)
    b = await make_county(server)
    member = await make_user(server, a)

    # when
    result = (
        await gql.data(
            REGISTER,
            {"name": "两地", "phone": member.phone, "password": "long-enough-1"},
            tenant=b.slug,
        )
    )["register"]

    # then
    assert result["errors"] == []
    assert (
        await owner_db.fetchval("SELECT count(*) FROM users WHERE phone = $1", f"+86{member.phone}")
        == 2
    )


async def test_register_with_a_bad_phone_is_refused(server, gql, owner_db):
    # given
    county = await make_county(server)
    before = await county_rows(owner_db, county.id)

    # when
    results = [
        (
            await gql.data(
                REGISTER,
                {"name": "坏号码", "phone": phone, "password": "long-enough-1"},
                tenant=county.slug,
            )
        )["register"]
        for phone in ("12345", "not a phone", "", "1380000000000000")
    ]

    # then
    for result in results:
        assert result["tokens"] is None
        assert [(e["field"], e["code"]) for e in result["errors"]] == [("phone", "INVALID_PHONE")]
    assert await county_rows(owner_db, county.id) == before


async def test_register_with_a_short_password_writes_no_user(server, gql, owner_db):
    # given
    county = await make_county(server)
    phone = next_phone()
    before = await county_rows(owner_db, county.id)

    # when
    result = (
        await gql.data(
            REGISTER, {"name": "短密码", "phone": phone, "password": "1234567"}, tenant=county.slug
        )
    )["register"]

    # then
    assert result["tokens"] is None
    assert [(e["field"], e["code"]) for e in result["errors"]] == [("password", "WEAK_PASSWORD")]
    assert await county_rows(owner_db, county.id) == before
    assert (
        await owner_db.fetchval("SELECT count(*) FROM users WHERE phone = $1", f"+86{phone}") == 0
    )


async def test_register_with_an_empty_name_is_refused(server, gql, owner_db):
    # given
    county = await make_county(server)
    before = await county_rows(owner_db, county.id)

    # when
    result = (
        await gql.data(
            REGISTER,
            {"name": "   ", "phone": next_phone(), "password": "long-enough-1"},
            tenant=county.slug,
        )
    )["register"]

    # then
    assert [(e["field"], e["code"]) for e in result["errors"]] == [("displayName", "INVALID")]
    assert await county_rows(owner_db, county.id) == before


async def test_register_without_a_county_is_unauthenticated(server, gql, owner_db):
    # given
    phone = next_phone()

    # when
    body = await gql.execute(
        REGISTER, {"name": "无县", "phone": phone, "password": "long-enough-1"}
    )

    # then
    assert error_codes(body) == ["UNAUTHENTICATED"]
    assert (
        await owner_db.fetchval("SELECT count(*) FROM users WHERE phone = $1", f"+86{phone}") == 0
    )


# --- passwords --------------------------------------------------------------------------------


async def test_change_password_with_a_wrong_old_password_changes_nothing(server, gql, owner_db):
    # given
    county = await make_county(server)
    member = await make_user(server, county)
    before = await county_rows(owner_db, county.id)
    hash_before = await owner_db.fetchval(
        "SELECT password_hash FROM users WHERE id = $1", member.user_id
    )

    # when
    result = (
        await gql.data(
            CHANGE_PASSWORD, {"old": "not-my-password", "new": "brand-new-pass"}, token=member.token
        )
    )["changePassword"]

    # then
    assert result["ok"] is False
    assert [(e["field"], e["code"]) for e in result["errors"]] == [
        ("oldPassword", "INVALID_CREDENTIALS")
    ]
    assert await county_rows(owner_db, county.id) == before
    assert (
        await owner_db.fetchval("SELECT password_hash FROM users WHERE id = $1", member.user_id)
        == hash_before
    )
    assert (await login(gql, county, member.phone))["errors"] == []


async def test_change_password_to_a_short_one_is_refused(server, gql, owner_db):
    # given
    county = await make_county(server)
    member = await make_user(server, county)
    hash_before = await owner_db.fetchval(
        "SELECT password_hash FROM users WHERE id = $1", member.user_id
    )

    # when
    result = (
        await gql.data(CHANGE_PASSWORD, {"old": PASSWORD, "new": "short"}, token=member.token)
    )["changePassword"]

    # then
    assert result["ok"] is False
    assert [(e["field"], e["code"]) for e in result["errors"]] == [("newPassword", "WEAK_PASSWORD")]
    assert (
        await owner_db.fetchval("SELECT password_hash FROM users WHERE id = $1", member.user_id)
        == hash_before
    )


async def test_change_password_revokes_every_refresh_token(server, gql, owner_db):
    # given: two signed-in devices
    county = await make_county(server)
    member = await make_user(server, county)
    phone_tokens = (await login(gql, county, member.phone))["tokens"]
    laptop_tokens = (await login(gql, county, member.phone))["tokens"]

    # when
    result = (
        await gql.data(
            CHANGE_PASSWORD,
            {"old": PASSWORD, "new": "brand-new-pass"},
            token=phone_tokens["accessToken"],
        )
    )["changePassword"]

    # then
    assert result == {"ok": True, "errors": []}
    # only the refresh token issued with the change (to the session that made it) is live
    assert (
        await owner_db.fetchval(
            "SELECT count(*) FROM refresh_tokens WHERE user_id = $1 AND revoked_at IS NULL",
            member.user_id,
        )
        == 1
    )
    for tokens in (phone_tokens, laptop_tokens):
        refreshed = (await gql.data(REFRESH, {"t": tokens["refreshToken"]}))["refreshToken"]
        assert [e["code"] for e in refreshed["errors"]] == ["INVALID_REFRESH_TOKEN"]
    assert [e["code"] for e in (await login(gql, county, member.phone))["errors"]] == [
        "INVALID_CREDENTIALS"
    ]
    assert (await login(gql, county, member.phone, "brand-new-pass"))["errors"] == []


async def test_change_password_needs_a_signed_in_user(server, gql):
    # given
    county = await make_county(server)

    # when
    body = await gql.execute(
        CHANGE_PASSWORD, {"old": PASSWORD, "new": "brand-new-pass"}, tenant=county.slug
    )

    # then
    assert error_codes(body) == ["UNAUTHENTICATED"]


# --- viewer -------------------------------------------------------------------------------------


async def test_viewer_when_anonymous_has_no_user_and_the_county_of_the_header(server, gql):
    # given
    county = await make_county(server, name="无名县")

    # when
    body = await gql.data(VIEWER, tenant=county.slug.upper())

    # then
    assert body["viewer"] == {
        "user": None,
        "county": {"name": "无名县", "slug": county.slug},
        "roles": [],
        "isPlatformOperator": False,
    }


async def test_viewer_without_any_header_is_empty(server, gql):
    # when
    body = await gql.data(VIEWER)

    # then
    assert body["viewer"] == {
        "user": None,
        "county": None,
        "roles": [],
        "isPlatformOperator": False,
    }


async def test_viewer_shows_the_own_phone_unmasked_and_others_masked(server, gql):
    # given
    county = await make_county(server)
    member = await make_user(
        server, county, roles=[(Role.EXPERT, None), (Role.OBSERVER, None)], name="吴专家"
    )

    # when
    body = await gql.data(
        "query($id: ID!) { viewer { user { id displayName phone } county { slug } roles } "
        "node(id: $id) { ... on User { phone } } }",
        {"id": member.gid},
        token=member.token,
    )

    # then
    assert body["viewer"] == {
        "user": {"id": member.gid, "displayName": "吴专家", "phone": f"+86{member.phone}"},
        "county": {"slug": county.slug},
        "roles": ["EXPERT", "OBSERVER"],
    }
    assert body["node"] == {"phone": f"{member.phone[:3]}****{member.phone[-4:]}"}


# --- platform operators and counties ------------------------------------------------------------


async def test_operator_login_and_a_wrong_operator_password(server, gql):
    # given
    username, password = await make_operator(server)

    # when
    ok = (await gql.data(OPERATOR_LOGIN, {"u": username, "p": password}))["operatorLogin"]
    bad = (await gql.data(OPERATOR_LOGIN, {"u": username, "p": "nope-nope"}))["operatorLogin"]
    unknown = (await gql.data(OPERATOR_LOGIN, {"u": f"x{username}", "p": password}))[
        "operatorLogin"
    ]

    # then
    assert ok["errors"] == [] and ok["user"] is None
    viewer = await gql.data(VIEWER, token=ok["tokens"]["accessToken"])
    assert viewer["viewer"] == {
        "user": None,
        "county": None,
        "roles": [],
        "isPlatformOperator": True,
    }
    for failed in (bad, unknown):
        assert failed["tokens"] is None
        assert [(e["field"], e["code"]) for e in failed["errors"]] == [
            ("password", "INVALID_CREDENTIALS")
        ]


async def test_operator_creates_a_county_with_its_admin_and_lists_it(server, gql, owner_db):
    # given
    token = await operator_token(server, gql)
    slug = f"c{uuid.uuid4().hex[:10]}"
    code = await unused_division_code(owner_db)
    admin_phone = next_phone()

    # when
    result = (
        await gql.data(
            CREATE_COUNTY,
            {
                "input": {
                    "name": "新县",
                    "slug": slug.upper(),
                    "divisionCode": code,
                    "admin": {
                        "displayName": "首任管理员",
                        "phone": admin_phone,
                        "password": "admin-pass-1",
                    },
                }
            },
            token=token,
        )
    )["createCounty"]

    # then
    assert result["errors"] == []
    county = result["county"]
    assert {k: county[k] for k in ("name", "slug", "divisionCode", "timezone")} == {
        "name": "新县",
        "slug": slug,
        "divisionCode": code,
        "timezone": "Asia/Shanghai",
    }
    tenant_id = await owner_db.fetchval("SELECT id FROM tenants WHERE slug = $1", slug)
    rows = await county_rows(owner_db, tenant_id)
    assert {
        t: rows[t]
        for t in ("org_units", "venues", "users", "memberships", "refresh_tokens", "audit_entries")
    } == {
        "org_units": 1,
        "venues": 1,
        "users": 1,
        "memberships": 1,
        "refresh_tokens": 0,
        "audit_entries": 1,
    }

    # the county is listed (paging through every county)
    listed, after = [], None
    while True:
        page = (
            await gql.data(
                "query($after: String) { counties(first: 100, after: $after) "
                "{ edges { node { id slug } } pageInfo { hasNextPage endCursor } } }",
                {"after": after},
                token=token,
            )
        )["counties"]
        listed += [e["node"] for e in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert {"id": county["id"], "slug": slug} in listed
    assert len({n["id"] for n in listed}) == len(listed)

    # and its admin can sign in there and administer it
    signed_in = (
        await gql.data(LOGIN, {"phone": admin_phone, "password": "admin-pass-1"}, tenant=slug)
    )["login"]
    assert signed_in["errors"] == []
    viewer = await gql.data(VIEWER, token=signed_in["tokens"]["accessToken"])
    assert viewer["viewer"]["roles"] == ["TENANT_ADMIN"]
    assert viewer["viewer"]["county"]["slug"] == slug


async def test_create_county_with_a_duplicate_slug_is_refused(server, gql, owner_db):
    # given
    token = await operator_token(server, gql)
    existing = await make_county(server)
    tenants_before = await owner_db.fetchval("SELECT count(*) FROM tenants")

    # when
    result = (
        await gql.data(
            CREATE_COUNTY,
            {
                "input": {
                    "name": "重名县",
                    "slug": existing.slug,
                    "divisionCode": await unused_division_code(owner_db),
                }
            },
            token=token,
        )
    )["createCounty"]

    # then
    assert result["county"] is None
    assert [(e["field"], e["code"]) for e in result["errors"]] == [("slug", "DUPLICATE_SLUG")]
    assert await owner_db.fetchval("SELECT count(*) FROM tenants") == tenants_before


async def test_creating_one_slug_twice_at_once_creates_one_county(server, gql, owner_db):
    # given
    token = await operator_token(server, gql)
    slug = f"c{uuid.uuid4().hex[:10]}"
    codes = [await unused_division_code(owner_db) for _ in range(2)]

    # when
    bodies = await asyncio.gather(
        *(
            gql.execute(
                CREATE_COUNTY,
                {"input": {"name": "并发县", "slug": slug, "divisionCode": code}},
                token=token,
            )
            for code in codes
        )
    )

    # then
    assert all("errors" not in body for body in bodies), bodies
    outcomes = sorted(
        tuple((e["field"], e["code"]) for e in body["data"]["createCounty"]["errors"])
        for body in bodies
    )
    assert outcomes == [(), (("slug", "DUPLICATE_SLUG"),)]
    assert await owner_db.fetchval("SELECT count(*) FROM tenants WHERE slug = $1", slug) == 1


async def test_create_county_with_bad_input_is_refused_per_field(server, gql, owner_db):
    # given
    token = await operator_token(server, gql)
    tenants_before = await owner_db.fetchval("SELECT count(*) FROM tenants")
    existing_code = await owner_db.fetchval(
        "SELECT division_code FROM tenants ORDER BY id DESC LIMIT 1"
    )
    cases = [
        ({"divisionCode": "12345"}, ("divisionCode", "INVALID")),
        ({"divisionCode": "50022x"}, ("divisionCode", "INVALID")),
        ({"divisionCode": existing_code}, ("divisionCode", "DUPLICATE_DIVISION_CODE")),
        ({"slug": "9lives"}, ("slug", "INVALID")),
        ({"slug": "has space"}, ("slug", "INVALID")),
        ({"name": "  "}, ("name", "INVALID")),
        ({"timezone": "Mars/Olympus"}, ("timezone", "INVALID")),
        (
            {"admin": {"displayName": "管", "phone": "123", "password": "admin-pass-1"}},
            ("admin.phone", "INVALID"),
        ),
        (
            {"admin": {"displayName": "管", "phone": next_phone(), "password": "short"}},
            ("admin.password", "INVALID"),
        ),
    ]

    # when
    results = []
    for override, _ in cases:
        county_input = {
            "name": "坏县",
            "slug": f"c{uuid.uuid4().hex[:10]}",
            "divisionCode": await unused_division_code(owner_db),
            **override,
        }
        results.append(
            (await gql.data(CREATE_COUNTY, {"input": county_input}, token=token))["createCounty"]
        )

    # then
    for (override, expected), result in zip(cases, results, strict=True):
        assert result["county"] is None, override
        assert [(e["field"], e["code"]) for e in result["errors"]] == [expected], override
    assert await owner_db.fetchval("SELECT count(*) FROM tenants") == tenants_before


async def test_a_citizen_cannot_create_a_county(server, gql, owner_db):
    # given
    county = await make_county(server)
    citizen = await make_user(server, county, roles=[(Role.CITIZEN, None)])
    slug = f"c{uuid.uuid4().hex[:10]}"
    tenants_before = await owner_db.fetchval("SELECT count(*) FROM tenants")

    # when: a citizen, then the county's own admin, then an anonymous client
    bodies = [
        await gql.execute(
            CREATE_COUNTY,
            {
                "input": {
                    "name": "越权县",
                    "slug": slug,
                    "divisionCode": await unused_division_code(owner_db),
                }
            },
            **auth,
        )
        for auth in (
            {"token": citizen.token},
            {"token": county.admin.token},
            {"tenant": county.slug},
        )
    ]

    # then
    assert [error_codes(b) for b in bodies] == [["FORBIDDEN"], ["FORBIDDEN"], ["UNAUTHENTICATED"]]
    assert all(b["data"] is None for b in bodies)
    assert await owner_db.fetchval("SELECT count(*) FROM tenants WHERE slug = $1", slug) == 0
    assert await owner_db.fetchval("SELECT count(*) FROM tenants") == tenants_before


async def test_counties_are_for_operators_only(server, gql):
    # given
    county = await make_county(server)

    # when
    as_admin = await gql.execute(
        "{ counties { edges { node { slug } } } }", token=county.admin.token
    )
    anonymous = await gql.execute("{ counties { edges { node { slug } } } }")

    # then
    assert error_codes(as_admin) == ["FORBIDDEN"]
    assert error_codes(anonymous) == ["UNAUTHENTICATED"]


async def test_too_many_wrong_passwords_lock_the_number_for_a_while(server, gql, owner_db):
    # given
    county = await make_county(server)
    member = await make_user(server, county)
    limit = server.services.settings.login_max_failures

    # when: `limit` wrong passwords, then the right one
    wrong = [await login(gql, county, member.phone, f"wrong-{i}") for i in range(limit)]
    locked = await login(gql, county, member.phone, PASSWORD)
    # …also written another way, and for a number with no account (nothing to probe)
    locked_other_form = await login(gql, county, member.phone.replace("+86", ""), PASSWORD)

    # then
    assert [r["errors"][0]["code"] for r in wrong] == ["INVALID_CREDENTIALS"] * limit
    for result in (locked, locked_other_form):
        assert result["tokens"] is None
        (error,) = result["errors"]
        assert (error["field"], error["code"]) == ("phone", "TOO_MANY_ATTEMPTS")
        assert error["message"] == "密码错误次数过多，请15分钟后再试"
    assert (
        await owner_db.fetchval(
            "SELECT count(*) FROM refresh_tokens WHERE tenant_id = $1 AND user_id = $2",
            county.id,
            member.user_id,
        )
        == 0
    )

    # when the lock has run out, the right password works and the count starts again
    await owner_db.execute(
        "UPDATE login_throttles SET locked_until = now() - interval '1 second', "
        "window_started_at = now() - interval '1 hour' WHERE tenant_id = $1",
        county.id,
    )
    after = await login(gql, county, member.phone, PASSWORD)
    assert after["errors"] == [] and after["tokens"]["accessToken"]
    assert (
        await owner_db.fetchval(
            "SELECT count(*) FROM login_throttles WHERE tenant_id = $1", county.id
        )
        == 0
    )


async def test_the_lock_is_per_number_and_per_county(server, gql):
    county = await make_county(server)
    other = await make_county(server)
    victim, bystander = await make_user(server, county), await make_user(server, county)
    elsewhere = await make_user(server, other, phone=victim.phone)
    for i in range(server.services.settings.login_max_failures):
        await login(gql, county, victim.phone, f"wrong-{i}")

    assert (await login(gql, county, victim.phone, PASSWORD))["errors"][0]["code"] == (
        "TOO_MANY_ATTEMPTS"
    )
    assert (await login(gql, county, bystander.phone, PASSWORD))["errors"] == []
    assert (await login(gql, other, elsewhere.phone, PASSWORD))["errors"] == []


async def test_a_successful_sign_in_clears_the_failures(server, gql):
    county = await make_county(server)
    member = await make_user(server, county)
    limit = server.services.settings.login_max_failures
    for i in range(limit - 1):
        await login(gql, county, member.phone, f"wrong-{i}")
    assert (await login(gql, county, member.phone, PASSWORD))["errors"] == []
    for i in range(limit - 1):
        await login(gql, county, member.phone, f"wrong-again-{i}")
    assert (await login(gql, county, member.phone, PASSWORD))["errors"] == []


async def test_too_many_wrong_operator_passwords_lock_the_operator(server, gql, owner_db):
    username, password = await make_operator(server)
    limit = server.services.settings.login_max_failures

    async def attempt(secret):
        return (await gql.data(OPERATOR_LOGIN, {"u": username, "p": secret}))["operatorLogin"]

    wrong = [await attempt(f"wrong-{i}") for i in range(limit)]
    locked = await attempt(password)

    assert [r["errors"][0]["code"] for r in wrong] == ["INVALID_CREDENTIALS"] * limit
    assert locked["tokens"] is None
    assert [(e["field"], e["code"]) for e in locked["errors"]] == [
        ("username", "TOO_MANY_ATTEMPTS")
    ]
    # when the lock has run out, the right password works and clears the count
    await owner_db.execute(
        "UPDATE platform_operators SET locked_until = now() - interval '1 second', "
        "failures_since = now() - interval '1 hour' WHERE username = $1",
        username,
    )
    assert (await attempt(password))["errors"] == []
    assert await owner_db.fetchrow(
        "SELECT failed_logins, failures_since, locked_until FROM platform_operators "
        "WHERE username = $1",
        username,
    ) == (0, None, None)


async def test_change_password_ends_the_other_sessions_and_this_one_goes_on(server, gql):
    # given: the same person signed in on two devices
    county = await make_county(server)
    member = await make_user(server, county)
    other = (await login(gql, county, member.phone))["tokens"]
    changing = (await login(gql, county, member.phone))["tokens"]

    # when: one device changes the password
    result = (
        await gql.data(
            """mutation($old: String!, $new: String!) {
              changePassword(oldPassword: $old, newPassword: $new) {
                ok tokens { accessToken refreshToken } errors { code } } }""",
            {"old": PASSWORD, "new": "brand-new-pass"},
            token=changing["accessToken"],
        )
    )["changePassword"]

    # then: it goes on with the new tokens; the other device's tokens (and its own old
    # access token) are refused
    assert (result["ok"], result["errors"]) == (True, [])
    mine = await gql.execute(VIEWER, token=result["tokens"]["accessToken"])
    assert mine["data"]["viewer"]["user"]["id"] == member.gid
    for token in (other["accessToken"], changing["accessToken"]):
        refused = await gql.execute(VIEWER, token=token)
        assert [e["extensions"]["code"] for e in refused["errors"]] == ["UNAUTHENTICATED"]
    refresh = await gql.execute(
        "mutation($t: String!) { refreshToken(refreshToken: $t) { errors { code } } }",
        {"t": other["refreshToken"]},
    )
    assert refresh["data"]["refreshToken"]["errors"] != []
    renewed = await gql.data(
        "mutation($t: String!) { refreshToken(refreshToken: $t) { tokens { accessToken } errors { code } } }",
        {"t": result["tokens"]["refreshToken"]},
    )
    assert renewed["refreshToken"]["errors"] == []
