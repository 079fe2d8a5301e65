"""comment review: a host's 审核通过 of a live comment is stored and recorded

Revision ID: 0028_comment_review
Revises: 0027_county_rules_rls
Create Date: 2026-12-02

Comments are public when posted and moderated after the fact. A host either hides one
(屏蔽, `hidden_at`) or approves it (审核通过, `approved_at`/`approved_by`, event
`comment.approved`), so every host of the meeting sees which comments are still to review.
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0028_comment_review"
down_revision: str | None = "0027_county_rules_rls"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute("ALTER TABLE meeting_comments ADD COLUMN approved_at TIMESTAMPTZ")
    op.execute("ALTER TABLE meeting_comments ADD COLUMN approved_by BIGINT")


def downgrade() -> None:
    op.execute("ALTER TABLE meeting_comments DROP COLUMN approved_by")
    op.execute("ALTER TABLE meeting_comments DROP COLUMN approved_at")
