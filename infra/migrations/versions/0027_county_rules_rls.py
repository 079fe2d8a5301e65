"""county rules under row-level security: the app role may update its own county's settings

Revision ID: 0027_county_rules_rls
Revises: 0026_opinion_map
Create Date: 2026-12-02

`setCountyRule` / `resetCountyRule` ran in a platform transaction (RLS bypassed by
policy), because the app role could only read `tenants`. Now the app role may UPDATE the
`settings` column, and only of the row whose id is the transaction's county
(`app_tenant_id()`): the mutations run in the county's own transaction, and a bug in them
cannot reach another county's row or any other column (slug, name, division code).
"""

from collections.abc import Sequence

from alembic import op

from tenants import rls

revision: str = "0027_county_rules_rls"
down_revision: str | None = "0026_opinion_map"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    for statement in rls.own_county_settings("tenants"):
        op.execute(statement)


def downgrade() -> None:
    op.execute("DROP POLICY IF EXISTS own_county_settings ON tenants")
    op.execute(f"REVOKE UPDATE (settings) ON tenants FROM {rls.APP_ROLE}")
