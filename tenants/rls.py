"""Row-level security: the SQL that fences every county-owned table.

The service's request role (`yishi_app`) owns no table, so PostgreSQL applies these
policies to every statement it runs; RLS is also FORCEd so that even the owner is held to
them. The county comes from `app.tenant_id`, set per transaction. Each helper returns a
list of single statements (asyncpg runs one statement per execute).
"""

from __future__ import annotations

APP_ROLE = "yishi_app"
PLATFORM_ROLE = "yishi_platform"


def create_roles() -> list[str]:
    return [
        *(
            # Roles are cluster-wide: several databases (or test workers) may race here.
            f"""DO $$ BEGIN
  CREATE ROLE {role} NOLOGIN NOSUPERUSER NOBYPASSRLS;
EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
END $$"""
            for role in (APP_ROLE, PLATFORM_ROLE)
        ),
        f"GRANT USAGE ON SCHEMA public TO {APP_ROLE}, {PLATFORM_ROLE}",
        """CREATE OR REPLACE FUNCTION app_tenant_id() RETURNS bigint
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $f$ SELECT NULLIF(current_setting('app.tenant_id', true), '')::bigint $f$""",
    ]


def _enable(table: str) -> list[str]:
    return [
        f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY",
        f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON {table} TO {PLATFORM_ROLE}",
        f"CREATE POLICY platform_operator ON {table} TO {PLATFORM_ROLE} "
        "USING (true) WITH CHECK (true)",
    ]


def tenant_table(
    table: str, *, app_privileges: str = "SELECT, INSERT, UPDATE, DELETE"
) -> list[str]:
    """Grants and isolation policies for a county-owned table (it has `tenant_id`)."""
    return [
        *_enable(table),
        f"GRANT {app_privileges} ON {table} TO {APP_ROLE}",
        f"CREATE POLICY tenant_isolation ON {table} TO {APP_ROLE} "
        "USING (tenant_id = app_tenant_id()) WITH CHECK (tenant_id = app_tenant_id())",
    ]


def global_table(table: str, *, app_privileges: str | None) -> list[str]:
    """Grants and policies for a platform table (no `tenant_id`): the app role may at most
    read it (`app_privileges`), the platform role manages it."""
    statements = _enable(table)
    if app_privileges:
        statements += [
            f"GRANT {app_privileges} ON {table} TO {APP_ROLE}",
            f"CREATE POLICY registry_read ON {table} FOR SELECT TO {APP_ROLE} USING (true)",
        ]
    return statements


def own_county_settings(table: str) -> list[str]:
    """The app role may update the `settings` column (the county's rulebook) of its own
    county's row of the registry, and nothing else of it (migration 0027)."""
    return [
        f"GRANT UPDATE (settings) ON {table} TO {APP_ROLE}",
        f"CREATE POLICY own_county_settings ON {table} FOR UPDATE TO {APP_ROLE} "
        "USING (id = app_tenant_id()) WITH CHECK (id = app_tenant_id())",
    ]


def sequences_grant() -> list[str]:
    return [f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {APP_ROLE}, {PLATFORM_ROLE}"]
