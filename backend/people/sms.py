"""Sign-in by phone number and SMS code (短信验证码登录), through a pluggable gateway.

- `request_sms_code` sends a random 6-digit code to a number: rate-limited per number and
  per client address (`backend.core.limits`, Action.SMS_CODE), stored only as a keyed hash
  (HMAC-SHA256 under the service's secret, bound to the county and the number), valid for
  `SMS_CODE_TTL_SECONDS` (5 minutes), replacing any earlier code of the number.
- `sign_in_with_sms_code` checks it: single use, at most `SMS_CODE_MAX_ATTEMPTS` wrong
  answers per code, and counted in the same sign-in throttle as passwords
  (`service.count_sign_in_attempt`: too many failures lock the number for every way of
  signing in). A right code sets PHONE_VERIFIED (`backend.people.identity`); a number the
  county does not know gets a citizen (群众) account when SMS_SIGN_UP is on (the default).

The gateway is an `SmsGateway`: `LogGateway` by default (the message goes to the log and
to an in-process outbox: development and tests), or a provider's adapter named by
SMS_GATEWAY=package.module:Class (docs/identity.md shows one). Nothing here calls out
unless that adapter does.
"""

from __future__ import annotations

import hashlib
import hmac
import importlib
import logging
import secrets
from collections import deque
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Protocol, runtime_checkable

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.core.db import Database
from backend.core.errors import DomainError
from backend.core.limits import Action, RateLimits
from backend.core.security import Verification
from backend.core.settings import Settings
from backend.people import service
from backend.people.errors import PeopleErrorCode as Code
from backend.people.identity import raise_verification
from backend.people.models import LoginThrottle, Membership, Role, SmsCode, User, VerificationMethod

log = logging.getLogger(__name__)

CODE_DIGITS = 6


@dataclass(frozen=True, slots=True)
class SmsMessage:
    """One text to send: to an E.164 number, for a county."""

    tenant_id: int
    phone: str
    text: str
    sent_at: datetime = field(default_factory=lambda: datetime.now(UTC))


@runtime_checkable
class SmsGateway(Protocol):
    """What sends texts. An adapter for a provider (阿里云/腾讯云短信, a province's
    government SMS platform…) implements `send`, raising `SmsSendError` when the provider
    refuses or cannot be reached; it is constructed with no arguments and reads its own
    configuration (keys, sign name, template) from the environment."""

    async def send(self, message: SmsMessage) -> None: ...


class SmsSendError(Exception):
    """The gateway could not send (the person is told to try again later)."""


class LogGateway:
    """The default gateway: writes each message to the log (logger `backend.people.sms`)
    and keeps the last `keep` in `outbox`, where tests (and a developer) read the codes.
    Sends nothing anywhere."""

    def __init__(self, keep: int = 1000) -> None:
        self.outbox: deque[SmsMessage] = deque(maxlen=keep)

    async def send(self, message: SmsMessage) -> None:
        self.outbox.append(message)
        log.info("SMS to %s (county %s): %s", message.phone, message.tenant_id, message.text)

    def last_to(self, phone: str) -> SmsMessage | None:
        """The newest message to `phone` (E.164), if any."""
        for message in reversed(self.outbox):
            if message.phone == phone:
                return message
        return None


def load_gateway(spec: str | None) -> SmsGateway:
    """The gateway SMS_GATEWAY names ("package.module:Class"), or a LogGateway."""
    if not spec:
        return LogGateway()
    module_name, _, class_name = spec.partition(":")
    if not module_name or not class_name:
        raise ValueError(f"SMS_GATEWAY must look like 'package.module:Class', got {spec!r}")
    gateway = getattr(importlib.import_module(module_name), class_name)()
    if not isinstance(gateway, SmsGateway):
        raise TypeError(f"SMS_GATEWAY {spec!r} has no async send(message)")
    return gateway


@dataclass(frozen=True, slots=True)
class SmsRules:
    """What SMS sign-in takes from the settings."""

    secret: str
    ttl_seconds: int
    max_attempts: int
    sign_up: bool

    @classmethod
    def from_settings(cls, settings: Settings) -> SmsRules:
        return cls(
            secret=settings.jwt_secret.get_secret_value(),
            ttl_seconds=settings.sms_code_ttl_seconds,
            max_attempts=settings.sms_code_max_attempts,
            sign_up=settings.sms_sign_up,
        )


def phone_hash(e164: str) -> str:
    """How a number is found among the codes (SHA-256 of its E.164 form)."""
    return hashlib.sha256(e164.encode()).hexdigest()


def _code_hash(secret: str, tenant_id: int, e164: str, code: str) -> str:
    message = f"{tenant_id}:{e164}:{code}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def message_text(code: str, minutes: int) -> str:
    return f"【议事】您的登录验证码为{code}，{minutes}分钟内有效。如非本人操作，请忽略本短信。"


