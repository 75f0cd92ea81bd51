from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.db.engine import create_engine
from bot.db.migrate import alembic_config, upgrade_to_head
from bot.db.models import Base


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


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


async def test_the_phase_messages_showed_is_renamed_as_the_lifecycle_names_it(database_url: str) -> None:
    """Messages drawn before the lifecycle was one state machine keep what they showed, in its names."""
    engine = create_engine(database_url)

    def upgrade_to(connection: object, revision: str) -> None:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.upgrade(config, revision)

    try:
        async with engine.begin() as conn:
            await conn.run_sync(upgrade_to, "0008")
            for number, shown in enumerate(("upcoming", "check_in", "ended", "closed"), start=1):
                await conn.execute(
                    text(
                        "INSERT INTO meetup (id, guild_id, channel_id, title, starts_at, ends_at, timezone, status,"
                        " created_by, created_at, updated_at, reminder_offsets, remind_maybe, message_missing,"
                        " shown_phase) VALUES (:id, 1, 2, 't', :at, :at, 'UTC', 'scheduled', 3, :at, :at, '', false,"
                        " false, :shown)"
                    ),
                    {"id": number, "at": datetime(2026, 12, 1, 10, tzinfo=UTC), "shown": shown},
                )
        assert await upgrade_to_head(engine) == head_revision()
        async with engine.connect() as conn:
            shown = (await conn.execute(text("SELECT shown_phase FROM meetup ORDER BY id"))).scalars().all()
        assert shown == ["scheduled", "check-in", "over", "closed"]
    finally:
        await engine.dispose()


async def test_recurring_series_come_and_go_with_their_migration(database_url: str) -> None:
    """Down to templates and up again: the series' tables and the meetup's link to them go and return,
    and a meetup kept across both is no occurrence of any series."""
    engine = create_engine(database_url)

    def migrate(connection: object, revision: str, *, down: bool = False) -> None:
        config = alembic_config()
        config.attributes["connection"] = connection
        (command.downgrade if down else command.upgrade)(config, revision)

    try:
        assert await upgrade_to_head(engine) == head_revision()
        async with engine.begin() as conn:
            await conn.execute(
                text(
                    "INSERT INTO meetup (id, guild_id, channel_id, title, starts_at, ends_at, timezone, status,"
                    " created_by, created_at, updated_at, reminder_offsets, remind_maybe, message_missing,"
                    " shown_phase) VALUES (1, 1, 2, 't', :at, :at, 'UTC', 'scheduled', 3, :at, :at, '', false,"
                    " false, 'scheduled')"
                ),
                {"at": datetime(2026, 12, 1, 10, tzinfo=UTC)},
            )
            await conn.run_sync(migrate, "0010", down=True)
        async with engine.connect() as conn:
            tables = await conn.run_sync(lambda c: set(inspect(c).get_table_names()))
        assert not {"recurring_series", "recurring_skip"} & tables
        assert await upgrade_to_head(engine) == head_revision()
        async with engine.connect() as conn:
            row = (await conn.execute(text("SELECT recurring_series_id, occurrence_index FROM meetup"))).one()
        assert tuple(row) == (None, None)
    finally:
        await engine.dispose()
