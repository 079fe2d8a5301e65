"""Sign-in by phone number and SMS code (短信验证码登录): codes read from the LogGateway's outbox
(never from the database, which holds only their keyed hashes), single use, attempts
limited, expiry, resends limited per number and per address, the one sign-in throttle, a
citizen account for a new number, PHONE_VERIFIED, the pluggable gateway, personal data."""

from __future__ import annotations

import contextlib
import re
from datetime import UTC, datetime, timedelta

import pytest

from backend.core.limits import Action, Rate
from backend.people.models import Role
from backend.people.sms import LogGateway, SmsMessage, SmsSendError, load_gateway
from tests.conftest import county_rows
from tests.factories.people import PASSWORD, make_user, next_phone
from tests.factories.tenants import make_county

REQUEST = """
mutation($p: String!) { requestSmsCode(phone: $p) { sent expiresAt errors { field code message } } }"""
SIGN_IN = """
mutation($p: String!, $c: String!) { signInWithSmsCode(phone: $p, code: $c) {
  tokens { accessToken refreshToken } user { id displayName verification verificationMethod }
  errors { field code message } } }"""
LOGIN = """
mutation($p: String!, $w: String!) { login(input: {phone: $p, password: $w}) {
  tokens { accessToken } errors { field code message } } }"""
VIEWER = """{ viewer { roles user { id phone verification verificationMethod verifiedAt } } }"""
EXPORT = "mutation { exportPersonalData { data errors { code } } }"
ERASE = """
mutation($u: ID!) { erasePerson(userId: $u, reason: "本人书面申请") { user { id verification } errors { code } } }"""


class FailingGateway:
    """A provider adapter whose provider is down (loaded by SMS_GATEWAY in a test)."""

    async def send(self, message: SmsMessage) -> None:
        raise SmsSendError("provider unreachable")


@contextlib.contextmanager
def budgets(server, action: Action, *, per_user: Rate | None, per_address: Rate | None):
    """Fresh budgets for one action during a test (as tests/test_hardening_limits.py)."""
    limits = server.services.limits
    old_user, old_address = limits.budgets(action)
    limits.replace(action, per_user=per_user, per_address=per_address)
    try:
        yield
    finally:
        limits.replace(action, per_user=old_user, per_address=old_address)


@contextlib.contextmanager
def setting(server, name: str, value):
    settings = server.services.settings
    old = getattr(settings, name)
    object.__setattr__(settings, name, value)
    try:
        yield
    finally:
        object.__setattr__(settings, name, old)


def outbox(server) -> LogGateway:
    gateway = server.services.sms
    assert isinstance(gateway, LogGateway)
    return gateway


def code_sent_to(server, e164: str) -> str:
    message = outbox(server).last_to(e164)
    assert message is not None, f"no SMS to {e164}"
    match = re.search(r"验证码为(\d{6})，5分钟内有效", message.text)
    assert match, message.text
    return match[1]


async def request(gql, county, phone, **kw):
    return (await gql.data(REQUEST, {"p": phone}, tenant=county.slug, **kw))["requestSmsCode"]


async def sign_in(gql, county, phone, code):
    return (await gql.data(SIGN_IN, {"p": phone, "c": code}, tenant=county.slug))[
        "signInWithSmsCode"
    ]


def errors(payload):
    return [(e["field"], e["code"]) for e in payload["errors"]]


