"""Sign-in through a county's OpenID Connect provider (a province's 政务服务 account).

The authorization-code flow with PKCE (S256), `state` and `nonce`:

1. `start_sign_in` stores a sign-in in progress (`OidcLogin`: the state's hash, the nonce
   and the PKCE verifier, for OIDC_LOGIN_TTL_SECONDS) and returns the provider's
   authorization URL. The person signs in at the provider, which sends the browser back to
   the county's redirect URI with `code` and `state`.
2. `complete_sign_in` spends the sign-in (single use, whatever happens next), exchanges the
   code at the provider's token endpoint (with the client secret and the PKCE verifier),
   and verifies the ID token: signed by a key of the provider's JWKS, issued by the
   configured issuer for this client (`aud`), not expired, carrying this sign-in's nonce.
   Each refusal has its own code (OIDC_BAD_SIGNATURE, OIDC_WRONG_AUDIENCE, …).
3. The account is the one linked to the provider's subject (`OidcIdentity`), else the
   signed-in caller's (linking), else the county's account with the token's verified phone
   number, else a new citizen (群众) account. A real-name claim (the provider's
   `real_name_claim`) sets REAL_NAME_VERIFIED; a verified phone number PHONE_VERIFIED.

No outbound call goes anywhere but the configured issuer: the discovery document's token
endpoint and JWKS must be on the issuer's own origin (scheme, host and port), and no
connection to the database is held while the provider is called.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import secrets
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode, urlsplit

import httpx
import jwt
from sqlalchemy import delete, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.audit import service as audit
from backend.core.db import Database
from backend.core.errors import DomainError
from backend.core.security import Principal, Verification, token_digest
from backend.core.validation import clean_text
from backend.people import service
from backend.people.errors import PeopleErrorCode as Code
from backend.people.identity import raise_verification
from backend.people.models import (
    Membership,
    OidcIdentity,
    OidcLogin,
    OidcProvider,
    Role,
    User,
    VerificationMethod,
)

log = logging.getLogger(__name__)

#: Signature algorithms accepted for ID tokens (never "none", never HMAC with the secret).
ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "ES256", "ES384"]
DISCOVERY_TTL = 3600.0
JWKS_REFRESH_MIN = 60.0  # an unknown key id re-reads the JWKS at most this often


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def pkce_challenge(verifier: str) -> str:
    return _b64url(hashlib.sha256(verifier.encode()).digest())


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    return parts.scheme, (parts.hostname or "").lower(), parts.port


def _provider_error(message: str) -> DomainError:
    return DomainError(Code.OIDC_PROVIDER_ERROR, message, field="code")


class OidcClient:
    """Talks to the counties' providers: discovery documents and key sets, cached per
    issuer; one HTTP client for the process (closed at shutdown)."""

    def __init__(self, *, timeout: float = 5.0, http: httpx.AsyncClient | None = None) -> None:
        self._http = http or httpx.AsyncClient(timeout=timeout, follow_redirects=False)
        self._discovery: dict[str, tuple[float, dict[str, Any]]] = {}
        self._jwks: dict[str, tuple[float, jwt.PyJWKSet]] = {}

    async def close(self) -> None:
        await self._http.aclose()

    async def _get_json(self, url: str) -> dict[str, Any]:
        try:
            response = await self._http.get(url, headers={"Accept": "application/json"})
            response.raise_for_status()
            body = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            log.warning("OIDC provider call failed: %s (%s)", url, exc)
            raise _provider_error("身份认证平台暂时无法访问，请稍后再试") from exc
        if not isinstance(body, dict):
            raise _provider_error("身份认证平台的应答无效")
        return body

    async def discovery(self, issuer: str) -> dict[str, Any]:
        """The issuer's discovery document, its endpoints checked to be on its origin."""
        cached = self._discovery.get(issuer)
        if cached is not None and cached[0] > time.monotonic():
            return cached[1]
        doc = await self._get_json(issuer.rstrip("/") + "/.well-known/openid-configuration")
        if doc.get("issuer") != issuer:
            raise _provider_error("身份认证平台的配置与本县登记的签发方不一致")
        for name in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
            url = doc.get(name)
            if not isinstance(url, str) or _origin(url) != _origin(issuer):
                raise _provider_error(f"身份认证平台的 {name} 不在签发方的地址下")
        self._discovery[issuer] = (time.monotonic() + DISCOVERY_TTL, doc)
        return doc

    async def key_set(self, jwks_uri: str, *, refresh: bool = False) -> jwt.PyJWKSet:
        cached = self._jwks.get(jwks_uri)
        now = time.monotonic()
        if cached is not None and not (refresh and now - cached[0] >= JWKS_REFRESH_MIN):
            return cached[1]
        try:
            keys = jwt.PyJWKSet.from_dict(await self._get_json(jwks_uri))
        except jwt.PyJWKError as exc:
            raise _provider_error("身份认证平台的密钥集无效") from exc
        self._jwks[jwks_uri] = (now, keys)
        return keys

    async def exchange_code(
        self, provider: ProviderConfig, token_endpoint: str, *, code: str, verifier: str
    ) -> dict[str, Any]:
        try:
            response = await self._http.post(
                token_endpoint,
                data={
                    "grant_type": "authorization_code",
                    "code": code,
                    "redirect_uri": provider.redirect_uri,
                    "code_verifier": verifier,
                },
                auth=(provider.client_id, provider.client_secret),
                headers={"Accept": "application/json"},
            )
            body = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            log.warning("OIDC token exchange failed at %s (%s)", token_endpoint, exc)
            raise _provider_error("身份认证平台暂时无法访问，请稍后再试") from exc
        if response.status_code != 200 or not isinstance(body, dict):
            reason = body.get("error") if isinstance(body, dict) else None
            raise _provider_error(f"身份认证平台拒绝了本次登录（{reason or response.status_code}）")
        return body

    async def verify_id_token(
        self, provider: ProviderConfig, jwks_uri: str, token: str, *, nonce: str
    ) -> dict[str, Any]:
        """The ID token's claims, or the DomainError saying what is wrong with it."""
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as exc:
            raise DomainError(Code.OIDC_INVALID_TOKEN, "身份令牌格式无效", field="code") from exc
        kid = header.get("kid")
        key = _find_key(await self.key_set(jwks_uri), kid)
        if key is None:  # perhaps the provider rotated its keys
            key = _find_key(await self.key_set(jwks_uri, refresh=True), kid)
        if key is None:
            raise DomainError(
                Code.OIDC_BAD_SIGNATURE, "身份令牌不是由本县的身份认证平台签发", field="code"
            )
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key=key.key,
                algorithms=ALGORITHMS,
                audience=provider.client_id,
                issuer=provider.issuer,
                options={"require": ["exp", "iat", "iss", "aud", "sub"]},
                leeway=30,
            )
        except jwt.ExpiredSignatureError as exc:
            raise DomainError(Code.OIDC_TOKEN_EXPIRED, "身份令牌已过期", field="code") from exc
        except jwt.InvalidAudienceError as exc:
            raise DomainError(
                Code.OIDC_WRONG_AUDIENCE, "身份令牌不是签发给本系统的", field="code"
            ) from exc
        except jwt.InvalidIssuerError as exc:
            raise DomainError(
                Code.OIDC_WRONG_ISSUER, "身份令牌的签发方与本县登记的不一致", field="code"
            ) from exc
        except (jwt.InvalidSignatureError, jwt.InvalidAlgorithmError) as exc:
            raise DomainError(
                Code.OIDC_BAD_SIGNATURE, "身份令牌不是由本县的身份认证平台签发", field="code"
            ) from exc
        except jwt.PyJWTError as exc:
            raise DomainError(Code.OIDC_INVALID_TOKEN, "身份令牌无效", field="code") from exc
        if not isinstance(claims.get("nonce"), str) or not secrets.compare_digest(
            claims["nonce"], nonce
        ):
            raise DomainError(Code.OIDC_NONCE_MISMATCH, "身份令牌不属于本次登录", field="code")
        return claims


