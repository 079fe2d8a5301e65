"""real-name identity (实名制): verification levels, SMS codes, OpenID Connect sign-in

- `users.verification` (UNVERIFIED / PHONE_VERIFIED / REAL_NAME_VERIFIED) with when and how;
  `identity_verifications` keeps every verification (method, source, venue, staff member).
  The credentials trigger of migration 0007 now also fires on a change of the level, so
  every worker's cached principal of the account (which carries the level) is dropped.
- `meetings.required_verification` and `polls.required_verification`: the level needed to
  register, check in and vote.
- `sms_codes`: sign-in codes sent by SMS, hashed, with expiry and attempts.
- `oidc_providers` (one per county), `oidc_logins` (state, nonce, PKCE verifier of a sign-in
  in progress), `oidc_identities` (issuer + subject of an account).

Revision ID: 0018_identity
Revises: 0017_inquiries
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from tenants import rls

revision: str = "0018_identity"
down_revision: str | None = "0017_inquiries"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CHANNEL = "yishi_credentials"
LEVELS = ("UNVERIFIED", "PHONE_VERIFIED", "REAL_NAME_VERIFIED")
METHODS = ("SMS", "OIDC", "STAFF_CHECK")


def _level(name: str = "verification") -> sa.Enum:
    return sa.Enum(*LEVELS, name=name, native_enum=False, create_constraint=True, length=32)


def _method() -> sa.Enum:
    return sa.Enum(
        *METHODS, name="verificationmethod", native_enum=False, create_constraint=True, length=32
    )


def _tenant_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["tenant_id"], ["tenants.id"], name=f"fk_{table}_tenant_id_tenants", ondelete="RESTRICT"
    )


def _created() -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(
        "created_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
    )


def upgrade() -> None:
    op.add_column(
        "users",
        sa.Column("verification", _level(), server_default="UNVERIFIED", nullable=False),
    )
    op.add_column("users", sa.Column("verified_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("users", sa.Column("verification_method", _method(), nullable=True))
    op.add_column(
        "meetings",
        sa.Column("required_verification", _level(), server_default="UNVERIFIED", nullable=False),
    )
    op.add_column("polls", sa.Column("required_verification", _level(), nullable=True))

    op.create_table(
        "identity_verifications",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("level", _level(), nullable=False),
        sa.Column("method", _method(), nullable=False),
        sa.Column("source", sa.String(300), nullable=True),
        sa.Column("venue_id", sa.BigInteger(), nullable=True),
        sa.Column("verified_by", sa.BigInteger(), nullable=True),
        sa.Column("note", sa.String(200), nullable=True),
        sa.Column(
            "verified_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("tenant_id", sa.BigInteger(), nullable=False),
        _tenant_fk("identity_verifications"),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name="fk_identity_verifications_user_id_users",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["venue_id"], ["venues.id"], name="fk_identity_verifications_venue_id_venues"
        ),
        sa.ForeignKeyConstraint(
            ["verified_by"], ["users.id"], name="fk_identity_verifications_verified_by_users"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_identity_verifications"),
    )
    op.create_index("ix_identity_verifications_user_id", "identity_verifications", ["user_id"])
    op.create_index("ix_identity_verifications_tenant_id", "identity_verifications", ["tenant_id"])

    op.create_table(
        "sms_codes",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("phone_hash", sa.String(64), nullable=False),
        sa.Column("code_hash", sa.String(64), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        _created(),
        sa.Column("tenant_id", sa.BigInteger(), nullable=False),
        _tenant_fk("sms_codes"),
        sa.PrimaryKeyConstraint("id", name="pk_sms_codes"),
    )
    op.create_index("ix_sms_codes_phone_hash", "sms_codes", ["phone_hash"])
    op.create_index("ix_sms_codes_tenant_id", "sms_codes", ["tenant_id"])

    op.create_table(
        "oidc_providers",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("issuer", sa.String(300), nullable=False),
        sa.Column("client_id", sa.String(200), nullable=False),
        sa.Column("client_secret", sa.String(500), nullable=False),
        sa.Column("redirect_uri", sa.String(500), nullable=False),
        sa.Column("scopes", sa.String(200), server_default="openid", nullable=False),
        sa.Column("real_name_claim", sa.String(100), nullable=True),
        sa.Column("enabled", sa.Boolean(), server_default=sa.text("true"), nullable=False),
        _created(),
        sa.Column("tenant_id", sa.BigInteger(), nullable=False),
        _tenant_fk("oidc_providers"),
        sa.PrimaryKeyConstraint("id", name="pk_oidc_providers"),
        sa.UniqueConstraint("tenant_id", name="uq_oidc_providers_tenant_id"),
    )
    op.create_index("ix_oidc_providers_tenant_id", "oidc_providers", ["tenant_id"])

    op.create_table(
        "oidc_logins",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("state_hash", sa.String(64), nullable=False),
        sa.Column("nonce", sa.String(100), nullable=False),
        sa.Column("code_verifier", sa.String(200), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("tenant_id", sa.BigInteger(), nullable=False),
        _tenant_fk("oidc_logins"),
        sa.PrimaryKeyConstraint("id", name="pk_oidc_logins"),
        sa.UniqueConstraint("state_hash", name="uq_oidc_logins_state_hash"),
    )
    op.create_index("ix_oidc_logins_tenant_id", "oidc_logins", ["tenant_id"])

    op.create_table(
        "oidc_identities",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("issuer", sa.String(300), nullable=False),
        sa.Column("subject", sa.String(200), nullable=False),
        _created(),
        sa.Column("tenant_id", sa.BigInteger(), nullable=False),
        _tenant_fk("oidc_identities"),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name="fk_oidc_identities_user_id_users", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_oidc_identities"),
        sa.UniqueConstraint(
            "tenant_id", "issuer", "subject", name="uq_oidc_identities_tenant_id_issuer_subject"
        ),
    )
    op.create_index("ix_oidc_identities_user_id", "oidc_identities", ["user_id"])
    op.create_index("ix_oidc_identities_tenant_id", "oidc_identities", ["tenant_id"])

    for statement in [
        *rls.tenant_table("identity_verifications"),
        *rls.tenant_table("sms_codes"),
        *rls.tenant_table("oidc_providers"),
        *rls.tenant_table("oidc_logins"),
        *rls.tenant_table("oidc_identities"),
        *rls.sequences_grant(),
    ]:
        op.execute(statement)
    _credentials_trigger(with_verification=True)


def _credentials_trigger(*, with_verification: bool) -> None:
    extra = (
        "\n     OR NEW.verification IS DISTINCT FROM OLD.verification" if with_verification else ""
    )
    op.execute(f"""
CREATE OR REPLACE FUNCTION yishi_user_credentials_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.password_hash IS DISTINCT FROM OLD.password_hash
     OR NEW.is_active IS DISTINCT FROM OLD.is_active
     OR NEW.session_epoch IS DISTINCT FROM OLD.session_epoch{extra}
     OR NEW.credentials_version IS DISTINCT FROM OLD.credentials_version THEN
    NEW.credentials_version := OLD.credentials_version + 1;
    PERFORM pg_notify('{CHANNEL}',
                      NEW.tenant_id || ':' || NEW.id || ':' || NEW.credentials_version);
  END IF;
  RETURN NEW;
END $$""")


def downgrade() -> None:
    _credentials_trigger(with_verification=False)
    for table in (
        "oidc_identities",
        "oidc_logins",
        "oidc_providers",
        "sms_codes",
        "identity_verifications",
    ):
        op.drop_table(table)
    op.drop_column("polls", "required_verification")
    op.drop_column("meetings", "required_verification")
    op.drop_column("users", "verification_method")
    op.drop_column("users", "verified_at")
    op.drop_column("users", "verification")