async def test_a_new_number_signs_in_with_the_code_it_was_sent_and_becomes_phone_verified(
    server, gql, owner_db, caplog
):
    county = await make_county(server)
    phone = next_phone()
    e164 = f"+86{phone}"
    caplog.set_level("INFO", logger="backend.people.sms")

    sent = await request(gql, county, phone)
    assert sent["sent"] is True and sent["errors"] == []
    expires = datetime.fromisoformat(sent["expiresAt"])
    assert timedelta(minutes=4, seconds=50) < expires - datetime.now(UTC) <= timedelta(minutes=5)
    code = code_sent_to(server, e164)
    assert any(code in r.getMessage() for r in caplog.records)  # the console gateway logs it
    # The database keeps a keyed hash only: the code is nowhere in the row.
    row = await owner_db.fetchrow("SELECT * FROM sms_codes WHERE tenant_id = $1", county.id)
    assert code not in repr(dict(row)) and len(row["code_hash"]) == 64

    signed = await sign_in(gql, county, f"+86 {phone[:3]} {phone[3:]}", code)
    assert signed["errors"] == []
    assert signed["user"]["verification"] == "PHONE_VERIFIED"
    assert signed["user"]["verificationMethod"] == "SMS"
    assert signed["user"]["displayName"] == f"用户{phone[-4:]}"
    viewer = (await gql.data(VIEWER, token=signed["tokens"]["accessToken"]))["viewer"]
    assert viewer["roles"] == ["CITIZEN"] and viewer["user"]["phone"] == e164
    assert viewer["user"]["verification"] == "PHONE_VERIFIED"

    # Single use: the same code again is refused, and no second account appears.
    again = await sign_in(gql, county, phone, code)
    assert errors(again) == [("code", "INVALID_SMS_CODE")] and again["tokens"] is None
    assert (
        await owner_db.fetchval(
            "SELECT count(*) FROM users WHERE tenant_id = $1 AND phone = $2", county.id, e164
        )
        == 1
    )
    assert (
        await owner_db.fetchval(
            "SELECT count(*) FROM identity_verifications WHERE tenant_id = $1", county.id
        )
        == 1
    )


async def test_an_existing_account_signs_in_by_sms_and_keeps_its_roles_and_password(
    server, gql, owner_db
):
    county = await make_county(server)
    staff = await make_user(server, county, roles=[(Role.DEPARTMENT_STAFF, county.root_id)])
    await request(gql, county, staff.phone)
    signed = await sign_in(gql, county, staff.phone, code_sent_to(server, f"+86{staff.phone}"))
    assert signed["errors"] == [] and signed["user"]["id"] == staff.gid
    viewer = (await gql.data(VIEWER, token=signed["tokens"]["accessToken"]))["viewer"]
    assert viewer["roles"] == ["DEPARTMENT_STAFF"]
    # A second SMS sign-in proves nothing new: one verification on record.
    with budgets(server, Action.SMS_CODE, per_user=None, per_address=None):
        await request(gql, county, staff.phone)
        await sign_in(gql, county, staff.phone, code_sent_to(server, f"+86{staff.phone}"))
    assert (
        await owner_db.fetchval(
            "SELECT count(*) FROM identity_verifications WHERE user_id = $1", staff.user_id
        )
        == 1
    )
    login = await gql.data(LOGIN, {"p": staff.phone, "w": PASSWORD}, tenant=county.slug)
    assert login["login"]["errors"] == []


async def test_wrong_answers_are_limited_per_code_and_counted_by_the_one_sign_in_throttle(
    server, gql
):
    county = await make_county(server)
    person = await make_user(server, county, roles=[(Role.CITIZEN, None)])
    other = await make_user(server, county, roles=[(Role.CITIZEN, None)])
    with (
        budgets(server, Action.SMS_CODE, per_user=None, per_address=None),
        setting(server, "sms_code_max_attempts", 3),
    ):
        # A code allows 3 wrong answers; then it is spent, even for the right answer.
        await request(gql, county, other.phone)
        right = code_sent_to(server, f"+86{other.phone}")
        wrong = f"{(int(right) + 1) % 1_000_000:06d}"
        for _ in range(3):
            assert errors(await sign_in(gql, county, other.phone, wrong)) == [
                ("code", "INVALID_SMS_CODE")
            ]
        assert errors(await sign_in(gql, county, other.phone, right)) == [
            ("code", "INVALID_SMS_CODE")
        ]
        # A new code works (4 failures so far: below the lock) and clears the count.
        await request(gql, county, other.phone)
        fresh = await sign_in(gql, county, other.phone, code_sent_to(server, f"+86{other.phone}"))
        assert fresh["errors"] == []

        # Five failures (LOGIN_MAX_FAILURES) lock the number for every way of signing in.
        for tries in (2, 3):  # two codes, five wrong answers in all
            await request(gql, county, person.phone)
            right = code_sent_to(server, f"+86{person.phone}")
            wrong = f"{(int(right) + 1) % 1_000_000:06d}"
            for _ in range(tries):
                assert errors(await sign_in(gql, county, person.phone, wrong)) == [
                    ("code", "INVALID_SMS_CODE")
                ]
        await request(gql, county, person.phone)
        locked = await sign_in(
            gql, county, person.phone, code_sent_to(server, f"+86{person.phone}")
        )
        assert errors(locked) == [("phone", "TOO_MANY_ATTEMPTS")]
        login = await gql.data(LOGIN, {"p": person.phone, "w": PASSWORD}, tenant=county.slug)
        assert [e["code"] for e in login["login"]["errors"]] == ["TOO_MANY_ATTEMPTS"]


