"""login throttles

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from tenants import rls

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "login_throttles",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("window_started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("tenant_id", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_login_throttles_tenant_id_tenants"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_login_throttles")),
        sa.UniqueConstraint(
            "tenant_id", "key_hash", name=op.f("uq_login_throttles_tenant_id_key_hash")
        ),
    )
    op.create_index(
        op.f("ix_login_throttles_tenant_id"), "login_throttles", ["tenant_id"], unique=False
    )
    for statement in [*rls.tenant_table("login_throttles"), *rls.sequences_grant()]:
        op.execute(statement)


def downgrade() -> None:
    op.drop_index(op.f("ix_login_throttles_tenant_id"), table_name="login_throttles")
    op.drop_table("login_throttles")
