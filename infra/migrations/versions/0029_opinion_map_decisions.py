"""opinion map: a decision's comment period (征求意见期) as a map's host

Revision ID: 0029_opinion_map_decisions
Revises: 0028_comment_review
Create Date: 2026-12-02

A map belongs to exactly one host: a meeting (`meeting_id`, as before) or a decision's
comment period (`comment_period_id`, with its `decision_id`); a CHECK says exactly one is
set and that the decision goes with the period; one map per host (unique indexes). A
statement may be taken from one of the decision's opinions (`opinion_id`). The tables stay
county-owned with row-level security forced (0026); nothing here changes their policies.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0029_opinion_map_decisions"
down_revision: str | None = "0028_comment_review"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_HOST_CHECK = (
    "(meeting_id IS NULL) <> (comment_period_id IS NULL)"
    " AND (comment_period_id IS NULL) = (decision_id IS NULL)"
)

_UP = (
    "ALTER TABLE opinion_maps ALTER COLUMN meeting_id DROP NOT NULL",
    "ALTER TABLE opinion_maps ADD COLUMN decision_id BIGINT",
    "ALTER TABLE opinion_maps ADD COLUMN comment_period_id BIGINT",
    "ALTER TABLE opinion_maps ADD CONSTRAINT fk_opinion_maps_decision_id_decisions"
    " FOREIGN KEY(decision_id) REFERENCES decisions (id)",
    "ALTER TABLE opinion_maps ADD CONSTRAINT"
    " fk_opinion_maps_comment_period_id_decision_comment_periods"
    " FOREIGN KEY(comment_period_id) REFERENCES decision_comment_periods (id)",
    f"ALTER TABLE opinion_maps ADD CONSTRAINT ck_opinion_maps_host CHECK ({_HOST_CHECK})",
    "CREATE INDEX ix_opinion_maps_decision_id ON opinion_maps (decision_id)",
    "CREATE UNIQUE INDEX ix_opinion_maps_comment_period_id ON opinion_maps (comment_period_id)",
    "ALTER TABLE opinion_statements ADD COLUMN opinion_id BIGINT",
    "ALTER TABLE opinion_statements ADD CONSTRAINT"
    " fk_opinion_statements_opinion_id_decision_opinions"
    " FOREIGN KEY(opinion_id) REFERENCES decision_opinions (id)",
)


def upgrade() -> None:
    for statement in _UP:
        op.execute(statement)


def downgrade() -> None:
    # Maps of comment periods have no meeting: they cannot survive the older schema.
    op.execute(
        "DELETE FROM opinion_votes WHERE map_id IN"
        " (SELECT id FROM opinion_maps WHERE meeting_id IS NULL)"
    )
    op.execute(
        "DELETE FROM opinion_statements WHERE map_id IN"
        " (SELECT id FROM opinion_maps WHERE meeting_id IS NULL)"
    )
    op.execute("DELETE FROM opinion_maps WHERE meeting_id IS NULL")
    op.execute("ALTER TABLE opinion_statements DROP COLUMN opinion_id")
    op.execute("DROP INDEX ix_opinion_maps_comment_period_id")
    op.execute("DROP INDEX ix_opinion_maps_decision_id")
    op.execute("ALTER TABLE opinion_maps DROP CONSTRAINT ck_opinion_maps_host")
    op.execute("ALTER TABLE opinion_maps DROP COLUMN comment_period_id")
    op.execute("ALTER TABLE opinion_maps DROP COLUMN decision_id")
    op.execute("ALTER TABLE opinion_maps ALTER COLUMN meeting_id SET NOT NULL")
