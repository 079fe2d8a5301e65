"""secret ballots are committed in mixing batches of at least k

Revision ID: 0009_ballots
Revises: 0006
Create Date: 2026-12-01

A 测评 sheet gets its batch size k (`min_ballots`): ballots wait in the memory of the
serving process and are written, with their receipts, only k or more at a time, in random
order (backend.meetings.scoring). A receipt now records when its batch was counted
(`counted_at`, the same for the whole batch), not when the person cast. Ballots are never
rewritten any more (the close-time mix of 0005 left the old row versions and the WAL
linking them): the request role loses DELETE on them again.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from tenants.rls import APP_ROLE

revision: str = "0009_ballots"
down_revision: str | None = "0008_seal"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "scoring_sheets",
        sa.Column("min_ballots", sa.Integer(), server_default=sa.text("5"), nullable=False),
    )
    op.create_check_constraint(
        op.f("ck_scoring_sheets_min_ballots_range"),
        "scoring_sheets",
        "min_ballots BETWEEN 3 AND 1000",
    )
    op.alter_column("scoring_receipts", "cast_at", new_column_name="counted_at")
    op.execute("DROP POLICY mixed_only_when_closed ON scoring_ballots")
    op.execute(f"REVOKE DELETE ON scoring_ballots FROM {APP_ROLE}")


def downgrade() -> None:
    op.execute(f"GRANT DELETE ON scoring_ballots TO {APP_ROLE}")
    op.execute(
        f"CREATE POLICY mixed_only_when_closed ON scoring_ballots AS RESTRICTIVE FOR DELETE "
        f"TO {APP_ROLE} USING (EXISTS (SELECT 1 FROM scoring_sheets s "
        "WHERE s.id = scoring_ballots.sheet_id AND s.state = 'CLOSED'))"
    )
    op.alter_column("scoring_receipts", "counted_at", new_column_name="cast_at")
    op.drop_constraint(op.f("ck_scoring_sheets_min_ballots_range"), "scoring_sheets")
    op.drop_column("scoring_sheets", "min_ballots")
