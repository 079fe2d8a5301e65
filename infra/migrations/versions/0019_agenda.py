"""annual agenda and 政务公开: the consultation catalogue (协商目录) with its items and
adjustments, 民生实事 rounds with projects, votes, monthly progress and evaluations, and
政务公开 publications and 依申请公开 requests

Revision ID: 0019_agenda
Revises: 0018_identity
Create Date: 2026-12-01

Every table is county-owned and row-level secured (`tenants.rls.tenant_table`).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from tenants import rls

revision: str = "0019_agenda"
down_revision: str | None = "0018_identity"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = [
    "consultation_catalogues",
    "catalogue_items",
    "catalogue_adjustments",
    "livelihood_rounds",
    "livelihood_projects",
    "livelihood_votes",
    "livelihood_progress",
    "livelihood_evaluations",
    "publications",
    "information_requests",
]


def upgrade() -> None:
    op.create_table(
        "livelihood_rounds",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "COLLECTING",
                "VOTING",
                "VOTE_CLOSED",
                "ADOPTED",
                "EVALUATING",
                name="roundstate",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("max_votes", sa.Integer(), nullable=True),
        sa.Column("vote_opens_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("vote_closes_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("adopted_at", sa.DateTime(timezone=True), nullable=True),
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
            name=op.f("fk_livelihood_rounds_tenant_id_tenants"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_livelihood_rounds")),
        sa.UniqueConstraint("tenant_id", "year", name=op.f("uq_livelihood_rounds_tenant_id_year")),
    )
    op.create_index(
        op.f("ix_livelihood_rounds_tenant_id"), "livelihood_rounds", ["tenant_id"], unique=False
    )
    op.create_table(
        "consultation_catalogues",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "DRAFT",
                "APPROVED",
                "PUBLISHED",
                name="cataloguestate",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("approved_by_user_id", sa.BigInteger(), nullable=True),
        sa.Column("approved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("tenant_id", sa.BigInteger(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["approved_by_user_id"],
            ["users.id"],
            name=op.f("fk_consultation_catalogues_approved_by_user_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_consultation_catalogues_tenant_id_tenants"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consultation_catalogues")),
        sa.UniqueConstraint(
            "tenant_id", "year", name=op.f("uq_consultation_catalogues_tenant_id_year")
        ),
    )
    op.create_index(
        op.f("ix_consultation_catalogues_tenant_id"),
        "consultation_catalogues",
        ["tenant_id"],
        unique=False,
    )
    op.create_table(
        "information_requests",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("number", sa.String(length=20), nullable=False),
        sa.Column("requester_user_id", sa.BigInteger(), nullable=True),
        sa.Column("requester_name", sa.String(length=50), nullable=True),
        sa.Column("requester_phone", sa.String(length=20), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("due_provisional", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("extension_days", sa.Integer(), nullable=True),
        sa.Column("extension_reason", sa.Text(), nullable=True),
        sa.Column("extended_due_on", sa.Date(), nullable=True),
        sa.Column(
            "extended_provisional", sa.Boolean(), server_default=sa.text("false"), nullable=False
        ),
        sa.Column(
            "state",
            sa.Enum(
                "RECEIVED",
                "ANSWERED",
                name="requeststate",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column(
            "reply_type",
            sa.Enum(
                "DISCLOSED",
                "PARTLY_DISCLOSED",
                "NOT_DISCLOSED",
                "NOT_EXIST",
                "NOT_THIS_AGENCY",
                "ALREADY_PUBLIC",
                "REPEATED",
                "NOT_GOVERNMENT_INFORMATION",
                name="replytype",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=True,
        ),
        sa.Column("reply_text", sa.Text(), nullable=True),
        sa.Column("answered_on", sa.Date(), nullable=True),
        sa.Column("tenant_id", sa.BigInteger(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["requester_user_id"],
            ["users.id"],
            name=op.f("fk_information_requests_requester_user_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_information_requests_tenant_id_tenants"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_information_requests")),
        sa.UniqueConstraint(
            "tenant_id", "number", name=op.f("uq_information_requests_tenant_id_number")
        ),
    )
    op.create_index(
        op.f("ix_information_requests_requester_user_id"),
        "information_requests",
        ["requester_user_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_information_requests_state"), "information_requests", ["state"], unique=False
    )
    op.create_index(
        op.f("ix_information_requests_tenant_id"),
        "information_requests",
        ["tenant_id"],
        unique=False,
    )
    op.create_table(
        "livelihood_projects",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("round_id", sa.BigInteger(), nullable=False),
        sa.Column("parent_id", sa.BigInteger(), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("proposer_user_id", sa.BigInteger(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "PROPOSED",
                "SHORTLISTED",
                "NOT_SHORTLISTED",
                "ADOPTED",
                "NOT_ADOPTED",
                name="projectstatus",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("review_reason", sa.Text(), nullable=True),
        sa.Column("lead_unit_id", sa.BigInteger(), nullable=True),
        sa.Column("weight", sa.Numeric(precision=12, scale=6), nullable=True),
        sa.Column("vote_count", sa.Integer(), nullable=False),
        sa.Column("tenant_id", sa.BigInteger(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "weight IS NULL OR weight > 0", name=op.f("ck_livelihood_projects_weight")
        ),
        sa.ForeignKeyConstraint(
            ["lead_unit_id"],
            ["org_units.id"],
            name=op.f("fk_livelihood_projects_lead_unit_id_org_units"),
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["livelihood_projects.id"],
            name=op.f("fk_livelihood_projects_parent_id_livelihood_projects"),
        ),
        sa.ForeignKeyConstraint(
            ["proposer_user_id"],
            ["users.id"],
            name=op.f("fk_livelihood_projects_proposer_user_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["livelihood_rounds.id"],
            name=op.f("fk_livelihood_projects_round_id_livelihood_rounds"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_livelihood_projects_tenant_id_tenants"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_livelihood_projects")),
    )
    op.create_index(
        op.f("ix_livelihood_projects_parent_id"), "livelihood_projects", ["parent_id"], unique=False
    )
    op.create_index(
        op.f("ix_livelihood_projects_proposer_user_id"),
        "livelihood_projects",
        ["proposer_user_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_livelihood_projects_round_id"), "livelihood_projects", ["round_id"], unique=False
    )
    op.create_index(
        op.f("ix_livelihood_projects_tenant_id"), "livelihood_projects", ["tenant_id"], unique=False
    )
    op.create_table(
        "publications",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column(
            "category",
            sa.Enum(
                "ORGANISATION",
                "NORMATIVE",
                "NEWS",
                "PUBLIC_INTEREST",
                "PROCEDURE",
                "OTHER",
                name="publicationcategory",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column(
            "state",
            sa.Enum(
                "DRAFT",
                "PUBLISHED",
                "WITHDRAWN",
                name="publicationstate",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("author_user_id", sa.BigInteger(), nullable=False),
        sa.Column("reviewer_user_id", sa.BigInteger(), nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("withdrawn_reason", sa.Text(), nullable=True),
        sa.Column("tenant_id", sa.BigInteger(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["author_user_id"], ["users.id"], name=op.f("fk_publications_author_user_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["reviewer_user_id"], ["users.id"], name=op.f("fk_publications_reviewer_user_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_publications_tenant_id_tenants"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_publications")),
    )
    op.create_index(
        op.f("ix_publications_published_at"), "publications", ["published_at"], unique=False
    )
    op.create_index(op.f("ix_publications_tenant_id"), "publications", ["tenant_id"], unique=False)
    op.create_table(
        "livelihood_evaluations",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("project_id", sa.BigInteger(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column(
            "satisfaction",
            sa.Enum(
                "SATISFIED",
                "BASICALLY_SATISFIED",
                "DISSATISFIED",
                name="satisfaction",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("tenant_id", sa.BigInteger(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["livelihood_projects.id"],
            name=op.f("fk_livelihood_evaluations_project_id_livelihood_projects"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_livelihood_evaluations_tenant_id_tenants"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_livelihood_evaluations_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_livelihood_evaluations")),
        sa.UniqueConstraint(
            "project_id", "user_id", name=op.f("uq_livelihood_evaluations_project_id_user_id")
        ),
    )
    op.create_index(
        op.f("ix_livelihood_evaluations_tenant_id"),
        "livelihood_evaluations",
        ["tenant_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_livelihood_evaluations_user_id"),
        "livelihood_evaluations",
        ["user_id"],
        unique=False,
    )
    op.create_table(
        "livelihood_progress",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("project_id", sa.BigInteger(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("percent", sa.Numeric(precision=5, scale=2), nullable=False),
        sa.Column("milestones", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("tenant_id", sa.BigInteger(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "percent BETWEEN 0 AND 100", name=op.f("ck_livelihood_progress_percent")
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["livelihood_projects.id"],
            name=op.f("fk_livelihood_progress_project_id_livelihood_projects"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_livelihood_progress_tenant_id_tenants"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_livelihood_progress")),
        sa.UniqueConstraint(
            "project_id", "month", name=op.f("uq_livelihood_progress_project_id_month")
        ),
    )
    op.create_index(
        op.f("ix_livelihood_progress_project_id"),
        "livelihood_progress",
        ["project_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_livelihood_progress_tenant_id"), "livelihood_progress", ["tenant_id"], unique=False
    )
    op.create_table(
        "livelihood_votes",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("round_id", sa.BigInteger(), nullable=False),
        sa.Column("project_id", sa.BigInteger(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("tenant_id", sa.BigInteger(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["livelihood_projects.id"],
            name=op.f("fk_livelihood_votes_project_id_livelihood_projects"),
        ),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["livelihood_rounds.id"],
            name=op.f("fk_livelihood_votes_round_id_livelihood_rounds"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_livelihood_votes_tenant_id_tenants"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_livelihood_votes_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_livelihood_votes")),
        sa.UniqueConstraint(
            "project_id", "user_id", name=op.f("uq_livelihood_votes_project_id_user_id")
        ),
    )
    op.create_index(
        op.f("ix_livelihood_votes_round_id"), "livelihood_votes", ["round_id"], unique=False
    )
    op.create_index(
        op.f("ix_livelihood_votes_tenant_id"), "livelihood_votes", ["tenant_id"], unique=False
    )
    op.create_index(
        op.f("ix_livelihood_votes_user_id"), "livelihood_votes", ["user_id"], unique=False
    )
    op.create_table(
        "catalogue_items",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("catalogue_id", sa.BigInteger(), nullable=False),
        sa.Column("topic", sa.String(length=200), nullable=False),
        sa.Column("proposing_body", sa.String(length=100), nullable=False),
        sa.Column("lead_unit_id", sa.BigInteger(), nullable=False),
        sa.Column(
            "form",
            sa.Enum(
                "THEMATIC",
                "COUNTERPART",
                "SECTOR",
                "PROPOSAL",
                "ONLINE",
                "WRITTEN",
                name="consultationform",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("planned_quarter", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "PLANNED",
                "SCHEDULED",
                "HELD",
                "CANCELLED",
                name="catalogueitemstatus",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("meeting_id", sa.BigInteger(), nullable=True),
        sa.Column("tenant_id", sa.BigInteger(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "planned_quarter BETWEEN 1 AND 4", name=op.f("ck_catalogue_items_quarter")
        ),
        sa.ForeignKeyConstraint(
            ["catalogue_id"],
            ["consultation_catalogues.id"],
            name=op.f("fk_catalogue_items_catalogue_id_consultation_catalogues"),
        ),
        sa.ForeignKeyConstraint(
            ["lead_unit_id"],
            ["org_units.id"],
            name=op.f("fk_catalogue_items_lead_unit_id_org_units"),
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meetings.id"], name=op.f("fk_catalogue_items_meeting_id_meetings")
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_catalogue_items_tenant_id_tenants"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_catalogue_items")),
    )
    op.create_index(
        op.f("ix_catalogue_items_catalogue_id"), "catalogue_items", ["catalogue_id"], unique=False
    )
    op.create_index(
        op.f("ix_catalogue_items_tenant_id"), "catalogue_items", ["tenant_id"], unique=False
    )
    op.create_table(
        "catalogue_adjustments",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("item_id", sa.BigInteger(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("changes", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("by_user_id", sa.BigInteger(), nullable=True),
        sa.Column("tenant_id", sa.BigInteger(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["by_user_id"], ["users.id"], name=op.f("fk_catalogue_adjustments_by_user_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["catalogue_items.id"],
            name=op.f("fk_catalogue_adjustments_item_id_catalogue_items"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_catalogue_adjustments_tenant_id_tenants"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_catalogue_adjustments")),
    )
    op.create_index(
        op.f("ix_catalogue_adjustments_item_id"), "catalogue_adjustments", ["item_id"], unique=False
    )
    op.create_index(
        op.f("ix_catalogue_adjustments_tenant_id"),
        "catalogue_adjustments",
        ["tenant_id"],
        unique=False,
    )
    for table in TABLES:
        for sql in rls.tenant_table(table):
            op.execute(sql)
    for sql in rls.sequences_grant():
        op.execute(sql)


def downgrade() -> None:
    op.drop_index(op.f("ix_catalogue_adjustments_tenant_id"), table_name="catalogue_adjustments")
    op.drop_index(op.f("ix_catalogue_adjustments_item_id"), table_name="catalogue_adjustments")
    op.drop_table("catalogue_adjustments")
    op.drop_index(op.f("ix_catalogue_items_tenant_id"), table_name="catalogue_items")
    op.drop_index(op.f("ix_catalogue_items_catalogue_id"), table_name="catalogue_items")
    op.drop_table("catalogue_items")
    op.drop_index(op.f("ix_livelihood_votes_user_id"), table_name="livelihood_votes")
    op.drop_index(op.f("ix_livelihood_votes_tenant_id"), table_name="livelihood_votes")
    op.drop_index(op.f("ix_livelihood_votes_round_id"), table_name="livelihood_votes")
    op.drop_table("livelihood_votes")
    op.drop_index(op.f("ix_livelihood_progress_tenant_id"), table_name="livelihood_progress")
    op.drop_index(op.f("ix_livelihood_progress_project_id"), table_name="livelihood_progress")
    op.drop_table("livelihood_progress")
    op.drop_index(op.f("ix_livelihood_evaluations_user_id"), table_name="livelihood_evaluations")
    op.drop_index(op.f("ix_livelihood_evaluations_tenant_id"), table_name="livelihood_evaluations")
    op.drop_table("livelihood_evaluations")
    op.drop_index(op.f("ix_publications_tenant_id"), table_name="publications")
    op.drop_index(op.f("ix_publications_published_at"), table_name="publications")
    op.drop_table("publications")
    op.drop_index(op.f("ix_livelihood_projects_tenant_id"), table_name="livelihood_projects")
    op.drop_index(op.f("ix_livelihood_projects_round_id"), table_name="livelihood_projects")
    op.drop_index(op.f("ix_livelihood_projects_proposer_user_id"), table_name="livelihood_projects")
    op.drop_index(op.f("ix_livelihood_projects_parent_id"), table_name="livelihood_projects")
    op.drop_table("livelihood_projects")
    op.drop_index(op.f("ix_information_requests_tenant_id"), table_name="information_requests")
    op.drop_index(op.f("ix_information_requests_state"), table_name="information_requests")
    op.drop_index(
        op.f("ix_information_requests_requester_user_id"), table_name="information_requests"
    )
    op.drop_table("information_requests")
    op.drop_index(
        op.f("ix_consultation_catalogues_tenant_id"), table_name="consultation_catalogues"
    )
    op.drop_table("consultation_catalogues")
    op.drop_index(op.f("ix_livelihood_rounds_tenant_id"), table_name="livelihood_rounds")
    op.drop_table("livelihood_rounds")
