"""Insert-if-absent that is safe when two transactions try at once, on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from sqlalchemy import inspect
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import DeclarativeBase


async def insert_ignoring_conflict(session: AsyncSession, model: type[DeclarativeBase], **values: Any) -> None:
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    await session.execute(insert(model).values(**values).on_conflict_do_nothing())


async def insert_if_absent(session: AsyncSession, model: type[DeclarativeBase], **values: Any) -> bool:
    """Insert-if-absent that says whether it inserted: False when the row was there already, or
    another transaction's insert of it committed first (PostgreSQL waits for that one to end)."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    keys = inspect(model).primary_key
    result = await session.execute(insert(model).values(**values).on_conflict_do_nothing().returning(*keys))
    return result.first() is not None
