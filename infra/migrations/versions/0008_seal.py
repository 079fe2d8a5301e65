"""signed record seals and a versioned chain encoding

Revision ID: 0008_seal
Revises: 0006
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0008_seal"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Streams that exist already keep the encoding they were hashed with (version 1);
    # new streams are created with version 2 (realtime.log.CHAIN_VERSION).
    op.add_column(
        "event_streams",
        sa.Column("hash_version", sa.SmallInteger(), server_default=sa.text("1"), nullable=False),
    )
    op.alter_column("event_streams", "hash_version", server_default=sa.text("2"))
    op.add_column(
        "event_streams",
        sa.Column("seal", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
    )


def downgrade() -> None:
    op.drop_column("event_streams", "seal")
    op.drop_column("event_streams", "hash_version")
