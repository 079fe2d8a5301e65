"""people gaps: the verification level a hearing requires of its applicants

Revision ID: 0030_people_gaps
Revises: 0029_opinion_map_decisions
Create Date: 2026-12-02

- `hearings.required_verification` (实名制): the level a person needs to apply to a
  hearing (报名) or be put forward for a 列席 selection, as `meetings.required_verification`
  (0018) is for meetings; existing hearings require nothing (UNVERIFIED). No new table.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0030_people_gaps"
down_revision: str | None = "0029_opinion_map_decisions"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LEVELS = ("UNVERIFIED", "PHONE_VERIFIED", "REAL_NAME_VERIFIED")


def upgrade() -> None:
    op.add_column(
        "hearings",
        sa.Column(
            "required_verification",
            sa.Enum(
                *LEVELS, name="verification", native_enum=False, create_constraint=True, length=32
            ),
            server_default="UNVERIFIED",
            nullable=False,
        ),
    )


def downgrade() -> None:
    op.drop_column("hearings", "required_verification")