async def test_an_expired_code_is_refused(server, gql, owner_db):
    county = await make_county(server)
    phone = next_phone()
    await request(gql, county, phone)
    code = code_sent_to(server, f"+86{phone}")
    # Five minutes pass (moved behind the service's back).
    await owner_db.execute(
        "UPDATE sms_codes SET expires_at = now() - interval '1 second' WHERE tenant_id = $1",
        county.id,
    )
    refused = await sign_in(gql, county, phone, code)
    assert errors(refused) == [("code", "INVALID_SMS_CODE")]
    assert (
        await owner_db.fetchval("SELECT count(*) FROM users WHERE tenant_id = $1", county.id) == 1
    )


async def test_resends_are_limited_per_number_and_per_address(server, gql):
    county = await make_county(server)
    phone = next_phone()
    assert (await request(gql, county, phone))["sent"] is True
    first = code_sent_to(server, f"+86{phone}")
    # A resend within the minute is refused, with Retry-After; the first code still works.
    response = await gql.http.post(
        "/graphql",
        json={"query": REQUEST, "variables": {"p": phone}},
        headers={"X-Tenant": county.slug},
    )
    payload = response.json()["data"]["requestSmsCode"]
    assert errors(payload) == [(None, "RATE_LIMITED")] and payload["sent"] is False
    assert 1 <= int(response.headers["Retry-After"]) <= 60
    assert code_sent_to(server, f"+86{phone}") == first
    assert (await sign_in(gql, county, phone, first))["errors"] == []

    # Per client address: 2 an hour here, whatever the numbers.
    with budgets(server, Action.SMS_CODE, per_user=None, per_address=Rate(2, 3600)):
        sent = [await request(gql, county, next_phone()) for _ in range(3)]
    assert [s["sent"] for s in sent] == [True, True, False]
    assert errors(sent[2]) == [(None, "RATE_LIMITED")]


async def test_bad_numbers_disabled_accounts_and_sign_up_off_are_refused(server, gql, owner_db):
    county = await make_county(server)
    before = await county_rows(owner_db, county.id)
    bad = await request(gql, county, "12345")
    assert errors(bad) == [("phone", "INVALID_PHONE")] and bad["sent"] is False
    assert errors(await sign_in(gql, county, "not a number", "123456")) == [
        ("phone", "INVALID_PHONE")
    ]
    assert await county_rows(owner_db, county.id) == before
    body = await gql.execute(REQUEST, {"p": next_phone()})  # no county named
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"

    # A deactivated account gets no tokens from a right code.
    gone = await make_user(server, county, roles=[(Role.CITIZEN, None)])
    await owner_db.execute("UPDATE users SET is_active = false WHERE id = $1", gone.user_id)
    await request(gql, county, gone.phone)
    refused = await sign_in(gql, county, gone.phone, code_sent_to(server, f"+86{gone.phone}"))
    assert errors(refused) == [("phone", "ACCOUNT_DISABLED")] and refused["tokens"] is None

    # With sign-up off, an unknown number is told the same and sent nothing.
    phone = next_phone()
    with setting(server, "sms_sign_up", False):
        sent = await request(gql, county, phone)
        assert sent["sent"] is True
        assert outbox(server).last_to(f"+86{phone}") is None
        assert errors(await sign_in(gql, county, phone, "000000")) == [("code", "INVALID_SMS_CODE")]
    assert (
        await owner_db.fetchval(
            "SELECT count(*) FROM users WHERE tenant_id = $1 AND phone = $2",
            county.id,
            f"+86{phone}",
        )
        == 0
    )


