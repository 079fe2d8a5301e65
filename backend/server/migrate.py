"""Apply and check migrations from code (CLI, embedded start, tests)."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from backend.core.db import async_url
from backend.server.models import metadata


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", "infra:migrations")
    config.set_main_option("sqlalchemy.url", url)
    return config


async def upgrade(url: str, revision: str = "head") -> None:
    """Bring the database at `url` (an owner connection) to `revision`."""
    engine = create_async_engine(async_url(url))
    try:
        async with engine.begin() as conn:

            def run(sync_conn: Connection) -> None:
                config = alembic_config(url)
                config.attributes["connection"] = sync_conn
                command.upgrade(config, revision)

            await conn.run_sync(run)
    finally:
        await engine.dispose()


async def pending_model_changes(url: str) -> list[object]:
    """What autogenerate would still emit: empty when models and migrations agree."""
    engine = create_async_engine(async_url(url))
    try:
        async with engine.connect() as conn:

            def diff(sync_conn: Connection) -> list[object]:
                ctx = MigrationContext.configure(sync_conn, opts={"compare_type": True})
                return list(compare_metadata(ctx, metadata))

            return await conn.run_sync(diff)
    finally:
        await engine.dispose()
