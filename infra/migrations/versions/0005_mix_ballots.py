"""secret ballots are mixed when their sheet closes

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23

Closing a 测评 rewrites its ballots in random order with new ids (backend.meetings.service.
_mix_ballots), so that no ballot keeps the transaction id (xmin) of the receipt written
with it. The request role may delete ballots for that only: a restrictive policy allows a
DELETE on a ballot only once its sheet is CLOSED.
"""

from collections.abc import Sequence

from alembic import op

from tenants.rls import APP_ROLE

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute(f"GRANT DELETE ON scoring_ballots TO {APP_ROLE}")
    op.execute(
        f"CREATE POLICY mixed_only_when_closed ON scoring_ballots AS RESTRICTIVE FOR DELETE "
        f"TO {APP_ROLE} USING (EXISTS (SELECT 1 FROM scoring_sheets s "
        "WHERE s.id = scoring_ballots.sheet_id AND s.state = 'CLOSED'))"
    )


def downgrade() -> None:
    op.execute("DROP POLICY mixed_only_when_closed ON scoring_ballots")
    op.execute(f"REVOKE DELETE ON scoring_ballots FROM {APP_ROLE}")
