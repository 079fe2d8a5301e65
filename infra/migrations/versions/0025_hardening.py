"""hardening: 民生实事 votes and evaluations keep a keyed pseudonym, not the user id

Revision ID: 0025_hardening
Revises: 0024_case_uploads
Create Date: 2026-12-01

`livelihood_votes.user_id` becomes `voter` (the person's pseudonym in the round) and
`livelihood_evaluations.user_id` becomes `evaluator` (their pseudonym for the project):
HMAC-SHA-256 under a key derived from ID_KEY (backend.core.pseudonyms), so the database
no longer says who voted for which project or who rated a unit's project 不满意. Existing
rows are converted with the deployment's ID_KEY (the migration runs with the service's
settings). Downgrading cannot give the user ids back: it empties both tables' people.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0025_hardening"
down_revision: str | None = "0024_case_uploads"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (table, new column, the scope column of the pseudonym, its purpose, old unique, old fk)
_TABLES = (
    (
        "livelihood_votes",
        "voter",
        "round_id",
        "livelihood-vote",
        "uq_livelihood_votes_project_id_user_id",
        "fk_livelihood_votes_user_id_users",
    ),
    (
        "livelihood_evaluations",
        "evaluator",
        "project_id",
        "livelihood-evaluation",
        "uq_livelihood_evaluations_project_id_user_id",
        "fk_livelihood_evaluations_user_id_users",
    ),
)


def upgrade() -> None:
    from backend.core.pseudonyms import pseudonym

    bind = op.get_bind()
    for table, column, scope, purpose, unique, fk in _TABLES:
        op.add_column(table, sa.Column(column, sa.String(length=64), nullable=True))
        rows = bind.execute(sa.text(f"SELECT id, tenant_id, {scope}, user_id FROM {table}"))
        for row_id, tenant_id, scope_id, user_id in rows.all():
            bind.execute(
                sa.text(f"UPDATE {table} SET {column} = :p WHERE id = :id"),
                {"p": pseudonym(purpose, tenant_id, scope_id, user_id), "id": row_id},
            )
        op.alter_column(table, column, nullable=False)
        op.drop_constraint(unique, table, type_="unique")
        op.drop_constraint(fk, table, type_="foreignkey")
        op.drop_index(f"ix_{table}_user_id", table_name=table)
        op.drop_column(table, "user_id")
        op.create_unique_constraint(
            f"uq_{table}_project_id_{column}", table, ["project_id", column]
        )
    op.create_index("ix_livelihood_votes_round_id_voter", "livelihood_votes", ["round_id", "voter"])


def downgrade() -> None:
    op.drop_index("ix_livelihood_votes_round_id_voter", table_name="livelihood_votes")
    for table, column, _, _, unique, fk in _TABLES:
        op.execute(f"DELETE FROM {table}")
        op.drop_constraint(f"uq_{table}_project_id_{column}", table, type_="unique")
        op.drop_column(table, column)
        op.add_column(table, sa.Column("user_id", sa.BigInteger(), nullable=False))
        op.create_foreign_key(fk, table, "users", ["user_id"], ["id"])
        op.create_index(f"ix_{table}_user_id", table, ["user_id"])
        op.create_unique_constraint(unique, table, ["project_id", "user_id"])