def _find_key(keys: jwt.PyJWKSet, kid: str | None) -> jwt.PyJWK | None:
    for key in keys.keys:
        if kid is None or key.key_id == kid:
            return key
    return None


@dataclass(frozen=True, slots=True)
class ProviderConfig:
    name: str
    issuer: str
    client_id: str
    client_secret: str
    redirect_uri: str
    scopes: str
    real_name_claim: str | None

    @classmethod
    def of(cls, p: OidcProvider) -> ProviderConfig:
        return cls(
            name=p.name,
            issuer=p.issuer,
            client_id=p.client_id,
            client_secret=p.client_secret,
            redirect_uri=p.redirect_uri,
            scopes=p.scopes,
            real_name_claim=p.real_name_claim,
        )


# -- configuration ---------------------------------------------------------------------------


def _url(value: str, *, field: str, label: str) -> str:
    text = clean_text(value, field=field, code=Code.INVALID, label=label, max_length=300)
    parts = urlsplit(text)
    # Plain http only to this machine (a provider's local proxy, tests).
    local = parts.hostname in ("127.0.0.1", "localhost", "::1")
    if (
        parts.scheme not in ("https", "http")
        or (parts.scheme == "http" and not local)
        or not parts.hostname
        or parts.fragment
    ):
        raise DomainError(Code.INVALID, f"{label}须为 https:// 地址", field=field)
    return text