async def test_a_provider_adapter_is_loaded_by_name_and_its_failure_is_a_typed_error(server, gql):
    assert isinstance(load_gateway(None), LogGateway)
    adapter = load_gateway("tests.test_identity_sms:FailingGateway")
    assert isinstance(adapter, FailingGateway)
    with pytest.raises(ValueError, match=r"package\.module:Class"):
        load_gateway("tests.test_identity_sms")
    with pytest.raises(TypeError, match="async send"):
        load_gateway("tests.test_identity_sms:SmsRulesHolder")

    county = await make_county(server)
    services = server.services
    default = services.sms
    services.sms = adapter
    try:
        failed = await request(gql, county, next_phone())
    finally:
        services.sms = default
    assert errors(failed) == [("phone", "SMS_UNAVAILABLE")] and failed["sent"] is False


class SmsRulesHolder:
    """Not a gateway (no send)."""


async def test_sms_identity_is_personal_data_exported_and_erased(server, gql, owner_db):
    county = await make_county(server)
    phone = next_phone()
    await request(gql, county, phone)
    signed = await sign_in(gql, county, phone, code_sent_to(server, f"+86{phone}"))
    token = signed["tokens"]["accessToken"]
    exported = (await gql.data(EXPORT, token=token))["exportPersonalData"]["data"]
    sections = {s["key"]: s["data"] for s in exported["sections"]}
    assert sections["account"]["phone"] == f"+86{phone}"
    assert sections["account"]["verification"] == "PHONE_VERIFIED"
    assert [(v["level"], v["method"]) for v in sections["identity"]["verifications"]] == [
        ("PHONE_VERIFIED", "SMS")
    ]

    erased = (await gql.data(ERASE, {"u": signed["user"]["id"]}, token=county.admin.token))[
        "erasePerson"
    ]
    assert erased["errors"] == [] and erased["user"]["verification"] == "UNVERIFIED"
    for table in ("identity_verifications", "sms_codes"):
        assert (
            await owner_db.fetchval(f"SELECT count(*) FROM {table} WHERE tenant_id = $1", county.id)
            == 0
        ), table


ERASE_ME = """
mutation($w: String, $c: String) { eraseMyAccount(password: $w, smsCode: $c) { ok errors { field code } } }"""


async def test_an_account_made_by_sms_erases_itself_confirmed_by_a_code(server, gql, owner_db):
    # given: an account made by an SMS sign-in (no password)
    county = await make_county(server)
    phone = next_phone()
    await request(gql, county, phone)
    signed = await sign_in(gql, county, phone, code_sent_to(server, f"+86{phone}"))
    token = signed["tokens"]["accessToken"]
    user_id = signed["user"]["id"]

    # when / then: neither password nor code, a password it has not, a wrong code: refused
    async def erase(**kw):
        return (await gql.data(ERASE_ME, kw, token=token))["eraseMyAccount"]

    assert errors(await erase()) == [("password", "INVALID")]
    assert errors(await erase(w="whatever-password")) == [("password", "INVALID_CREDENTIALS")]
    with budgets(server, Action.SMS_CODE, per_user=None, per_address=None):
        await request(gql, county, phone)
        right = code_sent_to(server, f"+86{phone}")
        wrong = f"{(int(right) + 1) % 1_000_000:06d}"
        assert errors(await erase(c=wrong)) == [("smsCode", "INVALID_SMS_CODE")]
        assert (await gql.data(VIEWER, token=token))["viewer"]["user"]["id"] == user_id
        # the right code erases the account
        erased = await erase(c=right)
    assert erased == {"ok": True, "errors": []}
    row = await owner_db.fetchrow(
        "SELECT phone, erased_at, verification FROM users WHERE tenant_id = $1 AND phone IS NULL "
        "AND erased_at IS NOT NULL",
        county.id,
    )
    assert row is not None and row["verification"] == "UNVERIFIED"
    body = await gql.execute(VIEWER, token=token)
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
