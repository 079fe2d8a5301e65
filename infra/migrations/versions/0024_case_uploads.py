"""case uploads: attachments stored in chunks

Revision ID: 0024_case_uploads
Revises: 0023_surveys
Create Date: 2026-12-01

`case_attachment_chunks` (county-owned, RLS) holds an attachment's content in pieces of
256 KiB (`backend.cases.attachments`), so multipart uploads of up to the county's cap
(`case.attachment_max_size`) are written and downloaded without being held whole. The
content already in `case_attachments.data` moves to one chunk each; the column goes.
"""

from collections.abc import Sequence

from alembic import op

from tenants import rls

revision: str = "0024_case_uploads"
down_revision: str | None = "0023_surveys"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute(
        """CREATE TABLE case_attachment_chunks (
    attachment_id BIGINT NOT NULL,
    seq INTEGER NOT NULL,
    data BYTEA NOT NULL,
    tenant_id BIGINT NOT NULL,
    CONSTRAINT pk_case_attachment_chunks PRIMARY KEY (attachment_id, seq),
    CONSTRAINT fk_case_attachment_chunks_attachment_id_case_attachments
        FOREIGN KEY(attachment_id) REFERENCES case_attachments (id),
    CONSTRAINT fk_case_attachment_chunks_tenant_id_tenants
        FOREIGN KEY(tenant_id) REFERENCES tenants (id) ON DELETE RESTRICT
)"""
    )
    op.execute(
        "CREATE INDEX ix_case_attachment_chunks_tenant_id ON case_attachment_chunks (tenant_id)"
    )
    # Photos and videos do not compress: keep them out of line without trying.
    op.execute("ALTER TABLE case_attachment_chunks ALTER COLUMN data SET STORAGE EXTERNAL")
    op.execute(
        "INSERT INTO case_attachment_chunks (attachment_id, seq, data, tenant_id) "
        "SELECT id, 0, data, tenant_id FROM case_attachments"
    )
    op.execute("ALTER TABLE case_attachments DROP COLUMN data")
    for sql in rls.tenant_table("case_attachment_chunks", app_privileges="SELECT, INSERT"):
        op.execute(sql)


def downgrade() -> None:
    op.execute("ALTER TABLE case_attachments ADD COLUMN data BYTEA")
    op.execute(
        "UPDATE case_attachments a SET data = (SELECT string_agg(c.data, ''::bytea ORDER BY "
        "c.seq) FROM case_attachment_chunks c WHERE c.attachment_id = a.id)"
    )
    op.execute("UPDATE case_attachments SET data = ''::bytea WHERE data IS NULL")
    op.execute("ALTER TABLE case_attachments ALTER COLUMN data SET NOT NULL")
    op.execute("DROP TABLE case_attachment_chunks")
