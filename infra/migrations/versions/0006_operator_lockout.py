"""operator sign-in lockout

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "platform_operators",
        sa.Column("failed_logins", sa.Integer(), server_default=sa.text("0"), nullable=False),
    )
    op.add_column(
        "platform_operators",
        sa.Column("failures_since", sa.DateTime(timezone=True), nullable=True),
    )
    op.add_column(
        "platform_operators",
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
    )


def downgrade() -> None:
    op.drop_column("platform_operators", "locked_until")
    op.drop_column("platform_operators", "failures_since")
    op.drop_column("platform_operators", "failed_logins")
