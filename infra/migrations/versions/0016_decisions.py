"""decisions (重大行政决策): the project, its draft in versions and paragraphs, the five steps
and their documents, comment periods, opinions answered one by one, participation reports; after the decision, 政策解读, 群众评议表 and 后评估

Revision ID: 0016_decisions
Revises: 0015_hearings
Create Date: 2026-12-01

The request role may not delete any of these rows (a decision's history is its record);
paragraphs, periods and reports are written once (SELECT, INSERT).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from tenants import rls

revision: str = "0016_decisions"
down_revision: str | None = "0015_hearings"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "decisions",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("summary", sa.Text(), nullable=True),
        sa.Column("lead_unit_id", sa.BigInteger(), nullable=False),
        sa.Column(
            "co_unit_ids",
            postgresql.ARRAY(sa.BigInteger()),
            server_default=sa.text("'{}'"),
            nullable=False,
        ),
        sa.Column(
            "compare_alternatives", sa.Boolean(), server_default=sa.text("false"), nullable=False
        ),
        sa.Column(
            "state",
            sa.Enum(
                "DRAFTING",
                "IN_PROGRESS",
                "DECIDED",
                name="decisionstate",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column(
            "current_step",
            sa.Enum(
                "PUBLIC_PARTICIPATION",
                "EXPERT_REVIEW",
                "RISK_ASSESSMENT",
                "LEGALITY_REVIEW",
                "COLLECTIVE_DECISION",
                name="decisionstep",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=True,
        ),
        sa.Column("created_by", sa.BigInteger(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sealed_hash", sa.String(length=64), nullable=True),
        sa.Column("sealed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("published_on", sa.Date(), nullable=True),
        sa.Column("document_number", sa.String(length=100), nullable=True),
        sa.Column("interpretation_due_on", sa.Date(), nullable=True),
        sa.Column(
            "interpretation_due_provisional",
            sa.Boolean(),
            server_default=sa.text("false"),
            nullable=False,
        ),
        sa.Column("interpreted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("tenant_id", sa.BigInteger(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_decisions_created_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["lead_unit_id"], ["org_units.id"], name=op.f("fk_decisions_lead_unit_id_org_units")
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_decisions_tenant_id_tenants"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_decisions")),
    )
    op.create_index(op.f("ix_decisions_lead_unit_id"), "decisions", ["lead_unit_id"], unique=False)
    op.create_index(op.f("ix_decisions_tenant_id"), "decisions", ["tenant_id"], unique=False)
    op.create_table(
        "decision_documents",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("decision_id", sa.BigInteger(), nullable=False),
        sa.Column(
            "step",
            sa.Enum(
                "PUBLIC_PARTICIPATION",
                "EXPERT_REVIEW",
                "RISK_ASSESSMENT",
                "LEGALITY_REVIEW",
                "COLLECTIVE_DECISION",
                name="decisionstep",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=True),
        sa.Column("storage", sa.String(length=500), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=True),
        sa.Column("added_by", sa.BigInteger(), nullable=True),
        sa.Column("tenant_id", sa.BigInteger(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["added_by"], ["users.id"], name=op.f("fk_decision_documents_added_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["decision_id"],
            ["decisions.id"],
            name=op.f("fk_decision_documents_decision_id_decisions"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_decision_documents_tenant_id_tenants"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_decision_documents")),
    )
    op.create_index(
        op.f("ix_decision_documents_decision_id"),
        "decision_documents",
        ["decision_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_decision_documents_tenant_id"), "decision_documents", ["tenant_id"], unique=False
    )
    op.create_table(
        "decision_evaluations",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("decision_id", sa.BigInteger(), nullable=False),
        sa.Column("author_user_id", sa.BigInteger(), nullable=False),
        sa.Column(
            "effect",
            sa.Enum(
                "GOOD",
                "FAIR",
                "POOR",
                name="rating_effect",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column(
            "satisfaction",
            sa.Enum(
                "GOOD",
                "FAIR",
                "POOR",
                name="rating_satisfaction",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column(
            "operability",
            sa.Enum(
                "GOOD",
                "FAIR",
                "POOR",
                name="rating_operability",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column(
            "reasonableness",
            sa.Enum(
                "GOOD",
                "FAIR",
                "POOR",
                name="rating_reasonableness",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("shortcomings", sa.Text(), nullable=True),
        sa.Column("risks", sa.Text(), nullable=True),
        sa.Column("suggestions", sa.Text(), nullable=True),
        sa.Column("tenant_id", sa.BigInteger(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["author_user_id"],
            ["users.id"],
            name=op.f("fk_decision_evaluations_author_user_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["decision_id"],
            ["decisions.id"],
            name=op.f("fk_decision_evaluations_decision_id_decisions"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_decision_evaluations_tenant_id_tenants"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_decision_evaluations")),
        sa.UniqueConstraint(
            "decision_id",
            "author_user_id",
            name=op.f("uq_decision_evaluations_decision_id_author_user_id"),
        ),
    )
    op.create_index(
        op.f("ix_decision_evaluations_decision_id"),
        "decision_evaluations",
        ["decision_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_decision_evaluations_tenant_id"),
        "decision_evaluations",
        ["tenant_id"],
        unique=False,
    )
    op.create_table(
        "decision_interpretations",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("decision_id", sa.BigInteger(), nullable=False),
        sa.Column("unit_id", sa.BigInteger(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("late", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("submitted_by", sa.BigInteger(), nullable=True),
        sa.Column("tenant_id", sa.BigInteger(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["decision_id"],
            ["decisions.id"],
            name=op.f("fk_decision_interpretations_decision_id_decisions"),
        ),
        sa.ForeignKeyConstraint(
            ["submitted_by"],
            ["users.id"],
            name=op.f("fk_decision_interpretations_submitted_by_users"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_decision_interpretations_tenant_id_tenants"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"],
            ["org_units.id"],
            name=op.f("fk_decision_interpretations_unit_id_org_units"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_decision_interpretations")),
    )
    op.create_index(
        op.f("ix_decision_interpretations_decision_id"),
        "decision_interpretations",
        ["decision_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_decision_interpretations_tenant_id"),
        "decision_interpretations",
        ["tenant_id"],
        unique=False,
    )
    op.create_table(
        "decision_post_evaluations",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("decision_id", sa.BigInteger(), nullable=False),
        sa.Column("unit_id", sa.BigInteger(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("evaluations", sa.Integer(), nullable=False),
        sa.Column("dissatisfied", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.BigInteger(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["decision_id"],
            ["decisions.id"],
            name=op.f("fk_decision_post_evaluations_decision_id_decisions"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_decision_post_evaluations_tenant_id_tenants"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"],
            ["org_units.id"],
            name=op.f("fk_decision_post_evaluations_unit_id_org_units"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_decision_post_evaluations")),
        sa.UniqueConstraint("decision_id", name=op.f("uq_decision_post_evaluations_decision_id")),
    )
    op.create_index(
        op.f("ix_decision_post_evaluations_tenant_id"),
        "decision_post_evaluations",
        ["tenant_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_decision_post_evaluations_unit_id"),
        "decision_post_evaluations",
        ["unit_id"],
        unique=False,
    )
    op.create_table(
        "decision_reports",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("decision_id", sa.BigInteger(), nullable=False),
        sa.Column("content", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("opinions", sa.Integer(), nullable=False),
        sa.Column("generated_by", sa.BigInteger(), nullable=True),
        sa.Column("tenant_id", sa.BigInteger(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["decision_id"],
            ["decisions.id"],
            name=op.f("fk_decision_reports_decision_id_decisions"),
        ),
        sa.ForeignKeyConstraint(
            ["generated_by"], ["users.id"], name=op.f("fk_decision_reports_generated_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_decision_reports_tenant_id_tenants"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_decision_reports")),
    )
    op.create_index(
        op.f("ix_decision_reports_decision_id"), "decision_reports", ["decision_id"], unique=False
    )
    op.create_index(
        op.f("ix_decision_reports_tenant_id"), "decision_reports", ["tenant_id"], unique=False
    )
    op.create_table(
        "decision_steps",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("decision_id", sa.BigInteger(), nullable=False),
        sa.Column(
            "step",
            sa.Enum(
                "PUBLIC_PARTICIPATION",
                "EXPERT_REVIEW",
                "RISK_ASSESSMENT",
                "LEGALITY_REVIEW",
                "COLLECTIVE_DECISION",
                name="decisionstep",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column(
            "responsible_user_ids",
            postgresql.ARRAY(sa.BigInteger()),
            server_default=sa.text("'{}'"),
            nullable=False,
        ),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("completed_by", sa.BigInteger(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("tenant_id", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["completed_by"], ["users.id"], name=op.f("fk_decision_steps_completed_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["decision_id"], ["decisions.id"], name=op.f("fk_decision_steps_decision_id_decisions")
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_decision_steps_tenant_id_tenants"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_decision_steps")),
        sa.UniqueConstraint("decision_id", "step", name=op.f("uq_decision_steps_decision_id_step")),
    )
    op.create_index(
        op.f("ix_decision_steps_decision_id"), "decision_steps", ["decision_id"], unique=False
    )
    op.create_index(
        op.f("ix_decision_steps_tenant_id"), "decision_steps", ["tenant_id"], unique=False
    )
    op.create_table(
        "decision_versions",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("decision_id", sa.BigInteger(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column(
            "alternatives",
            postgresql.ARRAY(sa.String(length=50)),
            server_default=sa.text("'{}'"),
            nullable=False,
        ),
        sa.Column("created_by", sa.BigInteger(), nullable=True),
        sa.Column("tenant_id", sa.BigInteger(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_decision_versions_created_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["decision_id"],
            ["decisions.id"],
            name=op.f("fk_decision_versions_decision_id_decisions"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_decision_versions_tenant_id_tenants"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_decision_versions")),
        sa.UniqueConstraint(
            "decision_id", "number", name=op.f("uq_decision_versions_decision_id_number")
        ),
    )
    op.create_index(
        op.f("ix_decision_versions_decision_id"), "decision_versions", ["decision_id"], unique=False
    )
    op.create_index(
        op.f("ix_decision_versions_tenant_id"), "decision_versions", ["tenant_id"], unique=False
    )
    op.create_table(
        "decision_comment_periods",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("decision_id", sa.BigInteger(), nullable=False),
        sa.Column("version_id", sa.BigInteger(), nullable=False),
        sa.Column("opens_on", sa.Date(), nullable=False),
        sa.Column("closes_on", sa.Date(), nullable=False),
        sa.Column("basis", sa.Text(), nullable=False),
        sa.Column("reasons", sa.Text(), nullable=False),
        sa.Column("how_to_comment", sa.Text(), nullable=False),
        sa.Column("shortening_reason", sa.Text(), nullable=True),
        sa.Column("rule_cited", sa.Text(), nullable=False),
        sa.Column("published_by", sa.BigInteger(), nullable=True),
        sa.Column("tenant_id", sa.BigInteger(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["decision_id"],
            ["decisions.id"],
            name=op.f("fk_decision_comment_periods_decision_id_decisions"),
        ),
        sa.ForeignKeyConstraint(
            ["published_by"],
            ["users.id"],
            name=op.f("fk_decision_comment_periods_published_by_users"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_decision_comment_periods_tenant_id_tenants"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["decision_versions.id"],
            name=op.f("fk_decision_comment_periods_version_id_decision_versions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_decision_comment_periods")),
    )
    op.create_index(
        op.f("ix_decision_comment_periods_decision_id"),
        "decision_comment_periods",
        ["decision_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_decision_comment_periods_tenant_id"),
        "decision_comment_periods",
        ["tenant_id"],
        unique=False,
    )
    op.create_table(
        "decision_paragraphs",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("decision_id", sa.BigInteger(), nullable=False),
        sa.Column("version_id", sa.BigInteger(), nullable=False),
        sa.Column(
            "alternative", sa.String(length=50), server_default=sa.text("''"), nullable=False
        ),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=30), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("tenant_id", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["decision_id"],
            ["decisions.id"],
            name=op.f("fk_decision_paragraphs_decision_id_decisions"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_decision_paragraphs_tenant_id_tenants"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["decision_versions.id"],
            name=op.f("fk_decision_paragraphs_version_id_decision_versions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_decision_paragraphs")),
        sa.UniqueConstraint(
            "version_id",
            "alternative",
            "position",
            name=op.f("uq_decision_paragraphs_version_id_alternative_position"),
        ),
    )
    op.create_index(
        op.f("ix_decision_paragraphs_decision_id"),
        "decision_paragraphs",
        ["decision_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_decision_paragraphs_tenant_id"), "decision_paragraphs", ["tenant_id"], unique=False
    )
    op.create_index(
        op.f("ix_decision_paragraphs_version_id"),
        "decision_paragraphs",
        ["version_id"],
        unique=False,
    )
    op.create_table(
        "decision_opinions",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("decision_id", sa.BigInteger(), nullable=False),
        sa.Column(
            "channel",
            sa.Enum(
                "ONLINE",
                "MEETING",
                "WRITTEN",
                "UNIT_CONSULTATION",
                name="opinionchannel",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("category", sa.String(length=50), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("author_user_id", sa.BigInteger(), nullable=True),
        sa.Column("author_label", sa.String(length=100), nullable=True),
        sa.Column("source_unit_id", sa.BigInteger(), nullable=True),
        sa.Column("meeting_id", sa.BigInteger(), nullable=True),
        sa.Column("meeting_comment_id", sa.BigInteger(), nullable=True),
        sa.Column("version_id", sa.BigInteger(), nullable=True),
        sa.Column("paragraph_id", sa.BigInteger(), nullable=True),
        sa.Column("current_paragraph_id", sa.BigInteger(), nullable=True),
        sa.Column(
            "anchor_state",
            sa.Enum(
                "WHOLE",
                "ANCHORED",
                "CARRIED",
                "REMOVED",
                name="anchorstate",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column(
            "outcome",
            sa.Enum(
                "ADOPTED",
                "PARTLY_ADOPTED",
                "NOT_ADOPTED",
                name="opinionoutcome",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=True,
        ),
        sa.Column("answer", sa.Text(), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("answered_by", sa.BigInteger(), nullable=True),
        sa.Column("tenant_id", sa.BigInteger(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["answered_by"], ["users.id"], name=op.f("fk_decision_opinions_answered_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["author_user_id"], ["users.id"], name=op.f("fk_decision_opinions_author_user_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["current_paragraph_id"],
            ["decision_paragraphs.id"],
            name=op.f("fk_decision_opinions_current_paragraph_id_decision_paragraphs"),
        ),
        sa.ForeignKeyConstraint(
            ["decision_id"],
            ["decisions.id"],
            name=op.f("fk_decision_opinions_decision_id_decisions"),
        ),
        sa.ForeignKeyConstraint(
            ["meeting_comment_id"],
            ["meeting_comments.id"],
            name=op.f("fk_decision_opinions_meeting_comment_id_meeting_comments"),
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meetings.id"], name=op.f("fk_decision_opinions_meeting_id_meetings")
        ),
        sa.ForeignKeyConstraint(
            ["paragraph_id"],
            ["decision_paragraphs.id"],
            name=op.f("fk_decision_opinions_paragraph_id_decision_paragraphs"),
        ),
        sa.ForeignKeyConstraint(
            ["source_unit_id"],
            ["org_units.id"],
            name=op.f("fk_decision_opinions_source_unit_id_org_units"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_decision_opinions_tenant_id_tenants"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["decision_versions.id"],
            name=op.f("fk_decision_opinions_version_id_decision_versions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_decision_opinions")),
    )
    op.create_index(
        op.f("ix_decision_opinions_author_user_id"),
        "decision_opinions",
        ["author_user_id"],
        unique=False,
    )
    op.create_index(
        "ix_decision_opinions_current_paragraph_id",
        "decision_opinions",
        ["current_paragraph_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_decision_opinions_decision_id"), "decision_opinions", ["decision_id"], unique=False
    )
    op.create_index(
        op.f("ix_decision_opinions_tenant_id"), "decision_opinions", ["tenant_id"], unique=False
    )
    op.create_index(
        "uq_decision_opinions_meeting_comment_id",
        "decision_opinions",
        ["meeting_comment_id"],
        unique=True,
        postgresql_where=sa.text("meeting_comment_id IS NOT NULL"),
    )
    for table, privileges in (
        ("decisions", "SELECT, INSERT, UPDATE"),
        ("decision_versions", "SELECT, INSERT"),
        ("decision_paragraphs", "SELECT, INSERT"),
        ("decision_steps", "SELECT, INSERT, UPDATE"),
        ("decision_documents", "SELECT, INSERT"),
        ("decision_comment_periods", "SELECT, INSERT"),
        ("decision_opinions", "SELECT, INSERT, UPDATE"),
        ("decision_reports", "SELECT, INSERT"),
        ("decision_interpretations", "SELECT, INSERT"),
        ("decision_evaluations", "SELECT, INSERT"),
        ("decision_post_evaluations", "SELECT, INSERT, UPDATE"),
    ):
        for sql in rls.tenant_table(table, app_privileges=privileges):
            op.execute(sql)
    for sql in rls.sequences_grant():
        op.execute(sql)
    # A hearing's decision (0015_hearings left the column without its key until now).
    op.create_foreign_key(
        op.f("fk_hearings_decision_id_decisions"), "hearings", "decisions", ["decision_id"], ["id"]
    )


def downgrade() -> None:
    op.drop_constraint(op.f("fk_hearings_decision_id_decisions"), "hearings", type_="foreignkey")
    op.drop_index(
        "uq_decision_opinions_meeting_comment_id",
        table_name="decision_opinions",
        postgresql_where=sa.text("meeting_comment_id IS NOT NULL"),
    )
    op.drop_index(op.f("ix_decision_opinions_tenant_id"), table_name="decision_opinions")
    op.drop_index(op.f("ix_decision_opinions_decision_id"), table_name="decision_opinions")
    op.drop_index("ix_decision_opinions_current_paragraph_id", table_name="decision_opinions")
    op.drop_index(op.f("ix_decision_opinions_author_user_id"), table_name="decision_opinions")
    op.drop_table("decision_opinions")
    op.drop_index(op.f("ix_decision_paragraphs_version_id"), table_name="decision_paragraphs")
    op.drop_index(op.f("ix_decision_paragraphs_tenant_id"), table_name="decision_paragraphs")
    op.drop_index(op.f("ix_decision_paragraphs_decision_id"), table_name="decision_paragraphs")
    op.drop_table("decision_paragraphs")
    op.drop_index(
        op.f("ix_decision_comment_periods_tenant_id"), table_name="decision_comment_periods"
    )
    op.drop_index(
        op.f("ix_decision_comment_periods_decision_id"), table_name="decision_comment_periods"
    )
    op.drop_table("decision_comment_periods")
    op.drop_index(op.f("ix_decision_versions_tenant_id"), table_name="decision_versions")
    op.drop_index(op.f("ix_decision_versions_decision_id"), table_name="decision_versions")
    op.drop_table("decision_versions")
    op.drop_index(op.f("ix_decision_steps_tenant_id"), table_name="decision_steps")
    op.drop_index(op.f("ix_decision_steps_decision_id"), table_name="decision_steps")
    op.drop_table("decision_steps")
    op.drop_index(op.f("ix_decision_reports_tenant_id"), table_name="decision_reports")
    op.drop_index(op.f("ix_decision_reports_decision_id"), table_name="decision_reports")
    op.drop_table("decision_reports")
    op.drop_index(
        op.f("ix_decision_post_evaluations_unit_id"), table_name="decision_post_evaluations"
    )
    op.drop_index(
        op.f("ix_decision_post_evaluations_tenant_id"), table_name="decision_post_evaluations"
    )
    op.drop_table("decision_post_evaluations")
    op.drop_index(
        op.f("ix_decision_interpretations_tenant_id"), table_name="decision_interpretations"
    )
    op.drop_index(
        op.f("ix_decision_interpretations_decision_id"), table_name="decision_interpretations"
    )
    op.drop_table("decision_interpretations")
    op.drop_index(op.f("ix_decision_evaluations_tenant_id"), table_name="decision_evaluations")
    op.drop_index(op.f("ix_decision_evaluations_decision_id"), table_name="decision_evaluations")
    op.drop_table("decision_evaluations")
    op.drop_index(op.f("ix_decision_documents_tenant_id"), table_name="decision_documents")
    op.drop_index(op.f("ix_decision_documents_decision_id"), table_name="decision_documents")
    op.drop_table("decision_documents")
    op.drop_index(op.f("ix_decisions_tenant_id"), table_name="decisions")
    op.drop_index(op.f("ix_decisions_lead_unit_id"), table_name="decisions")
    op.drop_table("decisions")
