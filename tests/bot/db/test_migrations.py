from __future__ import annotations

import asyncio

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.db.engine import create_engine
from bot.db.migrate import head_revision, upgrade_to_head
from bot.db.models import Base


async def test_migrations_create_every_table(engine: AsyncEngine) -> None:
    async with engine.connect() as conn:
        tables = await conn.run_sync(lambda c: set(inspect(c).get_table_names()))
    assert set(Base.metadata.tables) <= tables
    assert "alembic_version" in tables


async def test_models_and_migrations_agree(engine: AsyncEngine) -> None:
    """A model changed without a migration shows up here as a difference."""

    def differences(sync_conn: object) -> list[object]:
        context = MigrationContext.configure(sync_conn, opts={"compare_type": True})  # type: ignore[arg-type]
        return list(compare_metadata(context, Base.metadata))

    async with engine.connect() as conn:
        diff = await conn.run_sync(differences)
    assert diff == []


async def test_upgrading_twice_changes_nothing(engine: AsyncEngine) -> None:
    assert await upgrade_to_head(engine) == head_revision()


async def test_processes_starting_together_migrate_once(database_url: str) -> None:
    engines = [create_engine(database_url) for _ in range(3)]
    try:
        revisions = await asyncio.gather(*(upgrade_to_head(e) for e in engines))
    finally:
        for e in engines:
            await e.dispose()
    assert revisions == [head_revision()] * 3
