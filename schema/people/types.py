"""GraphQL types of people, roles and sign-in."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import strawberry
from strawberry import relay

from backend.people import models
from backend.people.errors import PeopleErrorCode as _PeopleErrorCode
from backend.people.service import mask_phone
from schema.context import Info
from schema.errors import UserError
from schema.relay import DatabaseNode, resolve_by_ids, to_global_id
from schema.tenants.types import County, OrgUnit

# The domain's enums, marked as GraphQL enums in place (strawberry.enum returns the class
# it is given): the names stay plain aliases, so annotations using them are types to mypy.
Role = models.Role
strawberry.enum(
    Role,
    description="Roles in a county: TENANT_ADMIN 县级管理员, DEPARTMENT_STAFF 承办单位工作人员, "
    "MEDIATOR 解事员, COLLECTOR 民情收集员/网格员, NPC_DEPUTY 人大代表, CPPCC_MEMBER 政协委员, "
    "OBSERVER 民意观察员, EXPERT 专家, CITIZEN 群众.",
)
Verification = models.Verification
strawberry.enum(
    Verification,
    description="How surely a person's identity is known (实名制), weakest first: "
    "UNVERIFIED 未验证, PHONE_VERIFIED 手机号已验证 (an SMS code was answered), "
    "REAL_NAME_VERIFIED 已实名 (an OpenID Connect provider or a staff ID check).",
)
VerificationMethod = models.VerificationMethod
strawberry.enum(
    VerificationMethod,
    description="How a verification was made: SMS code, OIDC provider (政务服务 account), "
    "or STAFF_CHECK (staff checked an ID document at a venue).",
)
PeopleErrorCode = _PeopleErrorCode
strawberry.enum(PeopleErrorCode, description="Why an account change failed.")


@strawberry.type(description="A failure of an account, role or sign-in request.")
class PeopleError(UserError):
    code: PeopleErrorCode = strawberry.field(description="Machine-readable reason.")


@strawberry.type(
    name="Membership",
    description="A role a user holds, county-wide or scoped to "
    "an org unit and everything under it.",
)
class Membership(DatabaseNode, relay.Node):
    id: relay.NodeID[int]
    role: Role = strawberry.field(description="The role.")
    org_unit_db_id: strawberry.Private[int | None]

    @strawberry.field(description="The unit the role is scoped to; null means county-wide.")
    async def org_unit(self, info: Info) -> OrgUnit | None:
        if self.org_unit_db_id is None:
            return None
        row = await info.context.loaders.org_unit.load(self.org_unit_db_id)
        return OrgUnit.from_model(row) if row else None

    @classmethod
    def from_model(cls, m: models.Membership) -> Membership:
        return cls(id=m.id, role=m.role, org_unit_db_id=m.org_unit_id)

    @classmethod
    async def resolve_nodes(  # type: ignore[override]  # null for ids naming no row: DatabaseNode
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[Membership | None]:
        return await resolve_by_ids(
            "Membership", info.context.loaders.membership.load_many, node_ids, cls.from_model
        )


@strawberry.type(name="User", description="A person's account in this county.")
class User(DatabaseNode, relay.Node):
    id: relay.NodeID[int]
    display_name: str = strawberry.field(description="Name shown to others.")
    phone: str = strawberry.field(description="Mobile number, masked (138****5678).")
    is_active: bool = strawberry.field(description="False when the account is disabled.")
    verification: Verification = strawberry.field(
        description="The verification level reached (实名制)."
    )
    verified_at: datetime | None = strawberry.field(
        description="When the current level was reached; null while UNVERIFIED."
    )
    verification_method: VerificationMethod | None = strawberry.field(
        description="How the current level was reached; null while UNVERIFIED."
    )

    @strawberry.field(description="Roles this user holds in the county.")
    async def memberships(self, info: Info) -> list[Membership]:
        rows = await info.context.loaders.memberships_by_user.load(self.id)
        return [Membership.from_model(r) for r in rows]

    @classmethod
    def from_model(cls, u: models.User) -> User:
        return cls(
            id=u.id,
            display_name=u.display_name,
            phone=mask_phone(u.phone),
            is_active=u.is_active,
            verification=u.verification,
            verified_at=u.verified_at,
            verification_method=u.verification_method,
        )

    @classmethod
    async def resolve_nodes(  # type: ignore[override]  # null for ids naming no row: DatabaseNode
        cls, *, info: Info, node_ids: Iterable[str], required: bool = False
    ) -> list[User | None]:
        return await resolve_by_ids(
            "User", info.context.loaders.user.load_many, node_ids, cls.from_model
        )


@strawberry.type(description="Who is asking: the signed-in user (if any) and the county.")
class Viewer:
    user: User | None = strawberry.field(description="The signed-in user; null when anonymous.")
    county: County | None = strawberry.field(description="The county of the request.")
    roles: list[Role] = strawberry.field(description="Roles the user holds (any scope).")
    is_platform_operator: bool = strawberry.field(description="True for platform operators.")


@strawberry.type(description="Tokens issued at sign-in or refresh.")
class AuthTokens:
    access_token: str = strawberry.field(
        description="Send as `Authorization: Bearer <token>`; short-lived."
    )
    access_token_expires_at: datetime = strawberry.field(description="When it stops working.")
    refresh_token: str = strawberry.field(
        description="Exchange with refreshToken for a new pair; single use."
    )


@strawberry.type(description="One verification of a person's identity (实名制 record).")
class IdentityVerification:
    level: Verification = strawberry.field(description="The level it proved.")
    method: VerificationMethod = strawberry.field(description="How.")
    source: str | None = strawberry.field(
        description="By what: the OIDC issuer, or the venue of a staff check (its name)."
    )
    verified_by_id: strawberry.ID | None = strawberry.field(
        description="The staff member who checked (global User id), for a staff check."
    )
    note: str | None = strawberry.field(description="What the staff wrote (e.g. 身份证).")
    verified_at: datetime = strawberry.field(description="When.")

    @classmethod
    def from_model(cls, v: models.IdentityVerification) -> IdentityVerification:
        return cls(
            level=v.level,
            method=v.method,
            source=v.source,
            verified_by_id=strawberry.ID(to_global_id("User", v.verified_by))
            if v.verified_by is not None
            else None,
            note=v.note,
            verified_at=v.verified_at,
        )
