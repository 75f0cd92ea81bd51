"""Fixtures shared by every test: a migrated database (SQLite, or PostgreSQL when asked)."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.db.engine import create_engine, make_read_sessionmaker, make_sessionmaker
from bot.db.migrate import upgrade_to_head
from bot.settings import to_async_database_url

POSTGRES_URL = os.environ.get("TEST_DATABASE_URL")


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
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(database_url)
    await upgrade_to_head(engine)
    yield engine
    await engine.dispose()


@pytest.fixture
def sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return make_sessionmaker(engine)


@pytest.fixture
def read_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return make_read_sessionmaker(engine)


@pytest.fixture
async def session(sessionmaker: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    """A session inside a transaction, for tests that work in one unit."""
    async with sessionmaker() as session, session.begin():
        yield session
