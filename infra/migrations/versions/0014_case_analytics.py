"""case analytics: the county's vocabulary (synonyms, stop words) and its suggester model

Revision ID: 0014_case_analytics
Revises: 0013_cases
Create Date: 2026-12-01

`case_terms`: a county's own words for the hot-topic board and the suggester (a variant
with its canonical word, or a stop word). `case_suggesters`: one row per county, the counts
of its classification model (backend.cases.suggest), trained from its closed cases.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from tenants import rls

revision: str = "0014_case_analytics"
down_revision: str | None = "0013_cases"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "case_terms",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("term", sa.String(length=50), nullable=False),
        sa.Column("canonical", sa.String(length=50), nullable=True),
        sa.Column("stop", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("tenant_id", sa.BigInteger(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_case_terms_tenant_id_tenants"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_terms")),
        sa.UniqueConstraint("tenant_id", "term", name=op.f("uq_case_terms_tenant_id_term")),
        sa.CheckConstraint("stop OR canonical IS NOT NULL", name=op.f("ck_case_terms_role")),
    )
    op.create_index(op.f("ix_case_terms_tenant_id"), "case_terms", ["tenant_id"], unique=False)
    op.create_table(
        "case_suggesters",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("trained_on", sa.Integer(), nullable=False),
        sa.Column("trained_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("model", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("tenant_id", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_case_suggesters_tenant_id_tenants"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_suggesters")),
        sa.UniqueConstraint("tenant_id", name=op.f("uq_case_suggesters_tenant_id")),
    )
    op.create_index(
        op.f("ix_case_suggesters_tenant_id"), "case_suggesters", ["tenant_id"], unique=False
    )
    for statement in [
        *rls.tenant_table("case_terms"),
        *rls.tenant_table("case_suggesters", app_privileges="SELECT, INSERT, UPDATE"),
        *rls.sequences_grant(),
    ]:
        op.execute(statement)


def downgrade() -> None:
    op.drop_index(op.f("ix_case_suggesters_tenant_id"), table_name="case_suggesters")
    op.drop_table("case_suggesters")
    op.drop_index(op.f("ix_case_terms_tenant_id"), table_name="case_terms")
    op.drop_table("case_terms")
