"""opinion map: votes indexed by (map, seq), for reading only the votes since a version

Revision ID: 0031_opinion_vote_seq
Revises: 0030_people_gaps
Create Date: 2026-12-02

A process keeps each open map's votes in memory and reads only the rows written since
its last read (`seq` above a watermark, backend.opinion_map.compute); the index makes
that a range scan. (The occasional check against the table's totals scans the map's
votes either way: an index-only scan was no faster than the sequential scan the planner
chooses when one map holds most rows.)
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0031_opinion_vote_seq"
down_revision: str | None = "0030_people_gaps"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute("CREATE INDEX ix_opinion_votes_map_id_seq ON opinion_votes (map_id, seq)")


def downgrade() -> None:
    op.execute("DROP INDEX ix_opinion_votes_map_id_seq")
