from __future__ import annotations

import asyncio
import contextlib

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.db.database import Database
from bot.db.models import AppState

pytestmark = pytest.mark.asyncio


async def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(engine: AsyncEngine) -> None:
    if engine.dialect.name != "sqlite":
        pytest.skip("SQLite only")
    async with engine.connect() as conn:
        assert (await conn.exec_driver_sql("PRAGMA journal_mode")).scalar() == "wal"
        assert (await conn.exec_driver_sql("PRAGMA busy_timeout")).scalar() == 30_000
        assert (await conn.exec_driver_sql("PRAGMA foreign_keys")).scalar() == 1


async def test_concurrent_read_modify_write_transactions_do_not_lose_updates(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    """50 increments of one counter, at once: each transaction reads then writes.

    On SQLite, a deferred transaction would fail with 'database is locked' or lose updates; with
    BEGIN IMMEDIATE the writers queue. On PostgreSQL the row lock does the same.
    """
    async with sessionmaker() as s, s.begin():
        s.add(AppState(key="counter", value="0"))

    async def increment() -> None:
        async with sessionmaker() as s, s.begin():
            row = (
                await s.execute(text("SELECT value FROM app_state WHERE key = 'counter' FOR UPDATE"))
                if s.get_bind().dialect.name == "postgresql"
                else await s.execute(text("SELECT value FROM app_state WHERE key = 'counter'"))
            ).scalar_one()
            await asyncio.sleep(0)
            await s.execute(text("UPDATE app_state SET value = :v WHERE key = 'counter'"), {"v": str(int(row) + 1)})

    await asyncio.gather(*(increment() for _ in range(50)))
    async with sessionmaker() as s:
        final = await s.get(AppState, "counter")
    assert final is not None
    assert final.value == "50"


async def test_read_only_sessions_do_not_wait_for_a_writer(
    sessionmaker: async_sessionmaker[AsyncSession], read_sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    async with sessionmaker() as writer, writer.begin():
        writer.add(AppState(key="held", value="1"))
        await writer.flush()
        async with read_sessionmaker() as reader, reader.begin():
            seen = await asyncio.wait_for(reader.get(AppState, "held"), timeout=2)
    assert seen is None  # the writer has not committed yet


async def test_a_unit_of_work_cancelled_mid_statement_gives_the_write_lock_back_at_once(db: Database) -> None:
    """A shutdown cancels work in progress. SQLAlchemy closes, rather than rolls back, a connection
    whose statement was cut short; SQLite keeps such a connection (write lock and all) open until the
    cursor is collected, so the next writer waited out the whole busy timeout."""
    started = asyncio.Event()

    async def slow_writer() -> None:
        async with db.transaction() as session:
            session.add(AppState(key="half-made", value="1"))
            await session.flush()
            started.set()
            # A read that takes a while, so the cancel lands while SQLite is inside it.
            await session.execute(
                text(
                    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000000)"
                    " SELECT i FROM n ORDER BY i DESC"
                )
            )

    task = asyncio.create_task(slow_writer())
    await started.wait()
    await asyncio.sleep(0.05)
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
    async with asyncio.timeout(10):  # the busy timeout is 30 s
        async with db.transaction() as session:
            session.add(AppState(key="next", value="1"))
    async with db.reading() as session:
        assert await session.get(AppState, "half-made") is None
        assert await session.get(AppState, "next") is not None
