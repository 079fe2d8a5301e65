"""Queries and mutations of real-name identity (实名制): SMS sign-in, OpenID Connect sign-in,
verification levels and staff ID checks (backend.people.identity, .sms, .oidc)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry import relay

from backend.core.errors import DomainError
from backend.core.limits import RateLimited, client_address
from backend.core.security import Principal
from backend.people import identity, models, oidc, service, sms
from backend.people.errors import PeopleErrorCode as Code
from schema.context import Context, Info
from schema.mutations import mutate, mutate_workflow
from schema.people.api import AuthPayload, UserPayload, _errors, _tokens
from schema.people.types import IdentityVerification, PeopleError, User
from schema.relay import decode_id


def _retry_after(ctx: Context, errors: list[DomainError]) -> None:
    for error in errors:
        if isinstance(error, RateLimited) and ctx.response is not None:
            ctx.response.headers["Retry-After"] = str(error.retry_after)


def _auth_payload(tokens: service.Tokens | None, errors: list[DomainError]) -> AuthPayload:
    return AuthPayload(
        tokens=_tokens(tokens),
        errors=_errors(errors),
        user=User.from_model(tokens.user) if tokens and tokens.user else None,
    )


@strawberry.type(description="Result of requestSmsCode.")
class SmsCodePayload:
    sent: bool = strawberry.field(
        description="True when the request was accepted (the same answer whether the number "
        "has an account or not)."
    )
    expires_at: datetime | None = strawberry.field(
        description="When the code stops working (5 minutes by default)."
    )
    errors: list[PeopleError] = strawberry.field(description="Why nothing was sent.")


@strawberry.input(description="Staff checked a person's ID document in person (现场核验身份).")
class RealNameCheckInput:
    user_id: relay.GlobalID = strawberry.field(description="The person checked.")
    venue_id: relay.GlobalID | None = strawberry.field(
        default=None, description="The venue (说事场所) where it was checked."
    )
    note: str | None = strawberry.field(
        default=None, description="What was checked (e.g. 居民身份证), up to 200 characters."
    )


@strawberry.type(
    description="The county's OpenID Connect provider (统一身份认证) as configured; the "
    "client secret is never shown."
)
class OidcProviderSettings:
    name: str = strawberry.field(description="Name shown on the sign-in button.")
    issuer: str = strawberry.field(description="The provider's issuer URL.")
    client_id: str = strawberry.field(description="This county's client id at the provider.")
    redirect_uri: str = strawberry.field(
        description="Where the provider sends the browser back (the county's sign-in page)."
    )
    scopes: str = strawberry.field(description="Scopes asked for, space-separated.")
    real_name_claim: str | None = strawberry.field(
        description="The ID token claim that says the provider checked the person's real "
        "name (true: REAL_NAME_VERIFIED)."
    )
    enabled: bool = strawberry.field(description="False: sign-in through it is off.")
    has_client_secret: bool = strawberry.field(description="True when a secret is stored.")

    @classmethod
    def from_model(cls, p: models.OidcProvider) -> OidcProviderSettings:
        return cls(
            name=p.name,
            issuer=p.issuer,
            client_id=p.client_id,
            redirect_uri=p.redirect_uri,
            scopes=p.scopes,
            real_name_claim=p.real_name_claim,
            enabled=p.enabled,
            has_client_secret=bool(p.client_secret),
        )


@strawberry.input(description="Set the county's OpenID Connect provider.")
class OidcProviderInput:
    name: str = strawberry.field(description="Name shown on the sign-in button.")
    issuer: str = strawberry.field(description="Issuer URL (its discovery document is read).")
    client_id: str = strawberry.field(description="Client id at the provider.")
    client_secret: str | None = strawberry.field(
        default=None,
        description="Client secret: required the first time, kept when omitted; write-only.",
    )
    redirect_uri: str = strawberry.field(description="Redirect URI registered at the provider.")
    scopes: str | None = strawberry.field(
        default=None, description="Scopes, space-separated; must include openid (default)."
    )
    real_name_claim: str | None = strawberry.field(
        default=None, description="The ID token claim meaning real name verified."
    )
    enabled: bool = strawberry.field(default=True, description="Whether sign-in is offered.")


@strawberry.type(description="Result of configureOidcProvider.")
class OidcProviderPayload:
    provider: OidcProviderSettings | None = strawberry.field(
        description="The provider after the change."
    )
    errors: list[PeopleError] = strawberry.field(description="Why nothing changed.")


@strawberry.type(description="Result of startOidcSignIn.")
class OidcSignInPayload:
    authorization_url: str | None = strawberry.field(
        description="Send the browser here; the provider returns it to the redirect URI "
        "with `code` and `state`."
    )
    state: str | None = strawberry.field(
        description="This sign-in's state, to check against the one the provider returns."
    )
    expires_at: datetime | None = strawberry.field(description="Finish before this.")
    errors: list[PeopleError] = strawberry.field(description="Why it cannot start.")


@strawberry.type
class IdentityQueries:
    @strawberry.field(
        description="A person's identity verifications, newest first: the "
        "person themself and county staff."
    )
    async def identity_verifications(
        self,
        info: Info,
        user_id: Annotated[
            relay.GlobalID | None,
            strawberry.argument(description="The person; null: the signed-in user."),
        ] = None,
    ) -> list[IdentityVerification]:
        principal = await info.context.principal()
        uid = (
            decode_id(user_id, "User", field="userId", code=Code.NOT_FOUND)
            if user_id is not None
            else principal.require_user()
        )
        rows = await info.context.read(
            lambda s: identity.list_verifications(s, principal, user_id=uid)
        )
        return [IdentityVerification.from_model(r) for r in rows]

    @strawberry.field(description="The county's OpenID Connect provider (county-wide admins).")
    async def oidc_provider(self, info: Info) -> OidcProviderSettings | None:
        principal = await info.context.principal()
        row = await info.context.read(lambda s: oidc.get_provider(s, principal))
        return OidcProviderSettings.from_model(row) if row is not None else None


@strawberry.type
class IdentityMutations:
    @strawberry.mutation(
        description="Send a sign-in code by SMS to a phone number, in the county of the "
        "request (X-Tenant). Limited per number (one a minute) and per client address."
    )
    async def request_sms_code(
        self,
        info: Info,
        phone: Annotated[str, strawberry.argument(description="Mobile number.")],
    ) -> SmsCodePayload:
        ctx = info.context
        address = client_address(ctx.request.scope)
        expires, errors = await mutate_workflow(
            info,
            lambda db, p: sms.request_sms_code(
                db,
                ctx.services.limits,
                ctx.services.sms,
                tenant_id=p.require_tenant(),
                phone=phone,
                address=address,
                rules=sms.SmsRules.from_settings(ctx.services.settings),
            ),
        )
        _retry_after(ctx, errors)
        return SmsCodePayload(sent=not errors, expires_at=expires, errors=_errors(errors))

    @strawberry.mutation(
        description="Sign in with a phone number and the SMS code sent to it; a new number "
        "gets a citizen (群众) account. The account becomes PHONE_VERIFIED."
    )
    async def sign_in_with_sms_code(
        self,
        info: Info,
        phone: Annotated[str, strawberry.argument(description="Mobile number.")],
        code: Annotated[str, strawberry.argument(description="The 6-digit code received.")],
    ) -> AuthPayload:
        settings = info.context.services.settings
        tokens, errors = await mutate_workflow(
            info,
            lambda db, p: sms.sign_in_with_sms_code(
                db,
                tenant_id=p.require_tenant(),
                phone=phone,
                code=code,
                sign_in=service.SignInRules.from_settings(settings),
                rules=sms.SmsRules.from_settings(settings),
            ),
        )
        return _auth_payload(tokens, errors)

    @strawberry.mutation(
        description="Record that staff checked a person's ID document in person: the "
        "account becomes REAL_NAME_VERIFIED. County staff and administrators."
    )
    async def record_real_name_check(
        self,
        info: Info,
        input: Annotated[RealNameCheckInput, strawberry.argument(description="The check.")],
    ) -> UserPayload:
        async def run(s: AsyncSession, p: Principal) -> models.User:
            user_id = decode_id(input.user_id, "User", field="userId", code=Code.NOT_FOUND)
            venue_id = (
                decode_id(input.venue_id, "Venue", field="venueId", code=Code.NOT_FOUND)
                if input.venue_id is not None
                else None
            )
            return await identity.record_real_name_check(
                s, p, user_id=user_id, venue_id=venue_id, note=input.note
            )

        user, errors = await mutate(info, run)
        return UserPayload(user=User.from_model(user) if user else None, errors=_errors(errors))

    @strawberry.mutation(
        description="Set the county's OpenID Connect provider (county-wide admins)."
    )
    async def configure_oidc_provider(
        self,
        info: Info,
        input: Annotated[OidcProviderInput, strawberry.argument(description="The provider.")],
    ) -> OidcProviderPayload:
        provider, errors = await mutate(
            info,
            lambda s, p: oidc.configure_provider(
                s,
                p,
                name=input.name,
                issuer=input.issuer,
                client_id=input.client_id,
                client_secret=input.client_secret,
                redirect_uri=input.redirect_uri,
                scopes=input.scopes,
                real_name_claim=input.real_name_claim,
                enabled=input.enabled,
            ),
        )
        return OidcProviderPayload(
            provider=OidcProviderSettings.from_model(provider) if provider else None,
            errors=_errors(errors),
        )

    @strawberry.mutation(
        description="Begin signing in through the county's OpenID Connect provider "
        "(统一身份认证, authorization code with PKCE)."
    )
    async def start_oidc_sign_in(self, info: Info) -> OidcSignInPayload:
        ctx = info.context
        started, errors = await mutate_workflow(
            info,
            lambda db, p: oidc.start_sign_in(
                db,
                ctx.services.oidc,
                tenant_id=p.require_tenant(),
                ttl_seconds=ctx.services.settings.oidc_login_ttl_seconds,
            ),
        )
        return OidcSignInPayload(
            authorization_url=started.authorization_url if started else None,
            state=started.state if started else None,
            expires_at=started.expires_at if started else None,
            errors=_errors(errors),
        )

    @strawberry.mutation(
        description="Finish signing in with what the provider sent back to the redirect URI. "
        "Signed in already: the provider account is linked to yours. A real-name claim "
        "makes the account REAL_NAME_VERIFIED."
    )
    async def complete_oidc_sign_in(
        self,
        info: Info,
        state: Annotated[str, strawberry.argument(description="The `state` sent back.")],
        code: Annotated[str, strawberry.argument(description="The `code` sent back.")],
    ) -> AuthPayload:
        ctx = info.context
        tokens, errors = await mutate_workflow(
            info,
            lambda db, p: oidc.complete_sign_in(
                db,
                ctx.services.oidc,
                p,
                tenant_id=p.require_tenant(),
                state=state,
                code=code,
                rules=service.SignInRules.from_settings(ctx.services.settings),
            ),
        )
        return _auth_payload(tokens, errors)
