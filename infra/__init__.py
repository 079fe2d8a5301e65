"""Migrations (Alembic), database roles and deployment files."""
