"""the 解事员 pool and oversight: mediators, their trainings, evaluations, awards and case
assignments; 民意观察员, 三评, the 执法自我纠错台账 and the 行政复议便民联系点

Revision ID: 0020_mediators
Revises: 0019_agenda
Create Date: 2026-12-01

See docs/mediators.md. Every table is county-owned (forced row-level security).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from tenants import rls

revision: str = "0020_mediators"
down_revision: str | None = "0019_agenda"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "mediators",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=True),
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column(
            "level",
            sa.Enum(
                "COUNTY",
                "TOWNSHIP",
                "VILLAGE",
                name="mediatorlevel",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("org_unit_id", sa.BigInteger(), nullable=False),
        sa.Column("roles", postgresql.ARRAY(sa.String(length=32)), nullable=False),
        sa.Column(
            "skills",
            postgresql.ARRAY(sa.String(length=30)),
            server_default=sa.text("'{}'::varchar[]"),
            nullable=False,
        ),
        sa.Column(
            "venue_ids",
            postgresql.ARRAY(sa.BigInteger()),
            server_default=sa.text("'{}'::bigint[]"),
            nullable=False,
        ),
        sa.Column("phone", sa.String(length=20), nullable=True),
        sa.Column("active", sa.Boolean(), server_default=sa.text("true"), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("tenant_id", sa.BigInteger(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["org_unit_id"], ["org_units.id"], name=op.f("fk_mediators_org_unit_id_org_units")
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_mediators_tenant_id_tenants"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_mediators_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mediators")),
    )
    op.create_index(op.f("ix_mediators_org_unit_id"), "mediators", ["org_unit_id"], unique=False)
    op.create_index(op.f("ix_mediators_tenant_id"), "mediators", ["tenant_id"], unique=False)
    op.create_index(op.f("ix_mediators_user_id"), "mediators", ["user_id"], unique=False)
    op.create_table(
        "observers",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=True),
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=True),
        sa.Column("org_unit_id", sa.BigInteger(), nullable=False),
        sa.Column("area", sa.String(length=200), nullable=True),
        sa.Column("term_start", sa.Date(), nullable=False),
        sa.Column("term_end", sa.Date(), nullable=True),
        sa.Column("appointed_by", sa.BigInteger(), nullable=True),
        sa.Column("tenant_id", sa.BigInteger(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "term_end IS NULL OR term_end >= term_start", name=op.f("ck_observers_term")
        ),
        sa.ForeignKeyConstraint(
            ["appointed_by"], ["users.id"], name=op.f("fk_observers_appointed_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["org_unit_id"], ["org_units.id"], name=op.f("fk_observers_org_unit_id_org_units")
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_observers_tenant_id_tenants"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_observers_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_observers")),
    )
    op.create_index(op.f("ix_observers_org_unit_id"), "observers", ["org_unit_id"], unique=False)
    op.create_index(op.f("ix_observers_tenant_id"), "observers", ["tenant_id"], unique=False)
    op.create_index(op.f("ix_observers_user_id"), "observers", ["user_id"], unique=False)
    op.create_table(
        "mediator_awards",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("mediator_id", sa.BigInteger(), nullable=False),
        sa.Column("title", sa.String(length=100), nullable=False),
        sa.Column("awarded_on", sa.Date(), nullable=False),
        sa.Column("awarded_by", sa.String(length=100), nullable=True),
        sa.Column("tenant_id", sa.BigInteger(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["mediator_id"], ["mediators.id"], name=op.f("fk_mediator_awards_mediator_id_mediators")
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_mediator_awards_tenant_id_tenants"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mediator_awards")),
    )
    op.create_index(
        op.f("ix_mediator_awards_mediator_id"), "mediator_awards", ["mediator_id"], unique=False
    )
    op.create_index(
        op.f("ix_mediator_awards_tenant_id"), "mediator_awards", ["tenant_id"], unique=False
    )
    op.create_table(
        "mediator_evaluations",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("mediator_id", sa.BigInteger(), nullable=False),
        sa.Column("period", sa.String(length=20), nullable=False),
        sa.Column(
            "grade",
            sa.Enum(
                "EXCELLENT",
                "GOOD",
                "PASS",
                "FAIL",
                name="evaluationgrade",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("score", sa.Integer(), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("evaluated_on", sa.Date(), nullable=False),
        sa.Column("evaluated_by", sa.BigInteger(), nullable=True),
        sa.Column("tenant_id", sa.BigInteger(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "score IS NULL OR (score >= 0 AND score <= 100)",
            name=op.f("ck_mediator_evaluations_score"),
        ),
        sa.ForeignKeyConstraint(
            ["evaluated_by"], ["users.id"], name=op.f("fk_mediator_evaluations_evaluated_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["mediator_id"],
            ["mediators.id"],
            name=op.f("fk_mediator_evaluations_mediator_id_mediators"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_mediator_evaluations_tenant_id_tenants"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mediator_evaluations")),
    )
    op.create_index(
        op.f("ix_mediator_evaluations_mediator_id"),
        "mediator_evaluations",
        ["mediator_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_mediator_evaluations_tenant_id"),
        "mediator_evaluations",
        ["tenant_id"],
        unique=False,
    )
    op.create_table(
        "mediator_trainings",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("mediator_id", sa.BigInteger(), nullable=False),
        sa.Column("course", sa.String(length=100), nullable=False),
        sa.Column("trained_on", sa.Date(), nullable=False),
        sa.Column("hours", sa.Numeric(precision=5, scale=1, asdecimal=False), nullable=False),
        sa.Column("provider", sa.String(length=100), nullable=True),
        sa.Column("tenant_id", sa.BigInteger(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint("hours > 0 AND hours <= 200", name=op.f("ck_mediator_trainings_hours")),
        sa.ForeignKeyConstraint(
            ["mediator_id"],
            ["mediators.id"],
            name=op.f("fk_mediator_trainings_mediator_id_mediators"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_mediator_trainings_tenant_id_tenants"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mediator_trainings")),
    )
    op.create_index(
        op.f("ix_mediator_trainings_mediator_id"),
        "mediator_trainings",
        ["mediator_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_mediator_trainings_tenant_id"), "mediator_trainings", ["tenant_id"], unique=False
    )
    op.create_table(
        "review_points",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("org_unit_id", sa.BigInteger(), nullable=False),
        sa.Column("venue_id", sa.BigInteger(), nullable=True),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("address", sa.String(length=200), nullable=True),
        sa.Column("tenant_id", sa.BigInteger(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["org_unit_id"], ["org_units.id"], name=op.f("fk_review_points_org_unit_id_org_units")
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_review_points_tenant_id_tenants"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["venue_id"], ["venues.id"], name=op.f("fk_review_points_venue_id_venues")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_points")),
    )
    op.create_index(
        op.f("ix_review_points_org_unit_id"), "review_points", ["org_unit_id"], unique=False
    )
    op.create_index(
        op.f("ix_review_points_tenant_id"), "review_points", ["tenant_id"], unique=False
    )
    op.create_table(
        "review_point_staff",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("point_id", sa.BigInteger(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=True),
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column("position", sa.String(length=50), nullable=True),
        sa.Column("phone", sa.String(length=20), nullable=True),
        sa.Column("tenant_id", sa.BigInteger(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["point_id"],
            ["review_points.id"],
            name=op.f("fk_review_point_staff_point_id_review_points"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_review_point_staff_tenant_id_tenants"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_review_point_staff_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_point_staff")),
    )
    op.create_index(
        op.f("ix_review_point_staff_point_id"), "review_point_staff", ["point_id"], unique=False
    )
    op.create_index(
        op.f("ix_review_point_staff_tenant_id"), "review_point_staff", ["tenant_id"], unique=False
    )
    op.create_index(
        op.f("ix_review_point_staff_user_id"), "review_point_staff", ["user_id"], unique=False
    )
    op.create_table(
        "review_requests",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("point_id", sa.BigInteger(), nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("applicant_name", sa.String(length=50), nullable=False),
        sa.Column("applicant_phone", sa.String(length=20), nullable=True),
        sa.Column("applicant_user_id", sa.BigInteger(), nullable=True),
        sa.Column("matter", sa.Text(), nullable=False),
        sa.Column("forwarded_to", sa.String(length=100), nullable=False),
        sa.Column("forwarded_on", sa.Date(), nullable=True),
        sa.Column(
            "outcome",
            sa.Enum(
                "PENDING",
                "ACCEPTED",
                "REJECTED",
                "RESOLVED",
                "WITHDRAWN",
                "DECIDED",
                name="reviewoutcome",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("outcome_note", sa.Text(), nullable=True),
        sa.Column("tenant_id", sa.BigInteger(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "forwarded_on IS NULL OR forwarded_on >= received_on",
            name=op.f("ck_review_requests_forwarded"),
        ),
        sa.ForeignKeyConstraint(
            ["applicant_user_id"],
            ["users.id"],
            name=op.f("fk_review_requests_applicant_user_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["point_id"],
            ["review_points.id"],
            name=op.f("fk_review_requests_point_id_review_points"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_review_requests_tenant_id_tenants"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_requests")),
    )
    op.create_index(
        op.f("ix_review_requests_applicant_user_id"),
        "review_requests",
        ["applicant_user_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_review_requests_point_id"), "review_requests", ["point_id"], unique=False
    )
    op.create_index(
        op.f("ix_review_requests_tenant_id"), "review_requests", ["tenant_id"], unique=False
    )
    op.create_table(
        "case_evaluations",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("case_id", sa.BigInteger(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "PUBLIC",
                "EXPERT",
                "THIRD_PARTY",
                name="evaluationkind",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column(
            "grade",
            sa.Enum(
                "EXCELLENT",
                "GOOD",
                "FAIR",
                "POOR",
                name="grade",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("score", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("evaluator", sa.String(length=100), nullable=True),
        sa.Column("author_user_id", sa.BigInteger(), nullable=True),
        sa.Column("tenant_id", sa.BigInteger(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "score IS NULL OR (score >= 0 AND score <= 100)", name=op.f("ck_case_evaluations_score")
        ),
        sa.ForeignKeyConstraint(
            ["author_user_id"], ["users.id"], name=op.f("fk_case_evaluations_author_user_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_case_evaluations_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_case_evaluations_tenant_id_tenants"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_evaluations")),
    )
    op.create_index(
        op.f("ix_case_evaluations_case_id"), "case_evaluations", ["case_id"], unique=False
    )
    op.create_index(
        op.f("ix_case_evaluations_tenant_id"), "case_evaluations", ["tenant_id"], unique=False
    )
    op.create_index(
        "uq_case_evaluations_public_author",
        "case_evaluations",
        ["case_id", "author_user_id"],
        unique=True,
        postgresql_where=sa.text("kind = 'PUBLIC'"),
    )
    op.create_table(
        "correction_entries",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column(
            "direction",
            sa.Enum(
                "UPWARD",
                "DOWNWARD",
                name="correctiondirection",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("matter", sa.Text(), nullable=False),
        sa.Column("unit_id", sa.BigInteger(), nullable=False),
        sa.Column("case_id", sa.BigInteger(), nullable=True),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("started_on", sa.Date(), nullable=True),
        sa.Column("concluded_on", sa.Date(), nullable=True),
        sa.Column(
            "outcome",
            sa.Enum(
                "PENDING",
                "CORRECTED",
                "NO_ERROR",
                "INVESTIGATION",
                name="correctionoutcome",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("outcome_note", sa.Text(), nullable=True),
        sa.Column("recorded_by", sa.BigInteger(), nullable=True),
        sa.Column("tenant_id", sa.BigInteger(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "concluded_on IS NULL OR concluded_on >= received_on",
            name=op.f("ck_correction_entries_concluded"),
        ),
        sa.CheckConstraint(
            "started_on IS NULL OR started_on >= received_on",
            name=op.f("ck_correction_entries_started"),
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_correction_entries_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by"], ["users.id"], name=op.f("fk_correction_entries_recorded_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_correction_entries_tenant_id_tenants"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["org_units.id"], name=op.f("fk_correction_entries_unit_id_org_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_correction_entries")),
    )
    op.create_index(
        op.f("ix_correction_entries_tenant_id"), "correction_entries", ["tenant_id"], unique=False
    )
    op.create_index(
        op.f("ix_correction_entries_unit_id"), "correction_entries", ["unit_id"], unique=False
    )
    op.create_table(
        "mediator_assignments",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("case_id", sa.BigInteger(), nullable=False),
        sa.Column("mediator_id", sa.BigInteger(), nullable=False),
        sa.Column("assigned_by", sa.BigInteger(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("tenant_id", sa.BigInteger(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["assigned_by"], ["users.id"], name=op.f("fk_mediator_assignments_assigned_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_mediator_assignments_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["mediator_id"],
            ["mediators.id"],
            name=op.f("fk_mediator_assignments_mediator_id_mediators"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_mediator_assignments_tenant_id_tenants"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mediator_assignments")),
        sa.UniqueConstraint(
            "case_id", "mediator_id", name=op.f("uq_mediator_assignments_case_id_mediator_id")
        ),
    )
    op.create_index(
        op.f("ix_mediator_assignments_case_id"), "mediator_assignments", ["case_id"], unique=False
    )
    op.create_index(
        op.f("ix_mediator_assignments_mediator_id"),
        "mediator_assignments",
        ["mediator_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_mediator_assignments_tenant_id"),
        "mediator_assignments",
        ["tenant_id"],
        unique=False,
    )
    for statement in [
        *rls.tenant_table("mediators"),
        *rls.tenant_table("observers"),
        *rls.tenant_table("mediator_awards"),
        *rls.tenant_table("mediator_evaluations"),
        *rls.tenant_table("mediator_trainings"),
        *rls.tenant_table("review_points"),
        *rls.tenant_table("review_point_staff"),
        *rls.tenant_table("review_requests"),
        *rls.tenant_table("case_evaluations"),
        *rls.tenant_table("correction_entries"),
        *rls.tenant_table("mediator_assignments"),
        *rls.sequences_grant(),
    ]:
        op.execute(statement)


def downgrade() -> None:
    op.drop_index(op.f("ix_mediator_assignments_tenant_id"), table_name="mediator_assignments")
    op.drop_index(op.f("ix_mediator_assignments_mediator_id"), table_name="mediator_assignments")
    op.drop_index(op.f("ix_mediator_assignments_case_id"), table_name="mediator_assignments")
    op.drop_table("mediator_assignments")
    op.drop_index(op.f("ix_correction_entries_unit_id"), table_name="correction_entries")
    op.drop_index(op.f("ix_correction_entries_tenant_id"), table_name="correction_entries")
    op.drop_table("correction_entries")
    op.drop_index(op.f("ix_case_evaluations_tenant_id"), table_name="case_evaluations")
    op.drop_index(op.f("ix_case_evaluations_case_id"), table_name="case_evaluations")
    op.drop_index("uq_case_evaluations_public_author", table_name="case_evaluations")
    op.drop_table("case_evaluations")
    op.drop_index(op.f("ix_review_requests_tenant_id"), table_name="review_requests")
    op.drop_index(op.f("ix_review_requests_point_id"), table_name="review_requests")
    op.drop_index(op.f("ix_review_requests_applicant_user_id"), table_name="review_requests")
    op.drop_table("review_requests")
    op.drop_index(op.f("ix_review_point_staff_user_id"), table_name="review_point_staff")
    op.drop_index(op.f("ix_review_point_staff_tenant_id"), table_name="review_point_staff")
    op.drop_index(op.f("ix_review_point_staff_point_id"), table_name="review_point_staff")
    op.drop_table("review_point_staff")
    op.drop_index(op.f("ix_review_points_tenant_id"), table_name="review_points")
    op.drop_index(op.f("ix_review_points_org_unit_id"), table_name="review_points")
    op.drop_table("review_points")
    op.drop_index(op.f("ix_mediator_trainings_tenant_id"), table_name="mediator_trainings")
    op.drop_index(op.f("ix_mediator_trainings_mediator_id"), table_name="mediator_trainings")
    op.drop_table("mediator_trainings")
    op.drop_index(op.f("ix_mediator_evaluations_tenant_id"), table_name="mediator_evaluations")
    op.drop_index(op.f("ix_mediator_evaluations_mediator_id"), table_name="mediator_evaluations")
    op.drop_table("mediator_evaluations")
    op.drop_index(op.f("ix_mediator_awards_tenant_id"), table_name="mediator_awards")
    op.drop_index(op.f("ix_mediator_awards_mediator_id"), table_name="mediator_awards")
    op.drop_table("mediator_awards")
    op.drop_index(op.f("ix_observers_user_id"), table_name="observers")
    op.drop_index(op.f("ix_observers_tenant_id"), table_name="observers")
    op.drop_index(op.f("ix_observers_org_unit_id"), table_name="observers")
    op.drop_table("observers")
    op.drop_index(op.f("ix_mediators_user_id"), table_name="mediators")
    op.drop_index(op.f("ix_mediators_tenant_id"), table_name="mediators")
    op.drop_index(op.f("ix_mediators_org_unit_id"), table_name="mediators")
    op.drop_table("mediators")