async def configure_provider(
    session: AsyncSession,
    principal: Principal,
    *,
    name: str,
    issuer: str,
    client_id: str,
    client_secret: str | None,
    redirect_uri: str,
    scopes: str | None,
    real_name_claim: str | None,
    enabled: bool,
) -> OidcProvider:
    """Set the county's provider (county-wide administrators). The client secret is
    required the first time and kept when omitted later; it is never shown again."""
    principal.require_county_admin()
    tenant_id = principal.require_tenant()
    values = {
        "name": clean_text(name, field="name", code=Code.INVALID, label="名称", max_length=100),
        "issuer": _url(issuer, field="issuer", label="签发方地址"),
        "client_id": clean_text(
            client_id, field="clientId", code=Code.INVALID, label="客户端标识", max_length=200
        ),
        "redirect_uri": _url(redirect_uri, field="redirectUri", label="回调地址"),
        "scopes": clean_text(
            scopes or "openid", field="scopes", code=Code.INVALID, label="权限范围", max_length=200
        ),
        "real_name_claim": clean_text(
            real_name_claim,
            field="realNameClaim",
            code=Code.INVALID,
            label="实名声明",
            max_length=100,
            required=False,
        ),
        "enabled": enabled,
    }
    if "openid" not in str(values["scopes"]).split():
        raise DomainError(Code.INVALID, "权限范围须包含 openid", field="scopes")
    secret = (client_secret or "").strip()
    if len(secret) > 500:
        raise DomainError(Code.INVALID, "客户端密钥过长", field="clientSecret")
    provider = await session.scalar(select(OidcProvider).with_for_update())
    if provider is None:
        if not secret:
            raise DomainError(Code.INVALID, "请填写客户端密钥", field="clientSecret")
        provider = OidcProvider(tenant_id=tenant_id, client_secret=secret, **values)
        session.add(provider)
    else:
        for key, value in values.items():
            setattr(provider, key, value)
        if secret:
            provider.client_secret = secret
    await session.flush()
    await audit.record(
        session,
        principal,
        action="oidc.configure",
        target_type="OidcProvider",
        target_id=provider.id,
        after={
            "issuer": provider.issuer,
            "clientId": provider.client_id,
            "redirectUri": provider.redirect_uri,
            "enabled": provider.enabled,
            "secretChanged": bool(secret),
        },
    )
    return provider


async def get_provider(session: AsyncSession, principal: Principal) -> OidcProvider | None:
    """The county's provider, for its administrators (the secret stays in the row)."""
    principal.require_county_admin()
    return await session.scalar(select(OidcProvider))


async def _enabled_provider(session: AsyncSession) -> ProviderConfig:
    provider = await session.scalar(select(OidcProvider).where(OidcProvider.enabled))
    if provider is None:
        raise DomainError(Code.OIDC_NOT_CONFIGURED, "本县未开通统一身份认证登录", field=None)
    return ProviderConfig.of(provider)


# -- the flow --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Started:
    authorization_url: str
    state: str
    expires_at: datetime


async def start_sign_in(
    db: Database, client: OidcClient, *, tenant_id: int, ttl_seconds: int
) -> Started:
    """Begin a sign-in with the county's provider: the URL to send the person to."""
    provider = await db.run(_enabled_provider, tenant_id=tenant_id, read_only=True)
    doc = await client.discovery(provider.issuer)
    state = secrets.token_urlsafe(32)
    nonce = secrets.token_urlsafe(32)
    verifier = secrets.token_urlsafe(64)
    expires_at = datetime.now(UTC) + timedelta(seconds=ttl_seconds)

    async def store(session: AsyncSession) -> None:
        # The county's finished and abandoned sign-ins go as a new one starts.
        await session.execute(
            delete(OidcLogin).where(
                or_(OidcLogin.used_at.is_not(None), OidcLogin.expires_at < func.now())
            )
        )
        session.add(
            OidcLogin(
                tenant_id=tenant_id,
                state_hash=token_digest(state),
                nonce=nonce,
                code_verifier=verifier,
                expires_at=expires_at,
            )
        )
        await session.flush()

    await db.run(store, tenant_id=tenant_id)
    query = urlencode(
        {
            "response_type": "code",
            "client_id": provider.client_id,
            "redirect_uri": provider.redirect_uri,
            "scope": provider.scopes,
            "state": state,
            "nonce": nonce,
            "code_challenge": pkce_challenge(verifier),
            "code_challenge_method": "S256",
        }
    )
    endpoint = doc["authorization_endpoint"]
    separator = "&" if "?" in endpoint else "?"
    return Started(
        authorization_url=f"{endpoint}{separator}{query}", state=state, expires_at=expires_at
    )


