"""cases (件): intake, routing, replies, the 议事内容清单, attachments

Revision ID: 0013_cases
Revises: 0012_calendar
Create Date: 2026-12-01

A case's accountable unit (首接负责), its assignments (转办件/转阅件), replies (答复, 回访,
督办), the county's topic rules (议事内容清单) and attachments; a meeting comment handed
over to a unit points at the case it became (`meeting_comments.handed_over_case_id`). The
request role may not delete cases, assignments, replies or attachments (a case's history
is kept); topic rules are administered (full rights).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from tenants import rls

revision: str = "0013_cases"
down_revision: str | None = "0012_calendar"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "case_topic_rules",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("org_unit_id", sa.BigInteger(), nullable=True),
        sa.Column("included", sa.Boolean(), nullable=False),
        sa.Column("topic", sa.String(length=100), nullable=False),
        sa.Column("keywords", postgresql.ARRAY(sa.String(length=50)), nullable=False),
        sa.Column("redirect", sa.Text(), nullable=True),
        sa.Column("source", sa.String(length=200), nullable=True),
        sa.Column("tenant_id", sa.BigInteger(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["org_unit_id"],
            ["org_units.id"],
            name=op.f("fk_case_topic_rules_org_unit_id_org_units"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_case_topic_rules_tenant_id_tenants"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_topic_rules")),
    )
    op.create_index(
        op.f("ix_case_topic_rules_tenant_id"), "case_topic_rules", ["tenant_id"], unique=False
    )
    op.create_table(
        "cases",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("number", sa.String(length=20), nullable=False),
        sa.Column(
            "channel",
            sa.Enum(
                "ONLINE",
                "VENUE",
                "COLLECTOR",
                "ONLINE_INQUIRY",
                "MEETING",
                "HOTLINE",
                "IMPORT",
                name="casechannel",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("venue_id", sa.BigInteger(), nullable=True),
        sa.Column("meeting_id", sa.BigInteger(), nullable=True),
        sa.Column("meeting_comment_id", sa.BigInteger(), nullable=True),
        sa.Column(
            "kind",
            sa.Enum(
                "CONSULTATION",
                "SUGGESTION",
                "DEMAND",
                name="casekind",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column(
            "matter_class",
            sa.Enum(
                "PERSONAL",
                "PUBLIC_INTEREST",
                "ADMINISTRATIVE",
                name="matterclass",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=True,
        ),
        sa.Column(
            "handling_class",
            sa.Enum(
                "IMMEDIATE",
                "TIME_LIMITED",
                "RESEARCH",
                name="handlingclass",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=True,
        ),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("is_private", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "RECEIVED",
                "DISPATCHED",
                "IN_PROGRESS",
                "ANSWERED",
                "CLOSED",
                "OUT_OF_SCOPE",
                "MERGED",
                name="casestate",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("submitter_user_id", sa.BigInteger(), nullable=True),
        sa.Column("contact_name", sa.String(length=50), nullable=True),
        sa.Column("contact_phone", sa.String(length=20), nullable=True),
        sa.Column("entered_by_user_id", sa.BigInteger(), nullable=True),
        sa.Column("place_unit_id", sa.BigInteger(), nullable=True),
        sa.Column("accountable_unit_id", sa.BigInteger(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("due_provisional", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("first_reply_at", sa.DateTime(timezone=True), nullable=True),
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
            nullable=True,
        ),
        sa.Column("rating_text", sa.Text(), nullable=True),
        sa.Column("rated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reopen_count", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("bounce_count", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("merged_into_id", sa.BigInteger(), nullable=True),
        sa.Column(
            "out_of_scope",
            sa.Enum(
                "IN_LITIGATION",
                "PETITION",
                "STATE_SECRET",
                "ABUSE",
                "OTHER",
                name="outofscope",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=True,
        ),
        sa.Column("out_of_scope_reason", sa.Text(), nullable=True),
        sa.Column("client_key", sa.String(length=80), nullable=True),
        sa.Column("content_digest", sa.String(length=64), nullable=True),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("adopted", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column(
            "keywords",
            postgresql.ARRAY(sa.String(length=50)),
            server_default=sa.text("'{}'::varchar[]"),
            nullable=False,
        ),
        sa.Column(
            "suggested_kind",
            sa.Enum(
                "CONSULTATION",
                "SUGGESTION",
                "DEMAND",
                name="suggestedcasekind",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=True,
        ),
        sa.Column("suggested_unit_id", sa.BigInteger(), nullable=True),
        sa.Column(
            "closed_dissatisfied", sa.Boolean(), server_default=sa.text("false"), nullable=False
        ),
        sa.Column("reminded_level", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("tenant_id", sa.BigInteger(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["accountable_unit_id"],
            ["org_units.id"],
            name=op.f("fk_cases_accountable_unit_id_org_units"),
        ),
        sa.ForeignKeyConstraint(
            ["entered_by_user_id"], ["users.id"], name=op.f("fk_cases_entered_by_user_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["meeting_comment_id"],
            ["meeting_comments.id"],
            name=op.f("fk_cases_meeting_comment_id_meeting_comments"),
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meetings.id"], name=op.f("fk_cases_meeting_id_meetings")
        ),
        sa.ForeignKeyConstraint(
            ["merged_into_id"], ["cases.id"], name=op.f("fk_cases_merged_into_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["place_unit_id"], ["org_units.id"], name=op.f("fk_cases_place_unit_id_org_units")
        ),
        sa.ForeignKeyConstraint(
            ["submitter_user_id"], ["users.id"], name=op.f("fk_cases_submitter_user_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["suggested_unit_id"],
            ["org_units.id"],
            name=op.f("fk_cases_suggested_unit_id_org_units"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_cases_tenant_id_tenants"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(["venue_id"], ["venues.id"], name=op.f("fk_cases_venue_id_venues")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cases")),
        sa.UniqueConstraint("tenant_id", "number", name=op.f("uq_cases_tenant_id_number")),
    )
    op.create_index(
        "ix_cases_keywords", "cases", ["keywords"], unique=False, postgresql_using="gin"
    )
    op.create_index(op.f("ix_cases_merged_into_id"), "cases", ["merged_into_id"], unique=False)
    op.create_index(
        op.f("ix_cases_submitter_user_id"), "cases", ["submitter_user_id"], unique=False
    )
    op.create_index(op.f("ix_cases_tenant_id"), "cases", ["tenant_id"], unique=False)
    op.create_index(
        "ix_cases_tenant_id_accountable_unit_id_state",
        "cases",
        ["tenant_id", "accountable_unit_id", "state"],
        unique=False,
    )
    op.create_index(
        "ix_cases_tenant_id_received_at", "cases", ["tenant_id", "received_at"], unique=False
    )
    op.create_index(
        "ix_cases_tenant_id_state_due_on", "cases", ["tenant_id", "state", "due_on"], unique=False
    )
    op.create_index(
        "uq_cases_tenant_id_client_key",
        "cases",
        ["tenant_id", "client_key"],
        unique=True,
        postgresql_where=sa.text("client_key IS NOT NULL"),
    )
    op.create_table(
        "case_assignments",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("case_id", sa.BigInteger(), nullable=False),
        sa.Column("unit_id", sa.BigInteger(), nullable=False),
        sa.Column(
            "role",
            sa.Enum(
                "LEAD",
                "CO",
                "FOR_REFERENCE",
                name="assignmentrole",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column(
            "state",
            sa.Enum(
                "PENDING",
                "SIGNED",
                "RETURNED",
                "DONE",
                "WITHDRAWN",
                name="assignmentstate",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("sign_due_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("signed_by", sa.BigInteger(), nullable=True),
        sa.Column("returned_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("return_reason", sa.Text(), nullable=True),
        sa.Column("assigned_by", sa.BigInteger(), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("tenant_id", sa.BigInteger(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["assigned_by"], ["users.id"], name=op.f("fk_case_assignments_assigned_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_case_assignments_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["signed_by"], ["users.id"], name=op.f("fk_case_assignments_signed_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_case_assignments_tenant_id_tenants"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["org_units.id"], name=op.f("fk_case_assignments_unit_id_org_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_assignments")),
    )
    op.create_index(
        op.f("ix_case_assignments_case_id"), "case_assignments", ["case_id"], unique=False
    )
    op.create_index(
        op.f("ix_case_assignments_tenant_id"), "case_assignments", ["tenant_id"], unique=False
    )
    op.create_index(
        op.f("ix_case_assignments_unit_id"), "case_assignments", ["unit_id"], unique=False
    )
    op.create_table(
        "case_attachments",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("case_id", sa.BigInteger(), nullable=False),
        sa.Column("file_name", sa.String(length=200), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("tenant_id", sa.BigInteger(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_case_attachments_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_case_attachments_tenant_id_tenants"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_attachments")),
    )
    op.create_index(
        op.f("ix_case_attachments_case_id"), "case_attachments", ["case_id"], unique=False
    )
    op.create_index(
        op.f("ix_case_attachments_tenant_id"), "case_attachments", ["tenant_id"], unique=False
    )
    op.create_table(
        "case_replies",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("case_id", sa.BigInteger(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "INITIAL",
                "RESULT",
                "FOLLOW_UP",
                "SUPERVISION",
                "NOTE",
                name="replykind",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("unit_id", sa.BigInteger(), nullable=True),
        sa.Column("author_user_id", sa.BigInteger(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("follow_up_result", sa.String(length=50), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("tenant_id", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_user_id"], ["users.id"], name=op.f("fk_case_replies_author_user_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_case_replies_case_id_cases")
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_case_replies_tenant_id_tenants"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"], ["org_units.id"], name=op.f("fk_case_replies_unit_id_org_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_replies")),
    )
    op.create_index(op.f("ix_case_replies_case_id"), "case_replies", ["case_id"], unique=False)
    op.create_index(op.f("ix_case_replies_tenant_id"), "case_replies", ["tenant_id"], unique=False)
    op.add_column(
        "meeting_comments", sa.Column("handed_over_case_id", sa.BigInteger(), nullable=True)
    )
    op.create_foreign_key(
        op.f("fk_meeting_comments_handed_over_case_id_cases"),
        "meeting_comments",
        "cases",
        ["handed_over_case_id"],
        ["id"],
        use_alter=True,
    )
    for table, privileges in (
        ("cases", "SELECT, INSERT, UPDATE"),
        ("case_assignments", "SELECT, INSERT, UPDATE"),
        ("case_replies", "SELECT, INSERT"),
        ("case_attachments", "SELECT, INSERT"),
        ("case_topic_rules", "SELECT, INSERT, UPDATE, DELETE"),
    ):
        for sql in rls.tenant_table(table, app_privileges=privileges):
            op.execute(sql)
    for sql in rls.sequences_grant():
        op.execute(sql)


def downgrade() -> None:
    op.drop_constraint(
        op.f("fk_meeting_comments_handed_over_case_id_cases"),
        "meeting_comments",
        type_="foreignkey",
    )
    op.drop_column("meeting_comments", "handed_over_case_id")
    op.drop_index(op.f("ix_case_replies_tenant_id"), table_name="case_replies")
    op.drop_index(op.f("ix_case_replies_case_id"), table_name="case_replies")
    op.drop_table("case_replies")
    op.drop_index(op.f("ix_case_attachments_tenant_id"), table_name="case_attachments")
    op.drop_index(op.f("ix_case_attachments_case_id"), table_name="case_attachments")
    op.drop_table("case_attachments")
    op.drop_index(op.f("ix_case_assignments_unit_id"), table_name="case_assignments")
    op.drop_index(op.f("ix_case_assignments_tenant_id"), table_name="case_assignments")
    op.drop_index(op.f("ix_case_assignments_case_id"), table_name="case_assignments")
    op.drop_table("case_assignments")
    op.drop_index(
        "uq_cases_tenant_id_client_key",
        table_name="cases",
        postgresql_where=sa.text("client_key IS NOT NULL"),
    )
    op.drop_index("ix_cases_tenant_id_state_due_on", table_name="cases")
    op.drop_index("ix_cases_tenant_id_received_at", table_name="cases")
    op.drop_index("ix_cases_tenant_id_accountable_unit_id_state", table_name="cases")
    op.drop_index(op.f("ix_cases_tenant_id"), table_name="cases")
    op.drop_index(op.f("ix_cases_submitter_user_id"), table_name="cases")
    op.drop_index(op.f("ix_cases_merged_into_id"), table_name="cases")
    op.drop_index("ix_cases_keywords", table_name="cases", postgresql_using="gin")
    op.drop_table("cases")
    op.drop_index(op.f("ix_case_topic_rules_tenant_id"), table_name="case_topic_rules")
    op.drop_table("case_topic_rules")
