"""The database as the bot uses it: an engine and units of work on it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager, nullcontext

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from bot.db.engine import create_engine, make_read_sessionmaker, make_sessionmaker
from bot.metrics import DATABASE_ERRORS


class Database:
    """Opens units of work: `transaction()` for changes, `reading()` for reads only."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self.sessionmaker = make_sessionmaker(engine)
        self.read_sessionmaker = make_read_sessionmaker(engine)
        # SQLite has one writer at a time. Writers that wait on its busy handler poll with
        # growing sleeps; queueing them here instead hands the lock over at once, which doubles
        # throughput under a burst. Other processes on the same file still wait on the handler.
        self._write_gate: asyncio.Lock | None = asyncio.Lock() if engine.dialect.name == "sqlite" else None

    @classmethod
    def from_url(cls, url: str) -> Database:
        return cls(create_engine(url))

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """One unit of work: committed when the block ends, rolled back if it raises."""
        gate: AbstractAsyncContextManager[object] = self._write_gate or nullcontext()
        try:
            async with gate, self.sessionmaker() as session, session.begin():
                yield session
        except SQLAlchemyError:
            DATABASE_ERRORS.inc()
            raise

    @asynccontextmanager
    async def reading(self) -> AsyncIterator[AsyncSession]:
        """A read-only unit of work that never waits for writers."""
        try:
            async with self.read_sessionmaker() as session, session.begin():
                yield session
        except SQLAlchemyError:
            DATABASE_ERRORS.inc()
            raise

    async def ping(self) -> None:
        """A trivial query: raises if the database cannot be reached."""
        async with self.reading() as session:
            await session.execute(text("SELECT 1"))

    async def dispose(self) -> None:
        await self.engine.dispose()