async def request_sms_code(
    db: Database,
    limits: RateLimits,
    gateway: SmsGateway,
    *,
    tenant_id: int,
    phone: str,
    address: str | None,
    rules: SmsRules,
) -> datetime:
    """Send a sign-in code to `phone` in the county; returns when it expires. The same
    answer whether the number has an account or not (no probing); with sign-up off, a
    number without an account is sent nothing."""
    e164 = service.normalise_phone(phone)
    await limits.check(Action.SMS_CODE, user=("sms", tenant_id, e164), address=address)
    code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
    expires_at = datetime.now(UTC) + timedelta(seconds=rules.ttl_seconds)
    key = phone_hash(e164)

    async def store(session: AsyncSession) -> bool:
        if not rules.sign_up:
            known = await session.scalar(select(User.id).where(User.phone == e164))
            if known is None:
                return False
        # One code per number: a resend replaces the earlier one (live or spent).
        await session.execute(delete(SmsCode).where(SmsCode.phone_hash == key))
        session.add(
            SmsCode(
                tenant_id=tenant_id,
                phone_hash=key,
                code_hash=_code_hash(rules.secret, tenant_id, e164, code),
                expires_at=expires_at,
            )
        )
        await session.flush()
        return True

    if await db.run(store, tenant_id=tenant_id):
        try:
            await gateway.send(
                SmsMessage(
                    tenant_id=tenant_id,
                    phone=e164,
                    text=message_text(code, max(1, rules.ttl_seconds // 60)),
                )
            )
        except SmsSendError as exc:
            log.warning("SMS gateway could not send to county %s: %s", tenant_id, exc)
            raise DomainError(
                Code.SMS_UNAVAILABLE, "短信发送失败，请稍后再试", field="phone"
            ) from exc
    return expires_at


def _citizen_name(e164: str) -> str:
    return f"用户{e164[-4:]}"


async def spend_code(
    session: AsyncSession,
    *,
    tenant_id: int,
    e164: str,
    answer: str,
    sign_in: service.SignInRules,
    rules: SmsRules,
) -> bool:
    """Check `answer` against the number's live code, in the caller's transaction: counted
    in the sign-in throttle first (TOO_MANY_ATTEMPTS while the number is locked), then
    True (the code is spent, the throttle's count cleared) or False (a wrong try counted
    against the code, which is spent after `max_attempts`; or no live code)."""
    key = service.login_key(e164)
    await service.count_sign_in_attempt(session, tenant_id=tenant_id, key=key, rules=sign_in)
    stored = await session.scalar(
        select(SmsCode)
        .where(SmsCode.phone_hash == phone_hash(e164), SmsCode.used_at.is_(None))
        .order_by(SmsCode.id.desc())
        .limit(1)
        .with_for_update()
    )
    now = datetime.now(UTC)
    if stored is None or stored.expires_at <= now or stored.attempts >= rules.max_attempts:
        return False
    expected = _code_hash(rules.secret, tenant_id, e164, answer)
    if not (answer.isdigit() and hmac.compare_digest(stored.code_hash, expected)):
        stored.attempts += 1
        if stored.attempts >= rules.max_attempts:
            stored.used_at = now  # spent: ask for a new code
        return False
    await session.delete(stored)  # used once: gone (a table of live codes only)
    await session.execute(delete(LoginThrottle).where(LoginThrottle.key_hash == key))
    return True


async def sign_in_with_sms_code(
    db: Database,
    *,
    tenant_id: int,
    phone: str,
    code: str,
    sign_in: service.SignInRules,
    rules: SmsRules,
) -> service.Tokens:
    """Tokens for the number's account (created as a citizen's when new and sign-up is on),
    which becomes PHONE_VERIFIED. One transaction: the attempt is counted against the
    number (the sign-in throttle, refused while the number is locked), the code checked
    and spent or its wrong tries counted; a failure is returned, not raised, so that what
    it counted commits."""
    failure = DomainError(Code.INVALID_SMS_CODE, "验证码错误或已过期", field="code")
    e164 = service.normalise_phone(phone)
    answer = (code or "").strip()

    async def attempt(session: AsyncSession) -> service.Tokens | DomainError:
        if not await spend_code(
            session, tenant_id=tenant_id, e164=e164, answer=answer, sign_in=sign_in, rules=rules
        ):
            return failure
        user = await session.scalar(select(User).where(User.phone == e164).with_for_update())
        if user is None:
            if not rules.sign_up:
                return failure
            user = await service.insert_user(
                session,
                tenant_id=tenant_id,
                display_name=_citizen_name(e164),
                phone=e164,
                password=None,
            )
            session.add(Membership(tenant_id=tenant_id, user_id=user.id, role=Role.CITIZEN))
            await session.flush()
        elif not user.is_active:
            return DomainError(Code.ACCOUNT_DISABLED, "该账号已停用", field="phone")
        await raise_verification(
            session, user, level=Verification.PHONE_VERIFIED, method=VerificationMethod.SMS
        )
        return await service.issue_tokens(
            session,
            tenant_id=tenant_id,
            user=user,
            secret=sign_in.secret,
            access_ttl=sign_in.access_ttl,
            refresh_ttl=sign_in.refresh_ttl,
        )

    outcome = await db.run(attempt, tenant_id=tenant_id)
    if isinstance(outcome, DomainError):
        raise outcome
    return outcome
