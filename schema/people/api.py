"""Queries and mutations of people, roles and sign-in."""

from __future__ import annotations

from typing import Annotated

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry import relay

from backend.core.errors import DomainError
from backend.core.limits import Action
from backend.core.security import Principal
from backend.people import models, service
from backend.people.errors import PeopleErrorCode as Code
from schema.context import Info
from schema.limits import refuse_if_rate_limited
from schema.mutations import mutate, mutate_workflow, user_errors
from schema.people.types import (
    AuthTokens,
    Membership,
    PeopleError,
    PeopleErrorCode,
    Role,
    User,
    Viewer,
)
from schema.relay import (
    Connection,
    PageAfter,
    PageFirst,
    build_connection,
    decode_cursor,
    decode_id,
    page_size,
)
from schema.tenants.types import County


def _errors(errors: list[DomainError]) -> list[PeopleError]:
    return user_errors(errors, PeopleError, PeopleErrorCode)


def _tokens(tokens: service.Tokens | None) -> AuthTokens | None:
    if tokens is None:
        return None
    return AuthTokens(
        access_token=tokens.access_token,
        access_token_expires_at=tokens.access_expires_at,
        refresh_token=tokens.refresh_token,
    )


@strawberry.input(
    description="Sign in to the county of the request (X-Tenant) with a phone number."
)
class LoginInput:
    phone: str = strawberry.field(description="Mobile number.")
    password: str = strawberry.field(description="Password.")


@strawberry.type(description="Result of login, refreshToken or register.")
class AuthPayload:
    tokens: AuthTokens | None = strawberry.field(description="New tokens when it succeeded.")
    user: User | None = strawberry.field(description="The signed-in user.")
    errors: list[PeopleError] = strawberry.field(description="Why it failed.")


@strawberry.input(description="Create an account in the county (tenant admins).")
class CreateUserInput:
    display_name: str = strawberry.field(description="Name, up to 50 characters.")
    phone: str = strawberry.field(description="Mobile number; unique in the county.")
    password: str | None = strawberry.field(
        default=None,
        description="Initial password (8+ characters); none means the person "
        "cannot sign in until one is set.",
    )
    roles: list[GrantInput] | None = strawberry.field(
        default=None, description="Roles to grant at once."
    )


@strawberry.input(description="A role to grant, county-wide or scoped to an org unit.")
class GrantInput:
    role: Role = strawberry.field(description="The role.")
    org_unit_id: relay.GlobalID | None = strawberry.field(
        default=None, description="Scope; null means county-wide."
    )


@strawberry.input(description="Grant a role to a user.")
class GrantRoleInput:
    user_id: relay.GlobalID = strawberry.field(description="The user.")
    role: Role = strawberry.field(description="The role.")
    org_unit_id: relay.GlobalID | None = strawberry.field(
        default=None, description="Scope; null means county-wide."
    )


@strawberry.type(description="Result of createUser.")
class UserPayload:
    user: User | None = strawberry.field(description="The user after the change.")
    errors: list[PeopleError] = strawberry.field(description="Why nothing changed.")


@strawberry.type(description="Result of grantRole or revokeRole.")
class MembershipPayload:
    membership: Membership | None = strawberry.field(description="The role granted or revoked.")
    errors: list[PeopleError] = strawberry.field(description="Why nothing changed.")


@strawberry.type(description="Result of a request that returns nothing but may fail.")
class PeopleResultPayload:
    ok: bool = strawberry.field(description="True when it succeeded.")
    errors: list[PeopleError] = strawberry.field(description="Why it failed.")


@strawberry.type(description="Result of changePassword.")
class ChangePasswordPayload:
    ok: bool = strawberry.field(description="True when it succeeded.")
    tokens: AuthTokens | None = strawberry.field(
        description="New tokens for this session: every other session of the account (and "
        "every token issued before, this one's included) has ended."
    )
    errors: list[PeopleError] = strawberry.field(description="Why it failed.")


@strawberry.type
class PeopleQueries:
    @strawberry.field(description="Who is asking.")
    async def viewer(self, info: Info) -> Viewer:
        principal = await info.context.principal()
        user = county = None
        if principal.user_id is not None:
            row = await info.context.loaders.user.load(principal.user_id)
            user = User.from_model(row) if row else None
            # The account's own number is shown unmasked to its owner.
            if row is not None and user is not None:
                user.phone = row.phone or ""
        if principal.tenant_id is not None:
            t = await info.context.loaders.tenant.load(principal.tenant_id)
            county = County.from_model(t) if t else None
        return Viewer(
            user=user,
            county=county,
            roles=sorted(principal.roles, key=lambda r: r.value),
            is_platform_operator=principal.is_operator,
        )

    @strawberry.field(description="Accounts of the county (tenant admins).")
    async def users(
        self,
        info: Info,
        role: Annotated[
            Role | None, strawberry.argument(description="Only holders of this role.")
        ] = None,
        search: Annotated[str | None, strawberry.argument(description="Part of the name.")] = None,
        first: PageFirst = None,
        after: PageAfter = None,
    ) -> Connection[User]:
        size = page_size(first)
        after_id = decode_cursor(after)
        principal = await info.context.principal()
        rows = await info.context.read(
            lambda s: service.list_users(
                s, principal, role=role, search=search, after_id=after_id, limit=size + 1
            )
        )
        return build_connection(rows, first=size, to_node=User.from_model, key=lambda r: r.id)


