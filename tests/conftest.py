"""Fixtures shared by every test: a migrated database (SQLite, or PostgreSQL when asked)."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.db.database import Database
from bot.db.engine import create_engine
from bot.db.migrate import upgrade_to_head
from bot.db.models import Base
from bot.settings import to_async_database_url

POSTGRES_URL = os.environ.get("TEST_DATABASE_URL")
# The bot reads the project's .env too: a developer's own (a token, DEV_GUILD_ID, DATABASE_URL)
# must not reach the tests, nor the bots they start.
os.environ["MEETUP_BOT_ENV_FILE"] = os.devnull


async def reset_postgres(url: str) -> None:
    """Empty the test database: every test starts from migrations on a blank schema."""
    engine = create_engine(url)
    async with engine.begin() as conn:
        await conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        await conn.execute(text("CREATE SCHEMA public"))
    await engine.dispose()


@pytest.fixture
async def database_url(tmp_path: Path) -> str:
    """The URL of an empty database for one test."""
    if POSTGRES_URL:
        url = to_async_database_url(POSTGRES_URL)
        await reset_postgres(url)
        return url
    return f"sqlite+aiosqlite:///{tmp_path / 'test.sqlite3'}"


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    """The migrated database, opened as the bot opens it."""
    database = Database.from_url(database_url)
    await upgrade_to_head(database.engine)
    yield database
    await database.dispose()


@pytest.fixture
def engine(db: Database) -> AsyncEngine:
    return db.engine


@pytest.fixture
def sessionmaker(db: Database) -> async_sessionmaker[AsyncSession]:
    return db.sessionmaker


@pytest.fixture
def read_sessionmaker(db: Database) -> async_sessionmaker[AsyncSession]:
    return db.read_sessionmaker


@pytest.fixture
async def session(db: Database) -> AsyncIterator[AsyncSession]:
    """A session inside a transaction, for tests that work in one unit."""
    async with db.transaction() as session:
        yield session


@pytest.fixture(autouse=True)
def forget_disposed_engines() -> Iterator[None]:
    """Each test opens its own engine; the bot opens one per process. The ORM's statement caches
    are kept per mapper, keyed by dialect, so across tests they would keep every disposed engine's
    dialect alive, and with it the tables of every migration run on it: a few megabytes per test,
    which made the garbage collector's full passes in a whole run hold the event loop for a second."""
    yield
    for mapper in Base.registry.mappers:
        mapper.__dict__.pop("_compiled_cache", None)  # a memoized attribute: rebuilt on first use
