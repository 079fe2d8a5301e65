"""personal data: erasure of an account at the person's request (PIPL 第四十七条), and the
audit log's minimum retention

Revision ID: 0011_personal_data
Revises: 0010_codes
Create Date: 2026-12-01

`users.erased_at` marks an erased account (backend.people.personal_data). A check keeps an
erased account blank (no number, no password, inactive) and a trigger refuses to clear the
mark, so no later update — by the service or by hand — brings the person back.

Audit entries younger than 183 days (six months: 网络安全法第二十一条 asks network logs to be
kept at least that long) cannot be deleted by any role but a superuser: `yishi audit purge`
removes only older ones, past the configured retention (AUDIT_RETENTION_DAYS).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011_personal_data"
down_revision: str | None = "0010_codes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("users", sa.Column("erased_at", sa.DateTime(timezone=True), nullable=True))
    op.create_check_constraint(
        "erased_stays_blank",
        "users",
        "erased_at IS NULL OR (phone IS NULL AND password_hash IS NULL AND NOT is_active)",
    )
    op.execute(
        """CREATE FUNCTION users_erasure_is_final() RETURNS trigger LANGUAGE plpgsql AS $f$
BEGIN
  IF OLD.erased_at IS NOT NULL AND NEW.erased_at IS DISTINCT FROM OLD.erased_at THEN
    RAISE EXCEPTION 'an erased account stays erased (user %)', OLD.id
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END $f$"""
    )
    op.execute(
        "CREATE TRIGGER users_erasure_is_final BEFORE UPDATE OF erased_at ON users "
        "FOR EACH ROW EXECUTE FUNCTION users_erasure_is_final()"
    )
    op.execute(
        """CREATE FUNCTION audit_entries_kept_six_months() RETURNS trigger LANGUAGE plpgsql
AS $f$
BEGIN
  IF OLD.created_at > now() - interval '183 days' THEN
    RAISE EXCEPTION 'audit entries are kept at least 183 days (entry %)', OLD.id
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN OLD;
END $f$"""
    )
    op.execute(
        "CREATE TRIGGER audit_entries_kept_six_months BEFORE DELETE ON audit_entries "
        "FOR EACH ROW EXECUTE FUNCTION audit_entries_kept_six_months()"
    )


def downgrade() -> None:
    op.execute("DROP TRIGGER audit_entries_kept_six_months ON audit_entries")
    op.execute("DROP FUNCTION audit_entries_kept_six_months()")
    op.execute("DROP TRIGGER users_erasure_is_final ON users")
    op.execute("DROP FUNCTION users_erasure_is_final()")
    op.drop_constraint("ck_users_erased_stays_blank", "users", type_="check")
    op.drop_column("users", "erased_at")