@strawberry.type
class PeopleMutations:
    @strawberry.mutation(description="Sign in with phone and password; returns tokens.")
    async def login(
        self,
        info: Info,
        input: Annotated[LoginInput, strawberry.argument(description="Phone number and password.")],
    ) -> AuthPayload:
        settings = info.context.services.settings
        county = (await info.context.principal()).tenant_id
        refused = await refuse_if_rate_limited(
            info.context, Action.LOGIN, user=("login", county, service.login_key(input.phone))
        )
        if refused is not None:
            return AuthPayload(tokens=None, user=None, errors=_errors([refused]))

        rules = service.SignInRules.from_settings(settings)
        tokens, errors = await mutate_workflow(
            info,
            lambda db, p: service.sign_in(
                db,
                info.context.services.passwords,
                tenant_id=p.require_tenant(),
                phone=input.phone,
                password=input.password,
                rules=rules,
            ),
        )
        return AuthPayload(
            tokens=_tokens(tokens),
            errors=_errors(errors),
            user=User.from_model(tokens.user) if tokens and tokens.user else None,
        )

    @strawberry.mutation(description="Exchange a refresh token for a new token pair (rotation).")
    async def refresh_token(
        self,
        info: Info,
        refresh_token: Annotated[
            str, strawberry.argument(description="The refresh token from sign-in.")
        ],
    ) -> AuthPayload:
        settings = info.context.services.settings
        tenant_id = service.refresh_token_tenant(refresh_token)
        if tenant_id is None:
            error = DomainError(
                Code.INVALID_REFRESH_TOKEN, "刷新令牌无效或已过期，请重新登录", field="refreshToken"
            )
            return AuthPayload(tokens=None, user=None, errors=_errors([error]))
        tokens, errors = await mutate(
            info,
            lambda s, p: service.refresh(
                s,
                tenant_id=tenant_id,
                refresh_token=refresh_token,
                secret=settings.jwt_secret.get_secret_value(),
                access_ttl=settings.jwt_access_ttl_seconds,
                refresh_ttl=settings.jwt_refresh_ttl_seconds,
            ),
            tenant_id=tenant_id,
        )
        return AuthPayload(
            tokens=_tokens(tokens),
            errors=_errors(errors),
            user=User.from_model(tokens.user) if tokens and tokens.user else None,
        )

    @strawberry.mutation(description="Revoke a refresh token (sign out on this device).")
    async def logout(
        self,
        info: Info,
        refresh_token: Annotated[
            str, strawberry.argument(description="The refresh token to revoke.")
        ],
    ) -> PeopleResultPayload:
        tenant_id = service.refresh_token_tenant(refresh_token)
        if tenant_id is not None:
            await mutate(
                info,
                lambda s, p: service.logout(s, refresh_token=refresh_token),
                tenant_id=tenant_id,
            )
        return PeopleResultPayload(ok=True, errors=[])

    @strawberry.mutation(
        description="Create a citizen (群众) account in the county of the request."
    )
    async def register(
        self,
        info: Info,
        display_name: Annotated[str, strawberry.argument(description="Name, up to 50 characters.")],
        phone: Annotated[str, strawberry.argument(description="Mobile number.")],
        password: Annotated[str, strawberry.argument(description="Password, 8+ characters.")],
    ) -> AuthPayload:
        settings = info.context.services.settings
        county = (await info.context.principal()).tenant_id
        refused = await refuse_if_rate_limited(
            info.context, Action.REGISTER, user=(county, service.login_key(phone))
        )
        if refused is not None:
            return AuthPayload(tokens=None, user=None, errors=_errors([refused]))

        rules = service.SignInRules.from_settings(settings)
        tokens, errors = await mutate_workflow(
            info,
            lambda db, p: service.register(
                db,
                info.context.services.passwords,
                p,
                display_name=display_name,
                phone=phone,
                password=password,
                rules=rules,
            ),
        )
        return AuthPayload(
            tokens=_tokens(tokens),
            errors=_errors(errors),
            user=User.from_model(tokens.user) if tokens and tokens.user else None,
        )

    @strawberry.mutation(description="Change the signed-in user's password; other sessions end.")
    async def change_password(
        self,
        info: Info,
        old_password: Annotated[str, strawberry.argument(description="Current password.")],
        new_password: Annotated[
            str, strawberry.argument(description="New password, 8+ characters.")
        ],
    ) -> ChangePasswordPayload:
        settings = info.context.services.settings
        tokens, errors = await mutate_workflow(
            info,
            lambda db, p: service.change_password(
                db,
                info.context.services.passwords,
                p,
                old_password=old_password,
                new_password=new_password,
                rules=service.SignInRules.from_settings(settings),
            ),
        )
        return ChangePasswordPayload(ok=not errors, tokens=_tokens(tokens), errors=_errors(errors))

    @strawberry.mutation(description="Sign in as a platform operator.")
    async def operator_login(
        self,
        info: Info,
        username: Annotated[str, strawberry.argument(description="Operator name.")],
        password: Annotated[str, strawberry.argument(description="Password.")],
    ) -> AuthPayload:
        settings = info.context.services.settings
        refused = await refuse_if_rate_limited(
            info.context, Action.LOGIN, user=("operator", username)
        )
        if refused is not None:
            return AuthPayload(tokens=None, user=None, errors=_errors([refused]))
        tokens, errors = await mutate_workflow(
            info,
            lambda db, p: service.operator_sign_in(
                db,
                info.context.services.passwords,
                username=username,
                password=password,
                rules=service.SignInRules.from_settings(settings),
            ),
        )
        return AuthPayload(tokens=_tokens(tokens), user=None, errors=_errors(errors))

    @strawberry.mutation(description="Create an account with optional roles. Tenant admins.")
    async def create_user(
        self,
        info: Info,
        input: Annotated[
            CreateUserInput, strawberry.argument(description="The account and its roles.")
        ],
    ) -> UserPayload:
        async def run(s: AsyncSession, p: Principal) -> models.User:
            roles = [
                (
                    g.role,
                    decode_id(
                        g.org_unit_id,
                        "OrgUnit",
                        field="roles.orgUnitId",
                        code=Code.ORG_UNIT_NOT_FOUND,
                    )
                    if g.org_unit_id
                    else None,
                )
                for g in input.roles or []
            ]
            return await service.create_user(
                s,
                p,
                display_name=input.display_name,
                phone=input.phone,
                password=input.password,
                passwords=info.context.services.passwords,
                roles=roles,
            )

        user, errors = await mutate(info, run)
        return UserPayload(user=User.from_model(user) if user else None, errors=_errors(errors))

    @strawberry.mutation(
        description="Grant a role, county-wide or scoped to an org unit. Tenant admins."
    )
    async def grant_role(
        self,
        info: Info,
        input: Annotated[
            GrantRoleInput, strawberry.argument(description="The user, the role and its scope.")
        ],
    ) -> MembershipPayload:
        async def run(s: AsyncSession, p: Principal) -> models.Membership:
            user_id = decode_id(input.user_id, "User", field="userId", code=Code.NOT_FOUND)
            unit_id = (
                decode_id(
                    input.org_unit_id, "OrgUnit", field="orgUnitId", code=Code.ORG_UNIT_NOT_FOUND
                )
                if input.org_unit_id
                else None
            )
            return await service.grant_role(
                s, p, user_id=user_id, role=input.role, org_unit_id=unit_id
            )

        m, errors = await mutate(info, run)
        return MembershipPayload(
            membership=Membership.from_model(m) if m else None, errors=_errors(errors)
        )

    @strawberry.mutation(
        description="Disable (停用, active false) or re-enable an account (county-wide "
        "administrators): a disabled account cannot sign in and its sessions end at once. "
        "Not your own, nor the county's last county-wide admin. Audited."
    )
    async def set_user_active(
        self,
        info: Info,
        user_id: Annotated[relay.GlobalID, strawberry.argument(description="The account.")],
        active: Annotated[
            bool, strawberry.argument(description="False: disable; true: enable again.")
        ],
    ) -> UserPayload:
        async def run(s: AsyncSession, p: Principal) -> models.User:
            uid = decode_id(user_id, "User", field="userId", code=Code.NOT_FOUND)
            return await service.set_user_active(s, p, user_id=uid, active=active)

        user, errors = await mutate(info, run)
        return UserPayload(user=User.from_model(user) if user else None, errors=_errors(errors))

    @strawberry.mutation(description="Revoke a role. Tenant admins; the last admin stays.")
    async def revoke_role(
        self,
        info: Info,
        membership_id: Annotated[
            relay.GlobalID, strawberry.argument(description="The membership.")
        ],
    ) -> MembershipPayload:
        async def run(s: AsyncSession, p: Principal) -> models.Membership:
            mid = decode_id(membership_id, "Membership", field="membershipId", code=Code.NOT_FOUND)
            return await service.revoke_role(s, p, membership_id=mid)

        m, errors = await mutate(info, run)
        return MembershipPayload(
            membership=Membership.from_model(m) if m else None, errors=_errors(errors)
        )