def _truthy(value: object) -> bool:
    return value is True or (isinstance(value, str) and value.lower() in ("true", "1", "yes"))


async def complete_sign_in(
    db: Database,
    client: OidcClient,
    principal: Principal,
    *,
    tenant_id: int,
    state: str,
    code: str,
    rules: service.SignInRules,
) -> service.Tokens:
    """Finish a sign-in the provider sent back (`state`, `code`): tokens for the account
    (see the module), which is linked to the provider's subject."""
    invalid_state = DomainError(
        Code.OIDC_INVALID_STATE, "登录已失效或已使用，请重新发起登录", field="state"
    )

    async def claim(session: AsyncSession) -> tuple[ProviderConfig, str, str] | DomainError:
        login = await session.scalar(
            select(OidcLogin)
            .where(OidcLogin.state_hash == token_digest(state or ""))
            .with_for_update()
        )
        if login is None or login.used_at is not None or login.expires_at <= datetime.now(UTC):
            return invalid_state
        login.used_at = datetime.now(UTC)  # single use, whatever the provider says next
        try:
            provider = await _enabled_provider(session)
        except DomainError as error:
            return error
        return provider, login.nonce, login.code_verifier

    claimed = await db.run(claim, tenant_id=tenant_id)
    if isinstance(claimed, DomainError):
        raise claimed
    provider, nonce, verifier = claimed
    if not (code or "").strip() or len(code) > 2000:
        raise DomainError(Code.INVALID, "缺少授权码", field="code")
    doc = await client.discovery(provider.issuer)
    answer = await client.exchange_code(
        provider, doc["token_endpoint"], code=code.strip(), verifier=verifier
    )
    id_token = answer.get("id_token")
    if not isinstance(id_token, str):
        raise DomainError(Code.OIDC_INVALID_TOKEN, "身份认证平台未返回身份令牌", field="code")
    claims = await client.verify_id_token(provider, doc["jwks_uri"], id_token, nonce=nonce)
    subject = str(claims["sub"])
    if not subject or len(subject) > 200:
        raise DomainError(Code.OIDC_INVALID_TOKEN, "身份令牌的主体无效", field="code")
    real_name = bool(provider.real_name_claim) and _truthy(
        claims.get(provider.real_name_claim or "")
    )
    phone: str | None = None
    if _truthy(claims.get("phone_number_verified")) and isinstance(claims.get("phone_number"), str):
        try:
            phone = service.normalise_phone(claims["phone_number"])
        except DomainError:
            phone = None
    name = claims.get("name") if isinstance(claims.get("name"), str) else None

    async def sign_in(session: AsyncSession) -> service.Tokens | DomainError:
        link = await session.scalar(
            select(OidcIdentity).where(
                OidcIdentity.issuer == provider.issuer, OidcIdentity.subject == subject
            )
        )
        user: User | None = None
        if link is not None:
            user = await session.scalar(
                select(User).where(User.id == link.user_id).with_for_update()
            )
        elif principal.user_id is not None:  # a signed-in person links their account
            user = await session.scalar(
                select(User).where(User.id == principal.user_id).with_for_update()
            )
        elif phone is not None:
            user = await session.scalar(select(User).where(User.phone == phone).with_for_update())
        if user is None:
            user = await service.insert_user(
                session,
                tenant_id=tenant_id,
                display_name=(name or "").strip()[:50] or "统一认证用户",
                phone=phone,
                password=None,
            )
            session.add(Membership(tenant_id=tenant_id, user_id=user.id, role=Role.CITIZEN))
            await session.flush()
        if not user.is_active:
            return DomainError(Code.ACCOUNT_DISABLED, "该账号已停用", field="state")
        if link is None:
            session.add(
                OidcIdentity(
                    tenant_id=tenant_id, user_id=user.id, issuer=provider.issuer, subject=subject
                )
            )
        if real_name:
            await raise_verification(
                session,
                user,
                level=Verification.REAL_NAME_VERIFIED,
                method=VerificationMethod.OIDC,
                source=provider.issuer,
            )
        elif phone is not None and phone == user.phone:
            await raise_verification(
                session,
                user,
                level=Verification.PHONE_VERIFIED,
                method=VerificationMethod.OIDC,
                source=provider.issuer,
            )
        return await service.issue_tokens(
            session,
            tenant_id=tenant_id,
            user=user,
            secret=rules.secret,
            access_ttl=rules.access_ttl,
            refresh_ttl=rules.refresh_ttl,
        )

    outcome = await db.run(sign_in, tenant_id=tenant_id, user_id=principal.user_id)
    if isinstance(outcome, DomainError):
        raise outcome
    return outcome
