"""one-time voting codes (一次性投票码) for a meeting's participants

Revision ID: 0010_codes
Revises: 0009_ballots
Create Date: 2026-12-01

A host issues codes for a meeting; each code is a participant account made at issue time,
with no phone number and no password (so `users.phone` may be null), and only a keyed
hash of the code is kept (backend.meetings.codes). The request role may read, insert and
update codes (redeem, revoke), never delete them.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from tenants import rls

revision: str = "0010_codes"
down_revision: str | None = "0009_ballots"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.alter_column("users", "phone", existing_type=sa.String(length=20), nullable=True)
    op.create_table(
        "voting_codes",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("meeting_id", sa.BigInteger(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column(
            "role",
            sa.Enum(
                "HOST",
                "SPEAKER",
                "DEPUTY",
                "EXPERT",
                "REPRESENTATIVE",
                "ATTENDEE",
                name="participantrole",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("redeemed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("tenant_id", sa.BigInteger(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meetings.id"], name=op.f("fk_voting_codes_meeting_id_meetings")
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_voting_codes_tenant_id_tenants"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_voting_codes_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_voting_codes")),
        sa.UniqueConstraint(
            "tenant_id", "code_hash", name=op.f("uq_voting_codes_tenant_id_code_hash")
        ),
        sa.UniqueConstraint("user_id", name=op.f("uq_voting_codes_user_id")),
    )
    op.create_index(op.f("ix_voting_codes_meeting_id"), "voting_codes", ["meeting_id"])
    op.create_index(op.f("ix_voting_codes_tenant_id"), "voting_codes", ["tenant_id"])
    for sql in rls.tenant_table("voting_codes", app_privileges="SELECT, INSERT, UPDATE"):
        op.execute(sql)
    for sql in rls.sequences_grant():
        op.execute(sql)


def downgrade() -> None:
    op.drop_index(op.f("ix_voting_codes_tenant_id"), table_name="voting_codes")
    op.drop_index(op.f("ix_voting_codes_meeting_id"), table_name="voting_codes")
    op.drop_table("voting_codes")
    op.alter_column("users", "phone", existing_type=sa.String(length=20), nullable=False)
