"""Migration 0012: the regulars of recurring series come and go with it, and one member is a
regular of a series once."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from alembic import command
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from bot.db.engine import create_engine
from bot.db.migrate import alembic_config, upgrade_to_head
from tests.bot.db.test_migrations import head_revision

AT = datetime(2026, 12, 1, 10, tzinfo=UTC)


def migrate(connection: object, revision: str, *, down: bool = False) -> None:
    config = alembic_config()
    config.attributes["connection"] = connection
    (command.downgrade if down else command.upgrade)(config, revision)


async def test_series_regulars_come_and_go_with_their_migration(database_url: str) -> None:
    engine = create_engine(database_url)
    try:
        async with engine.begin() as conn:
            await conn.run_sync(migrate, "0012")
            await conn.execute(
                text(
                    "INSERT INTO recurring_series (id, guild_id, channel_id, repeat_kind, first_local, timezone,"
                    " status, created_by, title, duration_minutes, reminder_offsets, remind_maybe, next_index,"
                    " attempts, created_at, updated_at) VALUES (1, 1, 2, 'weekly', :local, 'UTC', 'active', 3,"
                    " 't', 60, '', false, 1, 0, :at, :at)"
                ),
                {"local": AT.replace(tzinfo=None), "at": AT},
            )
            await conn.execute(
                text("INSERT INTO series_regular (series_id, user_id, joined_at) VALUES (1, 7, :at)"), {"at": AT}
            )
        with pytest.raises(IntegrityError):
            async with engine.begin() as conn:
                await conn.execute(
                    text("INSERT INTO series_regular (series_id, user_id, joined_at) VALUES (1, 7, :at)"), {"at": AT}
                )
        async with engine.begin() as conn:
            await conn.run_sync(migrate, "0011", down=True)
        async with engine.connect() as conn:
            tables = await conn.run_sync(lambda c: set(inspect(c).get_table_names()))
        assert "series_regular" not in tables and "recurring_series" in tables
        assert await upgrade_to_head(engine) == head_revision()
        async with engine.connect() as conn:
            assert (await conn.execute(text("SELECT count(*) FROM series_regular"))).scalar_one() == 0
    finally:
        await engine.dispose()
