"""A small OpenID Connect provider for tests (a stand-in for a province's 政务服务 account),
served by uvicorn on 127.0.0.1: discovery, JWKS, an authorization endpoint that signs a
preset person in at once and redirects back with a code, and a token endpoint that checks
the client's secret, the redirect URI and the PKCE verifier before it issues an ID token.

Several issuers live under one server (`/p/<name>`), each with its own settings, so a test
gets an issuer nobody has cached. `Issuer.token_fault` makes its next ID tokens wrong in one
way (wrong nonce, audience, issuer, expired, or signed by a key not in its JWKS).
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import secrets
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import jwt
import uvicorn
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from tests.conftest import free_port


def _rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@dataclass
class Person:
    """Who signs in at the provider next."""

    subject: str = field(default_factory=lambda: uuid.uuid4().hex)
    name: str = "张三"
    claims: dict[str, Any] = field(default_factory=dict)


@dataclass
class Issuer:
    url: str
    client_id: str = "yishi-county"
    client_secret: str = field(default_factory=lambda: secrets.token_urlsafe(16))
    key: rsa.RSAPrivateKey = field(default_factory=_rsa_key)
    kid: str = field(default_factory=lambda: uuid.uuid4().hex[:8])
    person: Person = field(default_factory=Person)
    #: None, or one of: nonce, audience, issuer, expired, other_key
    token_fault: str | None = None
    #: Point the token endpoint at another origin in the discovery document.
    foreign_token_endpoint: bool = False
    codes: dict[str, dict[str, Any]] = field(default_factory=dict)
    token_requests: int = 0

    def id_token(self, grant: dict[str, Any]) -> str:
        now = int(time.time())
        claims: dict[str, Any] = {
            "iss": self.url,
            "sub": grant["person"].subject,
            "aud": self.client_id,
            "iat": now,
            "exp": now + 300,
            "nonce": grant["nonce"],
            "name": grant["person"].name,
            **grant["person"].claims,
        }
        key: Any = self.key
        fault = self.token_fault
        if fault == "nonce":
            claims["nonce"] = "not-the-nonce"
        elif fault == "audience":
            claims["aud"] = "another-client"
        elif fault == "issuer":
            claims["iss"] = self.url + "-other"
        elif fault == "expired":
            claims["iat"], claims["exp"] = now - 3600, now - 600
        elif fault == "other_key":
            key = _rsa_key()  # same kid, a key the JWKS does not have
        return jwt.encode(claims, key, algorithm="RS256", headers={"kid": self.kid})


class FakeProvider:
    def __init__(self) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.issuers: dict[str, Issuer] = {}
        self.app = Starlette(
            routes=[
                Route("/p/{name}/.well-known/openid-configuration", self.discovery),
                Route("/p/{name}/jwks", self.jwks),
                Route("/p/{name}/authorize", self.authorize),
                Route("/p/{name}/token", self.token, methods=["POST"]),
            ]
        )

    def issuer(self) -> Issuer:
        name = uuid.uuid4().hex[:10]
        issuer = Issuer(url=f"{self.base}/p/{name}")
        self.issuers[name] = issuer
        return issuer

    def _of(self, request: Request) -> Issuer:
        return self.issuers[request.path_params["name"]]

    async def discovery(self, request: Request) -> Response:
        issuer = self._of(request)
        token = (
            "http://127.0.0.2:9/token" if issuer.foreign_token_endpoint else f"{issuer.url}/token"
        )
        return JSONResponse(
            {
                "issuer": issuer.url,
                "authorization_endpoint": f"{issuer.url}/authorize",
                "token_endpoint": token,
                "jwks_uri": f"{issuer.url}/jwks",
                "response_types_supported": ["code"],
                "code_challenge_methods_supported": ["S256"],
                "id_token_signing_alg_values_supported": ["RS256"],
            }
        )

    async def jwks(self, request: Request) -> Response:
        issuer = self._of(request)
        jwk = RSAAlgorithm.to_jwk(issuer.key.public_key(), as_dict=True)
        jwk.update({"kid": issuer.kid, "use": "sig", "alg": "RS256"})
        return JSONResponse({"keys": [jwk]})

    async def authorize(self, request: Request) -> Response:
        issuer = self._of(request)
        q = request.query_params
        if (
            q.get("response_type") != "code"
            or q.get("client_id") != issuer.client_id
            or q.get("code_challenge_method") != "S256"
            or not q.get("code_challenge")
            or not q.get("state")
            or not q.get("nonce")
            or "openid" not in (q.get("scope") or "").split()
        ):
            return JSONResponse({"error": "invalid_request"}, status_code=400)
        code = secrets.token_urlsafe(16)
        issuer.codes[code] = {
            "nonce": q["nonce"],
            "challenge": q["code_challenge"],
            "redirect_uri": q["redirect_uri"],
            "person": issuer.person,
        }
        back = urlencode({"code": code, "state": q["state"]})
        return RedirectResponse(f"{q['redirect_uri']}?{back}", status_code=302)

    async def token(self, request: Request) -> Response:
        issuer = self._of(request)
        issuer.token_requests += 1
        auth = request.headers.get("authorization", "")
        expected = base64.b64encode(f"{issuer.client_id}:{issuer.client_secret}".encode()).decode()
        if auth != f"Basic {expected}":
            return JSONResponse({"error": "invalid_client"}, status_code=401)
        form = await request.form()
        grant = issuer.codes.pop(str(form.get("code")), None)
        if grant is None or form.get("grant_type") != "authorization_code":
            return JSONResponse({"error": "invalid_grant"}, status_code=400)
        if form.get("redirect_uri") != grant["redirect_uri"]:
            return JSONResponse({"error": "invalid_grant"}, status_code=400)
        verifier = str(form.get("code_verifier") or "")
        challenge = (
            base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
            .rstrip(b"=")
            .decode()
        )
        if challenge != grant["challenge"]:
            return JSONResponse({"error": "invalid_grant", "why": "pkce"}, status_code=400)
        return JSONResponse(
            {
                "access_token": secrets.token_urlsafe(16),
                "token_type": "Bearer",
                "id_token": issuer.id_token(grant),
            }
        )


async def serve() -> AsyncIterator[FakeProvider]:
    provider = FakeProvider()
    server = uvicorn.Server(
        uvicorn.Config(
            provider.app, host="127.0.0.1", port=provider.port, log_level="warning", lifespan="off"
        )
    )
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.02)
    try:
        yield provider
    finally:
        server.should_exit = True
        await task


_shared: list[FakeProvider] = []


async def shared() -> FakeProvider:
    """One provider for the whole test session, started on first use (the authorisation
    matrix's builders); the session's loop cancels it at the end."""
    if not _shared:
        provider = FakeProvider()
        server = uvicorn.Server(
            uvicorn.Config(
                provider.app,
                host="127.0.0.1",
                port=provider.port,
                log_level="warning",
                lifespan="off",
            )
        )
        task = asyncio.create_task(server.serve())
        while not server.started:
            if task.done():
                task.result()
            await asyncio.sleep(0.02)
        provider.task = task  # type: ignore[attr-defined]
        _shared.append(provider)
    return _shared[0]
