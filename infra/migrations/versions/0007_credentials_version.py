"""credentials version and session epoch of accounts, announced on change

`users.credentials_version` is bumped by a trigger whenever what a principal is made of
changes: the password, the active flag, the session epoch, or a role (a membership row
inserted, updated or deleted), however the change is made (a mutation, the CLI, psql).
The same trigger sends `NOTIFY yishi_credentials, '<tenant>:<user>:<version>'`, which
PostgreSQL delivers at commit: each worker drops its cached grants of that account and
re-checks the account's open sockets (backend.people.principals).

`users.session_epoch` is bumped by a password change; access tokens carry the epoch they
were issued in (`ep`), and one of an older epoch is refused.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CHANNEL = "yishi_credentials"


def upgrade() -> None:
    op.add_column(
        "users",
        sa.Column("credentials_version", sa.Integer(), server_default=sa.text("0"), nullable=False),
    )
    op.add_column(
        "users",
        sa.Column("session_epoch", sa.Integer(), server_default=sa.text("0"), nullable=False),
    )
    op.execute(f"""
CREATE FUNCTION yishi_user_credentials_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.password_hash IS DISTINCT FROM OLD.password_hash
     OR NEW.is_active IS DISTINCT FROM OLD.is_active
     OR NEW.session_epoch IS DISTINCT FROM OLD.session_epoch
     OR NEW.credentials_version IS DISTINCT FROM OLD.credentials_version THEN
    NEW.credentials_version := OLD.credentials_version + 1;
    PERFORM pg_notify('{CHANNEL}',
                      NEW.tenant_id || ':' || NEW.id || ':' || NEW.credentials_version);
  END IF;
  RETURN NEW;
END $$""")
    op.execute("""
CREATE TRIGGER users_credentials_changed BEFORE UPDATE ON users
FOR EACH ROW EXECUTE FUNCTION yishi_user_credentials_changed()""")
    # A role change touches the account's version (the users trigger then notifies).
    op.execute("""
CREATE FUNCTION yishi_membership_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    UPDATE users SET credentials_version = credentials_version + 1 WHERE id = OLD.user_id;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    UPDATE users SET credentials_version = credentials_version + 1 WHERE id = NEW.user_id;
  END IF;
  RETURN NULL;
END $$""")
    op.execute("""
CREATE TRIGGER memberships_changed AFTER INSERT OR UPDATE OR DELETE ON memberships
FOR EACH ROW EXECUTE FUNCTION yishi_membership_changed()""")


def downgrade() -> None:
    op.execute("DROP TRIGGER memberships_changed ON memberships")
    op.execute("DROP FUNCTION yishi_membership_changed()")
    op.execute("DROP TRIGGER users_credentials_changed ON users")
    op.execute("DROP FUNCTION yishi_user_credentials_changed()")
    op.drop_column("users", "session_epoch")
    op.drop_column("users", "credentials_version")
