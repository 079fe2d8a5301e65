"""opinion map: maps of meetings, their statements and pseudonymous votes

Revision ID: 0026_opinion_map
Revises: 0025_hardening
Create Date: 2026-12-01

`opinion_maps` (one per meeting), `opinion_statements` (shown, pending or hidden),
`opinion_votes` (one row per statement and voter pseudonym: no user id, no timestamp;
`seq` from `opinion_vote_seq` tells a write from an idempotent repeat). All
county-owned (RLS).
"""

from collections.abc import Sequence

from alembic import op

from tenants import rls

revision: str = "0026_opinion_map"
down_revision: str | None = "0025_hardening"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TABLES = ("opinion_maps", "opinion_statements", "opinion_votes")
_DDL = (
    """CREATE SEQUENCE opinion_vote_seq""",
    """CREATE TABLE opinion_maps (
    id BIGSERIAL NOT NULL,
    meeting_id BIGINT NOT NULL,
    topic VARCHAR(200) NOT NULL,
    opened_by BIGINT NOT NULL,
    closed_at TIMESTAMP WITH TIME ZONE,
    version BIGINT DEFAULT 0 NOT NULL,
    tenant_id BIGINT NOT NULL,
    created_at TIMESTAMP WITH TIME ZONE DEFAULT now() NOT NULL,
    CONSTRAINT pk_opinion_maps PRIMARY KEY (id),
    CONSTRAINT fk_opinion_maps_meeting_id_meetings FOREIGN KEY(meeting_id) REFERENCES meetings (id),
    CONSTRAINT fk_opinion_maps_opened_by_users FOREIGN KEY(opened_by) REFERENCES users (id),
    CONSTRAINT fk_opinion_maps_tenant_id_tenants FOREIGN KEY(tenant_id) REFERENCES tenants (id) ON DELETE RESTRICT
)""",
    """CREATE INDEX ix_opinion_maps_tenant_id ON opinion_maps (tenant_id)""",
    """CREATE UNIQUE INDEX ix_opinion_maps_meeting_id ON opinion_maps (meeting_id)""",
    """CREATE TABLE opinion_statements (
    id BIGSERIAL NOT NULL,
    map_id BIGINT NOT NULL,
    body VARCHAR(280) NOT NULL,
    state VARCHAR(32) NOT NULL,
    source VARCHAR(32) NOT NULL,
    comment_id BIGINT,
    submitted_by BIGINT NOT NULL,
    hidden_reason VARCHAR(200),
    tenant_id BIGINT NOT NULL,
    created_at TIMESTAMP WITH TIME ZONE DEFAULT now() NOT NULL,
    CONSTRAINT pk_opinion_statements PRIMARY KEY (id),
    CONSTRAINT ck_opinion_statements_statementstate CHECK (state IN ('PENDING', 'SHOWN', 'HIDDEN')),
    CONSTRAINT ck_opinion_statements_statementsource CHECK (source IN ('HOST', 'COMMENT', 'PARTICIPANT')),
    CONSTRAINT fk_opinion_statements_map_id_opinion_maps FOREIGN KEY(map_id) REFERENCES opinion_maps (id),
    CONSTRAINT fk_opinion_statements_comment_id_meeting_comments FOREIGN KEY(comment_id) REFERENCES meeting_comments (id),
    CONSTRAINT fk_opinion_statements_submitted_by_users FOREIGN KEY(submitted_by) REFERENCES users (id),
    CONSTRAINT fk_opinion_statements_tenant_id_tenants FOREIGN KEY(tenant_id) REFERENCES tenants (id) ON DELETE RESTRICT
)""",
    """CREATE INDEX ix_opinion_statements_tenant_id ON opinion_statements (tenant_id)""",
    """CREATE INDEX ix_opinion_statements_map_id ON opinion_statements (map_id)""",
    """CREATE TABLE opinion_votes (
    id BIGSERIAL NOT NULL,
    map_id BIGINT NOT NULL,
    statement_id BIGINT NOT NULL,
    voter VARCHAR(64) NOT NULL,
    choice SMALLINT NOT NULL,
    changes SMALLINT DEFAULT 0 NOT NULL,
    seq BIGINT NOT NULL,
    tenant_id BIGINT NOT NULL,
    CONSTRAINT pk_opinion_votes PRIMARY KEY (id),
    CONSTRAINT uq_opinion_votes_map_id_statement_id_voter UNIQUE (map_id, statement_id, voter),
    CONSTRAINT ck_opinion_votes_choice CHECK (choice IN (-1, 0, 1)),
    CONSTRAINT fk_opinion_votes_map_id_opinion_maps FOREIGN KEY(map_id) REFERENCES opinion_maps (id),
    CONSTRAINT fk_opinion_votes_statement_id_opinion_statements FOREIGN KEY(statement_id) REFERENCES opinion_statements (id),
    CONSTRAINT fk_opinion_votes_tenant_id_tenants FOREIGN KEY(tenant_id) REFERENCES tenants (id) ON DELETE RESTRICT
)""",
    """CREATE INDEX ix_opinion_votes_tenant_id ON opinion_votes (tenant_id)""",
    """CREATE INDEX ix_opinion_votes_statement_id ON opinion_votes (statement_id)""",
)


def upgrade() -> None:
    for statement in _DDL:
        op.execute(statement)
    for table in _TABLES:
        for statement in rls.tenant_table(table):
            op.execute(statement)
    for statement in rls.sequences_grant():
        op.execute(statement)


def downgrade() -> None:
    for table in reversed(_TABLES):
        op.drop_table(table)
    op.execute("DROP SEQUENCE opinion_vote_seq")
